/**
 * Bench section `kerr`: one L(ρ) application at K = 50, 100, 200 (element formula, O(K²)) against the banded
 * vectorised matrix–vector product (O(K³)) where it fits in memory; the exact NESS at N = 1000; the NESS direct solve at
 * the K the paper's quenches need; the propagator (Taylor series of e^{τL}) against Lawson–DOP853 and a fixed-step
 * classical RK4 on the full L at equal accuracy; the whole N = 10, ε 0.5 → 1.1, t ≤ 50, Δt = 0.2 quench with every
 * observable at all 251 samples (wall and CPU time), and its accuracy on t ≤ 10 against an independent reference
 * (Lawson–DOP853 at rtol 1e-13 in a basis 6 levels larger, observables on a refined all-angles grid).
 */
import { loadavg } from 'node:os';
import { exactNess } from '../src-core/kerr/exactSteadyState.js';
import { applyLiouvillian } from '../src-core/kerr/liouvillian.js';
import { liouvillianBanded } from '../src-core/kerr/liouvillianBanded.js';
import { PAPER, toRaw, type KerrParams, type KerrRaw } from '../src-core/kerr/model.js';
import { newStats, propagateInterval } from '../src-core/kerr/propagate.js';
import { planQuench, quenchInitialState, runQuench } from '../src-core/kerr/quench.js';
import { QUENCH_COLUMNS } from '../src-core/kerr/types.js';
import { moments } from '../src-core/phaseSpace/entropyProduction.js';
import { nonGaussianity } from '../src-core/phaseSpace/gaussianity.js';
import { autoPolarGrid } from '../src-core/phaseSpace/husimi.js';
import { phaseSpaceIntegrals } from '../src-core/phaseSpace/observables.js';
import { nessDensityMatrix } from '../src-core/kerr/steadyState.js';
import { chooseK } from '../src-core/kerr/truncation.js';
import { bandedMatVec } from '../src-core/linalg/bandedLU.js';
import { zeros, type ComplexMatrix } from '../src-core/linalg/complexMatrix.js';
import { timeIt, type BenchRow, type BenchSection } from './types.js';

const model = { kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u };

function once(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
}

function maxDiff(a: ComplexMatrix, b: ComplexMatrix): number {
  let e = 0;
  for (let i = 0; i < a.re.length; i++) e = Math.max(e, Math.hypot(a.re[i] - b.re[i], a.im[i] - b.im[i]));
  return e;
}

/** Classical RK4 with a fixed step on the full L (the baseline an engine without the exact phases would use). */
function rk4(raw: KerrRaw, rho: ComplexMatrix, dt: number, substeps: number): ComplexMatrix {
  const K = rho.K, n2 = K * K, h = dt / substeps;
  let y: ComplexMatrix = { K, re: rho.re.slice(), im: rho.im.slice() };
  const k1 = zeros(K), k2 = zeros(K), k3 = zeros(K), k4 = zeros(K), tmp = zeros(K);
  const axpy = (a: number, x: ComplexMatrix) => {
    for (let i = 0; i < n2; i++) {
      tmp.re[i] = y.re[i] + a * x.re[i];
      tmp.im[i] = y.im[i] + a * x.im[i];
    }
    return tmp;
  };
  for (let s = 0; s < substeps; s++) {
    applyLiouvillian(raw, y, k1);
    applyLiouvillian(raw, axpy(h / 2, k1), k2);
    applyLiouvillian(raw, axpy(h / 2, k2), k3);
    applyLiouvillian(raw, axpy(h, k3), k4);
    const ny = zeros(K);
    for (let i = 0; i < n2; i++) {
      ny.re[i] = y.re[i] + (h / 6) * (k1.re[i] + 2 * k2.re[i] + 2 * k3.re[i] + k4.re[i]);
      ny.im[i] = y.im[i] + (h / 6) * (k1.im[i] + 2 * k2.im[i] + 2 * k3.im[i] + k4.im[i]);
    }
    y = ny;
  }
  return y;
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];

  // 1. One L(ρ) application.
  for (const K of [50, 100, 200]) {
    const p: KerrParams = { ...model, N: 10, eps: 1.1 };
    const raw = toRaw(p);
    const rho = zeros(K);
    for (let i = 0; i < K * K; i++) {
      rho.re[i] = Math.sin(i) / K;
      rho.im[i] = Math.cos(3 * i) / K;
    }
    const out = zeros(K);
    const t = timeIt(() => applyLiouvillian(raw, rho, out), 20);
    const row: BenchRow = { name: `L(ρ) application, K = ${K}`, value: t, unit: 's' };
    if (K <= 100) {
      const B = liouvillianBanded(raw, K);
      const y = zeros(K);
      const tb = timeIt(() => bandedMatVec(B, rho.re, rho.im, y.re, y.im), 20);
      row.baseline = tb;
      row.ratio = tb / t;
      row.note = 'baseline: banded K²×K² mat-vec (O(K³)); ratio = baseline/value';
    } else row.note = 'banded baseline skipped (matrix ~400 MB)';
    rows.push(row);
  }

  // 2. Exact NESS at N = 1000.
  const tEx = timeIt(() => exactNess({ ...model, N: 1000, eps: 1.1 }), 10);
  rows.push({ name: 'exact NESS moments, N = 1000, ε = 1.1', value: tEx, unit: 's', target: '≤ 0.05 s' });

  // 3. NESS direct solve at the K of the paper's quenches (N = 10 and 20, ε_f = 1.1).
  for (const N of [10, 20]) {
    const p: KerrParams = { ...model, N, eps: 1.1 };
    const { K } = chooseK(p, [0.5, 1.1], { quenchTime: 50 });
    rows.push({ name: `NESS direct solve (banded LU), N = ${N}, K = ${K}`, value: once(() => nessDensityMatrix(p, K)), unit: 's', note: 'one shot' });
  }

  // 4. Propagator vs fixed-step RK4 on the full L at equal accuracy (N = 10, ε 0.5 → 1.1, t ∈ [0, 2]).
  {
    const spec = { ...model, N: 10, epsInitial: 0.5, epsFinal: 1.1, tMax: 2, dt: 0.2 };
    // a fixed basis: the K the whole quench is expected to need (chooseK; the adaptive run starts smaller)
    const plan0 = planQuench(spec);
    const plan = { ...plan0, K: plan0.Kexpected ?? plan0.K };
    const raw = toRaw(plan.final);
    const r0 = nessDensityMatrix(plan.initial, plan.K);
    const prop = (rtol: number, method: 'taylor' | 'dop853') => {
      let r = r0;
      for (let i = 0; i < 10; i++) r = propagateInterval(r, plan.final, 0.2, { rtol, method, atol: method === 'dop853' ? rtol * 1e-3 : undefined });
      return r;
    };
    const ref = prop(1e-13, 'dop853');
    let ours = r0;
    const tOurs = Math.min(...[0, 1, 2].map(() => once(() => (ours = prop(1e-10, 'taylor')))));
    const errOurs = maxDiff(ours, ref);
    // Lawson–DOP853 (the previous default) at its default rtol 1e-10 and at the tolerance that matches our error.
    let dop = r0;
    const tDop = Math.min(...[0, 1].map(() => once(() => (dop = prop(1e-10, 'dop853')))));
    const errDop = maxDiff(dop, ref);
    rows.push({
      name: `propagation t ∈ [0, 2], N = 10, K = ${plan.K}: Taylor e^{τL} vs Lawson–DOP853 (both rtol 1e-10)`,
      value: tOurs,
      unit: 's',
      baseline: tDop,
      ratio: tDop / tOurs,
      note: `max|Δρ| vs DOP853 at rtol 1e-13: Taylor ${errOurs.toExponential(1)}, DOP853 ${errDop.toExponential(1)}; ratio = baseline/value`,
    });
    let tRk = NaN, errRk = NaN, sub = 0;
    for (const s of [25, 50, 100, 200, 400, 800]) {
      let r = r0;
      const t = once(() => {
        for (let i = 0; i < 10; i++) r = rk4(raw, r, 0.2, s);
      });
      const e = maxDiff(r, ref);
      if (Number.isFinite(e) && e <= Math.max(errOurs, 1e-13)) {
        tRk = t;
        errRk = e;
        sub = s;
        break;
      }
      tRk = t;
      errRk = e;
      sub = s;
    }
    rows.push({
      name: `propagation t ∈ [0, 2], N = 10, K = ${plan.K} (Taylor, rtol 1e-10) vs fixed-step RK4 on the full L`,
      value: tOurs,
      unit: 's',
      baseline: tRk,
      ratio: tRk / tOurs,
      note: `max|Δρ| vs DOP853 at rtol 1e-13: ours ${errOurs.toExponential(1)}, RK4 (${sub} steps per Δt) ${errRk.toExponential(1)}; ratio = baseline/value`,
    });
  }

  // 5. The whole quench with every observable (best of 3 runs: the machine is shared, so note the load and CPU time).
  const spec5 = { ...model, N: 10, epsInitial: 0.5, epsFinal: 1.1, tMax: 50, dt: 0.2 };
  {
    let best: { wall: number; cpu: number; load: number; r: ReturnType<typeof runQuench> } | undefined;
    for (let rep = 0; rep < 3; rep++) {
      let res: ReturnType<typeof runQuench> | undefined;
      const load = loadavg()[0];
      const c0 = process.cpuUsage();
      const wall = once(() => (res = runQuench(spec5)));
      const c1 = process.cpuUsage(c0);
      const cpu = (c1.user + c1.system) / 1e6;
      if (!best || wall < best.wall) best = { wall, cpu, load, r: res! };
    }
    const { wall, cpu, load, r } = best!;
    rows.push({
      name: `quench N = 10, ε 0.5 → 1.1, t ≤ 50, 251 samples, all observables (adaptive K ${r.Ks[0]} → ${Math.max(...r.Ks)})`,
      value: wall,
      unit: 's',
      target: '≤ 1 s',
      note: `best of 3 wall; CPU ${cpu.toFixed(2)} s (load average ${load.toFixed(1)} on 2 cores: wall time inflates when others run); initial NESS ${(r.timing.initialState / 1000).toFixed(3)} s; ${r.stats.steps} substeps, ${r.stats.evaluations} applications of L`,
    });
    rows.push({ name: '  CPU time of that run', value: cpu, unit: 's', target: '≤ 1 s' });
    rows.push({ name: '  of which propagation', value: r.timing.propagation / 1000, unit: 's', target: '≲ 0.3 s' });
    rows.push({ name: '  of which observables (251 × kerrObservables)', value: r.timing.observables / 1000, unit: 's' });
  }

  // 6. Accuracy of the default quench on t ≤ 10 (51 samples) against an independent, converged computation.
  {
    const spec = { ...spec5, tMax: 10 };
    const res = runQuench(spec);
    const plan = res.plan;
    const K = Math.max(...res.Ks) + 6;
    let rho = quenchInitialState(plan, K);
    let worstRel = 0, worstCol = '', worstT = 0;
    for (let i = 0; i < plan.samples; i++) {
      if (i > 0) rho = propagateInterval(rho, plan.final, spec.dt, { method: 'dop853', rtol: 1e-13, atol: 1e-16 });
      const p = i === 0 ? plan.initial : plan.final;
      const raw = toRaw(p);
      const g = autoPolarGrid(rho);
      const I = phaseSpaceIntegrals(rho, { radialNodes: 2 * g.radialNodes + 20, rMax: g.rMax + 2, angles: 32 * K }, { angleFactor: 2 });
      const m = moments(rho);
      const a2 = m.a_re ** 2 + m.a_im ** 2;
      const Pi_J = 2 * raw.kappa * I.jj, Pi_ext = 2 * raw.kappa * a2, Phi = 2 * raw.kappa * m.n;
      const ref = [plan.times[i], m.a_re, m.a_im, m.n, I.S_W, Pi_J, Pi_ext, Pi_J - Pi_ext, raw.U * I.u, Phi, Pi_ext, Phi - Pi_ext, nonGaussianity(rho, m).G];
      for (let c = 1; c < ref.length; c++) {
        const d = Math.abs(res.rows[i][c] - ref[c]);
        // 1e-6 relative, or 1e-9 absolute near zero: the error in units of the allowed error.
        const e = d / Math.max(1e-6 * Math.abs(ref[c]), 1e-9);
        if (e > worstRel) {
          worstRel = e;
          worstCol = QUENCH_COLUMNS[c];
          worstT = plan.times[i];
        }
      }
    }
    rows.push({
      name: 'quench accuracy t ≤ 10 vs independent reference (max error / allowed error)',
      value: worstRel,
      unit: '× target',
      target: '≤ 1 (1e-6 rel. or 1e-9 abs.)',
      note: `worst: ${worstCol} at t = ${worstT.toFixed(1)}; reference: Lawson–DOP853 rtol 1e-13 at K = ${K}, grid 2× radial + 20, rMax + 2, angles ×2 up to 32K`,
    });
  }
  return { title: 'Kerr engine: Liouvillian, exact NESS, NESS solve, propagation, quench', rows };
}
