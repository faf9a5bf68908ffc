/**
 * Complex band matrices and their LU factorisation with partial pivoting (the LAPACK zgbtrf/zgbtrs scheme, written
 * for split re/im Float64Arrays). The vectorised Kerr Liouvillian (PHYSICS.md §1, "Liouvillian spectrum") is banded
 * with half-bandwidth ~K in the ordering m*K + n, so one factorisation costs ~n·kl·(kl+ku) = O(K⁴) instead of the
 * O(K⁶) of a dense LU of the K²×K² matrix; this is what makes the NESS solve and shift-invert Arnoldi cheap.
 *
 * Storage (row-wise band, room for the pivoting fill-in kept from the start):
 *   width w = 2·kl + ku + 1; element (i, j) lives at i*w + (j − i + kl), valid for −kl ≤ j − i ≤ ku + kl.
 *   The slots j − i ∈ (ku, ku + kl] are zero in A and receive the fill-in of U when rows are interchanged
 *   (a row swapped up by ≤ kl places carries its ku superdiagonals up to kl + ku places right of the diagonal).
 * Rows are contiguous, so the elimination's inner loop (row_i −= l·row_k) runs over consecutive memory.
 * Speed (Kerr L − σ at K = 111, n = 12321, CPU s on this 2-core machine): updating the rows four/two at a time per
 * pivot step took the factorisation from 0.50 s to 0.38 s; two partial sums in the back substitution took a solve from
 * 12.4 ms to 11.4 ms. The solve streams ~48 MB of factors (n·(kl + ~1.2·ku) complex entries) and is memory-bound.
 * Variable profiles: rowEnd starts at each row's last non-zero and lLen stops the forward substitution at each column's
 * last multiplier, so a matrix whose rows reach less far than kl/ku (the diagonal-major Liouvillian,
 * liouvillianBandedDiagonal: average reach 75 instead of 118 at K = 111) costs only its envelope (LU 0.42 → 0.28 s).
 * The solves read L and U from packed, interleaved copies (lPack, uPack): ~10 → ~8 ms per solve there.
 */

import { packedDot } from './packedDot.js';

/** Scratch of the back substitution's inner products (packedDot). */
const dot = new Float64Array(2);

export interface BandedMatrix {
  /** Dimension n×n. */
  n: number;
  /** Number of subdiagonals. */
  kl: number;
  /** Number of superdiagonals of A (U gets kl + ku after pivoting). */
  ku: number;
  /** Row stride w = 2·kl + ku + 1. */
  w: number;
  re: Float64Array;
  im: Float64Array;
}

/** The LU factors: L (unit lower, multipliers in the sub-diagonal slots) and U (upper, kl + ku superdiagonals). */
export interface BandedLU extends BandedMatrix {
  /** Row interchanged with row k at step k (LAPACK's ipiv, 0-based). */
  piv: Int32Array;
  /** Steps k whose pivot was below tiny·scale and was replaced by tiny·scale (only with perturbZeroPivots). */
  perturbed: number[];
  /** Smallest |pivot| / scale met (after any perturbation): a cheap conditioning hint. */
  minPivotRatio: number;
  /**
   * The multipliers of L again, column by column up to each column's last non-zero (column k: lLen[k] complex entries
   * l_{k+1+t, k}, interleaved re, im, from 2·lStart[k]), and the strictly upper rows of U likewise (row k: columns
   * k+1…rowEnd[k], from 2·uStart[k]). The solves then stream two contiguous arrays instead of striding through the
   * band storage (the solve is memory-bound).
   */
  lPack: Float64Array;
  lStart: Int32Array;
  uPack: Float64Array;
  uStart: Int32Array;
  /**
   * Last column that can be non-zero in row k of U (≤ k + kl + ku). Rows that pivoting never touched keep k + ku, so
   * the elimination and the back substitution skip the unused fill-in slots (about half the work when pivoting is rare).
   */
  rowEnd: Int32Array;
  /** Number of stored multipliers of column k up to its last non-zero (≤ kl): the forward substitution stops there. */
  lLen: Int32Array;
}

export interface BandedLUOptions {
  /**
   * Replace a pivot with |pivot| < tiny·scale by tiny·scale (keeping its phase, or real if it is exactly 0) instead of
   * throwing. With this, (L − ζ1) at an exact eigenvalue (e.g. ζ₀ = 0 of a Liouvillian) still factors, and one solve
   * is a step of inverse iteration onto the eigenvector. Default false.
   */
  perturbZeroPivots?: boolean;
  /** Relative pivot threshold; default 2⁻⁵² (machine epsilon). */
  tiny?: number;
  /** Factor A in place (A's arrays become the factors) instead of copying. Default false. */
  inPlace?: boolean;
}

/** Thrown when a pivot is exactly singular and perturbZeroPivots is off. */
export class SingularMatrixError extends Error {
  constructor(readonly step: number) {
    super(`banded LU: zero pivot at step ${step} (matrix is singular to working precision)`);
    this.name = 'SingularMatrixError';
  }
}

export function bandedZeros(n: number, kl: number, ku: number): BandedMatrix {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(kl) && kl >= 0 && Number.isInteger(ku) && ku >= 0))
    throw new RangeError(`bandedZeros: need integers n > 0, kl ≥ 0, ku ≥ 0 (got ${n}, ${kl}, ${ku})`);
  const w = 2 * kl + ku + 1;
  return { n, kl, ku, w, re: new Float64Array(n * w), im: new Float64Array(n * w) };
}

/** Index of element (i, j) in re/im; throws outside the band of A (−kl ≤ j − i ≤ ku). */
export function bandedIndex(A: BandedMatrix, i: number, j: number): number {
  const d = j - i;
  if (i < 0 || i >= A.n || j < 0 || j >= A.n || d < -A.kl || d > A.ku)
    throw new RangeError(`banded: (${i}, ${j}) outside the band (n=${A.n}, kl=${A.kl}, ku=${A.ku})`);
  return i * A.w + d + A.kl;
}

export function bandedSet(A: BandedMatrix, i: number, j: number, re: number, im = 0): void {
  const p = bandedIndex(A, i, j);
  A.re[p] = re;
  A.im[p] = im;
}

export function bandedAdd(A: BandedMatrix, i: number, j: number, re: number, im = 0): void {
  const p = bandedIndex(A, i, j);
  A.re[p] += re;
  A.im[p] += im;
}

/** Element (i, j) of A (zero outside the stored band). */
export function bandedGet(A: BandedMatrix, i: number, j: number): { re: number; im: number } {
  const d = j - i;
  if (i < 0 || i >= A.n || j < 0 || j >= A.n || d < -A.kl || d > A.ku + A.kl) return { re: 0, im: 0 };
  const p = i * A.w + d + A.kl;
  return { re: A.re[p], im: A.im[p] };
}

export function bandedClone(A: BandedMatrix): BandedMatrix {
  return { n: A.n, kl: A.kl, ku: A.ku, w: A.w, re: A.re.slice(), im: A.im.slice() };
}

/** y = A x (A not factored). Output arrays may not alias the input. */
export function bandedMatVec(
  A: BandedMatrix,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { n, kl, ku, w, re, im } = A;
  for (let i = 0; i < n; i++) {
    const j0 = Math.max(0, i - kl), j1 = Math.min(n - 1, i + ku);
    let sr = 0, si = 0;
    let p = i * w + (j0 - i + kl);
    for (let j = j0; j <= j1; j++, p++) {
      const ar = re[p], ai = im[p];
      sr += ar * xr[j] - ai * xi[j];
      si += ar * xi[j] + ai * xr[j];
    }
    yr[i] = sr;
    yi[i] = si;
  }
}

/** Largest |A_ij| (the scale the pivot threshold is relative to). */
function maxAbs(A: BandedMatrix): number {
  let s = 0;
  const { re, im } = A;
  for (let p = 0; p < re.length; p++) {
    const a = re[p] * re[p] + im[p] * im[p];
    if (a > s) s = a;
  }
  return Math.sqrt(s);
}

/**
 * LU with partial pivoting, P A = L U (LAPACK zgbtrf, unblocked). Cost ~ n·kl·(kl + ku) complex multiply-adds.
 * Throws SingularMatrixError on an exactly zero pivot unless `perturbZeroPivots`.
 */
export function bandedLUFactor(A: BandedMatrix, opts: BandedLUOptions = {}): BandedLU {
  const { n, kl, ku, w } = A;
  const re = opts.inPlace ? A.re : A.re.slice();
  const im = opts.inPlace ? A.im : A.im.slice();
  const piv = new Int32Array(n);
  const perturbed: number[] = [];
  const tiny = opts.tiny ?? 2 ** -52;
  const scale = maxAbs(A) || 1;
  const floor = tiny * scale;
  const floor2 = floor * floor;
  let minPivot = Infinity;
  // The fill-in slots (j − i > ku) must start at zero; they are, for a matrix built with bandedZeros and set within
  // the band, but clear them anyway in case A was reused after a previous in-place factorisation.
  if (kl > 0)
    for (let i = 0; i < n; i++) {
      const base = i * w + kl + ku + 1;
      re.fill(0, base, base + kl);
      im.fill(0, base, base + kl);
    }
  const kuf = kl + ku; // superdiagonals of U
  const rowEnd = new Int32Array(n);
  // start from each row's last non-zero (not i + ku): with a variable profile (e.g. a diagonal-major ordering of the
  // Liouvillian, whose rows reach far only near the main diagonal of ρ) the updates and the back substitution then
  // only touch the envelope
  for (let i = 0; i < n; i++) {
    let j = Math.min(n - 1, i + ku);
    for (let q = i * w + (j - i + kl); j > i && re[q] === 0 && im[q] === 0; j--, q--);
    rowEnd[i] = j;
  }
  // per-step scratch: start of row i's update (column k+1) and its multiplier, for the rows with a non-zero one
  const rowQ = new Int32Array(kl + 1), mulR = new Float64Array(kl + 1), mulI = new Float64Array(kl + 1);
  for (let k = 0; k < n; k++) {
    const iEnd = Math.min(n - 1, k + kl);
    // pivot search in column k, rows k..k+kl: element (i, k) at i*w + (k − i + kl)
    let p = k;
    let best = -1;
    for (let i = k; i <= iEnd; i++) {
      const q = i * w + (k - i + kl);
      const a = re[q] * re[q] + im[q] * im[q];
      if (a > best) {
        best = a;
        p = i;
      }
    }
    piv[k] = p;
    if (p !== k) {
      // interchange rows k and p over columns k..(the larger of their extents) (both rows hold those columns)
      const swapEnd = Math.min(n - 1, k + kuf, Math.max(rowEnd[k], rowEnd[p]));
      let qk = k * w + kl; // (k, k)
      let qp = p * w + (k - p + kl); // (p, k)
      for (let j = k; j <= swapEnd; j++, qk++, qp++) {
        const tr = re[qk], ti = im[qk];
        re[qk] = re[qp];
        im[qk] = im[qp];
        re[qp] = tr;
        im[qp] = ti;
      }
      const t = rowEnd[k];
      rowEnd[k] = rowEnd[p];
      rowEnd[p] = t;
    }
    const jEnd = rowEnd[k];
    const d = k * w + kl; // (k, k)
    let pr = re[d], pi = im[d];
    let pa2 = pr * pr + pi * pi;
    if (pa2 < floor2 || pa2 === 0) {
      if (!opts.perturbZeroPivots) {
        if (pa2 === 0) throw new SingularMatrixError(k);
      } else {
        // keep the phase of a tiny pivot; a zero pivot becomes real
        const a = Math.sqrt(pa2);
        if (a > 0) {
          pr = (pr / a) * floor;
          pi = (pi / a) * floor;
        } else {
          pr = floor;
          pi = 0;
        }
        re[d] = pr;
        im[d] = pi;
        pa2 = pr * pr + pi * pi;
        perturbed.push(k);
      }
    }
    const ratio = Math.sqrt(pa2) / scale;
    if (ratio < minPivot) minPivot = ratio;
    // 1/pivot
    const ir = pr / pa2, ii = -pi / pa2;
    const len = jEnd - k; // columns k+1..jEnd
    // multipliers first (rows with a zero multiplier are skipped), then the rank-1 update row_i[k+1..jEnd] −= l·row_k
    // two rows at a time: each element of row k is loaded once per pair (the update is memory-bound; every element
    // still gets exactly the same operations in the same order, so the factors are bit-identical to the one-row loop).
    let cnt = 0;
    for (let i = k + 1; i <= iEnd; i++) {
      const q = i * w + (k - i + kl); // (i, k)
      const ar = re[q], ai = im[q];
      if (ar === 0 && ai === 0) continue;
      const lr = ar * ir - ai * ii, li = ar * ii + ai * ir;
      re[q] = lr;
      im[q] = li;
      rowQ[cnt] = q + 1;
      mulR[cnt] = lr;
      mulI[cnt] = li;
      cnt++;
      if (jEnd > rowEnd[i]) rowEnd[i] = jEnd;
    }
    const qk0 = d + 1;
    let c = 0;
    for (; c + 3 < cnt; c += 4) {
      const ar = mulR[c], ai = mulI[c], br = mulR[c + 1], bi = mulI[c + 1];
      const cr = mulR[c + 2], ci = mulI[c + 2], dr = mulR[c + 3], di = mulI[c + 3];
      let qa = rowQ[c], qb = rowQ[c + 1], qc = rowQ[c + 2], qd = rowQ[c + 3], qk = qk0;
      for (let t = 0; t < len; t++, qa++, qb++, qc++, qd++, qk++) {
        const ur = re[qk], ui = im[qk];
        re[qa] -= ar * ur - ai * ui;
        im[qa] -= ar * ui + ai * ur;
        re[qb] -= br * ur - bi * ui;
        im[qb] -= br * ui + bi * ur;
        re[qc] -= cr * ur - ci * ui;
        im[qc] -= cr * ui + ci * ur;
        re[qd] -= dr * ur - di * ui;
        im[qd] -= dr * ui + di * ur;
      }
    }
    for (; c + 1 < cnt; c += 2) {
      const ar = mulR[c], ai = mulI[c], br = mulR[c + 1], bi = mulI[c + 1];
      let qa = rowQ[c], qb = rowQ[c + 1], qk = qk0;
      for (let t = 0; t < len; t++, qa++, qb++, qk++) {
        const ur = re[qk], ui = im[qk];
        re[qa] -= ar * ur - ai * ui;
        im[qa] -= ar * ui + ai * ur;
        re[qb] -= br * ur - bi * ui;
        im[qb] -= br * ui + bi * ur;
      }
    }
    if (c < cnt) {
      const lr = mulR[c], li = mulI[c];
      let qi = rowQ[c], qk = qk0;
      for (let t = 0; t < len; t++, qi++, qk++) {
        const ur = re[qk], ui = im[qk];
        re[qi] -= lr * ur - li * ui;
        im[qi] -= lr * ui + li * ur;
      }
    }
  }
  const lLen = new Int32Array(n);
  const lStart = new Int32Array(n + 1), uStart = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) {
    const iEnd = Math.min(n - 1, k + kl);
    let last = 0;
    for (let i = k + 1; i <= iEnd; i++) {
      const q = i * w + (k - i + kl);
      if (re[q] !== 0 || im[q] !== 0) last = i - k;
    }
    lLen[k] = last;
    lStart[k + 1] = lStart[k] + last;
    uStart[k + 1] = uStart[k] + Math.max(0, rowEnd[k] - k);
  }
  const lPack = new Float64Array(2 * lStart[n]), uPack = new Float64Array(2 * uStart[n]);
  for (let k = 0; k < n; k++) {
    let p = 2 * lStart[k];
    for (let t = 0; t < lLen[k]; t++, p += 2) {
      const q = (k + 1 + t) * w + (kl - 1 - t); // (k + 1 + t, k)
      lPack[p] = re[q];
      lPack[p + 1] = im[q];
    }
    p = 2 * uStart[k];
    const end = 2 * uStart[k + 1];
    for (let q = k * w + kl + 1; p < end; p += 2, q++) {
      uPack[p] = re[q];
      uPack[p + 1] = im[q];
    }
  }
  return { n, kl, ku, w, re, im, piv, perturbed, minPivotRatio: minPivot, lPack, lStart, uPack, uStart, rowEnd, lLen };
}

/** Solve A x = b in place (b = (re, im) on entry, x on exit) from the factors of bandedLUFactor. */
export function bandedLUSolve(F: BandedLU, xr: Float64Array, xi: Float64Array): void {
  const { n, kl, w, re, im, piv, lPack, lStart, uPack, uStart } = F;
  // forward: apply P and L⁻¹ as the sequence of Gauss transforms (multipliers are not permuted, as in zgbtrs)
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) {
      const tr = xr[k], ti = xi[k];
      xr[k] = xr[p];
      xi[k] = xi[p];
      xr[p] = tr;
      xi[p] = ti;
    }
    const br = xr[k], bi = xi[k];
    if (br === 0 && bi === 0) continue;
    const end = 2 * lStart[k + 1];
    for (let q = 2 * lStart[k], i = k + 1; q < end; q += 2, i++) {
      const lr = lPack[q], li = lPack[q + 1];
      xr[i] -= lr * br - li * bi;
      xi[i] -= lr * bi + li * br;
    }
  }
  // backward: U x = y, U with up to kl + ku superdiagonals (row k: columns k+1…rowEnd[k], packed in uPack)
  for (let k = n - 1; k >= 0; k--) {
    packedDot(uPack, 2 * uStart[k], xr, xi, k + 1, uStart[k + 1] - uStart[k], dot);
    const sr = xr[k] - dot[0], si = xi[k] - dot[1];
    const d = k * w + kl;
    const dr = re[d], di = im[d];
    const m2 = dr * dr + di * di;
    xr[k] = (sr * dr + si * di) / m2;
    xi[k] = (si * dr - sr * di) / m2;
  }
}

/**
 * Solve Aᴴ x = b in place (conjugate transpose) from the same factors: Aᴴ = Uᴴ Lᴴ P, so solve Uᴴ z = b (forward),
 * then Lᴴ and the interchanges in reverse order (zgbtrs with trans = 'C').
 */
export function bandedLUSolveAdjoint(F: BandedLU, xr: Float64Array, xi: Float64Array): void {
  const { n, kl, ku, w, re, im, piv, lPack, lStart } = F;
  const kuf = kl + ku;
  // Uᴴ z = b: column k of U is row k of Uᴴ... process k ascending: z_k = (b_k − Σ_{j<k} conj(U_jk) z_j) / conj(U_kk)
  for (let k = 0; k < n; k++) {
    const j0 = Math.max(0, k - kuf);
    let sr = xr[k], si = xi[k];
    for (let j = j0; j < k; j++) {
      const q = j * w + (k - j + kl); // U_jk
      const ur = re[q], ui = -im[q];
      sr -= ur * xr[j] - ui * xi[j];
      si -= ur * xi[j] + ui * xr[j];
    }
    const d = k * w + kl;
    const dr = re[d], di = -im[d];
    const m2 = dr * dr + di * di;
    xr[k] = (sr * dr + si * di) / m2;
    xi[k] = (si * dr - sr * di) / m2;
  }
  // (P-then-L)ᴴ: undo the Gauss transforms in reverse, each followed by its interchange
  for (let k = n - 1; k >= 0; k--) {
    const end = 2 * lStart[k + 1];
    let sr = xr[k], si = xi[k];
    for (let q = 2 * lStart[k], i = k + 1; q < end; q += 2, i++) {
      const lr = lPack[q], li = -lPack[q + 1];
      sr -= lr * xr[i] - li * xi[i];
      si -= lr * xi[i] + li * xr[i];
    }
    xr[k] = sr;
    xi[k] = si;
    const p = piv[k];
    if (p !== k) {
      const tr = xr[k], ti = xi[k];
      xr[k] = xr[p];
      xi[k] = xi[p];
      xr[p] = tr;
      xi[p] = ti;
    }
  }
}
