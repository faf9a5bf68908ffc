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
 * θ is sampled at L equispaced angles (trapezoid: exact for q itself, band-limited to |k| ≤ K − 1), r at Gauss–Legendre
 * nodes on [0, rMax].
 */
import type { PolarGrid } from '../kerr/types.js';
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { fftPlan, nextPow2, type FftPlan } from '../linalg/fft.js';
import { gaussLegendreOn } from '../linalg/gaussLegendre.js';

/** Everything that depends only on (K, grid): cached and shared by every state of that size. */
export interface PolarPlan {
  K: number;
  grid: PolarGrid;
  /** Radial nodes r_i and weights w_i·r_i·2π/L (so Σ_{i,l} wr_i f(r_i, θ_l) ≈ ∫ f d²μ). */
  r: Float64Array;
  wr: Float64Array;
  /** c_m(r_i) at i*K + m. */
  c: Float64Array;
  cos: Float64Array;
  sin: Float64Array;
  fft: FftPlan;
  /** Scratch: FFT input/output (interleaved complex, 2L). */
  inA: Float64Array;
  inD: Float64Array;
  outA: Float64Array;
  outD: Float64Array;
}

/** q and D = μ̄ j on the grid (row i = radius r_i, column l = angle θ_l = 2πl/L), owned by the plan's evaluator. */
export interface PolarField {
  plan: PolarPlan;
  /** q(r_i, θ_l) at i*L + l. */
  q: Float64Array;
  /** D = μ̄ j = r e^{−iθ} j at i*L + l. */
  Dre: Float64Array;
  Dim: Float64Array;
  /** Per radius: (Σ_m c_m √s_m)², s_m = ‖row m of X‖₂, a bound on |q| and on the round-off scale of q at r_i. */
  bound: Float64Array;
}

const MAX_PLANS = 16;
const plans = new Map<string, PolarPlan>();
const fields = new Map<PolarPlan, PolarField>();

/** The cached plan for dimension K on `grid` (radialNodes ≥ 1, angles a power of two ≥ 2K − 1). */
export function polarPlan(K: number, grid: PolarGrid): PolarPlan {
  const key = `${K}|${grid.radialNodes}|${grid.angles}|${grid.rMax}`;
  const hit = plans.get(key);
  if (hit) return hit;
  const R = grid.radialNodes, L = grid.angles;
  if (!(Number.isInteger(R) && R >= 1)) throw new RangeError(`radialNodes must be a positive integer, got ${R}`);
  if (!(L >= 2 * K - 1) || (L & (L - 1)) !== 0)
    throw new RangeError(`angles must be a power of two ≥ 2K − 1 = ${2 * K - 1}, got ${L}`);
  if (!(grid.rMax > 0 && Number.isFinite(grid.rMax))) throw new RangeError(`rMax must be positive, got ${grid.rMax}`);
  const gl = gaussLegendreOn(R, 0, grid.rMax);
  const r = gl.x, wr = new Float64Array(R);
  for (let i = 0; i < R; i++) wr[i] = (gl.w[i] * r[i] * 2 * Math.PI) / L;
  // c_m(r) = exp(−r²/2 + m ln r − ln m!): the log form cannot overflow or underflow early for any K or r.
  const lnFact = new Float64Array(K);
  for (let m = 1; m < K; m++) lnFact[m] = lnFact[m - 1] + Math.log(m);
  const c = new Float64Array(R * K);
  for (let i = 0; i < R; i++) {
    const lr = Math.log(r[i]), h = -0.5 * r[i] * r[i];
    for (let m = 0; m < K; m++) c[i * K + m] = Math.exp(h + m * lr - 0.5 * lnFact[m]);
  }
  const cos = new Float64Array(L), sin = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    cos[l] = Math.cos((2 * Math.PI * l) / L);
    sin[l] = Math.sin((2 * Math.PI * l) / L);
  }
  const plan: PolarPlan = {
    K, grid: { ...grid }, r, wr, c, cos, sin, fft: fftPlan(L),
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
 * Grid chosen from the state: rMax = √m* + 6.5 (m* the highest Fock level whose row of ρ is not negligible; beyond
 * rMax, q < e^{−40}), ~8 Gauss–Legendre nodes per unit radius, and angles a power of two ≥ 4K (PHYSICS.md: 4K angles
 * and ~100 nodes on [0, √K + 6] gave ~1e-12 for NESSs up to K = 70). rMax is rounded up to a multiple of 0.5 so that
 * successive samples of a trajectory share one cached plan.
 */
export function autoPolarGrid(rho: ComplexMatrix, overrides: Partial<PolarGrid> = {}): PolarGrid {
  const K = rho.K;
  const s = rowNorms(rho);
  let smax = 0;
  for (let m = 0; m < K; m++) smax = Math.max(smax, s[m]);
  let mTop = 0;
  for (let m = K - 1; m >= 0; m--)
    if (s[m] > 1e-20 * smax) {
      mTop = m;
      break;
    }
  const rMax = overrides.rMax ?? Math.ceil(2 * (Math.sqrt(mTop) + 6.5)) / 2;
  const radialNodes = overrides.radialNodes ?? Math.ceil(8 * rMax) + 8;
  // FFT lengths are powers of two and must hold the 2K − 1 Fourier modes of q: round a requested count up.
  const angles = nextPow2(Math.max(overrides.angles ?? 4 * K, 2 * K - 1, 32));
  return { radialNodes, angles, rMax };
}

/** Fresh arrays for a field on `plan` (pass as `into` to keep a field beyond the next evaluation). */
export function newPolarField(plan: PolarPlan): PolarField {
  const n = plan.grid.radialNodes * plan.grid.angles;
  return {
    plan, q: new Float64Array(n), Dre: new Float64Array(n), Dim: new Float64Array(n),
    bound: new Float64Array(plan.grid.radialNodes),
  };
}

/**
 * Evaluate q and D = μ̄ j of the Hermitian matrix X on the plan's grid. The returned arrays belong to the plan and are
 * overwritten by the next call with the same plan, unless `into` (from newPolarField) is given.
 */
export function evaluatePolar(X: ComplexMatrix, plan: PolarPlan, into?: PolarField): PolarField {
  const K = plan.K;
  if (X.K !== K) throw new RangeError(`matrix dimension ${X.K} ≠ plan dimension ${K}`);
  const R = plan.grid.radialNodes, L = plan.grid.angles;
  let f = into ?? fields.get(plan);
  if (!f) {
    f = newPolarField(plan);
    fields.set(plan, f);
  }
  const { q, Dre, Dim, bound } = f;
  const { c, inA, inD, outA, outD, fft } = plan;
  const xr = X.re, xi = X.im;
  const sq = rowNorms(X);
  for (let m = 0; m < K; m++) sq[m] = Math.sqrt(sq[m]);
  const Ar = new Float64Array(K), Ai = new Float64Array(K), Sr = new Float64Array(K), Si = new Float64Array(K);
  for (let i = 0; i < R; i++) {
    const base = i * K;
    // Window [lo, hi] of Fock levels that can contribute above ~1e-18 of the bound at this radius.
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
    inA.fill(0);
    inD.fill(0);
    for (let k = 0; k <= hi - lo; k++) {
      let ar = 0, ai = 0, dr = 0, di = 0;
      for (let m = lo; m + k <= hi; m++) {
        const t = c[base + m] * c[base + m + k];
        const idx = m * K + m + k;
        const x = t * xr[idx], y = t * xi[idx];
        ar += x;
        ai += y;
        dr += m * x;
        di += m * y;
      }
      Ar[k] = ar;
      Ai[k] = ai;
      Sr[k] = dr;
      Si[k] = di;
    }
    // Conjugated spectra into a forward FFT give Σ_k X_k e^{+ikθ_l} conjugated (read back with the sign flipped).
    const kMax = hi - lo;
    inA[0] = Ar[0];
    inD[0] = Sr[0];
    inD[1] = -Si[0];
    for (let k = 1; k <= kMax; k++) {
      inA[2 * k] = Ar[k];
      inA[2 * k + 1] = -Ai[k];
      inA[2 * (L - k)] = Ar[k];
      inA[2 * (L - k) + 1] = Ai[k];
      inD[2 * k] = Sr[k];
      inD[2 * k + 1] = -Si[k];
      // D_{−k} = conj(S_k + k A_k), conjugated once more for the forward transform.
      inD[2 * (L - k)] = Sr[k] + k * Ar[k];
      inD[2 * (L - k) + 1] = Si[k] + k * Ai[k];
    }
    fft.forward(outA, inA);
    fft.forward(outD, inD);
    const row = i * L;
    for (let l = 0; l < L; l++) {
      q[row + l] = outA[2 * l];
      Dre[row + l] = outD[2 * l];
      Dim[row + l] = -outD[2 * l + 1];
    }
  }
  return f;
}
