// Packaged app: worker threads cannot load from app.asar, so the pool must point at app.asar.unpacked.
import { describe, expect, it } from 'vitest';
import { unpackedPath, WORKER_SCRIPT } from '../../../src-main/jobs/pool.js';

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
    expect(WORKER_SCRIPT.endsWith('studyWorker.js')).toBe(true);
  });
});
