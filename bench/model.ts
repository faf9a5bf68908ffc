/**
 * `model` bench section (issue 15): the two-photon-driven Kerr resonator (κ = 0.5, Δ = 0, u = 1, ε = 0; g_th = 0.5)
 * across its continuous transition. NESS sweep: N ∈ {5, 10, 20, 40} × 101 values of g in [0, 1.5], each NESS solved in
 * the even parity sector with K grown until the top levels are empty, with S_W, Π_J, Π_U (per term), G (target
 * ≤ 30 s). Gap sweep: the gap of each parity sector, N ∈ {5, 10, 15, 20, 40} × 91 values of g in [0.2, 1.1]
 * (target ≤ 60 s). Quench: N = 20, g 0.5 → 1.5 at ε = 0 to t = 50 (target ≤ 10 s). Single-threaded, CPU seconds of
 * this process.
 */
import { twoPhotonKerrModel } from '../src-core/model/instances.js';
import { twoPhotonGapSweep, twoPhotonNess, type TwoPhotonGapPoint } from '../src-core/model/twoPhotonKerr.js';
import { modelEntropyProduction } from '../src-core/phaseSpace/modelEntropy.js';
import { runModelQuench } from '../src-core/model/quench.js';
import type { BenchRow, BenchSection } from './types.js';

const BASE = { kappa: 0.5, delta: 0, u: 1, eps: 0, eta0: 0 };
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const grid = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

export async function run(opts: { gapNs?: number[]; only?: 'ness' | 'gap' | 'quench' } = {}): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  if (!opts.only || opts.only === 'ness') rows.push(nessSweep());
  if (!opts.only || opts.only === 'gap') rows.push(gapSweepRow(opts.gapNs ?? [5, 10, 15, 20, 40]));
  if (!opts.only || opts.only === 'quench') rows.push(quenchRow());
  return { title: 'Two-photon-driven Kerr resonator (issue 15)', rows };
}

function nessSweep(): BenchRow {
  // NESS sweep
  const t0 = cpu(), w0 = performance.now();
  let worstBalance = 0, maxK = 0;
  const crit: string[] = [];
  for (const N of [5, 10, 20, 40]) {
    for (const g of grid(0, 1.5, 101)) {
      const p = { ...BASE, N, g };
      const r = twoPhotonNess(p);
      const o = modelEntropyProduction(r.rho, twoPhotonKerrModel(p));
      worstBalance = Math.max(worstBalance, Math.abs(o.Pi_U + o.Pi_J - o.Phi + o.Pi_eta) / Math.max(1, o.Phi));
      maxK = Math.max(maxK, r.K);
      if (g === 1.5) process.stderr.write(`[ness] N=${N} done, cpu ${(cpu() - t0).toFixed(1)} s\n`);
      if (Math.abs(g - 0.51) < 1e-9)
        crit.push(`N=${N}: n=${o.n.toPrecision(5)} Π_J=${o.Pi_J.toPrecision(5)} Π_d=${o.Pi_d.toPrecision(5)} Π_U=${o.Pi_U.toPrecision(4)} (Kerr ${o.Pi_U_terms.kerr!.toPrecision(4)}, 2ph ${o.Pi_U_terms.twoPhotonDrive!.toPrecision(4)}) S_W=${o.S_W.toPrecision(5)} G=${o.G.toPrecision(4)}`);
    }
  }
  return {
    name: 'NESS sweep 4 N × 101 g (S_W, Π_J, Π_U per term, G)',
    value: cpu() - t0,
    unit: 's CPU',
    target: '≤ 30 s',
    note: `wall ${((performance.now() - w0) / 1000).toFixed(1)} s; K ≤ ${maxK}; worst |Π_U + Π_J − Φ|/max(1, Φ) = ${worstBalance.toExponential(1)}; at g_th: ${crit.join('; ')}`,
  };
}

function gapSweepRow(Ns: number[]): BenchRow {
  const t1 = cpu(), w1 = performance.now();
  const pts: TwoPhotonGapPoint[] = twoPhotonGapSweep(BASE, Ns, grid(0.2, 1.1, 91), {
    onPoint: (q, i) => {
      if (i % 10 === 0) process.stderr.write(`[gap] ${i} N=${q.N} g=${q.g.toFixed(3)} odd ${q.gapOdd.toExponential(3)} even ${q.gapEven.toPrecision(4)} K=${q.K} cpu ${(cpu() - t1).toFixed(1)} s\n`);
    },
  });
  const notConv = pts.filter((q) => !q.converged).length;
  const at = (N: number, g: number) => pts.find((q) => q.N === N && Math.abs(q.g - g) < 1e-9);
  const pick = [0.5, 0.8, 1.1]
    .map((g) => `g=${g}: ` + [...new Set(pts.map((q) => q.N))].map((N) => `N=${N} odd ${at(N, g)?.gapOdd.toExponential(3)} even ${at(N, g)?.gapEven.toPrecision(4)}`).join(', '))
    .join('; ');
  return {
    name: `gap sweep per parity sector ${new Set(pts.map((q) => q.N)).size} N × 91 g`,
    value: cpu() - t1,
    unit: 's CPU',
    target: '≤ 60 s',
    note: `wall ${((performance.now() - w1) / 1000).toFixed(1)} s; K ≤ ${Math.max(...pts.map((q) => q.K))}; ${notConv} not converged; ${pick}`,
  };
}

/** Quench across the transition (issue 15 target ≤ 10 s): N = 20, g 0.5 → 1.5 at ε = 0, t ≤ 50, Δt = 0.2, adaptive K. */
function quenchRow(): BenchRow {
  const t0 = cpu(), w0 = performance.now();
  const r = runModelQuench({ model: 'two-photon-kerr', initial: { ...BASE, N: 20, g: 0.5 }, final: { ...BASE, N: 20, g: 1.5 }, tMax: 50, dt: 0.2 });
  const last = r.rows[r.rows.length - 1];
  const ms = (x: number) => (x / 1000).toFixed(2);
  return {
    name: 'two-photon quench N = 20, g 0.5 → 1.5 (ε = 0), t ≤ 50, Δt = 0.2, every observable and Π_U per term',
    value: cpu() - t0,
    unit: 's CPU',
    target: '≤ 10 s',
    note: `wall ${((performance.now() - w0) / 1000).toFixed(1)} s (initial NESS ${ms(r.timing.initialState)} s, propagation ${ms(r.timing.propagation)} s, observables ${ms(r.timing.observables)} s wall); K ${r.Ks[0]} → ${Math.max(...r.Ks)}; ${r.stats.evaluations} applications of L in ${r.stats.steps} substeps (even parity sector); <a†a>(50) = ${last[3].toPrecision(6)}, max |tr ρ − 1| = ${r.maxTraceError.toExponential(1)}`,
  };
}

if (process.argv[1]?.endsWith('model.ts') || process.argv[1]?.endsWith('model.js')) {
  // tsx bench/model.ts [ness|gap|quench] [N list for the gap sweep]
  const only = process.argv[2] === 'ness' || process.argv[2] === 'gap' || process.argv[2] === 'quench' ? process.argv[2] : undefined;
  const Ns = process.argv[3] ? process.argv[3].split(',').map(Number) : undefined;
  run({ gapNs: Ns, only }).then((s) => console.log(JSON.stringify(s, null, 1)));
}
