/**
 * Quench protocol of seed 000 (Sec. IV A): start in the NESS at ε_i, switch the pump to ε_f at t = 0, sample every Δt.
 *
 * planQuench validates a spec and fixes K and the sample times t_i = i·Δt (never accumulated); quenchInitialState is
 * the NESS at ε_i in the K of the whole run; propagateInterval (propagate.ts) advances one interval and depends only
 * on its inputs, so the studies can run, checkpoint and resume sample by sample. runQuench is the serial convenience
 * runner (CLI, tests, bench): rows in QUENCH_COLUMNS order, every state checked for trace, Hermiticity and truncation.
 */
import { hermiticityError, trace, type ComplexMatrix } from '../linalg/complexMatrix.js';
import { kerrObservables, type KerrObservablesResult } from '../phaseSpace/observables.js';
import { checkNumber, ParameterError } from '../validation.js';
import { KERR_RULES, validateKerrParams, type KerrParams } from './model.js';
import { propagateInterval, type PropagateStats } from './propagate.js';
import { meanFieldSteadyStates } from './meanField.js';
import { nessDensityMatrix } from './steadyState.js';
import { slowModeStep, SlowModeCache, slowModesPay } from './slowMode.js';
import {
  adaptiveTargetK, chooseK, DEFAULT_ADAPTIVE_K, embedRho, growStep, guardTruncation, tailPopulation, truncateRho,
  type AdaptiveKPolicy, type GuardOptions,
} from './truncation.js';
import type { KerrObservables } from './types.js';
import { QUENCH_COLUMNS, type PolarGrid } from './types.js';

export { propagateInterval, newStats, type PropagateOptions, type PropagateStats } from './propagate.js';
export { SlowModeCache, slowModesPay } from './slowMode.js';

export interface QuenchSpec {
  kappa: number;
  delta: number;
  u: number;
  N: number;
  /** ε_i: the initial NESS. */
  epsInitial: number;
  /** ε_f: the pump after the quench. */
  epsFinal: number;
  /** Last sample time (inclusive). */
  tMax: number;
  /** Sample interval Δt; tMax must be a whole number of intervals. */
  dt: number;
  /**
   * Fock levels, fixed for the whole run. When absent the basis is adaptive: it starts at chooseK of the NESS at ε_i
   * and grows (zero-padded, exact) or shrinks with the state (advanceQuench, DEFAULT_ADAPTIVE_K).
   */
  K?: number;
  /** Propagator tolerance (default 1e-10). */
  rtol?: number;
}

export interface QuenchPlan {
  spec: QuenchSpec;
  /** The first K (fixed K: the only one). */
  K: number;
  /** The adaptive-basis policy, or null when the spec fixes K. */
  adaptive: AdaptiveKPolicy | null;
  /**
   * K the whole quench is expected to need from the mean-field and exact photon numbers at ε_i, ε_f and the
   * mean-field transient (chooseK); null when that exceeds the 400-level cap (the run may still fit: the basis follows
   * the state, and the guard refuses when it does not).
   */
  Kexpected: number | null;
  /** Number of samples (intervals + 1). */
  samples: number;
  /** t_i = i·Δt. */
  times: Float64Array;
  /** Parameters before and after the quench. */
  initial: KerrParams;
  final: KerrParams;
  rtol: number;
}

export const QUENCH_LIMITS = Object.freeze({
  tMax: { min: 0, exclusiveMin: true, max: 1e5 },
  dt: { min: 0, exclusiveMin: true, max: 1e5 },
  /** A fixed K (spec, --nmax): its NESS solve holds a nested-dissection factorisation (~110 MB at K = 240, ∝ K³). */
  K: { min: 2, max: 400, integer: true },
  /**
   * Largest K the adaptive basis may grow to: propagation needs only O(K²) memory. The N = 100, ε 0.5 → 1.1 quench
   * needs K ≈ 430 by t = 5 (its population front at 1e-15 reaches n ≈ 404).
   */
  adaptiveMaxK: 600,
  rtol: { min: 1e-14, max: 1e-3 },
  samples: 1_000_001,
});

/** Validate a spec (ParameterError naming the field) and fix K and the sample times. */
export function planQuench(spec: QuenchSpec): QuenchPlan {
  for (const k of ['kappa', 'delta', 'u', 'N'] as const) checkNumber(k, spec[k], KERR_RULES[k]);
  checkNumber('epsInitial', spec.epsInitial, KERR_RULES.eps);
  checkNumber('epsFinal', spec.epsFinal, KERR_RULES.eps);
  checkNumber('tMax', spec.tMax, QUENCH_LIMITS.tMax);
  checkNumber('dt', spec.dt, QUENCH_LIMITS.dt);
  if (spec.dt > spec.tMax) throw new ParameterError('dt', `a finite number > 0 and ≤ tMax (${spec.tMax})`, spec.dt);
  const ratio = spec.tMax / spec.dt;
  const intervals = Math.round(ratio);
  if (Math.abs(ratio - intervals) > 1e-9 * Math.max(1, ratio))
    throw new ParameterError('dt', `a divisor of tMax = ${spec.tMax} (tMax/dt must be a whole number)`, spec.dt);
  if (intervals + 1 > QUENCH_LIMITS.samples)
    throw new ParameterError('dt', `at most ${QUENCH_LIMITS.samples - 1} intervals (tMax/dt)`, spec.dt);
  const rtol = spec.rtol === undefined ? 1e-10 : checkNumber('rtol', spec.rtol, QUENCH_LIMITS.rtol);
  const base = { kappa: spec.kappa, delta: spec.delta, u: spec.u, N: spec.N };
  const initial = validateKerrParams({ ...base, eps: spec.epsInitial });
  const final = validateKerrParams({ ...base, eps: spec.epsFinal });
  let K: number, adaptive: AdaptiveKPolicy | null = null, Kexpected: number | null;
  if (spec.K === undefined) {
    // The first K holds the state we start in, the exact NESS at ε_i (mean, spread and the factorial-moment tail
    // bound); the photon numbers at ε_f and along the mean-field transient give the K expected later (for display
    // and for the refusal of hopeless sizes). The basis then follows the state (advanceQuench).
    // Its tail bound is set below the policy's preTol, so the start state is as converged as every later one (with
    // chooseK's default 1e-14 the N = 5 quench's G differed from a large fixed K by 2.4e-8 relative).
    K = chooseK(base, [spec.epsInitial], { maxK: QUENCH_LIMITS.K.max, tailTol: 1e-18 }).K;
    adaptive = { ...DEFAULT_ADAPTIVE_K, maxK: QUENCH_LIMITS.adaptiveMaxK };
    try {
      Kexpected = chooseK(base, [spec.epsInitial, spec.epsFinal], { quenchTime: spec.tMax, maxK: QUENCH_LIMITS.K.max }).K;
    } catch (e) {
      if (!(e instanceof ParameterError)) throw e;
      // Beyond the cap even at the mean-field level with a generous margin: refuse only when the mean-field photon
      // number itself (no margin) cannot fit, else let the run try.
      const peak = spec.N * Math.max(...meanFieldStates(base, spec.epsFinal));
      if (peak > QUENCH_LIMITS.K.max) throw e;
      Kexpected = null;
    }
  } else {
    K = checkNumber('K', spec.K, QUENCH_LIMITS.K);
    Kexpected = K;
  }
  const samples = intervals + 1;
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) times[i] = i * spec.dt;
  return { spec, K, adaptive, Kexpected, samples, times, initial, final, rtol };
}

/** Photon numbers |α|² of the stable mean-field branches at ε. */
function meanFieldStates(base: Omit<KerrParams, 'eps'>, eps: number): number[] {
  const s = meanFieldSteadyStates({ ...base, eps }).filter((b) => b.stable).map((b) => b.n);
  return s.length ? s : [0];
}

/** One change of the basis size. The change is made at t_{sample−1}, before the interval that ends at `sample`. */
export interface KChange {
  sample: number;
  from: number;
  to: number;
  /** 'grow': the top population passed preTol; 'redo': the interval ended above growTol and was redone in the larger
   * basis; 'shrink': the top levels were empty (discarded = the population dropped, ≤ shrinkTol). */
  kind: 'grow' | 'redo' | 'shrink';
  discarded: number;
}

/**
 * ρ one sample interval later, the basis adapted (or fixed when `policy` is null). Deterministic: the K decisions are
 * a function of ρ (its K included), so a run resumed from a saved ρ repeats them exactly. Before the interval the
 * basis is grown or shrunk as adaptiveTargetK says; after it, if the top population exceeds growTol the interval is
 * redone from the start state embedded in a larger basis (zero padding is exact), so every returned state has its
 * top two levels at ≤ growTol unless maxK is reached (the guard then decides).
 */
export function advanceQuench(
  rho: ComplexMatrix,
  final: KerrParams,
  dt: number,
  rtol: number,
  policy: AdaptiveKPolicy | null,
  stats?: PropagateStats,
  slow?: SlowModeCache | null,
): { rho: ComplexMatrix; changes: Omit<KChange, 'sample'>[] } {
  // The slow-mode step (slowMode.ts) where its verified error bound is within the Taylor step's budget; a function
  // of the state (and of (final, K)), so the decisions repeat on resume like the K decisions.
  const step = (x: ComplexMatrix): ComplexMatrix => {
    if (slow) {
      const s = slowModeStep(x, slow, dt, rtol);
      if (s) {
        if (stats) stats.slowSteps = (stats.slowSteps ?? 0) + 1;
        return s.rho;
      }
    }
    return propagateInterval(x, final, dt, { rtol, stats });
  };
  return advanceAdaptive(rho, policy, step);
}

/**
 * One interval of any quench with its basis adapted (the model layer's quench uses it too): before the interval grow or
 * shrink as adaptiveTargetK says; after it, if the top population exceeds growTol, redo the interval from the start
 * state embedded in a larger basis (zero padding is exact). `step` advances one interval in the basis of its argument.
 */
export function advanceAdaptive(
  rho: ComplexMatrix,
  policy: AdaptiveKPolicy | null,
  step: (x: ComplexMatrix) => ComplexMatrix,
): { rho: ComplexMatrix; changes: Omit<KChange, 'sample'>[] } {
  const changes: Omit<KChange, 'sample'>[] = [];
  if (!policy) return { rho: step(rho), changes };
  let cur = rho;
  const K1 = adaptiveTargetK(cur, policy);
  if (K1 > cur.K) {
    changes.push({ from: cur.K, to: K1, kind: 'grow', discarded: 0 });
    cur = embedRho(cur, K1);
  } else if (K1 < cur.K) {
    const t = truncateRho(cur, K1);
    changes.push({ from: cur.K, to: K1, kind: 'shrink', discarded: t.discarded });
    cur = t.rho;
  }
  for (;;) {
    const next = step(cur);
    if (!(tailPopulation(next, next.K - 2) > policy.growTol) || cur.K >= policy.maxK) return { rho: next, changes };
    const K2 = Math.min(policy.maxK, cur.K + growStep(cur.K));
    changes.push({ from: cur.K, to: K2, kind: 'redo', discarded: 0 });
    cur = embedRho(cur, K2);
  }
}

/** Bit mask of the kinds of change in one interval (the studies' checkpoints store it per sample). */
export const K_CHANGE_BITS = Object.freeze({ grow: 1, redo: 2, shrink: 4 });

/** The changes of one interval merged: K of the previous sample → K of this one, the kinds in order, the discarded sum. */
export interface KChangeMerged {
  sample: number;
  from: number;
  to: number;
  kinds: number;
  discarded: number;
}

export function mergeKChanges(changes: KChange[]): KChangeMerged[] {
  const out: KChangeMerged[] = [];
  for (const c of changes) {
    const last = out[out.length - 1];
    if (last && last.sample === c.sample) {
      last.to = c.to;
      last.kinds |= K_CHANGE_BITS[c.kind];
      last.discarded += c.discarded;
    } else out.push({ sample: c.sample, from: c.from, to: c.to, kinds: K_CHANGE_BITS[c.kind], discarded: c.discarded });
  }
  return out;
}

/**
 * Metadata text of the changes: "t=0.8:61→78(grow+redo) t=30.2:229→201(shrink 3.1e-22)", t = t_{sample−1} (the start of
 * the interval that ran in the new basis); "none" for none. The CLI and the studies write the same text.
 */
export function formatKChanges(changes: KChangeMerged[], times: ArrayLike<number>): string {
  if (!changes.length) return 'none';
  const kinds = (m: number) => (['grow', 'redo', 'shrink'] as const).filter((k) => m & K_CHANGE_BITS[k]).join('+');
  return changes
    .map((c) => `t=${+times[c.sample - 1].toFixed(10)}:${c.from}→${c.to}(${kinds(c.kinds)}${c.kinds & K_CHANGE_BITS.shrink ? ` ${c.discarded.toExponential(1)}` : ''})`)
    .join(' ');
}

// ---- Runs to the NESS ----

/** The observables compared with the NESS by untilNess (issue 12): every one a quench row reports. */
export const NESS_OBSERVABLES = ['S_W', 'Pi_J', 'Pi_d', 'Pi_U', 'Phi', 'Phi_q', 'G', 'alpha_abs'] as const;

/**
 * Distance of a state from the NESS ρ* in the same basis: the largest of
 *  - max_mn |ρ_mn − ρ*_mn| (absolute: the elements of a trace-one matrix), and
 *  - for each x in NESS_OBSERVABLES, |x − x*| / max(|x*|, 1e-3 u_x): relative, with an absolute floor of 1e-3 of the
 *    quantity's unit u_x (κ for the rates Π, Φ; 1 nat for S_W, G; 1 for |α|), so that a NESS value near zero does not
 *    demand an absurd relative accuracy.
 * `worst` names the quantity that sets it.
 */
/** The definition of nessDistance, for CSV metadata. */
export const NESS_DISTANCE_TEXT =
  'max of max|ρ − ρ_NESS| and |x − x_NESS|/max(|x_NESS|, 1e-3 unit) over S_W, Π_J, Π_d, Π_U, Φ, Φ_q, G, |α| (unit: κ for rates, 1 nat, 1), ρ_NESS at ε_f in the same K';

export function nessDistance(
  rho: ComplexMatrix,
  o: Pick<KerrObservables, (typeof NESS_OBSERVABLES)[number]>,
  ness: ComplexMatrix,
  oNess: Pick<KerrObservables, (typeof NESS_OBSERVABLES)[number]>,
  kappa: number,
): { distance: number; worst: string } {
  if (rho.K !== ness.K) throw new RangeError(`nessDistance: K = ${rho.K} against the NESS's ${ness.K}`);
  let d = 0, worst = 'rho';
  // √(a² + b²), not Math.hypot (5× slower, and this runs on every sample of a long run; no overflow at |ρ_mn| ≤ 1)
  for (let i = 0; i < rho.re.length; i++) {
    const a = rho.re[i] - ness.re[i], b = rho.im[i] - ness.im[i];
    const e = Math.sqrt(a * a + b * b);
    if (e > d) d = e;
  }
  for (const x of NESS_OBSERVABLES) {
    const unit = x.startsWith('Pi') || x.startsWith('Phi') ? kappa : 1;
    const e = Math.abs(o[x] - oNess[x]) / Math.max(Math.abs(oNess[x]), 1e-3 * unit);
    if (!(e <= d)) {
      d = e;
      worst = x;
    }
  }
  return { distance: d, worst };
}

/**
 * Remaining time to the NESS from the distances seen so far: distance ≈ C e^{−λt} with λ the Liouvillian gap at ε_f.
 * The rate is refined from the observed decay (least squares of ln d over the last `window` time units, used once the
 * fit spans ≥ 1/λ_gap or 20 samples and decays); the prediction is t_arrive = t + ln(d/tol)/λ. NaN until a rate is known.
 */
export class NessEta {
  private ts: number[] = [];
  private ls: number[] = [];
  constructor(
    readonly tol: number,
    public gap: number | null,
    readonly window = 200,
  ) {}
  /** Record d at t; returns the predicted arrival time and the rate used ('gap' or 'fit'). */
  add(t: number, d: number): { tArrive: number; rate: number; source: 'gap' | 'fit' | 'none' } {
    if (d > 0 && Number.isFinite(d)) {
      this.ts.push(t);
      this.ls.push(Math.log(d));
      while (this.ts.length > 2 && this.ts[0] < t - this.window) {
        this.ts.shift();
        this.ls.shift();
      }
    }
    if (!(d > this.tol)) return { tArrive: t, rate: this.gap ?? NaN, source: this.gap ? 'gap' : 'none' };
    const n = this.ts.length;
    let rate = NaN, source: 'gap' | 'fit' | 'none' = 'none';
    const span = n ? this.ts[n - 1] - this.ts[0] : 0;
    if (n >= 20 && span >= Math.min(this.window / 2, this.gap ? 1 / this.gap : Infinity)) {
      let st = 0, sl = 0, stt = 0, stl = 0;
      for (let i = 0; i < n; i++) {
        st += this.ts[i];
        sl += this.ls[i];
        stt += this.ts[i] * this.ts[i];
        stl += this.ts[i] * this.ls[i];
      }
      const slope = (n * stl - st * sl) / (n * stt - st * st);
      if (slope < 0 && Number.isFinite(slope)) {
        rate = -slope;
        source = 'fit';
      }
    }
    if (source === 'none' && this.gap && this.gap > 0) {
      rate = this.gap;
      source = 'gap';
    }
    return { tArrive: rate > 0 ? t + Math.log(d / this.tol) / rate : NaN, rate, source };
  }
}

/** The NESS at ε_i in the K chosen for the whole quench (spec or plan). */
export function quenchInitialState(spec: QuenchSpec | QuenchPlan, K?: number): ComplexMatrix {
  const plan = 'samples' in spec ? spec : planQuench(spec);
  return nessDensityMatrix(plan.initial, K ?? plan.K);
}

export type QuenchRow = number[];

export interface QuenchResult {
  plan: QuenchPlan;
  columns: readonly string[];
  /** One row per sample, QUENCH_COLUMNS order (fewer than plan.samples when untilNess stopped the run). */
  rows: QuenchRow[];
  /** Largest top-level population (2 levels), |tr ρ − 1| and Hermiticity error met along the run. */
  maxTopPopulation: number;
  maxTraceError: number;
  maxHermiticityError: number;
  /** Polar grid of the first sample and the largest radial/angle counts used. */
  grid: PolarGrid;
  gridMax: PolarGrid;
  stats: PropagateStats;
  /** K of each sample, and every change of K (empty for a fixed K). */
  Ks: number[];
  changes: KChange[];
  /** Total population dropped by shrinks (each ≤ the policy's shrinkTol). */
  discarded: number;
  /** With untilNess: whether the NESS was reached, the distance at the last sample and what set it. */
  ness?: { reached: boolean; distance: number; worst: string; gap: number | null; tFinal: number };
  /** Wall time (ms) split between propagation (incl. the initial NESS), observables and the NESS comparisons. */
  timing: { initialState: number; propagation: number; observables: number; ness: number };
}

export interface UntilNessOptions {
  /** Stop at the first sample whose nessDistance is ≤ tol (tMax stays the cap). */
  tol: number;
  /** Liouvillian gap λ at ε_f for the ETA (computed by the caller: it costs a shift-invert solve); null: fit only. */
  gap?: number | null;
}

export interface SampleInfo {
  /** K of this sample's state and the largest top population so far. */
  K: number;
  maxTopPopulation: number;
  /** With untilNess: distance from the NESS, the quantity that sets it, and the predicted arrival time (NaN unknown). */
  distance?: number;
  worst?: string;
  tArrive?: number;
  rate?: number;
}

export interface RunQuenchOptions {
  /** Truncation guard settings (default: refuse above 1e-9). */
  guard?: GuardOptions;
  /** Refuse when |tr ρ − 1| exceeds this (default 1e-8): a failed integration, not a physics result. */
  traceTol?: number;
  /** Run until the NESS at ε_f (within tol in ρ and every NESS_OBSERVABLES quantity). */
  untilNess?: UntilNessOptions;
  /**
   * Slow-mode steps near the NESS (slowMode.ts): exact to the Taylor step's error budget by a bound checked at every
   * step. Default: where they can pay for their set-up (slowModesPay, a function of the spec; the studies decide the
   * same). true: always (tests); false: Taylor steps only (the second method of the tests).
   */
  slowModes?: boolean;
  /**
   * Where the observables are computed (default: here, serially). An observer on another thread (built from
   * kerrQuenchObserve's spec) gives the same result to the bit.
   */
  observer?: QuenchObserver<KerrObservablesResult>;
}

/** Wall clock in ms (performance.now where the host has it: Node, workers, browsers; src-core has no DOM types). */
const now = (): number => (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();

/** A NESS after the quench and its observables per basis size K, solved once per K (untilNess; any model). */
export class NessByK<O> {
  private byK = new Map<number, { rho: ComplexMatrix; o: O }>();
  constructor(private readonly solve: (K: number) => { rho: ComplexMatrix; o: O }) {}
  get(K: number): { rho: ComplexMatrix; o: O } {
    let e = this.byK.get(K);
    if (!e) {
      // The NESS solve holds a nested-dissection factorisation (∝ K³ memory): the fixed-K limit applies to it.
      if (K > QUENCH_LIMITS.K.max)
        throw new ParameterError('untilNess', `a state that fits K ≤ ${QUENCH_LIMITS.K.max} levels (the NESS solve in the same basis); this one needs K = ${K}`, K);
      e = this.solve(K);
      this.byK.set(K, e);
    }
    return e;
  }
}

/** The NESS at ε_f and its observables in a given K, computed once per K. */
export class NessCache extends NessByK<KerrObservables> {
  constructor(readonly final: KerrParams) {
    super((K) => {
      const rho = nessDensityMatrix(final, K);
      return { rho, o: kerrObservables(rho, final) };
    });
  }
}

/**
 * The checks every quench sample passes before it is observed (the serial loop and the study workers): the trace
 * (a failed integration otherwise) and the truncation guard. Returns |tr ρ − 1| and the top-level population.
 */
export function checkQuenchState(rho: ComplexMatrix, t: number, traceTol = 1e-8, guard?: GuardOptions): { trErr: number; top: number } {
  const tr = trace(rho);
  const trErr = Math.hypot(tr.re - 1, tr.im);
  if (!(trErr <= traceTol)) throw new Error(`quench: |tr ρ − 1| = ${trErr.toExponential(2)} at t = ${t} (integration failed)`);
  return { trErr, top: guardTruncation(rho, { ...guard, where: `t = ${t}` }) };
}

type NessObservables = Pick<KerrObservables, (typeof NESS_OBSERVABLES)[number]> & { grid: PolarGrid };

/** What a model's quench gives the shared sampling loop (sampleQuench): its states, observables and rows. */
export interface QuenchSampler<O extends NessObservables> {
  times: ArrayLike<number>;
  samples: number;
  /** κ of the final model (the unit of the NESS distance's rates). */
  kappa: number;
  initialState(): ComplexMatrix;
  /** ρ one sample interval later (the basis adapted), with the K changes made on the way. Must not modify its argument. */
  advance(rho: ComplexMatrix, stats: PropagateStats): { rho: ComplexMatrix; changes: Omit<KChange, 'sample'>[] };
  /**
   * Observables of sample i (i = 0: the pre-quench state under the pre-quench model): a pure function of (ρ, i), so
   * that it may run on another thread (a QuenchObserver) with the same bits.
   */
  observe(rho: ComplexMatrix, i: number): O;
  /** The sample's row; called once per reported sample, in sample order. */
  row(t: number, o: O): number[];
  /** The NESS after the quench and its observables in basis K (untilNess only). */
  ness(K: number): { rho: ComplexMatrix; o: Pick<KerrObservables, (typeof NESS_OBSERVABLES)[number]> };
}

/** Observables of one sample, or the error its observation threw (rethrown when the loop reaches that sample). */
export interface ObservedSample<O> {
  i: number;
  o?: O;
  error?: unknown;
  /** Time spent observing it (ms, on whichever thread did it). */
  ms: number;
}

/**
 * Where sampleQuench's observables are computed. The loop hands over each checked state in sample order (submit) and
 * reports samples in order as their observables come back (take), so an observer may compute them at once (the
 * serial one, serialObserver), later, or on another thread (src-main/jobs/observePipeline.ts): the rows, the K
 * history, the arrival at the NESS and every message are the same, since observe is a pure function of (ρ, i).
 */
export interface QuenchObserver<O> {
  /**
   * How many samples the propagation may run ahead of the oldest sample not yet reported (≥ 1; 1: strictly serial),
   * for states of K levels (the memory held is about lag × 16K² bytes).
   */
  lag(K: number): number;
  /** Sample i's checked state (the loop never modifies it): observe it now, or later, here or elsewhere. */
  submit(i: number, rho: ComplexMatrix): void;
  /**
   * The observations finished since the last call, any order. `wait`: the loop cannot go on (the propagation is
   * `lag` ahead, finished or failed) until one more arrives, so return at least one (computing here if need be).
   */
  take(wait: boolean): ObservedSample<O>[];
}

/** Observe each state at submit, on this thread: the loop's order is then propagate, check, observe, report. */
export function serialObserver<O>(observe: (rho: ComplexMatrix, i: number) => O): QuenchObserver<O> {
  let done: ObservedSample<O>[] = [];
  return {
    lag: () => 1,
    submit(i, rho) {
      const t0 = now();
      try {
        done.push({ i, o: observe(rho, i), ms: now() - t0 });
      } catch (error) {
        done.push({ i, error, ms: now() - t0 });
      }
    },
    take() {
      const d = done;
      done = [];
      return d;
    },
  };
}

export type SampledQuench = Omit<QuenchResult, 'plan' | 'columns'>;

/** A propagated and checked state waiting to be reported, with what its interval did (or the error that stopped it). */
interface Produced {
  rho: ComplexMatrix;
  changes: Omit<KChange, 'sample'>[];
  /** The propagator's counters after this sample (a run that stops at the NESS reports those of its last sample). */
  stats: PropagateStats;
  propagationMs: number;
  trErr: number;
  herm: number;
  top: number;
  /** The truncation guard's warnings, replayed when the sample is reported (so they come in sample order). */
  warnings: string[];
  error?: unknown;
}

/**
 * The sample loop every quench shares (Kerr here, the model layer's in model/quench.ts): propagate, check the state
 * (trace, Hermiticity, truncation guard), observe, compare with the NESS when running until it. The order of the
 * operations is the determinism contract of resume: do not reorder.
 *
 * The observations may run on another thread (opts.observer): the propagation then runs up to observer.lag(K)
 * samples ahead of the samples reported, and everything a caller sees happens at the report, in sample order, as in
 * the serial loop: rows, onSample, guard warnings, the errors of a failed propagation, check or observation (thrown
 * when the loop reaches that sample), the arrival at the NESS (states propagated beyond it are discarded, and the
 * counters, K changes and timing are those up to it).
 */
export function sampleQuench<O extends NessObservables>(
  q: QuenchSampler<O>,
  onSample: ((i: number, row: number[], rho: ComplexMatrix, info: SampleInfo) => void) | undefined,
  opts: Pick<RunQuenchOptions, 'guard' | 'traceTol' | 'untilNess'> & { observer?: QuenchObserver<O> | undefined },
): SampledQuench {
  const traceTol = opts.traceTol ?? 1e-8;
  const observer = opts.observer ?? serialObserver((rho, i) => q.observe(rho, i));
  const live: PropagateStats = { steps: 0, rejected: 0, evaluations: 0 };
  let stats: PropagateStats = { ...live };
  const timing = { initialState: 0, propagation: 0, observables: 0, ness: 0 };
  let t0 = now();
  let rho: ComplexMatrix | undefined = q.initialState();
  timing.initialState = now() - t0;
  const rows: number[][] = [];
  const Ks: number[] = [];
  const changes: KChange[] = [];
  let discarded = 0;
  let maxTop = 0, maxTr = 0, maxHerm = 0;
  let grid: PolarGrid | undefined;
  const gridMax: PolarGrid = { radialNodes: 0, angles: 0, rMax: 0 };
  const until = opts.untilNess;
  const eta = until ? new NessEta(until.tol, until.gap ?? null) : null;
  let ness: QuenchResult['ness'];

  // Producer: sample `next` propagated (from the last produced state) and checked; a failure is kept with the sample
  // and thrown when the loop reaches it, as the serial loop would have thrown there.
  const queue: Produced[] = [];
  const observed = new Map<number, ObservedSample<O>>();
  let next = 0, reported = 0, halted = false;
  const produce = (i: number): Produced => {
    const p: Produced = { rho: rho!, changes: [], stats, propagationMs: 0, trErr: 0, herm: 0, top: 0, warnings: [] };
    try {
      if (i > 0) {
        t0 = now();
        const r = q.advance(rho!, live);
        p.rho = r.rho;
        p.changes = r.changes;
        p.stats = { ...live };
        p.propagationMs = now() - t0;
      }
      const onWarn = opts.guard?.onWarn && ((m: string) => p.warnings.push(m));
      const chk = checkQuenchState(p.rho, q.times[i], traceTol, { ...opts.guard, ...(onWarn && { onWarn }) });
      p.trErr = chk.trErr;
      p.top = chk.top;
      p.herm = hermiticityError(p.rho);
    } catch (e) {
      p.error = e;
    }
    return p;
  };
  const collect = (wait: boolean) => {
    for (const r of observer.take(wait)) observed.set(r.i, r);
  };

  for (;;) {
    // Report, in order, every sample whose observables are back.
    while (reported < next) {
      const p = queue[0];
      for (const m of p.warnings) opts.guard!.onWarn!(m);
      p.warnings = [];
      if (p.error !== undefined) throw p.error;
      const r = observed.get(reported);
      if (!r) break;
      if (r.error !== undefined) throw r.error;
      const o = r.o!;
      queue.shift();
      observed.delete(reported);
      const i = reported++;
      const t = q.times[i];
      for (const c of p.changes) {
        changes.push({ sample: i, ...c });
        discarded += c.discarded;
      }
      stats = p.stats;
      timing.propagation += p.propagationMs;
      timing.observables += r.ms;
      maxTr = Math.max(maxTr, p.trErr);
      maxHerm = Math.max(maxHerm, p.herm);
      maxTop = Math.max(maxTop, p.top);
      grid ??= o.grid;
      gridMax.radialNodes = Math.max(gridMax.radialNodes, o.grid.radialNodes);
      gridMax.angles = Math.max(gridMax.angles, o.grid.angles);
      gridMax.rMax = Math.max(gridMax.rMax, o.grid.rMax);
      const row = q.row(t, o);
      rows.push(row);
      Ks.push(p.rho.K);
      const info: SampleInfo = { K: p.rho.K, maxTopPopulation: maxTop };
      let arrived = false;
      if (until && i > 0) {
        t0 = now();
        const ref = q.ness(p.rho.K);
        const d = nessDistance(p.rho, o, ref.rho, ref.o, q.kappa);
        timing.ness += now() - t0;
        const e = eta!.add(t, d.distance);
        Object.assign(info, { distance: d.distance, worst: d.worst, tArrive: e.tArrive, rate: e.rate });
        arrived = d.distance <= until.tol;
        ness = { reached: arrived, distance: d.distance, worst: d.worst, gap: until.gap ?? null, tFinal: t };
      }
      onSample?.(i, row, p.rho, info);
      if (arrived) reported = q.samples;
    }
    if (reported >= q.samples) break;
    if (!halted && next < q.samples && next - reported < observer.lag(rho!.K)) {
      const p = produce(next);
      queue.push(p);
      if (p.error !== undefined) halted = true;
      else {
        rho = p.rho;
        observer.submit(next, p.rho);
      }
      next++;
      collect(false);
    } else collect(true);
  }
  return {
    rows,
    maxTopPopulation: maxTop,
    maxTraceError: maxTr,
    maxHermiticityError: maxHerm,
    grid: grid!,
    gridMax,
    stats,
    Ks,
    changes,
    discarded,
    ...(ness && { ness }),
    timing,
  };
}

/**
 * What sampleQuench's observe of a Kerr quench depends on (serialisable: a worker thread rebuilds the same function
 * from it, src-main/jobs/observePipeline.ts).
 */
export interface KerrObserveSpec {
  model: 'kerr';
  initial: KerrParams;
  final: KerrParams;
}

/** The observables of sample i of a Kerr quench: the pre-quench state under ε_i at i = 0, then under ε_f. */
export function kerrQuenchObserve(s: Pick<KerrObserveSpec, 'initial' | 'final'>): (rho: ComplexMatrix, i: number) => KerrObservablesResult {
  return (rho, i) => kerrObservables(rho, i === 0 ? s.initial : s.final);
}

/** Serial runner: all samples with every observable. onSample(i, row, ρ, info) is called after each sample. */
export function runQuench(
  spec: QuenchSpec | QuenchPlan,
  onSample?: (i: number, row: QuenchRow, rho: ComplexMatrix, info: SampleInfo) => void,
  opts: RunQuenchOptions = {},
): QuenchResult {
  // a caller that planned already (the CLI: K and errors before any output) passes its plan: chooseK once
  const plan = 'samples' in spec ? spec : planQuench(spec);
  const nessCache = opts.untilNess ? new NessCache(plan.final) : null;
  // the slow modes share the untilNess reference NESS (the same solve either way: nessDensityMatrix(final, K))
  const useSlow = opts.slowModes ?? slowModesPay(plan.samples, plan.spec.dt, plan.final.kappa, plan.rtol);
  const slow = useSlow ? new SlowModeCache(plan.final, nessCache ? (K) => nessCache.get(K).rho : undefined) : null;
  const r = sampleQuench<KerrObservablesResult>(
    {
      times: plan.times,
      samples: plan.samples,
      kappa: plan.final.kappa,
      initialState: () => quenchInitialState(plan),
      advance: (rho, stats) => advanceQuench(rho, plan.final, plan.spec.dt, plan.rtol, plan.adaptive, stats, slow),
      observe: kerrQuenchObserve(plan),
      row: (t, o) => [t, o.a_re, o.a_im, o.n, o.S_W, o.Pi_J, o.Pi_ext, o.Pi_d, o.Pi_U, o.Phi, o.Phi_ext, o.Phi_q, o.G],
      ness: (K) => nessCache!.get(K),
    },
    onSample,
    opts,
  );
  return { plan, columns: QUENCH_COLUMNS, ...r };
}
