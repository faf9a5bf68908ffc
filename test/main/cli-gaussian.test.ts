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

describe('heterodyne spectra, rate conventions, the BEC γ_b assumption (issue 14)', () => {
  const csvRows = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('frequency')).map((l) => l.split(',').map(Number));
  const meta = (text: string, key: string) => text.match(new RegExp(`^# ${key}: (.*)$`, 'm'))?.[1];

  it('gaussian-spectrum --detection heterodyne: both sidebands, asymmetric; they add up to the two homodyne quadratures', () => {
    const het = cli('gaussian-spectrum', '--preset', 'cavity-bec', '--detection', 'heterodyne', '--points', '9');
    expect(het.status, het.stderr).toBe(0);
    const h = csvRows(het.stdout);
    const fB = PRESETS['cavity-bec'].params.omegaB / (2 * Math.PI);
    // default range −2 ω_b/2π … 2 ω_b/2π, symmetric grid
    expect(h[0][0]).toBeCloseTo(-2 * fB, 6);
    expect(h[8][0]).toBeCloseTo(2 * fB, 6);
    expect(meta(het.stdout, 'detection')).toBe('heterodyne');
    expect(meta(het.stdout, 'detection_convention')).toMatch(/omega > 0 above the pump/);
    expect(meta(het.stdout, 'rates')).toBe('amplitude');
    expect(meta(het.stdout, 'gamma_b_assumed')).toBe('true');
    expect(meta(het.stdout, 'gamma_b_note')).toMatch(/ASSUMPTION.*needs gamma_b\/2pi = 6\d\d Hz/);
    // n(ω) + n(−ω) = (S_0 + S_π/2)/2 − 1, with the homodyne spectra from two more runs
    const hom = (theta: string) => csvRows(cli('gaussian-spectrum', '--preset', 'cavity-bec', '--theta', theta, '--f-min', '0', '--f-max', String(2 * fB), '--points', '5').stdout);
    const s0 = hom('0'), s1 = hom(String(Math.PI / 2));
    for (let i = 0; i < 5; i++) {
      const np = h[4 + i][1] - 1, nm = h[4 - i][1] - 1;
      expect(np + nm).toBeCloseTo((s0[i][1] + s1[i][1]) / 2 - 1, 9);
    }
    // the sidebands differ (n_b + 1 against n_b, and the cavity's filter)
    expect(Math.abs(h[2][1] - h[6][1])).toBeGreaterThan(1e-4);
  });

  it('gaussian-fit --detection heterodyne --fit-gamma-b recovers γ_b (the BEC at γ_b/2π = 686 Hz) and μ_a ≈ μ_b', () => {
    const gb = String(2 * Math.PI * 686);
    const f = join(dir, 'het.csv');
    expect(cli('gaussian-spectrum', '--preset', 'cavity-bec', '--gamma-b', gb, '--detection', 'heterodyne', '--points', '300', '--noise', '0.003', '--seed', '5', '--csv', f).status).toBe(0);
    // start from the preset's 100 Hz
    const r = cli('gaussian-fit', '--preset', 'cavity-bec', '--spectrum', f, '--detection', 'heterodyne', '--fit-gamma-b', '--json');
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(Math.abs(o.fitted.gamma_b.value - Number(gb))).toBeLessThan(3 * o.fitted.gamma_b.sigma);
    expect(Math.abs(o.g2_over_gcr2 - 0.93)).toBeLessThan(1e-3);
    expect(o.mu_a.value / o.mu_b.value).toBeCloseTo(1, 2);
    expect(o.detection).toBe('heterodyne');
    expect(o.gamma_b_assumed).toBe(false); // fitted, not assumed
    expect(o.rates).toBe('amplitude');
    expect(o.params).not.toHaveProperty('theta');
    // the same file read as homodyne: negative frequencies are refused, naming the file, line and column
    const h = cli('gaussian-fit', '--preset', 'cavity-bec', '--spectrum', f);
    expect(h.status).toBe(2);
    expect(h.stderr).toMatch(/het\.csv.*line \d+, column 1/);
  });

  it('--rates fwhm halves κ_a and γ_b (the preset\'s and the flags\'), and says so in every output', () => {
    const p = PRESETS['cavity-om'].params;
    const a = JSON.parse(cli('gaussian', '--preset', 'cavity-om', '--g', '1e6', '--kappa-a', String(p.kappaA / 2), '--gamma-b', '500', '--json').stdout);
    const f = JSON.parse(cli('gaussian', '--preset', 'cavity-om', '--g', '1e6', '--gamma-b', '1000', '--rates', 'fwhm', '--json').stdout);
    expect(f.Pi_s).toBe(a.Pi_s);
    expect(f.kappa_a).toBe(p.kappaA / 2);
    expect(f.gamma_b).toBe(500);
    expect(f.gamma_b_fwhm).toBe(1000);
    expect(f.rates).toBe('fwhm');
    expect(f.rates_convention).toMatch(/FWHM/);
    expect(a.rates_convention).toMatch(/amplitude rates/);
    const csv = cli('gaussian-sweep', '--preset', 'cavity-om', '--points', '2', '--rates', 'fwhm').stdout;
    expect(meta(csv, 'rates')).toBe('fwhm');
    const txt = cli('gaussian', '--preset', 'cavity-om', '--rates', 'fwhm').stdout;
    expect(txt).toMatch(/^convention: .*FWHM/m);
  });

  it('the cavity-BEC γ_b: assumed (JSON field, printed note) unless given', () => {
    const j = JSON.parse(cli('gaussian', '--preset', 'cavity-bec', '--json').stdout);
    expect(j.gamma_b_assumed).toBe(true);
    expect(j.gamma_b_balanced_over_2pi_hz).toBeGreaterThan(600);
    expect(j.gamma_b_balanced_over_2pi_hz).toBeLessThan(700);
    // independent of the note: at that γ_b the engine's μ_a and μ_b agree
    const q = { ...PRESETS['cavity-bec'].params, gammaB: 2 * Math.PI * j.gamma_b_balanced_over_2pi_hz };
    const e = gaussianNess({ ...q, g: criticalCoupling(q).gCr * Math.sqrt(0.93) });
    expect(e.mu_a / e.mu_b).toBeCloseTo(1, 6);
    const t = cli('gaussian', '--preset', 'cavity-bec').stdout;
    expect(t).toMatch(/^note: ASSUMPTION: gamma_b\/2pi = 100 Hz/m);
    expect(t).toContain(`${j.gamma_b_balanced_over_2pi_hz.toFixed(0)} Hz`);
    const given = JSON.parse(cli('gaussian', '--preset', 'cavity-bec', '--gamma-b', '4000', '--json').stdout);
    expect(given.gamma_b_assumed).toBe(false);
    expect(given).not.toHaveProperty('gamma_b_note');
    expect(JSON.parse(cli('gaussian', '--preset', 'cavity-om', '--json').stdout).gamma_b_assumed).toBe(false);
  });

  it('bad values of the new flags: exit 2, one line naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['gaussian-spectrum', '--preset', 'cavity-bec', '--detection', 'sideband'], /--detection/],
      [['gaussian-spectrum', '--preset', 'cavity-bec', '--detection', 'heterodyne', '--theta', '0'], /--theta/],
      [['gaussian-spectrum', '--preset', 'cavity-bec', '--f-min', '-100'], /--f-min/],
      [['gaussian-spectrum', '--preset', 'cavity-bec', '--detection', 'heterodyne', '--f-min', '100', '--f-max', '-100'], /--f-max/],
      [['gaussian', '--preset', 'cavity-bec', '--rates', 'hwhm'], /--rates/],
      [['gaussian-fit', '--preset', 'cavity-bec', '--spectrum', 'x.csv', '--detection', 'homodyne', '--fit-gamma-b', '--detection', 'heterodyne'], /--detection/],
    ];
    for (const [args, re] of cases) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
  });
});
