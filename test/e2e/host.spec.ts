/** The window through the browser host (127.0.0.1, token) in Debian's chromium, against the real engine and pool. */
import { chromium } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../../playwright.config.js';
import { defineSuite } from './flows.js';

defineSuite('browser host', async () => {
  // Compiled main side (npm run build), exactly what `npm start` runs.
  const { startHost } = await import('../../dist/src-main/host/server.js');
  const data = mkdtempSync(join(tmpdir(), 'epstudio-e2e-'));
  const host = await startHost({ rendererDir: join(process.cwd(), 'dist', 'renderer'), studiesRoot: join(data, 'studies'), exportsRoot: join(data, 'exports'), workers: 2 });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  const t0 = Date.now();
  await page.goto(host.url);
  await page.locator('body[data-ready="true"]').waitFor();
  console.log(`[e2e] first page interactive after ${Date.now() - t0} ms`);
  return {
    page,
    idle: () => host.handlers.idle(),
    async close() {
      await browser.close();
      await host.close();
    },
  };
});
