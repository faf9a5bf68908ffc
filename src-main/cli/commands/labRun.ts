/**
 * The work behind the lab subcommands (lab.ts declares their flags). Imported only when a lab command runs.
 */
import { availableParallelism } from 'node:os';
import { bootstrapQuantities, fitHeterodyne, summarizeHeterodyne, STATE_QUANTITIES, type Estimate, type HeterodyneAnalysis, type HeterodyneFit, type HeterodyneOptions, type StateQuantity } from '../../../src-core/lab/analysis.js';
import { fitKerrNess, kerrFitStart, KERR_FIT_PARAMS, MODEL_QUANTITIES, type KerrFitParam, type KerrFitResult } from '../../../src-core/lab/fitKerr.js';
import { stateQuantities } from '../../../src-core/lab/analysis.js';
import { KERR_RULES, PAPER } from '../../../src-core/kerr/model.js';
import { ParameterError } from '../../../src-core/validation.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { toCsv, type CsvCell } from '../../io/csv.js';
import { readOutcomes } from '../../io/samples.js';
import { workerScript, WorkerPool } from '../../jobs/pool.js';
import { VERSION } from '../../version.js';
import type { Job } from '../../../workers/protocol.js';
import type { LabBootJob } from '../../../workers/labWorker.js';

export const LAB_WORKER = workerScript('labWorker');

const UNITS: Record<string, string> = {
  a_re: '√photons', a_im: '√photons', n: 'photons', S_W: 'nats', S_W_detected: 'nats',
  Pi_J: 'rate (units of κ)', Pi_ext: 'rate (units of κ)', Pi_d: 'rate (units of κ)', Pi_U: 'rate (units of κ)',
  Phi: 'rate (units of κ)', Phi_ext: 'rate (units of κ)', Phi_q: 'rate (units of κ)', G: 'nats',
};

const SYMBOL: Record<string, string> = {
  a_re: 'Re<a>', a_im: 'Im<a>', n: '<a†a>', S_W: 'S_W', S_W_detected: 'S_W[E_η(ρ̂)]', Pi_J: 'Π_J', Pi_ext: 'Π_ext',
  Pi_d: 'Π_d', Pi_U: 'Π_U', Phi: 'Φ', Phi_ext: 'Φ_ext', Phi_q: 'Φ_q', G: 'G',
};

interface HeterodyneFlags {
  samples: string;
  columns?: string;
  efficiency: number;
  kappa?: number;
  U?: number;
  bootstrap: number;
  seed: number;
  knn: number;
  nmax?: number;
  iterations: number;
  bootIterations: number;
  timeBins?: number;
  targetSigma?: number;
  workers?: number;
  json?: boolean;
  csv?: boolean;
  output?: string;
  fit?: 'kerr';
  fitFree?: string;
  N?: number;
  eps?: number;
  delta?: number;
  u?: number;
}

/** Outcome subsets per time bin: one bin per distinct t, or n equal-width bins. */
export function timeBins(t: Float64Array, n: number | undefined): { t: number; tMin: number; tMax: number; idx: Int32Array }[] {
  const M = t.length;
  if (n === undefined) {
    const distinct = [...new Set(t)].sort((a, b) => a - b);
    if (distinct.length > 1000)
      throw new ParameterError('--time-bins', `a number of bins (the t column has ${distinct.length} distinct values, more than 1000)`, undefined);
    const where = new Map(distinct.map((v, i) => [v, i]));
    const lists: number[][] = distinct.map(() => []);
    for (let i = 0; i < M; i++) lists[where.get(t[i])!].push(i);
    return distinct.map((v, i) => ({ t: v, tMin: v, tMax: v, idx: Int32Array.from(lists[i]) }));
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of t) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const w = hi > lo ? (hi - lo) / n : 1;
  const lists: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < M; i++) lists[Math.min(n - 1, Math.floor((t[i] - lo) / w))].push(i);
  return lists.map((l, b) => ({ t: lo + (b + 0.5) * w, tMin: lo + b * w, tMax: lo + (b + 1) * w, idx: Int32Array.from(l) }));
}

export function subset(a: Float64Array, idx: Int32Array): Float64Array {
  const o = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) o[i] = a[idx[i]];
  return o;
}

/** Bootstrap values on the worker pool: blocks of resamples, progress summed over workers. */
export async function poolBootstrap(pool: WorkerPool, f: HeterodyneFit, B: number, opts: HeterodyneOptions, progress: (done: number) => void) {
  const shared = new Int32Array(new SharedArrayBuffer(4 * f.binOf.length));
  shared.set(f.binOf);
  const blocks = Math.min(B, 4 * pool.size);
  const per = Math.ceil(B / blocks);
  const doneBy = new Map<number, number>();
  const jobs: Promise<Record<string, Float64Array>>[] = [];
  for (let first = 0; first < B; first += per) {
    const count = Math.min(per, B - first);
    const job: LabBootJob = {
      op: 'heterodyne-bootstrap', K: f.K, maxAbs: f.maxAbs, binOf: shared,
      rhoRe: f.fit.rho.re.slice(), rhoIm: f.fit.rho.im.slice(), eta: f.eta, kappa: opts.kappa, U: opts.U,
      bootIterations: opts.bootIterations ?? 25, seed: opts.seed ?? 1, first, count,
    };
    jobs.push(
      pool.run<Record<string, Float64Array>>(job as unknown as Job, {
        onProgress: (p) => {
          doneBy.set(first, p.done);
          let s = 0;
          for (const v of doneBy.values()) s += v;
          progress(s);
        },
      }),
    );
  }
  const parts = await Promise.all(jobs);
  const out = new Map<StateQuantity, Float64Array>();
  for (const q of STATE_QUANTITIES) {
    if (!parts.every((p) => p[q])) continue;
    const all = new Float64Array(B);
    let o = 0;
    for (const p of parts) {
      all.set(p[q], o);
      o += p[q].length;
    }
    out.set(q, all);
  }
  return out;
}

function progressPrinter(label: string, total: number) {
  const t0 = Date.now();
  let last = 0;
  return (done: number) => {
    const now = Date.now();
    if (done === total || now - last > 1000) {
      last = now;
      process.stderr.write(`${label}: bootstrap ${done}/${total}, ${((now - t0) / 1000).toFixed(1)} s\n`);
    }
  };
}

/** NaN → null for JSON (no non-finite number is ever written). */
function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function estimateJson(e: Estimate | null) {
  return e === null ? null : { value: finite(e.value), sigma: finite(e.sigma), ...(e.bias !== undefined && { bias: finite(e.bias) }) };
}

export function planning(a: HeterodyneAnalysis, target: number | undefined) {
  if (target === undefined) return undefined;
  // σ ∝ 1/√M: the outcomes needed for σ_target are M (σ/σ_target)².
  const need = (e: Estimate | null) => (e && Number.isFinite(e.sigma) && e.sigma > 0 ? Math.ceil(a.M * (e.sigma / target) ** 2) : null);
  return {
    target_sigma: target,
    rule: 'σ ∝ 1/√M, from the measured σ at M outcomes',
    M_for_S_W_knn: need(a.modelFree.S_W),
    M_for_S_W_tomography: need(a.tomography.quantities.S_W),
    M_for_Pi_J: need(a.tomography.quantities.Pi_J),
  };
}

export function analysisJson(a: HeterodyneAnalysis, target?: number) {
  const q: Record<string, unknown> = {};
  for (const k of STATE_QUANTITIES) q[k] = estimateJson(a.tomography.quantities[k]);
  const t = a.tomography;
  return {
    M: a.M,
    efficiency: a.eta,
    kappa: a.kappa,
    U: a.U,
    model_free: {
      a_re: estimateJson(a.modelFree.a_re),
      a_im: estimateJson(a.modelFree.a_im),
      n: estimateJson(a.modelFree.n),
      S_W_knn: { ...estimateJson(a.modelFree.S_W), k: a.modelFree.S_W.k, subsample_groups: a.modelFree.S_W.groups, of: a.eta === 1 ? 'the measured state' : 'the detected state E_η(ρ)' },
    },
    tomography: {
      K: t.K, top_population: t.topPopulation, log_likelihood: t.logL, likelihood_gap_bound: finite(t.gap),
      iterations: t.iterations, converged: t.converged, bins: t.bins, bootstrap: t.bootstrap, boot_iterations: t.bootIterations,
      ...q,
    },
    S_W_comparison: {
      knn: finite(a.modelFree.S_W.value),
      tomography_detected: finite(t.quantities.S_W_detected!.value),
      difference: finite(a.comparison.difference),
      sigma: finite(a.comparison.sigma),
      agree: a.comparison.agree,
      statement: a.comparison.statement,
    },
    ...(target !== undefined && { planning: planning(a, target) }),
    warnings: a.warnings,
  };
}

function fmt(e: Estimate | null): string {
  if (e === null) return '—';
  const s = Number.isFinite(e.sigma) ? ` ± ${e.sigma.toPrecision(2)}` : ' (no error)';
  return `${e.value.toPrecision(7)}${s}`;
}

function printText(a: HeterodyneAnalysis, title: string, target?: number): void {
  const t = a.tomography;
  const lines: string[] = [title];
  lines.push(`  outcomes M = ${a.M}, detector efficiency η = ${a.eta}${a.kappa === null ? ', κ not given (no Π_J, Φ)' : `, κ = ${a.kappa}`}${a.U === null ? ', U not given (no Π_U)' : `, U = ${a.U}`}`);
  lines.push('  model-free (sample moments; k-NN entropy):');
  lines.push(`    Re<a>   ${fmt(a.modelFree.a_re)}`);
  lines.push(`    Im<a>   ${fmt(a.modelFree.a_im)}`);
  lines.push(`    <a†a>   ${fmt(a.modelFree.n)}`);
  lines.push(`    S_W     ${fmt(a.modelFree.S_W)} nats (Kozachenko–Leonenko, k = ${a.modelFree.S_W.k}${a.eta < 1 ? ', of the detected state' : ''})`);
  lines.push(`  tomography (maximum likelihood, K = ${t.K}, top-level population ${t.topPopulation.toExponential(2)}, ${t.iterations} iterations, gap bound ${Number.isFinite(t.gap) ? t.gap.toPrecision(3) : '—'} nats; errors: bootstrap B = ${t.bootstrap}):`);
  for (const q of STATE_QUANTITIES) {
    if (q === 'S_W_detected' && a.eta === 1) continue;
    lines.push(`    ${SYMBOL[q].padEnd(13)} ${fmt(t.quantities[q]).padEnd(30)} ${UNITS[q]}`);
  }
  lines.push(`  S_W side by side: k-NN ${fmt(a.modelFree.S_W)} | tomography ${fmt(t.quantities.S_W_detected)}: ${a.comparison.statement}`);
  const plan = planning(a, target);
  if (plan)
    lines.push(`  planning for σ = ${target}: S_W (k-NN) needs M ≈ ${plan.M_for_S_W_knn ?? '—'}, S_W (tomography) ${plan.M_for_S_W_tomography ?? '—'}, Π_J ${plan.M_for_Pi_J ?? '—'} (σ ∝ 1/√M)`);
  lines.push('  note: G from maximum-likelihood tomography is biased upwards (the MLE underestimates the von Neumann entropy); its σ does not include that bias');
  process.stdout.write(lines.join('\n') + '\n');
}

/** Columns of the CSV (`epstudio heterodyne --csv`, the window's lab export): one row per time bin. */
export function csvColumns(timed: boolean): string[] {
  return [...(timed ? ['t', 't_min', 't_max'] : []), ...CSV_BASE, ...STATE_QUANTITIES.flatMap((q) => [q, `${q}_sigma`]), 'K', 'top_population', 'S_W_agree'];
}

const CSV_BASE = ['M', 'a_re_knn', 'a_re_knn_sigma', 'a_im_knn', 'a_im_knn_sigma', 'n_knn', 'n_knn_sigma', 'S_W_knn', 'S_W_knn_sigma'];

export function csvRow(a: HeterodyneAnalysis): CsvCell[] {
  const v = (x: number) => (Number.isFinite(x) ? x : null);
  const row: CsvCell[] = [a.M, v(a.modelFree.a_re.value), v(a.modelFree.a_re.sigma), v(a.modelFree.a_im.value), v(a.modelFree.a_im.sigma), v(a.modelFree.n.value), v(a.modelFree.n.sigma), v(a.modelFree.S_W.value), v(a.modelFree.S_W.sigma)];
  for (const q of STATE_QUANTITIES) {
    const e = a.tomography.quantities[q];
    row.push(e ? v(e.value) : null, e ? v(e.sigma) : null);
  }
  row.push(a.tomography.K, v(a.tomography.topPopulation), a.comparison.agree ? 1 : 0);
  return row;
}

export async function heterodyne(o: HeterodyneFlags): Promise<void> {
  if (o.json && o.csv) throw new ParameterError('--csv', 'not together with --json', true);
  if (o.output && !o.json && !o.csv) throw new ParameterError('--output', 'only with --json or --csv', o.output);
  const data = await readOutcomes(o.samples, { columns: o.columns });
  const opts: HeterodyneOptions = {
    eta: o.efficiency, kappa: o.kappa, U: o.U, bootstrap: o.bootstrap, seed: o.seed, knn: o.knn, K: o.nmax,
    mleIterations: o.iterations, bootIterations: o.bootIterations,
    onWarn: (m) => process.stderr.write(`epstudio: warning: ${m}\n`),
  };
  const free = checkFitFlags(o, data.t !== undefined);
  const groups = data.t ? timeBins(data.t, o.timeBins) : [{ t: NaN, tMin: NaN, tMax: NaN, idx: null as Int32Array | null }];
  if (o.timeBins !== undefined && !data.t) throw new ParameterError('--time-bins', 'only for outcomes with a t column', o.timeBins);
  const workers = o.workers ?? Math.max(1, availableParallelism());
  const pool = workers > 1 && o.bootstrap > 1 ? new WorkerPool(workers, LAB_WORKER) : undefined;
  const results: { t: number; tMin: number; tMax: number; a: HeterodyneAnalysis }[] = [];
  let kerrFit: KerrFitResult | undefined;
  let uSource = o.U === undefined ? 'not given' : 'given (--U)';
  try {
    for (const g of groups) {
      const x = g.idx ? subset(data.re, g.idx) : data.re, y = g.idx ? subset(data.im, g.idx) : data.im;
      const label = Number.isFinite(g.t) ? `heterodyne t = ${g.t}` : 'heterodyne';
      let fit: HeterodyneFit;
      try {
        fit = fitHeterodyne(x, y, opts);
      } catch (e) {
        if (e instanceof ParameterError && Number.isFinite(g.t)) throw new ParameterError(`--samples (time bin t = ${g.t})`, e.allowed, e.value);
        throw e;
      }
      if (free) {
        kerrFit = runKerrFit(x, y, o, free, fit);
        if (o.U === undefined) {
          // Π_U of the reconstructed state needs U: take the fitted model's U = u/N (stated in every output).
          opts.U = kerrFit.params.u / kerrFit.params.N;
          fit.point = stateQuantities(fit.fit.rho, fit.eta, opts.kappa, opts.U);
          uSource = 'the fitted Kerr model (U = u/N)';
        }
      }
      const prog = progressPrinter(label, o.bootstrap);
      const boot = pool
        ? await poolBootstrap(pool, fit, o.bootstrap, opts, prog)
        : bootstrapQuantities(fit.bins, fit.binOf, fit.fit.rho, fit.eta, { ...opts, onProgress: (d) => prog(d) }, o.seed, 0, o.bootstrap);
      results.push({ t: g.t, tMin: g.tMin, tMax: g.tMax, a: summarizeHeterodyne(fit, boot, o.bootstrap) });
    }
  } finally {
    await pool?.destroy();
  }
  const timed = data.t !== undefined;
  const provenance = {
    program: `epstudio ${VERSION} heterodyne`,
    samples: data.source.file,
    format: data.source.format,
    columns: data.source.columns,
    rows: data.source.rows,
    efficiency: o.efficiency,
    seed: o.seed,
    conventions: 'outcomes μ in units of the field amplitude (vacuum density e^{−|μ|²}/π); rates in the unit of κ; entropies in nats; σ: bootstrap standard deviation (tomography), subsampling (k-NN), standard error of the mean (moments)',
    U_source: uSource,
    ...(kerrFit && { fit: 'kerr', fit_free: kerrFit.free.join(','), fit_errors: kerrFit.errorMethod }),
  };
  let text: string | undefined;
  if (o.json) {
    const body = timed
      ? { ...provenance, time_bins: results.map((r) => ({ t: r.t, t_min: r.tMin, t_max: r.tMax, ...analysisJson(r.a, o.targetSigma) })) }
      : { ...provenance, ...analysisJson(results[0].a, o.targetSigma), ...(kerrFit && { kerr_fit: kerrFitJson(kerrFit, results[0].a) }) };
    text = JSON.stringify(body) + '\n';
  } else if (o.csv) {
    const columns = [...csvColumns(timed), ...(kerrFit ? FIT_CSV_COLUMNS : [])];
    text = toCsv({
      meta: {
        ...provenance, kappa: o.kappa ?? 'not given', U: opts.U ?? 'not given', bootstrap: o.bootstrap, knn: o.knn,
        ...(kerrFit && { fit_likelihood: FIT_LIKELIHOOD, fit_model: KERR_MODEL_TEXT }),
      },
      columns,
      rows: results.map((r) => [...(timed ? [r.t, r.tMin, r.tMax] : []), ...csvRow(r.a), ...(kerrFit ? fitCsvRow(kerrFit) : [])]),
    });
  }
  if (text !== undefined) {
    if (o.output) writeFileAtomic(o.output, text);
    else process.stdout.write(text);
    return;
  }
  for (const r of results) printText(r.a, Number.isFinite(r.t) ? `Heterodyne analysis, t = ${r.t} (${data.source.file})` : `Heterodyne analysis of ${data.source.file}`, o.targetSigma);
  if (kerrFit) printKerrFit(kerrFit, results[0].a, uSource);
}

const KERR_MODEL_TEXT = 'Kerr NESS: H = Δa†a + iE(a† − a) + (U/2)a†a†aa, dρ/dt = −i[H,ρ] + 2κD[a]ρ, E = √N ε, U = u/N; Fock-basis steady state';
const FIT_LIKELIHOOD = "each outcome's density is the model's Q of the detected state, <μ|E_η(ρ)|μ>/π (η a known loss); outcomes counted in the fine polar bins of the tomography (exact bin POVMs)";

/** --fit kerr and its flags: returns the free parameters, or undefined without --fit (then the fit flags are refused). */
function checkFitFlags(o: HeterodyneFlags, timed: boolean): KerrFitParam[] | undefined {
  if (!o.fit) {
    for (const [flag, v] of [['--fit-free', o.fitFree], ['--N', o.N], ['--eps', o.eps], ['--delta', o.delta], ['--u', o.u]] as const)
      if (v !== undefined) throw new ParameterError(flag, 'only with --fit kerr', v);
    return undefined;
  }
  if (o.kappa === undefined) throw new ParameterError('--kappa', 'a value with --fit kerr (κ is known, not fitted)', undefined);
  if (timed) throw new ParameterError('--fit', 'only for outcomes without a t column (the Kerr NESS is stationary)', o.fit);
  const raw = o.fitFree ?? 'eps';
  const names = raw.split(',').map((s) => s.trim());
  const free: KerrFitParam[] = [];
  for (const n of names) {
    if (!(KERR_FIT_PARAMS as readonly string[]).includes(n)) throw new ParameterError('--fit-free', `a comma-separated list among ${KERR_FIT_PARAMS.join(', ')}`, raw);
    if (free.includes(n as KerrFitParam)) throw new ParameterError('--fit-free', 'each parameter once', raw);
    free.push(n as KerrFitParam);
  }
  if (free.includes('eps') && free.includes('u') && free.includes('N'))
    throw new ParameterError('--fit-free', 'at most two of eps, u, N (the state depends on E = √N ε and U = u/N only)', raw);
  return free;
}

function runKerrFit(x: Float64Array, y: Float64Array, o: HeterodyneFlags, free: KerrFitParam[], tomo: HeterodyneFit): KerrFitResult {
  const kappa = o.kappa!;
  const start = kerrFitStart(x, y, { kappa, efficiency: o.efficiency, free, initial: { N: o.N ?? 1, eps: o.eps, delta: o.delta, u: o.u ?? PAPER.u } });
  // keep a start from the data inside the model's ranges (the user's own values were checked by the flag parser)
  for (const k of KERR_FIT_PARAMS) start[k] = Math.min(KERR_RULES[k].max!, Math.max(KERR_RULES[k].min!, start[k]));
  const t0 = Date.now();
  let last = 0;
  try {
    return fitKerrNess(x, y, {
      kappa, efficiency: o.efficiency, free, initial: start, reference: tomo.fit.rho,
      onProgress: (f) => {
        const now = Date.now();
        if (now - last > 1000 || f === 1) {
          last = now;
          process.stderr.write(`heterodyne --fit kerr: ${Math.round(100 * f)} %, ${((now - t0) / 1000).toFixed(1)} s\n`);
        }
      },
    });
  } catch (e) {
    if (e instanceof ParameterError) {
      const field = e.field === 'fit-initial' ? '--eps/--delta/--u/--N' : e.field.startsWith('samples') ? '--samples' : `--${e.field}`;
      throw new ParameterError(field, e.allowed, e.value);
    }
    throw e;
  }
}

const FIT_SYMBOL: Record<string, string> = { eps: 'ε', delta: 'Δ', u: 'u', N: 'N' };

function fitParamJson(r: KerrFitResult) {
  const out: Record<string, { value: number; sigma: number | null; free: boolean }> = {};
  for (const k of KERR_FIT_PARAMS) out[k] = { value: r.params[k], sigma: r.sigma[k] === undefined ? null : finite(r.sigma[k]!), free: r.free.includes(k) };
  return out;
}

export function kerrFitJson(r: KerrFitResult, a: HeterodyneAnalysis) {
  const comparison: Record<string, unknown> = {};
  for (const q of MODEL_QUANTITIES) {
    const m = { value: r.model[q], sigma: r.modelSigma[q] };
    const e = a.tomography.quantities[q];
    const s = e ? Math.hypot(m.sigma, e.sigma) : NaN;
    comparison[q] = {
      model: { value: finite(m.value), sigma: finite(m.sigma) },
      measured: estimateJson(e),
      difference_in_sigma: e && Number.isFinite(s) && s > 0 ? finite((m.value - e.value) / s) : null,
    };
  }
  return {
    model: KERR_MODEL_TEXT,
    likelihood: FIT_LIKELIHOOD,
    kappa: r.kappa,
    efficiency: r.efficiency,
    free: r.free,
    params: fitParamJson(r),
    E: Math.sqrt(r.params.N) * r.params.eps,
    U: r.params.u / r.params.N,
    covariance: r.covariance.map((row) => row.map(finite)),
    correlation: r.correlation.map((row) => row.map(finite)),
    errors: r.errorMethod,
    log_likelihood: r.logLikelihood,
    iterations: r.iterations,
    converged: r.converged,
    K: r.K,
    top_population: r.topPopulation,
    model_moments: r.moments,
    goodness_of_fit: {
      chi2: r.goodnessOfFit.chi2, cells: r.goodnessOfFit.cells, dof: r.goodnessOfFit.dof, p_value: r.goodnessOfFit.pValue,
      log_likelihood_ratio_tomography: r.goodnessOfFit.logLikelihoodRatio ?? null,
      log_likelihood_ratio_note: 'ln L(tomographic ML state) − ln L(model) on the same bins: ≥ 0 up to the tomography\'s convergence; indicative only (no χ² reference: the ML state sits on the boundary of the state space)',
      statement: r.goodnessOfFit.statement,
    },
    entropy_production: comparison,
    warnings: r.warnings,
  };
}

function printKerrFit(r: KerrFitResult, a: HeterodyneAnalysis, uSource: string): void {
  const lines: string[] = [`Kerr NESS fit (maximum likelihood, κ = ${r.kappa} known, η = ${r.efficiency}; ${r.iterations} iterations, ${r.converged ? 'converged' : 'NOT converged'}; K = ${r.K}):`];
  for (const k of KERR_FIT_PARAMS) {
    const s = r.sigma[k];
    lines.push(`    ${FIT_SYMBOL[k].padEnd(3)} ${r.params[k].toPrecision(7)}${s === undefined ? ' (fixed)' : Number.isFinite(s) ? ` ± ${s.toPrecision(2)}` : ' (no error)'}`);
  }
  if (r.free.length > 1)
    lines.push(`    correlation: ${r.correlation.map((row) => row.map((c) => (Number.isFinite(c) ? c.toFixed(3) : '—')).join(' ')).join(' | ')}`);
  lines.push(`    errors: ${r.errorMethod}`);
  lines.push(`    goodness of fit: ${r.goodnessOfFit.statement}${r.goodnessOfFit.logLikelihoodRatio !== undefined ? `; ln L(tomography) − ln L(model) = ${r.goodnessOfFit.logLikelihoodRatio.toFixed(2)}` : ''}`);
  lines.push(`  model (at the fitted parameters, ± propagated) beside measured (tomography ± bootstrap); Π_U measured with U from ${uSource}:`);
  for (const q of MODEL_QUANTITIES) {
    const e = a.tomography.quantities[q];
    lines.push(`    ${SYMBOL[q].padEnd(5)} model ${fmt({ value: r.model[q], sigma: r.modelSigma[q] }).padEnd(30)} measured ${fmt(e)}`);
  }
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  process.stdout.write(lines.join('\n') + '\n');
}

export const FIT_CSV_COLUMNS = [
  ...KERR_FIT_PARAMS.flatMap((k) => [`fit_${k}`, `fit_${k}_sigma`]),
  ...MODEL_QUANTITIES.flatMap((q) => [`model_${q}`, `model_${q}_sigma`]),
  'fit_log_likelihood', 'fit_chi2', 'fit_dof', 'fit_p_value', 'fit_converged',
];

export function fitCsvRow(r: KerrFitResult): CsvCell[] {
  const v = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  return [
    ...KERR_FIT_PARAMS.flatMap((k) => [r.params[k], v(r.sigma[k])]),
    ...MODEL_QUANTITIES.flatMap((q) => [v(r.model[q]), v(r.modelSigma[q])]),
    r.logLikelihood, r.goodnessOfFit.chi2, r.goodnessOfFit.dof, r.goodnessOfFit.pValue, r.converged ? 1 : 0,
  ];
}
