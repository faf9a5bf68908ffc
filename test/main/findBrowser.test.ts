/**
 * The e2e browser finder (scripts/findBrowser.mjs) with injected candidates (no file is removed to test): the env
 * variable first (and an error when it names a missing file), Playwright's Chromium when installed, then the system
 * one; and `npm test`'s attempts to get one (Playwright's installer, then apt-get as root, else the message).
 */
import { describe, expect, it } from 'vitest';
import { ensureBrowser, findBrowser, HOW_TO_GET_ONE, type Found } from '../../scripts/findBrowser.mjs';

const has = (...paths: string[]) => (p: string) => paths.includes(p);
const PW = '/home/u/.cache/ms-playwright/chromium-1/chrome';

describe('findBrowser', () => {
  it('order: $EPSTUDIO_CHROMIUM, $PLAYWRIGHT_CHROMIUM_EXECUTABLE, Playwright’s Chromium, /usr/bin/chromium', () => {
    const all = has('/opt/c', '/opt/p', PW, '/usr/bin/chromium');
    expect(findBrowser({ env: { EPSTUDIO_CHROMIUM: '/opt/c', PLAYWRIGHT_CHROMIUM_EXECUTABLE: '/opt/p' }, playwrightPath: PW, exists: all })).toEqual({ path: '/opt/c', source: '$EPSTUDIO_CHROMIUM' });
    expect(findBrowser({ env: { PLAYWRIGHT_CHROMIUM_EXECUTABLE: '/opt/p' }, playwrightPath: PW, exists: all }).path).toBe('/opt/p');
    expect(findBrowser({ env: {}, playwrightPath: PW, exists: all })).toEqual({ path: PW, source: "Playwright's installed Chromium" });
    expect(findBrowser({ env: {}, playwrightPath: PW, exists: has('/usr/bin/chromium') })).toEqual({ path: '/usr/bin/chromium', source: 'system Chromium' });
    expect(findBrowser({ env: {}, playwrightPath: undefined, exists: has('/usr/bin/chromium') }).path).toBe('/usr/bin/chromium');
  });

  it('none: says what it tried; a variable naming a missing file is an error, not a silent fallback', () => {
    const r = findBrowser({ env: {}, playwrightPath: PW, system: ['/usr/bin/chromium'], exists: has() });
    expect(r.path).toBeUndefined();
    expect(r).toMatchObject({ error: 'no Chromium found', tried: [PW, '/usr/bin/chromium'] });
    const e = findBrowser({ env: { EPSTUDIO_CHROMIUM: '/nope' }, playwrightPath: PW, exists: has('/usr/bin/chromium') });
    expect(e).toMatchObject({ path: undefined, error: '$EPSTUDIO_CHROMIUM names /nope, which does not exist' });
  });

  it('the real machine: finds some executable and names its source', () => {
    const r = findBrowser();
    if (r.path !== undefined) expect(r.source).toMatch(/EPSTUDIO|PLAYWRIGHT|Playwright|system/);
    else expect(r.tried.length).toBeGreaterThan(0);
  });
});

describe('ensureBrowser (npm test)', () => {
  function fake(found: { afterInstaller?: boolean; afterApt?: boolean }, installerOk: boolean, aptOk: boolean) {
    const calls: string[] = [];
    let state: 'none' | 'pw' | 'apt' = 'none';
    const find = (): Found =>
      state === 'pw' ? { path: PW, source: "Playwright's installed Chromium" } : state === 'apt' ? { path: '/usr/bin/chromium', source: 'system Chromium' } : { path: undefined, error: 'no Chromium found', tried: [PW] };
    const run = (cmd: string, args: string[]) => {
      calls.push([cmd, ...args].join(' '));
      if (cmd === 'npx') {
        if (installerOk && found.afterInstaller) state = 'pw';
        return installerOk ? 0 : 1;
      }
      if (args[0] === 'install' && aptOk && found.afterApt) state = 'apt';
      return aptOk ? 0 : 100;
    };
    return { calls, find, run };
  }

  it('tries Playwright’s installer first and stops when it gives a browser', () => {
    const f = fake({ afterInstaller: true }, true, true);
    const r = ensureBrowser({ find: f.find, run: f.run, isRoot: true, hasApt: true, log: () => undefined });
    expect(r.path).toBe(PW);
    expect(f.calls).toEqual(['npx playwright install chromium']);
  });

  it('no download possible, root with apt: installs Debian’s chromium (apt-get update if the first install fails)', () => {
    const f = fake({ afterApt: true }, false, true);
    const r = ensureBrowser({ find: f.find, run: f.run, isRoot: true, hasApt: true, log: () => undefined });
    expect(r.path).toBe('/usr/bin/chromium');
    expect(f.calls).toEqual(['npx playwright install chromium', 'apt-get install -y chromium']);
  });

  it('not root: no apt-get; the result carries the error and the message names both ways', () => {
    const f = fake({}, false, true);
    const r = ensureBrowser({ find: f.find, run: f.run, isRoot: false, hasApt: true, log: () => undefined });
    expect(r.path).toBeUndefined();
    expect(f.calls).toEqual(['npx playwright install chromium']);
    expect(HOW_TO_GET_ONE).toContain('npx playwright install chromium');
    expect(HOW_TO_GET_ONE).toContain('apt-get install -y chromium');
  });

  it('a browser already there: nothing is installed', () => {
    const f = fake({}, true, true);
    const r = ensureBrowser({ find: () => ({ path: '/usr/bin/chromium', source: 'system Chromium' }), run: f.run, isRoot: true, hasApt: true, log: () => undefined });
    expect(r.path).toBe('/usr/bin/chromium');
    expect(f.calls).toEqual([]);
  });
});
