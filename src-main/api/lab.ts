/**
 * The window's lab (issue 14): heterodyne outcomes in, estimates with error bars out, beside a Kerr model. The same
 * engine and the same readers as `epstudio heterodyne` (src-core/lab/analysis.ts, src-main/io/samples.ts, the CLI's
 * pool bootstrap and JSON/CSV layout in src-main/cli/commands/labRun.ts); here the full-data fit also runs on the pool
 * (workers/labWorker.ts), so the main thread (and every other request of the window) is never held up by it.
 *
 * Files reach the main side as an upload (browser host), a path the user picked in the native open dialog (Electron),
 * or a path inside the allowed folders (access.ts); they are read once and kept in memory under a handle. Plain Node:
 * no 'electron' import.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { MIN_OUTCOMES, STATE_QUANTITIES, stateQuantities, summarizeHeterodyne, type Estimate, type HeterodyneAnalysis, type HeterodyneFit, type HeterodyneOptions } from '../../src-core/lab/analysis.js';
import { polarBins } from '../../src-core/lab/heterodyneBins.js';
import { lossChannel } from '../../src-core/lab/loss.js';
import { validateKerrParams } from '../../src-core/kerr/model.js';
import { nessDensityMatrix } from '../../src-core/kerr/steadyState.js';
import { propagateInterval } from '../../src-core/kerr/propagate.js';
import type { ComplexMatrix } from '../../src-core/linalg/complexMatrix.js';
import { chooseK, topPopulation } from '../../src-core/kerr/truncation.js';
import { husimiImage, type PhaseGrid } from '../../src-core/phaseSpace/image.js';
import { ParameterError, quoteValue } from '../../src-core/validation.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { toCsv, type CsvCell } from '../io/csv.js';
import { newExportDir, writeUnique } from '../io/exportFiles.js';
import { nowIso, provenanceMeta, type Provenance } from '../io/provenance.js';
import { readOutcomes, type Outcomes } from '../io/samples.js';
import { JobError, WorkerPool } from '../jobs/pool.js';
import { VERSION } from '../version.js';
import { analysisJson, csvColumns, csvRow, FIT_CSV_COLUMNS, fitCsvRow, kerrFitJson, LAB_WORKER, planning, poolBootstrap, subset, timeBins } from '../cli/commands/labRun.js';
import type { Job } from '../../workers/protocol.js';
import type { KerrFitJob, LabFitJob, LabFitResult } from '../../workers/labWorker.js';
import { MODEL_QUANTITIES, type KerrFitResult } from '../../src-core/lab/fitKerr.js';
import type { FolderAccess } from './access.js';
import { ApiError, type LabEventMsg, type Method, type parseRequest, type PushEvent, type Res } from './contract.js';
import type { DialogPort } from './handlers.js';

type LabMethod = Extract<Method, `lab.${string}`>;
export type LabImpl = { [M in LabMethod]: (p: ReturnType<typeof parseRequest<M>>) => Promise<Res<M>> };

export interface LabContext {
  access: FolderAccess;
  /** Real path of the exports root (the browser host's exports land below it). */
  exportsRoot: string;
  dialogs?: DialogPort;
  emit(e: PushEvent): void;
  workers?: number;
}

/** Opened files kept in memory (10⁶ outcomes with t: 24 MB each); the oldest is dropped beyond this. */
const MAX_HANDLES = 4;
/** Finished analyses kept for lab.plan and lab.export. */
const MAX_RESULTS = 8;

type ModelP = { N: number; eps: number; delta: number; u: number; kappa: number };

interface Opened {
  name: string;
  data: Outcomes;
  bytes: number;
  sha256: string;
}

interface Finished {
  file: Opened;
  opts: HeterodyneOptions & { eta: number; bootstrap: number; knn: number; seed: number };
  timed: boolean;
  bins: { t: number; tMin: number; tMax: number; a: HeterodyneAnalysis }[];
}

/** CLI flag names in the readers' and the engine's errors, as the window's fields. */
function windowField(field: string): string {
  return field.replace(/^--samples\b/, 'file').replace(/^--columns\b/, 'columns').replace(/^--time-bins\b/, 'timeBins').replace(/^samples\b/, 'file');
}

function asApiError(e: unknown): unknown {
  if (e instanceof ParameterError) {
    const field = windowField(e.field);
    return new ApiError({ message: `${field}${e.message.slice(e.message.indexOf(':'))}`, field, allowed: e.allowed });
  }
  return e;
}

/** A finite number or null (no NaN or ±Inf crosses the wire or reaches a file). */
const fin = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const est = (e: Estimate | null | undefined) => (e ? { value: fin(e.value), sigma: fin(e.sigma) } : null);

/**
 * One square μ box, centred on the origin as in the phase-space viewer, holding 99.9 % of the outcomes plus a margin:
 * the histograms and the Q images share it (and with it one colour scale).
 */
export function labGrid(re: Float64Array, im: Float64Array, pixels: number): PhaseGrid {
  const m = new Float64Array(re.length);
  for (let i = 0; i < re.length; i++) m[i] = Math.max(Math.abs(re[i]), Math.abs(im[i]));
  m.sort();
  const q = m[Math.min(m.length - 1, Math.floor(0.999 * m.length))];
  const R = Math.max(2.5, Math.ceil(2 * (q + 0.75)) / 2);
  return { xMin: -R, xMax: R, yMin: -R, yMax: R, nx: pixels, ny: pixels };
}

/** Outcome density on n × n cells covering the grid's box: counts / (M · cell area), row 0 at yMin. */
export function outcomeHistogram(re: Float64Array, im: Float64Array, g: PhaseGrid, n: number): Float64Array {
  const h = new Float64Array(n * n);
  const wx = (g.xMax - g.xMin) / n, wy = (g.yMax - g.yMin) / n;
  for (let i = 0; i < re.length; i++) {
    const c = Math.floor((re[i] - g.xMin) / wx), r = Math.floor((im[i] - g.yMin) / wy);
    if (c >= 0 && c < n && r >= 0 && r < n) h[r * n + c]++;
  }
  const norm = 1 / (re.length * wx * wy);
  for (let i = 0; i < h.length; i++) h[i] *= norm;
  return h;
}

/** Base64 text as bytes; refused (naming the field) when it is not base64. */
function decodeBase64(s: string): Buffer {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new ApiError({ message: 'upload.data: the file as base64 text', field: 'upload.data', allowed: 'base64' });
  return Buffer.from(s, 'base64');
}

export function createLabHandlers(ctx: LabContext): { impl: LabImpl; shutdown(): Promise<void>; idle(): Promise<void> } {
  const handles = new Map<string, Opened>();
  const results = new Map<string, Finished>();
  const fits = new Map<string, { file: Opened; r: KerrFitResult }>();
  const running = new Map<string, { cancel(): void; done: Promise<unknown> }>();
  let nextHandle = 1;
  const emit = (e: LabEventMsg) => ctx.emit({ channel: 'lab', event: e });

  const keep = <V>(m: Map<string, V>, k: string, v: V, max: number) => {
    m.delete(k);
    m.set(k, v);
    while (m.size > max) m.delete(m.keys().next().value!);
  };

  /** Read a file with the CLI's readers; errors name the window's fields. */
  async function read(path: string, name: string, dataset: string | undefined, columns: string | undefined): Promise<Opened> {
    const h5 = /\.(h5|hdf5|he5)$/i.test(name);
    if (dataset !== undefined && !h5) throw new ApiError({ message: 'dataset: only for an HDF5 file (.h5, .hdf5, .he5)', field: 'dataset' });
    if (h5 && dataset === undefined) throw new ApiError({ message: 'dataset: the path of the outcomes inside the HDF5 file, e.g. /outcomes', field: 'dataset', allowed: 'an HDF5 dataset path' });
    const bytes = readFileSync(path);
    let data: Outcomes;
    try {
      data = await readOutcomes(dataset !== undefined ? `${path}:${dataset}` : path, { columns });
    } catch (e) {
      throw asApiError(e);
    }
    data.source.file = dataset !== undefined ? `${name}:${dataset}` : name;
    return { name, data, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /** A file the API may read: inside the allowed folders (symlinks resolved), a regular file. */
  function allowedFile(p: string): string {
    if (!isAbsolute(p)) throw new ApiError({ message: `path: got ${quoteValue(p)}; allowed: an absolute path of a file inside the data folder or a folder you picked`, field: 'path' });
    const parent = ctx.access.folder(dirname(resolve(p)), 'path');
    const file = join(parent, basename(resolve(p)));
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      throw new ApiError({ message: `path: no such file ${quoteValue(p)}`, field: 'path' });
    }
    if (!ctx.access.allowsReal(real) || !lstatSync(real).isFile())
      throw new ApiError({ message: `path: got ${quoteValue(p)}; allowed: a file inside the data folder or a folder you picked`, field: 'path' });
    return real;
  }

  async function analyze(p: ReturnType<typeof parseRequest<'lab.analyze'>>, signal: Promise<never>): Promise<Res<'lab.analyze'>> {
    const file = handles.get(p.handle);
    if (!file) throw new ApiError({ message: `handle: no open file ${quoteValue(p.handle)} (open it again: the window keeps the last ${MAX_HANDLES})`, field: 'handle' });
    const t0 = performance.now();
    const d = file.data;
    const opts = {
      eta: p.efficiency ?? 1, kappa: p.kappa, U: p.U, bootstrap: p.bootstrap ?? 200, knn: p.knn ?? 1, seed: p.seed ?? 1,
    };
    let groups: { t: number; tMin: number; tMax: number; idx: Int32Array | null }[];
    try {
      if (p.timeBins !== undefined && !d.t) throw new ParameterError('timeBins', 'only for outcomes with a t column', p.timeBins);
      groups = d.t ? timeBins(d.t, p.timeBins) : [{ t: NaN, tMin: NaN, tMax: NaN, idx: null }];
    } catch (e) {
      throw asApiError(e);
    }
    for (const g of groups) {
      const M = g.idx ? g.idx.length : d.re.length;
      if (M < MIN_OUTCOMES)
        throw new ApiError({ message: `file: ${Number.isFinite(g.t) ? `the time bin t = ${+g.t.toPrecision(6)} holds` : 'the file holds'} ${M} outcomes; allowed: at least ${MIN_OUTCOMES} per analysis${d.t ? ' (fewer, wider time bins)' : ''}`, field: Number.isFinite(g.t) ? 'timeBins' : 'file' });
    }
    const grid = labGrid(d.re, d.im, p.pixels ?? 64);
    const smallest = Math.min(...groups.map((g) => (g.idx ? g.idx.length : d.re.length)));
    // About 8 outcomes per cell at the smallest bin: a histogram of the data, not of its noise.
    const hist = Math.max(16, Math.min(grid.nx, Math.round(Math.sqrt(smallest / 8))));
    const workers = Math.max(1, Math.min(ctx.workers ?? availableParallelism(), 64));
    const pool = new WorkerPool(workers, LAB_WORKER);
    const race = <T>(x: Promise<T>) => Promise.race([x, signal]);
    const bins: Finished['bins'] = [];
    const out: Res<'lab.analyze'>['bins'] = [];
    try {
      for (const [b, g] of groups.entries()) {
        const x = g.idx ? subset(d.re, g.idx) : d.re.slice(), y = g.idx ? subset(d.im, g.idx) : d.im.slice();
        const H = outcomeHistogram(x, y, grid, hist);
        emit({ job: p.job, stage: 'fit', bin: b + 1, bins: groups.length, done: 0, total: opts.bootstrap });
        const fitJob: LabFitJob = { op: 'heterodyne-fit', re: x, im: y, opts: { eta: opts.eta, kappa: opts.kappa, U: opts.U, knn: opts.knn, seed: opts.seed }, grid };
        let r: LabFitResult;
        try {
          r = await race(pool.run<LabFitResult>(fitJob as unknown as Job, { transfer: [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer] }));
        } catch (e) {
          // The engine's refusals (too many Fock levels …) name the time bin they come from.
          if (e instanceof JobError && Number.isFinite(g.t)) throw new ApiError({ message: `time bin t = ${+g.t.toPrecision(6)}: ${e.message}`, field: 'file' });
          throw e;
        }
        const fit: HeterodyneFit = { ...r.fit, opts, bins: polarBins(r.fit.K, r.fit.maxAbs) };
        let last = 0;
        const boot =
          opts.bootstrap > 0
            ? await race(
                poolBootstrap(pool, fit, opts.bootstrap, opts, (done) => {
                  const now = performance.now();
                  if (done === opts.bootstrap || now - last > 200) {
                    last = now;
                    emit({ job: p.job, stage: 'bootstrap', bin: b + 1, bins: groups.length, done, total: opts.bootstrap });
                  }
                }),
              )
            : new Map();
        const a = summarizeHeterodyne(fit, boot, opts.bootstrap);
        bins.push({ t: g.t, tMin: g.tMin, tMax: g.tMax, a });
        const estimates: Record<string, ReturnType<typeof est>> = {
          a_re_knn: est(a.modelFree.a_re), a_im_knn: est(a.modelFree.a_im), n_knn: est(a.modelFree.n), S_W_knn: est(a.modelFree.S_W),
        };
        for (const q of STATE_QUANTITIES) estimates[q] = est(a.tomography.quantities[q]);
        out.push({
          t: fin(g.t), tMin: fin(g.tMin), tMax: fin(g.tMax), M: a.M,
          histogram: Array.from(H), Q: Array.from(r.Q),
          K: a.tomography.K, topPopulation: a.tomography.topPopulation, converged: a.tomography.converged,
          estimates,
          comparison: { knn: est(a.modelFree.S_W), tomography: est(a.tomography.quantities.S_W_detected), agree: a.comparison.agree, statement: a.comparison.statement },
          warnings: a.warnings,
        });
      }
    } finally {
      await pool.destroy();
    }
    keep(results, p.job, { file, opts, timed: d.t !== undefined, bins }, MAX_RESULTS);
    emit({ job: p.job, stage: 'done', bin: groups.length, bins: groups.length, done: opts.bootstrap, total: opts.bootstrap });
    return {
      job: p.job, M: d.re.length, efficiency: opts.eta, kappa: opts.kappa ?? null, U: opts.U ?? null, bootstrap: opts.bootstrap,
      seconds: (performance.now() - t0) / 1000, grid, hist, bins: out,
    };
  }

  /** A job the window can cancel: `signal` rejects on lab.cancel (the pool is then destroyed by the job's finally). */
  async function track<T>(job: string, method: string, run: (signal: Promise<never>) => Promise<T>): Promise<T> {
    if (running.has(job)) throw new ApiError({ message: `job: ${quoteValue(job)} is running (cancel it or use a new name)`, field: 'job' });
    let cancel!: () => void;
    const signal = new Promise<never>((_, fail) => (cancel = () => fail(new ApiError({ message: `${method}: cancelled`, field: 'job' }))));
    signal.catch(() => undefined);
    let cancelled = false;
    const done = run(signal);
    running.set(job, { cancel: () => ((cancelled = true), cancel()), done });
    try {
      return await done;
    } catch (e) {
      emit({ job, stage: cancelled ? 'cancelled' : 'failed', bin: 0, bins: 0, done: 0, total: 0 });
      throw e;
    } finally {
      running.delete(job);
    }
  }

  /** The Kerr NESS fit on one worker of its own (fitKerr.ts), with progress; the result is kept for lab.export. */
  async function fitModel(p: ReturnType<typeof parseRequest<'lab.fit'>>, signal: Promise<never>): Promise<Res<'lab.fit'>> {
    const file = handles.get(p.handle);
    if (!file) throw new ApiError({ message: `handle: no open file ${quoteValue(p.handle)} (open it again: the window keeps the last ${MAX_HANDLES})`, field: 'handle' });
    if (file.data.t) throw new ApiError({ message: 'handle: the Kerr NESS fit is for steady-state outcomes (this file has a t column)', field: 'handle' });
    if (p.free.includes('eps') && p.free.includes('u') && p.free.includes('N'))
      throw new ApiError({ message: 'free: at most two of eps, u, N (the state depends on E = √N ε and U = u/N only)', field: 'free' });
    if (new Set(p.free).size !== p.free.length) throw new ApiError({ message: 'free: each parameter once', field: 'free' });
    if (file.data.re.length < MIN_OUTCOMES) throw new ApiError({ message: `handle: ${file.data.re.length} outcomes; allowed: at least ${MIN_OUTCOMES}`, field: 'handle' });
    const eta = p.efficiency ?? 1;
    // The ML state of the same outcomes (same η), when the window names the analysis: the fit compares likelihoods.
    const ana = p.analysis !== undefined ? results.get(p.analysis) : undefined;
    const rho = ana && ana.file === file && ana.opts.eta === eta ? ana.bins[0].a.tomography.rho : undefined;
    const t0 = performance.now();
    const job: KerrFitJob = {
      op: 'kerr-fit', re: file.data.re.slice(), im: file.data.im.slice(), kappa: p.kappa, efficiency: eta, free: p.free,
      initial: { N: p.initial.N, delta: p.initial.delta, u: p.initial.u, ...(p.free.includes('eps') ? {} : { eps: p.initial.eps }) },
      ...(rho && { reference: { K: rho.K, re: rho.re.slice(), im: rho.im.slice() } }),
    };
    const pool = new WorkerPool(1, LAB_WORKER);
    let r: KerrFitResult;
    try {
      let last = 0;
      r = await Promise.race([
        pool.run<KerrFitResult>(job as unknown as Job, {
          transfer: [job.re.buffer as ArrayBuffer, job.im.buffer as ArrayBuffer],
          onProgress: ({ done, total }) => {
            const now = performance.now();
            if (now - last > 200 || done === total) {
              last = now;
              emit({ job: p.job, stage: 'model-fit', bin: 1, bins: 1, done, total });
            }
          },
        }),
        signal,
      ]);
    } catch (e) {
      // The engine's refusals (an unidentifiable set, a start outside the rules …) keep their message.
      if (e instanceof JobError) throw new ApiError({ message: `lab.fit: ${e.message}`, field: 'free' });
      throw e;
    } finally {
      await pool.destroy();
    }
    keep(fits, p.job, { file, r }, MAX_RESULTS);
    emit({ job: p.job, stage: 'done', bin: 1, bins: 1, done: 1000, total: 1000 });
    return {
      job: p.job,
      params: r.params,
      sigma: Object.fromEntries(Object.entries(r.sigma).map(([k, v]) => [k, fin(v)])),
      free: r.free,
      logLikelihood: fin(r.logLikelihood),
      iterations: r.iterations,
      converged: r.converged,
      K: r.K,
      topPopulation: r.topPopulation,
      model: Object.fromEntries(MODEL_QUANTITIES.map((q) => [q, { value: fin(r.model[q]), sigma: fin(r.modelSigma[q]) }])),
      goodnessOfFit: { chi2: fin(r.goodnessOfFit.chi2), dof: r.goodnessOfFit.dof, pValue: fin(r.goodnessOfFit.pValue), statement: r.goodnessOfFit.statement },
      errorMethod: r.errorMethod,
      warnings: r.warnings,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  function finished(job: string): Finished {
    const f = results.get(job);
    if (!f) throw new ApiError({ message: `job: no finished analysis ${quoteValue(job)} (run the analysis first)`, field: 'job' });
    return f;
  }

  /** K by the studies' truncation rule (NESS at ε, or the quench ε_i → ε with its mean-field transient up to tMax). */
  function modelK(m: ModelP, quench?: { epsInitial: number; tMax: number }): number {
    try {
      // the engine's own rules as well (the contract states them too): no model reaches the solvers outside them
      validateKerrParams(m);
      return chooseK(m, quench ? [quench.epsInitial, m.eps] : [m.eps], { maxK: 120, ...(quench && { quenchTime: quench.tMax }) }).K;
    } catch (e) {
      throw asApiError(e instanceof ParameterError ? new ParameterError(`model.${e.field}`, e.allowed, e.value) : e);
    }
  }

  /** Exact values of a model state (U = u/N for Π_U), finite or null. */
  const valuesOf = (rho: ComplexMatrix, m: ModelP, eta: number) =>
    Object.fromEntries(Object.entries(stateQuantities(rho, eta, m.kappa, m.u / m.N)).map(([k, x]) => [k, fin(x)])) as Record<string, number | null>;

  /**
   * The model's states with their exact values (and Q on `grid`): the NESS at ε, or with `quench` the state at each time
   * after ε_i → ε, from the NESS at ε_i by the engine's propagator (seed 000 Sec. IV A).
   */
  function modelStates(m: ModelP, eta: number, quench: { epsInitial: number; times: number[] } | undefined, grid?: PhaseGrid) {
    const K = modelK(m, quench && { epsInitial: quench.epsInitial, tMax: quench.times[quench.times.length - 1] });
    const states: { t: number; values: Record<string, number | null>; topPopulation: number; Q?: number[] }[] = [];
    const add = (rho: ComplexMatrix, t: number) =>
      states.push({ t, values: valuesOf(rho, m, eta), topPopulation: Math.abs(topPopulation(rho, 2)), ...(grid && { Q: detectedQ(rho, eta, grid) }) });
    if (!quench) add(nessDensityMatrix(m, K), NaN);
    else {
      let rho = nessDensityMatrix({ ...m, eps: quench.epsInitial }, K);
      let now = 0;
      for (const t of quench.times) {
        if (t > now) rho = propagateInterval(rho, m, t - now);
        now = t;
        add(rho, t);
      }
    }
    return { K, states };
  }

  /** Q of E_η(ρ) on the grid (what the detector sees), finite. */
  const detectedQ = (rho: ComplexMatrix, eta: number, g: PhaseGrid) =>
    Array.from(husimiImage(eta === 1 ? rho : lossChannel(rho, eta), { ...g, arrows: { nx: 2, ny: 2 } }).Q, (v) => fin(v) ?? 0);

  const impl: LabImpl = {
    'lab.open': async (p) => {
      let opened: Opened;
      if (p.upload) {
        const bytes = decodeBase64(p.upload.data);
        // The readers take a path: the upload is written to a private temporary folder, read, and removed.
        const tmp = mkdtempSync(join(tmpdir(), 'epstudio-lab-'));
        try {
          const path = join(tmp, p.upload.name);
          writeFileAtomic(path, bytes);
          opened = await read(path, p.upload.name, p.dataset, p.columns);
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      } else {
        let path: string;
        if (p.path !== undefined) path = allowedFile(p.path);
        else if (ctx.dialogs?.openFile) {
          const picked = await ctx.dialogs.openFile(ctx.exportsRoot, 'Open heterodyne outcomes');
          if (!picked) return null;
          // The user picked this one file in the native dialog: it may be read (nothing else is granted).
          path = realpathSync(picked);
        } else throw new ApiError({ message: 'upload: no file dialog here (browser host): upload the file', field: 'upload' });
        opened = await read(path, basename(path), p.dataset, p.columns);
      }
      const handle = `h${nextHandle++}`;
      keep(handles, handle, opened, MAX_HANDLES);
      const d = opened.data;
      return {
        handle, name: opened.data.source.file, format: d.source.format, rows: d.source.rows, columns: d.source.columns,
        bytes: opened.bytes, sha256: opened.sha256, hasTime: d.t !== undefined, times: d.t ? new Set(d.t).size : 0,
      };
    },
    'lab.analyze': async (p) => track(p.job, 'lab.analyze', (signal) => analyze(p, signal)),
    'lab.fit': async (p) => track(p.job, 'lab.fit', (signal) => fitModel(p, signal)),
    'lab.cancel': async (p) => {
      const r = running.get(p.job);
      if (!r) return { cancelled: false };
      r.cancel();
      await r.done.catch(() => undefined);
      return { cancelled: true };
    },
    'lab.model': async (p) => {
      const eta = p.efficiency ?? 1;
      const r = modelStates(p.model, eta, p.quench, p.grid);
      const first = r.states[0];
      return {
        K: r.K, Q: first.Q!, values: first.values, topPopulation: Math.max(...r.states.map((x) => x.topPopulation)),
        ...(p.quench && { times: r.states.map((x) => ({ t: x.t, Q: x.Q!, values: x.values, topPopulation: x.topPopulation })) }),
      };
    },
    'lab.plan': async (p) => {
      const f = finished(p.job);
      return {
        rule: 'σ ∝ 1/√M: M_needed = M (σ/σ_target)², from the bootstrap σ measured at M outcomes',
        bins: f.bins.map(({ t, a }) => {
          // Beyond 2^53 outcomes (a target σ far too small) the count is no number the window can show: null.
          const plan = planning(a, p.target)!;
          return {
            t: fin(t), M: a.M,
            rows: [
              { quantity: 'S_W (k-NN)', sigma: fin(a.modelFree.S_W.sigma), M_needed: fin(plan.M_for_S_W_knn) },
              { quantity: 'S_W (tomography)', sigma: fin(a.tomography.quantities.S_W?.sigma), M_needed: fin(plan.M_for_S_W_tomography) },
              { quantity: 'Π_J', sigma: fin(a.tomography.quantities.Pi_J?.sigma), M_needed: fin(plan.M_for_Pi_J) },
            ],
          };
        }),
      };
    },
    'lab.export': async (p) => {
      const f = finished(p.job);
      const stem = f.file.name.replace(/[:/].*$/, '').replace(/\.[A-Za-z0-9]+$/, '').replace(/[^\w.-]+/g, '_').replace(/^[._-]+/, '').slice(0, 60) || 'outcomes';
      let dir: string;
      if (ctx.dialogs) {
        const d = await ctx.dialogs.chooseDir(join(ctx.exportsRoot, `lab-${stem}`), 'lab analysis');
        if (!d) return null;
        if (existsSync(d) && (!statSync(d).isDirectory() || readdirSync(d).length > 0))
          throw new ApiError({ message: `dir: not a new or empty folder: ${quoteValue(d)} (an export set gets a folder of its own)`, field: 'dir' });
        mkdirSync(d, { recursive: true });
        // The user named this folder in the native dialog: allowed from now on.
        dir = ctx.access.grant(d);
      } else dir = newExportDir(ctx.exportsRoot, `lab-${stem}`);
      if (p.quench && !f.timed) throw new ApiError({ message: 'quench: only for time-resolved outcomes (a t column)', field: 'quench' });
      // The same bound as lab.model's times: the propagation stays short.
      if (p.quench && f.bins.some((b) => b.t > 100)) throw new ApiError({ message: 'quench: time bins up to t = 100 (the model is propagated to each)', field: 'quench' });
      const fit = p.fit !== undefined ? fits.get(p.fit) : undefined;
      if (p.fit !== undefined && !fit) throw new ApiError({ message: `fit: no finished Kerr fit ${quoteValue(p.fit)}`, field: 'fit' });
      if (fit && fit.file !== f.file) throw new ApiError({ message: 'fit: a fit of another file than the analysis', field: 'fit' });
      const model = p.model ? modelStates(p.model, f.opts.eta, p.quench && { epsInitial: p.quench.epsInitial, times: f.bins.map((b) => b.t) }) : undefined;
      const src = f.file.data.source;
      const columns = [...csvColumns(f.timed), ...(model ? STATE_QUANTITIES.map((q) => `${q}_model`) : []), ...(fit ? FIT_CSV_COLUMNS : [])];
      const rec: Provenance = {
        command: `EP Studio ${VERSION} window: lab analysis (epstudio heterodyne engine)`,
        appVersion: VERSION,
        date: nowIso(),
        ...(model && { model: { kappa: p.model!.kappa, delta: p.model!.delta, u: p.model!.u }, N: [p.model!.N], K: String(model.K), ...(p.quench && { epsInitial: [p.quench.epsInitial], epsFinal: [p.model!.eps] }) }),
        extra: {
          samples: src.file, samples_sha256: f.file.sha256, samples_bytes: f.file.bytes, format: src.format, samples_columns: src.columns, rows: src.rows,
          efficiency: f.opts.eta, kappa_analysis: f.opts.kappa ?? 'not given', U_analysis: f.opts.U ?? 'not given',
          bootstrap: f.opts.bootstrap, knn: f.opts.knn, seed: f.opts.seed,
          ...(model && { model_eps: p.model!.eps, model_U: p.model!.u / p.model!.N, model_columns: p.quench ? 'exact values of the model after the quench at each bin t (engine propagator from the NESS at eps_initial); S_W_detected_model of E_η(ρ)' : 'exact values of the model NESS (engine Fock solve); S_W_detected_model of E_η(ρ)' }),
          conventions: 'outcomes μ in units of the field amplitude (vacuum density e^{−|μ|²}/π); rates in nat·ω₀ (ω₀: the unit κ is given in); entropies in nat; σ: bootstrap standard deviation (tomography); subsampling (k-NN); standard error of the mean (moments)',
        },
      };
      const rows: CsvCell[][] = f.bins.map((b, i) => [
        ...(f.timed ? [b.t, b.tMin, b.tMax] : []),
        ...csvRow(b.a),
        ...(model ? STATE_QUANTITIES.map((q) => model.states[p.quench ? i : 0].values[q]) : []),
        ...(fit ? fitCsvRow(fit.r) : []),
      ]);
      const csv = toCsv({ meta: provenanceMeta(rec), columns, rows });
      const json = {
        provenance: provenanceMeta(rec),
        ...(f.timed
          ? { time_bins: f.bins.map((b) => ({ t: b.t, t_min: b.tMin, t_max: b.tMax, ...analysisJson(b.a) })) }
          : { ...analysisJson(f.bins[0].a), ...(fit && { kerr_fit: kerrFitJson(fit.r, f.bins[0].a) }) }),
        ...(model && {
          model: {
            ...p.model, U: p.model!.u / p.model!.N, K: model.K,
            ...(p.quench
              ? { eps_initial: p.quench.epsInitial, quench: 'NESS at eps_initial; pump switched to eps at t = 0', times: model.states.map((x) => ({ t: x.t, top_population: x.topPopulation, values: x.values })) }
              : { top_population: model.states[0].topPopulation, values: model.states[0].values }),
          },
        }),
      };
      const files = [writeUnique(dir, 'heterodyne.csv', csv), writeUnique(dir, 'heterodyne.json', JSON.stringify(json, null, 1) + '\n')];
      return { dir, files };
    },
  };

  return {
    impl,
    async shutdown() {
      for (const r of running.values()) r.cancel();
      await Promise.all([...running.values()].map((r) => r.done.catch(() => undefined)));
    },
    async idle() {
      await Promise.all([...running.values()].map((r) => r.done.catch(() => undefined)));
    },
  };
}
