// kill -9 at random moments during real CLI runs (child processes), then resume: the result files must equal those of an
// uninterrupted run byte for byte, and every intermediate state of the folder must be readable (needs `npm run build`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src-main/version.js';
import { decodeCheckpoint, parseTable } from '../../../src-main/studies/store.js';
import { expectSameFiles, filesOf, resultFiles, SMALL_SPEC } from './helpers.js';

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');
const root = mkdtempSync(join(tmpdir(), 'epstudio-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });

describe('study CLI under kill -9', () => {
  // One uninterrupted reference run for both tests.
  const spec = join(root, 'small.json');
  let reference: Map<string, Buffer>;
  let refMs = 1500;
  beforeAll(() => {
    writeFileSync(spec, JSON.stringify(SMALL_SPEC));
    const t0 = Date.now();
    const r = cli('run', spec, '--out', join(root, 'ref'), '--workers', '2');
    refMs = Date.now() - t0;
    expect(r.status, r.stderr).toBe(0);
    reference = resultFiles(join(root, 'ref'));
  });
  it('kill -9 at 12+ random moments, then resume: the same files byte for byte, nothing lost or corrupted', async () => {
    let seed = 987654321;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let interrupted = 0, chains = 0;
    // Chains of run/resume, each killed at a random moment, until 12 kills have hit a running study.
    while (interrupted < 12 && chains < 24) {
      const dir = join(root, `kill${chains++}`);
      for (let k = 0; k < 5; k++) {
        const args = existsSync(join(dir, 'study.json')) ? ['resume', dir] : ['run', spec, '--out', dir];
        args.push('--workers', String(1 + (k % 2)), '--checkpoint-seconds', '0');
        const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
        // kill somewhere between node's start-up and the end of a whole run, scaled by the measured reference run so
        // that faster engines or machines still get interrupted mid-study
        const timer = setTimeout(() => child.kill('SIGKILL'), 150 + rand() * Math.max(300, 0.9 * refMs - 150));
        const code = await exited;
        clearTimeout(timer);
        if (code !== null) {
          expect(code, err).toBe(0); // finished before the kill: this chain is done
          break;
        }
        interrupted++;
        // after every kill the folder is consistent: status reads it, finished CSVs are complete, checkpoints intact
        const st = cli('status', dir, '--json');
        if (st.status !== 0) {
          expect(existsSync(join(dir, 'study.json'))).toBe(false); // killed before the study existed
          continue;
        }
        const s = JSON.parse(st.stdout);
        // a run killed mid-way is reported as interrupted (its pid in .lock is dead), never as running; a kill never
        // damages a finished file
        expect(['interrupted', 'completed']).toContain(s.status);
        expect(s.damaged).toEqual([]);
        for (const t of s.tasks.filter((x: { state: string }) => x.state === 'done')) {
          const tab = parseTable(readFileSync(join(dir, 'tasks', `${t.id}.csv`), 'utf8'));
          expect(tab.rows.length).toBe(t.samples);
          expect(tab.rows.every((r) => r.every((v) => Number.isFinite(v)))).toBe(true);
        }
        for (const f of readdirSync(join(dir, 'checkpoints')).filter((x) => x.endsWith('.ckpt')))
          expect(decodeCheckpoint(readFileSync(join(dir, 'checkpoints', f))), f).not.toBeNull();
      }
      const fin = existsSync(join(dir, 'study.json')) ? cli('resume', dir, '--workers', '2') : cli('run', spec, '--out', dir, '--workers', '2');
      expect(fin.status, fin.stderr).toBe(0);
      expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
      expect([...filesOf(dir).keys()].filter((k) => k.endsWith('.tmp') || k.startsWith('checkpoints/'))).toEqual([]);
    }
    expect(interrupted).toBeGreaterThanOrEqual(12);
  });

  it('Ctrl-C (SIGINT) cancels cleanly: exit 130, a consistent cancelled folder, and resume finishes it identically', async () => {
    const dir = join(root, 'sigint');
    const child = spawn(process.execPath, [BIN, 'run', spec, '--out', dir, '--workers', '2', '--checkpoint-seconds', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CI: '1' },
    });
    let err = '';
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // interrupt as soon as the first trajectory has written a checkpoint
    const timer = setInterval(() => {
      if (existsSync(join(dir, 'checkpoints')) && readdirSync(join(dir, 'checkpoints')).some((f) => f.startsWith('quench-'))) {
        clearInterval(timer);
        child.kill('SIGINT');
      }
    }, 20);
    child.stderr.on('data', (d) => (err += d));
    const code = await exited;
    clearInterval(timer);
    expect(code, err).toBe(130);
    expect(err).toMatch(/cancelling/);
    expect(err).toMatch(/resume with: epstudio resume/);
    const st = JSON.parse(cli('status', dir, '--json').stdout);
    expect(st.status).toBe('cancelled');
    expect(st.counts.done).toBeLessThan(st.tasks.length);
    expect([...filesOf(dir).keys()].filter((k) => k.endsWith('.tmp'))).toEqual([]);
    expect(cli('resume', dir).status).toBe(0);
    expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
  });

  it('a second process may not run a study folder that a live process is running', async () => {
    const long = join(root, 'long.json');
    writeFileSync(long, JSON.stringify({ version: 1, name: 'long', tasks: [{ kind: 'quench', N: [10], epsInitial: 0.5, epsFinal: [1.1], tMax: 400, dt: 0.2 }] }));
    // (t ≤ 400: seconds of work, so the study is certainly still running when the second process looks; it is killed
    // right after, so the length costs nothing)
    const dir = join(root, 'busy');
    const child = spawn(process.execPath, [BIN, 'run', long, '--out', dir, '--workers', '1'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    while (!existsSync(join(dir, '.lock'))) await new Promise((r) => setTimeout(r, 20));
    const second = cli('resume', dir);
    child.kill('SIGKILL');
    expect(await exited).toBeNull();
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`process ${child.pid} is running it since \\d{4}-`));
    // once that process is dead, its stale lock is ignored
    expect(JSON.parse(cli('status', dir, '--json').stdout).status).toBe('interrupted');
  });
  it('resume across changes of the adaptive Fock basis (and an untilNess run) is byte-identical', async () => {
    // N = 5, t ≤ 3: K grows several times (issue 12); N = 1 until 1e-3 of the NESS. The checkpoint carries each sample's K, the
    // kinds of change and the NESS distance, so the resumed CSVs (K_changes metadata included) match exactly.
    const grow = join(root, 'grow.json');
    writeFileSync(grow, JSON.stringify({ version: 1, name: 'grow', tasks: [
      { kind: 'quench', N: [5], epsInitial: 0.5, epsFinal: [1.1], tMax: 3, dt: 0.2 },
      { kind: 'quench', N: [1], epsInitial: 0.5, epsFinal: [1.1], tMax: 100, dt: 0.2, untilNess: 1e-3 },
    ] }));
    const t0 = Date.now();
    const ref = cli('run', grow, '--out', join(root, 'grow-ref'), '--workers', '1');
    const ms = Date.now() - t0;
    expect(ref.status, ref.stderr).toBe(0);
    const refFiles = resultFiles(join(root, 'grow-ref'));
    const tab = parseTable(readFileSync(join(root, 'grow-ref', 'tasks', 'quench-N5-epsf1.1.csv'), 'utf8'));
    expect(tab.meta.K_changes).toMatch(/\d+→\d+.*\d+→\d+/); // two or more changes
    let seed = 12345, kills = 0;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const dir = join(root, 'grow-kill');
    for (let k = 0; k < 6 && kills < 3; k++) {
      const args = existsSync(join(dir, 'study.json')) ? ['resume', dir] : ['run', grow, '--out', dir];
      const child = spawn(process.execPath, [BIN, ...args, '--workers', String(1 + (k % 2)), '--checkpoint-seconds', '0'], { stdio: 'ignore', env: { ...process.env, CI: '1' } });
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      const timer = setTimeout(() => child.kill('SIGKILL'), 300 + rand() * Math.max(200, 0.6 * ms - 300));
      const code = await exited;
      clearTimeout(timer);
      if (code !== null) break;
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(1);
    const fin = existsSync(join(dir, 'study.json')) ? cli('resume', dir, '--workers', '2') : cli('run', grow, '--out', dir, '--workers', '2');
    expect(fin.status, fin.stderr).toBe(0);
    expect(expectSameFiles(refFiles, resultFiles(dir))).toEqual([]);
  });
});
