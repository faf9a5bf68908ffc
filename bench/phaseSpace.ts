/**
 * Bench section `phaseSpace`: one Husimi-grid evaluation (q and j plus S_W, Π_J, Π_U) on the polar/FFT grid against a
 * naive Cartesian G×G evaluation by direct coherent-state sandwiches (O(G²K²)) at equal accuracy, both measured
 * against a converged reference (the polar evaluator on a 2×-radial, all-angles grid); the full kerrObservables (also
 * on the paper quench's state at t = 50, split into grid and G); and Hermitian eigen-solves at K = 100 and 150.
 */
import { PAPER, type KerrParams } from '../src-core/kerr/model.js';
import { propagateInterval } from '../src-core/kerr/propagate.js';
import { planQuench, quenchInitialState } from '../src-core/kerr/quench.js';
import { nessDensityMatrix } from '../src-core/kerr/steadyState.js';
import type { ComplexMatrix } from '../src-core/linalg/complexMatrix.js';
import { hermitianEigenvalues } from '../src-core/linalg/hermitianEigen.js';
import type { PhaseSpaceIntegrals } from '../src-core/phaseSpace/entropyProduction.js';
import { husimiCartesian } from '../src-core/phaseSpace/image.js';
import { nonGaussianity } from '../src-core/phaseSpace/gaussianity.js';
import { kerrObservables, phaseSpaceIntegrals } from '../src-core/phaseSpace/observables.js';
import { timeIt, type BenchRow, type BenchSection } from './types.js';

/** S_W, ∫|j|²/q/π, (1/π)∫Im{μ̄²j²/q − 2|μ|²μ̄j} by the trapezoid rule on a G×G grid over [−a, a]². */
function cartesianIntegrals(rho: ComplexMatrix, a: number, G: number): PhaseSpaceIntegrals {
  const h = (2 * a) / (G - 1);
  const xs = new Float64Array(G * G), ys = new Float64Array(G * G);
  for (let r = 0; r < G; r++)
    for (let c = 0; c < G; c++) {
      xs[r * G + c] = -a + c * h;
      ys[r * G + c] = -a + r * h;
    }
  const d = husimiCartesian(rho, xs, ys);
  let norm = 0, qlnq = 0, jj = 0, u = 0;
  for (let p = 0; p < xs.length; p++) {
    const q = d.q[p];
    norm += q;
    if (!(q > 1e-300)) continue;
    const jr = d.jre[p], ji = d.jim[p], x = xs[p], y = ys[p];
    qlnq += q * Math.log(q);
    jj += (jr * jr + ji * ji) / q;
    // μ̄ = x − iy: Im{μ̄² j²} = (x² − y²)·2 jr ji − 2xy (jr² − ji²); Im{μ̄ j} = x ji − y jr
    u += ((x * x - y * y) * 2 * jr * ji - 2 * x * y * (jr * jr - ji * ji)) / q - 2 * (x * x + y * y) * (x * ji - y * jr);
  }
  const w = (h * h) / Math.PI;
  return { norm: norm * w, S_W: -qlnq * w + Math.log(Math.PI) * norm * w, jj: jj * w, u: u * w };
}

/** timeIt after enough calls for the JIT to settle (timeIt itself warms up once). */
function timeWarm(f: () => unknown, reps: number): number {
  for (let i = 0; i < 20; i++) f();
  return timeIt(f, reps);
}

function maxError(I: PhaseSpaceIntegrals, ref: PhaseSpaceIntegrals, U: number, kappa: number): number {
  return Math.max(Math.abs(I.S_W - ref.S_W), 2 * kappa * Math.abs(I.jj - ref.jj), U * Math.abs(I.u - ref.u));
}

function randomHermitian(K: number): ComplexMatrix {
  let s = 12345;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const re = new Float64Array(K * K), im = new Float64Array(K * K);
  for (let i = 0; i < K; i++)
    for (let j = 0; j <= i; j++) {
      const x = rnd(), y = i === j ? 0 : rnd();
      re[i * K + j] = re[j * K + i] = x;
      im[i * K + j] = y;
      im[j * K + i] = -y;
    }
  return { K, re, im };
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const cases: { K: number; p: KerrParams }[] = [
    { K: 50, p: { kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u, eps: 0.933, N: 10 } },
    { K: 100, p: { kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u, eps: 0.933, N: 20 } },
  ];
  for (const { K, p } of cases) {
    const rho = nessDensityMatrix(p, K);
    const U = p.u / p.N;
    const obs = kerrObservables(rho, p);
    const g = obs.grid;
    const ref = phaseSpaceIntegrals(rho, { radialNodes: 2 * g.radialNodes, rMax: g.rMax + 2 }, { fullAngles: true });
    const polar = phaseSpaceIntegrals(rho);
    const polarErr = maxError(polar, ref, U, p.kappa);
    const tPolar = timeWarm(() => phaseSpaceIntegrals(rho), 31);
    const tObs = timeWarm(() => kerrObservables(rho, p), 31);
    // Smallest Cartesian grid (box [−rMax, rMax]², odd G) as accurate as the polar one (or 1e-10, whichever is larger).
    const target = Math.max(polarErr, 1e-10);
    let G = 41, cart = cartesianIntegrals(rho, g.rMax, G), cartErr = maxError(cart, ref, U, p.kappa);
    while (cartErr > target && G < 401) {
      G = Math.round(G * 1.25) | 1;
      cart = cartesianIntegrals(rho, g.rMax, G);
      cartErr = maxError(cart, ref, U, p.kappa);
    }
    const tCart = timeIt(() => cartesianIntegrals(rho, g.rMax, G), 1);
    const pts = `${g.radialNodes} radii × adaptive angles ≤ ${g.angles}, rMax ${g.rMax}`;
    rows.push({
      name: `Q-grid polar (q, j, S_W, Π_J, Π_U), NESS K=${K}`, value: tPolar, unit: 's', baseline: tCart,
      ratio: tCart / tPolar, target: K === 100 ? 'ratio ≥ 50' : undefined,
      note: `baseline: naive Cartesian ${G}×${G} (ratio = baseline/value); max abs error polar ${polarErr.toExponential(1)}, Cartesian ${cartErr.toExponential(1)} vs converged reference; ${pts}`,
    });
    rows.push({
      name: `kerrObservables (all fields incl. G), NESS K=${K}`, value: tObs, unit: 's',
      target: K === 50 ? '≪ 2 ms at K = 60' : undefined,
      note: `ε=${p.eps}, N=${p.N}; balance |Π_U + Π_J − Φ| = ${Math.abs(obs.Pi_U + obs.Pi_J - obs.Phi).toExponential(1)}`,
    });
  }
  // The paper quench's late state (N = 10, ε 0.5 → 1.1, t = 50, K = 61): the per-sample cost inside the quench.
  {
    const p: KerrParams = { kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u, eps: 1.1, N: 10 };
    // the fixed K the whole quench is expected to need (the adaptive run starts smaller and grows to about it)
    const plan0 = planQuench({ ...p, epsInitial: 0.5, epsFinal: 1.1, tMax: 50, dt: 0.2 });
    const plan = { ...plan0, K: plan0.Kexpected ?? plan0.K };
    let rho = quenchInitialState(plan);
    for (let i = 0; i < 250; i++) rho = propagateInterval(rho, plan.final, 0.2);
    rows.push({ name: `kerrObservables, quench state t = 50 (K = ${plan.K})`, value: timeWarm(() => kerrObservables(rho, p), 31), unit: 's', target: '≲ 1.6 ms (251 samples in ≲ 0.4 s)' });
    rows.push({ name: `  of which the grid (q, j, S_W, Π_J, Π_U)`, value: timeWarm(() => phaseSpaceIntegrals(rho), 31), unit: 's' });
    rows.push({ name: `  of which G (Hermitian eigenvalues, K = ${plan.K})`, value: timeWarm(() => nonGaussianity(rho), 31), unit: 's' });
  }
  for (const K of [100, 150]) {
    const A = randomHermitian(K);
    rows.push({ name: `Hermitian eigenvalues, random K=${K}`, value: timeWarm(() => hermitianEigenvalues(A), 15), unit: 's', target: 'a few ms at K ≈ 150' });
  }
  const ness = nessDensityMatrix({ kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u, eps: 1.1, N: 20 }, 150);
  rows.push({ name: 'Hermitian eigenvalues, NESS ρ K=150 (ε=1.1, N=20)', value: timeWarm(() => hermitianEigenvalues(ness), 15), unit: 's' });
  return { title: 'Phase space: polar Husimi grid vs naive Cartesian, observables, eigen-solver', rows };
}
