/**
 * Bench section `quench-extended` (issue 12): the `extended` preset (N = 20, ε 0.5 → 1.1, Δt = 0.2, until ρ and every
 * observable are within 1e-6 of the NESS) with 2 workers, and where a sample's time goes at its K near the NESS.
 *  1. The preset through the study service (as `epstudio run extended --workers 2`): wall and CPU time of the whole
 *     process (process.cpuUsage counts every thread), the arrival and the distance printed.
 *  2. The first 100 time units serially: from which sample on the slow-mode step (src-core/kerr/slowMode.ts) replaces
 *     the Taylor step, and the applications of L spared.
 *  3. Per sample at the run's K near the NESS (ρ = ρ_ss + 0.3 r, r the slow mode), CPU ms: Taylor propagation, the
 *     slow-mode step, the Q-grid quantities, G, the NESS distance; flops of one application of L × applications
 *     needed against what is achieved.
 * The machine is shared: CPU time is the honest measure; the wall time is printed with the load average.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAPER } from '../src-core/kerr/model.js';
import { newStats, propagateInterval, taylorSubsteps } from '../src-core/kerr/propagate.js';
import { advanceQuench, nessDistance, planQuench, quenchInitialState } from '../src-core/kerr/quench.js';
import { SlowModeCache, slowModeStep } from '../src-core/kerr/slowMode.js';
import { toRaw } from '../src-core/kerr/model.js';
import { nonGaussianity } from '../src-core/phaseSpace/gaussianity.js';
import { autoPolarGrid } from '../src-core/phaseSpace/husimi.js';
import { kerrObservables, phaseSpaceIntegrals } from '../src-core/phaseSpace/observables.js';
import * as service from '../src-main/studies/service.js';
import type { BenchRow, BenchSection } from './types.js';

const model = { kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u };
/** One application of L per upper-triangle element: five complex neighbours, the diagonal bracket, accumulation, max. */
const FLOPS_PER_ELEMENT = 45;

const cpuS = (c0?: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/** Median CPU ms per call of f (warm-up first; single-threaded code, so process CPU is this thread's). */
function cpuMs(f: () => unknown, reps = 15): number {
  for (let i = 0; i < 5; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    f();
    ts.push(cpuS(c0) * 1e3);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const final = { ...model, N: 20, eps: 1.1 };

  // 1. The preset, 2 workers.
  {
    const dir = mkdtempSync(join(tmpdir(), 'epstudio-ext-'));
    const load0 = loadavg()[0];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const s = await service.run('extended', join(dir, 'ext'), { workers: 2 }, () => {}).done;
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuS(c0);
    const tab = service.readTaskTable(join(dir, 'ext'), 'quench-N20-epsf1.1-ness');
    rmSync(dir, { recursive: true, force: true });
    rows.push({
      name: '`extended` preset (N = 20 until ρ and every observable within 1e-6 of the NESS), 2 workers: wall',
      value: wall,
      unit: 's',
      target: '≤ 120 s',
      note: `${s.status}; reached_ness ${tab.meta.reached_ness} at t = ${tab.meta.t_final} (${tab.rows.length} samples), distance ${tab.meta.ness_distance}; K ${tab.meta.K_initial} → ${tab.meta.K_final}; load ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)} on 2 cores`,
    });
    rows.push({ name: '  CPU time of the whole run (all threads)', value: cpu, unit: 's', note: `idle-machine estimate of the wall time with 2 workers: ≥ CPU/2 = ${(cpu / 2).toFixed(0)} s` });
  }

  // 2. Where the slow-mode steps take over (propagation only, serial, t ≤ 100).
  let K = 0;
  {
    const plan = planQuench({ ...model, N: 20, epsInitial: 0.5, epsFinal: 1.1, tMax: 100, dt: PAPER.dt });
    const prop = (slow: SlowModeCache | null) => {
      const st = newStats();
      let rho = quenchInitialState(plan), first = -1;
      const c0 = process.cpuUsage();
      for (let i = 1; i < plan.samples; i++) {
        const before = st.slowSteps ?? 0;
        rho = advanceQuench(rho, plan.final, PAPER.dt, plan.rtol, plan.adaptive, st, slow).rho;
        if (first < 0 && (st.slowSteps ?? 0) > before) first = i;
      }
      return { st, first, cpu: cpuS(c0), K: rho.K };
    };
    const a = prop(new SlowModeCache(plan.final));
    const b = prop(null);
    K = a.K;
    rows.push({
      name: 'N = 20, t ≤ 100: intervals advanced by the slow mode',
      value: a.st.slowSteps ?? 0,
      unit: 'intervals',
      note: `of ${plan.samples - 1}; the first at t = ${a.first >= 0 ? (a.first * PAPER.dt).toFixed(1) : 'never'}; applications of L ${a.st.evaluations} against ${b.st.evaluations} with Taylor steps only; propagation CPU ${a.cpu.toFixed(1)} s (incl. the mode set-up) against ${b.cpu.toFixed(1)} s`,
    });
  }

  // 3. Per sample at K near the NESS.
  {
    const cache = new SlowModeCache(final);
    const c0 = process.cpuUsage();
    const mode = cache.get(K)!;
    const setup = cpuS(c0);
    const n = K * K;
    const rho = { K, re: new Float64Array(n), im: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      rho.re[i] = mode.ness.re[i] + 0.3 * mode.r.re[i];
      rho.im[i] = mode.ness.im[i] + 0.3 * mode.r.im[i];
    }
    const st = newStats();
    propagateInterval(rho, final, PAPER.dt, { stats: st });
    const apps = st.evaluations;
    const tTaylor = cpuMs(() => propagateInterval(rho, final, PAPER.dt));
    const tSlow = cpuMs(() => slowModeStep(rho, cache, PAPER.dt, 1e-10));
    const grid = autoPolarGrid(rho);
    const tGrid = cpuMs(() => autoPolarGrid({ K, re: rho.re.slice(), im: rho.im.slice() }));
    const tQ = cpuMs(() => phaseSpaceIntegrals(rho, grid));
    const tG = cpuMs(() => nonGaussianity({ K, re: rho.re.slice(), im: rho.im.slice() }));
    const tObs = cpuMs(() => kerrObservables({ K, re: rho.re.slice(), im: rho.im.slice() }, final));
    const o = kerrObservables(rho, final), on = kerrObservables(mode.ness, final);
    const tD = cpuMs(() => nessDistance(rho, o, mode.ness, on, final.kappa));
    const flops1 = FLOPS_PER_ELEMENT * (K * (K + 1)) / 2;
    const subs = taylorSubsteps(toRaw(final), K, PAPER.dt);
    rows.push(
      { name: `per sample at K = ${K} near the NESS: Taylor propagation (CPU)`, value: tTaylor, unit: 'ms', note: `${apps} applications of L in ${subs} substeps (θ = 5, Δt‖L‖ = ${(subs * 5).toFixed(0)}); one application ${(flops1 / 1e3).toFixed(0)} kFlop → ${((apps * flops1) / 1e6).toFixed(1)} MFlop per Δt, ${((apps * flops1) / 1e6 / tTaylor).toFixed(2)} GFlop/s achieved` },
      { name: '  slow-mode step instead (CPU)', value: tSlow, unit: 'ms', note: `gate (one fused pass of L, ${(flops1 / 1e3).toFixed(0)} kFlop) + c, ‖η‖_F and ρ_ss + c e^{λΔt} r (~12 flops × K²); λ = ${mode.lambda.toPrecision(8)}; ‖L r − λ r‖₁ ≤ ${mode.resMode.toExponential(1)}, ‖Lρ_ss‖₁ ≤ ${mode.resNess.toExponential(1)}; set-up once per K ${setup.toFixed(2)} s CPU` },
      { name: '  Q-grid quantities: grid choice + S_W, Π_J, Π_U integrals (CPU)', value: tGrid + tQ, unit: 'ms', note: `autoPolarGrid ${tGrid.toFixed(2)} ms + integrals ${tQ.toFixed(2)} ms on ${grid.radialNodes} radii × ${grid.angles} angles` },
      { name: '  G (von Neumann entropy: Hermitian eigenvalues, O(K³)) (CPU)', value: tG, unit: 'ms' },
      { name: '  all observables of a row (kerrObservables: moments, Q grid, G) (CPU)', value: tObs, unit: 'ms' },
      { name: '  NESS distance (ρ elementwise + 8 observables) (CPU)', value: tD, unit: 'ms' },
    );
  }
  return { title: 'The `extended` run (issue 12): to the NESS with slow-mode steps; time per sample near the NESS', rows };
}
