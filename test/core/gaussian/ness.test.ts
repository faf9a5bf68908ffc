// NESS observables of seed 004 Eq. (4) against exact limits and closed forms (PHYSICS.md §2).
import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, inverse, Matrix } from 'ml-matrix';
import { diffusionMatrix, driftMatrix, HBAR, K_B, PRESETS, thermalOccupation, type GaussianParams } from '../../../src-core/gaussian/model.js';
import { gaussianNess } from '../../../src-core/gaussian/ness.js';
import { criticalCoupling, InstabilityError } from '../../../src-core/gaussian/stability.js';
import { gaussianSweep } from '../../../src-core/gaussian/sweep.js';
import { ParameterError } from '../../../src-core/validation.js';

const OM = PRESETS['cavity-om'];
const BEC = PRESETS['cavity-bec'];

function maxReEig(p: GaussianParams): number {
  const A = driftMatrix(p);
  const M = new Matrix(4, 4);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) M.set(i, j, A[i * 4 + j]);
  return Math.max(...new EigenvalueDecomposition(M).realEigenvalues);
}

describe('thermal occupation', () => {
  it('n_T = 1/(e^x − 1): high-temperature series kT/ħω − ½ + ħω/(12kT) at the cavity-OM bath, and the BEC value', () => {
    const x = (HBAR * OM.params.omegaB) / (K_B * OM.params.Tb);
    expect(thermalOccupation(OM.params.omegaB, OM.params.Tb)).toBeCloseTo(1 / x - 0.5 + x / 12, 6);
    expect(thermalOccupation(OM.params.omegaB, OM.params.Tb)).toBeGreaterThan(4.7e6);
    const y = (HBAR * BEC.params.omegaB) / (K_B * BEC.params.Tb); // ≈ 10.5: n_T ≈ e^{−y}
    expect(thermalOccupation(BEC.params.omegaB, BEC.params.Tb) / (Math.exp(-y) / (1 - Math.exp(-y))) - 1).toBeLessThan(1e-14);
    expect(thermalOccupation(1, 0)).toBe(0);
  });
});

describe('critical coupling', () => {
  it('symmetric damping: g_cr² = (κ_a² + ω_a²)(γ_b² + ω_b²)/(ω_a ω_b), about twice the seed formula', () => {
    const p = BEC.params;
    const c = criticalCoupling(p);
    const closed = Math.sqrt(((p.kappaA ** 2 + p.omegaA ** 2) * (p.gammaB ** 2 + p.omegaB ** 2)) / (p.omegaA * p.omegaB));
    expect(c.gCr / closed - 1).toBeLessThan(1e-13);
    expect(Math.abs(c.gCr / closed - 1)).toBeLessThan(1e-13);
    expect(c.gCrSeed).toBeCloseTo(Math.sqrt(((p.kappaA ** 2 + p.omegaA ** 2) * p.omegaB) / (4 * p.omegaA)), 6);
    expect(c.gCr / c.gCrSeed).toBeCloseTo(2, 3); // γ_b ≪ ω_b
  });

  it('Brownian damping: g_cr² = (κ_a² + ω_a²) ω_b/ω_a, exactly twice the seed formula', () => {
    const p = OM.params;
    const c = criticalCoupling(p);
    expect(Math.abs(c.gCr / Math.sqrt(((p.kappaA ** 2 + p.omegaA ** 2) * p.omegaB) / p.omegaA) - 1)).toBeLessThan(1e-13);
    expect(Math.abs(c.gCr / c.gCrSeed - 2)).toBeLessThan(1e-12);
  });

  it('with a squeezing term: g_cr² = (κ_a² + ω_a²)(γ_b² + ω_b² − χ_b²)/(ω_a (ω_b − χ_b))', () => {
    const p = { ...BEC.params, chiB: 0.3 * BEC.params.omegaB };
    const closed = Math.sqrt(
      ((p.kappaA ** 2 + p.omegaA ** 2) * (p.gammaB ** 2 + p.omegaB ** 2 - p.chiB ** 2)) / (p.omegaA * (p.omegaB - p.chiB)),
    );
    expect(Math.abs(criticalCoupling(p).gCr / closed - 1)).toBeLessThan(1e-12);
  });

  it('is where an eigenvalue of A crosses zero (ml-matrix eigenvalues at 0.99 and 1.01 g_cr)', () => {
    for (const p of [OM.params, BEC.params, { ...BEC.params, damping: 'brownian' as const }, { ...OM.params, damping: 'symmetric' as const }]) {
      const gCr = criticalCoupling(p).gCr;
      expect(maxReEig({ ...p, g: 0.99 * gCr })).toBeLessThan(0);
      expect(maxReEig({ ...p, g: 1.01 * gCr })).toBeGreaterThan(0);
    }
  });

  it('blue detuning (ω_a < 0): the Hopf threshold from Routh–Hurwitz matches the eigenvalues', () => {
    const p: GaussianParams = { omegaA: -1, kappaA: 0.2, omegaB: 1, gammaB: 0.01, Tb: 0, g: 0, damping: 'symmetric' };
    const c = criticalCoupling(p);
    expect(c.kind).toBe('hopf');
    expect(maxReEig({ ...p, g: 0.999 * c.gCr })).toBeLessThan(0);
    expect(maxReEig({ ...p, g: 1.001 * c.gCr })).toBeGreaterThan(0);
  });

  it('past the threshold: InstabilityError, a ParameterError on g naming g_cr', () => {
    const gCr = criticalCoupling(BEC.params).gCr;
    expect(() => gaussianNess({ ...BEC.params, g: 1.0001 * gCr })).toThrow(InstabilityError);
    try {
      gaussianNess({ ...BEC.params, g: 1.0001 * gCr });
    } catch (e) {
      expect(e).toBeInstanceOf(ParameterError);
      expect((e as Error).message).toMatch(/g_cr = 2\.2343\d*e\+6/);
    }
  });
});

describe('NESS and Eq. (4)', () => {
  it('g = 0 is equilibrium: n_a = 0, n_b = n_T, Π_s = μ_a = μ_b = 0', () => {
    for (const pr of [OM, BEC]) {
      const r = gaussianNess({ ...pr.params, g: 0 });
      expect(r.n_a).toBe(0);
      expect(r.n_b).toBe(r.n_T);
      expect(r.Pi_s).toBe(0);
    }
  });

  it('g → 0: Π_s, n_a ∝ g² and n_b → n_T (the ratio Π_s/g² converges)', () => {
    for (const pr of [OM, BEC]) {
      const g0 = 1e-5 * criticalCoupling(pr.params).gCr; // far below the cooperativity scale √(κ_a γ_b)
      const a = gaussianNess({ ...pr.params, g: g0 });
      const b = gaussianNess({ ...pr.params, g: g0 / 10 });
      expect(b.Pi_s / (g0 / 10) ** 2 / (a.Pi_s / g0 ** 2)).toBeCloseTo(1, 4);
      expect(b.n_a / (g0 / 10) ** 2 / (a.n_a / g0 ** 2)).toBeCloseTo(1, 4);
      expect((b.n_b - b.n_T) / (a.n_b - a.n_T)).toBeCloseTo(0.01, 6); // n_b − n_T ∝ g² too
      expect(Math.abs(b.n_b - b.n_T) / b.n_T).toBeLessThan(1e-6);
      expect(b.Pi_s).toBeGreaterThan(0);
    }
  });

  it('Π_s = μ_a + μ_b ≥ 0 and μ_a ≥ 0 along both Fig. 3 sweeps (1000 points each)', () => {
    for (const pr of [OM, BEC]) {
      const s = gaussianSweep(pr.params, { ...pr.sweep, points: 1000 });
      for (let i = 0; i < 1000; i++) {
        expect(s.Pi_s[i]).toBeGreaterThanOrEqual(0);
        expect(s.mu_a[i]).toBeGreaterThanOrEqual(0);
        expect(Math.abs(s.Pi_s[i] - s.mu_a[i] - s.mu_b[i])).toBeLessThanOrEqual(1e-12 * Math.abs(s.mu_a[i]));
      }
    }
  });

  it('cavity-OM (Brownian): μ_b < 0 (sideband cooling), growing in magnitude with g and bounded by −2γ_b', () => {
    const s = gaussianSweep(OM.params, { ...OM.sweep, points: 101 });
    for (let i = 1; i < 101; i++) {
      expect(s.mu_b[i]).toBeLessThan(0);
      expect(s.mu_b[i]).toBeGreaterThan(-2 * OM.params.gammaB); // <p_b²> > 0
      expect(s.mu_b[i]).toBeLessThan(s.mu_b[i - 1]);
      expect(s.n_b[i]).toBeLessThan(s.n_T); // cooled below the bath
    }
  });

  it('cavity-BEC (symmetric): μ_a, μ_b > 0 and Π_s diverges like 1/(g_cr − g)', () => {
    const gCr = criticalCoupling(BEC.params).gCr;
    const at = (d: number) => gaussianNess({ ...BEC.params, g: gCr * (1 - d) });
    const r1 = at(1e-4);
    const r2 = at(1e-5);
    const r3 = at(1e-6);
    expect(r1.mu_a).toBeGreaterThan(0);
    expect(r1.mu_b).toBeGreaterThan(0);
    // (g_cr − g) Π_s → constant: successive ratios approach 1 as d → 0
    const c1 = r1.Pi_s * 1e-4;
    const c2 = r2.Pi_s * 1e-5;
    const c3 = r3.Pi_s * 1e-6;
    expect(Math.abs(c3 / c2 - 1)).toBeLessThan(Math.abs(c2 / c1 - 1));
    expect(Math.abs(c3 / c2 - 1)).toBeLessThan(1e-3);
    // Same law for the Brownian cavity-OM
    const gOm = criticalCoupling(OM.params).gCr;
    const o = (d: number) => gaussianNess({ ...OM.params, g: gOm * (1 - d) }).Pi_s * d;
    expect(Math.abs(o(1e-6) / o(1e-5) - 1)).toBeLessThan(1e-3);
  });

  it('Π_s of Eq. 4 equals the Wigner entropy production 2∫ J_irrᵀ D⁺ J_irr / W of the Gaussian NESS (Π = Φ)', () => {
    // J_irr = (A_irr + ½ D σ⁻¹) x W for W ∝ exp(−½ xᵀσ⁻¹x), so Π = 2 tr[(A_irr + ½Dσ⁻¹)ᵀ D⁺ (A_irr + ½Dσ⁻¹) σ]. This
    // uses σ⁻¹ and no flux formula: it checks μ_a + μ_b (with Brownian friction 2γ_b on p_b) against the production.
    const cases: GaussianParams[] = [
      { ...OM.params, g: 0.49 * OM.params.kappaA },
      { ...OM.params, g: 2.29 * OM.params.kappaA },
      { ...BEC.params, g: Math.sqrt(0.93) * criticalCoupling(BEC.params).gCr },
      // dimensionless sets where μ_b is ~10 % of Π_s (so a wrong factor in μ_b cannot hide): n_T ≈ 2.8
      { omegaA: 1, kappaA: 0.3, omegaB: 0.8, gammaB: 0.1, Tb: 2e-11, g: 0.5, damping: 'brownian' },
      { omegaA: 1, kappaA: 0.3, omegaB: 0.8, gammaB: 0.1, Tb: 2e-11, g: 0.5, damping: 'symmetric' },
      { omegaA: 1, kappaA: 0.3, omegaB: 0.8, gammaB: 0.1, Tb: 2e-11, g: 0.5, chiB: 0.3, damping: 'symmetric' },
    ];
    for (const p of cases) {
      const r = gaussianNess(p);
      const A = driftMatrix(p);
      const D = diffusionMatrix(p);
      const Airr = Matrix.zeros(4, 4);
      const Dm = Matrix.zeros(4, 4);
      const Dp = Matrix.zeros(4, 4);
      for (let i = 0; i < 4; i++) {
        Airr.set(i, i, A[i * 5]); // the damping is the diagonal of A; the rest is Hamiltonian (reversible)
        Dm.set(i, i, D[i * 5]);
        Dp.set(i, i, D[i * 5] > 0 ? 1 / D[i * 5] : 0);
      }
      const S = new Matrix(4, 4);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) S.set(i, j, r.sigma[i * 4 + j]);
      const K = Airr.clone().add(Dm.mmul(inverse(S)).mul(0.5));
      const Pi = 2 * K.transpose().mmul(Dp).mmul(K).mmul(S).trace();
      expect(Math.abs(Pi / r.Pi_s - 1)).toBeLessThan(1e-6);
    }
  });

  it('agrees with the direct (not excess-split) covariance where n_a is not small', () => {
    const p = { ...OM.params, g: 2.29 * OM.params.kappaA };
    const r = gaussianNess(p);
    const s = r.sigma;
    expect(r.n_a / ((s[0] + s[5] - 1) / 2) - 1).toBeLessThan(1e-12);
    expect(Math.abs(r.mu_b / (2 * p.gammaB * (s[15] / (r.n_T + 0.5) - 1)) - 1)).toBeLessThan(1e-6);
  });

  it('a squeezing term drives mode b out of equilibrium even at g = 0 (Π_s > 0 only from μ_b)', () => {
    const r = gaussianNess({ ...BEC.params, Tb: 1e-6, chiB: 0.5 * BEC.params.omegaB, g: 0 });
    expect(r.mu_a).toBe(0);
    expect(r.mu_b).toBeGreaterThan(0);
    expect(r.n_b).toBeGreaterThan(r.n_T);
  });

  it('rejects bad parameters with a ParameterError naming the field', () => {
    expect(() => gaussianNess({ ...OM.params, kappaA: -1 })).toThrow(/kappaA/);
    expect(() => gaussianNess({ ...OM.params, Tb: NaN })).toThrow(/Tb/);
    expect(() => gaussianNess({ ...OM.params, damping: 'viscous' as never })).toThrow(/damping/);
  });
});
