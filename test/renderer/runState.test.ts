/**
 * The run store's reducer, built only from the contract's StudyEvent stream: progress counts, ETA from the rate,
 * cancel, resume keeping finished rows, and reopening from task tables. Also the contract's request validation.
 */
import { describe, expect, it } from 'vitest';
import type { StudyEvent, TaskInfo } from '../../src-main/api/events.js';
import { ApiError, METHODS, METHOD_NAMES, parseRequest, StudyEventSchema } from '../../src-main/api/contract.js';
import { applyEvent, calibrate, calibrateAsync, emptyRun, fromTables, missingRows, progress, withRows, type RunState } from '../../src-renderer/lib/runState.js';

const task = (id: string, N: number, samples: number): TaskInfo => ({
  id,
  kind: 'quench',
  label: `quench N=${N}`,
  figures: ['fig4'],
  params: { kappa: 0.5, delta: -2, u: 1, N, epsInitial: 0.5, epsFinal: 1.1, tMax: (samples - 1) * 0.2, dt: 0.2 },
  samples,
});
const tasks = [task('a', 1, 11), task('b', 5, 11)];
const row = (t: number) => ({ t, G: t / 10, Phi: 1, alpha_abs: 0.3 });

function play(events: StudyEvent[], s: RunState = emptyRun(), t0 = 0): RunState {
  events.forEach((e, i) => (s = applyEvent(s, e, t0 + 1000 * i)));
  return s;
}

const started: StudyEvent = { type: 'study-started', studyId: 'S', dir: '/d', tasks, resumed: false };

describe('applyEvent / progress', () => {
  it('every event is a valid contract event', () => {
    for (const e of [started, { type: 'task-progress', studyId: 'S', taskId: 'a', fraction: 0.5, done: 5, total: 11 }] as StudyEvent[])
      expect(StudyEventSchema.safeParse(e).success).toBe(true);
  });

  it('counts samples over all tasks and reaches exactly 100 % when every task is done', () => {
    let s = play([started, { type: 'task-started', studyId: 'S', taskId: 'a' }]);
    for (let k = 0; k < 11; k++) s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'a', index: k, row: row(k * 0.2) }, 2000 + k);
    let p = progress(s, 3000);
    expect(p.done).toBe(11);
    expect(p.total).toBe(22);
    expect(p.fraction).toBe(0.5);
    s = play(
      [
        { type: 'task-done', studyId: 'S', taskId: 'a', seconds: 1 },
        { type: 'task-progress', studyId: 'S', taskId: 'b', fraction: 1, done: 11, total: 11 },
        { type: 'task-done', studyId: 'S', taskId: 'b', seconds: 2 },
        { type: 'study-done', studyId: 'S', status: 'completed', done: 2, failed: 0, total: 2, seconds: 3 },
      ],
      s,
      4000,
    );
    p = progress(s, 99_000);
    expect(s.status).toBe('completed');
    expect(p.fraction).toBe(1);
    expect(p.etaSeconds).toBeUndefined();
  });

  it('ETA = elapsed × (1 − f)/f from the rate so far', () => {
    let s = applyEvent(emptyRun(), started, 0);
    s = applyEvent(s, { type: 'task-progress', studyId: 'S', taskId: 'a', fraction: 1, done: 11, total: 11 }, 5000);
    const p = progress(s, 10_000);
    expect(p.fraction).toBe(0.5);
    expect(p.elapsedSeconds).toBe(10);
    expect(p.etaSeconds).toBeCloseTo(10, 12);
  });

  it('keeps out-of-order samples at their index and ignores other studies', () => {
    let s = applyEvent(emptyRun(), started, 0);
    s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'b', index: 3, row: row(0.6) }, 1);
    s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'b', index: 1, row: row(0.2) }, 2);
    s = applyEvent(s, { type: 'sample-ready', studyId: 'OTHER', taskId: 'b', index: 0, row: row(0) }, 3);
    expect(s.tasks.b.rows[3].t).toBe(0.6);
    expect(s.tasks.b.rows[1].t).toBe(0.2);
    expect(s.tasks.b.rows[0]).toBeUndefined();
    expect(s.tasks.b.done).toBe(2);
  });

  it('cancel marks unfinished tasks; resume of the same folder keeps finished rows', () => {
    let s = play([
      started,
      { type: 'sample-ready', studyId: 'S', taskId: 'a', index: 0, row: row(0) },
      { type: 'task-done', studyId: 'S', taskId: 'a', seconds: 1 },
      { type: 'task-started', studyId: 'S', taskId: 'b' },
      { type: 'study-done', studyId: 'S', status: 'cancelled', done: 1, failed: 0, total: 2, seconds: 1 },
    ]);
    expect(s.status).toBe('cancelled');
    expect(s.tasks.b.state).toBe('cancelled');
    expect(progress(s, 1e9).fraction).toBe(0.5);
    s = applyEvent(s, { type: 'study-started', studyId: 'S2', dir: '/d', tasks, resumed: true }, 10_000);
    expect(s.status).toBe('running');
    expect(s.tasks.a.state).toBe('done');
    expect(s.tasks.a.rows[0].t).toBe(0);
    expect(s.tasks.b.state).toBe('pending');
  });

  it('a resumed study in a fresh window: finished tasks are done, their rows are read from the folder', () => {
    const resumed: StudyEvent = { type: 'study-started', studyId: 'S', dir: '/d', tasks: [{ ...tasks[0], state: 'done' }, tasks[1]], resumed: true };
    let s = applyEvent(emptyRun(), resumed, 0);
    expect(s.tasks.a.state).toBe('done');
    expect(s.tasks.b.state).toBe('pending');
    expect(missingRows(s)).toEqual(['a']);
    s = withRows(s, 'a', { columns: ['t', 'G'], rows: [[0, 1], [0.2, 2]] });
    expect(s.tasks.a.rows[1]).toEqual({ t: 0.2, G: 2 });
    expect(missingRows(s)).toEqual([]);
    expect(progress(s, 1).fraction).toBe(0.5);
  });

  it('a failed task carries its error', () => {
    const s = play([started, { type: 'task-failed', studyId: 'S', taskId: 'b', error: 'boom' }]);
    expect(s.tasks.b.state).toBe('failed');
    expect(s.tasks.b.error).toBe('boom');
  });
});

describe('fromTables (reopened study)', () => {
  it('rebuilds rows by column name and states from the folder', () => {
    const s = fromTables('/d', tasks, { a: 'done', b: 'cancelled' }, { a: { columns: ['t', 'G'], rows: [[0, 0.1], [0.2, 0.3]] } }, 'cancelled');
    expect(s.tasks.a.rows).toEqual([{ t: 0, G: 0.1 }, { t: 0.2, G: 0.3 }]);
    expect(s.tasks.b.rows).toEqual([]);
    expect(progress(s, 0).fraction).toBeCloseTo(11 / 22, 15);
  });
});

describe('calibrate', () => {
  it('wall seconds × workers per K² × sample, only when every quench task finished', () => {
    const s = play([started, { type: 'task-done', studyId: 'S', taskId: 'a', seconds: 2 }]);
    expect(calibrate(s, 4, 2, () => 10)).toBeUndefined();
    const all = applyEvent(s, { type: 'task-done', studyId: 'S', taskId: 'b', seconds: 2 }, 5000);
    expect(calibrate(all, 4, 2, () => 10)).toBeCloseTo((4 * 2) / (2 * 100 * 11), 15);
  });

  it('calibrateAsync awaits the chooser (the K worker) once per distinct task and agrees with calibrate', async () => {
    const all = play([started, { type: 'task-done', studyId: 'S', taskId: 'a', seconds: 2 }, { type: 'task-done', studyId: 'S', taskId: 'b', seconds: 2 }]);
    const asked: number[] = [];
    const kOf = async (p: { N: number }) => {
      asked.push(p.N);
      await new Promise((r) => setTimeout(r, 1));
      return { K: 7 + p.N };
    };
    const sync = calibrate(all, 4, 2, (p) => 7 + p.N);
    expect(await calibrateAsync(all, 4, 2, kOf)).toBe(sync);
    expect(asked.length).toBe(new Set(tasks.map((t) => JSON.stringify(t.params))).size);
    // a chooser that refuses (state too large for the basis) leaves the run uncalibrated
    expect(await calibrateAsync(all, 4, 2, async () => Promise.reject(new Error('too large')))).toBeUndefined();
  });
});

describe('contract', () => {
  it('validates requests and names the bad path', () => {
    expect(parseRequest('studies.run', { preset: 'kerr-quench-demo' })).toEqual({ preset: 'kerr-quench-demo' });
    const bad = () => parseRequest('studies.run', { preset: 'x', spec: {} });
    expect(bad).toThrow(ApiError);
    try {
      parseRequest('files.save', { name: '../../etc/passwd', data: '', encoding: 'utf8' });
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).body.field).toBe('name');
    }
    try {
      parseRequest('phaseSpace.frame', { params: { kappa: -1, delta: -2, u: 1, epsInitial: 0.5, epsFinal: 1.1, N: 1, tMax: 5 }, t: 0, grid: { xMin: -1, xMax: 1, yMin: -1, yMax: 1, nx: 8, ny: 8 } });
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).body.field).toBe('params.kappa');
    }
    expect(() => parseRequest('nope' as never, {})).toThrow(/unknown method/);
  });

  it('lists every method once, each with a request and a response schema', () => {
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
    for (const m of METHOD_NAMES) expect(METHODS[m]).toHaveLength(2);
  });
});

describe('adaptive basis in the run panel (issue 12)', () => {
  it('keeps each quench\'s K (and the largest) and the largest top-level population; the contract passes them through', () => {
    let s = applyEvent(emptyRun(), started, 0);
    const ev = (taskId: string, done: number, K: number, top: number): StudyEvent => ({ type: 'task-progress', studyId: 'S', taskId, fraction: done / 11, done, total: 11, K, topPopulation: top });
    for (const e of [ev('a', 3, 14, 1e-19), ev('b', 2, 25, 3e-17), ev('b', 6, 33, 4e-16), ev('b', 9, 25, 4e-16)]) {
      // through the contract's schema, as the window receives it
      s = applyEvent(s, StudyEventSchema.parse(e) as StudyEvent, 1);
    }
    expect(s.tasks.b.K).toBe(25);
    expect(s.tasks.b.Kmax).toBe(33);
    expect(progress(s, 2).topPopulation).toBe(4e-16);
    // calibration uses the largest K the run reached: work = Σ K² × samples
    s = applyEvent(applyEvent(s, { type: 'task-done', studyId: 'S', taskId: 'a', seconds: 1 }, 3), { type: 'task-done', studyId: 'S', taskId: 'b', seconds: 1 }, 3);
    const never = () => {
      throw new Error('no chooser needed: every task reported its K');
    };
    expect(calibrate(s, 10, 1, never)).toBeCloseTo(10 / (14 * 14 * 11 + 33 * 33 * 11), 12);
  });
});
