/**
 * Lindblad evolution dρ/dt = L(ρ) of any single-mode model (model.ts) over one sample interval, by the scheme of
 * kerr/propagate.ts's default method: L is constant over the interval, so ρ(t + Δt) = e^{Δt L} ρ is summed as a Taylor
 * series on s = ⌈Δt‖L‖/θ⌉ equal substeps (θ = 5, ‖L‖ the largest row sum of |L| in the element basis), each series
 * stopped by the rigorous remainder bound once the rest is below rtol·max|ρ|.
 *
 * One term is one fused pass w = f·L(v), y += w over the upper triangle n ≥ m (L preserves Hermiticity), written from
 * the model's band form (modelOperators: H with bands 0, ±1, ±2, jumps a and a²):
 *   L(v)_mn = [−i(h_m − h_n) − (c_m + c_n)] v_mn                       c_m = Σ_k (γ_k/2) <m|a†^k a^k|m>
 *           − i Σ_d (H_{m,m−d} v_{m−d,n} + H_{m,m+d} v_{m+d,n}) + i Σ_d (v_{m,n−d} H_{n−d,n} + v_{m,n+d} H_{n+d,n})
 *           + Σ_k γ_k s_k(m) s_k(n) v_{m+k,n+k},                         s_k(m) = √((m+1)…(m+k)).
 * The matrices live in a zero border two elements wide (stride K + 4), so the stencil needs no bounds tests (the hard
 * truncation: levels ≥ K read as zero), and the lower triangle is refreshed by conjugation after each term.
 *
 * Parity: when the model conserves (m − n) mod 2 (hasParitySymmetry, ε = 0) and the odd elements of ρ are exactly zero,
 * only the even elements are computed (half the work); the odd ones stay exactly zero, as they must.
 *
 * The Kerr model keeps its own fused kernel (kerr/propagate.ts, seed 000's results bit for bit); this one is the
 * model layer's, checked against it on the Kerr instance (test/core/model/quench.test.ts).
 *
 * Determinism: the substeps depend only on (model, K, dt) and nothing survives between calls, so a trajectory resumed
 * from a saved ρ is bit-identical to an uninterrupted one.
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { ParameterError } from '../validation.js';
import { hasParitySymmetry, modelOperators, risingProduct, type Model } from './model.js';
import type { PropagateStats } from '../kerr/propagate.js';

export interface ModelPropagateOptions {
  /** Relative tolerance of each substep's series, on the scale max|ρ_mn| (default 1e-10). */
  rtol?: number;
  /**
   * Compute only the even parity sector when the model has the symmetry and ρ's odd elements are zero (default true).
   * false: always the whole matrix (the tests' check that the odd part stays zero by itself).
   */
  parity?: boolean;
  stats?: PropagateStats;
}

const THETA = 5;
const MAX_TERMS = 200;
/** Border width: the stencil reaches two levels. */
const B = 2;

/** Per-row coefficients of L on the padded grid (index m + B). */
interface Coefficients {
  K: number;
  /** Row stride of the padded matrices (K + 2B). */
  P: number;
  h: Float64Array;
  /** c_m = Σ_k (γ_k/2) Q_k(m). */
  c: Float64Array;
  /** H_{m+d,m} (d = 1, 2) at [m], complex; zero beyond the band (and null when the model has no such band). */
  b1r: Float64Array | null;
  b1i: Float64Array | null;
  b2r: Float64Array | null;
  b2i: Float64Array | null;
  /** γ_k and s_k(m) of each jump (k = 1, 2; null when absent). */
  g1: number;
  s1: Float64Array | null;
  g2: number;
  s2: Float64Array | null;
}

function fallingProduct(k: number, m: number): number {
  let p = 1;
  for (let i = 0; i < k; i++) p *= m - i;
  return p;
}

function coefficients(model: Model, K: number): Coefficients {
  const ops = modelOperators(model, K);
  const c = new Float64Array(K);
  let g1 = 0, g2 = 0;
  for (const j of ops.jumps) {
    for (let m = 0; m < K; m++) c[m] += 0.5 * j.rate * fallingProduct(j.k, m);
    if (j.k === 1) g1 += j.rate;
    else g2 += j.rate;
  }
  const band = (b: { re: Float64Array; im: Float64Array } | null, d: number) => {
    if (!b) return [null, null] as const;
    const r = new Float64Array(K + B), i = new Float64Array(K + B);
    for (let j = 0; j + d < K; j++) {
      r[j] = b.re[j];
      i[j] = b.im[j];
    }
    return [r, i] as const;
  };
  const [b1r, b1i] = band(ops.low1, 1);
  const [b2r, b2i] = band(ops.low2, 2);
  const sq = (k: number) => {
    const s = new Float64Array(K);
    for (let m = 0; m < K; m++) s[m] = m + k < K ? Math.sqrt(risingProduct(k, m)) : 0;
    return s;
  };
  return { K, P: K + 2 * B, h: ops.hDiag, c, b1r, b1i, b2r, b2i, g1, s1: g1 ? sq(1) : null, g2, s2: g2 ? sq(2) : null };
}

/**
 * Largest row sum of |L| in the element basis (‖L(X)‖_max ≤ normL·‖X‖_max): sets the substep so that τ‖L‖ ≤ θ.
 */
export function modelNormBound(model: Model, K: number): number {
  return normBound(coefficients(model, K));
}

function normBound(co: Coefficients): number {
  const { K, h, c, b1r, b1i, b2r, b2i, g1, s1, g2, s2 } = co;
  const a1 = new Float64Array(K + 1), a2 = new Float64Array(K + 2);
  // Σ_d |H_{m,m±d}| per level
  for (let m = 0; m < K; m++) {
    let s = 0, t = 0;
    if (b1r) s += (m >= 1 ? Math.hypot(b1r[m - 1], b1i![m - 1]) : 0) + Math.hypot(b1r[m], b1i![m]);
    if (b2r) t += (m >= 2 ? Math.hypot(b2r[m - 2], b2i![m - 2]) : 0) + Math.hypot(b2r[m], b2i![m]);
    a1[m] = s;
    a2[m] = t;
  }
  let best = 0;
  for (let m = 0; m < K; m++)
    for (let n = m; n < K; n++) {
      let s = Math.abs(h[m] - h[n]) + c[m] + c[n] + a1[m] + a1[n] + a2[m] + a2[n];
      if (s1) s += g1 * s1[m] * s1[n];
      if (s2) s += g2 * s2[m] * s2[n];
      if (s > best) best = s;
    }
  return best;
}

/**
 * One Taylor term: w = f·L(v), y += w on the upper triangle (every element, or the even ones when `even`), then the
 * lower triangle of w by conjugation. Matrices padded (stride P, offset B), interleaved Re/Im. Returns max|w_mn|.
 */
function term(co: Coefficients, f: number, v: Float64Array, w: Float64Array, y: Float64Array, even: boolean): number {
  const { K, P, h, c, b1r, b1i, b2r, b2i, g1, s1, g2, s2 } = co;
  const R = 2 * P; // one padded row, interleaved
  const step = even ? 2 : 1;
  let mx = 0;
  for (let m = 0; m < K; m++) {
    const hm = h[m], cm = c[m];
    // −i H_{m,m−d} (row m−d) and −i H_{m,m+d} = −i conj(H_{m+d,m}) (row m+d), as complex numbers (x + iy)
    let u1r = 0, u1i = 0, d1r = 0, d1i = 0, u2r = 0, u2i = 0, d2r = 0, d2i = 0;
    if (b1r) {
      if (m >= 1) {
        u1r = b1i![m - 1];
        u1i = -b1r[m - 1];
      }
      d1r = -b1i![m];
      d1i = -b1r[m];
    }
    if (b2r) {
      if (m >= 2) {
        u2r = b2i![m - 2];
        u2i = -b2r[m - 2];
      }
      d2r = -b2i![m];
      d2i = -b2r[m];
    }
    const j1 = s1 ? g1 * s1[m] * f : 0, j2 = s2 ? g2 * s2[m] * f : 0;
    const rowBase = 2 * ((m + B) * P + B);
    for (let n = m; n < K; n += step) {
      const i = rowBase + 2 * n;
      const xr = v[i], xi = v[i + 1];
      // diagonal bracket: [−i(h_m − h_n) − (c_m + c_n)] v
      const om = hm - h[n], g = -(cm + c[n]);
      let or = g * xr + om * xi;
      let oi = g * xi - om * xr;
      if (b1r) {
        // +i H_{n−1,n} = i conj(H_{n,n−1}); +i H_{n+1,n}
        const lr = n >= 1 ? b1i![n - 1] : 0, li = n >= 1 ? b1r[n - 1] : 0; // i·conj(a + ib) = b + ia
        const rr = -b1i![n], ri = b1r[n]; // i(a + ib) = −b + ia
        let vr = v[i - R], vi = v[i - R + 1];
        or += u1r * vr - u1i * vi;
        oi += u1r * vi + u1i * vr;
        vr = v[i + R];
        vi = v[i + R + 1];
        or += d1r * vr - d1i * vi;
        oi += d1r * vi + d1i * vr;
        vr = v[i - 2];
        vi = v[i - 1];
        or += lr * vr - li * vi;
        oi += lr * vi + li * vr;
        vr = v[i + 2];
        vi = v[i + 3];
        or += rr * vr - ri * vi;
        oi += rr * vi + ri * vr;
      }
      if (b2r) {
        const lr = n >= 2 ? b2i![n - 2] : 0, li = n >= 2 ? b2r[n - 2] : 0;
        const rr = -b2i![n], ri = b2r[n];
        let vr = v[i - 2 * R], vi = v[i - 2 * R + 1];
        or += u2r * vr - u2i * vi;
        oi += u2r * vi + u2i * vr;
        vr = v[i + 2 * R];
        vi = v[i + 2 * R + 1];
        or += d2r * vr - d2i * vi;
        oi += d2r * vi + d2i * vr;
        vr = v[i - 4];
        vi = v[i - 3];
        or += lr * vr - li * vi;
        oi += lr * vi + li * vr;
        vr = v[i + 4];
        vi = v[i + 5];
        or += rr * vr - ri * vi;
        oi += rr * vi + ri * vr;
      }
      or *= f;
      oi *= f;
      if (j1) {
        const q = j1 * s1![n];
        or += q * v[i + R + 2];
        oi += q * v[i + R + 3];
      }
      if (j2) {
        const q = j2 * s2![n];
        or += q * v[i + 2 * R + 4];
        oi += q * v[i + 2 * R + 5];
      }
      if (n === m) oi = 0; // the diagonal of a Hermitian matrix
      w[i] = or;
      w[i + 1] = oi;
      y[i] += or;
      y[i + 1] += oi;
      const b = Math.abs(or) + Math.abs(oi);
      if (b > mx) mx = b;
    }
  }
  mirrorPadded(K, P, w, even);
  return mx;
}

/** Lower triangle := conjugate of the upper one (padded, interleaved). */
function mirrorPadded(K: number, P: number, a: Float64Array, even: boolean): void {
  const step = even ? 2 : 1;
  for (let m = 0; m < K; m++)
    for (let n = m + step; n < K; n += step) {
      const u = 2 * ((m + B) * P + B + n), l = 2 * ((n + B) * P + B + m);
      a[l] = a[u];
      a[l + 1] = -a[u + 1];
    }
}

/** True when every element with (m + n) odd is exactly zero. */
export function oddPartZero(rho: ComplexMatrix): boolean {
  const K = rho.K;
  for (let m = 0; m < K; m++)
    for (let n = (m + 1) % 2; n < K; n += 2) if (rho.re[m * K + n] !== 0 || rho.im[m * K + n] !== 0) return false;
  return true;
}

/**
 * ρ(t + dt) = e^{dt L} ρ for the model (a new Hermitian matrix built from ρ's upper triangle; ρ is not modified).
 */
export function propagateModelInterval(rho: ComplexMatrix, model: Model, dt: number, opts: ModelPropagateOptions = {}): ComplexMatrix {
  const rtol = opts.rtol ?? 1e-10;
  if (!(rtol > 0 && rtol < 1)) throw new ParameterError('rtol', 'a number in (0, 1)', rtol);
  if (!(dt > 0 && Number.isFinite(dt))) throw new ParameterError('dt', 'a finite number > 0', dt);
  const K = rho.K;
  const co = coefficients(model, K);
  const even = opts.parity !== false && hasParitySymmetry(model) && oddPartZero(rho);
  const normL = normBound(co);
  const substeps = Math.max(1, Math.ceil((dt * normL) / THETA));
  const tau = dt / substeps;
  const theta = tau * normL;
  const P = co.P, size = 2 * P * P;
  let v = new Float64Array(size), w = new Float64Array(size);
  const y = new Float64Array(size);
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      const i = 2 * ((m + B) * P + B + n);
      y[i] = rho.re[m * K + n];
      y[i + 1] = rho.im[m * K + n];
    }
  // Hermitian from the upper triangle (the diagonal real), as the propagated terms are
  for (let m = 0; m < K; m++) y[2 * ((m + B) * P + B + m) + 1] = 0;
  mirrorPadded(K, P, y, false);
  let evaluations = 0;
  const step = even ? 2 : 1;
  for (let s = 0; s < substeps; s++) {
    let scale = 0;
    for (let m = 0; m < K; m++)
      for (let n = m; n < K; n += step) {
        const i = 2 * ((m + B) * P + B + n);
        const a = Math.abs(y[i]) + Math.abs(y[i + 1]);
        if (a > scale) scale = a;
      }
    v.set(y);
    const tol = rtol * scale;
    let k = 1;
    for (; k <= MAX_TERMS; k++) {
      const mx = term(co, tau / k, v, w, y, even);
      evaluations++;
      [v, w] = [w, v];
      // rest of the series ≤ ‖term_k‖ r/(1 − r), r = τ‖L‖/(k + 1) (kerr/propagate.ts)
      const r = theta / (k + 1);
      if (r < 1 && mx * (r / (1 - r)) <= tol) break;
    }
    if (k > MAX_TERMS) throw new Error(`propagateModelInterval: Taylor series did not converge in ${MAX_TERMS} terms (τ‖L‖ = ${theta.toFixed(2)})`);
    mirrorPadded(K, P, y, even);
  }
  const out = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      const i = 2 * ((m + B) * P + B + n);
      out.re[m * K + n] = y[i];
      out.im[m * K + n] = y[i + 1];
    }
  if (opts.stats) {
    opts.stats.steps += substeps;
    opts.stats.evaluations += evaluations;
  }
  return out;
}
