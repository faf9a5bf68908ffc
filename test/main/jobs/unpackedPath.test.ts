// Packaged app: worker threads cannot load from app.asar, so the pool must point at app.asar.unpacked.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpackedPath, workerScript, WORKER_SCRIPT } from '../../../src-main/jobs/pool.js';

describe('unpackedPath', () => {
  it('maps a path inside app.asar to app.asar.unpacked (POSIX and Windows separators)', () => {
    expect(unpackedPath('/opt/EP Studio/resources/app.asar/dist/workers/studyWorker.js')).toBe(
      '/opt/EP Studio/resources/app.asar.unpacked/dist/workers/studyWorker.js',
    );
    expect(unpackedPath('C:\\EP\\resources\\app.asar\\dist\\workers\\studyWorker.js')).toBe(
      'C:\\EP\\resources\\app.asar.unpacked\\dist\\workers\\studyWorker.js',
    );
  });
  it('leaves other paths alone, including an already unpacked one and look-alike names', () => {
    for (const p of ['/work/main/dist/workers/studyWorker.js', '/x/app.asar.unpacked/dist/w.js', '/x/myapp.asar/dist/w.js'])
      expect(unpackedPath(p)).toBe(p);
    expect(WORKER_SCRIPT).toMatch(/[\\/]dist[\\/]workers[\\/](bundled[\\/]studyWorker\.cjs|studyWorker\.js)$/);
  });
});

describe('workerScript', () => {
  it('starts the bundled worker unless tsc wrote its worker later (or the bundle is missing)', () => {
    const root = mkdtempSync(join(tmpdir(), 'epstudio-workerscript-'));
    try {
      const tsc = join(root, 'dist', 'workers', 'w.js');
      const bundled = join(root, 'dist', 'workers', 'bundled', 'w.cjs');
      mkdirSync(join(root, 'dist', 'workers', 'bundled'), { recursive: true });
      writeFileSync(tsc, '');
      expect(workerScript('w', root)).toBe(tsc); // only tsc has run
      writeFileSync(bundled, '');
      utimesSync(tsc, 1000, 1000);
      utimesSync(bundled, 2000, 2000);
      expect(workerScript('w', root)).toBe(bundled); // the full build: bundle after tsc
      utimesSync(tsc, 3000, 3000);
      expect(workerScript('w', root)).toBe(tsc); // tsc re-run since: the bundle may be stale
      rmSync(tsc);
      expect(workerScript('w', root)).toBe(bundled);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
