/**
 * The provenance record of data taken from a study folder. Apart from provenance.ts because it parses the spec (zod):
 * a single-shot command (`quench`) writes provenance too and must not load the spec schema (cold start, issue 12).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterError } from '../../src-core/validation.js';
import { expandSpec, parseSpec, specHash } from '../studies/spec.js';
import { VERSION } from '../version.js';
import { fromTaskParams, nowIso, numOf, type Provenance } from './provenance.js';

/**
 * The record of data taken from study tasks, read from the study folder itself (study.json, checked against its hash,
 * and the finished task CSVs' `K` and `grid` lines), never from what a window claims. Reads only: safe on a folder
 * another process is running.
 */
export function studyProvenance(dir: string, taskIds: readonly string[] | undefined, command: string): Provenance {
  let file: { appVersion: string; hash: string; spec: unknown };
  try {
    file = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
  } catch {
    throw new ParameterError('study', 'a study folder (with a readable study.json)', dir);
  }
  const spec = parseSpec(file.spec);
  if (specHash(spec) !== file.hash) throw new ParameterError('study.json.hash', 'the hash of its spec (the file was edited)', file.hash);
  const r: Provenance = { command, appVersion: VERSION, date: nowIso(), study: { name: spec.name, specHash: file.hash, dir, appVersion: file.appVersion } };
  if (!taskIds || taskIds.length === 0) return r;
  const planned = new Map(expandSpec(spec).map((t) => [t.info.id, t]));
  const tasks = taskIds.map((id) => {
    const t = planned.get(id);
    if (!t) throw new ParameterError('tasks', 'ids of tasks of this study', id);
    return t;
  });
  const metas = tasks.map((t) => taskCsvMeta(dir, t.info.id));
  // An adaptive-basis quench (issue 12) writes K: adaptive and the sizes it used: report its largest K.
  const kOfMeta = (m: Record<string, string>) => Number(m.K === 'adaptive' ? m.K_largest : m.K);
  Object.assign(r, fromTaskParams(tasks.map((t) => t.info.params), (p, i) => numOf(p.K) ?? numOf(kOfMeta(metas[i]))));
  // Tasks whose grid rules differ (their angle caps follow each task's K) are listed all, as figure tables do.
  const grids = [...new Set(metas.map((m) => m.grid).filter((g): g is string => !!g))];
  if (grids.length) r.grid = grids.join('; ');
  if (r.rtol === undefined) {
    const rtols = [...new Set(metas.map((m) => m.rtol).filter((v): v is string => !!v))];
    if (rtols.length === 1) r.rtol = Number(rtols[0]);
  }
  return r;
}

/** The `# key: value` lines of a finished task's CSV ({} while the task is not finished). */
function taskCsvMeta(dir: string, id: string): Record<string, string> {
  const meta: Record<string, string> = {};
  const path = join(dir, 'tasks', `${id}.csv`);
  if (!existsSync(path)) return meta;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('#')) break;
    const m = /^# ([^:]+): ?(.*)$/.exec(line);
    if (m) meta[m[1]] = m[2];
  }
  return meta;
}
