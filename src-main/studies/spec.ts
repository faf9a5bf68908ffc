/**
 * Study spec, format version 1: a JSON document describing a set of tasks (seed 000 Figs. 2–8, seed 004 Fig. 3).
 * Validated at the edge with zod; any problem becomes one ParameterError whose field is the JSON path
 * (e.g. `tasks[1].epsFinal[2]`) and whose `allowed` text states the allowed range.
 *
 *   { "version": 1, "name": "…", "model": { "kappa": 0.5, "delta": -2, "u": 1 },
 *     "tasks": [
 *       { "kind": "quench", "N": [1, 5], "epsInitial": 0.5, "epsFinal": [0.6, 1.1], "tMax": 10, "dt": 0.2,
 *         "figures": ["fig4", "fig5"], "untilNess": 1e-6?, "K": 40?, "rtol": 1e-10? },
 *       { "kind": "ness-sweep", "method": "exact" | "fock", "entropy": false, "N": [20],
 *         "eps": { "from": 0, "to": 1.5, "points": 151 } | [0.5, 0.6], "K": 40? },
 *       { "kind": "gap-sweep", "N": [1, 5], "eps": { "from": 0.5, "to": 1.4, "points": 91 }, "K": 60? },
 *       { "kind": "gaussian-sweep", "preset": "cavity-om" | "cavity-bec", "x": { "from": 0, "to": 2.5, "points": 101 },
 *         "gammaB": 628.3? } ] }
 *
 * Two-photon-driven Kerr model (issue 15, PHYSICS.md §5): "model": { "kind": "two-photon-kerr", "kappa", "delta", "u",
 * "eta0"? }; its tasks sweep or quench g (G = g) at a fixed one-photon pump ε (default 0):
 *       { "kind": "ness-sweep", "method": "fock", "entropy"?, "N": [...], "g": POINTS, "eps"?: number, "K"? },
 *       { "kind": "gap-sweep", "N": [...], "g": POINTS, "eps"?: number, "K"? },
 *       { "kind": "quench", "N": [...], "gInitial": number, "gFinal": [...], "eps"?: number, "tMax", "dt", … }.
 * A model without "kind" is the Kerr model, so every existing spec keeps its meaning (and its task ids).
 *
 * expandSpec() turns a spec into the flat list of tasks (one per N × ε_f, one per sweep curve) that the scheduler runs.
 * Task ids are derived from the parameters, so they are stable across runs and resumes.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { KERR_RULES, PAPER } from '../../src-core/kerr/model.js';
import { TWO_PHOTON_KERR_RULES } from '../../src-core/model/instances.js';
import type { QuenchSpec } from '../../src-core/kerr/quench.js';
import { MODEL_QUENCH_COLUMNS, type ModelQuenchSpec } from '../../src-core/model/quench.js';
import { QUENCH_COLUMNS } from '../../src-core/kerr/types.js';
import { checkNumber, describeRule, ParameterError, quoteField, type NumberRule } from '../../src-core/validation.js';
import type { TaskInfo, TaskKind } from '../api/events.js';

export const SPEC_VERSION = 1;

/** Caps that keep a study file from asking for absurd amounts of work or memory. */
export const LIMITS = Object.freeze({
  listLength: 64,
  points: 10_001,
  samples: 1_000_000,
  tasks: 2_000,
  K: 400,
});

const ok = (v: number, r: NumberRule): boolean =>
  Number.isFinite(v) &&
  (!r.integer || Number.isInteger(v)) &&
  (r.min === undefined || (r.exclusiveMin ? v > r.min : v >= r.min)) &&
  (r.max === undefined || (r.exclusiveMax ? v < r.max : v <= r.max));

/** A number field whose every error message is the allowed range (ParameterError's `allowed`). */
function rnum(rule: NumberRule) {
  const text = describeRule(rule);
  return z.number({ error: text }).refine((v) => ok(v, rule), { error: text });
}

function rlist(rule: NumberRule, what: string) {
  const text = `a list of 1 to ${LIMITS.listLength} ${what} (${describeRule(rule)} each)`;
  return z
    .array(rnum(rule), { error: text })
    .min(1, { error: text })
    .max(LIMITS.listLength, { error: text });
}

const Range = (rule: NumberRule) =>
  z.strictObject(
    {
      from: rnum(rule),
      to: rnum(rule),
      points: rnum({ integer: true, min: 1, max: LIMITS.points }),
    },
    { error: `a list of numbers or { from, to, points } (${describeRule(rule)})` },
  );

const Points = (rule: NumberRule) =>
  z.union([rlist(rule, 'numbers'), Range(rule)], {
    error: `a list of numbers or { from, to, points } with ${describeRule(rule)}`,
  });

const figures = z
  .array(z.string({ error: 'a figure label such as "fig4"' }).regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'letters, digits, _ or -' }), {
    error: 'a list of figure labels',
  })
  .max(16, { error: 'at most 16 figure labels' });

const NRule: NumberRule = { ...KERR_RULES.N, max: 1000 };
const EpsRule: NumberRule = { min: 0, max: 100 };
const KRule: NumberRule = { integer: true, min: 2, max: LIMITS.K };
/** Two-photon pump g (G = g): the engine's rule (src-core/model/instances.ts), the one source of truth. */
const GRule: NumberRule = TWO_PHOTON_KERR_RULES.g;
/** A Kerr sweep's pumps (a list or a range), or the fixed ε of a two-photon sweep (a number): see checkModelFields. */
const SweepEps = z.union([Points(EpsRule), rnum(EpsRule)], {
  error: `a list of numbers or { from, to, points } with ${describeRule(EpsRule)} (a single number: the fixed ε of a two-photon sweep)`,
});

const Quench = z.strictObject({
  kind: z.literal('quench'),
  N: rlist(NRule, 'sizes N'),
  // Kerr model: ε_i → ε_f (required, see checkModelFields); two-photon model: g_i → g_f at the fixed ε.
  epsInitial: rnum(EpsRule).optional(),
  epsFinal: rlist(EpsRule, 'pumps ε_f').optional(),
  gInitial: rnum(GRule).optional(),
  gFinal: rlist(GRule, 'two-photon pumps g_f').optional(),
  eps: rnum(EpsRule).optional(),
  tMax: rnum({ min: 0, exclusiveMin: true, max: 1e5 }),
  dt: rnum({ min: 1e-4, max: 100 }),
  /**
   * Stop at the first sample where ρ and every reported observable (S_W, Π_J, Π_d, Π_U, Φ, Φ_q, G, |α|) are within
   * untilNess of the NESS at ε_f in the same basis (nessDistance, src-core/kerr/quench.ts: elementwise for ρ, relative
   * with a floor of 1e-3 of the unit for the observables); tMax stays the cap (the `extended` preset).
   */
  untilNess: rnum({ min: 1e-14, max: 1 }).optional(),
  K: rnum(KRule).optional(),
  rtol: rnum({ min: 1e-14, max: 1e-3 }).optional(),
  figures: figures.optional(),
});

const NessSweep = z.strictObject({
  kind: z.literal('ness-sweep'),
  method: z.enum(['exact', 'fock'], { error: 'one of exact, fock' }),
  entropy: z.boolean({ error: 'true or false' }).optional(),
  N: rlist(NRule, 'sizes N'),
  eps: SweepEps.optional(),
  g: Points(GRule).optional(),
  K: rnum(KRule).optional(),
  figures: figures.optional(),
});

const GapSweep = z.strictObject({
  kind: z.literal('gap-sweep'),
  N: rlist(NRule, 'sizes N'),
  eps: SweepEps.optional(),
  g: Points(GRule).optional(),
  K: rnum(KRule).optional(),
  figures: figures.optional(),
});

const GaussianSweep = z.strictObject({
  kind: z.literal('gaussian-sweep'),
  preset: z.enum(['cavity-om', 'cavity-bec'], { error: 'one of cavity-om, cavity-bec' }),
  /** cavity-om: g/κ_a; cavity-bec: (g/g_cr)² (seed 004 Fig. 3 axes). */
  x: Points({ min: 0, max: 100 }),
  /** γ_b (s⁻¹, angular) for cavity-bec; default that of the preset. */
  gammaB: rnum({ min: 0, exclusiveMin: true, max: 1e12 }).optional(),
  figures: figures.optional(),
});

const TaskSpec = z.discriminatedUnion('kind', [Quench, NessSweep, GapSweep, GaussianSweep], {
  error: 'a task with kind one of quench, ness-sweep, gap-sweep, gaussian-sweep',
});

export const MODEL_KINDS = ['kerr', 'two-photon-kerr'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** The rules of each model kind's parameters (checked per kind in checkModelFields; the schema takes their union). */
const MODEL_RULES: Record<ModelKind, Partial<Record<'kappa' | 'delta' | 'u' | 'eta0', NumberRule>>> = {
  kerr: { kappa: KERR_RULES.kappa, delta: KERR_RULES.delta, u: KERR_RULES.u },
  'two-photon-kerr': { kappa: TWO_PHOTON_KERR_RULES.kappa, delta: TWO_PHOTON_KERR_RULES.delta, u: TWO_PHOTON_KERR_RULES.u, eta0: TWO_PHOTON_KERR_RULES.eta0 },
};

const Model = z.strictObject(
  {
    kind: z.enum(MODEL_KINDS, { error: `one of ${MODEL_KINDS.join(', ')}` }).optional(),
    // numbers here; each kind's range is checked by checkModelFields (so a Kerr κ = 0 gets the Kerr rule's message)
    kappa: rnum({}).optional(),
    delta: rnum({}).optional(),
    u: rnum({}).optional(),
    eta0: rnum({}).optional(),
  },
  { error: 'an object { kind?, kappa, delta, u } (kind two-photon-kerr also takes eta0)' },
);

const StudySpecSchema = z.strictObject(
  {
    version: z.literal(SPEC_VERSION, { error: `${SPEC_VERSION} (the only spec version)` }),
    name: z.string({ error: 'a name of 1 to 80 characters' }).min(1, { error: 'a name of 1 to 80 characters' }).max(80, { error: 'a name of 1 to 80 characters' }),
    description: z.string({ error: 'a text' }).max(2000, { error: 'at most 2000 characters' }).optional(),
    model: Model.optional(),
    tasks: z.array(TaskSpec, { error: 'a list of tasks' }).min(1, { error: 'at least one task' }).max(64, { error: 'at most 64 task groups' }),
  },
  { error: 'a study spec object { version: 1, name, tasks }' },
);

export type StudySpec = z.infer<typeof StudySpecSchema>;
export type TaskSpec = z.infer<typeof TaskSpec>;

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  // Keys that are not identifiers are shown quoted, tasks[0][" "], so that a path is never ambiguous or blank.
  for (const p of path)
    s += typeof p === 'number' ? `[${p}]` : !/^[A-Za-z_$][\w$]*$/.test(String(p)) ? `[${JSON.stringify(String(p))}]` : s === '' ? String(p) : `.${String(p)}`;
  return s || '(spec)';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

/**
 * The same depth limit for a value that arrives already parsed (an API request's spec object): an iterative walk,
 * so that no recursive step below (zod, error formatting, canonicalJson) can overflow the stack.
 */
function checkValueDepth(input: unknown, maxDepth = SPEC_TEXT_LIMITS.depth): void {
  type Node = { v: unknown; depth: number; parent?: Node; key?: PropertyKey };
  const todo: Node[] = [{ v: input, depth: 0 }];
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (n.v === null || typeof n.v !== 'object') continue;
    if (n.depth >= maxDepth) {
      const path: PropertyKey[] = [];
      for (let p: Node | undefined = n; p?.parent; p = p.parent) path.unshift(p.key!);
      throw specTextError(formatPath(path), `a spec nested at most ${maxDepth} levels deep`, `nested deeper than ${maxDepth} levels`);
    }
    for (const [k, v] of Object.entries(n.v)) todo.push({ v, depth: n.depth + 1, parent: n, key: Array.isArray(n.v) ? Number(k) : k });
  }
}

/** Validate a parsed JSON value as a study spec; throws ParameterError(path, allowed, value). */
export function parseSpec(input: unknown): StudySpec {
  checkValueDepth(input);
  const r = StudySpecSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      throw new ParameterError(formatPath([...issue.path, key]), 'no such field here (check the spelling)', valueAt(input, [...issue.path, key]));
    }
    throw new ParameterError(formatPath(issue.path), issue.message, valueAt(input, issue.path));
  }
  const spec = r.data;
  checkModelFields(spec);
  // Cross-field checks zod's shape cannot state, each naming its path.
  spec.tasks.forEach((t, i) => {
    const at = (f: string) => `tasks[${i}].${f}`;
    if (t.kind === 'quench') {
      if (t.dt > t.tMax) throw new ParameterError(at('dt'), `a step ≤ tMax (${t.tMax})`, t.dt);
      if (t.tMax / t.dt + 1 > LIMITS.samples) throw new ParameterError(at('tMax'), `at most ${LIMITS.samples} samples (tMax/dt + 1)`, t.tMax);
      // The engine samples t_i = i·Δt up to tMax inclusive (planQuench): tMax must be a whole number of steps.
      const ratio = t.tMax / t.dt;
      if (Math.abs(ratio - Math.round(ratio)) > 1e-9 * Math.max(1, ratio)) throw new ParameterError(at('dt'), `a divisor of tMax = ${t.tMax} (tMax/dt a whole number)`, t.dt);
    }
    if ((t.kind === 'ness-sweep' || t.kind === 'gap-sweep') && isRange(t.eps) && t.eps.to < t.eps.from)
      throw new ParameterError(at('eps.to'), `a number ≥ eps.from (${t.eps.from})`, t.eps.to);
    if ((t.kind === 'ness-sweep' || t.kind === 'gap-sweep') && isRange(t.g) && t.g.to < t.g.from)
      throw new ParameterError(at('g.to'), `a number ≥ g.from (${t.g.from})`, t.g.to);
    if (t.kind === 'gaussian-sweep') {
      const xs = pointsOf(t.x);
      const max = t.preset === 'cavity-bec' ? 1 : 100;
      const bad = xs.findIndex((x) => (t.preset === 'cavity-bec' ? x >= max : x > max));
      if (bad >= 0) throw new ParameterError(at('x'), t.preset === 'cavity-bec' ? '(g/g_cr)² values in [0, 1)' : 'g/κ_a values in [0, 100]', xs[bad]);
    }
  });
  const tasks = expandSpec(spec);
  if (tasks.length > LIMITS.tasks) throw new ParameterError('tasks', `at most ${LIMITS.tasks} tasks after expansion`, tasks.length);
  const seen = new Map<string, number>();
  for (const t of tasks) {
    if (seen.has(t.info.id)) throw new ParameterError(`tasks[${t.group}]`, `tasks that differ from tasks[${seen.get(t.info.id)}] (duplicate task ${t.info.id})`, t.info.id);
    seen.set(t.info.id, t.group);
  }
  return spec;
}

type PointsSpec = number[] | { from: number; to: number; points: number };
const isRange = (p: unknown): p is { from: number; to: number; points: number } => !!p && typeof p === 'object' && !Array.isArray(p);

/** The model kind of a spec (no "kind", or no model: seed 000's Kerr model). */
export function modelKind(spec: StudySpec): ModelKind {
  return spec.model?.kind ?? 'kerr';
}

/**
 * The fields that depend on the model kind (spec-contract: the Kerr model sweeps/quenches ε, the two-photon model g at
 * a fixed ε): required ones present, the other model's refused, each error naming its JSON path.
 */
function checkModelFields(spec: StudySpec): void {
  const kind = modelKind(spec);
  const m = spec.model ?? {};
  for (const [k, rule] of Object.entries(MODEL_RULES[kind])) {
    const v = (m as Record<string, number | undefined>)[k];
    if (v !== undefined) checkNumber(`model.${k}`, v, rule);
  }
  if (kind === 'kerr' && m.eta0 !== undefined) throw new ParameterError('model.eta0', 'only with model kind two-photon-kerr (two-photon loss η₀)', m.eta0);
  if (kind === 'two-photon-kerr' && m.u !== undefined && m.u === 0 && !((m.eta0 ?? 0) > 0))
    throw new ParameterError('model.u', 'u > 0 unless eta0 > 0 (no nonlinearity: nothing bounds the photon number above threshold)', m.u);
  const other = kind === 'kerr' ? 'only with model kind two-photon-kerr (the Kerr model sweeps and quenches ε)' : 'only with the Kerr model (model kind two-photon-kerr sweeps and quenches g at a fixed ε)';
  spec.tasks.forEach((t, i) => {
    const at = (f: string) => `tasks[${i}].${f}`;
    const refuse = (f: string, v: unknown) => {
      if (v !== undefined) throw new ParameterError(at(f), other, v);
    };
    const need = (f: string, v: unknown, what: string) => {
      if (v === undefined) throw new ParameterError(at(f), `${what} (required for this model)`, undefined);
    };
    if (t.kind === 'gaussian-sweep') return;
    if (kind === 'kerr') {
      if (t.kind === 'quench') {
        need('epsInitial', t.epsInitial, `an initial pump ε_i: ${describeRule(EpsRule)}`);
        need('epsFinal', t.epsFinal, `a list of final pumps ε_f (${describeRule(EpsRule)} each)`);
        refuse('gInitial', t.gInitial);
        refuse('gFinal', t.gFinal);
        refuse('eps', t.eps);
      } else {
        need('eps', t.eps, `a list of numbers or { from, to, points } with ${describeRule(EpsRule)}`);
        if (typeof t.eps === 'number') throw new ParameterError(at('eps'), `a list of numbers or { from, to, points } with ${describeRule(EpsRule)} (the pumps of the sweep)`, t.eps);
        refuse('g', t.g);
      }
    } else {
      if (t.kind === 'quench') {
        need('gInitial', t.gInitial, `an initial two-photon pump g_i: ${describeRule(GRule)}`);
        need('gFinal', t.gFinal, `a list of final two-photon pumps g_f (${describeRule(GRule)} each)`);
        refuse('epsInitial', t.epsInitial);
        refuse('epsFinal', t.epsFinal);
      } else {
        need('g', t.g, `a list of numbers or { from, to, points } with ${describeRule(GRule)} (the two-photon pumps of the sweep)`);
        if (t.eps !== undefined && typeof t.eps !== 'number')
          throw new ParameterError(at('eps'), `a single number ${describeRule(EpsRule)}: the fixed one-photon pump (model kind two-photon-kerr sweeps g)`, t.eps);
        if (t.kind === 'ness-sweep' && t.method === 'exact') throw new ParameterError(at('method'), 'fock (the exact method is for the Kerr model only)', t.method);
      }
    }
  });
}

/** Limits on a spec's text, checked before JSON.parse and zod see it (a valid spec is ~5 levels deep and a few kB). */
export const SPEC_TEXT_LIMITS = Object.freeze({ chars: 4 * 2 ** 20, depth: 32 });

/** Error with its own message (the standard "field: got …; allowed: …" form would quote nothing useful here). */
function specTextError(field: string, allowed: string, what: string): ParameterError {
  const e = new ParameterError(field, allowed, undefined);
  e.message = `${quoteField(field)}: ${what}; allowed: ${allowed}`;
  return e;
}

/**
 * Refuse text nested deeper than SPEC_TEXT_LIMITS.depth, naming the JSON path where it happens, before any recursive
 * code (zod, canonicalJson, error formatting) meets it. One pass over the text with an explicit stack: never recursive
 * itself, so a 100 000-deep document costs one linear scan. Malformed text is left for JSON.parse to report.
 */
export function checkNesting(text: string, source = 'spec', maxDepth = SPEC_TEXT_LIMITS.depth): void {
  type Frame = { obj: boolean; key: string | undefined; index: number; wantKey: boolean };
  const stack: Frame[] = [];
  let lastString: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // A string: skip to its closing quote; keep (a prefix of) it in case it is an object key.
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      lastString = text.slice(i + 1, Math.min(j, i + 1 + 200));
      i = j;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) {
        const path = formatPath(stack.flatMap((f): PropertyKey[] => (f.obj ? (f.key === undefined ? [] : [f.key]) : [f.index])));
        throw specTextError(path === '(spec)' ? source : path, `a spec nested at most ${maxDepth} levels deep`, `nested deeper than ${maxDepth} levels`);
      }
      stack.push({ obj: c === 0x7b, key: undefined, index: 0, wantKey: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x3a /* : */ && top?.obj && top.wantKey) {
      top.key = lastString;
      top.wantKey = false;
    } else if (c === 0x2c /* , */ && top) {
      if (top.obj) top.wantKey = true;
      else top.index++;
    }
  }
}

/**
 * Parse JSON text as a spec. A leading UTF-8 byte-order mark is accepted (editors on Windows write one); the size and
 * the nesting depth are limited; a JSON syntax error names the file and the position, never the file's content.
 */
export function parseSpecText(text: string, source = 'spec'): StudySpec {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length > SPEC_TEXT_LIMITS.chars)
    throw specTextError(source, `a spec of at most ${SPEC_TEXT_LIMITS.chars / 2 ** 20} MiB`, `${(text.length / 2 ** 20).toFixed(1)} MiB of text`);
  checkNesting(text, source);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // V8 quotes the start of the text in some messages ("Unexpected token 'x', "{"secret"… is not valid JSON"): cut it.
    const msg = (e instanceof Error ? e.message : String(e)).replace(/, ".*" is not valid JSON$/s, ' (not valid JSON)');
    throw specTextError(source, 'a JSON study spec', quoteField(msg));
  }
  return parseSpec(json);
}

/** The x values of a list or an inclusive { from, to, points } range (points = 1 gives `from`). */
export function pointsOf(p: PointsSpec): number[] {
  if (Array.isArray(p)) return p.slice();
  if (p.points === 1) return [p.from];
  const out: number[] = [];
  for (let i = 0; i < p.points; i++) out.push(p.from + ((p.to - p.from) * i) / (p.points - 1));
  return out;
}

/** Canonical JSON (sorted keys) so that the content hash does not depend on key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (v && typeof v === 'object')
    return '{' + Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => JSON.stringify(k) + ':' + canonicalJson((v as Record<string, unknown>)[k])).join(',') + '}';
  return JSON.stringify(v);
}

export function specHash(spec: StudySpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// Expansion into tasks

export const NESS_EXACT_COLUMNS = ['N', 'eps', 'a_re', 'a_im', 'n', 'alpha_abs'] as const;
export const NESS_ENTROPY_COLUMNS = [...NESS_EXACT_COLUMNS, 'S_W', 'Pi_J', 'Pi_ext', 'Pi_d', 'Pi_U', 'Phi', 'Phi_ext', 'Phi_q', 'G'] as const;
export const GAP_COLUMNS = ['N', 'eps', 'gap', 'zeta1_re', 'zeta1_im', 'nmax', 'converged'] as const;
export const GAUSSIAN_COLUMNS = ['x', 'g', 'g_cr', 'Pi_s', 'mu_a', 'mu_b', 'n_a', 'n_b'] as const;
/** Quench CSV columns: the engine's QUENCH_COLUMNS, then |α| (Figs. 2, 4–8 use it as the order parameter). */
export const QUENCH_TASK_COLUMNS = [...QUENCH_COLUMNS, 'alpha_abs'] as const;

/**
 * Two-photon-driven Kerr model (issue 15): g_tp is the two-photon pump g (G = g; `g` alone is the Gaussian model's
 * coupling in rad/s), n_over_N = <a†a>/N, nmax the Fock cut-off the point used (chosen per point: grown until the top
 * two levels hold < 1e-12), top_population what those levels hold. Π_U is split per Hamiltonian term (Kerr, two-photon
 * drive); Pi_eta is the two-photon loss's total −∫Q[ηD[a²]ρ] ln Q (0 without it: seed 000's Π/Φ split is defined for
 * one-photon loss only).
 */
export const TP_NESS_COLUMNS = ['N', 'g_tp', 'eps', 'a_re', 'a_im', 'n', 'n_over_N', 'alpha_abs', 'nmax', 'top_population'] as const;
export const TP_NESS_ENTROPY_COLUMNS = [
  ...TP_NESS_COLUMNS,
  'S_W', 'Pi_J', 'Pi_ext', 'Pi_d', 'Pi_U', 'Pi_U_kerr', 'Pi_U_two_photon', 'Pi_eta', 'Phi', 'Phi_ext', 'Phi_q', 'G',
] as const;
/** Gap sweep at ε = 0: the gap of each parity sector (even: m + n even, the NESS's; odd: <a>'s) and their minimum. */
export const TP_GAP_SECTOR_COLUMNS = ['N', 'g_tp', 'eps', 'gap', 'gap_even', 'gap_odd', 'nmax', 'converged'] as const;
/** Gap sweep at ε > 0 (no parity symmetry): the slowest eigenvalue of the whole Liouvillian. */
export const TP_GAP_COLUMNS = ['N', 'g_tp', 'eps', 'gap', 'zeta1_re', 'zeta1_im', 'nmax', 'converged'] as const;

/** Two-photon quench CSV columns: the engine's MODEL_QUENCH_COLUMNS (Kerr columns, Π_U per term, Π_η), then |α|. */
export const TP_QUENCH_COLUMNS = [...MODEL_QUENCH_COLUMNS, 'alpha_abs'] as const;

/** A planned quench of the two-photon model: the engine's ModelQuenchSpec, plus the optional run-until-NESS tolerance. */
export interface ModelQuenchParams extends ModelQuenchSpec {
  untilNess?: number;
}

/** A planned quench: the engine's QuenchSpec, plus the optional run-until-NESS tolerance. */
export interface QuenchParams extends QuenchSpec {
  untilNess?: number;
}

export interface SweepParams {
  sweep: 'ness-exact' | 'ness-fock' | 'gap' | 'gaussian' | 'tp-ness' | 'tp-gap';
  /**
   * Model parameters shared by all points (Kerr: kappa, delta, u, N; two-photon: model, kappa, delta, u, eta0, eps, N;
   * Gaussian: preset, gammaB).
   */
  fixed: Record<string, number | string | boolean>;
  /** The swept values (ε for Kerr, g for the two-photon model, x for Gaussian). */
  xs: number[];
}

export interface PlannedTask {
  info: TaskInfo;
  /** Index of the task group in spec.tasks. */
  group: number;
  columns: readonly string[];
  /** Rows the task produces (quench: samples, sweep: points); for `untilNess` quenches the cap. */
  total: number;
  quench?: QuenchParams;
  /** A two-photon-driven Kerr quench (model layer: src-core/model/quench.ts). */
  modelQuench?: ModelQuenchParams;
  sweep?: SweepParams;
}

const fmt = (x: number) => String(x);

export function expandSpec(spec: StudySpec): PlannedTask[] {
  const model = {
    kappa: spec.model?.kappa ?? PAPER.kappa,
    delta: spec.model?.delta ?? PAPER.delta,
    u: spec.model?.u ?? PAPER.u,
  };
  const out: PlannedTask[] = [];
  const twoPhoton = modelKind(spec) === 'two-photon-kerr';
  spec.tasks.forEach((t, group) => {
    const figs = t.figures ?? [];
    const push = (kind: TaskKind, id: string, label: string, params: Record<string, unknown>, columns: readonly string[], total: number, extra: Partial<PlannedTask>) =>
      out.push({ info: { id, kind, label, figures: figs, params, samples: total }, group, columns, total, ...extra });
    if (twoPhoton && t.kind !== 'gaussian-sweep') {
      out.push(...expandTwoPhoton(spec, t, group, figs));
      return;
    }
    if (t.kind === 'quench') {
      for (const N of t.N)
        for (const epsFinal of t.epsFinal!) {
          const q: QuenchParams = { ...model, N, epsInitial: t.epsInitial!, epsFinal, tMax: t.tMax, dt: t.dt };
          if (t.K !== undefined) q.K = t.K;
          if (t.rtol !== undefined) q.rtol = t.rtol;
          if (t.untilNess !== undefined) q.untilNess = t.untilNess;
          const total = Math.round(t.tMax / t.dt) + 1;
          const id = `quench-N${fmt(N)}-epsf${fmt(epsFinal)}` + (t.untilNess !== undefined ? '-ness' : '');
          push('quench', id, `quench N=${N} ε_f=${epsFinal}${t.untilNess !== undefined ? ` until ${t.untilNess} of NESS` : ''}`, { ...q }, QUENCH_TASK_COLUMNS, total, { quench: q });
        }
    } else if (t.kind === 'ness-sweep') {
      const xs = pointsOf(t.eps as PointsSpec);
      const fock = t.method === 'fock';
      const entropy = fock && t.entropy === true;
      for (const N of t.N) {
        const fixed: Record<string, number | string | boolean> = { ...model, N, entropy };
        if (t.K !== undefined) fixed.K = t.K;
        const id = `ness-${t.method}${entropy ? '-entropy' : ''}-N${fmt(N)}`;
        push('ness-sweep', id, `NESS (${t.method}) N=${N}, ${xs.length} pumps`, { ...fixed, method: t.method, eps: xs }, entropy ? NESS_ENTROPY_COLUMNS : NESS_EXACT_COLUMNS, xs.length, {
          sweep: { sweep: fock ? 'ness-fock' : 'ness-exact', fixed, xs },
        });
      }
    } else if (t.kind === 'gap-sweep') {
      const xs = pointsOf(t.eps as PointsSpec);
      for (const N of t.N) {
        const fixed: Record<string, number | string | boolean> = { ...model, N };
        if (t.K !== undefined) fixed.K = t.K;
        push('gap-sweep', `gap-N${fmt(N)}`, `Liouvillian gap N=${N}, ${xs.length} pumps`, { ...fixed, eps: xs }, GAP_COLUMNS, xs.length, { sweep: { sweep: 'gap', fixed, xs } });
      }
    } else {
      const xs = pointsOf(t.x);
      const fixed: Record<string, number | string | boolean> = { preset: t.preset };
      if (t.gammaB !== undefined) fixed.gammaB = t.gammaB;
      push('gaussian-sweep', `gaussian-${t.preset}`, `Gaussian ${t.preset}, ${xs.length} couplings`, { ...fixed, x: xs }, GAUSSIAN_COLUMNS, xs.length, {
        sweep: { sweep: 'gaussian', fixed, xs },
      });
    }
  });
  return out;
}

/**
 * Tasks of a two-photon-driven Kerr spec (issue 15). Ids and labels start with the model kind, so they never collide
 * with a Kerr task's; a nonzero fixed ε is part of the id (two groups at different ε are different tasks).
 */
function expandTwoPhoton(spec: StudySpec, t: Exclude<TaskSpec, { kind: 'gaussian-sweep' }>, group: number, figs: string[]): PlannedTask[] {
  const kind = 'two-photon-kerr';
  const model = {
    model: kind,
    kappa: spec.model?.kappa ?? PAPER.kappa,
    delta: spec.model?.delta ?? PAPER.delta,
    u: spec.model?.u ?? PAPER.u,
    eta0: spec.model?.eta0 ?? 0,
  };
  const eps = typeof t.eps === 'number' ? t.eps : 0;
  const epsId = eps !== 0 ? `-eps${fmt(eps)}` : '';
  const epsLabel = eps !== 0 ? ` ε=${eps}` : '';
  const out: PlannedTask[] = [];
  const push = (taskKind: TaskKind, id: string, label: string, params: Record<string, unknown>, columns: readonly string[], total: number, extra: Partial<PlannedTask>) =>
    out.push({ info: { id, kind: taskKind, label, figures: figs, params, samples: total }, group, columns, total, ...extra });
  if (t.kind === 'ness-sweep' || t.kind === 'gap-sweep') {
    const xs = pointsOf(t.g!);
    for (const N of t.N) {
      const fixed: Record<string, number | string | boolean> = { ...model, eps, N };
      if (t.K !== undefined) fixed.K = t.K;
      if (t.kind === 'ness-sweep') {
        const entropy = t.entropy === true;
        fixed.entropy = entropy;
        push('ness-sweep', `${kind}-ness-fock${entropy ? '-entropy' : ''}-N${fmt(N)}${epsId}`, `${kind} NESS (fock) N=${N}${epsLabel}, ${xs.length} g`, { ...fixed, method: 'fock', g: xs }, entropy ? TP_NESS_ENTROPY_COLUMNS : TP_NESS_COLUMNS, xs.length, {
          sweep: { sweep: 'tp-ness', fixed, xs },
        });
      } else {
        push('gap-sweep', `${kind}-gap-N${fmt(N)}${epsId}`, `${kind} Liouvillian gap${eps === 0 ? ' per parity sector' : ''} N=${N}${epsLabel}, ${xs.length} g`, { ...fixed, g: xs }, eps === 0 ? TP_GAP_SECTOR_COLUMNS : TP_GAP_COLUMNS, xs.length, {
          sweep: { sweep: 'tp-gap', fixed, xs },
        });
      }
    }
  } else {
    const side = (N: number, g: number) => ({ kappa: model.kappa, delta: model.delta, u: model.u, eta0: model.eta0, eps, g, N });
    for (const N of t.N)
      for (const gFinal of t.gFinal!) {
        const q: ModelQuenchParams = { model: kind, initial: side(N, t.gInitial!), final: side(N, gFinal), tMax: t.tMax, dt: t.dt };
        if (t.K !== undefined) q.K = t.K;
        if (t.rtol !== undefined) q.rtol = t.rtol;
        if (t.untilNess !== undefined) q.untilNess = t.untilNess;
        const params: Record<string, unknown> = { ...model, eps, N, gInitial: t.gInitial, gFinal, tMax: t.tMax, dt: t.dt };
        for (const k of ['K', 'rtol', 'untilNess'] as const) if (t[k] !== undefined) params[k] = t[k];
        const ness = t.untilNess !== undefined;
        push('quench', `${kind}-quench-N${fmt(N)}-gi${fmt(t.gInitial!)}-gf${fmt(gFinal)}${epsId}${ness ? '-ness' : ''}`, `${kind} quench N=${N} g=${t.gInitial}→${gFinal}${epsLabel}${ness ? ` until ${t.untilNess} of NESS` : ''}`, params, TP_QUENCH_COLUMNS, Math.round(t.tMax / t.dt) + 1, { modelQuench: q });
      }
  }
  return out;
}
