/**
 * The two-photon-driven Kerr resonator (PHYSICS.md §5): mean field, the NESS with an automatic cut-off, and the
 * Liouvillian spectrum per parity sector.
 *
 * Mean field (the expectation of the Heisenberg equation with <a†aa> → |α|²α, in the scaled variables α = <a>/√N):
 *   dα/dt = −(κ + iΔ + iu|α|²) α − i g ᾱ + ε.
 * Linearising about a steady state α (n = |α|²): d(δα)/dt = A δα + B δᾱ with A = −(κ + iΔ) − 2iu n, B = −i(uα² + g), so
 * the eigenvalues are λ = −κ ± √(|uα² + g|² − (Δ + 2un)²). At α = 0 (ε = 0): λ = −κ ± √(g² − Δ²), unstable for
 * g > g_th = √(κ² + Δ²). Nonzero branches at ε = 0: |κ + i(Δ + un)| = g, i.e. un = −Δ ± √(g² − κ²), with
 * e^{2iφ} = −ig/(κ + i(Δ + un)) and ±α (the Z₂ pair). For Δ ≥ 0 (u > 0) only the + root is positive and only above
 * g_th: a supercritical pitchfork (continuous). For Δ < 0 both roots exist for κ < g < g_th: a subcritical pitchfork
 * with a bistable window (a first-order transition), which the engine reports as it finds it.
 * With ε ≠ 0: (κ + i(Δ + un))α + igᾱ = ε gives α = ε(κ − i(Δ + un) − ig)/(κ² + (Δ + un)² − g²), so n solves
 *   n (κ² + (Δ + un)² − g²)² = ε² (κ² + (Δ + un + g)²)   (a quintic; real roots n ≥ 0 by a bracketing scan).
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { problemSpectrumWarm, spectrumProblem, type Complex, type LiouvillianSpectrum, type SpectrumOptions, type WarmStart } from '../kerr/spectrum.js';
import { modelNess } from '../kerr/steadyState.js';
import { twoPhotonKerrModel, validateTwoPhotonKerrParams, type TwoPhotonKerrParams } from './instances.js';
import type { ParitySector } from './liouvillian.js';

export interface TwoPhotonMeanFieldParams {
  kappa: number;
  delta: number;
  u: number;
  g: number;
  eps: number;
}

export interface TwoPhotonMeanFieldState {
  alpha_re: number;
  alpha_im: number;
  /** n = |α|² (scaled: <a†a> ≈ N n). */
  n: number;
  /** Eigenvalues of the linearisation (2×2, real Jacobian of (Re α, Im α)). */
  lambda: [Complex, Complex];
  stable: boolean;
}

/** g_th = √(κ² + Δ²): where α = 0 loses stability at ε = 0. */
export function twoPhotonThreshold(p: { kappa: number; delta: number }): number {
  return Math.hypot(p.kappa, p.delta);
}

/** Linearisation eigenvalues about α: −κ ± √(|uα² + g|² − (Δ + 2u|α|²)²). */
export function linearisation(p: TwoPhotonMeanFieldParams, ar: number, ai: number): [Complex, Complex] {
  const n = ar * ar + ai * ai;
  const br = p.u * (ar * ar - ai * ai) + p.g, bi = p.u * 2 * ar * ai;
  const d = br * br + bi * bi - (p.delta + 2 * p.u * n) ** 2;
  if (d >= 0) {
    const s = Math.sqrt(d);
    return [{ re: -p.kappa + s, im: 0 }, { re: -p.kappa - s, im: 0 }];
  }
  const w = Math.sqrt(-d);
  return [{ re: -p.kappa, im: w }, { re: -p.kappa, im: -w }];
}

function state(p: TwoPhotonMeanFieldParams, ar: number, ai: number): TwoPhotonMeanFieldState {
  const lambda = linearisation(p, ar, ai);
  return { alpha_re: ar, alpha_im: ai, n: ar * ar + ai * ai, lambda, stable: lambda[0].re < 0 && lambda[1].re < 0 };
}

/** Every mean-field steady state (ε = 0: α = 0 and the ± pairs; ε > 0: the real roots of the quintic). */
export function twoPhotonMeanFieldStates(p: TwoPhotonMeanFieldParams): TwoPhotonMeanFieldState[] {
  const { kappa, delta, u, g, eps } = p;
  const out: TwoPhotonMeanFieldState[] = [];
  if (eps === 0) {
    out.push(state(p, 0, 0));
    if (g > kappa && u > 0) {
      const r = Math.sqrt(g * g - kappa * kappa);
      for (const un of [-delta + r, -delta - r]) {
        if (!(un > 0)) continue;
        const n = un / u, D = delta + un;
        // e^{2iφ} = −ig/(κ + iD) = −ig(κ − iD)/(κ² + D²) = g(−D − iκ)/(κ² + D²)
        const phi2 = Math.atan2(-kappa, -D);
        const ar = Math.sqrt(n) * Math.cos(phi2 / 2), ai = Math.sqrt(n) * Math.sin(phi2 / 2);
        out.push(state(p, ar, ai), state(p, -ar, -ai));
      }
    }
    return out;
  }
  const f = (n: number): number => {
    const D = delta + u * n;
    return n * (kappa * kappa + D * D - g * g) ** 2 - eps * eps * (kappa * kappa + (D + g) ** 2);
  };
  // f(0) < 0 and f → +∞: scan [0, nMax] (nMax bounds every root: n(un)⁴ ≳ ε²(un)² there) and bisect each change
  const scale = Math.abs(delta) + g + kappa;
  const nMax = u > 0 ? 4 * (Math.cbrt((eps * eps) / (u * u)) + scale / u) + 1 : (4 * eps * eps) / Math.max(kappa * kappa - g * g, 1e-12) + 1;
  const S = 4000;
  let a = 0, fa = f(0);
  for (let i = 1; i <= S; i++) {
    const b = (nMax * i) / S, fb = f(b);
    if (fa === 0 || fa * fb < 0) {
      let lo = a, hi = b, flo = fa;
      for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, hi); it++) {
        const mid = 0.5 * (lo + hi), fm = f(mid);
        if (fm === 0) {
          lo = hi = mid;
          break;
        }
        if (flo * fm < 0) hi = mid;
        else {
          lo = mid;
          flo = fm;
        }
      }
      const n = 0.5 * (lo + hi), D = delta + u * n;
      const den = kappa * kappa + D * D - g * g;
      out.push(state(p, (eps * kappa) / den, (-eps * (D + g)) / den));
    }
    a = b;
    fa = fb;
  }
  return out;
}

/** Largest mean-field photon number N·n over the branches (the scale the Fock basis must hold). */
export function twoPhotonPhotonScale(params: TwoPhotonKerrParams): number {
  const { kappa, delta, u, g, eps, N } = params;
  const states = twoPhotonMeanFieldStates({ kappa, delta, u, g, eps });
  const nUp = states.length ? Math.max(...states.map((s) => s.n)) : 0;
  // near threshold the branch vanishes but the critical fluctuations hold ~√N photons (Kerr-limited squeezing)
  return Math.max(N * nUp, Math.sqrt(N) * (g / kappa));
}

/** Smallest cut-off the automatic choices accept: photons + 6√photons + 10, at least 12 (seed 000's rule). */
export function twoPhotonInitialCutoff(params: TwoPhotonKerrParams): number {
  const n = twoPhotonPhotonScale(params);
  return Math.max(12, Math.ceil(n + 6 * Math.sqrt(n) + 10));
}

export interface TwoPhotonNessOptions {
  /** Fixed cut-off (default: automatic, grown until the top two levels hold < tailTol). */
  K?: number;
  /** Population of the top two Fock levels accepted (default 1e-12). */
  tailTol?: number;
  kMax?: number;
  /** Solve in the even parity sector when ε = 0 (default true). */
  parity?: boolean;
}

/** The NESS of the two-photon-driven Kerr model, with the cut-off grown until the top two levels are empty. */
export function twoPhotonNess(params: TwoPhotonKerrParams, opts: TwoPhotonNessOptions = {}): { rho: ComplexMatrix; K: number; tail: number } {
  validateTwoPhotonKerrParams(params);
  const model = twoPhotonKerrModel(params);
  const tailTol = opts.tailTol ?? 1e-12, kMax = opts.kMax ?? 400;
  let K = opts.K ?? Math.min(kMax, twoPhotonInitialCutoff(params));
  for (;;) {
    const rho = modelNess(model, K, { parity: opts.parity });
    // two levels: with parity the top level alone can be an exactly empty odd/even level
    const tail = rho.re[(K - 1) * K + K - 1] + (K >= 2 ? rho.re[(K - 2) * K + K - 2] : 0);
    if (opts.K !== undefined || tail < tailTol || K >= kMax) return { rho, K, tail };
    K = Math.min(kMax, Math.ceil(1.2 * K));
  }
}

/**
 * Absolute K-convergence floor of the spectra (SpectrumOptions.absTol): 20·ε·max|L| at the cut-off K₀ the photon
 * number asks for (the solves' backward error is ~ε·max|L|, so consecutive K cannot agree better than a few times
 * that). Above threshold the odd sector's gap falls towards it (λ ≲ 1e-9 at N = 40): the relative test alone then
 * never passes and K climbed to 240 for nothing; with this floor K follows the state's photon number.
 */
export function spectrumAbsTol(params: TwoPhotonKerrParams): number {
  const K = 1.5 * twoPhotonInitialCutoff(params);
  const { kappa, delta, u, g, eta0, eps, N } = params;
  const maxL = 2 * kappa * K + Math.abs(delta) * K + ((u / N) * K * K) / 2 + g * K + (eta0 / N) * K * K + 2 * Math.sqrt(N) * eps * Math.sqrt(K);
  return 20 * Number.EPSILON * maxL;
}

/**
 * The smallest gap double precision resolves at these parameters: 2 × spectrumAbsTol (the K test's round-off floor).
 * A computed gap at or below it is round-off (the odd gap above threshold at N = 40 comes out ~1e-14): only
 * λ ≲ gapResolution is known, and every output says so instead of printing the value as a gap.
 */
export function gapResolution(params: TwoPhotonKerrParams): number {
  return 2 * spectrumAbsTol(params);
}

/** The rule, as file metadata states it (`resolution`); `unresolved` then lists the points it applies to. */
export const GAP_RESOLUTION_TEXT = 'a gap ≤ 2 × 20 ε_mach max|L| (the round-off floor of the K test, from N and g) is not resolved: only that upper bound is known';

/** The names of the gaps of one point at or below `bound` (a non-finite gap counts as unresolved too). */
export function gapsBelow(bound: number, gaps: [string, number][]): string[] {
  return gaps.filter(([, v]) => !(v > bound)).map(([name]) => name);
}

/** "N=40 g=1.5 (gap, gap_odd ≲ 6.9e-12)": one unresolved point as the metadata lists it. */
export function unresolvedText(label: string, bound: number, names: string[]): string {
  return `${label} (${names.join(', ')} ≲ ${bound.toExponential(1)})`;
}

export interface SectorSpectrum {
  sector: ParitySector;
  spectrum: LiouvillianSpectrum;
}

/**
 * The slowest eigenvalues of each parity sector (ε = 0): 'even' (m + n even: the NESS's sector, its ζ₀ = 0 deflated)
 * and 'odd' (m + n odd: <a>, the symmetry-breaking sector whose gap closes above threshold as N grows).
 */
export function twoPhotonSectorSpectra(
  params: TwoPhotonKerrParams,
  opts: SpectrumOptions = {},
  warm: Partial<Record<ParitySector, WarmStart>> = {},
  /** First K per sector (a sweep's previous point's K less one step: K only grows along g above threshold). */
  kStart: Partial<Record<ParitySector, number>> = {},
): { sectors: SectorSpectrum[]; warm: Partial<Record<ParitySector, WarmStart>> } {
  validateTwoPhotonKerrParams(params);
  if (params.eps !== 0) throw new RangeError('twoPhotonSectorSpectra: parity sectors need ε = 0');
  const model = twoPhotonKerrModel(params);
  const photons = twoPhotonPhotonScale(params), k0 = twoPhotonInitialCutoff(params);
  const sectors: SectorSpectrum[] = [];
  const nextWarm: Partial<Record<ParitySector, WarmStart>> = {};
  for (const sector of ['even', 'odd'] as const) {
    const ks = kStart[sector] !== undefined && opts.kStart === undefined ? { kStart: kStart[sector] } : {};
    const r = problemSpectrumWarm(spectrumProblem(model, sector), photons, k0, { absTol: spectrumAbsTol(params), ...ks, ...opts }, warm[sector]);
    sectors.push({ sector, spectrum: r.spectrum });
    nextWarm[sector] = r.warm;
  }
  return { sectors, warm: nextWarm };
}

/** The full spectrum (no sectors; any ε). */
export function twoPhotonSpectrum(params: TwoPhotonKerrParams, opts: SpectrumOptions = {}, warm?: WarmStart): { spectrum: LiouvillianSpectrum; warm: WarmStart } {
  validateTwoPhotonKerrParams(params);
  return problemSpectrumWarm(spectrumProblem(twoPhotonKerrModel(params)), twoPhotonPhotonScale(params), twoPhotonInitialCutoff(params), { absTol: spectrumAbsTol(params), ...opts }, warm);
}

export interface TwoPhotonGapPoint {
  N: number;
  g: number;
  /** Gap of each sector (ε = 0) and the overall gap min(even, odd). */
  gapEven: number;
  gapOdd: number;
  gap: number;
  K: number;
  converged: boolean;
  /** The absolute K-convergence floor used (spectrumAbsTol): a gap below a few times it is only "≲ floor". */
  floor: number;
}

/** Sector gaps against g for several N (the analogue of seed 000's Fig. 3), warm-started along g. */
export function twoPhotonGapSweep(
  base: Omit<TwoPhotonKerrParams, 'g' | 'N'>,
  Ns: number[],
  gs: number[],
  opts: Omit<SpectrumOptions, 'count' | 'K'> & { onPoint?: (p: TwoPhotonGapPoint, i: number, total: number) => void } = {},
): TwoPhotonGapPoint[] {
  const out: TwoPhotonGapPoint[] = [];
  const total = Ns.length * gs.length;
  for (const N of Ns) {
    let warm: Partial<Record<ParitySector, WarmStart>> = {};
    let kStart: Partial<Record<ParitySector, number>> = {};
    for (const g of gs) {
      const r = twoPhotonSectorSpectra({ ...base, N, g }, { ...opts, count: 1 }, warm, kStart);
      warm = r.warm;
      const [ev, od] = r.sectors.map((s) => s.spectrum);
      // the next point starts one K step below this one's converged K (its comparison pair), never below its own k0
      kStart = Object.fromEntries(r.sectors.map((s) => [s.sector, s.spectrum.kHistory.length >= 2 ? s.spectrum.kHistory[s.spectrum.kHistory.length - 2].K : s.spectrum.K]));
      const p: TwoPhotonGapPoint = {
        N,
        g,
        gapEven: ev.gap,
        gapOdd: od.gap,
        gap: Math.min(ev.gap, od.gap),
        K: Math.max(ev.K, od.K),
        converged: ev.converged && od.converged,
        floor: spectrumAbsTol({ ...base, N, g }),
      };
      out.push(p);
      opts.onPoint?.(p, out.length - 1, total);
    }
  }
  return out;
}
