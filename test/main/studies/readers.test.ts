// Readers never disturb a study: `status` and `readTaskTable` polled without pause while another process runs it (no
// task fails, every result is the undisturbed one), and status/readTask/export/list of a killed folder (stale lock,
// dead writers' temporary files, checkpoints) leave every entry of it exactly as it was.
// Needs `npm run build` (the writer is a child process of bin/epstudio.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTag } from '../../../src-main/io/atomicWrite.js';
import * as service from '../../../src-main/studies/service.js';
import { PROJECT_ROOT } from '../../../src-main/version.js';
import { expectSameFiles, FAST_SPEC, filesOf, resultFiles, treeSnapshot } from './helpers.js';

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');
const root = mkdtempSync(join(tmpdir(), 'epstudio-readers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const spec = join(root, 'fast.json');

let reference: Map<string, Buffer>;
beforeAll(async () => {
  writeFileSync(spec, JSON.stringify(FAST_SPEC));
  expect((await service.run(FAST_SPEC, join(root, 'ref'), { workers: 2 }).done).status).toBe('completed');
  reference = resultFiles(join(root, 'ref'));
}, 120_000);

describe('readers of a study folder', () => {
  it('status and readTaskTable polled nonstop while another process runs the study: no task fails, same files', async () => {
    const dir = join(root, 'polled');
    // a checkpoint at every sample: as many atomic writes (temporary file + rename) as the study can make
    const child = spawn(process.execPath, [BIN, 'run', spec, '--out', dir, '--workers', '2', '--checkpoint-seconds', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CI: '1' },
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    let polls = 0, whileRunning = 0, tablesRead = 0;
    const seenWrong: string[] = [];
    const ids = Object.keys(Object.fromEntries([...reference.keys()].filter((k) => k.startsWith('tasks/')).map((k) => [k.slice(6, -4), 1])));
    while (exited === undefined) {
      if (existsSync(join(dir, 'manifest.json'))) {
        const st = service.status(dir);
        polls++;
        if (st.status === 'running') whileRunning++;
        // a reader never sees damage or a partial result as done (checked after the run: the writer's outcome first)
        if (st.damaged?.length) seenWrong.push(`damaged: ${JSON.stringify(st.damaged)}`);
        for (const t of st.tasks) {
          const tab = service.readTaskTable(dir, t.id);
          tablesRead++;
          if (t.state === 'done' && (!tab.complete || tab.rows.length !== t.samples)) seenWrong.push(`${t.id}: done with ${tab.rows.length} rows`);
        }
        expect(ids.length).toBe(st.tasks.length);
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(exited, err).toBe(0);
    expect(seenWrong).toEqual([]);
    expect(err).toMatch(/completed: 4\/4 tasks done, 0 failed/);
    expect(err).not.toMatch(/task \S+ failed|ENOENT/);
    expect(polls).toBeGreaterThan(10);
    expect(whileRunning).toBeGreaterThan(5);
    expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
    expect([...filesOf(dir).keys()].filter((k) => k.endsWith('.tmp') || k.startsWith('checkpoints/'))).toEqual([]);
    console.info(`readers: ${polls} status polls (${whileRunning} while running), ${tablesRead} task tables read during the run`);
  }, 120_000);

  it('status, readTask, export and list of a killed folder change nothing in it (not even a temporary file or a stale lock)', async () => {
    const dir = join(root, 'killed');
    cpSync(join(root, 'ref'), dir, { recursive: true });
    // what a kill -9 leaves: its lock, its half-written temporary files, a checkpoint, a manifest still 'running'
    const dead = spawnSync('true').pid!;
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: dead, host: hostname(), started: '2026-12-05T00:00:00.000Z', token: 'dead' }));
    writeFileSync(join(dir, 'tasks', `.quench-N5-epsf1.1.csv.${dead}.${hostTag()}.00aa11.tmp`), 't,n\n0,');
    writeFileSync(join(dir, `.manifest.json.${dead}.${hostTag()}.00aa12.tmp`), '{');
    rmSync(join(dir, 'tasks', 'ness-exact-N5.csv'));
    rmSync(join(dir, 'figures'), { recursive: true });
    const before = treeSnapshot(dir);
    const st = service.status(dir);
    expect(st.status).toBe('damaged'); // ness-exact-N5.csv is recorded but gone
    expect(st.owner).toBeUndefined(); // the dead process owns nothing
    for (const t of st.tasks) service.readTaskTable(dir, t.id);
    expect(() => service.checkExportable(dir)).toThrow(/ness-exact-N5\.csv is damaged: missing/);
    service.listStudies(root);
    const cliStatus = spawnSync(process.execPath, [BIN, 'status', dir, '--json'], { encoding: 'utf8' });
    expect(cliStatus.status).toBe(0);
    const ex = spawnSync(process.execPath, [BIN, 'export', dir, '--h5', join(root, 'killed.h5')], { encoding: 'utf8' });
    expect(ex.status).toBe(1);
    expect(treeSnapshot(dir)).toEqual(before);
    // the next owner takes over the stale lock, removes the dead writer's leftovers and repairs the folder
    expect((await service.resume(dir, { workers: 2 }).done).status).toBe('completed');
    expect(expectSameFiles(reference, resultFiles(dir))).toEqual([]);
    expect([...filesOf(dir).keys()].filter((k) => k.endsWith('.tmp') || k.startsWith('checkpoints/') || k === '.lock')).toEqual([]);
  }, 60_000);
});
