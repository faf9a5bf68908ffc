/**
 * The study folder (the result store). Layout:
 *
 *   study.json                 { format, specVersion, appVersion, hash, spec }: written once, never changed
 *   manifest.json              task states (pending/running/done/failed/cancelled), rows, errors, timings
 *   tasks/<taskId>.csv         one per finished task: `# key: value` metadata lines, header, rows (toCsv)
 *   checkpoints/<taskId>.ckpt  partial results of a running task (binary, see below); removed when the task is done
 *   figures/<fig>.csv          long-format table per figure, written when the study completes
 *
 * Every write goes through writeFileAtomic (temporary file, fsync, rename), so after a kill -9 each file is either
 * its old or its new version. A task's CSV is the truth about "done": it is written in one atomic step, so if it
 * exists the task is finished, whatever the manifest says. Nothing here depends on timing or worker count, so the
 * result files (study.json, tasks/, figures/) of a resumed study are byte-identical to those of an uninterrupted one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ParameterError } from '../../src-core/validation.js';
import type { TaskState } from '../api/events.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { toCsv } from '../io/csv.js';
import { VERSION } from '../version.js';
import { parseSpec, specHash, type StudySpec } from './spec.js';

export const STUDY_FORMAT = 'epstudio-study';

export interface StudyFile {
  format: typeof STUDY_FORMAT;
  specVersion: number;
  appVersion: string;
  /** sha256 of the canonical JSON of the spec. */
  hash: string;
  spec: StudySpec;
}

export interface TaskRecord {
  state: TaskState;
  /** Rows finished (in the CSV when done, in the checkpoint otherwise). */
  rows: number;
  error?: string;
  /** Wall time of the last session that worked on it (s); informational, not a result. */
  seconds?: number;
  /** Worker time spent on its jobs in that session (s). */
  computeSeconds?: number;
}

export interface Manifest {
  format: 'epstudio-manifest';
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  tasks: Record<string, TaskRecord>;
}

/** Partial results of a task. Quench: rows 0…s and ρ at sample s. Sweep: the rows done (mask) so far. */
export interface Checkpoint {
  kind: 'quench' | 'sweep';
  nRows: number;
  nCols: number;
  /** 1 where the row is final. */
  mask: Uint8Array;
  rows: Float64Array;
  /** Quench only: Fock dimension and ρ at the last row (re, im, row-major K×K). */
  K: number;
  re?: Float64Array;
  im?: Float64Array;
}

const MAGIC = 0x4b435045; // 'EPCK' little-endian
const HEADER = 32;
const DIGEST = 32;

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const maskBytes = Math.ceil(c.nRows / 8) * 8;
  const KK = c.kind === 'quench' ? c.K * c.K : 0;
  const body = HEADER + maskBytes + 8 * c.nRows * c.nCols + 16 * KK;
  const buf = new Uint8Array(body + DIGEST);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, c.kind === 'quench' ? 0 : 1, true);
  dv.setUint32(12, c.nRows, true);
  dv.setUint32(16, c.nCols, true);
  dv.setUint32(20, c.kind === 'quench' ? c.K : 0, true);
  buf.set(c.mask.subarray(0, c.nRows), HEADER);
  let off = HEADER + maskBytes;
  new Float64Array(buf.buffer, off, c.nRows * c.nCols).set(c.rows.subarray(0, c.nRows * c.nCols));
  off += 8 * c.nRows * c.nCols;
  if (KK) {
    new Float64Array(buf.buffer, off, KK).set(c.re!);
    new Float64Array(buf.buffer, off + 8 * KK, KK).set(c.im!);
  }
  buf.set(createHash('sha256').update(buf.subarray(0, body)).digest(), body);
  return buf;
}

/** Decode a checkpoint; null if it is not a complete, intact one (then the task restarts from scratch). */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint | null {
  if (bytes.length < HEADER + DIGEST) return null;
  const buf = new Uint8Array(bytes.length);
  buf.set(bytes); // aligned copy
  const dv = new DataView(buf.buffer);
  if (dv.getUint32(0, true) !== MAGIC || dv.getUint32(4, true) !== 1) return null;
  const body = buf.length - DIGEST;
  const digest = createHash('sha256').update(buf.subarray(0, body)).digest();
  if (!digest.equals(Buffer.from(buf.buffer, body, DIGEST))) return null;
  const kind = dv.getUint32(8, true) === 0 ? 'quench' : 'sweep';
  const nRows = dv.getUint32(12, true), nCols = dv.getUint32(16, true), K = dv.getUint32(20, true);
  const maskBytes = Math.ceil(nRows / 8) * 8;
  const KK = kind === 'quench' ? K * K : 0;
  if (HEADER + maskBytes + 8 * nRows * nCols + 16 * KK !== body) return null;
  let off = HEADER + maskBytes;
  const c: Checkpoint = {
    kind,
    nRows,
    nCols,
    K,
    mask: buf.slice(HEADER, HEADER + nRows),
    rows: new Float64Array(buf.buffer.slice(off, off + 8 * nRows * nCols)),
  };
  off += 8 * nRows * nCols;
  if (KK) {
    c.re = new Float64Array(buf.buffer.slice(off, off + 8 * KK));
    c.im = new Float64Array(buf.buffer.slice(off + 8 * KK, off + 16 * KK));
  }
  return c;
}

export interface TaskTable {
  meta: Record<string, string>;
  columns: string[];
  rows: number[][];
}

/** Parse a CSV written by toCsv (numbers round-trip exactly: toCsv writes the shortest exact form). */
export function parseTable(text: string): TaskTable {
  const meta: Record<string, string> = {};
  const lines = text.split('\n');
  let i = 0;
  for (; i < lines.length && lines[i].startsWith('#'); i++) {
    const m = /^# ([^:]+): ?(.*)$/.exec(lines[i]);
    if (m) meta[m[1]] = m[2];
  }
  const records = parse(lines.slice(i).join('\n'), { skip_empty_lines: true }) as string[][];
  const [columns, ...body] = records;
  const num = (s: string) => (s === 'NaN' ? NaN : s === 'Inf' ? Infinity : s === '-Inf' ? -Infinity : s === '' ? NaN : Number(s));
  return { meta, columns: columns ?? [], rows: body.map((r) => r.map(num)) };
}

const safeId = (id: string) => {
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new Error(`unsafe task id ${id}`);
  return id;
};

export class StudyStore {
  manifest: Manifest;

  private constructor(readonly dir: string, readonly study: StudyFile, manifest: Manifest) {
    this.manifest = manifest;
  }

  get spec(): StudySpec {
    return this.study.spec;
  }

  /** New study folder. Refuses a folder that already holds a study (use resume) or other files. */
  static create(dir: string, spec: StudySpec): StudyStore {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new ParameterError('--out', 'a new or empty folder', dir);
      if (existsSync(join(dir, 'study.json'))) throw new ParameterError('--out', 'a folder without a study (this one has one: use `epstudio resume`)', dir);
      if (readdirSync(dir).some((f) => !f.startsWith('.'))) throw new ParameterError('--out', 'a new or empty folder', dir);
    }
    const study: StudyFile = { format: STUDY_FORMAT, specVersion: spec.version, appVersion: VERSION, hash: specHash(spec), spec };
    const manifest: Manifest = { format: 'epstudio-manifest', status: 'running', tasks: {} };
    const s = new StudyStore(dir, study, manifest);
    // study.json first: killed before it exists, the folder holds at most a hidden temporary file, so `run` may start
    // again there; killed after, `resume` works (the manifest is rebuilt from the task files if missing).
    writeFileAtomic(join(dir, 'study.json'), JSON.stringify(study, null, 2) + '\n');
    s.saveManifest();
    mkdirSync(join(dir, 'tasks'), { recursive: true });
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    return s;
  }

  /** Open an existing folder; checks the format and the content hash; removes temporary files of a killed run. */
  static open(dir: string): StudyStore {
    const path = join(dir, 'study.json');
    if (!existsSync(path)) throw new ParameterError('DIR', 'a study folder (with study.json)', dir);
    let study: StudyFile;
    try {
      study = JSON.parse(readFileSync(path, 'utf8')) as StudyFile;
    } catch {
      throw new ParameterError('study.json', 'a valid study file', dir);
    }
    if (study.format !== STUDY_FORMAT) throw new ParameterError('study.json.format', `"${STUDY_FORMAT}"`, study.format);
    study.spec = parseSpec(study.spec);
    if (specHash(study.spec) !== study.hash) throw new ParameterError('study.json.hash', 'the hash of its spec (the file was edited)', study.hash);
    let manifest: Manifest = { format: 'epstudio-manifest', status: 'running', tasks: {} };
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      /* rebuilt from the task files below */
    }
    mkdirSync(join(dir, 'tasks'), { recursive: true });
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    for (const sub of ['', 'tasks', 'checkpoints', 'figures']) {
      const d = join(dir, sub);
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d)) if (f.startsWith('.') && f.endsWith('.tmp')) rmSync(join(d, f), { force: true });
    }
    return new StudyStore(dir, study, manifest);
  }

  /**
   * The process running this study, if it is alive: `.lock` holds its pid (a hidden file, not a result). A lock left
   * by a killed process names a dead pid and is ignored.
   */
  runningPid(): number | null {
    let pid: number;
    try {
      pid = Number(JSON.parse(readFileSync(join(this.dir, '.lock'), 'utf8')).pid);
    } catch {
      return null;
    }
    if (!Number.isInteger(pid) || pid <= 0) return null;
    try {
      process.kill(pid, 0);
      return pid;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
    }
  }

  /** Claim the folder for this process; refuses while another live process runs it. */
  lock(): void {
    const other = this.runningPid();
    if (other !== null && other !== process.pid)
      throw new ParameterError('DIR', `a study no other process is running (process ${other} is running it; wait or stop it first)`, this.dir);
    writeFileSync(join(this.dir, '.lock'), JSON.stringify({ pid: process.pid }));
  }

  unlock(): void {
    if (this.runningPid() === process.pid) rmSync(join(this.dir, '.lock'), { force: true });
  }

  saveManifest(): void {
    writeFileAtomic(join(this.dir, 'manifest.json'), JSON.stringify(this.manifest, null, 2) + '\n');
  }

  setTask(id: string, rec: TaskRecord, save = true): void {
    this.manifest.tasks[id] = rec;
    if (save) this.saveManifest();
  }

  taskPath(id: string): string {
    return join(this.dir, 'tasks', `${safeId(id)}.csv`);
  }

  hasResult(id: string): boolean {
    return existsSync(this.taskPath(id));
  }

  writeResult(id: string, meta: Record<string, string | number | boolean>, columns: readonly string[], rows: ArrayLike<number>[]): void {
    writeFileAtomic(this.taskPath(id), toCsv({ meta, columns: [...columns], rows: rows.map((r) => Array.from(r)) }));
  }

  readResult(id: string): TaskTable {
    return parseTable(readFileSync(this.taskPath(id), 'utf8'));
  }

  private ckptPath(id: string): string {
    return join(this.dir, 'checkpoints', `${safeId(id)}.ckpt`);
  }

  writeCheckpoint(id: string, c: Checkpoint): void {
    writeFileAtomic(this.ckptPath(id), encodeCheckpoint(c));
  }

  readCheckpoint(id: string): Checkpoint | null {
    const p = this.ckptPath(id);
    if (!existsSync(p)) return null;
    return decodeCheckpoint(readFileSync(p));
  }

  removeCheckpoint(id: string): void {
    rmSync(this.ckptPath(id), { force: true });
  }

  writeFigure(name: string, meta: Record<string, string | number | boolean>, columns: string[], rows: (number | string)[][]): void {
    writeFileAtomic(join(this.dir, 'figures', `${safeId(name)}.csv`), toCsv({ meta, columns, rows }));
  }
}
