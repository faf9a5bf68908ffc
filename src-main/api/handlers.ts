/**
 * The main-side implementation of the API contract, shared by Electron IPC (src-main/electron/ipc.ts) and the browser
 * host (src-main/host/server.ts). Every call goes through `dispatch`, which validates the request with the contract's
 * schema first. Plain Node: no 'electron' import here (tests and the browser host load this file).
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ParameterError, quoteField, quoteValue } from '../../src-core/validation.js';
import { checkFileName, FolderAccess } from './access.js';
import { getPreset, presetNames } from '../studies/presets.js';
import { describeTasks, modeNumbers } from '../studies/summary.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { chartCsv } from '../io/chartCsv.js';
import { newExportDir, runLabel, writeUnique } from '../io/exportFiles.js';
import { nowIso } from '../io/provenance.js';
import { addPngText } from '../io/pngText.js';
import { VERSION } from '../version.js';
import { ApiError, parseRequest, type ApiErrorBody, type Method, type PushEvent, type Res } from './contract.js';
import type { StudyEvent, TaskInfo } from './events.js';
import * as service from '../studies/service.js';
import type { StudyHandle, StudyStatus } from '../studies/service.js';
import type { ComplexMatrix } from '../../src-core/linalg/complexMatrix.js';
import type { KerrParams } from '../../src-core/kerr/model.js';
import { nessDensityMatrix } from '../../src-core/kerr/steadyState.js';
import { propagateInterval } from '../../src-core/kerr/propagate.js';
import { chooseK, guardTruncation } from '../../src-core/kerr/truncation.js';
import { husimiImage } from '../../src-core/phaseSpace/image.js';
import { wignerImage } from '../../src-core/phaseSpace/wigner.js';
import { photonStats } from '../../src-core/phaseSpace/photonStats.js';
import { planQuench } from '../../src-core/kerr/quench.js';
import { ModelRuns } from './modelRuns.js';
import { expandSpec, parseSpec } from '../studies/spec.js';
import { createLabHandlers } from './lab.js';

// ---- phase-space frames: ρ(t) after the quench, Q(μ) and J(μ) on a Cartesian grid (main side, never the UI thread) ----

type QuenchP = ReturnType<typeof parseRequest<'phaseSpace.frame'>>['params'];
type GridP = ReturnType<typeof parseRequest<'phaseSpace.frame'>>['grid'];

/** Most seconds of propagation one phaseSpace.frame request may ask for. */
const FRAME_BUDGET_S = 10;
/** Most seconds of propagation one phaseSpace.export request may ask for (all its times together). */
const EXPORT_BUDGET_S = 120;

/**
 * Seconds to propagate ρ over `dt` at truncation K with the Taylor method (src-core/kerr/propagate.ts): substeps of
 * τ‖L‖ = 5 with ~7 applications of L each, one application ≈ 5 ns per matrix element (measured there: 19 µs at
 * K = 61) plus a fixed cost. ‖L‖ from the same row-sum bound: |h_m − h_n| ≤ |δ|K + U K²/2, decay and jump ≤ 4κK, drive ≤ 4|E|√K.
 */
function propagationSeconds(p: KerrParams, K: number, dt: number): number {
  const U = p.u / p.N;
  const E = Math.sqrt(p.N) * p.eps;
  const normL = Math.abs(p.delta) * K + 0.5 * U * K * K + 4 * p.kappa * K + 4 * E * Math.sqrt(K);
  const applications = Math.ceil((dt * normL) / 5) * 7;
  // Plus ~3 µs of fixed cost per application, which dominates at small K (measured 3.4 µs at K = 13).
  return applications * (K * K * 5e-9 + 3e-6);
}

/**
 * Caches ρ(t) per quench so that scrubbing and playing only propagate forward from the nearest earlier state
 * (propagateInterval is deterministic: ρ(t) does not depend on the path of cached times beyond round-off of the
 * adaptive steps).
 */
class PhaseSpaceFrames {
  private key = '';
  private K = 0;
  private states: { t: number; rho: ComplexMatrix }[] = [];

  private reset(p: QuenchP) {
    const key = JSON.stringify(p);
    if (key === this.key) return;
    const at = (eps: number): KerrParams => ({ kappa: p.kappa, delta: p.delta, u: p.u, eps, N: p.N });
    // The same truncation rule as the study's quench tasks (NESS at ε_i and ε_f plus the mean-field transient).
    this.K = chooseK({ kappa: p.kappa, delta: p.delta, u: p.u, N: p.N }, [p.epsInitial, p.epsFinal], { quenchTime: p.tMax, maxK: 160 }).K;
    // Step 1 of the seed's protocol (Sec. IV A): start from the NESS of the initial Liouvillian.
    this.states = [{ t: 0, rho: nessDensityMatrix(at(p.epsInitial), this.K) }];
    this.key = key;
  }

  /** Estimated seconds of propagation to reach t from the nearest cached state. */
  secondsTo(p: QuenchP, t: number): number {
    this.reset(p);
    let i = this.states.length - 1;
    while (i > 0 && this.states[i].t > t) i--;
    return propagationSeconds({ kappa: p.kappa, delta: p.delta, u: p.u, eps: p.epsFinal, N: p.N }, this.K, Math.max(0, t - this.states[i].t));
  }

  private stateAt(p: QuenchP, t: number): ComplexMatrix {
    this.reset(p);
    const after = { kappa: p.kappa, delta: p.delta, u: p.u, eps: p.epsFinal, N: p.N };
    let i = this.states.length - 1;
    while (i > 0 && this.states[i].t > t) i--;
    let cur = this.states[i];
    if (cur.t < t - 1e-12) {
      // One request must not keep the main side (and every other client) busy for minutes: estimate the Taylor
      // propagator's work from its norm bound and refuse beyond FRAME_BUDGET_S; scrubbing forward in steps still works.
      const est = propagationSeconds(after, this.K, t - cur.t);
      if (est > FRAME_BUDGET_S)
        throw new ParameterError('t', `a time reachable within ~${FRAME_BUDGET_S} s of computing from t = ${cur.t} (this step would take ~${est.toPrecision(2)} s; step forward in smaller increments or lower N, |δ| or u)`, t);
      cur = { t, rho: propagateInterval(cur.rho, after, t - cur.t) };
      this.states.splice(i + 1, 0, cur);
      // At most ~200 MB of cached states (16 K² bytes each), never fewer than 50.
      if (this.states.length > Math.max(50, Math.floor(2e8 / (16 * this.K * this.K)))) this.states.splice(1, 1);
    }
    // The studies' guard: no frame from a basis too small for the state (PHYSICS.md "Truncation").
    guardTruncation(cur.rho, { where: `phase-space frame at t = ${t}` });
    return cur.rho;
  }

  frame(p: QuenchP, t: number, g: GridP, wigner = false) {
    const rho = this.stateAt(p, t);
    const img = husimiImage(rho, { ...g, kappa: p.kappa, arrows: { nx: 21, ny: 21 } });
    const ps = photonStats(rho);
    const w = wigner ? wignerImage(rho, g) : undefined;
    return {
      t,
      K: this.K,
      nx: g.nx,
      ny: g.ny,
      Q: Array.from(img.Q),
      Jx: Array.from(img.Jx),
      Jy: Array.from(img.Jy),
      arrows: img.arrows,
      P: Array.from(ps.P),
      n: ps.n,
      g2: Number.isFinite(ps.g2) ? ps.g2 : null,
      ...(w ? { W: Array.from(w.W), Wmin: w.min, Wmax: w.max } : {}),
    };
  }

  /** P(n) and g²(0) at t_k = k·Δt (the engine's sample times: planQuench checks Δt divides t_max). */
  photonSeries(p: QuenchP, dt: number) {
    const plan = planQuench({ ...p, dt, K: 2 });
    const out = { K: 0, t: [] as number[], P: [] as number[][], n: [] as number[], g2: [] as (number | null)[] };
    for (const t of plan.times) {
      const s = photonStats(this.stateAt(p, t));
      out.t.push(t);
      out.P.push(Array.from(s.P));
      out.n.push(s.n);
      out.g2.push(Number.isFinite(s.g2) ? s.g2 : null);
    }
    out.K = this.K;
    return out;
  }
}

/** Native dialogs (Electron only). Each returns null when the user cancels. */
export interface DialogPort {
  openStudyDir(defaultPath: string): Promise<string | null>;
  saveStudyDir(defaultPath: string): Promise<string | null>;
  saveFile(defaultPath: string, extension: string): Promise<string | null>;
  chooseDir(defaultPath: string, purpose: string): Promise<string | null>;
  /** Pick one file to read (the lab's outcomes); optional so that ports without it fall back to uploads. */
  openFile?(defaultPath: string, title: string): Promise<string | null>;
}

export interface HandlerContext {
  host: 'electron' | 'browser';
  /** New studies are created here; the list of past runs scans it. */
  studiesRoot: string;
  /** Exports land here when no dialog chooses a place (browser host). */
  exportsRoot: string;
  emit(e: PushEvent): void;
  dialogs?: DialogPort;
  versions?: { electron?: string; chrome?: string };
  workers?: number;
}

type Impl = { [M in Method]: (p: ReturnType<typeof parseRequest<M>>) => Promise<Res<M>> };

export interface Handlers {
  dispatch(method: unknown, params: unknown): Promise<unknown>;
  /** Cancel all running studies (window closed, host stopped). */
  shutdown(): Promise<void>;
  /** Resolves when every study started so far has finished (tests). */
  idle(): Promise<void>;
}

/** TaskInfo as the contract carries it (the status' extra fields dropped). */
function taskInfo(t: TaskInfo): TaskInfo {
  return { id: t.id, kind: t.kind, label: t.label, figures: t.figures, params: t.params, samples: t.samples, ...(t.state ? { state: t.state } : {}) };
}

function summary(st: StudyStatus) {
  let created: string | undefined;
  try {
    created = statSync(join(st.dir, 'study.json')).mtime.toISOString();
  } catch {
    /* vanished meanwhile */
  }
  const uniq = (key: string) =>
    [...new Set(st.tasks.filter((t) => t.kind === 'quench').map((t) => t.params[key]).filter((v): v is number => typeof v === 'number'))].sort((a, b) => a - b);
  return {
    dir: st.dir,
    name: st.name,
    status: st.status,
    tasks: st.tasks.length,
    done: st.counts.done,
    created,
    kinds: [...new Set(st.tasks.map((t) => t.kind))],
    what: describeTasks(st.tasks),
    N: modeNumbers(st.tasks),
    epsFinal: uniq('epsFinal'),
    tMax: uniq('tMax'),
  };
}

/** Longest error message sent to a page: every value in it is quoted to 80 characters; this is the last net. */
const MESSAGE_MAX = 600;

export function errorBody(e: unknown): ApiErrorBody {
  let b: ApiErrorBody;
  if (e instanceof ApiError) b = e.body;
  else if (e instanceof ParameterError) b = { message: e.message, field: e.field, allowed: e.allowed };
  else b = { message: e instanceof Error ? e.message : String(e) };
  const cut = (t: string | undefined, max: number) => (t === undefined ? undefined : quoteField(t, max));
  return {
    message: cut(b.message, MESSAGE_MAX)!,
    ...(b.field !== undefined ? { field: cut(b.field, 200) } : {}),
    ...(b.allowed !== undefined ? { allowed: cut(b.allowed, 300) } : {}),
  };
}

/** Hidden entries of a study folder are the store's own (temporary files, the lock): a copy holds none of them. */
const internal = (path: string) => basename(path).startsWith('.');

export function createHandlers(ctx: HandlerContext): Handlers {
  const running = new Map<string, StudyHandle>();
  const frames = new PhaseSpaceFrames();
  const models = new ModelRuns();
  // What the API may touch: the two roots of the data folder and the folders picked in a dialog (access.ts).
  const access = new FolderAccess([ctx.studiesRoot, ctx.exportsRoot]);
  // Real paths, so that what the page gets back (and sends again) is what the checks compare.
  const studiesRoot = access.real(ctx.studiesRoot);
  const exportsRoot = access.real(ctx.exportsRoot);
  const forward = (e: StudyEvent) => ctx.emit({ channel: 'study', event: e });
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
  const lab = createLabHandlers({ access, exportsRoot, dialogs: ctx.dialogs, emit: ctx.emit, workers: ctx.workers });

  function track(h: StudyHandle) {
    running.set(h.studyId, h);
    void Promise.resolve(h.done)
      .catch(() => undefined)
      .finally(() => running.delete(h.studyId));
    return { studyId: h.studyId, dir: h.dir, tasks: h.tasks.map(taskInfo), ...(h.notes.length ? { notes: h.notes } : {}) };
  }

  /** A study folder the API may read: allowed, no symlink inside leading out, with a study.json file. */
  function studyDir(dir: string, field = 'dir'): string {
    const real = access.tree(dir, field);
    let ok = false;
    try {
      ok = lstatSync(join(real, 'study.json')).isFile();
    } catch {
      /* missing */
    }
    if (!ok) throw new ApiError({ message: `${field}: not a study folder (no study.json): ${quoteValue(dir)}`, field, allowed: 'a study folder' });
    return real;
  }

  /**
   * Where an export goes, and whether it may replace a file: only a path the user confirmed in the native save dialog
   * may (the dialog asked); everything else is written under a free name (exportFiles.ts). The browser host puts
   * single files in exports/<run>/, so files of different runs never meet. `dir` must be an allowed folder (access.ts).
   */
  async function target(dir: string | undefined, name: string, study?: string): Promise<{ path: string; confirmed: boolean } | null> {
    checkFileName(name);
    if (dir !== undefined) {
      try {
        return { path: join(access.folder(dir, 'dir'), name), confirmed: false };
      } catch (e) {
        if (e instanceof ApiError && e.body.field === 'dir') throw new ApiError({ ...e.body, message: `not a folder chosen for exports: ${e.body.message}` });
        throw e;
      }
    }
    if (ctx.dialogs) {
      // The user names the file in the native dialog: that one path is theirs to choose (it grants nothing else).
      const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1] ?? '';
      const p = await ctx.dialogs.saveFile(join(exportsRoot, runLabel(study), name), ext);
      return p ? { path: p, confirmed: true } : null;
    }
    return { path: join(exportsRoot, runLabel(study), name), confirmed: false };
  }
  const save = (t: { path: string; confirmed: boolean }, data: string | Uint8Array): string =>
    t.confirmed ? (writeFileAtomic(t.path, data), t.path) : writeUnique(dirname(t.path), basename(t.path), data);

  /** An export's source study: read for its provenance, so it must be a study folder the API may read. */
  const source = <S extends { study: string; tasks?: string[] } | undefined>(s: S): S =>
    (s === undefined ? s : { ...s, study: studyDir(s.study, 'source.study') }) as S;

  /** An allowed folder for an export set, with the message the exports speak. */
  function exportDir(dir: string, field: string): string {
    try {
      return access.folder(dir, field);
    } catch (e) {
      if (e instanceof ApiError) throw new ApiError({ ...e.body, message: `not a folder chosen for exports: ${e.body.message}` });
      throw e;
    }
  }

  const impl: Impl = {
    'app.info': async () => ({
      app: 'EP Studio',
      version: VERSION,
      host: ctx.host,
      node: process.versions.node,
      electron: ctx.versions?.electron,
      chrome: ctx.versions?.chrome,
      cores: availableParallelism(),
      studiesRoot,
    }),
    'studies.presets': async () => service.listPresets().map((p) => ({ name: p.name, description: p.summary })),
    'studies.run': async (p) => {
      // A preset by name from the list, or a spec object: never a path (the service would read a file).
      let spec: unknown;
      if (p.preset !== undefined) {
        const names = presetNames();
        if (!names.includes(p.preset)) throw new ApiError({ message: `preset: got ${quoteValue(p.preset)}; allowed: one of ${names.join(', ')}`, field: 'preset', allowed: names.join(', ') });
        spec = getPreset(p.preset);
      } else spec = p.spec;
      if (spec === null || typeof spec !== 'object') throw new ApiError({ message: 'spec: a study spec object', field: 'spec' });
      const specName = (spec as { name?: unknown }).name;
      const label = (p.preset ?? (typeof specName === 'string' ? specName : 'study')).replace(/[^\w.-]+/g, '_').replace(/^[.-]+/, '').slice(0, 60) || 'study';
      const outDir = join(studiesRoot, `${label}-${stamp()}`);
      const h = service.run(spec, outDir, { workers: p.workers ?? ctx.workers }, forward);
      return track(h);
    },
    'studies.check': async (p) => {
      // The study service's own parser: what passes here runs (studies.run parses the same object again).
      try {
        const tasks = expandSpec(parseSpec(p.spec));
        return { ok: true as const, tasks: tasks.length, rows: tasks.reduce((s, t) => s + t.total, 0), kinds: [...new Set(tasks.map((t) => t.info.kind))] };
      } catch (e) {
        if (!(e instanceof ParameterError)) throw e;
        const b = errorBody(e);
        return { ok: false as const, field: b.field ?? '(spec)', allowed: b.allowed ?? '', message: b.message };
      }
    },
    'model.ness': async (p) => models.ness(p),
    'model.gap': async (p) => models.gap(p),
    'model.quench': async (p) => models.quench(p),
    'model.cancel': async () => ({ cancelled: await models.cancel() }),
    'studies.cancel': async (p) => {
      const h = running.get(p.studyId);
      if (!h) return { cancelled: false };
      await h.cancel();
      return { cancelled: true };
    },
    'studies.resume': async (p) => {
      const dir = studyDir(p.dir);
      for (const h of running.values()) if (resolve(h.dir) === dir) return { studyId: h.studyId, dir: h.dir, tasks: h.tasks.map(taskInfo) };
      return track(service.resume(dir, { workers: p.workers ?? ctx.workers }, forward));
    },
    'studies.status': async (p) => {
      const st = service.status(studyDir(p.dir));
      return { dir: st.dir, tasks: st.tasks.map(taskInfo), states: Object.fromEntries(st.tasks.map((t) => [t.id, t.state])), status: st.status };
    },
    // Newest first (folder names do not sort by time: a form run and a preset run have different prefixes). Only
    // real folders of the studies root: a symlink there leading out is skipped, like anything that is not a study.
    'studies.list': async () => {
      const out: ReturnType<typeof summary>[] = [];
      for (const f of readdirSync(studiesRoot).sort()) {
        if (internal(f)) continue;
        try {
          out.push(summary(service.status(studyDir(join(studiesRoot, f)))));
        } catch {
          /* not a readable study (or one leading outside): skip */
        }
      }
      return out.sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''));
    },
    'studies.readTask': async (p) => {
      const t = service.readTaskTable(studyDir(p.dir), p.taskId);
      return { columns: t.columns, rows: t.rows };
    },
    'studies.open': async (p) => {
      if (p.dir !== undefined) return { dir: studyDir(p.dir) };
      if (!ctx.dialogs)
        throw new ApiError({ message: 'dir: no folder dialog here (browser host); open a study from the list of past runs (folders inside the data folder)', field: 'dir' });
      const picked = await ctx.dialogs.openStudyDir(studiesRoot);
      if (!picked) return null;
      // The user chose this folder in the native dialog: it is allowed from now on.
      access.grant(picked);
      return { dir: studyDir(picked) };
    },
    'studies.saveAs': async (p) => {
      const src = studyDir(p.dir);
      let dest: string;
      if (p.dest !== undefined) dest = access.newFolder(p.dest);
      else if (ctx.dialogs) {
        const picked = await ctx.dialogs.saveStudyDir(join(studiesRoot, `${basename(src)}-copy`));
        if (!picked) return null;
        mkdirSync(picked, { recursive: true });
        dest = access.grant(picked);
      } else dest = join(studiesRoot, `${basename(src)}-copy-${stamp()}`);
      if (existsSync(dest) && readdirSync(dest).length > 0) throw new ApiError({ message: `dest: folder not empty: ${quoteValue(dest)}`, field: 'dest' });
      // Complete files only (no temporaries of in-flight writes, no lock); links were checked to stay inside and are
      // copied as the files they point to.
      cpSync(src, dest, { recursive: true, dereference: true, filter: (f) => f === src || !internal(f) });
      return { dir: dest };
    },
    'phaseSpace.frame': async (p) => frames.frame(p.params, p.t, p.grid, p.wigner),
    'phaseSpace.photonSeries': async (p) => frames.photonSeries(p.params, p.dt),
    'files.exportCsv': async (p) => {
      const src = source(p.source);
      const t = await target(p.dir, p.name, src?.study);
      if (!t) return null;
      return { path: save(t, chartCsv({ ...p, source: src }, `EP Studio ${VERSION} window: CSV export ${p.name}`)) };
    },
    'files.save': async (p) => {
      const src = source(p.source);
      const t = await target(p.dir, p.name, src?.study);
      if (!t) return null;
      let data: string | Uint8Array = p.encoding === 'base64' ? Buffer.from(p.data, 'base64') : p.data;
      if (p.meta) data = addPngText(data as Uint8Array, p.meta);
      return { path: save(t, data) };
    },
    'figures.export': async (p) => {
      // Reads only study folders the API may read (the data folder or a folder picked in a dialog), like studies.open.
      let dir: string;
      try {
        dir = studyDir(p.dir);
      } catch (e) {
        if (e instanceof ApiError) throw new ApiError({ ...e.body, message: `not an open study folder: ${e.body.message}` });
        throw e;
      }
      let out: string | null;
      if (ctx.dialogs) {
        out = await ctx.dialogs.chooseDir(exportsRoot, 'figure set');
        // The user picked this folder in the native dialog: allowed from now on.
        if (out) {
          mkdirSync(out, { recursive: true });
          out = access.grant(out);
        }
      } else out = join(exportsRoot, p.folder ?? `${runLabel(dir).slice(0, 80)}-figures-${stamp()}`);
      if (!out) return null;
      const t0 = performance.now();
      // Loaded on first use: Plot, pdfkit and resvg are not needed to start the window.
      const { writeFigureSet } = await import('../figures/index.js');
      const r = await writeFigureSet(dir, out, { formats: p.formats, figures: p.figures, field: 'folder' });
      return { dir: out, files: r.paths, missing: r.missing, seconds: (performance.now() - t0) / 1000 };
    },
    'files.chooseDir': async (p) => {
      const base = `${runLabel(source(p.source)?.study)}-${p.purpose || 'export'}`;
      if (!ctx.dialogs) return { dir: newExportDir(exportsRoot, base) };
      const d = await ctx.dialogs.chooseDir(join(exportsRoot, base), p.purpose);
      if (!d) return null;
      if (existsSync(d) && (!statSync(d).isDirectory() || readdirSync(d).length > 0))
        throw new ApiError({ message: `dir: not a new or empty folder: ${quoteValue(d)} (an export set gets a folder of its own)`, field: 'dir' });
      mkdirSync(d, { recursive: true });
      // The user named this folder in the native dialog: allowed from now on.
      return { dir: access.grant(d) };
    },
    'studies.exportH5': async (p) => {
      const dir = studyDir(p.dir);
      const dest = exportDir(p.dest, 'dest');
      for (const h of running.values())
        if (resolve(h.dir) === dir) throw new ApiError({ message: 'the study is still running: export its HDF5 file when it has finished', field: 'dir' });
      // h5wasm is loaded when first needed, not at start-up
      const { exportStudyH5 } = await import('../io/h5export.js');
      const r = await exportStudyH5(dir, join(dest, `${runLabel(dir)}.h5`), { unique: true });
      return { path: r.path };
    },
    'phaseSpace.export': async (p) => {
      const dir = exportDir(p.dir, 'dir');
      // The whole export runs on the main side: bound its propagation like a frame's, with a larger budget.
      const est = frames.secondsTo(p.params, Math.max(...p.times));
      if (est > EXPORT_BUDGET_S)
        throw new ParameterError('times', `times reachable within ~${EXPORT_BUDGET_S} s of computing (these need ~${est.toPrecision(2)} s; fewer or earlier times, or lower N, |δ| or u)`, Math.max(...p.times));
      const list = p.formats.length ? p.times.map((t) => frames.frame(p.params, t, p.grid)) : [frames.frame(p.params, p.times[0], p.grid)];
      const q = p.params;
      const { writePhaseSpaceFrames } = await import('../io/phaseSpaceExport.js');
      const out = await writePhaseSpaceFrames(dir, list, p.grid, p.formats, {
        command: `EP Studio ${VERSION} window: phase-space export (${p.formats.join(' ') || 'PNG frames'})`,
        appVersion: VERSION,
        date: nowIso(),
        model: { kappa: q.kappa, delta: q.delta, u: q.u },
        N: [q.N],
        epsInitial: [q.epsInitial],
        epsFinal: [q.epsFinal],
        tMax: q.tMax,
        K: String(list[0].K),
        rtol: 1e-10, // propagateInterval's default, which PhaseSpaceFrames uses
        grid: `Cartesian ${p.grid.nx}x${p.grid.ny} points over Re μ in [${p.grid.xMin}; ${p.grid.xMax}] and Im μ in [${p.grid.yMin}; ${p.grid.yMax}]; J on ${list[0].arrows.nx}x${list[0].arrows.ny}`,
        extra: { times: p.times },
      });
      return { dir, ...out };
    },
    ...lab.impl,
  };

  return {
    async dispatch(method, params) {
      const m = method as Method;
      const parsed = parseRequest(m, params);
      return (impl[m] as (x: unknown) => Promise<unknown>)(parsed);
    },
    async shutdown() {
      await models.cancel();
      await Promise.all([...running.values()].map((h) => Promise.resolve(h.cancel()).catch(() => undefined)));
      await lab.shutdown();
    },
    async idle() {
      await Promise.all([...running.values()].map((h) => Promise.resolve(h.done).catch(() => undefined)));
      await lab.idle();
    },
  };
}

