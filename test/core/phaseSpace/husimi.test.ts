/**
 * Polar Husimi grid: exact limits of PHYSICS.md §1 (vacuum, coherent, Fock, thermal, squeezed), Lieb and von Neumann
 * bounds, the polar samples against direct coherent-state sandwiches, polar integrals against a fine Cartesian grid,
 * and convergence under grid refinement.
 */
import { describe, expect, it } from 'vitest';
import { PAPER, type KerrParams } from '../../../src-core/kerr/model.js';
import { integrate } from '../../../src-core/phaseSpace/entropyProduction.js';
import { vonNeumannEntropy } from '../../../src-core/phaseSpace/gaussianity.js';
import { autoPolarGrid, evaluatePolar, newPolarField, polarPlan } from '../../../src-core/phaseSpace/husimi.js';
import { husimiCartesian } from '../../../src-core/phaseSpace/image.js';
import { kerrObservables, phaseSpaceIntegrals, refinedGrid } from '../../../src-core/phaseSpace/observables.js';
import { coherent, fock, randomState, squeezedVacuum, thermal } from './states.js';

const P: KerrParams = { kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u, eps: 0.8, N: 2 };
const kappa = P.kappa;
const SW0 = 1 + Math.log(Math.PI);
const EULER_GAMMA = 0.5772156649015329;

describe('exact limits', () => {
  it('vacuum: S_W = 1 + ln π, Π_J = Π_U = Φ = 0', () => {
    const o = kerrObservables(fock(0, 8), P);
    expect(Math.abs(o.S_W - SW0)).toBeLessThan(1e-13);
    expect(Math.abs(o.Pi_J)).toBeLessThan(1e-14);
    expect(Math.abs(o.Pi_U)).toBeLessThan(1e-14);
    expect(o.Phi).toBe(0);
    expect(Math.abs(o.norm - 1)).toBeLessThan(1e-13);
  });

  it.each([
    [0.5, 0],
    [1.5, -0.7],
    [3, 2],
    [0, -4],
  ])('coherent |β = %f + %fi>: Π_J = Π_ext = 2κ|β|², Π_d = Π_U = 0, S_W = 1 + ln π, G = 0', (br, bi) => {
    const b2 = br * br + bi * bi;
    const K = Math.ceil(b2 + 12 * Math.sqrt(b2) + 30);
    const o = kerrObservables(coherent(br, bi, K), P);
    expect(Math.abs(o.Pi_ext - 2 * kappa * b2)).toBeLessThan(1e-12 * (1 + b2));
    expect(Math.abs(o.Pi_J - 2 * kappa * b2)).toBeLessThan(1e-10 * (1 + b2));
    expect(Math.abs(o.Pi_d)).toBeLessThan(1e-10 * (1 + b2));
    expect(Math.abs(o.Pi_U)).toBeLessThan(1e-10 * (1 + b2));
    expect(Math.abs(o.S_W - SW0)).toBeLessThan(1e-11);
    expect(Math.abs(o.G)).toBeLessThan(1e-10);
    expect(Math.abs(o.Phi_q)).toBeLessThan(1e-11 * (1 + b2));
  });

  it.each([1, 2, 5, 12])('Fock |%i>: S_W = n + 1 − nψ(n+1) + ln(π n!), Π_J = Φ = 2κn, Π_U = 0', (n) => {
    // Q = e^{−x} x^n/(π n!) with x = |μ|², d²μ = π dx dθ/2π: a Gamma(n+1) law in x, E[ln x] = ψ(n+1) = H_n − γ.
    let H = 0, lnFact = 0;
    for (let k = 1; k <= n; k++) {
      H += 1 / k;
      lnFact += Math.log(k);
    }
    const exact = n + 1 - n * (H - EULER_GAMMA) + Math.log(Math.PI) + lnFact;
    const o = kerrObservables(fock(n, n + 10), P);
    // |1> has Q ∝ r² near the origin, so Q ln Q ∝ r² ln r is not analytic there: Gauss–Legendre converges slower.
    expect(Math.abs(o.S_W - exact)).toBeLessThan(n === 1 ? 1e-9 : 1e-11);
    expect(Math.abs(o.Pi_J - 2 * kappa * n)).toBeLessThan(1e-10 * n);
    expect(Math.abs(o.Pi_U)).toBeLessThan(1e-12);
    expect(o.Phi).toBeCloseTo(2 * kappa * n, 14);
  });

  it.each([0.5, 2])('thermal n̄ = %f: S_W = 1 + ln π + ln(n̄ + 1), Π_J = 2κ n̄²/(n̄ + 1)', (nbar) => {
    // Q Gaussian of variance n̄ + 1: j/π = ∂_μ̄ Q + μQ = μQ n̄/(n̄+1), so ∫|j|²/q /π = (n̄/(n̄+1))² <|μ|²>_Q.
    const K = Math.ceil(40 / Math.log((nbar + 1) / nbar));
    const o = kerrObservables(thermal(nbar, K), P);
    expect(Math.abs(o.S_W - (SW0 + Math.log(nbar + 1)))).toBeLessThan(1e-11);
    expect(Math.abs(o.Pi_J - (2 * kappa * nbar * nbar) / (nbar + 1))).toBeLessThan(1e-11);
    expect(Math.abs(o.Pi_U)).toBeLessThan(1e-13);
  });

  it.each([
    [0.3, 0],
    [0.8, 1.1],
  ])('squeezed vacuum s = %f, φ = %f: S_W = 1 + ln π + ln cosh s', (s, phi) => {
    // Q is Gaussian with covariance (σ + I/2)/2 in (Re μ, Im μ); det(σ + I/2) = cosh² s.
    const o = kerrObservables(squeezedVacuum(s, phi, 90), P);
    expect(Math.abs(o.S_W - (SW0 + Math.log(Math.cosh(s))))).toBeLessThan(1e-11);
    expect(Math.abs(o.n - Math.sinh(s) ** 2)).toBeLessThan(1e-12);
  });
});

describe('bounds on random states', () => {
  it.each([
    [12, 1],
    [25, 2],
    [40, 3],
  ])('K = %i (seed %i): S_W ≥ 1 + ln π (Lieb), S_W ≥ S(ρ), ∫Q = 1', (K, seed) => {
    for (const rank of [1, 3, K]) {
      const rho = randomState(K, seed * 31 + rank, K - 10, rank);
      const o = kerrObservables(rho, P);
      expect(o.S_W).toBeGreaterThan(SW0);
      expect(o.S_W).toBeGreaterThan(vonNeumannEntropy(rho));
      expect(Math.abs(o.norm - 1)).toBeLessThan(1e-12);
      expect(o.Pi_J).toBeGreaterThanOrEqual(0);
      expect(o.Pi_d).toBeGreaterThan(-1e-12);
    }
  });
});

describe('polar evaluator against direct sandwiches', () => {
  it('samples of q and μ̄j agree with <μ|ρ|μ>, <μ|aρ|μ> at every radius (adaptive and full angle counts)', () => {
    const rho = randomState(30, 9, 18, 4);
    const grid = autoPolarGrid(rho);
    const plan = polarPlan(rho.K, grid);
    for (const fullAngles of [false, true]) {
      const f = evaluatePolar(rho, plan, newPolarField(plan), { fullAngles });
      let err = 0, scale = 0;
      for (let i = 0; i < grid.radialNodes; i += 7) {
        const Li = f.Lr[i], r = plan.r[i];
        const th = Array.from({ length: Li }, (_, l) => (2 * Math.PI * l) / Li);
        const d = husimiCartesian(rho, th.map((t) => r * Math.cos(t)), th.map((t) => r * Math.sin(t)));
        for (let l = 0; l < Li; l++) {
          // D = μ̄ j
          const Dr = r * (Math.cos(th[l]) * d.jre[l] + Math.sin(th[l]) * d.jim[l]);
          const Di = r * (Math.cos(th[l]) * d.jim[l] - Math.sin(th[l]) * d.jre[l]);
          const o = f.rowOff[i] + l;
          err = Math.max(err, Math.abs(f.q[o] - d.q[l]), Math.abs(f.Dre[o] - Dr), Math.abs(f.Dim[o] - Di));
          scale = Math.max(scale, Math.abs(d.q[l]));
        }
      }
      expect(err).toBeLessThan(1e-14 * Math.max(1, scale) * 30);
    }
  });

  it('polar integrals equal those of a fine Cartesian grid (trapezoid, spectrally accurate)', () => {
    const rho = randomState(16, 4, 8);
    const h = 0.09, a = 8.1, n = Math.round((2 * a) / h) + 1;
    const xs: number[] = [], ys: number[] = [];
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
      xs.push(-a + c * h);
      ys.push(-a + r * h);
    }
    const d = husimiCartesian(rho, xs, ys);
    let norm = 0, qlnq = 0, jj = 0, u = 0;
    for (let p = 0; p < xs.length; p++) {
      const q = d.q[p];
      if (!(q > 1e-300)) continue;
      norm += q;
      qlnq += q * Math.log(q / Math.PI);
      jj += (d.jre[p] ** 2 + d.jim[p] ** 2) / q;
      // Im{μ̄² j²/q − 2|μ|² μ̄ j}
      const mr = xs[p], mi = -ys[p]; // μ̄
      const j2r = d.jre[p] ** 2 - d.jim[p] ** 2, j2i = 2 * d.jre[p] * d.jim[p];
      const m2r = mr * mr - mi * mi, m2i = 2 * mr * mi;
      const mjI = mr * d.jim[p] + mi * d.jre[p];
      u += (m2r * j2i + m2i * j2r) / q - 2 * (xs[p] ** 2 + ys[p] ** 2) * mjI;
    }
    const w = (h * h) / Math.PI;
    const I = phaseSpaceIntegrals(rho);
    expect(Math.abs(norm * w - 1)).toBeLessThan(1e-12);
    expect(Math.abs(-qlnq * w - I.S_W)).toBeLessThan(1e-11);
    expect(Math.abs(jj * w - I.jj)).toBeLessThan(1e-11);
    expect(Math.abs(u * w - I.u)).toBeLessThan(1e-11);
  });
});

describe('grid convergence', () => {
  it.each([
    [20, 1, 8],
    [40, 2, 25],
  ])('K = %i: the automatic grid agrees with a 1.5×-radial, 2×-angular, wider refinement (verify)', (K, seed, nTop) => {
    const rho = randomState(K, seed, nTop);
    const o = kerrObservables(rho, P, { verify: true });
    expect(o.verification!.maxChange).toBeLessThan(1e-10);
    expect(o.verification!.grid).toEqual(refinedGrid(o.grid));
    // A deliberately coarse grid is visibly worse, and the error shrinks as it is refined.
    const ref = phaseSpaceIntegrals(rho, { radialNodes: 300, angles: 4 * o.grid.angles, rMax: o.grid.rMax + 2 });
    const errs = [16, 24, 40].map((R) => {
      const I = phaseSpaceIntegrals(rho, { radialNodes: R, rMax: o.grid.rMax });
      return Math.abs(I.jj - ref.jj) + Math.abs(I.S_W - ref.S_W);
    });
    expect(errs[0]).toBeGreaterThan(errs[2]);
    expect(errs[1]).toBeGreaterThan(errs[2]);
    expect(Math.abs(o.S_W - ref.S_W)).toBeLessThan(1e-10);
  });

  it('integrals do not depend on how many angles beyond the band are sampled', () => {
    const rho = randomState(24, 5, 12);
    const g = autoPolarGrid(rho);
    const plan = polarPlan(24, g);
    const a = integrate(evaluatePolar(rho, plan, newPolarField(plan)));
    const b = integrate(evaluatePolar(rho, plan, newPolarField(plan), { fullAngles: true }));
    expect(Math.abs(a.S_W - b.S_W)).toBeLessThan(1e-12);
    expect(Math.abs(a.jj - b.jj)).toBeLessThan(1e-12);
    expect(Math.abs(a.u - b.u)).toBeLessThan(1e-12);
  });
});
