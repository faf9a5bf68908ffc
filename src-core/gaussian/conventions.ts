/**
 * Conventions a user must see with every seed-004 number (issue 14; PHYSICS.md §2):
 *  - rates: the paper's amplitude rates (a mode left alone decays as e^{−κt}) or measured linewidths (FWHM). Both
 *    dampings have FWHM = 2 × amplitude rate: the cavity's intensity Lorentzian has FWHM 2κ_a; symmetric damping of b
 *    likewise 2γ_b; Brownian damping (friction Γ = 2γ_b on p_b) has the mechanical linewidth Γ = 2γ_b.
 *  - the cavity-BEC preset's γ_b/2π = 100 Hz is an assumption (the seed defers γ_b to its supplement). The seed's
 *    statement that μ_a ≈ μ_b at (g/g_cr)² = 0.93 fixes γ_b: balancedGammaB finds it.
 */
import { PRESETS, TWO_PI, type GaussianParams, type RateConvention } from './model.js';
import { gaussianNess } from './ness.js';
import { criticalCoupling } from './stability.js';

export { RATE_CONVENTIONS, type RateConvention } from './model.js';

export const RATE_CONVENTION_TEXT: Readonly<Record<RateConvention, string>> = Object.freeze({
  amplitude:
    "rates kappa_a and gamma_b entered as the paper's amplitude rates (a mode left alone decays as exp(-kappa t); the model uses them as entered)",
  fwhm:
    'rates kappa_a and gamma_b entered as measured linewidths (FWHM, angular); the model uses the amplitude rates FWHM/2 (cavity Lorentzian FWHM = 2 kappa_a; mode b FWHM = 2 gamma_b for both dampings)',
});

/** The factor from a rate as entered to the model's amplitude rate. */
export function rateFactor(c: RateConvention): number {
  return c === 'fwhm' ? 0.5 : 1;
}

/** Parameters with κ_a and γ_b read in convention c (as entered) converted to the model's amplitude rates. */
export function toAmplitudeRates(p: GaussianParams, c: RateConvention): GaussianParams {
  const f = rateFactor(c);
  return f === 1 ? p : { ...p, kappaA: p.kappaA * f, gammaB: p.gammaB * f };
}

/** A rate of the model (amplitude) expressed in convention c. */
export function fromAmplitudeRate(rate: number, c: RateConvention): number {
  return rate / rateFactor(c);
}

/** μ_a − μ_b at (g/g_cr)² = x for a given γ_b (g_cr depends on γ_b). */
function fluxImbalance(p: GaussianParams, gammaB: number, x: number): number {
  const q = { ...p, gammaB, g: 0 };
  const gCr = criticalCoupling(q).gCr;
  const r = gaussianNess({ ...q, g: gCr * Math.sqrt(x) });
  return r.mu_a - r.mu_b;
}

/**
 * γ_b (amplitude rate, s⁻¹) at which μ_a = μ_b at (g/g_cr)² = x, by bisection on ln γ_b in [lo, hi] (s⁻¹ angular);
 * null if μ_a − μ_b does not change sign there.
 */
export function balancedGammaB(p: GaussianParams, x: number, lo = TWO_PI * 1, hi = TWO_PI * 1e5): number | null {
  let fa = fluxImbalance(p, lo, x);
  const fb = fluxImbalance(p, hi, x);
  if (!(Number.isFinite(fa) && Number.isFinite(fb)) || fa * fb > 0) return null;
  let a = Math.log(lo), b = Math.log(hi);
  for (let i = 0; i < 80 && b - a > 1e-12; i++) {
    const m = 0.5 * (a + b);
    const fm = fluxImbalance(p, Math.exp(m), x);
    if (fm === 0) return Math.exp(m);
    if (fm * fa < 0) b = m;
    else {
      a = m;
      fa = fm;
    }
  }
  return Math.exp(0.5 * (a + b));
}

/** The seed's working point of the BEC spectrum (Fig. 2(b)). */
export const BEC_WORKING_POINT = 0.93;
/** What the note says, with the number computed from the parameters in use. */
export interface GammaBAssumption {
  gamma_b_assumed: true;
  /** γ_b/2π as entered (in the rate convention c) and as the model's amplitude rate, Hz. */
  gamma_b_over_2pi_hz: number;
  gamma_b_amplitude_over_2pi_hz: number;
  /** γ_b/2π (convention c) for μ_a = μ_b at (g/g_cr)² = 0.93, Hz; null if none in 1 Hz … 100 kHz. */
  gamma_b_balanced_over_2pi_hz: number | null;
  note: string;
}

/**
 * The cavity-BEC preset's γ_b is an assumption: the note, with γ_b for μ_a = μ_b at (g/g_cr)² = 0.93 computed from
 * p (the model's amplitude rates; the user's overrides of the other parameters included) and stated in convention c.
 */
export function becGammaBAssumption(p: GaussianParams = PRESETS['cavity-bec'].params, c: RateConvention = 'amplitude'): GammaBAssumption {
  const bal = balancedGammaB({ ...p, g: 0 }, BEC_WORKING_POINT);
  const hz = (r: number) => fromAmplitudeRate(r, c) / TWO_PI;
  const kind = c === 'fwhm' ? 'as a linewidth (FWHM)' : 'as an amplitude rate';
  const balText = bal === null ? 'no gamma_b in 1 Hz ... 100 kHz gives mu_a = mu_b there' : `mu_a = mu_b there needs gamma_b/2pi = ${hz(bal).toFixed(0)} Hz ${kind} (computed)`;
  return {
    gamma_b_assumed: true,
    gamma_b_over_2pi_hz: hz(p.gammaB),
    gamma_b_amplitude_over_2pi_hz: p.gammaB / TWO_PI,
    gamma_b_balanced_over_2pi_hz: bal === null ? null : hz(bal),
    note:
      `ASSUMPTION: gamma_b/2pi = ${+hz(p.gammaB).toPrecision(6)} Hz ${kind} for the cavity-BEC preset is not from the seed (it defers gamma_b to its supplement); ` +
      `the seed has mu_a ≈ mu_b at (g/g_cr)^2 = ${BEC_WORKING_POINT}: ${balText}. Set --gamma-b or fit it (gaussian-fit --fit-gamma-b).`,
  };
}
