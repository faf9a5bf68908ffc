/**
 * The study editor (issue 15): form text → a study spec (src-main/studies/spec.ts, version 1, with the agreed
 * two-photon extension), its task count and an estimated cost, and back (a loaded spec file → form text). Each field
 * is checked here as you type (range syntax, engine rules); the whole spec is then checked by the main side's
 * parseSpec through studies.check (the one validator), whose JSON paths map back to fields with `fieldOfPath`. Pure.
 */
import { KERR_RULES, PAPER } from '../../src-core/kerr/model.js';
import { TWO_PHOTON_KERR_RULES } from '../../src-core/model/instances.js';
import { twoPhotonInitialCutoff } from '../../src-core/model/twoPhotonKerr.js';
import { QUENCH_LIMITS } from '../../src-core/kerr/quench.js';
import { checkNumber, describeRule, type NumberRule, ParameterError, quoteValue } from '../../src-core/validation.js';
import { parseList, parseRange, pointValues, type Points } from './rangeSyntax.js';

export type ModelKind = 'kerr' | 'two-photon-kerr';
export type StudyKind = 'ness-sweep' | 'gap-sweep' | 'quench';

export interface EditorText {
  name: string;
  model: ModelKind;
  kind: StudyKind;
  kappa: string;
  delta: string;
  u: string;
  /** Two-photon loss η₀ (η = η₀/N); two-photon model only. */
  eta0: string;
  N: string;
  /** Sweeps: the swept pump (ε for Kerr, g for two-photon), in the range syntax. */
  sweep: string;
  /** Two-photon: the fixed one-photon pump ε (default 0: parity-symmetric). */
  eps: string;
  method: 'fock' | 'exact';
  entropy: boolean;
  /** Quench: initial pump (ε_i or g_i) and the final ones (ε_f or g_f, a list). */
  initial: string;
  final: string;
  tMax: string;
  dt: string;
  /** Quench: stop at the NESS within this tolerance ("" = run to t_max). */
  untilNess: string;
  /** "auto" or a number of Fock levels. */
  K: string;
  /** Quench propagator tolerance ("" = engine default). */
  rtol: string;
  /** Figure labels, comma-separated (e.g. fig2). */
  figures: string;
}

export type EditorField = Exclude<keyof EditorText, 'model' | 'kind' | 'method' | 'entropy'>;

/** What the swept/initial/final pumps are called in each model. */
export function pumpSymbol(model: ModelKind): 'ε' | 'g' {
  return model === 'kerr' ? 'ε' : 'g';
}

/** Default figure tables per task kind (src-main/studies/figures.ts: the seed's for Kerr, tp-ness/tp-gap for two-photon). */
export function defaultFigures(model: ModelKind, kind: StudyKind): string {
  if (model !== 'kerr') return kind === 'ness-sweep' ? 'tp-ness' : kind === 'gap-sweep' ? 'tp-gap' : '';
  return kind === 'ness-sweep' ? 'fig2' : kind === 'gap-sweep' ? 'fig3' : 'fig4, fig5, fig6, fig7, fig8';
}

export function defaultEditor(model: ModelKind = 'two-photon-kerr', kind: StudyKind = 'ness-sweep'): EditorText {
  const tp = model === 'two-photon-kerr';
  return {
    name: tp ? `two-photon-${kind}` : `kerr-${kind}`,
    model,
    kind,
    kappa: String(PAPER.kappa),
    // The two-photon model's continuous transition is at Δ ≥ 0 (g_th = √(κ² + Δ²)); Kerr bistability needs Δ < −√3κ.
    delta: tp ? '0' : String(PAPER.delta),
    u: String(PAPER.u),
    eta0: '0',
    N: tp ? '5, 10, 20' : '1, 5, 10',
    sweep: tp ? '0:1.5:31' : '0:1.5:31',
    eps: '0',
    method: 'fock',
    entropy: true,
    initial: tp ? '0.2' : String(PAPER.epsInitial),
    final: tp ? '1' : '1.1',
    tMax: '10',
    dt: String(PAPER.dt),
    untilNess: '',
    K: 'auto',
    rtol: '',
    figures: defaultFigures(model, kind),
  };
}

/** Rules: the spec's (src-main/studies/spec.ts) within the engine's (KERR_RULES, TWO_PHOTON_KERR_RULES). */
const N_RULE: NumberRule = { ...KERR_RULES.N, max: 1000 };
const PUMP_RULE: NumberRule = { min: 0, max: 100 };
const K_RULE: NumberRule = { integer: true, min: 2, max: 400 };

function rulesOf(model: ModelKind): Record<'kappa' | 'delta' | 'u' | 'eta0', NumberRule> {
  return model === 'kerr' ? { kappa: KERR_RULES.kappa, delta: KERR_RULES.delta, u: KERR_RULES.u, eta0: { min: 0, max: 0 } } : TWO_PHOTON_KERR_RULES;
}

const SYMBOL: Record<EditorField, string> = {
  name: 'name', kappa: 'κ', delta: 'Δ', u: 'u', eta0: 'η₀', N: 'N', sweep: 'pump', eps: 'ε', initial: 'initial pump', final: 'final pumps',
  tMax: 't_max', dt: 'Δt', untilNess: 'until NESS', K: 'K', rtol: 'rtol', figures: 'figures',
};

export interface Built {
  /** Message per field (absent = valid as far as the window can tell). */
  errors: Partial<Record<EditorField, string>>;
  spec?: Record<string, unknown>;
  /** Tasks after expansion and result rows (sweep points, quench samples). */
  tasks?: number;
  rows?: number;
  /** Rough single-worker seconds (see estimateSeconds). */
  cost?: number;
}

function one(sym: string, text: string, rule: NumberRule): number {
  const t = text.trim().replace(/\u2212/g, '-');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) throw new ParameterError(sym, describeRule(rule), t === '' ? undefined : t);
  return checkNumber(sym, Number(t), rule);
}

function message(e: unknown): string {
  if (!(e instanceof ParameterError)) throw e;
  return `${e.field} must be ${e.allowed} (${e.value === undefined ? 'empty' : `got ${quoteValue(e.value)}`})`;
}

/** Build the spec from the form; `errors` is empty exactly when `spec` is present. */
export function buildSpec(t: EditorText): Built {
  const errors: Partial<Record<EditorField, string>> = {};
  const tp = t.model === 'two-photon-kerr';
  const p = pumpSymbol(t.model);
  const rules = rulesOf(t.model);
  const num = (f: EditorField, rule: NumberRule, sym = SYMBOL[f]): number | undefined => {
    try {
      return one(sym, t[f] as string, rule);
    } catch (e) {
      errors[f] = message(e);
      return undefined;
    }
  };
  const name = t.name.trim();
  if (!/^[A-Za-z0-9_][\w.\- ]{0,79}$/.test(name)) errors.name = 'name: 1 to 80 letters, digits, _ . - or spaces, starting with a letter, digit or _';
  const model: Record<string, unknown> = tp ? { kind: 'two-photon-kerr' } : {};
  for (const f of ['kappa', 'delta', 'u'] as const) model[f] = num(f, rules[f]);
  if (tp) {
    const eta0 = num('eta0', rules.eta0);
    if (eta0 !== undefined && eta0 !== 0) model.eta0 = eta0;
    // The engine needs a nonlinearity to bound the photon number above threshold (validateTwoPhotonKerrParams).
    if (model.u === 0 && eta0 === 0) errors.u = 'u or η₀ must be > 0 (no nonlinearity: nothing bounds the photon number above threshold)';
  }
  const Nr = parseList(t.N, { symbol: 'N', rule: N_RULE });
  if (!Nr.ok) errors.N = Nr.message;
  let K: number | undefined;
  if (t.K.trim() !== '' && t.K.trim().toLowerCase() !== 'auto') K = num('K', K_RULE, 'K');
  if (errors.K) errors.K = errors.K.replace(' must be ', ' must be "auto" or ');
  const figures = t.figures.split(/[,;\s]+/).filter((x) => x !== '');
  if (figures.length > 16 || figures.some((f) => !/^[A-Za-z0-9_-]{1,32}$/.test(f))) errors.figures = 'figures: up to 16 labels such as fig2 (letters, digits, _ or -), comma-separated';

  const task: Record<string, unknown> = { kind: t.kind };
  let points = 0, samples = 0, finals = 1;
  let pumps: number[] = [];
  if (t.kind === 'quench') {
    const init = num('initial', PUMP_RULE, `${p}_i`);
    const fin = parseList(t.final, { symbol: `${p}_f`, rule: PUMP_RULE });
    if (!fin.ok) errors.final = fin.message;
    const tMax = num('tMax', QUENCH_LIMITS.tMax);
    const dt = num('dt', { min: 1e-4, max: 100 });
    if (tMax !== undefined && dt !== undefined) {
      const ratio = tMax / dt;
      if (dt > tMax) errors.dt = `Δt must not exceed t_max (${tMax})`;
      else if (Math.abs(ratio - Math.round(ratio)) > 1e-9 * Math.max(1, ratio)) errors.dt = `Δt must divide t_max = ${tMax} (t_max/Δt a whole number)`;
      else if (ratio + 1 > 1_000_000) errors.dt = 'at most 10⁶ samples (t_max/Δt + 1): raise Δt';
      samples = Math.round(ratio) + 1;
    }
    let untilNess: number | undefined;
    if (t.untilNess.trim() !== '') untilNess = num('untilNess', { min: 1e-14, max: 1 }, 'until NESS');
    let rtol: number | undefined;
    if (t.rtol.trim() !== '') rtol = num('rtol', { min: 1e-14, max: 1e-3 });
    if (tp) {
      const eps = num('eps', PUMP_RULE);
      Object.assign(task, { N: Nr.ok ? Nr.value : undefined, gInitial: init, gFinal: fin.ok ? fin.value : undefined, ...(eps ? { eps } : {}) });
    } else Object.assign(task, { N: Nr.ok ? Nr.value : undefined, epsInitial: init, epsFinal: fin.ok ? fin.value : undefined });
    Object.assign(task, { tMax, dt, ...(untilNess !== undefined && { untilNess }), ...(K !== undefined && { K }), ...(rtol !== undefined && { rtol }) });
    finals = fin.ok ? fin.count : 1;
    pumps = [...(init !== undefined ? [init] : []), ...(fin.ok ? (fin.value as number[]) : [])];
  } else {
    const sw = parseRange(t.sweep, { symbol: p, rule: PUMP_RULE, distinct: true });
    if (!sw.ok) errors.sweep = sw.message;
    else {
      points = sw.count;
      pumps = pointValues(sw.value);
    }
    const xs: Points | undefined = sw.ok ? sw.value : undefined;
    if (t.kind === 'ness-sweep') {
      const method = tp ? 'fock' : t.method;
      Object.assign(task, { method, ...(method === 'fock' && t.entropy ? { entropy: true } : {}) });
    }
    Object.assign(task, { N: Nr.ok ? Nr.value : undefined });
    if (tp) {
      const eps = num('eps', PUMP_RULE);
      Object.assign(task, { g: xs, ...(eps ? { eps } : {}) });
    } else task.eps = xs;
    if (K !== undefined) task.K = K;
  }
  if (figures.length) task.figures = figures;
  if (Object.keys(errors).length > 0) return { errors };
  const Ns = Nr.ok ? (Nr.value as number[]) : [];
  const spec = { version: 1, name, model, tasks: [task] };
  const tasks = Ns.length * (t.kind === 'quench' ? finals : 1);
  const rows = t.kind === 'quench' ? tasks * samples : Ns.length * points;
  return { errors, spec, tasks, rows, cost: estimateSeconds(t, model as ModelNumbers, Ns, pumps, t.kind === 'quench' ? samples : points, finals, K) };
}

type ModelNumbers = { kappa: number; delta: number; u: number; eta0?: number };

/**
 * Single-worker seconds, roughly (measured on this project's machine, issue 15): a two-photon Fock NESS costs
 * ≈ 2.6e-7 K³ s (K = 96: 0.23 s; K = 288: 6.2 s) plus ~50 ms for the Husimi entropy quantities; a gap point ≈ 5 NESS
 * solves per sector (shift-invert Arnoldi; slower where the gap closes); a quench ≈ 2.3e-5 s per K² × sample (the
 * quench form's calibration). K from the engine's cut-off rule at the largest pump. Kerr's exact NESS: ~1 ms a point.
 */
export function estimateSeconds(t: EditorText, m: ModelNumbers, Ns: number[], pumps: number[], perTask: number, finals: number, Kfixed?: number): number {
  const gMax = pumps.length ? Math.max(...pumps) : 0;
  let s = 0;
  for (const N of Ns) {
    const K =
      Kfixed ??
      (t.model === 'two-photon-kerr'
        ? Math.ceil(1.2 * twoPhotonInitialCutoff({ kappa: m.kappa, delta: m.delta, u: m.u, eta0: m.eta0 ?? 0, eps: Number(t.eps) || 0, g: gMax, N }))
        : // Kerr: the upper branch holds N·|α|² ≲ N (ε/κ)² photons at most; same cut-off rule
          Math.ceil(Math.min(400, Math.max(12, N * (gMax / m.kappa) ** 2 + 6 * Math.sqrt(N) * (gMax / m.kappa) + 10))));
    const ness = 2.6e-7 * K ** 3;
    if (t.kind === 'quench') s += finals * perTask * K * K * 2.3e-5;
    else if (t.kind === 'gap-sweep') s += perTask * 10 * ness * (t.model === 'two-photon-kerr' && !(Number(t.eps) > 0) ? 1 : 2);
    else if (t.model === 'kerr' && t.method === 'exact') s += perTask * 1e-3;
    else s += perTask * (ness + (t.entropy ? 0.05 : 0));
  }
  return s;
}

/**
 * The form field a parseSpec path (e.g. tasks[0].g.points, model.kappa) belongs to, for the message beside it;
 * 'kind' for the task kind (the Study selector: e.g. a kind the study service does not run for this model).
 */
export function fieldOfPath(path: string, kind: StudyKind): EditorField | 'kind' | undefined {
  const m = /^(?:model\.(\w+)|tasks\[\d+\]\.?(\w+)?|(name))/.exec(path);
  if (!m) return undefined;
  if (m[3]) return 'name';
  if (m[1]) return (['kappa', 'delta', 'u', 'eta0'] as const).find((f) => f === m[1]);
  const k = m[2];
  if (k === undefined) return undefined;
  const map: Record<string, EditorField> = {
    N: 'N', K: 'K', tMax: 'tMax', dt: 'dt', rtol: 'rtol', untilNess: 'untilNess', figures: 'figures',
    g: 'sweep', epsInitial: 'initial', gInitial: 'initial', epsFinal: 'final', gFinal: 'final',
  };
  if (k === 'kind' || k === 'method') return k === 'kind' ? 'kind' : undefined;
  if (k === 'eps') return kind === 'quench' ? 'eps' : 'sweep';
  return map[k];
}

/** Form text from a loaded spec (its first task group); undefined when the spec is not one the editor builds. */
export function editorFromSpec(spec: unknown): EditorText | undefined {
  if (!spec || typeof spec !== 'object') return undefined;
  const s = spec as { name?: unknown; model?: Record<string, unknown>; tasks?: unknown[] };
  const task = Array.isArray(s.tasks) ? (s.tasks[0] as Record<string, unknown> | undefined) : undefined;
  if (!task || typeof task !== 'object') return undefined;
  const kind = task.kind;
  if (kind !== 'ness-sweep' && kind !== 'gap-sweep' && kind !== 'quench') return undefined;
  const model: ModelKind = s.model?.kind === 'two-photon-kerr' ? 'two-photon-kerr' : 'kerr';
  const d = defaultEditor(model, kind);
  const str = (v: unknown, dflt: string) => (typeof v === 'number' ? String(v) : dflt);
  const list = (v: unknown, dflt: string) => (Array.isArray(v) ? v.map(String).join(', ') : dflt);
  const pts = (v: unknown, dflt: string) => {
    if (Array.isArray(v)) return v.map(String).join(', ');
    const r = v as { from?: unknown; to?: unknown; points?: unknown } | null;
    return r && typeof r === 'object' && 'from' in r ? `${String(r.from)}:${String(r.to)}:${String(r.points)}` : dflt;
  };
  const tp = model === 'two-photon-kerr';
  return {
    ...d,
    name: typeof s.name === 'string' ? s.name : d.name,
    kappa: str(s.model?.kappa, d.kappa),
    delta: str(s.model?.delta, d.delta),
    u: str(s.model?.u, d.u),
    eta0: str(s.model?.eta0, d.eta0),
    N: list(task.N, d.N),
    sweep: pts(tp ? task.g : task.eps, d.sweep),
    eps: tp ? str(task.eps, '0') : d.eps,
    method: task.method === 'exact' ? 'exact' : 'fock',
    entropy: task.entropy === true,
    initial: str(tp ? task.gInitial : task.epsInitial, d.initial),
    final: list(tp ? task.gFinal : task.epsFinal, d.final),
    tMax: str(task.tMax, d.tMax),
    dt: str(task.dt, d.dt),
    untilNess: str(task.untilNess, ''),
    K: str(task.K, 'auto'),
    rtol: str(task.rtol, ''),
    figures: Array.isArray(task.figures) ? task.figures.map(String).join(', ') : '',
  };
}
