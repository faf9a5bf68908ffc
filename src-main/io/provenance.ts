/**
 * What made an exported file: one plain record, written as `# key: value` lines at the top of every CSV
 * (provenanceLines / provenanceMeta for toCsv) and as root attributes of every HDF5 file (provenanceAttrs).
 *
 * Lists are written space-separated and no value contains a comma, so a loader that splits comment lines on commas
 * (or a spreadsheet) sees one field per line. The date is optional: the study's own task CSVs leave it out so that a
 * resumed study writes the same bytes as an uninterrupted one (the spec hash identifies the study instead).
 */
import { basename } from 'node:path';
import { unitsText } from './quantities.js';

export interface Provenance {
  /** The command or action that wrote the file: `epstudio 0.1.0 quench --N 5 …`, `EP Studio window: chart CSV`. */
  command: string;
  /** Version of the program that wrote the file. */
  appVersion: string;
  /** ISO 8601 UTC time of writing (left out where the bytes must be reproducible). */
  date?: string;
  /** The study the data come from: its name, the sha256 of its spec, its folder and the version that computed it. */
  study?: { name: string; specHash: string; dir?: string; appVersion?: string };
  /** Kerr model parameters (seed 000, Eqs. 2–3), in ω₀ (see quantities.ts). */
  model?: { kappa: number; delta: number; u: number };
  N?: number[];
  epsInitial?: number[];
  epsFinal?: number[];
  dt?: number;
  tMax?: number;
  /** Fock levels: one number, or per N (`N=5:23 N=10:40`). */
  K?: string;
  /** Propagator tolerance per step. */
  rtol?: number;
  /** The phase-space quadrature grid (polar Gauss–Legendre × FFT) or the Cartesian image grid. */
  grid?: string;
  /** Anything else that identifies the data (preset, method, sweep range …), in this order. */
  extra?: Record<string, string | number | boolean | number[]>;
  /** Column names of the table, for the `units` line (CSV) / `units` attribute. */
  columns?: readonly string[];
}

/** One line of text: no newlines, no commas (a `;` instead), no leading/trailing blanks. */
export function cleanValue(v: string): string {
  return v.replace(/\r?\n/g, ' ').replace(/,/g, ';').trim();
}

const list = (xs: readonly number[]) => xs.map(String).join(' ');

function uniqueSorted(xs: readonly number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** The record as ordered [key, value] pairs (values as text): the one order of every file. */
export function provenanceEntries(r: Provenance): [string, string][] {
  const out: [string, string][] = [];
  const put = (k: string, v: string | number | boolean | readonly number[] | undefined) => {
    if (v === undefined) return;
    out.push([k, cleanValue(Array.isArray(v) ? list(v as number[]) : String(v))]);
  };
  put('program', r.command);
  put('app_version', r.appVersion);
  put('date', r.date);
  if (r.study) {
    put('study', r.study.name);
    put('spec_hash', r.study.specHash);
    put('study_dir', r.study.dir === undefined ? undefined : basename(r.study.dir));
    if (r.study.appVersion !== undefined && r.study.appVersion !== r.appVersion) put('computed_by', `epstudio ${r.study.appVersion}`);
  }
  if (r.model) {
    put('kappa', r.model.kappa);
    put('delta', r.model.delta);
    put('u', r.model.u);
  }
  put('N', r.N);
  put('eps_initial', r.epsInitial);
  put('eps_final', r.epsFinal);
  put('dt', r.dt);
  put('t_max', r.tMax);
  put('K', r.K);
  put('rtol', r.rtol);
  put('grid', r.grid);
  for (const [k, v] of Object.entries(r.extra ?? {})) put(k, v);
  if (r.columns) {
    const u = unitsText(r.columns, r.model?.kappa);
    if (u) put('units', u);
  }
  return out;
}

/** The record as toCsv's `meta` (insertion-ordered). */
export function provenanceMeta(r: Provenance): Record<string, string> {
  return Object.fromEntries(provenanceEntries(r));
}

/** The record as `# key: value` lines (without newlines). */
export function provenanceLines(r: Provenance): string[] {
  return provenanceEntries(r).map(([k, v]) => `# ${k}: ${v}`);
}

/** The record as HDF5 attributes: numbers stay numbers, lists become float64 arrays, the rest text. */
export function provenanceAttrs(r: Provenance): Record<string, string | number | Float64Array> {
  const a: Record<string, string | number | Float64Array> = {};
  for (const [k, v] of provenanceEntries(r)) a[k] = v;
  const num = (k: string, v: number | undefined) => {
    if (v !== undefined) a[k] = v;
  };
  const arr = (k: string, v: readonly number[] | undefined) => {
    if (v !== undefined) a[k] = Float64Array.from(v);
  };
  if (r.model) {
    num('kappa', r.model.kappa);
    num('delta', r.model.delta);
    num('u', r.model.u);
  }
  arr('N', r.N);
  arr('eps_initial', r.epsInitial);
  arr('eps_final', r.epsFinal);
  num('dt', r.dt);
  num('t_max', r.tMax);
  num('rtol', r.rtol);
  if (r.K !== undefined && /^\d+$/.test(r.K)) a.K = Number(r.K);
  for (const [k, v] of Object.entries(r.extra ?? {})) {
    if (typeof v === 'number') a[k] = v;
    else if (Array.isArray(v)) a[k] = Float64Array.from(v);
  }
  return a;
}

/** Now, as the `date` of a record (UTC, seconds). */
export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- records from the model parameters of study tasks (TaskInfo.params) ----

type Params = Record<string, unknown>;
export const numOf = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The parts of a record that a set of study tasks fixes: model, N list, ε_i and ε_f lists, Δt, t_max, K per N
 * (`kOf` gives the K a task used, e.g. from its CSV), rtol, and the sweep ranges. Tasks of one kind are expected;
 * the first task's model is taken (a study has one model).
 */
export function fromTaskParams(params: Params[], kOf?: (p: Params, i: number) => number | undefined): Omit<Provenance, 'command' | 'appVersion'> {
  const r: Omit<Provenance, 'command' | 'appVersion'> = {};
  if (params.length === 0) return r;
  const p0 = params[0];
  const all = (k: string) => uniqueSorted(params.map((p) => numOf(p[k])).filter((v): v is number => v !== undefined));
  const one = (k: string) => {
    const v = all(k);
    return v.length === 1 ? v[0] : undefined;
  };
  if (numOf(p0.kappa) !== undefined) r.model = { kappa: numOf(p0.kappa)!, delta: numOf(p0.delta) ?? NaN, u: numOf(p0.u) ?? NaN };
  if (all('N').length) r.N = all('N');
  if (all('epsInitial').length) r.epsInitial = all('epsInitial');
  if (all('epsFinal').length) r.epsFinal = all('epsFinal');
  r.dt = one('dt');
  r.tMax = one('tMax');
  if (kOf) {
    const ks = params.map((p, i) => [numOf(p.N), kOf(p, i)] as const).filter((x) => x[1] !== undefined);
    const distinct = new Set(ks.map((x) => x[1]));
    if (distinct.size === 1 && ks.length === params.length) r.K = String(ks[0][1]);
    else if (ks.length) r.K = ks.map(([N, K]) => `N=${N}:${K}`).join(' ');
  } else if (one('K') !== undefined) r.K = String(one('K'));
  r.rtol = one('rtol');
  const extra: Record<string, string | number | boolean | number[]> = {};
  // model, eta0, eps (a number: the fixed pump of a two-photon sweep) and gInitial: two-photon tasks only (issue 15)
  for (const k of ['model', 'method', 'entropy', 'preset', 'gammaB', 'untilNess', 'eta0', 'eps', 'gInitial'])
    if (p0[k] !== undefined && (typeof p0[k] !== 'object')) extra[k] = p0[k] as string | number | boolean;
  if (all('gFinal').length) extra.g_final = all('gFinal');
  for (const k of ['eps', 'x', 'g']) {
    const xs = p0[k];
    if (Array.isArray(xs) && xs.length) extra[`${k}_range`] = `${xs[0]} … ${xs[xs.length - 1]} (${xs.length} points)`;
  }
  if (Object.keys(extra).length) r.extra = extra;
  return r;
}
