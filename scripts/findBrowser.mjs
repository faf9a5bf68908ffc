// Which Chromium the end-to-end tests drive, on any machine, and how `npm test` gets one when there is none.
// Order: an explicit env var (EPSTUDIO_CHROMIUM, then PLAYWRIGHT_CHROMIUM_EXECUTABLE), Playwright's own installed
// Chromium (playwright-core's registry path, if that file exists), then the system's (/usr/bin/chromium on Debian).
// A variable that names a missing file is an error, not a reason to fall through to another browser silently.
// Plain ESM so that scripts/test-all.mjs, playwright.config.ts and the unit test all use the same finder.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export const BROWSER_ENV = ['EPSTUDIO_CHROMIUM', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE'];
export const SYSTEM_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Where `npx playwright install chromium` puts (or has put) its Chromium; undefined if playwright-core is absent. */
export function playwrightChromiumPath() {
  try {
    return createRequire(import.meta.url)('playwright-core').chromium.executablePath();
  } catch {
    return undefined;
  }
}

/**
 * @param {{ env?: Record<string, string | undefined>, playwrightPath?: string, system?: string[], exists?: (p: string) => boolean }} [o]
 * @returns {{ path: string, source: string } | { path: undefined, error: string, tried: string[] }}
 */
export function findBrowser(o = {}) {
  const env = o.env ?? process.env;
  const exists = o.exists ?? existsSync;
  const tried = [];
  for (const name of BROWSER_ENV) {
    const p = env[name];
    if (!p) continue;
    if (exists(p)) return { path: p, source: `$${name}` };
    return { path: undefined, error: `$${name} names ${p}, which does not exist`, tried: [p] };
  }
  const pw = 'playwrightPath' in o ? o.playwrightPath : playwrightChromiumPath();
  if (pw) {
    if (exists(pw)) return { path: pw, source: "Playwright's installed Chromium" };
    tried.push(pw);
  }
  for (const p of o.system ?? SYSTEM_BROWSERS) {
    if (exists(p)) return { path: p, source: 'system Chromium' };
    tried.push(p);
  }
  return { path: undefined, error: 'no Chromium found', tried };
}

export const HOW_TO_GET_ONE = [
  'The end-to-end tests need a Chromium. Either:',
  '  npx playwright install chromium          (downloads Playwright\'s Chromium; needs network access)',
  '  sudo apt-get install -y chromium         (Debian/Ubuntu: the system Chromium at /usr/bin/chromium)',
  'or point EPSTUDIO_CHROMIUM at a Chromium/Chrome executable.',
].join('\n');

/**
 * Find a browser, or try to get one: Playwright's installer first (where it can download), then Debian's `chromium`
 * via apt-get when running as root. Returns the finder's answer after the attempts; `log` receives what it did.
 * @param {{ find?: () => ReturnType<typeof findBrowser>, run: (cmd: string, args: string[]) => number, isRoot: boolean, hasApt: boolean, log: (s: string) => void }} o
 */
export function ensureBrowser(o) {
  const find = o.find ?? (() => findBrowser());
  let r = find();
  if (r.path || /does not exist/.test(r.error)) return r;
  o.log(`No Chromium for the end-to-end tests (looked at ${r.tried.join(', ')}). Trying Playwright's installer…`);
  if (o.run('npx', ['playwright', 'install', 'chromium']) === 0) {
    r = find();
    if (r.path) return r;
  }
  if (o.isRoot && o.hasApt) {
    o.log("Playwright's installer did not give a Chromium; installing Debian's chromium with apt-get…");
    // A fresh machine may have no package lists yet: update once if the first install fails.
    if (o.run('apt-get', ['install', '-y', 'chromium']) !== 0 && o.run('apt-get', ['update']) === 0) o.run('apt-get', ['install', '-y', 'chromium']);
    r = find();
    if (r.path) return r;
  }
  return r;
}
