/**
 * Bench section `quench-speed` (issue 12): where users wait for quenches.
 *  1. The N = 10, ε 0.5 → 1.1, t ≤ 50 quench with every observable as a whole process (`epstudio quench`) against
 *     QuTiP's pipeline of the same job (bench/reference/kerr_quench_qutip.py: steadystate + mesolve + the observables
 *     on a grid), when a python3 with qutip is found (Debian's python3-qutip lives in /usr/bin/python3); else skipped.
 *  2. N = 50, t ≤ 20 and N = 100, t ≤ 10 (ε_f = 1.1, no flags: the adaptive basis), with the split of the time between
 *     propagation, the Q-grid quantities and G, the K history and the largest top-level population.
 *  3. Time per sample against K (N = 50): propagation, Q-grid, G; applications of L and the flops they cost.
 *  4. The `extended` preset (N = 20 until every observable and ρ are within 1e-6 of the NESS) with 2 workers.
 * Physical limit of the propagation: one application of L touches the K(K+1)/2 upper-triangle elements at ~45 flops
 * each (five complex neighbours, the diagonal bracket, the accumulation and the max-norm); a polynomial approximation
 * of e^{Δt L} needs ≳ Δt‖L‖ applications per interval, and ‖L‖ grows like 4E√K + 2κK + U K²/2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAPER } from '../src-core/kerr/model.js';
import { newStats, propagateInterval } from '../src-core/kerr/propagate.js';
import { formatKChanges, mergeKChanges, runQuench, type QuenchSpec } from '../src-core/kerr/quench.js';
import { nessDensityMatrix } from '../src-core/kerr/steadyState.js';
import { embedRho } from '../src-core/kerr/truncation.js';
import { nonGaussianity } from '../src-core/phaseSpace/gaussianity.js';
import { kerrObservables } from '../src-core/phaseSpace/observables.js';
import { PROJECT_ROOT } from '../src-main/version.js';
import * as service from '../src-main/studies/service.js';
import type { BenchRow, BenchSection } from './types.js';

const model = { kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u };
const FLOPS_PER_ELEMENT = 45;
const cpu = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/** A python3 that imports qutip, or undefined. */
function qutipPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import qutip'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** One quench in this process with the time split; G timed separately on every 5th sample and scaled. */
function quenchRun(spec: QuenchSpec, target: string): BenchRow[] {
  let gMs = 0, gCount = 0;
  const load = loadavg()[0];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = runQuench(spec, (i, _row, rho) => {
    if (i % 5 === 0) {
      const g0 = performance.now();
      nonGaussianity(rho);
      gMs += performance.now() - g0;
      gCount++;
    }
  });
  const wall = (performance.now() - t0) / 1000 - gMs / 1000;
  const cpuS = cpu(c0);
  // flops of the propagation: applications × 45 K(K+1)/2, K per interval from the run's history (the K of the sample
  // it ends at; redone intervals are counted in the applications, at the final K: a slight overestimate)
  const apps = r.stats.evaluations;
  const meanK2 = r.Ks.slice(1).reduce((s, K) => s + (K * (K + 1)) / 2, 0) / Math.max(1, r.Ks.length - 1);
  const flops = apps * FLOPS_PER_ELEMENT * meanK2;
  const n = r.rows.length;
  const gTotal = (gMs / Math.max(1, gCount)) * n / 1000;
  const obs = r.timing.observables / 1000;
  const name = `quench N = ${spec.N}, ε ${spec.epsInitial} → ${spec.epsFinal}, t ≤ ${spec.tMax}, no flags (adaptive K)`;
  return [
    {
      name,
      value: wall,
      unit: 's',
      target,
      note: `CPU ${(cpuS - gMs / 1000).toFixed(1)} s (load ${load.toFixed(1)} on 2 cores); K ${r.Ks[0]} → ${Math.max(...r.Ks)}: ${formatKChanges(mergeKChanges(r.changes), r.plan.times)}; largest top population ${r.maxTopPopulation.toExponential(1)}`,
    },
    { name: '  of which propagation', value: r.timing.propagation / 1000, unit: 's', note: `${apps} applications of L (${r.stats.steps} Taylor substeps), ≈ ${(flops / 1e9).toFixed(1)} GFlop → ${(flops / 1e9 / (r.timing.propagation / 1000)).toFixed(2)} GFlop/s achieved` },
    { name: '  of which observables (Q-grid + G)', value: obs, unit: 's', note: `grid up to ${r.gridMax.radialNodes} radii × ${r.gridMax.angles} angles, r ≤ ${r.gridMax.rMax}` },
    { name: '    of which G (von Neumann entropy, O(K³) eigenvalues; estimated from every 5th sample)', value: gTotal, unit: 's' },
    { name: '  of which the initial NESS', value: r.timing.initialState / 1000, unit: 's' },
    { name: '  largest top-level population (2 levels) at any sample', value: r.maxTopPopulation, unit: '', target: '≤ 1e-9' },
  ];
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  // EPSTUDIO_BENCH_QUENCH_SPEED=quick: every item on a small case (a smoke run of this section, seconds).
  const quick = process.env.EPSTUDIO_BENCH_QUENCH_SPEED === 'quick';

  // 1. Whole process against the QuTiP pipeline.
  {
    const bin = join(PROJECT_ROOT, 'bin', 'epstudio.cjs'); // the package bin, as users start it
    const dir = mkdtempSync(join(tmpdir(), 'epstudio-qs-'));
    const tMax = quick ? '2' : '50';
    const args = [bin, 'quench', '--N', '10', '--eps-f', '1.1', '--t-max', tMax, '--csv', join(dir, 'q.csv')];
    let ours = Infinity;
    for (let rep = 0; rep < 2; rep++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`epstudio quench failed: ${r.stderr.slice(0, 300)}`);
      ours = Math.min(ours, (performance.now() - t0) / 1000);
    }
    rmSync(dir, { recursive: true, force: true });
    const py = qutipPython();
    if (py) {
      const t0 = performance.now();
      const r = spawnSync(py, [join(PROJECT_ROOT, 'bench', 'reference', 'kerr_quench_qutip.py'), '10', '0.5', '1.1', tMax, '0.2', '61'], { encoding: 'utf8' });
      const theirs = (performance.now() - t0) / 1000;
      const out = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()!) : undefined;
      rows.push({
        name: `quench N = 10, ε 0.5 → 1.1, t ≤ ${tMax}, every observable: whole process vs QuTiP pipeline`,
        value: ours,
        unit: 's',
        baseline: theirs,
        ratio: theirs / ours,
        target: '≥ 30×',
        note: out
          ? `ratio = QuTiP/ours; QuTiP ${out.qutip} (${py}), K = 61: steadystate ${out.seconds.steadystate.toFixed(2)} s, mesolve ${out.seconds.mesolve.toFixed(1)} s, observables ${out.seconds.observables.toFixed(1)} s (grid ${out.grid}²); load ${loadavg()[0].toFixed(1)}`
          : `QuTiP run failed: ${r.stderr.slice(0, 200)}`,
      });
    } else rows.push({ name: 'quench N = 10 whole process vs QuTiP', value: ours, unit: 's', note: 'QuTiP skipped: no python3 with qutip (Debian: apt install python3-qutip)' });
    // The floor of any placement of the observables: the same quench as a whole process with the moments only
    // (bench/quenchFloor.ts), best of 2, so the report shows how much of the whole is propagation and start.
    let floor = Infinity;
    let info: { computeS: number; evaluations: number; Kmax: number; propagationS: number; initialStateS: number } | undefined;
    for (let rep = 0; rep < 2; rep++) {
      const t0 = performance.now();
      const f = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'bench', 'quenchFloor.js'), tMax], { encoding: 'utf8' });
      const w = (performance.now() - t0) / 1000;
      if (f.status !== 0) throw new Error(`quenchFloor failed: ${f.stderr.slice(0, 300)}`);
      if (w < floor) {
        floor = w;
        info = JSON.parse(f.stdout.trim().split('\n').pop()!);
      }
    }
    const q = rows[rows.length - 1];
    rows.push({
      name: '  floor: the same quench as a whole process with no Q-grid and no G (moments only)',
      value: floor,
      unit: 's',
      ...(q.baseline !== undefined && { baseline: q.baseline, ratio: q.baseline / floor }),
      note: `ratio = QuTiP/floor, the most any placement of the observables could reach; compute ${info!.computeS.toFixed(3)} s of which propagation ${info!.propagationS.toFixed(3)} s (${info!.evaluations} applications of L, K ≤ ${info!.Kmax}) and initial NESS ${info!.initialStateS.toFixed(3)} s; the rest is Node's start and the engine's load`,
    });
  }

  // 2. The large quenches.
  rows.push(...quenchRun({ ...model, N: quick ? 10 : 50, epsInitial: 0.5, epsFinal: 1.1, tMax: quick ? 2 : 20, dt: PAPER.dt }, '≤ 15 s'));
  if (!quick) rows.push(...quenchRun({ ...model, N: 100, epsInitial: 0.5, epsFinal: 1.1, tMax: 10, dt: PAPER.dt }, '≤ 180 s'));

  // 3. Time per sample against K (N = 50, ε_f = 1.1, from the NESS at ε_i zero-padded to K).
  {
    const final = { ...model, N: 50, eps: 1.1 };
    const start = nessDensityMatrix({ ...model, N: 50, eps: 0.5 }, 40);
    for (const K of quick ? [50, 100] : [50, 100, 150, 200, 250, 300, 400]) {
      const rho = embedRho(start, K);
      // best of 2 (the first call at a new K also pays for JIT and scratch allocation)
      let st = newStats(), tp = Infinity, to = Infinity, tg = Infinity;
      let next = rho;
      for (let rep = 0; rep < 2; rep++) {
        st = newStats();
        const p0 = performance.now();
        next = propagateInterval(rho, final, PAPER.dt, { stats: st });
        tp = Math.min(tp, (performance.now() - p0) / 1000);
        const o0 = performance.now();
        kerrObservables(next, final);
        to = Math.min(to, (performance.now() - o0) / 1000);
        const g0 = performance.now();
        nonGaussianity(next);
        tg = Math.min(tg, (performance.now() - g0) / 1000);
      }
      const fl = st.evaluations * FLOPS_PER_ELEMENT * (K * (K + 1)) / 2;
      rows.push({
        name: `time per sample, K = ${K} (N = 50, Δt = 0.2)`,
        value: tp + to,
        unit: 's',
        note: `propagation ${(tp * 1e3).toFixed(1)} ms (${st.evaluations} applications of L, ${st.steps} substeps; ${(fl / 1e6).toFixed(0)} MFlop, ${(fl / 1e9 / tp).toFixed(2)} GFlop/s), observables ${(to * 1e3).toFixed(1)} ms of which G ${(tg * 1e3).toFixed(1)} ms`,
      });
    }
  }

  // 4. The extended preset with 2 workers.
  {
    const dir = mkdtempSync(join(tmpdir(), 'epstudio-ext-'));
    const load = loadavg()[0];
    const t0 = performance.now();
    // quick: the same preset with untilNess 1e-3 at N = 1 (the task id and columns are the same kind)
    const spec = quick
      ? { version: 1, name: 'extended-quick', tasks: [{ kind: 'quench', N: [1], epsInitial: 0.5, epsFinal: [1.1], tMax: 20000, dt: 0.2, untilNess: 1e-3 }] }
      : 'extended';
    const s = await service.run(spec, join(dir, 'ext'), { workers: 2 }, () => {}).done;
    const wall = (performance.now() - t0) / 1000;
    const tab = service.readTaskTable(join(dir, 'ext'), quick ? 'quench-N1-epsf1.1-ness' : 'quench-N20-epsf1.1-ness');
    rmSync(dir, { recursive: true, force: true });
    rows.push({
      name: quick ? 'quick: N = 1 until 1e-3 of the NESS, 2 workers' : '`extended` preset: N = 20 until ρ and every observable are within 1e-6 of the NESS, 2 workers',
      value: wall,
      unit: 's',
      target: '≤ 120 s',
      note: `${s.status}; reached_ness ${tab.meta.reached_ness} at t = ${tab.meta.t_final} (${tab.rows.length} samples), distance ${tab.meta.ness_distance}, K ${tab.meta.K_initial} → ${tab.meta.K_largest} → ${tab.meta.K_final}; load ${load.toFixed(1)}`,
    });
  }
  return { title: 'Quench speed (issue 12): adaptive K, large N, time per sample vs K, QuTiP, runs to the NESS', rows };
}
