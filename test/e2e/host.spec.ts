/** The window through the browser host (127.0.0.1, token) in the Chromium scripts/findBrowser.mjs finds, against the real engine and pool. */
import { chromium } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config.js';
import { defineSuite } from './flows.js';

defineSuite('browser host', async () => {
  // Compiled main side (npm run build), exactly what `npm start` runs.
  const { startHost } = await import('../../dist/src-main/host/server.js');
  const data = mkdtempSync(join(tmpdir(), 'epstudio-e2e-'));
  const host = await startHost({ rendererDir: join(process.cwd(), 'dist', 'renderer'), studiesRoot: join(data, 'studies'), exportsRoot: join(data, 'exports'), workers: 2 });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
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

import { test, expect } from '@playwright/test';
import WebSocket from 'ws';

test.describe('browser host security', () => {
  test('127.0.0.1 only; page, assets and the API refused without the token or from another origin', async () => {
    const { startHost } = await import('../../dist/src-main/host/server.js');
    const data = mkdtempSync(join(tmpdir(), 'epstudio-sec-'));
    const host = await startHost({ rendererDir: join(process.cwd(), 'dist', 'renderer'), studiesRoot: join(data, 's'), exportsRoot: join(data, 'e') });
    try {
      const u = new URL(host.url);
      expect(u.hostname).toBe('127.0.0.1');
      expect(host.token).toMatch(/^[0-9a-f]{64}$/);
      const origin = `http://127.0.0.1:${host.port}`;
      expect((await fetch(`${origin}/`)).status).toBe(403);
      expect((await fetch(`${origin}/?token=${'0'.repeat(64)}`)).status).toBe(403);
      const ok = await fetch(host.url);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
      const cookie = ok.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
      // Assets: with the cookie the page got, not without it; no path traversal.
      const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(await ok.text())![1];
      expect((await fetch(`${origin}/${asset}`)).status).toBe(403);
      expect((await fetch(`${origin}/${asset}`, { headers: { cookie: cookie.split(';')[0] } })).status).toBe(200);
      expect((await fetch(`${origin}/..%2f..%2fpackage.json?token=${host.token}`)).status).toBe(404);

      const tryWs = (query: string, wsOrigin: string) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`, { origin: wsOrigin });
          ws.on('open', () => {
            ws.send(JSON.stringify({ id: 1, method: 'app.info', params: {} }));
          });
          ws.on('message', (m) => {
            resolve(JSON.parse(String(m)).ok ? 'ok' : 'error');
            ws.close();
          });
          ws.on('error', () => resolve('refused'));
        });
      expect(await tryWs('', origin)).toBe('refused');
      expect(await tryWs(`?token=${host.token}`, 'http://evil.example')).toBe('refused');
      expect(await tryWs(`?token=${host.token}`, origin)).toBe('ok');
    } finally {
      await host.close();
    }
  });

  test('the contract is validated on the main side: a bad request names the field, nothing runs', async () => {
    const { createHandlers } = await import('../../dist/src-main/api/handlers.js');
    const data = mkdtempSync(join(tmpdir(), 'epstudio-val-'));
    const h = createHandlers({ host: 'browser', studiesRoot: join(data, 's'), exportsRoot: join(data, 'e'), emit: () => undefined });
    await expect(h.dispatch('studies.run', { preset: 'kerr-quench-demo', workers: 0 })).rejects.toThrow(/workers/);
    await expect(h.dispatch('files.save', { name: 'x.svg', data: 'x', encoding: 'utf8', dir: '/etc' })).rejects.toThrow(/not a folder chosen for exports/);
    await expect(h.dispatch('studies.run', { spec: { version: 1, name: 'x', tasks: [{ kind: 'quench', N: [-1], epsInitial: 0.5, epsFinal: [1], tMax: 1, dt: 0.2 }] } })).rejects.toThrow(/N/);
    await expect(h.dispatch('no.such', {})).rejects.toThrow(/unknown method/);
    // Responses match the contract's response schemas (what the renderer's types promise).
    const { METHODS } = await import('../../dist/src-main/api/contract.js');
    for (const [m, p] of [['app.info', {}], ['studies.presets', {}], ['studies.list', {}], ['files.chooseDir', { purpose: 'figures' }]] as const) {
      const r = METHODS[m][1].safeParse(await h.dispatch(m, p));
      expect(r.success, `${m}: ${JSON.stringify(r.error?.issues)}`).toBe(true);
    }
    const presets = (await h.dispatch('studies.presets', {})) as { name: string }[];
    expect(presets.map((x) => x.name)).toContain('kerr-quench-demo');
    await h.shutdown();
  });
});

test.describe('CSP without unsafe-inline', () => {
  test('the page renders styled (component CSS from files, CSSOM styles) with no CSP violation; a spec file runs by upload', async ({}, info) => {
    const { startHost } = await import('../../dist/src-main/host/server.js');
    const data = mkdtempSync(join(tmpdir(), 'epstudio-csp-'));
    const host = await startHost({ rendererDir: join(process.cwd(), 'dist', 'renderer'), studiesRoot: join(data, 's'), exportsRoot: join(data, 'e'), workers: 1 });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          (window as unknown as { __csp: string[] }).__csp ??= [];
          (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      const r = await page.goto(host.url);
      expect(r!.headers()['content-security-policy']).not.toContain('unsafe-inline');
      await page.locator('body[data-ready="true"]').waitFor();
      // global.css (a stylesheet file): the theme's background; Svelte's component CSS (emitted to a .css file): the
      // tab list's flex layout and the Studies grid; CSSOM styles (uPlot, Svelte style={…}) on the phase-space ticks.
      const bodyBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bodyBg).not.toBe('rgba(0, 0, 0, 0)');
      expect(await page.locator('.tabs').evaluate((el) => getComputedStyle(el).display)).toBe('flex');
      await page.getByRole('tab', { name: 'Studies' }).click();
      expect(await page.locator('.studies').evaluate((el) => getComputedStyle(el).display)).toBe('grid');
      await page.getByRole('tab', { name: 'Phase space' }).click();
      await expect(page.getByTestId('ps-info')).toContainText('t = 0.00', { timeout: 60_000 });
      const left = await page.locator('.xticks span').first().evaluate((el) => (el as HTMLElement).style.left);
      expect(left).toMatch(/%$/);
      await page.getByRole('tab', { name: 'Kerr quench' }).click();
      await expect(page.locator('.u-legend').first()).toBeVisible();
      const shotPath = info.outputPath('styled.png');
      await page.screenshot({ path: shotPath, fullPage: true });
      await info.attach('styled', { path: shotPath, contentType: 'image/png' });
      // A spec file through the file picker (an upload here): the host gets the content, never a path.
      await page.getByRole('tab', { name: 'Studies' }).click();
      const spec = { version: 1, name: 'uploaded', model: { kappa: 0.5, delta: -2, u: 1 }, tasks: [{ kind: 'ness-sweep', method: 'exact', N: [1], eps: [0.5, 0.6] }] };
      await page.getByTestId('spec-file').setInputFiles({ name: 'spec.json', mimeType: 'application/json', buffer: Buffer.from('\uFEFF' + JSON.stringify(spec)) });
      await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 60_000 });
      await page.getByRole('tab', { name: 'Studies' }).click();
      await expect(page.locator('[data-testid="past-runs"] tbody tr[data-dir*="uploaded-"]')).toHaveCount(1);
      await page.getByTestId('spec-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('root:x:0:0:SECRET-CONTENT') });
      await expect(page.getByTestId('error-banner')).toContainText('spec file bad.json: not valid JSON');
      await expect(page.getByTestId('error-banner')).not.toContainText('SECRET-CONTENT');
      expect(violations).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
      // Control: the listener does see a violation (an inline <style> is refused under this policy).
      await page.evaluate(() => {
        const st = document.createElement('style');
        st.textContent = 'body { color: red }';
        document.head.append(st);
      });
      await expect.poll(() => page.evaluate(() => ((window as unknown as { __csp?: string[] }).__csp ?? []).join())).toContain('style-src');
    } finally {
      await browser.close();
      await host.close();
    }
  });
});

test.describe('charts under load', () => {
  test('30 curves × 1000 points in every chart: all drawn; cursor and zoom frame rates logged', async ({}, info) => {
    const { startHost } = await import('../../dist/src-main/host/server.js');
    const data = mkdtempSync(join(tmpdir(), 'epstudio-stress-'));
    const host = await startHost({ rendererDir: join(process.cwd(), 'dist', 'renderer'), studiesRoot: join(data, 's'), exportsRoot: join(data, 'e') });
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const t0 = Date.now();
      await page.goto(`${host.url}&stress=30x1000`);
      const figs = page.locator('figure[data-chart^="G-epsf"], figure[data-chart^="Pi_U-epsf"], figure[data-chart^="S_W-epsf"]');
      await expect(figs).toHaveCount(3);
      for (const f of await figs.all()) {
        await expect(f).toHaveAttribute('data-curves', '30');
        await expect(f).toHaveAttribute('data-points', '1000');
      }
      const loadMs = Date.now() - t0;
      const over = page.locator('figure[data-chart^="G-epsf"] .u-over').first();
      const box = (await over.boundingBox())!;
      // Cursor tracking: frames drawn while the pointer sweeps the plot (uPlot redraws cursor and legend each move).
      await page.evaluate(() => {
        const w = window as unknown as { __frames: number; __stop: boolean };
        w.__frames = 0;
        w.__stop = false;
        const tick = () => {
          w.__frames++;
          if (!w.__stop) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      const s0 = Date.now();
      for (let i = 0; i <= 60; i++) await page.mouse.move(box.x + (box.width * i) / 60, box.y + box.height / 2);
      const cursorFps = (await page.evaluate(() => (window as unknown as { __frames: number }).__frames)) / ((Date.now() - s0) / 1000);
      // Zoom and reset, driven inside the page (no input latency): each is a full redraw of 30 × 1000 points; the time
      // is from the mouse event until uPlot has redrawn (its commit runs in a microtask).
      const zoomMs = await over.evaluate(async (el) => {
        const r = el.getBoundingClientRect();
        const at = (type: string, fx: number, fy: number, target: EventTarget = el, detail = 1) =>
          target.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: r.left + r.width * fx, clientY: r.top + r.height * fy, button: 0, buttons: type === 'mouseup' ? 0 : 1, detail }));
        // uPlot redraws in a microtask after the event: a macrotask later the canvas is drawn.
        const frame = () => new Promise((ok) => setTimeout(() => ok(null), 0));
        const times: number[] = [];
        for (let i = 0; i < 10; i++) {
          let t = performance.now();
          at('mousedown', 0.2 + 0.02 * i, 0.2);
          at('mousemove', 0.6, 0.8, document);
          at('mouseup', 0.6, 0.8, document);
          await frame();
          times.push(performance.now() - t);
          t = performance.now();
          at('dblclick', 0.5, 0.5, el, 2);
          await frame();
          times.push(performance.now() - t);
        }
        return times.reduce((a, b) => a + b, 0) / times.length;
      });
      const zoomed = await page.locator('figure[data-chart^="G-epsf"] .u-axis').count();
      expect(zoomed).toBeGreaterThan(0);
      const line = `[e2e stress] 7 charts × 30 curves × 1000 points: shown after ${loadMs} ms; cursor sweep ${cursorFps.toFixed(0)} fps; zoom or reset ${zoomMs.toFixed(1)} ms per redraw (≈ ${(1000 / zoomMs).toFixed(0)} redraws/s)`;
      console.log(line);
      await info.attach('stress-timings', { body: line, contentType: 'text/plain' });
      const path = info.outputPath('stress.png');
      await page.screenshot({ path });
      await info.attach('stress', { path, contentType: 'image/png' });
    } finally {
      await browser.close();
      await host.close();
    }
  });
});

test.describe('electron guards (plain functions, no Electron needed)', () => {
  test('IPC only from our window’s main frame on app://epstudio; navigation only within it', async () => {
    const { senderAllowed, isAppUrl } = await import('../../dist/src-main/electron/guards.js');
    const main = { url: 'app://epstudio/index.html' };
    const wc = { mainFrame: main };
    const win = { isDestroyed: () => false, webContents: wc };
    expect(senderAllowed({ sender: wc, senderFrame: main }, win)).toBe(true);
    expect(senderAllowed({ sender: {}, senderFrame: main }, win)).toBe(false);
    expect(senderAllowed({ sender: wc, senderFrame: { url: 'app://epstudio/index.html' } }, win)).toBe(false);
    expect(senderAllowed({ sender: wc, senderFrame: null }, win)).toBe(false);
    const navigated = { url: 'https://example.com/' };
    expect(senderAllowed({ sender: { mainFrame: navigated }, senderFrame: navigated }, { isDestroyed: () => false, webContents: { mainFrame: navigated } })).toBe(false);
    expect(senderAllowed({ sender: wc, senderFrame: main }, { ...win, isDestroyed: () => true })).toBe(false);
    expect(senderAllowed({ sender: wc, senderFrame: main }, undefined)).toBe(false);
    expect(isAppUrl('app://epstudio/assets/x.js')).toBe(true);
    expect(isAppUrl('app://epstudio.evil.com/')).toBe(false);
    expect(isAppUrl('app://user@epstudio/')).toBe(false);
    for (const u of ['file:///etc/passwd', 'https://epstudio/', 'app://other/', 'javascript:alert(1)', 'not a url']) expect(isAppUrl(u)).toBe(false);
  });
});

test.describe('preload (bundled CommonJS, run in a sandbox-like vm with a fake electron)', () => {
  test('exposes exactly the contract: window.epstudio = { host, invoke, onPush }, only contract methods reach IPC', async () => {
    const vm = await import('node:vm');
    const { readFileSync } = await import('node:fs');
    const { METHOD_NAMES } = await import('../../dist/src-main/api/contract.js');
    const src = readFileSync(join(process.cwd(), 'dist', 'src-main', 'electron', 'preload.cjs'), 'utf8');
    const exposed: Record<string, unknown> = {};
    const calls: [string, unknown][] = [];
    const required: string[] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) },
      ipcRenderer: {
        invoke: async (ch: string, p: unknown) => {
          calls.push([ch, p]);
          return (p as { fail?: boolean } | undefined)?.fail ? { ok: false, error: { message: 'boom', field: 'x' } } : { ok: true, result: 42 };
        },
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const module = { exports: {} };
    vm.runInNewContext(src, {
      module,
      exports: module.exports,
      require: (m: string) => {
        required.push(m);
        if (m !== 'electron') throw new Error(`sandboxed preload may not require ${m}`);
        return fakeElectron;
      },
    });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['epstudio']);
    const api = exposed.epstudio as { host: string; invoke: (m: string, p: unknown) => Promise<unknown>; onPush: (l: unknown) => () => void };
    expect(Object.keys(api).sort()).toEqual(['host', 'invoke', 'onPush']);
    expect(api.host).toBe('electron');
    // Promises from the vm's realm: re-wrap so that expect().rejects recognises them.
    const call = (m: string, p: unknown) => new Promise((ok, fail) => api.invoke(m, p).then(ok, fail));
    for (const m of METHOD_NAMES) expect(await call(m, {})).toBe(42);
    expect(calls.map((c) => c[0])).toEqual(METHOD_NAMES.map((m: string) => `epstudio:${m}`));
    await expect(call('fs.readFile', { path: '/etc/passwd' })).rejects.toThrow(/unknown method/);
    expect(calls).toHaveLength(METHOD_NAMES.length);
    await expect(call('studies.list', { fail: true })).rejects.toThrow('boom');
    expect(typeof api.onPush(() => undefined)).toBe('function');
  });
});

test.describe('IPC adapter (fake ipcMain, real handlers)', () => {
  test('one handler per method; sender checked before validation; errors come back as values naming the field', async () => {
    const { registerIpc } = await import('../../dist/src-main/electron/ipc.js');
    const { createHandlers } = await import('../../dist/src-main/api/handlers.js');
    const { METHOD_NAMES } = await import('../../dist/src-main/api/contract.js');
    const data = mkdtempSync(join(tmpdir(), 'epstudio-ipc-'));
    let dispatched = 0;
    const real = createHandlers({ host: 'electron', studiesRoot: join(data, 's'), exportsRoot: join(data, 'e'), emit: () => undefined });
    const handlers = { ...real, dispatch: (m: unknown, p: unknown) => (dispatched++, real.dispatch(m, p)) };
    const table = new Map<string, (e: unknown, p: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { message: string; field?: string } }>>();
    const ipcMain = { handle: (ch: string, fn: never) => table.set(ch, fn), removeHandler: (ch: string) => table.delete(ch) };
    const main = { url: 'app://epstudio/index.html' };
    const wc = { mainFrame: main };
    const win = { isDestroyed: () => false, webContents: wc };
    const off = registerIpc(ipcMain, handlers, () => win);
    expect([...table.keys()]).toEqual(METHOD_NAMES.map((m: string) => `epstudio:${m}`));
    const good = { sender: wc, senderFrame: main };
    const info = await table.get('epstudio:app.info')!(good, {});
    expect(info.ok).toBe(true);
    expect((info.result as { host: string }).host).toBe('electron');
    const refused = await table.get('epstudio:app.info')!({ sender: {}, senderFrame: main }, {});
    expect(refused).toEqual({ ok: false, error: { message: 'refused: IPC from an unknown sender' } });
    expect(dispatched).toBe(1);
    const bad = await table.get('epstudio:studies.readTask')!(good, { dir: '', taskId: 'x' });
    expect(bad.ok).toBe(false);
    expect(bad.error?.field).toBe('dir');
    off();
    expect(table.size).toBe(0);
    await real.shutdown();
  });
});
