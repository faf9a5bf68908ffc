/**
 * Fock-basis truncation: choose K from the expected photon number and guard every state against a basis that is too
 * small (PHYSICS.md §1 "Truncation": never print a number computed in a basis too small for it).
 *
 * chooseK: for each pump ε the photon-number mean and spread of the exact NESS (Drummond–Walls, exactSteadyState.ts)
 * and of the mean-field picture (every stable branch, plus the transient of a quench ε_i → ε_f, whose photon number
 * can overshoot both steady states), K = ⌈n + margin·σ⌉ + slack; and, because mean and spread miss heavy tails (below
 * ε− the exact NESS leaks towards the upper branch), the K where a rigorous bound on the exact NESS tail from its
 * factorial moments falls below 1e-14 (tailBoundK). Measured at N = 10, ε 0.5 → 1.1: top-level population ≤ 1.4e-10
 * along the whole quench already at K = 56; chooseK gives 61. The guard checks every state anyway.
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { ParameterError } from '../validation.js';
import { exactFactorialMomentsLog, exactNess } from './exactSteadyState.js';
import { meanFieldSteadyStates } from './meanField.js';
import type { KerrParams } from './model.js';

export interface ChooseKOptions {
  /** Standard deviations above the mean photon number (default 6). */
  margin?: number;
  /** Levels added on top (default 6). */
  slack?: number;
  /** Smallest K returned (default 12). */
  minK?: number;
  /** Largest K allowed; above it chooseK throws a ParameterError naming N (default 400). */
  maxK?: number;
  /** Also follow the mean-field transient from each stable state at eps[0] under the pump eps[last] up to this time. */
  quenchTime?: number;
  /** Bound on the exact NESS population at n ≥ K − 2 (default 1e-14; see tailBoundK). */
  tailTol?: number;
}

/**
 * Smallest K with P(n ≥ K − 2) ≤ tol in the exact NESS, from P(n ≥ L) ≤ min_k <a†^k a^k>·(L − k)!/L! (for n ≥ L,
 * n!/(n − k)! ≥ L!/(L − k)!, a Markov inequality on the factorial moments). Returns maxK + 1 if none up to maxK.
 */
export function tailBoundK(params: KerrParams, tol: number, maxK: number): number {
  const kMax = Math.min(maxK, 120);
  const lnM = exactFactorialMomentsLog(params, kMax);
  const lnTol = Math.log(tol);
  for (let K = 3; K <= maxK + 1; K++) {
    const L = K - 2;
    // min over k ≤ L of ln M_k − ln(L!/(L − k)!)
    let lnFall = 0, best = Infinity;
    for (let k = 1; k <= Math.min(L, kMax); k++) {
      lnFall += Math.log(L - k + 1);
      const b = lnM[k] - lnFall;
      if (b < best) best = b;
    }
    if (best <= lnTol) return K;
  }
  return maxK + 1;
}

export interface KChoice {
  K: number;
  /** Largest expected photon number met and the spread used. */
  nExpected: number;
  sigma: number;
}

/** Largest mean-field |α|² along dα/dt = −(κ + iΔ + iu|α|²)α + ε_f from each stable state at ε_i (RK4, step 0.01/rate). */
export function meanFieldTransientPeak(p: { kappa: number; delta: number; u: number }, epsI: number, epsF: number, tMax: number): number {
  let peak = 0;
  for (const s of meanFieldSteadyStates({ ...p, eps: epsI })) {
    if (!s.stable) continue;
    let x = s.alpha_re, y = s.alpha_im;
    const f = (x: number, y: number): [number, number] => {
      const g = p.delta + p.u * (x * x + y * y);
      return [-p.kappa * x + g * y + epsF, -p.kappa * y - g * x];
    };
    const rate = p.kappa + Math.abs(p.delta) + p.u * Math.max(1, 4 * (x * x + y * y)) + epsF;
    const h = Math.min(0.01, 0.05 / rate);
    const steps = Math.ceil(Math.min(tMax, 200 / p.kappa) / h);
    for (let k = 0; k < steps; k++) {
      const [a1, b1] = f(x, y);
      const [a2, b2] = f(x + 0.5 * h * a1, y + 0.5 * h * b1);
      const [a3, b3] = f(x + 0.5 * h * a2, y + 0.5 * h * b2);
      const [a4, b4] = f(x + h * a3, y + h * b3);
      x += (h / 6) * (a1 + 2 * a2 + 2 * a3 + a4);
      y += (h / 6) * (b1 + 2 * b2 + 2 * b3 + b4);
      peak = Math.max(peak, x * x + y * y);
    }
  }
  return peak;
}

/**
 * K for the Kerr model at the pumps `eps` (a single NESS, or a quench's ε_i and ε_f). Throws ParameterError('N', …)
 * when the state needs more than maxK levels.
 */
export function chooseK(params: Omit<KerrParams, 'eps'>, eps: number[], opts: ChooseKOptions = {}): KChoice {
  const margin = opts.margin ?? 6;
  const slack = opts.slack ?? 6;
  const minK = opts.minK ?? 12;
  const maxK = opts.maxK ?? 400;
  const tailTol = opts.tailTol ?? 1e-14;
  const N = params.N;
  let K = minK, nExp = 0, sig = 0;
  const consider = (n: number, s: number) => {
    const k = Math.ceil(n + margin * s) + slack;
    if (k > K) {
      K = k;
      nExp = n;
      sig = s;
    }
  };
  const tooLarge = () =>
    new ParameterError(
      'N',
      `N and ε small enough for a Fock basis of at most ${maxK} levels (this state needs K ≈ ${Number.isFinite(K) ? K : '∞'}, expected photon number ${nExp.toPrecision(4)})`,
      N,
    );
  // Mean-field branches first (coherent spread √n): cheap, and they refuse huge N before the exact sums run.
  for (const e of eps)
    for (const s of meanFieldSteadyStates({ ...params, eps: e })) if (s.stable) consider(N * s.n, Math.max(1, Math.sqrt(N * s.n)));
  if (K > maxK) throw tooLarge();
  for (const e of eps) {
    const ex = exactNess({ ...params, eps: e });
    // Var n = <a†²a²> + <n> − <n>² (normal ordering).
    const v = Math.max(0, ex.n2fact + ex.n - ex.n * ex.n);
    consider(ex.n, Math.max(1, Math.sqrt(v)));
    // Mean and spread miss a heavy tail: below ε− the exact NESS leaks towards the (not yet stable) upper branch
    // (measured at N = 10, ε = 0.6: 6e-8 of the population beyond n = 13 = mean + 6σ + 6). Bound the tail by the
    // factorial moments and take K where it falls below tailTol.
    const kt = tailBoundK({ ...params, eps: e }, tailTol, maxK);
    if (kt > K) {
      K = kt;
      nExp = ex.n;
      sig = Math.sqrt(v);
    }
  }
  if (opts.quenchTime !== undefined && eps.length >= 2) {
    const peak = N * meanFieldTransientPeak(params, eps[0], eps[eps.length - 1], opts.quenchTime);
    consider(peak, Math.max(1, Math.sqrt(peak)));
  }
  if (!Number.isFinite(K) || K > maxK) throw tooLarge();
  return { K, nExpected: nExp, sigma: sig };
}

/** Σ ρ_nn over the top `levels` Fock levels n = K − levels … K − 1. */
export function topPopulation(rho: ComplexMatrix, levels = 1): number {
  const K = rho.K;
  let s = 0;
  for (let n = Math.max(0, K - levels); n < K; n++) s += rho.re[n * K + n];
  return s;
}

/** Thrown when a state does not fit its basis: names K and the population (exit status 2 from the CLI). */
export class TruncationError extends ParameterError {
  constructor(
    readonly K: number,
    readonly population: number,
    readonly tol: number,
    readonly where = '',
  ) {
    super(
      'K',
      `a Fock basis holding the state: population of the top levels ≤ ${tol} (got ${population.toExponential(2)} at K = ${K}${where ? ', ' + where : ''}; raise K / --nmax)`,
      K,
    );
    this.name = 'TruncationError';
  }
}

export interface GuardOptions {
  /** Refuse above this top-level population (default 1e-9). */
  tol?: number;
  /** Warn above this (default 1e-10: below it the truncation error of an observable is ≲ 1e-9 relative). */
  warnTol?: number;
  /** Levels summed (default 2). */
  levels?: number;
  /** Where the state comes from, for the message (e.g. "t = 3.2"). */
  where?: string;
  /** Called with a one-line warning between warnTol and tol. */
  onWarn?: (message: string) => void;
  /** Warn instead of refusing above tol (the message then says the numbers are unreliable). */
  warnOnly?: boolean;
}

/**
 * The truncation guard used by the CLI and the studies: returns the top-level population; throws TruncationError
 * above tol (or warns loudly if warnOnly), warns between warnTol and tol.
 */
export function guardTruncation(rho: ComplexMatrix, opts: GuardOptions = {}): number {
  const tol = opts.tol ?? 1e-9;
  const warnTol = opts.warnTol ?? 1e-10;
  const pop = Math.abs(topPopulation(rho, opts.levels ?? 2));
  const where = opts.where ? ` (${opts.where})` : '';
  if (!(pop <= tol)) {
    if (!opts.warnOnly) throw new TruncationError(rho.K, pop, tol, opts.where);
    opts.onWarn?.(
      `WARNING: top Fock levels hold ${pop.toExponential(2)} of the population at K = ${rho.K}${where}, above ${tol}: results are NOT converged in K`,
    );
  } else if (pop > warnTol) {
    opts.onWarn?.(`warning: top Fock levels hold ${pop.toExponential(2)} at K = ${rho.K}${where} (> ${warnTol}); consider a larger K`);
  }
  return pop;
}

// ---- Adaptive K (issue 12): the basis follows the state during a quench ----

/**
 * Policy of the adaptive Fock basis. Population thresholds are on Σ ρ_nn over the top two levels (as the guard).
 * Measured on the N = 50, ε 0.5 → 1.1 quench: the photon-number tail of the transient falls by about half a decade
 * per level near its front and the front climbs up to ~12 levels per Δt = 0.2. A grow step of K/10 (≥ 6 levels)
 * triggered at 1e-13 keeps every sample's top population ≤ growTol = 1e-11 (measured ≤ 7.4e-12) at the price of a few
 * redone intervals early on (N = 50, t ≤ 20: K 34 → 233, 5 redos; N = 10, t ≤ 50: K 23 → 65, where the fixed
 * chooseK basis was 61 with top population 1.4e-10). Triggering at 1e-16 with steps of K/8 ended at K = 71 for N = 10:
 * ~35 % more propagation for truncation errors far below the propagator's own.
 */
export interface AdaptiveKPolicy {
  /** Grow before the next interval when the top population exceeds this (default 1e-13). */
  preTol: number;
  /** After an interval, redo it in a larger basis when the top population exceeds this (default 1e-11). */
  growTol: number;
  /**
   * Shrink to the smallest K' whose top two levels and everything above hold ≤ shrinkTol (default 1e-17, four decades
   * below preTol: the hysteresis), and only by at least one grow step. The discarded population Σ_{n ≥ K'} ρ_nn is
   * therefore ≤ 1e-17 per shrink; it is recorded.
   */
  shrinkTol: number;
  minK: number;
  maxK: number;
}

export const DEFAULT_ADAPTIVE_K: Readonly<AdaptiveKPolicy> = Object.freeze({ preTol: 1e-13, growTol: 1e-11, shrinkTol: 1e-17, minK: 12, maxK: 600 });

/** Levels added per growth: K/10, at least 6. */
export function growStep(K: number): number {
  return Math.max(6, Math.ceil(K / 10));
}

/** Σ_{n ≥ L} |ρ_nn|. */
export function tailPopulation(rho: ComplexMatrix, L: number): number {
  const K = rho.K;
  let s = 0;
  for (let n = Math.max(0, L); n < K; n++) s += Math.abs(rho.re[n * K + n]);
  return s;
}

/** ρ embedded in K' ≥ K levels, zero-padded: exact (the new levels are empty). */
export function embedRho(rho: ComplexMatrix, K2: number): ComplexMatrix {
  const K = rho.K;
  if (K2 < K) throw new RangeError(`embedRho: K' = ${K2} < K = ${K}`);
  const re = new Float64Array(K2 * K2), im = new Float64Array(K2 * K2);
  for (let m = 0; m < K; m++) {
    re.set(rho.re.subarray(m * K, m * K + K), m * K2);
    im.set(rho.im.subarray(m * K, m * K + K), m * K2);
  }
  return { K: K2, re, im };
}

/**
 * ρ compressed to its first K' levels (P ρ P with P the projector on |0…K'−1>: still positive semidefinite);
 * `discarded` = Σ_{n ≥ K'} ρ_nn is the trace lost. Not renormalised: the loss is below the policy's shrinkTol.
 */
export function truncateRho(rho: ComplexMatrix, K2: number): { rho: ComplexMatrix; discarded: number } {
  const K = rho.K;
  if (K2 > K) throw new RangeError(`truncateRho: K' = ${K2} > K = ${K}`);
  const re = new Float64Array(K2 * K2), im = new Float64Array(K2 * K2);
  for (let m = 0; m < K2; m++) {
    re.set(rho.re.subarray(m * K, m * K + K2), m * K2);
    im.set(rho.im.subarray(m * K, m * K + K2), m * K2);
  }
  let discarded = 0;
  for (let n = K2; n < K; n++) discarded += rho.re[n * K + n];
  return { rho: { K: K2, re, im }, discarded };
}

/**
 * The K the policy wants for ρ before the next interval (a function of ρ alone, so that resumed runs repeat the same
 * decisions): grow by growStep while the top population exceeds preTol; shrink to the smallest K' with
 * Σ_{n ≥ K'−2} ρ_nn ≤ shrinkTol when that saves at least a grow step. Returns ρ's own K when neither applies.
 */
export function adaptiveTargetK(rho: ComplexMatrix, policy: AdaptiveKPolicy = DEFAULT_ADAPTIVE_K): number {
  const K = rho.K;
  if (tailPopulation(rho, K - 2) > policy.preTol) return Math.min(policy.maxK, K + growStep(K));
  // Smallest K' with tail(K' − 2) ≤ shrinkTol: scan down from the top.
  let s = 0, L = K;
  for (let n = K - 1; n >= 0; n--) {
    s += Math.abs(rho.re[n * K + n]);
    if (s > policy.shrinkTol) break;
    L = n;
  }
  const K2 = Math.max(policy.minK, L + 2);
  return K2 <= K - growStep(K2) ? K2 : K;
}
