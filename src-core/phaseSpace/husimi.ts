/**
 * Husimi q(μ) = <μ|X|μ> and j(μ) = <μ|aX|μ> on a polar grid μ = r e^{iθ} (seed Sec. III, App. B; PHYSICS.md §1,
 * "Evaluating Q on a grid, fast"), for a Hermitian K×K matrix X (ρ, or L(ρ) for the balance check).
 *
 * With c_m(r) = e^{−r²/2} r^m/√m!:
 *   q(r, θ) = Σ_k e^{ikθ} A_k(r),  A_k = Σ_m c_m c_{m+k} X_{m,m+k},  A_{−k} = conj(A_k),
 * and, since c_{m−1}√m = c_m m/r, the matrix aX needs no second pass over X:
 *   μ̄ j(r, θ) = Σ_k e^{ikθ} D_k(r),  D_k = Σ_m m c_m c_{m+k} X_{m,m+k},  D_{−k} = conj(D_k + k A_k).
 * So one O(K²) sweep of the upper triangle per radius gives both coefficient sets, and one FFT per function gives all
 * angles. The integrands of S_W, Π_J and Π_U need only q and D = μ̄ j (|j|²/q = |D|²/(r² q), μ̄² j² = D², μ̄ j = D).
 * θ is sampled at equispaced angles (trapezoid: exact for q itself, band-limited to |k| ≤ K − 1), r at Gauss–Legendre
 * nodes on [0, rMax].
 *
 * Cost, measured on the 251 states of the paper quench (N = 10, ε 0.5 → 1.1, t ≤ 50, K = 61, ~118 radii): angle
 * doublings that sample only the new points and a first pass at half the band's power of two cut the points per state
 * from 36 800 computed (15 600 kept) to 12 700, with the same integrals; grid CPU for all 251 states 0.45 → 0.24 s
 * (1.0 ms per state), cold (first run in a fresh process) 0.85 → 0.34 s after splitting the hot loops out of
 * evaluatePolar. Fewer radial nodes were measured too and not taken: 7 per unit radius instead of 10 raises the
 * worst relative error on the quench from 2.6e-10 to 1.6e-8 (5 per unit: 3.3e-7) for 27 % fewer radii.
 */
import type { PolarGrid } from '../kerr/types.js';
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { fftPlan, nextPow2 } from '../linalg/fft.js';
import { gaussLegendreOn } from '../linalg/gaussLegendre.js';
import { husimiKernel } from './husimiKernel.js';

/** Everything that depends only on (K, grid): cached and shared by every state of that size. */
export interface PolarPlan {
  K: number;
  grid: PolarGrid;
  /** Radial nodes r_i and weights w_i·r_i·2π (so Σ_i wr_i/Lr_i Σ_l f(r_i, θ_l) ≈ ∫ f d²μ). */
  r: Float64Array;
  wr: Float64Array;
  /** c_m(r_i) at i*K + m. */
  c: Float64Array;
  /** Scratch: FFT input/output (interleaved complex, 2L). */
  inA: Float64Array;
  inD: Float64Array;
  outA: Float64Array;
  outD: Float64Array;
}

/**
 * q and D = μ̄ j on the grid, owned by the plan's evaluator: radius r_i sampled at θ_l = 2πl/Lr[i], l < Lr[i], stored at
 * rowOff[i] + l (rows are packed: Lr varies with the radius; the arrays grow as needed).
 */
export interface PolarField {
  plan: PolarPlan;
  /** q(r_i, θ_l) at rowOff[i] + l. */
  q: Float64Array;
  /** D = μ̄ j = r e^{−iθ} j at rowOff[i] + l. */
  Dre: Float64Array;
  Dim: Float64Array;
  /** Start of row i in q, Dre, Dim (length radialNodes + 1). */
  rowOff: Int32Array;
  /**
   * Per radius: (Σ_m c_m √s_m)², a bound on |q| and on the round-off scale of q at r_i, with s_m = ρ_mm for a density
   * matrix (`psd`) and s_m = ‖row m of X‖₂ otherwise (both give |X_mn| ≤ √(s_m s_n)).
   */
  bound: Float64Array;
  /** Per radius: number of angles Lr[i] actually sampled (θ_l = 2πl/Lr[i], l < Lr[i]; a power of two ≤ L). */
  Lr: Int32Array;
  /**
   * Per radius i, the weighted angular sums (weights of the Gauss–Legendre node × r × 2π/Lr[i]) at 4i…4i+3 of
   * q, q ln q, |D|²/(r² q) and 2 Re D Im D/q − 2r² Im D (the integrands of ∫Q, S_W, Π_J and Π_U up to constants).
   */
  sums: Float64Array;
}

const MAX_PLANS = 16;
const plans = new Map<string, PolarPlan>();
const fields = new Map<PolarPlan, PolarField>();

/** The cached plan for dimension K on `grid` (radialNodes ≥ 1, angles a power of two ≥ 16: the per-radius cap). */
export function polarPlan(K: number, grid: PolarGrid): PolarPlan {
  const key = `${K}|${grid.radialNodes}|${grid.angles}|${grid.rMax}`;
  const hit = plans.get(key);
  if (hit) return hit;
  const R = grid.radialNodes, L = grid.angles;
  if (!(Number.isInteger(R) && R >= 1)) throw new RangeError(`radialNodes must be a positive integer, got ${R}`);
  if (!(L >= 16) || (L & (L - 1)) !== 0) throw new RangeError(`angles must be a power of two ≥ 16, got ${L}`);
  if (!(grid.rMax > 0 && Number.isFinite(grid.rMax))) throw new RangeError(`rMax must be positive, got ${grid.rMax}`);
  const gl = gaussLegendreOn(R, 0, grid.rMax);
  const r = gl.x, wr = new Float64Array(R);
  for (let i = 0; i < R; i++) wr[i] = gl.w[i] * r[i] * 2 * Math.PI;
  // c_m(r) = exp(−r²/2 + m ln r − ln m!): the log form cannot overflow or underflow early for any K or r.
  const lnFact = new Float64Array(K);
  for (let m = 1; m < K; m++) lnFact[m] = lnFact[m - 1] + Math.log(m);
  const c = new Float64Array(R * K);
  for (let i = 0; i < R; i++) {
    const lr = Math.log(r[i]), h = -0.5 * r[i] * r[i];
    for (let m = 0; m < K; m++) c[i * K + m] = Math.exp(h + m * lr - 0.5 * lnFact[m]);
  }
  const plan: PolarPlan = {
    K, grid: { ...grid }, r, wr, c,
    inA: new Float64Array(2 * L), inD: new Float64Array(2 * L),
    outA: new Float64Array(2 * L), outD: new Float64Array(2 * L),
  };
  if (plans.size >= MAX_PLANS) {
    const oldest = plans.keys().next().value as string;
    fields.delete(plans.get(oldest)!);
    plans.delete(oldest);
  }
  plans.set(key, plan);
  return plan;
}

/** Row 2-norms s_m of a Hermitian X: |X_mn| ≤ min(s_m, s_n) ≤ √(s_m s_n), for any Hermitian matrix. */
export function rowNorms(X: ComplexMatrix): Float64Array {
  const K = X.K, s = new Float64Array(K);
  for (let m = 0; m < K; m++) {
    let a = 0;
    for (let n = 0; n < K; n++) a += X.re[m * K + n] ** 2 + X.im[m * K + n] ** 2;
    s[m] = Math.sqrt(a);
  }
  return s;
}

/**
 * Grid chosen from the state:
 * - rMax: the angle-averaged q(r) = A_0(r) = Σ_m ρ_mm c_m(r)² (exact, O(K) per r) is scanned outwards; rMax is where it
 *   has fallen below 1e-18 of its maximum for good (beyond, q and every integrand decay like a Gaussian), rounded up
 *   to a multiple of 0.5 so that successive samples of a trajectory share one cached plan;
 * - radialNodes: 10 Gauss–Legendre nodes per unit radius + 10 (measured on near-critical NESSs: ~1e-10 absolute);
 * - angles: the cap of the per-radius adaptive angle count (see evaluatePolar), a power of two ≥ 16K. NESSs need
 *   ~2K at most (PHYSICS.md quotes 4K for ~1e-12); the cap only binds for nearly pure states, whose q has zeros.
 */
export function autoPolarGrid(rho: ComplexMatrix, overrides: Partial<PolarGrid> = {}): PolarGrid {
  const K = rho.K;
  const rMax = overrides.rMax ?? Math.ceil(2 * supportRadius(rho)) / 2;
  const radialNodes = overrides.radialNodes ?? Math.ceil(10 * rMax) + 10;
  // FFT lengths are powers of two: round a requested count up.
  const angles = nextPow2(Math.max(overrides.angles ?? 16 * K, 16));
  return { radialNodes, angles, rMax };
}

const lnFactCache: number[] = [0];
function lnFact(m: number): number {
  for (let k = lnFactCache.length; k <= m; k++) lnFactCache.push(lnFactCache[k - 1] + Math.log(k));
  return lnFactCache[m];
}

/** Radius beyond which A_0(r) = Σ ρ_mm c_m(r)² < 1e-18 · max A_0 (scan in steps of 0.25 up to √K + 8). */
export function supportRadius(rho: ComplexMatrix, tol = 1e-18): number {
  const K = rho.K;
  const rEnd = Math.sqrt(K) + 8;
  const steps = Math.ceil(rEnd / 0.25);
  const a0 = new Float64Array(steps + 1);
  let amax = 0;
  for (let s = 1; s <= steps; s++) {
    const r = s * 0.25, r2 = r * r, lr2 = Math.log(r2);
    let a = 0;
    if (r2 < 600) {
      // c_m² = e^{−r²} r^{2m}/m! by recurrence (no underflow of e^{−r²} below r² ≈ 700)
      let c2 = Math.exp(-r2);
      for (let m = 0; m < K; m++) {
        if (m > 0) c2 *= r2 / m;
        const p = rho.re[m * K + m];
        if (p > 0) a += p * c2;
      }
    } else
      for (let m = 0; m < K; m++) {
        const p = rho.re[m * K + m];
        if (p > 0) a += p * Math.exp(-r2 + m * lr2 - lnFact(m));
      }
    a0[s] = a;
    if (a > amax) amax = a;
  }
  let last = 1;
  for (let s = 1; s <= steps; s++) if (a0[s] > tol * amax) last = s;
  return Math.max(3, (last + 1) * 0.25);
}

/** Fresh arrays for a field on `plan` (pass as `into` to keep a field beyond the next evaluation). */
export function newPolarField(plan: PolarPlan): PolarField {
  const n = plan.grid.radialNodes * Math.min(plan.grid.angles, 4 * plan.K + 16);
  return {
    plan, q: new Float64Array(n), Dre: new Float64Array(n), Dim: new Float64Array(n),
    rowOff: new Int32Array(plan.grid.radialNodes + 1),
    bound: new Float64Array(plan.grid.radialNodes),
    Lr: new Int32Array(plan.grid.radialNodes),
    sums: new Float64Array(4 * plan.grid.radialNodes),
  };
}

/**
 * Points where q falls below FLOOR × (the per-radius bound on |q|) carry only round-off in q and j; there
 * |j|²/q ≤ <μ|aρa†|μ>, itself negligible, so the ratio terms are dropped instead of amplifying noise.
 */
const FLOOR = 1e-14;
/**
 * Per-radius tolerance on the angular sums, relative to the sum of the moduli of their terms (round-off of the
 * cancelling Π_U terms sits near 1e-13 of that), or ANGLE_ABS absolute after weighting (see evaluatePolar).
 */
const ANGLE_TOL = 1e-12;
/** Absolute per-radius tolerance after weighting: ~100 radii then add at most ~1e-11 to any integral. */
const ANGLE_ABS = 1e-13;

/**
 * The O(K²) sweep for two radii at once (b0, b1: their rows of c; each element of X is loaded once for both; pack holds
 * the upper triangle by diagonals, interleaved complex; husimiKernel.wat is the same loop in WebAssembly SIMD):
 * coef[8k…8k+3] = A_k, D_k of radius b0 and coef[8k+4…8k+7] those of b1, over the window [lo, hi]. A separate function
 * so that the JIT optimises this hot loop on its own (inside evaluatePolar, rarely taken branches kept deoptimising it).
 */
function sweepPair(
  pack: Float64Array, packOff: Int32Array, c: Float64Array,
  b0: number, b1: number, lo: number, hi: number, coef: Float64Array,
): void {
  const kMax = Math.max(hi - lo, 0);
  for (let k = 0; k <= kMax; k++) {
    let ar = 0, ai = 0, dr = 0, di = 0, br = 0, bi = 0, er = 0, ei = 0;
    const o = packOff[k];
    for (let m = lo; m + k <= hi; m++) {
      const pr = pack[2 * (o + m)], pi = pack[2 * (o + m) + 1];
      const t = c[b0 + m] * c[b0 + m + k], u = c[b1 + m] * c[b1 + m + k];
      const x = t * pr, y = t * pi, x1 = u * pr, y1 = u * pi;
      ar += x;
      ai += y;
      dr += m * x;
      di += m * y;
      br += x1;
      bi += y1;
      er += m * x1;
      ei += m * y1;
    }
    const q8 = 8 * k;
    coef[q8] = ar;
    coef[q8 + 1] = ai;
    coef[q8 + 2] = dr;
    coef[q8 + 3] = di;
    coef[q8 + 4] = br;
    coef[q8 + 5] = bi;
    coef[q8 + 6] = er;
    coef[q8 + 7] = ei;
  }
}

/**
 * One sampling pass at one radius: the n transformed points (outA: q, outD: conj D) are stored at o0 + stride·l and
 * their integrand sums written to out: [Σq, Σ q ln q, Σ |D|²/q, Σ Π_U-integrand, Σ|q ln q|, Σ|Π_U terms|, and the
 * q ln q, |D|²/q, Π_U sums over the even points l].
 */
function samplePass(
  outA: Float64Array, outD: Float64Array, n: number, q: Float64Array, Dre: Float64Array, Dim: Float64Array,
  o0: number, stride: number, r2: number, floor: number, out: Float64Array,
): void {
  let pn = 0, pl = 0, pj = 0, pu = 0, ql = 0, qj = 0, qu = 0, pal = 0, pau = 0;
  for (let l = 0; l < n; l++) {
    const qv = outA[2 * l], dr = outD[2 * l], di = -outD[2 * l + 1];
    const o = o0 + stride * l;
    q[o] = qv;
    Dre[o] = dr;
    Dim[o] = di;
    pn += qv;
    let tl = 0, tj = 0, tu = -2 * r2 * di;
    if (qv > floor && qv > 0) {
      const inv = 1 / qv;
      tl = qv * Math.log(qv);
      tj = (dr * dr + di * di) * inv;
      tu += 2 * dr * di * inv;
    }
    pl += tl;
    pj += tj;
    pu += tu;
    pal += Math.abs(tl);
    pau += Math.abs(2 * r2 * di) + Math.abs(tu);
    if ((l & 1) === 0) {
      ql += tl;
      qj += tj;
      qu += tu;
    }
  }
  out[0] = pn;
  out[1] = pl;
  out[2] = pj;
  out[3] = pu;
  out[4] = pal;
  out[5] = pau;
  out[6] = ql;
  out[7] = qj;
  out[8] = qu;
}

/** Per-state scratch of dimension K: the upper-triangle diagonals of X packed contiguously (k-th at off[k]). */
let packK = -1;
let packJs = new Float64Array(0), packOff = new Int32Array(0);
let coefJs = new Float64Array(0);
const passSums = new Float64Array(9);

/**
 * Evaluate q and D = μ̄ j of the Hermitian matrix X on the plan's grid. The returned arrays belong to the plan and are
 * overwritten by the next call with the same plan, unless `into` (from newPolarField) is given.
 *
 * Angles per radius: the field at r_i is sampled at Lr[i] ≤ L equispaced angles, adaptively: starting from the
 * angular band B_i of q there (largest k with |A_k| above 1e-16 of Σ|A_k|; a power of two ≥ B_i + 1), doubled until the
 * trapezoid sums of the integrands agree with those of every other point (up to 8× the start, never beyond L; a
 * doubling samples only the new points). Small radii and smooth
 * (mixed) states need few angles; nearly pure states, whose q has near-zeros, get more. Coefficients are wrapped modulo Lr[i] (e^{ikθ_l} is Lr-periodic in k),
 * so the samples stay exact for any Lr[i]. `fullAngles` forces Lr[i] = L (when two fields must share sample points).
 * `psd` declares X positive semidefinite (a density matrix): the tighter bound |ρ_mn| ≤ √(ρ_mm ρ_nn) then narrows
 * the window of contributing Fock levels at each radius. `kernel: 'js'` runs the TypeScript sweep instead of the
 * WebAssembly one (the same bits; for the tests).
 */
export function evaluatePolar(
  X: ComplexMatrix,
  plan: PolarPlan,
  into?: PolarField,
  opts: { fullAngles?: boolean; angleFactor?: number; psd?: boolean; kernel?: 'auto' | 'js' } = {},
): PolarField {
  const K = plan.K;
  if (X.K !== K) throw new RangeError(`matrix dimension ${X.K} ≠ plan dimension ${K}`);
  const R = plan.grid.radialNodes, L = plan.grid.angles;
  let f = into ?? fields.get(plan);
  if (!f) {
    f = newPolarField(plan);
    fields.set(plan, f);
  }
  const { bound, Lr, sums, rowOff } = f;
  let { q, Dre, Dim } = f;
  let off = 0;
  const { c, inA, inD, outA, outD } = plan;
  const xr = X.re, xi = X.im;
  if (packK !== K) {
    packK = K;
    packOff = new Int32Array(K + 1);
    for (let k = 0; k < K; k++) packOff[k + 1] = packOff[k] + (K - k);
  }
  // The sweep in WebAssembly SIMD where the host has it (husimiKernel.ts; the same bits), else in TypeScript.
  const wk = opts.kernel === 'js' ? null : husimiKernel(K, c);
  if (!wk && packJs.length !== K * (K + 1)) {
    packJs = new Float64Array(K * (K + 1));
    coefJs = new Float64Array(8 * K);
  }
  const pack = wk ? wk.pack : packJs, coef = wk ? wk.coef : coefJs;
  // Diagonal k of the upper triangle, contiguous: the per-radius sweep then streams memory.
  for (let k = 0; k < K; k++) {
    const o = packOff[k];
    for (let m = 0; m + k < K; m++) {
      pack[2 * (o + m)] = xr[m * K + m + k];
      pack[2 * (o + m) + 1] = xi[m * K + m + k];
    }
  }
  // Bound |X_mn| ≤ √(s_m s_n): for a density matrix s_m = ρ_mm (positivity), in general the row norms of X.
  const sq = opts.psd ? new Float64Array(K) : rowNorms(X);
  if (opts.psd) for (let m = 0; m < K; m++) sq[m] = Math.sqrt(Math.max(xr[m * K + m], 0));
  else for (let m = 0; m < K; m++) sq[m] = Math.sqrt(sq[m]);
  const angleFactor = opts.angleFactor ?? 1;
  // Conjugated spectra into a forward FFT give Σ_k X_k e^{+ikθ_l} conjugated (read back with the sign flipped);
  // modes k and k ± Li share a bin (wrapped), which keeps the samples exact for any Li.
  // phi ≠ 0 samples θ_l + phi instead (θ_l = 2πl/Li): mode k is rotated by e^{ikφ}, by recurrence (error ~k·1e-16).
  const fillSpectra = (Li: number, kMax: number, sel: number, phi: number): void => {
    inA.fill(0, 0, 2 * Li);
    inD.fill(0, 0, 2 * Li);
    inA[0] = coef[sel];
    inD[0] = coef[sel + 2];
    inD[1] = -coef[sel + 3];
    const c1 = Math.cos(phi), s1 = Math.sin(phi);
    let cr = 1, ci = 0;
    for (let k = 1; k <= kMax; k++) {
      const t = cr * c1 - ci * s1;
      ci = cr * s1 + ci * c1;
      cr = t;
      const q8 = 8 * k + sel;
      const a0r = coef[q8], a0i = coef[q8 + 1], d0r = coef[q8 + 2], d0i = coef[q8 + 3];
      const ar = a0r * cr - a0i * ci, ai = a0r * ci + a0i * cr;
      const dr = d0r * cr - d0i * ci, di = d0r * ci + d0i * cr;
      const kk = k % Li, p = 2 * kk, n = 2 * ((Li - kk) % Li);
      inA[p] += ar;
      inA[p + 1] -= ai;
      inA[n] += ar;
      inA[n + 1] += ai;
      inD[p] += dr;
      inD[p + 1] -= di;
      // D_{−k} = conj(S_k + k A_k), conjugated once more for the forward transform.
      inD[n] += dr + k * ar;
      inD[n + 1] += di + k * ai;
    }
  };
  // Window [lo, hi] of Fock levels that can contribute above ~1e-18 of the bound at radius i; sets bound[i].
  const window = (i: number): [number, number] => {
    const base = i * K;
    let gsum = 0, gmax = 0;
    for (let m = 0; m < K; m++) {
      const g = c[base + m] * sq[m];
      gsum += g;
      if (g > gmax) gmax = g;
    }
    bound[i] = gsum * gsum;
    const tol = 1e-18 * gmax;
    let lo = 0, hi = K - 1;
    while (lo < K && c[base + lo] * sq[lo] <= tol) lo++;
    while (hi > lo && c[base + hi] * sq[hi] <= tol) hi--;
    return [lo, hi];
  };
  // Radii are swept in pairs (union of their windows): each element of X is loaded once for two radii, which cuts
  // the dominant O(K²) sweep by ~30%. Radius i0 fills coef[8k…8k+3], radius i0 + 1 coef[8k+4…8k+7].
  for (let i0 = 0; i0 < R; i0 += 2) {
    const pair = i0 + 1 < R;
    let [lo, hi] = window(i0);
    if (pair) {
      const [lo1, hi1] = window(i0 + 1);
      lo = Math.min(lo, lo1);
      hi = Math.max(hi, hi1);
    }
    const b0 = i0 * K, b1 = pair ? b0 + K : b0;
    const kMax = Math.max(hi - lo, 0);
    if (wk) wk.sweep(b0, b1, lo, hi);
    else sweepPair(pack, packOff, c, b0, b1, lo, hi, coef);
    for (let i = i0; i < i0 + (pair ? 2 : 1); i++) {
      const sel = i === i0 ? 0 : 4;
      let asum = 0;
      for (let k = 0; k <= kMax; k++) asum += Math.abs(coef[8 * k + sel]) + Math.abs(coef[8 * k + sel + 1]);
      let band = 0;
      for (let k = kMax; k > 0; k--)
        if (Math.abs(coef[8 * k + sel]) + Math.abs(coef[8 * k + sel + 1]) > 1e-16 * asum) {
          band = k;
          break;
        }
      // Angles at this radius: start at half the smallest power of two ≥ 2(band + 1) (see Lb below) and
      // double while the trapezoid sums of the integrands on all Li points and on every other point differ by more
      // than ANGLE_TOL (periodic trapezoid: the error of the finer rule is far below that difference).
      // Lb = the smallest power of two ≥ 2(B + 1) (angleFactor × that when given). The first pass samples Lb/2 points:
      // q is still exact there (wrapped modes), and a doubling costs only the new points, so starting low is free and
      // smooth radii stop earlier (measured on the paper quench: 15 600 → 12 700 points per state, same integrals).
      const Lb = Math.min(L, nextPow2(Math.max(angleFactor * 2 * (band + 1), 16)));
      let Li = opts.fullAngles ? L : Math.max(16, Lb >> 1);
      // At most 4Lb: where q sits near its round-off floor the sums never settle, and 8(B + 1) angles already exceed
      // PHYSICS.md's 4K rule for the band B ≤ K − 1.
      const LiMax = opts.fullAngles ? L : Math.min(L, 4 * Lb);
      const r2 = plan.r[i] * plan.r[i], floor = FLOOR * bound[i];
      // Room for the largest row this radius may need.
      if (off + LiMax > q.length) {
        const n = Math.max(2 * q.length, off + LiMax);
        const grow = (a: Float64Array) => {
          const b = new Float64Array(n);
          b.set(a.subarray(0, off));
          return b;
        };
        f.q = q = grow(q);
        f.Dre = Dre = grow(Dre);
        f.Dim = Dim = grow(Dim);
      }
      const row = off;
      // Running sums over all points sampled so far (s*), their moduli (a*), and the same sums on the previous,
      // twice coarser rule (e*). A doubling samples only the new, odd points θ = 2π(l + ½)/Li (one FFT of length Li on
      // the spectrum rotated by e^{iπk/Li}) and spreads the old samples to the even slots: every point is computed
      // once, ~2.4× fewer than recomputing all 2Li points per doubling (measured on the paper quench).
      let sn = 0, sl = 0, sj = 0, su = 0, el = 0, ej = 0, eu = 0, al = 0, au = 0;
      let filled = 0; // points of this row sampled so far (0 before the first pass)
      for (;;) {
        const half = filled > 0; // this pass samples the odd points of the 2·filled rule
        const n = half ? filled : Li;
        fillSpectra(n, kMax, sel, half ? Math.PI / n : 0);
        const fft = fftPlan(n);
        fft.forward(outA, inA);
        fft.forward(outD, inD);
        if (half) {
          // spread the old samples to the even slots (top down: in place)
          for (let l = n - 1; l > 0; l--) {
            q[row + 2 * l] = q[row + l];
            Dre[row + 2 * l] = Dre[row + l];
            Dim[row + 2 * l] = Dim[row + l];
          }
          el = sl;
          ej = sj;
          eu = su;
        }
        const stride = half ? 2 : 1, first = half ? 1 : 0;
        samplePass(outA, outD, n, q, Dre, Dim, row + first, stride, r2, floor, passSums);
        const pn = passSums[0], pl = passSums[1], pj = passSums[2], pu = passSums[3];
        const pal = passSums[4], pau = passSums[5], ql = passSums[6], qj = passSums[7], qu = passSums[8];
        sn += pn;
        sl += pl;
        sj += pj;
        su += pu;
        al += pal;
        au += pau;
        if (!half) {
          el = ql;
          ej = qj;
          eu = qu;
          filled = Li;
        } else filled = Li = 2 * n;
        const w = plan.wr[i] / Li;
        const done =
          opts.fullAngles || Li >= LiMax ||
          (Math.abs(sl - 2 * el) <= ANGLE_TOL * al + ANGLE_ABS / w &&
            Math.abs(sj - 2 * ej) <= ANGLE_TOL * sj + ANGLE_ABS / w &&
            Math.abs(su - 2 * eu) <= ANGLE_TOL * au + ANGLE_ABS / w);
        if (done) {
          Lr[i] = Li;
          rowOff[i] = off;
          off += Li;
          sums[4 * i] = sn * w;
          sums[4 * i + 1] = sl * w;
          sums[4 * i + 2] = (sj * w) / r2;
          sums[4 * i + 3] = su * w;
          break;
        }
      }
    }
  }
  rowOff[R] = off;
  return f;
}
