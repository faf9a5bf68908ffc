/**
 * The end-to-end flows, shared by the browser-host suite (host.spec.ts) and the Electron suite (electron.spec.ts):
 * each drives the real window against the real engine and study pool.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

export const DEMO_FORM = { kappa: '0.5', delta: '-2', u: '1', epsInitial: '0.5', epsFinal: '0.8, 1.1', N: '1, 5', tMax: '5', dt: '0.2' };
/** Quench charts of one ε_f panel: G, Φ/N, Φ_q, Π_d, Π_U, S_W, |α|. */
export const QUENCH_CHARTS = ['G', 'Phi_over_N', 'Phi_q', 'Pi_d', 'Pi_U', 'S_W', 'alpha_abs'];

export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

/** One element's screenshot, kept as an artifact under .tmp/e2e-shots/ (gitignored) and attached to the report. */
export async function shotOf(el: ReturnType<Page['locator']>, info: TestInfo, name: string): Promise<string> {
  const dir = join(process.cwd(), '.tmp', 'e2e-shots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await el.screenshot({ path });
  await info.attach(name, { path, contentType: 'image/png' });
  return path;
}

/** Every reference line of a chart lies inside its y range (the legend never names a line that is off the axes). */
export async function expectRefsInRange(fig: ReturnType<Page['locator']>): Promise<number> {
  await expect(fig).toHaveAttribute('data-refs', /\[/);
  const [lo, hi, refs] = await fig.evaluate((el: HTMLElement) => [Number(el.dataset.ymin), Number(el.dataset.ymax), JSON.parse(el.dataset.refs ?? '[]') as [number, number][]] as const);
  for (const [a, b] of refs) {
    expect(a).toBeGreaterThanOrEqual(lo);
    expect(b).toBeLessThanOrEqual(hi);
  }
  return refs.length;
}

export async function ready(page: Page): Promise<void> {
  await expect(page.locator('body[data-ready="true"]')).toHaveCount(1);
}

export async function fillForm(page: Page, values: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(values)) await page.getByTestId(`field-${k}`).fill(v);
}

export async function waitDone(page: Page, status = 'completed', timeout = 90_000): Promise<void> {
  await expect(page.getByTestId('run-status')).toHaveText(status, { timeout });
}

/** Every quench chart of the visible panel shows exactly `n` data curves (one per N), with samples in them. */
export async function expectCurvesPerChart(page: Page, n: number, points: number): Promise<void> {
  for (const key of QUENCH_CHARTS) {
    const fig = page.locator(`figure[data-chart^="${key}-epsf"]`).first();
    await expect(fig).toHaveAttribute('data-curves', String(n));
    await expect(fig).toHaveAttribute('data-points', String(points));
    // uPlot draws one legend row per series (x first); data rows are the first n after x.
    await expect(fig.locator('.u-legend .u-series')).toHaveCount(1 + n + (await refCount(fig)));
  }
}

async function refCount(fig: ReturnType<Page['locator']>): Promise<number> {
  const labels = await fig.locator('.u-legend .u-series .u-label').allTextContents();
  return labels.filter((l) => /NESS|mean field/.test(l)).length;
}

/** Click an export button of a chart and return the written path from its status line. */
export async function exportFrom(page: Page, chartPrefix: string, kind: 'CSV' | 'PNG' | 'SVG'): Promise<string> {
  const fig = page.locator(`figure[data-chart^="${chartPrefix}"]`).first();
  const status = fig.locator('[data-export-status]');
  await fig.getByRole('button', { name: kind, exact: true }).click();
  await expect(status).toHaveText(/^wrote /, { timeout: 30_000 });
  const text = (await status.textContent()) ?? '';
  // The status resets only on the next export: make sure it refers to this kind.
  expect(text.endsWith(`.${kind.toLowerCase()}`)).toBe(true);
  return text.replace(/^wrote /, '').trim();
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
export function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Parse an SVG file in the page (DOMParser) and rasterise it: a valid image of the stated size. */
export async function svgCheck(page: Page, path: string): Promise<{ width: number; height: number; paths: number; texts: string[] }> {
  const text = readFileSync(path, 'utf8');
  return page.evaluate(async (src) => {
    const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
    if (doc.querySelector('parsererror')) throw new Error('SVG does not parse');
    const svg = doc.documentElement;
    const url = URL.createObjectURL(new Blob([src], { type: 'image/svg+xml' }));
    const img = new Image();
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('SVG does not load as an image'));
      img.src = url;
    });
    URL.revokeObjectURL(url);
    return {
      width: img.naturalWidth,
      height: img.naturalHeight,
      paths: svg.querySelectorAll('path').length,
      texts: [...svg.querySelectorAll('text')].map((t) => t.textContent ?? ''),
      tag: svg.tagName,
    };
  }, text);
}

/** CSV → { meta lines, header, data rows } (the project's writer: `# key: value` lines, header, rows). */
export function readCsv(path: string): { meta: string[]; header: string[]; rows: string[][] } {
  const text = readFileSync(path, 'utf8');
  const meta = text.split(/\r?\n/).filter((l) => l.startsWith('#'));
  const [header, ...rows] = parse(text, { comment: '#', relax_column_count: false }) as string[][];
  return { meta, header, rows };
}

export interface Session {
  page: Page;
  /** Resolves when the study pool has no running study (main side). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The suite: the same tests for every way the window can run. Serial, one page: the later tests reopen what the
 * earlier ones ran.
 */
export function defineSuite(title: string, start: () => Promise<Session>, skipReason?: string): void {
  test.describe(title, () => {
    test.describe.configure({ mode: 'serial' });
    test.skip(!!skipReason, skipReason);
    let s: Session;
    let page: Page;
    let liveCsv = '';
    /** Study folders created so far in this session (runs and saved copies): the list of past runs shows them all. */
    let folders = 0;

    test.beforeAll(async () => {
      s = await start();
      page = s.page;
    });
    test.afterAll(async () => {
      await s?.close();
    });

    test('first page: instant Fig. 2 with the seed’s bistable window and derived values', async ({}, info) => {
      await ready(page);
      const fig2 = page.locator('figure[data-chart="fig2"]');
      // Default form: N = 1, 5, 10 → three exact curves, plus the mean-field branches as references.
      await expect(fig2).toHaveAttribute('data-curves', '3');
      // Published values of the seed (Sec. IV A): ε− = 0.701373, ε+ = 1.16616.
      await expect(page.getByTestId('derived')).toContainText('ε− = 0.701373');
      await expect(page.getByTestId('derived')).toContainText('ε+ = 1.16616');
      await expect(page.getByTestId('K')).toHaveCount(3);
      // K "auto": the first K and the expected K, estimated in a web worker (off the UI thread), land in the table
      await expect(page.getByTestId('K').last()).toHaveText(/^auto \d+ → ~\d+$/);
      await expect(page.getByTestId('field-K')).toHaveValue('auto');
      await shot(page, info, 'first-page-light');
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot(page, info, 'first-page-dark');
      await page.emulateMedia({ colorScheme: 'light' });
    });

    test('invalid input shows the message and blocks the run', async ({}, info) => {
      const run = page.getByTestId('run');
      await expect(run).toBeEnabled();
      await page.getByTestId('field-kappa').fill('-1');
      await expect(page.getByTestId('error-kappa')).toHaveText(/κ must be a finite number ≥ 0\.001 .*got -1/);
      await expect(run).toBeDisabled();
      await page.getByTestId('field-N').fill('1, five');
      await expect(page.getByTestId('error-N')).toContainText('not a number');
      await page.getByTestId('field-dt').fill('20');
      await expect(page.getByTestId('error-dt')).toContainText('Δt must not exceed t_max');
      await shot(page, info, 'invalid-input');
      // Enter in a field must not start a run either.
      await page.getByTestId('field-tMax').press('Enter');
      await expect(page.getByTestId('run-status')).toHaveCount(0);
      await fillForm(page, { kappa: '0.5', N: '1, 5, 10', dt: '0.2' });
      await expect(run).toBeEnabled();
    });

    test('fill the form, run: progress reaches 100 %, one curve per N in every chart', async ({}, info) => {
      await fillForm(page, DEMO_FORM);
      await expect(page.locator('figure[data-chart="fig2"]')).toHaveAttribute('data-curves', '2');
      // Run from the keyboard: the focus stays on the button through the run (it is aria-disabled, not disabled).
      await page.getByTestId('run').focus();
      await page.keyboard.press('Enter');
      folders++;
      await expect(page.getByTestId('run')).toHaveAttribute('aria-disabled', 'true');
      await expect(page.getByTestId('run')).toBeFocused();
      await waitDone(page);
      await expect(page.getByTestId('run')).toBeFocused();
      await expect(page.getByTestId('overall-progress')).toHaveText('100.0 %');
      await expectCurvesPerChart(page, 2, 26);
      await page.getByRole('tab', { name: 'ε_f = 1.1' }).click();
      await expectCurvesPerChart(page, 2, 26);
      await shot(page, info, 'form-run-done');
    });

    test('charts: references on the axes (Φ/N, Π_d, |α|), units in the axis labels, G not below 0, legend rows toggle by keyboard', async ({}, info) => {
      await page.getByRole('tab', { name: 'ε_f = 1.1' }).click();
      const fig = (k: string) => page.locator(`figure[data-chart^="${k}-epsf"]`).first();
      // Φ/N and |α| carry the N = 1000 NESS and the mean-field branch; Π_d (Fig. 7) the NESS at each N.
      expect(await expectRefsInRange(fig('Phi_over_N'))).toBeGreaterThanOrEqual(3);
      expect(await expectRefsInRange(fig('alpha_abs'))).toBeGreaterThanOrEqual(3);
      expect(await expectRefsInRange(fig('Pi_d'))).toBe(2);
      await expect(fig('Pi_d').locator('.u-legend')).toContainText('NESS ε_f, N=5');
      // G ≥ 0: its axis does not go below 0.
      await expect.poll(async () => Number(await fig('G').getAttribute('data-ymin'))).toBeGreaterThanOrEqual(0);
      // Units in the axis labels (uPlot draws them on the canvas; the figure carries them as attributes).
      await expect(fig('Phi_over_N')).toHaveAttribute('data-xlabel', 't [1/ω₀]');
      await expect(fig('Phi_over_N')).toHaveAttribute('data-ylabel', 'Φ/N [nat·ω₀]');
      await expect(fig('G')).toHaveAttribute('data-ylabel', 'G [nat]');
      // Title without equation numbers; the source beside it.
      await expect(fig('G').locator('.title')).toContainText('Non-Gaussianity G, ε_f = 1.1');
      await expect(fig('G').locator('.source')).toContainText('seed 000 Eq. 27, Fig. 4');
      // Keyboard: Enter and Space on a focused legend row hide and show its curve.
      const row = fig('G').locator('.u-legend .u-series').nth(1);
      await row.focus();
      await page.keyboard.press('Enter');
      await expect(row).toHaveAttribute('aria-pressed', 'false');
      await expect(row).toHaveClass(/u-off/);
      await page.keyboard.press(' ');
      await expect(row).toHaveAttribute('aria-pressed', 'true');
      await expect(row).not.toHaveClass(/u-off/);
      for (const k of QUENCH_CHARTS) await shotOf(fig(k), info, `chart-${k}-epsf1.1`);
      await shotOf(page.locator('figure[data-chart="fig2"]'), info, 'chart-fig2');
      // Log axis: decades only, never a "0" tick.
      await fig('G').getByLabel('log y').check();
      await expect(fig('G')).toHaveAttribute('data-yticks', /10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]|0\.0/);
      const ticks = (JSON.parse((await fig('G').getAttribute('data-yticks')) ?? '[]') as (string | null)[]).filter((t) => t);
      expect(ticks.length).toBeGreaterThan(0);
      for (const t of ticks) expect(t).not.toBe('0');
      await shotOf(fig('G'), info, 'chart-G-log');
      await fig('G').getByLabel('log y').uncheck();
    });

    test('the form refuses what the engine refuses: t_max not a whole number of Δt; Fig. 2 covers both folds for Δ = −3', async ({}, info) => {
      await fillForm(page, { ...DEMO_FORM, tMax: '1', dt: '0.3' });
      await expect(page.getByTestId('error-dt')).toHaveText('Δt must be a divisor of t_max = 1 (t_max/Δt must be a whole number) (got 0.3)');
      await expect(page.getByTestId('run')).toBeDisabled();
      await fillForm(page, { delta: '-3', dt: '0.2' });
      await expect(page.getByTestId('run')).toBeEnabled();
      // ε+ = 2.06 at Δ = −3: the x axis of the instant Fig. 2 reaches past it.
      await expect(page.getByTestId('derived')).toContainText('ε+ = 2.06');
      const fig2 = page.locator('figure[data-chart="fig2"]');
      await expect.poll(async () => Math.max(...(JSON.parse((await fig2.getAttribute('data-xticks')) ?? '[]') as string[]).map(Number).filter(Number.isFinite))).toBeGreaterThan(2.06);
      await shotOf(fig2, info, 'chart-fig2-delta-3');
      await fillForm(page, DEMO_FORM);
    });

    test('kerr-quench-demo preset, CSV / PNG / SVG export and the whole figure set', async ({}, info) => {
      await page.getByRole('tab', { name: 'Studies' }).click();
      await page.locator('[data-preset="kerr-quench-demo"]').click();
      folders++;
      await expect(page.getByRole('tab', { name: 'Kerr quench' })).toHaveAttribute('aria-selected', 'true');
      await waitDone(page);
      await expect(page.getByTestId('overall-progress')).toHaveText('100.0 %');
      await expectCurvesPerChart(page, 2, 26);
      await expect(page.locator('figure[data-chart="alpha_abs-sweep"]')).toHaveAttribute('data-curves', '2');
      await shot(page, info, 'demo-done');

      const csv = readCsv(await exportFrom(page, 'G-epsf', 'CSV'));
      // plain column names; the provenance of the study's tasks (read from the study folder) in # lines
      expect(csv.header).toEqual(['t', 'G_N1', 'G_N5']);
      for (const l of ['# kappa: 0.5', '# N: 1 5', '# dt: 0.2', '# rtol: 1e-10']) expect(csv.meta).toContain(l);
      expect(csv.meta.some((l) => /^# spec_hash: [0-9a-f]{64}$/.test(l))).toBe(true);
      expect(csv.meta.some((l) => l.startsWith('# units: t [1/omega0]; G [nat]'))).toBe(true);
      for (const l of csv.meta) expect(l).not.toContain(',');
      expect(csv.rows[3][0]).toBe('0.6');
      expect(csv.rows).toHaveLength(26);
      expect(Number(csv.rows[25][0])).toBeCloseTo(5, 12);
      // G ≥ 0 (Eq. 27: the Gaussian state maximises the entropy at fixed moments) and the quench starts from a NESS.
      for (const r of csv.rows) for (const v of r.slice(1)) expect(Number(v)).toBeGreaterThanOrEqual(-1e-9);
      liveCsv = readFileSync(await exportFrom(page, 'Phi_over_N-epsf', 'CSV'), 'utf8');

      expect(pngSize(await exportFrom(page, 'G-epsf', 'PNG'))).toEqual({ width: 2400, height: 1500 });
      const svg = await svgCheck(page, await exportFrom(page, 'Phi_over_N-epsf', 'SVG'));
      expect({ width: svg.width, height: svg.height }).toEqual({ width: 800, height: 500 });
      expect(svg.paths).toBeGreaterThanOrEqual(2);
      const texts = svg.texts.join('|');
      for (const t of ['N=1', 'N=5', 'Φ/N', 'Entropy flux per size Φ/N']) expect(texts).toContain(t);

      await page.getByTestId('export-set').click();
      await expect(page.getByTestId('set-status')).toHaveText(/^wrote \d+ files to /, { timeout: 60_000 });
      const m = /^wrote (\d+) files to (.*)$/.exec((await page.getByTestId('set-status').textContent()) ?? '')!;
      // Every ε_f panel × 7 quench charts + the study's other figures (here the Fig. 2 NESS sweep), each as CSV, SVG, PNG.
      const panels = await page.getByRole('tab', { name: /^ε_f = / }).count();
      const others = (await page.locator('figure[data-chart]').count()) - 1 - QUENCH_CHARTS.length; // minus the instant Fig. 2
      expect(panels).toBe(2);
      expect(others).toBeGreaterThanOrEqual(1);
      // … plus the study as one HDF5 file
      expect(Number(m[1])).toBe(3 * (panels * QUENCH_CHARTS.length + others) + 1);
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(m[2]).filter((f) => /\.(csv|svg|png)$/.test(f))).toHaveLength(Number(m[1]) - 1);
      expect(readdirSync(m[2]).filter((f) => f.endsWith('.h5'))).toHaveLength(1);
      // … and the seed's figures by the one figure engine (the files of `epstudio figures`), in a folder of their own
      await expect(page.getByTestId('paper-status')).toHaveText(/^paper figures: \d+ files \(SVG, PDF, PNG\) in /, { timeout: 60_000 });
      const pm = /^paper figures: (\d+) files \(SVG, PDF, PNG\) in (.*?)(;|$)/.exec((await page.getByTestId('paper-status').textContent()) ?? '')!;
      const paper = readdirSync(pm[2]);
      expect(paper).toHaveLength(Number(pm[1]));
      for (const ext of ['svg', 'pdf', 'png']) expect(paper).toContain(`fig4.${ext}`);
      // Exported again: a second folder with its own complete set; the first is untouched.
      const before = readdirSync(m[2]).sort();
      const first = (await page.getByTestId('set-status').textContent()) ?? '';
      await page.getByTestId('export-set').click();
      const status2 = async () => (await page.getByTestId('set-status').textContent()) ?? '';
      await expect.poll(async () => { const t = await status2(); return t !== first && /^wrote \d+ files to /.test(t); }, { timeout: 60_000 }).toBe(true);
      const m2 = /^wrote (\d+) files to (.*)$/.exec(await status2())!;
      expect(m2[2]).not.toBe(m[2]);
      expect(m2[1]).toBe(m[1]);
      expect(readdirSync(m2[2]).sort()).toEqual(before);
      expect(readdirSync(m[2]).sort()).toEqual(before);
    });

    test('reopening a saved study shows the same curves', async ({}, info) => {
      await page.getByRole('button', { name: 'Save study as…' }).click();
      await expect(page.getByTestId('notice')).toContainText('Saved a copy of the study to ');
      folders++;
      const copy = ((await page.getByTestId('notice').textContent()) ?? '').replace(/^.*Saved a copy of the study to /, '').replace(/×$/, '').trim();
      // Forget the live state, then reopen the copy from the list of past runs.
      await page.getByRole('button', { name: "Reset to the seed's values" }).click();
      await expect(page.locator('figure[data-chart^="G-epsf"]')).toHaveCount(0);
      await page.getByRole('tab', { name: 'Studies' }).click();
      await page.locator(`button[data-open="${copy}"]`).click();
      await expect(page.getByTestId('run-status')).toHaveText('completed');
      await expectCurvesPerChart(page, 2, 26);
      const again = readFileSync(await exportFrom(page, 'Phi_over_N-epsf', 'CSV'), 'utf8');
      // The same data and the same study (spec hash); only the export's date and folder name differ.
      const body = (t: string) => t.split('\n').filter((l) => !l.startsWith('#') || l.startsWith('# spec_hash') || l.startsWith('# K:'));
      expect(body(again)).toEqual(body(liveCsv));
      await shot(page, info, 'reopened');
    });

    test('cancel stops the pool; results stream in while it runs; resume finishes', async ({}, info) => {
      // Long enough that it cannot finish between the first streamed points and the click on Cancel: N = 60 to t = 60
      // (K grows to ~250: ~15 s of worker time; N = 20 took under 2 s once the engine got faster, and then the Cancel
      // button was gone before the click).
      await fillForm(page, { ...DEMO_FORM, epsFinal: '1.1', N: '1, 5, 60', tMax: '60' });
      await page.getByTestId('run').click();
      folders++;
      await expect(page.getByTestId('run-status')).toHaveText('running');
      // Streaming: curves grow before the study ends.
      const fig = page.locator('figure[data-chart^="G-epsf"]').first();
      await expect.poll(async () => Number(await fig.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(5);
      await expect(page.getByTestId('run-status')).toHaveText('running');
      await shot(page, info, 'streaming');
      await page.getByTestId('cancel').click();
      await waitDone(page, 'cancelled', 30_000);
      await s.idle();
      const before = await page.getByTestId('overall-progress').textContent();
      expect(Number.parseFloat(before ?? '100')).toBeLessThan(100);
      await page.waitForTimeout(1500);
      expect(await page.getByTestId('overall-progress').textContent()).toBe(before);
      await shot(page, info, 'cancelled');
      // Resume from a fresh window state: forget everything, reopen the cancelled study from the past runs (its
      // finished tasks and checkpoints), then resume it.
      const dir = ((await page.getByTestId('study-dir').textContent()) ?? '').trim();
      await page.getByRole('button', { name: "Reset to the seed's values" }).click();
      await page.getByRole('tab', { name: 'Studies' }).click();
      await page.locator(`button[data-open="${dir}"]`).click();
      await expect(page.getByTestId('run-status')).toHaveText('cancelled');
      await expect(page.getByTestId('resume')).toBeEnabled();
      await page.getByTestId('resume').click();
      await waitDone(page, 'completed', 100_000);
      await expect(page.getByTestId('overall-progress')).toHaveText('100.0 %');
      await expectCurvesPerChart(page, 3, 301);
    });

    test('keyboard: tabs by arrow keys, form to Run by Tab; Studies lists presets and past runs; About shows versions', async ({}, info) => {
      await page.getByRole('tab', { name: 'Kerr quench' }).click();
      await page.getByRole('tab', { name: 'Kerr quench' }).focus();
      await page.keyboard.press('ArrowRight');
      await expect(page.getByRole('tab', { name: 'Phase space' })).toBeFocused();
      await page.keyboard.press('ArrowRight');
      await expect(page.getByRole('tab', { name: 'Studies' })).toHaveAttribute('aria-selected', 'true');
      await expect(page.locator('[data-preset="kerr-quench-demo"]')).toBeVisible();
      await expect(page.locator('[data-testid="past-runs"] tbody tr[data-dir]')).toHaveCount(folders);
      // Newest first.
      const created = (await page.locator('[data-testid="past-runs"] tbody tr[data-dir] td[data-col="created"]').allTextContents()).map((c) => Date.parse(c));
      expect(created.every(Number.isFinite)).toBe(true);
      expect(created).toEqual([...created].sort((a, b) => b - a));
      await shot(page, info, 'studies');
      // The Gaussian panel (another engineer's component) mounts as a tab when it exists.
      const gaussian = page.getByRole('tab', { name: 'Gaussian oscillators' });
      if ((await gaussian.count()) > 0) {
        await gaussian.click();
        await expect(page.getByRole('tabpanel')).toBeVisible();
        await shot(page, info, 'gaussian-tab');
        await page.getByRole('tab', { name: 'Studies' }).click();
        await page.getByRole('tab', { name: 'Studies' }).focus();
      }
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await expect(page.getByRole('tab', { name: 'Kerr quench' })).toHaveAttribute('aria-selected', 'true');
      await page.getByTestId('field-dt').focus();
      let reached = false;
      for (let i = 0; i < 4 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.getByTestId('run').evaluate((el) => el === document.activeElement);
      }
      expect(reached).toBe(true);
      await page.getByRole('button', { name: 'About' }).click();
      await expect(page.getByTestId('about-version')).toHaveText(/^\d+\.\d+\.\d+/);
      await shot(page, info, 'about');
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('about-version')).toHaveCount(0);
    });

    test('phase-space viewer draws Q(μ) frames computed on the main side', async ({}, info) => {
      await fillForm(page, DEMO_FORM);
      await page.getByRole('tab', { name: 'Phase space' }).click();
      await expect(page.getByTestId('ps-info')).toContainText('t = 0.00', { timeout: 30_000 });
      await page.getByTestId('ps-time').fill('3');
      await expect(page.getByTestId('ps-info')).toContainText('t = 3.00', { timeout: 30_000 });
      // The heat map is not blank: the canvas has more than a handful of distinct colours.
      const colours = await page.getByTestId('ps-canvas').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const set = new Set<number>();
        for (let i = 0; i < d.length; i += 64) set.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        return set.size;
      });
      expect(colours).toBeGreaterThan(20);
      await shot(page, info, 'phase-space');
    });

    test('phase-space export: Q and J at every t as HDF5 and PNG frames, a new folder per export', async ({}, info) => {
      const { readdirSync } = await import('node:fs');
      const { join } = await import('node:path');
      await page.getByTestId('ps-export-times').selectOption({ label: 'at every t = kΔt' });
      await page.getByLabel('PNG frames').check();
      const status = page.getByTestId('ps-export-status');
      const dirs: string[] = [];
      for (let round = 0; round < 2; round++) {
        const before = (await status.textContent()) ?? '';
        await page.getByTestId('ps-export').click();
        await expect.poll(async () => { const t = (await status.textContent()) ?? ''; return t !== before && /^wrote \d+ files to /.test(t); }, { timeout: 90_000 }).toBe(true);
        const m = /^wrote (\d+) files to (.*)$/.exec((await status.textContent()) ?? '')!;
        const files = readdirSync(m[2]);
        expect(files.length).toBe(Number(m[1]));
        // t = 0, 0.2, …, 5: 26 frames; HDF5 with Q and J; provenance.json; frames.txt (the colour scale)
        expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(26);
        for (const f of ['phase-space.h5', 'provenance.json', 'frames.txt', 'Q_00_t0.png', 'Q_25_t5.png']) expect(files).toContain(f);
        expect(pngSize(join(m[2], 'Q_03_t0.6.png'))).toEqual({ width: 512, height: 536 });
        // each frame carries the export's provenance as PNG text (iTXt) chunks
        const png = readFileSync(join(m[2], 'Q_03_t0.6.png'));
        for (const k of ['iTXt', 'eps_final\0', 'kappa\0', 'frame\0']) expect(png.includes(Buffer.from(k))).toBe(true);
        const prov = JSON.parse(readFileSync(join(m[2], 'provenance.json'), 'utf8'));
        expect(prov).toMatchObject({ kappa: '0.5', N: '1', eps_initial: '0.5', eps_final: '0.8', layout: { Q: [26, 64, 64] } });
        dirs.push(m[2]);
      }
      expect(dirs[1]).not.toBe(dirs[0]);
      await shot(page, info, 'phase-space-export');
    });

    test('state views: Wigner W(μ) on a diverging scale, P(n) at t, P(n, t) and g²(0, t) over the run; scale fixed per run', async ({}, info) => {
      await page.getByRole('tab', { name: 'Phase space' }).click();
      await expect(page.getByTestId('ps-info')).toContainText('W ∈ [', { timeout: 30_000 });
      const w = page.getByTestId('ps-wigner');
      await expect(w).toBeVisible();
      // W is drawn on RdBu: near-white (zero) and blue-or-red pixels both occur.
      const kinds = await w.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let white = 0, red = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i] > 240 && d[i + 1] > 240 && d[i + 2] > 240) white++;
          else if (d[i] > d[i + 2] + 40) red++;
        }
        return { white, red };
      });
      expect(kinds.white).toBeGreaterThan(100);
      expect(kinds.red).toBeGreaterThan(100);
      const m = /W ∈ \[(\S+), (\S+)\]/.exec((await page.getByTestId('ps-info').textContent()) ?? '')!;
      // |W| ≤ 2/π for every state (W = (2/π)<parity> of the displaced state).
      expect(Number(m[2])).toBeLessThanOrEqual(2 / Math.PI + 1e-9);
      expect(Number(m[1])).toBeGreaterThanOrEqual(-2 / Math.PI - 1e-9);
      // N = 1 after the quench to ε_f = 0.8: the Kerr state has W < 0 somewhere (the readout says so).
      if (Number(m[1]) < 0) await expect(page.getByTestId('ps-negativity')).toContainText('negative, a non-classical state');
      // g²(0, t) over the run and P(n) at the shown t.
      const g2 = page.locator('figure[data-chart^="g2-N"]');
      await expect(g2).toHaveAttribute('data-points', '26', { timeout: 60_000 });
      await expect(page.locator('figure[data-chart^="photon-distribution-"]')).toBeVisible();
      await expect(page.getByTestId('ps-pnt').locator('canvas')).toBeVisible();
      // Per-frame scale changes the colour-bar label only when the frame's maximum differs from the run's.
      await page.getByTestId('ps-scale').selectOption('frame');
      await page.getByTestId('ps-scale').selectOption('run');
      // Both exports read back: W on the 64 × 64 grid integrates to ≈ 1; every P(n, t_k) row sums to 1.
      await page.getByTestId('ps-export-w').click();
      await expect(page.getByTestId('ps-csv-status')).toHaveText(/^wrote .*wigner-.*\.csv$/);
      const wcsv = readCsv(((await page.getByTestId('ps-csv-status').textContent()) ?? '').replace(/^wrote /, ''));
      expect(wcsv.header).toEqual(['Re_mu', 'Im_mu', 'W']);
      expect(wcsv.rows).toHaveLength(64 * 64);
      expect(wcsv.meta.join('\n')).toMatch(/eps_f/);
      const xs = [...new Set(wcsv.rows.map((r) => Number(r[0])))].sort((a, b) => a - b);
      const dA = (xs[1] - xs[0]) ** 2;
      expect(wcsv.rows.reduce((a, r) => a + Number(r[2]), 0) * dA).toBeCloseTo(1, 2);
      await page.getByTestId('ps-export-pn').click();
      await expect(page.getByTestId('ps-csv-status')).toHaveText(/^wrote .*photon-statistics-.*\.csv$/);
      const pcsv = readCsv(((await page.getByTestId('ps-csv-status').textContent()) ?? '').replace(/^wrote /, ''));
      expect(pcsv.header.slice(0, 4)).toEqual(['t', 'n_mean', 'g2', 'P_0']);
      expect(pcsv.rows).toHaveLength(26);
      for (const r of pcsv.rows) expect(r.slice(3).reduce((a, b) => a + Number(b), 0)).toBeCloseTo(1, 6);
      await shot(page, info, 'state-views');
      await shotOf(page.locator('.view'), info, 'phase-space-Q-W');
      await shotOf(page.locator('.stats'), info, 'phase-space-photon-stats');
      console.log(`[e2e] W range at t = 3: [${m[1]}, ${m[2]}]`);
    });

    test('gaussian-fig3 opens in the Gaussian tab: (g/g_cr)² axis, Π_s in scaled units', async ({}, info) => {
      await page.getByRole('tab', { name: 'Studies' }).click();
      await page.locator('[data-preset="gaussian-fig3"]').click();
      folders++;
      await expect(page.getByRole('tab', { name: 'Gaussian oscillators' })).toHaveAttribute('aria-selected', 'true');
      await waitDone(page);
      const study = page.getByTestId('gaussian-study');
      const bec = study.locator('figure[data-chart="Pi_s-cavity-bec"]');
      await expect(bec).toHaveAttribute('data-points', '199');
      await expect(bec).toHaveAttribute('data-xlabel', '(g/g_cr)² [dimensionless]');
      await expect(bec).toHaveAttribute('data-ylabel', /^Π_s \[(10\S+ )?nat\/s\]$/);
      // Tick labels short enough for the axis (no "0,000,000").
      for (const t of JSON.parse((await bec.getAttribute('data-yticks')) ?? '[]') as (string | null)[]) expect((t ?? '').length).toBeLessThanOrEqual(6);
      await shotOf(study, info, 'gaussian-study');
      // The past runs show what each study computes.
      await page.getByRole('tab', { name: 'Studies' }).click();
      const demo = page.locator('[data-testid="past-runs"] tbody tr[data-dir*="kerr-quench-demo"]').first();
      await expect(demo.locator('td[data-col="N"]')).toHaveText('1, 5');
      await expect(demo.locator('td[data-col="what"]')).toHaveText(/quench ε_i = 0\.5 → ε_f = 0\.8, 1\.1, t ≤ 5\s*NESS sweep \(exact\) ε = 0–1\.5 \(31 values\)/);
      await shotOf(page.getByTestId('past-runs'), info, 'past-runs');
    });
  });
}
