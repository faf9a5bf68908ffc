import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParameterError } from '../../../src-core/validation.js';
import { hostTag } from '../../../src-main/io/atomicWrite.js';
import { toCsv } from '../../../src-main/io/csv.js';
import { getPreset } from '../../../src-main/studies/presets.js';
import { decodeCheckpoint, encodeCheckpoint, parseTable, StudyStore } from '../../../src-main/studies/store.js';

const root = mkdtempSync(join(tmpdir(), 'epstudio-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('study store', () => {
  it('checkpoints round-trip bit for bit and a damaged one is refused', () => {
    const K = 7;
    const re = Float64Array.from({ length: K * K }, (_, i) => Math.sin(i) / 3);
    const im = Float64Array.from({ length: K * K }, (_, i) => Math.cos(i * 1.7) * 1e-300);
    const rows = Float64Array.from({ length: 5 * 3 }, (_, i) => (i === 4 ? -0 : i === 7 ? Number.MIN_VALUE : 1 / (i + 0.1)));
    const bytes = encodeCheckpoint({ kind: 'quench', nRows: 5, nCols: 3, mask: new Uint8Array(5).fill(1), rows, K, re, im });
    const c = decodeCheckpoint(bytes)!;
    expect(c.kind).toBe('quench');
    expect(c.K).toBe(K);
    expect(Buffer.from(c.rows.buffer).equals(Buffer.from(rows.buffer))).toBe(true);
    expect(Buffer.from(c.re!.buffer).equals(Buffer.from(re.buffer))).toBe(true);
    expect(Buffer.from(c.im!.buffer).equals(Buffer.from(im.buffer))).toBe(true);
    // any flipped byte or truncation → null (the task then restarts rather than continuing from garbage)
    for (const at of [0, 13, 40, bytes.length - 100, bytes.length - 1]) {
      const bad = bytes.slice();
      bad[at] ^= 0x10;
      expect(decodeCheckpoint(bad)).toBeNull();
    }
    expect(decodeCheckpoint(bytes.subarray(0, bytes.length - 9))).toBeNull();
    const sweep = decodeCheckpoint(encodeCheckpoint({ kind: 'sweep', nRows: 9, nCols: 2, mask: Uint8Array.of(1, 0, 0, 1, 0, 0, 0, 0, 1), rows: new Float64Array(18).fill(2.5), K: 0 }))!;
    expect(Array.from(sweep.mask)).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(sweep.re).toBeUndefined();
  });

  it('CSV numbers read back exactly (shortest round-trip form), with metadata', () => {
    const xs = [Math.PI, -1e-310, 1 / 3, 123456789.123456789, 0.1 + 0.2, -0, 5e-324, Number.MAX_VALUE];
    const text = toCsv({ meta: { a: 1, b: 'x: y' }, columns: ['v', 'w'], rows: xs.map((x, i) => [x, i]) });
    const t = parseTable(text);
    expect(t.meta).toEqual({ a: '1', b: 'x: y' });
    expect(t.columns).toEqual(['v', 'w']);
    t.rows.forEach((r, i) => expect(Object.is(r[0], xs[i] === -0 ? 0 : xs[i])).toBe(true));
    // a result never carries a non-finite number: the one CSV writer refuses it, naming column and row
    for (const bad of [NaN, Infinity, -Infinity]) expect(() => toCsv({ meta: {}, columns: ['v'], rows: [[1], [bad]] })).toThrow(/non-finite.*column "v", data row 2/);
  });

  it('creates, reopens read-only and refuses to overwrite; the owner removes only dead writers\' temporary files; detects an edited spec', () => {
    const dir = join(root, 's1');
    const s = StudyStore.create(dir, getPreset('kerr-quench-demo'));
    expect(s.owned).toBe(true);
    expect(() => StudyStore.create(dir, getPreset('kerr-quench-demo'))).toThrow(ParameterError);
    // a dead writer's leftover (pid of a process that has exited) and a live writer's file in progress
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = spawn('sleep', ['30']);
    const deadTmp = `.x.csv.${dead}.${hostTag()}.0a1b2c.tmp`;
    const liveTmp = `.y.csv.${live.pid}.${hostTag()}.0a1b2d.tmp`;
    const otherHost = `.z.csv.${dead}.ffffffff.0a1b2e.tmp`;
    for (const f of [deadTmp, liveTmp, otherHost]) writeFileSync(join(dir, 'tasks', f), 'partial');
    const s2 = StudyStore.open(dir);
    expect(s2.study.hash).toBe(s.study.hash);
    expect(s2.owned).toBe(false);
    // opening (a reader) removes nothing; claiming is refused while this process's first handle owns the folder
    expect(readdirSync(join(dir, 'tasks')).sort()).toEqual([deadTmp, liveTmp, otherHost].sort());
    expect(() => s2.claim()).toThrow(/process \d+ .*is running it/);
    s.release();
    s2.claim();
    live.kill();
    // the new owner removed the dead writer's file only: a live process's and another host's stay
    expect(readdirSync(join(dir, 'tasks')).sort()).toEqual([liveTmp, otherHost].sort());
    s2.release();
    const study = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
    study.spec.tasks[0].tMax = 6;
    writeFileSync(join(dir, 'study.json'), JSON.stringify(study));
    expect(() => StudyStore.open(dir)).toThrow(/hash/);
    expect(() => StudyStore.open(join(root, 'nothing'))).toThrow(ParameterError);
  });

  it('a reader cannot write: every write method of a store opened read-only throws', () => {
    const dir = join(root, 's2');
    StudyStore.create(dir, getPreset('kerr-quench-demo')).release();
    const r = StudyStore.open(dir);
    expect(() => r.saveManifest()).toThrow(/without owning it/);
    expect(() => r.writeResult('quench-N1-epsf1.1', {}, ['t'], [[0]])).toThrow(/without owning it/);
    expect(() => r.removeCheckpoint('quench-N1-epsf1.1')).toThrow(/without owning it/);
  });
});
