/**
 * `epstudio slurm SPEC --out DIR --array n [--partition P] [--time HH:MM:SS] [--cpus-per-task c] [--mem M]
 * [--account A] [--submit]`: a study as a Slurm job array into one folder on a shared file system (issue 13).
 * Creates DIR (study.json, manifest), writes DIR/slurm/{spec.json, run.sbatch, finalize.sbatch} and prints the two
 * sbatch commands; with --submit runs them (the finalize job with --dependency=afterany on the array) and prints the
 * job ids. Slurm schedules; we only write scripts and call sbatch.
 */
import type { Command } from 'commander';
import { num } from '../args.js';
import type { SlurmOptions } from '../../cluster/slurm.js';

interface SlurmFlags extends SlurmOptions {
  out: string;
  submit?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('slurm')
    .description('write (and with --submit, submit) a Slurm job array that runs a study in shards into one folder')
    .argument('<spec>', 'preset name (see `epstudio presets`) or path to a study spec JSON file')
    .requiredOption('--out <DIR>', 'new or empty study folder on a file system every node shares')
    .requiredOption('--array <n>', 'number of array tasks (shards)', num('--array', { integer: true, min: 1, max: 10_000 }))
    .option('--partition <P>', 'Slurm partition')
    .option('--time <HH:MM:SS>', 'wall-time limit per array task')
    .option('--cpus-per-task <c>', 'cores per array task (the shard uses as many workers)', num('--cpus-per-task', { integer: true, min: 1, max: 256 }))
    .option('--mem <M>', 'memory per array task (Slurm syntax, e.g. 4G)')
    .option('--account <A>', 'Slurm account')
    .option('--submit', 'submit both jobs with sbatch and print their ids')
    .option('--json', 'print paths, commands and job ids as JSON on stdout')
    .action(async (spec: string, o: SlurmFlags) => {
      const { prepareSlurm } = await import('../../cluster/slurmRun.js');
      const { out, submit, json, ...slurm } = o;
      const r = prepareSlurm(spec, out, slurm, submit === true);
      if (json) process.stdout.write(JSON.stringify(r) + '\n');
      else {
        process.stdout.write(`wrote ${r.runScript} and ${r.finalizeScript} (${r.tasks} tasks in ${r.array} shards; largest shard ${r.balance.toFixed(3)}× the mean expected cost)\n`);
        if (r.jobs) process.stdout.write(`submitted: array job ${r.jobs.array}, finalize job ${r.jobs.finalize} (afterany)\nwatch: epstudio status ${r.dir}\n`);
        else process.stdout.write(`submit with:\n  ${r.commands.run.join(' ')}\n  ${r.commands.finalize.join(' ')}\n`);
      }
    });
}
