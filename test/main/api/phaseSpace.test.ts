/**
 * The phase-space state views through the API (browser host and Electron share these handlers): P(n), g²(0) and
 * W(μ) of the frame against the exact Drummond–Walls NESS at t = 0 (seed Eq. 6) and the normalisation of W; the
 * photon series on the engine's sample times, refusing a Δt that does not divide t_max (the engine's rule).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../src-main/api/handlers.js';
import { exactMoment } from '../../../src-core/kerr/exactSteadyState.js';

const root = mkdtempSync(join(tmpdir(), 'eps-ps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const h = createHandlers({ host: 'browser', studiesRoot: join(root, 's'), exportsRoot: join(root, 'e'), emit: () => undefined });
const params = { kappa: 0.5, delta: -2, u: 1, epsInitial: 0.5, epsFinal: 1.1, N: 2, tMax: 1 };

describe('phaseSpace.frame state views', () => {
  it('t = 0: g²(0) and <a†a> of the exact NESS at ε_i; ∫W d²μ = 1', async () => {
    const L = 5;
    const grid = { xMin: -L, xMax: L, yMin: -L, yMax: L, nx: 101, ny: 101 };
    const f = (await h.dispatch('phaseSpace.frame', { params, t: 0, grid, wigner: true })) as {
      P: number[]; n: number; g2: number; W: number[]; Wmin: number; Wmax: number;
    };
    const p0 = { kappa: 0.5, delta: -2, u: 1, N: 2, eps: 0.5 };
    const n1 = exactMoment(p0, 1, 1).re, n2 = exactMoment(p0, 2, 2).re;
    expect(f.n).toBeCloseTo(n1, 8);
    expect(f.g2).toBeCloseTo(n2 / (n1 * n1), 7);
    expect(f.P.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const dA = ((2 * L) / 100) ** 2;
    expect(f.W.reduce((a, b) => a + b, 0) * dA).toBeCloseTo(1, 6);
    expect(f.Wmax).toBeLessThanOrEqual(2 / Math.PI + 1e-9);
    expect(f.Wmin).toBeGreaterThanOrEqual(-2 / Math.PI - 1e-9);
  });

  it('photon series: P(n, t_k) at t_k = k·Δt, the same numbers as the frames; Δt must divide t_max', async () => {
    const s = (await h.dispatch('phaseSpace.photonSeries', { params, dt: 0.25 })) as { t: number[]; P: number[][]; g2: number[] };
    expect(s.t).toEqual([0, 0.25, 0.5, 0.75, 1]);
    for (const P of s.P) expect(P.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 8);
    const grid = { xMin: -3, xMax: 3, yMin: -3, yMax: 3, nx: 8, ny: 8 };
    const f = (await h.dispatch('phaseSpace.frame', { params, t: 0.75, grid })) as { P: number[]; g2: number };
    expect(f.g2).toBeCloseTo(s.g2[3], 12);
    expect(f.P[1]).toBeCloseTo(s.P[3][1], 12);
    await expect(h.dispatch('phaseSpace.photonSeries', { params, dt: 0.3 })).rejects.toMatchObject({ field: 'dt' });
  });
});
