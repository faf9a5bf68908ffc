// Needs the compiled worker (dist/workers/studyWorker.js): `npm run build` first (npm test does it).
import { afterAll, describe, expect, it } from 'vitest';
import { exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import { PRESETS } from '../../../src-core/gaussian/model.js';
import { gaussianSweep } from '../../../src-core/gaussian/sweep.js';
import { gapSweep } from '../../../src-core/kerr/spectrum.js';
import { JobError, WorkerPool } from '../../../src-main/jobs/pool.js';
import { PRIORITY, Scheduler } from '../../../src-main/jobs/scheduler.js';
import type { RowsResult } from '../../../workers/protocol.js';

const pools: WorkerPool[] = [];
afterAll(async () => {
  for (const p of pools) await p.destroy();
});
const newPool = (n: number) => {
  const p = new WorkerPool(n);
  pools.push(p);
  return p;
};

describe('worker pool', () => {
  it('runs sweep points on workers; rows equal the engine called in-process (bit for bit)', async () => {
    const pool = newPool(2);
    const xs = Array.from({ length: 11 }, (_, i) => (2.4 * i) / 10);
    const chunks = [xs.slice(0, 4), xs.slice(4, 8), xs.slice(8)];
    const res = await Promise.all(chunks.map((c) => pool.run<RowsResult>({ op: 'points', sweep: 'gaussian', fixed: { preset: 'cavity-om' }, xs: c })));
    const ref = gaussianSweep(PRESETS['cavity-om'].params, { variable: 'g_over_kappa', from: 0, to: 2.4, points: 11 });
    const rows = res.flatMap((r) => Array.from({ length: r.rows.length / r.cols }, (_, i) => r.rows.subarray(i * r.cols, (i + 1) * r.cols)));
    expect(rows.length).toBe(11);
    rows.forEach((r, i) => {
      // columns x, g, g_cr, Pi_s, mu_a, mu_b, n_a, n_b
      expect(r[1]).toBe(ref.g[i]);
      expect(r[3]).toBe(ref.Pi_s[i]);
      expect(r[5]).toBe(ref.mu_b[i]);
      expect(r[7]).toBe(ref.n_b[i]);
    });
    const ness = await pool.run<RowsResult>({ op: 'points', sweep: 'ness-exact', fixed: { kappa: 0.5, delta: -2, u: 1, N: 10 }, xs: [0.933] });
    const e = exactNess({ kappa: 0.5, delta: -2, u: 1, N: 10, eps: 0.933 });
    expect(Array.from(ness.rows)).toEqual([10, 0.933, e.a_re, e.a_im, e.n, e.alpha_abs]);
  });

  it('a gap block on a worker equals the engine gapSweep over the same pumps, bit for bit', async () => {
    const pool = newPool(1);
    const xs = [0.9, 1.0, 1.1];
    const r = await pool.run<RowsResult>({ op: 'points', sweep: 'gap', fixed: { kappa: 0.5, delta: -2, u: 1, N: 1 }, xs });
    const ref = gapSweep({ kappa: 0.5, delta: -2, u: 1 }, [1], xs);
    expect(r.cols).toBe(7);
    ref.forEach((p, i) => {
      expect(Array.from(r.rows.subarray(i * 7, i * 7 + 7))).toEqual([1, p.eps, p.gap, p.zeta1.re, p.zeta1.im, p.K, p.converged ? 1 : 0]);
      expect(p.gap).toBeGreaterThan(0);
    });
  });

  it('a job that throws in the worker rejects with its error; the pool keeps working', async () => {
    const pool = newPool(1);
    // g/κ_a = 5 is past the cavity-OM threshold (g_cr/κ_a ≈ 3.1): the engine throws its InstabilityError.
    const bad = pool.run({ op: 'points', sweep: 'gaussian', fixed: { preset: 'cavity-om' }, xs: [5] });
    await expect(bad).rejects.toBeInstanceOf(JobError);
    await expect(bad).rejects.toThrow(/g_cr/);
    const again = await pool.run<RowsResult>({ op: 'points', sweep: 'gaussian', fixed: { preset: 'cavity-om' }, xs: [0] });
    expect(again.rows[3]).toBe(0); // Π_s = 0 without coupling
  });

  it('reports progress over a MessageChannel and resolves with the single reply', async () => {
    const pool = newPool(1);
    const seen: number[] = [];
    const r = await pool.run<RowsResult>(
      { op: 'points', sweep: 'ness-exact', fixed: { kappa: 0.5, delta: -2, u: 1, N: 5 }, xs: [0.1, 0.2, 0.3, 0.4] },
      { onProgress: (p) => seen.push(p.done) },
    );
    expect(r.rows.length).toBe(4 * 6);
    await new Promise((res) => setTimeout(res, 50));
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('scheduler: cancel rejects queued jobs and stops running ones at their next point', async () => {
    const pool = newPool(1);
    const sched = new Scheduler(pool);
    const many = Array.from({ length: 2000 }, (_, i) => 0.5 + i * 1e-4);
    const running = sched.submit({ op: 'points', sweep: 'ness-exact', fixed: { kappa: 0.5, delta: -2, u: 1, N: 200 }, xs: many }, PRIORITY.points, 0);
    const queued = sched.submit({ op: 'points', sweep: 'ness-exact', fixed: { kappa: 0.5, delta: -2, u: 1, N: 5 }, xs: [0.5] }, PRIORITY.points, 1);
    await new Promise((res) => setTimeout(res, 300));
    sched.cancel();
    await expect(queued).rejects.toMatchObject({ cancelled: true });
    await expect(running).rejects.toMatchObject({ cancelled: true });
    await expect(sched.submit({ op: 'points', sweep: 'gaussian', fixed: { preset: 'cavity-om' }, xs: [0] }, 0, 0)).rejects.toMatchObject({ cancelled: true });
  });
});
