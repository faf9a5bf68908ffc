/**
 * Study commands, registration only (bodies in ../actions/study.ts, loaded when a command runs; h5wasm only by
 * `export`): `presets`, `run <preset|spec.json> --out DIR [--workers n]`, `resume DIR`, `status DIR`,
 * `export DIR --h5 FILE`. All of them go through src-main/studies/service.ts (the desktop uses the same service).
 */
import type { Command } from 'commander';
import { lazyAction, num } from '../args.js';

const workersOpt = num('--workers', { integer: true, min: 1, max: 256 });
const ckptOpt = num('--checkpoint-seconds', { min: 0, max: 3600 });
const load = () => import('../actions/study.js');

export function register(program: Command): void {
  program
    .command('presets')
    .description('list the built-in study presets, one a line')
    .action(lazyAction(load, (m) => m.presets));

  program
    .command('run')
    .description('run a study (a preset name or a spec.json) into a new folder')
    .argument('<spec>', 'preset name (see `epstudio presets`) or path to a study spec JSON file')
    .requiredOption('--out <DIR>', 'new or empty folder for the study (with --shard: the folder all shards share)')
    .option('--workers <n>', 'worker threads (default: number of cores)', workersOpt)
    .option('--checkpoint-seconds <s>', 'minimum seconds between checkpoints of a running task', ckptOpt)
    // checked (parseShard) when the action loads, so that --help stays light
    .option('--shard <i/n>', 'run only shard i of n (0 ≤ i < n; whole tasks, balanced by expected cost); see `epstudio slurm`')
    .option('--json', 'print the summary as JSON on stdout')
    .action(lazyAction(load, (m) => m.run));

  program
    .command('finalize')
    .description('write the figure tables of a sharded study once all its tasks are done (else list those not done, exit 1)')
    .argument('<DIR>', 'study folder')
    .action(lazyAction(load, (m) => m.finalize));

  program
    .command('resume')
    .description('finish a killed or cancelled study (finished tasks are kept, long ones continue from their checkpoint)')
    .argument('<DIR>', 'study folder')
    .option('--workers <n>', 'worker threads (default: number of cores)', workersOpt)
    .option('--checkpoint-seconds <s>', 'minimum seconds between checkpoints of a running task', ckptOpt)
    .option('--json', 'print the summary as JSON on stdout')
    .action(lazyAction(load, (m) => m.resume));

  program
    .command('status')
    .description('task states of a study folder')
    .argument('<DIR>', 'study folder')
    .option('--json', 'print the status as JSON')
    .action(lazyAction(load, (m) => m.status));

  program
    .command('export')
    .description('export a whole study to HDF5 (parameters as attributes, one dataset per quantity)')
    .argument('<DIR>', 'study folder')
    .requiredOption('--h5 <FILE>', 'output .h5 file')
    .action(lazyAction(load, (m) => m.exportH5));
}
