/**
 * The study service: the one entry point the CLI and the desktop (Electron main, browser host) use. Plain Node,
 * no Electron imports. Everything it reports goes through the StudyEvent stream (src-main/api/events.ts).
 *
 *   listPresets(): { name, summary }[]
 *   loadSpec(specOrPreset): StudySpec             preset name, path to a JSON file, or a spec object (validated)
 *   run(specOrPreset, outDir, { workers?, checkpointSeconds? }, onEvent?): StudyHandle
 *   resume(dir, { workers? }, onEvent?): StudyHandle          finishes a killed or cancelled study
 *   status(dir): StudyStatus                                 states of every task, read from the folder; status
 *                                                            'running' (a live process runs it) or 'interrupted' (killed)
 *   readTaskTable(dir, taskId): { columns, rows, meta, complete }   a finished task's CSV, or the checkpoint so far
 *   listStudies(rootDir): StudyStatus[]                      the study folders directly inside rootDir
 *
 * StudyHandle = { studyId, dir, tasks: TaskInfo[], done: Promise<StudySummary>, cancel() }.
 * `run` and `resume` throw ParameterError synchronously for a bad spec or folder (nothing is written then);
 * afterwards failures are values: a task that throws in a worker ends as 'failed' with its error, the others go on.
 * A folder is claimed while it runs (`.lock` with the pid; an in-process set for the desktop): a second run or resume
 * of it throws ParameterError('DIR', …) until the first ends or its process dies.
 * `cancel()` stops at the next sample: finished tasks keep their CSV, running ones keep a checkpoint, and
 * `resume(dir)` finishes the study with files byte-identical to an uninterrupted run.
 * Events: study-started (tasks carry `state`, for resumed ones) → task-started / task-progress / sample-ready /
 * task-done | task-failed … → study-done. Finished tasks are never recomputed; their rows come from readTaskTable.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ParameterError } from '../../src-core/validation.js';
import type { StudyEvent, StudyEventListener, TaskInfo, TaskState } from '../api/events.js';
import { defaultWorkers, WorkerPool } from '../jobs/pool.js';
import { Scheduler } from '../jobs/scheduler.js';
import { runQuench, runSweep, type ExecContext, type TaskOutcome } from './execute.js';
import { getPreset, listPresets as presetList, presetNames } from './presets.js';
import { expandSpec, parseSpec, parseSpecText, type PlannedTask, type StudySpec } from './spec.js';
import { StudyStore, type TaskTable } from './store.js';
import { writeFigures } from './figures.js';

export interface StudyRunOptions {
  /** Worker threads (default: the number of cores). */
  workers?: number;
  /** Minimum seconds between checkpoints of a running task (default 2; 0 = at every finished sample). */
  checkpointSeconds?: number;
  /** Samples per propagation job (default 5). Results do not depend on it. */
  chunk?: number;
}

export interface StudySummary {
  studyId: string;
  dir: string;
  status: 'completed' | 'cancelled' | 'failed';
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
  done: Promise<StudySummary>;
  cancel(): void;
}

export type TaskStatus = TaskInfo & { state: TaskState; rows: number; error?: string };

export interface StudyStatus {
  studyId: string;
  dir: string;
  name: string;
  hash: string;
  appVersion: string;
  /** 'running' while a live process runs it; 'interrupted' when that process died (kill -9, crash): resume it. */
  status: 'running' | 'interrupted' | 'completed' | 'cancelled' | 'failed';
  tasks: TaskStatus[];
  counts: Record<TaskState, number>;
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

/** Study folders this process is running (the `.lock` pid guards against other processes). */
const ACTIVE = new Set<string>();

const studyIdOf = (store: StudyStore) => `${basename(resolve(store.dir))}-${store.study.hash.slice(0, 8)}`;

export function run(specOrPreset: string | unknown, outDir: string, opts: StudyRunOptions = {}, onEvent?: StudyEventListener): StudyHandle {
  const spec = loadSpec(specOrPreset);
  checkOptions(opts);
  const store = StudyStore.create(outDir, spec);
  return start(store, false, opts, onEvent);
}

export function resume(dir: string, opts: StudyRunOptions = {}, onEvent?: StudyEventListener): StudyHandle {
  checkOptions(opts);
  const store = StudyStore.open(dir);
  return start(store, true, opts, onEvent);
}

function checkOptions(opts: StudyRunOptions): void {
  if (opts.workers !== undefined && (!Number.isInteger(opts.workers) || opts.workers < 1 || opts.workers > 256))
    throw new ParameterError('--workers', 'an integer in [1, 256]', opts.workers);
}

function taskState(store: StudyStore, id: string): { state: TaskState; rows: number; error?: string } {
  if (store.hasResult(id)) return { state: 'done', rows: store.manifest.tasks[id]?.rows ?? 0 };
  const rec = store.manifest.tasks[id];
  if (!rec) return { state: 'pending', rows: 0 };
  // A task the manifest calls done but whose CSV is missing was never finished (cannot happen with atomic writes).
  const state: TaskState = rec.state === 'done' ? 'pending' : rec.state;
  return { state, rows: rec.rows, error: rec.error };
}

/** Rough relative cost, to start the longest tasks first (shortest makespan on a few workers). */
function cost(t: PlannedTask): number {
  const N = Number((t.quench ?? t.sweep?.fixed)?.N ?? 1);
  if (t.quench) return t.total * (N + 2) * (N + 2);
  if (t.sweep?.sweep === 'gap') return t.total * 4 * (N + 2) ** 2 * 10;
  if (t.sweep?.sweep === 'ness-fock') return t.total * (N + 2) ** 2;
  return t.total * 0.01;
}

function start(store: StudyStore, resumed: boolean, opts: StudyRunOptions, onEvent?: StudyEventListener): StudyHandle {
  const studyId = studyIdOf(store);
  const planned = expandSpec(store.spec);
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
  for (const t of planned) {
    const st = taskState(store, t.info.id);
    const info = { ...t.info, state: st.state } as TaskInfo;
    infos.push(info);
    if (st.state === 'done') store.setTask(t.info.id, { state: 'done', rows: st.rows }, false);
    else {
      store.setTask(t.info.id, { state: 'pending', rows: st.rows }, false);
      todo.push(t);
    }
  }
  const key = resolve(store.dir);
  if (ACTIVE.has(key)) throw new ParameterError('DIR', 'a study not already running in this process (cancel or wait for it)', store.dir);
  store.lock();
  ACTIVE.add(key);
  // A run killed between writing a task's result and deleting its checkpoint leaves a stale checkpoint: the result
  // wins (it is written atomically and complete), so drop the leftover now that this process holds the lock.
  for (const t of planned) if (store.hasResult(t.info.id)) store.removeCheckpoint(t.info.id);
  store.manifest.status = 'running';
  store.saveManifest();

  const pool = new WorkerPool(workers);
  const sched = new Scheduler(pool);
  let cancelRequested = false;
  const t0 = performance.now();
  let peakRss = process.memoryUsage.rss();
  const memTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 200);
  memTimer.unref();

  const done = (async (): Promise<StudySummary> => {
    emit({ type: 'study-started', studyId, dir: store.dir, tasks: infos, resumed });
    const taskSeconds: Record<string, number> = {};
    const errors: Record<string, string> = {};
    const order = todo
      .map((t, i) => ({ t, i, c: cost(t) }))
      .sort((a, b) => b.c - a.c || a.i - b.i)
      .map((x) => x.t);
    const maxActive = Math.max(2, workers * 2);
    let next = 0;
    const runOne = async (t: PlannedTask, k: number): Promise<void> => {
      const id = t.info.id;
      const ts = performance.now();
      store.setTask(id, { state: 'running', rows: store.manifest.tasks[id]?.rows ?? 0 });
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
        out = t.quench ? await runQuench(t, ctx) : await runSweep(t, ctx);
      } catch (e) {
        out = { state: 'failed', rows: 0, error: e instanceof Error ? e.message : String(e) };
      }
      const seconds = (performance.now() - ts) / 1000;
      taskSeconds[id] = seconds;
      store.setTask(id, {
        state: out.state,
        rows: out.rows,
        ...(out.error ? { error: out.error } : {}),
        seconds: +seconds.toFixed(3),
        computeSeconds: +(sched.busyByTag.get(id) ?? 0).toFixed(3),
      });
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

    const states = planned.map((t) => store.manifest.tasks[t.info.id]?.state ?? 'pending');
    const nDone = states.filter((s) => s === 'done').length;
    const nFailed = states.filter((s) => s === 'failed').length;
    const status: StudySummary['status'] = cancelRequested && nDone + nFailed < planned.length ? 'cancelled' : nFailed > 0 ? 'failed' : 'completed';
    if (status !== 'cancelled') writeFigures(store, planned);
    store.manifest.status = status;
    store.saveManifest();
    store.unlock();
    const seconds = (performance.now() - t0) / 1000;
    emit({ type: 'study-done', studyId, status, done: nDone, failed: nFailed, total: planned.length, seconds });
    return {
      studyId,
      dir: store.dir,
      status,
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
    store.unlock();
    await pool.destroy();
  });

  return {
    studyId,
    dir: store.dir,
    tasks: infos,
    done: guarded,
    cancel: () => {
      if (cancelRequested) return;
      cancelRequested = true;
      sched.cancel();
    },
  };
}

export function status(dir: string): StudyStatus {
  const store = StudyStore.open(dir);
  const counts: Record<TaskState, number> = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  const tasks = expandSpec(store.spec).map((t) => {
    const st = taskState(store, t.info.id);
    counts[st.state]++;
    return { ...t.info, ...st };
  });
  return {
    studyId: studyIdOf(store),
    dir: store.dir,
    name: store.spec.name,
    hash: store.study.hash,
    appVersion: store.study.appVersion,
    status: store.manifest.status === 'running' && store.runningPid() === null && !ACTIVE.has(resolve(dir)) ? 'interrupted' : store.manifest.status,
    tasks,
    counts,
  };
}

/** A task's rows: the finished CSV, or (complete = false) the rows of its checkpoint so far. */
export function readTaskTable(dir: string, taskId: string): TaskTable & { complete: boolean } {
  const store = StudyStore.open(dir);
  const t = expandSpec(store.spec).find((x) => x.info.id === taskId);
  if (!t) throw new ParameterError('taskId', 'the id of a task of this study', taskId);
  if (store.hasResult(taskId)) return { ...store.readResult(taskId), complete: true };
  const ck = store.readCheckpoint(taskId);
  const rows: number[][] = [];
  if (ck)
    for (let i = 0; i < ck.nRows; i++) if (ck.mask[i]) rows.push(Array.from(ck.rows.subarray(i * ck.nCols, (i + 1) * ck.nCols)));
  return { meta: {}, columns: [...t.columns], rows, complete: false };
}

export function listStudies(rootDir: string): StudyStatus[] {
  if (!existsSync(rootDir)) return [];
  const out: StudyStatus[] = [];
  for (const f of readdirSync(rootDir).sort()) {
    const d = join(rootDir, f);
    try {
      if (statSync(d).isDirectory() && existsSync(join(d, 'study.json'))) out.push(status(d));
    } catch {
      /* not a readable study: skip */
    }
  }
  return out;
}
