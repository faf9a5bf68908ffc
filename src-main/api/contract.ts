/**
 * The one API contract between the window (renderer) and the main side: every request, its response and the pushed
 * events. Electron IPC (preload + src-main/electron/ipc.ts) and the browser host (src-main/host/server.ts) carry exactly
 * these messages; the main side validates every request with the zod schema below before a handler runs.
 *
 * The renderer imports types (and the method list) only; nothing here touches Node, Electron or the DOM.
 */
import { z } from 'zod';
import { KERR_RULES } from '../../src-core/kerr/model.js';
import { TWO_PHOTON_KERR_RULES } from '../../src-core/model/instances.js';
import { describeRule, quoteField, quoteValue, type NumberRule } from '../../src-core/validation.js';

const finite = z.number();
const taskId = z.string().min(1).max(200);
const dir = z.string().min(1).max(4096);

/** Longest file name the API writes (well under the 255 bytes of common file systems). */
export const FILE_NAME_MAX = 200;
export const FILE_NAME_RULE = `a single file name of letters, digits and _ . - space ( ) = , + (starting with a letter, digit or _, not ending in . or space, at most ${FILE_NAME_MAX} characters)`;

/**
 * One path component from a safe set: no "/", "\\", NUL, "..", leading dot (hidden or traversal), trailing dot or
 * space, or Windows device name. The main side decides the folder (src-main/api/access.ts).
 */
export function isSafeFileName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length <= FILE_NAME_MAX &&
    /^[A-Za-z0-9_][A-Za-z0-9_.\- ()=,+]*$/.test(name) &&
    !/[. ]$/.test(name) &&
    !/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i.test(name)
  );
}

const name = z.string().refine(isSafeFileName, FILE_NAME_RULE);

/** Deepest nesting a spec object may have (a valid spec is about 5 deep): checked without recursion. */
export const SPEC_MAX_DEPTH = 32;
function shallowerThan(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d >= max) return false;
    for (const c of Object.values(x)) stack.push([c, d + 1]);
  }
  return true;
}
/** A spec as an object (never a path: files reach the main side as content, through a dialog or an upload). */
const specObject = z
  .record(z.string(), z.unknown())
  .refine((v) => shallowerThan(v, SPEC_MAX_DEPTH), `a study spec object nested at most ${SPEC_MAX_DEPTH} levels deep`);

export const TaskInfoSchema = z.object({
  id: z.string(),
  kind: z.enum(['quench', 'ness-sweep', 'gap-sweep', 'gaussian-sweep']),
  label: z.string(),
  figures: z.array(z.string()),
  params: z.record(z.string(), z.unknown()),
  samples: z.number().optional(),
  state: z.enum(['pending', 'running', 'done', 'failed', 'cancelled']).optional(),
});

export const StudyEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('study-started'), studyId: z.string(), dir: z.string(), tasks: z.array(TaskInfoSchema), resumed: z.boolean() }),
  z.object({ type: z.literal('task-started'), studyId: z.string(), taskId: z.string() }),
  z.object({ type: z.literal('task-progress'), studyId: z.string(), taskId: z.string(), fraction: z.number(), done: z.number(), total: z.number(), K: z.number().optional(), topPopulation: z.number().optional() }),
  z.object({ type: z.literal('sample-ready'), studyId: z.string(), taskId: z.string(), index: z.number(), row: z.record(z.string(), z.number()) }),
  z.object({ type: z.literal('task-done'), studyId: z.string(), taskId: z.string(), seconds: z.number() }),
  z.object({ type: z.literal('task-failed'), studyId: z.string(), taskId: z.string(), error: z.string() }),
  z.object({
    type: z.literal('study-done'),
    studyId: z.string(),
    status: z.enum(['completed', 'cancelled', 'failed']),
    done: z.number(),
    failed: z.number(),
    total: z.number(),
    seconds: z.number(),
  }),
]);

/** The Kerr quench of seed 000 Sec. IV A as the phase-space viewer needs it (scaled parameters, Eqs. 2–3). */
// The engine's ranges (KERR_RULES): beyond them a frame is meaningless or would keep the main side busy for hours.
export const QuenchParamsSchema = z.object({
  kappa: finite.min(KERR_RULES.kappa.min!).max(KERR_RULES.kappa.max!),
  delta: finite.min(KERR_RULES.delta.min!).max(KERR_RULES.delta.max!),
  u: finite.min(KERR_RULES.u.min!).max(KERR_RULES.u.max!),
  epsInitial: finite.nonnegative().max(KERR_RULES.eps.max!),
  epsFinal: finite.nonnegative().max(KERR_RULES.eps.max!),
  N: finite.min(KERR_RULES.N.min!).max(1e4),
  /** Duration of the quench shown (the truncation follows the mean-field transient up to it). */
  tMax: finite.positive().max(1e5),
});

export const GridSchema = z.object({
  xMin: finite,
  xMax: finite,
  yMin: finite,
  yMax: finite,
  nx: z.number().int().min(4).max(256),
  ny: z.number().int().min(4).max(256),
});

/** A number within an engine rule (src-core/validation.ts), with the rule's own text as the message. */
const ruled = (r: NumberRule) =>
  z.number({ error: describeRule(r) }).refine((v) => checkRule(v, r), { error: describeRule(r) });
function checkRule(v: number, r: NumberRule): boolean {
  return (
    Number.isFinite(v) &&
    (!r.integer || Number.isInteger(v)) &&
    (r.min === undefined || (r.exclusiveMin ? v > r.min : v >= r.min)) &&
    (r.max === undefined || (r.exclusiveMax ? v < r.max : v <= r.max))
  );
}

/**
 * One point of the two-photon-driven Kerr model (issue 15; PHYSICS.md §5) for the window's single runs: the model as a
 * study spec states it (kind, κ, Δ, u, η₀) plus N, ε and g. Ranges: TWO_PHOTON_KERR_RULES (N as studies take it, ≤ 1000).
 */
export const ModelPointSchema = z.strictObject({
  model: z.strictObject({
    kind: z.literal('two-photon-kerr', { error: 'two-photon-kerr (the Kerr model runs as a quench study)' }),
    kappa: ruled(TWO_PHOTON_KERR_RULES.kappa),
    delta: ruled(TWO_PHOTON_KERR_RULES.delta),
    u: ruled(TWO_PHOTON_KERR_RULES.u),
    eta0: ruled(TWO_PHOTON_KERR_RULES.eta0).optional(),
  }),
  N: ruled({ ...TWO_PHOTON_KERR_RULES.N, max: 1000 }),
  eps: ruled({ ...TWO_PHOTON_KERR_RULES.eps, max: 100 }),
  g: ruled({ ...TWO_PHOTON_KERR_RULES.g, max: 100 }),
  /** Fixed Fock levels (default: grown until the top two are empty). */
  K: ruled({ integer: true, min: 2, max: 400 }).optional(),
});

const TableSchema = z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.number())) });

/**
 * What an export is made of: the study folder and the tasks. The main side reads the provenance (model, N, ε, Δt, K,
 * spec hash …) from that folder and names the export folder after it; the window never states it.
 */
const ExportSource = z.strictObject({ study: dir, tasks: z.array(taskId).max(2000).optional() });

// ---- lab (issue 14): heterodyne outcomes → estimates with error bars, beside a model ----

/** Largest outcome file the window sends (base64 text): 10⁶ outcomes as CSV fit. */
export const LAB_UPLOAD_MAX = 64 * 1024 * 1024;
/** An analysis or its export: the window's name for it (progress events and lab.cancel refer to it). */
const labJob = z.string().regex(/^[\w-]{1,64}$/, '1–64 letters, digits, _ or -');
const labHandle = z.string().regex(/^[\w-]{1,64}$/, 'a handle returned by lab.open');
/** A number with its standard error; null where it cannot be estimated (no NaN crosses the wire). */
const LabEstimate = z.object({ value: z.number().nullable(), sigma: z.number().nullable() }).nullable();
/** The Kerr model (seed 000, Eqs. 2–3) whose NESS is shown beside the data: scaled parameters as in the Quench form. */
/** The engine's ranges (KERR_RULES): below their minima U = u/N, ξ and x of the exact NESS under- or overflow. */
export const LabModelSchema = z.strictObject({
  N: finite.min(KERR_RULES.N.min!).max(1e3),
  eps: finite.nonnegative().max(KERR_RULES.eps.max!),
  delta: finite.min(KERR_RULES.delta.min!).max(KERR_RULES.delta.max!),
  u: finite.min(KERR_RULES.u.min!).max(KERR_RULES.u.max!),
  kappa: finite.min(KERR_RULES.kappa.min!).max(KERR_RULES.kappa.max!),
});
const LabGrid = z.object({ xMin: z.number(), xMax: z.number(), yMin: z.number(), yMax: z.number(), nx: z.number(), ny: z.number() });
/** Progress of a lab analysis: stage, time bin (1-based of bins), bootstrap resamples done of total. */
export const LabEventSchema = z.object({
  job: z.string(),
  stage: z.enum(['fit', 'bootstrap', 'model-fit', 'done', 'cancelled', 'failed']),
  bin: z.number(),
  bins: z.number(),
  done: z.number(),
  total: z.number(),
});
export type LabEventMsg = z.output<typeof LabEventSchema>;

/**
 * Methods: name → [request schema, response schema]. Responses are validated in tests (and are plain JSON), requests
 * on every call.
 */
export const METHODS = {
  /** Versions and where the window runs (Help → About). */
  'app.info': [
    z.object({}),
    z.object({
      app: z.string(),
      version: z.string(),
      host: z.enum(['electron', 'browser']),
      node: z.string(),
      electron: z.string().optional(),
      chrome: z.string().optional(),
      cores: z.number(),
      studiesRoot: z.string(),
    }),
  ],
  'studies.presets': [z.object({}), z.array(z.looseObject({ name: z.string(), description: z.string() }))],
  /**
   * Start a study from a preset name (one of studies.presets) or a spec object (validated by the studies service).
   * Never a path: a spec file is read in the window (file picker: the native dialog in Electron, an upload in the
   * browser host) and sent as content.
   */
  'studies.run': [
    z.object({ preset: z.string().min(1).max(100).optional(), spec: specObject.optional(), workers: z.number().int().min(1).max(64).optional() }).refine(
      (r) => (r.preset === undefined) !== (r.spec === undefined),
      'give exactly one of preset or spec',
    ),
    z.object({ studyId: z.string(), dir: z.string(), tasks: z.array(TaskInfoSchema) }),
  ],
  'studies.cancel': [z.object({ studyId: z.string().min(1) }), z.object({ cancelled: z.boolean() })],
  'studies.resume': [
    z.object({ dir, workers: z.number().int().min(1).max(64).optional() }),
    /** notes: what to tell the user first (a study started by another version: service.versionNote). */
    z.object({ studyId: z.string(), dir: z.string(), tasks: z.array(TaskInfoSchema), notes: z.array(z.string()).optional() }),
  ],
  /** Task list and states of a study folder (the window reopens a study from this plus readTask). */
  'studies.status': [z.object({ dir }), z.object({ dir: z.string(), tasks: z.array(TaskInfoSchema), states: z.record(z.string(), z.string()), status: z.string() })],
  'studies.list': [
    z.object({}),
    z.array(
      z.object({
        dir: z.string(),
        name: z.string(),
        status: z.string(),
        tasks: z.number(),
        done: z.number(),
        created: z.string().optional(),
        /**
         * What the study computes, for the list of past runs: task kinds, a line per kind of task (studies/summary.ts),
         * N over all tasks, and the quenches' ε_f and t_max values.
         */
        kinds: z.array(z.string()).optional(),
        what: z.array(z.string()).optional(),
        N: z.array(z.number()).optional(),
        epsFinal: z.array(z.number()).optional(),
        tMax: z.array(z.number()).optional(),
      }),
    ),
  ],
  'studies.readTask': [z.object({ dir, taskId }), TableSchema],
  /** Pick a study folder (Electron: native dialog; browser host: the list of past runs is the picker). null = cancelled. */
  'studies.open': [z.object({ dir: dir.optional() }), z.object({ dir: z.string() }).nullable()],
  /** Copy a study folder elsewhere (Electron: native dialog for the target). null = cancelled. */
  'studies.saveAs': [z.object({ dir, dest: dir.optional() }), z.object({ dir: z.string() }).nullable()],
  /** Q(μ) and J(μ) on a Cartesian grid at time t after the quench ε_i → ε_f (computed on the main side, cached). */
  'phaseSpace.frame': [
    z.object({ params: QuenchParamsSchema, t: finite.nonnegative().max(1e4), grid: GridSchema, wigner: z.boolean().optional() }),
    z.object({
      t: z.number(),
      K: z.number(),
      nx: z.number(),
      ny: z.number(),
      /** Q at row-major r*nx + c, row 0 at yMin (Im μ), column 0 at xMin (Re μ). */
      Q: z.array(z.number()),
      /** J = −(κ/π) j on the coarser arrow grid over the same box (Re J, Im J). */
      Jx: z.array(z.number()),
      Jy: z.array(z.number()),
      arrows: z.object({ nx: z.number(), ny: z.number() }),
      /** Photon distribution P(n) = ρ_nn, n = 0…K−1, <a†a> and g²(0) = <a†²a²>/<a†a>² (null for the vacuum). */
      P: z.array(z.number()),
      n: z.number(),
      g2: z.number().nullable(),
      /** Wigner function on the Q grid (when asked: it costs as much as Q), with its extremes. */
      W: z.array(z.number()).optional(),
      Wmin: z.number().optional(),
      Wmax: z.number().optional(),
    }),
  ],
  /** P(n, t) and g²(0, t) at every sample t_k = k·Δt ≤ t_max of the quench (states cached for the frames). */
  'phaseSpace.photonSeries': [
    z.object({ params: QuenchParamsSchema, dt: finite.positive().max(1e4) }),
    z.object({ K: z.number(), t: z.array(z.number()), P: z.array(z.array(z.number())), n: z.array(z.number()), g2: z.array(z.number().nullable()) }),
  ],
  /**
   * Write a chart's data as CSV with the project's one CSV writer, with the provenance lines of `source` (or of `meta`
   * alone for views of the form). Never replaces a file: without `dir`, Electron asks (save dialog) and the browser
   * host writes exports/<run>/<name> under a free name (name-2.csv, …).
   */
  'files.exportCsv': [
    z.object({
      name,
      columns: z.array(z.string()).min(1),
      rows: z.array(z.array(z.number().nullable())),
      meta: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      dir: dir.optional(),
      source: ExportSource.optional(),
    }),
    z.object({ path: z.string() }).nullable(),
  ],
  /**
   * Write an exported figure (PNG as base64, SVG as text); placement as files.exportCsv. `meta`: text entries written
   * into a PNG as iTXt chunks (its provenance); PNG only.
   */
  'files.save': [
    z
      .object({
        name,
        data: z.string().max(64 * 1024 * 1024),
        encoding: z.enum(['utf8', 'base64']),
        dir: dir.optional(),
        source: ExportSource.optional(),
        meta: z.record(z.string().min(1).max(79), z.string().max(10_000)).optional(),
      })
      .refine((r) => r.meta === undefined || (/\.png$/i.test(r.name) && r.encoding === 'base64' && Object.keys(r.meta).length <= 64), {
        message: 'meta only with a .png (base64), at most 64 entries',
        path: ['meta'],
      }),
    z.object({ path: z.string() }).nullable(),
  ],
  /**
   * A new folder for one export set (Electron: a save dialog names it; browser host: exports/<run>-<purpose>-<n>, the
   * first free n). Never an existing non-empty folder.
   */
  'files.chooseDir': [
    z.object({ purpose: z.string().max(100).regex(/^[\w-]*$/, 'letters, digits, _ or -'), source: ExportSource.optional() }),
    z.object({ dir: z.string() }).nullable(),
  ],
  /** The study as one HDF5 file (the `epstudio export --h5` layout) into a folder chosen for exports; refused while it runs. */
  'studies.exportH5': [z.object({ dir, dest: dir }), z.object({ path: z.string() })],
  /**
   * Q(μ) and J(μ) at the given times (the shown one, or every sample) as HDF5 and/or .npy, with provenance.json, into
   * a folder chosen for exports (files.chooseDir). At most 10⁷ values of Q in one export.
   */
  'phaseSpace.export': [
    z
      .object({
        params: QuenchParamsSchema,
        grid: GridSchema,
        times: z.array(finite.nonnegative().max(1e4)).min(1).max(10_001),
        formats: z.array(z.enum(['h5', 'npy'])).max(2),
        dir,
      })
      .refine((r) => r.times.length * r.grid.nx * r.grid.ny <= 1e7, { message: 'at most 10⁷ values of Q (times × nx × ny): fewer times or a coarser grid', path: ['times'] }),
    /** provenance: the record written to provenance.json (for the PNG frames' text chunks). */
    z.object({ dir: z.string(), files: z.array(z.string()), provenance: z.record(z.string(), z.string()) }),
  ],
  /**
   * Export the seed figures of a study (the CLI's `epstudio figures`, same engine and files) into a new folder: Electron
   * asks with a dialog, the browser host makes exports/<folder> (default <study>-figures-<time>). Never replaces a file:
   * an existing one is an error naming it. null = dialog cancelled.
   */
  'figures.export': [
    z.object({
      dir,
      formats: z.array(z.enum(['svg', 'pdf', 'png'])).min(1).max(3).optional(),
      figures: z.array(z.enum(['fig2', 'fig3', 'fig4', 'fig5', 'fig6', 'fig7', 'fig8', 'g-fig3', 'tp-ness', 'tp-gap', 'tp-quench'])).min(1).max(11).optional(),
      folder: name.optional(),
    }),
    z.object({ dir: z.string(), files: z.array(z.string()), missing: z.array(z.string()), seconds: z.number() }).nullable(),
  ],
  /**
   * Validate a study spec with the main side's parser (the one validator: src-main/studies/spec.ts), without running
   * it: the study editor shows the first problem beside its field (`field` is the JSON path, e.g. tasks[0].g.points)
   * and, for a valid spec, the number of tasks and result rows.
   */
  'studies.check': [
    z.object({ spec: specObject }),
    z.union([
      z.object({ ok: z.literal(true), tasks: z.number(), rows: z.number(), kinds: z.array(z.string()) }),
      z.object({ ok: z.literal(false), field: z.string(), allowed: z.string(), message: z.string() }),
    ]),
  ],
  /**
   * The NESS of one point of the two-photon model (Fock solve, the even parity sector at ε = 0), with the entropy
   * quantities (S_W, Π_J, Π_d, Π_U per term, Φ, G, the balance) when asked: the numbers of `epstudio steady --model
   * two-photon-kerr --json`. Runs on a worker; one model run at a time (model.cancel ends it).
   */
  'model.ness': [
    ModelPointSchema.extend({ entropy: z.boolean().optional() }),
    z.object({ K: z.number(), tail: z.number(), values: z.record(z.string(), z.number()), grid: z.string().optional(), seconds: z.number() }),
  ],
  /** Slowest eigenvalues of L per parity sector (ε = 0; the whole L otherwise): `epstudio gap --model two-photon-kerr`. */
  'model.gap': [
    ModelPointSchema.extend({ count: ruled({ integer: true, min: 1, max: 8 }).optional() }),
    z.object({
      gap: z.number(),
      converged: z.boolean(),
      sectors: z.array(
        z.object({
          sector: z.enum(['even', 'odd', 'all']), gap: z.number(), nmax: z.number(), converged: z.boolean(),
          // resolved = false: the gap is below bound = 2 × the K test's round-off floor; only λ ≲ bound is known
          resolved: z.boolean(), bound: z.number(),
          eigenvalues: z.array(z.object({ re: z.number(), im: z.number() })), note: z.string().optional(),
        }),
      ),
      seconds: z.number(),
    }),
  ],
  /**
   * A quench of the two-photon model g_i → g_f at a fixed ε (the NESS at g_i propagated under g_f; src-core/model/
   * quench.ts, the numbers of `epstudio quench --model two-photon-kerr`): the quench columns (t, <a>, <a†a>, S_W, Π_J,
   * Π_d, Π_U, Φ, Φ_q, G) plus Π_U per term and Π_η, one row per sample. At most 2001 samples (longer runs: a study).
   */
  'model.quench': [
    ModelPointSchema.omit({ g: true })
      .extend({
        gInitial: ruled({ ...TWO_PHOTON_KERR_RULES.g, max: 100 }),
        gFinal: ruled({ ...TWO_PHOTON_KERR_RULES.g, max: 100 }),
        tMax: ruled({ min: 0, exclusiveMin: true, max: 1000 }),
        dt: ruled({ min: 1e-4, max: 100 }),
        rtol: ruled({ min: 1e-14, max: 1e-3 }).optional(),
      })
      .refine((r) => r.dt <= r.tMax && r.tMax / r.dt + 1 <= 2001, { message: 'Δt ≤ t_max and at most 2001 samples (t_max/Δt + 1)', path: ['dt'] }),
    z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.number())), Ks: z.array(z.number()), seconds: z.number() }),
  ],
  /** End the running model run (if any): its request fails with "cancelled". */
  'model.cancel': [z.object({}), z.object({ cancelled: z.boolean() })],
  /**
   * Open a file of heterodyne outcomes (CSV, .npy, HDF5 with `dataset`): Electron asks with the native open dialog
   * (no `upload`, no `path`); the browser host takes an upload (the file's bytes, base64); `path` reads a file inside the
   * data folder or a folder picked in a dialog. Read once with the CLI's readers; the outcomes stay on the main side
   * under the returned handle. null = dialog cancelled.
   */
  'lab.open': [
    z
      .strictObject({
        upload: z.strictObject({ name, data: z.string().max(LAB_UPLOAD_MAX) }).optional(),
        path: dir.optional(),
        dataset: z.string().max(500).regex(/^\/[\w./ -]*$/, 'an HDF5 dataset path such as /outcomes').optional(),
        columns: z.string().max(200).optional(),
      })
      .refine((r) => !(r.upload && r.path !== undefined), 'give at most one of upload or path'),
    z
      .object({
        handle: z.string(),
        name: z.string(),
        format: z.enum(['csv', 'npy', 'hdf5']),
        rows: z.number(),
        columns: z.string(),
        bytes: z.number(),
        sha256: z.string(),
        /** Time column present: the analysis runs per time bin. */
        hasTime: z.boolean(),
        times: z.number(),
      })
      .nullable(),
  ],
  /**
   * Analyse opened outcomes (the CLI's `epstudio heterodyne` engine: moments, k-NN S_W, ML tomography, bootstrap on the
   * worker pool), per time bin when the file has a t column. Progress: 'lab' push events with this job; lab.cancel stops it.
   */
  'lab.analyze': [
    z.strictObject({
      job: labJob,
      handle: labHandle,
      efficiency: finite.gt(0).max(1).optional(),
      kappa: finite.min(KERR_RULES.kappa.min!).max(KERR_RULES.kappa.max!).optional(),
      U: finite.min(-1e3).max(1e3).optional(),
      bootstrap: z.number().int().min(0).max(2000).optional(),
      knn: z.number().int().min(1).max(50).optional(),
      seed: z.number().int().min(0).max(4294967295).optional(),
      timeBins: z.number().int().min(1).max(100).optional(),
      /** Points per side of the Q images (the histogram has as many cells at most). */
      pixels: z.number().int().min(16).max(128).optional(),
    }),
    z.object({
      job: z.string(),
      M: z.number(),
      efficiency: z.number(),
      kappa: z.number().nullable(),
      U: z.number().nullable(),
      bootstrap: z.number(),
      seconds: z.number(),
      /** One μ box for every image: Q images on nx × ny points (both ends included), histograms on hist × hist cells. */
      grid: LabGrid,
      hist: z.number(),
      bins: z.array(
        z.object({
          /** Time of the bin (null without a t column) and its range. */
          t: z.number().nullable(),
          tMin: z.number().nullable(),
          tMax: z.number().nullable(),
          M: z.number(),
          /** Outcome density: counts / (M · cell area), hist × hist cells, row-major, row 0 at yMin. */
          histogram: z.array(z.number()),
          /** Q of the detected state E_η(ρ̂) on the grid (row-major, row 0 at yMin). */
          Q: z.array(z.number()),
          K: z.number(),
          topPopulation: z.number(),
          converged: z.boolean(),
          estimates: z.record(z.string(), LabEstimate),
          comparison: z.object({ knn: LabEstimate, tomography: LabEstimate, agree: z.boolean(), statement: z.string() }),
          warnings: z.array(z.string()),
        }),
      ),
    }),
  ],
  'lab.cancel': [z.strictObject({ job: labJob }), z.object({ cancelled: z.boolean() })],
  /**
   * The Kerr model's NESS (engine, Fock solve) beside the data: Q of E_η(ρ) on the analysis grid and its exact values
   * (the same quantities as the estimates; Π_U with U = u/N).
   */
  'lab.model': [
    z
      .strictObject({
        model: LabModelSchema,
        efficiency: finite.gt(0).max(1).optional(),
        grid: GridSchema.extend({ nx: z.number().int().min(4).max(128), ny: z.number().int().min(4).max(128) }),
        /**
         * A quench measured in the lab (time-resolved outcomes): the state at each of `times` after ε_i → ε, from the
         * NESS at ε_i (seed 000 Sec. IV A; `epstudio heterodyne-sample --t`). Without it: the NESS at ε.
         */
        quench: z
          .strictObject({ epsInitial: finite.nonnegative().max(KERR_RULES.eps.max!), times: z.array(finite.nonnegative().max(100)).min(1).max(100) })
          .refine((q) => q.times.every((t, i) => i === 0 || t > q.times[i - 1]), { message: 'strictly increasing times', path: ['times'] })
          .optional(),
      }),
    z.object({
      K: z.number(),
      /** The NESS (or, with quench, the state at the first time): Q of E_η(ρ) on the grid and its exact values. */
      Q: z.array(z.number()),
      values: z.record(z.string(), z.number().nullable()),
      topPopulation: z.number(),
      /** With quench: the same at each time. */
      times: z.array(z.object({ t: z.number(), Q: z.array(z.number()), values: z.record(z.string(), z.number().nullable()), topPopulation: z.number() })).optional(),
    }),
  ],
  /**
   * Fit the Kerr NESS to opened outcomes by maximum likelihood (src-core/lab/fitKerr.ts; `epstudio heterodyne --fit
   * kerr`): the free parameters among ε, Δ, u, N (not ε, u and N together) with κ and η known, errors from the observed
   * information, the model's entropy production at the fitted parameters. Steady-state outcomes only (no t column).
   * `analysis`: a finished lab.analyze of the same file, whose ML state the likelihood is compared with. On the pool,
   * with 'model-fit' progress events; lab.cancel stops it.
   */
  'lab.fit': [
    z.strictObject({
      job: labJob,
      handle: labHandle,
      analysis: labJob.optional(),
      kappa: finite.min(KERR_RULES.kappa.min!).max(KERR_RULES.kappa.max!),
      efficiency: finite.gt(0).max(1).optional(),
      free: z.array(z.enum(['eps', 'delta', 'u', 'N'])).min(1).max(3),
      /** Fixed values and starting points (a free ε starts from the data's mean field), in the engine's ranges. */
      initial: z.strictObject({
        N: finite.min(KERR_RULES.N.min!).max(1e3),
        eps: finite.nonnegative().max(KERR_RULES.eps.max!),
        delta: finite.min(KERR_RULES.delta.min!).max(KERR_RULES.delta.max!),
        u: finite.min(KERR_RULES.u.min!).max(KERR_RULES.u.max!),
      }),
    }),
    z.object({
      job: z.string(),
      params: z.object({ N: z.number(), eps: z.number(), delta: z.number(), u: z.number() }),
      sigma: z.record(z.string(), z.number().nullable()),
      free: z.array(z.string()),
      logLikelihood: z.number().nullable(),
      iterations: z.number(),
      converged: z.boolean(),
      K: z.number(),
      topPopulation: z.number(),
      /** The model's entropy production at the fitted parameters, ± by propagation of the covariance. */
      model: z.record(z.string(), LabEstimate),
      goodnessOfFit: z.object({ chi2: z.number().nullable(), dof: z.number(), pValue: z.number().nullable(), statement: z.string() }),
      errorMethod: z.string(),
      warnings: z.array(z.string()),
      seconds: z.number(),
    }),
  ],
  /** Outcomes needed for a target σ (the CLI's --target-sigma: σ ∝ 1/√M from the measured σ at M), per time bin. */
  'lab.plan': [
    z.strictObject({ job: labJob, target: finite.positive().max(1e6) }),
    z.object({
      rule: z.string(),
      bins: z.array(
        z.object({
          t: z.number().nullable(),
          M: z.number(),
          rows: z.array(z.object({ quantity: z.string(), sigma: z.number().nullable(), M_needed: z.number().nullable() })),
        }),
      ),
    }),
  ],
  /**
   * The analysis as CSV (the CLI's columns, one row per time bin) and JSON (the CLI's --json, plus the model's values
   * when given) with provenance, into a new folder (Electron: dialog; browser host: exports/lab-<file>-<n>). Never
   * replaces a file. null = dialog cancelled.
   */
  'lab.export': [
    z
      .strictObject({
        job: labJob,
        model: LabModelSchema.optional(),
        quench: z.strictObject({ epsInitial: finite.nonnegative().max(KERR_RULES.eps.max!) }).optional(),
        /** A finished lab.fit of the same file: its parameters, errors and goodness of fit go into both files. */
        fit: labJob.optional(),
      })
      .refine((r) => !r.quench || r.model, { message: 'quench only with a model', path: ['quench'] }),
    z.object({ dir: z.string(), files: z.array(z.string()) }).nullable(),
  ],
} as const satisfies Record<string, readonly [z.ZodType, z.ZodType]>;

export type Method = keyof typeof METHODS;
export const METHOD_NAMES = Object.keys(METHODS) as Method[];
export type Req<M extends Method> = z.input<(typeof METHODS)[M][0]>;
export type Res<M extends Method> = z.output<(typeof METHODS)[M][1]>;

/** Menu commands pushed from the Electron menu to the window. */
export const MENU_ACTIONS = ['new-study', 'open-study', 'save-study', 'export-figures', 'about'] as const;
export type MenuAction = (typeof MENU_ACTIONS)[number];

export type StudyEventMsg = z.output<typeof StudyEventSchema>;
/** Everything the main side pushes to the window. */
export type PushEvent = { channel: 'study'; event: StudyEventMsg } | { channel: 'menu'; action: MenuAction } | { channel: 'lab'; event: LabEventMsg };

/** Wire format of the browser host's WebSocket (Electron uses ipcRenderer.invoke with the same method names). */
export type WireRequest = { id: number; method: Method; params: unknown };
/** `id` is null when the request had no usable id (not JSON, not an object). */
export type WireResponse = { id: number | null; ok: true; result: unknown } | { id: number | null; ok: false; error: ApiErrorBody };
export type WirePush = { push: PushEvent };

/** An error the user can act on, across the wire: which field, what range, what was sent. */
export interface ApiErrorBody {
  message: string;
  field?: string;
  allowed?: string;
}

/** Validate a request; returns the parsed params or throws ApiError naming the first bad path. */
export function parseRequest<M extends Method>(method: M, params: unknown): z.output<(typeof METHODS)[M][0]> {
  // Checked before METHODS[method]: indexing with a hostile object calls its toString (found by the fuzz test).
  if (!isMethod(method)) throw new ApiError({ message: `unknown method ${quoteValue(method)}` });
  const entry = METHODS[method];
  const r = entry[0].safeParse(params ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    // Paths can hold a page's own keys (a record's): cut like any quoted value.
    const field = quoteField(issue?.path.map(String).join('.') || '(request)');
    const allowed = quoteField(issue?.message ?? 'invalid', 200);
    throw new ApiError({ message: `${method}: ${field}: ${allowed}`, field, allowed });
  }
  return r.data as z.output<(typeof METHODS)[M][0]>;
}

export function isMethod(m: unknown): m is Method {
  return typeof m === 'string' && Object.prototype.hasOwnProperty.call(METHODS, m);
}

export class ApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
  }
}

/** What the preload exposes as `window.epstudio` and what the browser client implements: the same surface. */
export interface EpStudioApi {
  invoke<M extends Method>(method: M, params: Req<M>): Promise<Res<M>>;
  /** Subscribe to pushed events; returns the unsubscribe function. */
  onPush(listener: (e: PushEvent) => void): () => void;
  readonly host: 'electron' | 'browser';
}
