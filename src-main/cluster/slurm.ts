/**
 * Slurm job scripts for a sharded study (issue 13). We write the scripts and call `sbatch`; Slurm schedules.
 *
 *   DIR/slurm/spec.json        the study's spec (canonical JSON; its hash is the one in DIR/study.json)
 *   DIR/slurm/run.sbatch       a job array, task i runs `epstudio run DIR/slurm/spec.json --out DIR --shard i/n
 *                              --workers $SLURM_CPUS_PER_TASK`
 *   DIR/slurm/finalize.sbatch  one job, submitted with --dependency=afterany:<array job>, runs `epstudio finalize DIR`
 *
 * A requeued or failed array task simply runs its shard again: finished tasks are skipped (their files verify) and a
 * long one continues from its checkpoint. Logs go to DIR/slurm/logs/.
 */
import { ParameterError } from '../../src-core/validation.js';
import { MAX_SHARDS } from '../studies/shard.js';

export interface SlurmOptions {
  /** Number of array tasks (shards). */
  array: number;
  partition?: string;
  /** Wall-time limit per array task, HH:MM:SS (or D-HH:MM:SS). */
  time?: string;
  cpusPerTask?: number;
  /** Memory per array task, Slurm syntax: 4G, 500M, … */
  mem?: string;
  account?: string;
}

/** What the scripts call: `node` and the epstudio launcher, as absolute paths (the same install on every node). */
export interface Launcher {
  node: string;
  epstudio: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Check the Slurm flags before anything is written; each error names the flag and its allowed form. */
export function checkSlurmOptions(o: SlurmOptions): SlurmOptions {
  if (!Number.isInteger(o.array) || o.array < 1 || o.array > MAX_SHARDS) throw new ParameterError('--array', `an integer in [1, ${MAX_SHARDS}]`, o.array);
  if (o.partition !== undefined && !NAME.test(o.partition)) throw new ParameterError('--partition', 'a Slurm partition name (letters, digits, . _ -; at most 64)', o.partition);
  if (o.account !== undefined && !NAME.test(o.account)) throw new ParameterError('--account', 'a Slurm account name (letters, digits, . _ -; at most 64)', o.account);
  if (o.time !== undefined && !/^(\d{1,3}-)?\d{1,3}:[0-5]\d:[0-5]\d$/.test(o.time)) throw new ParameterError('--time', 'HH:MM:SS or D-HH:MM:SS', o.time);
  if (o.cpusPerTask !== undefined && (!Number.isInteger(o.cpusPerTask) || o.cpusPerTask < 1 || o.cpusPerTask > 256))
    throw new ParameterError('--cpus-per-task', 'an integer in [1, 256]', o.cpusPerTask);
  if (o.mem !== undefined && !/^[1-9]\d{0,7}[KMGT]?$/.test(o.mem)) throw new ParameterError('--mem', 'a Slurm memory size such as 4G or 500M', o.mem);
  return o;
}

/** POSIX-shell single quoting: the folder and launcher paths may hold spaces or quotes. */
export function shellQuote(s: string): string {
  if (s.includes('\0') || s.includes('\n')) throw new ParameterError('path', 'a path without NUL or newline characters', s);
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `#SBATCH` directive values cannot be quoted; a path there must be plain. */
function directivePath(s: string, what: string): string {
  if (!/^[^\s'"\\$`%]+$/.test(s)) throw new ParameterError(what, 'a folder path without spaces, quotes, $, `, % or backslashes (Slurm reads #SBATCH lines unquoted)', s);
  return s;
}

function header(o: SlurmOptions, jobName: string, logs: string): string[] {
  const lines = ['#!/bin/bash', `#SBATCH --job-name=${jobName}`];
  if (o.partition) lines.push(`#SBATCH --partition=${o.partition}`);
  if (o.account) lines.push(`#SBATCH --account=${o.account}`);
  if (o.time) lines.push(`#SBATCH --time=${o.time}`);
  if (o.mem) lines.push(`#SBATCH --mem=${o.mem}`);
  lines.push(`#SBATCH --output=${logs}/%x-%A_%a.out`);
  return lines;
}

/** The job array: one shard per array task. `dir` is the study folder (absolute). */
export function runScript(dir: string, o: SlurmOptions, l: Launcher): string {
  const logs = directivePath(`${dir}/slurm/logs`, 'DIR');
  const lines = header(o, 'epstudio-run', logs);
  lines.push(`#SBATCH --array=0-${o.array - 1}`, `#SBATCH --cpus-per-task=${o.cpusPerTask ?? 1}`, '#SBATCH --requeue');
  lines.push(
    '# Written by `epstudio slurm`. Each array task runs one shard of the study; a re-run shard skips finished tasks',
    '# and continues long ones from their checkpoints, so requeueing is always safe.',
    'set -euo pipefail',
    `exec ${shellQuote(l.node)} ${shellQuote(l.epstudio)} run ${shellQuote(`${dir}/slurm/spec.json`)} --out ${shellQuote(dir)} \\`,
    '  --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" --workers "${SLURM_CPUS_PER_TASK:-1}"',
    '',
  );
  return lines.join('\n');
}

/** The finalize job: figure tables once every shard has ended (afterany: also after failures, to report them). */
export function finalizeScript(dir: string, o: SlurmOptions, l: Launcher): string {
  const logs = directivePath(`${dir}/slurm/logs`, 'DIR');
  const lines = header({ ...o, mem: undefined }, 'epstudio-finalize', logs).map((s) => s.replace('%x-%A_%a', '%x-%j'));
  lines.push(
    '#SBATCH --cpus-per-task=1',
    '# Written by `epstudio slurm`: writes the figure tables when every task is done, else says which are not.',
    'set -euo pipefail',
    `exec ${shellQuote(l.node)} ${shellQuote(l.epstudio)} finalize ${shellQuote(dir)}`,
    '',
  );
  return lines.join('\n');
}

/** The two sbatch command lines, as printed for the user (the finalize one needs the array's job id). */
export function sbatchCommands(dir: string, arrayJobId = '<ARRAY_JOB_ID>'): { run: string[]; finalize: string[] } {
  return {
    run: ['sbatch', '--parsable', `${dir}/slurm/run.sbatch`],
    finalize: ['sbatch', '--parsable', `--dependency=afterany:${arrayJobId}`, `${dir}/slurm/finalize.sbatch`],
  };
}
