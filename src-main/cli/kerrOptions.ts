/** The Kerr model's flags, shared by every Kerr subcommand. Defaults are the seed's: κ = 0.5, Δ = −2, u = 1. */
import type { Command } from 'commander';
import { KERR_RULES, PAPER, validateKerrParams, type KerrParams } from '../../src-core/kerr/model.js';
import { num } from './args.js';

export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--kappa <κ>', 'photon-loss amplitude rate κ', num('--kappa', KERR_RULES.kappa), PAPER.kappa)
    .option('--delta <Δ>', 'detuning Δ', num('--delta', KERR_RULES.delta), PAPER.delta)
    .option('--u <u>', 'scaled Kerr interaction u (U = u/N)', num('--u', KERR_RULES.u), PAPER.u);
}

export function addSizeOption(cmd: Command, required = true): Command {
  const o = '--N <N>';
  const d = 'size parameter N (E = √N ε, U = u/N)';
  return required ? cmd.requiredOption(o, d, num('--N', KERR_RULES.N)) : cmd.option(o, d, num('--N', KERR_RULES.N));
}

export function kerrParamsFrom(o: { kappa: number; delta: number; u: number; N: number }, eps: number): KerrParams {
  return validateKerrParams({ kappa: o.kappa, delta: o.delta, u: o.u, N: o.N, eps });
}
