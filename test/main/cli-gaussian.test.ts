// `epstudio gaussian*` end to end (spawned after `npm run build`): the commands, their numbers against the
// engine, the synthetic-data round trip through files, and the error paths (exit 2, one line naming the flag).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../../src-core/gaussian/model.js';
import { gaussianNess } from '../../src-core/gaussian/ness.js';
import { criticalCoupling } from '../../src-core/gaussian/stability.js';
import { parseSpectrumCsv } from '../../src-main/io/spectrumCsv.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'epstudio.mjs');
const dir = mkdtempSync(join(tmpdir(), 'epstudio-gaussian-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'src-main', 'cli', 'commands', 'gaussian.js'))) {
    const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  }
});

describe('epstudio gaussian', () => {
  it('cavity-om at g/κ_a = 0.49: the required fields, equal to the engine', () => {
    const r = cli('gaussian', '--preset', 'cavity-om', '--g-over-kappa', '0.49', '--json');
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    for (const k of ['Pi_s', 'mu_a', 'mu_b', 'n_a', 'n_b', 'g', 'g_cr', 'g_cr_seed', 'stable', 'n_T']) expect(o).toHaveProperty(k);
    const p = PRESETS['cavity-om'].params;
    const e = gaussianNess({ ...p, g: 0.49 * p.kappaA });
    expect(o.Pi_s).toBe(e.Pi_s);
    expect(o.mu_b).toBeLessThan(0);
    expect(o.stable).toBe(true);
    expect(o.g_cr / o.g_cr_seed).toBeCloseTo(2, 10);
  });

  it('cavity-bec at (g/g_cr)² = 0.93 with --gamma-b, and the same point by absolute --g', () => {
    const a = JSON.parse(cli('gaussian', '--preset', 'cavity-bec', '--g2-over-gcr2', '0.93', '--gamma-b', '1000', '--json').stdout);
    expect(a.gamma_b).toBe(1000);
    expect(a.g2_over_gcr2).toBeCloseTo(0.93, 12);
    const gcr = criticalCoupling({ ...PRESETS['cavity-bec'].params, gammaB: 1000 }).gCr;
    expect(a.g_cr).toBe(gcr);
    const b = JSON.parse(cli('gaussian', '--preset', 'cavity-bec', '--g', String(a.g), '--gamma-b', '1000', '--json').stdout);
    expect(b.Pi_s).toBeCloseTo(a.Pi_s, 6);
  });

  it('past the threshold: exit 2 and one line naming g_cr', () => {
    for (const args of [
      ['--preset', 'cavity-om', '--g-over-kappa', '3.2'],
      ['--preset', 'cavity-bec', '--g2-over-gcr2', '1'],
      ['--preset', 'cavity-bec', '--g', '3e6'],
    ]) {
      const r = cli('gaussian', ...args, '--json');
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/g_cr = \d/);
      expect(r.stderr).toContain(args[2]);
    }
  });

  it('bad values: exit 2, one line naming the flag and its allowed range', () => {
    const cases: [string[], RegExp][] = [
      [['--preset', 'cavity-xx'], /--preset: .*one of cavity-om, cavity-bec/],
      [['--preset', 'cavity-om', '--gamma-b', '-3'], /--gamma-b: got -3; allowed: a finite number ≥ 0.000001/],
      [['--preset', 'cavity-om', '--tb', 'hot'], /--tb: got "hot"/],
      [['--preset', 'cavity-om', '--g', '1', '--g-over-kappa', '0.1'], /only one of --g, --g-over-kappa, --g2-over-gcr2/],
      [['--preset', 'cavity-om', '--damping', 'viscous'], /--damping: .*one of brownian, symmetric/],
      [[], /preset/],
    ];
    for (const [args, msg] of cases) {
      const r = cli('gaussian', ...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });
});

describe('epstudio gaussian-sweep', () => {
  it('writes the Fig. 3 columns; the end points equal single-point runs', () => {
    const r = cli('gaussian-sweep', '--preset', 'cavity-bec', '--points', '50', '--csv', 'bec.csv');
    expect(r.status).toBe(0);
    const lines = readFileSync(join(dir, 'bec.csv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines[0]).toBe('g2_over_gcr2,g,Pi_s,mu_a,mu_b,n_a,n_b');
    expect(lines).toHaveLength(51);
    const last = lines[50].split(',').map(Number);
    expect(last[0]).toBeCloseTo(0.99, 12);
    const one = JSON.parse(cli('gaussian', '--preset', 'cavity-bec', '--g2-over-gcr2', '0.99', '--json').stdout);
    expect(last[2]).toBeCloseTo(one.Pi_s, 4);
    const om = cli('gaussian-sweep', '--preset', 'cavity-om', '--points', '3').stdout.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(om[0]).toBe('g_over_kappa,g,Pi_s,mu_a,mu_b,n_a,n_b');
    expect(om[3].startsWith('2.5,')).toBe(true);
  });

  it('rejects a range reaching g_cr and a bad point count', () => {
    const a = cli('gaussian-sweep', '--preset', 'cavity-bec', '--to', '1.2');
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/--to: got 1\.2; .*g_cr = /);
    const b = cli('gaussian-sweep', '--preset', 'cavity-om', '--points', '1.5');
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/--points: .*an integer/);
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
  });
});

describe('epstudio gaussian-spectrum → gaussian-fit', () => {
  it('round trip through files: the fit recovers g/κ_a and Π_s within 2σ', () => {
    const s = cli('gaussian-spectrum', '--preset', 'cavity-om', '--g-over-kappa', '0.49', '--f-min', '2e5', '--f-max', '2.5e6',
      '--points', '300', '--noise', '0.03', '--gain', '2', '--seed', '4', '--csv', 'om.csv');
    expect(s.status).toBe(0);
    const data = parseSpectrumCsv(readFileSync(join(dir, 'om.csv'), 'utf8'));
    expect(data.f.length).toBe(300);
    expect(data.sigma).toBeDefined();
    const r = cli('gaussian-fit', '--preset', 'cavity-om', '--spectrum', 'om.csv', '--json', '--model-csv', 'fit.csv');
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    const p = PRESETS['cavity-om'].params;
    const truth = gaussianNess({ ...p, g: 0.49 * p.kappaA });
    expect(Math.abs(o.fitted.g.value - truth.g)).toBeLessThan(2 * o.fitted.g.sigma);
    for (const d of ['n_a', 'n_b', 'mu_a', 'mu_b', 'Pi_s'] as const) {
      expect(o[d].sigma).toBeGreaterThan(0);
      expect(Math.abs(o[d].value - truth[d])).toBeLessThan(2 * o[d].sigma);
    }
    expect(o.chi2_dof).toBeGreaterThan(0.7);
    expect(o.chi2_dof).toBeLessThan(1.3);
    expect(readFileSync(join(dir, 'fit.csv'), 'utf8')).toMatch(/frequency,PSD,model/);
  });

  it('malformed spectrum files: exit 2 with the line and column', () => {
    const files: [string, string, RegExp][] = [
      ['nonnum.csv', 'frequency,PSD\n1,2\n2,x\n3,4\n', /--spectrum nonnum.csv: line 3, column 2: PSD "x"/],
      ['onecol.csv', '1\n2\n3\n', /line 1: expected 2 or 3 columns/],
      ['negf.csv', '1,2\n-2,3\n3,4\n', /line 2, column 1: frequency "-2"; allowed: a finite number ≥ 0/],
      ['nan.csv', '1,2\n2,NaN\n3,4\n', /line 2, column 2: PSD "NaN"/],
      ['empty.csv', '', /no data rows/],
      ['quote.csv', '1,2\n2,"3\n', /line 2: not readable as CSV/],
    ];
    for (const [name, text, msg] of files) {
      writeFileSync(join(dir, name), text);
      const r = cli('gaussian-fit', '--preset', 'cavity-om', '--spectrum', name, '--json');
      expect(r.status, name).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
    const missing = cli('gaussian-fit', '--preset', 'cavity-om', '--spectrum', 'nope.csv');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--spectrum: got "nope.csv"; allowed: a readable CSV file/);
    const free = cli('gaussian-fit', '--preset', 'cavity-om', '--spectrum', 'om.csv', '--free', 'g,zeta');
    expect(free.status).toBe(2);
    expect(free.stderr).toMatch(/--free: got "zeta"; allowed: a comma-separated list of g, kappa_a/);
  });
});
