/**
 * Heterodyne outcomes coarse-grained on a fine polar grid, with the exact POVM of every bin (PHYSICS.md §3).
 *
 * Why bins: maximum-likelihood tomography evaluates <μ_i|ρ|μ_i> for every outcome at every iteration (O(M K²)); with
 * 10⁵–10⁶ outcomes and hundreds of bootstrap fits that is far too slow. Binning is not an approximation of the model:
 * the bin b has the POVM element E_b = ∫_b |μ><μ| d²μ/π exactly, so the multinomial likelihood Π_b p_b^{n_b},
 * p_b = tr(ρ E_b), is the exact likelihood of the binned data; bins much finer than the vacuum width of Q lose a
 * negligible amount of information. A bootstrap resample of the outcomes is a resample of the bin counts.
 *
 * Polar bins: rings [r_j, r_{j+1}) of width ≈ hr, L equal sectors of width Δ = 2π/L centred at θ_l = (l + ½)Δ.
 * With c_m(r) = e^{−r²/2} r^m/√m! and C^{(j)}_{mn} = ∫_{ring j} c_m c_n r dr (Gauss–Legendre, 8 nodes per ring: the
 * integrand is analytic and the ring narrow, so the rule is exact to round-off),
 *   p_{jl} = tr(ρ E_{jl}) = (Δ/π) [B_0 + 2 Re Σ_{k≥1} s_k B_k e^{ikθ_l}],  B_k = Σ_n ρ_{n,n+k} C^{(j)}_{n,n+k},
 *   s_k = sinc(kΔ/2) (the sector integral of e^{ikθ}),
 * one O(K²) sweep and one FFT per ring; and R = Σ_b w_b E_b has
 *   R_{n,n+k} = (Δ/π) s_k Σ_j C^{(j)}_{n,n+k} conj(V_{jk}),  V_{jk} = Σ_l w_{jl} e^{ikθ_l},
 * again one FFT per ring. rMax covers every outcome and the Fock levels < K (Σ_b E_b = 1 on them to ~1e-13).
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { fftPlan, nextPow2 } from '../linalg/fft.js';
import { gaussLegendreOn } from '../linalg/gaussLegendre.js';

export interface PolarBins {
  K: number;
  rMax: number;
  /** Ring edges r_0 = 0 < … < r_J = rMax. */
  edges: Float64Array;
  rings: number;
  /** Sectors per ring (a power of two). */
  L: number;
  /** C^{(j)}_{n,n+k} at j·P + off[k] + n (P = K(K+1)/2). */
  C: Float64Array;
  off: Int32Array;
  /** s_k = sinc(kΔ/2), k < K. */
  sinc: Float64Array;
}

/** Smallest s with P(Gamma(K) > s) ≤ tol: beyond √s no Fock level below K leaves outcomes (bound of the tail sum). */
export function fockTailRadius(K: number, tol = 1e-13): number {
  let lnFact = 0;
  for (let j = 2; j < K; j++) lnFact += Math.log(j);
  // tail(s) ≤ e^{−s} s^{K−1}/(K−1)! · s/(s − K + 1) for s > K − 1
  for (let s = K + 1; ; s += 0.25) {
    const lb = -s + (K - 1) * Math.log(s) - lnFact + Math.log(s / (s - K + 1));
    if (lb < Math.log(tol)) return Math.sqrt(s);
  }
}

export interface BinOptions {
  /** Ring width (default 0.1). */
  hr?: number;
  /** Largest arc width of a sector at rMax (default 0.25): L = the next power of two ≥ 2π rMax/arc, at least 16. */
  arc?: number;
}

/** Bins for K Fock levels that hold every outcome (maxAbs = largest |μ_i|). */
export function polarBins(K: number, maxAbs: number, opts: BinOptions = {}): PolarBins {
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`polarBins: K must be an integer ≥ 1 (got ${K})`);
  const hr = opts.hr ?? 0.1, arc = opts.arc ?? 0.25;
  const rMax = Math.max(fockTailRadius(K), maxAbs * (1 + 1e-9) + 1e-9);
  const rings = Math.ceil(rMax / hr);
  const edges = new Float64Array(rings + 1);
  for (let j = 0; j <= rings; j++) edges[j] = (rMax * j) / rings;
  const L = nextPow2(Math.max(16, Math.ceil((2 * Math.PI * rMax) / arc)));
  const off = new Int32Array(K + 1);
  for (let k = 0; k < K; k++) off[k + 1] = off[k] + (K - k);
  const P = off[K];
  const C = new Float64Array(rings * P);
  const lnFact = new Float64Array(K);
  for (let m = 1; m < K; m++) lnFact[m] = lnFact[m - 1] + Math.log(m);
  const c = new Float64Array(K);
  const G = 8;
  for (let j = 0; j < rings; j++) {
    const q = gaussLegendreOn(G, edges[j], edges[j + 1]);
    for (let g = 0; g < G; g++) {
      const r = q.x[g], lr = Math.log(r), h = -0.5 * r * r, wr = q.w[g] * r;
      for (let m = 0; m < K; m++) c[m] = Math.exp(h + m * lr - 0.5 * lnFact[m]);
      const base = j * P;
      for (let k = 0; k < K; k++) {
        const o = base + off[k];
        for (let n = 0; n + k < K; n++) C[o + n] += wr * c[n] * c[n + k];
      }
    }
  }
  const sinc = new Float64Array(K);
  const D = (2 * Math.PI) / L;
  sinc[0] = 1;
  for (let k = 1; k < K; k++) sinc[k] = Math.sin((k * D) / 2) / ((k * D) / 2);
  return { K, rMax, edges, rings, L, C, off, sinc };
}

/** Bin index j·L + l of each outcome (all inside rMax by construction). */
export function binIndex(bins: PolarBins, x: Float64Array, y: Float64Array): Int32Array {
  const M = x.length, out = new Int32Array(M);
  const { rings, L, rMax } = bins;
  const D = (2 * Math.PI) / L;
  for (let i = 0; i < M; i++) {
    const r = Math.hypot(x[i], y[i]);
    let j = Math.floor((r / rMax) * rings);
    // the edges are rMax·j/rings: fix the rare off-by-one from rounding
    if (j >= rings) j = rings - 1;
    if (j > 0 && r < bins.edges[j]) j--;
    else if (j + 1 < rings && r >= bins.edges[j + 1]) j++;
    let th = Math.atan2(y[i], x[i]);
    if (th < 0) th += 2 * Math.PI;
    let l = Math.floor(th / D);
    if (l >= L) l = L - 1;
    out[i] = j * L + l;
  }
  return out;
}

/** Counts per bin from bin indices (optionally of a resample: idx[i] for i in pick). */
export function binCounts(bins: PolarBins, binOf: Int32Array): Float64Array {
  const n = new Float64Array(bins.rings * bins.L);
  for (let i = 0; i < binOf.length; i++) n[binOf[i]]++;
  return n;
}

/** Rings that hold at least one count (the only ones the likelihood needs). */
export function occupiedRings(bins: PolarBins, counts: Float64Array): Int32Array {
  const out: number[] = [];
  for (let j = 0; j < bins.rings; j++) {
    let any = false;
    for (let l = 0; l < bins.L; l++)
      if (counts[j * bins.L + l] > 0) {
        any = true;
        break;
      }
    if (any) out.push(j);
  }
  return Int32Array.from(out);
}

/** Scratch for the per-ring transforms. */
export interface BinScratch {
  inp: Float64Array;
  out: Float64Array;
  /** R's upper triangle by diagonals (re, im), length K(K+1)/2. */
  accRe: Float64Array;
  accIm: Float64Array;
}

export function binScratch(bins: PolarBins): BinScratch {
  const P = bins.off[bins.K];
  const n = 2 * Math.max(bins.L, bins.K);
  return { inp: new Float64Array(n), out: new Float64Array(n), accRe: new Float64Array(P), accIm: new Float64Array(P) };
}

/**
 * Rings with few occupied sectors are evaluated sector by sector (O(K) each) instead of by an FFT of all L sectors:
 * with sparse data (small M, outer rings) this is several times faster, with the same numbers.
 */
export function sparseSectors(bins: PolarBins, counts: Float64Array, rings: Int32Array): (Int32Array | undefined)[] {
  const out: (Int32Array | undefined)[] = new Array(bins.rings).fill(undefined);
  const L = bins.L, limit = (L * Math.log2(L)) / (2 * bins.K);
  for (const j of rings) {
    const list: number[] = [];
    for (let l = 0; l < L; l++) if (counts[j * L + l] > 0) list.push(l);
    if (list.length < limit) out[j] = Int32Array.from(list);
  }
  return out;
}

/** p_{jl} = tr(ρ E_{jl}) for the rings listed, written to p[j·L + l] (only at the listed sectors of sparse rings). */
export function binProbabilities(
  bins: PolarBins, rho: ComplexMatrix, rings: Int32Array, p: Float64Array, s: BinScratch, sectors?: (Int32Array | undefined)[],
): void {
  const { K, L, C, off, sinc } = bins;
  const P = off[K];
  const D = (2 * Math.PI) / L, pref = D / Math.PI;
  const fft = fftPlan(L);
  const re = rho.re, im = rho.im;
  for (const j of rings) {
    s.inp.fill(0);
    const base = j * P;
    const sparse = sectors?.[j];
    if (sparse) {
      // B_k f_k into inp[2k], inp[2k+1]; then p_l = f_0 B_0 + 2 Re Σ_k f_k B_k e^{ikθ_l} per listed sector
      for (let k = 0; k < K; k++) {
        let br = 0, bi = 0;
        const o = base + off[k];
        for (let n = 0; n + k < K; n++) {
          const cv = C[o + n], e = n * K + n + k;
          br += cv * re[e];
          bi += cv * im[e];
        }
        const f = pref * sinc[k];
        s.inp[2 * k] = f * br;
        s.inp[2 * k + 1] = f * bi;
      }
      for (const l of sparse) {
        const th = (l + 0.5) * D, c1 = Math.cos(th), s1 = Math.sin(th);
        let cr = 1, ci = 0, acc = 0;
        for (let k = 1; k < K; k++) {
          const t = cr * c1 - ci * s1;
          ci = cr * s1 + ci * c1;
          cr = t;
          acc += s.inp[2 * k] * cr - s.inp[2 * k + 1] * ci;
        }
        p[j * L + l] = s.inp[0] + 2 * acc;
      }
      continue;
    }
    for (let k = 0; k < K; k++) {
      let br = 0, bi = 0;
      const o = base + off[k];
      for (let n = 0; n + k < K; n++) {
        const cv = C[o + n], e = n * K + n + k;
        br += cv * re[e];
        bi += cv * im[e];
      }
      if (k === 0) {
        s.inp[0] += pref * br;
        continue;
      }
      // Y_k = (Δ/π) s_k B_k e^{ikΔ/2} at index −k (mod L), conj(Y_k) at +k: out_l = Σ_k Y_k e^{ikθ_l}
      const ph = (k * D) / 2, cr = Math.cos(ph), ci = Math.sin(ph), f = pref * sinc[k];
      const yr = f * (br * cr - bi * ci), yi = f * (br * ci + bi * cr);
      const a = k % L, ia = 2 * ((L - a) % L), ib = 2 * a;
      s.inp[ia] += yr;
      s.inp[ia + 1] += yi;
      s.inp[ib] += yr;
      s.inp[ib + 1] -= yi;
    }
    fft.forward(s.out, s.inp);
    for (let l = 0; l < L; l++) p[j * L + l] = s.out[2 * l];
  }
}

/**
 * R = Σ_b w_b E_b (Hermitian, K×K) from weights per bin on the rings listed (w zero elsewhere; on sparse rings only
 * the listed sectors are read).
 */
export function accumulateR(
  bins: PolarBins, w: Float64Array, rings: Int32Array, R: ComplexMatrix, s: BinScratch, sectors?: (Int32Array | undefined)[],
): void {
  const { K, L, C, off, sinc } = bins;
  const P = off[K];
  const D = (2 * Math.PI) / L, pref = D / Math.PI;
  const fft = fftPlan(L);
  R.re.fill(0);
  R.im.fill(0);
  // Accumulate the upper triangle by diagonals: Rk[off[k] + n] = R_{n,n+k}.
  const accRe = s.accRe, accIm = s.accIm;
  accRe.fill(0);
  accIm.fill(0);
  for (const j of rings) {
    const sparse = sectors?.[j];
    if (sparse) {
      // conj(V_k) = Σ_l w_l e^{−ikθ_l} over the listed sectors, into out[2k], out[2k+1]
      s.out.fill(0, 0, 2 * K);
      for (const l of sparse) {
        const wl = w[j * L + l];
        const th = (l + 0.5) * D, c1 = Math.cos(th), s1 = -Math.sin(th);
        let cr = 1, ci = 0;
        s.out[0] += wl;
        for (let k = 1; k < K; k++) {
          const t = cr * c1 - ci * s1;
          ci = cr * s1 + ci * c1;
          cr = t;
          s.out[2 * k] += wl * cr;
          s.out[2 * k + 1] += wl * ci;
        }
      }
    } else {
      for (let l = 0; l < L; l++) {
        s.inp[2 * l] = w[j * L + l];
        s.inp[2 * l + 1] = 0;
      }
      fft.forward(s.out, s.inp);
    }
    const base = j * P;
    for (let k = 0; k < K; k++) {
      let vr: number, vi: number;
      if (sparse) {
        vr = s.out[2 * k];
        vi = s.out[2 * k + 1];
      } else {
        // F_k = Σ_l w_l e^{−2πikl/L}; conj(V_k) = e^{−ikΔ/2} F_k
        const a = k % L;
        const fr = s.out[2 * a], fi = s.out[2 * a + 1];
        const ph = -(k * D) / 2, cr = Math.cos(ph), ci = Math.sin(ph);
        vr = fr * cr - fi * ci;
        vi = fr * ci + fi * cr;
      }
      const o = base + off[k], oo = off[k];
      for (let n = 0; n + k < K; n++) {
        const cv = C[o + n];
        accRe[oo + n] += cv * vr;
        accIm[oo + n] += cv * vi;
      }
    }
  }
  for (let k = 0; k < K; k++) {
    const f = pref * sinc[k];
    for (let n = 0; n + k < K; n++) {
      const vr = f * accRe[off[k] + n], vi = f * accIm[off[k] + n];
      R.re[n * K + n + k] = vr;
      R.im[n * K + n + k] = vi;
      R.re[(n + k) * K + n] = vr;
      R.im[(n + k) * K + n] = -vi;
    }
    if (k === 0) for (let n = 0; n < K; n++) R.im[n * K + n] = 0;
  }
}
