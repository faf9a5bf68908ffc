/**
 * The exact complex-P NESS (src-core/model/complexP.ts) against the Fock-basis NESS solve: two independent methods for
 * the two-photon-driven Kerr resonator with one- and two-photon driving and loss.
 */
import { describe, expect, it } from 'vitest';
import { exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import { complexPMoments } from '../../../src-core/model/complexP.js';
import { twoPhotonNess } from '../../../src-core/model/twoPhotonKerr.js';
import { moments } from '../../../src-core/phaseSpace/entropyProduction.js';

const B = { kappa: 0.5, delta: 0, u: 1, eps: 0, eta0: 0 };

describe('complex-P NESS moments against the Fock solve (≤ 1e-8 relative)', () => {
  it.each([
    ['ε = 0, g = 1, N = 10 (PHYSICS.md: <a†a> ≈ 8.443)', { ...B, N: 10, g: 1 }],
    ['ε = 0 below threshold, g = 0.3, N = 20', { ...B, N: 20, g: 0.3 }],
    ['ε = 0 at threshold g_th = 0.5, N = 30', { ...B, N: 30, g: 0.5 }],
    ['ε = 0 far above threshold, g = 1.5, N = 40', { ...B, N: 40, g: 1.5 }],
    ['Δ = 0.4, ε = 0.3, g = 0.7, N = 5', { ...B, delta: 0.4, eps: 0.3, N: 5, g: 0.7 }],
    ['Δ = −1 (subcritical side), u = 2, g = 1.2, N = 6', { ...B, delta: -1, u: 2, N: 6, g: 1.2 }],
    ['two-photon loss η₀ = 0.8, Δ = −0.6, u = 0.5, ε = 0.2, g = 0.9, N = 8', { ...B, delta: -0.6, u: 0.5, eps: 0.2, eta0: 0.8, N: 8, g: 0.9 }],
    ['two-photon loss only (u = 0), η₀ = 1, g = 1, N = 10', { ...B, u: 0, eta0: 1, N: 10, g: 1 }],
  ])('%s', (_, p) => {
    const c = complexPMoments(p);
    const rho = twoPhotonNess(p, { tailTol: 1e-16 }).rho;
    const f = moments(rho);
    const scale = Math.max(1, f.n);
    expect(Math.abs(c.n - f.n)).toBeLessThan(1e-8 * scale);
    expect(Math.abs(c.a.re - f.a_re) + Math.abs(c.a.im - f.a_im)).toBeLessThan(1e-8 * Math.sqrt(scale));
    expect(Math.abs(c.a2.re - f.a2_re) + Math.abs(c.a2.im - f.a2_im)).toBeLessThan(1e-8 * scale);
    if (p.eps === 0) expect(c.a).toEqual({ re: 0, im: 0 }); // parity: J(odd) = 0 exactly
    if (p.g === 1 && p.N === 10 && p.eta0 === 0) expect(c.n).toBeCloseTo(8.443, 3);
    // higher moment too: <a†²a²>
    let n2 = 0;
    for (let m = 2; m < rho.K; m++) n2 += m * (m - 1) * rho.re[m * rho.K + m];
    expect(Math.abs(c.moment(2, 2).re - n2)).toBeLessThan(1e-8 * scale * scale);
  });

  it('G = 0: the recurrence is Drummond–Walls’s series (kerr/exactSteadyState.ts), inside the bistable window too', () => {
    for (const [N, eps] of [[5, 0.933], [20, 0.8], [60, 1.0]]) {
      const p = { kappa: 0.5, delta: -2, u: 1, N, eps };
      const c = complexPMoments({ ...p, g: 0, eta0: 0 }), e = exactNess(p);
      expect(Math.abs(c.n - e.n)).toBeLessThan(1e-10 * Math.max(1, e.n));
      expect(Math.abs(c.a.re - e.a_re) + Math.abs(c.a.im - e.a_im)).toBeLessThan(1e-10 * Math.max(1, Math.sqrt(e.n)));
    }
  });
});
