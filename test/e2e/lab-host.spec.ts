/**
 * The Lab tab through the browser host (issue 14), against the real engine and pool: outcomes drawn by the CLI's
 * `heterodyne-sample` (exact sampling of a Kerr NESS) are uploaded, analysed, shown as three heat maps on one scale
 * beside the estimates and the model's exact values, and exported; the exported CSV is read back by pandas
 * (/usr/bin/python3) and its provenance lines checked. Needs `npm run build` first.
 */
import { chromium, expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config.js';

test('Lab: upload heterodyne outcomes, analyse, three heat maps and the estimates beside the model, export with provenance', async ({}, info) => {
  const t0 = Date.now();
  const data = mkdtempSync(join(tmpdir(), 'epstudio-lab-e2e-'));
  const csvPath = join(data, 'ness.csv');
  // The N = 1, ε = 1.1 NESS of the paper's model (κ = 1/2, Δ = −2, u = 1): small K, so the run stays short.
  const gen = spawnSync(process.execPath, ['bin/epstudio.mjs', 'heterodyne-sample', '--N', '1', '--eps', '1.1', '--samples', '1200', '--seed', '4', '--csv', csvPath], { encoding: 'utf8' });
  expect(gen.status, gen.stderr).toBe(0);
  const bytes = readFileSync(csvPath);

  const { startHost } = await import('../../dist/src-main/host/server.js');
  const host = await startHost({ rendererDir: join(process.cwd(), 'dist', 'renderer'), studiesRoot: join(data, 'studies'), exportsRoot: join(data, 'exports'), workers: 2 });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    await page.goto(host.url);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByRole('tab', { name: 'Lab' }).click();

    // A bad file first: the reader's message names the file, row and column, never the content.
    await page.getByTestId('lab-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('re,im\n0.1,SECRET\n') });
    await expect(page.getByTestId('lab-error')).toContainText('file (bad.csv, row 2, column im)');
    await expect(page.getByTestId('lab-error')).not.toContainText('SECRET');

    await page.getByTestId('lab-file').setInputFiles({ name: 'ness.csv', mimeType: 'text/csv', buffer: bytes });
    await expect(page.getByTestId('lab-file-info')).toContainText('1200 outcomes');
    await expect(page.getByTestId('lab-error')).toHaveCount(0);

    // The model beside the data (the sample's own parameters), U = u/N for Π_U, a short bootstrap.
    await page.getByTestId('lab-model').check();
    await page.getByLabel('N', { exact: true }).fill('1');
    await page.getByLabel('ε [ω₀]').fill('1.1');
    await page.getByRole('button', { name: 'use it' }).click();
    await page.getByTestId('lab-bootstrap').fill('10');
    await page.getByTestId('lab-analyze').click();
    await expect(page.getByTestId('lab-estimates')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('lab-map-model')).toBeVisible();

    // Three heat maps, each drawn (not blank): pixels brighter than viridis' dark end, counted per canvas.
    const litPixels = () =>
      page.evaluate(() =>
        ['histogram', 'reconstructed', 'model'].map((k) => {
          const c = document.querySelector<HTMLCanvasElement>(`[data-testid="lab-map-${k}"]`)!;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 200) n++;
          return n;
        }),
      );
    await expect.poll(async () => Math.min(...(await litPixels())), { timeout: 20_000 }).toBeGreaterThan(500);

    // The estimates: S_W by both estimators and Π_J within 3σ of the model's exact value (the z column).
    for (const key of ['S_W_knn', 'S_W', 'Pi_J', 'n_knn']) {
      const row = page.locator(`[data-testid="lab-estimates"] tr[data-key="${key}"]`);
      await expect(row.locator('td').nth(1)).toContainText('±');
      const z = Number(await row.locator('td').nth(4).innerText());
      expect(Math.abs(z), `${key}: z = ${z}`).toBeLessThan(3);
    }
    await expect(page.getByTestId('lab-comparison')).toContainText('S_W side by side');

    // The Kerr NESS fit (ε free, N = 1, Δ = −2, u = 1 fixed): ε = 1.1 within 3σ; it fills the model's fields.
    await page.getByLabel('ε [ω₀]').fill('0.7');
    await page.getByTestId('lab-fit').click();
    await expect(page.getByTestId('lab-fit-result')).toContainText('converged', { timeout: 60_000 });
    const m = /ε = ([\d.]+) ± ([\d.]+)/.exec(await page.locator('[data-testid="lab-fit-result"] [data-param="eps"]').innerText())!;
    expect(Math.abs(Number(m[1]) - 1.1), `ε = ${m[1]} ± ${m[2]}`).toBeLessThan(3 * Number(m[2]));
    expect(Math.abs(Number(await page.getByLabel('ε [ω₀]').inputValue()) - Number(m[1]))).toBeLessThan(Number(m[2]));

    // Planner: outcomes for σ(S_W) = 0.01.
    await page.getByTestId('lab-target').fill('0.01');
    await page.getByTestId('lab-plan').click();
    await expect(page.getByTestId('lab-plan-table')).toContainText('S_W (k-NN)');

    const shot = info.outputPath('lab.png');
    await page.screenshot({ path: shot, fullPage: true });
    await info.attach('lab', { path: shot, contentType: 'image/png' });

    // Export: CSV + JSON with provenance into a new folder; pandas reads the CSV.
    await page.getByTestId('lab-export').click();
    await expect(page.getByTestId('lab-export-status')).toContainText('wrote 2 files to');
    const dir = (await page.getByTestId('lab-export-status').innerText()).replace(/^wrote 2 files to /, '').trim();
    expect(dir.startsWith(join(data, 'exports'))).toBe(true);
    const csv = readFileSync(join(dir, 'heterodyne.csv'), 'utf8');
    expect(csv).toMatch(/^# program: EP Studio .* window: lab analysis/);
    expect(csv).toContain('# samples: ness.csv');
    expect(csv).toContain(`# samples_sha256: ${createHash('sha256').update(bytes).digest('hex')}`);
    expect(csv).toMatch(/^# N: 1$/m);
    const py = spawnSync(
      '/usr/bin/python3',
      ['-c', "import pandas as pd,sys; d=pd.read_csv(sys.argv[1], comment='#'); print(len(d), int(d.M[0]), all(c in d.columns for c in ['S_W_knn','S_W_knn_sigma','S_W','S_W_sigma','Pi_J','Pi_J_sigma','S_W_model','Pi_J_model']), abs(d.S_W[0]-d.S_W_model[0]) <= 3*d.S_W_sigma[0])", join(dir, 'heterodyne.csv')],
      { encoding: 'utf8' },
    );
    expect(py.status, py.stderr).toBe(0);
    expect(py.stdout.trim()).toBe('1 1200 True True');
    const json = JSON.parse(readFileSync(join(dir, 'heterodyne.json'), 'utf8'));
    expect(json.M).toBe(1200);
    expect(json.kerr_fit.free).toEqual(['eps']);
    expect(json.model.values.S_W).toBeGreaterThan(1 + Math.log(Math.PI));
    console.log(`[e2e] lab flow in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await browser.close();
    await host.close();
  }
});
