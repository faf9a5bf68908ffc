/**
 * Bench section `coldStart` (issue 12, "an instant command line"): whole-process wall time of `epstudio --version`
 * and `--help` against a bare `node -e 0` (target ≤ 2×), and of small commands against their compute measured
 * in-process on a warm program (target: process ≤ compute + 0.15 s). Medians of REPS runs, run one after another.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { buildProgram } from '../src-main/cli.js';
import { PROJECT_ROOT } from '../src-main/version.js';
import type { BenchRow, BenchSection } from './types.js';

const REPS = Number(process.env.EPSTUDIO_BENCH_REPS ?? 11);
const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time (s) of a fresh process. */
function processTime(args: string[]): number {
  const ts: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    ts.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`coldStart: ${args.join(' ')} exited ${r.status}`);
  }
  return median(ts);
}

/** Median wall time (s) of the same command in this process, modules already loaded (its compute). */
async function computeTime(args: string[]): Promise<number> {
  const write = process.stdout.write.bind(process.stdout);
  const ts: number[] = [];
  try {
    process.stdout.write = (() => true) as typeof process.stdout.write;
    for (let i = 0; i < REPS + 1; i++) {
      const t0 = performance.now();
      await buildProgram().parseAsync(['node', 'epstudio', ...args]);
      if (i > 0) ts.push((performance.now() - t0) / 1000); // the first run loads the command's modules
    }
  } finally {
    process.stdout.write = write;
  }
  return median(ts);
}

export async function run(): Promise<BenchSection> {
  const load = loadavg()[0];
  const bare = processTime(['-e', '0']);
  const rows: BenchRow[] = [{ name: 'node -e 0', value: bare, unit: 's', note: `median of ${REPS}; load average ${load.toFixed(1)} at start` }];
  for (const flag of ['--version', '--help']) {
    const t = processTime([BIN, flag]);
    rows.push({ name: `epstudio ${flag}`, value: t, unit: 's', baseline: bare, ratio: t / bare, target: '≤ 2× node -e 0', note: 'ratio = value/baseline' });
  }
  const commands: [string, string[]][] = [
    ['meanfield', ['meanfield', '--eps', '1', '--json']],
    ['steady exact N = 10', ['steady', '--N', '10', '--eps', '1.1', '--json']],
    ['steady fock N = 10 --entropy', ['steady', '--N', '10', '--eps', '1.1', '--method', 'fock', '--entropy', '--json']],
    ['gaussian cavity-om', ['gaussian', '--preset', 'cavity-om', '--json']],
  ];
  for (const [name, args] of commands) {
    const compute = await computeTime(args);
    const whole = processTime([BIN, ...args]);
    rows.push({ name: `${name}: whole process`, value: whole, unit: 's', baseline: compute, ratio: whole - compute, target: '≤ compute + 0.15 s', note: 'baseline = compute in-process (warm); ratio = overhead in s' });
  }
  return { title: 'Cold start of the CLI (wall time, medians)', rows };
}
