/**
 * Inference from a measured output spectrum (seed 004: n_a, n_b and hence μ_a, μ_b, Π_s are inferred from the noise
 * spectrum of the light leaving the cavity, Fig. 2): least squares of the closed-form model spectrum (spectrum.ts)
 * with ml-levenberg-marquardt, parameter covariance (JᵀJ)⁻¹ s² from the Jacobian at the optimum, and linear error
 * propagation to n_a, n_b, μ_a, μ_b, Π_s.
 *
 * Model: PSD(f) = gain · S(2πf), S = 1 + η(2S_θ − 1) in shot-noise units (homodyne), or S = 1 + η n(ω) (heterodyne:
 * sideband-resolved, f of either sign relative to the pump; spectrum.ts). The residuals are on a log scale,
 * r_i = (ln PSD_i − ln model_i)/s_i, because a PSD estimate's error is proportional to its value (s_i = σ_i/PSD_i if
 * the file has a sigma column, else 1 and s² is estimated from the residuals).
 *
 * Internal coordinates keep every trial point physical: g = g_cr · logistic(t) (so the model is always below the
 * instability and has a NESS), η = logistic(t), the others value = start · eᵗ (positive).
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { Matrix, inverse } from 'ml-matrix';
import { ParameterError } from '../validation.js';
import { validateGaussianParams, type GaussianParams } from './model.js';
import { gaussianNess, type GaussianNess } from './ness.js';
import { detectedSpectrum, DETECTIONS, toAngular, type Detection } from './spectrum.js';
import type { SpectrumData } from './spectrumText.js';
import { criticalCoupling } from './stability.js';

export type FitParam = 'g' | 'kappaA' | 'omegaA' | 'omegaB' | 'gammaB' | 'Tb' | 'eta' | 'gain';
export const FIT_PARAMS: readonly FitParam[] = ['g', 'kappaA', 'omegaA', 'omegaB', 'gammaB', 'Tb', 'eta', 'gain'];

export interface FitOptions {
  /** Starting point (and the fixed values of the parameters not fitted). */
  start: GaussianParams;
  /** Parameters to fit; default ['g', 'gain']. */
  free?: FitParam[];
  /** Homodyne angle θ (rad), default π/2 (homodyne only). */
  theta?: number;
  /** Which spectrum the data are (default homodyne). */
  detection?: Detection;
  /** Starting detection efficiency and gain (defaults 1). */
  eta?: number;
  gain?: number;
  /** Scan g/g_cr on a grid first (with the gain solved in closed form) to pick the start; default true if g is free. */
  scan?: boolean;
  maxIterations?: number;
}

export interface Estimate {
  value: number;
  /** 1σ from the covariance. */
  sigma: number;
}

export type Derived = 'n_a' | 'n_b' | 'mu_a' | 'mu_b' | 'Pi_s';
export const DERIVED: readonly Derived[] = ['n_a', 'n_b', 'mu_a', 'mu_b', 'Pi_s'];

export interface FitResult {
  /** Fitted free parameters (natural units: rates s⁻¹ angular, T_b in K). */
  fitted: Partial<Record<FitParam, Estimate>>;
  /** Covariance of the free parameters, in the order of `free`. */
  covariance: number[][];
  free: FitParam[];
  /** n_a, n_b, μ_a, μ_b, Π_s at the fitted parameters, with propagated 1σ. */
  derived: Record<Derived, Estimate>;
  params: GaussianParams;
  eta: number;
  gain: number;
  ness: GaussianNess;
  /** Σ r², its degrees of freedom (points − free parameters), and χ²/dof. */
  chi2: number;
  dof: number;
  chi2_dof: number;
  /** True if the file gave σ (covariance not rescaled by s²). */
  absoluteSigma: boolean;
  iterations: number;
  /** The fitted model PSD at the data's frequencies. */
  model: Float64Array;
}

interface State {
  params: GaussianParams;
  eta: number;
  gain: number;
}

const logistic = (t: number) => 1 / (1 + Math.exp(-t));
const logit = (x: number) => Math.log(x / (1 - x));

/** Map internal coordinates t → physical state (g last, since g_cr depends on the others). */
function toState(t: ArrayLike<number>, free: FitParam[], base: State): State {
  const params: GaussianParams = { ...base.params };
  let eta = base.eta;
  let gain = base.gain;
  let tg: number | undefined;
  free.forEach((k, i) => {
    if (k === 'g') tg = t[i];
    else if (k === 'eta') eta = logistic(t[i]);
    else if (k === 'gain') gain = base.gain * Math.exp(t[i]);
    else params[k] = base.params[k] * Math.exp(t[i]);
  });
  if (tg !== undefined) params.g = criticalCoupling(params).gCr * logistic(tg);
  return { params, eta, gain };
}

function fromState(s: State, free: FitParam[], base: State): number[] {
  const gCr = criticalCoupling(s.params).gCr;
  return free.map((k) => {
    if (k === 'g') return logit(Math.min(Math.max(s.params.g / gCr, 1e-9), 1 - 1e-9));
    if (k === 'eta') return logit(Math.min(Math.max(s.eta, 1e-9), 1 - 1e-9));
    if (k === 'gain') return Math.log(s.gain / base.gain);
    return Math.log(s.params[k] / base.params[k]);
  });
}

function valueOf(s: State, k: FitParam): number {
  return k === 'eta' ? s.eta : k === 'gain' ? s.gain : s.params[k];
}

/** Model ln PSD at ω for a state. */
function logModel(s: State, omegas: Float64Array, theta: number, detection: Detection): Float64Array {
  const S = detectedSpectrum(s.params, omegas, detection, { theta, eta: s.eta });
  const lg = Math.log(s.gain);
  for (let i = 0; i < S.length; i++) S[i] = S[i] > 0 ? Math.log(S[i]) + lg : -700;
  return S;
}

/** Check the fit's inputs; throws ParameterError naming the field. */
function validate(data: SpectrumData, o: FitOptions, free: FitParam[]): void {
  validateGaussianParams(o.start);
  if (free.length === 0) throw new ParameterError('free', `a non-empty list of ${FIT_PARAMS.join(', ')}`, free);
  for (const k of free) if (!FIT_PARAMS.includes(k)) throw new ParameterError('free', `a list of ${FIT_PARAMS.join(', ')}`, k);
  if (new Set(free).size !== free.length) throw new ParameterError('free', 'each parameter at most once', free.join(','));
  if (free.includes('omegaA') && !(o.start.omegaA > 0)) throw new ParameterError('omegaA', 'a number > 0 when omegaA is fitted', o.start.omegaA);
  if (free.includes('Tb') && !(o.start.Tb > 0)) throw new ParameterError('Tb', 'a number > 0 when Tb is fitted', o.start.Tb);
  const eta = o.eta ?? 1;
  if (!(eta > 0 && eta <= 1)) throw new ParameterError('eta', 'a number in (0, 1]', eta);
  if (free.includes('eta') && eta === 1) throw new ParameterError('eta', 'a starting value in (0, 1) when eta is fitted', eta);
  if (!(o.gain === undefined || o.gain > 0)) throw new ParameterError('gain', 'a number > 0', o.gain);
  if (o.detection !== undefined && !DETECTIONS.includes(o.detection)) throw new ParameterError('detection', `one of ${DETECTIONS.join(', ')}`, o.detection);
  if (data.f.length <= free.length)
    throw new ParameterError('spectrum', `more data points than fitted parameters (${free.length})`, data.f.length);
  // Rows repeated at one frequency add no shape: with fewer distinct frequencies than parameters + 1 the model cannot
  // tell them apart (200 rows at one frequency fitted g and gain "successfully" before, issue 10 item 8).
  const distinct = new Set(data.f).size;
  if (distinct <= free.length)
    throw new ParameterError(
      'spectrum',
      `more distinct frequencies than fitted parameters (${free.length}: ${free.join(', ')}); the file has ${distinct} distinct of ${data.f.length} rows`,
      distinct,
    );
}

/** A fit that cannot give numbers: a ParameterError on the spectrum (exit 2), saying why. */
function unfittable(why: string): ParameterError {
  const e = new ParameterError('spectrum', 'data the model can be fitted to', undefined);
  e.message = `spectrum: cannot be fitted: ${why}`;
  return e;
}

/** Fit the model to a measured spectrum. Throws ParameterError for bad options and InstabilityError if the start is unstable. */
export function fitSpectrum(data: SpectrumData, o: FitOptions): FitResult {
  const free = o.free ?? ['g', 'gain'];
  validate(data, o, free);
  const theta = o.theta ?? Math.PI / 2;
  const detection = o.detection ?? 'homodyne';
  const N = data.f.length;
  const omegas = toAngular(data.f);
  const w = new Float64Array(N); // 1/s_i
  const yLog = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    w[i] = data.sigma ? data.psd[i] / data.sigma[i] : 1;
    yLog[i] = Math.log(data.psd[i]);
  }
  if (!w.every((x) => Number.isFinite(x) && x > 0)) throw unfittable('every PSD/sigma ratio a finite number > 0');
  // With the gain fitted, work in units of the data's geometric mean: the fit then never meets gain·e^t beyond a double
  // (a PSD of 1e308 ended in "Matrix is not symmetric"); the gain, its σ and the model are scaled back at the end.
  let shift = 0;
  if (free.includes('gain')) {
    for (let i = 0; i < N; i++) shift += yLog[i] / N;
    for (let i = 0; i < N; i++) yLog[i] -= shift;
  }
  let base: State = { params: { ...o.start }, eta: o.eta ?? 1, gain: shift === 0 ? o.gain ?? 1 : 1 };
  gaussianNess(base.params); // throws InstabilityError if the start is past g_cr

  /** Weighted ln-gain that best matches a state's model (closed form of the linear least squares in ln gain). */
  const bestLogGain = (lm: Float64Array, s: State) => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < N; i++) {
      num += w[i] * w[i] * (yLog[i] - (lm[i] - Math.log(s.gain)));
      den += w[i] * w[i];
    }
    return num / den;
  };
  const chi2Of = (lm: Float64Array) => {
    let c = 0;
    for (let i = 0; i < N; i++) c += (w[i] * (yLog[i] - lm[i])) ** 2;
    return c;
  };

  if (free.includes('gain')) base.gain = Math.exp(bestLogGain(logModel(base, omegas, theta, detection), base));
  if ((o.scan ?? true) && free.includes('g')) {
    // Coarse start: g/g_cr on a grid dense near the threshold (where spectra change fastest), gain in closed form.
    const gCr = criticalCoupling(base.params).gCr;
    let best = { chi2: Infinity, s: base };
    for (let k = 1; k <= 80; k++) {
      const frac = 1 - (1 - k / 81) ** 2;
      const s: State = { ...base, params: { ...base.params, g: gCr * frac } };
      let lm = logModel(s, omegas, theta, detection);
      if (free.includes('gain')) {
        s.gain = Math.exp(bestLogGain(lm, s));
        lm = logModel(s, omegas, theta, detection);
      }
      const c = chi2Of(lm);
      if (c < best.chi2) best = { chi2: c, s };
    }
    if (best.chi2 < chi2Of(logModel(base, omegas, theta, detection))) base = best.s;
  }

  // LM on the weighted log residuals. The model closure is evaluated once per parameter vector and indexed by x = i.
  const xs = Array.from({ length: N }, (_, i) => i);
  const ys = Array.from(yLog, (y, i) => y * w[i]);
  const fn = (t: number[]) => {
    const lm = logModel(toState(t, free, base), omegas, theta, detection);
    return (i: number) => lm[i] * w[i];
  };
  let t = fromState(base, free, base);
  let iterations = 0;
  let prev = Infinity;
  // Run in short rounds and stop once the objective stalls (the library's own test is an absolute tolerance).
  for (let round = 0; round < 20; round++) {
    let r: ReturnType<typeof levenbergMarquardt>;
    try {
      r = levenbergMarquardt({ x: xs, y: ys }, fn, {
        initialValues: t,
        maxIterations: o.maxIterations ?? 25,
        errorTolerance: 0,
        gradientDifference: 1e-6,
        centralDifference: true,
        damping: 1e-3,
        minValues: t.map(() => -40),
        maxValues: t.map(() => 40),
      });
    } catch (e) {
      throw unfittable(`the least-squares solver stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!r.parameterValues.every(Number.isFinite) || !Number.isFinite(r.parameterError)) throw unfittable('the least-squares solver ended on non-finite parameters');
    iterations += r.iterations;
    t = r.parameterValues;
    if (prev - r.parameterError <= 1e-10 * Math.max(r.parameterError, 1e-300)) break;
    prev = r.parameterError;
  }

  // Jacobian of the residuals in t (central differences), s² and the covariance C_t = (JᵀJ)⁻¹ s².
  const p = free.length;
  const h = 1e-5;
  const J = new Matrix(N, p);
  for (let k = 0; k < p; k++) {
    const tp = t.slice();
    const tm = t.slice();
    tp[k] += h;
    tm[k] -= h;
    const fp = logModel(toState(tp, free, base), omegas, theta, detection);
    const fm = logModel(toState(tm, free, base), omegas, theta, detection);
    for (let i = 0; i < N; i++) J.set(i, k, (w[i] * (fp[i] - fm[i])) / (2 * h));
  }
  const best = toState(t, free, base);
  const model = logModel(best, omegas, theta, detection);
  const chi2 = chi2Of(model);
  const dof = N - p;
  const s2 = data.sigma ? 1 : chi2 / dof;
  // A parameter the data do not constrain (its Jacobian column vanishes, e.g. g when the spectrum's frequencies miss
  // the resonances) leaves JᵀJ singular: say which, rather than print meaningless error bars.
  const norms = free.map((_, k) => Math.hypot(...J.getColumn(k)));
  const flat = free.filter((_, k) => !(norms[k] > 1e-8 * Math.max(...norms, 1e-300)));
  const why = (names: string) =>
    new ParameterError('free', `parameters the spectrum constrains; it does not determine ${names} (check the preset, the frequency range and --free)`, free.join(','));
  if (flat.length > 0) throw why(flat.join(', '));
  let Ct: Matrix;
  try {
    Ct = inverse(J.transpose().mmul(J)).mul(s2);
  } catch {
    throw why(`${free.join(', ')} independently (JᵀJ is singular)`);
  }
  if (!Ct.diag().every((d) => Number.isFinite(d) && d >= 0)) throw why(`${free.join(', ')} independently (JᵀJ is ill-conditioned)`);

  // Propagate: natural parameters and derived observables are functions of t; G = ∂(…)/∂t by central differences.
  const derivedAt = (tt: number[]) => {
    const s = toState(tt, free, base);
    const n = gaussianNess(s.params);
    return [...free.map((k) => valueOf(s, k)), ...DERIVED.map((d) => n[d])];
  };
  const m = p + DERIVED.length;
  const G = new Matrix(m, p);
  for (let k = 0; k < p; k++) {
    const tp = t.slice();
    const tm = t.slice();
    tp[k] += h;
    tm[k] -= h;
    const a = derivedAt(tp);
    const b = derivedAt(tm);
    for (let j = 0; j < m; j++) G.set(j, k, (a[j] - b[j]) / (2 * h));
  }
  const C = G.mmul(Ct).mmul(G.transpose());
  const v = derivedAt(t);
  const est = (j: number): Estimate => ({ value: v[j], sigma: Math.sqrt(Math.max(C.get(j, j), 0)) });
  const fitted: Partial<Record<FitParam, Estimate>> = {};
  free.forEach((k, j) => (fitted[k] = est(j)));
  const derived = Object.fromEntries(DERIVED.map((d, i) => [d, est(p + i)])) as Record<Derived, Estimate>;
  // Back to the data's units (see `shift`): the gain's value, σ and covariance row/column, and the model.
  const unit = (k: FitParam) => (k === 'gain' ? Math.exp(shift) : 1);
  const covariance = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => C.get(i, j) * unit(free[i]) * unit(free[j])));
  if (fitted.gain) fitted.gain = { value: fitted.gain.value * unit('gain'), sigma: fitted.gain.sigma * unit('gain') };
  for (let i = 0; i < N; i++) model[i] = Math.exp(model[i] + shift);
  const gain = best.gain * unit('gain');
  // (The covariance is left out: the gain's variance in data units overflows for PSD scales above ~1e154 while σ is
  // fine; nothing writes it, and a caller can rebuild it from σ and the scaled entries.)
  const numbers = [chi2, gain, ...model, ...Object.values(fitted).flatMap((e) => [e.value, e.sigma]), ...Object.values(derived).flatMap((e) => [e.value, e.sigma])];
  if (!numbers.every(Number.isFinite)) throw unfittable('the fitted model, its χ² and error bars came out non-finite: check the PSD scale and the frequency range');
  return {
    fitted,
    covariance,
    free,
    derived,
    params: best.params,
    eta: best.eta,
    gain,
    ness: gaussianNess(best.params),
    chi2,
    dof,
    chi2_dof: chi2 / dof,
    absoluteSigma: !!data.sigma,
    iterations,
    model,
  };
}
