/**
 * Quench of a model-layer model (issue 15): start in the NESS of the initial parameters, switch to the final ones at
 * t = 0, sample every Δt, every observable at each sample. The two-photon-driven Kerr resonator (PHYSICS.md §5) is the
 * model family here; a quench may change g (g_i → g_f at fixed ε), ε, or both (and u, Δ, κ, η₀; N is fixed).
 *
 * The protocol is seed 000's Kerr quench (kerr/quench.ts) on the model layer: the same sample times t_i = i·Δt, the
 * same adaptive Fock basis (DEFAULT_ADAPTIVE_K: grow/redo/shrink by the top populations, exact zero padding), the same
 * truncation guard, trace check and untilNess distance; the propagator is the model's Taylor scheme
 * (model/propagate.ts; with ε = 0 on both sides only the even parity sector is propagated, where the NESS lives).
 *
 * Columns (MODEL_QUENCH_COLUMNS): the Kerr quench's QUENCH_COLUMNS, then
 *   Pi_U_kerr        −∫ Q[−i[(U/2)a†²a², ρ]] ln Q d²μ (seed 000's Π_U, B7);
 *   Pi_U_two_photon  −∫ Q[−i[(G/2)(a†² + a²), ρ]] ln Q d²μ (the two-photon drive's share; Pi_U is their sum, the
 *                    detuning and one-photon drive parts vanish identically);
 *   Pi_eta           −∫ Q[ηD[a²]ρ] ln Q d²μ, the total entropy rate of two-photon loss (0 without it). Seed 000's
 *                    split into a production Π and a flux Φ is defined for one-photon loss only, so Π_J, Π_ext, Π_d,
 *                    Φ, Φ_ext and Φ_q are those of 2κD[a] alone and two-photon loss is reported as this one total;
 *                    the balance reads dS_W/dt = Π_U + Π_J − Φ + Π_eta.
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { modelNess } from '../kerr/steadyState.js';
import { advanceAdaptive, NessByK, QUENCH_LIMITS, sampleQuench, type KChange, type QuenchObserver, type QuenchResult, type SampleInfo } from '../kerr/quench.js';
import type { PropagateStats } from '../kerr/propagate.js';
import {
  DEFAULT_ADAPTIVE_K, tailPopulation,
  type AdaptiveKPolicy, type GuardOptions,
} from '../kerr/truncation.js';
import { QUENCH_COLUMNS } from '../kerr/types.js';
import { modelEntropyProduction, type ModelEntropyProduction } from '../phaseSpace/modelEntropy.js';
import { fastModelEntropy } from '../phaseSpace/twoPhotonEntropy.js';
import { checkNumber, ParameterError } from '../validation.js';
import { hasParitySymmetry, type Model } from './model.js';
import { TWO_PHOTON_KERR_RULES, twoPhotonKerrModel, validateTwoPhotonKerrParams, type TwoPhotonKerrParams } from './instances.js';
import { propagateModelInterval } from './propagate.js';
import { twoPhotonInitialCutoff } from './twoPhotonKerr.js';

export const MODEL_QUENCH_COLUMNS = [...QUENCH_COLUMNS, 'Pi_U_kerr', 'Pi_U_two_photon', 'Pi_eta'] as const;

/** Column documentation (CSV metadata, README). */
export const MODEL_QUENCH_COLUMN_DOCS: Readonly<Record<(typeof MODEL_QUENCH_COLUMNS)[number], string>> = Object.freeze({
  t: 'time',
  a_re: 'Re <a>',
  a_im: 'Im <a>',
  n: '<a†a>',
  S_W: 'Wehrl entropy −∫Q ln Q (nats)',
  Pi_J: 'Π_J = (2/κ)∫|J|²/Q of the one-photon loss 2κD[a]',
  Pi_ext: 'Π_ext = 2κ|<a>|²',
  Pi_d: 'Π_d = Π_J − Π_ext',
  Pi_U: 'Π_U = −∫Q[−i[H,ρ]] ln Q (= Pi_U_kerr + Pi_U_two_photon)',
  Phi: 'Φ = 2κ<a†a> (one-photon loss only)',
  Phi_ext: 'Φ_ext = 2κ|<a>|²',
  Phi_q: 'Φ_q = Φ − Φ_ext',
  G: 'non-Gaussianity S(ρ_G) − S(ρ) (nats)',
  Pi_U_kerr: 'Kerr part of Π_U: −∫Q[−i[(U/2)a†²a², ρ]] ln Q',
  Pi_U_two_photon: 'two-photon-drive part of Π_U: −∫Q[−i[(G/2)(a†² + a²), ρ]] ln Q',
  Pi_eta:
    'two-photon loss, total: −∫Q[ηD[a²]ρ] ln Q (seed 000’s Π/Φ split is defined for one-photon loss only; dS_W/dt = Π_U + Π_J − Φ + Pi_eta)',
});

export interface ModelQuenchSpec {
  model: 'two-photon-kerr';
  /** Parameters before the quench: the start is their NESS. */
  initial: TwoPhotonKerrParams;
  /** Parameters after the quench (same N). */
  final: TwoPhotonKerrParams;
  tMax: number;
  dt: number;
  /** Fixed Fock levels (default: adaptive, from the initial NESS). */
  K?: number;
  rtol?: number;
}

export interface ModelQuenchPlan {
  spec: ModelQuenchSpec;
  K: number;
  adaptive: AdaptiveKPolicy | null;
  samples: number;
  times: Float64Array;
  initial: TwoPhotonKerrParams;
  final: TwoPhotonKerrParams;
  initialModel: Model;
  finalModel: Model;
  rtol: number;
  /** The final model conserves parity and the initial state is parity-even (ε_i = ε_f = 0): the even sector only. */
  parity: boolean;
}

/** Validate a side of the spec, errors named `${side}.${field}` (e.g. 'initial.g'). */
function validateSide(side: 'initial' | 'final', p: TwoPhotonKerrParams): TwoPhotonKerrParams {
  if (typeof p !== 'object' || p === null) throw new ParameterError(side, 'an object of two-photon Kerr parameters', p);
  try {
    return validateTwoPhotonKerrParams(p);
  } catch (e) {
    if (e instanceof ParameterError && e.field in TWO_PHOTON_KERR_RULES) throw new ParameterError(`${side}.${e.field}`, e.allowed, e.value);
    throw e;
  }
}

/** Tail of the start NESS's top two levels accepted (below the adaptive policy's preTol, as kerr/quench.ts's 1e-18 bound). */
const START_TAIL = 1e-15;

/** Validate a spec (ParameterError naming the field) and fix the sample times and the first K. */
export function planModelQuench(spec: ModelQuenchSpec): ModelQuenchPlan {
  if (spec.model !== 'two-photon-kerr') throw new ParameterError('model', "'two-photon-kerr'", spec.model);
  const initial = validateSide('initial', spec.initial);
  const final = validateSide('final', spec.final);
  if (final.N !== initial.N) throw new ParameterError('final.N', `the initial N = ${initial.N} (a quench keeps the size)`, final.N);
  checkNumber('tMax', spec.tMax, QUENCH_LIMITS.tMax);
  checkNumber('dt', spec.dt, QUENCH_LIMITS.dt);
  if (spec.dt > spec.tMax) throw new ParameterError('dt', `a finite number > 0 and ≤ tMax (${spec.tMax})`, spec.dt);
  const ratio = spec.tMax / spec.dt;
  const intervals = Math.round(ratio);
  if (Math.abs(ratio - intervals) > 1e-9 * Math.max(1, ratio))
    throw new ParameterError('dt', `a divisor of tMax = ${spec.tMax} (tMax/dt must be a whole number)`, spec.dt);
  if (intervals + 1 > QUENCH_LIMITS.samples) throw new ParameterError('dt', `at most ${QUENCH_LIMITS.samples - 1} intervals (tMax/dt)`, spec.dt);
  const rtol = spec.rtol === undefined ? 1e-10 : checkNumber('rtol', spec.rtol, QUENCH_LIMITS.rtol);
  const initialModel = twoPhotonKerrModel(initial), finalModel = twoPhotonKerrModel(final);
  let K: number, adaptive: AdaptiveKPolicy | null = null;
  if (spec.K === undefined) {
    // The first K is the cut-off rule's guess for the start NESS; quenchInitialState grows it until the NESS's top two
    // levels hold ≤ START_TAIL. Refuse sizes whose mean-field photon number alone cannot fit the adaptive cap.
    K = Math.min(QUENCH_LIMITS.K.max, twoPhotonInitialCutoff(initial));
    const need = Math.max(twoPhotonInitialCutoff(initial), twoPhotonInitialCutoff(final));
    if (need > QUENCH_LIMITS.adaptiveMaxK)
      throw new ParameterError('initial.N', `N and pumps small enough for a Fock basis of at most ${QUENCH_LIMITS.adaptiveMaxK} levels (this quench needs K ≈ ${need})`, initial.N);
    adaptive = { ...DEFAULT_ADAPTIVE_K, maxK: QUENCH_LIMITS.adaptiveMaxK };
  } else K = checkNumber('K', spec.K, QUENCH_LIMITS.K);
  const samples = intervals + 1;
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) times[i] = i * spec.dt;
  const parity = hasParitySymmetry(initialModel) && hasParitySymmetry(finalModel);
  return { spec, K, adaptive, samples, times, initial, final, initialModel, finalModel, rtol, parity };
}

/** The start state: the NESS of the initial parameters (K grown by 20 % until its top two levels hold ≤ 1e-15 when adaptive). */
export function modelQuenchInitialState(plan: ModelQuenchPlan): ComplexMatrix {
  let K = plan.K;
  for (;;) {
    const rho = modelNess(plan.initialModel, K);
    if (!plan.adaptive || !(tailPopulation(rho, K - 2) > START_TAIL) || K >= QUENCH_LIMITS.K.max) return rho;
    K = Math.min(QUENCH_LIMITS.K.max, Math.ceil(1.2 * K));
  }
}

/**
 * ρ one interval later, the basis adapted as kerr/quench.ts's advanceQuench does (grow/shrink before, redo in a larger
 * basis when the top population passed growTol after). Deterministic: the K decisions are a function of ρ.
 */
export function advanceModelQuench(
  rho: ComplexMatrix,
  model: Model,
  dt: number,
  rtol: number,
  policy: AdaptiveKPolicy | null,
  stats?: PropagateStats,
): { rho: ComplexMatrix; changes: Omit<KChange, 'sample'>[] } {
  return advanceAdaptive(rho, policy, (r) => propagateModelInterval(r, model, dt, { rtol, stats }));
}

export type ModelQuenchRow = number[];

/** One sample's observables, the Kerr quench's names plus |α| = |<a>|/√N. */
export type ModelQuenchObservables = ModelEntropyProduction & { alpha_abs: number };

/**
 * One sample's observables: Π_U per term from the state's q and D fields (fastModelEntropy, one adaptive evaluation;
 * equal to the generic −∫Q[−i[H_term, ρ]] ln Q of modelEntropy.ts to ~1e-14, tested). With `balance`, also
 * dS_W/dt = −∫Q[L(ρ)] ln Q by the generic functional (the balance's left side, from the Liouvillian applied to ρ).
 */
export function modelQuenchObservables(rho: ComplexMatrix, model: Model, N: number, opts: { balance?: boolean } = {}): ModelQuenchObservables {
  const e = fastModelEntropy(rho, model);
  if (opts.balance) e.dS_W = modelEntropyProduction(rho, model, { balance: true }).dS_W;
  return Object.assign(e, { alpha_abs: Math.hypot(e.a_re, e.a_im) / Math.sqrt(N) });
}

export function modelQuenchRow(t: number, o: ModelQuenchObservables): ModelQuenchRow {
  return [
    t, o.a_re, o.a_im, o.n, o.S_W, o.Pi_J, o.Pi_ext, o.Pi_d, o.Pi_U, o.Phi, o.Phi_ext, o.Phi_q, o.G,
    o.Pi_U_terms.kerr ?? 0, o.Pi_U_terms.twoPhotonDrive ?? 0, o.Pi_eta,
  ];
}

/**
 * What sampleQuench's observe of a model quench depends on (serialisable: a worker thread rebuilds the same function
 * from it, src-main/jobs/observePipeline.ts). initial and final are the plan's validated parameters.
 */
export interface ModelObserveSpec {
  model: 'two-photon-kerr';
  initial: TwoPhotonKerrParams;
  final: TwoPhotonKerrParams;
  balance: boolean;
}

/** The observables of sample i: t = 0 the pre-quench state under the pre-quench model (its NESS: balance 0), then the final model. */
export function modelQuenchObserve(s: Omit<ModelObserveSpec, 'model'>): (rho: ComplexMatrix, i: number) => ModelQuenchObservables {
  const initialModel = twoPhotonKerrModel(s.initial), finalModel = twoPhotonKerrModel(s.final);
  return (rho, i) => modelQuenchObservables(rho, i === 0 ? initialModel : finalModel, s.final.N, { balance: s.balance });
}

/** The final model's NESS and its observables per K (untilNess). */
export class ModelNessCache extends NessByK<ModelQuenchObservables> {
  constructor(
    readonly model: Model,
    readonly N: number,
  ) {
    super((K) => {
      const rho = modelNess(model, K);
      return { rho, o: modelQuenchObservables(rho, model, N) };
    });
  }
}

/** A Kerr quench's result (kerr/quench.ts) with this plan, and the balance's left side when asked for. */
export type ModelQuenchResult = Omit<QuenchResult, 'plan'> & {
  plan: ModelQuenchPlan;
  /** With `balance`: dS_W/dt = −∫Q[L(ρ)] ln Q at every sample (the balance's left side; NaN at t = 0, the pre-quench L). */
  dS_W?: number[];
};

export interface RunModelQuenchOptions {
  guard?: GuardOptions;
  traceTol?: number;
  untilNess?: { tol: number; gap?: number | null };
  /** Also dS_W/dt = −∫Q[L_f(ρ)] ln Q per sample (one more field evaluation), for the balance check. */
  balance?: boolean;
  /** Where the observables are computed (default: here, serially); one built from modelQuenchObserve's spec. */
  observer?: QuenchObserver<ModelQuenchObservables>;
}

/** Serial runner (CLI, tests, bench): rows in MODEL_QUENCH_COLUMNS order, every state checked (the Kerr quench's loop). */
export function runModelQuench(
  spec: ModelQuenchSpec,
  onSample?: (i: number, row: ModelQuenchRow, rho: ComplexMatrix, info: SampleInfo) => void,
  opts: RunModelQuenchOptions = {},
): ModelQuenchResult {
  const plan = planModelQuench(spec);
  const dS_W: number[] | undefined = opts.balance ? [] : undefined;
  const nessCache = opts.untilNess ? new ModelNessCache(plan.finalModel, plan.final.N) : null;
  const r = sampleQuench<ModelQuenchObservables>(
    {
      times: plan.times,
      samples: plan.samples,
      kappa: plan.final.kappa,
      initialState: () => modelQuenchInitialState(plan),
      advance: (rho, stats) => advanceModelQuench(rho, plan.finalModel, plan.spec.dt, plan.rtol, plan.adaptive, stats),
      observe: modelQuenchObserve({ initial: plan.initial, final: plan.final, balance: opts.balance ?? false }),
      row: (t, o) => {
        // called once per reported sample, in order (observe may run ahead, on another thread)
        if (dS_W) dS_W.push(o.dS_W);
        return modelQuenchRow(t, o);
      },
      ness: (K) => nessCache!.get(K),
    },
    onSample,
    { guard: opts.guard, traceTol: opts.traceTol, untilNess: opts.untilNess, observer: opts.observer },
  );
  const { ness, timing, ...head } = r;
  return { plan, columns: MODEL_QUENCH_COLUMNS, ...head, ...(dS_W && { dS_W }), ...(ness && { ness }), timing };
}
