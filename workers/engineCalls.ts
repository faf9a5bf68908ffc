/**
 * The engine calls behind each job of workers/studyWorker.ts: argument mapping and row packing only.
 * Rows are packed as Float64Array in the column order of src-main/studies/spec.ts (one definition per task kind).
 */
import { exactNess } from '../src-core/kerr/exactSteadyState.js';
import { nessDensityMatrix } from '../src-core/kerr/steadyState.js';
import type { KerrParams } from '../src-core/kerr/model.js';
import { kerrObservables } from '../src-core/phaseSpace/observables.js';
import { gaussianNess } from '../src-core/gaussian/ness.js';
import { PRESETS as GAUSSIAN_PRESETS } from '../src-core/gaussian/model.js';
import { criticalCoupling } from '../src-core/gaussian/stability.js';
import { couplingFrom } from '../src-core/gaussian/sweep.js';
import { advanceQuench, checkQuenchState, K_CHANGE_BITS, NessCache, SlowModeCache, slowModesPay, nessDistance, planQuench, quenchInitialState, type QuenchPlan, type QuenchSpec } from '../src-core/kerr/quench.js';
import { chooseK, guardTruncation } from '../src-core/kerr/truncation.js';
import { gapSweep, liouvillianSpectrum } from '../src-core/kerr/spectrum.js';
import { twoPhotonKerrModel, type TwoPhotonKerrParams } from '../src-core/model/instances.js';
import { twoPhotonGapSweep, twoPhotonNess, twoPhotonSectorSpectra, twoPhotonSpectrum } from '../src-core/model/twoPhotonKerr.js';
import type { ParitySector } from '../src-core/model/liouvillian.js';
import type { WarmStart } from '../src-core/kerr/spectrum.js';
import { moments } from '../src-core/phaseSpace/entropyProduction.js';
import { modelEntropyProduction } from '../src-core/phaseSpace/modelEntropy.js';
import {
  advanceModelQuench, ModelNessCache, modelQuenchInitialState, modelQuenchObservables, modelQuenchRow, planModelQuench,
  type ModelQuenchPlan, type ModelQuenchSpec,
} from '../src-core/model/quench.js';
import { OBSERVABLE_FIELDS, type PlanResult, type QuenchJobParams, type RhoData, type RowsResult } from './protocol.js';

type KerrQuenchJob = Exclude<QuenchJobParams, ModelQuenchSpec>;
const isModelQuench = (q: QuenchJobParams): q is ModelQuenchSpec => 'model' in q;

const finalParams = (q: KerrQuenchJob): KerrParams => ({ kappa: q.kappa, delta: q.delta, u: q.u, N: q.N, eps: q.epsFinal });

function quenchSpec(q: KerrQuenchJob): QuenchSpec {
  const s: QuenchSpec = { kappa: q.kappa, delta: q.delta, u: q.u, N: q.N, epsInitial: q.epsInitial, epsFinal: q.epsFinal, tMax: q.tMax, dt: q.dt };
  if (q.K !== undefined) s.K = q.K;
  if (q.rtol !== undefined) s.rtol = q.rtol;
  return s;
}

/** One plan per worker and spec (chooseK costs 5–40 ms; a trajectory's jobs all ask for the same one). */
let planCache: { key: string; plan: QuenchPlan } | null = null;
function cachedPlan(q: KerrQuenchJob): QuenchPlan {
  const key = JSON.stringify(quenchSpec(q));
  if (planCache?.key !== key) planCache = { key, plan: planQuench(quenchSpec(q)) };
  return planCache.plan;
}

// ---- model-layer quench (two-photon-driven Kerr; src-core/model/quench.ts): the same jobs, the model's engine ----

let modelPlanCache: { key: string; plan: ModelQuenchPlan; ness?: ModelNessCache } | null = null;
function cachedModelPlan(q: ModelQuenchSpec): { plan: ModelQuenchPlan; ness?: ModelNessCache } {
  const key = JSON.stringify(q);
  if (modelPlanCache?.key !== key) modelPlanCache = { key, plan: planModelQuench(q) };
  return modelPlanCache;
}

/** Column order of a model quench's observables rows: MODEL_QUENCH_COLUMNS without t, then |α| (TP_QUENCH_COLUMNS). */
function modelObservablesRows(q: ModelQuenchSpec, Ks: number[], rhos: RhoData[], ks: number[], ts: number[], checkCancel: () => void, withNess: boolean): RowsResult {
  const c = cachedModelPlan(q);
  const { plan } = c;
  const cols = 16;
  const rows = new Float64Array(rhos.length * cols);
  const dist = withNess ? new Float64Array(rhos.length) : undefined;
  const top = new Float64Array(rhos.length);
  const worst: string[] = [];
  rhos.forEach((r, i) => {
    checkCancel();
    const K = Ks[i];
    const rho = { K, re: r.re, im: r.im };
    top[i] = checkQuenchState(rho, ts[i]).top;
    // sample 0: the pre-quench NESS under the pre-quench model (as runModelQuench)
    const o = modelQuenchObservables(rho, ks[i] === 0 ? plan.initialModel : plan.finalModel, plan.final.N);
    rows.set([...modelQuenchRow(ts[i], o).slice(1), o.alpha_abs], i * cols);
    if (dist) {
      c.ness ??= new ModelNessCache(plan.finalModel, plan.final.N);
      const ref = c.ness.get(K);
      const d = nessDistance(rho, o, ref.rho, ref.o, plan.final.kappa);
      dist[i] = ks[i] === 0 ? Math.max(d.distance, Number.MIN_VALUE) : d.distance;
      worst.push(d.worst);
    }
  });
  return dist ? { cols, rows, top, dist, worst } : { cols, rows, top };
}

export function quenchPlan(q: QuenchJobParams, withState: boolean): PlanResult {
  if (isModelQuench(q)) {
    const { plan } = cachedModelPlan(q);
    const times = plan.times.slice();
    if (!withState) return { K: plan.K, adaptive: plan.adaptive !== null, times };
    // the start NESS may grow K beyond the plan's first guess: its own K is the first sample's
    const rho = modelQuenchInitialState(plan);
    return { K: rho.K, adaptive: plan.adaptive !== null, times, rho: { re: rho.re, im: rho.im } };
  }
  const plan = cachedPlan(q);
  const times = plan.times.slice();
  if (!withState) return { K: plan.K, adaptive: plan.adaptive !== null, times };
  const rho = quenchInitialState(plan);
  return { K: plan.K, adaptive: plan.adaptive !== null, times, rho: { re: rho.re, im: rho.im } };
}

/** ρ one sample (Δt) later, the basis adapted: the engine's deterministic interval step (resumable bit for bit). */
export function propagateSamples(q: QuenchJobParams, K: number, rho: RhoData): { rho: RhoData; K: number; kinds: number; discarded: number } {
  let r: { rho: { K: number; re: Float64Array; im: Float64Array }; changes: { kind: keyof typeof K_CHANGE_BITS; discarded: number }[] };
  if (isModelQuench(q)) {
    const { plan } = cachedModelPlan(q);
    r = advanceModelQuench({ K, re: rho.re, im: rho.im }, plan.finalModel, q.dt, plan.rtol, plan.adaptive);
  } else {
    const plan = cachedPlan(q);
    // slow modes where they pay for their set-up: the rule of the serial runQuench (a function of the spec)
    const slow = slowModesPay(plan.samples, plan.spec.dt, plan.final.kappa, plan.rtol) ? slowFor(q) : null;
    r = advanceQuench({ K, re: rho.re, im: rho.im }, plan.final, q.dt, plan.rtol, plan.adaptive, undefined, slow);
  }
  let kinds = 0, discarded = 0;
  for (const c of r.changes) {
    kinds |= K_CHANGE_BITS[c.kind];
    discarded += c.discarded;
  }
  return { rho: { re: r.rho.re, im: r.rho.im }, K: r.rho.K, kinds, discarded };
}

/** The NESS at ε_f and its observables, per K (a trajectory near its NESS keeps one or two K). */
let nessCache: { key: string; cache: NessCache } | null = null;
function nessFor(q: KerrQuenchJob): NessCache {
  const p = finalParams(q);
  const key = JSON.stringify(p);
  if (nessCache?.key !== key) nessCache = { key, cache: new NessCache(p) };
  return nessCache.cache;
}

/**
 * The slow modes of the final pump (quench.ts advanceQuench), per worker; their NESS is the untilNess reference's
 * (the same solve: nessDensityMatrix(final, K)), so a worker that does both solves it once.
 */
let slowCache: { key: string; cache: SlowModeCache } | null = null;
function slowFor(q: KerrQuenchJob): SlowModeCache {
  const p = finalParams(q);
  const key = JSON.stringify(p);
  if (slowCache?.key !== key) {
    const ness = nessFor(q);
    slowCache = { key, cache: new SlowModeCache(p, (K) => ness.get(K).rho) };
  }
  return slowCache.cache;
}

/**
 * Observables of the samples ks (times ts), with the checks of the engine's serial runQuench: trace within 1e-8 (else
 * the integration failed) and the truncation guard (TruncationError when the top Fock levels hold > 1e-9), so a
 * number from a basis too small is never written. Sample 0 is the NESS at ε_i and is evaluated with those parameters.
 */
export function observablesRows(q: QuenchJobParams, Ks: number[], rhos: RhoData[], ks: number[], ts: number[], checkCancel: () => void, withNess = false): RowsResult {
  if (isModelQuench(q)) return modelObservablesRows(q, Ks, rhos, ks, ts, checkCancel, withNess);
  const cols = OBSERVABLE_FIELDS.length;
  const rows = new Float64Array(rhos.length * cols);
  const dist = withNess ? new Float64Array(rhos.length) : undefined;
  const top = new Float64Array(rhos.length);
  const worst: string[] = [];
  const pf = finalParams(q);
  const pi: KerrParams = { ...pf, eps: q.epsInitial };
  rhos.forEach((r, i) => {
    checkCancel();
    const K = Ks[i];
    const rho = { K, re: r.re, im: r.im };
    top[i] = checkQuenchState(rho, ts[i]).top;
    const o = kerrObservables(rho, ks[i] === 0 ? pi : pf);
    OBSERVABLE_FIELDS.forEach((f, j) => (rows[i * cols + j] = o[f]));
    if (dist) {
      // Sample 0 is the NESS at ε_i: never "arrived" (its distance is computed all the same).
      const ref = nessFor(q).get(K);
      const d = nessDistance(rho, o, ref.rho, ref.o, pf.kappa);
      dist[i] = ks[i] === 0 ? Math.max(d.distance, Number.MIN_VALUE) : d.distance;
      worst.push(d.worst);
    }
  });
  return dist ? { cols, rows, top, dist, worst } : { cols, rows, top };
}

type Fixed = Record<string, number | string | boolean>;

const kerrAt = (f: Fixed, eps: number): KerrParams => ({ kappa: Number(f.kappa), delta: Number(f.delta), u: Number(f.u), N: Number(f.N), eps });

/** NESS sweep points: exact (Drummond–Walls moments) or Fock (direct solve; with the entropy quantities). */
export function nessPoints(sweep: string, f: Fixed, xs: number[], checkCancel: () => void): RowsResult {
  const entropy = f.entropy === true;
  const cols = 6 + (entropy ? 9 : 0);
  const rows = new Float64Array(xs.length * cols);
  xs.forEach((eps, i) => {
    checkCancel();
    const p = kerrAt(f, eps);
    const o = i * cols;
    rows[o] = p.N;
    rows[o + 1] = eps;
    if (sweep === 'ness-exact') {
      const e = exactNess(p);
      rows.set([e.a_re, e.a_im, e.n, e.alpha_abs], o + 2);
      return;
    }
    const K = f.K !== undefined ? Number(f.K) : chooseK({ kappa: p.kappa, delta: p.delta, u: p.u, N: p.N }, [eps]).K;
    const rho = nessDensityMatrix(p, K);
    guardTruncation(rho, { where: `ε = ${eps}` });
    const ob = kerrObservables(rho, p);
    rows.set([ob.a_re, ob.a_im, ob.n, ob.alpha_abs], o + 2);
    if (entropy) rows.set([ob.S_W, ob.Pi_J, ob.Pi_ext, ob.Pi_d, ob.Pi_U, ob.Phi, ob.Phi_ext, ob.Phi_q, ob.G], o + 6);
  });
  return { cols, rows };
}

/**
 * Gap sweep points (seed Fig. 3): λ = |Re ζ₁|, ζ₁, the K chosen by the eigenvalues' convergence, and whether they
 * converged. A job is a fixed block of consecutive pumps (the scheduler cuts the sweep into the same blocks on every
 * run and resume), evaluated by the engine's gapSweep, which seeds each K search from the previous pump's K: so the
 * values depend only on the block, never on the worker count or on resuming.
 */
export function gapPoints(_sweep: string, f: Fixed, xs: number[], checkCancel: () => void, progress?: (done: number, total: number) => void): RowsResult {
  const cols = 7;
  const rows = new Float64Array(xs.length * cols);
  const N = Number(f.N);
  if (f.K !== undefined) {
    xs.forEach((eps, i) => {
      checkCancel();
      const r = liouvillianSpectrum(kerrAt(f, eps), { count: 1, K: Number(f.K) });
      rows.set([N, eps, r.gap, r.eigenvalues[0].re, r.eigenvalues[0].im, r.K, r.converged ? 1 : 0], i * cols);
      progress?.(i + 1, xs.length);
    });
    return { cols, rows };
  }
  checkCancel();
  const pts = gapSweep({ kappa: Number(f.kappa), delta: Number(f.delta), u: Number(f.u) }, [N], xs, {
    onPoint: (_p, i, total) => {
      progress?.(i + 1, total);
      checkCancel();
    },
  });
  pts.forEach((p, i) => rows.set([p.N, p.eps, p.gap, p.zeta1.re, p.zeta1.im, p.K, p.converged ? 1 : 0], i * cols));
  return { cols, rows };
}

/** Gaussian sweep points (seed 004 Fig. 3): x = g/κ_a (cavity-om) or (g/g_cr)² (cavity-bec). */
export function gaussianPoints(_sweep: string, f: Fixed, xs: number[], checkCancel: () => void): RowsResult {
  const preset = GAUSSIAN_PRESETS[f.preset as 'cavity-om' | 'cavity-bec'];
  if (!preset) throw new Error(`unknown Gaussian preset ${String(f.preset)}`);
  const base = { ...preset.params, ...(f.gammaB !== undefined ? { gammaB: Number(f.gammaB) } : {}) };
  const crit = criticalCoupling(base);
  const cols = 8;
  const rows = new Float64Array(xs.length * cols);
  xs.forEach((x, i) => {
    checkCancel();
    const g = couplingFrom(preset.sweep.variable, x, base, crit.gCr);
    const r = gaussianNess({ ...base, g }, crit);
    rows.set([x, r.g, r.g_cr, r.Pi_s, r.mu_a, r.mu_b, r.n_a, r.n_b], i * cols);
  });
  return { cols, rows };
}

// ---- two-photon-driven Kerr model (issue 15; columns TP_* of src-main/studies/spec.ts) ----

const twoPhotonAt = (f: Fixed, g: number): TwoPhotonKerrParams => ({
  kappa: Number(f.kappa), delta: Number(f.delta), u: Number(f.u), eps: Number(f.eps), g, eta0: Number(f.eta0), N: Number(f.N),
});

/** Largest population the top two Fock levels of a written NESS may hold (as `steady --model two-photon-kerr`). */
const TP_TAIL_MAX = 1e-9;

/**
 * NESS points of the two-photon model: the Fock solve (the even parity sector at ε = 0, so <a> = 0 there exactly),
 * the cut-off grown per point until the top two levels hold < 1e-12 (or the fixed K), refused above 1e-9; with
 * `entropy`, every phase-space quantity with Π_U split per term (modelEntropyProduction).
 */
export function twoPhotonNessPoints(f: Fixed, xs: number[], checkCancel: () => void): RowsResult {
  const entropy = f.entropy === true;
  const cols = 10 + (entropy ? 12 : 0);
  const rows = new Float64Array(xs.length * cols);
  xs.forEach((g, i) => {
    checkCancel();
    const p = twoPhotonAt(f, g);
    const r = twoPhotonNess(p, f.K !== undefined ? { K: Number(f.K) } : {});
    if (!(r.tail < TP_TAIL_MAX))
      throw new Error(`two-photon NESS at N = ${p.N}, g = ${g}: the top two Fock levels hold ${r.tail.toExponential(2)} (> ${TP_TAIL_MAX}) at K = ${r.K}`);
    const o = i * cols;
    if (entropy) {
      const e = modelEntropyProduction(r.rho, twoPhotonKerrModel(p));
      rows.set([p.N, g, p.eps, e.a_re, e.a_im, e.n, e.n / p.N, Math.hypot(e.a_re, e.a_im) / Math.sqrt(p.N), r.K, r.tail], o);
      rows.set([e.S_W, e.Pi_J, e.Pi_ext, e.Pi_d, e.Pi_U, e.Pi_U_terms.kerr ?? 0, e.Pi_U_terms.twoPhotonDrive ?? 0, e.Pi_eta, e.Phi, e.Phi_ext, e.Phi_q, e.G], o + 10);
    } else {
      const m = moments(r.rho);
      rows.set([p.N, g, p.eps, m.a_re, m.a_im, m.n, m.n / p.N, Math.hypot(m.a_re, m.a_im) / Math.sqrt(p.N), r.K, r.tail], o);
    }
  });
  return { cols, rows };
}

/**
 * Gap points of the two-photon model. At ε = 0 the gap of each parity sector (twoPhotonGapSweep: K chosen by
 * convergence, warm-started along the block's g, so values depend only on the block, as for the Kerr gap); at ε > 0
 * the slowest eigenvalue of the whole Liouvillian.
 */
export function twoPhotonGapPoints(f: Fixed, xs: number[], checkCancel: () => void, progress?: (done: number, total: number) => void): RowsResult {
  const cols = 8;
  const rows = new Float64Array(xs.length * cols);
  const eps = Number(f.eps), N = Number(f.N);
  const K = f.K !== undefined ? Number(f.K) : undefined;
  checkCancel();
  if (eps === 0 && K === undefined) {
    const { kappa, delta, u, eta0 } = twoPhotonAt(f, 0);
    twoPhotonGapSweep({ kappa, delta, u, eta0, eps }, [N], xs, {
      onPoint: (p, i, total) => {
        rows.set([N, p.g, eps, p.gap, p.gapEven, p.gapOdd, p.K, p.converged ? 1 : 0], i * cols);
        progress?.(i + 1, total);
        checkCancel();
      },
    });
    return { cols, rows };
  }
  let warmAll: WarmStart | undefined;
  let warmSec: Partial<Record<ParitySector, WarmStart>> = {};
  xs.forEach((g, i) => {
    checkCancel();
    const p = twoPhotonAt(f, g);
    if (eps === 0) {
      const r = twoPhotonSectorSpectra(p, { count: 1, K }, warmSec);
      warmSec = r.warm;
      const [ev, od] = r.sectors.map((s) => s.spectrum);
      rows.set([N, g, eps, Math.min(ev.gap, od.gap), ev.gap, od.gap, Math.max(ev.K, od.K), ev.converged && od.converged ? 1 : 0], i * cols);
    } else {
      const r = twoPhotonSpectrum(p, { count: 1, K }, warmAll);
      warmAll = r.warm;
      const z = r.spectrum.eigenvalues[0];
      rows.set([N, g, eps, r.spectrum.gap, z.re, z.im, r.spectrum.K, r.spectrum.converged ? 1 : 0], i * cols);
    }
    progress?.(i + 1, xs.length);
  });
  return { cols, rows };
}
