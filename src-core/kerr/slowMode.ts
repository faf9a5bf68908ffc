/**
 * Slow-mode steps of a quench near its NESS (issue 12, the `extended` run): once ρ = ρ_ss + c·r + η with r the
 * eigenmode of the slowest decay rate (L r = λ r, λ < 0 real: the tunnelling between the two bistable branches) and η
 * negligible, the next sample is ρ_ss + c e^{λΔt} r, O(K²) instead of the ~Δt‖L‖ applications of L of a Taylor step.
 *
 * Why it is exact to the propagator's own tolerance (a verified bound, checked at every step, never assumed):
 * the truncated L is itself a Lindblad generator (H_K Hermitian, jump √(2κ) a_K, and the decay −κ(m+n) is exactly
 * −½{2κ a_K†a_K, ·}), so e^{sL} is completely positive and trace preserving, hence a contraction in the trace norm
 * ‖·‖₁ on Hermitian matrices. With ρ_ss, r Hermitian (r traceless) and the decomposition computed from ρ,
 *   e^{ΔtL}ρ − (ρ_ss + c e^{λΔt} r) = ∫₀^Δt e^{uL} Lρ_ss du + c ∫₀^Δt e^{(Δt−u)L} e^{λu} (L r − λ r) du + e^{ΔtL} η,
 * so ‖error‖_max ≤ ‖error‖₁ ≤ b = ‖η‖₁ + Δt (‖Lρ_ss‖₁ + |c| ‖L r − λ r‖₁), with ‖X‖₁ ≤ √K ‖X‖_F (rank ≤ K). The step
 * is taken only when b is within the budget the Taylor step it replaces works to (s substeps × rtol·max|ρ|, s of
 * taylorSubsteps), else the Taylor step runs. On the N = 20, ε 0.5 → 1.1 run (K = 103, λ = −0.0072225864, the next
 * mode at Re ζ = −0.509): ‖L r − λ r‖₁ ≤ 6e-12, ‖Lρ_ss‖₁ ≤ 2e-13; the first slow step is at t = 47.4, when the faster
 * modes have decayed to the Taylor trajectory's own error floor (√K‖η‖_F ≈ 5e-11 against a budget of 17 substeps ×
 * 1e-10 × max|ρ| ≈ 1.2e-10); later steps start from ρ_ss + c r exactly (η is rounding), so b ≈ Δt|c|‖L r − λ r‖₁.
 * Measured against Taylor steps only over the whole run (15 041 samples to t = 3008.2): the same arrival sample, every
 * observable within 4e-11 of its column's largest value; pointwise relative ≤ 1.1e-10 except G (3.6e-10 at t ≈ 1950,
 * where the entropy amplifies errors in the small eigenvalues) and a_im near a zero crossing (3.3e-9 of 2e-3).
 *
 * Determinism (resume byte-identical): the mode is a function of (parameters, K) only (a fixed start vector, a fixed
 * shift, a fixed iteration rule), and whether a step is slow is a function of ρ and that mode, so a run resumed from a
 * saved ρ repeats every decision. Setting up costs a NESS solve, one factorisation of L − σ and a few solves (~0.3 s
 * at K = 103); a cheap gate (max|L(ρ)| ≤ SLOW_GATE·κ·max|ρ|, a function of ρ) keeps it out of the fast transient.
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { gridLUFactor, gridLUSolve } from '../linalg/gridLU.js';
import { kerrModelRaw } from '../model/instances.js';
import { modelStencil, modelSymbolic } from '../model/liouvillian.js';
import { applyLiouvillian, hamiltonianDiagonal, sqrtTable } from './liouvillian.js';
import { toRaw, type KerrParams, type KerrRaw } from './model.js';
import { taylorSubsteps } from './propagate.js';
import { nessDensityMatrix } from './steadyState.js';

export interface SlowMode {
  K: number;
  /** The NESS in this K (nessDensityMatrix: the same bits as the untilNess reference). */
  ness: ComplexMatrix;
  /** Hermitian, traceless right eigenvector of L (‖r‖_F = 1 up to rounding) and its eigenvalue λ < 0. */
  r: ComplexMatrix;
  rr: number;
  lambda: number;
  /** Trace-norm bounds √K‖·‖_F of L ρ_ss and L r − λ r. */
  resNess: number;
  resMode: number;
}

/** Shift of the inverse iteration, right of the spectrum next to ζ₀ = 0 (as the spectrum's σ₀): slow modes dominate. */
const SIGMA = 1e-3;
/** Largest relative eigen-residual ‖L r − λ r‖_F/‖r‖_F accepted for a mode (round-off at K ≈ 100 is ~1e-13). */
const MODE_RESIDUAL = 1e-10;
const MAX_ITERATIONS = 60;
/**
 * Gate: slow steps are tried (and a mode set up) only when max|L(ρ)| ≤ SLOW_GATE·κ·max|ρ|: the state changes slowly,
 * as it does near the NESS, and not in the transient where K still grows (one set-up per K would be wasted). A gate
 * that never opens costs only the Taylor steps it would have spared, never accuracy.
 */
export const SLOW_GATE = 0.2;
/**
 * A set-up (the NESS solve, the factorisation of L − σ and the inverse iteration) costs about this many Taylor steps
 * of the same K. Measured (ms, warm, a shared 2-core machine): K = 65 (N = 10): 66 against 1.32 per step (50 steps);
 * K = 103 (N = 20): 164 against 4.35 (38); K = 200 (N = 50): 1240 against 40 (31).
 */
export const SLOW_SETUP_STEPS = 50;

/**
 * Whether slow-mode steps can pay for their set-up in a run of `samples` samples Δt apart: a slow step replaces a
 * Taylor step only once the faster modes have decayed to the Taylor step's error floor, about ln(1/rtol)/κ after the
 * quench (they decay at ≳ κ; first slow steps measured at t = 45.6 for N = 10 and 47.4 for N = 20, against
 * ln(1e10)/0.5 = 46.1), so a run needs at least twice SLOW_SETUP_STEPS samples after that time. On the N = 10,
 * t ≤ 50 quench a set-up (t = 4.6, when the gate opened) bought 22 slow steps at the end for ~2.5× their cost.
 * A function of the run's spec alone, never of the sample or the state: whether an interval is advanced slowly must
 * not depend on where a run was resumed (a rule in the sample index would have the uninterrupted run hold a mode the
 * resumed one may not set up). A decision of cost only: a slow step is exact to the Taylor budget either way.
 */
export function slowModesPay(samples: number, dt: number, kappa: number, rtol: number): boolean {
  const settle = Math.log(1 / rtol) / kappa / dt;
  return samples - 1 - settle >= 2 * SLOW_SETUP_STEPS;
}

/** No slow modes above this K: the set-up holds a nested-dissection factorisation (∝ K³ memory), as the NESS solve. */
export const SLOW_MAX_K = 400;

const frob2 = (re: Float64Array, im: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < re.length; i++) s += re[i] * re[i] + im[i] * im[i];
  return s;
};

/**
 * The slowest mode at K by inverse iteration with L − σ on the traceless subspace (the NESS component, the only one
 * with a trace, is removed after each solve as tr(x)·ρ_ss). Null when it does not converge to a real eigenvalue (a
 * complex pair nearest σ, or none slower than the rest): then no slow steps at this K.
 */
export function slowModeSetup(raw: KerrRaw, K: number, ness: ComplexMatrix): SlowMode | null {
  if (K < 3) return null;
  const n = K * K;
  const model = kerrModelRaw(raw);
  const F = gridLUFactor(modelStencil(model, K, { re: SIGMA * raw.kappa, im: 0 }), modelSymbolic(model, K, 0));
  const xr = new Float64Array(n), xi = new Float64Array(n);
  // a fixed generic start (populations of both signs, all levels): only its overlap with the slow mode matters
  for (let m = 0; m < K; m++) xr[m * K + m] = (m % 2 ? 1 : -1) / (1 + m) + 1 / (1 + m * m);
  const dropTrace = (): void => {
    let tr = 0, ti = 0;
    for (let m = 0; m < K; m++) {
      tr += xr[m * K + m];
      ti += xi[m * K + m];
    }
    for (let i = 0; i < n; i++) {
      xr[i] -= tr * ness.re[i] - ti * ness.im[i];
      xi[i] -= tr * ness.im[i] + ti * ness.re[i];
    }
  };
  const out: ComplexMatrix = { K, re: new Float64Array(n), im: new Float64Array(n) };
  let lambda = NaN, ok = false;
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    dropTrace();
    gridLUSolve(F, xr, xi);
    dropTrace();
    const s = Math.sqrt(frob2(xr, xi));
    if (!(s > 0 && Number.isFinite(s))) return null;
    for (let i = 0; i < n; i++) {
      xr[i] /= s;
      xi[i] /= s;
    }
    applyLiouvillian(raw, { K, re: xr, im: xi }, out);
    // Rayleigh quotient <x, Lx> (‖x‖ = 1) and the residual of x as an eigenvector
    let a = 0, b = 0;
    for (let i = 0; i < n; i++) {
      a += xr[i] * out.re[i] + xi[i] * out.im[i];
      b += xr[i] * out.im[i] - xi[i] * out.re[i];
    }
    let res = 0;
    for (let i = 0; i < n; i++) {
      const dr = out.re[i] - a * xr[i] + b * xi[i], di = out.im[i] - a * xi[i] - b * xr[i];
      res += dr * dr + di * di;
    }
    lambda = a;
    if (it >= 2 && Math.sqrt(res) <= 1e-12 * Math.max(1, Math.abs(a))) {
      ok = Math.abs(b) <= 1e-9 * Math.abs(a);
      break;
    }
  }
  if (!ok || !(lambda < 0)) return null;
  // L(x†) = L(x)†: for a real, simple λ the eigenvector is a phase times a Hermitian matrix; take the phase off at the
  // largest diagonal element, then the Hermitian part, then the trace (as tr·ρ_ss).
  let best = 0, bi = 0;
  for (let m = 0; m < K; m++) {
    const v = Math.hypot(xr[m * K + m], xi[m * K + m]);
    if (v > best) {
      best = v;
      bi = m;
    }
  }
  if (!(best > 0)) return null;
  const pr = xr[bi * K + bi] / best, pim = xi[bi * K + bi] / best;
  const r: ComplexMatrix = { K, re: new Float64Array(n), im: new Float64Array(n) };
  for (let m = 0; m < K; m++) {
    for (let q = m; q < K; q++) {
      const i = m * K + q, j = q * K + m;
      // e^{−iφ} x at (m, q) and at (q, m), then the Hermitian part
      const ar = xr[i] * pr + xi[i] * pim, ai = xi[i] * pr - xr[i] * pim;
      const br = xr[j] * pr + xi[j] * pim, bim = xi[j] * pr - xr[j] * pim;
      const hr = 0.5 * (ar + br), hi = m === q ? 0 : 0.5 * (ai - bim);
      r.re[i] = hr;
      r.im[i] = hi;
      r.re[j] = hr;
      r.im[j] = -hi;
    }
  }
  let tr = 0;
  for (let m = 0; m < K; m++) tr += r.re[m * K + m];
  for (let i = 0; i < n; i++) {
    // ρ_ss is Hermitian to the bit, so r stays so
    r.re[i] -= tr * ness.re[i];
    r.im[i] -= tr * ness.im[i];
  }
  const rr = frob2(r.re, r.im);
  applyLiouvillian(raw, r, out);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const dr = out.re[i] - lambda * r.re[i], di = out.im[i] - lambda * r.im[i];
    s += dr * dr + di * di;
  }
  if (!(Math.sqrt(s / rr) <= MODE_RESIDUAL)) return null;
  const sqK = Math.sqrt(K);
  const resMode = sqK * Math.sqrt(s);
  applyLiouvillian(raw, ness, out);
  const resNess = sqK * Math.sqrt(frob2(out.re, out.im));
  return { K, ness, r, rr, lambda, resNess, resMode };
}

/**
 * The slow modes of one final pump, per K, computed on first need (each a function of (parameters, K): see the
 * determinism note). `ness` may supply the NESS (a worker shares its untilNess NessCache), else it is solved here.
 */
export class SlowModeCache {
  private byK = new Map<number, SlowMode | null>();
  readonly raw: KerrRaw;
  /** Setups made (for the bench's breakdown) and the ms they took. */
  setups = 0;
  setupMs = 0;
  constructor(
    readonly final: KerrParams,
    private readonly ness: (K: number) => ComplexMatrix = (K) => nessDensityMatrix(final, K),
  ) {
    this.raw = toRaw(final);
  }
  private subs = new Map<string, number>();
  /** taylorSubsteps(raw, K, dt), memoised. */
  substeps(K: number, dt: number): number {
    const key = `${K}/${dt}`;
    let s = this.subs.get(key);
    if (s === undefined) this.subs.set(key, (s = taylorSubsteps(this.raw, K, dt)));
    return s;
  }
  /** h_m and √n tables per K for the gate. */
  private tables = new Map<number, { hd: Float64Array; sq: Float64Array }>();
  tablesFor(K: number): { hd: Float64Array; sq: Float64Array } {
    let t = this.tables.get(K);
    if (!t) this.tables.set(K, (t = { hd: hamiltonianDiagonal(this.raw, K), sq: sqrtTable(K) }));
    return t;
  }
  get(K: number): SlowMode | null {
    if (K > SLOW_MAX_K) return null;
    if (!this.byK.has(K)) {
      const t0 = (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();
      this.byK.set(K, slowModeSetup(this.raw, K, this.ness(K)));
      this.setups++;
      this.setupMs += ((globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now()) - t0;
    }
    return this.byK.get(K)!;
  }
}

/**
 * max over the upper triangle of |Re| + |Im| of L(ρ) for a Hermitian ρ stored whole (liouvillian.ts's element formula;
 * neighbours outside 0…K−1 read as zero).
 */
function maxAbsL(rho: ComplexMatrix, cache: SlowModeCache): number {
  const K = rho.K, { re, im } = rho;
  const { hd, sq } = cache.tablesFor(K);
  const E = cache.raw.E, kappa = cache.raw.kappa, k2 = 2 * kappa;
  let mx = 0;
  for (let m = 0; m < K; m++) {
    const sm = sq[m], sm1 = sq[m + 1];
    const hasUp = m > 0, hasDn = m + 1 < K;
    for (let n = m; n < K; n++) {
      const i = m * K + n;
      const g = -kappa * (m + n), om = hd[m] - hd[n];
      let ar = 0, ai = 0;
      if (hasUp) {
        ar += sm * re[i - K];
        ai += sm * im[i - K];
      }
      if (hasDn) {
        ar -= sm1 * re[i + K];
        ai -= sm1 * im[i + K];
      }
      if (n + 1 < K) {
        ar -= sq[n + 1] * re[i + 1];
        ai -= sq[n + 1] * im[i + 1];
      }
      if (n > 0) {
        ar += sq[n] * re[i - 1];
        ai += sq[n] * im[i - 1];
      }
      let vr = E * ar + g * re[i] + om * im[i];
      let vi = E * ai + g * im[i] - om * re[i];
      if (hasDn && n + 1 < K) {
        const c = k2 * sm1 * sq[n + 1];
        vr += c * re[i + K + 1];
        vi += c * im[i + K + 1];
      }
      const a = Math.abs(vr) + Math.abs(vi);
      if (a > mx) mx = a;
    }
  }
  return mx;
}

/** max over the upper triangle of |Re| + |Im| (the Taylor step's scale max|ρ|). */
function maxAbs(rho: ComplexMatrix): number {
  const K = rho.K;
  let s = 0;
  for (let m = 0; m < K; m++)
    for (let q = m; q < K; q++) {
      const c = Math.abs(rho.re[m * K + q]) + Math.abs(rho.im[m * K + q]);
      if (c > s) s = c;
    }
  return s;
}

/**
 * ρ one interval dt later by the slow mode, or null when the gate is shut, no mode exists at this K, or the bound b
 * exceeds the budget. `bound` is b (trace norm ≥ max-norm of the step's error against e^{dt L}ρ).
 */
export function slowModeStep(rho: ComplexMatrix, cache: SlowModeCache, dt: number, rtol: number): { rho: ComplexMatrix; bound: number; c: number } | null {
  const K = rho.K, n = K * K;
  const scale = maxAbs(rho);
  // gate: max|L(ρ)| (one fused pass, cheap against a Taylor step's ~Δt‖L‖ applications of L); keeps mode set-ups
  // out of transients
  if (!(maxAbsL(rho, cache) <= SLOW_GATE * cache.raw.kappa * scale)) return null;
  const mode = cache.get(K);
  if (!mode) return null;
  const { ness, r, rr } = mode;
  let dot = 0;
  for (let i = 0; i < n; i++) dot += r.re[i] * (rho.re[i] - ness.re[i]) + r.im[i] * (rho.im[i] - ness.im[i]);
  const c = dot / rr;
  let eta2 = 0;
  for (let i = 0; i < n; i++) {
    const er = rho.re[i] - ness.re[i] - c * r.re[i], ei = rho.im[i] - ness.im[i] - c * r.im[i];
    eta2 += er * er + ei * ei;
  }
  const bound = Math.sqrt(K * eta2) + dt * (mode.resNess + Math.abs(c) * mode.resMode);
  const budget = cache.substeps(K, dt) * rtol * scale;
  if (!(bound <= budget)) return null;
  const f = c * Math.exp(mode.lambda * dt);
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let m = 0; m < K; m++) {
    const d = m * K + m;
    re[d] = ness.re[d] + f * r.re[d];
    for (let q = m + 1; q < K; q++) {
      const i = m * K + q, j = q * K + m;
      const a = ness.re[i] + f * r.re[i], b = ness.im[i] + f * r.im[i];
      re[i] = a;
      im[i] = b;
      re[j] = a;
      im[j] = -b;
    }
  }
  return { rho: { K, re, im }, bound, c };
}
