/**
 * Issue 10, found items 6 and 7 (the API reaches only what the user chose), against the real handlers in-process:
 * no request reads a file by path or echoes its content, and no request writes outside the data folder or a folder
 * picked in a dialog (symlinks followed). Each case below reproduced on main before the fix.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METHODS } from '../../../src-main/api/contract.js';
import type { DialogPort } from '../../../src-main/api/handlers.js';
import { StudyStore } from '../../../src-main/studies/store.js';
import { getPreset } from '../../../src-main/studies/presets.js';
import { diffStates, makeSandbox, refusal, SECRET, type Sandbox } from './sandbox.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.cleanup();
  sb = undefined;
});

const SPEC_SMALL = {
  version: 1,
  name: 'tiny',
  model: { kappa: 0.5, delta: -2, u: 1 },
  tasks: [{ kind: 'ness-sweep', method: 'exact', N: [1], eps: [0.5, 0.6] }],
};

describe('found item 6: no file is read through the API, no content is echoed', () => {
  it('studies.run refuses paths as preset or spec: /etc/passwd, /etc/shadow, a JSON file with a secret field', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    const before = sb.dataState();
    for (const path of ['/etc/passwd', '/etc/shadow', sb.secretJson, `${sb.secretJson}/../secret.json`]) {
      const a = await refusal(h, 'studies.run', { preset: path });
      expect(a.field).toBe('preset');
      expect(a.message).toMatch(/^preset: got .*; allowed: one of .*kerr-quench-demo/);
      // The spec must be an object: a string (a path) is refused by the contract before any handler runs.
      const b = await refusal(h, 'studies.run', { spec: path });
      expect(b.field).toBe('spec');
      for (const m of [a.message, b.message]) {
        expect(m).not.toMatch(/root:|daemon:|\/bin\/(ba)?sh/);
        expect(m).not.toContain(SECRET);
        expect(m).not.toContain('apiKey');
      }
    }
    // Nothing was created for any of them.
    expect(diffStates(before, sb.dataState())).toEqual([]);
  });

  it('a spec object with an unknown field is refused naming the field; its value is quoted to 80 characters', async () => {
    sb = makeSandbox();
    const long = 'x'.repeat(5000) + SECRET;
    const e = await refusal(sb.handlers, 'studies.run', { spec: { ...SPEC_SMALL, secret: long } });
    expect(e.field).toBe('secret');
    expect(e.message).toContain('no such field');
    expect(e.message).not.toContain(SECRET);
    expect(e.message.length).toBeLessThan(300);
  });

  it('every error message stays short whatever the size of the value', async () => {
    sb = makeSandbox();
    const huge = '/' + 'a'.repeat(4000);
    for (const [m, p] of [
      ['studies.status', { dir: huge }],
      ['studies.readTask', { dir: sb.studies, taskId: 'b'.repeat(190) }],
      ['studies.open', { dir: huge }],
      ['files.save', { name: 'c'.repeat(10_000), data: '', encoding: 'utf8' }],
      ['studies.run', { preset: 'd'.repeat(100) }],
      ['studies.run', { spec: { ...SPEC_SMALL, name: 'e'.repeat(100_000) } }],
      ['files.exportCsv', { name: 'x.csv', columns: ['a'], rows: [], meta: { ['k'.repeat(10_000)]: 1 }, dir: huge }],
      ['no.such.method', {}],
    ] as const) {
      const e = await refusal(sb.handlers, m, p);
      expect(e.message.length, `${m}: ${e.message.slice(0, 120)}`).toBeLessThanOrEqual(600);
    }
  });
});

describe('found by the fuzz test', () => {
  it('a method that is an object with a non-callable toString is an unknown method, not a TypeError', async () => {
    sb = makeSandbox();
    for (const m of [{ toString: 0 }, { toString: () => 'app.info' }, Object.create(null), ['app.info'], 'constructor', '__proto__', 'hasOwnProperty']) {
      const e = await refusal(sb.handlers, m as never, {});
      expect(e.message).toMatch(/^unknown method /);
    }
  });
});

describe('found item 7: nothing is written outside the data folder or a folder the user picked', () => {
  it('studies.open of an outside study folder is refused (browser host: no dialog), and files.save cannot follow it', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    const out0 = sb.outsideState();
    const e = await refusal(h, 'studies.open', { dir: sb.outsideStudy });
    expect(e.field).toBe('dir');
    expect(e.message).toContain('allowed: a folder inside the data folder or one you picked in a dialog');
    for (const m of ['studies.status', 'studies.resume', 'studies.saveAs'] as const) expect((await refusal(h, m, { dir: sb.outsideStudy })).field).toBe('dir');
    expect((await refusal(h, 'studies.readTask', { dir: sb.outsideStudy, taskId: 'x' })).field).toBe('dir');
    const w = await refusal(h, 'files.save', { name: 'evil.svg', data: '<svg/>', encoding: 'utf8', dir: sb.outsideStudy });
    expect(w.message).toMatch(/^not a folder chosen for exports/);
    expect(await refusal(h, 'studies.saveAs', { dir: sb.outsideStudy, dest: join(sb.studies, 'copy') })).toBeTruthy();
    // A copy of an allowed study may not land outside either.
    const inside = join(sb.studies, 'mine');
    StudyStore.create(inside, getPreset('kerr-quench-demo'));
    expect((await refusal(h, 'studies.saveAs', { dir: inside, dest: join(sb.outside, 'copy') })).field).toBe('dest');
    expect((await refusal(h, 'studies.saveAs', { dir: inside, dest: join(sb.studies, '..', '..', 'outside', 'copy') })).field).toBe('dest');
    expect(diffStates(out0, sb.outsideState())).toEqual([]);
    // The same folder inside the data folder is fine (the list of past runs is the browser host's picker).
    expect(await h.dispatch('studies.open', { dir: inside })).toEqual({ dir: inside });
    const e2 = await refusal(h, 'studies.open', {});
    expect(e2.message).toContain('no folder dialog');
  });

  it('a symlink inside the data folder that leads outside is refused for reading, listing, copying and writing', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    const evilTasks = join(sb.outside, 'evil-tasks');
    mkdirSync(evilTasks);
    const out0 = sb.outsideState();
    const link = join(sb.studies, 'link-study');
    symlinkSync(sb.outsideStudy, link);
    for (const m of ['studies.open', 'studies.status', 'studies.resume', 'studies.saveAs'] as const)
      expect((await refusal(h, m, { dir: link })).message, m).toContain('leads outside');
    expect((await refusal(h, 'studies.readTask', { dir: link, taskId: 'x' })).message).toContain('leads outside');
    // The list of past runs skips it.
    expect((await h.dispatch('studies.list', {})) as unknown[]).toEqual([]);
    // A study folder inside whose tasks/ is a link outside: refused as a whole.
    const inside = join(sb.studies, 'inner');
    StudyStore.create(inside, getPreset('kerr-quench-demo'));
    const { rmSync } = await import('node:fs');
    rmSync(join(inside, 'tasks'), { recursive: true, force: true });
    symlinkSync(evilTasks, join(inside, 'tasks'));
    expect((await refusal(h, 'studies.status', { dir: inside })).message).toContain('symlinks leading outside');
    expect((await refusal(h, 'studies.resume', { dir: inside })).message).toContain('symlinks leading outside');
    // A link buried deep in a study folder (a copy follows links at every depth): refused too.
    const deepStudy = join(sb.studies, 'deep');
    StudyStore.create(deepStudy, getPreset('kerr-quench-demo'));
    const deep = join(deepStudy, 'figures', 'a', 'b', 'c', 'd', 'e', 'f', 'g');
    mkdirSync(deep, { recursive: true });
    symlinkSync(sb.secretJson, join(deep, 'leak.json'));
    expect((await refusal(h, 'studies.saveAs', { dir: deepStudy })).field).toBe('dir');
    symlinkSync(sb.secretJson, join(deepStudy, 'figures', 'leak.json'));
    expect((await refusal(h, 'studies.saveAs', { dir: deepStudy })).message).not.toContain(SECRET);
    // An exports sub-folder that is a link outside: no file written through it.
    symlinkSync(sb.outside, join(sb.exports, 'out'));
    expect((await refusal(h, 'files.save', { name: 'x.svg', data: 'x', encoding: 'utf8', dir: join(sb.exports, 'out') })).message).toContain('leads outside');
    expect((await refusal(h, 'files.exportCsv', { name: 'x.csv', columns: ['a'], rows: [[1]], dir: join(sb.exports, 'out') })).field).toBe('dir');
    expect(diffStates(out0, sb.outsideState())).toEqual([]);
    expect(readdirSync(evilTasks)).toEqual([]);
  });

  it('files.save {name: ".."} and every other unsafe name leave nothing anywhere', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    const out0 = sb.outsideState();
    const data0 = sb.dataState();
    const names = ['..', '.', '../x.svg', '../../x.svg', 'a/b.svg', 'a\\b.svg', 'x\0.svg', '.hidden', '.x.tmp', '', ' x', 'x.', 'x ', 'CON', 'nul.txt', 'a'.repeat(201), 'é.svg', 'a\nb'];
    for (const dir of [undefined, sb.exports, join(sb.exports, '..')]) {
      for (const name of names) {
        const e = await refusal(h, 'files.save', { name, data: 'pwned', encoding: 'utf8', ...(dir ? { dir } : {}) });
        expect(e.field, JSON.stringify(name)).toBe('name');
        const c = await refusal(h, 'files.exportCsv', { name, columns: ['a'], rows: [[1]], ...(dir ? { dir } : {}) });
        expect(c.field).toBe('name');
      }
    }
    expect(diffStates(out0, sb.outsideState())).toEqual([]);
    expect(diffStates(data0, sb.dataState())).toEqual([]);
    // A safe name writes exactly one file, in exports/window/ (the browser host's folder for views of the form).
    const r = (await h.dispatch('files.save', { name: 'fig (1) a=b,c+d.svg', data: '<svg/>', encoding: 'utf8' })) as { path: string };
    expect(r.path).toBe(join(sb.exports, 'window', 'fig (1) a=b,c+d.svg'));
    expect(readFileSync(r.path, 'utf8')).toBe('<svg/>');
    expect(diffStates(data0, sb.dataState())).toEqual([
      'exports/window: (none) → dir',
      'exports/window/fig (1) a=b,c+d.svg: (none) → file:6:' + (await import('node:crypto')).createHash('sha256').update('<svg/>').digest('hex'),
    ]);
    // A folder of the same name is never replaced: the file takes the next free name (and no temporary file is left).
    mkdirSync(join(sb.exports, 'window', 'taken.svg'));
    expect(((await h.dispatch('files.save', { name: 'taken.svg', data: 'x', encoding: 'utf8' })) as { path: string }).path).toBe(join(sb.exports, 'window', 'taken-2.svg'));
    expect(readdirSync(join(sb.exports, 'window')).sort()).toEqual(['fig (1) a=b,c+d.svg', 'taken-2.svg', 'taken.svg']);
    expect(diffStates(out0, sb.outsideState())).toEqual([]);
  });

  it('browser host: chooseDir makes a folder under exports/ and files land there; paths outside stay refused', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    expect((await refusal(h, 'files.chooseDir', { purpose: '../../evil/../x' })).field).toBe('purpose');
    const d = (await h.dispatch('files.chooseDir', { purpose: 'figures' })) as { dir: string };
    expect(d.dir.startsWith(sb.exports + '/')).toBe(true);
    expect(d.dir.slice(sb.exports.length + 1)).toMatch(/^[\w-]+$/);
    const r = (await h.dispatch('files.exportCsv', { name: 'G.csv', columns: ['t', 'G'], rows: [[0, 1]], dir: d.dir })) as { path: string };
    expect(r.path).toBe(join(d.dir, 'G.csv'));
    expect(readFileSync(r.path, 'utf8')).toMatch(/\nt,G\n0,1\n$/);
    for (const dir of ['/tmp', '/etc', sb.outside, sb.base, sb.data + '/../outside', 'relative/path'])
      expect((await refusal(h, 'files.save', { name: 'x.svg', data: 'x', encoding: 'utf8', dir })).message).toMatch(/^not a folder chosen for exports/);
  });
});

describe('exports name their source study and target folder: both must be allowed', () => {
  it('source.study, studies.exportH5 and phaseSpace.export refuse folders outside; the secret never shows', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    const out0 = sb.outsideState();
    const csv = { name: 'G.csv', columns: ['t'], rows: [[0]] };
    for (const study of [sb.outsideStudy, sb.outside, join(sb.studies, '..', '..', 'outside', 'study'), '/etc']) {
      const e = await refusal(h, 'files.exportCsv', { ...csv, source: { study } });
      expect(e.field).toBe('source.study');
      expect(e.message).not.toContain(SECRET);
      expect((await refusal(h, 'files.save', { name: 'a.svg', data: 'x', encoding: 'utf8', source: { study } })).field).toBe('source.study');
      expect((await refusal(h, 'files.chooseDir', { purpose: 'figures', source: { study } })).field).toBe('source.study');
      expect((await refusal(h, 'studies.exportH5', { dir: study, dest: sb.exports })).field).toBe('dir');
    }
    const inside = join(sb.studies, 'mine');
    StudyStore.create(inside, getPreset('kerr-quench-demo'));
    for (const dest of [sb.outside, '/tmp', join(sb.exports, '..', '..')])
      expect((await refusal(h, 'studies.exportH5', { dir: inside, dest })).message).toMatch(/^not a folder chosen for exports/);
    const params = { kappa: 0.5, delta: -2, u: 1, epsInitial: 0.5, epsFinal: 1.1, N: 1, tMax: 1 };
    const grid = { xMin: -3, xMax: 3, yMin: -3, yMax: 3, nx: 8, ny: 8 };
    expect((await refusal(h, 'phaseSpace.export', { params, grid, times: [0], formats: ['npy'], dir: sb.outside })).message).toMatch(/^not a folder chosen for exports/);
    // A long export is refused before it starts (the main side would be busy for minutes).
    const slow = { ...params, N: 50, delta: -1000, tMax: 1e4 };
    expect((await refusal(h, 'phaseSpace.export', { params: slow, grid, times: [1e4], formats: ['npy'], dir: sb.exports })).field).toBe('times');
    expect(diffStates(out0, sb.outsideState())).toEqual([]);
  });
});

describe('Electron: a folder picked in a native dialog is allowed from then on, nothing else', () => {
  function fakeDialogs(answers: Partial<Record<keyof DialogPort, string | null>>): DialogPort & { calls: string[] } {
    const calls: string[] = [];
    const pick = (k: keyof DialogPort) => async () => {
      calls.push(k);
      return answers[k] ?? null;
    };
    return { calls, openStudyDir: pick('openStudyDir'), saveStudyDir: pick('saveStudyDir'), saveFile: pick('saveFile'), chooseDir: pick('chooseDir') };
  }

  it('open via dialog grants the study folder; chooseDir grants the export folder; others stay refused', async () => {
    const dialogs = fakeDialogs({});
    sb = makeSandbox({ host: 'electron', dialogs });
    const h = sb.handlers;
    // Before any dialog: the outside study is refused by path.
    expect((await refusal(h, 'studies.status', { dir: sb.outsideStudy })).field).toBe('dir');
    Object.assign(dialogs, fakeDialogs({ openStudyDir: sb.outsideStudy }));
    expect(await h.dispatch('studies.open', {})).toEqual({ dir: sb.outsideStudy });
    const st = (await h.dispatch('studies.status', { dir: sb.outsideStudy })) as { tasks: unknown[] };
    expect(METHODS['studies.status'][1].safeParse(st).success).toBe(true);
    expect(st.tasks.length).toBeGreaterThan(0);
    // Granting the study does not grant its parent or siblings.
    expect((await refusal(h, 'files.save', { name: 'x.svg', data: 'x', encoding: 'utf8', dir: sb.outside })).field).toBe('dir');
    const figs = join(sb.outside, 'figs');
    Object.assign(dialogs, fakeDialogs({ chooseDir: figs }));
    expect(await h.dispatch('files.chooseDir', { purpose: 'figures' })).toEqual({ dir: figs });
    const w = (await h.dispatch('files.save', { name: 'a.svg', data: '<svg/>', encoding: 'utf8', dir: figs })) as { path: string };
    expect(readFileSync(w.path, 'utf8')).toBe('<svg/>');
    // A save dialog's file is written where the user put it; it grants nothing.
    const chosen = join(sb.outside, 'elsewhere', 'b.csv');
    mkdirSync(join(sb.outside, 'elsewhere'));
    Object.assign(dialogs, fakeDialogs({ saveFile: chosen }));
    expect(await h.dispatch('files.exportCsv', { name: 'b.csv', columns: ['a'], rows: [[1]] })).toEqual({ path: chosen });
    expect(existsSync(chosen)).toBe(true);
    expect((await refusal(h, 'files.save', { name: 'c.svg', data: 'x', encoding: 'utf8', dir: join(sb.outside, 'elsewhere') })).field).toBe('dir');
    // Cancelled dialogs are null, not errors.
    Object.assign(dialogs, fakeDialogs({}));
    expect(await h.dispatch('studies.open', {})).toBeNull();
    expect(await h.dispatch('files.chooseDir', { purpose: 'figures' })).toBeNull();
    expect(await h.dispatch('files.save', { name: 'd.svg', data: 'x', encoding: 'utf8' })).toBeNull();
  });

  it('saveAs through the dialog copies complete files only (no lock, no temporaries) and grants the copy', async () => {
    const dialogs = fakeDialogs({});
    sb = makeSandbox({ host: 'electron', dialogs });
    const h = sb.handlers;
    const src = join(sb.studies, 's1');
    StudyStore.create(src, getPreset('kerr-quench-demo'));
    writeFileSync(join(src, '.lock'), JSON.stringify({ pid: process.pid }));
    writeFileSync(join(src, 'tasks', '.x.csv.1.2.tmp'), 'partial');
    const dest = join(sb.outside, 'copy');
    Object.assign(dialogs, fakeDialogs({ saveStudyDir: dest }));
    expect(await h.dispatch('studies.saveAs', { dir: src })).toEqual({ dir: dest });
    expect(readdirSync(dest).sort()).toEqual(['checkpoints', 'manifest.json', 'study.json', 'tasks']);
    expect(readdirSync(join(dest, 'tasks'))).toEqual([]);
    expect(readFileSync(join(dest, 'study.json'), 'utf8')).toBe(readFileSync(join(src, 'study.json'), 'utf8'));
    expect((await h.dispatch('studies.status', { dir: dest })) as object).toHaveProperty('tasks');
  });
});

describe('studies.run', () => {
  it('a preset from the list or a spec object starts a study inside the data folder (cancelled at once here)', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    const r = (await h.dispatch('studies.run', { spec: { ...SPEC_SMALL, name: '../../escape' } })) as { studyId: string; dir: string };
    expect(METHODS['studies.run'][1].safeParse(r).success).toBe(true);
    // The name only labels the folder: sanitised, inside studies/.
    expect(r.dir.startsWith(sb.studies + '/')).toBe(true);
    expect(r.dir.slice(sb.studies.length + 1)).toMatch(/^\w[\w.-]*escape-\d{4}-/);
    await h.dispatch('studies.cancel', { studyId: r.studyId });
    await h.idle();
    expect(existsSync(join(r.dir, 'study.json'))).toBe(true);
  });
});
