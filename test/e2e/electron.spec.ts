/**
 * The same suite through Playwright's _electron, where an Electron binary exists. Electron ≥ 42 downloads its binary
 * on the first require('electron') under Node, so this file never requires it: it looks for the binary on disk and
 * skips, printing why, when there is none.
 */
import { _electron as electron } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSuite } from './flows.js';

function electronBinary(): string | undefined {
  const dir = join(process.cwd(), 'node_modules', 'electron');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const p = join(override, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(p) ? p : undefined;
  }
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const p = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(p) ? p : undefined;
}

const bin = electronBinary();
const reason = bin
  ? undefined
  : 'no Electron binary (node_modules/electron/dist is missing: it cannot be downloaded here); the browser-host suite covers the same flows';
if (reason) console.log(`[e2e electron] skipped: ${reason}`);

defineSuite(
  'electron',
  async () => {
    const data = mkdtempSync(join(tmpdir(), 'epstudio-electron-'));
    const app = await electron.launch({
      executablePath: bin,
      args: [join(process.cwd(), 'dist', 'src-main', 'electron', 'main.js'), '--no-sandbox', '--disable-gpu'],
      // No native dialogs in tests: exports go to the data folder, "save as" next to the study.
      env: { ...process.env, EPSTUDIO_DATA: data, EPSTUDIO_NO_DIALOGS: '1' },
    });
    const page = await app.firstWindow();
    await page.setViewportSize({ width: 1280, height: 800 });
    return {
      page,
      // The window shows the pool's state: idle once no study is running.
      idle: async () => {
        await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent !== 'running');
      },
      close: () => app.close(),
    };
  },
  reason,
);
