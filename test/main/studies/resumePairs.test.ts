// One owner at a time, end to end: 20 pairs of `epstudio resume DIR` started together on one folder, half of them
// over a stale lock left by a kill -9 (the racy takeover), half over a free folder. Each time exactly one runs the study
// and the other exits 2 naming it; the owner is then killed -9 for the next pair. Needs `npm run build`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src-main/version.js';

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');
const root = mkdtempSync(join(tmpdir(), 'epstudio-pairs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Proc {
  pid: number;
  stderr: string;
  code?: number | null;
  exited: Promise<number | null>;
  kill(): void;
}

function start(...args: string[]): Proc {
  const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } });
  const p: Proc = {
    pid: c.pid!,
    stderr: '',
    exited: new Promise((res) => c.on('exit', (code) => res((p.code = code)))),
    kill: () => c.kill('SIGKILL'),
  };
  c.stderr!.on('data', (d) => (p.stderr += d));
  return p;
}

const lockPid = (dir: string) => {
  try {
    return JSON.parse(readFileSync(join(dir, '.lock'), 'utf8')).pid as number;
  } catch {
    return undefined;
  }
};

describe('simultaneous resumes', () => {
  it('20 pairs of `resume` started together: exactly one owner each time, the other refused naming it', async () => {
    // a study long enough (t ≤ 400 at N = 10) never to finish during a round
    const spec = join(root, 'long.json');
    writeFileSync(spec, JSON.stringify({ version: 1, name: 'long', tasks: [{ kind: 'quench', N: [10], epsInitial: 0.5, epsFinal: [1.1], tMax: 400, dt: 0.2 }] }));
    const dir = join(root, 'study');
    const first = start('run', spec, '--out', dir, '--workers', '1');
    // (the lock is taken before study.json is written: wait for both)
    while (lockPid(dir) !== first.pid || !existsSync(join(dir, 'manifest.json'))) await new Promise((r) => setTimeout(r, 20));
    first.kill();
    await first.exited;
    let overStale = 0;
    for (let round = 0; round < 20; round++) {
      if (round % 2 === 1) rmSync(join(dir, '.lock'), { force: true });
      else if (existsSync(join(dir, '.lock'))) overStale++;
      const pair = [start('resume', dir, '--workers', '1'), start('resume', dir, '--workers', '1')];
      const t0 = Date.now();
      while (pair.every((p) => p.code === undefined) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
      const loser = pair.find((p) => p.code !== undefined);
      const owner = pair.find((p) => p !== loser)!;
      expect(loser, `round ${round}: neither resume was refused within 60 s (two owners)`).toBeDefined();
      expect(loser!.code, `round ${round}: ${loser!.stderr}`).toBe(2);
      expect(loser!.stderr).toMatch(new RegExp(`process ${owner.pid} is running it since \\d{4}-`));
      // the other one owns the folder and is still running the study
      expect(owner.code, `round ${round}: ${owner.stderr}`).toBeUndefined();
      expect(lockPid(dir)).toBe(owner.pid);
      owner.kill();
      await owner.exited;
    }
    expect(overStale).toBe(10);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).tasks['quench-N10-epsf1.1'].state).toBe('running');
  }, 600_000);
});
