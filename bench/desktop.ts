/**
 * Bench section `desktop`: the window through the browser host in Debian's chromium (the targets: first page
 * interactive ≤ 2 s; charts smooth, ≥ 30 fps pan/zoom, with 30 curves × 1000 points). Needs `npm run build` and
 * /usr/bin/chromium; without chromium the section says so.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startHost } from '../src-main/host/server.js';
import { PROJECT_ROOT } from '../src-main/version.js';
import type { BenchSection } from './types.js';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchSection> {
  const title = 'Desktop window (browser host, chromium, 1280 × 800)';
  if (!existsSync('/usr/bin/chromium')) return { title, rows: [{ name: 'skipped', value: 0, unit: '', note: '/usr/bin/chromium missing' }] };
  const data = mkdtempSync(join(tmpdir(), 'epstudio-bench-'));
  const host = await startHost({ rendererDir: join(PROJECT_ROOT, 'dist', 'renderer'), studiesRoot: join(data, 's'), exportsRoot: join(data, 'e') });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const first: number[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const t0 = performance.now();
      await page.goto(host.url);
      await page.locator('body[data-ready="true"]').waitFor();
      await page.locator('figure[data-chart="fig2"] canvas').first().waitFor();
      first.push((performance.now() - t0) / 1000);
      await page.close();
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const t0 = performance.now();
    await page.goto(`${host.url}&stress=30x1000`);
    await page.locator('figure[data-chart^="alpha_abs-epsf"] canvas').first().waitFor();
    const shown = (performance.now() - t0) / 1000;
    const over = page.locator('figure[data-chart^="G-epsf"] .u-over').first();
    // In the page, no input latency: each zoom/reset is a full redraw; cursor moves redraw the cursor and legend.
    // Runs in the page: DOM names through globalThis (this file is compiled with Node's lib only).
    const r = await over.evaluate(async (el) => {
      const g = globalThis as unknown as { MouseEvent: new (type: string, init: object) => Event; document: EventTarget };
      const b = el.getBoundingClientRect();
      const at = (type: string, fx: number, fy: number, target: EventTarget = el, detail = 1) =>
        target.dispatchEvent(new g.MouseEvent(type, { bubbles: true, clientX: b.left + b.width * fx, clientY: b.top + b.height * fy, button: 0, buttons: type === 'mouseup' || type === 'mousemove' ? 0 : 1, detail }));
      const settle = () => new Promise((ok) => setTimeout(() => ok(null), 0));
      const zoom: number[] = [];
      for (let i = 0; i < 15; i++) {
        let t = performance.now();
        at('mousedown', 0.2 + 0.01 * i, 0.2);
        at('mousemove', 0.6, 0.8, g.document);
        at('mouseup', 0.6, 0.8, g.document);
        await settle();
        zoom.push(performance.now() - t);
        t = performance.now();
        at('dblclick', 0.5, 0.5, el, 2);
        await settle();
        zoom.push(performance.now() - t);
      }
      const cursor: number[] = [];
      for (let i = 0; i < 60; i++) {
        const t = performance.now();
        at('mousemove', i / 60, 0.5);
        await settle();
        cursor.push(performance.now() - t);
      }
      return { zoom, cursor };
    });
    const zoomMs = median(r.zoom);
    const cursorMs = median(r.cursor);
    return {
      title,
      rows: [
        { name: 'first page interactive (Fig. 2 drawn)', value: median(first), unit: 's', target: '≤ 2 s', note: 'median of 3 loads' },
        { name: '7 charts × 30 curves × 1000 points shown', value: shown, unit: 's' },
        { name: 'zoom or reset redraw, 30 × 1000 points', value: zoomMs / 1000, unit: 's', note: `${(1000 / zoomMs).toFixed(0)} redraws/s (target ≥ 30 fps)` },
        { name: 'cursor move redraw (legend readout)', value: cursorMs / 1000, unit: 's', note: `${(1000 / cursorMs).toFixed(0)} per s` },
      ],
    };
  } finally {
    await browser.close();
    await host.close();
    rmSync(data, { recursive: true, force: true });
  }
}
