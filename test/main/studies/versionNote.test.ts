/**
 * A study started by one version of EP Studio and resumed by another mixes their results: resume says so (service
 * notes, the CLI's stderr, the API's studies.resume), naming both versions and how many tasks each computed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as service from '../../../src-main/studies/service.js';
import { PROJECT_ROOT, VERSION } from '../../../src-main/version.js';

const root = mkdtempSync(join(tmpdir(), 'epstudio-version-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SPEC = { version: 1, name: 'v', tasks: [{ kind: 'quench', N: [1, 2], epsInitial: 0.5, epsFinal: [1.1], tMax: 0.4, dt: 0.2 }] };

/** A finished two-task study with one task's result removed (to be recomputed) and study.json as `version` wrote it. */
async function mixed(name: string, version: string): Promise<string> {
  const dir = join(root, name);
  const s = await service.run(SPEC, dir, { workers: 1 }).done;
  expect(s.status).toBe('completed');
  rmSync(join(dir, 'tasks', 'quench-N2-epsf1.1.csv'));
  const sj = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as { appVersion: string };
  sj.appVersion = version;
  writeFileSync(join(dir, 'study.json'), JSON.stringify(sj, null, 2) + '\n');
  return dir;
}

describe('resuming a study started by another version', () => {
  it('the handle notes both versions and the split of the tasks; the same version notes nothing', async () => {
    const dir = await mixed('old', '0.0.9');
    const h = service.resume(dir, { workers: 1 });
    expect(h.notes).toHaveLength(1);
    expect(h.notes[0]).toBe(
      `this study was started by EP Studio 0.0.9 and is resumed by ${VERSION}: its 1 finished task(s) keep 0.0.9's results, the other 1 are computed by ${VERSION} (the versions may differ in the last digits; each task file's app_version says which made it)`,
    );
    expect((await h.done).status).toBe('completed');
    // the recomputed task says which version made it
    expect(readFileSync(join(dir, 'tasks', 'quench-N2-epsf1.1.csv'), 'utf8')).toMatch(new RegExp(`^# app_version: ${VERSION.replace(/\./g, '\\.')}$`, 'm'));
    const same = await mixed('same', VERSION);
    const h2 = service.resume(same, { workers: 1 });
    expect(h2.notes).toEqual([]);
    await h2.done;
    expect(service.versionNote('0.1.0', '0.2.0', 0, 3)).toBeUndefined(); // nothing finished: nothing mixes
    expect(service.versionNote('0.1.0', '0.2.0', 3, 3)).toBeUndefined(); // nothing left to compute
  }, 60_000);

  it('`epstudio resume` prints the note on stderr', async () => {
    const dir = await mixed('cli', '0.0.9');
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'epstudio.cjs'), 'resume', dir, '--workers', '1'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^note: this study was started by EP Studio 0\.0\.9 and is resumed by /m);
  }, 60_000);
});
