/**
 * Lab subcommands (issue 14): heterodyne outcomes in, entropy production with error bars out.
 *   heterodyne         outcomes file → <a>, n, S_W (k-NN, model-free) and, from ML tomography, S_W, Π_J, Π_d, Π_U, Φ,
 *                      Φ_q, G, each {value, sigma} by bootstrap; per time bin when the file has a `t` column
 *   heterodyne-sample  exact draws from the Kerr model's Q (NESS, or after a quench at times --t), for tests and planning
 * Only flags are declared here; the work is imported when a command runs (labRun.ts, ../actions/heterodyneSample.ts), so `--help` stays instant.
 */
import type { Command } from 'commander';
import { KERR_RULES, PAPER } from '../../../src-core/kerr/model.js';
import { num, numList, oneOf } from '../args.js';
import { addModelOptions, addSizeOption } from '../kerrOptions.js';

/** Allowed ranges of the lab flags (shared with labRun.ts). */
export const LAB_RULES = Object.freeze({
  efficiency: { min: 0, exclusiveMin: true, max: 1 },
  kappa: KERR_RULES.kappa,
  U: { min: -1e3, max: 1e3 },
  bootstrap: { min: 0, max: 10000, integer: true },
  seed: { min: 0, max: 4294967295, integer: true },
  knn: { min: 1, max: 50, integer: true },
  nmax: { min: 2, max: 120, integer: true },
  samples: { min: 1, max: 1e8, integer: true },
  t: { min: 0, max: 1e5 },
  timeBins: { min: 1, max: 1000, integer: true },
  iterations: { min: 1, max: 1e6, integer: true },
  targetSigma: { min: 0, exclusiveMin: true, max: 1e6 },
  workers: { min: 1, max: 64, integer: true },
});

export function register(program: Command): void {
  const h = program
    .command('heterodyne')
    .description('Heterodyne outcomes → <a>, n, S_W (k-NN) and, by ML tomography, S_W, Π_J, Π_d, Π_U, Φ, Φ_q, G with bootstrap errors')
    .requiredOption('--samples <file>', 'outcomes μ (units of the field amplitude; vacuum: density e^{−|μ|²}/π): CSV, .npy, or FILE.h5:/dataset')
    .option('--columns <names>', 're,im or re,im,t: column names (CSV header) or 1-based numbers')
    .option('--efficiency <η>', 'detector efficiency η (a known pure loss before an ideal heterodyne)', num('--efficiency', LAB_RULES.efficiency), 1)
    .option('--kappa <κ>', 'loss rate κ (for Π_J, Π_ext, Π_d, Φ, Φ_ext, Φ_q)', num('--kappa', LAB_RULES.kappa))
    .option('--U <U>', 'Kerr interaction U (for Π_U)', num('--U', LAB_RULES.U))
    .option('--bootstrap <B>', 'bootstrap resamples for the errors (0: none)', num('--bootstrap', LAB_RULES.bootstrap), 200)
    .option('--seed <s>', 'seed of the bootstrap and of the k-NN subsampling', num('--seed', LAB_RULES.seed), 1)
    .option('--knn <k>', 'k of the k-nearest-neighbour entropy estimator', num('--knn', LAB_RULES.knn), 1)
    .option('--nmax <K>', 'Fock levels of the reconstruction (default: from the data, then guarded)', num('--nmax', LAB_RULES.nmax))
    .option('--iterations <n>', 'iterations of the full-data maximum-likelihood fit', num('--iterations', LAB_RULES.iterations), 1000)
    .option('--boot-iterations <n>', 'iterations of each bootstrap refit (from the full-data estimate)', num('--boot-iterations', LAB_RULES.iterations), 25)
    .option('--time-bins <n>', 'with a t column: n equal-width time bins (default: one bin per distinct t)', num('--time-bins', LAB_RULES.timeBins))
    .option('--target-sigma <σ>', 'planning: outcomes needed for this standard error of S_W and Π_J', num('--target-sigma', LAB_RULES.targetSigma))
    .option('--workers <n>', 'bootstrap worker threads (default: the number of cores; 1: in this process)', num('--workers', LAB_RULES.workers))
    .option('--fit <model>', "maximum-likelihood fit of a model's Q to the outcomes (needs --kappa): kerr (the Kerr NESS)", oneOf('--fit', ['kerr'] as const))
    .option('--fit-free <names>', 'with --fit kerr: parameters to fit, comma-separated, among eps, delta, u, N (not eps, u and N together; default eps)')
    .option('--N <N>', 'with --fit kerr: size parameter N (E = √N ε, U = u/N); fixed unless in --fit-free (default 1: ε = E, u = U)', num('--N', KERR_RULES.N))
    .option('--eps <ε>', 'with --fit kerr: starting ε (default: from the data by the mean field)', num('--eps', KERR_RULES.eps))
    .option('--delta <Δ>', `with --fit kerr: detuning Δ, fixed or starting value (default ${PAPER.delta}; from the phase of <a> if free)`, num('--delta', KERR_RULES.delta))
    .option('--u <u>', `with --fit kerr: scaled Kerr interaction u, fixed or starting value (default ${PAPER.u})`, num('--u', KERR_RULES.u))
    .option('--json', 'one JSON object on stdout')
    .option('--csv', 'a CSV table on stdout (one row per time bin)')
    .option('--output <file>', 'write the JSON or CSV here (atomically) instead of stdout')
    .action(async (o) => (await import('./labRun.js')).heterodyne(o));

  const s = program
    .command('heterodyne-sample')
    .description("Exact draws of heterodyne outcomes from the Kerr model's Q (the NESS, or after a quench ε_i → ε at times --t)");
  addModelOptions(s);
  addSizeOption(s);
  s.requiredOption('--eps <ε>', 'scaled pump ε (after the quench, with --t)', num('--eps', KERR_RULES.eps))
    .option('--eps-i <ε>', 'with --t: initial pump ε_i (the start is its NESS)', num('--eps-i', KERR_RULES.eps), PAPER.epsInitial)
    .option('--t <times>', 'times after the quench, comma-separated (adds a t column); default: the NESS at --eps', numList('--t', LAB_RULES.t))
    .requiredOption('--samples <M>', 'outcomes to draw (per time with --t)', num('--samples', LAB_RULES.samples))
    .option('--seed <s>', 'PRNG seed', num('--seed', LAB_RULES.seed), 1)
    .option('--efficiency <η>', 'detector efficiency η (outcomes of a lossy detector)', num('--efficiency', LAB_RULES.efficiency), 1)
    .option('--nmax <K>', 'Fock levels (default: chosen from the photon number)', num('--nmax', LAB_RULES.nmax))
    .option('--csv <file>', 'write the CSV here (atomically); default: stdout')
    .action(async (o) => (await import('../actions/heterodyneSample.js')).heterodyneSample(o));
}
