/**
 * What made a figure, carried inside every exported file (SVG <metadata>, PDF info dictionary, PNG tEXt chunks):
 * app version, model parameters, N list, ε_i, ε_f, Δt, K, rtol, grid, study id and spec hash. Deterministic (no
 * clock), so the same study gives the same provenance.
 */
import { QUENCH_LIMITS } from '../../src-core/kerr/quench.js';
import { VERSION } from '../version.js';
import type { LoadedTask, StudyData } from './studyData.js';
import { fmtNum } from './style.js';

export interface Provenance {
  app: string;
  app_version: string;
  /** Version of the app that computed the study (may differ from the exporting one). */
  study_app_version: string;
  study_id: string;
  study_name: string;
  spec_hash: string;
  figure: string;
  title: string;
  model: Record<string, number | string>;
  N: number[];
  eps_i: number[];
  eps_f: number[];
  dt: number[];
  t_max: number[];
  /** Fock levels per task, "task-id: K". */
  K: string[];
  rtol: string;
  grid: string;
  tasks_done: number;
  tasks_planned: number;
  tasks: string[];
  units: string;
  references: string[];
}

const uniq = (xs: number[]) => [...new Set(xs.filter((x) => Number.isFinite(x)))].sort((a, b) => a - b);
const metaNum = (t: LoadedTask, k: string) => (t.table.meta[k] === undefined ? NaN : Number(t.table.meta[k]));

export function provenanceOf(data: StudyData, figure: string, title: string, tasks: LoadedTask[], planned: number, units: string, references: string[]): Provenance {
  const quench = tasks.filter((t) => t.planned.info.kind === 'quench');
  const gauss = tasks.filter((t) => t.planned.info.kind === 'gaussian-sweep');
  const model: Record<string, number | string> = gauss.length
    ? Object.fromEntries(gauss.flatMap((t) => Object.entries(t.table.meta).filter(([k]) => !['study', 'task', 'kind', 'label', 'app_version', 'spec_hash'].includes(k)).map(([k, v]) => [`${t.planned.info.id}.${k}`, v])))
    : { ...(data.model.kind && { kind: data.model.kind }), kappa: data.model.kappa, delta: data.model.delta, u: data.model.u, ...(data.model.kind && { eta0: data.model.eta0 ?? 0 }) };
  const rtols = uniq(quench.map((t) => metaNum(t, 'rtol')));
  const grids = [...new Set(quench.map((t) => t.table.meta.grid).filter((g): g is string => typeof g === 'string'))];
  const Ks = tasks.filter((t) => t.table.meta.K !== undefined || t.table.meta.nmax !== undefined).map((t) => `${t.planned.info.id}: ${t.table.meta.K ?? t.table.meta.nmax}`);
  return {
    app: 'EP Studio',
    app_version: VERSION,
    study_app_version: data.study.appVersion,
    study_id: data.studyId,
    study_name: data.spec.name,
    spec_hash: data.study.hash,
    figure,
    title,
    model,
    N: uniq(tasks.map((t) => Number(t.planned.info.params.N))),
    eps_i: uniq(quench.map((t) => Number(t.planned.info.params.epsInitial))),
    eps_f: uniq(quench.map((t) => Number(t.planned.info.params.epsFinal))),
    dt: uniq(quench.map((t) => Number(t.planned.info.params.dt))),
    t_max: uniq(quench.map((t) => Number(t.planned.info.params.tMax))),
    K: Ks,
    rtol: quench.length === 0 ? 'n/a' : rtols.length ? rtols.map(fmtNum).join(', ') : `${fmtNum(1e-10)} (engine default; allowed ${QUENCH_LIMITS.rtol.min}–${QUENCH_LIMITS.rtol.max})`,
    grid: quench.length === 0 ? 'n/a' : grids.length ? grids.join('; ') : 'polar Gauss–Legendre (radial) × FFT (angles), chosen per state from its mean and spread (PHYSICS.md)',
    tasks_done: tasks.length,
    tasks_planned: planned,
    tasks: tasks.map((t) => t.planned.info.id),
    units,
    references,
  };
}

/** One line per field, "key: value" (SVG <desc>, PDF Subject). */
export function provenanceLines(p: Provenance): string[] {
  const v = (x: unknown) => (Array.isArray(x) ? x.join(', ') : typeof x === 'object' && x !== null ? Object.entries(x).map(([k, y]) => `${k}=${y}`).join(', ') : String(x));
  return Object.entries(p).map(([k, x]) => `${k}: ${v(x)}`);
}

/** JSON with every non-ASCII character escaped (PNG tEXt is Latin-1; PDF strings stay plain). */
export function asciiJson(x: unknown): string {
  return JSON.stringify(x).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}
