/**
 * The Kerr CLI end to end (issue 2 item 3): spawns the built CLI (`npm run build` first; `npm test` does).
 * Every error path: exit status 2, exactly one stderr line naming the flag, no output file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src-main/version.js';
import { bistableWindow } from '../../src-core/kerr/meanField.js';
import { exactNess } from '../../src-core/kerr/exactSteadyState.js';

const tmp = mkdtempSync(join(tmpdir(), 'cli-kerr-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'epstudio.mjs'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('epstudio meanfield', () => {
  it('prints eps_minus, eps_plus (and n±) as JSON', () => {
    const r = cli('meanfield', '--json');
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    const w = bistableWindow({ kappa: 0.5, delta: -2, u: 1 })!;
    expect(o.eps_minus).toBe(w.epsMinus);
    expect(o.eps_plus).toBe(w.epsPlus);
    expect(o.eps_minus.toFixed(6)).toBe('0.701373');
    expect(o.n_plus).toBeGreaterThan(o.n_minus);
  });

  it('gives null edges without a window and lists branches with --eps', () => {
    const o = JSON.parse(cli('meanfield', '--delta', '0.5', '--eps', '1', '--json').stdout);
    expect(o.eps_minus).toBeNull();
    expect(o.branches.length).toBe(1);
    const t = cli('meanfield', '--eps', '1.1');
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/ε−/);
    expect(t.stdout).toMatch(/unstable/);
  });
});

describe('epstudio steady', () => {
  it('exact: the JSON fields, equal to the engine', () => {
    const r = cli('steady', '--N', '1000', '--eps', '1.1', '--json');
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    const ex = exactNess({ kappa: 0.5, delta: -2, u: 1, N: 1000, eps: 1.1 });
    expect(o.method).toBe('exact');
    expect(o.a_re).toBe(ex.a_re);
    expect(o.a_im).toBe(ex.a_im);
    expect(o.n).toBe(ex.n);
    expect(o.alpha_abs).toBe(ex.alpha_abs);
  });

  it('fock --entropy: every field, agreeing with exact, NESS balance, the top-level population', () => {
    const r = cli('steady', '--N', '5', '--eps', '1.1', '--method', 'fock', '--entropy', '--json');
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    for (const k of ['a_re', 'a_im', 'n', 'alpha_abs', 'method', 'nmax', 'S_W', 'Pi_J', 'Pi_ext', 'Pi_d', 'Pi_U', 'Phi', 'Phi_ext', 'Phi_q', 'G', 'top_population'])
      expect(o).toHaveProperty(k);
    expect(o.method).toBe('fock');
    const ex = exactNess({ kappa: 0.5, delta: -2, u: 1, N: 5, eps: 1.1 });
    expect(Math.abs(o.n - ex.n) / ex.n).toBeLessThan(1e-8);
    expect(Math.abs(o.Pi_U + o.Pi_J - o.Phi) / o.Phi).toBeLessThan(1e-8);
    expect(o.top_population).toBeLessThan(1e-12);
    const t = cli('steady', '--N', '5', '--eps', '1.1', '--method', 'fock');
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/<a†a>/);
  });
});

describe('epstudio quench', () => {
  it('writes the CSV: # metadata, the header row, one row per sample from 0 to t-max inclusive', () => {
    const out = join(tmp, 'q.csv');
    const r = cli('quench', '--N', '1', '--eps-i', '0.5', '--eps-f', '1.1', '--t-max', '2', '--dt', '0.2', '--csv', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/sample 11\/11/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const meta = lines.filter((l) => l.startsWith('#'));
    // the adaptive basis (default): where it started and every change, in the metadata
    expect(meta).toContain('# K: adaptive');
    expect(meta.some((l) => /^# K_initial: \d+/.test(l))).toBe(true);
    expect(meta.some((l) => /^# K_changes: (none|t=[\d.]+:\d+→\d+\((grow|redo|shrink))/.test(l))).toBe(true);
    expect(meta.some((l) => /^# grid: /.test(l))).toBe(true);
    expect(meta.some((l) => /^# program: epstudio \d/.test(l))).toBe(true);
    const body = lines.filter((l) => !l.startsWith('#'));
    expect(body[0]).toBe('t,a_re,a_im,n,S_W,Pi_J,Pi_ext,Pi_d,Pi_U,Phi,Phi_ext,Phi_q,G');
    expect(body.length).toBe(12);
    const ts = body.slice(1).map((l) => Number(l.split(',')[0]));
    expect(ts[0]).toBe(0);
    expect(ts[10]).toBeCloseTo(2, 12);
    // the first row is the NESS at ε_i
    const ex = exactNess({ kappa: 0.5, delta: -2, u: 1, N: 1, eps: 0.5 });
    expect(Math.abs(Number(body[1].split(',')[3]) - ex.n) / ex.n).toBeLessThan(1e-8);
  });

  it('--until-ness stops at the NESS within --tol and says so; --tol without it is refused', () => {
    const out = join(tmp, 'ness.csv');
    const r = cli('quench', '--N', '1', '--eps-f', '1.1', '--t-max', '100', '--until-ness', '--tol', '1e-3', '--csv', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Liouvillian gap at ε_f = 1.1: λ = /);
    expect(r.stderr).toMatch(/reached the NESS at t = [\d.]+: distance [\d.e+-]+ ≤ 0.001/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const meta = Object.fromEntries(lines.filter((l) => l.startsWith('# ')).map((l) => [l.slice(2, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
    expect(meta.reached_ness).toBe('true');
    expect(Number(meta.ness_distance)).toBeLessThanOrEqual(1e-3);
    const body = lines.filter((l) => !l.startsWith('#'));
    expect(Number(body.at(-1)!.split(',')[0])).toBe(Number(meta.t_final));
    expect(body.length - 1).toBeLessThan(501); // stopped before the cap
    const bad = cli('quench', '--N', '1', '--eps-f', '1.1', '--t-max', '2', '--tol', '1e-4');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--tol/);
  });

  const errorCases: [string, string[], RegExp][] = [
    ['negative eps-f', ['quench', '--N', '1', '--eps-f', '-1', '--t-max', '2'], /--eps-f/],
    ['non-numeric kappa', ['quench', '--N', '1', '--eps-f', '1', '--t-max', '2', '--kappa', 'abc'], /--kappa/],
    ['N = 0', ['quench', '--N', '0', '--eps-f', '1', '--t-max', '2'], /--N/],
    ['t-max = 0', ['quench', '--N', '1', '--eps-f', '1', '--t-max', '0'], /--t-max/],
    ['dt not dividing t-max', ['quench', '--N', '1', '--eps-f', '1', '--t-max', '1', '--dt', '0.3'], /--dt/],
    ['dt larger than t-max', ['quench', '--N', '1', '--eps-f', '1', '--t-max', '1', '--dt', '2'], /--dt/],
    ['rtol out of range', ['quench', '--N', '1', '--eps-f', '1', '--t-max', '1', '--rtol', '0.5'], /--rtol/],
    ['nmax not an integer', ['quench', '--N', '1', '--eps-f', '1', '--t-max', '1', '--nmax', '7.5'], /--nmax/],
    ['nmax too small for the state', ['quench', '--N', '5', '--eps-f', '1.1', '--t-max', '1', '--nmax', '10'], /--nmax.*K = 10/],
    ['N too large for any basis', ['quench', '--N', '100000', '--eps-f', '1.3', '--t-max', '1'], /--N/],
    ['missing eps-f', ['quench', '--N', '1', '--t-max', '1'], /--eps-f/],
    ['unknown flag', ['quench', '--N', '1', '--eps-f', '1', '--t-max', '1', '--bogus', '3'], /--bogus/],
  ];
  for (const [name, args, re] of errorCases)
    it(`error: ${name} → exit 2, one line naming the flag, no file`, () => {
      const out = join(tmp, `err-${name.replace(/\W+/g, '_')}.csv`);
      const r = cli(...args, '--csv', out);
      expect(r.status).toBe(2);
      const errLines = r.stderr.trim().split('\n');
      expect(errLines.length).toBe(1);
      expect(errLines[0]).toMatch(re);
      expect(existsSync(out)).toBe(false);
      expect(r.stdout).toBe('');
    });
});

describe('steady/meanfield errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['bad method', ['steady', '--N', '1', '--eps', '1', '--method', 'bogus'], /--method.*exact, fock/],
    ['--entropy with exact', ['steady', '--N', '1', '--eps', '1', '--entropy'], /--entropy/],
    ['--nmax with exact', ['steady', '--N', '1', '--eps', '1', '--nmax', '20'], /--nmax/],
    ['nmax too small', ['steady', '--N', '10', '--eps', '1.1', '--method', 'fock', '--nmax', '20'], /--nmax.*K = 20/],
    ['missing eps', ['steady', '--N', '1'], /--eps/],
    ['eps not a number', ['steady', '--N', '1', '--eps', 'x'], /--eps/],
    ['u = 0', ['meanfield', '--u', '0'], /--u/],
    ['delta too large', ['meanfield', '--delta', '1e9'], /--delta/],
  ];
  for (const [name, args, re] of cases)
    it(`error: ${name} → exit 2, one line`, () => {
      const r = cli(...args);
      expect(r.status).toBe(2);
      const errLines = r.stderr.trim().split('\n');
      expect(errLines.length).toBe(1);
      expect(errLines[0]).toMatch(re);
      expect(r.stdout).toBe('');
    });
});
