/**
 * Lindblad evolution dρ/dt = L(ρ) of the Kerr model in the Fock basis with error control (PHYSICS.md §1).
 *
 * Default method ('taylor'): L is constant over a sample interval (the pump is switched once, at t = 0), so
 * ρ(t + Δt) = e^{Δt L} ρ exactly. It is summed as a Taylor series on s = ⌈Δt‖L‖/θ⌉ equal substeps (θ = 5, ‖L‖ the
 * largest row sum of |L| in the element basis), each series stopped by the rigorous remainder bound once the rest is
 * below rtol·max|ρ|. One term is one fused O(K²) pass over the upper triangle (apply L, scale, accumulate), with no
 * stage sums and no phase rotations. Measured on the N = 10, ε 0.5 → 1.1, t ≤ 50, Δt = 0.2 quench (K = 61,
 * ‖L‖ ≈ 230, 11 substeps per Δt), CPU time on a shared 2-core machine (load 9–13):
 *   Lawson–DOP853, rtol 1e-10:  24 048 stage evaluations, 69 µs each incl. stage sums, 1.67 s;
 *   Taylor, rtol 1e-10:         14 868 applications of L, 21 µs each, 0.31 s (5.3×);
 * max|Δρ| against DOP853 at rtol 1e-13 over t ≤ 2: Taylor 5e-13, DOP853 at 1e-10 4e-12; every quench observable
 * within 2.6e-10 relative of the tight reference over t ≤ 50 (the grid's share; the propagation's is ~1e-12).
 * Lowering DOP853's rtol instead does not pay: at 1e-8 it needs 1259 steps (−37 %) and G (whose von Neumann
 * entropy is sensitive to absolute errors in the small eigenvalues) is then off by 3e-6 relative.
 * Other regimes (t ≤ 10, Δt = 0.2, applications of L / CPU): N = 1, ε_f 1.3, K = 22: 3224 / 38 ms vs DOP853's 3913 /
 * 37 ms (the Kerr phases U K²/2 dominate ‖L‖ at small N); N = 5, K = 40: 20 vs 110 ms; N = 20, K = 99: 0.32 vs 1.47 s;
 * N = 15, ε_f 1.3, K = 105: 0.42 vs 1.14 s; errors against DOP853 at rtol 1e-13 ≤ 1.3e-11 throughout.
 * Also measured: one substep per Δt (θ ≈ 46) needs 87 terms per Δt and Krylov/Arnoldi would add ~m²K² of
 * orthogonalisation per Δt (m ≈ 30): the short substeps keep every term cheap and the series well conditioned.
 *
 * Second method ('dop853', kept as the independent check of the tests):
 * Splitting L = P + M. P is the Hamiltonian part of the stiff diagonal bracket, P(ρ)_mn = −i(h_m − h_n) ρ_mn
 * (|h_m − h_n| grows like U K²/2, the stiffest scale), integrated exactly: e^{τP} ρ = A ρ A†, A = diag(e^{−i h_m τ}),
 * O(K) sines/cosines per τ. M = the decay −κ(m + n)ρ_mn, the drive and the jump term is left to an explicit
 * Runge–Kutta: a Lawson (integrating-factor) method on the interaction-picture variable v(τ) = e^{−τP} ρ(t + τ),
 *   v' = e^{−τP} M(e^{τP} v),
 * with the Dormand–Prince 8(5,3) pair (DOP853; Hairer, Nørsett & Wanner, Solving ODEs I, Sec. II.10) and its
 * error estimate err = e₅²/√(e₅² + 0.01 e₃²).
 *
 * Design choices (measured on the N = 10, ε 0.5 → 1.1 quench, K = 60, rtol 1e-10, t ≤ 50):
 *  - P holds only the phases, not the decay −κ(m+n): in a (near-)steady state the decay is balanced by the jump
 *    term, so with the decay in the integrating factor v grows like e^{κ(m+n)τ} and Lawson–DOPRI5 needed 20 % more
 *    steps; with phases only, |e^{τP}| = 1 and e^{τP} fixes the diagonal, so the trace is conserved to round-off by
 *    construction (the explicit part conserves it exactly: its columns sum to zero).
 *  - Evaluations of M over the quench: Lawson–DOPRI5 87 000 (58 steps per Δt = 0.2, accuracy-limited);
 *    an exponential (ETD, φ-function) Krogstad scheme with step doubling 69 000, but its trace drifted by 3e-7 and
 *    <a†a>(50) was off by 4e-7 relative; Lawson–DOP853 24 000 (8 steps per Δt), trace exact, <a†a>(50) equal to
 *    Lawson–DOPRI5's to 3e-12 and <a†a>(5) to the rtol-1e-13 run's to 6e-13 relative. The steps are set by accuracy (the Kerr dephasing across the state's width
 *    and the drive, rates ~10), not by stability.
 *  - Both ρ and every stage are Hermitian (e^{τP} and M preserve Hermiticity, the coefficients are real), so only the
 *    upper triangle n ≥ m is computed; the two lower neighbours M needs are read as conjugates.
 *
 * Determinism contract: `propagateInterval` advances one sample interval; its result depends only on its arguments
 * (Taylor: the substeps are a function of the parameters, K and dt; DOP853: so is the first trial step; nothing
 * survives between calls). A trajectory
 * resumed from the ρ saved at sample k is therefore bit-identical to an uninterrupted one.
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { ParameterError } from '../validation.js';
import { hamiltonianDiagonal, sqrtTable } from './liouvillian.js';
import { toRaw, type KerrParams, type KerrRaw } from './model.js';
import { taylorKernel, type TaylorWorkspace } from './taylorKernel.js';

export interface PropagateOptions {
  /**
   * Relative tolerance per step, on the scale max|ρ_mn| (default 1e-10). Taylor: a substep's series stops once two
   * successive terms fall below it; DOP853: the local error estimate.
   */
  rtol?: number;
  /** Absolute tolerance per step (default 1e-12; DOP853 only: the Taylor series' bound is relative to max|ρ|). */
  atol?: number;
  /**
   * 'taylor' (default): the exact exponential of the constant L by its Taylor series on substeps (fastest);
   * 'dop853': Lawson–DOP853 with the Kerr phases integrated exactly (the independent second method of the tests).
   */
  method?: 'taylor' | 'dop853';
  /** Give up after this many steps in one interval (default 1e6). */
  maxSteps?: number;
  /** Counters, incremented (output only: they never influence the result). */
  stats?: PropagateStats;
  /**
   * Taylor only: 'auto' (default) runs the WebAssembly SIMD kernel where the host has it, 'js' the TypeScript one.
   * Both give the same bits (tests, bench); no user-facing switch.
   */
  kernel?: 'auto' | 'js';
}

export interface PropagateStats {
  /** Taylor: substeps; DOP853: accepted steps. */
  steps: number;
  rejected: number;
  /** Taylor: applications of L (series terms); DOP853: applications of M (decay + drive + jump). */
  evaluations: number;
  /** Intervals advanced by the slow mode instead (quench.ts advanceQuench with a SlowModeCache; slowMode.ts). */
  slowSteps?: number;
}

export function newStats(): PropagateStats {
  return { steps: 0, rejected: 0, evaluations: 0 };
}

// ---- DOP853 tableau (Hairer's coefficients) ----
const C = [
  0.0, 0.526001519587677318785587544488e-1, 0.789002279381515978178381316732e-1, 0.11835034190722739672675719751,
  0.28164965809277260327324280249, 0.333333333333333333333333333333, 0.25, 0.307692307692307692307692307692,
  0.651282051282051282051282051282, 0.6, 0.857142857142857142857142857142, 1.0,
];
/** Non-zero a_ij per stage i as [j, a_ij] pairs. */
const A: [number, number][][] = [
  [],
  [[0, 5.26001519587677318785587544488e-2]],
  [[0, 1.97250569845378994544595329183e-2], [1, 5.91751709536136983633785987549e-2]],
  [[0, 2.95875854768068491816892993775e-2], [2, 8.87627564304205475450678981324e-2]],
  [[0, 2.41365134159266685502369798665e-1], [2, -8.84549479328286085344864962717e-1], [3, 9.24834003261792003115737966543e-1]],
  [[0, 3.7037037037037037037037037037e-2], [3, 1.70828608729473871279604482173e-1], [4, 1.25467687566822425016691814123e-1]],
  [[0, 3.7109375e-2], [3, 1.70252211019544039314978060272e-1], [4, 6.02165389804559606850219397283e-2], [5, -1.7578125e-2]],
  [
    [0, 3.70920001185047927108779319836e-2], [3, 1.70383925712239993810214054705e-1],
    [4, 1.07262030446373284651809199168e-1], [5, -1.53194377486244017527936158236e-2],
    [6, 8.27378916381402288758473766002e-3],
  ],
  [
    [0, 6.24110958716075717114429577812e-1], [3, -3.36089262944694129406857109825],
    [4, -8.68219346841726006818189891453e-1], [5, 2.75920996994467083049415600797e1],
    [6, 2.01540675504778934086186788979e1], [7, -4.34898841810699588477366255144e1],
  ],
  [
    [0, 4.77662536438264365890433908527e-1], [3, -2.48811461997166764192642586468],
    [4, -5.90290826836842996371446475743e-1], [5, 2.12300514481811942347288949897e1],
    [6, 1.52792336328824235832596922938e1], [7, -3.32882109689848629194453265587e1],
    [8, -2.03312017085086261358222928593e-2],
  ],
  [
    [0, -9.3714243008598732571704021658e-1], [3, 5.18637242884406370830023853209],
    [4, 1.09143734899672957818500254654], [5, -8.14978701074692612513997267357],
    [6, -1.85200656599969598641566180701e1], [7, 2.27394870993505042818970056734e1],
    [8, 2.49360555267965238987089396762], [9, -3.0467644718982195003823669022],
  ],
  [
    [0, 2.27331014751653820792359768449], [3, -1.05344954667372501984066689879e1],
    [4, -2.00087205822486249909675718444], [5, -1.79589318631187989172765950534e1],
    [6, 2.79488845294199600508499808837e1], [7, -2.85899827713502369474065508674],
    [8, -8.87285693353062954433549289258], [9, 1.23605671757943030647266201528e1],
    [10, 6.43392746015763530355970484046e-1],
  ],
];
/** Weights b (eighth order). */
const B: [number, number][] = [
  [0, 5.42937341165687622380535766363e-2], [5, 4.45031289275240888144113950566],
  [6, 1.89151789931450038304281599044], [7, -5.8012039600105847814672114227],
  [8, 3.1116436695781989440891606237e-1], [9, -1.52160949662516078556178806805e-1],
  [10, 2.01365400804030348374776537501e-1], [11, 4.47106157277725905176885569043e-2],
];
/** Fifth-order error weights. */
const E5: [number, number][] = [
  [0, 0.1312004499419488073250102996e-1], [5, -0.1225156446376204440720569753e1],
  [6, -0.4957589496572501915214079952], [7, 0.1664377182454986536961530415e1],
  [8, -0.350328848749973681688648729], [9, 0.3341791187130174790297318841],
  [10, 0.8192320648511571246570742613e-1], [11, -0.2235530786388629525884427845e-1],
];
/** Third-order error weights: b − b̂₃ with b̂₃ differing at stages 0, 8, 11. */
const E3: [number, number][] = (() => {
  const e = new Map<number, number>(B.map(([j, b]) => [j, b]));
  e.set(0, (e.get(0) ?? 0) - 0.244094488188976377952755905512);
  e.set(8, (e.get(8) ?? 0) - 0.733846688281611857341361741547);
  e.set(11, (e.get(11) ?? 0) - 0.220588235294117647058823529412e-1);
  return [...e.entries()];
})();
const STAGES = 12;

interface Work {
  K: number;
  E: number;
  kappa: number;
  hd: Float64Array;
  sq: Float64Array;
  /**
   * Interaction-picture stage derivatives K_j, interleaved so that one element's 12 stages are adjacent:
   * Re K_j at kb[2(i·STAGES + j)], Im at the next slot (the stage sums read them together).
   */
  kb: Float64Array;
  /** Scratch: the current stage value in the physical frame. */
  ur: Float64Array;
  ui: Float64Array;
  /** Phase factors a_m(τ) = e^{−i h_m τ} for the current τ. */
  pr: Float64Array;
  pi: Float64Array;
  evaluations: number;
}

/**
 * Upper triangle (n ≥ m) of M(ρ) = decay + drive + jump (the element formula of liouvillian.ts without the phase
 * −i(h_m − h_n)), reading only the upper triangle of ρ: the lower neighbours ρ_{m,m−1}, ρ_{m+1,m} are conjugates.
 */
function applyM(w: Work, rr: Float64Array, ri: Float64Array, j: number, rotateBack = false): void {
  const { K, sq, E, kappa, pr, pi, kb } = w;
  const k2 = 2 * kappa;
  w.evaluations++;
  for (let m = 0; m < K; m++) {
    const row = m * K;
    const sm = sq[m], sm1 = sq[m + 1];
    // Diagonal (real): E(2√m Re ρ_{m−1,m} − 2√(m+1) Re ρ_{m,m+1}) + 2κ(m+1) ρ_{m+1,m+1} − 2κm ρ_mm.
    const d = row + m;
    let v = 0;
    if (m > 0) v += 2 * sm * rr[d - K];
    if (m + 1 < K) v -= 2 * sm1 * rr[d + 1];
    v *= E;
    if (m + 1 < K) v += k2 * (m + 1) * rr[d + K + 1];
    kb[2 * (d * STAGES + j)] = v - k2 * m * rr[d];
    kb[2 * (d * STAGES + j) + 1] = 0;
    if (m + 1 >= K) continue;
    // n > m: every neighbour (m−1, n), (m, n±1), (m+1, n), (m+1, n+1) lies in the upper triangle.
    const hasUp = m > 0;
    const jc = k2 * sm1;
    const amr = pr[m], ami = pi[m];
    for (let n = m + 1; n < K; n++) {
      const i = row + n;
      const o = 2 * (i * STAGES + j);
      const g = -kappa * (m + n);
      let vr = sq[n] * rr[i - 1] - sm1 * rr[i + K];
      let vi = sq[n] * ri[i - 1] - sm1 * ri[i + K];
      if (hasUp) {
        vr += sm * rr[i - K];
        vi += sm * ri[i - K];
      }
      if (n + 1 < K) {
        const s = sq[n + 1];
        vr -= s * rr[i + 1];
        vi -= s * ri[i + 1];
        vr = E * vr + jc * s * rr[i + K + 1] + g * rr[i];
        vi = E * vi + jc * s * ri[i + K + 1] + g * ri[i];
      } else {
        vr = E * vr + g * rr[i];
        vi = E * vi + g * ri[i];
      }
      if (rotateBack) {
        // e^{−τP}: multiply by conj(a_m) a_n
        const bnr = pr[n], bni = pi[n];
        const fr = amr * bnr + ami * bni, fi = amr * bni - ami * bnr;
        kb[o] = fr * vr - fi * vi;
        kb[o + 1] = fr * vi + fi * vr;
      } else {
        kb[o] = vr;
        kb[o + 1] = vi;
      }
    }
  }
}

/** a_m = e^{−i h_m τ} into (w.pr, w.pi); then e^{τP}_mn = a_m conj(a_n). */
function phases(w: Work, tau: number): void {
  const { hd, pr, pi } = w;
  for (let m = 0; m < w.K; m++) {
    const x = hd[m] * tau;
    pr[m] = Math.cos(x);
    pi[m] = -Math.sin(x);
  }
}

/**
 * Stage value in the physical frame, fused in one pass over the upper triangle:
 * (ur, ui) = e^{τP} (y + h Σ_j a_ij K_j), with a_m(τ) from `phases(w, τ)`.
 */
function stageValue(w: Work, yr: Float64Array, yi: Float64Array, terms: [number, number][], h: number): void {
  const { K, pr, pi, ur, ui, kb } = w;
  const nt = terms.length;
  const cs = new Float64Array(nt), js = new Int32Array(nt);
  for (let t = 0; t < nt; t++) {
    cs[t] = h * terms[t][1];
    js[t] = 2 * terms[t][0];
  }
  for (let m = 0; m < K; m++) {
    const amr = pr[m], ami = pi[m];
    const row = m * K;
    for (let n = m; n < K; n++) {
      const i = row + n;
      const base = 2 * STAGES * i;
      let vr = yr[i], vi = yi[i];
      for (let t = 0; t < nt; t++) {
        const o = base + js[t];
        vr += cs[t] * kb[o];
        vi += cs[t] * kb[o + 1];
      }
      // a_m conj(a_n)
      const bnr = pr[n], bni = -pi[n];
      const fr = amr * bnr - ami * bni, fi = amr * bni + ami * bnr;
      ur[i] = fr * vr - fi * vi;
      ui[i] = fr * vi + fi * vr;
    }
  }
}

/**
 * End of a step, one pass: (nr, ni) = e^{hP}(y + h Σ b_j K_j) and the max-norms of the two error estimates
 * h Σ E5_j K_j, h Σ E3_j K_j (in the interaction picture; e^{hP} does not change moduli). Also max|y|, max|y_new|.
 */
function stepEnd(w: Work, yr: Float64Array, yi: Float64Array, h: number, nr: Float64Array, ni: Float64Array): { e5: number; e3: number; scale: number } {
  const { K, pr, pi, kb } = w;
  const b = new Float64Array(STAGES), e5c = new Float64Array(STAGES), e3c = new Float64Array(STAGES);
  for (const [j, v] of B) b[j] = h * v;
  for (const [j, v] of E5) e5c[j] = h * v;
  for (const [j, v] of E3) e3c[j] = h * v;
  let e5 = 0, e3 = 0, scale = 0;
  for (let m = 0; m < K; m++) {
    const amr = pr[m], ami = pi[m];
    const row = m * K;
    for (let n = m; n < K; n++) {
      const i = row + n;
      let vr = yr[i], vi = yi[i], fr5 = 0, fi5 = 0, fr3 = 0, fi3 = 0;
      const base = 2 * STAGES * i;
      for (let j = 0; j < STAGES; j++) {
        const xr = kb[base + 2 * j], xi = kb[base + 2 * j + 1];
        vr += b[j] * xr;
        vi += b[j] * xi;
        fr5 += e5c[j] * xr;
        fi5 += e5c[j] * xi;
        fr3 += e3c[j] * xr;
        fi3 += e3c[j] * xi;
      }
      const a5 = Math.abs(fr5) + Math.abs(fi5), a3 = Math.abs(fr3) + Math.abs(fi3);
      if (a5 > e5) e5 = a5;
      if (a3 > e3) e3 = a3;
      const bnr = pr[n], bni = -pi[n];
      const fr = amr * bnr - ami * bni, fi = amr * bni + ami * bnr;
      const yr1 = fr * vr - fi * vi, yi1 = fr * vi + fi * vr;
      nr[i] = yr1;
      ni[i] = yi1;
      const s0 = Math.abs(yr[i]) + Math.abs(yi[i]), s1 = Math.abs(yr1) + Math.abs(yi1);
      if (s0 > scale) scale = s0;
      if (s1 > scale) scale = s1;
    }
  }
  return { e5, e3, scale };
}

/** Hermitian completion from the upper triangle (the diagonal made exactly real). */
function mirror(K: number, re: Float64Array, im: Float64Array): void {
  for (let m = 0; m < K; m++) {
    im[m * K + m] = 0;
    for (let n = m + 1; n < K; n++) {
      re[n * K + m] = re[m * K + n];
      im[n * K + m] = -im[m * K + n];
    }
  }
}

/**
 * Scratch arrays, reused between calls of the same K to spare the allocator (~1 MB per call at K = 60). They hold no
 * state that survives a call: every element read in a step (upper triangle of the stages) is written first in that
 * step, so results still depend only on the arguments.
 */
let scratch: Work | undefined;
function scratchFor(K: number, raw: KerrRaw): Work {
  if (!scratch || scratch.K !== K) {
    const n2 = K * K;
    const f = () => new Float64Array(n2);
    scratch = {
      K, E: 0, kappa: 0, hd: new Float64Array(K), sq: sqrtTable(K),
      kb: new Float64Array(2 * STAGES * n2), ur: f(), ui: f(),
      pr: new Float64Array(K), pi: new Float64Array(K),
      evaluations: 0,
    };
  }
  scratch.E = raw.E;
  scratch.kappa = raw.kappa;
  scratch.hd = hamiltonianDiagonal(raw, K);
  scratch.evaluations = 0;
  return scratch;
}

/**
 * Advance ρ by one sample interval dt (fresh step-size control, see the determinism contract above).
 * Returns a new Hermitian matrix built from the upper triangle of `rho` (which is not modified).
 */
export function propagateInterval(rho: ComplexMatrix, params: KerrParams, dt: number, opts: PropagateOptions = {}): ComplexMatrix {
  return propagateRaw(rho, toRaw(params), dt, opts);
}

/** propagateInterval on raw parameters (E, U). */
export function propagateRaw(rho: ComplexMatrix, raw: KerrRaw, dt: number, opts: PropagateOptions = {}): ComplexMatrix {
  const rtol = opts.rtol ?? 1e-10;
  const atol = opts.atol ?? 1e-12;
  if (!(rtol > 0 && rtol < 1)) throw new ParameterError('rtol', 'a number in (0, 1)', rtol);
  if (!(atol > 0 && Number.isFinite(atol))) throw new ParameterError('atol', 'a finite number > 0', atol);
  if (!(dt > 0 && Number.isFinite(dt))) throw new ParameterError('dt', 'a finite number > 0', dt);
  const method = opts.method ?? 'taylor';
  if (method === 'taylor') return propagateTaylor(rho, raw, dt, rtol, opts.stats, opts.kernel === 'js' ? 'js' : 'auto');
  if (method !== 'dop853') throw new ParameterError('method', "'taylor' or 'dop853'", method);
  const maxSteps = opts.maxSteps ?? 1_000_000;
  const K = rho.K;
  const n2 = K * K;
  const f = () => new Float64Array(n2);
  const w = scratchFor(K, raw);
  let yr = rho.re.slice(), yi = rho.im.slice();
  let nr = f(), ni = f();
  applyM(w, yr, yi, 0);
  // First trial step: a fixed function of (raw, K, dt), near the explicit stability limit of M (‖M‖ ≲ 4|E|√K + 2κK);
  // the controller takes it from there.
  const normM = 4 * Math.abs(raw.E) * Math.sqrt(K) + 2 * raw.kappa * K + 1e-300;
  let h = Math.min(dt, 4 / normM);
  let t = 0;
  let steps = 0, rejected = 0;
  while (t < dt) {
    if (steps + rejected >= maxSteps) throw new Error(`propagateInterval: more than ${maxSteps} steps in one interval (dt = ${dt})`);
    let last = false;
    let hs = h;
    if (t + hs >= dt * (1 - 1e-12)) {
      hs = dt - t;
      last = true;
    }
    // Stages in the interaction picture of the step: V_i = v₀ + h Σ a_ij K_j, K_i = e^{−c_i h P} M(e^{c_i h P} V_i).
    for (let i = 1; i < STAGES; i++) {
      phases(w, C[i] * hs);
      stageValue(w, yr, yi, A[i], hs);
      applyM(w, w.ur, w.ui, i, true);
    }
    phases(w, hs);
    const { e5, e3, scale } = stepEnd(w, yr, yi, hs, nr, ni);
    const sc = atol + rtol * scale;
    const a5 = e5 / sc, a3 = e3 / sc;
    const den = Math.sqrt(a5 * a5 + 0.01 * a3 * a3);
    const err = den === 0 ? 0 : (a5 * a5) / den;
    if (err <= 1) {
      [yr, nr] = [nr, yr];
      [yi, ni] = [ni, yi];
      t = last ? dt : t + hs;
      steps++;
      // FSAL is not part of DOP853's stages: M at the new point is the next step's first stage.
      if (t < dt) applyM(w, yr, yi, 0);
      const fac = err === 0 ? 4 : Math.min(4, Math.max(0.333, 0.9 * Math.pow(err, -1 / 8)));
      if (!last) h = hs * fac;
    } else {
      rejected++;
      h = hs * (Number.isFinite(err) ? Math.max(0.2, 0.9 * Math.pow(err, -1 / 8)) : 0.25);
    }
  }
  if (opts.stats) {
    opts.stats.steps += steps;
    opts.stats.rejected += rejected;
    opts.stats.evaluations += w.evaluations;
  }
  mirror(K, yr, yi);
  return { K, re: yr, im: yi };
}

// ---- Taylor series of e^{τL} (the default method) ----

/**
 * Largest row sum of |L| in the element basis: ‖L(X)‖_max ≤ normL · ‖X‖_max. Sets the substep τ so that
 * τ·normL ≤ THETA, which bounds the growth of the Taylor terms (τ‖L‖)^k/k! ≤ e^{THETA}/√(2π THETA) (round-off) and
 * guarantees their eventual fall.
 */
function liouvillianNormBound(raw: KerrRaw, K: number, hd: Float64Array, sq: Float64Array): number {
  const E = Math.abs(raw.E), k = raw.kappa;
  let best = 0;
  for (let m = 0; m < K; m++)
    for (let n = m; n < K; n++) {
      let s = Math.abs(hd[m] - hd[n]) + k * (m + n);
      s += E * ((m > 0 ? sq[m] : 0) + (m + 1 < K ? sq[m + 1] : 0) + (n + 1 < K ? sq[n + 1] : 0) + (n > 0 ? sq[n] : 0));
      if (m + 1 < K && n + 1 < K) s += 2 * k * sq[m + 1] * sq[n + 1];
      if (s > best) best = s;
    }
  return best;
}

/**
 * θ = τ‖L‖ per substep. Measured on the N = 10, ε 0.5 → 1.1 quench (K = 61, ‖L‖ ≈ 230, Δt = 0.2), applications of L
 * over t ≤ 50: θ = 2: 28 300; 3: 18 900; 4: 14 800; 5: 14 600; 6: 15 700; 8: 16 750; 12: 18 760 (and G's error grew to
 * 9e-8 relative at 12, round-off of the larger intermediate terms). The terms needed per substep fall
 * super-exponentially once k > θ, while each substep costs a few terms of overhead.
 */
const THETA = 5;

/** Substeps s = ⌈dt‖L‖/θ⌉ of one Taylor interval at K (the slow-mode step's error budget is s·rtol·max|ρ|). */
export function taylorSubsteps(raw: KerrRaw, K: number, dt: number): number {
  const normL = liouvillianNormBound(raw, K, hamiltonianDiagonal(raw, K), sqrtTable(K));
  return Math.max(1, Math.ceil((dt * normL) / THETA));
}
/** A substep whose series has not converged after this many terms indicates a bug (θ = 5 needs ≲ 30). */
const MAX_TERMS = 200;

let tScratch: { K: number; v: Float64Array; w: Float64Array; y: Float64Array } | undefined;

/**
 * The TypeScript kernel behind the same interface as the WebAssembly one (taylorKernel.ts): ping-pong terms v, w and
 * the sum y in plain arrays (reused between calls of the same K), taylorTerm for `term`.
 */
function typescriptWorkspace(K: number, hd: Float64Array, sq: Float64Array): TaylorWorkspace {
  if (!tScratch || tScratch.K !== K) {
    const f = () => new Float64Array(2 * K * K);
    tScratch = { K, v: f(), w: f(), y: f() };
  }
  const y = tScratch.y;
  const ws: TaylorWorkspace = {
    K,
    v: tScratch.v,
    w: tScratch.w,
    y,
    term(E, kappa, f) {
      const mx = taylorTerm(K, E, kappa, hd, sq, f, ws.v, ws.w, y);
      [ws.v, ws.w] = [ws.w, ws.v];
      return mx;
    },
    seed() {
      const v = ws.v;
      let scale = 0;
      for (let m = 0; m < K; m++)
        for (let n = m; n < K; n++) {
          const i = 2 * (m * K + n);
          const a = y[i], b = y[i + 1];
          v[i] = a;
          v[i + 1] = b;
          const c = Math.abs(a) + Math.abs(b);
          if (c > scale) scale = c;
        }
      return scale;
    },
  };
  return ws;
}

/**
 * One Taylor term, fused: w = f·L(v) on the upper triangle (lower neighbours read as conjugates, the diagonal real),
 * y += w. Returns max |w_mn| (|Re| + |Im|). L(v)_mn = [−i(h_m − h_n) − κ(m + n)] v_mn + drive + jump (liouvillian.ts).
 * v, w, y hold element i = mK + n interleaved at 2i (Re), 2i + 1 (Im): one memory stream per row instead of two
 * (measured 26 → 19 µs per term at K = 61).
 */
function taylorTerm(
  K: number, E: number, kappa: number, hd: Float64Array, sq: Float64Array, f: number,
  v: Float64Array, w: Float64Array, y: Float64Array,
): number {
  const k2 = 2 * kappa;
  const Ef = E * f;
  const K2 = 2 * K;
  let mx = 0;
  for (let m = 0; m < K; m++) {
    const sm = sq[m], sm1 = sq[m + 1];
    const d = 2 * (m * K + m);
    // Diagonal (real): E(2√m Re v_{m−1,m} − 2√(m+1) Re v_{m,m+1}) + 2κ(m+1) v_{m+1,m+1} − 2κm v_mm.
    let a = 0;
    if (m > 0) a += 2 * sm * v[d - K2];
    if (m + 1 < K) a -= 2 * sm1 * v[d + 2];
    a *= E;
    if (m + 1 < K) a += k2 * (m + 1) * v[d + K2 + 2];
    a = f * (a - k2 * m * v[d]);
    w[d] = a;
    w[d + 1] = 0;
    y[d] += a;
    const aa = Math.abs(a);
    if (aa > mx) mx = aa;
    if (m + 1 >= K) continue;
    const hm = hd[m];
    const jc = k2 * sm1 * f;
    // Row m − 1 does not exist for m = 0: read row m instead, weighted by 0.
    const smf = m > 0 ? sm : 0, up = m > 0 ? -K2 : 0;
    const nLast = K - 1;
    // n from m+1 to K−2: all five neighbours (m−1, n), (m, n±1), (m+1, n), (m+1, n+1) in the upper triangle.
    for (let n = m + 1; n < nLast; n++) {
      const i = 2 * (m * K + n);
      const s0 = sq[n], s1 = sq[n + 1];
      const g = -kappa * (m + n) * f, om = (hm - hd[n]) * f;
      const xr = v[i], xi = v[i + 1];
      const ar = s0 * v[i - 2] - sm1 * v[i + K2] + smf * v[i + up] - s1 * v[i + 2];
      const ai = s0 * v[i - 1] - sm1 * v[i + K2 + 1] + smf * v[i + up + 1] - s1 * v[i + 3];
      const js = jc * s1;
      const or = Ef * ar + js * v[i + K2 + 2] + g * xr + om * xi;
      const oi = Ef * ai + js * v[i + K2 + 3] + g * xi - om * xr;
      w[i] = or;
      w[i + 1] = oi;
      y[i] += or;
      y[i + 1] += oi;
      const b = Math.abs(or) + Math.abs(oi);
      if (b > mx) mx = b;
    }
    // n = K − 1 (m < K − 1): no (m, n+1) or (m+1, n+1) neighbour.
    {
      const n = nLast, i = 2 * (m * K + n);
      const s0 = sq[n];
      const g = -kappa * (m + n) * f, om = (hm - hd[n]) * f;
      const xr = v[i], xi = v[i + 1];
      const ar = s0 * v[i - 2] - sm1 * v[i + K2] + smf * v[i + up];
      const ai = s0 * v[i - 1] - sm1 * v[i + K2 + 1] + smf * v[i + up + 1];
      const or = Ef * ar + g * xr + om * xi;
      const oi = Ef * ai + g * xi - om * xr;
      w[i] = or;
      w[i + 1] = oi;
      y[i] += or;
      y[i + 1] += oi;
      const b = Math.abs(or) + Math.abs(oi);
      if (b > mx) mx = b;
    }
  }
  return mx;
}

/**
 * ρ(t + dt) = e^{dt·L} ρ by s = ⌈dt‖L‖/θ⌉ equal substeps τ, each summing Σ_k (τL)^k ρ / k! until two successive terms
 * fall below rtol·max|ρ|. L is constant after the quench, so the series is the exact propagator up to that truncation;
 * every term is traceless and Hermitian (L preserves both), so trace and Hermiticity hold to round-off. s and τ
 * depend only on (raw, K, dt): deterministic, as the contract requires.
 */
function propagateTaylor(
  rho: ComplexMatrix, raw: KerrRaw, dt: number, rtol: number, stats?: PropagateStats, kernel: 'auto' | 'js' = 'auto',
): ComplexMatrix {
  const K = rho.K;
  const n2 = K * K;
  const hd = hamiltonianDiagonal(raw, K);
  const sq = sqrtTable(K);
  const normL = liouvillianNormBound(raw, K, hd, sq);
  const substeps = Math.max(1, Math.ceil((dt * normL) / THETA));
  const tau = dt / substeps;
  const theta = tau * normL;
  // The WebAssembly SIMD kernel where the host has it (the same bits as taylorTerm, 3× faster), else TypeScript.
  const ws = (kernel === 'auto' ? taylorKernel(K, hd, sq) : null) ?? typescriptWorkspace(K, hd, sq);
  const y = ws.y;
  for (let i = 0; i < n2; i++) {
    y[2 * i] = rho.re[i];
    y[2 * i + 1] = rho.im[i];
  }
  let evaluations = 0;
  for (let s = 0; s < substeps; s++) {
    // v = y on the upper triangle, and the scale max|y| of this substep's tolerance
    const tol = rtol * ws.seed();
    let k = 1;
    for (; k <= MAX_TERMS; k++) {
      const mx = ws.term(raw.E, raw.kappa, tau / k);
      evaluations++;
      // Rigorous remainder bound: ‖term_{k+j}‖ ≤ ‖term_k‖ (τ‖L‖)^j k!/(k+j)! ≤ ‖term_k‖ ρ^j with ρ = τ‖L‖/(k+1) < 1,
      // so the rest of the series is at most ‖term_k‖ ρ/(1 − ρ).
      const rho1 = theta / (k + 1);
      if (rho1 < 1 && mx * (rho1 / (1 - rho1)) <= tol) break;
    }
    if (k > MAX_TERMS) throw new Error(`propagateInterval: Taylor series did not converge in ${MAX_TERMS} terms (τ‖L‖ = ${(tau * normL).toFixed(2)})`);
  }
  const yr = new Float64Array(n2), yi = new Float64Array(n2);
  for (let i = 0; i < n2; i++) {
    yr[i] = y[2 * i];
    yi[i] = y[2 * i + 1];
  }
  if (stats) {
    stats.steps += substeps;
    stats.evaluations += evaluations;
  }
  mirror(K, yr, yi);
  return { K, re: yr, im: yi };
}
