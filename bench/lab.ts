/**
 * Bench section `lab` (issue 14 targets; `npm run bench -- lab` runs it alone): the whole heterodyne analysis of
 * 10⁵ and 10⁶ outcomes of the N = 5, ε = 1.1 NESS (seed values κ = 1/2, Δ = −2, u = 1) as a user runs it — a fresh
 * `epstudio heterodyne --samples FILE --bootstrap 200 --json` process on the 2-worker pool — against the same analysis
 * without the bootstrap (the baseline of the same run), and the estimates against the engine's exact NESS values.
 * Outcomes are drawn once per size by `epstudio heterodyne-sample` (exact sampling, not timed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src-main/version.js';
import { parseTiming } from '../src-main/cli/timing.js';
import type { BenchRow, BenchSection } from './types.js';

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.cjs'); // the package bin, as users start it
const STATE = ['--N', '5', '--eps', '1.1'];

function cli(args: string[]): { wall: number; cpu: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, EPSTUDIO_TIMING: '1' }, maxBuffer: 1 << 28 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`lab bench: epstudio ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-400)}`);
  return { wall, cpu: parseTiming(r.stderr)?.cpu ?? NaN, stdout: r.stdout };
}

type Est = { value: number; sigma: number };

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'epstudio-bench-lab-'));
  try {
    const exact = JSON.parse(cli(['steady', ...STATE, '--method', 'fock', '--entropy', '--json']).stdout) as Record<string, number>;
    for (const [M, target] of [[1e5, 20], [1e6, 120]] as const) {
      const file = join(dir, `outcomes-${M}.csv`);
      cli(['heterodyne-sample', ...STATE, '--samples', String(M), '--seed', '11', '--csv', file]);
      const analyse = (B: number) => cli(['heterodyne', '--samples', file, '--kappa', '0.5', '--U', '0.2', '--bootstrap', String(B), '--json']);
      const base = analyse(0);
      const load = loadavg()[0];
      const full = analyse(200);
      const out = JSON.parse(full.stdout) as { tomography: Record<string, Est>; model_free: Record<string, Est> };
      rows.push({
        name: `heterodyne, ${M.toExponential(0)} outcomes, B = 200 bootstrap resamples, 2 workers: whole process`,
        value: full.wall,
        unit: 's',
        baseline: base.wall,
        ratio: full.wall / base.wall,
        target: `≤ ${target} s`,
        note: `ratio = value / the same analysis with B = 0; CPU ${full.cpu.toFixed(1)} s (B = 0: ${base.cpu.toFixed(1)} s); load ${load.toFixed(1)}; ${full.wall <= target ? 'met' : 'NOT met'}`,
      });
      const rel = (label: string, key: string, e: Est, limit: number) => {
        const x = exact[key];
        rows.push({
          name: `  ${label} at ${M.toExponential(0)}: relative error against the exact NESS`,
          value: (e.value - x) / x,
          unit: '',
          target: `within ${limit * 100} %`,
          note: `${e.value.toPrecision(6)} ± ${e.sigma.toPrecision(2)} (1σ relative ${((e.sigma / Math.abs(e.value)) * 100).toFixed(2)} %) against ${x.toPrecision(7)}: ${(Math.abs(e.value - x) / e.sigma).toFixed(1)} σ`,
        });
      };
      rel('S_W (tomography)', 'S_W', out.tomography.S_W, 0.01);
      rel('S_W (k-NN)', 'S_W', out.model_free.S_W_knn, 0.01);
      rel('Π_J (tomography)', 'Pi_J', out.tomography.Pi_J, 0.03);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: 'Lab (issue 14): heterodyne outcomes → S_W, Π_J with bootstrap errors', rows };
}
