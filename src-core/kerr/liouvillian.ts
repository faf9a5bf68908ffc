/**
 * The Kerr Liouvillian applied to ρ element by element, O(K²) per application (PHYSICS.md §1; seed 000 Eqs. 2–3):
 *   L(ρ)_mn = [−i(h_m − h_n) − κ(m + n)] ρ_mn                                     (stiff, diagonal)
 *           + E (√m ρ_{m−1,n} − √(m+1) ρ_{m+1,n} − √(n+1) ρ_{m,n+1} + √n ρ_{m,n−1})  (drive −i[iE(a†−a), ρ])
 *           + 2κ √((m+1)(n+1)) ρ_{m+1,n+1}                                        (jump 2κ aρa†)
 * with h_n = Δn + (U/2) n(n−1) and indices outside 0…K−1 read as zero. No K²×K² matrix is formed.
 *
 * The diagonal part is the non-Hermitian evolution ρ ↦ A ρ A† with A = diag(a_m), a_m(τ) = exp(−(κm + i h_m)τ):
 * the propagator integrates it exactly through `stiffFactors` and leaves only `applyDriveJump` to the Runge–Kutta.
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import type { KerrRaw } from './model.js';
import { kerrModelRaw } from '../model/instances.js';
import { applyModelLiouvillian } from '../model/liouvillian.js';

/** h_n = Δn + (U/2) n(n−1): the diagonal of H in the Fock basis. */
export function hamiltonianDiagonal(raw: KerrRaw, K: number): Float64Array {
  const h = new Float64Array(K);
  for (let n = 0; n < K; n++) h[n] = raw.delta * n + 0.5 * raw.U * n * (n - 1);
  return h;
}

/** √n for n = 0…K (K+1 entries, so √(m+1) for m = K−1 is in range). */
export function sqrtTable(K: number): Float64Array {
  const s = new Float64Array(K + 1);
  for (let n = 0; n <= K; n++) s[n] = Math.sqrt(n);
  return s;
}

/**
 * Diagonal factors of exp(D τ), D_mn = −i(h_m − h_n) − κ(m + n): exp(Dτ)_mn = a_m · conj(a_n) with
 * a_m = exp(−κ m τ) (cos h_m τ − i sin h_m τ). Writes a_m into (outRe, outIm). O(K) exponentials per τ.
 */
export function stiffFactors(h: Float64Array, kappa: number, tau: number, outRe: Float64Array, outIm: Float64Array): void {
  const K = h.length;
  for (let m = 0; m < K; m++) {
    const mag = Math.exp(-kappa * m * tau);
    const ph = h[m] * tau;
    outRe[m] = mag * Math.cos(ph);
    outIm[m] = -mag * Math.sin(ph);
  }
}

/**
 * out = (drive + jump part of L)(ρ): everything except the diagonal bracket. Hot loop of the propagator.
 * `sq` = sqrtTable(K) may be passed to avoid recomputing it.
 */
export function applyDriveJump(raw: KerrRaw, rho: ComplexMatrix, out: ComplexMatrix, sq: Float64Array = sqrtTable(rho.K)): void {
  const K = rho.K;
  const E = raw.E, k2 = 2 * raw.kappa;
  const rr = rho.re, ri = rho.im, or = out.re, oi = out.im;
  for (let m = 0; m < K; m++) {
    const row = m * K;
    const up = row - K; // row m−1
    const dn = row + K; // row m+1
    const sm = sq[m], sm1 = sq[m + 1];
    const hasUp = m > 0, hasDn = m + 1 < K;
    for (let n = 0; n < K; n++) {
      const i = row + n;
      let vr = 0, vi = 0;
      if (hasUp) {
        vr += sm * rr[up + n];
        vi += sm * ri[up + n];
      }
      if (hasDn) {
        vr -= sm1 * rr[dn + n];
        vi -= sm1 * ri[dn + n];
      }
      if (n + 1 < K) {
        vr -= sq[n + 1] * rr[i + 1];
        vi -= sq[n + 1] * ri[i + 1];
      }
      if (n > 0) {
        vr += sq[n] * rr[i - 1];
        vi += sq[n] * ri[i - 1];
      }
      vr *= E;
      vi *= E;
      if (hasDn && n + 1 < K) {
        const c = k2 * sm1 * sq[n + 1];
        vr += c * rr[dn + n + 1];
        vi += c * ri[dn + n + 1];
      }
      or[i] = vr;
      oi[i] = vi;
    }
  }
}

/** out = L(ρ) (the full Liouvillian). `out` must not alias `rho`. The model layer's L of seed 000's Kerr model. */
export function applyLiouvillian(raw: KerrRaw, rho: ComplexMatrix, out: ComplexMatrix): void {
  if (out.K !== rho.K) throw new Error('applyLiouvillian: size mismatch');
  applyModelLiouvillian(kerrModelRaw(raw), rho, out);
}
