import { describe, expect, it } from 'vitest';
import { applyLiouvillian } from '../../../src-core/kerr/liouvillian.js';
import { toRaw, type KerrParams } from '../../../src-core/kerr/model.js';
import { newStats, propagateInterval } from '../../../src-core/kerr/propagate.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { hermiticityError, trace, zeros, type ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { cmVec, expm, maxAbsDiff, moments, randomDensityMatrix, superoperatorMatrix } from './helpers.js';

const paper = { kappa: 0.5, delta: -2, u: 1 };

function evolve(rho: ComplexMatrix, p: KerrParams, dt: number, k: number, rtol?: number, method?: 'taylor' | 'dop853'): ComplexMatrix[] {
  const out = [rho];
  for (let i = 0; i < k; i++) out.push(propagateInterval(out[out.length - 1], p, dt, { rtol, method }));
  return out;
}

describe('propagateInterval (Taylor series of e^{τL}; Lawson–DOP853 with exact Kerr phases)', () => {
  it('matches expm of the dense K²×K² Liouvillian at tiny K (both methods)', () => {
    for (const [N, eps, K, method] of [[2, 1.1, 6, 'taylor'], [1, 0.7, 5, 'taylor'], [2, 1.1, 6, 'dop853']] as const) {
      const p = { ...paper, N, eps };
      const raw = toRaw(p);
      const M = superoperatorMatrix(K, (x) => {
        const y = zeros(K);
        applyLiouvillian(raw, x, y);
        return y;
      });
      let rho = randomDensityMatrix(K, 5);
      let ref = rho;
      const P = expm(M, 0.5);
      for (let i = 0; i < 4; i++) {
        rho = propagateInterval(rho, p, 0.5, { method });
        ref = cmVec(P, ref);
        expect(maxAbsDiff(rho, ref)).toBeLessThan(1e-10);
      }
    }
  });

  it('keeps a coherent state coherent when U → 0: α(t) = α_ss(1 − e^{−(κ+iΔ)t})', () => {
    const p = { kappa: 0.5, delta: -2, u: 1e-9, N: 1, eps: 1.1 };
    const K = 30;
    let rho = zeros(K);
    rho.re[0] = 1; // vacuum
    const den = p.kappa ** 2 + p.delta ** 2;
    const ssr = (p.eps * p.kappa) / den, ssi = (-p.eps * p.delta) / den;
    const dt = 0.25;
    for (let i = 1; i <= 16; i++) {
      rho = propagateInterval(rho, p, dt);
      const t = i * dt;
      // 1 − e^{−(κ+iΔ)t}
      const er = 1 - Math.exp(-p.kappa * t) * Math.cos(p.delta * t), ei = Math.exp(-p.kappa * t) * Math.sin(p.delta * t);
      const ar = ssr * er - ssi * ei, ai = ssr * ei + ssi * er;
      const m = moments(rho);
      expect(Math.abs(m.a_re - ar)).toBeLessThan(1e-9);
      expect(Math.abs(m.a_im - ai)).toBeLessThan(1e-9);
      expect(Math.abs(m.n - (ar * ar + ai * ai))).toBeLessThan(1e-9);
    }
  });

  it('converges under a tighter tolerance and a larger K', () => {
    const pi = { ...paper, N: 5, eps: 0.5 }, pf = { ...pi, eps: 1.1 };
    const K = 40;
    const r0 = nessDensityMatrix(pi, K);
    const a = evolve(r0, pf, 0.2, 15);
    const b = evolve(r0, pf, 0.2, 15, 1e-13);
    for (let i = 0; i < a.length; i++) expect(maxAbsDiff(a[i], b[i])).toBeLessThan(1e-9);
    // K + 12: the same physics (moments) to round-off level
    const K2 = K + 12;
    const c = evolve(nessDensityMatrix(pi, K2), pf, 0.2, 15);
    const ma = moments(a[15]), mc = moments(c[15]);
    expect(Math.abs(ma.n - mc.n) / mc.n).toBeLessThan(1e-10);
    expect(Math.hypot(ma.a_re - mc.a_re, ma.a_im - mc.a_im)).toBeLessThan(1e-10);
  });

  it('Taylor (default) and the independent Lawson–DOP853 at rtol 1e-13 agree along the paper quench (N = 10, K = 61)', () => {
    // The bench quench's first 2 time units: max|Δρ| measured 8.8e-14; the observables' 1e-6 target needs ≲ 1e-10.
    const pi = { ...paper, N: 10, eps: 0.5 }, pf = { ...pi, eps: 1.1 };
    const r0 = nessDensityMatrix(pi, 61);
    const stats = newStats();
    let a = r0, b = r0;
    for (let i = 1; i <= 10; i++) {
      a = propagateInterval(a, pf, 0.2, { stats });
      b = propagateInterval(b, pf, 0.2, { method: 'dop853', rtol: 1e-13, atol: 1e-16 });
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-11);
    }
    expect(maxAbsDiff(a, r0)).toBeGreaterThan(0.05); // the state did move
    expect(stats.evaluations).toBeGreaterThan(0);
  });

  it('Taylor: the semigroup e^{0.5L} e^{0.7L} = e^{1.2L} holds with different substep counts', () => {
    const pf = { ...paper, N: 5, eps: 1.3 };
    const r0 = nessDensityMatrix({ ...pf, eps: 0.5 }, 40);
    const two = propagateInterval(propagateInterval(r0, pf, 0.5), pf, 0.7);
    const one = propagateInterval(r0, pf, 1.2);
    expect(maxAbsDiff(r0, one)).toBeGreaterThan(0.01);
    expect(maxAbsDiff(two, one)).toBeLessThan(1e-11); // measured 7e-13
  });

  it('conserves trace and Hermiticity along a run', () => {
    const pf = { ...paper, N: 5, eps: 1.3 };
    const states = [...evolve(nessDensityMatrix({ ...pf, eps: 0.5 }, 50), pf, 0.2, 20), ...evolve(nessDensityMatrix({ ...pf, eps: 0.5 }, 50), pf, 0.2, 10, undefined, 'dop853')];
    for (const r of states) {
      const t = trace(r);
      expect(Math.abs(t.re - 1)).toBeLessThan(1e-12);
      expect(Math.abs(t.im)).toBeLessThan(1e-14);
      expect(hermiticityError(r)).toBe(0);
    }
  });

  it('relaxes to the NESS at long times', () => {
    const pf = { ...paper, N: 1, eps: 1.3 };
    const K = 25;
    const target = nessDensityMatrix(pf, K);
    // The slowest rate here is ≈ 0.2 (the distance falls by e^{-0.2·50} ≈ 2e-5 over t = 50): run to t = 150.
    const states = evolve(nessDensityMatrix({ ...pf, eps: 0.5 }, K), pf, 5, 30);
    expect(maxAbsDiff(states[0], target)).toBeGreaterThan(1e-2);
    const d10 = maxAbsDiff(states[10], target), d20 = maxAbsDiff(states[20], target);
    expect(d20).toBeLessThan(d10 * 1e-3); // exponential approach
    expect(maxAbsDiff(states[30], target)).toBeLessThan(1e-10);
  });

  it('is deterministic: resuming from the ρ saved at sample k is bit-identical', () => {
    const pf = { ...paper, N: 5, eps: 1.1 };
    const r0 = nessDensityMatrix({ ...pf, eps: 0.5 }, 40);
    const run = evolve(r0, pf, 0.2, 6);
    const saved: ComplexMatrix = { K: 40, re: Float64Array.from(run[3].re), im: Float64Array.from(run[3].im) };
    let r = saved;
    const stats = newStats();
    for (let i = 4; i <= 6; i++) {
      r = propagateInterval(r, pf, 0.2, { stats });
      expect(r.re).toEqual(run[i].re);
      expect(r.im).toEqual(run[i].im);
    }
    expect(stats.steps).toBeGreaterThan(0);
  });
});
