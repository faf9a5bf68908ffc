// In-process tests of the study service (needs `npm run build` for the compiled worker).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StudyEvent } from '../../../src-main/api/events.js';
import { exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import { runQuench } from '../../../src-core/kerr/quench.js';
import * as service from '../../../src-main/studies/service.js';
import { expectSameFiles, filesOf, resultFiles, SMALL_SPEC } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'epstudio-service-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('study service', () => {
  let reference: Map<string, Buffer>;

  it('runs a small study; 1 and 2 workers give byte-identical result files', async () => {
    const events: StudyEvent[] = [];
    const h1 = service.run(SMALL_SPEC, join(root, 'w1'), { workers: 1 }, (e) => events.push(e));
    const s1 = await h1.done;
    expect(s1.status).toBe('completed');
    expect(s1.done).toBe(s1.total);
    const h2 = service.run(SMALL_SPEC, join(root, 'w2'), { workers: 2, chunk: 2 }, () => {});
    const s2 = await h2.done;
    expect(s2.status).toBe('completed');
    reference = resultFiles(join(root, 'w1'));
    expect(reference.size).toBeGreaterThan(8);
    expect(expectSameFiles(reference, resultFiles(join(root, 'w2')))).toEqual([]);
    // no checkpoints or temporary files left behind
    expect(readdirSync(join(root, 'w1', 'checkpoints'))).toEqual([]);
    expect([...filesOf(join(root, 'w1')).keys()].some((k) => k.endsWith('.tmp'))).toBe(false);

    // the event stream: started, every task done, one sample-ready per row, done last
    expect(events[0].type).toBe('study-started');
    expect(events.at(-1)).toMatchObject({ type: 'study-done', status: 'completed', done: s1.total });
    expect(events.filter((e) => e.type === 'task-done').length).toBe(s1.total);
    const q = service.readTaskTable(join(root, 'w1'), 'quench-N5-epsf1.1');
    expect(q.complete).toBe(true);
    expect(q.rows.length).toBe(16);
    expect(events.filter((e) => e.type === 'sample-ready' && e.taskId === 'quench-N5-epsf1.1').length).toBe(16);

    // physics anchor: the quench starts in the NESS at ε_i (exact Drummond–Walls moments, an independent method)
    const e0 = exactNess({ kappa: 0.5, delta: -2, u: 1, N: 5, eps: 0.5 });
    const col = (c: string) => q.columns.indexOf(c);
    expect(q.rows[0][col('t')]).toBe(0);
    expect(q.rows[15][col('t')]).toBeCloseTo(3, 12);
    expect(Math.abs(q.rows[0][col('n')] - e0.n) / e0.n).toBeLessThan(1e-7);
    expect(Math.abs(q.rows[0][col('a_re')] - e0.a_re)).toBeLessThan(1e-7 * Math.hypot(e0.a_re, e0.a_im));
    // second method: the engine's serial runner gives the same numbers bit for bit (pipelining, chunking and
    // transfers between threads change nothing)
    const serial = runQuench({ kappa: 0.5, delta: -2, u: 1, N: 5, epsInitial: 0.5, epsFinal: 1.1, tMax: 3, dt: 0.2 });
    expect(serial.rows.length).toBe(16);
    serial.rows.forEach((r, i) => {
      expect(q.rows[i].slice(1, r.length)).toEqual(r.slice(1));
      // t is written as k·Δt in the decimals of Δt (0.6, where the product gives 0.6000000000000001)
      expect(q.rows[i][0]).toBe(Number((i * 0.2).toFixed(1)));
      expect(Math.abs(q.rows[i][0] - r[0])).toBeLessThanOrEqual(4e-16 * r[0]);
    });
    // Φ = 2κ<a†a> (Eq. 22) along the whole trajectory
    for (const r of q.rows) expect(r[col('Phi')]).toBeCloseTo(2 * 0.5 * r[col('n')], 12);
    const st = service.status(join(root, 'w1'));
    expect(st.status).toBe('completed');
    expect(st.counts.done).toBe(st.tasks.length);
    expect(service.listStudies(root).map((s) => s.name)).toEqual(['small', 'small']);
  });

  it('cancel leaves a consistent folder; resume finishes it with byte-identical files', async () => {
    const dir = join(root, 'cancel');
    let cancelled = false;
    const h = service.run(SMALL_SPEC, dir, { workers: 2, checkpointSeconds: 0, chunk: 1 }, (e) => {
      if (!cancelled && e.type === 'sample-ready' && e.taskId === 'quench-N5-epsf1.1' && e.index >= 3) {
        cancelled = true;
        h.cancel();
      }
    });
    // while it runs, the folder is claimed: a second process (or window) cannot resume it at the same time
    expect(() => service.resume(dir)).toThrow(/already running/);
    expect(service.status(dir).status).toBe('running');
    const s = await h.done;
    expect(s.status).toBe('cancelled');
    const st = service.status(dir);
    expect(st.status).toBe('cancelled');
    expect(st.counts.done).toBeLessThan(st.tasks.length);
    expect(existsSync(join(dir, 'figures'))).toBe(false);
    // the partial trajectory is kept in its checkpoint
    const part = service.readTaskTable(dir, 'quench-N5-epsf1.1');
    expect(part.complete).toBe(false);
    expect(part.rows.length).toBeGreaterThanOrEqual(1);
    const events: StudyEvent[] = [];
    const r = await service.resume(dir, { workers: 1 }, (e) => events.push(e)).done;
    expect(r.status).toBe('completed');
    const started = events[0] as Extract<StudyEvent, { type: 'study-started' }>;
    expect(started.resumed).toBe(true);
    // finished tasks are not recomputed
    const doneBefore = st.tasks.filter((t) => t.state === 'done').map((t) => t.id);
    const restarted = events.filter((e) => e.type === 'task-started').map((e) => (e as { taskId: string }).taskId);
    for (const id of doneBefore) expect(restarted).not.toContain(id);
    expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
  });

  it('a checkpoint left beside a finished result (a kill between the two writes) is dropped by resume', async () => {
    const dir = join(root, 'stale');
    expect((await service.run(SMALL_SPEC, dir, { workers: 2 }).done).status).toBe('completed');
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    writeFileSync(join(dir, 'checkpoints', 'quench-N5-epsf1.1.ckpt'), 'stale');
    expect((await service.resume(dir, { workers: 1 }).done).status).toBe('completed');
    expect(existsSync(join(dir, 'checkpoints', 'quench-N5-epsf1.1.ckpt'))).toBe(false);
    expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
  });

  it('a task that throws in the worker is recorded as failed while the others finish', async () => {
    const spec = {
      version: 1,
      name: 'failing',
      tasks: [
        // g/κ_a = 5 is past the cavity-OM instability (g_cr/κ_a ≈ 3.1): the engine throws for that point.
        { kind: 'gaussian-sweep', preset: 'cavity-om', x: [0, 1, 5] },
        { kind: 'ness-sweep', method: 'exact', N: [5], eps: [0.5, 1] },
      ],
    };
    const dir = join(root, 'fail');
    const events: StudyEvent[] = [];
    const s = await service.run(spec, dir, { workers: 2 }, (e) => events.push(e)).done;
    expect(s.status).toBe('failed');
    expect(s.failed).toBe(1);
    expect(s.done).toBe(1);
    expect(s.errors['gaussian-cavity-om']).toMatch(/g_cr/);
    expect(events.find((e) => e.type === 'task-failed')).toMatchObject({ taskId: 'gaussian-cavity-om' });
    const st = service.status(dir);
    expect(st.tasks.find((t) => t.id === 'gaussian-cavity-om')).toMatchObject({ state: 'failed' });
    expect(st.tasks.find((t) => t.id === 'ness-exact-N5')).toMatchObject({ state: 'done', rows: 2 });
    expect(service.readTaskTable(dir, 'ness-exact-N5').rows.length).toBe(2);
  });

  it('refuses bad input before writing anything', () => {
    expect(() => service.run('no-such-preset', join(root, 'x1'))).toThrow(/preset/);
    expect(() => service.run({ ...SMALL_SPEC, version: 3 }, join(root, 'x2'))).toThrow(/version/);
    expect(() => service.run(SMALL_SPEC, join(root, 'x3'), { workers: 0 })).toThrow(/--workers/);
    expect(existsSync(join(root, 'x1')) || existsSync(join(root, 'x2')) || existsSync(join(root, 'x3'))).toBe(false);
    expect(() => service.run(SMALL_SPEC, join(root, 'w1'))).toThrow(/resume/);
  });

  it('untilNess: a quench stops at the first sample within the tolerance of the NESS at ε_f', async () => {
    const spec = { version: 1, name: 'relax', tasks: [{ kind: 'quench', N: [1], epsInitial: 0.5, epsFinal: [1.1], tMax: 100, dt: 0.2, untilNess: 1e-5 }] };
    const dir = join(root, 'relax');
    const s = await service.run(spec, dir, { workers: 2 }).done;
    expect(s.status).toBe('completed');
    const t = service.readTaskTable(dir, 'quench-N1-epsf1.1-ness');
    expect(t.meta.reached_ness).toBe('true');
    // max|ρ − ρ_NESS| decays like e^{−λt} with λ ≈ 0.16 here: 1e-5 is reached near t ≈ 62
    expect(t.rows.length).toBeLessThan(501);
    expect(t.rows.at(-1)![0]).toBeGreaterThan(50);
    expect(t.rows.length).toBeGreaterThan(5);
    // the last state's moments agree with the exact NESS at ε_f (Drummond–Walls, independent of the Fock basis)
    const last = t.rows.at(-1)!;
    const ex = exactNess({ kappa: 0.5, delta: -2, u: 1, N: 1, eps: 1.1 });
    expect(Math.abs(last[t.columns.indexOf('n')] - ex.n)).toBeLessThan(1e-3);
    expect(Math.abs(last[t.columns.indexOf('a_re')] - ex.a_re)).toBeLessThan(1e-3);
    // the same arrival as the engine's serial runner (every observable and ρ within tol, decided in sample order),
    // with the distance and the basis history in the metadata
    const serial = runQuench({ kappa: 0.5, delta: -2, u: 1, N: 1, epsInitial: 0.5, epsFinal: 1.1, tMax: 100, dt: 0.2 }, undefined, { untilNess: { tol: 1e-5 } });
    expect(t.rows.length).toBe(serial.rows.length);
    expect(Number(t.meta.ness_distance)).toBe(serial.ness!.distance);
    expect(Number(t.meta.ness_distance)).toBeLessThanOrEqual(1e-5);
    expect(t.meta.K).toBe('adaptive');
    expect(t.meta.K_changes).toMatch(/→/);
  });
});
