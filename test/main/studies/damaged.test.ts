// Integrity by content: a finished file that is missing, empty, truncated (mid-line or at a line boundary), bit-flipped
// or extended is never "done". status names it and says "damaged", readTaskTable does not serve it, export refuses the
// study naming it, and resume recomputes exactly that task (or figure) into files byte-identical to an undisturbed run.
// Folders of an older version (no hashes) open as "unverified" and get their hashes on the first resume.
// Needs `npm run build` (compiled workers; the CLI cases spawn bin/epstudio.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyEvent } from '../../../src-main/api/events.js';
import * as service from '../../../src-main/studies/service.js';
import { PROJECT_ROOT } from '../../../src-main/version.js';
import { expectSameFiles, resultFiles, SMALL_SPEC } from './helpers.js';

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');
const root = mkdtempSync(join(tmpdir(), 'epstudio-damaged-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });

type Damage = (p: string) => void;
/** The ways a finished file gets damaged after the fact (a full disk of an older version, a bad copy, a bad sector). */
const DAMAGES: Record<string, Damage> = {
  missing: (p) => rmSync(p),
  'empty (0 bytes)': (p) => truncateSync(p, 0),
  'truncated mid-line': (p) => truncateSync(p, Math.floor(readFileSync(p).length * 0.6)),
  // still a valid CSV, one row short: only the recorded size tells
  'truncated at a line boundary': (p) => {
    const b = readFileSync(p);
    truncateSync(p, b.lastIndexOf(0x0a, b.length - 2) + 1);
  },
  // one digit of the last row changed: same size, still a valid CSV, a plausible number; only the hash tells
  'one digit changed': (p) => {
    const b = readFileSync(p);
    let i = b.length - 2;
    while (!(b[i] >= 0x30 && b[i] <= 0x39)) i--;
    b[i] = b[i] === 0x39 ? 0x38 : b[i] + 1;
    writeFileSync(p, b);
  },
  'a row appended': (p) => writeFileSync(p, Buffer.concat([readFileSync(p), Buffer.from('1,2,3\n')])),
};
const REASON: Record<string, RegExp> = {
  missing: /^missing$/,
  'empty (0 bytes)': /^empty \(0 bytes; \d+ recorded\)$/,
  'truncated mid-line': /^truncated \(\d+ of \d+ bytes\)$/,
  'truncated at a line boundary': /^truncated \(\d+ of \d+ bytes\)$/,
  'one digit changed': /^altered \(same size, content differs from its recorded sha256\)$/,
  'a row appended': /^longer than recorded \(\d+ bytes; \d+ recorded\)$/,
};

describe('damaged results', () => {
  const ref = join(root, 'ref');
  let reference: Map<string, Buffer>;
  beforeAll(async () => {
    expect((await service.run(SMALL_SPEC, ref, { workers: 2 }).done).status).toBe('completed');
    reference = resultFiles(ref);
  }, 120_000);

  // a quench trajectory, a NESS sweep, and a figure table (derived from task files, rewritten by resume)
  const targets: [string, string | null][] = [
    ['tasks/quench-N5-epsf1.1.csv', 'quench-N5-epsf1.1'],
    ['tasks/ness-exact-N5.csv', 'ness-exact-N5'],
    ['figures/fig4.csv', null],
  ];
  let cases = 0;
  for (const [file, task] of targets)
    for (const [kind, damage] of Object.entries(DAMAGES))
      it(`${file}: ${kind} → reported damaged, not served, export refused, resume restores the same bytes`, async () => {
        const dir = join(root, `${cases++}`);
        cpSync(ref, dir, { recursive: true });
        damage(join(dir, file));

        const st = service.status(dir);
        expect(st.status).toBe('damaged');
        expect(st.damaged).toEqual([{ file, ...(task ? { task } : {}), reason: expect.stringMatching(REASON[kind]) }]);
        if (task) {
          const t = st.tasks.find((x) => x.id === task)!;
          expect(t.state).not.toBe('done');
          expect(t.damaged).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}: `));
          expect(st.counts.done).toBe(st.tasks.length - 1);
          const tab = service.readTaskTable(dir, task);
          expect(tab.complete).toBe(false);
          expect(tab.rows).toEqual([]);
          expect(tab.damaged).toBe(t.damaged);
        } else expect(st.counts.done).toBe(st.tasks.length);
        expect(() => service.checkExportable(dir)).toThrow(new RegExp(`${file.replace(/[.]/g, '\\.')} is damaged: `));

        const events: StudyEvent[] = [];
        const h = service.resume(dir, { workers: 2 }, (e) => events.push(e));
        expect(h.repairs).toEqual([{ file, reason: st.damaged[0].reason }]);
        expect((await h.done).status).toBe('completed');
        // exactly the damaged task ran again (a figure is rebuilt from the intact task files)
        expect(events.filter((e) => e.type === 'task-started').map((e) => (e as { taskId: string }).taskId)).toEqual(task ? [task] : []);
        expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
        const after = service.status(dir);
        expect(after.status).toBe('completed');
        expect(after.damaged).toEqual([]);
        expect(after.unverified).toEqual([]);
      }, 60_000);

  it('the CLI: status says "damaged" and names the file; export refuses naming it (exit 1, no file written)', () => {
    const dir = join(root, 'cli');
    cpSync(ref, dir, { recursive: true });
    truncateSync(join(dir, 'tasks', 'quench-N1-epsf1.1.csv'), 1000);
    const st = cli('status', dir);
    expect(st.status).toBe(0);
    expect(st.stdout).toMatch(/: damaged; 4 done, 0 failed, 1 to do, 1 damaged, of 5\n/);
    expect(st.stdout).toMatch(/ {2}damaged {3}quench-N1-epsf1\.1 .* damaged: tasks\/quench-N1-epsf1\.1\.csv: truncated \(1000 of \d+ bytes\)\n/);
    expect(st.stdout).toMatch(/1 damaged file\(s\): `epstudio resume .*` recomputes them/);
    const out = join(root, 'cli.h5');
    const ex = cli('export', dir, '--h5', out);
    expect(ex.status).toBe(1);
    expect(ex.stderr).toMatch(/^epstudio: export refused: tasks\/quench-N1-epsf1\.1\.csv is damaged: truncated \(1000 of \d+ bytes\); `epstudio resume .*` recomputes it\n$/);
    expect(() => readFileSync(out)).toThrow();
    // the figure engine reads the same verified results: it refuses too, naming the file
    const figs = cli('figures', dir, '--out', join(root, 'cli-figs'));
    expect(figs.status).toBe(1);
    expect(figs.stderr).toMatch(/tasks\/quench-N1-epsf1\.1\.csv is damaged: truncated \(1000 of \d+ bytes\)/);
  });

  it('a folder of an older version (no hashes): unverified but usable; a structurally incomplete CSV is damaged; resume records the hashes', async () => {
    const dir = join(root, 'legacy');
    cpSync(ref, dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    delete m.files;
    delete m.version;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
    DAMAGES['truncated at a line boundary'](join(dir, 'tasks', 'ness-exact-N5.csv'));
    const st = service.status(dir);
    expect(st.status).toBe('damaged');
    expect(st.damaged).toEqual([{ file: 'tasks/ness-exact-N5.csv', task: 'ness-exact-N5', reason: '15 rows of 16' }]);
    // the other four tasks and the figures count, flagged as unverified (no recorded hash)
    expect(st.tasks.filter((t) => t.state === 'done').every((t) => t.unverified)).toBe(true);
    expect(st.counts.done).toBe(4);
    expect(st.unverified.filter((f) => f.startsWith('tasks/')).length).toBe(4);
    expect(st.unverified.filter((f) => f.startsWith('figures/')).length).toBe(5);
    const cliSt = cli('status', dir);
    expect(cliSt.stdout).toMatch(/ {2}done\? {5}quench-N1-epsf1\.1/);
    expect(cliSt.stdout).toMatch(/9 file\(s\) have no recorded hash .*only their structure was checked/);
    const events: StudyEvent[] = [];
    expect((await service.resume(dir, { workers: 2 }, (e) => events.push(e)).done).status).toBe('completed');
    expect(events.filter((e) => e.type === 'task-started').map((e) => (e as { taskId: string }).taskId)).toEqual(['ness-exact-N5']);
    expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
    const after = service.status(dir);
    expect(after.unverified).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).files).toEqual(JSON.parse(readFileSync(join(ref, 'manifest.json'), 'utf8')).files);
  }, 60_000);
});
