/**
 * The spectrum CLI end to end (issue 3 item 3): spawns the built CLI (`npm run build` first; `npm test` does).
 * Outputs agree with the engine called in-process; every error path exits 2 with one stderr line naming the flag.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src-main/version.js';
import { liouvillianSpectrum } from '../../src-core/kerr/spectrum.js';
import { steepestSlope } from '../../src-core/kerr/critical.js';

const tmp = mkdtempSync(join(tmpdir(), 'cli-spectrum-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'epstudio.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PAPER = { kappa: 0.5, delta: -2, u: 1 };

describe('epstudio gap', () => {
  it('prints gap, nmax, eigenvalues (slowest first, ζ₀ left out) and converged, as the engine computes them', () => {
    const r = cli('gap', '--N', '2', '--eps', '0.9', '--count', '3', '--json');
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    const s = liouvillianSpectrum({ ...PAPER, N: 2, eps: 0.9 }, { count: 3 });
    expect(o.gap).toBe(s.gap);
    expect(o.nmax).toBe(s.K);
    expect(o.converged).toBe(true);
    expect(o.eigenvalues).toEqual(s.eigenvalues.map((z) => ({ re: z.re, im: z.im })));
    expect(o.eigenvalues).toHaveLength(3);
    expect(o.gap).toBe(Math.abs(o.eigenvalues[0].re));
    for (const z of o.eigenvalues) expect(Math.hypot(z.re, z.im)).toBeGreaterThan(1e-6);
  });

  it('honours --nmax and the model flags', () => {
    const o = JSON.parse(cli('gap', '--N', '1', '--eps', '1.1', '--count', '1', '--nmax', '16', '--kappa', '0.4', '--delta', '-1.5', '--json').stdout);
    expect(o.nmax).toBe(16);
    expect(o.gap).toBe(liouvillianSpectrum({ kappa: 0.4, delta: -1.5, u: 1, N: 1, eps: 1.1 }, { count: 1, K: 16 }).gap);
    const t = cli('gap', '--N', '1', '--eps', '1.1', '--count', '2');
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/gap λ = /);
    expect(t.stdout).toMatch(/ζ_2 = /);
  });
});

describe('epstudio gap-sweep', () => {
  it('writes N,eps,gap (+ nmax, zeta1_re, zeta1_im, converged) with # metadata, one row per (N, ε)', () => {
    const out = join(tmp, 'gap.csv');
    const r = cli('gap-sweep', '--N', '1,2', '--eps-from', '0.8', '--eps-to', '1.0', '--points', '3', '--csv', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\[gap-sweep\] 6\/6/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const meta = lines.filter((l) => l.startsWith('#'));
    expect(meta.some((l) => l.startsWith('# eps_minus: 0.7013'))).toBe(true);
    const body = lines.filter((l) => !l.startsWith('#'));
    expect(body[0]).toBe('N,eps,gap,nmax,zeta1_re,zeta1_im,converged');
    expect(body).toHaveLength(7);
    const rows = body.slice(1).map((l) => l.split(','));
    expect(rows.map((c) => [Number(c[0]), Number(c[1])])).toEqual([
      [1, 0.8], [1, 0.9], [1, 1], [2, 0.8], [2, 0.9], [2, 1],
    ]);
    for (const c of rows) {
      expect(c[6]).toBe('true');
      const s = liouvillianSpectrum({ ...PAPER, N: Number(c[0]), eps: Number(c[1]) }, { count: 1, K: Number(c[3]) });
      expect(Math.abs(Number(c[2]) - s.gap) / s.gap).toBeLessThan(1e-9);
      expect(Number(c[2])).toBe(Math.abs(Number(c[4])));
    }
  });
});

describe('epstudio critical', () => {
  it('prints eps_c_gap_min, eps_c_steepest and the seed value (--no-large-n)', () => {
    const r = cli('critical', '--N', '1', '--no-large-n', '--json');
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.eps_c_seed).toBe(0.933);
    expect(o.eps_c_steepest).toBe(steepestSlope({ ...PAPER, N: 1 }).eps_c);
    expect(o.eps_c_gap_min).toBeGreaterThan(0.8);
    expect(o.eps_c_gap_min).toBeLessThan(1.3);
    expect(o.gap_min).toBeGreaterThan(0);
    expect(o.eps_c_gap_min_large_n).toBeUndefined();
  });
});

describe('bad inputs: exit 2, one stderr line naming the flag, no output file', () => {
  const cases: [string[], RegExp][] = [
    [['gap', '--N', '10', '--eps', '0.9', '--count', '0'], /--count/],
    [['gap', '--N', '10', '--eps', '0.9', '--count', '2.5'], /--count/],
    [['gap', '--N', '10', '--eps', '-1'], /--eps/],
    [['gap', '--N', '0', '--eps', '0.9'], /--N/],
    [['gap', '--N', '10', '--eps', '0.9', '--nmax', '1'], /--nmax/],
    [['gap', '--N', '10', '--eps', '0.9', '--kappa', 'abc'], /--kappa/],
    [['gap', '--N', '10'], /--eps/],
    [['gap', '--N', '2', '--eps', '0.9', '--nmax', '2', '--count', '4'], /--count/],
    [['gap-sweep', '--N', '1,x', '--csv', 'OUT'], /--N/],
    [['gap-sweep', '--N', '1', '--points', '0', '--csv', 'OUT'], /--points/],
    [['gap-sweep', '--N', '1', '--eps-from', '1.2', '--eps-to', '1.0', '--csv', 'OUT'], /--eps-to/],
    [['critical', '--N', '5', '--delta', '1'], /--delta/],
    [['critical', '--N', '-3'], /--N/],
  ];
  for (const [args, flag] of cases)
    it(args.join(' '), () => {
      const out = join(tmp, `bad-${args.join('_').replace(/[^A-Za-z0-9_-]/g, '')}.csv`);
      const r = cli(...args.map((a) => (a === 'OUT' ? out : a)));
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(flag);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    });
});
