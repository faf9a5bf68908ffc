/**
 * `--model two-photon-kerr` on the CLI (issue 15): spawns the built CLI (`npm run build` first; `npm test` does).
 * Outputs equal the engine called in-process; flag errors exit 2 naming the flag.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src-main/version.js';
import { twoPhotonKerrModel } from '../../src-core/model/instances.js';
import { twoPhotonNess, twoPhotonSectorSpectra } from '../../src-core/model/twoPhotonKerr.js';
import { modelEntropyProduction } from '../../src-core/phaseSpace/modelEntropy.js';
import { MODEL_QUENCH_COLUMNS, runModelQuench } from '../../src-core/model/quench.js';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'epstudio.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('epstudio steady/gap --model two-photon-kerr', () => {
  it('steady --entropy --json: the engine’s NESS observables, Π_U split per term, balance ≈ 0', () => {
    const r = cli('steady', '--model', 'two-photon-kerr', '--N', '10', '--eps', '0', '--g', '1', '--delta', '0', '--method', 'fock', '--entropy', '--json');
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    const p = { kappa: 0.5, delta: 0, u: 1, eps: 0, g: 1, eta0: 0, N: 10 };
    const n = twoPhotonNess(p), e = modelEntropyProduction(n.rho, twoPhotonKerrModel(p));
    expect(o.nmax).toBe(n.K);
    expect(o.n).toBe(e.n);
    expect(o.a_re).toBe(0);
    expect(o.Pi_U_kerr).toBe(e.Pi_U_terms.kerr);
    expect(o.Pi_U_two_photon).toBe(e.Pi_U_terms.twoPhotonDrive);
    expect(o.G).toBe(e.G);
    expect(Math.abs(o.balance)).toBeLessThan(1e-9);
    expect(o.g_th).toBe(0.5);
  });

  it('gap --json: one gap per parity sector at ε = 0, as the engine computes them', () => {
    const r = cli('gap', '--model', 'two-photon-kerr', '--N', '3', '--eps', '0', '--g', '0.8', '--delta', '0', '--count', '1', '--json');
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    const s = twoPhotonSectorSpectra({ kappa: 0.5, delta: 0, u: 1, eps: 0, g: 0.8, eta0: 0, N: 3 }, { count: 1 }).sectors;
    expect(o.sectors.map((x: { sector: string }) => x.sector)).toEqual(['even', 'odd']);
    expect(o.sectors[0].gap).toBe(s[0].spectrum.gap);
    expect(o.sectors[1].gap).toBe(s[1].spectrum.gap);
    expect(o.gap).toBe(Math.min(s[0].spectrum.gap, s[1].spectrum.gap));
  });

  it('flag errors exit 2 and name the flag', () => {
    for (const [args, flag] of [
      [['steady', '--N', '5', '--eps', '0.5', '--g', '1'], '--g'],
      [['steady', '--model', 'two-photon-kerr', '--N', '5', '--eps', '0'], '--g'],
      [['steady', '--model', 'two-photon-kerr', '--N', '5', '--eps', '0', '--g', '-1', '--method', 'fock'], '--g'],
      [['steady', '--model', 'two-photon-kerr', '--N', '5', '--eps', '0', '--g', '1'], '--method'],
      [['steady', '--model', 'nope', '--N', '5', '--eps', '0'], '--model'],
    ] as [string[], string][]) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(flag);
    }
  });
});

describe('epstudio quench --model two-photon-kerr', () => {
  it('quench in g (--g-i → --g-f at --eps 0): the engine’s rows, Π_U per term and Π_eta columns, provenance', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epstudio-tpq-'));
    try {
      const out = join(dir, 'q.csv');
      const r = cli('quench', '--model', 'two-photon-kerr', '--N', '3', '--g-i', '0.3', '--g-f', '1', '--eps', '0', '--delta', '0', '--eta0', '0.5', '--t-max', '1', '--dt', '0.5', '--csv', out);
      expect(r.status, r.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(lines[0]).toBe(MODEL_QUENCH_COLUMNS.join(','));
      const b = { kappa: 0.5, delta: 0, u: 1, eps: 0, eta0: 0.5, N: 3 };
      const e = runModelQuench({ model: 'two-photon-kerr', initial: { ...b, g: 0.3 }, final: { ...b, g: 1 }, tMax: 1, dt: 0.5 });
      expect(lines.slice(1).map((l) => l.split(',').map(Number))).toEqual(e.rows);
      expect(e.rows[2][MODEL_QUENCH_COLUMNS.indexOf('Pi_eta')]).not.toBe(0);
      expect(text).toMatch(/# g_initial: 0.3\n# g_final: 1\n# eta0: 0.5\n/);
      expect(text).toContain('defined for one-photon loss only');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--until-ness: stops at the NESS of the final parameters; the ETA uses the even sector’s gap (parity kept)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epstudio-tpq-'));
    try {
      const out = join(dir, 'q.csv');
      const r = cli('quench', '--model', 'two-photon-kerr', '--N', '3', '--g-i', '0.3', '--g-f', '0.8', '--delta', '0', '--t-max', '60', '--dt', '0.5', '--until-ness', '--tol', '1e-6', '--csv', out);
      expect(r.status, r.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text).toContain('# reached_ness: true');
      const gap = Number(/# liouvillian_gap: (\S+)/.exec(text)![1]);
      const even = twoPhotonSectorSpectra({ kappa: 0.5, delta: 0, u: 1, eps: 0, g: 0.8, eta0: 0, N: 3 }, { count: 1 }).sectors[0].spectrum.gap;
      expect(gap).toBe(even);
      // arrival within a few relaxation times 1/λ of distance 1e-6: t_final ≈ ln(d₀/1e-6)/λ
      const tFinal = Number(/# t_final: (\S+)/.exec(text)![1]);
      expect(tFinal).toBeGreaterThan(10);
      expect(tFinal).toBeLessThan(40);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('flag errors exit 2, name the flag, write no file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epstudio-tpq-'));
    try {
      const out = join(dir, 'q.csv');
      for (const [args, flag] of [
        [['--model', 'two-photon-kerr', '--N', '3', '--g-f', '1', '--t-max', '1'], '--g-i'],
        [['--model', 'two-photon-kerr', '--N', '3', '--g-i', '1', '--t-max', '1'], '--g-f'],
        [['--model', 'two-photon-kerr', '--N', '3', '--g-i', '1', '--g-f', '-1', '--t-max', '1'], '--g-f'],
        [['--model', 'two-photon-kerr', '--N', '3', '--g', '1', '--eps', '-1', '--t-max', '1'], '--eps'],
        [['--model', 'two-photon-kerr', '--N', '3', '--g', '1', '--eps-i', '2e3', '--t-max', '1'], '--eps-i'],
        [['--model', 'two-photon-kerr', '--N', '3', '--g', '1', '--t-max', '1', '--dt', '0.3'], '--dt'],
        [['--model', 'two-photon-kerr', '--N', '3', '--g', '1', '--t-max', '1', '--tol', '1e-3'], '--tol'],
        [['--N', '3', '--g', '1', '--eps-f', '1', '--t-max', '1'], '--g'],
        [['--N', '3', '--eps', '1', '--eps-f', '1', '--t-max', '1'], '--eps'],
        [['--N', '3', '--t-max', '1'], '--eps-f'],
      ] as [string[], string][]) {
        const r = cli('quench', ...args, '--csv', out);
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(flag);
        expect(existsSync(out)).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
