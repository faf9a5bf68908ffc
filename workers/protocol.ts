/**
 * Messages between the pool (src-main/jobs/pool.ts) and the study worker (workers/studyWorker.ts).
 * Density matrices travel as split re/im Float64Arrays in the transfer list (moved, not copied or JSON-encoded).
 */
import type { QuenchSpec } from '../src-core/kerr/quench.js';
import type { ModelQuenchSpec } from '../src-core/model/quench.js';

/**
 * A quench as the engine plans it (one definition: src-core/kerr/quench.ts for seed 000's Kerr model,
 * src-core/model/quench.ts for a model-layer quench, told apart by its `model` field).
 */
export type QuenchJobParams = QuenchSpec | ModelQuenchSpec;

/** ρ without its K (the job carries K). */
export interface RhoData {
  re: Float64Array;
  im: Float64Array;
}

export type Job =
  /** planQuench (+ the initial NESS at ε_i when withState). */
  | { op: 'quench-plan'; q: QuenchJobParams; withState: boolean }
  /** `steps` sample intervals (advanceQuench: the basis adapts unless q.K is set) from ρ (of dimension K); ρ after each. */
  | { op: 'propagate'; q: QuenchJobParams; K: number; rho: RhoData; steps: number }
  /**
   * kerrObservables of each ρ (dimension Ks[i]) at ε_f; one row (QUENCH_TASK_COLUMNS without t) per ρ. With withNess,
   * also the distance from the NESS at ε_f in the same K (nessDistance of src-core/kerr/quench.ts).
   */
  | { op: 'observables'; q: QuenchJobParams; Ks: number[]; rhos: RhoData[]; ks: number[]; ts: number[]; withNess?: boolean }
  /** Independent sweep points; returns one row of the task's columns per x. */
  | { op: 'points'; sweep: 'ness-exact' | 'ness-fock' | 'gap' | 'gaussian' | 'tp-ness' | 'tp-gap'; fixed: Record<string, number | string | boolean>; xs: number[] };

export interface PlanResult {
  /** The first K (the only one when q.K is set). */
  K: number;
  adaptive: boolean;
  times: Float64Array;
  rho?: RhoData;
}

export interface PropagateResult {
  rhos: RhoData[];
  /** K of each returned ρ. */
  Ks: number[];
  /** Per step: bit mask of the basis changes in that interval (K_CHANGE_BITS) and the population discarded by shrinks. */
  kinds: number[];
  discarded: number[];
}

/** Rows, row-major, `cols` numbers each. */
export interface RowsResult {
  cols: number;
  rows: Float64Array;
  /** Observables jobs with withNess: distance from the NESS per row, and the quantity that sets it. */
  dist?: Float64Array;
  worst?: string[];
  /** Observables jobs: top-level population (two levels) of each ρ. */
  top?: Float64Array;
  /**
   * Observables jobs: the states, handed back (transferred both ways, never copied: at K ≈ 100 a copy per sample was
   * most of the main thread's garbage collection on long runs).
   */
  rhos?: RhoData[];
}

/** What a worker posts back: exactly one message per job (the pool resolves on the first message). */
export type JobReply<T = unknown> = { ok: true; value: T } | { ok: false; error: string; cancelled?: boolean };

/** Envelope the pool posts: the job, plus an optional port for progress messages ({ done, total }). */
export interface JobEnvelope {
  job: Job;
  port?: import('node:worker_threads').MessagePort;
}

export interface WorkerInit {
  /** Int32Array(1) over a SharedArrayBuffer: non-zero means "cancel": jobs stop at the next sample. */
  cancel: SharedArrayBuffer;
}

/** Column order of the observables job's rows (QUENCH_TASK_COLUMNS without t). */
export const OBSERVABLE_FIELDS = ['a_re', 'a_im', 'n', 'S_W', 'Pi_J', 'Pi_ext', 'Pi_d', 'Pi_U', 'Phi', 'Phi_ext', 'Phi_q', 'G', 'alpha_abs'] as const;
