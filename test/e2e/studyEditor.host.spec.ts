/**
 * The study editor and the two-photon single run in the window (issue 15), through the browser host in the Chromium
 * scripts/findBrowser.mjs finds, against the real study service and pool: build a small two-photon NESS sweep
 * (N = 5, g "0:1.5:4") in the editor, see the task count and the study service's check, save it as JSON and load
 * spec files back, run it with the keyboard and see it complete in the Studies list; a NESS of the single-run form
 * gives PHYSICS.md §5's <a†a>, and a quench draws its charts. No CSP violation on the way (style-src 'self').
 */
import { chromium, expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config.js';
import { shotOf } from './flows.js';

test('study editor: a two-photon NESS sweep built, checked, run and listed; a two-photon NESS and quench in the form', async ({}, info) => {
  const { startHost } = await import('../../dist/src-main/host/server.js');
  const data = mkdtempSync(join(tmpdir(), 'epstudio-editor-'));
  const host = await startHost({ rendererDir: join(process.cwd(), 'dist', 'renderer'), studiesRoot: join(data, 's'), exportsRoot: join(data, 'e'), workers: 2 });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const t0 = Date.now();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __csp: string[] }).__csp ??= [];
        (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await page.goto(host.url);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByRole('tab', { name: 'Studies' }).click();

    // Labels reach the fields (getByLabel), the model and kind are selects.
    const ed = page.getByTestId('study-editor');
    await ed.getByLabel('Model').selectOption('two-photon-kerr');
    await ed.getByLabel('Study').selectOption('ness-sweep');
    await page.getByTestId('ed-name').fill('e2e-tp-ness');
    await page.getByTestId('ed-N').fill('5');
    // A range without its point count: the range parser's message beside the field, nothing to run.
    await page.getByTestId('ed-sweep').fill('0:1.5');
    await expect(page.getByTestId('ed-error-sweep')).toHaveText('g: a range is from:to:points, e.g. 0:2:101 (got "0:1.5")');
    await expect(page.getByTestId('ed-run')).toBeDisabled();
    await page.getByTestId('ed-sweep').fill('0:1.5:4');
    await expect(page.getByTestId('ed-tasks')).toHaveText('1 task');
    await expect(page.getByTestId('ed-summary')).toContainText('4 result rows');
    await expect(page.getByTestId('ed-check')).toHaveText('spec checked by the study service');
    await expect(page.getByTestId('ed-run')).toBeEnabled();
    const shot = info.outputPath('study-editor.png');
    await ed.screenshot({ path: shot });
    await info.attach('study-editor', { path: shot, contentType: 'image/png' });

    // Save the spec (the export flow: exports/<run>/ in the browser host) and read the file back: the spec as built.
    await page.getByTestId('ed-save').click();
    const saved = page.getByRole('status').filter({ hasText: 'Spec saved to' });
    await expect(saved).toBeVisible();
    const path = (await saved.locator('code').textContent())!;
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      name: 'e2e-tp-ness',
      model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 },
      tasks: [{ kind: 'ness-sweep', method: 'fock', entropy: true, N: [5], g: { from: 0, to: 1.5, points: 4 }, figures: ['tp-ness'] }],
    });
    // Load a spec file into the editor (another N and range), then load the saved one back.
    const other = { version: 1, name: 'loaded', model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 }, tasks: [{ kind: 'gap-sweep', N: [5, 10], g: { from: 0.2, to: 1, points: 5 } }] };
    await page.getByTestId('ed-load').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) });
    await expect(page.getByTestId('ed-N')).toHaveValue('5, 10');
    await expect(page.getByTestId('ed-sweep')).toHaveValue('0.2:1:5');
    await expect(page.getByTestId('ed-tasks')).toHaveText('2 tasks');
    await page.getByTestId('ed-load').setInputFiles(path);
    await expect(page.getByTestId('ed-sweep')).toHaveValue('0:1.5:4');
    await expect(page.getByTestId('ed-check')).toHaveText('spec checked by the study service');

    // Run with the keyboard: Enter in a field submits the editor's form.
    await page.getByTestId('ed-sweep').press('Enter');
    await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 30_000 });
    await page.getByRole('tab', { name: 'Studies' }).click();
    const row = page.locator('[data-testid="past-runs"] tbody tr[data-dir*="e2e-tp-ness-"]');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('completed');
    await expect(row).toContainText('1/1');

    // The single-run form: the two-photon model's NESS at PHYSICS.md §5's point (N = 10, g = 1: <a†a> ≈ 8.443).
    await page.getByRole('tab', { name: 'Kerr quench' }).click();
    await page.getByTestId('field-model').selectOption('two-photon-kerr');
    await expect(page.getByTestId('tp-derived')).toContainText('g_th = √(κ² + Δ²) = 0.5');
    await page.getByTestId('tp-run-ness').click();
    await expect(page.locator('[data-testid="tp-ness"] tr[data-key="n"] td')).toHaveText(/^8\.44/, { timeout: 20_000 });
    await expect(page.locator('[data-testid="tp-ness"] tr[data-key="Pi_U_two_photon"]')).toHaveCount(1);
    // …and a short quench g_i = 0.2 → g = 1 at N = 10 (5 samples), drawn as charts with Π_U per term.
    await page.getByTestId('tp-tMax').fill('2');
    await page.getByTestId('tp-dt').fill('0.5');
    await page.getByTestId('tp-run-quench').click();
    await expect(page.getByTestId('tp-quench')).toContainText('5 samples', { timeout: 20_000 });
    await expect(page.locator('figure[data-chart="tp-quench-Pi_U"]')).toHaveAttribute('data-curves', '3');
    // …and the gap per sector deep above threshold (N = 40, g = 3 g_th): the odd gap (tunnelling, ~1e-14) is below
    // double precision's resolution, so the table shows only its bound (≲ 2 × 20ε·max|L|), never the round-off value.
    await page.getByTestId('tp-N').fill('40');
    await page.getByTestId('tp-g').fill('1.5');
    await page.getByTestId('tp-run-gap').click();
    const oddCell = page.locator('[data-testid="tp-gap"] tr[data-sector="odd"] td').first();
    await expect(oddCell).toHaveAttribute('data-resolved', 'no', { timeout: 30_000 });
    await expect(oddCell).toHaveText(/^≲ \d/);
    await expect(page.locator('[data-testid="tp-gap"] tr[data-sector="even"] td').first()).toHaveAttribute('data-resolved', 'yes');
    // the results sit in the wide column beside the form (not under it): the charts are wider than the form
    const formBox = await page.getByTestId('tp-run-ness').boundingBox();
    const chartBox = await page.locator('figure[data-chart="tp-quench-Pi_U"]').boundingBox();
    expect(chartBox!.x).toBeGreaterThan(formBox!.x + 300);
    await shotOf(page.locator('main'), info, 'two-photon-results');

    expect(violations).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
    console.log(`[e2e] study editor flow: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await browser.close();
    await host.close();
  }
});
