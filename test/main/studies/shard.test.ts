import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assignShards, expectedCost, parseShard, shardBalance, tasksOfShard } from '../../../src-main/studies/shard.js';
import { expandSpec, parseSpec, type PlannedTask } from '../../../src-main/studies/spec.js';
import { ParameterError } from '../../../src-core/validation.js';

/** A quench grid of nN × nEps tasks (cheap to expand: nothing runs). */
function quenchGrid(Ns: number[], nEps: number, tMax = 10): PlannedTask[] {
  const epsFinal = Array.from({ length: nEps }, (_, i) => +(0.6 + (0.8 * i) / Math.max(1, nEps - 1)).toFixed(6));
  // A spec list holds at most 64 values: one task group per block of 50 pumps.
  const tasks = [];
  for (let i = 0; i < nEps; i += 50) tasks.push({ kind: 'quench', N: Ns, epsInitial: 0.5, epsFinal: epsFinal.slice(i, i + 50), tMax, dt: 0.2 });
  return expandSpec(parseSpec({ version: 1, name: 'grid', tasks }));
}

/** Exact optimum makespan by exhaustive search (small instances only), an independent reference for LPT. */
function optimum(costs: number[], m: number): number {
  let best = Infinity;
  const load = new Array(m).fill(0);
  const sorted = [...costs].sort((a, b) => b - a);
  const go = (k: number) => {
    const cur = Math.max(...load);
    if (cur >= best) return;
    if (k === sorted.length) return void (best = cur);
    const seen = new Set<number>();
    for (let s = 0; s < m; s++) {
      if (seen.has(load[s])) continue; // symmetric branches
      seen.add(load[s]);
      load[s] += sorted[k];
      go(k + 1);
      load[s] -= sorted[k];
    }
  };
  go(0);
  return best;
}

describe('parseShard', () => {
  it('takes i/n with 0 ≤ i < n and refuses the rest naming the flag', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard(' 7 / 8 ')).toEqual({ index: 7, count: 8 });
    for (const bad of ['8/8', '1/0', '-1/4', '1.5/4', 'a/b', '', '3', '0/100001', '1/2/3'])
      expect(() => parseShard(bad), bad).toThrow(/--shard/);
    expect(() => parseShard('9/4')).toThrow(ParameterError);
  });
});

describe('assignShards', () => {
  it('puts every task in exactly one shard, the same way every time', () => {
    const tasks = quenchGrid([1, 5, 10, 15, 20], 13);
    for (const n of [1, 2, 3, 8, 64, 100]) {
      const a = assignShards(tasks, n);
      expect(assignShards(tasks, n)).toEqual(a);
      expect(a.every((s) => Number.isInteger(s) && s >= 0 && s < n)).toBe(true);
      const union = Array.from({ length: n }, (_, i) => tasksOfShard(tasks, { index: i, count: n }).map((t) => t.info.id)).flat();
      expect(union.sort()).toEqual(tasks.map((t) => t.info.id).sort());
    }
  });

  it('is within 4/3 of the exhaustive optimum and within the list-scheduling bound (random small instances)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(1, 2, 3, 5, 8, 10, 15, 20), { minLength: 1, maxLength: 9 }), fc.integer({ min: 2, max: 3 }), (Ns, m) => {
        const tasks = Ns.map((N, i) => quenchGrid([N], 1, 2 + (i % 3) * 2)[0]);
        const costs = tasks.map(expectedCost);
        const { max, mean } = shardBalance(tasks, m);
        expect(max).toBeLessThanOrEqual((4 / 3) * optimum(costs, m) * (1 + 1e-12));
        expect(max).toBeLessThanOrEqual(mean + Math.max(...costs) + 1e-9);
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it('balances a 1000-task study 8 ways within 15 % of the mean (issue 13 target)', () => {
    const tasks = quenchGrid([1, 2, 3, 5, 8, 10, 15, 20, 30, 40], 100);
    expect(tasks.length).toBe(1000);
    const b = shardBalance(tasks, 8);
    expect(b.ratio).toBeLessThanOrEqual(1.15);
    expect(b.costs.reduce((s, c) => s + c, 0)).toBeCloseTo(tasks.reduce((s, t) => s + expectedCost(t), 0), 6);
  });
});
