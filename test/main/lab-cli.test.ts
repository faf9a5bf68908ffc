/**
 * `epstudio heterodyne` and `heterodyne-sample` end to end (issue 14): spawns the built CLI (`npm run build` first).
 * Readers checked against files written by numpy and h5py (/usr/bin/python3), the analysis against outcomes drawn by an
 * independent route (QuTiP steady state, qfunc on a grid, numpy sampling: test/main/lab_qutip_sample.py), time bins,
 * and every error path (exit 2, one stderr line naming the flag or the file and row, no output file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src-main/version.js';
import { nessDensityMatrix } from '../../src-core/kerr/steadyState.js';
import { kerrObservables } from '../../src-core/phaseSpace/observables.js';

const tmp = mkdtempSync(join(tmpdir(), 'cli-lab-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const PY = '/usr/bin/python3';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'epstudio.mjs'), ...args], { encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function py(code: string, ...args: string[]) {
  const r = spawnSync(PY, ['-c', code, ...args], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

const P = { kappa: 0.5, delta: -2, u: 1, N: 5, eps: 1.1 };
const truth = kerrObservables(nessDensityMatrix(P, 40), P);
const within = (e: { value: number; sigma: number }, t: number, z = 3) => expect(Math.abs(e.value - t)).toBeLessThanOrEqual(z * e.sigma);

describe('heterodyne-sample → heterodyne', () => {
  const csv = join(tmp, 'ness.csv');
  let json: ReturnType<typeof JSON.parse>;

  it('draws outcomes with provenance, readable by pandas', () => {
    const r = cli('heterodyne-sample', '--N', '5', '--eps', '1.1', '--samples', '6000', '--seed', '3', '--csv', csv);
    expect(r.status).toBe(0);
    const out = py("import pandas as pd,sys; d=pd.read_csv(sys.argv[1], comment='#'); print(len(d), ','.join(d.columns), float((d.re**2+d.im**2).mean()))", csv);
    const [rows, cols, m2] = out.trim().split(' ');
    expect(Number(rows)).toBe(6000);
    expect(cols).toBe('re,im');
    // <|μ|²> = <a†a> + 1 (loose: 6000 outcomes, σ ≈ 0.06)
    expect(Math.abs(Number(m2) - (truth.n + 1))).toBeLessThan(0.3);
    expect(readFileSync(csv, 'utf8')).toMatch(/^# program: epstudio .* heterodyne-sample/);
  });

  it('analyses them: JSON with {value, sigma}, both S_W side by side, within 3σ of the exact NESS', () => {
    const r = cli('heterodyne', '--samples', csv, '--kappa', '0.5', '--U', '0.2', '--bootstrap', '16', '--iterations', '200', '--workers', '1', '--json');
    expect(r.status).toBe(0);
    json = JSON.parse(r.stdout);
    expect(json.M).toBe(6000);
    within(json.model_free.S_W_knn, truth.S_W);
    within(json.tomography.S_W, truth.S_W);
    within(json.tomography.Pi_J, truth.Pi_J);
    within(json.tomography.Pi_U, truth.Pi_U);
    within(json.model_free.n, truth.n);
    expect(typeof json.S_W_comparison.agree).toBe('boolean');
    expect(json.S_W_comparison.statement).toMatch(/S_W estimates/);
    expect(json.tomography.Pi_J.sigma).toBeGreaterThan(0);
  });

  it('reads the same outcomes from .npy (complex128 and N×2 float64) and HDF5 (h5py complex and N×2) identically', () => {
    const npyC = join(tmp, 'c.npy'), npyF = join(tmp, 'f.npy'), h5 = join(tmp, 'o.h5');
    py(
      `import numpy as np, pandas as pd, h5py, sys
d = pd.read_csv(sys.argv[1], comment='#', float_precision='round_trip')
z = d.re.to_numpy() + 1j * d.im.to_numpy()
np.save(sys.argv[2], z)
np.save(sys.argv[3], np.asfortranarray(np.stack([d.re.to_numpy(), d.im.to_numpy()], axis=1)))
with h5py.File(sys.argv[4], 'w') as f:
    f.create_dataset('run1/mu', data=z)
    f.create_dataset('run1/xy', data=np.stack([d.re.to_numpy(), d.im.to_numpy()], axis=1))`,
      csv, npyC, npyF, h5,
    );
    const args = ['--kappa', '0.5', '--bootstrap', '0', '--iterations', '50', '--json'];
    const ref = JSON.parse(cli('heterodyne', '--samples', csv, ...args).stdout);
    for (const src of [npyC, npyF, `${h5}:/run1/mu`, `${h5}:/run1/xy`]) {
      const r = cli('heterodyne', '--samples', src, ...args);
      expect(r.status, r.stderr).toBe(0);
      const o = JSON.parse(r.stdout);
      expect(o.model_free).toEqual(ref.model_free);
      expect(o.tomography.S_W).toEqual(ref.tomography.S_W);
      expect(o.tomography.Pi_J).toEqual(ref.tomography.Pi_J);
    }
  });

  it('writes a CSV table atomically with --csv --output', () => {
    const out = join(tmp, 'res.csv');
    const r = cli('heterodyne', '--samples', csv, '--bootstrap', '0', '--iterations', '50', '--csv', '--output', out);
    expect(r.status).toBe(0);
    const o = py("import pandas as pd,sys; d=pd.read_csv(sys.argv[1], comment='#'); print(d.S_W_knn[0], d.S_W[0], d.Pi_J.isna()[0])", out);
    const [knn, sw, noPiJ] = o.trim().split(' ');
    expect(Math.abs(Number(knn) - Number(sw))).toBeLessThan(0.1);
    expect(noPiJ).toBe('True'); // no --kappa: Π_J is left empty, never a made-up number
  });
});

describe('time-resolved outcomes', () => {
  it('analyses each time of a quench separately (t column)', () => {
    const f = join(tmp, 'quench.csv');
    expect(cli('heterodyne-sample', '--N', '1', '--eps', '1.1', '--t', '0,2', '--samples', '800', '--seed', '5', '--csv', f).status).toBe(0);
    const r = cli('heterodyne', '--samples', f, '--bootstrap', '0', '--iterations', '50', '--json');
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.time_bins.map((b: { t: number }) => b.t)).toEqual([0, 2]);
    expect(o.time_bins.every((b: { M: number }) => b.M === 800)).toBe(true);
    // the pump rises at t = 0: the photon number grows
    expect(o.time_bins[1].model_free.n.value).toBeGreaterThan(o.time_bins[0].model_free.n.value);
  });
});

describe('independent outcomes (QuTiP + numpy)', () => {
  it('estimates S_W and Π_J of the N = 5, ε = 1.1 NESS within 3σ of the truth', () => {
    const npy = join(tmp, 'qutip.npy'), js = join(tmp, 'qutip.json');
    const r0 = spawnSync(PY, [join(PROJECT_ROOT, 'test', 'main', 'lab_qutip_sample.py'), npy, js, '5', '1.1', '8000', '11'], { encoding: 'utf8', timeout: 300_000 });
    expect(r0.status, r0.stderr).toBe(0);
    const ref = JSON.parse(readFileSync(js, 'utf8'));
    // QuTiP's NESS and grid integrals agree with the engine's exact values
    expect(ref.S_W).toBeCloseTo(truth.S_W, 6);
    expect(Math.abs(ref.Pi_J - truth.Pi_J)).toBeLessThan(1e-3);
    const r = cli('heterodyne', '--samples', npy, '--kappa', '0.5', '--bootstrap', '16', '--iterations', '200', '--workers', '1', '--json');
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    within(o.model_free.S_W_knn, truth.S_W);
    within(o.tomography.S_W, truth.S_W);
    within(o.tomography.Pi_J, truth.Pi_J);
  });
});

describe('heterodyne --fit kerr', () => {
  it('fits ε to the QuTiP outcomes (an independent route) within 2σ; model beside measured; provenance', () => {
    const npy = join(tmp, 'qutip.npy');
    expect(existsSync(npy)).toBe(true);
    const r = cli('heterodyne', '--samples', npy, '--kappa', '0.5', '--fit', 'kerr', '--N', '5', '--bootstrap', '8', '--iterations', '200', '--workers', '1', '--json');
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    const f = o.kerr_fit;
    expect(o.fit).toBe('kerr');
    expect(o.fit_free).toBe('eps');
    expect(o.U_source).toMatch(/fitted Kerr model/);
    expect(f.free).toEqual(['eps']);
    expect(f.params.delta).toEqual({ value: -2, sigma: null, free: false });
    expect(Math.abs(f.params.eps.value - 1.1)).toBeLessThanOrEqual(2 * f.params.eps.sigma);
    expect(f.errors).toMatch(/observed information/);
    expect(f.goodness_of_fit.p_value).toBeGreaterThan(1e-3);
    expect(f.E).toBeCloseTo(Math.sqrt(5) * f.params.eps.value, 12);
    for (const q of ['S_W', 'Pi_J', 'Pi_d', 'Pi_U', 'Phi', 'Phi_q', 'G']) {
      expect(Number.isFinite(f.entropy_production[q].model.value), q).toBe(true);
      expect(f.entropy_production[q].measured, q).not.toBeNull();
    }
    within(f.entropy_production.Pi_J.model, truth.Pi_J);
    within(f.entropy_production.S_W.model, truth.S_W);
  });

  it('two free parameters as CSV: fit columns and # provenance lines', () => {
    const csvIn = join(tmp, 'ness.csv');
    const out = join(tmp, 'fit.csv');
    const r = cli('heterodyne', '--samples', csvIn, '--kappa', '0.5', '--fit', 'kerr', '--fit-free', 'eps,delta', '--N', '5', '--bootstrap', '0', '--iterations', '100', '--csv', '--output', out);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# fit_free: eps[;,]delta$/m); // the CSV writer keeps commas out of # lines
    expect(text).toMatch(/^# fit_errors: inverse observed information/m);
    const got = py("import pandas as pd,sys; d=pd.read_csv(sys.argv[1], comment='#'); r=d.iloc[0]; print(r.fit_eps, r.fit_eps_sigma, r.fit_delta, r.fit_delta_sigma, r.fit_u_sigma != r.fit_u_sigma, r.fit_p_value)", out);
    const [eps, se, delta, sd, uFixed, p] = got.trim().split(' ');
    expect(Math.abs(Number(eps) - 1.1)).toBeLessThanOrEqual(3 * Number(se));
    expect(Math.abs(Number(delta) + 2)).toBeLessThanOrEqual(3 * Number(sd));
    expect(uFixed).toBe('True'); // no σ for a fixed parameter (empty cell)
    expect(Number(p)).toBeGreaterThan(1e-3);
  });
});

describe('errors: exit 2, one line, no output', () => {
  const good = join(tmp, 'good.csv');
  writeFileSync(good, '# test\nre,im\n' + Array.from({ length: 60 }, (_, i) => `${Math.cos(i)},${Math.sin(i * 1.3)}`).join('\n') + '\n');
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['--samples', join(tmp, 'nope.csv')], /--samples/],
    ['efficiency out of range', ['--samples', good, '--efficiency', '1.5'], /--efficiency/],
    ['negative bootstrap', ['--samples', good, '--bootstrap', '-1'], /--bootstrap/],
    ['unknown column', ['--samples', good, '--columns', 'a,b'], /--columns/],
    ['HDF5 without a dataset path', ['--samples', join(tmp, 'x.h5')], /--samples/],
    ['--fit kerr without --kappa', ['--samples', good, '--fit', 'kerr'], /--kappa/],
    ['unknown --fit model', ['--samples', good, '--kappa', '0.5', '--fit', 'lorentz'], /--fit/],
    ['unknown --fit-free name', ['--samples', good, '--kappa', '0.5', '--fit', 'kerr', '--fit-free', 'eps,gamma'], /--fit-free/],
    ['eps, u and N free together', ['--samples', good, '--kappa', '0.5', '--fit', 'kerr', '--fit-free', 'eps,u,N'], /--fit-free.*identif|--fit-free.*E = √N ε/],
    ['repeated --fit-free name', ['--samples', good, '--kappa', '0.5', '--fit', 'kerr', '--fit-free', 'eps,eps'], /--fit-free/],
    ['--eps without --fit', ['--samples', good, '--eps', '1'], /--eps/],
    ['--fit-free without --fit', ['--samples', good, '--fit-free', 'eps'], /--fit-free/],
    ['--fit on time-resolved outcomes', ['--samples', join(tmp, 'quench.csv'), '--kappa', '0.5', '--fit', 'kerr'], /--fit/],
    ['--N out of range', ['--samples', good, '--kappa', '0.5', '--fit', 'kerr', '--N', '0'], /--N/],
  ];
  for (const [name, args, re] of cases)
    it(name, () => {
      if (name.startsWith('HDF5')) writeFileSync(join(tmp, 'x.h5'), 'not hdf5');
      const out = join(tmp, `err-${name.replace(/\W/g, '')}.json`);
      const r = cli('heterodyne', ...args, '--json', '--output', out);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      expect(existsSync(out)).toBe(false);
    });

  it('a non-numeric value names the file and row, not its content', () => {
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, 're,im\n' + Array.from({ length: 60 }, (_, i) => (i === 41 ? 'SECRET,1' : `${i / 60},0.5`)).join('\n') + '\n');
    const r = cli('heterodyne', '--samples', bad, '--json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv, row 43, column re/);
    expect(r.stderr).not.toMatch(/SECRET/);
  });

  it('too few outcomes', () => {
    const few = join(tmp, 'few.csv');
    writeFileSync(few, '0.1,0.2\n0.3,0.4\n');
    const r = cli('heterodyne', '--samples', few, '--json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/at least 50 outcomes/);
  });

  it('heterodyne-sample: bad flags', () => {
    for (const args of [['--N', '5', '--eps', '1.1', '--samples', '0'], ['--N', '5', '--eps', '1.1', '--samples', '10', '--t', '2,1']]) {
      const r = cli('heterodyne-sample', ...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
