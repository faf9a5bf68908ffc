/**
 * Quench protocol of seed 000 (Sec. IV A): start in the NESS at ε_i, switch the pump to ε_f at t = 0, sample every Δt.
 *
 * planQuench validates a spec and fixes K and the sample times t_i = i·Δt (never accumulated); quenchInitialState is
 * the NESS at ε_i in the K of the whole run; propagateInterval (propagate.ts) advances one interval and depends only
 * on its inputs, so the studies can run, checkpoint and resume sample by sample. runQuench is the serial convenience
 * runner (CLI, tests, bench): rows in QUENCH_COLUMNS order, every state checked for trace, Hermiticity and truncation.
 */
import { hermiticityError, trace, type ComplexMatrix } from '../linalg/complexMatrix.js';
import { kerrObservables } from '../phaseSpace/observables.js';
import { checkNumber, ParameterError } from '../validation.js';
import { KERR_RULES, validateKerrParams, type KerrParams } from './model.js';
import { propagateInterval, type PropagateStats } from './propagate.js';
import { nessDensityMatrix } from './steadyState.js';
import { chooseK, guardTruncation, type GuardOptions } from './truncation.js';
import { QUENCH_COLUMNS, type PolarGrid } from './types.js';

export { propagateInterval, newStats, type PropagateOptions, type PropagateStats } from './propagate.js';

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
  /** Fock levels; chosen automatically (chooseK) when absent. */
  K?: number;
  /** Propagator tolerance (default 1e-10). */
  rtol?: number;
}

export interface QuenchPlan {
  spec: QuenchSpec;
  K: number;
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
  K: { min: 2, max: 400, integer: true },
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
  const K =
    spec.K === undefined
      ? chooseK(base, [spec.epsInitial, spec.epsFinal], { quenchTime: spec.tMax, maxK: QUENCH_LIMITS.K.max }).K
      : checkNumber('K', spec.K, QUENCH_LIMITS.K);
  const samples = intervals + 1;
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) times[i] = i * spec.dt;
  return { spec, K, samples, times, initial, final, rtol };
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
  /** One row per sample, QUENCH_COLUMNS order. */
  rows: QuenchRow[];
  /** Largest top-level population (2 levels), |tr ρ − 1| and Hermiticity error met along the run. */
  maxTopPopulation: number;
  maxTraceError: number;
  maxHermiticityError: number;
  /** Polar grid of the first sample and the largest radial/angle counts used. */
  grid: PolarGrid;
  gridMax: PolarGrid;
  stats: PropagateStats;
  /** Wall time (ms) split between propagation (incl. the initial NESS) and observables. */
  timing: { initialState: number; propagation: number; observables: number };
}

export interface RunQuenchOptions {
  /** Truncation guard settings (default: refuse above 1e-9). */
  guard?: GuardOptions;
  /** Refuse when |tr ρ − 1| exceeds this (default 1e-8): a failed integration, not a physics result. */
  traceTol?: number;
}

/** Wall clock in ms (performance.now where the host has it: Node, workers, browsers; src-core has no DOM types). */
const now = (): number => (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();

/** Serial runner: all samples with every observable. onSample(i, row, ρ) is called after each sample. */
export function runQuench(
  spec: QuenchSpec,
  onSample?: (i: number, row: QuenchRow, rho: ComplexMatrix) => void,
  opts: RunQuenchOptions = {},
): QuenchResult {
  const plan = planQuench(spec);
  const traceTol = opts.traceTol ?? 1e-8;
  const stats: PropagateStats = { steps: 0, rejected: 0, evaluations: 0 };
  const timing = { initialState: 0, propagation: 0, observables: 0 };
  let t0 = now();
  let rho = quenchInitialState(plan);
  timing.initialState = now() - t0;
  const rows: QuenchRow[] = [];
  let maxTop = 0, maxTr = 0, maxHerm = 0;
  let grid: PolarGrid | undefined;
  const gridMax: PolarGrid = { radialNodes: 0, angles: 0, rMax: 0 };
  for (let i = 0; i < plan.samples; i++) {
    if (i > 0) {
      t0 = now();
      rho = propagateInterval(rho, plan.final, plan.spec.dt, { rtol: plan.rtol, stats });
      timing.propagation += now() - t0;
    }
    const t = plan.times[i];
    const tr = trace(rho);
    const trErr = Math.hypot(tr.re - 1, tr.im);
    if (!(trErr <= traceTol)) throw new Error(`quench: |tr ρ − 1| = ${trErr.toExponential(2)} at t = ${t} (integration failed)`);
    maxTr = Math.max(maxTr, trErr);
    maxHerm = Math.max(maxHerm, hermiticityError(rho));
    maxTop = Math.max(maxTop, guardTruncation(rho, { ...opts.guard, where: `t = ${t}` }));
    t0 = now();
    const o = kerrObservables(rho, i === 0 ? plan.initial : plan.final);
    timing.observables += now() - t0;
    grid ??= o.grid;
    gridMax.radialNodes = Math.max(gridMax.radialNodes, o.grid.radialNodes);
    gridMax.angles = Math.max(gridMax.angles, o.grid.angles);
    gridMax.rMax = Math.max(gridMax.rMax, o.grid.rMax);
    const row: QuenchRow = [t, o.a_re, o.a_im, o.n, o.S_W, o.Pi_J, o.Pi_ext, o.Pi_d, o.Pi_U, o.Phi, o.Phi_ext, o.Phi_q, o.G];
    rows.push(row);
    onSample?.(i, row, rho);
  }
  return {
    plan,
    columns: QUENCH_COLUMNS,
    rows,
    maxTopPopulation: maxTop,
    maxTraceError: maxTr,
    maxHermiticityError: maxHerm,
    grid: grid!,
    gridMax,
    stats,
    timing,
  };
}
