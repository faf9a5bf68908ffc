/**
 * Read a study folder for the figure engine, without writing anything (a figure export may run beside a live study):
 * study.json (format, spec, content hash) and the finished task CSVs, verified against the size and sha256 the
 * manifest recorded (StudyStore, read-only). Unfinished tasks are simply absent from the figures, and the provenance
 * says how many were done; a damaged result stops the export with the file named (DamagedFileError).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ParameterError } from '../../src-core/validation.js';
import { PAPER } from '../../src-core/kerr/model.js';
import { expandSpec, parseSpec, specHash, type PlannedTask, type StudySpec } from '../studies/spec.js';
import { DamagedFileError, parseTable, StudyStore, STUDY_FORMAT, type StudyFile, type TaskTable } from '../studies/store.js';

export interface LoadedTask {
  planned: PlannedTask;
  table: TaskTable;
  /** Column name → index. */
  col: Record<string, number>;
}

export interface StudyData {
  dir: string;
  /** As the studies service names it: folder name and the first 8 hex digits of the spec hash. */
  studyId: string;
  study: StudyFile;
  spec: StudySpec;
  /** The model's parameters (kind and eta0 only for a two-photon-driven Kerr study). */
  model: { kappa: number; delta: number; u: number; kind?: 'two-photon-kerr'; eta0?: number };
  planned: PlannedTask[];
  /** Finished tasks, in spec order. */
  done: LoadedTask[];
}

export function loadStudy(dir: string): StudyData {
  const path = join(dir, 'study.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ParameterError('STUDY', 'a study folder (made by `epstudio run`)', dir);
  if (!existsSync(path)) throw new ParameterError('STUDY', 'a study folder (with study.json)', dir);
  let study: StudyFile;
  try {
    study = JSON.parse(readFileSync(path, 'utf8')) as StudyFile;
  } catch {
    throw new ParameterError('study.json', 'a valid study file (JSON)', dir);
  }
  if (!study || study.format !== STUDY_FORMAT) throw new ParameterError('study.json.format', `"${STUDY_FORMAT}"`, study?.format);
  const spec = parseSpec(study.spec);
  if (specHash(spec) !== study.hash) throw new ParameterError('study.json.hash', 'the hash of its spec (the file was edited)', study.hash);
  const planned = expandSpec(spec);
  const done: LoadedTask[] = [];
  // Integrity by content: a task is done when its bytes match their record, not when its CSV exists.
  const store = StudyStore.open(dir);
  const check = store.checkAll();
  if (check.damaged.length) {
    const [d, ...more] = check.damaged;
    throw new DamagedFileError(d.file, `${d.reason}${more.length ? ` (and ${more.length} more damaged file(s))` : ''}; \`epstudio resume\` recomputes it`);
  }
  for (const t of planned) {
    const c = check.files.get(store.relTask(t.info.id));
    if (!c || (c.state !== 'ok' && c.state !== 'unverified')) continue;
    const table = parseTable(c.bytes.toString('utf8'));
    const col: Record<string, number> = {};
    table.columns.forEach((c, i) => (col[c] = i));
    done.push({ planned: t, table, col });
  }
  return {
    dir,
    studyId: `${basename(resolve(dir))}-${study.hash.slice(0, 8)}`,
    study,
    spec,
    model: {
      kappa: spec.model?.kappa ?? PAPER.kappa,
      delta: spec.model?.delta ?? PAPER.delta,
      u: spec.model?.u ?? PAPER.u,
      ...(spec.model?.kind === 'two-photon-kerr' && { kind: spec.model.kind, eta0: spec.model.eta0 ?? 0 }),
    },
    planned,
    done,
  };
}

/** The values of one column of a task, as numbers. */
export function column(t: LoadedTask, name: string): number[] {
  const j = t.col[name];
  if (j === undefined) return [];
  return t.table.rows.map((r) => r[j]);
}
