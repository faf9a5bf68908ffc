/**
 * Kerr subcommands (seed 000; issue 2 item 3), registration only (flags and help; the bodies are in
 * ../actions/kerr.ts, loaded when a command runs):
 *   steady     the NESS at one pump: exact (Drummond–Walls moments, any N) or fock (density matrix, + --entropy)
 *   meanfield  the bistable window ε−, ε+ (and the branches at --eps)
 *   quench     the NESS at ε_i propagated under ε_f, every observable at t = 0, Δt, …, t_max, as CSV
 * Flags whose exact range lives in a heavy engine module (QUENCH_LIMITS in kerr/quench.ts) are parsed here as numbers
 * of the right sign and checked against that range by the action before any work or output.
 */
import type { Command } from 'commander';
import { KERR_RULES, PAPER } from '../../../src-core/kerr/model.js';
import { lazyAction, num, oneOf } from '../args.js';
import { addModelKindOptions, addModelOptions, addSizeOption, byModel } from '../kerrOptions.js';

export const METHODS = ['exact', 'fock'] as const;
const load = () => import('../actions/kerr.js');
const positive = { min: 0, exclusiveMin: true } as const;

export function register(program: Command): void {
  const st = program.command('steady').description('NESS of the Kerr resonator: <a>, <a†a>, |α| (and with --entropy the entropy production)');
  addModelOptions(st);
  addSizeOption(st);
  st.requiredOption('--eps <ε>', 'scaled pump ε (E = √N ε)', num('--eps', KERR_RULES.eps))
    .option('--method <m>', `exact (Drummond–Walls, any N) or fock (density matrix): ${METHODS.join(', ')}`, oneOf('--method', METHODS), 'exact')
    .option('--entropy', 'with --method fock: S_W, Π_J, Π_ext, Π_d, Π_U, Φ, Φ_ext, Φ_q, G')
    .option('--nmax <K>', 'with --method fock: Fock levels, 2 to 400 (default: chosen from the photon number)', num('--nmax', { integer: true, min: 2 }))
    .option('--json', 'one JSON object on stdout');
  addModelKindOptions(st).action(byModel(load, (m) => m.steady, (t) => t.steadyTwoPhoton));

  const mf = program.command('meanfield').description('Mean-field bistable window ε−, ε+ (and the steady branches at --eps)');
  addModelOptions(mf);
  mf.option('--eps <ε>', 'also list the steady branches at this pump', num('--eps', KERR_RULES.eps))
    .option('--json', 'one JSON object on stdout')
    .action(lazyAction(load, (m) => m.meanfield));

  const q = program.command('quench').description('Quench ε_i → ε_f from the NESS at ε_i: every observable at t = 0, Δt, …, t_max (CSV)');
  addModelOptions(q);
  addSizeOption(q);
  q.option('--eps-i <ε>', 'initial pump ε_i (the start is its NESS)', num('--eps-i', KERR_RULES.eps), PAPER.epsInitial)
    .requiredOption('--eps-f <ε>', 'pump after the quench ε_f', num('--eps-f', KERR_RULES.eps))
    .requiredOption('--t-max <t>', 'last sample time (inclusive), a whole number of --dt, ≤ 1e5', num('--t-max', positive))
    .option('--dt <Δt>', 'sample interval', num('--dt', positive), PAPER.dt)
    .option('--nmax <K>', 'Fock levels, fixed, 2 to 400 (default: adaptive, starting from the NESS at ε_i and following the state)', num('--nmax', { integer: true, min: 2 }))
    .option('--rtol <r>', 'propagator tolerance per step, 1e-14 to 1e-3', num('--rtol', positive))
    .option('--until-ness', 'stop at the first sample within --tol of the NESS at ε_f (ρ and every observable; --t-max is the cap)')
    .option('--tol <tol>', 'with --until-ness: distance from the NESS that counts as arrived, 1e-14 to 1 (default 1e-6)', num('--tol', positive))
    .option('--csv <file>', 'write the CSV here (atomically); default: stdout')
    .action(lazyAction(load, (m) => m.quench));
}
