/**
 * Task executors: how one task of a study is cut into pool jobs, and how its partial results are checkpointed.
 *
 * Quench (seed 000 Sec. IV): propagation is sequential in time, so one trajectory runs as a chain of `propagate`
 * jobs (a chunk of samples each, ρ moved in and out as transferables); the observables of each finished sample
 * (Q-grid quantities, G) are independent `observables` jobs that other workers pick up while propagation goes on.
 * The checkpoint holds the rows 0…s that are final and ρ at sample s. propagateInterval is deterministic in its
 * inputs and ρ is saved bit for bit, so a resumed trajectory reproduces the uninterrupted one exactly, whatever the
 * chunking, the worker count or the number of resumes.
 *
 * Sweeps: points are independent; chunks of points run in parallel; the checkpoint holds the finished points.
 *
 * A task ends by store.writeResult (the CSV, then its size and sha256 in the manifest) and only then drops its
 * checkpoint: killed in between, resume finds either a recorded result or the checkpoint.
 */
import type { StudyEvent } from '../api/events.js';
import { JobError } from '../jobs/pool.js';
import { PRIORITY, type Scheduler } from '../jobs/scheduler.js';
import type { PlanResult, PropagateResult, QuenchJobParams, RhoData, RowsResult } from '../../workers/protocol.js';
import { GAP_COLUMNS, TP_GAP_SECTOR_COLUMNS, type PlannedTask } from './spec.js';
import { planModelQuench } from '../../src-core/model/quench.js';
import { GAP_RESOLUTION_TEXT, gapResolution, gapsBelow, unresolvedText } from '../../src-core/model/twoPhotonKerr.js';
import type { Checkpoint, StudyStore } from './store.js';
import { formatKChanges, NESS_DISTANCE_TEXT, NessEta, planQuench, type KChangeMerged } from '../../src-core/kerr/quench.js';
import { fromTaskParams, provenanceMeta, type Provenance } from '../io/provenance.js';
import { sampleTime } from '../io/sampleTime.js';
import { VERSION } from '../version.js';

export interface ExecContext {
  sched: Scheduler;
  store: StudyStore;
  studyId: string;
  emit: (e: StudyEvent) => void;
  /** Start order of the task (scheduler tie-break: earlier tasks first). */
  order: number;
  /** Minimum seconds between checkpoints of one task (0: at every advance). */
  checkpointSeconds: number;
  /** Samples per propagation job. */
  chunk: number;
  /** How far propagation may run ahead of the finished observables (samples), bounding memory. */
  maxAhead: number;
}

export interface TaskOutcome {
  state: 'done' | 'failed' | 'cancelled';
  rows: number;
  error?: string;
  /** Metadata lines for the task CSV (written by the caller with the rows). */
}

const copyRho = (r: RhoData): RhoData => ({ re: r.re.slice(), im: r.im.slice() });

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isCancel(e: unknown): boolean {
  return e instanceof JobError && e.cancelled;
}

export function quenchJobParams(t: PlannedTask): QuenchJobParams {
  if (t.modelQuench) {
    const { untilNess: _, ...spec } = t.modelQuench;
    return spec;
  }
  const q = t.quench!;
  const p: QuenchJobParams = { kappa: q.kappa, delta: q.delta, u: q.u, N: q.N, epsInitial: q.epsInitial, epsFinal: q.epsFinal, tMax: q.tMax, dt: q.dt };
  if (q.K !== undefined) p.K = q.K;
  if (q.rtol !== undefined) p.rtol = q.rtol;
  return p;
}

/**
 * Metadata lines common to every task CSV: the task, then the provenance record (src-main/io/provenance.ts) with the
 * model, N, ε_i, ε_f, Δt, K, rtol, grid and units. Deterministic (no date), so resumed files match. The program and
 * app_version are this one, the version that computes the task (a study resumed by a later version mixes the two: each
 * task file names its own; service.versionNote says so at the resume).
 */
function baseMeta(t: PlannedTask, ctx: ExecContext, extra: Partial<Provenance> = {}): Record<string, string | number | boolean> {
  const meta: Record<string, string | number | boolean> = {
    study: ctx.store.spec.name,
    task: t.info.id,
    kind: t.info.kind,
    label: t.info.label,
  };
  const rec: Provenance = {
    command: `epstudio ${VERSION} study (task ${t.info.id})`,
    appVersion: VERSION,
    ...fromTaskParams([t.info.params]),
    ...extra,
    columns: t.columns,
  };
  Object.assign(meta, provenanceMeta(rec), { spec_hash: ctx.store.study.hash });
  return meta;
}

/**
 * The quadrature of the phase-space integrals, as a rule (the grid is chosen per state by autoPolarGrid, so its
 * sizes vary along a trajectory; the rule and its cap are what a resumed run reproduces exactly).
 */
function polarGridRule(K?: number): string {
  const cap = K === undefined ? 'a power of two ≥ 16K' : String(Math.max(16, 2 ** Math.ceil(Math.log2(16 * K))));
  return `polar per state (autoPolarGrid): Gauss–Legendre radial nodes 10·r_max + 10 on [0; r_max] with r_max where the angle-averaged Q falls below 1e-18 of its peak (rounded up to 0.5); FFT angles adaptive per radius up to ${cap}`;
}

/**
 * The 'points' job whose gap λ at the final parameters seeds an untilNess run's ETA (distance ≈ C e^{−λt}): the Kerr
 * gap at ε_f, or the two-photon model's at g_f (the overall gap: both parity sectors at ε = 0; the gap column is the
 * 4th of both TP_GAP layouts, as GAP_COLUMNS' 3rd for Kerr).
 */
function etaGapJob(q: QuenchJobParams): Parameters<Scheduler['submit']>[0] {
  if ('model' in q) {
    const f = q.final;
    return { op: 'points', sweep: 'tp-gap', fixed: { model: q.model, kappa: f.kappa, delta: f.delta, u: f.u, eta0: f.eta0, eps: f.eps, N: f.N }, xs: [f.g] };
  }
  return { op: 'points', sweep: 'gap', fixed: { kappa: q.kappa, delta: q.delta, u: q.u, N: q.N }, xs: [q.epsFinal] };
}

/** Numbers a quench checkpoint row carries after the task's columns (see runQuench). */
export const QUENCH_CK_EXTRA = 5;

export async function runQuench(t: PlannedTask, ctx: ExecContext): Promise<TaskOutcome> {
  const id = t.info.id;
  const q = quenchJobParams(t);
  const tol = (t.quench ?? t.modelQuench)!.untilNess;
  const nCols = t.columns.length;
  const submit = <T>(job: Parameters<Scheduler['submit']>[0], prio: number, transfer?: ArrayBuffer[]) =>
    ctx.sched.submit<T>(job, prio, ctx.order, transfer ? { transfer } : {}, id);

  // Checkpoint rows carry QUENCH_CK_EXTRA numbers after the task's columns (not written to the CSV): K of the sample, the
  // kinds of basis change in its interval (K_CHANGE_BITS), the population shrinks discarded there, the distance from
  // the NESS (untilNess runs; NaN otherwise) and the top-level population. The K history, the metadata and the
  // arrival test of a resumed run are rebuilt from them, so its CSV is byte-identical to an uninterrupted run's.
  const ckCols = nCols + QUENCH_CK_EXTRA;
  let ck = ctx.store.readCheckpoint(id);
  if (ck && (ck.kind !== 'quench' || ck.nCols !== ckCols || ck.nRows < 1 || !ck.re || ck.rows[(ck.nRows - 1) * ckCols + nCols] !== ck.K)) ck = null;
  let plan: PlanResult;
  try {
    plan = await submit<PlanResult>({ op: 'quench-plan', q, withState: !ck }, PRIORITY.plan);
    if (ck && (!plan.adaptive && ck.K !== plan.K)) {
      // A checkpoint from another (fixed) basis size cannot continue this plan: start over.
      ck = null;
      plan = await submit<PlanResult>({ op: 'quench-plan', q, withState: true }, PRIORITY.plan);
    }
  } catch (e) {
    return isCancel(e) ? { state: 'cancelled', rows: 0 } : { state: 'failed', rows: 0, error: errorText(e) };
  }
  const times = plan.times;
  /** Per sample: K, change kinds, discarded population, NESS distance, top population (see QUENCH_CK_EXTRA). */
  const Ks: number[] = [plan.K], kinds: number[] = [0], disc: number[] = [0], dist: number[] = [], tops: number[] = [];
  // ETA of an untilNess run: distance ≈ C e^{−λt}, λ the Liouvillian gap at ε_f (a 'gap' point job on an idle
  // worker), refined from the observed decay; the predicted arrival, not the cap, sets the progress total.
  const eta = tol !== undefined ? new NessEta(tol, null) : null;
  if (eta)
    void ctx.sched
      .submit<RowsResult>(etaGapJob(q), PRIORITY.points, ctx.order, {}, id)
      .then((r) => {
        // two-photon at ε = 0: the trajectory stays in the even sector (the NESS's), so its gap sets the approach
        const col = !('model' in q) ? GAP_COLUMNS.indexOf('gap') : q.final.eps === 0 ? TP_GAP_SECTOR_COLUMNS.indexOf('gap_even') : TP_GAP_SECTOR_COLUMNS.indexOf('gap');
        const g = r.rows[col];
        if (g > 0) eta.gap = g;
      })
      .catch(() => undefined);
  let predicted = times.length;
  let last = times.length - 1;
  const rows: (Float64Array | undefined)[] = [];
  const rhos = new Map<number, RhoData>();
  let frontier = -1;
  let cur = 0;
  let abort: { cancelled: boolean; error?: string } | null = null;
  let lastCk = performance.now();
  let wake: (() => void) | null = null;
  const pending = new Set<Promise<unknown>>();

  const writeCk = () => {
    if (frontier < 0) return;
    const rho = rhos.get(frontier)!;
    const flat = new Float64Array((frontier + 1) * ckCols);
    for (let i = 0; i <= frontier; i++) {
      flat.set(rows[i]!, i * ckCols);
      flat.set([Ks[i], kinds[i], disc[i], dist[i] ?? NaN, tops[i]], i * ckCols + nCols);
    }
    const c: Checkpoint = { kind: 'quench', nRows: frontier + 1, nCols: ckCols, mask: new Uint8Array(frontier + 1).fill(1), rows: flat, K: Ks[frontier], re: rho.re, im: rho.im };
    ctx.store.writeCheckpoint(id, c);
    lastCk = performance.now();
  };

  const emitRow = (k: number) => {
    const r = rows[k]!;
    const row: Record<string, number> = {};
    t.columns.forEach((c, j) => (row[c] = r[j]));
    ctx.emit({ type: 'sample-ready', studyId: ctx.studyId, taskId: id, index: k, row });
  };

  let doneRows = 0;
  let reachedNess = false;
  const progress = () => {
    const total = Math.max(doneRows, Math.min(last + 1, predicted));
    ctx.emit({
      type: 'task-progress', studyId: ctx.studyId, taskId: id, fraction: Math.min(1, doneRows / total), done: doneRows, total,
      ...(frontier >= 0 && { K: Ks[frontier], topPopulation: maxTop }),
    });
  };

  /** Arrival at the NESS is decided in sample order (the first sample within tol), whatever order results come in. */
  let maxTop = 0;
  const arrive = (k: number) => {
    maxTop = Math.max(maxTop, tops[k] ?? 0);
    if (!eta || k === 0 || reachedNess) return;
    const e = eta.add(times[k], dist[k]);
    if (dist[k] <= tol!) {
      last = k;
      reachedNess = true;
    } else if (Number.isFinite(e.tArrive)) predicted = Math.round(e.tArrive / q.dt) + 1;
  };

  const advance = () => {
    const before = frontier;
    while (frontier < last && rows[frontier + 1] !== undefined) arrive(++frontier);
    if (frontier === before) return;
    for (const k of rhos.keys()) if (k < frontier) rhos.delete(k);
    if (frontier < last && performance.now() - lastCk >= ctx.checkpointSeconds * 1000) writeCk();
    wake?.();
  };

  if (ck) {
    for (let i = 0; i < ck.nRows; i++) {
      rows[i] = ck.rows.slice(i * ckCols, i * ckCols + nCols);
      const x = ck.rows.subarray(i * ckCols + nCols, (i + 1) * ckCols);
      [Ks[i], kinds[i], disc[i], dist[i], tops[i]] = x;
      arrive(i);
      emitRow(i);
    }
    frontier = ck.nRows - 1;
    cur = frontier;
    doneRows = ck.nRows;
    rhos.set(frontier, { re: ck.re!, im: ck.im! });
    if (frontier > last) frontier = last;
    progress();
  } else {
    rhos.set(0, plan.rho!);
  }

  // The states go to the observables job and come back with its rows (transferred both ways, no copy): until then
  // rhos holds no usable array for them. Nothing reads them meanwhile: the checkpoint reads ρ at the frontier, whose
  // row (hence ρ) is back, and the propagation chain starts from its own copy (src).
  const observe = (ks: number[]) => {
    const rs = ks.map((k) => rhos.get(k)!);
    const job = { op: 'observables' as const, q, Ks: ks.map((k) => Ks[k]), rhos: rs, ks, ts: ks.map((k) => times[k]), withNess: tol !== undefined };
    const p = submit<RowsResult>(job, PRIORITY.observables, rs.flatMap((r) => [r.re.buffer as ArrayBuffer, r.im.buffer as ArrayBuffer]))
      .then((res) => {
        if (abort) return;
        ks.forEach((k, i) => {
          if (res.rhos && rhos.has(k)) rhos.set(k, res.rhos[i]);
          if (k > last) return;
          const r = new Float64Array(nCols);
          r[0] = times[k];
          r.set(res.rows.subarray(i * res.cols, (i + 1) * res.cols), 1);
          if (res.dist) dist[k] = res.dist[i];
          tops[k] = res.top![i];
          rows[k] = r;
          doneRows++;
          emitRow(k);
        });
        progress();
        advance();
      })
      .catch((e) => {
        abort ??= { cancelled: isCancel(e), error: isCancel(e) ? undefined : errorText(e) };
        wake?.();
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  /** The state the propagation chain continues from (its own copy: the observables jobs take the others away). */
  let src: RhoData = copyRho(rhos.get(cur)!);
  if (!ck) observe([0]);

  // Propagation chain (the critical path). Observables batches are small so that idle workers find work.
  const obsBatch = Math.max(1, Math.min(4, Math.ceil(ctx.chunk / 2)));
  while (cur < last && !abort && !reachedNess) {
    // Arrival at the NESS stops the frontier at `last` for good: waiting for it to come closer would never end.
    while (!abort && !reachedNess && cur - frontier > ctx.maxAhead) await new Promise<void>((r) => (wake = r));
    wake = null;
    if (abort || reachedNess) break;
    const steps = Math.min(ctx.chunk, last - cur);
    let res: PropagateResult;
    try {
      res = await submit<PropagateResult>({ op: 'propagate', q, K: Ks[cur], rho: src, steps }, PRIORITY.propagate, [
        src.re.buffer as ArrayBuffer,
        src.im.buffer as ArrayBuffer,
      ]);
    } catch (e) {
      abort ??= { cancelled: isCancel(e), error: isCancel(e) ? undefined : errorText(e) };
      break;
    }
    const fresh: number[] = [];
    for (let j = 0; j < res.rhos.length; j++) {
      const k = cur + 1 + j;
      rhos.set(k, res.rhos[j]);
      Ks[k] = res.Ks[j];
      kinds[k] = res.kinds[j];
      disc[k] = res.discarded[j];
      fresh.push(k);
    }
    cur = fresh[fresh.length - 1];
    src = copyRho(rhos.get(cur)!);
    for (let i = 0; i < fresh.length; i += obsBatch) observe(fresh.slice(i, i + obsBatch));
  }
  while (pending.size) await Promise.allSettled([...pending]);

  if (abort) {
    // a failed write (disk full) stops the whole run: nothing more is written (see service.start)
    if (ctx.store.failure) throw ctx.store.failure;
    writeCk();
    return abort.cancelled ? { state: 'cancelled', rows: frontier + 1 } : { state: 'failed', rows: frontier + 1, error: abort.error };
  }
  const dt = (t.quench ?? t.modelQuench)!.dt;
  // K: the fixed K, or "adaptive" with the history below (grid cap: the largest K used).
  const used = Ks.slice(0, last + 1);
  const Kmax = Math.max(...used);
  const meta: Record<string, string | number | boolean> = {
    ...baseMeta(t, ctx, { K: plan.adaptive ? 'adaptive' : String(plan.K), rtol: 'model' in q ? planModelQuench(q).rtol : planQuench(q).rtol, grid: polarGridRule(Kmax) }),
    samples: last + 1,
  };
  {
    const changes: KChangeMerged[] = [];
    let discarded = 0;
    for (let k = 1; k <= last; k++) {
      if (kinds[k]) changes.push({ sample: k, from: Ks[k - 1], to: Ks[k], kinds: kinds[k], discarded: disc[k] });
      discarded += disc[k];
    }
    Object.assign(meta, {
      K_initial: used[0], K_final: used[last], K_largest: Kmax,
      max_top_population: Math.max(...tops.slice(0, last + 1)),
      ...(plan.adaptive && { K_changes: formatKChanges(changes, times), shrink_discarded_population: discarded }),
    });
  }
  if (tol !== undefined)
    Object.assign(meta, {
      reached_ness: reachedNess,
      t_final: sampleTime(last, dt),
      ness_distance: dist[last],
      ness_distance_definition: NESS_DISTANCE_TEXT,
    });
  // t_k = k·Δt as written in decimals (0.6, not 0.6000000000000001): src-main/io/sampleTime.ts
  const table = (rows.slice(0, last + 1) as Float64Array[]).map((r, k) => {
    const c = r.slice();
    c[0] = sampleTime(k, dt);
    return c;
  });
  ctx.store.writeResult(id, meta, t.columns, table);
  ctx.store.removeCheckpoint(id);
  return { state: 'done', rows: last + 1 };
}

/**
 * A two-photon gap sweep's resolution metadata: the rule and the points whose gap (any of gap, gap_even, gap_odd) is
 * at or below the resolution (gapResolution): round-off, only an upper bound (`unresolved`, or 'none').
 */
function twoPhotonGapResolution(fixed: Record<string, number | string | boolean>, xs: number[], columns: readonly string[], table: Float64Array[]): Record<string, string> {
  const named = ['gap', 'gap_even', 'gap_odd'].filter((c) => columns.includes(c)).map((c) => [c, columns.indexOf(c)] as const);
  const unresolved = xs.flatMap((g, i) => {
    const p = { kappa: Number(fixed.kappa), delta: Number(fixed.delta), u: Number(fixed.u), eta0: Number(fixed.eta0 ?? 0), eps: Number(fixed.eps ?? 0), N: Number(fixed.N), g };
    const bound = gapResolution(p);
    const names = gapsBelow(bound, named.map(([c, j]) => [c, table[i][j]]));
    return names.length ? [unresolvedText(`g=${g}`, bound, names)] : [];
  });
  return { resolution: GAP_RESOLUTION_TEXT, unresolved: unresolved.length ? unresolved.join('; ') : 'none' };
}

/**
 * Points per job: a gap point takes up to ~1 s at N = 20 (the pumps of a block share their K search and Krylov
 * vectors, so longer blocks cost less per point: the whole N = 20 sweep took 42 s in one call and 46 s in blocks of 8;
 * 16 keeps ≥ 6 jobs per N for the two workers), an exact NESS point microseconds.
 */
const SWEEP_CHUNK: Record<string, number> = { gap: 16, 'ness-fock': 2, 'ness-exact': 16, gaussian: 64, 'tp-ness': 4, 'tp-gap': 8 };

export async function runSweep(t: PlannedTask, ctx: ExecContext): Promise<TaskOutcome> {
  const id = t.info.id;
  const s = t.sweep!;
  const n = s.xs.length;
  const nCols = t.columns.length;
  let ck = ctx.store.readCheckpoint(id);
  if (ck && (ck.kind !== 'sweep' || ck.nRows !== n || ck.nCols !== nCols)) ck = null;
  const mask = ck ? ck.mask.slice() : new Uint8Array(n);
  const rows = ck ? ck.rows.slice() : new Float64Array(n * nCols);
  let doneRows = mask.reduce((a, b) => a + b, 0);
  let lastCk = performance.now();
  let abort: { cancelled: boolean; error?: string } | null = null;
  const writeCk = () => {
    ctx.store.writeCheckpoint(id, { kind: 'sweep', nRows: n, nCols, mask, rows, K: 0 });
    lastCk = performance.now();
  };
  const emitRow = (i: number) => {
    const row: Record<string, number> = {};
    t.columns.forEach((c, j) => (row[c] = rows[i * nCols + j]));
    ctx.emit({ type: 'sample-ready', studyId: ctx.studyId, taskId: id, index: i, row });
  };
  for (let i = 0; i < n; i++) if (mask[i]) emitRow(i);

  // Fixed blocks of consecutive points, the same on every run and resume (a gap block warm-starts K along its pumps,
  // so its values depend on the block): a block's points are recorded together, so blocks are never split.
  const size = SWEEP_CHUNK[s.sweep] ?? 1;
  const jobs: Promise<void>[] = [];
  for (let b = 0; b < n; b += size) {
    const idx: number[] = [];
    for (let i = b; i < Math.min(n, b + size); i++) if (!mask[i]) idx.push(i);
    if (idx.length === 0) continue;
    jobs.push(
      ctx.sched
        .submit<RowsResult>({ op: 'points', sweep: s.sweep, fixed: s.fixed, xs: idx.map((i) => s.xs[i]) }, PRIORITY.points, ctx.order, {}, id)
        .then((res) => {
          if (abort) return;
          if (res.cols !== nCols) throw new Error(`worker returned ${res.cols} columns, expected ${nCols}`);
          idx.forEach((i, j) => {
            rows.set(res.rows.subarray(j * nCols, (j + 1) * nCols), i * nCols);
            mask[i] = 1;
            doneRows++;
            emitRow(i);
          });
          ctx.emit({ type: 'task-progress', studyId: ctx.studyId, taskId: id, fraction: doneRows / n, done: doneRows, total: n });
          if (doneRows < n && performance.now() - lastCk >= ctx.checkpointSeconds * 1000) writeCk();
        })
        .catch((e) => {
          if (!abort) {
            abort = { cancelled: isCancel(e), error: isCancel(e) ? undefined : errorText(e) };
            // A failed point fails the task: drop its other queued points (they would be wasted work).
          }
        }),
    );
  }
  await Promise.all(jobs);
  if (abort) {
    const a = abort as { cancelled: boolean; error?: string };
    if (ctx.store.failure) throw ctx.store.failure;
    if (doneRows > 0) writeCk();
    return a.cancelled ? { state: 'cancelled', rows: doneRows } : { state: 'failed', rows: doneRows, error: a.error };
  }
  const table: Float64Array[] = [];
  for (let i = 0; i < n; i++) table.push(rows.subarray(i * nCols, (i + 1) * nCols));
  const fock = (s.sweep === 'ness-fock' || s.sweep === 'tp-ness') && s.fixed.entropy === true;
  const meta: Record<string, string | number | boolean> = { ...baseMeta(t, ctx, fock ? { grid: polarGridRule() } : {}), points: n };
  if (s.sweep === 'tp-gap') Object.assign(meta, twoPhotonGapResolution(s.fixed, s.xs, t.columns, table));
  ctx.store.writeResult(id, meta, t.columns, table);
  ctx.store.removeCheckpoint(id);
  return { state: 'done', rows: n };
}
