/**
 * Issue 13: balance of the shard assignment (`epstudio run --shard i/n`, one Slurm array task each). Figures: the
 * largest shard's expected cost over the mean (target ≤ 1.15 for a 1000-task study sharded 8 ways), against a
 * round-robin assignment of the same tasks measured in the same run as the baseline.
 */
import { assignShards, expectedCost, shardBalance } from '../src-main/studies/shard.js';
import { expandSpec, parseSpec, type PlannedTask } from '../src-main/studies/spec.js';
import type { BenchRow, BenchSection } from './types.js';

const grid = (from: number, to: number, points: number) => Array.from({ length: points }, (_, i) => +(from + ((to - from) * i) / (points - 1)).toFixed(6));
const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

function roundRobin(tasks: PlannedTask[], n: number): number {
  const costs = new Array<number>(n).fill(0);
  tasks.forEach((t, i) => (costs[i % n] += expectedCost(t)));
  return Math.max(...costs) / (costs.reduce((s, c) => s + c, 0) / n);
}

function row(name: string, tasks: PlannedTask[], n: number, target?: string): BenchRow {
  const t0 = performance.now();
  assignShards(tasks, n);
  const ms = performance.now() - t0;
  const b = shardBalance(tasks, n);
  const rr = roundRobin(tasks, n);
  return {
    name,
    value: b.ratio,
    unit: 'max/mean',
    baseline: rr,
    ratio: rr / b.ratio,
    target,
    note: `${tasks.length} tasks, ${n} shards; baseline = round-robin in spec order; assignment took ${ms.toFixed(1)} ms`,
  };
}

export async function run(): Promise<BenchSection> {
  // 1000 quenches: N ∈ {1, 2, 3, 5, 8, 10, 15, 20, 30, 40} × 100 ε_f (spec lists hold ≤ 64 values: groups of 50).
  const Ns = [1, 2, 3, 5, 8, 10, 15, 20, 30, 40];
  const quench = expandSpec(
    parseSpec({ version: 1, name: 'q1000', tasks: chunks(grid(0.6, 1.4, 100), 50).map((epsFinal) => ({ kind: 'quench', N: Ns, epsInitial: 0.5, epsFinal, tMax: 20, dt: 0.2 })) }),
  );
  // The Fig. 3 gap sweep at ten times the resolution and N up to 40: N = 5…40 (36 tasks, one per N) × 200 pumps.
  const gapNs = Array.from({ length: 36 }, (_, i) => 5 + i);
  const gap = expandSpec(parseSpec({ version: 1, name: 'gap', tasks: chunks(gapNs, 18).map((N) => ({ kind: 'gap-sweep', N, eps: { from: 0.5, to: 1.4, points: 200 } })) }));
  return {
    title: 'cluster: shard balance (expected cost of the largest shard / mean)',
    rows: [row('1000 quenches, 8 shards', quench, 8, '≤ 1.15'), row('1000 quenches, 64 shards', quench, 64), row('gap sweep N=5…40 × 200 pumps, 8 shards', gap, 8)],
  };
}
