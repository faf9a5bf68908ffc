/**
 * Pure logic of the Gaussian panel (seed 004): the form in the units of the seed's Table I (ν/2π in MHz, kHz, Hz),
 * its validation messages, and the chart data of Fig. 3 (Π_s with the μ_b inset) and of the output spectrum with an
 * imported measurement over the fitted model. The engine calls are instant, so the panel calls them directly.
 */
import { checkNumber, ParameterError } from '../../src-core/validation.js';
import { DAMPINGS, PRESETS, TWO_PI, type Damping, type GaussianParams, type GaussianPreset, type SweepVariable } from '../../src-core/gaussian/model.js';
import { gaussianNess, type GaussianNess } from '../../src-core/gaussian/ness.js';
import { criticalCoupling, type CriticalCoupling } from '../../src-core/gaussian/stability.js';
import { couplingFrom, gaussianSweep, sweepLimit } from '../../src-core/gaussian/sweep.js';
import { frequencyGrid, outputSpectrum, toAngular } from '../../src-core/gaussian/spectrum.js';
import { BEC_WORKING_POINT, becGammaBAssumption, RATE_CONVENTION_TEXT, rateFactor, type RateConvention } from '../../src-core/gaussian/conventions.js';
import type { FitResult } from '../../src-core/gaussian/fit.js';
import type { SpectrumData } from '../../src-core/gaussian/spectrumText.js';
import type { ChartData } from '../lib/series.js';

export type PresetId = GaussianPreset['id'];

/** The form, in the units shown (Table I lists ν = ω/2π). */
export interface GaussianForm {
  preset: PresetId;
  damping: Damping;
  omegaA_MHz: number;
  kappaA_kHz: number;
  omegaB_kHz: number;
  gammaB_Hz: number;
  Tb_K: number;
  chiB_kHz: number;
  /** The preset's sweep variable: g/κ_a (cavity-om) or (g/g_cr)² (cavity-bec). */
  coupling: number;
  /** Homodyne angle θ in rad. */
  theta: number;
  /** Points of the Fig. 3 curves. */
  points: number;
  /** How κ_a and γ_b are entered: the seed's amplitude rates, or measured linewidths (FWHM = 2 × amplitude rate). */
  rates: RateConvention;
}

/** The numeric fields of the form. */
export type NumericKey = { [K in keyof GaussianForm]: GaussianForm[K] extends number ? K : never }[keyof GaussianForm];

export interface FieldSpec {
  key: NumericKey;
  label: string;
  unit: string;
  /** Form value × scale = engine value (s⁻¹ angular, K). */
  scale: number;
  rule: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean };
}

export const FIELDS: readonly FieldSpec[] = [
  { key: 'omegaA_MHz', label: 'ω_a/2π', unit: 'MHz', scale: TWO_PI * 1e6, rule: { min: -1e5, max: 1e5 } },
  { key: 'kappaA_kHz', label: 'κ_a/2π', unit: 'kHz', scale: TWO_PI * 1e3, rule: { min: 0, exclusiveMin: true, max: 1e8 } },
  { key: 'omegaB_kHz', label: 'ω_b/2π', unit: 'kHz', scale: TWO_PI * 1e3, rule: { min: 0, exclusiveMin: true, max: 1e8 } },
  { key: 'gammaB_Hz', label: 'γ_b/2π', unit: 'Hz', scale: TWO_PI, rule: { min: 0, exclusiveMin: true, max: 1e11 } },
  { key: 'Tb_K', label: 'T_b', unit: 'K', scale: 1, rule: { min: 0, max: 1e6 } },
  { key: 'chiB_kHz', label: 'χ_b/2π (squeezing of b)', unit: 'kHz', scale: TWO_PI * 1e3, rule: { min: -1e8, max: 1e8 } },
  { key: 'theta', label: 'homodyne angle θ', unit: 'rad', scale: 1, rule: { min: -10, max: 10 } },
  { key: 'points', label: 'points per curve', unit: '', scale: 1, rule: { min: 2, max: 20000, integer: true } },
];

export const COUPLING_LABEL: Record<SweepVariable, string> = { g_over_kappa: 'g/κ_a', g2_over_gcr2: '(g/g_cr)²' };

export function formFromPreset(id: PresetId): GaussianForm {
  const pr = PRESETS[id];
  const p = pr.params;
  // Table I's numbers back from the angular rates (12 digits: drop the round-off of × 2π ÷ 2π from the display).
  const r = (v: number) => +v.toPrecision(12);
  return {
    preset: id,
    damping: p.damping,
    omegaA_MHz: r(p.omegaA / (TWO_PI * 1e6)),
    kappaA_kHz: r(p.kappaA / (TWO_PI * 1e3)),
    omegaB_kHz: r(p.omegaB / (TWO_PI * 1e3)),
    gammaB_Hz: r(p.gammaB / TWO_PI),
    Tb_K: p.Tb,
    chiB_kHz: r((p.chiB ?? 0) / (TWO_PI * 1e3)),
    coupling: pr.example,
    theta: pr.theta,
    points: 400,
    rates: 'amplitude',
  };
}

export interface FieldError {
  field: keyof GaussianForm;
  message: string;
}

export interface Evaluation {
  errors: FieldError[];
  variable: SweepVariable;
  /** Parameters with g = 0, when the model fields are valid. */
  base?: GaussianParams;
  crit?: CriticalCoupling;
  /** Largest allowed coupling value (exclusive), where g reaches g_cr. */
  limit?: number;
  /** Parameters at the chosen coupling, and the NESS there, when everything is valid. */
  params?: GaussianParams;
  ness?: GaussianNess;
}

/** Validate the form and evaluate the NESS; every problem becomes a message naming the field, its unit and range. */
export function evaluate(f: GaussianForm): Evaluation {
  const variable = PRESETS[f.preset].sweep.variable;
  const errors: FieldError[] = [];
  for (const s of FIELDS) {
    try {
      checkNumber(`${s.label}${s.unit ? ` (${s.unit})` : ''}`, f[s.key], s.rule);
    } catch (e) {
      errors.push({ field: s.key, message: (e as Error).message });
    }
  }
  if (!DAMPINGS.includes(f.damping)) errors.push({ field: 'damping', message: `damping: allowed: one of ${DAMPINGS.join(', ')}` });
  if (errors.length) return { errors, variable };
  const base: GaussianParams = {
    omegaA: f.omegaA_MHz * TWO_PI * 1e6,
    kappaA: f.kappaA_kHz * TWO_PI * 1e3 * rateFactor(f.rates),
    omegaB: f.omegaB_kHz * TWO_PI * 1e3,
    gammaB: f.gammaB_Hz * TWO_PI * rateFactor(f.rates),
    Tb: f.Tb_K,
    chiB: f.chiB_kHz * TWO_PI * 1e3,
    g: 0,
    damping: f.damping,
  };
  const crit = criticalCoupling(base);
  if (!(crit.gCr > 0)) {
    errors.push({ field: 'omegaA_MHz', message: 'A is unstable already at g = 0: check ω_a (red detuning, ω_a > 0) and |χ_b| < ω_b' });
    return { errors, variable, base, crit };
  }
  const limit = sweepLimit(variable, base, crit.gCr);
  const label = COUPLING_LABEL[variable];
  if (!(Number.isFinite(f.coupling) && f.coupling >= 0 && f.coupling < limit)) {
    errors.push({
      field: 'coupling',
      message: `${label}: got ${f.coupling}; allowed: ≥ 0 and < ${+limit.toPrecision(6)} (g_cr = ${crit.gCr.toPrecision(6)} s⁻¹, where A loses stability)`,
    });
    return { errors, variable, base, crit, limit };
  }
  const params = { ...base, g: couplingFrom(variable, f.coupling, base, crit.gCr) };
  try {
    return { errors, variable, base, crit, limit, params, ness: gaussianNess(params, crit) };
  } catch (e) {
    if (!(e instanceof ParameterError)) throw e;
    errors.push({ field: 'coupling', message: e.message });
    return { errors, variable, base, crit, limit };
  }
}

/**
 * Fig. 3: Π_s against the preset's axis over its range (clipped below g_cr), and the inset's μ_b, with the form's
 * working point marked.
 */
export function fig3Charts(f: GaussianForm, ev: Evaluation): { pi: ChartData; muB: ChartData } | undefined {
  if (!ev.base || !ev.crit || ev.limit === undefined) return undefined;
  const pr = PRESETS[f.preset];
  const to = Math.min(pr.sweep.to, 0.99 * ev.limit);
  const s = gaussianSweep(ev.base, { variable: ev.variable, from: pr.sweep.from, to, points: f.points }, ev.crit);
  const x = Array.from(s.x);
  const xLabel = COUPLING_LABEL[ev.variable];
  const vlines = ev.params && f.coupling <= to ? [{ x: f.coupling, label: 'working point' }] : [];
  const common = { xLabel, xKey: ev.variable, x, vlines };
  const pi = unitScale([s.Pi_s, s.mu_a]);
  const mb = unitScale([s.mu_b]);
  return {
    pi: {
      ...common,
      id: `gaussian-fig3-Pi_s-${f.preset}`,
      meta: gaussianMeta(f),
      title: `Entropy production Π_s = μ_a + μ_b (seed 004 Eq. 4, Fig. 3), ${f.preset}`,
      yLabel: `entropy rate (${pi.unit})`,
      series: [
        { label: 'Π_s', values: Array.from(s.Pi_s, (v) => v / pi.factor), color: 0 },
        { label: 'μ_a', values: Array.from(s.mu_a, (v) => v / pi.factor), color: 1 },
      ],
      logOk: true,
    },
    muB: {
      ...common,
      id: `gaussian-fig3-mu_b-${f.preset}`,
      meta: gaussianMeta(f),
      title: `Inset: μ_b (flow to the ${f.preset === 'cavity-om' ? 'mechanical' : 'atomic'} bath; < 0 is cooling)`,
      yLabel: `μ_b (${mb.unit})`,
      series: [{ label: 'μ_b', values: Array.from(s.mu_b, (v) => v / mb.factor), color: 2 }],
      logOk: false,
    },
  };
}

/**
 * The output homodyne spectrum: the model at the form's parameters (scaled by the fitted gain when there is a fit),
 * the imported measurement, and the fitted model, on the measurement's frequencies (or 0 … 2 ω_b/2π without one).
 */
export function spectrumChart(f: GaussianForm, ev: Evaluation, measured?: SpectrumData, fit?: FitResult): ChartData | undefined {
  if (!ev.params) return undefined;
  const fr = measured ? measured.f : frequencyGrid(0, (2 * ev.params.omegaB) / TWO_PI, 600);
  const order = Array.from(fr.keys()).sort((a, b) => fr[a] - fr[b]);
  const x = order.map((i) => fr[i]);
  const gain = fit?.gain ?? 1;
  const model = outputSpectrum(ev.params, toAngular(x), { theta: f.theta });
  const series: ChartData['series'] = [{ label: fit ? 'model at the form (× fitted gain)' : 'model (shot noise = 1)', values: Array.from(model, (v) => v * gain), ref: 'ness' }];
  if (measured)
    series.unshift({
      label: measured.sigma ? 'measured (±1σ)' : 'measured',
      values: order.map((i) => measured.psd[i]),
      color: 0,
      points: true,
      ...(measured.sigma ? { errors: order.map((i) => measured.sigma![i]) } : {}),
    });
  if (measured && fit) series.push({ label: 'fitted model', values: order.map((i) => fit.model[i]), color: 3 });
  return {
    id: `gaussian-spectrum-${f.preset}`,
    meta: gaussianMeta(f),
    title: `Output-field homodyne spectrum, θ = ${+f.theta.toFixed(3)} rad (input–output theory; seed 004 Fig. 2)`,
    xLabel: 'frequency f [Hz]',
    xKey: 'frequency',
    yLabel: measured ? 'PSD [unit of the file]' : 'PSD [shot-noise units]',
    x,
    series,
    logOk: true,
  };
}

/**
 * The fit's residual panel on the measurement's frequencies: (PSD − model)/σ when the file gave σ, otherwise
 * ln(PSD/model) (the fit works in ln PSD), with the zero line.
 */
export function residualChart(f: GaussianForm, measured: SpectrumData, fit: FitResult): ChartData {
  const order = Array.from(measured.f.keys()).sort((a, b) => measured.f[a] - measured.f[b]);
  const sig = measured.sigma;
  const values = order.map((i) => {
    const r = sig ? (measured.psd[i] - fit.model[i]) / sig[i] : Math.log(measured.psd[i] / fit.model[i]);
    return Number.isFinite(r) ? r : null;
  });
  return {
    id: `gaussian-residuals-${f.preset}`,
    meta: gaussianMeta(f),
    title: `Fit residuals (χ²/dof = ${+fit.chi2_dof.toPrecision(4)})`,
    xLabel: 'frequency f [Hz]',
    xKey: 'frequency',
    yLabel: sig ? '(PSD − fit)/σ [σ]' : 'ln(PSD/fit) [dimensionless]',
    x: order.map((i) => measured.f[i]),
    series: [
      { label: sig ? 'normalised residual' : 'log residual', values, color: 0, points: true },
      { label: 'zero', values: order.map(() => 0), ref: 'ness', refStyle: 0 },
    ],
    logOk: false,
  };
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/**
 * A power of ten (a multiple of 3) that keeps axis ticks short, with its unit text: rates of 10¹⁰ s⁻¹ would not fit the
 * axis. The unit is part of the y label, hence of the exported CSV's column names.
 */
export function unitScale(cols: ArrayLike<number>[]): { factor: number; unit: string } {
  let m = 0;
  for (const c of cols) for (let i = 0; i < c.length; i++) if (Number.isFinite(c[i])) m = Math.max(m, Math.abs(c[i]));
  const e = m > 0 ? 3 * Math.floor(Math.log10(m) / 3) : 0;
  if (e < 6 && e > -4) return { factor: 1, unit: 's⁻¹' };
  return { factor: 10 ** e, unit: `10${[...String(e)].map((ch) => SUPERSCRIPT[ch]).join('')} s⁻¹` };
}

/** Human-readable number for the readouts. */
export function fmt(v: number, digits = 5): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(digits - 1) : String(+v.toPrecision(digits));
}

/**
 * What the panel must say about γ_b (issue 14): for the cavity-BEC preset the seed does not give γ_b, so the preset's
 * value is an assumption, shown with the γ_b that makes μ_a = μ_b at the seed's working point (g/g_cr)² = 0.93
 * (computed from the other parameters as entered); a γ_b the user typed is theirs, and the balance value is still shown.
 */
export function gammaBNote(f: GaussianForm, ev: Evaluation): { assumed: boolean; text: string } | undefined {
  if (f.preset !== 'cavity-bec' || !ev.base) return undefined;
  const presetHz = PRESETS['cavity-bec'].params.gammaB / TWO_PI;
  const assumed = Math.abs(f.gammaB_Hz * rateFactor(f.rates) - presetHz) <= 1e-9 * presetHz;
  const a = becGammaBAssumption(ev.base, f.rates);
  const kind = f.rates === 'fwhm' ? ' (FWHM)' : '';
  const bal = a.gamma_b_balanced_over_2pi_hz;
  const balText =
    bal === null
      ? `no γ_b/2π in 1 Hz … 100 kHz gives μ_a = μ_b at (g/g_cr)² = ${BEC_WORKING_POINT}`
      : `μ_a = μ_b at (g/g_cr)² = ${BEC_WORKING_POINT}, as the seed reports, needs γ_b/2π ≈ ${bal.toFixed(0)} Hz${kind}`;
  return assumed
    ? { assumed, text: `γ_b/2π = ${+f.gammaB_Hz.toPrecision(6)} Hz${kind} is an assumption: the seed does not give it. ${balText}. Set it, or fit it to a spectrum (γ_b free).` }
    : { assumed, text: `γ_b/2π = ${+f.gammaB_Hz.toPrecision(6)} Hz${kind} as entered. ${balText}.` };
}

/** The rate convention, stated where the rates are entered and in every chart export. */
export const RATE_CONVENTION_NOTE: Readonly<Record<RateConvention, string>> = Object.freeze({
  amplitude: 'κ_a and γ_b are entered as the seed’s amplitude rates (a mode left alone decays as e^{−κt}); a measured linewidth (FWHM) is twice that.',
  fwhm: 'κ_a and γ_b are entered as measured linewidths (FWHM); the model uses the amplitude rates FWHM/2 (seed’s convention).',
});

/** The form with κ_a and γ_b shown in convention c (the same physical rates: only the numbers shown change). */
export function withRates(f: GaussianForm, c: RateConvention): GaussianForm {
  const k = rateFactor(f.rates) / rateFactor(c);
  const r = (v: number) => +(v * k).toPrecision(12);
  return { ...f, rates: c, kappaA_kHz: r(f.kappaA_kHz), gammaB_Hz: r(f.gammaB_Hz) };
}

/** Provenance of the panel's charts: the model as entered, with the rate convention (README: every output says it). */
export function gaussianMeta(f: GaussianForm): Record<string, string | number> {
  return {
    model: `seed 004 two coupled oscillators, preset ${f.preset}, damping ${f.damping}`,
    rate_convention: RATE_CONVENTION_TEXT[f.rates],
    omega_a_over_2pi_MHz: f.omegaA_MHz,
    kappa_a_over_2pi_kHz: f.kappaA_kHz,
    omega_b_over_2pi_kHz: f.omegaB_kHz,
    gamma_b_over_2pi_Hz: f.gammaB_Hz,
    T_b_K: f.Tb_K,
    chi_b_over_2pi_kHz: f.chiB_kHz,
    ...(f.preset === 'cavity-bec' ? { gamma_b_note: 'the cavity-BEC preset γ_b is an assumption (not given in the seed)' } : {}),
  };
}
