/**
 * The study folder (the result store). Layout:
 *
 *   study.json                 { format, specVersion, appVersion, hash, spec }: written once, never changed
 *   manifest.json              task states, and for every finished file its size and sha256 (`files`)
 *   tasks/<taskId>.csv         one per finished task: `# key: value` metadata lines, header, rows (toCsv)
 *   checkpoints/<taskId>.ckpt  partial results of a running task (binary, sha256-sealed); removed when the task is done
 *   figures/<fig>.csv          long-format table per figure, written when the study completes
 *   .lock                      the owner: pid, host, start time (src-main/io/lockFile.ts)
 *
 * Integrity by content (git's rule): a result is done when its bytes match the size and sha256 the manifest recorded,
 * not when its file exists. A missing, short or altered file is "damaged": status names it, resume recomputes its
 * task, export refuses the study. Commit order: the file (atomic), then its record in the manifest (atomic), then the
 * checkpoint is dropped; so a kill between any two steps leaves either a result with its record or a task that
 * resumes from its checkpoint. A recorded file is replaced only after its record is removed, so that a reader never
 * pairs an old record with new bytes (a reader that sees the manifest change while it checks looks again).
 *
 * One owner at a time: only the process holding `.lock` writes or deletes anything here (run, resume). Readers
 * (status, readTaskTable, export) open the folder read-only: no folder created, no file removed or written.
 *
 * Folders of versions before the hashes (manifest without `files`) open as "unverified": a task CSV counts as done when
 * it is structurally complete (it parses, names its task and the spec hash, has all its rows, all finite); the first
 * resume records their hashes. A flipped digit written before that cannot be detected, and status says so.
 *
 * Nothing here depends on timing or worker count, so the result files (study.json, tasks/, figures/) of a resumed or
 * repaired study are byte-identical to those of an uninterrupted one.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ParameterError } from '../../src-core/validation.js';
import type { TaskState } from '../api/events.js';
import { FileWriteError, hostTag, quotePath, tempFileOwner, writeFileAtomic } from '../io/atomicWrite.js';
import { toCsv } from '../io/csv.js';
import { acquireLock, LockHeldError, lockState, pidLiveness, removeDeadBreakers, type LockHandle, type LockState } from '../io/lockFile.js';
import { VERSION } from '../version.js';
import { expandSpec, parseSpec, specHash, type PlannedTask, type StudySpec } from './spec.js';

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

/** What a finished file must be to count: git's rule, content not existence. */
export interface FileRecord {
  size: number;
  /** hex */
  sha256: string;
}

export const MANIFEST_VERSION = 2;

export interface Manifest {
  format: 'epstudio-manifest';
  /** 2: `files` holds the record of every finished file. Absent: a folder of a version before the hashes. */
  version?: number;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  tasks: Record<string, TaskRecord>;
  /** Relative path ("tasks/<id>.csv", "figures/<fig>.csv") → its record. */
  files?: Record<string, FileRecord>;
}

/** A finished file as found on disk, judged against its record. */
export type FileCheck =
  | { state: 'ok'; bytes: Buffer }
  /** Folder of a version before the hashes: no record; structurally complete, content not verifiable. */
  | { state: 'unverified'; bytes: Buffer }
  /** No record and no file. */
  | { state: 'absent' }
  /** A file without a record (a finish interrupted before its record was written): not a result. */
  | { state: 'unrecorded' }
  | { state: 'damaged'; reason: string };

/** A result that was recorded but whose bytes no longer match: the message names the file and what is wrong. */
export class DamagedFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} is damaged: ${reason}`);
    this.name = 'DamagedFileError';
  }
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
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new Error(`unsafe task id ${JSON.stringify(id.slice(0, 80))}`);
  return id;
};

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
export const recordOf = (b: Uint8Array): FileRecord => ({ size: b.length, sha256: sha256(b) });

function readJson<T>(path: string): { value: T; text: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return { value: JSON.parse(text) as T, text };
  } catch {
    return { value: null as T, text };
  }
}

/** How a file differs from its record, or null when it matches. */
function judge(bytes: Buffer | null, rec: FileRecord, deep: boolean): string | null {
  if (bytes === null) return 'missing';
  if (bytes.length === 0 && rec.size > 0) return `empty (0 bytes; ${rec.size} recorded)`;
  if (bytes.length < rec.size) return `truncated (${bytes.length} of ${rec.size} bytes)`;
  if (bytes.length > rec.size) return `longer than recorded (${bytes.length} bytes; ${rec.size} recorded)`;
  if (deep && sha256(bytes) !== rec.sha256) return 'altered (same size, content differs from its recorded sha256)';
  return null;
}

/**
 * A task CSV of a folder without hashes: complete when it parses, names its task and the spec, has every row of the
 * plan (untilNess quenches: at most the cap) and only finite numbers. null when complete, else why not.
 */
function incompleteBecause(bytes: Buffer, t: PlannedTask, hash: string): string | null {
  if (bytes.length === 0) return 'empty (0 bytes)';
  if (bytes[bytes.length - 1] !== 0x0a) return 'truncated (does not end with a line break)';
  let tab: TaskTable;
  try {
    tab = parseTable(bytes.toString('utf8'));
  } catch {
    return 'unreadable as CSV (truncated or altered)';
  }
  if (tab.meta.task !== t.info.id || tab.meta.spec_hash !== hash) return 'its metadata names another task or spec';
  const n = tab.rows.length;
  if (n === 0 || ((t.quench ?? t.modelQuench)?.untilNess === undefined ? n !== t.total : n > t.total)) return `${n} rows of ${t.total}`;
  if (!tab.rows.every((r) => r.length === tab.columns.length && r.every((v) => Number.isFinite(v)))) return 'a row holds a non-number';
  return null;
}

export interface FolderCheck {
  /** Every finished file looked at (tasks of the plan, recorded or present figures) and its judgement. */
  files: Map<string, FileCheck>;
  /** Recorded files whose bytes do not match (relative path, task id if a task's, what is wrong). */
  damaged: { file: string; task?: string; reason: string }[];
  /** Files counted without a hash (folder of an older version) or without a record (figures of an interrupted run). */
  unverified: string[];
}

export class StudyStore {
  manifest: Manifest;
  /** The manifest's bytes as last read or written (a reader compares them to notice a concurrent writer). */
  private manifestText: string | null;
  private lock: LockHandle | null = null;
  /**
   * A sharded run (`run --shard i/n`, issue 13): this process owns only the tasks it claimed, one lock file each
   * (claims/<id>.lock, same exclusive-create and stale rules as the folder's .lock), and merges its records into the
   * shared manifest under manifest.lock. Null for a folder owner.
   */
  private shard: { label: string; claims: Map<string, LockHandle> } | null = null;
  /** First write that failed: the store then refuses every further write (the run stops; see service). */
  failure: Error | null = null;
  private plannedById: Map<string, PlannedTask> | null = null;

  private constructor(
    readonly dir: string,
    readonly study: StudyFile,
    manifest: Manifest,
    manifestText: string | null,
  ) {
    this.manifest = manifest;
    this.manifestText = manifestText;
  }

  get spec(): StudySpec {
    return this.study.spec;
  }

  /** No record of any file: a folder written by a version before the hashes (or one whose manifest is lost). */
  get legacy(): boolean {
    return this.manifest.files === undefined;
  }

  get owned(): boolean {
    return this.lock !== null;
  }

  private get lockPath(): string {
    return join(this.dir, '.lock');
  }

  /** New study folder, owned by this process. Refuses a folder that already holds a study (use resume) or other files. */
  static create(dir: string, spec: StudySpec): StudyStore {
    const refuse = () => {
      if (existsSync(dir)) {
        if (!statSync(dir).isDirectory()) throw new ParameterError('--out', 'a new or empty folder', dir);
        if (existsSync(join(dir, 'study.json'))) throw new ParameterError('--out', 'a folder without a study (this one has one: use `epstudio resume`)', dir);
        if (readdirSync(dir).some((f) => !f.startsWith('.'))) throw new ParameterError('--out', 'a new or empty folder', dir);
      }
    };
    refuse();
    const study: StudyFile = { format: STUDY_FORMAT, specVersion: spec.version, appVersion: VERSION, hash: specHash(spec), spec };
    const manifest: Manifest = { format: 'epstudio-manifest', version: MANIFEST_VERSION, status: 'running', tasks: {}, files: {} };
    const s = new StudyStore(dir, study, manifest, null);
    mkdirOrThrow(dir);
    s.takeLock('run');
    try {
      refuse(); // another process may have created a study here between the check and the lock
      s.removeDeadTemps();
      // study.json first: killed before it exists, the folder holds at most hidden files, so `run` may start again
      // there; killed after, `resume` works (the manifest is rebuilt from the task files if missing).
      s.write(join(dir, 'study.json'), Buffer.from(JSON.stringify(study, null, 2) + '\n'));
      s.saveManifest();
      mkdirOrThrow(join(dir, 'tasks'));
      mkdirOrThrow(join(dir, 'checkpoints'));
    } catch (e) {
      s.release();
      throw e;
    }
    return s;
  }

  /** Open an existing folder read-only (checks the format and the spec hash). Nothing in the folder is touched. */
  static open(dir: string): StudyStore {
    const path = join(dir, 'study.json');
    if (!existsSync(path)) throw new ParameterError('DIR', 'a study folder (with study.json)', dir);
    const sj = readJson<StudyFile>(path);
    if (!sj || !sj.value || typeof sj.value !== 'object') throw new ParameterError('study.json', 'a valid study file', dir);
    const study = sj.value;
    if (study.format !== STUDY_FORMAT) throw new ParameterError('study.json.format', `"${STUDY_FORMAT}"`, study.format);
    study.spec = parseSpec(study.spec);
    if (specHash(study.spec) !== study.hash) throw new ParameterError('study.json.hash', 'the hash of its spec (the file was edited)', study.hash);
    const s = new StudyStore(dir, study, emptyManifest(), null);
    s.reloadManifest(true);
    return s;
  }

  /**
   * Join a study folder as one shard of a sharded run. The folder must hold this very study (same spec hash) and no
   * unsharded process may be running it. Tasks are then owned one by one through claimTask.
   */
  static joinShard(dir: string, spec: StudySpec, label: string): StudyStore {
    const s = StudyStore.open(dir);
    if (s.study.hash !== specHash(spec))
      throw new ParameterError('--out', `a folder holding this same study (it holds "${s.spec.name.slice(0, 40)}" with spec hash ${s.study.hash.slice(0, 12)}…, not ${specHash(spec).slice(0, 12)}…)`, dir);
    const folder = s.lockState();
    if (folder.state === 'held' && folder.liveness !== 'dead')
      throw new ParameterError('--out', `a study no unsharded process is running (process ${folder.owner.pid} on ${folder.owner.host.slice(0, 64)} holds DIR/.lock for "${folder.owner.purpose ?? '?'}")`, dir);
    mkdirOrThrow(join(dir, 'claims'));
    s.shard = { label, claims: new Map() };
    return s;
  }

  private claimPath(id: string): string {
    return join(this.dir, 'claims', `${safeId(id)}.lock`);
  }

  /**
   * Own one task of a sharded run (exclusive create of claims/<id>.lock). False when another live process holds it
   * (another shard, or this shard run twice); a claim of a dead process is taken over. The manifest is re-read, so a
   * result another process finished meanwhile is seen by the caller's next hasResult.
   */
  claimTask(id: string): boolean {
    if (!this.shard) throw new Error('internal: claimTask outside a sharded run');
    if (this.shard.claims.has(id)) return true;
    try {
      this.shard.claims.set(id, acquireLock(this.claimPath(id), this.shard.label));
    } catch (e) {
      if (e instanceof LockHeldError) return false;
      throw new FileWriteError(this.claimPath(id), (e as NodeJS.ErrnoException).code ?? 'EIO', e);
    }
    this.reloadManifest(true);
    return true;
  }

  releaseTask(id: string): void {
    this.shard?.claims.get(id)?.release();
    this.shard?.claims.delete(id);
  }

  /** Live claims in the folder (for status, and so that an unsharded resume does not run under running shards). */
  liveClaims(): { task: string; pid: number; host: string; started: string; purpose?: string; liveness: 'alive' | 'unknown' }[] {
    let names: string[];
    try {
      names = readdirSync(join(this.dir, 'claims'));
    } catch {
      return [];
    }
    const out: ReturnType<StudyStore['liveClaims']> = [];
    for (const f of names.sort()) {
      const m = /^(.+)\.lock$/.exec(f);
      if (!m) continue;
      const st = lockState(join(this.dir, 'claims', f));
      if (st.state === 'held' && st.liveness !== 'dead')
        out.push({ task: m[1], pid: st.owner.pid, host: st.owner.host, started: st.owner.started, purpose: st.owner.purpose, liveness: st.liveness });
    }
    return out;
  }

  /** Re-read manifest.json (a lost or unreadable one counts as a folder without records: results unverified). */
  private reloadManifest(force = false): boolean {
    const m = readJson<Manifest>(join(this.dir, 'manifest.json'));
    const text = m?.text ?? null;
    if (text === this.manifestText && !force) return false;
    const v = m?.value;
    const ok = v && typeof v === 'object' && v.format === 'epstudio-manifest' && v.tasks && typeof v.tasks === 'object';
    this.manifest = ok ? v : emptyManifest();
    if (ok && v.files !== undefined && (typeof v.files !== 'object' || v.files === null)) this.manifest.files = {};
    this.manifestText = text;
    this.plannedById = null;
    return true;
  }

  // ---------------------------------------------------------------- ownership

  private takeLock(purpose: string): void {
    try {
      this.lock = acquireLock(this.lockPath, purpose);
    } catch (e) {
      if (e instanceof LockHeldError)
        throw new ParameterError(
          'DIR',
          e.owner
            ? `a study no other process is running (process ${e.owner.pid} is running it${e.liveness === 'unknown' ? ` on host ${JSON.stringify(e.owner.host.slice(0, 64))}` : ''}${e.owner.started ? ` since ${e.owner.started}` : ''}${e.liveness === 'unknown' ? '; another host cannot be checked from here: if that process is gone, delete DIR/.lock' : ''}; wait or stop it first)`
            : 'a study folder whose .lock file is readable (it is not: if no process runs this study, delete DIR/.lock)',
          this.dir,
        );
      throw new FileWriteError(this.lockPath, (e as NodeJS.ErrnoException).code ?? 'EIO', e);
    }
  }

  /**
   * Become the folder's one owner (resume): take the lock, then tidy what dead owners left (their temporary files
   * and breaker files; never a live process's), and record the hashes of an older version's complete results.
   * Throws ParameterError('DIR', …) naming the owner while another live process holds it.
   */
  claim(purpose = 'resume'): void {
    if (this.lock) return;
    this.takeLock(purpose);
    try {
      const busy = purpose === 'finalize' ? [] : this.liveClaims();
      if (busy.length > 0)
        throw new ParameterError('DIR', `a study no shard is running (${busy[0].purpose ?? 'a shard'}, process ${busy[0].pid} on ${busy[0].host.slice(0, 64)}, holds task ${busy[0].task}${busy.length > 1 ? ` and ${busy.length - 1} more` : ''}; wait for the shards or stop them first)`, this.dir);
      this.reloadManifest(true); // the previous owner may have written since open() read it
      removeDeadBreakers(this.lockPath);
      this.removeDeadTemps();
      mkdirOrThrow(join(this.dir, 'tasks'));
      mkdirOrThrow(join(this.dir, 'checkpoints'));
      if (this.legacy) this.adoptLegacy();
    } catch (e) {
      this.release();
      throw e;
    }
  }

  release(): void {
    this.lock?.release();
    this.lock = null;
    if (this.shard) for (const id of [...this.shard.claims.keys()]) this.releaseTask(id);
  }

  /** Who holds the folder (for status): free, held by a live/dead/unknown process, or an unreadable lock file. */
  lockState(): LockState {
    return lockState(this.lockPath);
  }

  /** Temporary files of dead writers on this host (a kill -9 mid-write); a live process's are never touched. */
  private removeDeadTemps(): void {
    for (const sub of ['', 'tasks', 'checkpoints', 'figures']) {
      const d = join(this.dir, sub);
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        continue;
      }
      for (const f of names) {
        const o = tempFileOwner(f);
        if (!o || o.hostTag !== hostTag() || o.pid === process.pid || pidLiveness(o.pid) !== 'dead') continue;
        try {
          unlinkSync(join(d, f));
        } catch {
          /* gone meanwhile */
        }
      }
    }
  }

  /** Folder of an older version: record the hashes of its structurally complete results (the rest is recomputed). */
  private adoptLegacy(): void {
    const files: Record<string, FileRecord> = {};
    for (const id of this.planned().keys()) {
      const c = this.checkResult(id);
      if (c.state === 'unverified') files[this.relTask(id)] = recordOf(c.bytes);
    }
    this.manifest.files = files;
    this.manifest.version = MANIFEST_VERSION;
    this.saveManifest();
  }

  private ensureOwned(): void {
    if (!this.lock && !(this.shard && this.shard.claims.size > 0)) throw new Error(`internal: a write to the study folder ${quotePath(this.dir)} without owning it`);
  }

  /** Every write of the store: owner only, atomic, and after a failed write none more (the disk may be full). */
  private write(path: string, bytes: Uint8Array): void {
    this.ensureOwned();
    if (this.failure) throw this.failure;
    try {
      writeFileAtomic(path, bytes);
    } catch (e) {
      this.failure = e as Error;
      throw e;
    }
  }

  saveManifest(): void {
    if (this.shard && !this.lock) return this.mergeManifest();
    if (this.manifest.files !== undefined) this.manifest.version = MANIFEST_VERSION;
    const text = JSON.stringify(this.manifest, null, 2) + '\n';
    this.write(join(this.dir, 'manifest.json'), Buffer.from(text));
    this.manifestText = text;
  }

  /**
   * A shard's manifest write: under manifest.lock, re-read the shared manifest and overlay only the records of the
   * tasks this shard has claimed (task state and result record), so that concurrent shards never undo each other.
   */
  private mergeManifest(): void {
    const shard = this.shard!;
    const lockPath = join(this.dir, 'manifest.lock');
    let held: LockHandle | null = null;
    for (let waited = 0; !held; waited += 10) {
      try {
        held = acquireLock(lockPath, `manifest update (${shard.label})`);
      } catch (e) {
        if (!(e instanceof LockHeldError) || waited > 60_000) throw new FileWriteError(lockPath, (e as NodeJS.ErrnoException).code ?? 'EBUSY', e);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // another shard is writing: a few ms
      }
    }
    try {
      const mine = this.manifest;
      this.reloadManifest(true);
      const merged = this.manifest;
      merged.files ??= {};
      for (const id of shard.claims.keys()) {
        if (mine.tasks[id]) merged.tasks[id] = mine.tasks[id];
        const rel = this.relTask(id);
        const rec = mine.files?.[rel];
        if (rec) merged.files[rel] = rec;
        else delete merged.files[rel];
      }
      merged.version = MANIFEST_VERSION;
      const text = JSON.stringify(merged, null, 2) + '\n';
      this.write(join(this.dir, 'manifest.json'), Buffer.from(text));
      this.manifestText = text;
    } finally {
      held.release();
    }
  }

  setTask(id: string, rec: TaskRecord, save = true): void {
    this.manifest.tasks[id] = rec;
    if (save) this.saveManifest();
  }

  // ---------------------------------------------------------------- finished files

  planned(): Map<string, PlannedTask> {
    return (this.plannedById ??= new Map(expandSpec(this.spec).map((t) => [t.info.id, t])));
  }

  relTask(id: string): string {
    return `tasks/${safeId(id)}.csv`;
  }

  taskPath(id: string): string {
    return join(this.dir, this.relTask(id));
  }

  private readBytes(rel: string): Buffer | null | { error: string } {
    const p = join(this.dir, rel);
    try {
      if (!lstatSync(p).isFile()) return { error: 'not a regular file' };
      return readFileSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? null : { error: `unreadable (${code ?? 'error'})` };
    }
  }

  /**
   * A finished file judged against its record. `deep` = false compares sizes only (listing many folders).
   * A reader (not the owner) that finds a mismatch re-reads the manifest: if it changed meanwhile, a writer was at
   * work and the check is repeated; only a mismatch against an unchanged manifest is reported as damage.
   */
  checkFile(rel: string, deep = true): FileCheck {
    for (let attempt = 0; ; attempt++) {
      const c = this.checkOnce(rel, deep);
      if (c.state !== 'damaged' || this.owned || attempt >= 5 || !this.reloadManifest()) return c;
    }
  }

  private checkOnce(rel: string, deep: boolean): FileCheck {
    const rec = this.manifest.files?.[rel];
    const got = this.readBytes(rel);
    if (got !== null && !Buffer.isBuffer(got)) return rec || this.legacy ? { state: 'damaged', reason: got.error } : { state: 'unrecorded' };
    if (rec) {
      const why = judge(got, rec, deep);
      return why ? { state: 'damaged', reason: why } : { state: 'ok', bytes: got! };
    }
    if (got === null) return { state: 'absent' };
    if (!this.legacy) return { state: 'unrecorded' };
    // no hashes in this folder: structure is all that can be checked
    const task = /^tasks\/(.+)\.csv$/.exec(rel)?.[1];
    const t = task !== undefined ? this.planned().get(task) : undefined;
    if (t) {
      const why = incompleteBecause(got, t, this.study.hash);
      return why ? { state: 'damaged', reason: why } : { state: 'unverified', bytes: got };
    }
    try {
      parseTable(got.toString('utf8'));
      return got.length > 0 && got[got.length - 1] === 0x0a ? { state: 'unverified', bytes: got } : { state: 'damaged', reason: 'truncated' };
    } catch {
      return { state: 'damaged', reason: 'unreadable as CSV' };
    }
  }

  checkResult(id: string, deep = true): FileCheck {
    return this.checkFile(this.relTask(id), deep);
  }

  /** The task's result is there and intact (or, in a folder without hashes, structurally complete). */
  hasResult(id: string): boolean {
    const c = this.checkResult(id);
    return c.state === 'ok' || c.state === 'unverified';
  }

  /** A finished task's table, from bytes that match its record; DamagedFileError otherwise. */
  readResult(id: string): TaskTable {
    const c = this.checkResult(id);
    if (c.state === 'ok' || c.state === 'unverified') return parseTable(c.bytes.toString('utf8'));
    throw new DamagedFileError(this.relTask(id), c.state === 'damaged' ? c.reason : 'not finished');
  }

  /** Every recorded or present finished file of the study, judged (status, export). */
  checkAll(deep = true): FolderCheck {
    const out: FolderCheck = { files: new Map(), damaged: [], unverified: [] };
    const seen = new Set<string>();
    const look = (rel: string, task?: string) => {
      if (seen.has(rel)) return;
      seen.add(rel);
      const c = this.checkFile(rel, deep);
      out.files.set(rel, c);
      if (c.state === 'damaged') out.damaged.push({ file: rel, ...(task ? { task } : {}), reason: c.reason });
      else if (c.state === 'unverified' || (c.state === 'unrecorded' && !task)) out.unverified.push(rel);
    };
    for (const id of this.planned().keys()) look(this.relTask(id), id);
    for (const rel of Object.keys(this.manifest.files ?? {}).sort()) if (rel.startsWith('figures/')) look(rel);
    let figs: string[] = [];
    try {
      figs = readdirSync(join(this.dir, 'figures')).filter((f) => f.endsWith('.csv') && !f.startsWith('.'));
    } catch {
      /* no figures yet */
    }
    for (const f of figs.sort()) look(`figures/${f}`);
    return out;
  }

  /**
   * Commit a finished file: its bytes (atomic), then its record (atomic). A file that already has a different
   * record loses it first, so that no reader pairs the old record with the new bytes.
   */
  private commitFile(rel: string, bytes: Buffer): void {
    this.ensureOwned();
    const rec = recordOf(bytes);
    const files = (this.manifest.files ??= {});
    const old = files[rel];
    if (old && old.sha256 === rec.sha256 && old.size === rec.size) {
      if (this.checkFile(rel).state !== 'ok') this.write(join(this.dir, rel), bytes); // repair: the same bytes again
      return;
    }
    if (old) {
      delete files[rel];
      this.saveManifest();
    }
    this.write(join(this.dir, rel), bytes);
    files[rel] = rec;
    this.saveManifest();
  }

  writeResult(id: string, meta: Record<string, string | number | boolean>, columns: readonly string[], rows: ArrayLike<number>[]): void {
    this.commitFile(this.relTask(id), Buffer.from(toCsv({ meta, columns: [...columns], rows: rows.map((r) => Array.from(r)) })));
  }

  writeFigure(name: string, meta: Record<string, string | number | boolean>, columns: string[], rows: (number | string)[][]): void {
    this.commitFile(`figures/${safeId(name)}.csv`, Buffer.from(toCsv({ meta, columns, rows })));
  }

  // ---------------------------------------------------------------- checkpoints

  private ckptPath(id: string): string {
    return join(this.dir, 'checkpoints', `${safeId(id)}.ckpt`);
  }

  writeCheckpoint(id: string, c: Checkpoint): void {
    this.write(this.ckptPath(id), encodeCheckpoint(c));
  }

  /** Partial rows of a task (null when absent or not intact: its own sha256 seals it). Read-only. */
  readCheckpoint(id: string): Checkpoint | null {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.ckptPath(id));
    } catch {
      return null;
    }
    return decodeCheckpoint(bytes);
  }

  removeCheckpoint(id: string): void {
    this.ensureOwned();
    rmSync(this.ckptPath(id), { force: true });
  }
}

function emptyManifest(): Manifest {
  return { format: 'epstudio-manifest', status: 'running', tasks: {} };
}

function mkdirOrThrow(d: string): void {
  try {
    mkdirSync(d, { recursive: true });
  } catch (e) {
    throw new FileWriteError(d, (e as NodeJS.ErrnoException).code ?? 'EIO', e);
  }
}
