/**
 * Husimi image for the app's phase-space viewer: Q(μ) = <μ|ρ|μ>/π on a Cartesian grid μ = x + iy and the dissipative
 * current J = −κ(μQ + ∂_μ̄ Q) = −(κ/π) j, j = <μ|aρ|μ> (seed App. B; PHYSICS.md §1), on a coarser arrow grid.
 * Per point a windowed pass over the upper triangle of ρ (husimiDensity); the integrals use the polar grid (husimi.ts).
 * `husimiCartesian` (full direct sandwiches, O(K²) per point) is the naive reference of the tests and the bench.
 */
import { PAPER } from '../kerr/model.js';
import type { ComplexMatrix } from '../linalg/complexMatrix.js';

/**
 * q(μ) = <μ|X|μ> and j(μ) = <μ|aX|μ> at the points (x[p], y[p]) of a Hermitian X, by v_n = <n|μ> = e^{−|μ|²/2} μ^n/√n!
 * (recurrence, no overflow for |μ|² < 1400) and q = v†Xv, j = v†(aX)v with (aX)_mn = √(m+1) X_{m+1,n}.
 */
export function husimiCartesian(
  X: ComplexMatrix,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { q: Float64Array; jre: Float64Array; jim: Float64Array } {
  const K = X.K, P = x.length;
  const q = new Float64Array(P), jre = new Float64Array(P), jim = new Float64Array(P);
  const vr = new Float64Array(K), vi = new Float64Array(K);
  const ur = new Float64Array(K), ui = new Float64Array(K); // u = X v
  const sq = new Float64Array(K + 1);
  for (let n = 0; n <= K; n++) sq[n] = Math.sqrt(n);
  for (let p = 0; p < P; p++) {
    const mr = x[p], mi = y[p];
    vr[0] = Math.exp(-(mr * mr + mi * mi) / 2);
    vi[0] = 0;
    for (let n = 1; n < K; n++) {
      vr[n] = (vr[n - 1] * mr - vi[n - 1] * mi) / sq[n];
      vi[n] = (vr[n - 1] * mi + vi[n - 1] * mr) / sq[n];
    }
    for (let m = 0; m < K; m++) {
      let sr = 0, si = 0;
      const row = m * K;
      for (let n = 0; n < K; n++) {
        const a = X.re[row + n], b = X.im[row + n];
        sr += a * vr[n] - b * vi[n];
        si += a * vi[n] + b * vr[n];
      }
      ur[m] = sr;
      ui[m] = si;
    }
    // q = Σ_m conj(v_m) u_m; j = Σ_m conj(v_m) √(m+1) u_{m+1}
    let qr = 0, jr = 0, ji = 0;
    for (let m = 0; m < K; m++) {
      qr += vr[m] * ur[m] + vi[m] * ui[m];
      if (m + 1 < K) {
        const s = sq[m + 1];
        jr += s * (vr[m] * ur[m + 1] + vi[m] * ui[m + 1]);
        ji += s * (vr[m] * ui[m + 1] - vi[m] * ur[m + 1]);
      }
    }
    q[p] = qr;
    jre[p] = jr;
    jim[p] = ji;
  }
  return { q, jre, jim };
}

/**
 * The same q and j for a density matrix ρ (Hermitian, positive semidefinite), fast enough for the viewer: with
 * v_m = <m|μ>, conj(v_{m−1})√m = conj(v_m) m/μ̄, so q = Σ conj(v_m) ρ_mn v_n and μ̄ j = Σ m conj(v_m) ρ_mn v_n come from
 * one pass over the upper triangle (the pair (n, m) is the conjugate of (m, n)), restricted to the Fock levels whose
 * bound |v_m| √ρ_mm exceeds 1e-17 of its maximum at that |μ| (|ρ_mn| ≤ √(ρ_mm ρ_nn)).
 */
export function husimiDensity(
  rho: ComplexMatrix,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { q: Float64Array; jre: Float64Array; jim: Float64Array } {
  const K = rho.K, P = x.length, re = rho.re, im = rho.im;
  const q = new Float64Array(P), jre = new Float64Array(P), jim = new Float64Array(P);
  const vr = new Float64Array(K), vi = new Float64Array(K), sp = new Float64Array(K);
  for (let m = 0; m < K; m++) sp[m] = Math.sqrt(Math.max(re[m * K + m], 0));
  const lnFact = new Float64Array(K);
  for (let m = 1; m < K; m++) lnFact[m] = lnFact[m - 1] + Math.log(m);
  for (let p = 0; p < P; p++) {
    const mr = x[p], mi = y[p], r2 = mr * mr + mi * mi;
    if (r2 < 1e-24) {
      // μ = 0: q = ρ_00, j = <0|aρ|0> = ρ_10
      q[p] = re[0];
      jre[p] = K > 1 ? re[K] : 0;
      jim[p] = K > 1 ? im[K] : 0;
      continue;
    }
    // window from |v_m| = e^{−r²/2} r^m/√m! (log form: no overflow), then v_m on it by recurrence
    const lr = 0.5 * Math.log(r2);
    let gmax = 0;
    for (let m = 0; m < K; m++) {
      const g = Math.exp(-0.5 * r2 + m * lr - 0.5 * lnFact[m]) * sp[m];
      vr[m] = g; // temporary: the bound
      if (g > gmax) gmax = g;
    }
    const tol = 1e-17 * gmax;
    let lo = 0, hi = K - 1;
    while (lo < K && vr[lo] <= tol) lo++;
    while (hi > lo && vr[hi] <= tol) hi--;
    if (gmax === 0) continue;
    // v_lo = e^{−r²/2} μ^lo/√lo!, phase lo·θ
    const th = Math.atan2(mi, mr), amp = Math.exp(-0.5 * r2 + lo * lr - 0.5 * lnFact[lo]);
    vr[lo] = amp * Math.cos(lo * th);
    vi[lo] = amp * Math.sin(lo * th);
    for (let n = lo + 1; n <= hi; n++) {
      const s = 1 / Math.sqrt(n);
      vr[n] = (vr[n - 1] * mr - vi[n - 1] * mi) * s;
      vi[n] = (vr[n - 1] * mi + vi[n - 1] * mr) * s;
    }
    let s0 = 0, s1r = 0, s1i = 0;
    for (let m = lo; m <= hi; m++) {
      const row = m * K, amr = vr[m], ami = -vi[m]; // conj(v_m)
      // diagonal
      const dm = re[row + m] * (amr * amr + ami * ami);
      s0 += dm;
      s1r += m * dm;
      for (let n = m + 1; n <= hi; n++) {
        // t = conj(v_m) ρ_mn v_n
        const a = re[row + n], b = im[row + n];
        const wr = a * vr[n] - b * vi[n], wi = a * vi[n] + b * vr[n];
        const tr = amr * wr - ami * wi, ti = amr * wi + ami * wr;
        s0 += 2 * tr;
        // m t + n conj(t)
        s1r += (m + n) * tr;
        s1i += (m - n) * ti;
      }
    }
    q[p] = s0;
    // j = (μ̄ j)/μ̄ = (s1)·μ/|μ|²
    jre[p] = (s1r * mr - s1i * mi) / r2;
    jim[p] = (s1r * mi + s1i * mr) / r2;
  }
  return { q, jre, jim };
}

/** A rectangular grid in the μ plane: nx × ny points from (xMin, yMin) to (xMax, yMax), both ends included. */
export interface PhaseGrid {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Points along x and y (both ends of each range included). */
  nx: number;
  ny: number;
}

export interface HusimiImageOptions extends PhaseGrid {
  /** Arrow grid for the current J (default 21 × 21 over the same box). */
  arrows?: { nx: number; ny: number };
  /** κ in J = −(κ/π) j (default the seed's κ = 1/2). */
  kappa?: number;
}

export interface HusimiImage {
  /** Q(x_c, y_r) at r*nx + c (row-major, ny × nx), x_c = xMin + c (xMax − xMin)/(nx − 1). */
  Q: Float64Array;
  /** Current J = −(κ/π) j on the arrow grid (row-major, arrows.ny × arrows.nx): Jx = Re J, Jy = Im J. */
  Jx: Float64Array;
  Jy: Float64Array;
  arrows: { nx: number; ny: number };
}

function axis(a: number, b: number, n: number): Float64Array {
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = n === 1 ? (a + b) / 2 : a + ((b - a) * i) / (n - 1);
  return t;
}

function meshgrid(xs: Float64Array, ys: Float64Array): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(xs.length * ys.length), y = new Float64Array(xs.length * ys.length);
  for (let r = 0; r < ys.length; r++)
    for (let c = 0; c < xs.length; c++) {
      x[r * xs.length + c] = xs[c];
      y[r * xs.length + c] = ys[r];
    }
  return { x, y };
}

/** Q and J of the density matrix ρ for the viewer. */
export function husimiImage(rho: ComplexMatrix, o: HusimiImageOptions): HusimiImage {
  for (const k of ['nx', 'ny'] as const)
    if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new RangeError(`${k} must be a positive integer, got ${o[k]}`);
  const arrows = o.arrows ?? { nx: 21, ny: 21 };
  const kappa = o.kappa ?? PAPER.kappa;
  const px = meshgrid(axis(o.xMin, o.xMax, o.nx), axis(o.yMin, o.yMax, o.ny));
  const Q = husimiDensity(rho, px.x, px.y).q;
  for (let i = 0; i < Q.length; i++) Q[i] /= Math.PI;
  const ax = meshgrid(axis(o.xMin, o.xMax, arrows.nx), axis(o.yMin, o.yMax, arrows.ny));
  const a = husimiDensity(rho, ax.x, ax.y);
  const Jx = a.jre.map((v) => (-kappa / Math.PI) * v), Jy = a.jim.map((v) => (-kappa / Math.PI) * v);
  return { Q, Jx, Jy, arrows };
}
