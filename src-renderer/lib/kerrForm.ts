/**
 * The Kerr quench form (seed 000 Sec. IV A): text fields → validated numbers, live derived values, and the study spec
 * that `studies.run` receives. Validation uses the engine's one vocabulary (KERR_RULES, checkNumber, ParameterError),
 * so the form, the CLI and study files report the same ranges. Pure: unit-tested in test/renderer.
 */
import { KERR_RULES, PAPER, toRaw, type KerrParams } from '../../src-core/kerr/model.js';
import { bistableWindow } from '../../src-core/kerr/meanField.js';
import { chooseK } from '../../src-core/kerr/truncation.js';
import { planQuench, QUENCH_LIMITS } from '../../src-core/kerr/quench.js';
import { EPS_C_SEED, steepestSlope } from '../../src-core/kerr/critical.js';
import { checkNumber, describeRule, type NumberRule, ParameterError, quoteValue } from '../../src-core/validation.js';

export type FieldName = 'kappa' | 'delta' | 'u' | 'epsInitial' | 'epsFinal' | 'N' | 'tMax' | 'dt' | 'K' | 'rtol';

export interface FieldDef {
  name: FieldName;
  /** Symbol as in the seed. */
  symbol: string;
  label: string;
  unit: string;
  rule: NumberRule;
  list: boolean;
  help: string;
}

/** Pump range the study spec accepts (src-main/studies/spec.ts EpsRule) inside KERR_RULES.eps. */
const EPS_RULE: NumberRule = { ...KERR_RULES.eps, max: 100 };
/** N as study specs accept it (≤ 1000) within KERR_RULES.N. */
const N_RULE: NumberRule = { ...KERR_RULES.N, max: 1000 };

export const FIELDS: readonly FieldDef[] = [
  { name: 'kappa', symbol: 'κ', label: 'loss rate', unit: 'amplitude rate (ħ = 1)', rule: KERR_RULES.kappa, list: false, help: 'Field decays as e^{−κt}; the seed uses κ = 1/2.' },
  { name: 'delta', symbol: 'Δ', label: 'detuning ω_c − ω_p', unit: 'same units as κ', rule: KERR_RULES.delta, list: false, help: 'Bistable for Δ < −√3 κ; the seed uses Δ = −2.' },
  { name: 'u', symbol: 'u', label: 'scaled Kerr interaction', unit: 'U = u/N', rule: KERR_RULES.u, list: false, help: 'The seed uses u = 1.' },
  { name: 'epsInitial', symbol: 'ε_i', label: 'initial pump', unit: 'E = √N ε', rule: EPS_RULE, list: false, help: 'The quench starts from the NESS at ε_i (seed: 0.5).' },
  { name: 'epsFinal', symbol: 'ε_f', label: 'final pump(s)', unit: 'E = √N ε', rule: EPS_RULE, list: true, help: 'One or more, comma-separated (seed: 0.6, 0.8, 0.933, 1.1, 1.16616, 1.3).' },
  { name: 'N', symbol: 'N', label: 'system sizes', unit: 'dimensionless', rule: N_RULE, list: true, help: 'Comma-separated; one curve per N (seed: 1, 5, 10, 15, 20).' },
  { name: 'tMax', symbol: 't_max', label: 'duration', unit: 'in 1/ω₀ (ω₀: the unit of κ; the seed’s κ = 0.5 ω₀)', rule: { min: 0, exclusiveMin: true, max: 1e5 }, list: false, help: 'Seed: 10 for most panels, 50 and 100 for (e), (d).' },
  { name: 'dt', symbol: 'Δt', label: 'sample spacing', unit: 'same as t', rule: { min: 1e-4, max: 100 }, list: false, help: 'Observables every Δt (seed: 0.2).' },
];

/**
 * The numerics (issue 12): K is "auto" (the adaptive basis: starts from the NESS at ε_i and follows the state) or a
 * fixed number of Fock levels; rtol is the propagator tolerance. Validated apart from FIELDS (K is not a plain number).
 */
export const NUMERICS = Object.freeze({
  K: { symbol: 'K', label: 'Fock levels', help: '"auto": the basis grows and shrinks with the state (recorded in the CSV); or a fixed number of levels.', rule: QUENCH_LIMITS.K },
  rtol: { symbol: 'rtol', label: 'propagator tolerance', help: 'Relative tolerance of each propagation step (default 1e-10).', rule: QUENCH_LIMITS.rtol },
});

export type FormText = Record<FieldName, string>;

export interface KerrQuenchForm {
  kappa: number;
  delta: number;
  u: number;
  epsInitial: number;
  epsFinal: number[];
  N: number[];
  tMax: number;
  dt: number;
  /** Fixed Fock levels; absent = adaptive ("auto"). */
  K?: number;
  rtol?: number;
}

/** The seed's Fig. 4(a)-like quench at small N: runs in seconds. */
export function defaultText(): FormText {
  return {
    kappa: String(PAPER.kappa),
    delta: String(PAPER.delta),
    u: String(PAPER.u),
    epsInitial: String(PAPER.epsInitial),
    epsFinal: '1.1',
    N: '1, 5, 10',
    tMax: '10',
    dt: String(PAPER.dt),
    K: 'auto',
    rtol: '1e-10',
  };
}

/** Parse one number as typed: accepts the Unicode minus and a decimal comma-free form. */
export function parseNumber(s: string): number | undefined {
  const t = s.trim().replace(/\u2212/g, '-');
  if (t === '') return undefined;
  const v = Number(t);
  return Number.isNaN(v) ? NaN : v;
}

export interface Validation {
  /** Message per field (absent = valid). */
  errors: Partial<Record<FieldName, string>>;
  value?: KerrQuenchForm;
  /** Derived values (present exactly when `value` is). */
  derived?: Derived;
}

const LIMIT_SAMPLES = 1_000_000;

/** Validate every field; the run stays blocked while `errors` is non-empty. */
export function validateForm(text: FormText, kOf: ChooseK = engineK): Validation {
  const errors: Partial<Record<FieldName, string>> = {};
  const out: Partial<Record<FieldName, number | number[]>> = {};
  for (const f of FIELDS) {
    try {
      if (f.list) {
        const parts = text[f.name].split(/[,;\s]+/).filter((x) => x !== '');
        if (parts.length === 0) throw new ParameterError(f.symbol, `one or more numbers, each ${describeRule(f.rule)}`, undefined);
        if (parts.length > 64) throw new ParameterError(f.symbol, 'at most 64 values', parts.length);
        const vals = parts.map((p) => checkNumber(f.symbol, parseNumber(p), f.rule));
        if (new Set(vals).size !== vals.length) throw new ParameterError(f.symbol, 'distinct values', text[f.name]);
        out[f.name] = vals;
      } else {
        const v = parseNumber(text[f.name]);
        if (v === undefined) throw new ParameterError(f.symbol, describeRule(f.rule), undefined);
        out[f.name] = checkNumber(f.symbol, v, f.rule);
      }
    } catch (e) {
      errors[f.name] = e instanceof ParameterError ? message(e) : String(e);
    }
  }
  // K: "auto" (or empty) or an integer within the engine's range; rtol within its range.
  {
    const k = (text.K ?? 'auto').trim();
    if (k !== '' && k.toLowerCase() !== 'auto') {
      try {
        (out as Record<string, number>).K = checkNumber('K', parseNumber(k), NUMERICS.K.rule);
      } catch (e) {
        errors.K = e instanceof ParameterError ? message(e).replace(/ must be /, ' must be "auto" or ') : String(e);
      }
    }
    const r = (text.rtol ?? '').trim();
    if (r !== '') {
      try {
        (out as Record<string, number>).rtol = checkNumber('rtol', parseNumber(r), NUMERICS.rtol.rule);
      } catch (e) {
        errors.rtol = e instanceof ParameterError ? message(e) : String(e);
      }
    }
  }
  if (!errors.tMax && !errors.dt) {
    const samples = Math.round((out.tMax as number) / (out.dt as number)) + 1;
    if ((out.dt as number) > (out.tMax as number)) errors.dt = 'Δt must not exceed t_max';
    else if (samples * ((out.N as number[] | undefined)?.length ?? 1) * ((out.epsFinal as number[] | undefined)?.length ?? 1) > LIMIT_SAMPLES)
      errors.dt = `too many samples (t_max/Δt × tasks > ${LIMIT_SAMPLES}); raise Δt`;
  }
  if (Object.keys(errors).length > 0) return { errors };
  const value = out as unknown as KerrQuenchForm;
  // What the engine would refuse at Run is refused here, by the engine's own check (planQuench: ranges, Δt ≤ t_max,
  // t_max a whole number of Δt, sample count), with K given so that no truncation is chosen twice.
  const engineError = engineCheck(value);
  if (engineError) return { errors: engineError };
  try {
    // The truncation is part of validity: a state that needs more Fock levels than the engine allows cannot run.
    return { errors, value, derived: derive(value, kOf) };
  } catch (e) {
    if (!(e instanceof ParameterError)) throw e;
    errors[e.field === 'N' ? 'N' : 'epsFinal'] = `${e.field === 'N' ? 'N' : 'ε_f'} too large: ${e.allowed}`;
    return { errors };
  }
}

/** Engine field → form field and symbol. */
const ENGINE_FIELDS: Record<string, FieldName> = { kappa: 'kappa', delta: 'delta', u: 'u', N: 'N', epsInitial: 'epsInitial', epsFinal: 'epsFinal', eps: 'epsFinal', tMax: 'tMax', dt: 'dt' };

function engineCheck(f: KerrQuenchForm): Partial<Record<FieldName, string>> | undefined {
  for (const N of f.N)
    for (const epsFinal of f.epsFinal) {
      try {
        planQuench({ kappa: f.kappa, delta: f.delta, u: f.u, N, epsInitial: f.epsInitial, epsFinal, tMax: f.tMax, dt: f.dt, K: 2 });
      } catch (e) {
        if (!(e instanceof ParameterError)) throw e;
        const name = ENGINE_FIELDS[e.field] ?? 'dt';
        const sym = FIELDS.find((x) => x.name === name)!.symbol;
        // The engine names fields by their spec keys; the form shows the seed's symbols.
        const allowed = e.allowed.replace(/\btMax\b/g, 't_max').replace(/\bdt\b/g, 'Δt');
        return { [name]: `${sym} must be ${allowed} (got ${quoteValue(e.value)})` };
      }
    }
  return undefined;
}

/** "κ must be a finite number > 0 and ≤ 1000 (got −1)": one line the user can act on. */
function message(e: ParameterError): string {
  const got = e.value === undefined ? 'empty' : typeof e.value === 'number' && Number.isNaN(e.value) ? 'not a number' : `got ${String(e.value)}`;
  return `${e.field} must be ${e.allowed} (${got})`;
}

export interface Derived {
  /** Bistable window of the mean field (Eq. 5), null when Δ ≥ −√3κ. */
  epsMinus?: number;
  epsPlus?: number;
  /**
   * Per N: raw E = √N ε_f (first ε_f), U = u/N, and the Fock truncation: K (largest over ε_f) and Ks per ε_f are the
   * fixed K, or with "auto" the K the quench is expected to need (chooseK of ε_i, ε_f and the transient; the adaptive
   * basis starts at K0 and follows the state). NaN while the estimate is pending (it runs off the UI thread).
   */
  perN: { N: number; E_i: number; E_f: number[]; U: number; K: number; Ks: number[]; K0?: number; epsC?: number }[];
  /** Whether K adapts (form K = "auto"). */
  adaptive: boolean;
  /** Some K estimates are still being computed. */
  pending: boolean;
  /** The seed's numerical ε_c (Sec. IV A), shown beside ours. */
  epsCSeed: number;
  /** Samples per trajectory and number of trajectories. */
  samples: number;
  tasks: number;
  /** Cost model: Σ over tasks K² × samples (the propagation and the Q-grid both scale so). */
  work: number;
}

/**
 * K for one quench ε_i → ε_f at size N (the engine's chooser, src-core/kerr/truncation.ts): a number, or an object
 * with the adaptive run's first K too; undefined while an asynchronous estimate is pending. Throws ParameterError when
 * the state cannot fit the engine's basis.
 */
export type ChooseK = (p: Omit<KerrParams, 'eps'>, epsInitial: number, epsFinal: number, tMax: number) => number | { K: number; K0?: number } | undefined;

/**
 * The estimate the window shows, as the engine's planQuench makes it (the first K of the adaptive basis and the K
 * the quench is expected to need); run off the UI thread (kWorker.ts) since chooseK takes 5–40 ms.
 */
export function planK(p: Omit<KerrParams, 'eps'>, epsInitial: number, epsFinal: number, tMax: number): { K: number; K0: number } {
  const plan = planQuench({ ...p, epsInitial, epsFinal, tMax, dt: tMax });
  return { K: plan.Kexpected ?? QUENCH_LIMITS.adaptiveMaxK, K0: plan.K };
}

/**
 * The engine's truncation: exact-NESS and mean-field photon numbers at ε_i and ε_f plus the mean-field transient of
 * the quench, several standard deviations above (PHYSICS.md "Truncation").
 */
export const engineK: ChooseK = (p, epsInitial, epsFinal, tMax) => planK(p, epsInitial, epsFinal, tMax);

export function derive(f: KerrQuenchForm, kOf: ChooseK = engineK): Derived {
  const w = bistableWindow(f);
  const samples = Math.round(f.tMax / f.dt) + 1;
  let pending = false;
  const perN = f.N.map((N) => {
    const base: KerrParams = { kappa: f.kappa, delta: f.delta, u: f.u, eps: f.epsInitial, N };
    const est = f.K !== undefined ? f.epsFinal.map(() => ({ K: f.K! })) : f.epsFinal.map((eps) => kOf({ kappa: f.kappa, delta: f.delta, u: f.u, N }, f.epsInitial, eps, f.tMax));
    const Ks = est.map((e) => (e === undefined ? NaN : typeof e === 'number' ? e : e.K));
    const K0s = est.map((e) => (e !== undefined && typeof e === 'object' && 'K0' in e ? e.K0 : undefined)).filter((x): x is number => x !== undefined);
    if (Ks.some((k) => Number.isNaN(k))) pending = true;
    return {
      N,
      E_i: toRaw(base).E,
      E_f: f.epsFinal.map((eps) => toRaw({ ...base, eps }).E),
      U: toRaw(base).U,
      K: Math.max(...Ks),
      Ks,
      ...(K0s.length && { K0: Math.min(...K0s) }),
      epsC: w ? criticalPump(f, N) : undefined,
    };
  });
  const work = perN.reduce((s, r) => s + r.Ks.reduce((a, K) => a + K * K * samples, 0), 0);
  return { epsMinus: w?.epsMinus, epsPlus: w?.epsPlus, perN, samples, tasks: f.N.length * f.epsFinal.length, work, epsCSeed: EPS_C_SEED, adaptive: f.K === undefined, pending };
}

const epsCCache = new Map<string, number>();

/**
 * ε_c at size N, defined as the pump of steepest exact |<a>|/√N (src-core/kerr/critical.ts; the other definition, the
 * gap minimum, needs Liouvillian spectra and comes with a gap-sweep study). Memoised: the form recomputes per key.
 */
export function criticalPump(p: { kappa: number; delta: number; u: number }, N: number): number | undefined {
  const key = `${p.kappa}|${p.delta}|${p.u}|${N}`;
  let v = epsCCache.get(key);
  if (v === undefined) {
    try {
      v = steepestSlope({ kappa: p.kappa, delta: p.delta, u: p.u, N }, { xtol: 1e-4, scanPoints: 61 }).eps_c;
    } catch {
      return undefined;
    }
    if (epsCCache.size > 200) epsCCache.clear();
    epsCCache.set(key, v);
  }
  return v;
}

/**
 * The form for a study's quench tasks (reopened study or preset run), so that the form, Fig. 2 and the phase-space
 * viewer describe what the charts show. Lists collect every N and ε_f; t_max is the longest. Undefined without quenches.
 */
export function formFromTasks(tasks: { kind: string; params: Record<string, unknown> }[]): FormText | undefined {
  const q = tasks.filter((t) => t.kind === 'quench').map((t) => t.params as Record<string, number>);
  if (q.length === 0) return undefined;
  const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  const p = q[0];
  return {
    kappa: String(p.kappa),
    delta: String(p.delta),
    u: String(p.u),
    epsInitial: String(p.epsInitial),
    epsFinal: uniq(q.map((x) => x.epsFinal)).join(', '),
    N: uniq(q.map((x) => x.N)).join(', '),
    tMax: String(Math.max(...q.map((x) => x.tMax))),
    dt: String(p.dt),
    K: p.K === undefined ? 'auto' : String(p.K),
    rtol: p.rtol === undefined ? '1e-10' : String(p.rtol),
  };
}

/** Study spec (src-main/studies/spec.ts, version 1) for this form: one quench task group. */
export function toSpec(f: KerrQuenchForm, name = 'kerr-quench'): unknown {
  return {
    version: 1,
    name,
    model: { kappa: f.kappa, delta: f.delta, u: f.u },
    tasks: [
      {
        kind: 'quench', N: f.N, epsInitial: f.epsInitial, epsFinal: f.epsFinal, tMax: f.tMax, dt: f.dt,
        ...(f.K !== undefined && { K: f.K }),
        ...(f.rtol !== undefined && { rtol: f.rtol }),
        figures: ['fig4', 'fig5', 'fig6', 'fig7', 'fig8'],
      },
    ],
  };
}

/**
 * Seconds per unit of `work` (K² × samples) until a finished run calibrates it (runState.calibrate): measured here,
 * N ∈ {1, 5, 10}, ε_f = 1.1, t ≤ 10 on one worker: 7.7 s for 3.4e5 units.
 */
export const DEFAULT_SECONDS_PER_WORK = 2.3e-5;

export function expectedSeconds(d: Derived, secondsPerWork: number, workers: number): number {
  // Tasks run in parallel up to the worker count; the longest (largest K) bounds the wall time from below.
  const longest = Math.max(0, ...d.perN.map((r) => r.K * r.K * d.samples));
  return Math.max((d.work * secondsPerWork) / Math.max(1, workers), longest * secondsPerWork);
}
