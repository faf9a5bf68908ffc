// Every CSV kind read back with the documented loaders (pandas, numpy.genfromtxt), the HDF5 and .npy exports read
// with h5py and numpy, provenance lines checked against the study folder, t printed as k·Δt, and no export replacing
// another (the window's handlers in browser-host mode, in process). Needs `node scripts/build.mjs` (the study worker
// and bin/epstudio.mjs run from dist/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../../src-main/api/handlers.js';
import { parseTable } from '../../../src-main/studies/store.js';
import { PROJECT_ROOT, VERSION } from '../../../src-main/version.js';
import { PY, py, READ_CSVS } from './python.js';

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');
const root = mkdtempSync(join(tmpdir(), 'epstudio-exports-'));
const exportsRoot = join(root, 'exports');
let h: Handlers;
let study: string;
afterAll(async () => {
  await h?.shutdown();
  if (!process.env.KEEP) rmSync(root, { recursive: true, force: true });
});

const SPEC = {
  version: 1,
  name: 'exports test',
  model: { kappa: 0.5, delta: -2, u: 1 },
  tasks: [
    { kind: 'quench', N: [1, 2], epsInitial: 0.5, epsFinal: [1.1], tMax: 1, dt: 0.2, figures: ['fig4', 'fig5'] },
    { kind: 'ness-sweep', method: 'exact', N: [5], eps: { from: 0, to: 1.5, points: 7 }, figures: ['fig2'] },
    { kind: 'gaussian-sweep', preset: 'cavity-bec', x: { from: 0, to: 0.9, points: 4 }, figures: ['g-fig3b'] },
  ],
};

const T = [0, 0.2, 0.4, 0.6, 0.8, 1];
const hashLines = (text: string) => text.split('\n').filter((l) => l.startsWith('#'));
const metaOf = (text: string) => parseTable(text).meta;

beforeAll(async () => {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'workers'))) throw new Error('run `node scripts/build.mjs` first (compiled study worker)');
  h = createHandlers({ host: 'browser', studiesRoot: join(root, 'studies'), exportsRoot, emit: () => undefined, workers: 1 });
  const r = (await h.dispatch('studies.run', { spec: SPEC, workers: 1 })) as { dir: string };
  await h.idle();
  study = r.dir;
  expect(readdirSync(join(study, 'tasks')).sort()).toEqual(['gaussian-cavity-bec.csv', 'ness-exact-N5.csv', 'quench-N1-epsf1.1.csv', 'quench-N2-epsf1.1.csv']);
}, 120_000);

describe('study CSVs: provenance lines and t', () => {
  it('quench task CSV: model, N, ε_i, ε_f, Δt, K, rtol, grid, units, spec hash; t written as k·Δt', () => {
    const text = readFileSync(join(study, 'tasks', 'quench-N2-epsf1.1.csv'), 'utf8');
    const m = metaOf(text);
    const hash = JSON.parse(readFileSync(join(study, 'study.json'), 'utf8')).hash;
    expect(m).toMatchObject({ study: 'exports test', kappa: '0.5', delta: '-2', u: '1', N: '2', eps_initial: '0.5', eps_final: '1.1', dt: '0.2', t_max: '1', rtol: '1e-10', spec_hash: hash });
    // the adaptive basis (issue 12): K is "adaptive", with the sizes it used
    expect(m.K).toBe('adaptive');
    expect(Number(m.K_largest)).toBeGreaterThan(5);
    expect(m.grid).toMatch(/^polar per state .*Gauss–Legendre.*FFT angles adaptive per radius up to \d+$/);
    expect(m.units).toMatch(/^t \[1\/omega0\]; a_re \[photon\^\(1\/2\)\];.*G \[nat\]; alpha_abs \[1\]; omega0 = 2κ/);
    for (const l of hashLines(text)) expect(l).not.toContain(',');
    const tcol = text.split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split(',')[0]);
    expect(tcol).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
  });

  it('figure tables carry the provenance of their tasks (N list, K per N) and t as k·Δt', () => {
    const text = readFileSync(join(study, 'figures', 'fig4.csv'), 'utf8');
    const m = metaOf(text);
    // adaptive basis: the figure lists the largest K each task used
    const K1 = metaOf(readFileSync(join(study, 'tasks', 'quench-N1-epsf1.1.csv'), 'utf8')).K_largest;
    const K2 = metaOf(readFileSync(join(study, 'tasks', 'quench-N2-epsf1.1.csv'), 'utf8')).K_largest;
    expect(m).toMatchObject({ figure: 'fig4', N: '1 2', eps_final: '1.1', dt: '0.2', K: K1 === K2 ? K1 : `N=1:${K1} N=2:${K2}` });
    expect(m.units).toBe('N [1]; eps_i [omega0]; eps_f [omega0]; t [1/omega0]; G [nat]; omega0 = 2κ (ħ = 1: κ Δ u ε and every rate are numbers in omega0; t in 1/omega0)');
    expect(text).not.toMatch(/0\.6000000000000001|0\.30000000000000004/);
    expect(text).toMatch(/\n1,0\.5,1\.1,0\.6,/);
  });

  it.skipIf(!PY.exe)('pandas.read_csv(comment="#") and numpy.genfromtxt(names=True, skip_header=#lines) agree on every study CSV', () => {
    const files = [...readdirSync(join(study, 'tasks')).map((f) => join(study, 'tasks', f)), ...readdirSync(join(study, 'figures')).map((f) => join(study, 'figures', f))];
    expect(files.length).toBe(8);
    const o = py(READ_CSVS, ...files);
    for (const f of files) {
      const r = o[f];
      const header = parseTable(readFileSync(f, 'utf8')).columns;
      expect(r.pandas_columns, f).toEqual(header);
      expect(r.numpy_names, f).toEqual(header);
      expect(r.pandas_numeric, f).toBe(true);
      expect(r.same, f).toBe(true);
      expect(r.same_exact, f).toBe(true);
      // numpy's values are ours bit for bit (toCsv writes the shortest round-trip form)
      const tab = parseTable(readFileSync(f, 'utf8'));
      expect(r.numpy_values, f).toEqual(header.map((_, j) => tab.rows.map((x) => x[j])));
      expect(r.n_comment, f).toBe(hashLines(readFileSync(f, 'utf8')).length);
      if (basename(f).startsWith('quench')) expect(r.t).toEqual(T);
    }
  });
  if (!PY.exe) console.log(`[csv loaders] skipped: ${PY.why}`);
});

describe('CLI quench CSV', () => {
  it.skipIf(!PY.exe)('the documented loaders read it; t is 0, 0.2, …; the provenance lines are there', () => {
    const out = join(root, 'q.csv');
    const r = spawnSync(process.execPath, [BIN, 'quench', '--N', '1', '--eps-f', '1.1', '--t-max', '1', '--dt', '0.2', '--csv', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const m = metaOf(text);
    expect(m).toMatchObject({ program: `epstudio ${VERSION} quench --N 1 --eps-f 1.1 --t-max 1 --dt 0.2 --csv ${out}`, kappa: '0.5', N: '1', eps_initial: '0.5', eps_final: '1.1', dt: '0.2', rtol: '1e-10' });
    expect(m.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(m.grid).toMatch(/first sample \d+x\d+ r<=/);
    for (const l of hashLines(text)) expect(l).not.toContain(',');
    const o = py(READ_CSVS, out)[out];
    expect(o.numpy_names).toEqual(['t', 'a_re', 'a_im', 'n', 'S_W', 'Pi_J', 'Pi_ext', 'Pi_d', 'Pi_U', 'Phi', 'Phi_ext', 'Phi_q', 'G']);
    expect(o.same).toBe(true);
    expect(o.same_exact).toBe(true);
    expect(o.t).toEqual(T);
    // the same trajectory as the study's N = 1 task: the rows agree to the propagator's tolerance
    const task = parseTable(readFileSync(join(study, 'tasks', 'quench-N1-epsf1.1.csv'), 'utf8'));
    const cli = parseTable(text);
    const G = (tab: typeof cli) => tab.rows.map((x) => x[tab.columns.indexOf('G')]);
    G(cli).forEach((g, i) => expect(Math.abs(g - G(task)[i])).toBeLessThan(1e-8));
  });
});

describe('window exports (browser host): provenance from the study folder, never replacing a file', () => {
  const chart = () => {
    const tabs = ['quench-N1-epsf1.1', 'quench-N2-epsf1.1'].map((id) => parseTable(readFileSync(join(study, 'tasks', `${id}.csv`), 'utf8')));
    // the window's t comes from the engine's product k·Δt (0.6000000000000001): the export prints k·Δt
    const rows = T.map((_, k) => [k * 0.2, ...tabs.map((t) => t.rows[k][t.columns.indexOf('G')])]);
    return { name: 'G-epsf1.1.csv', columns: ['t', 'G_N1', 'G_N2'], rows, meta: { title: 'Non-Gaussianity G (Eq. 27, Fig. 4), ε_f = 1.1' }, source: { study, tasks: ['quench-N1-epsf1.1', 'quench-N2-epsf1.1'] } };
  };

  it('chart CSV: plain names, units, the study provenance; exported twice → two files, the first unchanged', async () => {
    const a = (await h.dispatch('files.exportCsv', chart())) as { path: string };
    const first = readFileSync(a.path);
    const b = (await h.dispatch('files.exportCsv', chart())) as { path: string };
    expect(a.path).toBe(join(exportsRoot, basename(study), 'G-epsf1.1.csv'));
    expect(b.path).toBe(join(exportsRoot, basename(study), 'G-epsf1.1-2.csv'));
    expect(readFileSync(a.path).equals(first)).toBe(true);
    const text = readFileSync(a.path, 'utf8');
    const m = metaOf(text);
    const hash = JSON.parse(readFileSync(join(study, 'study.json'), 'utf8')).hash;
    // the grid rules of both tasks (their angle caps follow each task's largest K)
    const grids = [...new Set(['quench-N1-epsf1.1', 'quench-N2-epsf1.1'].map((id) => metaOf(readFileSync(join(study, 'tasks', `${id}.csv`), 'utf8')).grid))].join('; ');
    expect(m).toMatchObject({ title: 'Non-Gaussianity G (Eq. 27; Fig. 4); ε_f = 1.1', study: 'exports test', spec_hash: hash, study_dir: basename(study), N: '1 2', eps_initial: '0.5', eps_final: '1.1', dt: '0.2', t_max: '1', rtol: '1e-10', grid: grids });
    expect(m.program).toMatch(/^EP Studio .* window: CSV export G-epsf1\.1\.csv$/);
    expect(m.units).toMatch(/^t \[1\/omega0\]; G \[nat\]; omega0 = 2κ/);
    for (const l of hashLines(text)) expect(l).not.toContain(',');
    if (PY.exe) {
      const o = py(READ_CSVS, a.path, b.path);
      for (const p of [a.path, b.path]) {
        expect(o[p].numpy_names).toEqual(['t', 'G_N1', 'G_N2']);
        expect(o[p].same).toBe(true);
        expect(o[p].t).toEqual(T);
      }
    }
  });

  it('a chart of the form alone (no study) lands in exports/window/ with the form parameters', async () => {
    const p = (await h.dispatch('files.exportCsv', { name: 'fig2.csv', columns: ['eps', 'alpha_abs_exact_N10'], rows: [[0, 0], [0.5, 0.2]], meta: { title: 'Fig. 2', kappa: 0.5, delta: -2, u: 1, N: '10' } })) as { path: string };
    expect(p.path).toBe(join(exportsRoot, 'window', 'fig2.csv'));
    const m = metaOf(readFileSync(p.path, 'utf8'));
    expect(m).toMatchObject({ title: 'Fig. 2', kappa: '0.5', N: '10' });
    expect(m.units).toMatch(/^eps \[omega0\]; alpha_abs \[1\]; omega0 = 2κ/);
  });

  it('figure sets: each export a new folder; the study HDF5 with provenance and units attributes (h5py)', async () => {
    const d1 = (await h.dispatch('files.chooseDir', { purpose: 'figures', source: { study } })) as { dir: string };
    const d2 = (await h.dispatch('files.chooseDir', { purpose: 'figures', source: { study } })) as { dir: string };
    expect([d1.dir, d2.dir]).toEqual([join(exportsRoot, `${basename(study)}-figures-1`), join(exportsRoot, `${basename(study)}-figures-2`)]);
    for (const d of [d1, d2]) await h.dispatch('files.save', { name: 'G.svg', data: `<svg>${d.dir}</svg>`, encoding: 'utf8', dir: d.dir });
    const x = (await h.dispatch('studies.exportH5', { dir: study, dest: d1.dir })) as { path: string };
    const y = (await h.dispatch('studies.exportH5', { dir: study, dest: d1.dir })) as { path: string };
    expect(x.path).toBe(join(d1.dir, `${basename(study)}.h5`));
    expect(y.path).toBe(join(d1.dir, `${basename(study)}-2.h5`));
    expect(readdirSync(d2.dir)).toEqual(['G.svg']);
    await expect(h.dispatch('studies.exportH5', { dir: study, dest: join(root, 'elsewhere') })).rejects.toThrow(/not a folder chosen for exports/);
    if (!PY.exe) return;
    const o = py(
      `import sys, json, h5py
f = h5py.File(sys.argv[1], "r")
a = f.attrs
ds = f["tasks/quench-N2-epsf1.1"]
print(json.dumps({"kappa": float(a["kappa"]), "N": a["N"].tolist(), "eps_final": a["eps_final"].tolist(), "spec_hash": a["spec_hash"], "program": a["program"],
  "study": a["study"], "t_units": ds["t"].attrs["units"], "G_units": ds["G"].attrs["units"], "PiU_symbol": ds["Pi_U"].attrs["symbol"],
  "t": ds["t"][()].tolist(), "fig_units": f["figures/fig4/t"].attrs["units"], "gauss_units": f["tasks/gaussian-cavity-bec/Pi_s"].attrs["units"]}))`,
      x.path,
    );
    const hash = JSON.parse(readFileSync(join(study, 'study.json'), 'utf8')).hash;
    expect(o).toMatchObject({ kappa: 0.5, N: [1, 2, 5], eps_final: [1.1], spec_hash: hash, study: 'exports test', t_units: '1/omega0', G_units: 'nat', PiU_symbol: 'Π_U', fig_units: '1/omega0', gauss_units: 'nat/s' });
    expect(o.program).toMatch(/^epstudio .* export --h5$/);
    expect(o.t).toEqual(T);
  });

  it('phase space: Q and J at several times as HDF5 and .npy (numpy, h5py), the same numbers as the viewer', async () => {
    const params = { kappa: 0.5, delta: -2, u: 1, epsInitial: 0.5, epsFinal: 1.1, N: 1, tMax: 1 };
    const grid = { xMin: -5, xMax: 5, yMin: -5, yMax: 5, nx: 41, ny: 37 };
    const d = (await h.dispatch('files.chooseDir', { purpose: 'phase-space' })) as { dir: string };
    expect(d.dir).toBe(join(exportsRoot, 'window-phase-space-1'));
    const r = (await h.dispatch('phaseSpace.export', { params, grid, times: [0, 0.2, 0.4], formats: ['h5', 'npy'], dir: d.dir })) as { files: string[]; provenance: Record<string, string> };
    expect(r.provenance).toMatchObject({ kappa: '0.5', N: '1', eps_final: '1.1', times: '0 0.2 0.4' });
    expect(r.files.map((f) => basename(f)).sort()).toEqual(['Jx.npy', 'Jy.npy', 'Q.npy', 'arrows_im_mu.npy', 'arrows_re_mu.npy', 'im_mu.npy', 'phase-space.h5', 'provenance.json', 're_mu.npy', 't.npy'].sort());
    const prov = JSON.parse(readFileSync(join(d.dir, 'provenance.json'), 'utf8'));
    expect(prov).toMatchObject({ kappa: '0.5', N: '1', eps_initial: '0.5', eps_final: '1.1', times: '0 0.2 0.4', layout: { Q: [3, 37, 41], Jx: [3, 21, 21] } });
    // a second export into the same folder never replaces the first
    const again = (await h.dispatch('phaseSpace.export', { params, grid, times: [0.4], formats: ['npy'], dir: d.dir })) as { files: string[] };
    expect(again.files.map((f) => basename(f))).toContain('Q-2.npy');
    const frame = (await h.dispatch('phaseSpace.frame', { params, t: 0.2, grid })) as { Q: number[] };
    if (!PY.exe) return;
    const o = py(
      `import sys, json, os, h5py, numpy as np
d = sys.argv[1]
Q = np.load(os.path.join(d, "Q.npy")); x = np.load(os.path.join(d, "re_mu.npy")); y = np.load(os.path.join(d, "im_mu.npy"))
f = h5py.File(os.path.join(d, "phase-space.h5"), "r")
dx = x[1] - x[0]; dy = y[1] - y[0]
print(json.dumps({"shape": Q.shape, "same_h5": bool(np.array_equal(Q, f["Q"][()])), "t": np.load(os.path.join(d, "t.npy")).tolist(),
  "norm": [float(q.sum() * dx * dy) for q in Q], "Q1": Q[1].ravel().tolist(), "x0": float(x[0]), "y_last": float(y[-1]),
  "units": f["Q"].attrs["units"], "t_units": f["t"].attrs["units"], "kappa": float(f.attrs["kappa"]), "Jshape": f["Jx"].shape}))`,
      d.dir,
    );
    expect(o.shape).toEqual([3, 37, 41]);
    expect(o.same_h5).toBe(true);
    expect(o.t).toEqual([0, 0.2, 0.4]);
    // ∫ Q d²μ = 1 (the box holds the state): an independent check of the layout and the grid spacing
    for (const n of o.norm) expect(Math.abs(n - 1)).toBeLessThan(1e-3);
    expect(o.Q1).toEqual(frame.Q);
    expect([o.x0, o.y_last]).toEqual([-5, 5]);
    expect([o.units, o.t_units, o.kappa, o.Jshape]).toEqual(['1', '1/omega0', 0.5, [3, 21, 21]]);
  }, 60_000);

  it('refuses a folder not handed out, and too many values', async () => {
    const params = { kappa: 0.5, delta: -2, u: 1, epsInitial: 0.5, epsFinal: 1.1, N: 1, tMax: 1 };
    const grid = { xMin: -5, xMax: 5, yMin: -5, yMax: 5, nx: 256, ny: 256 };
    await expect(h.dispatch('phaseSpace.export', { params, grid: { ...grid, nx: 8, ny: 8 }, times: [0], formats: ['npy'], dir: root })).rejects.toThrow(/not a folder chosen for exports/);
    await expect(h.dispatch('phaseSpace.export', { params, grid, times: Array.from({ length: 200 }, (_, i) => i / 10), formats: ['npy'], dir: exportsRoot })).rejects.toThrow(/times.*10⁷/);
  });
});

describe('window exports (Electron): the native dialogs decide, and only the save dialog may replace', () => {
  it('a file confirmed in the save dialog is written there; a set folder must be new or empty', async () => {
    const base = join(root, 'electron');
    const picked: string[] = [];
    let nextFile = join(base, 'mine', 'G.csv');
    let nextDir = join(base, 'set');
    const e = createHandlers({
      host: 'electron',
      studiesRoot: join(base, 'studies'),
      exportsRoot: join(base, 'exports'),
      emit: () => undefined,
      dialogs: {
        openStudyDir: async () => null,
        saveStudyDir: async () => null,
        saveFile: async (def) => (picked.push(def), nextFile),
        chooseDir: async (def) => (picked.push(def), nextDir),
      },
    });
    const csv = { name: 'G.csv', columns: ['t', 'G_N1'], rows: [[0, 1]] };
    expect(await e.dispatch('files.exportCsv', csv)).toEqual({ path: nextFile });
    // the user confirmed replacing it in the dialog (the dialog asks): the same path is written again
    expect(await e.dispatch('files.exportCsv', { ...csv, rows: [[0, 2]] })).toEqual({ path: nextFile });
    expect(parseTable(readFileSync(nextFile, 'utf8')).rows).toEqual([[0, 2]]);
    expect(picked[0]).toBe(join(base, 'exports', 'window', 'G.csv'));
    expect(await e.dispatch('files.chooseDir', { purpose: 'figures' })).toEqual({ dir: nextDir });
    expect(picked[2]).toBe(join(base, 'exports', 'window-figures'));
    await e.dispatch('files.save', { name: 'a.svg', data: '<svg/>', encoding: 'utf8', dir: nextDir });
    // the same folder again (now holding a file): refused, nothing written
    await expect(e.dispatch('files.chooseDir', { purpose: 'figures' })).rejects.toThrow(/not a new or empty folder/);
    nextFile = '';
    expect(await e.dispatch('files.exportCsv', csv)).toBeNull(); // cancelled
    nextDir = join(base, 'set2');
    expect(await e.dispatch('files.chooseDir', { purpose: 'figures' })).toEqual({ dir: nextDir });
    await e.shutdown();
  });
});

describe('Gaussian JSON', () => {
  it('says the unit of every number and which coupling g_cr_seed belongs to', () => {
    const r = spawnSync(process.execPath, [BIN, 'gaussian', '--preset', 'cavity-om', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    for (const k of Object.keys(o)) if (typeof o[k] === 'number') expect(o.units, k).toHaveProperty(k);
    expect(o.units).toMatchObject({ g: 'rad/s', g_cr: 'rad/s', g_cr_seed: 'rad/s', omega_a: 'rad/s', Pi_s: 'nat/s', mu_b: 'nat/s', T_b: 'K' });
    expect(o.g_cr_seed_convention).toMatch(/G\(a \+ a†\)\(b \+ b†\) = 2G q_a q_b.*G = g\/2/);
    // the convention stated is the arithmetic: with γ_b ≪ ω_b the seed's threshold of G is half our threshold of g
    expect(o.g_cr / o.g_cr_seed).toBeCloseTo(2, 6);
  });
});
