// A disk that fills up during a study: the run stops with "disk full" naming the file (exit 1 in the CLI), leaves no
// partial or temporary file, reports no damaged result as done, and the folder (in place once space is freed, or copied
// to another disk) resumes into files byte-identical to an undisturbed run.
// Two disks: an injected ENOSPC (a wrapped fs: short write, then ENOSPC, as Linux does) at many points of the run,
// always; and a real 600 KiB tmpfs where this process may mount one (root on Linux), else skipped with the reason.
// Needs `npm run build` (compiled workers; the CLI case spawns bin/epstudio.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as service from '../../../src-main/studies/service.js';
import { PROJECT_ROOT } from '../../../src-main/version.js';
import { fault } from '../io/faultyFs.js';
import { mountTmpfs, type Tmpfs } from '../io/tmpfs.js';
import { expectSameFiles, filesOf, resultFiles } from './helpers.js';

vi.mock('node:fs', async (orig) => (await import('../io/faultyFs.js')).wrapFs(await orig()));

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');
/** Small and quick (each case runs it twice): two trajectories, a NESS sweep, a Gaussian sweep, three figures. */
const SPEC = {
  version: 1,
  name: 'full',
  model: { kappa: 0.5, delta: -2, u: 1 },
  tasks: [
    { kind: 'quench', N: [1, 3], epsInitial: 0.5, epsFinal: [1.1], tMax: 2, dt: 0.2, figures: ['fig4'] },
    { kind: 'ness-sweep', method: 'exact', N: [3], eps: { from: 0, to: 1.5, points: 8 }, figures: ['fig2'] },
    { kind: 'gaussian-sweep', preset: 'cavity-bec', x: { from: 0, to: 0.9, points: 5 }, figures: ['g-fig3b'] },
  ],
};
const root = mkdtempSync(join(tmpdir(), 'epstudio-full-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every temporary file (of any writer) left under dir. */
const temps = (dir: string) => [...filesOf(dir).keys()].filter((k) => k.endsWith('.tmp'));

/** A run into dir: its summary, or the error it ended with (thrown at start or rejected by `done`). */
async function attempt(dir: string, resume: boolean, opts: service.StudyRunOptions = { workers: 2, checkpointSeconds: 3600 }): Promise<{ status?: string; error?: Error }> {
  try {
    const h = resume ? service.resume(dir, opts) : service.run(SPEC, dir, opts);
    return { status: (await h.done).status };
  } catch (e) {
    return { error: e as Error };
  }
}

let reference: Map<string, Buffer>;
/** Bytes an undisturbed run writes (all files, temporaries included; no checkpoints, so the same writes every time). */
let written = 0;
beforeAll(async () => {
  const dir = join(root, 'ref');
  fault.under = dir; // counted, never failed
  expect((await attempt(dir, false)).status).toBe('completed');
  written = fault.written;
  fault.reset();
  reference = resultFiles(dir);
}, 120_000);

/**
 * After a run that hit a full disk: no temporary file, the lock released, and every task status calls done has a CSV
 * equal to the undisturbed one (no truncated result passes as done); nothing is reported damaged.
 */
function expectConsistent(dir: string, completed = false): number {
  expect(temps(dir)).toEqual([]);
  expect(existsSync(join(dir, '.lock'))).toBe(false);
  if (!existsSync(join(dir, 'study.json'))) return 0;
  const st = service.status(dir);
  expect(st.damaged).toEqual([]);
  expect(st.status).toBe(completed ? 'completed' : 'interrupted');
  const done = st.tasks.filter((t) => t.state === 'done');
  for (const t of done) expect(readFileSync(join(dir, 'tasks', `${t.id}.csv`)).equals(reference.get(`tasks/${t.id}.csv`)!)).toBe(true);
  return done.length;
}

describe('disk full (injected ENOSPC through a wrapped fs)', () => {
  it('at 10 points of the run: "disk full" naming the file, a consistent folder, and resume gives the same bytes', async () => {
    expect(written).toBeGreaterThan(20_000);
    const seen = new Set<string>();
    let doneBefore = 0;
    const log: string[] = [];
    for (const frac of [0, 0.002, 0.05, 0.2, 0.4, 0.6, 0.8, 0.9, 0.97, 0.995]) {
      const dir = join(root, `inj${frac}`);
      fault.under = dir;
      fault.budget = Math.floor(frac * written);
      fault.maxChunk = 1500; // short writes along the way, as on a real disk
      const r = await attempt(dir, false);
      fault.reset();
      expect(r.error, `budget ${frac}`).toBeInstanceOf(service.StudyStorageError);
      const m = /^disk full: "(.*)" was not written \(ENOSPC\); the run stopped\. The study folder ".*" holds only whole files/.exec(r.error!.message);
      expect(m, r.error!.message).not.toBeNull();
      const file = relative(dir, m![1]);
      expect(file.startsWith('..')).toBe(false);
      seen.add(file.replace(/\/.*/, '/') || file);
      const nDone = expectConsistent(dir);
      doneBefore += nDone;
      log.push(`${frac}: ${file}, ${nDone} done`);
      // space again: the same folder finishes (a run that never wrote its study.json starts over)
      const fin = await attempt(dir, existsSync(join(dir, 'study.json')));
      expect(fin.status, String(fin.error)).toBe('completed');
      expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
      expect([...filesOf(dir).keys()].filter((k) => k.endsWith('.tmp') || k.startsWith('checkpoints/'))).toEqual([]);
    }
    // the full disk hit different files (lock, study, manifest, checkpoints, results) and some tasks had finished
    console.info(`disk full (injected) hit: ${log.join('; ')}`);
    expect(seen.size, log.join('; ')).toBeGreaterThanOrEqual(3);
    expect(doneBefore, log.join('; ')).toBeGreaterThan(0);
  }, 300_000);
});

describe('disk full on a real 600 KiB tmpfs', () => {
  // mounted when the suite runs (a filtered-out suite runs no hooks: nothing to leave mounted)
  let fs: Tmpfs | { skip: string } = { skip: 'not mounted' };
  beforeAll(() => {
    fs = mountTmpfs('600k');
    if ('skip' in fs) console.warn(`skipped the tmpfs disk-full tests: ${fs.skip}`);
  });
  afterAll(() => ('unmount' in fs ? fs.unmount() : undefined));
  /** Fill the tmpfs but `free` bytes with one file. */
  const ballast = (dir: string, free: number) => {
    rmSync(join(dir, 'ballast'), { force: true });
    const s = statfsSync(dir);
    writeFileSync(join(dir, 'ballast'), Buffer.alloc(Math.max(0, s.bavail * s.bsize - free)));
  };

  it('runs that fill the disk stop cleanly; copied to a large disk they resume into the same bytes', async (ctx) => {
    if ('skip' in fs) return ctx.skip();
    const tdir = fs.dir;
    let failed = 0;
    for (const freeK of [8, 20, 32]) {
      const dir = join(tdir, `s${freeK}`);
      ballast(tdir, freeK * 1024);
      // a checkpoint at every sample: the disk also fills while a trajectory is half done
      const r = await attempt(dir, false, { workers: 2, checkpointSeconds: 0, chunk: 2 });
      if (r.error) {
        failed++;
        console.info(`tmpfs with ${freeK} KiB free: ${r.error.message.slice(0, 90)}…`);
        expect(r.error.message).toMatch(/^disk full: ".*" was not written \(ENOSPC\); the run stopped/);
      } else expect(r.status).toBe('completed');
      expectConsistent(dir, !r.error);
      const copy = join(root, `copy${freeK}`);
      cpSync(dir, copy, { recursive: true });
      rmSync(dir, { recursive: true, force: true });
      const fin = await attempt(copy, true);
      expect(fin.status, String(fin.error)).toBe('completed');
      expect(expectSameFiles(reference, resultFiles(copy))).toEqual([]);
    }
    expect(failed).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('the CLI: exit 1 with "disk full" naming the file; after freeing space `resume` finishes it in place', (ctx) => {
    if ('skip' in fs) return ctx.skip();
    const tdir = fs.dir;
    const spec = join(root, 'fast.json');
    writeFileSync(spec, JSON.stringify(SPEC));
    const dir = join(tdir, 'cli');
    ballast(tdir, 40 * 1024);
    const r = spawnSync(process.execPath, [BIN, 'run', spec, '--out', dir, '--workers', '2', '--checkpoint-seconds', '0'], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/\nepstudio: disk full: ".*cli\/[\w/.-]+" was not written \(ENOSPC\); the run stopped\. .* then `epstudio resume` it\n$/);
    expect(temps(dir)).toEqual([]);
    rmSync(join(tdir, 'ballast'));
    const st = spawnSync(process.execPath, [BIN, 'status', dir], { encoding: 'utf8' });
    expect(st.stdout).toMatch(/: interrupted; /);
    const fin = spawnSync(process.execPath, [BIN, 'resume', dir, '--workers', '2'], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(fin.status, fin.stderr).toBe(0);
    expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual([]);
    expect(statSync(join(dir, 'manifest.json')).size).toBeGreaterThan(0);
  }, 120_000);
});
