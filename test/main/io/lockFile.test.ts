// The one-owner lock (src-main/io/lockFile.ts): exclusive create, stale only when the owner is gone, other hosts
// refused, and a race of many processes on a stale lock has exactly one winner (the race part needs `npm run build`).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, lockState, LockHeldError, parseOwner } from '../../../src-main/io/lockFile.js';
import { PROJECT_ROOT } from '../../../src-main/version.js';

const root = mkdtempSync(join(tmpdir(), 'epstudio-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A pid that certainly belongs to no running process any more. */
const deadPid = () => spawnSync('true').pid!;

describe('lock file', () => {
  it('is taken by one holder at a time, records pid, host and start time, and is released only by its owner', () => {
    const p = join(root, 'a.lock');
    const t0 = Date.now();
    const h = acquireLock(p, 'test');
    const o = JSON.parse(readFileSync(p, 'utf8'));
    expect(o.pid).toBe(process.pid);
    expect(o.host).toBe(hostname());
    expect(Math.abs(Date.parse(o.started) - t0)).toBeLessThan(5000);
    expect(o.purpose).toBe('test');
    expect(h.held()).toBe(true);
    let err: unknown;
    try {
      acquireLock(p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).owner?.pid).toBe(process.pid);
    expect((err as Error).message).toMatch(new RegExp(`process ${process.pid} since ${o.started.replace(/[.]/g, '\\.')}`));
    expect(lockState(p)).toMatchObject({ state: 'held', liveness: 'alive' });
    h.release();
    expect(existsSync(p)).toBe(false);
    h.release(); // idempotent
    // a handle never deletes a lock that is no longer its own
    const h2 = acquireLock(p);
    const mine = readFileSync(p, 'utf8');
    writeFileSync(p, JSON.stringify({ ...JSON.parse(mine), token: 'someone-else' }));
    expect(h2.held()).toBe(false);
    h2.release();
    expect(existsSync(p)).toBe(true);
    rmSync(p);
    // no temporary file is left beside the lock
    expect(readdirSync(root).filter((f) => f.startsWith('.a.lock') || f.startsWith('a.lock'))).toEqual([]);
  });

  it('takes over a lock whose owner is gone: dead pid, old {pid} format, reused pid, earlier boot', () => {
    const me = parseOwner(JSON.stringify({ pid: process.pid }))!;
    const cases: [string, object][] = [
      ['dead pid', { pid: deadPid(), host: hostname(), started: '2026-01-01T00:00:00Z', token: 'x' }],
      ['format before the host field', { pid: deadPid() }],
      // our own pid, but recorded with another process start time: the pid was reused, the owner is gone
      ['reused pid', { pid: process.pid, host: hostname(), started: '', token: 'y', procStart: '1' }],
      ['earlier boot', { pid: process.pid, host: hostname(), started: '', token: 'z', bootId: '00000000-0000-0000-0000-000000000000' }],
    ];
    for (const [name, stale] of cases) {
      if (name === 'reused pid' && !existsSync('/proc/self/stat')) continue;
      if (name === 'earlier boot' && !existsSync('/proc/sys/kernel/random/boot_id')) continue;
      const p = join(root, `stale-${name.replace(/\W/g, '_')}.lock`);
      writeFileSync(p, JSON.stringify(stale));
      expect(lockState(p), name).toMatchObject({ state: 'held', liveness: 'dead' });
      const h = acquireLock(p);
      expect(JSON.parse(readFileSync(p, 'utf8')).token, name).toBe(h.owner.token);
      h.release();
    }
    expect(me.host).toBe(hostname());
  });

  it('never takes over another host\'s lock (it cannot be checked from here) and says who holds it', () => {
    const p = join(root, 'other.lock');
    const theirs = JSON.stringify({ pid: deadPid(), host: 'cluster-node-7', started: '2026-12-01T10:00:00.000Z', token: 't' });
    writeFileSync(p, theirs);
    expect(() => acquireLock(p)).toThrow(/process \d+ on host "cluster-node-7" since 2026-12-01T10:00:00.000Z .*another host/);
    expect(readFileSync(p, 'utf8')).toBe(theirs);
  });

  it('refuses an unreadable lock file without deleting it', () => {
    const p = join(root, 'junk.lock');
    writeFileSync(p, 'not json');
    expect(() => acquireLock(p)).toThrow(/not a readable lock file/);
    expect(readFileSync(p, 'utf8')).toBe('not json');
  });

  it('a takeover interrupted by a kill (its breaker file left behind) does not block the next one', () => {
    const p = join(root, 'b.lock');
    const stale = JSON.stringify({ pid: deadPid(), host: hostname(), started: '', token: 's' });
    writeFileSync(p, stale);
    // the first contender took the breaker and was killed before deleting the stale lock
    const tag = createHash('sha256').update(stale).digest('hex').slice(0, 16);
    writeFileSync(`${p}.break-${tag}`, JSON.stringify({ pid: deadPid(), host: hostname(), started: '', token: 'k' }));
    const h = acquireLock(p);
    expect(h.held()).toBe(true);
    h.release();
  });

  it('5 processes race for one lock (free, or stale: its owner gone) in 40 rounds: exactly one owner each round', async () => {
    const dist = join(PROJECT_ROOT, 'dist', 'src-main', 'io', 'lockFile.js');
    expect(existsSync(dist), 'run `npm run build` first').toBe(true);
    const p = join(root, 'race.lock');
    // long-lived contenders (start-up is the slow part): on "go <instant>" each waits for that instant, tries once and
    // answers; on "drop" the winner releases
    const script = `
      const { acquireLock, LockHeldError } = await import(${JSON.stringify(pathToFileURL(dist).href)});
      let h = null, buf = '';
      process.stdin.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\\n')) >= 0) {
          const [cmd, arg] = buf.slice(0, i).split(' ');
          buf = buf.slice(i + 1);
          if (cmd === 'drop') { h?.release(); h = null; process.stdout.write('dropped\\n'); continue; }
          const at = Number(arg);
          while (Date.now() < at) {}
          try { h = acquireLock(${JSON.stringify(p)}); process.stdout.write('won\\n'); }
          catch (e) { process.stdout.write(e instanceof LockHeldError ? 'held ' + (e.owner ? e.owner.pid + ' ' + e.owner.token : '?') + '\\n' : 'error ' + e.message + '\\n'); }
        }
      });
      process.stdout.write('ready\\n');`;
    const N = 5;
    const kids = Array.from({ length: N }, () => {
      const c = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      const kid = { c, lines: [] as string[], buf: '' };
      c.stdout!.on('data', (d) => {
        kid.buf += d;
        let i;
        while ((i = kid.buf.indexOf('\n')) >= 0) {
          kid.lines.push(kid.buf.slice(0, i));
          kid.buf = kid.buf.slice(i + 1);
        }
      });
      return kid;
    });
    const next = async (k: (typeof kids)[number]) => {
      const t0 = Date.now();
      while (k.lines.length === 0 && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 2));
      return k.lines.shift() ?? 'timeout';
    };
    try {
      for (const k of kids) expect(await next(k)).toBe('ready');
      let stale = 0;
      for (let round = 0; round < 40; round++) {
        if (round % 2 === 0) {
          // a lock left by a process that is gone (kill -9): its takeover is the racy part
          writeFileSync(p, JSON.stringify({ pid: deadPid(), host: hostname(), started: '', token: `stale${round}` }));
          stale++;
        }
        const at = Date.now() + 40;
        for (const k of kids) k.c.stdin!.write(`go ${at}\n`);
        const answers = await Promise.all(kids.map(next));
        const winners = kids.filter((_, i) => answers[i] === 'won');
        expect(winners.length, `round ${round}: ${answers.join(' | ')}`).toBe(1);
        const owner = JSON.parse(readFileSync(p, 'utf8'));
        expect(owner.pid).toBe(winners[0].c.pid);
        // every loser named the winner (never the stale owner)
        for (let i = 0; i < N; i++) if (answers[i] !== 'won') expect(answers[i]).toBe(`held ${owner.pid} ${owner.token}`);
        winners[0].c.stdin!.write('drop\n');
        expect(await next(winners[0])).toBe('dropped');
        expect(existsSync(p)).toBe(false);
      }
      expect(stale).toBe(20);
    } finally {
      for (const k of kids) k.c.kill('SIGKILL');
    }
    // no temporary or breaker files left by the contenders
    expect(readdirSync(root).filter((f) => f.includes('race.lock'))).toEqual([]);
  }, 60_000);
});
