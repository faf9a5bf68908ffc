/**
 * The Gaussian non-equilibrium steady state and its entropy production (seed 004, Eq. 4; PHYSICS.md §2).
 *
 * σ_ij = ½<{δx_i, δx_j}> solves A σ + σ Aᵀ + D = 0 while A is stable. We solve for the excess Δ = σ − σ₀ over the
 * uncoupled (g = 0) state σ₀ = diag(½, ½, n_T + ½, n_T + ½): A Δ + Δ Aᵀ + R₀ = 0 with R₀ = Gσ₀ + σ₀Gᵀ, G = A − A₀ the
 * coupling. R₀ has no cancellation, so n_a = (Δ_qq + Δ_pp)/2 and the cooling / heating of mode b, which enter μ_a and
 * μ_b, keep full relative accuracy even where n_a ≪ 1 ≪ n_T (cavity-OM: n_T ≈ 5·10⁶).
 *
 * Eq. (4): Π_s = Φ_s = μ_a + μ_b, μ_a = 4κ_a n_a (optical bath at n_Ta = 0),
 * μ_b = 2γ_b((n_b + ½)/(n_T + ½) − 1) (symmetric) or 2γ_b(<p_b²>/(n_T + ½) − 1) (Brownian).
 */
import { diffusionMatrix, driftMatrix, thermalOccupation, validateGaussianParams, type GaussianParams } from './model.js';
import { solveLyapunov } from './lyapunov.js';
import { criticalCoupling, InstabilityError, isHurwitz, type CriticalCoupling } from './stability.js';

export interface GaussianNess {
  /** Mean excitations above zero point, n = (<q²> + <p²> − 1)/2 (seed, after Eq. 4). */
  n_a: number;
  n_b: number;
  /** Entropy flows to the optical and mechanical/atomic baths, s⁻¹ (Eq. 4). μ_b < 0 means mode b is cooled. */
  mu_a: number;
  mu_b: number;
  /** Π_s = μ_a + μ_b ≥ 0, s⁻¹. */
  Pi_s: number;
  /** Thermal occupation of mode b's bath. */
  n_T: number;
  g: number;
  /** True threshold from A, and the seed's printed formula (PHYSICS.md §2), s⁻¹. */
  g_cr: number;
  g_cr_seed: number;
  stable: boolean;
  /** Full covariance σ (4×4 row-major, order q_a, p_a, q_b, p_b). */
  sigma: Float64Array;
}

/** Uncoupled covariance σ₀ of mode b (2×2 block) and its excitation n_b0: thermal unless χ_b ≠ 0. */
function uncoupledB(p: GaussianParams, nT: number): { s: Float64Array; nb0: number } {
  const chi = p.chiB ?? 0;
  if (chi === 0) return { s: Float64Array.of(nT + 0.5, 0, 0, nT + 0.5), nb0: nT };
  const A = driftMatrix({ ...p, g: 0 });
  const D = diffusionMatrix(p);
  const s = solveLyapunov(Float64Array.of(A[10], A[11], A[14], A[15]), Float64Array.of(D[10], D[11], D[14], D[15]), 2);
  return { s, nb0: (s[0] + s[3] - 1) / 2 };
}

/**
 * The NESS at the parameters p. Throws InstabilityError (a ParameterError on g naming g_cr) past the threshold.
 * `crit` may be passed to reuse a g_cr computed once for a whole sweep.
 */
export function gaussianNess(p: GaussianParams, crit: CriticalCoupling = criticalCoupling(p)): GaussianNess {
  validateGaussianParams(p);
  const A = driftMatrix(p);
  if (!(p.g < crit.gCr) || !isHurwitz(A)) throw new InstabilityError(p.g, crit.gCr);
  const nT = thermalOccupation(p.omegaB, p.Tb);
  const { s: sb, nb0 } = uncoupledB(p, nT);
  const s0 = Float64Array.of(0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, sb[0], sb[1], 0, 0, sb[2], sb[3]);
  // R₀ = Gσ₀ + σ₀Gᵀ with G nonzero only at (1,2) and (3,0), both −g.
  const R0 = new Float64Array(16);
  for (let j = 0; j < 4; j++) {
    R0[1 * 4 + j] += -p.g * s0[2 * 4 + j]; // (Gσ₀)_{1j}
    R0[3 * 4 + j] += -p.g * s0[0 * 4 + j]; // (Gσ₀)_{3j}
  }
  for (let i = 0; i < 4; i++) {
    R0[i * 4 + 1] += -p.g * s0[i * 4 + 2]; // (σ₀Gᵀ)_{i1}
    R0[i * 4 + 3] += -p.g * s0[i * 4 + 0]; // (σ₀Gᵀ)_{i3}
  }
  const dS = p.g === 0 ? new Float64Array(16) : solveLyapunov(A, R0, 4);
  const sigma = new Float64Array(16);
  for (let k = 0; k < 16; k++) sigma[k] = s0[k] + dS[k];

  const n_a = (dS[0] + dS[5]) / 2;
  const n_b = nb0 + (dS[10] + dS[15]) / 2;
  const th = nT + 0.5;
  const mu_a = 4 * p.kappaA * n_a;
  const mu_b =
    p.damping === 'brownian'
      ? (2 * p.gammaB * (sb[3] - th + dS[15])) / th // 2γ_b(<p_b²>/(n_T + ½) − 1)
      : (2 * p.gammaB * (nb0 - nT + (dS[10] + dS[15]) / 2)) / th; // 2γ_b((n_b + ½)/(n_T + ½) − 1)
  return {
    n_a,
    n_b,
    mu_a,
    mu_b,
    Pi_s: mu_a + mu_b,
    n_T: nT,
    g: p.g,
    g_cr: crit.gCr,
    g_cr_seed: crit.gCrSeed,
    stable: true,
    sigma,
  };
}

/** The covariance alone (A σ + σ Aᵀ + D = 0 solved directly, without the excess split): for checks and the panel. */
export function nessCovarianceDirect(p: GaussianParams): Float64Array {
  return solveLyapunov(driftMatrix(p), diffusionMatrix(p), 4);
}
