/**
 * One owner at a time: a lock file taken by an exclusive create and holding who owns it (pid, host, start time).
 * Used for a whole study folder (`DIR/.lock`) and meant for per-task claims too (one lock file per task, same rule).
 *
 * Taking: the owner record is written to a temporary file first and then hard-linked to the lock's name. link(2),
 * like open(O_CREAT|O_EXCL) ('wx'), fails with EEXIST when the name exists, so exactly one contender wins; unlike 'wx'
 * followed by a write, a lock file never exists without its full content (a kill between create and write would
 * leave an empty lock nobody could judge). File systems without hard links fall back to 'wx'.
 *
 * Stale: only when its owner is gone: same host and (pid not running, or the pid now belongs to a process started
 * later, or the machine rebooted since). A lock of another host is never taken over: its process cannot be checked
 * from here, so the caller refuses and says who holds it.
 *
 * Taking over a stale lock without a race: two contenders that both judged it stale must not both delete it (the
 * slower one would delete the faster one's fresh lock). Deleting generation G of the lock requires holding
 * `<lock>.break-<hash of G's bytes>`, itself taken by this same function (so a breaker killed mid-way is stale in
 * turn), and re-reading the lock while holding it: only if the bytes are still G is it deleted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { tempPathFor } from './atomicWrite.js';

export interface LockOwner {
  pid: number;
  host: string;
  /** When the lock was taken (ISO 8601, UTC). */
  started: string;
  /** Unique per acquisition. */
  token: string;
  /** Linux: the kernel's boot id and the process start time (clock ticks since boot), so a reused pid is not its owner. */
  bootId?: string;
  procStart?: string;
  /** What the owner does with it (e.g. "resume", "run"). */
  purpose?: string;
}

/** 'unknown': another host's process (cannot be checked from here). */
export type Liveness = 'alive' | 'dead' | 'unknown';

export type LockState =
  | { state: 'free' }
  | { state: 'held'; owner: LockOwner; liveness: Liveness }
  /** The file exists but holds no owner record (edited by hand, or a 'wx' fallback caught mid-write). */
  | { state: 'unreadable' };

function readText(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

const procStartOf = (pid: number | 'self'): string | undefined => {
  const s = readText(`/proc/${pid}/stat`);
  if (!s) return undefined;
  // field 22 (starttime); the command name (field 2) is in parentheses and may hold spaces
  return s.slice(s.lastIndexOf(')') + 2).split(' ')[19];
};

const SELF = {
  pid: process.pid,
  host: hostname(),
  bootId: readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined,
  procStart: procStartOf('self'),
};

/** Parse a lock file's content; also the `{ "pid": n }` locks of versions before this module (same host by then). */
export function parseOwner(text: string): LockOwner | null {
  let o: Partial<LockOwner>;
  try {
    o = JSON.parse(text) as Partial<LockOwner>;
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object' || !Number.isInteger(o.pid) || (o.pid as number) <= 0) return null;
  return {
    pid: o.pid as number,
    host: typeof o.host === 'string' ? o.host : SELF.host,
    started: typeof o.started === 'string' ? o.started : '',
    token: typeof o.token === 'string' ? o.token : '',
    ...(typeof o.bootId === 'string' ? { bootId: o.bootId } : {}),
    ...(typeof o.procStart === 'string' ? { procStart: o.procStart } : {}),
    ...(typeof o.purpose === 'string' ? { purpose: o.purpose } : {}),
  };
}

/** Is that process still there? Only decidable on this host. */
export function ownerLiveness(o: Pick<LockOwner, 'pid' | 'host' | 'bootId' | 'procStart'>): Liveness {
  if (o.host !== SELF.host) return 'unknown';
  if (o.bootId && SELF.bootId && o.bootId !== SELF.bootId) return 'dead'; // rebooted since: every old pid is gone
  return pidLiveness(o.pid, o.procStart);
}

/** A pid on this host: running (and, when its start time was recorded, the same process), or gone. */
export function pidLiveness(pid: number, procStart?: string): 'alive' | 'dead' {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return 'dead';
  }
  if (procStart) {
    const now = procStartOf(pid);
    if (now !== undefined && now !== procStart) return 'dead'; // the pid was reused by a later process
  }
  return 'alive';
}

export function lockState(path: string): LockState {
  const text = readText(path);
  if (text === undefined) return { state: 'free' };
  const owner = parseOwner(text);
  return owner ? { state: 'held', owner, liveness: ownerLiveness(owner) } : { state: 'unreadable' };
}

/** Why a lock could not be taken: who holds it (null: the file is unreadable). */
export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly owner: LockOwner | null,
    readonly liveness: Liveness,
  ) {
    super(
      owner
        ? `${basename(path)} is held by ${describeOwner(owner)}${liveness === 'unknown' ? ' (another host: it cannot be checked from here; if that process is gone, delete the lock file)' : ''}`
        : `${basename(path)} is not a readable lock file (if no process uses this folder, delete it)`,
    );
    this.name = 'LockHeldError';
  }
}

/** "process 123 on host h since 2026-…" */
export function describeOwner(o: LockOwner): string {
  return `process ${o.pid}${o.host !== SELF.host ? ` on host ${JSON.stringify(o.host.slice(0, 64))}` : ''}${o.started ? ` since ${o.started}` : ''}`;
}

export interface LockHandle {
  readonly path: string;
  readonly owner: LockOwner;
  /** True while the lock file is still this acquisition's. */
  held(): boolean;
  /** Delete the lock file if it is still ours (idempotent). */
  release(): void;
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
const NO_LINK = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

function writeAll(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length; ) {
    const n = writeSync(fd, buf, off, buf.length - off);
    if (!(n > 0)) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    off += n;
  }
}

/** Exclusive create of `path` with `text`; false if the name exists. */
function createExclusive(path: string, text: string, tmp: string | null): boolean {
  if (tmp) {
    try {
      linkSync(tmp, path);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') return false;
      if (!NO_LINK.has(code)) throw e;
    }
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeAll(fd, Buffer.from(text));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Take the lock or throw LockHeldError naming its owner. A stale lock (owner gone, same host) is taken over.
 * I/O errors (disk full, permissions) are thrown as they are.
 */
export function acquireLock(path: string, purpose?: string): LockHandle {
  const owner: LockOwner = {
    pid: SELF.pid,
    host: SELF.host,
    started: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    ...(SELF.bootId ? { bootId: SELF.bootId } : {}),
    ...(SELF.procStart ? { procStart: SELF.procStart } : {}),
    ...(purpose ? { purpose } : {}),
  };
  const text = JSON.stringify(owner) + '\n';
  let tmp: string | null = tempPathFor(path);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeAll(fd, Buffer.from(text));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw e;
  }
  try {
    let unreadable = 0;
    for (let attempt = 0; attempt < 200; attempt++) {
      if (createExclusive(path, text, tmp)) return handle(path, owner, text);
      const cur = readText(path);
      if (cur === undefined) continue; // released meanwhile: try again
      const other = parseOwner(cur);
      if (!other) {
        // a 'wx' fallback between its create and its write looks like this for microseconds; a hand-edited file stays so
        if (++unreadable > 20) throw new LockHeldError(path, null, 'unknown');
        sleepSync(10);
        continue;
      }
      const liveness = ownerLiveness(other);
      if (liveness !== 'dead') throw new LockHeldError(path, other, liveness);
      breakStale(path, cur);
    }
    throw new LockHeldError(path, parseOwner(readText(path) ?? ''), 'alive');
  } finally {
    try {
      if (tmp) unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    tmp = null;
  }
}

/** Delete the lock file if (and only if) it still holds `stale`, the bytes judged stale. */
function breakStale(path: string, stale: string): void {
  let breaker: LockHandle;
  try {
    breaker = acquireLock(`${path}.break-${digest(stale)}`, 'break');
  } catch (e) {
    if (!(e instanceof LockHeldError)) throw e;
    sleepSync(5); // another contender is breaking it: look again shortly
    return;
  }
  try {
    if (readText(path) === stale) unlinkSync(path);
  } finally {
    breaker.release();
  }
}

function handle(path: string, owner: LockOwner, text: string): LockHandle {
  let released = false;
  return {
    path,
    owner,
    held: () => !released && readText(path) === text,
    release() {
      if (released) return;
      released = true;
      // only the owner deletes its lock; a breaker deletes only a dead owner's, so this one is still ours if equal
      if (readText(path) === text)
        try {
          unlinkSync(path);
        } catch {
          /* deleted by hand meanwhile */
        }
    },
  };
}

/**
 * Leftover breaker files beside a lock (a breaker killed between its two deletions): removed by the lock's owner
 * when their own owner is gone. Returns the names removed.
 */
export function removeDeadBreakers(path: string): string[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.break-`;
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const f of names) {
    if (!f.startsWith(prefix) || f.endsWith('.tmp')) continue;
    const o = parseOwner(readText(join(dir, f)) ?? '');
    if (o && ownerLiveness(o) === 'dead') {
      try {
        unlinkSync(join(dir, f));
        out.push(f);
      } catch {
        /* gone meanwhile */
      }
    }
  }
  return out;
}
