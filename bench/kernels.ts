/**
 * Bench section `kernels` (issue 12): the engine's WebAssembly SIMD kernels against the TypeScript loops they replace,
 * in the same process and run. Each pair gives the same bits (test/core/**\/*Kernel.test.ts), so the ratio is pure speed:
 *  - the Taylor term of the Kerr propagator (one interval Δt = 0.2 of the N = 10 / N = 50 quench at ε_f = 1.1);
 *  - the Householder loops of the Hermitian eigenvalues (G's von Neumann entropy) on the NESS;
 *  - the polar Husimi evaluation (S_W, Π_J, Π_U grid) on the NESS.
 * Baseline = the TypeScript kernel; ratio = baseline/value (× faster).
 */
import { loadavg } from 'node:os';
import { PAPER } from '../src-core/kerr/model.js';
import { propagateInterval } from '../src-core/kerr/propagate.js';
import { nessDensityMatrix } from '../src-core/kerr/steadyState.js';
import { hermitianEigenvalues } from '../src-core/linalg/hermitianEigen.js';
import { autoPolarGrid, evaluatePolar, polarPlan } from '../src-core/phaseSpace/husimi.js';
import { timeIt, type BenchRow, type BenchSection } from './types.js';

const base = { kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u };

function pair(name: string, unit: string, js: () => unknown, wasm: () => unknown, reps: number, scale = 1): BenchRow {
  // alternate, so that a change of machine load hits both
  const tj: number[] = [], tw: number[] = [];
  for (let i = 0; i < 3; i++) {
    tj.push(timeIt(js, reps));
    tw.push(timeIt(wasm, reps));
  }
  const j = Math.min(...tj) * scale, w = Math.min(...tw) * scale;
  return { name, value: w, unit, baseline: j, ratio: j / w, note: 'baseline = TypeScript kernel (same bits); ratio = baseline/value; best of 3 medians' };
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const load0 = loadavg()[0];
  for (const [N, K] of [[10, 65], [50, 233]] as const) {
    const p = { ...base, N, eps: 1.1 };
    const rho0 = nessDensityMatrix({ ...p, eps: 0.5 }, K);
    rows.push(pair(`propagation, one interval Δt = 0.2, N = ${N}, K = ${K}`, 'ms',
      () => propagateInterval(rho0, p, 0.2, { kernel: 'js' }), () => propagateInterval(rho0, p, 0.2), K > 100 ? 3 : 9, 1000));
    const ness = nessDensityMatrix(p, K);
    rows.push(pair(`Hermitian eigenvalues (G), K = ${K}`, 'ms', () => hermitianEigenvalues(ness, 'js'), () => hermitianEigenvalues(ness), K > 100 ? 3 : 15, 1000));
    const plan = polarPlan(K, autoPolarGrid(ness));
    rows.push(pair(`polar Husimi evaluation (S_W, Π_J, Π_U grid), K = ${K}`, 'ms',
      () => evaluatePolar(ness, plan, undefined, { psd: true, kernel: 'js' }), () => evaluatePolar(ness, plan, undefined, { psd: true }), K > 100 ? 3 : 15, 1000));
  }
  return { title: `WebAssembly SIMD kernels against the TypeScript ones (same bits), load average ${load0.toFixed(1)} at start`, rows };
}
