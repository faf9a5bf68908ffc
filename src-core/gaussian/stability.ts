/**
 * Stability of the drift matrix A and the critical coupling g_cr (PHYSICS.md §2).
 *
 * Characteristic polynomial det(λ − A) = λ⁴ + a1 λ³ + a2 λ² + a3 λ + a4. The coupling g enters A only at (p_a, q_b) and
 * (p_b, q_a); the only cycle of A's graph through those entries is q_a → p_a → q_b → p_b → q_a, of length 4, so a1, a2,
 * a3 do not depend on g and a4 = det A = d0 − c g² (no linear term). Routh–Hurwitz for a quartic: a1 > 0,
 * a1a2 − a3 > 0, 0 < a4 < (a1a2a3 − a3²)/a1². Hence g_cr in closed form from A:
 *  - c > 0 (ω_a (ω_b − χ_b) > 0, the seed's setups): a static (real-eigenvalue) instability at a4 = 0, g_cr² = d0/c.
 *    With symmetric damping and χ_b = 0 this is g_cr² = (κ_a² + ω_a²)(γ_b² + ω_b²)/(ω_a ω_b).
 *  - c < 0 (blue detuning): a Hopf (oscillatory) instability at a4 = (a1a2a3 − a3²)/a1².
 */
import { driftMatrix, type GaussianParams } from './model.js';
import { ParameterError } from '../validation.js';

/** det of the 2×2 submatrix of the row-major 4×4 A on rows (r0, r1) and columns (c0, c1). */
function det2(A: Float64Array, r0: number, r1: number, c0: number, c1: number): number {
  return A[r0 * 4 + c0] * A[r1 * 4 + c1] - A[r0 * 4 + c1] * A[r1 * 4 + c0];
}

/** Principal 3×3 minor of A on the indices (i, j, k) (cofactor expansion along the first). */
function minor3(A: Float64Array, i: number, j: number, k: number): number {
  return A[i * 4 + i] * det2(A, j, k, j, k) - A[i * 4 + j] * det2(A, j, k, i, k) + A[i * 4 + k] * det2(A, j, k, i, j);
}

const PAIRS: [number, number][] = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];

/**
 * Coefficients [a1, a2, a3, a4] of det(λ − A) for a 4×4 A, as signed sums of principal minors (a_k = (−1)^k E_k).
 * Written out rather than by Faddeev–LeVerrier, whose traces of powers of A lose all digits of a4 here: the entries
 * span 10³…10⁸ s⁻¹ and a4 ~ 10²⁷ s⁻⁴ must be resolved close to g_cr.
 */
export function charPoly4(A: Float64Array): [number, number, number, number] {
  const a1 = -(A[0] + A[5] + A[10] + A[15]);
  let a2 = 0;
  for (const [i, j] of PAIRS) a2 += det2(A, i, j, i, j);
  const a3 = -(minor3(A, 0, 1, 2) + minor3(A, 0, 1, 3) + minor3(A, 0, 2, 3) + minor3(A, 1, 2, 3));
  // det A by Laplace expansion along rows {0, 1}: Σ sign · det(rows 0,1; cols S) · det(rows 2,3; cols S̄).
  const a4 =
    det2(A, 0, 1, 0, 1) * det2(A, 2, 3, 2, 3) -
    det2(A, 0, 1, 0, 2) * det2(A, 2, 3, 1, 3) +
    det2(A, 0, 1, 0, 3) * det2(A, 2, 3, 1, 2) +
    det2(A, 0, 1, 1, 2) * det2(A, 2, 3, 0, 3) -
    det2(A, 0, 1, 1, 3) * det2(A, 2, 3, 0, 2) +
    det2(A, 0, 1, 2, 3) * det2(A, 2, 3, 0, 1);
  return [a1, a2, a3, a4];
}

/** Routh–Hurwitz: all eigenvalues of A have negative real part. */
export function isHurwitz(A: Float64Array): boolean {
  const [a1, a2, a3, a4] = charPoly4(A);
  return a1 > 0 && a3 > 0 && a4 > 0 && a1 * a2 - a3 > 0 && a3 * (a1 * a2 - a3) - a1 * a1 * a4 > 0;
}

export interface CriticalCoupling {
  /** True threshold: the smallest g ≥ 0 where A loses stability (0 if unstable already at g = 0; Infinity if never). */
  gCr: number;
  /** The seed's printed formula √((κ_a² + ω_a²) ω_b/(4 ω_a)) (for G(a + a†)(b + b†), γ_b neglected): about g_cr/2. */
  gCrSeed: number;
  /** 'static' (a real eigenvalue crosses 0) or 'hopf' (a complex pair crosses the imaginary axis). */
  kind: 'static' | 'hopf' | 'none';
}

/** g_cr computed from A (see the file comment), with the seed's formula beside it. */
export function criticalCoupling(p: GaussianParams): CriticalCoupling {
  const gCrSeed = Math.sqrt(((p.kappaA ** 2 + p.omegaA ** 2) * p.omegaB) / (4 * Math.abs(p.omegaA)));
  const A0 = driftMatrix({ ...p, g: 0 });
  const [a1, a2, a3, d0] = charPoly4(A0);
  // a4(g) = d0 − c g²: in the Laplace expansion of det A the two coupling entries (1,2) and (3,0) multiply the
  // complementary minor on rows (0, 2), columns (1, 3). (Differencing a4 at two values of g would cancel ~14 digits.)
  const c = det2(A0, 0, 2, 1, 3);
  const hopf = (a1 * a2 * a3 - a3 * a3) / (a1 * a1);
  if (!(a1 > 0 && a3 > 0 && a1 * a2 - a3 > 0 && d0 > 0 && d0 < hopf)) return { gCr: 0, gCrSeed, kind: 'static' };
  if (c > 0) return { gCr: Math.sqrt(d0 / c), gCrSeed, kind: 'static' };
  if (c < 0) return { gCr: Math.sqrt((hopf - d0) / -c), gCrSeed, kind: 'hopf' };
  return { gCr: Infinity, gCrSeed, kind: 'none' };
}

/** Thrown past the threshold: a ParameterError on g whose allowed range names g_cr. */
export class InstabilityError extends ParameterError {
  constructor(
    readonly g: number,
    readonly gCr: number,
  ) {
    super('g', `g < g_cr = ${gCr.toPrecision(6)} s⁻¹ (the drift matrix A loses stability at g_cr; no steady state beyond)`, g);
    this.name = 'InstabilityError';
  }
}
