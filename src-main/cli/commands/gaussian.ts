/**
 * Gaussian two-oscillator subcommands (seed 004; issue 6 item 4), registration only (bodies in ../actions/gaussian.ts,
 * loaded when a command runs):
 *   gaussian           the NESS at one coupling: Pi_s, mu_a, mu_b, n_a, n_b, g, g_cr, g_cr_seed, stable, n_T
 *   gaussian-sweep     Fig. 3: Π_s, μ_a, μ_b, n_a, n_b against g/κ_a or (g/g_cr)²
 *   gaussian-spectrum  a model output spectrum (frequency, PSD[, sigma]) to plot or to make test data
 *   gaussian-fit       least-squares inference of n_a, n_b, μ_a, μ_b, Π_s from a measured spectrum
 * Rates are angular, s⁻¹ (2π × Hz); frequencies in files are in Hz.
 */
import type { Command } from 'commander';
import { ParameterError } from '../../../src-core/validation.js';
import { DAMPINGS, DETECTIONS, GAUSSIAN_RULES, PRESET_IDS, RATE_CONVENTIONS, type SweepVariable } from '../../../src-core/gaussian/model.js';
import type { FitParam } from '../../../src-core/gaussian/fit.js';
import { lazyAction, num, oneOf } from '../args.js';

const RATE = 's⁻¹, angular (2π × Hz)';
const load = () => import('../actions/gaussian.js');

/** The sweep variables of seed 004 Fig. 3 (the engine's SWEEP_VARIABLES; typed against SweepVariable). */
const SWEEP_VARIABLES: readonly SweepVariable[] = ['g_over_kappa', 'g2_over_gcr2'];

/**
 * Frequencies in Hz: up to 1e15 (optical; every rate of the model is ≤ 1e12 s⁻¹), so ω = 2πf and the model's
 * denominators stay finite (`--f-max 1e308` wrote Inf/NaN rows before, issue 10 item 8).
 */
export const F_MAX_HZ = 1e15;
/** Overall PSD scale: any unit, but gain × S(ω) must stay a finite double (S ≤ ~1e100 below threshold). */
export const GAIN_RULE = { min: 1e-100, max: 1e100 } as const;

/** Names of the fit parameters as the user types them; Record<FitParam, …> makes the compiler check completeness. */
export const OUT_NAMES: Record<FitParam, string> = {
  g: 'g',
  kappaA: 'kappa_a',
  omegaA: 'omega_a',
  omegaB: 'omega_b',
  gammaB: 'gamma_b',
  Tb: 'T_b',
  eta: 'eta',
  gain: 'gain',
};
const FIT_KEYS = Object.keys(OUT_NAMES) as FitParam[];
const FREE_WORDS = FIT_KEYS.map((k) => OUT_NAMES[k]);

function freeList(raw: string): FitParam[] {
  const words = raw.split(',').map((s) => s.trim());
  const out = words.map((w) => {
    const i = FREE_WORDS.indexOf(w);
    if (i < 0) throw new ParameterError('--free', `a comma-separated list of ${FREE_WORDS.join(', ')}`, w);
    return FIT_KEYS[i];
  });
  if (new Set(out).size !== out.length) throw new ParameterError('--free', 'each parameter at most once', raw);
  return out;
}

function addModelOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--preset <id>', `parameter set from the seed's Table I: ${PRESET_IDS.join(', ')}`, oneOf('--preset', PRESET_IDS))
    .option('--omega-a <rate>', `cavity frequency ω_a in the pump frame, ${RATE}`, num('--omega-a', GAUSSIAN_RULES.omegaA))
    .option('--kappa-a <rate>', `cavity amplitude decay rate κ_a, ${RATE}`, num('--kappa-a', GAUSSIAN_RULES.kappaA))
    .option('--omega-b <rate>', `mode-b frequency ω_b, ${RATE}`, num('--omega-b', GAUSSIAN_RULES.omegaB))
    .option('--gamma-b <rate>', `mode-b amplitude damping rate γ_b, ${RATE}`, num('--gamma-b', GAUSSIAN_RULES.gammaB))
    .option('--tb <K>', 'bath temperature T_b of mode b, kelvin', num('--tb', GAUSSIAN_RULES.Tb))
    .option('--chi-b <rate>', `squeezing term χ_b/2 (q_b² − p_b²) of mode b (superradiant phase), ${RATE}`, num('--chi-b', GAUSSIAN_RULES.chiB))
    .option('--damping <model>', `damping of mode b: ${DAMPINGS.join(', ')} (default: the preset's)`, oneOf('--damping', DAMPINGS))
    .option(
      '--rates <convention>',
      "how κ_a and γ_b (the preset's and --kappa-a, --gamma-b) are read: amplitude (the paper's amplitude rates) or fwhm (measured linewidths, = 2 × amplitude rate)",
      oneOf('--rates', RATE_CONVENTIONS),
      'amplitude',
    );
}

function addCouplingOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--g <rate>', `coupling g of Eq. (2), ${RATE} (${what})`, num('--g', GAUSSIAN_RULES.g))
    .option('--g-over-kappa <x>', `coupling as g/κ_a (${what})`, num('--g-over-kappa', { min: 0 }))
    .option('--g2-over-gcr2 <x>', `coupling as (g/g_cr)², g_cr the true threshold (${what})`, num('--g2-over-gcr2', { min: 0 }));
}

export function register(program: Command): void {
  addCouplingOptions(addModelOptions(program.command('gaussian')), "default: the preset's Fig. 2 working point")
    .description('Gaussian NESS of two coupled oscillators (seed 004, Eq. 4): Pi_s, mu_a, mu_b, n_a, n_b, g_cr')
    .option('--json', 'print JSON')
    .action(lazyAction(load, (m) => m.gaussian));

  addModelOptions(program.command('gaussian-sweep'))
    .description("Fig. 3 sweep: Pi_s, mu_a, mu_b, n_a, n_b against g/κ_a or (g/g_cr)² (default range: the preset's)")
    .option('--variable <name>', `sweep variable: ${SWEEP_VARIABLES.join(', ')} (default: the preset's)`, oneOf('--variable', SWEEP_VARIABLES))
    .option('--from <x>', 'first value of the sweep variable', num('--from', { min: 0 }))
    .option('--to <x>', 'last value of the sweep variable', num('--to', { min: 0 }))
    .option('--points <n>', 'number of points', num('--points', { min: 2, max: 1e6, integer: true }), 200)
    .option('--csv [path]', 'write CSV to path (stdout without a path)')
    .option('--json', 'print JSON instead of CSV')
    .action(lazyAction(load, (m) => m.gaussianSweepCommand));

  addCouplingOptions(addModelOptions(program.command('gaussian-spectrum')), "default: the preset's Fig. 2 working point")
    .description('model output-field spectrum, homodyne or heterodyne (shot-noise units × gain) as CSV: frequency (Hz), PSD[, sigma]')
    .option('--detection <kind>', `${DETECTIONS.join(' or ')}: homodyne of one quadrature (even in ω) or sideband-resolved heterodyne (ω relative to the pump, both signs)`, oneOf('--detection', DETECTIONS), 'homodyne')
    .option('--f-min <Hz>', `lowest frequency, Hz, ${-F_MAX_HZ} to ${F_MAX_HZ}; ≥ 0 for homodyne (default 0 homodyne, −2 ω_b/2π heterodyne)`, num('--f-min', { min: -F_MAX_HZ, max: F_MAX_HZ }))
    .option('--f-max <Hz>', `highest frequency, Hz, up to ${F_MAX_HZ} (default 2 ω_b/2π)`, num('--f-max', { min: -F_MAX_HZ, max: F_MAX_HZ }))
    .option('--points <n>', 'number of frequencies', num('--points', { min: 2, max: 1e6, integer: true }), 500)
    .option('--theta <rad>', "homodyne angle θ, X_θ = q cos θ + p sin θ (default: the preset's, π/2; homodyne only)", num('--theta', { min: -10, max: 10 }))
    .option('--eta <η>', 'detection efficiency', num('--eta', { min: 0, exclusiveMin: true, max: 1 }), 1)
    .option('--gain <G>', `overall scale of the PSD, ${GAIN_RULE.min} to ${GAIN_RULE.max}`, num('--gain', GAIN_RULE), 1)
    .option('--noise <r>', 'relative Gaussian noise added to each point (also written as the sigma column)', num('--noise', { min: 0, max: 0.5 }), 0)
    .option('--seed <n>', 'random seed for --noise', num('--seed', { min: 0, max: 2 ** 32 - 1, integer: true }), 1)
    .option('--csv [path]', 'write CSV to path (stdout without a path)')
    .action(lazyAction(load, (m) => m.gaussianSpectrum));

  addCouplingOptions(addModelOptions(program.command('gaussian-fit')), 'starting value; default: a scan over g/g_cr')
    .description('fit a measured spectrum (CSV: frequency Hz, PSD[, sigma]); report n_a, n_b, mu_a, mu_b, Pi_s with 1σ errors')
    .requiredOption('--spectrum <path>', 'CSV file: frequency (Hz), PSD[, sigma]; # comments and one header row allowed')
    .option('--free <list>', `parameters to fit, from ${FREE_WORDS.join(', ')}`, freeList, ['g', 'gain'] as FitParam[])
    .option('--fit-gamma-b', 'also fit γ_b (adds gamma_b to --free; the cavity-BEC preset does not know it)')
    .option('--detection <kind>', `what the file holds: ${DETECTIONS.join(' or ')} (heterodyne: frequencies relative to the pump, both signs)`, oneOf('--detection', DETECTIONS), 'homodyne')
    .option('--theta <rad>', "homodyne angle θ (default: the preset's, π/2; homodyne only)", num('--theta', { min: -10, max: 10 }))
    .option('--eta <η>', 'detection efficiency (start value if fitted)', num('--eta', { min: 0, exclusiveMin: true, max: 1 }), 1)
    .option('--model-csv <path>', 'also write the data with the fitted model: frequency, PSD, model')
    .option('--json', 'print JSON')
    .action(lazyAction(load, (m) => m.gaussianFit));
}
