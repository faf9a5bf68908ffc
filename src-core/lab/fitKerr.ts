/**
 * Maximum-likelihood fit of the Kerr NESS to heterodyne outcomes (issue 14 "Model fit"; PHYSICS.md §1, §3).
 *
 * Likelihood: each outcome's density is the model's Q-function, Q(μ) = <μ|E_η(ρ_θ)|μ>/π, with ρ_θ the Fock-basis NESS at
 * θ = (ε, Δ, u, N) (kerr/steadyState.ts) and E_η the detector's pure loss (loss.ts, η known). The outcomes are counted in
 * the fine polar bins of heterodyneBins.ts, whose POVM elements are exact: ln L(θ) = Σ_b n_b ln p_b(θ) with
 * p_b = tr(E_η(ρ_θ) E_b) is the exact likelihood of the binned data (bins of 0.1 × ≤ 0.25 in μ, far below the vacuum
 * width of Q, lose a negligible amount of information). Why bins: p_b for all occupied bins costs one O(K²) sweep and
 * one FFT per ring, independent of M, against O(M K²) for Q at every outcome; 10⁵–10⁶ outcomes cost the same.
 *
 * Derivatives: ρ_θ by central finite differences of the NESS solve (which is exact to round-off, ~1e-14), then the
 * exact chain rule through the linear maps ρ → E_η(ρ) → p_b. Optimiser: Levenberg–Marquardt-damped Fisher scoring
 * with the outer-product (BHHH) information Σ_b n_b ∂_i p_b ∂_j p_b / p_b², steps accepted only if ln L rises.
 * Errors: the OBSERVED information at the optimum, the Hessian of −ln L,
 *   H_ij = Σ_b n_b [∂_i p_b ∂_j p_b / p_b² − ∂_ij p_b / p_b],
 * with ∂_ij ρ by finite differences of the NESS (3-point for the diagonal, 7-point for mixed terms); covariance H⁻¹.
 * The model's entropy production (S_W, Π_J, Π_d, Π_U, Φ, Φ_q, G) at the fitted θ from the same Fock NESS (the state
 * in the resonator, before the detector's loss), with 1σ by linear propagation of the covariance (delta method).
 *
 * Identifiability: ρ depends on (E, Δ, U) = (√N ε, Δ, u/N) only, so ε, u and N cannot all be free together.
 * Goodness of fit: Pearson χ² on cells of merged fine bins (each with ≥ 5 expected outcomes), its p-value, and (when
 * given) the log-likelihood ratio against the tomographic ML state on the same bins.
 */
import { inverse, Matrix } from 'ml-matrix';
import { exactNess } from '../kerr/exactSteadyState.js';
import { KERR_RULES, type KerrParams } from '../kerr/model.js';
import { nessDensityMatrix } from '../kerr/steadyState.js';
import { chooseK, embedRho } from '../kerr/truncation.js';
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { checkNumber, ParameterError } from '../validation.js';
import { chooseKFromData, MAX_K, MIN_OUTCOMES, outcomeMoments, stateQuantities } from './analysis.js';
import { binCounts, binIndex, binProbabilities, binScratch, occupiedRings, polarBins, sparseSectors, type PolarBins } from './heterodyneBins.js';
import { lossChannel } from './loss.js';

export type KerrFitParam = 'eps' | 'delta' | 'u' | 'N';
export const KERR_FIT_PARAMS: readonly KerrFitParam[] = ['eps', 'delta', 'u', 'N'];
export const MODEL_QUANTITIES = ['S_W', 'Pi_J', 'Pi_d', 'Pi_U', 'Phi', 'Phi_q', 'G'] as const;
export type ModelQuantity = (typeof MODEL_QUANTITIES)[number];

export interface KerrFitOptions {
  /** κ (known). */
  kappa: number;
  /** Detector efficiency η ∈ (0, 1] (default 1), a known loss before an ideal heterodyne. */
  efficiency?: number;
  /** Parameters to fit (the others are fixed at `initial`). */
  free: KerrFitParam[];
  /** Starting point and the fixed values (kerrFitStart gives one from the data). */
  initial: { N: number; eps: number; delta: number; u: number };
  onProgress?: (fraction: number) => void;
  /** Fock levels (default: from the start and the data, then grown while the fitted NESS's top levels hold > 1e-6). */
  K?: number;
  /** Largest number of scoring iterations (default 60). */
  maxIter?: number;
  /** A reconstructed state (e.g. the tomographic MLE) to compare likelihoods with. */
  reference?: ComplexMatrix;
}

export interface KerrFitResult {
  params: { N: number; eps: number; delta: number; u: number };
  sigma: Partial<Record<KerrFitParam, number>>;
  /** Covariance of the free parameters in the order of `free` (inverse observed information). */
  covariance: number[][];
  free: string[];
  /**
   * ln L = Σ_b n_b ln(p_b/A_b) (A_b the bin's area): the log of the binned density at every outcome, ≈ Σ_i ln Q(μ_i),
   * comparable between fits whatever their bins (the multinomial Σ n_b ln p_b differs from it by a constant per binning).
   */
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  /** The model's entropy production at the fitted parameters (rates in the unit of κ's time, entropies in nats). */
  model: Record<ModelQuantity, number>;
  /** 1σ of `model` by linear propagation of the covariance. */
  modelSigma: Record<ModelQuantity, number>;
  /** The model's <a> and <a†a> (Fock NESS; the exact Drummond–Walls values beside them as a check). */
  moments: { a_re: number; a_im: number; n: number; n_exact: number };
  K: number;
  /** The fitted NESS ρ in K Fock levels (before the detector's loss): its Q is the model's outcome density for η = 1. */
  rho: ComplexMatrix;
  topPopulation: number;
  M: number;
  efficiency: number;
  kappa: number;
  /** Correlation matrix of the free parameters. */
  correlation: number[][];
  /** How the errors were computed (printed with them). */
  errorMethod: string;
  goodnessOfFit: {
    chi2: number;
    cells: number;
    dof: number;
    pValue: number;
    /** ln L(reference) − ln L(model) on the same bins, when a reference state was given. */
    logLikelihoodRatio?: number;
    statement: string;
  };
  warnings: string[];
}

const FD_SCALE: Record<KerrFitParam, number> = { eps: 1, delta: 1, u: 1, N: 1 };
/** Relative finite-difference step (the NESS is exact to ~1e-14, so second differences keep ~7 digits). */
const FD_H = 2e-4;
const TOP_TOL = 1e-6;

/** Starting values from the data: mean field with n = <a†a> and, if Δ is free, the phase of <a> (PHYSICS.md §1). */
export function kerrFitStart(
  x: Float64Array, y: Float64Array,
  o: { kappa: number; efficiency?: number; free: KerrFitParam[]; initial: Partial<{ N: number; eps: number; delta: number; u: number }> },
): { N: number; eps: number; delta: number; u: number } {
  const mom = outcomeMoments(x, y, o.efficiency ?? 1);
  const N = o.initial.N ?? 1;
  const u = o.initial.u ?? 1;
  const nPer = Math.max(mom.n.value, 1e-3) / N;
  let delta = o.initial.delta ?? -2;
  if (o.initial.delta === undefined && o.free.includes('delta')) {
    // α = ε/(κ + i(Δ + u n)): arg α = −atan((Δ + u n)/κ)
    const ph = Math.atan2(mom.a_im.value, mom.a_re.value);
    if (Math.abs(ph) < Math.PI / 2 - 1e-3) delta = -o.kappa * Math.tan(ph) - u * nPer;
  }
  // mean-field cubic ε² = n[κ² + (Δ + u n)²]
  const eps = o.initial.eps ?? Math.sqrt(nPer * (o.kappa ** 2 + (delta + u * nPer) ** 2));
  return { N, eps, delta, u };
}

function validate(x: Float64Array, y: Float64Array, opts: KerrFitOptions): void {
  if (x.length !== y.length) throw new ParameterError('samples', 'as many imaginary parts as real parts', [x.length, y.length]);
  if (x.length < MIN_OUTCOMES) throw new ParameterError('samples', `at least ${MIN_OUTCOMES} outcomes`, x.length);
  checkNumber('kappa', opts.kappa, KERR_RULES.kappa);
  if (opts.efficiency !== undefined) checkNumber('efficiency', opts.efficiency, { min: 0, exclusiveMin: true, max: 1 });
  if (!Array.isArray(opts.free) || opts.free.length === 0) throw new ParameterError('fit-free', `one or more of ${KERR_FIT_PARAMS.join(', ')}`, opts.free);
  const seen = new Set<string>();
  for (const p of opts.free) {
    if (!KERR_FIT_PARAMS.includes(p)) throw new ParameterError('fit-free', `names among ${KERR_FIT_PARAMS.join(', ')}`, p);
    if (seen.has(p)) throw new ParameterError('fit-free', 'each parameter once', p);
    seen.add(p);
  }
  if (seen.has('eps') && seen.has('u') && seen.has('N'))
    throw new ParameterError('fit-free', 'at most two of eps, u, N (the state depends on E = √N ε and U = u/N only, so the three are not identifiable together)', opts.free.join(','));
  for (const k of KERR_FIT_PARAMS) checkNumber(k, opts.initial?.[k], KERR_RULES[k]);
  if (opts.K !== undefined) checkNumber('nmax', opts.K, { min: 2, max: MAX_K, integer: true });
  if (opts.maxIter !== undefined) checkNumber('iterations', opts.maxIter, { min: 1, max: 10000, integer: true });
}

/** Small symmetric positive-definite solve by Cholesky; null if not positive definite. */
function cholSolve(A: number[][], b: number[]): number[] | null {
  const d = b.length;
  const L = A.map((r) => r.slice());
  for (let j = 0; j < d; j++) {
    let s = L[j][j];
    for (let k = 0; k < j; k++) s -= L[j][k] * L[j][k];
    if (!(s > 0)) return null;
    L[j][j] = Math.sqrt(s);
    for (let i = j + 1; i < d; i++) {
      let t = L[i][j];
      for (let k = 0; k < j; k++) t -= L[i][k] * L[j][k];
      L[i][j] = t / L[j][j];
    }
  }
  const z = b.slice();
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < i; k++) z[i] -= L[i][k] * z[k];
    z[i] /= L[i][i];
  }
  for (let i = d - 1; i >= 0; i--) {
    for (let k = i + 1; k < d; k++) z[i] -= L[k][i] * z[k];
    z[i] /= L[i][i];
  }
  return z;
}

/** ln Γ(x), x > 0 (Lanczos, g = 7; ~1e-15 relative). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Upper regularised incomplete gamma Q(a, x) (series below a + 1, Lentz continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPre = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let ap = a, sum = 1 / a, del = sum;
    for (let n = 0; n < 100000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPre));
  }
  let b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(lnPre) * h);
}

/** P(χ²_dof > x). */
export function chi2Survival(x: number, dof: number): number {
  return gammaQ(dof / 2, x / 2);
}

type Theta = { N: number; eps: number; delta: number; u: number };

/** The binned data and the map ρ → p_b on the occupied bins. */
class BinnedModel {
  readonly rings: Int32Array;
  readonly sectors: (Int32Array | undefined)[];
  readonly occ: Int32Array;
  readonly n: Float64Array;
  readonly M: number;
  /** Σ_b n_b ln A_b over the occupied bins (density = p_b/A_b). */
  readonly lnArea: number;
  private readonly pAll: Float64Array;
  private readonly scratch;
  constructor(readonly bins: PolarBins, readonly counts: Float64Array, readonly eta: number) {
    this.rings = occupiedRings(bins, counts);
    this.sectors = sparseSectors(bins, counts, this.rings);
    const occ: number[] = [];
    for (let b = 0; b < counts.length; b++) if (counts[b] > 0) occ.push(b);
    this.occ = Int32Array.from(occ);
    this.n = Float64Array.from(occ, (b) => counts[b]);
    this.M = this.n.reduce((a, b) => a + b, 0);
    let la = 0;
    for (let i = 0; i < occ.length; i++) {
      const j = Math.floor(occ[i] / bins.L);
      la += this.n[i] * Math.log((0.5 * (bins.edges[j + 1] ** 2 - bins.edges[j] ** 2) * 2 * Math.PI) / bins.L);
    }
    this.lnArea = la;
    this.pAll = new Float64Array(counts.length);
    this.scratch = binScratch(bins);
  }
  /** p_b = tr(E_η(X) E_b) on the occupied bins (X any Hermitian matrix of K levels; linear in X). */
  probs(X: ComplexMatrix): Float64Array {
    const det = this.eta === 1 ? X : lossChannel(X, this.eta);
    binProbabilities(this.bins, det, this.rings, this.pAll, this.scratch, this.sectors);
    return Float64Array.from(this.occ, (b) => this.pAll[b]);
  }
  /** p_b on every bin (for the χ² cells). */
  probsAll(X: ComplexMatrix): Float64Array {
    const det = this.eta === 1 ? X : lossChannel(X, this.eta);
    const all = new Int32Array(this.bins.rings);
    for (let j = 0; j < all.length; j++) all[j] = j;
    const p = new Float64Array(this.counts.length);
    binProbabilities(this.bins, det, all, p, binScratch(this.bins));
    return p;
  }
  logL(p: Float64Array): number {
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      if (!(p[i] > 0)) return -Infinity;
      s += this.n[i] * Math.log(p[i]);
    }
    return s;
  }
}

function toParams(t: Theta, kappa: number): KerrParams {
  return { kappa, delta: t.delta, u: t.u, eps: t.eps, N: t.N };
}

function withValue(t: Theta, k: KerrFitParam, v: number): Theta {
  return { ...t, [k]: v };
}

function diff(A: ComplexMatrix, B: ComplexMatrix, s: number): ComplexMatrix {
  const out = { K: A.K, re: new Float64Array(A.re.length), im: new Float64Array(A.im.length) };
  for (let i = 0; i < out.re.length; i++) {
    out.re[i] = (A.re[i] - B.re[i]) * s;
    out.im[i] = (A.im[i] - B.im[i]) * s;
  }
  return out;
}

function inRange(k: KerrFitParam, v: number): boolean {
  const r = KERR_RULES[k];
  return Number.isFinite(v) && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
}

function topTwo(rho: ComplexMatrix): number {
  const K = rho.K;
  let s = 0;
  for (let n = Math.max(0, K - 2); n < K; n++) s += rho.re[n * K + n];
  return Math.abs(s);
}

export function fitKerrNess(x: Float64Array, y: Float64Array, opts: KerrFitOptions): KerrFitResult {
  validate(x, y, opts);
  const eta = opts.efficiency ?? 1;
  const kappa = opts.kappa;
  const free = opts.free.slice();
  const d = free.length;
  const warnings: string[] = [];
  const M = x.length;
  let maxAbs = 0;
  for (let i = 0; i < M; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new ParameterError(`samples[${i}]`, 'finite numbers', [x[i], y[i]]);
    maxAbs = Math.max(maxAbs, Math.hypot(x[i], y[i]));
  }
  const mom = outcomeMoments(x, y, eta);
  const Kdata = chooseKFromData(mom.n.value, mom.variance_n);
  const kModel = (t: Theta) => chooseK({ kappa, delta: t.delta, u: t.u, N: t.N }, [t.eps], { maxK: MAX_K }).K;
  let K = opts.K ?? Math.min(MAX_K, Math.max(Kdata, kModel(opts.initial)));
  let theta: Theta = { ...opts.initial };
  let iterations = 0, converged = false;
  let attempt = 0;
  for (;;) {
    const r = scoring(x, y, maxAbs, K, eta, kappa, free, theta, opts, attempt);
    theta = r.theta;
    iterations += r.iterations;
    converged = r.converged;
    const top = topTwo(r.rho);
    if (opts.K !== undefined || top <= TOP_TOL || K >= MAX_K || attempt >= 2) {
      if (top > TOP_TOL)
        warnings.push(`the fitted NESS's top two Fock levels hold ${top.toExponential(2)} (> ${TOP_TOL}) at K = ${K}: the fit is NOT converged in K`);
      return finish(r, K, top);
    }
    K = Math.min(MAX_K, Math.max(Math.ceil(1.5 * K), kModel(theta)));
    attempt++;
  }

  function finish(r: ReturnType<typeof scoring>, Kf: number, top: number): KerrFitResult {
    const { model: bm, theta: th } = r;
    opts.onProgress?.(0.9);
    // Observed information: ρ at ±h_i (first derivatives, diagonal second derivatives) and ±(h_i + h_j) (mixed).
    const h = free.map((k) => FD_H * Math.max(Math.abs(th[k]), FD_SCALE[k]));
    const P = toParams(th, kappa);
    const rho0 = nessDensityMatrix(P, Kf);
    const p0 = bm.probs(rho0);
    const plus: ComplexMatrix[] = [], minus: ComplexMatrix[] = [];
    for (let i = 0; i < d; i++) {
      plus.push(nessDensityMatrix(toParams(withValue(th, free[i], th[free[i]] + h[i]), kappa), Kf));
      minus.push(nessDensityMatrix(toParams(withValue(th, free[i], th[free[i]] - h[i]), kappa), Kf));
    }
    const dp = free.map((_, i) => bm.probs(diff(plus[i], minus[i], 1 / (2 * h[i]))));
    const pp = plus.map((m) => bm.probs(m)), pm = minus.map((m) => bm.probs(m));
    const H: number[][] = Array.from({ length: d }, () => new Array(d).fill(0));
    for (let i = 0; i < d; i++)
      for (let j = i; j < d; j++) {
        let d2: Float64Array;
        if (i === j) {
          d2 = new Float64Array(p0.length);
          for (let b = 0; b < p0.length; b++) d2[b] = (pp[i][b] - 2 * p0[b] + pm[i][b]) / (h[i] * h[i]);
        } else {
          // f_ij ≈ [f(+i+j) − f(+i) − f(+j) + 2f − f(−i) − f(−j) + f(−i−j)] / (2 h_i h_j)
          const tpp = withValue(withValue(th, free[i], th[free[i]] + h[i]), free[j], th[free[j]] + h[j]);
          const tmm = withValue(withValue(th, free[i], th[free[i]] - h[i]), free[j], th[free[j]] - h[j]);
          const a = bm.probs(nessDensityMatrix(toParams(tpp, kappa), Kf)), c = bm.probs(nessDensityMatrix(toParams(tmm, kappa), Kf));
          d2 = new Float64Array(p0.length);
          for (let b = 0; b < p0.length; b++)
            d2[b] = (a[b] - pp[i][b] - pp[j][b] + 2 * p0[b] - pm[i][b] - pm[j][b] + c[b]) / (2 * h[i] * h[j]);
        }
        let s = 0;
        for (let b = 0; b < p0.length; b++) s += bm.n[b] * ((dp[i][b] * dp[j][b]) / (p0[b] * p0[b]) - d2[b] / p0[b]);
        H[i][j] = s;
        H[j][i] = s;
      }
    let covariance: number[][];
    let posDef = cholSolve(H, new Array(d).fill(0)) !== null;
    try {
      covariance = posDef ? inverse(new Matrix(H)).to2DArray() : H.map((row) => row.map(() => NaN));
    } catch {
      posDef = false;
      covariance = H.map((row) => row.map(() => NaN));
    }
    if (!posDef)
      warnings.push('the observed information is not positive definite at the optimum: no error bars (a parameter is not determined by these outcomes, or the fit stopped short of the maximum)');
    const sigma: Partial<Record<KerrFitParam, number>> = {};
    free.forEach((k, i) => (sigma[k] = Math.sqrt(covariance[i][i])));
    const correlation = covariance.map((row, i) => row.map((c, j) => c / Math.sqrt(covariance[i][i] * covariance[j][j])));
    // Model entropy production and its delta-method error.
    const U = P.u / P.N;
    const q0 = stateQuantities(rho0, 1, kappa, U);
    const qOf = (rho: ComplexMatrix, t: Theta) => stateQuantities(rho, 1, kappa, t.u / t.N);
    const dq = free.map((k, i) => {
      const a = qOf(plus[i], withValue(th, k, th[k] + h[i])), b = qOf(minus[i], withValue(th, k, th[k] - h[i]));
      const g = {} as Record<ModelQuantity, number>;
      for (const q of MODEL_QUANTITIES) g[q] = ((a[q] as number) - (b[q] as number)) / (2 * h[i]);
      return g;
    });
    const model = {} as Record<ModelQuantity, number>, modelSigma = {} as Record<ModelQuantity, number>;
    for (const q of MODEL_QUANTITIES) {
      model[q] = q0[q] as number;
      let v = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) v += dq[i][q] * covariance[i][j] * dq[j][q];
      modelSigma[q] = Math.sqrt(v);
    }
    const exact = exactNess(P);
    const gof = goodnessOfFit(bm, rho0, d, opts.reference);
    if (gof.pValue < 1e-3) warnings.push(gof.statement);
    if (!r.converged) warnings.push(`the likelihood maximisation stopped after ${r.iterations} iterations without meeting its tolerance`);
    opts.onProgress?.(1);
    return {
      params: { N: th.N, eps: th.eps, delta: th.delta, u: th.u },
      sigma, covariance, free, logLikelihood: bm.logL(p0) - bm.lnArea, iterations, converged: r.converged,
      model, modelSigma,
      moments: { a_re: q0.a_re as number, a_im: q0.a_im as number, n: q0.n as number, n_exact: exact.n },
      K: Kf, rho: rho0, topPopulation: top, M, efficiency: eta, kappa, correlation,
      errorMethod: 'inverse observed information (Hessian of −ln L at the optimum; derivatives of the NESS ρ by central finite differences, exact chain rule through ρ → p_b)',
      goodnessOfFit: gof,
      warnings,
    };
  }
}

/** Fisher scoring at fixed K. */
function scoring(
  x: Float64Array, y: Float64Array, maxAbs: number, K: number, eta: number, kappa: number,
  free: KerrFitParam[], start: Theta, opts: KerrFitOptions, attempt: number,
) {
  const bins = polarBins(K, maxAbs);
  const bm = new BinnedModel(bins, binCounts(bins, binIndex(bins, x, y)), eta);
  const d = free.length;
  const maxIter = opts.maxIter ?? 60;
  const evalAt = (t: Theta) => {
    const rho = nessDensityMatrix(toParams(t, kappa), K);
    const p = bm.probs(rho);
    return { rho, p, logL: bm.logL(p) };
  };
  let theta = { ...start };
  let cur = evalAt(theta);
  if (!Number.isFinite(cur.logL))
    throw new ParameterError('fit-initial', 'a starting point where the model gives every outcome a positive probability (try other starting values)', theta);
  let lambda = 1e-3;
  let converged = false, it = 0;
  for (; it < maxIter; it++) {
    opts.onProgress?.(Math.min(0.85, (attempt * maxIter + it) / (3 * maxIter) + 0.02));
    const h = free.map((k) => FD_H * Math.max(Math.abs(theta[k]), FD_SCALE[k]));
    const dp = free.map((k, i) => {
      const a = nessDensityMatrix(toParams(withValue(theta, k, theta[k] + h[i]), kappa), K);
      const b = nessDensityMatrix(toParams(withValue(theta, k, theta[k] - h[i]), kappa), K);
      return bm.probs(diff(a, b, 1 / (2 * h[i])));
    });
    const g = new Array(d).fill(0);
    const F: number[][] = Array.from({ length: d }, () => new Array(d).fill(0));
    const p = cur.p;
    for (let b = 0; b < p.length; b++) {
      const w = bm.n[b] / (p[b] * p[b]);
      for (let i = 0; i < d; i++) {
        g[i] += (bm.n[b] * dp[i][b]) / p[b];
        for (let j = 0; j <= i; j++) F[i][j] += w * dp[i][b] * dp[j][b];
      }
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) F[j][i] = F[i][j];
    // Expected rise of ln L from a full step: ½ gᵀF⁻¹g; below 1e-7 nats the optimum is reached to ~1e-3 σ.
    const full = cholSolve(F, g);
    if (full && 0.5 * g.reduce((s, gi, i) => s + gi * full[i], 0) < 1e-7) {
      converged = true;
      break;
    }
    let accepted = false;
    for (let tries = 0; tries < 30; tries++) {
      const A = F.map((row, i) => row.map((v, j) => (i === j ? v * (1 + lambda) + 1e-300 : v)));
      const step = cholSolve(A, g);
      if (!step) {
        lambda *= 10;
        continue;
      }
      const trial = { ...theta };
      let ok = true;
      free.forEach((k, i) => {
        trial[k] = theta[k] + step[i];
        if (!inRange(k, trial[k])) ok = false;
      });
      if (ok) {
        const t = evalAt(trial);
        if (t.logL > cur.logL) {
          theta = trial;
          cur = t;
          lambda = Math.max(1e-6, lambda / 10);
          accepted = true;
          break;
        }
      }
      lambda *= 10;
    }
    if (!accepted) {
      // No step raises ln L: at the maximum to round-off (or stuck at a bound).
      converged = full !== null;
      break;
    }
  }
  return { theta, rho: cur.rho, model: bm, iterations: it, converged };
}

/** Pearson χ² on cells of consecutive fine bins (ring by ring) holding ≥ max(5, M/400) expected outcomes each. */
function goodnessOfFit(bm: BinnedModel, rho: ComplexMatrix, d: number, reference?: ComplexMatrix): KerrFitResult['goodnessOfFit'] {
  const p = bm.probsAll(rho);
  const counts = bm.counts;
  const M = bm.M;
  const target = Math.max(5, M / 400);
  let chi2 = 0, cells = 0, e = 0, o = 0;
  for (let b = 0; b < p.length; b++) {
    e += M * Math.max(p[b], 0);
    o += counts[b];
    if (e >= target) {
      chi2 += ((o - e) * (o - e)) / e;
      cells++;
      e = 0;
      o = 0;
    }
  }
  // the rest (outer tail and any probability outside the bins) joins the last cell's tally as its own cell if large
  if (e > 0 || o > 0) {
    const rest = Math.max(e, 1e-300);
    chi2 += ((o - rest) * (o - rest)) / rest;
    cells++;
  }
  const dof = Math.max(1, cells - 1 - d);
  const pValue = chi2Survival(chi2, dof);
  let logLikelihoodRatio: number | undefined;
  if (reference) {
    const K = bm.bins.K;
    const ref = reference.K === K ? reference : reference.K < K ? embedRho(reference, K) : undefined;
    if (ref) logLikelihoodRatio = bm.logL(bm.probs(ref)) - bm.logL(bm.probs(rho));
  }
  const statement =
    pValue < 1e-3
      ? `the Kerr NESS does NOT describe these outcomes: Pearson χ² = ${chi2.toFixed(1)} on ${dof} degrees of freedom (p = ${pValue.toExponential(2)})`
      : `Pearson χ² = ${chi2.toFixed(1)} on ${dof} degrees of freedom (p = ${pValue.toPrecision(3)}): consistent with the Kerr NESS`;
  return { chi2, cells, dof, pValue, ...(logLikelihoodRatio !== undefined && { logLikelihoodRatio }), statement };
}
