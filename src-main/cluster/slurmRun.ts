/**
 * What `epstudio slurm` does (the heavy part, imported only when that command runs): create the study folder, write
 * the spec and the two job scripts (atomically), and with submit call sbatch twice.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { ParameterError } from '../../src-core/validation.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { loadSpec } from '../studies/service.js';
import { shardBalance } from '../studies/shard.js';
import { expandSpec } from '../studies/spec.js';
import { StudyStore } from '../studies/store.js';
import { PROJECT_ROOT } from '../version.js';
import { checkSlurmOptions, finalizeScript, runScript, sbatchCommands, type SlurmOptions } from './slurm.js';

export interface SlurmPrepared {
  dir: string;
  runScript: string;
  finalizeScript: string;
  tasks: number;
  array: number;
  /** Expected cost of the largest shard over the mean. */
  balance: number;
  commands: { run: string[]; finalize: string[] };
  jobs?: { array: string; finalize: string };
}

/** sbatch --parsable prints "jobid" or "jobid;cluster". */
function jobIdOf(out: string, what: string): string {
  const id = out.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new Error(`sbatch did not return a job id for ${what} (it printed ${JSON.stringify(out.slice(0, 80))})`);
  return id;
}

function sbatch(args: string[], what: string): string {
  try {
    return jobIdOf(execFileSync('sbatch', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), what);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error('sbatch not found: run this on a Slurm login node, or drop --submit and submit the printed commands there');
    throw new Error(`sbatch failed for ${what}: ${(err.stderr ?? err.message).toString().trim().slice(0, 300)}`);
  }
}

export function prepareSlurm(specOrPreset: string, outDir: string, opts: SlurmOptions, submit: boolean): SlurmPrepared {
  checkSlurmOptions(opts);
  const spec = loadSpec(specOrPreset);
  const dir = resolve(outDir);
  const tasks = expandSpec(spec);
  if (opts.array > tasks.length) throw new ParameterError('--array', `at most the number of tasks of this study (${tasks.length}): a task is never split`, opts.array);
  const launcher = { node: process.execPath, epstudio: join(PROJECT_ROOT, 'bin', 'epstudio.cjs') }; // the package bin (CommonJS launcher, issue 12)
  // Scripts first (they validate the folder path for #SBATCH lines), then the folder: nothing is created for a bad path.
  const run = runScript(dir, opts, launcher);
  const fin = finalizeScript(dir, opts, launcher);
  StudyStore.create(dir, spec).release();
  const sdir = join(dir, 'slurm');
  mkdirSync(join(sdir, 'logs'), { recursive: true });
  writeFileAtomic(join(sdir, 'spec.json'), JSON.stringify(spec, null, 2) + '\n');
  writeFileAtomic(join(sdir, 'run.sbatch'), run);
  writeFileAtomic(join(sdir, 'finalize.sbatch'), fin);
  const commands = sbatchCommands(dir);
  const out: SlurmPrepared = {
    dir,
    runScript: join(sdir, 'run.sbatch'),
    finalizeScript: join(sdir, 'finalize.sbatch'),
    tasks: tasks.length,
    array: opts.array,
    balance: shardBalance(tasks, opts.array).ratio,
    commands,
  };
  if (submit) {
    const array = sbatch(commands.run.slice(1), 'the array job');
    const finalize = sbatch(sbatchCommands(dir, array).finalize.slice(1), 'the finalize job');
    out.jobs = { array, finalize };
  }
  return out;
}

