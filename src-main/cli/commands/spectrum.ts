/**
 * Liouvillian spectrum subcommands (seed 000 Sec. II D, Fig. 3; issue 3), registration only (bodies in
 * ../actions/spectrum.ts, loaded when a command runs):
 *   gap        the slowest eigenvalues ζ₁…ζ_count of L (ζ₀ = 0 left out) and the gap λ = |Re ζ₁| at one pump
 *   gap-sweep  λ against ε for several N, as CSV (the data of Fig. 3)
 *   critical   ε_c(N) as the pump of minimal gap and as the steepest slope of the exact |<a>|/√N, with large-N values
 * Units: ħ = 1; ζ and λ in the unit of κ (amplitude rate).
 */
import type { Command } from 'commander';
import { KERR_RULES } from '../../../src-core/kerr/model.js';
import { lazyAction, num, numList, oneOf } from '../args.js';
import { ParameterError } from '../../../src-core/validation.js';
import { addModelKindOptions, addModelOptions, addSizeOption, byModel, MODELS, type ModelKind } from '../kerrOptions.js';

const COUNT_RULE = { min: 1, max: 50, integer: true };
const NMAX_RULE = { min: 2, max: 400, integer: true };
const POINTS_RULE = { min: 1, max: 10000, integer: true };
const TOL_RULE = { min: 1e-14, max: 1e-2 };
const load = () => import('../actions/spectrum.js');

export function register(program: Command): void {
  addModelKindOptions(
    addModelOptions(
      addSizeOption(
        program
          .command('gap')
          .description('slowest Liouvillian eigenvalues and the gap λ = |Re ζ₁| (shift-invert Arnoldi, K chosen by convergence)'),
      ),
    ),
  )
    .requiredOption('--eps <ε>', 'scaled pump ε (E = √N ε)', num('--eps', KERR_RULES.eps))
    .option('--count <k>', 'number of slowest eigenvalues ζ₁…ζ_k (ζ₀ = 0 left out)', num('--count', COUNT_RULE), 4)
    .option('--nmax <K>', 'fixed Fock cut-off K (default: increase K until the eigenvalues converge)', num('--nmax', NMAX_RULE))
    .option('--tol <t>', 'relative change of the eigenvalues between consecutive K counted as converged', num('--tol', TOL_RULE), 1e-7)
    .option('--json', 'print JSON')
    .action(byModel(load, (m) => m.gap, (t) => t.gapTwoPhoton));

  addModelOptions(
    program
      .command('gap-sweep')
      .description(
        'the gap λ against the pump ε for several N (seed Fig. 3), as CSV: N,eps,gap,nmax,zeta1_re,zeta1_im,converged; ' +
          'with --model two-photon-kerr against g (--g-from, --g-to) at a fixed --eps, per parity sector at ε = 0: N,g_tp,eps,gap,gap_even,gap_odd,nmax,converged',
      ),
  )
    .requiredOption('--N <list>', 'comma-separated sizes N', numList('--N', KERR_RULES.N))
    .option('--eps-from <ε>', 'first pump', num('--eps-from', KERR_RULES.eps), 0.5)
    .option('--eps-to <ε>', 'last pump', num('--eps-to', KERR_RULES.eps), 1.4)
    .option('--points <n>', 'number of pumps (evenly spaced, both ends included)', num('--points', POINTS_RULE), 91)
    .option('--tol <t>', 'relative change of the gap between consecutive K counted as converged', num('--tol', TOL_RULE), 1e-7)
    .option('--csv <file>', 'write the CSV to this file (default: stdout)')
    .option('--model <kind>', `model: ${MODELS.join(', ')}`, oneOf('--model', MODELS), 'kerr')
    .option('--g-from <g>', 'with --model two-photon-kerr: first two-photon pump g (default 0)', num('--g-from', {}))
    .option('--g-to <g>', 'with --model two-photon-kerr: last two-photon pump g (default 2 g_th, g_th = √(κ² + Δ²))', num('--g-to', {}))
    .option('--eps <ε>', 'with --model two-photon-kerr: the fixed one-photon pump ε (default 0: gaps per parity sector)', num('--eps', KERR_RULES.eps))
    .option('--eta0 <η₀>', 'with --model two-photon-kerr: two-photon loss η₀ (η = η₀/N)', num('--eta0', {}))
    .option('--json', 'with --model two-photon-kerr: print JSON (columns and rows) instead of CSV')
    .action(async (o: Record<string, unknown> & { model: ModelKind }, cmd: Command) => {
      const given = (k: string) => cmd.getOptionValueSource(k) === 'cli';
      const flag = (k: string) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
      if (o.model === 'two-photon-kerr') {
        for (const k of ['epsFrom', 'epsTo'])
          if (given(k)) throw new ParameterError(flag(k), 'only with the Kerr model (--model two-photon-kerr sweeps g: --g-from, --g-to, at a fixed --eps)', o[k]);
        await (await import('../actions/twoPhoton.js')).gapSweepTwoPhoton({ ...(o as any), eps: (o.eps as number | undefined) ?? 0 });
        return;
      }
      for (const k of ['gFrom', 'gTo', 'eps', 'eta0', 'json']) if (given(k)) throw new ParameterError(flag(k), 'only with --model two-photon-kerr', o[k]);
      (await load()).gapSweepCommand(o as any);
    });

  addModelOptions(
    addSizeOption(
      program
        .command('critical')
        .description('critical pump ε_c(N): minimal Liouvillian gap and steepest slope of the exact |<a>|/√N, plus large-N values'),
    ),
  )
    .option('--no-large-n', 'skip the large-N values (extrapolation of the gap minimum, exact steepest slope at N = 100…3000)')
    .option('--json', 'print JSON')
    .action(lazyAction(load, (m) => m.critical));
}
