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
import { gridSymbolic, type GridSymbolic, type StencilMatrix } from '../linalg/gridLU.js';
import { modelStencil } from '../model/liouvillian.js';
import { kerrModelRaw } from '../model/instances.js';

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

/**
 * Position of ρ_mn in the diagonal-major ordering: the diagonals d = n − m = −(K−1)…K−1 one after another, each by
 * min(m, n). Couplings of L stay within the neighbouring diagonals (d ± 1) or the same one (ρ_{m+1,n+1}), so the row of
 * ρ_mn reaches about K − |d| places either way: a variable band, widest (K + 1) at d = 0 and narrow far from it,
 * against K + 1 for every row in the m·K + n ordering. The banded LU (which follows each row's actual extent) then
 * does ~half the work and the factors take ~half the memory.
 */
export function diagonalOrder(K: number): { pos: Int32Array; off: Int32Array } {
  const off = new Int32Array(2 * K); // off[d + K − 1] = first position of diagonal d
  let o = 0;
  for (let d = -(K - 1); d <= K - 1; d++) {
    off[d + K - 1] = o;
    o += K - Math.abs(d);
  }
  off[2 * K - 1] = o;
  const pos = new Int32Array(K * K);
  for (let m = 0; m < K; m++) for (let n = 0; n < K; n++) pos[m * K + n] = off[n - m + K - 1] + Math.min(m, n);
  return { pos, off };
}

/**
 * (L − shift·1) in the diagonal-major ordering (diagonalOrder): the same elements as liouvillianBanded, row and column
 * pos[m·K + n]; kl and ku are the largest reach actually used.
 */
export function liouvillianBandedDiagonal(
  raw: KerrRaw,
  K: number,
  shift: { re: number; im: number } = { re: 0, im: 0 },
): { A: BandedMatrix; pos: Int32Array } {
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`liouvillianBandedDiagonal: K must be an integer ≥ 1 (got ${K})`);
  const { kappa, delta, E, U } = raw;
  const { pos } = diagonalOrder(K);
  const h = new Float64Array(K);
  const sq = new Float64Array(K + 1);
  for (let n = 0; n < K; n++) h[n] = delta * n + 0.5 * U * n * (n - 1);
  for (let n = 0; n <= K; n++) sq[n] = Math.sqrt(n);
  // the same couplings as liouvillianBanded, as (row, column offset) pairs: first the reach, then the values
  const each = (fn: (r: number, c: number, re: number, im: number) => void): void => {
    for (let m = 0; m < K; m++)
      for (let n = 0; n < K; n++) {
        const r = pos[m * K + n];
        fn(r, r, -kappa * (m + n) - shift.re, -(h[m] - h[n]) - shift.im);
        if (m >= 1) fn(r, pos[(m - 1) * K + n], E * sq[m], 0);
        if (m + 1 < K) fn(r, pos[(m + 1) * K + n], -E * sq[m + 1], 0);
        if (n + 1 < K) fn(r, pos[m * K + n + 1], -E * sq[n + 1], 0);
        if (n >= 1) fn(r, pos[m * K + n - 1], E * sq[n], 0);
        if (m + 1 < K && n + 1 < K) fn(r, pos[(m + 1) * K + n + 1], 2 * kappa * Math.sqrt((m + 1) * (n + 1)), 0);
      }
  };
  // reach of the couplings (ρ_{m±1,n}, ρ_{m,n±1}, ρ_{m+1,n+1}) from the positions alone (no element values)
  let kl = 0, ku = 0;
  const reach = (r: number, c: number): void => {
    if (r - c > kl) kl = r - c;
    if (c - r > ku) ku = c - r;
  };
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      const r = pos[m * K + n];
      if (m >= 1) reach(r, pos[(m - 1) * K + n]);
      if (m + 1 < K) reach(r, pos[(m + 1) * K + n]);
      if (n + 1 < K) reach(r, pos[m * K + n + 1]);
      if (n >= 1) reach(r, pos[m * K + n - 1]);
      if (m + 1 < K && n + 1 < K) reach(r, pos[(m + 1) * K + n + 1]);
    }
  const A = bandedZeros(K * K, kl, ku);
  const { re, im, w } = A;
  each((r, c, vr, vi) => {
    const q = r * w + (c - r + kl);
    re[q] = vr;
    im[q] = vi;
  });
  return { A, pos };
}

/** Stencil of L on the (m, n) grid: ρ_mn itself, ρ_{m∓1,n}, ρ_{m±1,n}… and the mirror (−1, −1) of the jump (zero). */
export const LIOUVILLIAN_OFFSETS = [
  [0, 0],
  [-1, 0],
  [1, 0],
  [0, 1],
  [0, -1],
  [1, 1],
  [-1, -1],
] as const satisfies readonly (readonly [number, number])[];

/**
 * (L − shift·1) as a stencil matrix on the K×K grid (gridLU.ts): the same elements as liouvillianBanded, row
 * m·K + n, one entry per offset of LIOUVILLIAN_OFFSETS (the (−1, −1) slot stays zero; it only makes the pattern
 * symmetric for the nested dissection).
 */
export function liouvillianStencil(raw: KerrRaw, K: number, shift: { re: number; im: number } = { re: 0, im: 0 }): StencilMatrix {
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`liouvillianStencil: K must be an integer ≥ 1 (got ${K})`);
  // the model layer's stencil of seed 000's Kerr model: offsets LIOUVILLIAN_OFFSETS, the same elements bit for bit
  return modelStencil(kerrModelRaw(raw), K, shift);
}

/** Nested-dissection structures of the Liouvillian's grid by (K, box): they depend on K only, so sweeps build each once. */
const symbolicCache = new Map<string, GridSymbolic>();

/** The gridLU symbolic structure for L at cut-off K (with a leading box of side `box`, 0 for none), cached (last 8). */
export function liouvillianSymbolic(K: number, box = 0): GridSymbolic {
  const key = `${K}/${box}`;
  let sym = symbolicCache.get(key);
  if (!sym) {
    if (symbolicCache.size >= 8) symbolicCache.delete(symbolicCache.keys().next().value!);
    sym = gridSymbolic(K, LIOUVILLIAN_OFFSETS, box);
    symbolicCache.set(key, sym);
  }
  return sym;
}
