/** The Kerr model's flags, shared by every Kerr subcommand. Defaults are the seed's: κ = 0.5, Δ = −2, u = 1. */
import type { Command } from 'commander';
import { KERR_RULES, PAPER, validateKerrParams, type KerrParams } from '../../src-core/kerr/model.js';
import { ParameterError } from '../../src-core/validation.js';
import { num, oneOf } from './args.js';

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

/** Models `steady` and `gap` accept (issue 15): seed 000's Kerr resonator and the two-photon-driven one. */
export const MODELS = ['kerr', 'two-photon-kerr'] as const;
export type ModelKind = (typeof MODELS)[number];

/**
 * --model, --g, --eta0 (the latter two only with --model two-photon-kerr). g and η₀ are parsed as numbers here and
 * checked against TWO_PHOTON_KERR_RULES (src-core/model/instances.ts) by the action, so that --help loads no model
 * module (cli-coldstart.test.ts).
 */
export function addModelKindOptions(cmd: Command): Command {
  return cmd
    .option('--model <kind>', `model: ${MODELS.join(', ')}`, oneOf('--model', MODELS), 'kerr')
    .option('--g <g>', 'with --model two-photon-kerr: two-photon pump g (G = g, intensive)', num('--g', {}))
    .option('--eta0 <η₀>', 'with --model two-photon-kerr: two-photon loss η₀ (η = η₀/N)', num('--eta0', {}));
}

/** Refuse --g/--eta0 with the Kerr model (they would be silently ignored). */
export function checkKerrOnly(o: { model?: ModelKind; g?: number; eta0?: number }): void {
  if (o.model === 'two-photon-kerr') return;
  if (o.g !== undefined) throw new ParameterError('--g', 'only with --model two-photon-kerr', o.g);
  if (o.eta0 !== undefined) throw new ParameterError('--eta0', 'only with --model two-photon-kerr', o.eta0);
}

/** Action that loads the Kerr body or the two-photon one (../actions/twoPhoton.ts) by --model, when the command runs. */
export function byModel<M>(
  load: () => Promise<M>,
  pick: (m: M) => (...args: any[]) => unknown,
  pickTwoPhoton: (m: typeof import('./actions/twoPhoton.js')) => (...args: any[]) => unknown,
) {
  return async (...args: any[]): Promise<void> => {
    const o = args[0] as { model?: ModelKind; g?: number; eta0?: number };
    if (o.model === 'two-photon-kerr') {
      await pickTwoPhoton(await import('./actions/twoPhoton.js'))(...args);
      return;
    }
    checkKerrOnly(o);
    await pick(await load())(...args);
  };
}
