/**
 * Π_U by B7 against the generic −∫Q[−i[H, ρ]] ln Q, and the balance dS_W/dt = Π_U + Π_J − Φ (seed Eq. 18) for
 * arbitrary (non-steady) states, with L(ρ) from the element formula of PHYSICS.md (test-local, states.ts) and dS_W/dt
 * both as −∫Q[L(ρ)] ln Q and by a central finite difference of S_W along ρ ± h L(ρ).
 */
import { describe, expect, it } from 'vitest';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { entropyRate, integrate, moments } from '../../../src-core/phaseSpace/entropyProduction.js';
import { autoPolarGrid, evaluatePolar, newPolarField, polarPlan } from '../../../src-core/phaseSpace/husimi.js';
import { kerrObservables, phaseSpaceIntegrals } from '../../../src-core/phaseSpace/observables.js';
import { coherent, liouvillian, randomState, type RawKerr } from './states.js';

function rateOf(X: ComplexMatrix, rho: ComplexMatrix): number {
  const grid = autoPolarGrid(rho, { radialNodes: Math.ceil(12 * autoPolarGrid(rho).rMax) + 20 });
  const plan = polarPlan(rho.K, grid);
  const fr = evaluatePolar(rho, plan, newPolarField(plan), { fullAngles: true });
  const fx = evaluatePolar(X, plan, newPolarField(plan), { fullAngles: true });
  return entropyRate(fx, fr);
}

function axpy(a: number, X: ComplexMatrix, Y: ComplexMatrix): ComplexMatrix {
  return { K: X.K, re: X.re.map((v, i) => Y.re[i] + a * v), im: X.im.map((v, i) => Y.im[i] + a * v) };
}

// Raw parameters (E, U set directly); scaled ones for kerrObservables with N = 1 so that E = ε, U = u.
const cases: { raw: RawKerr; K: number; seed: number; nTop: number; rank?: number }[] = [
  { raw: { kappa: 0.5, delta: -2, E: 1.1, U: 1 }, K: 24, seed: 3, nTop: 10 },
  { raw: { kappa: 0.5, delta: -2, E: 2.5, U: 0.2 }, K: 32, seed: 8, nTop: 18, rank: 6 },
  { raw: { kappa: 1.3, delta: 0.7, E: 0.4, U: 0.05 }, K: 28, seed: 13, nTop: 14 },
];
const scaled = (r: RawKerr) => ({ kappa: r.kappa, delta: r.delta, u: r.U, eps: r.E, N: 1 });

describe('Π_U', () => {
  it.each(cases)('B7 form equals −∫Q[−i[H, ρ]] ln Q (Δ and E terms integrate to zero): %#', ({ raw, K, seed, nTop, rank }) => {
    const rho = randomState(K, seed, nTop, rank);
    const o = kerrObservables(rho, scaled(raw));
    const generic = rateOf(liouvillian(raw, rho, 'hamiltonian'), rho);
    const kerrOnly = rateOf(liouvillian(raw, rho, 'kerr'), rho);
    expect(Math.abs(o.Pi_U)).toBeGreaterThan(1e-3 * raw.U); // the check is not vacuous
    expect(Math.abs(o.Pi_U - generic)).toBeLessThan(1e-9 * Math.max(1, Math.abs(o.Pi_U)));
    expect(Math.abs(kerrOnly - generic)).toBeLessThan(1e-9);
  });

  it('vanishes for a coherent state and for U = 0', () => {
    const raw = { kappa: 0.5, delta: -2, E: 1, U: 0.7 };
    expect(Math.abs(kerrObservables(coherent(1.2, 0.4, 40), scaled(raw)).Pi_U)).toBeLessThan(1e-11);
    const rho = randomState(20, 2, 10);
    expect(kerrObservables(rho, scaled({ ...raw, U: 1e-300 })).Pi_U).toBeCloseTo(0, 14);
  });
});

describe('balance dS_W/dt = Π_U + Π_J − Φ (Eq. 18) for non-steady states', () => {
  it.each(cases)('−∫Q[L(ρ)] ln Q and a finite difference of S_W agree with Π_U + Π_J − Φ: %#', ({ raw, K, seed, nTop, rank }) => {
    const rho = randomState(K, seed, nTop, rank);
    const o = kerrObservables(rho, scaled(raw));
    const Lrho = liouvillian(raw, rho);
    const rhs = o.Pi_U + o.Pi_J - o.Phi;
    const lhs = rateOf(Lrho, rho);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * Math.max(1, Math.abs(rhs)));
    // Central difference, step small enough for O(h²) ≲ 1e-8, on one fixed grid.
    const h = 1e-4, grid = autoPolarGrid(rho, { radialNodes: Math.ceil(12 * autoPolarGrid(rho).rMax) + 20 });
    const sp = phaseSpaceIntegrals(axpy(h, Lrho, rho), grid, { fullAngles: true }).S_W;
    const sm = phaseSpaceIntegrals(axpy(-h, Lrho, rho), grid, { fullAngles: true }).S_W;
    expect(Math.abs((sp - sm) / (2 * h) - rhs)).toBeLessThan(1e-6 * Math.max(1, Math.abs(rhs)));
  });

  it('Π_ext, Φ, Φ_q, Π_d follow their definitions from <a>, <a†a>', () => {
    const rho = randomState(30, 21, 15);
    const p = { kappa: 0.7, delta: -1, u: 2, eps: 0.9, N: 4 };
    const o = kerrObservables(rho, p);
    const m = moments(rho);
    const a2 = m.a_re ** 2 + m.a_im ** 2;
    expect(o.Pi_ext).toBeCloseTo(2 * 0.7 * a2, 14);
    expect(o.Phi_ext).toBe(o.Pi_ext);
    expect(o.Phi).toBeCloseTo(2 * 0.7 * m.n, 14);
    expect(o.Phi_q).toBeCloseTo(o.Phi - o.Phi_ext, 14);
    expect(o.Pi_d).toBeCloseTo(o.Pi_J - o.Pi_ext, 14);
    expect(o.alpha_abs).toBeCloseTo(Math.sqrt(a2 / 4), 14);
    // Π_U scales with U = u/N at fixed ρ
    const o2 = kerrObservables(rho, { ...p, u: 4 });
    expect(o2.Pi_U).toBeCloseTo(2 * o.Pi_U, 12);
    // the grid integrals are those of integrate() on the automatic grid
    const I = integrate(evaluatePolar(rho, polarPlan(30, o.grid)));
    expect(I.S_W).toBe(o.S_W);
  });
});
