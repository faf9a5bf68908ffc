// writeFileAtomic: the whole buffer or nothing, on a disk that is filling up (a wrapped fs injecting short writes and
// ENOSPC, and a real 600 KiB tmpfs where this process may mount one), a failed fsync or rename, a folder in the way.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileWriteError, tempFileOwner, writeFileAtomic } from '../../../src-main/io/atomicWrite.js';
import { fault } from './faultyFs.js';
import { mountTmpfs, type Tmpfs } from './tmpfs.js';

vi.mock('node:fs', async (orig) => (await import('./faultyFs.js')).wrapFs(await orig()));

const root = mkdtempSync(join(tmpdir(), 'epstudio-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => fault.reset());

/** Deterministic bytes that no truncation or shift can mimic. */
const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24);
const leftovers = (d: string) => readdirSync(d).filter((f) => f.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('writes the whole buffer when write(2) writes only part of it per call', () => {
    const d = join(root, 'short');
    const data = payload(100_003);
    fault.under = d;
    fault.maxChunk = 4096;
    writeFileAtomic(join(d, 'a.bin'), data);
    expect(Buffer.from(readFileSync(join(d, 'a.bin'))).equals(Buffer.from(data))).toBe(true);
    expect(fault.written).toBe(data.length);
    expect(leftovers(d)).toEqual([]);
  });

  it('disk full mid-file (a short write, then ENOSPC): error names the file and "disk full"; old content kept, no temporary file', () => {
    const d = join(root, 'full');
    mkdirSync(d);
    const target = join(d, 'result.csv');
    writeFileSync(target, 'previous complete version\n');
    // every budget from "nothing fits" to "all but the last byte fits"
    for (const budget of [0, 1, 4095, 4096, 50_000, 99_999]) {
      fault.under = d;
      fault.budget = budget;
      fault.maxChunk = 8192;
      let err: unknown;
      try {
        writeFileAtomic(target, payload(100_000));
      } catch (e) {
        err = e;
      }
      expect(err, `budget ${budget}`).toBeInstanceOf(FileWriteError);
      expect((err as Error).message).toMatch(/^disk full: ".*full\/result\.csv" was not written \(ENOSPC\)$/);
      expect((err as FileWriteError).code).toBe('ENOSPC');
      expect(readFileSync(target, 'utf8')).toBe('previous complete version\n');
      expect(leftovers(d)).toEqual([]);
      fault.reset();
    }
  });

  it('a write that makes no progress ends with an error instead of looping', () => {
    const d = join(root, 'zero');
    fault.under = d;
    fault.zero = true;
    expect(() => writeFileAtomic(join(d, 'z'), 'abc')).toThrow(/^input\/output error \(disk or network file system\): ".*z" was not written \(EIO\)$/);
    expect(leftovers(d)).toEqual([]);
  });

  it('failed fsync or rename: error names the cause; target unchanged; no temporary file', () => {
    const d = join(root, 'sync');
    mkdirSync(d);
    const target = join(d, 'm.json');
    writeFileSync(target, '{"old":1}');
    fault.under = d;
    fault.fsync = 'EIO';
    expect(() => writeFileAtomic(target, '{"new":2}')).toThrow(/^input\/output error \(disk or network file system\): ".*m\.json" was not written \(EIO\)$/);
    fault.reset();
    fault.under = d;
    fault.rename = 'EXDEV';
    expect(() => writeFileAtomic(target, '{"new":2}')).toThrow(/cannot write: ".*m\.json" was not written \(EXDEV: injected failure\)/);
    expect(readFileSync(target, 'utf8')).toBe('{"old":1}');
    expect(leftovers(d)).toEqual([]);
  });

  it('a folder where the file should go: the rename fails, no temporary file is left beside it', () => {
    const d = join(root, 'dirtarget');
    mkdirSync(join(d, 'out.csv'), { recursive: true });
    expect(() => writeFileAtomic(join(d, 'out.csv'), 'x,y\n1,2\n')).toThrow(/a folder is in the way: ".*out\.csv" was not written \(EISDIR\)/);
    expect(statSync(join(d, 'out.csv')).isDirectory()).toBe(true);
    expect(leftovers(d)).toEqual([]);
  });

  it('long paths are quoted by their end (the file name stays readable, the message stays short)', () => {
    const deep = join(root, 'x'.repeat(120), 'y'.repeat(120), 'data.csv');
    fault.under = root;
    fault.budget = 0;
    let msg = '';
    try {
      writeFileAtomic(deep, 'a');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^disk full: "…y+\/data\.csv" was not written \(ENOSPC\)$/);
    expect(msg.length).toBeLessThan(130);
  });

  it('temporary names carry the writer: pid and host tag', () => {
    expect(tempFileOwner(`.a.csv.${process.pid}.0123abcd.ffee.tmp`)).toEqual({ pid: process.pid, hostTag: '0123abcd' });
    expect(tempFileOwner('.a.csv.77.1733390000000.tmp')).toMatchObject({ pid: 77 }); // names of earlier versions
    expect(tempFileOwner('a.csv')).toBeNull();
    expect(tempFileOwner('.a.csv.tmp')).toBeNull();
  });

  describe('on a real 600 KiB tmpfs', () => {
    // mounted when the suite runs (a filtered-out suite runs no hooks: nothing to leave mounted)
    let fs: Tmpfs | { skip: string } = { skip: 'not mounted' };
    beforeAll(() => {
      fs = mountTmpfs('600k');
      if ('skip' in fs) console.warn(`skipped the tmpfs disk-full test: ${fs.skip}`);
    });
    afterAll(() => ('unmount' in fs ? fs.unmount() : undefined));
    it('a 1 MiB file: "disk full", no file, no temporary file; a file that fits still works', (ctx) => {
      if ('skip' in fs) return ctx.skip();
      const dir = fs.dir;
      const target = join(dir, 'big.bin');
      expect(() => writeFileAtomic(target, payload(1 << 20))).toThrow(/^disk full: ".*big\.bin" was not written \(ENOSPC\)$/);
      expect(readdirSync(dir)).toEqual([]);
      const small = payload(200_000);
      writeFileAtomic(target, small);
      expect(Buffer.from(readFileSync(target)).equals(Buffer.from(small))).toBe(true);
      expect(readdirSync(dir)).toEqual(['big.bin']);
    });
  });
});
