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
import { ParameterError } from '../../../src-core/validation.js';

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
    .option('--eps-f <ε>', 'pump after the quench ε_f (required for the Kerr model)', num('--eps-f', KERR_RULES.eps))
    .requiredOption('--t-max <t>', 'last sample time (inclusive), a whole number of --dt, ≤ 1e5', num('--t-max', positive))
    .option('--dt <Δt>', 'sample interval', num('--dt', positive), PAPER.dt)
    .option('--nmax <K>', 'Fock levels, fixed, 2 to 400 (default: adaptive, starting from the NESS at ε_i and following the state)', num('--nmax', { integer: true, min: 2 }))
    .option('--rtol <r>', 'propagator tolerance per step, 1e-14 to 1e-3', num('--rtol', positive))
    .option('--until-ness', 'stop at the first sample within --tol of the NESS at ε_f (ρ and every observable; --t-max is the cap)')
    .option('--tol <tol>', 'with --until-ness: distance from the NESS that counts as arrived, 1e-14 to 1 (default 1e-6)', num('--tol', positive))
    .option('--csv <file>', 'write the CSV here (atomically); default: stdout');
  // --model two-photon-kerr (issue 15): quench in g (--g-i → --g-f) and/or ε (--eps-i → --eps-f, or --eps for both)
  addModelKindOptions(q)
    .option('--g-i <g>', 'with --model two-photon-kerr: two-photon pump before the quench (default --g)', num('--g-i', {}))
    .option('--g-f <g>', 'with --model two-photon-kerr: two-photon pump after the quench (default --g)', num('--g-f', {}))
    .option('--eps <ε>', 'with --model two-photon-kerr: one-photon pump on both sides (default 0; --eps-i/--eps-f override)', num('--eps', {}))
    .action(quenchAction);
}

/** Kerr or two-photon quench by --model; flags of the other model are refused, not ignored. */
async function quenchAction(o: Record<string, unknown> & { model?: string }, cmd: Command): Promise<void> {
  if (o.model === 'two-photon-kerr') {
    // --eps-i has the Kerr default (seed 000's ε_i = 0.5): for this model only a typed value counts
    const typed = (k: string) => cmd.getOptionValueSource(k) === 'cli' || cmd.getOptionValueSource(k) === 'env';
    const t = await import('../actions/twoPhoton.js');
    await t.quenchTwoPhoton({ ...(o as unknown as Parameters<typeof t.quenchTwoPhoton>[0]), epsI: typed('epsI') ? (o.epsI as number) : undefined });
    return;
  }
  for (const [k, flag] of [['g', '--g'], ['eta0', '--eta0'], ['gI', '--g-i'], ['gF', '--g-f'], ['eps', '--eps']] as const)
    if (o[k] !== undefined) throw new ParameterError(flag, 'only with --model two-photon-kerr', o[k]);
  if (o.epsF === undefined) throw new ParameterError('--eps-f', 'the pump after the quench ε_f (required)', undefined);
  const m = await load();
  await m.quench(o as unknown as Parameters<typeof m.quench>[0]);
}
