/**
 * The engine calls behind each job of workers/studyWorker.ts: argument mapping and row packing only.
 * Rows are packed as Float64Array in the column order of src-main/studies/spec.ts (one definition per task kind).
 */
import { exactNess } from '../src-core/kerr/exactSteadyState.js';
import { nessDensityMatrix } from '../src-core/kerr/steadyState.js';
import type { KerrParams } from '../src-core/kerr/model.js';
import type { ComplexMatrix } from '../src-core/linalg/complexMatrix.js';
import { kerrObservables } from '../src-core/phaseSpace/observables.js';
import { gaussianNess } from '../src-core/gaussian/ness.js';
import { PRESETS as GAUSSIAN_PRESETS } from '../src-core/gaussian/model.js';
import { criticalCoupling } from '../src-core/gaussian/stability.js';
import { couplingFrom } from '../src-core/gaussian/sweep.js';
// TEMP until quench.ts lands
type QuenchSpec = { kappa: number; delta: number; u: number; N: number; epsInitial: number; epsFinal: number; tMax: number; dt: number; K?: number; rtol?: number };
const planQuench = (_s: QuenchSpec): { K: number; times: number[] } => { throw new Error('quench engine not available'); };
const quenchInitialState = (_s: QuenchSpec, _K: number): ComplexMatrix => { throw new Error('quench engine not available'); };
import { propagateInterval } from '../src-core/kerr/propagate.js';
import { liouvillianSpectrum } from '../src-core/kerr/spectrum.js';
import { OBSERVABLE_FIELDS, type PlanResult, type QuenchJobParams, type RhoData, type RowsResult } from './protocol.js';

const finalParams = (q: QuenchJobParams): KerrParams => ({ kappa: q.kappa, delta: q.delta, u: q.u, N: q.N, eps: q.epsFinal });

function quenchSpec(q: QuenchJobParams): QuenchSpec {
  const s: QuenchSpec = { kappa: q.kappa, delta: q.delta, u: q.u, N: q.N, epsInitial: q.epsInitial, epsFinal: q.epsFinal, tMax: q.tMax, dt: q.dt };
  if (q.K !== undefined) s.K = q.K;
  if (q.rtol !== undefined) s.rtol = q.rtol;
  return s;
}

export function quenchPlan(q: QuenchJobParams, withState: boolean): PlanResult {
  const spec = quenchSpec(q);
  const plan = planQuench(spec);
  const times = Float64Array.from(plan.times);
  if (!withState) return { K: plan.K, times };
  const rho = quenchInitialState(spec, plan.K);
  return { K: plan.K, times, rho: { re: rho.re, im: rho.im } };
}

/** ρ one sample (Δt) later: the engine's deterministic interval step (resumable bit for bit). */
export function propagateSamples(q: QuenchJobParams, K: number, rho: RhoData): RhoData {
  const next = propagateInterval({ K, re: rho.re, im: rho.im }, finalParams(q), q.dt, q.rtol !== undefined ? { rtol: q.rtol } : {});
  return { re: next.re, im: next.im };
}

/** One cached NESS per worker (a trajectory's jobs all ask for the same one). */
let nessCache: { key: string; rho: ComplexMatrix } | null = null;

/** max_mn |ρ_mn − ρ^NESS_mn| at ε_f, same basis. */
export function nessDistance(q: QuenchJobParams, K: number, rho: RhoData): number {
  const p = finalParams(q);
  const key = JSON.stringify([p, K]);
  if (nessCache?.key !== key) nessCache = { key, rho: nessDensityMatrix(p, K) };
  const s = nessCache.rho;
  let d = 0;
  for (let i = 0; i < s.re.length; i++) d = Math.max(d, Math.hypot(rho.re[i] - s.re[i], rho.im[i] - s.im[i]));
  return d;
}

export function observablesRows(q: QuenchJobParams, K: number, rhos: RhoData[], checkCancel: () => void): RowsResult {
  const cols = OBSERVABLE_FIELDS.length;
  const rows = new Float64Array(rhos.length * cols);
  const p = finalParams(q);
  rhos.forEach((r, i) => {
    checkCancel();
    const o = kerrObservables({ K, re: r.re, im: r.im }, p);
    OBSERVABLE_FIELDS.forEach((f, j) => (rows[i * cols + j] = o[f]));
  });
  return { cols, rows };
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
    const K = f.K !== undefined ? Number(f.K) : planQuench({ kappa: p.kappa, delta: p.delta, u: p.u, N: p.N, epsInitial: eps, epsFinal: eps, tMax: 1, dt: 1 }).K;
    const ob = kerrObservables(nessDensityMatrix(p, K), p);
    rows.set([ob.a_re, ob.a_im, ob.n, ob.alpha_abs], o + 2);
    if (entropy) rows.set([ob.S_W, ob.Pi_J, ob.Pi_ext, ob.Pi_d, ob.Pi_U, ob.Phi, ob.Phi_ext, ob.Phi_q, ob.G], o + 6);
  });
  return { cols, rows };
}

/**
 * Gap sweep points (seed Fig. 3): λ = |Re ζ₁|, ζ₁, the K chosen by the eigenvalues' convergence, and whether they
 * converged. Each point starts its K search afresh (not warm-started from the previous pump as gapSweep does), so a
 * point's value does not depend on how the sweep was cut into jobs or resumed.
 */
export function gapPoints(_sweep: string, f: Fixed, xs: number[], checkCancel: () => void): RowsResult {
  const cols = 7;
  const rows = new Float64Array(xs.length * cols);
  xs.forEach((eps, i) => {
    checkCancel();
    const p = kerrAt(f, eps);
    const r = liouvillianSpectrum(p, f.K !== undefined ? { count: Number(f.count ?? 1), K: Number(f.K) } : { count: Number(f.count ?? 1) });
    rows.set([p.N, eps, r.gap, r.eigenvalues[0].re, r.eigenvalues[0].im, r.K, r.converged ? 1 : 0], i * cols);
  });
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
