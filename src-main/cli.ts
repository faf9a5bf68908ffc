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
import * as kerr from './cli/commands/kerr.js';
import * as study from './cli/commands/study.js';
import * as gaussian from './cli/commands/gaussian.js';
import * as spectrum from './cli/commands/spectrum.js';
import * as figures from './cli/commands/figures.js';
import * as lab from './cli/commands/lab.js';
import * as cluster from './cli/commands/cluster.js';

type Registrar = { register(program: Command): void };
const COMMANDS: Registrar[] = [kerr, study, gaussian, spectrum, figures, lab, cluster];

export function buildProgram(): Command {
  const program = new Command('epstudio')
    .description('EP Studio: entropy production of driven-dissipative bosonic systems')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  for (const c of COMMANDS) c.register(program);
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
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (e) {
    process.exitCode = reportError(e);
  }
  reportTiming();
}
