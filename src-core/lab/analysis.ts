/**
 * Heterodyne outcomes → state and entropy production, with error bars (issue 14; PHYSICS.md §3).
 *
 * Model-free:  <a> = <μ>/√η, n = <a†a> = (<|μ|²> − 1)/η (anti-normal order; a detector of efficiency η sees the
 *              state after a pure loss E_η, whose moments are √η<a> and η n), with the standard errors of the sample
 *              means; S_W of the detected outcome distribution by the Kozachenko–Leonenko estimator (knnEntropy.ts).
 * Tomography:  ρ̂ by maximum likelihood on binned outcomes (tomography.ts, heterodyneBins.ts) with η folded into the
 *              POVM, in K Fock levels chosen from the data's photon-number mean and spread, then guarded: the top two
 *              levels of ρ̂ must hold ≤ 1e-3 (else K grows by half and the fit is redone). From ρ̂ every quantity the
 *              engine computes (phaseSpace/*): S_W, Π_J, Π_ext, Π_d (need κ), Π_U (needs U), Φ, Φ_ext, Φ_q (need κ),
 *              G, and S_W of E_η(ρ̂) (what the KL estimator sees) when η < 1.
 * Errors:      bootstrap over outcomes (B resamples, seeded): each resample is a multinomial redraw of the bin counts,
 *              refitted from ρ̂; σ = standard deviation of the refits, bias = their mean − the estimate.
 */
import { moments } from '../phaseSpace/entropyProduction.js';
import { nonGaussianity } from '../phaseSpace/gaussianity.js';
import { phaseSpaceIntegrals } from '../phaseSpace/observables.js';
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { mulberry32 } from '../random.js';
import { ParameterError } from '../validation.js';
import { binCounts, binIndex, polarBins, type PolarBins } from './heterodyneBins.js';
import { klEntropyWithError } from './knnEntropy.js';
import { lossChannel } from './loss.js';
import { HeterodyneLikelihood, heterodyneMle, type MleResult } from './tomography.js';

/** A number with its standard error; sigma NaN when it cannot be estimated (JSON writers turn NaN into null). */
export interface Estimate {
  value: number;
  sigma: number;
  /** Bootstrap estimate of the bias (mean of the resamples − value), where a bootstrap ran. */
  bias?: number;
}

/** Quantities computed from a reconstructed state, in this order in every table. */
export const STATE_QUANTITIES = ['a_re', 'a_im', 'n', 'S_W', 'S_W_detected', 'Pi_J', 'Pi_ext', 'Pi_d', 'Pi_U', 'Phi', 'Phi_ext', 'Phi_q', 'G'] as const;
export type StateQuantity = (typeof STATE_QUANTITIES)[number];

export interface HeterodyneOptions {
  /** Detector efficiency η ∈ (0, 1] (default 1). */
  eta?: number;
  /** Loss rate κ (for Π_J, Π_ext, Π_d, Φ, Φ_ext, Φ_q). */
  kappa?: number;
  /** Kerr interaction U (for Π_U). */
  U?: number;
  /** Bootstrap resamples (default 200; 0: none). */
  bootstrap?: number;
  /** PRNG seed of the bootstrap and the KL subsampling (default 1). */
  seed?: number;
  /** k of the k-nearest-neighbour estimator (default 1: the smallest bias; see knnEntropy.ts). */
  knn?: number;
  /** Fock levels of the reconstruction (default: from the data, then guarded). */
  K?: number;
  /** Iterations of the full-data fit (default 1000) and of each bootstrap refit from ρ̂ (default 25). */
  mleIterations?: number;
  bootIterations?: number;
  /** Called after each bootstrap resample. */
  onProgress?: (done: number, total: number) => void;
  /** Called with warnings (also collected in the result). */
  onWarn?: (message: string) => void;
}

export interface HeterodyneAnalysis {
  M: number;
  eta: number;
  kappa: number | null;
  U: number | null;
  modelFree: { a_re: Estimate; a_im: Estimate; n: Estimate; S_W: Estimate & { k: number; groups: number } };
  tomography: {
    K: number;
    topPopulation: number;
    logL: number;
    /** Bound on ln L(MLE) − ln L(ρ̂). */
    gap: number;
    iterations: number;
    converged: boolean;
    bins: { rings: number; sectors: number; rMax: number };
    bootstrap: number;
    bootIterations: number;
    quantities: Record<StateQuantity, Estimate | null>;
    rho: ComplexMatrix;
  };
  /** The KL S_W against the S_W of the detected state from ρ̂. */
  comparison: { difference: number; sigma: number; agree: boolean; statement: string };
  warnings: string[];
}

/** Every state quantity of ρ (null where a needed rate is missing). */
export function stateQuantities(rho: ComplexMatrix, eta: number, kappa?: number, U?: number): Record<StateQuantity, number | null> {
  const mom = moments(rho);
  const I = phaseSpaceIntegrals(rho);
  const a2 = mom.a_re * mom.a_re + mom.a_im * mom.a_im;
  const k = kappa ?? null;
  const Pi_J = k === null ? null : 2 * k * I.jj;
  const Pi_ext = k === null ? null : 2 * k * a2;
  const Phi = k === null ? null : 2 * k * mom.n;
  return {
    a_re: mom.a_re,
    a_im: mom.a_im,
    n: mom.n,
    S_W: I.S_W,
    S_W_detected: eta === 1 ? I.S_W : phaseSpaceIntegrals(lossChannel(rho, eta)).S_W,
    Pi_J,
    Pi_ext,
    Pi_d: Pi_J === null || Pi_ext === null ? null : Pi_J - Pi_ext,
    Pi_U: U === undefined ? null : U * I.u,
    Phi,
    Phi_ext: Pi_ext,
    Phi_q: Phi === null || Pi_ext === null ? null : Phi - Pi_ext,
    G: nonGaussianity(rho, mom).G,
  };
}

/** Sample moments of the outcomes, corrected for η; photon-number spread for choosing K. */
export function outcomeMoments(x: Float64Array, y: Float64Array, eta = 1) {
  const M = x.length;
  let sx = 0, sy = 0, s2 = 0, s4 = 0;
  for (let i = 0; i < M; i++) {
    const r2 = x[i] * x[i] + y[i] * y[i];
    sx += x[i];
    sy += y[i];
    s2 += r2;
    s4 += r2 * r2;
  }
  const mx = sx / M, my = sy / M, m2 = s2 / M, m4 = s4 / M;
  let vx = 0, vy = 0, v2 = 0;
  for (let i = 0; i < M; i++) {
    const r2 = x[i] * x[i] + y[i] * y[i];
    vx += (x[i] - mx) ** 2;
    vy += (y[i] - my) ** 2;
    v2 += (r2 - m2) ** 2;
  }
  const se = (v: number) => Math.sqrt(v / (M - 1) / M);
  const rt = Math.sqrt(eta);
  const n = (m2 - 1) / eta;
  // <|μ|⁴> = <a a a† a†> = <a†²a²> + 4<a†a> + 2 for the detected state; its factorial moment scales as η².
  const n2fact = (m4 - 4 * m2 + 2) / (eta * eta);
  return {
    a_re: { value: mx / rt, sigma: se(vx) / rt },
    a_im: { value: my / rt, sigma: se(vy) / rt },
    n: { value: n, sigma: se(v2) / eta },
    variance_n: Math.max(0, n2fact + n - n * n),
  };
}

/** Fock levels for the reconstruction: mean + 6 spreads + 6 (as kerr/truncation.ts chooseK), at least 8. */
export function chooseKFromData(n: number, varianceN: number): number {
  return Math.max(8, Math.ceil(Math.max(n, 0) + 6 * Math.max(1, Math.sqrt(varianceN)) + 6));
}

export const MAX_K = 120;
/** Guard on ρ̂: the top two Fock levels may hold at most this population. */
export const TOP_TOL = 1e-3;
/** Fewest outcomes accepted (the KL subsampling needs groups of > k; the bootstrap needs data). */
export const MIN_OUTCOMES = 50;

function fitAtK(x: Float64Array, y: Float64Array, K: number, eta: number, maxAbs: number, iterations: number) {
  const bins = polarBins(K, maxAbs);
  const binOf = binIndex(bins, x, y);
  const lik = new HeterodyneLikelihood(bins, binCounts(bins, binOf), eta);
  const fit = heterodyneMle(lik, { maxIter: iterations, gapTol: 0.01 });
  return { bins, binOf, fit };
}

function topTwo(rho: ComplexMatrix): number {
  const K = rho.K;
  let s = 0;
  for (let n = Math.max(0, K - 2); n < K; n++) s += rho.re[n * K + n];
  return Math.abs(s);
}

/** Everything before the bootstrap: moments, the k-NN entropy, the full-data fit and its quantities. */
export interface HeterodyneFit {
  M: number;
  eta: number;
  opts: HeterodyneOptions;
  /** Largest |μ_i| (the bins are rebuilt from K and this, e.g. in a worker). */
  maxAbs: number;
  mom: ReturnType<typeof outcomeMoments>;
  kl: ReturnType<typeof klEntropyWithError>;
  K: number;
  bins: PolarBins;
  binOf: Int32Array;
  fit: MleResult;
  top: number;
  point: Record<StateQuantity, number | null>;
  warnings: string[];
}

export function fitHeterodyne(x: Float64Array, y: Float64Array, opts: HeterodyneOptions = {}): HeterodyneFit {
  const M = x.length;
  const eta = opts.eta ?? 1;
  const seed = opts.seed ?? 1;
  const k = opts.knn ?? 1;
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    opts.onWarn?.(m);
  };
  if (M < MIN_OUTCOMES) throw new ParameterError('samples', `at least ${MIN_OUTCOMES} outcomes`, M);
  let maxAbs = 0;
  for (let i = 0; i < M; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new ParameterError(`samples[${i}]`, 'finite numbers', [x[i], y[i]]);
    maxAbs = Math.max(maxAbs, Math.hypot(x[i], y[i]));
  }
  const mom = outcomeMoments(x, y, eta);
  const kl = klEntropyWithError(x, y, { k, seed });
  if (kl.zeroDistances > 0)
    warn(`${kl.zeroDistances} outcomes coincide with their neighbours (quantised or repeated data): the k-NN entropy is undefined`);
  // Tomography at K from the data, grown while the guard fails.
  let K = opts.K ?? chooseKFromData(mom.n.value, mom.variance_n);
  if (K > MAX_K)
    throw new ParameterError('samples', `states that fit ${MAX_K} Fock levels (these outcomes need K ≈ ${K}: mean photon number ${mom.n.value.toPrecision(4)})`, M);
  const iterations = opts.mleIterations ?? 1000;
  let { bins, binOf, fit } = fitAtK(x, y, K, eta, maxAbs, iterations);
  let top = topTwo(fit.rho);
  for (let grow = 0; opts.K === undefined && top > TOP_TOL && grow < 2 && K < MAX_K; grow++) {
    K = Math.min(MAX_K, Math.ceil(1.5 * K));
    ({ bins, binOf, fit } = fitAtK(x, y, K, eta, maxAbs, iterations));
    top = topTwo(fit.rho);
  }
  if (top > TOP_TOL)
    warn(`the top two Fock levels of the reconstruction hold ${top.toExponential(2)} (> ${TOP_TOL}) at K = ${K}: tomographic numbers are NOT converged in K`);
  if (!fit.converged)
    warn(`maximum-likelihood fit stopped after ${fit.iterations} iterations with a likelihood gap bound of ${fit.gap.toPrecision(3)} nats (phase-space quantities settle long before; G converges slowest)`);
  const point = stateQuantities(fit.rho, eta, opts.kappa, opts.U);
  return { M, eta, opts, maxAbs, mom, kl, K, bins, binOf, fit, top, point, warnings };
}

/** Fewer bootstrap resamples than this: the error bars' own uncertainty (≥ 16 %) is named in the warnings. */
export const MIN_BOOTSTRAP = 20;

/** Combine the fit with bootstrap values (per quantity, one entry per resample) into the reported estimates. */
export function summarizeHeterodyne(f: HeterodyneFit, boot: Map<StateQuantity, Float64Array>, B: number): HeterodyneAnalysis {
  const { kl, mom, fit, opts } = f;
  const warnings = [...f.warnings];
  const quantities = {} as Record<StateQuantity, Estimate | null>;
  for (const q of STATE_QUANTITIES) {
    const v = f.point[q];
    if (v === null) {
      quantities[q] = null;
      continue;
    }
    const a = boot.get(q);
    if (!a || a.length < 2) {
      quantities[q] = { value: v, sigma: NaN };
      continue;
    }
    let s = 0;
    for (const x of a) s += x;
    const mean = s / a.length;
    let v2 = 0;
    for (const x of a) v2 += (x - mean) ** 2;
    quantities[q] = { value: v, sigma: Math.sqrt(v2 / (a.length - 1)), bias: mean - v };
  }
  // σ from B resamples is itself uncertain by ≈ 1/√(2(B − 1)) relative (chi distribution): say so where that is large
  if (B >= 2 && B < MIN_BOOTSTRAP) {
    const w = `σ from only ${B} bootstrap resamples is itself uncertain by ~${Math.round(100 / Math.sqrt(2 * (B - 1)))} % (≈ 1/√(2(B − 1))); B ≥ 100 brings that to ~7 %`;
    warnings.push(w);
    opts.onWarn?.(w);
  }
  const tomoDet = quantities.S_W_detected!;
  const difference = kl.value - tomoDet.value;
  const sigma = Math.hypot(kl.sigma, tomoDet.sigma);
  const agree = Number.isFinite(sigma) && Math.abs(difference) <= 2 * sigma;
  const statement = !Number.isFinite(difference)
    ? 'the k-NN estimate is undefined for these outcomes: no comparison'
    : !Number.isFinite(sigma)
      ? 'no error estimate for one of the two S_W values: no statement on agreement'
      : agree
        ? `the two S_W estimates agree within errors (difference ${difference.toPrecision(3)}, ${(Math.abs(difference) / sigma).toFixed(2)} σ combined)`
        : `the two S_W estimates DISAGREE: difference ${difference.toPrecision(3)} = ${(Math.abs(difference) / sigma).toFixed(2)} σ combined (> 2σ): too few outcomes, K too small, a wrong efficiency, or outcomes not distributed as Q`;
  if (!agree && Number.isFinite(sigma)) {
    warnings.push(statement);
    opts.onWarn?.(statement);
  }
  return {
    M: f.M, eta: f.eta,
    kappa: opts.kappa ?? null,
    U: opts.U ?? null,
    modelFree: { a_re: mom.a_re, a_im: mom.a_im, n: mom.n, S_W: { value: kl.value, sigma: kl.sigma, k: kl.k, groups: kl.groups } },
    tomography: {
      K: f.K, topPopulation: f.top, logL: fit.logL, gap: fit.gap, iterations: fit.iterations, converged: fit.converged,
      bins: { rings: f.bins.rings, sectors: f.bins.L, rMax: f.bins.rMax },
      bootstrap: B, bootIterations: B > 0 ? (opts.bootIterations ?? 25) : 0,
      quantities, rho: fit.rho,
    },
    comparison: { difference, sigma, agree, statement },
    warnings,
  };
}

/** The whole analysis in this thread (the CLI can spread the bootstrap over workers instead). */
export function analyzeHeterodyne(x: Float64Array, y: Float64Array, opts: HeterodyneOptions = {}): HeterodyneAnalysis {
  const f = fitHeterodyne(x, y, opts);
  const B = opts.bootstrap ?? 200;
  const boot = bootstrapQuantities(f.bins, f.binOf, f.fit.rho, f.eta, opts, opts.seed ?? 1, 0, B);
  return summarizeHeterodyne(f, boot, B);
}

/**
 * Bootstrap values of every state quantity for resamples first … first + count − 1 (multinomial redraws of the bin
 * counts, each refitted from ρ̂ for bootIterations iterations). Resample b uses its own PRNG stream derived from
 * (seed, b), so the values do not depend on how the resamples are split among workers.
 */
export function bootstrapQuantities(
  bins: PolarBins, binOf: Int32Array, rho: ComplexMatrix, eta: number,
  opts: Pick<HeterodyneOptions, 'kappa' | 'U' | 'bootIterations' | 'onProgress'>, seed: number, first: number, count: number,
): Map<StateQuantity, Float64Array> {
  const vals = new Map<StateQuantity, Float64Array>();
  if (count <= 0) return vals;
  const M = binOf.length;
  const iters = opts.bootIterations ?? 25;
  const counts = new Float64Array(bins.rings * bins.L);
  for (let b = first; b < first + count; b++) {
    const rand = mulberry32((Math.imul(seed, 0x9e3779b1) + Math.imul(b + 1, 0x85ebca6b)) >>> 0);
    counts.fill(0);
    for (let i = 0; i < M; i++) counts[binOf[Math.floor(rand() * M)]]++;
    const lik = new HeterodyneLikelihood(bins, counts, eta);
    const f = heterodyneMle(lik, { rho0: rho, maxIter: iters, fixedIterations: true });
    const q = stateQuantities(f.rho, eta, opts.kappa, opts.U);
    for (const name of STATE_QUANTITIES) {
      const v = q[name];
      if (v === null) continue;
      let a = vals.get(name);
      if (!a) vals.set(name, (a = new Float64Array(count)));
      a[b - first] = v;
    }
    opts.onProgress?.(b - first + 1, count);
  }
  return vals;
}
