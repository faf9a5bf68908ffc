// A wrapped node:fs for tests (vi.mock('node:fs', …)): writes to files under `fault.under` behave like a disk that is
// filling up: write(2) writes at most `maxChunk` bytes per call, and once `budget` bytes have been written it writes
// only what still fits (a short write) and then fails with ENOSPC, as Linux does. Other calls can be made to fail
// with a given errno. Imports nothing from node:fs itself (it is the mock's factory).
import type * as FS from 'node:fs';

export const fault = {
  /** Only paths starting with this are affected ('' = none). */
  under: '',
  /** Bytes that still fit on the "disk". */
  budget: Infinity,
  /** Largest write(2) result (short writes without a full disk). */
  maxChunk: Infinity,
  /** write(2) returns 0 (no progress) instead of writing. */
  zero: false,
  /** errno for fsync / rename of affected paths ('' = none). */
  fsync: '',
  rename: '',
  /** Bytes written to affected files so far (all calls). */
  written: 0,
  reset(): void {
    Object.assign(fault, { under: '', budget: Infinity, maxChunk: Infinity, zero: false, fsync: '', rename: '', written: 0 });
  },
};

const errnoError = (code: string, call: string, path: string) =>
  Object.assign(new Error(`${code}: injected failure, ${call} '${path}'`), { code, syscall: call, path });

export function wrapFs(fs: typeof FS): typeof FS {
  const fdPath = new Map<number, string>();
  const hit = (p: string | undefined) => fault.under !== '' && p !== undefined && p.startsWith(fault.under);
  const w = {
    ...fs,
    openSync: ((p: FS.PathLike, ...rest: unknown[]) => {
      const fd = (fs.openSync as (...a: unknown[]) => number)(p, ...rest);
      fdPath.set(fd, String(p));
      return fd;
    }) as typeof fs.openSync,
    closeSync: ((fd: number) => {
      fdPath.delete(fd);
      fs.closeSync(fd);
    }) as typeof fs.closeSync,
    writeSync: ((fd: number, buf: unknown, ...rest: unknown[]) => {
      const p = fdPath.get(fd);
      if (!hit(p) || typeof buf === 'string') return (fs.writeSync as (...a: unknown[]) => number)(fd, buf, ...rest);
      const b = buf as Uint8Array;
      const off = (rest[0] as number | undefined) ?? 0;
      const len = (rest[1] as number | undefined) ?? b.length - off;
      if (fault.zero) return 0;
      if (fault.budget <= 0) throw errnoError('ENOSPC', 'write', p!);
      const n = Math.min(len, fault.budget, fault.maxChunk);
      const done = fs.writeSync(fd, b, off, n);
      fault.budget -= done;
      fault.written += done;
      return done;
    }) as typeof fs.writeSync,
    fsyncSync: ((fd: number) => {
      if (fault.fsync && hit(fdPath.get(fd))) throw errnoError(fault.fsync, 'fsync', fdPath.get(fd)!);
      fs.fsyncSync(fd);
    }) as typeof fs.fsyncSync,
    renameSync: ((a: FS.PathLike, b: FS.PathLike) => {
      if (fault.rename && hit(String(b))) throw errnoError(fault.rename, 'rename', String(a));
      fs.renameSync(a, b);
    }) as typeof fs.renameSync,
  };
  return { ...w, default: w } as unknown as typeof FS;
}
