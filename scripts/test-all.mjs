// `npm test`: build, unit + integration tests (vitest), then end-to-end tests (Playwright in a Chromium found by
// scripts/findBrowser.mjs, or fetched by Playwright's installer / apt-get when none is found).
// Neither runner prints a plain "N passed, N failed" line, so this script prints one summing both and exits
// non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOW_TO_GET_ONE, ensureBrowser } from './findBrowser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

let passed = 0, failed = 0, skipped = 0;

if (run(process.execPath, [join(root, 'scripts', 'build.mjs')]) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// The window's Svelte components are bundled by esbuild, which neither type-checks them nor notices a component used
// without its import (it fails only at run time, in the window): svelte-check does both. Counted as one test.
if (run(bin('svelte-check'), ['--tsconfig', join(root, 'src-renderer', 'tsconfig.json'), '--workspace', join(root, 'src-renderer'), '--fail-on-warnings']) === 0) passed += 1;
else {
  console.log('svelte-check: the window\'s components have errors or warnings (above)');
  failed += 1;
}

const vitestJson = join(tmp, 'vitest.json');
rmSync(vitestJson, { force: true });
const vStatus = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests ?? 0;
  // A file that fails to load has no failed *tests*; count such files once each.
  failed += (r.numFailedTests ?? 0) || (r.numFailedTestSuites ?? 0);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} else if (vStatus !== 0) failed += 1;
if (vStatus !== 0 && failed === 0) failed += 1;

const pwConfig = join(root, 'playwright.config.ts');
// The e2e tests need a Chromium: find one (env var, Playwright's, the system's) or try to get one.
const browser = existsSync(pwConfig)
  ? ensureBrowser({
      run: (cmd, args) => run(cmd, args),
      isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
      hasApt: existsSync('/usr/bin/apt-get'),
      log: (s) => console.log(s),
    })
  : undefined;
if (browser && !browser.path) {
  console.log(`\n${browser.error}.\n${HOW_TO_GET_ONE}\n`);
  failed += 1;
} else if (existsSync(pwConfig)) {
  console.log(`End-to-end tests use ${browser.path} (${browser.source}).`);
  const pwJson = join(tmp, 'playwright.json');
  rmSync(pwJson, { force: true });
  const pStatus = run(bin('playwright'), ['test', '--config', pwConfig, '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
    // The tests take the browser found here (the finder honours this variable first).
    EPSTUDIO_CHROMIUM: browser.path,
  });
  if (existsSync(pwJson)) {
    const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats ?? {};
    passed += (s.expected ?? 0) + (s.flaky ?? 0);
    failed += s.unexpected ?? 0;
    skipped += s.skipped ?? 0;
  }
  if (pStatus !== 0 && !existsSync(pwJson)) failed += 1;
  else if (pStatus !== 0 && failed === 0) failed += 1;
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
