/**
 * The floor of the whole-process quench (issue 12, target "≥ 30× QuTiP"): the quench of `epstudio quench --N 10
 * --eps-f 1.1 --t-max 50` (the same plan: adaptive K, initial NESS, slow-mode rule, every check and the truncation
 * guard) in a fresh process, with the observables reduced to the exact moments (⟨a⟩, ⟨a†a⟩: O(K) each). No Q-grid and
 * no G, so its time is what any placement of the observables (serial, another thread, faster kernels) can at best
 * approach: Node's start, the engine's load, the plan, the initial NESS and the propagation.
 * Spawned by bench/quenchSpeed.ts as `node dist/bench/quenchFloor.js`; prints one JSON line. The engine is loaded
 * from the tsc tree (ES modules), not the CLI's CommonJS bundle: its load costs ~10–20 ms more (the floor is then a
 * slight overestimate).
 */
import { PAPER } from '../src-core/kerr/model.js';
import { planQuench, runQuench, serialObserver } from '../src-core/kerr/quench.js';
import { moments } from '../src-core/phaseSpace/entropyProduction.js';
import type { KerrObservablesResult } from '../src-core/phaseSpace/observables.js';

const t0 = performance.now();
const plan = planQuench({ kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u, N: 10, epsInitial: 0.5, epsFinal: 1.1, tMax: Number(process.argv[2] ?? 50), dt: PAPER.dt });
const observe = (rho: Parameters<typeof moments>[0]): KerrObservablesResult => {
  const m = moments(rho);
  // Only ⟨a⟩ and ⟨a†a⟩ are computed; the grid quantities and G are 0 here (never written anywhere).
  return {
    a_re: m.a_re, a_im: m.a_im, n: m.n, alpha_abs: 0, S_W: 0, Pi_J: 0, Pi_ext: 0, Pi_d: 0, Pi_U: 0, Phi: 0, Phi_ext: 0,
    Phi_q: 0, G: 0, grid: { radialNodes: 1, angles: 16, rMax: 1 }, topPopulation: rho.re[rho.K * rho.K - 1], norm: 1,
  };
};
const r = runQuench(plan, undefined, { observer: serialObserver(observe) });
console.log(JSON.stringify({
  computeS: (performance.now() - t0) / 1000,
  samples: r.rows.length,
  evaluations: r.stats.evaluations,
  Kmax: Math.max(...r.Ks),
  propagationS: r.timing.propagation / 1000,
  initialStateS: r.timing.initialState / 1000,
  lastN: r.rows[r.rows.length - 1][3],
}));
