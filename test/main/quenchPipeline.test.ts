/**
 * The quench's observables on a worker thread (src-main/jobs/observePipeline.ts, workers/observeWorker.ts): the
 * pipelined run gives the serial run's result to the bit (observe is a pure function of (ρ, i)), whoever observed
 * which sample, with the K history, the arrival at the NESS, the counters and the errors of the serial loop.
 * Needs the build (dist/workers/observeWorker.js; `npm run build`, as the other CLI tests).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kerrQuenchObserve, planQuench, runQuench, type QuenchResult, type QuenchSpec } from '../../src-core/kerr/quench.js';
import { modelQuenchObserve, planModelQuench, runModelQuench, type ModelQuenchSpec } from '../../src-core/model/quench.js';
import { startObservePipeline, type ObservePipeline } from '../../src-main/jobs/observePipeline.js';
import { PROJECT_ROOT } from '../../src-main/version.js';
import { parseTiming } from '../../src-main/cli/timing.js';

const model = { kappa: 0.5, delta: -2, u: 1 };
const pipes: ObservePipeline[] = [];
afterAll(async () => {
  await Promise.all(pipes.map((p) => p.close()));
});

/** A pipeline whose worker has loaded the engine, so that it surely takes part in a short run. */
function readyPipeline(kind: 'kerr' | 'two-photon-kerr', opts: { lag?: number; depth?: number; script?: string } = {}): ObservePipeline {
  const p = startObservePipeline(kind, opts);
  pipes.push(p);
  if (!opts.script) expect(p.waitReady(30_000)).toBe(true);
  return p;
}

/** Everything of a run except its wall-clock timing. */
const comparable = (r: Omit<QuenchResult, 'plan'>) => {
  const { timing: _t, ...rest } = r;
  return rest;
};

describe('pipelined quench observables (in-process engine)', () => {
  // N = 5, ε 0.5 → 1.1: the basis grows 25 → 37 in the first 1.4 time units
  const spec: QuenchSpec = { ...model, N: 5, epsInitial: 0.5, epsFinal: 1.1, tMax: 8, dt: 0.2 };

  it('work shared between the worker and this thread: rows, K history and counters bit-identical to the serial run', () => {
    const serial = runQuench(spec);
    // lag 2, depth 1: whenever the worker is still busy when this thread is two samples ahead, it observes here
    const pipe = readyPipeline('kerr', { lag: 2, depth: 1 });
    const plan = planQuench(spec);
    const onSample: number[] = [];
    const piped = runQuench(plan, (i) => onSample.push(i), { observer: pipe.observer({ model: 'kerr', initial: plan.initial, final: plan.final }, kerrQuenchObserve(plan)) });
    expect(comparable(piped)).toEqual(comparable(serial));
    expect(serial.changes.length).toBeGreaterThan(0);
    expect(onSample).toEqual([...serial.rows.keys()]);
    // both threads observed samples (the worker's first, JIT-cold observations are far slower than a propagation)
    expect(pipe.stats.worker).toBeGreaterThan(0);
    expect(pipe.stats.local).toBeGreaterThan(0);
    expect(pipe.stats.worker + pipe.stats.local).toBe(serial.rows.length);
  });

  it('until the NESS: the same arrival sample, distance and propagator counters (states propagated beyond it dropped)', () => {
    const s: QuenchSpec = { ...model, N: 1, epsInitial: 0.5, epsFinal: 1.1, tMax: 200, dt: 0.2 };
    const until = { tol: 1e-3, gap: null };
    const serial = runQuench(s, undefined, { untilNess: until });
    const pipe = readyPipeline('kerr', { lag: 16 });
    const plan = planQuench(s);
    const piped = runQuench(plan, undefined, { untilNess: until, observer: pipe.observer({ model: 'kerr', initial: plan.initial, final: plan.final }, kerrQuenchObserve(plan)) });
    expect(serial.ness!.reached).toBe(true);
    expect(serial.rows.length).toBeLessThan(plan.samples - 16);
    expect(comparable(piped)).toEqual(comparable(serial));
    expect(pipe.stats.worker + pipe.stats.local).toBeGreaterThanOrEqual(serial.rows.length);
  });

  it('a basis too small: the same rows, then the truncation guard’s error at the same sample', () => {
    const s: QuenchSpec = { ...spec, K: 26, tMax: 4 };
    const run = (observer?: NonNullable<Parameters<typeof runQuench>[2]>['observer']) => {
      const rows: number[][] = [];
      let error = '';
      try {
        runQuench(s, (_i, row) => rows.push(row), { observer });
      } catch (e) {
        error = (e as Error).message;
      }
      return { rows, error };
    };
    const serial = run();
    expect(serial.error).toMatch(/top|K = 26/);
    expect(serial.rows.length).toBeGreaterThan(0);
    const pipe = readyPipeline('kerr', { lag: 8 });
    const plan = planQuench(s);
    expect(run(pipe.observer({ model: 'kerr', initial: plan.initial, final: plan.final }, kerrQuenchObserve(plan)))).toEqual(serial);
  });

  it('a worker that never starts: every sample observed here, the same result', () => {
    const pipe = readyPipeline('kerr', { script: join(tmpdir(), 'no-such-epstudio-worker.js') });
    const plan = planQuench(spec);
    const piped = runQuench(plan, undefined, { observer: pipe.observer({ model: 'kerr', initial: plan.initial, final: plan.final }, kerrQuenchObserve(plan)) });
    expect(comparable(piped)).toEqual(comparable(runQuench(spec)));
    expect(pipe.stats.worker).toBe(0);
  });

  it('the two-photon model quench, with the balance column dS_W kept in sample order', () => {
    const b = { ...model, N: 4, eps: 0, eta0: 0 };
    const ms: ModelQuenchSpec = { model: 'two-photon-kerr', initial: { ...b, g: 0.3 }, final: { ...b, g: 1 }, tMax: 3, dt: 0.2 };
    const serial = runModelQuench(ms, undefined, { balance: true });
    const pipe = readyPipeline('two-photon-kerr', { lag: 2, depth: 1 });
    const plan = planModelQuench(ms);
    const o = { initial: plan.initial, final: plan.final, balance: true };
    const piped = runModelQuench(ms, undefined, { balance: true, observer: pipe.observer({ model: 'two-photon-kerr', ...o }, modelQuenchObserve(o)) });
    expect(comparable(piped)).toEqual(comparable(serial));
    expect(serial.dS_W!.length).toBe(serial.rows.length);
    expect(pipe.stats.worker).toBeGreaterThan(0);
  });
});

describe('epstudio quench: the pipelined CSV is the serial one, byte for byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'epstudio-qpipe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * One CLI run in a folder of its own (the CSV's `program` line holds the relative path): the CSV without its date
   * line, stderr without the lines that carry wall-clock time, and the pipeline's counters.
   */
  const run = (mode: 'serial' | 'piped', name: string, args: string[]) => {
    const cwd = join(dir, `${name}-${mode}`);
    mkdirSync(cwd);
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'epstudio.mjs'), 'quench', ...args, '--csv', 'q.csv'], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, EPSTUDIO_TIMING: '1', EPSTUDIO_QUENCH_PIPELINE: mode === 'serial' ? '0' : '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const csv = readFileSync(join(cwd, 'q.csv'), 'utf8');
    expect(csv).toMatch(/^# date: /m);
    const timed = /^(quench: sample |quench: Liouvillian gap|epstudio-timing:|epstudio-pipeline:)/;
    const m = /epstudio-pipeline: worker_samples=(\d+) local_samples=(\d+)/.exec(r.stderr);
    return {
      csv: csv.replace(/^# date: .*\n/m, ''),
      stderr: r.stderr.split('\n').filter((l) => !timed.test(l)),
      progress: r.stderr.split('\n').filter((l) => l.startsWith('quench: sample ')).map((l) => l.replace(/, [\d.]+ s(;|$)/, '$1')),
      shared: m ? { worker: Number(m[1]), local: Number(m[2]) } : undefined,
      timing: parseTiming(r.stderr),
    };
  };

  it.each([
    ['kerr', ['--N', '5', '--eps-f', '1.1', '--t-max', '10']],
    ['until-ness', ['--N', '1', '--eps-f', '1.1', '--t-max', '200', '--until-ness', '--tol', '1e-3']],
    ['two-photon', ['--model', 'two-photon-kerr', '--N', '5', '--g-i', '0.3', '--g-f', '1', '--t-max', '6']],
  ])('%s', (name, args) => {
    const serial = run('serial', name, args), piped = run('piped', name, args);
    expect(piped.csv).toBe(serial.csv);
    expect(piped.stderr).toEqual(serial.stderr);
    // EPSTUDIO_TIMING counts the run as compute for every model (the two-photon quench reported 0 before)
    for (const t of [serial.timing!, piped.timing!]) {
      expect(t.compute).toBeGreaterThan(0.01);
      expect(t.compute).toBeLessThanOrEqual(t.wall);
    }
    expect(serial.shared).toBeUndefined();
    // every sample observed once, by the worker or here; the progress lines are throttled by wall time, but the first
    // (and the last of a run to t_max) are always written, with the same K, top population and NESS distance
    const rows = serial.csv.split('\n').filter((l) => /^\d/.test(l)).length;
    // (until the NESS: also the samples propagated beyond the arrival that were observed before it was known)
    if (name === 'until-ness') expect(piped.shared!.worker + piped.shared!.local).toBeGreaterThanOrEqual(rows);
    else expect(piped.shared!.worker + piped.shared!.local).toBe(rows);
    expect(serial.progress[0]).toMatch(/^quench: sample 1\//);
    expect(piped.progress[0]).toBe(serial.progress[0]);
    if (name !== 'until-ness') {
      expect(serial.progress[serial.progress.length - 1]).toMatch(new RegExp(`^quench: sample ${rows}/`));
      expect(piped.progress[piped.progress.length - 1]).toBe(serial.progress[serial.progress.length - 1]);
    }
  });
});
