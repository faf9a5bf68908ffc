/**
 * The main-side implementation of the API contract, shared by Electron IPC (src-main/electron/ipc.ts) and the browser
 * host (src-main/host/server.ts). Every call goes through `dispatch`, which validates the request with the contract's
 * schema first. Plain Node: no 'electron' import here (tests and the browser host load this file).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ParameterError } from '../../src-core/validation.js';
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

// ---- phase-space frames: ρ(t) after the quench, Q(μ) and J(μ) on a Cartesian grid (main side, never the UI thread) ----

type QuenchP = ReturnType<typeof parseRequest<'phaseSpace.frame'>>['params'];
type GridP = ReturnType<typeof parseRequest<'phaseSpace.frame'>>['grid'];

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

  frame(p: QuenchP, t: number, g: GridP) {
    this.reset(p);
    const after = { kappa: p.kappa, delta: p.delta, u: p.u, eps: p.epsFinal, N: p.N };
    let i = this.states.length - 1;
    while (i > 0 && this.states[i].t > t) i--;
    let cur = this.states[i];
    if (cur.t < t - 1e-12) {
      cur = { t, rho: propagateInterval(cur.rho, after, t - cur.t) };
      this.states.splice(i + 1, 0, cur);
      if (this.states.length > 2000) this.states.splice(1, 1);
    }
    // The studies' guard: no frame from a basis too small for the state (PHYSICS.md "Truncation").
    guardTruncation(cur.rho, { where: `phase-space frame at t = ${t}` });
    const img = husimiImage(cur.rho, { ...g, kappa: p.kappa, arrows: { nx: 21, ny: 21 } });
    return { t, K: this.K, nx: g.nx, ny: g.ny, Q: Array.from(img.Q), Jx: Array.from(img.Jx), Jy: Array.from(img.Jy), arrows: img.arrows };
  }
}

/** Native dialogs (Electron only). Each returns null when the user cancels. */
export interface DialogPort {
  openStudyDir(defaultPath: string): Promise<string | null>;
  saveStudyDir(defaultPath: string): Promise<string | null>;
  saveFile(defaultPath: string, extension: string): Promise<string | null>;
  chooseDir(defaultPath: string, purpose: string): Promise<string | null>;
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
  return { dir: st.dir, name: st.name, status: st.status, tasks: st.tasks.length, done: st.counts.done, created };
}

export function errorBody(e: unknown): ApiErrorBody {
  if (e instanceof ApiError) return e.body;
  if (e instanceof ParameterError) return { message: e.message, field: e.field, allowed: e.allowed };
  return { message: e instanceof Error ? e.message : String(e) };
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const running = new Map<string, StudyHandle>();
  const frames = new PhaseSpaceFrames();
  mkdirSync(ctx.studiesRoot, { recursive: true });
  // Writes go only to the two roots and to folders the user picked in a dialog (or chooseDir handed out).
  const writable = new Set<string>([resolve(ctx.studiesRoot), resolve(ctx.exportsRoot)]);
  const canWrite = (d: string) => {
    const r = resolve(d);
    for (const w of writable) if (r === w || r.startsWith(w + sep)) return true;
    return false;
  };
  const forward = (e: StudyEvent) => ctx.emit({ channel: 'study', event: e });

  function track(h: StudyHandle) {
    running.set(h.studyId, h);
    void Promise.resolve(h.done)
      .catch(() => undefined)
      .finally(() => running.delete(h.studyId));
    return { studyId: h.studyId, dir: h.dir, tasks: h.tasks.map(taskInfo) };
  }

  /**
   * Where an export goes, and whether it may replace a file: only a path the user confirmed in the native save dialog
   * may (the dialog asked); everything else is written under a free name (exportFiles.ts). The browser host puts
   * single files in exports/<run>/, so files of different runs never meet.
   */
  async function target(dir: string | undefined, name: string, ext: string, study?: string): Promise<{ path: string; confirmed: boolean } | null> {
    if (dir !== undefined) {
      if (!canWrite(dir)) throw new ApiError({ message: `not a folder chosen for exports: ${dir}`, field: 'dir' });
      return { path: join(dir, name), confirmed: false };
    }
    if (ctx.dialogs) {
      const p = await ctx.dialogs.saveFile(join(ctx.exportsRoot, runLabel(study), name), ext);
      if (p) writable.add(resolve(dirname(p)));
      return p ? { path: p, confirmed: true } : null;
    }
    return { path: join(ctx.exportsRoot, runLabel(study), name), confirmed: false };
  }
  const save = (t: { path: string; confirmed: boolean }, data: string | Uint8Array): string =>
    t.confirmed ? (writeFileAtomic(t.path, data), t.path) : writeUnique(dirname(t.path), basename(t.path), data);

  const impl: Impl = {
    'app.info': async () => ({
      app: 'EP Studio',
      version: VERSION,
      host: ctx.host,
      node: process.versions.node,
      electron: ctx.versions?.electron,
      chrome: ctx.versions?.chrome,
      cores: availableParallelism(),
      studiesRoot: ctx.studiesRoot,
    }),
    'studies.presets': async () => service.listPresets().map((p) => ({ name: p.name, description: p.summary })),
    'studies.run': async (p) => {
      const specName = (p.spec as { name?: unknown } | undefined)?.name;
      const label = (p.preset ?? (typeof specName === 'string' ? specName : 'study')).replace(/[^\w.-]+/g, '_').slice(0, 60) || 'study';
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const outDir = join(ctx.studiesRoot, `${label}-${stamp}`);
      const h = service.run(p.preset ?? p.spec, outDir, { workers: p.workers ?? ctx.workers }, forward);
      return track(h);
    },
    'studies.cancel': async (p) => {
      const h = running.get(p.studyId);
      if (!h) return { cancelled: false };
      await h.cancel();
      return { cancelled: true };
    },
    'studies.resume': async (p) => {
      for (const h of running.values()) if (resolve(h.dir) === resolve(p.dir)) return { studyId: h.studyId, dir: h.dir, tasks: h.tasks };
      return track(service.resume(p.dir, { workers: p.workers ?? ctx.workers }, forward));
    },
    'studies.status': async (p) => {
      const st = service.status(p.dir);
      return { dir: st.dir, tasks: st.tasks.map(taskInfo), states: Object.fromEntries(st.tasks.map((t) => [t.id, t.state])), status: st.status };
    },
    // Newest first (folder names do not sort by time: a form run and a preset run have different prefixes).
    'studies.list': async () => service.listStudies(ctx.studiesRoot).map(summary).sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '')),
    'studies.readTask': async (p) => {
      const t = service.readTaskTable(p.dir, p.taskId);
      return { columns: t.columns, rows: t.rows };
    },
    'studies.open': async (p) => {
      let d: string | null | undefined = p.dir;
      if (d === undefined) d = ctx.dialogs ? await ctx.dialogs.openStudyDir(ctx.studiesRoot) : null;
      if (!d) return null;
      if (!existsSync(join(d, 'study.json'))) throw new ApiError({ message: `not a study folder (no study.json): ${d}`, field: 'dir' });
      writable.add(resolve(d));
      return { dir: d };
    },
    'studies.saveAs': async (p) => {
      if (!existsSync(join(p.dir, 'study.json'))) throw new ApiError({ message: `not a study folder (no study.json): ${p.dir}`, field: 'dir' });
      let dest: string | null | undefined = p.dest;
      if (dest === undefined) {
        dest = ctx.dialogs
          ? await ctx.dialogs.saveStudyDir(join(ctx.studiesRoot, `${basename(p.dir)}-copy`))
          : join(ctx.studiesRoot, `${basename(p.dir)}-copy-${Date.now()}`);
      } else if (!canWrite(dirname(dest))) throw new ApiError({ message: `cannot write there: ${dest}`, field: 'dest' });
      if (!dest) return null;
      if (existsSync(dest) && readdirSync(dest).length > 0) throw new ApiError({ message: `folder not empty: ${dest}`, field: 'dest' });
      // Skip temporaries of in-flight atomic writes: the copy holds only complete files.
      cpSync(p.dir, dest, { recursive: true, filter: (src) => !/\.tmp$/.test(src) });
      writable.add(resolve(dest));
      return { dir: dest };
    },
    'phaseSpace.frame': async (p) => frames.frame(p.params, p.t, p.grid),
    'files.exportCsv': async (p) => {
      const t = await target(p.dir, p.name, 'csv', p.source?.study);
      if (!t) return null;
      return { path: save(t, chartCsv(p, `EP Studio ${VERSION} window: CSV export ${p.name}`)) };
    },
    'files.save': async (p) => {
      const t = await target(p.dir, p.name, p.name.split('.').pop() ?? '', p.source?.study);
      if (!t) return null;
      let data: string | Uint8Array = p.encoding === 'base64' ? Buffer.from(p.data, 'base64') : p.data;
      if (p.meta) data = addPngText(data as Uint8Array, p.meta);
      return { path: save(t, data) };
    },
    'figures.export': async (p) => {
      // Reads only studies the window knows (the studies root or a folder opened with studies.open).
      if (!canWrite(p.dir) || !existsSync(join(p.dir, 'study.json'))) throw new ApiError({ message: `not an open study folder: ${p.dir}`, field: 'dir' });
      let out: string | null;
      if (ctx.dialogs) out = await ctx.dialogs.chooseDir(ctx.exportsRoot, 'figure set');
      else out = join(ctx.exportsRoot, p.folder ?? `${basename(resolve(p.dir)).replace(/[^\w.-]+/g, '_').slice(0, 80)}-figures-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      if (!out) return null;
      // The contract's plain-name rule still lets "." and ".." through: stay strictly inside exports/.
      if (!ctx.dialogs && !resolve(out).startsWith(resolve(ctx.exportsRoot) + sep)) throw new ApiError({ message: `not a folder name inside exports/: ${p.folder}`, field: 'folder' });
      const t0 = performance.now();
      // Loaded on first use: Plot, pdfkit and resvg are not needed to start the window.
      const { writeFigureSet } = await import('../figures/index.js');
      const r = await writeFigureSet(p.dir, out, { formats: p.formats, figures: p.figures, field: 'folder' });
      writable.add(resolve(out));
      return { dir: out, files: r.paths, missing: r.missing, seconds: (performance.now() - t0) / 1000 };
    },
    'files.chooseDir': async (p) => {
      const base = `${runLabel(p.source?.study)}-${p.purpose || 'export'}`;
      let d: string | null;
      if (ctx.dialogs) {
        d = await ctx.dialogs.chooseDir(join(ctx.exportsRoot, base), p.purpose);
        if (d && existsSync(d) && (!statSync(d).isDirectory() || readdirSync(d).length > 0))
          throw new ApiError({ message: `not a new or empty folder: ${d} (an export set gets a folder of its own)`, field: 'dir' });
        if (d) mkdirSync(d, { recursive: true });
      } else d = newExportDir(ctx.exportsRoot, base);
      if (!d) return null;
      writable.add(resolve(d));
      return { dir: d };
    },
    'studies.exportH5': async (p) => {
      if (!canWrite(p.dest)) throw new ApiError({ message: `not a folder chosen for exports: ${p.dest}`, field: 'dest' });
      for (const h of running.values())
        if (resolve(h.dir) === resolve(p.dir)) throw new ApiError({ message: 'the study is still running: export its HDF5 file when it has finished', field: 'dir' });
      // h5wasm is loaded when first needed, not at start-up
      const { exportStudyH5 } = await import('../io/h5export.js');
      const r = await exportStudyH5(p.dir, join(p.dest, `${runLabel(p.dir)}.h5`), { unique: true });
      return { path: r.path };
    },
    'phaseSpace.export': async (p) => {
      if (!canWrite(p.dir)) throw new ApiError({ message: `not a folder chosen for exports: ${p.dir}`, field: 'dir' });
      const list = p.formats.length ? p.times.map((t) => frames.frame(p.params, t, p.grid)) : [frames.frame(p.params, p.times[0], p.grid)];
      const q = p.params;
      const { writePhaseSpaceFrames } = await import('../io/phaseSpaceExport.js');
      const out = await writePhaseSpaceFrames(p.dir, list, p.grid, p.formats, {
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
      return { dir: p.dir, ...out };
    },
  };

  return {
    async dispatch(method, params) {
      const m = method as Method;
      const parsed = parseRequest(m, params);
      return (impl[m] as (x: unknown) => Promise<unknown>)(parsed);
    },
    async shutdown() {
      await Promise.all([...running.values()].map((h) => Promise.resolve(h.cancel()).catch(() => undefined)));
    },
    async idle() {
      await Promise.all([...running.values()].map((h) => Promise.resolve(h.done).catch(() => undefined)));
    },
  };
}

