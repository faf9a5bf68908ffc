/**
 * The single-run form of the two-photon-driven Kerr model (issue 15; PHYSICS.md §5): text fields → one validated model
 * point for the API's model.ness / model.gap (the numbers of `epstudio steady|gap --model two-photon-kerr`).
 * Ranges: TWO_PHOTON_KERR_RULES (the engine's), N and pumps as study specs take them. Pure: unit-tested.
 */
import { TWO_PHOTON_KERR_RULES } from '../../src-core/model/instances.js';
import { twoPhotonThreshold } from '../../src-core/model/twoPhotonKerr.js';
import { checkNumber, ParameterError, quoteValue, type NumberRule } from '../../src-core/validation.js';

export type TwoPhotonField = 'kappa' | 'delta' | 'u' | 'eps' | 'g' | 'eta0' | 'N' | 'K';

export const TWO_PHOTON_FIELDS: readonly { name: TwoPhotonField; symbol: string; label: string; unit: string; rule: NumberRule }[] = [
  { name: 'kappa', symbol: 'κ', label: 'loss rate', unit: 'amplitude rate (ħ = 1)', rule: TWO_PHOTON_KERR_RULES.kappa },
  { name: 'delta', symbol: 'Δ', label: 'detuning', unit: 'continuous transition for Δ ≥ 0', rule: TWO_PHOTON_KERR_RULES.delta },
  { name: 'u', symbol: 'u', label: 'scaled Kerr interaction', unit: 'U = u/N', rule: TWO_PHOTON_KERR_RULES.u },
  { name: 'g', symbol: 'g', label: 'two-photon pump', unit: 'G = g (intensive)', rule: { ...TWO_PHOTON_KERR_RULES.g, max: 100 } },
  { name: 'eps', symbol: 'ε', label: 'one-photon pump', unit: 'E = √N ε; 0 keeps the parity symmetry', rule: { ...TWO_PHOTON_KERR_RULES.eps, max: 100 } },
  { name: 'eta0', symbol: 'η₀', label: 'two-photon loss', unit: 'η = η₀/N (0: none)', rule: TWO_PHOTON_KERR_RULES.eta0 },
  { name: 'N', symbol: 'N', label: 'system size', unit: 'dimensionless', rule: { ...TWO_PHOTON_KERR_RULES.N, max: 1000 } },
];

export type TwoPhotonText = Record<TwoPhotonField | QuenchField, string>;

/** The quench g_i → g (the form's g is the final pump), sampled every Δt up to t_max. */
export type QuenchField = 'gInitial' | 'tMax' | 'dt';
export const QUENCH_FIELDS: readonly { name: QuenchField; symbol: string; label: string; unit: string; rule: NumberRule }[] = [
  { name: 'gInitial', symbol: 'g_i', label: 'initial two-photon pump', unit: 'starts from the NESS at g_i; ends at g above', rule: { ...TWO_PHOTON_KERR_RULES.g, max: 100 } },
  { name: 'tMax', symbol: 't_max', label: 'duration', unit: 'in 1/ω₀', rule: { min: 0, exclusiveMin: true, max: 1000 } },
  { name: 'dt', symbol: 'Δt', label: 'sample spacing', unit: 'at most 2001 samples (longer: a study)', rule: { min: 1e-4, max: 100 } },
];

/** PHYSICS.md §5's test point: κ = 0.5, Δ = 0, u = 1, ε = 0, g = 1 (twice the threshold), N = 10. */
export function defaultTwoPhotonText(): TwoPhotonText {
  return { kappa: '0.5', delta: '0', u: '1', eps: '0', g: '1', eta0: '0', N: '10', K: 'auto', gInitial: '0.2', tMax: '10', dt: '0.2' };
}

export interface TwoPhotonPoint {
  model: { kind: 'two-photon-kerr'; kappa: number; delta: number; u: number; eta0?: number };
  N: number;
  eps: number;
  g: number;
  K?: number;
}

export interface TwoPhotonValidation {
  errors: Partial<Record<TwoPhotonField, string>>;
  point?: TwoPhotonPoint;
  /** g_th = √(κ² + Δ²) (ε = 0 threshold of the mean field). */
  gTh?: number;
}

function parse(symbol: string, text: string, rule: NumberRule): number {
  const t = text.trim().replace(/\u2212/g, '-');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) {
    try {
      checkNumber(symbol, NaN, rule);
    } catch (e) {
      throw new ParameterError(symbol, (e as ParameterError).allowed, t === '' ? undefined : t);
    }
  }
  return checkNumber(symbol, Number(t), rule);
}

export function validateTwoPhoton(text: TwoPhotonText): TwoPhotonValidation {
  const errors: Partial<Record<TwoPhotonField, string>> = {};
  const v: Partial<Record<TwoPhotonField, number>> = {};
  for (const f of TWO_PHOTON_FIELDS) {
    try {
      v[f.name] = parse(f.symbol, text[f.name], f.rule);
    } catch (e) {
      if (!(e instanceof ParameterError)) throw e;
      errors[f.name] = `${e.field} must be ${e.allowed} (${e.value === undefined ? 'empty' : `got ${quoteValue(e.value)}`})`;
    }
  }
  const k = text.K.trim();
  if (k !== '' && k.toLowerCase() !== 'auto') {
    try {
      v.K = parse('K', k, { integer: true, min: 2, max: 400 });
    } catch (e) {
      errors.K = `K must be "auto" or ${(e as ParameterError).allowed} (got ${quoteValue(k)})`;
    }
  }
  if (!errors.u && !errors.eta0 && v.u === 0 && v.eta0 === 0) errors.u = 'u or η₀ must be > 0 (no nonlinearity: nothing bounds the photon number above threshold)';
  if (Object.keys(errors).length) return { errors };
  const point: TwoPhotonPoint = {
    model: { kind: 'two-photon-kerr', kappa: v.kappa!, delta: v.delta!, u: v.u!, ...(v.eta0 ? { eta0: v.eta0 } : {}) },
    N: v.N!,
    eps: v.eps!,
    g: v.g!,
    ...(v.K !== undefined && { K: v.K }),
  };
  return { errors, point, gTh: twoPhotonThreshold({ kappa: v.kappa!, delta: v.delta! }) };
}

/** Rows of the NESS table: field of model.ness's values, symbol, meaning (the glossary's names). */
export const NESS_ROWS: readonly [string, string, string][] = [
  ['n', '<a†a>', 'photons'],
  ['alpha_abs', '|<a>|/√N', 'order parameter (0 at ε = 0: parity)'],
  ['S_W', 'S_W', 'Wehrl entropy'],
  ['Pi_J', 'Π_J', 'entropy production of the loss current'],
  ['Pi_d', 'Π_d', 'its quantum-fluctuation part'],
  ['Pi_U', 'Π_U', 'Hamiltonian part, total'],
  ['Pi_U_kerr', 'Π_U (Kerr)', 'Kerr term'],
  ['Pi_U_two_photon', 'Π_U (two-photon)', 'two-photon drive term'],
  ['Pi_eta', 'Π_η', 'two-photon loss, total'],
  ['Phi', 'Φ', 'entropy flux 2κ<a†a>'],
  ['G', 'G', 'non-Gaussianity'],
  ['balance', 'Π_U + Π_J − Φ + Π_η', 'dS_W/dt in the NESS (≈ 0)'],
  ['nmax', 'K', 'Fock levels'],
  ['top_population', 'ρ top two', 'truncation check'],
];

export interface QuenchValidation {
  errors: Partial<Record<QuenchField, string>>;
  request?: Omit<TwoPhotonPoint, 'g'> & { gInitial: number; gFinal: number; tMax: number; dt: number };
}

/** The quench request (model.quench) from a valid point and the quench fields. */
export function validateQuench(text: TwoPhotonText, point: TwoPhotonPoint | undefined): QuenchValidation {
  const errors: Partial<Record<QuenchField, string>> = {};
  const v: Partial<Record<QuenchField, number>> = {};
  for (const f of QUENCH_FIELDS) {
    try {
      v[f.name] = parse(f.symbol, text[f.name], f.rule);
    } catch (e) {
      if (!(e instanceof ParameterError)) throw e;
      errors[f.name] = `${e.field} must be ${e.allowed} (${e.value === undefined ? 'empty' : `got ${quoteValue(e.value)}`})`;
    }
  }
  if (!errors.tMax && !errors.dt) {
    const ratio = v.tMax! / v.dt!;
    if (v.dt! > v.tMax!) errors.dt = `Δt must not exceed t_max (${v.tMax})`;
    else if (Math.abs(ratio - Math.round(ratio)) > 1e-9 * Math.max(1, ratio)) errors.dt = `Δt must divide t_max = ${v.tMax} (t_max/Δt a whole number)`;
    else if (ratio + 1 > 2001) errors.dt = 'at most 2001 samples (t_max/Δt + 1) here: raise Δt, or run a study';
  }
  if (Object.keys(errors).length || !point) return { errors };
  const { g, ...rest } = point;
  return { errors, request: { ...rest, gInitial: v.gInitial!, gFinal: g, tMax: v.tMax!, dt: v.dt! } };
}

/** Charts of a two-photon quench: column, title (the glossary's symbols). */
export const QUENCH_CHARTS: readonly [string, string][] = [
  ['n', '<a†a>'],
  ['S_W', 'S_W'],
  ['Pi_J', 'Π_J'],
  ['Pi_U', 'Π_U (total, Kerr, two-photon)'],
  ['Phi', 'Φ'],
  ['G', 'G'],
];
