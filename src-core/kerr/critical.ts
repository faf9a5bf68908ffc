/**
 * The critical pump ε_c(N) of the Kerr bistability (seed 000 Sec. II D; PHYSICS.md §1: "no closed form, the seed
 * quotes ε_c = 0.933 (numerical); report how the app defines it and show both"). Two definitions:
 *   - gap minimum: the pump where the Liouvillian gap λ(ε) = |Re ζ₁| is smallest (the tunnelling between the two
 *     branches is slowest where they have equal weight; this is where λ closes as N → ∞, seed Fig. 3);
 *   - steepest slope: the pump where d|<a>|/√N / dε is largest, from the exact Drummond–Walls NESS (exactSteadyState.ts),
 *     which is cheap even at N = 1000+ so its large-N limit can be read off directly.
 * The gap needs Fock-space diagonalisation, so its large-N value is an extrapolation of ε_c(N) in 1/N.
 */
import { exactNess } from './exactSteadyState.js';
import { bistableWindow } from './meanField.js';
import { validateKerrParams, type KerrParams } from './model.js';
import { liouvillianSpectrum, type SpectrumOptions } from './spectrum.js';
import { ParameterError } from '../validation.js';

/** The seed's quoted critical pump (Sec. II D). */
export const EPS_C_SEED = 0.933;

/**
 * Brent's minimisation (parabolic interpolation with golden-section safeguard) of f on [a, b]; returns x and f(x).
 * Converges to |Δx| ≲ xtol.
 */
export function brentMinimize(f: (x: number) => number, a: number, b: number, xtol = 1e-6, maxIter = 100): { x: number; f: number; evaluations: number } {
  const g = 0.3819660112501051; // (3 − √5)/2
  let x = a + g * (b - a), w = x, v = x;
  let fx = f(x), fw = fx, fv = fx;
  let d = 0, e = 0;
  let evaluations = 1;
  for (let it = 0; it < maxIter; it++) {
    const m = 0.5 * (a + b);
    const tol1 = xtol + 1e-12 * Math.abs(x), tol2 = 2 * tol1;
    if (Math.abs(x - m) <= tol2 - 0.5 * (b - a)) break;
    let golden = true;
    if (Math.abs(e) > tol1) {
      // parabola through (v, fv), (w, fw), (x, fx)
      let r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const eOld = e;
      e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * eOld) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = x < m ? tol1 : -tol1;
        golden = false;
      }
    }
    if (golden) {
      e = (x < m ? b : a) - x;
      d = g * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const fu = f(u);
    evaluations++;
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { x, f: fx, evaluations };
}

export interface CriticalOptions {
  /** Pump bracket to search (default: the mean-field window [ε−, ε+] widened by 0.1 each side). */
  from?: number;
  to?: number;
  /** Coarse scan points before the Brent refinement (default 13 for the gap, 201 for the slope). */
  scanPoints?: number;
  /** Pump tolerance of the refinement (default 1e-5). */
  xtol?: number;
  /** Options of the gap computations (tol, kMax). */
  spectrum?: Omit<SpectrumOptions, 'count' | 'K' | 'kStart'>;
  /** Called after each gap or exact-moment evaluation (progress of a long search; no effect on the result). */
  onEvaluation?: (e: { method: 'gap' | 'steepest'; N: number; eps: number }) => void;
}

export interface GapMinimum {
  N: number;
  eps_c: number;
  gap: number;
  K: number;
  /** False if the minimum sits on the edge of the bracket (no interior minimum found). */
  interior: boolean;
  converged: boolean;
  evaluations: number;
}

function bracket(params: Omit<KerrParams, 'eps'>, opts: CriticalOptions): [number, number] {
  const win = bistableWindow(params);
  const lo = opts.from ?? (win ? Math.max(0, win.epsMinus - 0.1) : 0.1);
  const hi = opts.to ?? (win ? win.epsPlus + 0.1 : 2);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo && lo >= 0))
    throw new ParameterError('from/to', 'finite pumps with 0 ≤ from < to', [lo, hi]);
  return [lo, hi];
}

/** ε_c as the pump of minimal Liouvillian gap at size N (scan on log λ, then Brent). */
export function gapMinimum(params: Omit<KerrParams, 'eps'>, opts: CriticalOptions = {}): GapMinimum {
  validateKerrParams({ ...params, eps: 1 });
  const [lo, hi] = bracket(params, opts);
  const pts = opts.scanPoints ?? 13;
  let evaluations = 0;
  let allConverged = true;
  const cache = new Map<number, { gap: number; K: number }>();
  const gapAt = (eps: number): { gap: number; K: number } => {
    const hit = cache.get(eps);
    if (hit) return hit;
    // start each evaluation at its own initial cut-off: Brent jumps around in ε, and inheriting the last K only ratchets up
    const s = liouvillianSpectrum({ ...params, eps }, { tol: 1e-7, ...opts.spectrum, count: 1 });
    evaluations++;
    opts.onEvaluation?.({ method: 'gap', N: params.N, eps });
    allConverged = allConverged && s.converged;
    const r = { gap: s.gap, K: s.K };
    cache.set(eps, r);
    return r;
  };
  // log λ: the minimum is exponentially deep at large N, the logarithm is close to a parabola there
  const xs = Array.from({ length: pts }, (_, i) => lo + ((hi - lo) * i) / (pts - 1));
  const ys = xs.map((x) => Math.log(gapAt(x).gap));
  let i0 = 0;
  for (let i = 1; i < pts; i++) if (ys[i] < ys[i0]) i0 = i;
  const interior = i0 > 0 && i0 < pts - 1;
  const a = xs[Math.max(0, i0 - 1)], b = xs[Math.min(pts - 1, i0 + 1)];
  const r = brentMinimize((x) => Math.log(gapAt(x).gap), a, b, opts.xtol ?? 1e-5);
  const best = gapAt(r.x);
  return { N: params.N, eps_c: r.x, gap: best.gap, K: best.K, interior, converged: allConverged, evaluations };
}

export interface SteepestSlope {
  N: number;
  eps_c: number;
  /** max d(|<a>|/√N)/dε. */
  slope: number;
  /** |<a>|/√N at ε_c. */
  alpha_abs: number;
}

/**
 * ε_c as the pump of steepest |<a>|/√N of the exact NESS. The step sharpens with N (width ~ 1/N), so: a coarse scan of
 * central-difference slopes, then repeated zooms (41 points on ±2 steps around the best) until the step is below
 * xtol, then Brent on −slope with a difference step of a tenth of the final grid step.
 */
export function steepestSlope(params: Omit<KerrParams, 'eps'>, opts: CriticalOptions = {}): SteepestSlope {
  validateKerrParams({ ...params, eps: 1 });
  let [lo, hi] = bracket(params, opts);
  const xtol = opts.xtol ?? 1e-6;
  const alpha = (eps: number) => {
    const a = exactNess({ ...params, eps }).alpha_abs;
    opts.onEvaluation?.({ method: 'steepest', N: params.N, eps });
    return a;
  };
  let pts = opts.scanPoints ?? 201;
  let x0 = lo, step = (hi - lo) / (pts - 1);
  for (let zoom = 0; zoom < 20; zoom++) {
    step = (hi - lo) / (pts - 1);
    const ys = Array.from({ length: pts }, (_, i) => alpha(lo + step * i));
    let i0 = 1, best = -Infinity;
    for (let i = 1; i < pts - 1; i++) {
      const sl = ys[i + 1] - ys[i - 1];
      if (sl > best) {
        best = sl;
        i0 = i;
      }
    }
    x0 = lo + step * i0;
    if (step < 20 * xtol) break;
    lo = Math.max(0, x0 - 2 * step);
    hi = x0 + 2 * step;
    pts = 41;
  }
  const h = step / 10;
  const slope = (x: number) => (alpha(x + h) - alpha(x - h)) / (2 * h);
  const r = brentMinimize((x) => -slope(x), Math.max(0, x0 - step), x0 + step, xtol);
  return { N: params.N, eps_c: r.x, slope: -r.f, alpha_abs: alpha(r.x) };
}

/** Least-squares fit y = a + b/N (+ c/N² if quadratic); returns the intercept a (the N → ∞ value). */
export function extrapolateInverseN(Ns: number[], ys: number[], quadratic = false): number {
  const cols = quadratic ? 3 : 2;
  if (Ns.length < cols) throw new RangeError('extrapolateInverseN: too few points');
  // normal equations (tiny system)
  const A = Array.from({ length: cols }, () => new Array<number>(cols).fill(0));
  const r = new Array<number>(cols).fill(0);
  for (let k = 0; k < Ns.length; k++) {
    const f = [1, 1 / Ns[k], 1 / (Ns[k] * Ns[k])].slice(0, cols);
    for (let i = 0; i < cols; i++) {
      r[i] += f[i] * ys[k];
      for (let j = 0; j < cols; j++) A[i][j] += f[i] * f[j];
    }
  }
  // Gaussian elimination
  for (let i = 0; i < cols; i++) {
    for (let j = i + 1; j < cols; j++) {
      const m = A[j][i] / A[i][i];
      for (let k = i; k < cols; k++) A[j][k] -= m * A[i][k];
      r[j] -= m * r[i];
    }
  }
  const x = new Array<number>(cols).fill(0);
  for (let i = cols - 1; i >= 0; i--) {
    let s = r[i];
    for (let k = i + 1; k < cols; k++) s -= A[i][k] * x[k];
    x[i] = s / A[i][i];
  }
  return x[0];
}

export interface LargeN {
  /** ε_c by steepest slope of the exact |<a>|/√N at large N (default N = 100, 1000, 3000). */
  steepest: SteepestSlope[];
  /** Extrapolation of the steepest-slope ε_c in 1/N from those sizes. */
  eps_c_steepest_extrapolated: number;
  /** ε_c by minimal gap at the Fock-space sizes used for the extrapolation (default N = 4, 6, 8, 10). */
  gap_min: GapMinimum[];
  /** Extrapolation of the gap-minimum ε_c in 1/N (linear least squares). */
  eps_c_gap_min_extrapolated: number;
}

/** Large-N behaviour of both definitions. */
export function criticalLargeN(
  base: Omit<KerrParams, 'eps' | 'N'>,
  opts: CriticalOptions & { steepestNs?: number[]; gapNs?: number[] } = {},
): LargeN {
  const steepestNs = opts.steepestNs ?? [100, 1000, 3000];
  const gapNs = opts.gapNs ?? [4, 6, 8, 10];
  const steepest = steepestNs.map((N) => steepestSlope({ ...base, N }, opts));
  // for N ≥ 4 the gap minimum lies well inside the mean-field window: a coarser scan of [ε−, ε+] suffices there
  const win = bistableWindow(base);
  const gapOpts: CriticalOptions = win
    ? { from: win.epsMinus, to: win.epsPlus, scanPoints: 7, xtol: 1e-4, ...opts }
    : opts;
  const gap_min = gapNs.map((N) => gapMinimum({ ...base, N }, gapOpts));
  return {
    steepest,
    eps_c_steepest_extrapolated: extrapolateInverseN(steepestNs, steepest.map((s) => s.eps_c)),
    gap_min,
    eps_c_gap_min_extrapolated: extrapolateInverseN(gapNs, gap_min.map((g) => g.eps_c)),
  };
}
