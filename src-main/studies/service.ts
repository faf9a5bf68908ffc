/**
 * The study service: the one entry point the CLI and the desktop (Electron main, browser host) use. Plain Node,
 * no Electron imports. Everything it reports goes through the StudyEvent stream (src-main/api/events.ts).
 *
 *   listPresets(): { name, summary }[]
 *   loadSpec(specOrPreset): StudySpec             preset name, path to a JSON file, or a spec object (validated)
 *   run(specOrPreset, outDir, { workers?, checkpointSeconds? }, onEvent?): StudyHandle
 *   resume(dir, { workers? }, onEvent?): StudyHandle          finishes a killed or cancelled study
 *   status(dir): StudyStatus                                 states of every task, read from the folder (read-only):
 *                                                            'running' (a live process owns it), 'interrupted'
 *                                                            (killed), 'damaged' (a finished file no longer matches its
 *                                                            recorded size and sha256: named in `damaged`)
 *   readTaskTable(dir, taskId): { columns, rows, meta, complete }   a finished task's CSV, or the checkpoint so far
 *   listStudies(rootDir): StudyStatus[]                      the study folders directly inside rootDir (sizes only)
 *   checkExportable(dir): { unverified }                     throws StudyDamagedError naming every damaged file
 *   run(…, { shard: {index, count} }) / finalize(dir)        a sharded run (issue 13, src-main/studies/shard.ts):
 *                                                            each shard claims its tasks one by one; the last shard
 *                                                            to finish (or finalize) writes the figure tables
 *
 * StudyHandle = { studyId, dir, tasks: TaskInfo[], repairs, done: Promise<StudySummary>, cancel() }.
 * `run` and `resume` throw ParameterError synchronously for a bad spec or folder (nothing is written then);
 * afterwards failures are values: a task that throws in a worker ends as 'failed' with its error, the others go on.
 * A failed write (disk full, I/O error) is not a task's failure: the run stops, `done` rejects with a
 * StudyStorageError naming the file, and the folder stays as it was after its last complete write (resumable, also
 * from a copy on another disk).
 * One owner per folder (`.lock`, src-main/io/lockFile.ts; an in-process set for the desktop): a second run or resume
 * throws ParameterError('DIR', …) naming the owner until the first ends or its process dies. Readers never write.
 * `cancel()` stops at the next sample: finished tasks keep their CSV, running ones keep a checkpoint, and
 * `resume(dir)` finishes the study with files byte-identical to an uninterrupted run. A damaged result found by
 * `resume` is recomputed (listed in `repairs`), with the same bytes as before the damage.
 * Events: study-started (tasks carry `state`, for resumed ones) → task-started / task-progress / sample-ready /
 * task-done | task-failed … → study-done. Finished tasks are never recomputed; their rows come from readTaskTable.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ParameterError } from '../../src-core/validation.js';
import type { StudyEvent, StudyEventListener, TaskInfo, TaskState } from '../api/events.js';
import { defaultWorkers, WorkerPool } from '../jobs/pool.js';
import { Scheduler } from '../jobs/scheduler.js';
import { QUENCH_CK_EXTRA, runQuench, runSweep, type ExecContext, type TaskOutcome } from './execute.js';
import { getPreset, listPresets as presetList, presetNames } from './presets.js';
import { expandSpec, parseSpec, parseSpecText, type PlannedTask, type StudySpec } from './spec.js';
import { FileWriteError, quotePath } from '../io/atomicWrite.js';
import { parseTable, StudyStore, type FileCheck, type TaskTable } from './store.js';
import { writeFigures } from './figures.js';
import { expectedCost, tasksOfShard, type Shard } from './shard.js';
import { LockHeldError } from '../io/lockFile.js';
import { VERSION } from '../version.js';

export interface StudyRunOptions {
  /** Worker threads (default: the number of cores). */
  workers?: number;
  /** Minimum seconds between checkpoints of a running task (default 2; 0 = at every finished sample). */
  checkpointSeconds?: number;
  /** Samples per propagation job (default 5). Results do not depend on it. */
  chunk?: number;
  /** Run only the tasks of this shard (`--shard i/n`), joining the folder other shards write into. */
  shard?: Shard;
}

export interface StudySummary {
  studyId: string;
  dir: string;
  status: 'completed' | 'cancelled' | 'failed';
  /** Sharded run: this shard, how many of its tasks another live process held, and whether it wrote the figure tables. */
  shard?: { index: number; count: number; tasks: number; claimedElsewhere: number; finalized: boolean };
  done: number;
  failed: number;
  cancelled: number;
  total: number;
  /** Wall time of this session (s). */
  seconds: number;
  /** Per task: wall time from start to end in this session (s), including waits for a free worker. */
  taskSeconds: Record<string, number>;
  /** Per task: worker time spent on its jobs in this session (s): its compute cost. */
  taskComputeSeconds: Record<string, number>;
  errors: Record<string, string>;
  /** Peak resident memory of the process (bytes; workers are threads, so included). */
  peakRss: number;
  /** Sum over jobs of the time a worker was busy (s). */
  busySeconds: number;
  workers: number;
}

export interface StudyHandle {
  studyId: string;
  dir: string;
  tasks: TaskInfo[];
  /** Damaged files this session recomputes (a task's CSV) or rewrites (a figure table): relative path, what was wrong. */
  repairs: { file: string; reason: string }[];
  /**
   * What the user should know before the results mix (CLI: stderr; window: the notice line): a study started by
   * another version of EP Studio and resumed by this one (versionNote).
   */
  notes: string[];
  done: Promise<StudySummary>;
  cancel(): void;
}

export type TaskStatus = TaskInfo & TaskCheck;

export interface TaskCheck {
  state: TaskState;
  rows: number;
  error?: string;
  /** Its result file does not match the recorded size/sha256 ("tasks/<id>.csv: truncated (… of … bytes)"): to recompute. */
  damaged?: string;
  /** Done in a folder of an older version: structurally complete, no recorded hash to verify its content. */
  unverified?: boolean;
}

export interface StudyStatus {
  studyId: string;
  dir: string;
  name: string;
  hash: string;
  appVersion: string;
  /**
   * 'running' while a live process owns it; 'interrupted' when that process died (kill -9, crash): resume it;
   * 'damaged' when a finished file no longer matches its record: resume recomputes it.
   */
  status: 'running' | 'interrupted' | 'completed' | 'cancelled' | 'failed' | 'damaged';
  tasks: TaskStatus[];
  counts: Record<TaskState, number>;
  /** Finished files whose bytes do not match their recorded size and sha256. */
  damaged: { file: string; task?: string; reason: string }[];
  /** Files counted without a recorded hash (a folder of an older version: `resume` records them). */
  unverified: string[];
  /** The process holding the folder, when one does (on another host its liveness cannot be checked). */
  owner?: { pid: number; host: string; started: string; otherHost: boolean };
  /** Tasks held right now by the shards of a sharded run (claims/<task>.lock of live processes). */
  claims: { task: string; pid: number; host: string; started: string; purpose?: string }[];
}

/** A write of the study folder failed (disk full, I/O error): the run stopped; the folder is resumable. */
export class StudyStorageError extends Error {
  constructor(
    readonly dir: string,
    cause: Error,
  ) {
    super(
      `${cause.message}; the run stopped. The study folder ${quotePath(dir)} holds only whole files (every result finished before stays verified): free space, or copy the folder to a larger disk, then ${existsSync(join(dir, 'study.json')) ? '`epstudio resume` it' : 'run the study again (nothing of it was written)'}`,
      { cause },
    );
    this.name = 'StudyStorageError';
  }
}

/** Export (or another consumer of finished results) refused: these recorded files are damaged. */
export class StudyDamagedError extends Error {
  constructor(
    readonly dir: string,
    readonly damaged: { file: string; reason: string }[],
  ) {
    super(
      `${damaged.map((d) => `${d.file} is damaged: ${d.reason}`).join('; ')}; \`epstudio resume ${dir.length > 120 ? '…' + dir.slice(-120) : dir}\` recomputes ${damaged.length > 1 ? 'them' : 'it'}`,
    );
    this.name = 'StudyDamagedError';
  }
}

export function listPresets(): { name: string; summary: string }[] {
  return presetList();
}

/** A preset name, a path to a spec JSON file, or a spec object; validated (ParameterError on any problem). */
export function loadSpec(specOrPreset: string | unknown): StudySpec {
  if (typeof specOrPreset === 'string') {
    if (presetNames().includes(specOrPreset)) return getPreset(specOrPreset);
    if (specOrPreset.endsWith('.json') || existsSync(specOrPreset)) {
      if (!existsSync(specOrPreset)) throw new ParameterError('spec', 'a preset name or an existing .json spec file', specOrPreset);
      return parseSpecText(readFileSync(specOrPreset, 'utf8'), specOrPreset);
    }
    throw new ParameterError('spec', `a preset (${presetNames().join(', ')}) or a .json spec file`, specOrPreset);
  }
  return parseSpec(specOrPreset);
}

/** Study folders this process is running (the `.lock` file guards against other processes). */
const ACTIVE = new Set<string>();

const studyIdOf = (store: StudyStore) => `${basename(resolve(store.dir))}-${store.study.hash.slice(0, 8)}`;

export function run(specOrPreset: string | unknown, outDir: string, opts: StudyRunOptions = {}, onEvent?: StudyEventListener): StudyHandle {
  const spec = loadSpec(specOrPreset);
  checkOptions(opts);
  if (opts.shard) return storageErrors(outDir, () => start(joinShard(outDir, spec, opts.shard!), false, opts, onEvent));
  return storageErrors(outDir, () => start(StudyStore.create(outDir, spec), false, opts, onEvent));
}

/**
 * The folder of a sharded run: the first shard to arrive creates it (study.json, manifest) and lets go of the folder;
 * the others, started at the same moment on other nodes, wait for that and join (same spec hash required).
 */
function joinShard(dir: string, spec: StudySpec, shard: Shard): StudyStore {
  const label = `shard ${shard.index}/${shard.count}`;
  for (let t0 = Date.now(); ; ) {
    if (existsSync(join(dir, 'study.json'))) {
      try {
        return StudyStore.joinShard(dir, spec, label);
      } catch (e) {
        // the creating shard still holds the folder for a moment: wait for it, not for an unsharded run
        const creating = e instanceof ParameterError && /holds DIR\/\.lock for "run"/.test(e.message) && Date.now() - t0 < 60_000;
        if (!creating) throw e;
      }
    } else {
      try {
        StudyStore.create(dir, spec).release();
        continue;
      } catch (e) {
        // another shard is creating it (holds the lock) or just did: wait and join; anything else is the user's
        const racing = e instanceof ParameterError && (/is running it/.test(e.message) || existsSync(join(dir, 'study.json')));
        if (!racing || Date.now() - t0 > 60_000) throw e;
      }
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

/**
 * Write the figure tables of a sharded study once every task is done (the last shard does it by itself; `epstudio
 * finalize DIR` does it by hand, e.g. as the Slurm job that depends on the array). Returns the tasks not done yet.
 */
export function finalize(dir: string): { status: 'completed' | 'incomplete'; notDone: string[] } {
  const store = StudyStore.open(dir);
  return storageErrors(dir, () => {
    store.claim('finalize');
    try {
      const planned = expandSpec(store.spec);
      const check = store.checkAll();
      const notDone = planned.filter((t) => taskState(store, t.info.id, check.files.get(store.relTask(t.info.id))).state !== 'done').map((t) => t.info.id);
      if (notDone.length > 0) return { status: 'incomplete' as const, notDone };
      for (const t of planned) store.removeCheckpoint(t.info.id);
      writeFigures(store, planned);
      store.manifest.status = 'completed';
      store.saveManifest();
      return { status: 'completed' as const, notDone };
    } finally {
      store.release();
    }
  });
}

/**
 * A study started by another version and resumed by this one: the tasks finished then keep that version's results (each
 * task file's app_version says which), the rest are computed now, and numerical details may differ between versions
 * (e.g. last digits of G). Undefined when the versions agree or nothing is mixed.
 */
export function versionNote(studyVersion: string, current: string, done: number, total: number): string | undefined {
  if (studyVersion === current || done === 0 || done === total) return undefined;
  return `this study was started by EP Studio ${studyVersion} and is resumed by ${current}: its ${done} finished task(s) keep ${studyVersion}'s results, the other ${total - done} are computed by ${current} (the versions may differ in the last digits; each task file's app_version says which made it)`;
}

export function resume(dir: string, opts: StudyRunOptions = {}, onEvent?: StudyEventListener): StudyHandle {
  checkOptions(opts);
  const store = StudyStore.open(dir);
  return storageErrors(dir, () => start(store, true, opts, onEvent));
}

/** A failed write while a run starts (disk full before the first result) is reported like one during the run. */
function storageErrors<T>(dir: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof FileWriteError ? new StudyStorageError(dir, e) : e;
  }
}

function checkOptions(opts: StudyRunOptions): void {
  if (opts.workers !== undefined && (!Number.isInteger(opts.workers) || opts.workers < 1 || opts.workers > 256))
    throw new ParameterError('--workers', 'an integer in [1, 256]', opts.workers);
}

function taskState(store: StudyStore, id: string, c: FileCheck = store.checkResult(id)): TaskCheck {
  const rec = store.manifest.tasks[id];
  if (c.state === 'ok') return { state: 'done', rows: rec?.rows ?? 0 };
  if (c.state === 'unverified') return { state: 'done', rows: rec?.rows ?? 0, unverified: true };
  if (c.state === 'damaged') return { state: 'pending', rows: 0, damaged: `${store.relTask(id)}: ${c.reason}` };
  if (!rec) return { state: 'pending', rows: 0 };
  // 'done' without an intact recorded file: not a result (the record is the truth, not the manifest's task state)
  const state: TaskState = rec.state === 'done' ? 'pending' : rec.state;
  return { state, rows: rec.state === 'done' ? 0 : rec.rows, ...(rec.error ? { error: rec.error } : {}) };
}

function start(store: StudyStore, resumed: boolean, opts: StudyRunOptions, onEvent?: StudyEventListener): StudyHandle {
  const key = resolve(store.dir);
  if (ACTIVE.has(key)) {
    store.release();
    throw new ParameterError('DIR', 'a study not already running in this process (cancel or wait for it)', store.dir);
  }
  // Only the owner looks at the folder with intent to write: after the lock, nothing can change under it.
  // A shard owns no folder lock: it claims each of its tasks just before running it (runOne).
  const shard = opts.shard;
  if (!shard) store.claim(resumed ? 'resume' : 'run');
  ACTIVE.add(key);
  const studyId = studyIdOf(store);
  const all = expandSpec(store.spec);
  const planned = shard ? tasksOfShard(all, shard) : all;
  let claimedElsewhere = 0;
  const workers = opts.workers ?? defaultWorkers();
  const emit = (e: StudyEvent) => {
    try {
      onEvent?.(e);
    } catch {
      /* a listener's bug must not break the study */
    }
  };
  const infos: TaskInfo[] = [];
  const todo: PlannedTask[] = [];
  const repairs: { file: string; reason: string }[] = [];
  try {
    const check = store.checkAll();
    for (const d of check.damaged) repairs.push({ file: d.file, reason: d.reason });
    for (const t of planned) {
      const st = taskState(store, t.info.id, check.files.get(store.relTask(t.info.id)));
      const info = { ...t.info, state: st.state } as TaskInfo;
      infos.push(info);
      if (st.state !== 'done') todo.push(t);
      if (shard) continue; // a shard records a task only once it holds its claim
      if (st.state === 'done') store.setTask(t.info.id, { state: 'done', rows: st.rows }, false);
      else store.setTask(t.info.id, { state: 'pending', rows: st.rows }, false);
    }
    if (!shard) {
      // A run killed between recording a task's result and deleting its checkpoint leaves a stale checkpoint: the
      // result wins (it is whole and verified), so drop the leftover.
      for (const t of planned) if (infos.find((i) => i.id === t.info.id)!.state === 'done') store.removeCheckpoint(t.info.id);
      store.manifest.status = 'running';
      store.saveManifest();
    }
  } catch (e) {
    ACTIVE.delete(key);
    store.release();
    throw e instanceof FileWriteError ? new StudyStorageError(store.dir, e) : e;
  }

  const pool = new WorkerPool(workers);
  const sched = new Scheduler(pool);
  let cancelRequested = false;
  /** The first failed write: it ends the run (a full disk fails every later write too). */
  let fatal: Error | null = null;
  const stop = (e: unknown) => {
    if (fatal) return;
    fatal = e instanceof FileWriteError ? new StudyStorageError(store.dir, e) : (e as Error);
    cancelRequested = true;
    sched.cancel();
  };
  const t0 = performance.now();
  let peakRss = process.memoryUsage.rss();
  const memTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 200);
  memTimer.unref();

  const done = (async (): Promise<StudySummary> => {
    emit({ type: 'study-started', studyId, dir: store.dir, tasks: infos, resumed });
    const taskSeconds: Record<string, number> = {};
    const errors: Record<string, string> = {};
    const order = todo
      .map((t, i) => ({ t, i, c: expectedCost(t) }))
      .sort((a, b) => b.c - a.c || a.i - b.i)
      .map((x) => x.t);
    const maxActive = Math.max(2, workers * 2);
    let next = 0;
    const runOne = async (t: PlannedTask, k: number): Promise<void> => {
      const id = t.info.id;
      if (shard) {
        try {
          // another live process runs it (this shard started twice, or a requeued array task): leave it to that one
          if (!store.claimTask(id)) return void claimedElsewhere++;
          if (store.hasResult(id)) return store.releaseTask(id); // finished meanwhile by a process now gone
        } catch (e) {
          return stop(e);
        }
      }
      try {
        await runClaimed(t, k);
      } finally {
        if (shard) store.releaseTask(id);
      }
    };
    const runClaimed = async (t: PlannedTask, k: number): Promise<void> => {
      const id = t.info.id;
      const ts = performance.now();
      try {
        store.setTask(id, { state: 'running', rows: store.manifest.tasks[id]?.rows ?? 0 });
      } catch (e) {
        return stop(e);
      }
      emit({ type: 'task-started', studyId, taskId: id });
      const ctx: ExecContext = {
        sched,
        store,
        studyId,
        emit,
        order: k,
        checkpointSeconds: opts.checkpointSeconds ?? 2,
        chunk: opts.chunk ?? 5,
        maxAhead: 40,
      };
      let out: TaskOutcome;
      try {
        out = t.quench || t.modelQuench ? await runQuench(t, ctx) : await runSweep(t, ctx);
      } catch (e) {
        out = { state: 'failed', rows: 0, error: e instanceof Error ? e.message : String(e) };
      }
      // a write failed inside the task (checkpoint or result): the folder's problem, not the task's
      if (store.failure) return stop(store.failure);
      const seconds = (performance.now() - ts) / 1000;
      taskSeconds[id] = seconds;
      try {
        store.setTask(id, {
          state: out.state,
          rows: out.rows,
          ...(out.error ? { error: out.error } : {}),
          seconds: +seconds.toFixed(3),
          computeSeconds: +(sched.busyByTag.get(id) ?? 0).toFixed(3),
        });
      } catch (e) {
        return stop(e);
      }
      if (out.state === 'done') emit({ type: 'task-done', studyId, taskId: id, seconds });
      else if (out.state === 'failed') {
        errors[id] = out.error ?? 'failed';
        emit({ type: 'task-failed', studyId, taskId: id, error: errors[id] });
      }
    };
    const lanes: Promise<void>[] = [];
    for (let l = 0; l < Math.min(maxActive, order.length); l++)
      lanes.push(
        (async () => {
          while (next < order.length && !cancelRequested) {
            const k = next++;
            await runOne(order[k], k);
          }
        })(),
      );
    await Promise.all(lanes);
    clearInterval(memTimer);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    await pool.destroy();
    if (fatal) throw fatal;

    const states = planned.map((t) => (shard ? (store.hasResult(t.info.id) ? 'done' : store.manifest.tasks[t.info.id]?.state) : store.manifest.tasks[t.info.id]?.state) ?? 'pending');
    const nDone = states.filter((s) => s === 'done').length;
    const nFailed = states.filter((s) => s === 'failed').length;
    // A shard's tasks that another live process holds (claimedElsewhere) are that process's to finish, not a failure.
    const status: StudySummary['status'] = cancelRequested && nDone + nFailed < planned.length ? 'cancelled' : nFailed > 0 ? 'failed' : 'completed';
    let finalized = false;
    if (shard) {
      store.release();
      // the last shard to finish writes the figure tables; one finalizing already (its .lock is held) is enough
      if (status === 'completed' && nDone === planned.length)
        try {
          finalized = finalize(store.dir).status === 'completed';
        } catch (e) {
          if (!(e instanceof ParameterError || e instanceof LockHeldError)) throw e;
        }
    } else {
      try {
        if (status !== 'cancelled') writeFigures(store, planned);
        store.manifest.status = status;
        store.saveManifest();
      } catch (e) {
        throw e instanceof FileWriteError ? new StudyStorageError(store.dir, e) : e;
      }
      store.release();
    }
    const seconds = (performance.now() - t0) / 1000;
    emit({ type: 'study-done', studyId, status, done: nDone, failed: nFailed, total: planned.length, seconds });
    return {
      studyId,
      dir: store.dir,
      status,
      ...(shard ? { shard: { ...shard, tasks: planned.length, claimedElsewhere, finalized } } : {}),
      done: nDone,
      failed: nFailed,
      cancelled: planned.length - nDone - nFailed,
      total: planned.length,
      seconds,
      taskSeconds,
      taskComputeSeconds: Object.fromEntries([...sched.busyByTag].map(([k, v]) => [k, v])),
      errors,
      peakRss,
      busySeconds: sched.busySeconds,
      workers,
    };
  })();

  // Whatever happens (even a bug above), the workers stop and the folder is released.
  const guarded = done.finally(async () => {
    ACTIVE.delete(key);
    clearInterval(memTimer);
    store.release();
    await pool.destroy();
  });

  const done0 = infos.filter((i) => i.state === 'done').length;
  const note = resumed ? versionNote(store.study.appVersion, VERSION, done0, infos.length) : undefined;
  return {
    studyId,
    dir: store.dir,
    tasks: infos,
    repairs,
    notes: note ? [note] : [],
    done: guarded,
    cancel: () => {
      if (cancelRequested) return;
      cancelRequested = true;
      sched.cancel();
    },
  };
}

/**
 * The state of a study folder, read-only. `deep` (default) hashes every finished file; `deep: false` compares sizes
 * only (listing many folders): a truncated or missing file is still found, an altered byte is not.
 */
export function status(dir: string, opts: { deep?: boolean } = {}): StudyStatus {
  const store = StudyStore.open(dir);
  const check = store.checkAll(opts.deep ?? true);
  const counts: Record<TaskState, number> = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  const tasks = expandSpec(store.spec).map((t) => {
    const st = taskState(store, t.info.id, check.files.get(store.relTask(t.info.id)));
    counts[st.state]++;
    return { ...t.info, ...st };
  });
  const lock = store.lockState();
  const held = lock.state === 'held' && lock.liveness !== 'dead' ? lock.owner : undefined;
  const claims = store.liveClaims();
  const live = ACTIVE.has(resolve(dir)) || held !== undefined || claims.length > 0;
  return {
    studyId: studyIdOf(store),
    dir: store.dir,
    name: store.spec.name,
    hash: store.study.hash,
    appVersion: store.study.appVersion,
    status: live ? 'running' : check.damaged.length > 0 ? 'damaged' : store.manifest.status === 'running' ? 'interrupted' : store.manifest.status,
    tasks,
    counts,
    damaged: check.damaged,
    unverified: check.unverified,
    ...(held ? { owner: { pid: held.pid, host: held.host, started: held.started, otherHost: lock.state === 'held' && lock.liveness === 'unknown' } } : {}),
    claims: claims.map(({ task, pid, host, started, purpose }) => ({ task, pid, host, started, purpose })),
  };
}

/**
 * A task's rows: the finished CSV (verified against its record), or (complete = false) the rows of its checkpoint
 * so far. A damaged result is not a result: its task reads as unfinished, with `damaged` saying why. Read-only.
 */
export function readTaskTable(dir: string, taskId: string): TaskTable & { complete: boolean; damaged?: string } {
  const store = StudyStore.open(dir);
  const t = store.planned().get(taskId);
  if (!t) throw new ParameterError('taskId', 'the id of a task of this study', taskId);
  const c = store.checkResult(taskId);
  if (c.state === 'ok' || c.state === 'unverified') return { ...parseTable(c.bytes.toString('utf8')), complete: true };
  const ck = store.readCheckpoint(taskId);
  const rows: number[][] = [];
  // A quench checkpoint row carries QUENCH_CK_EXTRA numbers after the columns (K history, NESS distance, …).
  const nc = t.columns.length;
  if (ck && (ck.nCols === nc || ((t.quench || t.modelQuench) && ck.nCols === nc + QUENCH_CK_EXTRA)))
    for (let i = 0; i < ck.nRows; i++) if (ck.mask[i]) rows.push(Array.from(ck.rows.subarray(i * ck.nCols, i * ck.nCols + nc)));
  return { meta: {}, columns: [...t.columns], rows, complete: false, ...(c.state === 'damaged' ? { damaged: `${store.relTask(taskId)}: ${c.reason}` } : {}) };
}

/**
 * Before exporting a study: every recorded file must match its record. Throws StudyDamagedError naming each damaged
 * file; returns the files that could only be checked for structure (a folder of an older version). Read-only.
 */
export function checkExportable(dir: string): { unverified: string[] } {
  const check = StudyStore.open(dir).checkAll(true);
  if (check.damaged.length) throw new StudyDamagedError(dir, check.damaged);
  return { unverified: check.unverified };
}

export function listStudies(rootDir: string): StudyStatus[] {
  if (!existsSync(rootDir)) return [];
  const out: StudyStatus[] = [];
  for (const f of readdirSync(rootDir).sort()) {
    const d = join(rootDir, f);
    try {
      if (statSync(d).isDirectory() && existsSync(join(d, 'study.json'))) out.push(status(d, { deep: false }));
    } catch {
      /* not a readable study: skip */
    }
  }
  return out;
}
