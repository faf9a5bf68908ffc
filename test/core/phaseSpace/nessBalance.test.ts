/**
 * On exact NESSs of the Kerr model (nessDensityMatrix, the Kerr core's direct solve): Π_U + Π_J = Φ (seed Eq. 18 with
 * dS_W/dt = 0), the polar integrals against a fine Cartesian grid, and stability under K and grid refinement.
 */
import { describe, expect, it } from 'vitest';
import { applyLiouvillian } from '../../../src-core/kerr/liouvillian.js';
import { PAPER, toRaw, type KerrParams } from '../../../src-core/kerr/model.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { zeros } from '../../../src-core/linalg/complexMatrix.js';
import { entropyRate } from '../../../src-core/phaseSpace/entropyProduction.js';
import { autoPolarGrid, evaluatePolar, newPolarField, polarPlan } from '../../../src-core/phaseSpace/husimi.js';
import { husimiCartesian } from '../../../src-core/phaseSpace/image.js';
import { kerrObservables, phaseSpaceIntegrals } from '../../../src-core/phaseSpace/observables.js';
import { liouvillian } from './states.js';

const at = (eps: number, N: number): KerrParams => ({ kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u, eps, N });

describe('NESS balance Π_U + Π_J = Φ', () => {
  it.each([
    [0.5, 1, 16],
    [0.933, 1, 20],
    [1.3, 1, 24],
    [0.8, 5, 36],
    [0.933, 5, 40],
    [0.933, 10, 60],
    [1.1, 10, 70],
  ])('ε = %f, N = %i (K = %i)', (eps, N, K) => {
    const p = at(eps, N);
    const rho = nessDensityMatrix(p, K);
    const o = kerrObservables(rho, p, { verify: true });
    expect(o.topPopulation).toBeLessThan(1e-12);
    expect(Math.abs(o.Pi_U + o.Pi_J - o.Phi)).toBeLessThan(1e-8 * Math.max(1, o.Phi));
    expect(o.verification!.maxChange).toBeLessThan(1e-8);
    expect(Math.abs(o.norm - 1)).toBeLessThan(1e-12);
    expect(o.Pi_d).toBeGreaterThan(0);
    expect(o.G).toBeGreaterThan(0);
  });
});

describe('NESS observables: independent checks', () => {
  it('the test-local element formula of L agrees with the Kerr core’s applyLiouvillian', () => {
    const p = at(0.9, 3), K = 20;
    const ness = nessDensityMatrix(p, K);
    // perturbed away from the NESS so that L(ρ) ≠ 0 (Hermiticity is not needed for an element-wise comparison)
    const rho = { K, re: ness.re.map((v, i) => v + 1e-3 * Math.sin(i)), im: ness.im };
    const raw = toRaw(p);
    const mine = liouvillian(raw, rho);
    const theirs = zeros(K);
    applyLiouvillian(raw, rho, theirs);
    let d = 0;
    for (let i = 0; i < K * K; i++) d = Math.max(d, Math.abs(mine.re[i] - theirs.re[i]), Math.abs(mine.im[i] - theirs.im[i]));
    expect(d).toBeLessThan(1e-13);
  });

  it.each([
    [0.933, 5, 40],
    [1.1, 10, 70],
  ])('Π_U by B7 equals −∫Q[−i[H, ρ]] ln Q on the NESS ε = %f, N = %i', (eps, N, K) => {
    const p = at(eps, N);
    const rho = nessDensityMatrix(p, K);
    const grid = autoPolarGrid(rho);
    const plan = polarPlan(K, grid);
    const fr = evaluatePolar(rho, plan, newPolarField(plan), { fullAngles: true });
    const fx = evaluatePolar(liouvillian(toRaw(p), rho, 'hamiltonian'), plan, newPolarField(plan), { fullAngles: true });
    const o = kerrObservables(rho, p);
    expect(Math.abs(o.Pi_U)).toBeGreaterThan(0.01);
    expect(Math.abs(entropyRate(fx, fr) - o.Pi_U)).toBeLessThan(1e-9 * Math.max(1, Math.abs(o.Pi_U)));
  });

  it('polar integrals equal a fine Cartesian grid for the near-critical NESS (ε = 0.933, N = 5)', () => {
    const p = at(0.933, 5);
    const rho = nessDensityMatrix(p, 34);
    const I = phaseSpaceIntegrals(rho);
    const h = 0.1, a = 9, n = Math.round((2 * a) / h) + 1;
    const xs: number[] = [], ys: number[] = [];
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
      xs.push(-a + c * h);
      ys.push(-a + r * h);
    }
    const d = husimiCartesian(rho, xs, ys);
    let qlnq = 0, jj = 0;
    for (let k = 0; k < xs.length; k++) {
      const q = d.q[k];
      if (!(q > 1e-300)) continue;
      qlnq += q * Math.log(q / Math.PI);
      jj += (d.jre[k] ** 2 + d.jim[k] ** 2) / q;
    }
    const w = (h * h) / Math.PI;
    expect(Math.abs(-qlnq * w - I.S_W)).toBeLessThan(1e-10);
    expect(Math.abs(jj * w - I.jj)).toBeLessThan(1e-10);
  });

  it('observables are stable under K → K + 12 (ε = 1.1, N = 5)', () => {
    const p = at(1.1, 5);
    const a = kerrObservables(nessDensityMatrix(p, 40), p);
    const b = kerrObservables(nessDensityMatrix(p, 52), p);
    for (const k of ['S_W', 'Pi_J', 'Pi_U', 'Phi', 'G', 'n'] as const)
      expect(Math.abs(a[k] - b[k]), k).toBeLessThan(1e-8 * Math.max(1, Math.abs(a[k])));
  });
});
