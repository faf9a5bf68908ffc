/**
 * The Liouvillian of any single-mode model (model.ts) on vec(ρ), as a stencil matrix on the K×K grid (m, n)
 * (gridLU.ts), built from the band form of H and the jumps:
 *   −i[H, ρ]_mn = −i Σ_d (H_{m,m−d} ρ_{m−d,n} + H_{m,m+d} ρ_{m+d,n}) + i Σ_d (ρ_{m,n−d} H_{n−d,n} + ρ_{m,n+d} H_{n+d,n}),
 *   γ D[a^k]ρ: + γ √(P_k(m) P_k(n)) ρ_{m+k,n+k} − (γ/2)(Q_k(m) + Q_k(n)) ρ_mn,
 * with P_k(m) = (m+1)…(m+k), Q_k(m) = m(m−1)…(m−k+1) (= <m|a†^k a^k|m>), d = 1, 2, indices ≥ K read as zero.
 * For seed 000's Kerr model these are exactly the elements of kerr/liouvillianBanded.ts's liouvillianStencil (same
 * floating-point operations), so every Kerr result is unchanged.
 *
 * Parity: when the model conserves (m − n) mod 2 (hasParitySymmetry), `sector` restricts the stencil's grid to the
 * unknowns with (m + n) mod 2 = sector ('even' holds the NESS and every diagonal element; 'odd' holds <a>).
 */
import { gridSymbolic, stencilMatVec, type GridSymbolic, type StencilMatrix } from '../linalg/gridLU.js';
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { hasParitySymmetry, modelOffsets, modelOperators, risingProduct, type Model } from './model.js';

export type ParitySector = 'even' | 'odd';

/** Q_k(m) = m(m−1)…(m−k+1). */
function fallingProduct(k: number, m: number): number {
  let p = 1;
  for (let i = 0; i < k; i++) p *= m - i;
  return p;
}

/** −(a + ib)·i = b − ia, with +0 (not −0) for a zero part. */
const negI = (a: number, b: number): [number, number] => [b, a === 0 ? 0 : -a];

/**
 * (L − shift·1) as a stencil matrix on the K×K grid (offsets modelOffsets(model)); entries outside the grid stay zero.
 * Columns of the stored matrix sum to zero exactly where the trace is concerned (the diagonal jump coefficient
 * γ√(P_k(m)²) is the integer P_k(m) times γ), as seed 000's stencil.
 */
export function modelStencil(model: Model, K: number, shift: { re: number; im: number } = { re: 0, im: 0 }): StencilMatrix {
  const ops = modelOperators(model, K);
  const offsets = modelOffsets(model);
  const T = offsets.length;
  const slot = (dm: number, dn: number): number => offsets.findIndex((o) => o[0] === dm && o[1] === dn);
  const re = new Float64Array(K * K * T), im = new Float64Array(K * K * T);
  const { hDiag, low1, low2, jumps } = ops;
  const bands: { d: number; b: { re: Float64Array; im: Float64Array } }[] = [];
  if (low1) bands.push({ d: 1, b: low1 });
  if (low2) bands.push({ d: 2, b: low2 });
  const bandSlots = bands.map(({ d }) => ({ up: slot(-d, 0), dn: slot(d, 0), right: slot(0, d), left: slot(0, -d) }));
  const jumpSlots = jumps.map((j) => slot(j.k, j.k));
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      const q = (m * K + n) * T;
      let dr = -0; // −0 − x: the same bits as seed 000's −κ(m + n), signed zero included
      for (const j of jumps) dr -= 0.5 * j.rate * (fallingProduct(j.k, m) + fallingProduct(j.k, n));
      re[q] = dr - shift.re;
      im[q] = -(hDiag[m] - hDiag[n]) - shift.im;
      for (let i = 0; i < bands.length; i++) {
        const { d, b } = bands[i], s = bandSlots[i];
        if (m >= d) {
          // ρ_{m−d,n}: −i H_{m,m−d}
          const [x, y] = negI(b.re[m - d], b.im[m - d]);
          re[q + s.up] = x;
          im[q + s.up] = y;
        }
        if (m + d < K) {
          // ρ_{m+d,n}: −i H_{m,m+d} = −i conj(H_{m+d,m}) = −(b + ia)
          const a = b.re[m], c = b.im[m];
          re[q + s.dn] = -c;
          im[q + s.dn] = a === 0 ? 0 : -a;
        }
        if (n + d < K) {
          // ρ_{m,n+d}: +i H_{n+d,n} = −b + ia
          const a = b.re[n], c = b.im[n];
          re[q + s.right] = -c;
          im[q + s.right] = a;
        }
        if (n >= d) {
          // ρ_{m,n−d}: +i H_{n−d,n} = i conj(H_{n,n−d}) = b + ia
          const a = b.re[n - d], c = b.im[n - d];
          re[q + s.left] = c;
          im[q + s.left] = a;
        }
      }
      for (let i = 0; i < jumps.length; i++) {
        const k = jumps[i].k;
        if (m + k < K && n + k < K) re[q + jumpSlots[i]] = jumps[i].rate * Math.sqrt(risingProduct(k, m) * risingProduct(k, n));
      }
    }
  return { K, offsets, re, im };
}

/** out = L(ρ) for the model (out must not alias ρ). O(K²·T), T ≤ 13 stencil offsets. */
export function applyModelLiouvillian(model: Model, rho: ComplexMatrix, out: ComplexMatrix): void {
  const K = rho.K;
  if (out.K !== K) throw new Error('applyModelLiouvillian: size mismatch');
  stencilMatVec(modelStencil(model, K), rho.re, rho.im, out.re, out.im);
}

/** L(ρ) as a new matrix. */
export function modelLiouvillian(model: Model, rho: ComplexMatrix): ComplexMatrix {
  const out = { K: rho.K, re: new Float64Array(rho.K * rho.K), im: new Float64Array(rho.K * rho.K) };
  applyModelLiouvillian(model, rho, out);
  return out;
}

/** max |L(ρ)_mn|: ≈ 0 for a steady state. */
export function modelResidual(model: Model, rho: ComplexMatrix): number {
  const out = modelLiouvillian(model, rho);
  let r = 0;
  for (let i = 0; i < out.re.length; i++) r = Math.max(r, Math.hypot(out.re[i], out.im[i]));
  return r;
}

/** 1 where (m + n) mod 2 matches the sector. */
export function sectorMask(K: number, sector: ParitySector): Uint8Array {
  const mask = new Uint8Array(K * K), p = sector === 'even' ? 0 : 1;
  for (let m = 0; m < K; m++) for (let n = 0; n < K; n++) mask[m * K + n] = (m + n) % 2 === p ? 1 : 0;
  return mask;
}

const symbolicCache = new Map<string, GridSymbolic>();

/**
 * The nested-dissection structure for the model's stencil at cut-off K (leading box `box`, 0 for none; parity
 * `sector` if any), cached (last 8). Two-photon terms reach two grid steps: the separators are two lines wide.
 */
export function modelSymbolic(model: Model, K: number, box = 0, sector?: ParitySector): GridSymbolic {
  if (sector && !hasParitySymmetry(model)) throw new RangeError('modelSymbolic: the model has no parity symmetry (one-photon drive E ≠ 0)');
  const offsets = modelOffsets(model);
  const key = `${K}/${box}/${sector ?? ''}/${offsets.map((o) => o.join(',')).join(';')}`;
  let sym = symbolicCache.get(key);
  if (!sym) {
    if (symbolicCache.size >= 8) symbolicCache.delete(symbolicCache.keys().next().value!);
    sym = gridSymbolic(K, offsets, box, { maxReach: 2, mask: sector ? sectorMask(K, sector) : undefined });
    symbolicCache.set(key, sym);
  }
  return sym;
}
