/**
 * Gaussian two-oscillator subcommand bodies (seed 004; issue 6 item 4), loaded when `gaussian`, `gaussian-sweep`,
 * `gaussian-spectrum` or `gaussian-fit` runs (flags and help in ../commands/gaussian.ts). Rates are angular, s⁻¹.
 */
import { ParameterError, quoteField } from '../../../src-core/validation.js';
import {
  PRESETS,
  validateGaussianParams,
  type Damping,
  type GaussianParams,
  type GaussianPreset,
  type SweepVariable,
} from '../../../src-core/gaussian/model.js';
import { gaussianNess } from '../../../src-core/gaussian/ness.js';
import { criticalCoupling, type CriticalCoupling } from '../../../src-core/gaussian/stability.js';
import { couplingFrom, gaussianSweep, sweepLimit, sweepValueOf } from '../../../src-core/gaussian/sweep.js';
import { DETECTION_CONVENTION, detectedSpectrum, frequencyGrid, toAngular, type Detection } from '../../../src-core/gaussian/spectrum.js';
import { becGammaBAssumption, fromAmplitudeRate, RATE_CONVENTION_TEXT, toAmplitudeRates, type RateConvention } from '../../../src-core/gaussian/conventions.js';
import type { FitParam } from '../../../src-core/gaussian/fit.js';
import { toCsv } from '../../io/csv.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { OUT_NAMES } from '../commands/gaussian.js';
import { assertFiniteResult, printChecked, printJson } from '../output.js';
import { mulberry32, normalDeviate } from '../../../src-core/random.js';
import { compute } from '../timing.js';
import { writeOut } from '../stdio.js';

interface ModelFlags {
  preset: GaussianPreset['id'];
  omegaA?: number;
  kappaA?: number;
  omegaB?: number;
  gammaB?: number;
  tb?: number;
  chiB?: number;
  damping?: Damping;
  g?: number;
  gOverKappa?: number;
  g2OverGcr2?: number;
  rates?: RateConvention;
}


/**
 * Preset parameters with the user's overrides (g still 0), κ_a and γ_b converted from the --rates convention to the
 * model's amplitude rates.
 */
function modelFrom(o: ModelFlags): { preset: GaussianPreset; params: GaussianParams; crit: CriticalCoupling } {
  const preset = PRESETS[o.preset];
  const entered: GaussianParams = {
    ...preset.params,
    ...(o.omegaA !== undefined && { omegaA: o.omegaA }),
    ...(o.kappaA !== undefined && { kappaA: o.kappaA }),
    ...(o.omegaB !== undefined && { omegaB: o.omegaB }),
    ...(o.gammaB !== undefined && { gammaB: o.gammaB }),
    ...(o.tb !== undefined && { Tb: o.tb }),
    ...(o.chiB !== undefined && { chiB: o.chiB }),
    ...(o.damping !== undefined && { damping: o.damping }),
    g: 0,
  };
  validateGaussianParams(entered);
  const params = toAmplitudeRates(entered, o.rates ?? 'amplitude');
  const crit = criticalCoupling(params);
  if (!(crit.gCr > 0)) throw new ParameterError('--preset', 'parameters for which A is stable at g = 0 (check --omega-a, --chi-b)', o.preset);
  return { preset, params, crit };
}

/** The unit of every number field of the JSON outputs (rates angular: rad/s = 2π × Hz; entropy rates nats/s). */
const JSON_UNITS = Object.freeze({
  omega_a: 'rad/s', kappa_a: 'rad/s', omega_b: 'rad/s', gamma_b: 'rad/s', chi_b: 'rad/s', g: 'rad/s', g_cr: 'rad/s', g_cr_seed: 'rad/s',
  T_b: 'K', n_T: '1', n_a: '1', n_b: '1', mu_a: 'nat/s', mu_b: 'nat/s', Pi_s: 'nat/s', g_over_kappa: '1', g2_over_gcr2: '1',
});

/**
 * Which coupling g_cr_seed belongs to (PHYSICS.md §2): the seed prints √((κ_a² + ω_a²) ω_b/(4 ω_a)), the threshold of
 * G in G(a + a†)(b + b†) = 2G q_a q_b with γ_b neglected. Our g (Eq. 2, g q_a q_b) is 2G, so compare it with g_cr/2.
 */
const G_CR_SEED_CONVENTION =
  "the seed's printed formula sqrt((kappa_a^2 + omega_a^2) omega_b / (4 omega_a)): the threshold of G in G(a + a†)(b + b†) = 2G q_a q_b " +
  'with gamma_b neglected; G = g/2 for the g of Eq. 2 (g q_a q_b), so g_cr_seed is to be compared with g_cr/2; g_cr is the threshold of g from the drift matrix A';

/**
 * g_cr = Infinity is physics, not overflow: the drift matrix A stays stable for every g (e.g. ω_a → 0 in cavity-om).
 * Results say so with null (JSON) or "none" (CSV metadata), never with a non-finite number.
 */
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
const NO_THRESHOLD = 'none (A is stable for every g)';

/** Couplings in units of g_cr need a finite g_cr. */
function needThreshold(flag: string, crit: CriticalCoupling, value: unknown): void {
  if (!Number.isFinite(crit.gCr))
    throw new ParameterError(flag, `a coupling given by --g or --g-over-kappa: these parameters have no threshold g_cr (${NO_THRESHOLD})`, value);
}

const gcrText = (c: CriticalCoupling) => `g_cr = ${c.gCr.toPrecision(6)} s⁻¹, where the drift matrix A loses stability`;

/** g from exactly one of --g, --g-over-kappa, --g2-over-gcr2 (else the preset's Fig. 2 working point), checked against g_cr. */
function couplingOf(o: ModelFlags, preset: GaussianPreset, p: GaussianParams, crit: CriticalCoupling): number {
  const given = (['g', 'gOverKappa', 'g2OverGcr2'] as const).filter((k) => o[k] !== undefined);
  if (given.length > 1) throw new ParameterError('--g', 'only one of --g, --g-over-kappa, --g2-over-gcr2', given.map((k) => o[k]).join(', '));
  const k = given[0];
  if (k === 'g') {
    if (!(o.g! < crit.gCr)) throw new ParameterError('--g', `a rate ≥ 0 and < g_cr (${gcrText(crit)})`, o.g);
    return o.g!;
  }
  if (k === 'gOverKappa') {
    const lim = sweepLimit('g_over_kappa', p, crit.gCr);
    if (!(o.gOverKappa! < lim))
      throw new ParameterError('--g-over-kappa', `a finite number ≥ 0 and < g_cr/κ_a = ${+lim.toPrecision(6)} (${gcrText(crit)})`, o.gOverKappa);
    return couplingFrom('g_over_kappa', o.gOverKappa!, p, crit.gCr);
  }
  if (k === 'g2OverGcr2') {
    needThreshold('--g2-over-gcr2', crit, o.g2OverGcr2);
    if (!(o.g2OverGcr2! < 1)) throw new ParameterError('--g2-over-gcr2', `a finite number ≥ 0 and < 1 (${gcrText(crit)})`, o.g2OverGcr2);
    return couplingFrom('g2_over_gcr2', o.g2OverGcr2!, p, crit.gCr);
  }
  if (preset.sweep.variable === 'g2_over_gcr2') needThreshold('--g2-over-gcr2', crit, undefined);
  return couplingFrom(preset.sweep.variable, preset.example, p, crit.gCr);
}

function paramsJson(p: GaussianParams) {
  return { omega_a: p.omegaA, kappa_a: p.kappaA, omega_b: p.omegaB, gamma_b: p.gammaB, T_b: p.Tb, chi_b: p.chiB ?? 0, damping: p.damping };
}

/**
 * The conventions every seed-004 output carries (issue 14): how rates were entered, and, for the cavity-BEC preset
 * with its own γ_b (neither --gamma-b nor a fitted γ_b), that this γ_b is an assumption, with the γ_b the seed's
 * μ_a ≈ μ_b implies. `params` are the model's (amplitude) parameters in use.
 */
function conventions(o: ModelFlags, params: GaussianParams, gammaBFitted = false) {
  const rates = o.rates ?? 'amplitude';
  const assumed = o.preset === 'cavity-bec' && o.gammaB === undefined && !gammaBFitted ? becGammaBAssumption(params, rates) : undefined;
  return {
    rates,
    rates_convention: RATE_CONVENTION_TEXT[rates] + '; every rate in this output is the amplitude rate the model uses',
    ...(rates === 'fwhm' && { kappa_a_fwhm: fromAmplitudeRate(params.kappaA, rates), gamma_b_fwhm: fromAmplitudeRate(params.gammaB, rates) }),
    ...(assumed
      ? {
          gamma_b_assumed: true,
          gamma_b_balanced_over_2pi_hz: assumed.gamma_b_balanced_over_2pi_hz,
          gamma_b_note: assumed.note,
        }
      : { gamma_b_assumed: false }),
  };
}

/** The same as `# key: value` lines of a CSV (no null values there). */
function conventionsMeta(c: ReturnType<typeof conventions>): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v === null ? 'none' : v]));
}

/** Text-output lines: the convention and, where it applies, the γ_b note. */
function conventionLines(c: ReturnType<typeof conventions>): string {
  return `convention: ${c.rates_convention}\n${'gamma_b_note' in c ? `note: ${c.gamma_b_note}\n` : ''}`;
}

/** Write to a file (atomically) or, for `--csv` without a path, to stdout. */
function emit(target: string | boolean | undefined, text: string): void {
  if (typeof target === 'string') writeFileAtomic(target, text);
  else writeOut(text);
}


export function gaussian(o: ModelFlags & { json?: boolean }): void {
  const { preset, params, crit } = modelFrom(o);
  const g = couplingOf(o, preset, params, crit);
  const r = compute(() => gaussianNess({ ...params, g }, crit));
  const out = {
    preset: preset.id,
    ...paramsJson(params),
    g,
    g_cr: finiteOrNull(r.g_cr),
    g_cr_seed: finiteOrNull(r.g_cr_seed),
    g_cr_seed_convention: G_CR_SEED_CONVENTION,
    g_over_kappa: sweepValueOf('g_over_kappa', g, params, crit.gCr),
    g2_over_gcr2: finiteOrNull(crit.gCr) === null ? null : sweepValueOf('g2_over_gcr2', g, params, crit.gCr),
    stable: r.stable,
    n_T: r.n_T,
    n_a: r.n_a,
    n_b: r.n_b,
    mu_a: r.mu_a,
    mu_b: r.mu_b,
    Pi_s: r.Pi_s,
    units: JSON_UNITS,
    ...conventions(o, params),
  };
  const conv = conventions(o, params);
  if (o.json) printJson(out, true);
  else
    printChecked(
      out,
      Object.entries(out)
        .filter(([k]) => k !== 'units' && k !== 'g_cr_seed_convention' && !(k in conv))
        .map(([k, v]) => `${k.padEnd(14)} ${typeof v === 'number' ? v.toPrecision(8) : v}${k in JSON_UNITS && JSON_UNITS[k as keyof typeof JSON_UNITS] !== '1' ? ' ' + JSON_UNITS[k as keyof typeof JSON_UNITS] : ''}${k === 'g_cr_seed' ? ' (the threshold of G = g/2 in G(a + a†)(b + b†), γ_b neglected: compare with g_cr/2)' : ''}`)
        .join('\n') + '\n' + conventionLines(conv),
    );
}

export function gaussianSweepCommand(o: ModelFlags & { variable?: SweepVariable; from?: number; to?: number; points: number; csv?: string | boolean; json?: boolean }): void {
  const { preset, params, crit } = modelFrom(o);
  const variable = o.variable ?? preset.sweep.variable;
  const own = variable === preset.sweep.variable;
  const from = o.from ?? (own ? preset.sweep.from : 0);
  if (variable === 'g2_over_gcr2') needThreshold('--variable', crit, variable);
  const lim = sweepLimit(variable, params, crit.gCr);
  if (o.to === undefined && !own && !Number.isFinite(lim)) throw new ParameterError('--to', `a value: with no threshold g_cr (${NO_THRESHOLD}) there is no default range`, undefined);
  const to = o.to ?? (own ? preset.sweep.to : 0.99 * lim);
  for (const [flag, v] of [['--from', from], ['--to', to]] as const)
    if (!(v < lim)) throw new ParameterError(flag, `a finite number ≥ 0 and < ${+lim.toPrecision(6)} for ${variable} (${gcrText(crit)})`, v);
  const s = compute(() => gaussianSweep(params, { variable, from, to, points: o.points }, crit));
  if (o.json) {
    const cols = { [variable]: s.x, g: s.g, Pi_s: s.Pi_s, mu_a: s.mu_a, mu_b: s.mu_b, n_a: s.n_a, n_b: s.n_b };
    const json = {
      preset: preset.id,
      ...paramsJson(params),
      g_cr: finiteOrNull(s.g_cr),
      g_cr_seed: finiteOrNull(s.g_cr_seed),
      g_cr_seed_convention: G_CR_SEED_CONVENTION,
      n_T: s.n_T,
      ...Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, Array.from(v)])),
      units: JSON_UNITS,
      ...conventions(o, params),
    };
    printJson(json);
    return;
  }
  const rows = Array.from(s.x, (x, i) => [x, s.g[i], s.Pi_s[i], s.mu_a[i], s.mu_b[i], s.n_a[i], s.n_b[i]]);
  const csv = toCsv({
    meta: {
      model: 'seed 004 Eq. 4',
      preset: preset.id,
      ...paramsJson(params),
      g_cr: finiteOrNull(s.g_cr) ?? NO_THRESHOLD,
      g_cr_seed: finiteOrNull(s.g_cr_seed) ?? NO_THRESHOLD,
      g_cr_seed_convention: G_CR_SEED_CONVENTION,
      n_T: s.n_T,
      units: 'rates (omega_a kappa_a omega_b gamma_b chi_b g g_cr) in rad/s (angular: 2π × Hz); T_b in K; Pi_s mu_a mu_b in nat/s; n_a n_b n_T and the sweep variable dimensionless',
      ...conventionsMeta(conventions(o, params)),
    },
    columns: [variable, 'g', 'Pi_s', 'mu_a', 'mu_b', 'n_a', 'n_b'],
    rows,
  });
  emit(o.csv ?? true, csv);
}

export function gaussianSpectrum(o: ModelFlags & { detection: Detection; fMin?: number; fMax?: number; points: number; theta?: number; eta: number; gain: number; noise: number; seed: number; csv?: string | boolean }): void {
  const { preset, params, crit } = modelFrom(o);
  const g = couplingOf(o, preset, params, crit);
  const p = { ...params, g };
  gaussianNess(p, crit);
  const het = o.detection === 'heterodyne';
  if (het && o.theta !== undefined) throw new ParameterError('--theta', 'only with --detection homodyne (heterodyne detects both quadratures)', o.theta);
  const fB = p.omegaB / (2 * Math.PI);
  const fMin = o.fMin ?? (het ? -2 * fB : 0);
  if (!het && fMin < 0) throw new ParameterError('--f-min', 'a frequency ≥ 0 with --detection homodyne (its spectrum is even in ω; negative frequencies need --detection heterodyne)', fMin);
  const fMax = o.fMax ?? 2 * fB;
  if (!(fMax > fMin)) throw new ParameterError('--f-max', `a frequency > --f-min (${fMin} Hz)`, fMax);
  const f = frequencyGrid(fMin, fMax, o.points);
  const theta = o.theta ?? preset.theta;
  const S = compute(() => detectedSpectrum(p, toAngular(f), o.detection, { theta, eta: o.eta }));
  const rand = mulberry32(o.seed);
  const rows = Array.from(f, (fi, i) => {
    const m = o.gain * S[i];
    if (o.noise === 0) return [fi, m];
    return [fi, Math.max(m * (1 + o.noise * normalDeviate(rand)), 1e-300), o.noise * m];
  });
  const csv = toCsv({
    meta: {
      model: `seed 004, input-output ${o.detection} spectrum of the output field (shot noise = 1)`,
      detection: o.detection,
      detection_convention: DETECTION_CONVENTION[o.detection],
      ...(het && p.damping === 'brownian' && { brownian_noise: 'noise on p_b only enters without its commutator partner (Markov model): exact for n_T >> 1' }),
      preset: preset.id,
      ...paramsJson(p),
      g,
      g_cr: finiteOrNull(crit.gCr) ?? NO_THRESHOLD,
      ...(het ? {} : { theta }),
      eta: o.eta,
      gain: o.gain,
      noise: o.noise,
      ...conventionsMeta(conventions(o, params)),
    },
    columns: o.noise === 0 ? ['frequency', 'PSD'] : ['frequency', 'PSD', 'sigma'],
    rows,
  });
  emit(o.csv ?? true, csv);
}

export async function gaussianFit(o: ModelFlags & { spectrum: string; free: FitParam[]; fitGammaB?: boolean; detection: Detection; theta?: number; eta: number; modelCsv?: string; json?: boolean }): Promise<void> {
  // Only the fit loads Levenberg–Marquardt, ml-matrix and csv-parse (cold start of the other gaussian commands).
  const [{ DERIVED, fitSpectrum }, { readSpectrumCsv }] = await Promise.all([import('../../../src-core/gaussian/fit.js'), import('../../io/spectrumCsv.js')]);
  const { preset, params, crit } = modelFrom(o);
  const given = o.g !== undefined || o.gOverKappa !== undefined || o.g2OverGcr2 !== undefined;
  const g0 = couplingOf(o, preset, params, crit);
  const het = o.detection === 'heterodyne';
  if (het && o.theta !== undefined) throw new ParameterError('--theta', 'only with --detection homodyne (heterodyne detects both quadratures)', o.theta);
  const free: FitParam[] = o.fitGammaB && !o.free.includes('gammaB') ? [...o.free, 'gammaB'] : o.free;
  const data = readSpectrumCsv(o.spectrum, { signedFrequencies: het });
  const theta = o.theta ?? preset.theta;
  let r: ReturnType<typeof fitSpectrum>;
  try {
    r = fitSpectrum(data, { start: { ...params, g: g0 }, free, theta, eta: o.eta, scan: !given, detection: o.detection });
  } catch (e) {
    // Name the file: "--spectrum "data.csv": cannot be fitted: …" (exit 2, bad input data).
    if (e instanceof ParameterError && e.field === 'spectrum') e.message = e.message.replace(/^spectrum/, `--spectrum ${quoteField(o.spectrum)}`);
    throw e;
  }
  const est = (e: { value: number; sigma: number }) => ({ value: e.value, sigma: e.sigma });
  const out = {
    preset: preset.id,
    spectrum: o.spectrum,
    points: data.f.length,
    ...Object.fromEntries(DERIVED.map((d) => [d, est(r.derived[d])])),
    fitted: Object.fromEntries(r.free.map((k) => [OUT_NAMES[k], est(r.fitted[k]!)])),
    g_cr: finiteOrNull(r.ness.g_cr),
    g_over_kappa: sweepValueOf('g_over_kappa', r.params.g, r.params, r.ness.g_cr),
    g2_over_gcr2: finiteOrNull(r.ness.g_cr) === null ? null : sweepValueOf('g2_over_gcr2', r.params.g, r.params, r.ness.g_cr),
    chi2: r.chi2,
    dof: r.dof,
    chi2_dof: r.chi2_dof,
    absolute_sigma: r.absoluteSigma,
    residuals: 'ln PSD',
    iterations: r.iterations,
    params: { ...paramsJson(r.params), g: r.params.g, eta: r.eta, gain: r.gain, ...(het ? {} : { theta }) },
    detection: o.detection,
    detection_convention: DETECTION_CONVENTION[o.detection],
    ...(r.fitted.gammaB && (o.rates ?? 'amplitude') === 'fwhm' && { gamma_b_fwhm: { value: 2 * r.fitted.gammaB.value, sigma: 2 * r.fitted.gammaB.sigma } }),
    ...(r.fitted.kappaA && (o.rates ?? 'amplitude') === 'fwhm' && { kappa_a_fwhm: { value: 2 * r.fitted.kappaA.value, sigma: 2 * r.fitted.kappaA.sigma } }),
    ...conventions(o, r.params, free.includes('gammaB')),
    units: { ...JSON_UNITS, theta: 'rad', eta: '1', gain: '1' },
  };
  const conv = conventions(o, r.params, free.includes('gammaB'));
  assertFiniteResult(out); // before any file: all outputs or none
  if (o.modelCsv)
    writeFileAtomic(
      o.modelCsv,
      toCsv({
        meta: { preset: preset.id, chi2_dof: r.chi2_dof, detection: o.detection, detection_convention: DETECTION_CONVENTION[o.detection], ...conventionsMeta(conv) },
        columns: ['frequency', 'PSD', 'model'],
        rows: Array.from(data.f, (f, i) => [f, data.psd[i], r.model[i]]),
      }),
    );
  if (o.json) printJson(out, true);
  else {
    const lines = [
      ...DERIVED.map((d) => `${d.padEnd(8)} ${r.derived[d].value.toPrecision(6)} ± ${r.derived[d].sigma.toPrecision(2)}`),
      ...r.free.map((k) => `${OUT_NAMES[k].padEnd(8)} ${r.fitted[k]!.value.toPrecision(6)} ± ${r.fitted[k]!.sigma.toPrecision(2)}`),
      `chi2/dof ${r.chi2_dof.toPrecision(4)} (dof ${r.dof}, residuals of ln PSD${r.absoluteSigma ? ', sigma from the file' : ''})`,
      `detection: ${DETECTION_CONVENTION[o.detection]}`,
    ];
    printChecked(out, lines.join('\n') + '\n' + conventionLines(conv));
  }
}
