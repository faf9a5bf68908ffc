/**
 * Splitting a study across processes (`epstudio run … --shard i/n`, one Slurm array task each).
 *
 * A study is a list of independent, deterministic tasks (expandSpec). A shard is a set of whole tasks: a task is never
 * split, so the study folder keeps one result file per task and a sharded study's files are byte-identical to a local
 * run. The assignment is a pure function of the spec and n (no clock, host or file system involved), so every shard
 * of an array computes the same assignment independently:
 *
 *   1. the expected cost of each task (expectedCost below, a relative model, not seconds);
 *   2. tasks in decreasing cost, ties by their index in expandSpec;
 *   3. each task to the shard of least assigned cost so far, ties to the lowest shard index
 *      (Graham's LPT rule: the largest shard is at most 4/3 of the optimum, and close to the mean when there are many
 *      more tasks than shards).
 */
import { ParameterError } from '../../src-core/validation.js';
import type { PlannedTask } from './spec.js';

export interface Shard {
  /** 0-based, as Slurm's SLURM_ARRAY_TASK_ID with `--array=0-(n-1)`. */
  index: number;
  count: number;
}

/** Largest number of shards a study may be split into (Slurm's default MaxArraySize is 1001). */
export const MAX_SHARDS = 10_000;

/** `--shard i/n` with integers 0 ≤ i < n ≤ MAX_SHARDS. */
export function parseShard(raw: string, flag = '--shard'): Shard {
  const m = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(raw);
  const allowed = `i/n with integers 0 ≤ i < n ≤ ${MAX_SHARDS} (e.g. 0/4; Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)`;
  if (!m) throw new ParameterError(flag, allowed, raw);
  const index = Number(m[1]), count = Number(m[2]);
  if (!(count >= 1 && count <= MAX_SHARDS && index < count)) throw new ParameterError(flag, allowed, raw);
  return { index, count };
}

/**
 * Relative expected cost of a task, for ordering (longest first on the pool) and for shard balance. Quench: samples ×
 * (N + 2)² (one Liouvillian step costs ~K² with K growing like N; the Q-grid per sample likewise); gap sweep: a shifted
 * LU and ~12 solves per pump, ~40 × a quench sample at the same N; Fock NESS: one LU per pump; exact NESS and the
 * Gaussian model: closed forms, nearly free.
 */
export function expectedCost(t: PlannedTask): number {
  const N = Number((t.quench ?? t.modelQuench?.final ?? t.sweep?.fixed)?.N ?? 1);
  if (t.quench || t.modelQuench) return t.total * (N + 2) * (N + 2);
  if (t.sweep?.sweep === 'gap') return t.total * 4 * (N + 2) ** 2 * 10;
  if (t.sweep?.sweep === 'ness-fock') return t.total * (N + 2) ** 2;
  // two-photon model: K grows like the photon number N·n above threshold; a gap point solves two parity sectors
  if (t.sweep?.sweep === 'tp-ness') return t.total * 2 * (N + 2) ** 2;
  if (t.sweep?.sweep === 'tp-gap') return t.total * 4 * (N + 2) ** 2 * 10;
  return t.total * 0.01;
}

/** Shard index of every task (same order as `tasks`), by the LPT rule above. */
export function assignShards(tasks: readonly PlannedTask[], count: number): number[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) throw new ParameterError('shard count', `an integer in [1, ${MAX_SHARDS}]`, count);
  const costs = tasks.map(expectedCost);
  const order = costs.map((c, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const load = new Float64Array(count);
  const out = new Array<number>(tasks.length);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    out[i] = best;
    load[best] += costs[i];
  }
  return out;
}

/** The tasks of one shard, in expandSpec order. */
export function tasksOfShard<T extends PlannedTask>(tasks: readonly T[], shard: Shard): T[] {
  const a = assignShards(tasks, shard.count);
  return tasks.filter((_, i) => a[i] === shard.index);
}

/** Expected cost per shard and the balance figure the bench reports: largest shard / mean shard. */
export function shardBalance(tasks: readonly PlannedTask[], count: number): { costs: number[]; max: number; mean: number; ratio: number } {
  const a = assignShards(tasks, count);
  const costs = new Array<number>(count).fill(0);
  tasks.forEach((t, i) => (costs[a[i]] += expectedCost(t)));
  const max = Math.max(...costs);
  const mean = costs.reduce((s, c) => s + c, 0) / count;
  return { costs, max, mean, ratio: mean > 0 ? max / mean : 1 };
}
