/**
 * The window's lab API (issue 14) against the real handlers in-process, with the compiled lab worker on the pool
 * (`npm run build` first): outcomes drawn by an independent route (Box–Muller vacuum; a thermal state), numbers checked
 * against the known S_W, against the CLI's engine run on the same file in this thread (analyzeHeterodyne: the same
 * values and the same bootstrap σ, since each resample has its own PRNG stream), the model against the exact
 * Drummond–Walls NESS, the export read back by pandas, the error paths, and cancel.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeHeterodyne } from '../../../src-core/lab/analysis.js';
import { exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import { mulberry32, normalDeviate } from '../../../src-core/random.js';
import { readOutcomes } from '../../../src-main/io/samples.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { sampleHusimi } from '../../../src-core/lab/qSampling.js';
import { METHODS, type Res } from '../../../src-main/api/contract.js';
import type { DialogPort } from '../../../src-main/api/handlers.js';
import { diffStates, makeSandbox, refusal, type Sandbox } from './sandbox.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.cleanup();
  sb = undefined;
});

const PY = '/usr/bin/python3';
const S_VAC = 1 + Math.log(Math.PI);

/** Vacuum outcomes (variance ½ per quadrature) as CSV with a header; `t` adds a time column. */
function vacuumCsv(M: number, seed: number, times?: number[]): string {
  const rand = mulberry32(seed);
  const s = Math.SQRT1_2;
  const lines = [times ? 't,re,im' : 're,im'];
  for (const t of times ?? [NaN]) for (let i = 0; i < M; i++) lines.push(`${times ? `${t},` : ''}${s * normalDeviate(rand)},${s * normalDeviate(rand)}`);
  return lines.join('\n') + '\n';
}

/** Thermal state of mean n: Q is Gaussian with variance (n + 1)/2 per quadrature; S_W = 1 + ln(π(n + 1)). */
function thermalCsv(M: number, n: number, seed: number): string {
  const rand = mulberry32(seed);
  const s = Math.sqrt((n + 1) / 2);
  const lines = ['# thermal test data', 'x,y'];
  for (let i = 0; i < M; i++) lines.push(`${s * normalDeviate(rand)},${s * normalDeviate(rand)}`);
  return lines.join('\n') + '\n';
}

const upload = (name: string, text: string | Buffer) => ({ upload: { name, data: Buffer.from(text).toString('base64') } });
const call = async <T>(m: string, p: unknown) => {
  const r = (await sb!.handlers.dispatch(m, p)) as T;
  // Every result matches the contract's response schema (what the window's types promise).
  const parsed = METHODS[m as keyof typeof METHODS][1].safeParse(r);
  expect(parsed.success, `${m}: ${JSON.stringify(parsed.error?.issues)?.slice(0, 300)}`).toBe(true);
  return r;
};
type Analysis = Res<'lab.analyze'>;
const within = (e: { value: number | null; sigma: number | null } | null | undefined, truth: number, z = 3) => {
  expect(e?.value).toBeTypeOf('number');
  expect(e!.sigma!).toBeGreaterThan(0);
  expect(Math.abs(e!.value! - truth), `${e!.value} ± ${e!.sigma} against ${truth}`).toBeLessThanOrEqual(z * e!.sigma!);
};

describe('lab.open → lab.analyze → lab.plan → lab.export', () => {
  it('vacuum: S_W = 1 + ln π within σ by both estimators, the same numbers as the CLI engine, exported with provenance', async () => {
    sb = makeSandbox({ workers: 2 });
    const text = vacuumCsv(3000, 11);
    const o = await call<Res<'lab.open'>>('lab.open', upload('vacuum.csv', text));
    expect(o).toMatchObject({ name: 'vacuum.csv', format: 'csv', rows: 3000, columns: 're,im', hasTime: false, times: 0, bytes: Buffer.byteLength(text) });
    expect(o!.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    // The upload was read and removed: nothing was left in the data folder.
    expect(readdirSync(sb.exports)).toEqual([]);

    const events: unknown[] = [];
    const n0 = sb.pushes.length;
    const opts = { kappa: 0.5, U: 0.2, bootstrap: 24, seed: 5 };
    const a = await call<Analysis>('lab.analyze', { job: 'vac', handle: o!.handle, ...opts, pixels: 32 });
    events.push(...sb.pushes.slice(n0));
    expect(a.bins).toHaveLength(1);
    const b = a.bins[0];
    within(b.estimates.S_W_knn, S_VAC);
    within(b.estimates.S_W, S_VAC);
    // vacuum: Π_J = Π_U = Φ = 0 (the tomographic estimates are ≥ 0 and tiny)
    expect(Math.abs(b.estimates.Pi_J!.value!)).toBeLessThan(0.1);
    expect(b.comparison.agree).toBe(true);
    expect(b.comparison.statement).toMatch(/agree within errors/);

    // The same file through the CLI's engine in this thread: identical estimates and bootstrap errors.
    const path = join(sb.base, 'vacuum.csv');
    writeFileSync(path, text);
    const d = await readOutcomes(path);
    const ref = analyzeHeterodyne(d.re, d.im, { kappa: 0.5, U: 0.2, bootstrap: 24, seed: 5 });
    expect(b.estimates.S_W_knn!.value).toBe(ref.modelFree.S_W.value);
    expect(b.estimates.S_W_knn!.sigma).toBe(ref.modelFree.S_W.sigma);
    for (const q of ['S_W', 'Pi_J', 'Pi_U', 'Phi', 'G'] as const) {
      expect(b.estimates[q]!.value, q).toBeCloseTo(ref.tomography.quantities[q]!.value, 12);
      expect(b.estimates[q]!.sigma, q).toBeCloseTo(ref.tomography.quantities[q]!.sigma, 12);
    }
    expect(b.K).toBe(ref.tomography.K);

    // Images: the histogram is a density (∫ ≈ the fraction inside the box ≈ 1); Q of ρ̂ integrates to ≈ 1 and peaks
    // near 1/π at the origin, like the vacuum's.
    const g = a.grid;
    const cell = ((g.xMax - g.xMin) / a.hist) ** 2;
    expect(b.histogram.reduce((s, v) => s + v, 0) * cell).toBeGreaterThan(0.99);
    const dx = (g.xMax - g.xMin) / (g.nx - 1);
    expect(b.Q.reduce((s, v) => s + v, 0) * dx * dx).toBeCloseTo(1, 2);
    expect(Math.max(...b.Q)).toBeGreaterThan(0.8 / Math.PI);
    expect(Math.max(...b.Q)).toBeLessThan(1.2 / Math.PI);

    // Progress: fit, bootstrap up to B, done; all for this job.
    const lab = events.filter((e): e is { channel: 'lab'; event: { job: string; stage: string; done: number; total: number } } => (e as { channel: string }).channel === 'lab');
    expect(lab.map((e) => e.event.stage)).toContain('fit');
    expect(lab.at(-1)!.event).toMatchObject({ job: 'vac', stage: 'done', done: 24, total: 24 });
    expect(lab.some((e) => e.event.stage === 'bootstrap' && e.event.done === 24)).toBe(true);

    // Planner: M (σ/σ_target)², as the CLI's --target-sigma.
    const plan = await call<Res<'lab.plan'>>('lab.plan', { job: 'vac', target: 0.01 });
    const row = plan.bins[0].rows.find((r) => r.quantity === 'S_W (k-NN)')!;
    expect(row.sigma).toBe(b.estimates.S_W_knn!.sigma);
    expect(row.M_needed).toBe(Math.ceil(3000 * (row.sigma! / 0.01) ** 2));
    expect(plan.bins[0].rows.map((r) => r.quantity)).toEqual(['S_W (k-NN)', 'S_W (tomography)', 'Π_J']);

    // Export: CSV + JSON with provenance into a new folder; a second export never replaces the first.
    const model = { N: 1, eps: 0, delta: -2, u: 1, kappa: 0.5 };
    const ex = await call<Res<'lab.export'>>('lab.export', { job: 'vac', model });
    const ex2 = await call<Res<'lab.export'>>('lab.export', { job: 'vac' });
    expect(ex!.dir).not.toBe(ex2!.dir);
    expect(ex!.files.map((f) => f.slice(ex!.dir.length + 1)).sort()).toEqual(['heterodyne.csv', 'heterodyne.json']);
    const csv = readFileSync(ex!.files.find((f) => f.endsWith('.csv'))!, 'utf8');
    expect(csv).toMatch(/^# program: EP Studio .* window: lab analysis/m);
    expect(csv).toContain(`# samples_sha256: ${o!.sha256}`);
    expect(csv).toContain('# samples: vacuum.csv');
    const out = spawnSync(
      PY,
      ['-c', "import pandas as pd,sys; d=pd.read_csv(sys.argv[1], comment='#'); print(len(d), repr(float(d.S_W_knn[0])), repr(float(d.S_W[0])), repr(float(d.S_W_model[0])), int(d.M[0]))", ex!.files.find((f) => f.endsWith('.csv'))!],
      { encoding: 'utf8' },
    );
    expect(out.status, out.stderr).toBe(0);
    const [rows, knn, tomo, modelSW, M] = out.stdout.trim().split(' ');
    expect(Number(rows)).toBe(1);
    expect(Number(knn)).toBe(b.estimates.S_W_knn!.value);
    expect(Number(tomo)).toBe(b.estimates.S_W!.value);
    // The model at ε = 0 is the vacuum: its exact S_W is 1 + ln π.
    expect(Number(modelSW)).toBeCloseTo(S_VAC, 9);
    expect(Number(M)).toBe(3000);
    const json = JSON.parse(readFileSync(ex!.files.find((f) => f.endsWith('.json'))!, 'utf8'));
    expect(json.provenance.samples_sha256).toBe(o!.sha256);
    expect(json.S_W_comparison.agree).toBe(true);
    expect(json.model_free.S_W_knn.value).toBe(b.estimates.S_W_knn!.value);
    expect(json.model.values.S_W).toBeCloseTo(S_VAC, 9);
  }, 120_000);

  it('thermal state (x, y header, # comments): S_W = 1 + ln(π(n + 1)) and n within σ', async () => {
    sb = makeSandbox({ workers: 2 });
    const n = 1.5;
    const o = await call<Res<'lab.open'>>('lab.open', upload('thermal.csv', thermalCsv(2500, n, 3)));
    expect(o!.columns).toBe('x,y');
    const a = await call<Analysis>('lab.analyze', { job: 'th', handle: o!.handle, kappa: 0.5, bootstrap: 16, pixels: 16 });
    const e = a.bins[0].estimates;
    within(e.S_W_knn, 1 + Math.log(Math.PI * (n + 1)));
    within(e.S_W, 1 + Math.log(Math.PI * (n + 1)));
    within(e.n_knn, n);
    // Φ = 2κ<a†a> (Eq. 22)
    within(e.Phi, 2 * 0.5 * n);
  }, 120_000);

  it('a t column: one analysis per time bin, t reported; timeBins regroups', async () => {
    sb = makeSandbox({ workers: 2 });
    const o = await call<Res<'lab.open'>>('lab.open', upload('timed.csv', vacuumCsv(400, 2, [0, 0.5, 1])));
    expect(o).toMatchObject({ hasTime: true, times: 3, rows: 1200, columns: 're,im,t' });
    const a = await call<Analysis>('lab.analyze', { job: 'tt', handle: o!.handle, kappa: 0.5, bootstrap: 4, pixels: 16 });
    expect(a.bins.map((b) => b.t)).toEqual([0, 0.5, 1]);
    expect(a.bins.map((b) => b.M)).toEqual([400, 400, 400]);
    for (const b of a.bins) expect(b.histogram.length).toBe(a.hist * a.hist);
    const two = await call<Analysis>('lab.analyze', { job: 'tt2', handle: o!.handle, kappa: 0.5, bootstrap: 0, timeBins: 2, pixels: 16 });
    expect(two.bins.map((b) => b.M)).toEqual([400, 800]);
    expect(two.bins[0].estimates.S_W!.sigma).toBeNull();
    // Export beside a quench model: one row per bin, the model's exact values at each bin's t (lab.model's numbers).
    const model = { N: 1, eps: 1.1, delta: -2, u: 1, kappa: 0.5 };
    const ex = await call<Res<'lab.export'>>('lab.export', { job: 'tt', model, quench: { epsInitial: 0.5 } });
    const m = await call<Res<'lab.model'>>('lab.model', { model, grid: { xMin: -3, xMax: 3, yMin: -3, yMax: 3, nx: 8, ny: 8 }, quench: { epsInitial: 0.5, times: [0, 0.5, 1] } });
    const out = spawnSync(PY, ['-c', "import pandas as pd,sys; d=pd.read_csv(sys.argv[1], comment='#'); print(' '.join(repr(float(v)) for v in d.S_W_model) + '|' + ' '.join(str(v) for v in d.t))", ex!.files.find((f) => f.endsWith('.csv'))!], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const [sw, ts] = out.stdout.trim().split('|');
    expect(ts.split(' ').map(Number)).toEqual([0, 0.5, 1]);
    expect(sw.split(' ').map(Number)).toEqual(m.times!.map((x) => x.values.S_W));
    expect(readFileSync(ex!.files.find((f) => f.endsWith('.csv'))!, 'utf8')).toMatch(/^# eps_initial: 0\.5$/m);
    expect((await refusal(sb.handlers, 'lab.export', { job: 'vac-none', quench: { epsInitial: 0.5 } })).field).toBe('quench');
  }, 120_000);
});

describe('lab.model: the Kerr NESS beside the data', () => {
  it('values match the exact Drummond–Walls NESS; ε = 0 is the vacuum (S_W = 1 + ln π, Π_J = 0, Q(0) = 1/π)', async () => {
    sb = makeSandbox();
    const grid = { xMin: -6, xMax: 6, yMin: -6, yMax: 6, nx: 49, ny: 49 };
    const P = { N: 5, eps: 1.1, delta: -2, u: 1, kappa: 0.5 };
    const m = await call<Res<'lab.model'>>('lab.model', { model: P, grid });
    const ex = exactNess(P);
    expect(m.values.n).toBeCloseTo(ex.n, 7);
    expect(m.values.a_re).toBeCloseTo(ex.a_re, 7);
    // The NESS balance Π_U + Π_J = Φ (Eq. 18 with dS_W/dt = 0), with U = u/N.
    expect(m.values.Pi_U! + m.values.Pi_J!).toBeCloseTo(m.values.Phi!, 6);
    const dx = 12 / 48;
    expect(m.Q.reduce((s, v) => s + v, 0) * dx * dx).toBeCloseTo(1, 3);
    const vac = await call<Res<'lab.model'>>('lab.model', { model: { ...P, eps: 0 }, grid });
    expect(vac.values.S_W).toBeCloseTo(S_VAC, 10);
    expect(vac.values.Pi_J).toBeCloseTo(0, 12);
    expect(vac.Q[24 * 49 + 24]).toBeCloseTo(1 / Math.PI, 12);
    // η < 1: the detected state's S_W is the attenuated one's (≤ the state's for this NESS, ≥ 1 + ln π).
    const lossy = await call<Res<'lab.model'>>('lab.model', { model: P, efficiency: 0.5, grid });
    expect(lossy.values.S_W_detected!).toBeLessThan(lossy.values.S_W!);
    expect(lossy.values.S_W_detected!).toBeGreaterThan(S_VAC);
    // A quench ε_i → ε: at t = 0 the NESS at ε_i, late the NESS at ε; between, the balance dS_W/dt = Π_U + Π_J − Φ
    // (Eq. 18) holds for the engine's states (central difference over ±0.01).
    const q = await call<Res<'lab.model'>>('lab.model', { model: { ...P, N: 1 }, grid, quench: { epsInitial: 0.5, times: [0, 0.99, 1, 1.01, 100] } });
    const at0 = await call<Res<'lab.model'>>('lab.model', { model: { ...P, N: 1, eps: 0.5 }, grid });
    const late = await call<Res<'lab.model'>>('lab.model', { model: { ...P, N: 1 }, grid });
    expect(q.times!.map((x) => x.t)).toEqual([0, 0.99, 1, 1.01, 100]);
    expect(q.times![0].values.S_W).toBeCloseTo(at0.values.S_W!, 10);
    expect(q.times![4].values.S_W).toBeCloseTo(late.values.S_W!, 6);
    const v = q.times![2].values;
    const dSdt = (q.times![3].values.S_W! - q.times![1].values.S_W!) / 0.02;
    expect(Math.abs(dSdt)).toBeGreaterThan(0.01);
    expect(dSdt).toBeCloseTo(v.Pi_U! + v.Pi_J! - v.Phi!, 3);
    expect((await refusal(sb.handlers, 'lab.model', { model: P, grid, quench: { epsInitial: 0.5, times: [1, 0.5] } })).field).toBe('quench.times');
    // A model too large for the Fock basis is refused naming the field.
    const e = await refusal(sb.handlers, 'lab.model', { model: { ...P, N: 100, eps: 1.3 }, grid });
    expect(e.field).toBe('model.N');
    // Below the engine's ranges (KERR_RULES) the exact NESS's ξ = 2E/U overflows: refused at the edge with the range,
    // not an internal error (a fuzz counterexample: κ = 1.09e-56, u = 1.37e-282 reached the ₀F₂ series).
    const tiny = await refusal(sb.handlers, 'lab.model', { model: { ...P, kappa: 1.0868419004350446e-56, u: 1.3711536891956318e-282 }, grid });
    expect(tiny.field).toBe('model.u');
    expect(tiny.message).toMatch(/>=0\.000001/);
    expect((await refusal(sb.handlers, 'lab.model', { model: { ...P, kappa: 1e-56 }, grid })).field).toBe('model.kappa');
  });
});

describe('bad files and requests: messages name the field, nothing is left behind', () => {
  it('the readers’ messages (file, row, column), HDF5 without a dataset, too few outcomes, paths outside, unknown handles', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    const before = sb.outsideState();
    const bad = await refusal(h, 'lab.open', upload('bad.csv', 're,im\n1,2\n3,SECRET\n'));
    expect(bad.field).toBe('file (bad.csv, row 3, column im)');
    expect(bad.message).toMatch(/^file \(bad\.csv, row 3, column im\): .*allowed: finite numbers/);
    expect(bad.message).not.toContain('SECRET');
    const h5 = await refusal(h, 'lab.open', upload('run.h5', 'not hdf5'));
    expect(h5.field).toBe('dataset');
    const notB64 = await refusal(h, 'lab.open', { upload: { name: 'x.csv', data: 'not base64!' } });
    expect(notB64.field).toBe('upload.data');
    const cols = await refusal(h, 'lab.open', { ...upload('v.csv', vacuumCsv(60, 1)), columns: 're,zz' });
    expect(cols.field).toBe('columns');
    // Outside the data folder: refused before the file system is asked.
    for (const p of ['/etc/passwd', sb.secretJson, 'relative.csv']) expect((await refusal(h, 'lab.open', { path: p })).field).toBe('path');
    // HDF5 and .npy (written by h5py and numpy) through the upload, with the dataset path: the CLI's readers.
    // (written outside the sandbox: the test checks that nothing around the data folder changes)
    const src = mkdtempSync(join(tmpdir(), 'lab-h5-'));
    const h5File = join(src, 'run.h5'), npy = join(src, 'xy.npy');
    const py = spawnSync(PY, ['-c', "import numpy as np, h5py, sys\nz = np.exp(1j*np.arange(120))*np.linspace(0, 2, 120)\nwith h5py.File(sys.argv[1], 'w') as f: f.create_dataset('run/mu', data=z)\nnp.save(sys.argv[2], np.stack([z.real, z.imag], axis=1))", h5File, npy], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const oh = (await h.dispatch('lab.open', { ...upload('run.h5', readFileSync(h5File)), dataset: '/run/mu' })) as Res<'lab.open'>;
    expect(oh).toMatchObject({ name: 'run.h5:/run/mu', format: 'hdf5', rows: 120, columns: 'complex' });
    const on = (await h.dispatch('lab.open', upload('xy.npy', readFileSync(npy)))) as Res<'lab.open'>;
    expect(on).toMatchObject({ format: 'npy', rows: 120, columns: '1,2' });
    expect((await refusal(h, 'lab.open', { ...upload('run.h5', readFileSync(h5File)), dataset: '/nope' })).message).toMatch(/dataset path inside run\.h5/);
    rmSync(src, { recursive: true, force: true });
    // Inside the data folder: allowed.
    mkdirSync(join(sb.exports, 'in'), { recursive: true });
    writeFileSync(join(sb.exports, 'in', 'ok.csv'), vacuumCsv(60, 4));
    const ok = (await h.dispatch('lab.open', { path: join(sb.exports, 'in', 'ok.csv') })) as Res<'lab.open'>;
    expect(ok!.rows).toBe(60);
    // The browser host has no dialog: it says to upload.
    expect((await refusal(h, 'lab.open', {})).field).toBe('upload');
    const few = (await h.dispatch('lab.open', upload('few.csv', vacuumCsv(20, 1)))) as Res<'lab.open'>;
    const e = await refusal(h, 'lab.analyze', { job: 'few', handle: few!.handle });
    expect(e.field).toBe('file');
    expect(e.message).toMatch(/20 outcomes; allowed: at least 50/);
    expect((await refusal(h, 'lab.analyze', { job: 'x', handle: 'h999' })).field).toBe('handle');
    expect((await refusal(h, 'lab.analyze', { job: 'x', handle: ok!.handle, timeBins: 2 })).field).toBe('timeBins');
    expect((await refusal(h, 'lab.plan', { job: 'never', target: 0.1 })).field).toBe('job');
    expect((await refusal(h, 'lab.export', { job: 'never' })).field).toBe('job');
    expect((await refusal(h, 'lab.analyze', { job: 'x', handle: ok!.handle, efficiency: 0 })).field).toBe('efficiency');
    expect(diffStates(before, sb.outsideState())).toEqual([]);
  });

  it('lab.cancel stops a running analysis: it ends with "cancelled" and a cancelled event', async () => {
    sb = makeSandbox({ workers: 2 });
    const o = (await sb.handlers.dispatch('lab.open', upload('v.csv', vacuumCsv(2000, 9)))) as Res<'lab.open'>;
    const run = sb.handlers.dispatch('lab.analyze', { job: 'long', handle: o!.handle, bootstrap: 2000 });
    run.catch(() => undefined);
    const t0 = Date.now();
    while (!sb.pushes.some((e) => (e as { event?: { stage?: string } }).event?.stage === 'bootstrap') && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    const c0 = Date.now();
    expect(await sb.handlers.dispatch('lab.cancel', { job: 'long' })).toEqual({ cancelled: true });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(Date.now() - c0).toBeLessThan(5000);
    expect(sb.pushes.some((e) => (e as { event?: { stage?: string; job?: string } }).event?.stage === 'cancelled')).toBe(true);
    expect(await sb.handlers.dispatch('lab.cancel', { job: 'long' })).toEqual({ cancelled: false });
  }, 90_000);
});

describe('Electron: the native dialogs', () => {
  it('a file picked in the open dialog is read (that file only); the export folder is the one named in the dialog', async () => {
    const answers: { openFile: string | null; chooseDir: string | null } = { openFile: null, chooseDir: null };
    const calls: string[] = [];
    const dialogs: DialogPort = {
      openStudyDir: async () => null,
      saveStudyDir: async () => null,
      saveFile: async () => null,
      chooseDir: async () => (calls.push('chooseDir'), answers.chooseDir),
      openFile: async () => (calls.push('openFile'), answers.openFile),
    };
    sb = makeSandbox({ host: 'electron', dialogs, workers: 1 });
    const h = sb.handlers;
    const picked = join(sb.outside, 'measured.csv');
    writeFileSync(picked, vacuumCsv(200, 8));
    writeFileSync(join(sb.outside, 'other.csv'), vacuumCsv(200, 9));
    // Cancelled dialog: null, nothing opened.
    expect(await h.dispatch('lab.open', {})).toBeNull();
    answers.openFile = picked;
    const o = (await h.dispatch('lab.open', {})) as Res<'lab.open'>;
    expect(o).toMatchObject({ name: 'measured.csv', rows: 200 });
    // The dialog granted that file, not its folder: a sibling stays refused by path.
    expect((await refusal(h, 'lab.open', { path: join(sb.outside, 'other.csv') })).field).toBe('path');
    await h.dispatch('lab.analyze', { job: 'e', handle: o!.handle, bootstrap: 0, pixels: 16 });
    expect(await h.dispatch('lab.export', { job: 'e' })).toBeNull();
    answers.chooseDir = join(sb.outside, 'lab-export');
    const ex = (await h.dispatch('lab.export', { job: 'e' })) as Res<'lab.export'>;
    expect(ex!.dir).toBe(join(sb.outside, 'lab-export'));
    expect(readdirSync(ex!.dir).sort()).toEqual(['heterodyne.csv', 'heterodyne.json']);
    // A folder that already holds files is refused (an export set gets a folder of its own).
    expect((await refusal(h, 'lab.export', { job: 'e' })).message).toMatch(/not a new or empty folder/);
    expect(calls).toEqual(['openFile', 'openFile', 'chooseDir', 'chooseDir', 'chooseDir']);
  }, 60_000);
});

describe('lab.fit: the Kerr NESS fitted to the outcomes (fitKerr.ts on the pool)', () => {
  it('ε of an N = 1 NESS recovered within 3σ; the model’s entropy production beside the measured; exported with the analysis', async () => {
    sb = makeSandbox({ workers: 2 });
    const P = { kappa: 0.5, delta: -2, u: 1, N: 1, eps: 0.9 };
    const rho = nessDensityMatrix(P, 24);
    const s = sampleHusimi(rho, 3000, { rand: mulberry32(21) });
    const text = 're,im\n' + Array.from(s.re, (x, i) => `${x},${s.im[i]}`).join('\n') + '\n';
    const o = await call<Res<'lab.open'>>('lab.open', upload('ness.csv', text));
    await call<Analysis>('lab.analyze', { job: 'a', handle: o!.handle, kappa: 0.5, U: 1, bootstrap: 8, pixels: 16 });
    const n0 = sb.pushes.length;
    const f = await call<Res<'lab.fit'>>('lab.fit', { job: 'f', handle: o!.handle, analysis: 'a', kappa: 0.5, free: ['eps'], initial: { N: 1, eps: 0.5, delta: -2, u: 1 } });
    expect(f.free).toEqual(['eps']);
    expect(f.converged).toBe(true);
    expect(f.sigma.eps!).toBeGreaterThan(0);
    expect(Math.abs(f.params.eps - 0.9), `ε = ${f.params.eps} ± ${f.sigma.eps}`).toBeLessThan(3 * f.sigma.eps!);
    expect(f.params).toMatchObject({ N: 1, delta: -2, u: 1 });
    // The model's S_W at the fitted ε, beside the exact NESS value at the true ε (within the propagated error).
    const exact = await call<Res<'lab.model'>>('lab.model', { model: P, grid: { xMin: -3, xMax: 3, yMin: -3, yMax: 3, nx: 8, ny: 8 } });
    expect(Math.abs(f.model.S_W!.value! - exact.values.S_W!)).toBeLessThan(3 * f.model.S_W!.sigma! + 1e-9);
    const ev = sb.pushes.slice(n0).map((e) => (e as { event: { stage: string; job: string } }).event);
    expect(ev.some((e) => e.stage === 'model-fit' && e.job === 'f')).toBe(true);
    expect(ev.at(-1)).toMatchObject({ job: 'f', stage: 'done' });
    // Export: the fit's columns in the CSV, its report in the JSON.
    const ex = await call<Res<'lab.export'>>('lab.export', { job: 'a', fit: 'f', model: { ...P, eps: f.params.eps } });
    const json = JSON.parse(readFileSync(ex!.files.find((x) => x.endsWith('.json'))!, 'utf8'));
    expect(json.kerr_fit.params.eps.value).toBe(f.params.eps);
    expect(json.kerr_fit.free).toEqual(['eps']);
    const csv = readFileSync(ex!.files.find((x) => x.endsWith('.csv'))!, 'utf8');
    expect(csv.split('\n').find((l) => !l.startsWith('#'))!.split(',')).toContain('fit_eps');
    // Refusals: a timed file, three of ε, u, N, an unknown fit in the export.
    const timed = await call<Res<'lab.open'>>('lab.open', upload('t.csv', vacuumCsv(100, 1, [0, 1])));
    expect((await refusal(sb.handlers, 'lab.fit', { job: 'g', handle: timed!.handle, kappa: 0.5, free: ['eps'], initial: { N: 1, eps: 0.5, delta: -2, u: 1 } })).field).toBe('handle');
    expect((await refusal(sb.handlers, 'lab.fit', { job: 'g', handle: o!.handle, kappa: 0.5, free: ['eps', 'u', 'N'], initial: { N: 1, eps: 0.5, delta: -2, u: 1 } })).field).toBe('free');
    expect((await refusal(sb.handlers, 'lab.export', { job: 'a', fit: 'none' })).field).toBe('fit');
  }, 120_000);
});
