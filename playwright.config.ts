// End-to-end tests: the renderer through the browser host in a Chromium found at run time (scripts/findBrowser.mjs:
// $EPSTUDIO_CHROMIUM, Playwright's installed Chromium, /usr/bin/chromium), and the same flows through Playwright's
// _electron where an Electron binary exists (skipped with the reason otherwise).
// Needs `npm run build` first (npm test does it). Screenshots land in test-results/ and are kept.
import { defineConfig } from '@playwright/test';
import { HOW_TO_GET_ONE, findBrowser } from './scripts/findBrowser.mjs';

const found = findBrowser();
/** The Chromium the e2e tests launch (undefined: none found; the launch then fails with HOW_TO_GET_ONE). */
export const CHROMIUM_PATH = found.path;
// Say once (in the runner, not in every worker) which browser the tests use.
if (!process.env.TEST_WORKER_INDEX) {
  if (found.path) console.log(`e2e browser: ${found.path} (${found.source})`);
  else console.log(`e2e browser: ${found.error}.\n${HOW_TO_GET_ONE}`);
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: './test/e2e',
  outputDir: './test-results',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  // One worker: the study pool already uses both cores.
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: { ...(CHROMIUM_PATH ? { executablePath: CHROMIUM_PATH } : {}), args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'browser-host', testMatch: /host\.spec\.ts$/ },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
  ],
});
