/**
 * The state of one study in the window, built only from the contract's StudyEvent stream (live runs) or from a study
 * folder's task tables (reopened studies). Pure reducer: unit-tested in test/renderer; the Svelte store wraps it.
 */
import type { StudyEvent, TaskInfo, TaskState } from '../../src-main/api/events.js';
import type { ChooseK } from './kerrForm.js';

export interface TaskRun {
  info: TaskInfo;
  state: TaskState;
  done: number;
  total: number;
  seconds?: number;
  error?: string;
  /** Result rows by sample index (quench: one per t; sweep: one per point). Holes until the sample arrives. */
  rows: Record<string, number>[];
  /** Quench: the Fock levels of its latest finished sample, the largest used, and the largest top-level population. */
  K?: number;
  Kmax?: number;
  topPopulation?: number;
}

export type RunStatus = 'idle' | 'running' | 'completed' | 'cancelled' | 'failed';

export interface RunState {
  studyId?: string;
  dir?: string;
  status: RunStatus;
  tasks: Record<string, TaskRun>;
  order: string[];
  /** ms timestamps (performance.now or Date.now: the caller's clock). */
  startedAt?: number;
  finishedAt?: number;
  resumed: boolean;
  /** Bumped on every change (cheap change detection for charts). */
  version: number;
}

export function emptyRun(): RunState {
  return { status: 'idle', tasks: {}, order: [], resumed: false, version: 0 };
}

export function applyEvent(s: RunState, e: StudyEvent, now: number): RunState {
  if (e.type !== 'study-started' && s.studyId !== undefined && e.studyId !== s.studyId) return s;
  switch (e.type) {
    case 'study-started': {
      const prev = s.dir === e.dir ? s.tasks : {};
      const tasks: Record<string, TaskRun> = {};
      for (const info of e.tasks) {
        const old = prev[info.id];
        // A resumed study reports finished tasks as state 'done' and never recomputes them (their rows come from
        // the folder: see withRows).
        const finished = info.state === 'done' || old?.state === 'done';
        tasks[info.id] = old
          ? { ...old, info, state: finished ? 'done' : 'pending' }
          : { info, state: finished ? 'done' : 'pending', done: 0, total: info.samples ?? 0, rows: [] };
      }
      return { studyId: e.studyId, dir: e.dir, status: 'running', tasks, order: e.tasks.map((t) => t.id), startedAt: now, resumed: e.resumed, version: s.version + 1 };
    }
    case 'task-started':
      return withTask(s, e.taskId, (t) => ({ ...t, state: 'running' }));
    case 'task-progress':
      return withTask(s, e.taskId, (t) => ({
        ...t,
        state: t.state === 'pending' ? 'running' : t.state,
        done: e.done,
        total: e.total,
        ...(e.K !== undefined && { K: e.K, Kmax: Math.max(e.K, t.Kmax ?? 0) }),
        ...(e.topPopulation !== undefined && { topPopulation: e.topPopulation }),
      }));
    case 'sample-ready':
      return withTask(s, e.taskId, (t) => {
        t.rows[e.index] = e.row;
        return { ...t, done: Math.max(t.done, countRows(t.rows)) };
      });
    case 'task-done':
      return withTask(s, e.taskId, (t) => ({ ...t, state: 'done', seconds: e.seconds, done: Math.max(t.done, t.total) }));
    case 'task-failed':
      return withTask(s, e.taskId, (t) => ({ ...t, state: 'failed', error: e.error }));
    case 'study-done': {
      const tasks = { ...s.tasks };
      if (e.status !== 'completed')
        for (const id of s.order) if (tasks[id].state === 'running' || tasks[id].state === 'pending') tasks[id] = { ...tasks[id], state: 'cancelled' };
      return { ...s, tasks, status: e.status, finishedAt: now, version: s.version + 1 };
    }
  }
}

/** Finished tasks without rows in memory (a resumed study reopened in a fresh window): read them from the folder. */
export function missingRows(s: RunState): string[] {
  return s.order.filter((id) => s.tasks[id].state === 'done' && countRows(s.tasks[id].rows) === 0);
}

/** Fill a task's rows from its table (columns → keys). */
export function withRows(s: RunState, id: string, table: { columns: string[]; rows: number[][] }): RunState {
  return withTask(s, id, (t) => ({ ...t, rows: table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))), done: table.rows.length }));
}

function countRows(rows: unknown[]): number {
  let n = 0;
  for (const r of rows) if (r) n++;
  return n;
}

function withTask(s: RunState, id: string, f: (t: TaskRun) => TaskRun): RunState {
  const t = s.tasks[id];
  if (!t) return s;
  return { ...s, tasks: { ...s.tasks, [id]: f(t) }, version: s.version + 1 };
}

export interface Progress {
  done: number;
  total: number;
  /** 0…1 over all tasks' samples. */
  fraction: number;
  /** Seconds left, from the rate so far; undefined before the first sample or when finished. */
  etaSeconds?: number;
  elapsedSeconds: number;
  /** Largest top-level Fock population reached by any quench so far (undefined before one reports). */
  topPopulation?: number;
}

export function progress(s: RunState, now: number): Progress {
  let done = 0;
  let total = 0;
  for (const id of s.order) {
    const t = s.tasks[id];
    const tot = Math.max(t.total, 1);
    total += tot;
    done += t.state === 'done' ? tot : Math.min(t.done, tot);
  }
  const fraction = total > 0 ? done / total : 0;
  const end = s.finishedAt ?? now;
  const elapsedSeconds = s.startedAt === undefined ? 0 : Math.max(0, (end - s.startedAt) / 1000);
  const etaSeconds = s.status === 'running' && fraction > 0 && fraction < 1 ? (elapsedSeconds * (1 - fraction)) / fraction : undefined;
  let top: number | undefined;
  for (const id of s.order) {
    const x = s.tasks[id].topPopulation;
    if (x !== undefined) top = Math.max(top ?? 0, x);
  }
  return { done, total, fraction, etaSeconds, elapsedSeconds, ...(top !== undefined && { topPopulation: top }) };
}

/** A reopened study: task list and states from `studies.status`, rows from `studies.readTask`. */
export function fromTables(
  dir: string,
  tasks: TaskInfo[],
  states: Record<string, string>,
  tables: Record<string, { columns: string[]; rows: number[][] }>,
  status: RunStatus,
): RunState {
  const out: Record<string, TaskRun> = {};
  for (const info of tasks) {
    const tab = tables[info.id];
    const rows = tab ? tab.rows.map((r) => Object.fromEntries(tab.columns.map((c, i) => [c, r[i]]))) : [];
    const state = (states[info.id] as TaskState | undefined) ?? 'pending';
    out[info.id] = { info, state, done: rows.length, total: info.samples ?? rows.length, rows };
  }
  return { dir, status, tasks: out, order: tasks.map((t) => t.id), resumed: false, version: 1 };
}

/**
 * Seconds per unit of work (K² × samples, the form's cost model) from a finished study: its wall time × the workers
 * it ran on (the pool keeps them all busy: propagation on one, Q-grid observables on the others) over the work of its
 * quench tasks. K from the task's own value or the engine's chooser. Undefined when no quench task finished.
 * The window calls calibrateAsync, whose chooser runs on the K worker (chooseK takes 5–40 ms: not on the UI thread).
 */
export function calibrate(s: RunState, wallSeconds: number, workers: number, kOf: ChooseK): number | undefined {
  let work = 0;
  for (const id of s.order) {
    const t = s.tasks[id];
    const p = t.info.params as Record<string, number>;
    if (t.info.kind !== 'quench') continue;
    if (t.state !== 'done') return undefined;
    // The largest K the run reported (adaptive basis), else the task's fixed K, else the chooser's estimate.
    let K = t.Kmax ?? Number(p.K);
    if (!Number.isFinite(K)) {
      try {
        const e = kOf({ kappa: p.kappa, delta: p.delta, u: p.u, N: p.N }, p.epsInitial, p.epsFinal, p.tMax);
        K = e === undefined ? NaN : typeof e === 'number' ? e : e.K;
      } catch {
        return undefined;
      }
      if (!Number.isFinite(K)) return undefined;
    }
    work += K * K * Math.max(t.total, 1);
  }
  return work > 0 && wallSeconds > 0 ? (wallSeconds * workers) / work : undefined;
}

/** The tasks calibrate needs a chooser's K for: finished quench tasks with neither a reported nor a fixed K. */
function tasksNeedingK(s: RunState): Record<string, number>[] {
  return s.order
    .map((id) => s.tasks[id])
    .filter((t) => t.info.kind === 'quench' && t.state === 'done' && t.Kmax === undefined && !Number.isFinite(Number((t.info.params as Record<string, unknown>).K)))
    .map((t) => t.info.params as Record<string, number>);
}

/**
 * calibrate with an asynchronous chooser (the window's: kEstimate.estimateKAsync, on the K worker). The K estimates
 * it needs are awaited first, then calibrate runs on them; a chooser that refuses (the state does not fit the basis)
 * leaves the run uncalibrated, as in calibrate.
 */
export async function calibrateAsync(
  s: RunState,
  wallSeconds: number,
  workers: number,
  kOf: (p: Parameters<ChooseK>[0], epsInitial: number, epsFinal: number, tMax: number) => Promise<{ K: number }>,
): Promise<number | undefined> {
  const key = (p: Record<string, number>) => JSON.stringify([p.kappa, p.delta, p.u, p.N, p.epsInitial, p.epsFinal, p.tMax]);
  const known = new Map<string, number>();
  try {
    for (const p of tasksNeedingK(s)) {
      if (known.has(key(p))) continue;
      known.set(key(p), (await kOf({ kappa: p.kappa, delta: p.delta, u: p.u, N: p.N }, p.epsInitial, p.epsFinal, p.tMax)).K);
    }
  } catch {
    return undefined;
  }
  return calibrate(s, wallSeconds, workers, (p, epsInitial, epsFinal, tMax) => known.get(key({ ...p, epsInitial, epsFinal, tMax })));
}
