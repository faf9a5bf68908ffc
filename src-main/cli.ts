/**
 * `epstudio`: the offline command line. Each subcommand lives in src-main/cli/commands/<name>.ts and exports
 * `register(program)`; add yours to COMMANDS below. Usage errors (bad flag or value) exit with status 2 and one line
 * naming the flag and its allowed range; runtime failures exit 1.
 *
 * Cold start (issue 12): `register` only declares flags and help text and imports nothing heavy; every action body
 * lives in src-main/cli/actions/<name>.ts and is loaded with `await import(...)` when its command runs, so `--help`
 * and `--version` load commander and the flag rules only (test/main/cli-coldstart.test.ts lists what they may load).
 * bin/epstudio.mjs calls main(); importing this module runs nothing, so tests drive buildProgram() in-process.
 */
import { Command, CommanderError } from 'commander';
import { ParameterError } from '../src-core/validation.js';
import { VERSION } from './version.js';
import { refuseRepeatedFlags } from './cli/args.js';
import { reportTiming } from './cli/timing.js';
export { directStdio } from './cli/stdio.js';
import { setWasmKernels } from '../src-core/linalg/wasmKernel.js';
import * as kerr from './cli/commands/kerr.js';
import * as study from './cli/commands/study.js';
import * as gaussian from './cli/commands/gaussian.js';
import * as spectrum from './cli/commands/spectrum.js';
import * as figures from './cli/commands/figures.js';
import * as lab from './cli/commands/lab.js';
import * as cluster from './cli/commands/cluster.js';

type Registrar = { register(program: Command): void };
export const COMMANDS: Registrar[] = [kerr, study, gaussian, spectrum, figures, lab, cluster];

/**
 * The registrar of each command, so that `epstudio <command> …` declares only that command's group (cold start: the
 * other ~20 commands' flags are not built). Any other first word (`--help`, `help`, a typo that needs suggestions)
 * registers them all. test/main/cli-coldstart.test.ts checks this table against what each registrar declares.
 */
export const GROUP_OF: Readonly<Record<string, Registrar>> = {
  steady: kerr, meanfield: kerr, quench: kerr,
  presets: study, run: study, finalize: study, resume: study, status: study, export: study,
  gaussian, 'gaussian-sweep': gaussian, 'gaussian-spectrum': gaussian, 'gaussian-fit': gaussian,
  gap: spectrum, 'gap-sweep': spectrum, critical: spectrum,
  figures,
  heterodyne: lab, 'heterodyne-sample': lab,
  slurm: cluster,
};

/** The program; with `argv` (process.argv form) only the group of the command it names, when it names one. */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command('epstudio')
    .description('EP Studio: entropy production of driven-dissipative bosonic systems')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  const word = argv?.[2];
  const group = word !== undefined && Object.hasOwn(GROUP_OF, word) ? GROUP_OF[word] : undefined;
  for (const c of group ? [group] : COMMANDS) c.register(program);
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({ outputError: () => {} });
    refuseRepeatedFlags(sub);
  }
  return program;
}

/** Exit status for an error: 2 for anything the user typed wrong, 1 otherwise. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    const msg = e.message.replace(/^error: /, '');
    process.stderr.write(`epstudio: ${msg}\n`);
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof ParameterError) {
    process.stderr.write(`epstudio: ${e.message}\n`);
    return 2;
  }
  process.stderr.write(`epstudio: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}

/** Run the CLI on argv (process.argv form: node, script, args…); sets process.exitCode. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  // EPSTUDIO_WASM=0: the TypeScript twins of the WebAssembly kernels (the same bits), for measurements and diagnosis
  if (process.env.EPSTUDIO_WASM === '0') setWasmKernels(false);
  try {
    await buildProgram(argv).parseAsync(argv as string[]);
  } catch (e) {
    process.exitCode = reportError(e);
  }
  reportTiming();
}
