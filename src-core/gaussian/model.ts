/**
 * Two linearly coupled oscillators (seed 004, Eq. 2; PHYSICS.md §2).
 *
 * H = ω_a/2 (q_a² + p_a²) + ω_b/2 (q_b² + p_b²) + g q_a q_b  [+ χ_b/2 (q_b² − p_b²), the squeezing term of mode b
 * that the seed adds in the superradiant phase].
 * Quadratures q = (a + a†)/√2, p = (a − a†)/(i√2); vacuum variance ½. g is twice the optomechanical G of
 * G(a + a†)(b + b†) (the seed's Fig. 3 caption says so).
 *
 * Units: every rate is angular (2π × Hz) in s⁻¹, and every damping rate is an *amplitude* rate (PHYSICS.md): a mode
 * left alone decays as e^{−κt}.
 *  - mode a (cavity): drift −κ_a on q_a and p_a, optical bath at n_Ta = 0.
 *  - mode b, `symmetric`: drift −γ_b on q_b and p_b (like a), bath at n_T.
 *  - mode b, `brownian` (quantum Brownian motion): friction and its noise on p_b only. An underdamped oscillator with
 *    dp = −Γ p dt decays in amplitude at Γ/2, so Γ = 2γ_b; this is also what makes the entropy flux of a
 *    friction-on-p bath, Γ(<p²>/(n_T + ½) − 1), equal to the seed's μ_b = 2γ_b(<p_b²>/(n_T + ½) − 1) (Eq. 4 and text).
 * Noise: diffusion chosen so that an uncoupled mode relaxes to its bath's thermal state (<q²> = <p²> = n_T + ½).
 */
import { checkNumber, ParameterError, type NumberRule } from '../validation.js';

/** CODATA 2018 (exact in the SI since 2019). */
export const HBAR = 1.054571817e-34; // J s
export const K_B = 1.380649e-23; // J / K

/** How κ_a and γ_b are entered (conventions.ts): the paper's amplitude rates or measured linewidths (FWHM). */
export type RateConvention = 'amplitude' | 'fwhm';
export const RATE_CONVENTIONS: readonly RateConvention[] = ['amplitude', 'fwhm'];

/** Which output spectrum (spectrum.ts): one homodyne quadrature, or sideband-resolved heterodyne. */
export type Detection = 'homodyne' | 'heterodyne';
export const DETECTIONS: readonly Detection[] = ['homodyne', 'heterodyne'];

export type Damping = 'brownian' | 'symmetric';
export const DAMPINGS: readonly Damping[] = ['brownian', 'symmetric'];

export interface GaussianParams {
  /** ω_a: cavity frequency in the pump's rotating frame (detuning), s⁻¹ angular. */
  omegaA: number;
  /** κ_a: cavity amplitude decay rate, s⁻¹. */
  kappaA: number;
  /** ω_b: mechanical / atomic mode frequency, s⁻¹ angular. */
  omegaB: number;
  /** γ_b: mode-b amplitude damping rate, s⁻¹. */
  gammaB: number;
  /** T_b: temperature of mode b's bath, K (≥ 0). */
  Tb: number;
  /** g: coupling of Eq. (2), s⁻¹ angular (≥ 0). */
  g: number;
  damping: Damping;
  /** χ_b: optional squeezing term χ_b/2 (q_b² − p_b²) = χ_b/2 (b² + b†²), s⁻¹; 0 by default. */
  chiB?: number;
}

export const TWO_PI = 2 * Math.PI;

/** Allowed ranges (rates in s⁻¹ angular). Shared by the CLI, study files and the panel's form. */
export const GAUSSIAN_RULES: Readonly<Record<Exclude<keyof GaussianParams, 'damping'>, NumberRule>> = Object.freeze({
  omegaA: { min: -1e12, max: 1e12 },
  // Rates ≥ 1e-6 (any unit the tests use is ≥ 1e-2): ratios such as g/κ_a ≤ 1e12/1e-6 stay finite (κ_a = 4e-323
  // gave g/κ_a = Infinity, issue 10 fuzzing).
  kappaA: { min: 1e-6, max: 1e12 },
  omegaB: { min: 1e-6, max: 1e12 },
  gammaB: { min: 1e-6, max: 1e12 },
  Tb: { min: 0, max: 1e6 },
  g: { min: 0, max: 1e12 },
  chiB: { min: -1e12, max: 1e12 },
});

/** Validate; throws ParameterError naming the first bad field. */
export function validateGaussianParams(p: GaussianParams): GaussianParams {
  for (const k of Object.keys(GAUSSIAN_RULES) as (keyof typeof GAUSSIAN_RULES)[]) {
    if (k === 'chiB' && p.chiB === undefined) continue;
    checkNumber(k, p[k], GAUSSIAN_RULES[k]);
  }
  if (!DAMPINGS.includes(p.damping)) throw new ParameterError('damping', `one of ${DAMPINGS.join(', ')}`, p.damping);
  return p;
}

/** Mean thermal occupation n_T = 1/(exp(ħω_b/(k_B T_b)) − 1) (seed, text after Eq. 2); 0 at T_b = 0. */
export function thermalOccupation(omegaB: number, Tb: number): number {
  if (Tb <= 0) return 0;
  return 1 / Math.expm1((HBAR * omegaB) / (K_B * Tb));
}

/** Sweep variable of a preset (the x axes of the seed's Fig. 3). */
export type SweepVariable = 'g_over_kappa' | 'g2_over_gcr2';

export interface GaussianPreset {
  id: 'cavity-om' | 'cavity-bec';
  label: string;
  /** Parameters without the coupling (g = 0 here; set it from the sweep variable). */
  params: GaussianParams;
  sweep: { variable: SweepVariable; from: number; to: number };
  /** A working point shown in the seed's Fig. 2 (the spectra). */
  example: number;
  /** Homodyne angle θ of the detected output quadrature X_θ = q cos θ + p sin θ (the seed detects the phase quadrature). */
  theta: number;
  /** Other parameters of Table I (not used by the linear model). */
  notes: string;
}

/**
 * Table I of seed 004 (rates there are ν/2π; here angular). The cavity-OM mirror's support is a room-temperature
 * phonon bath (Brownian); the BEC's bath is the Bogoliubov continuum (symmetric). For the BEC the seed defers γ_b to its
 * supplement: default γ_b/2π = 100 Hz, editable (PHYSICS.md §2).
 */
export const PRESETS: Readonly<Record<GaussianPreset['id'], GaussianPreset>> = Object.freeze({
  'cavity-om': {
    id: 'cavity-om',
    label: 'cavity optomechanics (Table I, Brownian)',
    params: {
      omegaA: TWO_PI * 1.27815e6,
      kappaA: TWO_PI * 435.849e3,
      omegaB: TWO_PI * 1278.15e3,
      gammaB: TWO_PI * 264.1,
      Tb: 292,
      g: 0,
      damping: 'brownian',
    },
    sweep: { variable: 'g_over_kappa', from: 0, to: 2.5 },
    example: 0.49,
    theta: Math.PI / 2,
    notes: 'm = 176 ng; spectra in Fig. 2(a) at g/κ_a = 0.49 and 2.29',
  },
  'cavity-bec': {
    id: 'cavity-bec',
    label: 'cavity BEC (Table I, symmetric)',
    params: {
      omegaA: TWO_PI * 15.13e6,
      kappaA: TWO_PI * 1250e3,
      omegaB: TWO_PI * 8.3e3,
      gammaB: TWO_PI * 100,
      Tb: 38e-9,
      g: 0,
      damping: 'symmetric',
    },
    sweep: { variable: 'g2_over_gcr2', from: 0, to: 0.99 },
    example: 0.93,
    theta: Math.PI / 2,
    notes: 'N = 1e5 ⁸⁷Rb atoms; γ_b set by the working point (default γ_b/2π = 100 Hz); spectrum in Fig. 2(b) at (g/g_cr)² = 0.93',
  },
});

export const PRESET_IDS = Object.keys(PRESETS) as GaussianPreset['id'][];

/**
 * Drift matrix A of dx/dt = A x + ξ, x = (q_a, p_a, q_b, p_b), row-major 4×4 (from Heisenberg's equations of Eq. 2:
 * dq/dt = ∂H/∂p, dp/dt = −∂H/∂q, plus damping).
 */
export function driftMatrix(p: GaussianParams, out = new Float64Array(16)): Float64Array {
  const chi = p.chiB ?? 0;
  out.fill(0);
  out[0] = -p.kappaA; // dq_a: −κ_a q_a + ω_a p_a
  out[1] = p.omegaA;
  out[4] = -p.omegaA; // dp_a: −ω_a q_a − κ_a p_a − g q_b
  out[5] = -p.kappaA;
  out[6] = -p.g;
  const brown = p.damping === 'brownian';
  out[10] = brown ? 0 : -p.gammaB; // dq_b: −γ_b q_b + (ω_b − χ_b) p_b
  out[11] = p.omegaB - chi;
  out[12] = -p.g; // dp_b: −g q_a − (ω_b + χ_b) q_b − Γ_p p_b
  out[14] = -(p.omegaB + chi);
  out[15] = brown ? -2 * p.gammaB : -p.gammaB;
  return out;
}

/**
 * Damping rates (Γ_q, Γ_p) of mode b's quadratures: the bath's diffusion is D = 2Γ(n_T + ½) on each, so that the
 * uncoupled mode relaxes to <x²> = n_T + ½.
 */
export function bathRatesB(p: GaussianParams): [number, number] {
  return p.damping === 'brownian' ? [0, 2 * p.gammaB] : [p.gammaB, p.gammaB];
}

/** Diffusion matrix D (diagonal, row-major 4×4): 2κ_a·½ on the optical quadratures, 2Γ(n_T + ½) on mode b's. */
export function diffusionMatrix(p: GaussianParams, out = new Float64Array(16)): Float64Array {
  const nT = thermalOccupation(p.omegaB, p.Tb);
  const [gq, gp] = bathRatesB(p);
  out.fill(0);
  out[0] = p.kappaA;
  out[5] = p.kappaA;
  out[10] = 2 * gq * (nT + 0.5);
  out[15] = 2 * gp * (nT + 0.5);
  return out;
}
