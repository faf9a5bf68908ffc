/**
 * The Kerr Liouvillian as a band matrix on vec(ρ), index m*K + n (the ComplexMatrix layout), from the element formula
 * of PHYSICS.md §1 (seed 000, Eq. 3 with H of Eq. 2):
 *   L(ρ)_mn = [−i(h_m − h_n) − κ(m + n)] ρ_mn
 *           + E (√m ρ_{m−1,n} − √(m+1) ρ_{m+1,n} − √(n+1) ρ_{m,n+1} + √n ρ_{m,n−1})
 *           + 2κ √((m+1)(n+1)) ρ_{m+1,n+1},     h_n = Δ n + (U/2) n(n−1).
 * Couplings reach m*K+n ± 1, ± K and + (K + 1), so the matrix has kl = ku = K + 1 (one unused subdiagonal kept so the
 * band is symmetric, as the consumers expect). Indices outside 0…K−1 are zero (hard truncation), which keeps the trace
 * exactly: 1ᵀ vec is a left eigenvector with eigenvalue 0 at every K.
 */
import type { KerrRaw } from './model.js';
import { bandedZeros, type BandedMatrix } from '../linalg/bandedLU.js';

/** Band matrix of (L − shift·1), dimension K², kl = ku = K + 1. */
export function liouvillianBanded(raw: KerrRaw, K: number, shift: { re: number; im: number } = { re: 0, im: 0 }): BandedMatrix {
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`liouvillianBanded: K must be an integer ≥ 1 (got ${K})`);
  const { kappa, delta, E, U } = raw;
  const b = K + 1;
  const A = bandedZeros(K * K, b, b);
  const { re, im, w } = A;
  const kl = b;
  const h = new Float64Array(K);
  const sq = new Float64Array(K + 1);
  for (let n = 0; n < K; n++) h[n] = delta * n + 0.5 * U * n * (n - 1);
  for (let n = 0; n <= K; n++) sq[n] = Math.sqrt(n);
  for (let m = 0; m < K; m++) {
    for (let n = 0; n < K; n++) {
      const r = m * K + n;
      const row = r * w + kl; // (r, r); (r, r + d) at row + d
      re[row] = -kappa * (m + n) - shift.re;
      im[row] = -(h[m] - h[n]) - shift.im;
      if (m >= 1) re[row - K] = E * sq[m]; // ρ_{m−1,n}
      if (m + 1 < K) re[row + K] = -E * sq[m + 1]; // ρ_{m+1,n}
      if (n + 1 < K) re[row + 1] = -E * sq[n + 1]; // ρ_{m,n+1}
      if (n >= 1) re[row - 1] = E * sq[n]; // ρ_{m,n−1}
      // jump term ρ_{m+1,n+1}; √((m+1)(n+1)) rather than √(m+1)·√(n+1) so that on the diagonal (m = n) it is the
      // exact integer m+1 and the columns of the stored matrix sum to zero exactly (trace preservation in floating point:
      // ζ₀ = 0 is then an exact eigenvalue of the stored matrix, which the tiny gaps of the bistable window need)
      if (m + 1 < K && n + 1 < K) re[row + K + 1] = 2 * kappa * Math.sqrt((m + 1) * (n + 1));
    }
  }
  return A;
}
