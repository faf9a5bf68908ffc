/**
 * The slowest Liouvillian eigenvalues of the Kerr model and the gap λ = min_{k≥1} |Re ζ_k| (seed 000 Sec. II D,
 * Fig. 3; PHYSICS.md §1 "Liouvillian spectrum").
 *
 * Method: shift-invert Krylov–Schur Arnoldi on OP = (L − σ)⁻¹, with L − σ as a stencil matrix on the K×K grid of
 * vec(ρ) (liouvillianStencil) factored once by the nested-dissection LU (gridLU.ts: O(K³) work, O(K² log K) factors),
 * so each Krylov step is one O(K² log K) solve. ShiftInvertSolvers keeps the factorisations of one computation; the
 * first one also serves the next cut-off of the convergence test (leading box).
 * ζ₀ = 0 (the NESS) is deflated exactly by working in the traceless subspace: every right eigenvector with ζ_k ≠ 0 is
 * traceless (1ᵀL = 0, the trace is the left eigenvector of ζ₀, so ζ_k tr ρ_k = 1ᵀLρ_k = 0) and OP maps traceless
 * matrices to traceless ones (1ᵀ(L − σ)⁻¹ = −1ᵀ/σ); each Krylov vector is projected back onto it (x ← x − tr(x)·1/K)
 * to remove round-off. The stored L has exactly zero column sums (see liouvillianBanded.ts), so this is exact.
 *
 * Shift: σ real > 0, right of the spectrum; shift-invert finds the count + 4 eigenvalues nearest σ. "Slowest" is by
 * |Re ζ|, and a complex pair −κ ± iω can be slower than a real mode nearer 0 (ε = 0.6, N = 10), so further shifts
 * σ + iy up the imaginary axis are added until the searched discs cover the strip where a slower mode could be
 * (coverStrip; a heuristic strip height from the mean-field frequencies, checked against dense spectra). Default
 * σ₀ = 1e-3·κ: the shift-invert error in ζ is ~ tol·|ζ − σ|, i.e. relative tol·(1 + σ/λ), so gaps down to ~1e-7·κ
 * (deep in the bistable window at N = 20, λ ≈ 4e-7) come out to ~1e-9 relative in one pass. Below TINY·σ₀ a second
 * pass at σ = |ζ₁| resolves the gap to full relative accuracy. The price of a small σ is round-off injected along
 * ρ_ss by the projection, relative eps·|ζ_k|/σ ≈ 1e-12 for the O(1) modes: harmless.
 *
 * K (Fock cut-off) is chosen by the convergence of the eigenvalues themselves: start from the mean-field upper-branch
 * photon number plus a margin, and grow K until the wanted eigenvalues change by less than `tol` (relative) between
 * consecutive K. The eigenvectors (differences of the two branches' states) need more Fock states than the NESS does.
 *
 * Warm starts (WarmStart): each pass starts from the Ritz vectors of the previous K's (or, in gapSweep, the previous
 * pump's) pass at the same shift; the acceptance tests are unchanged, so this changes the cost, not the accuracy.
 */
import { krylovSchur } from '../linalg/arnoldi.js';
import { gridLUFactor, gridLUSolve, stencilMatVec, type GridLU, type StencilMatrix } from '../linalg/gridLU.js';
import { ParameterError, checkNumber } from '../validation.js';
import { coefficient, hasParitySymmetry, lossKappa, type Model } from '../model/model.js';
import { kerrModelRaw } from '../model/instances.js';
import { modelStencil, modelSymbolic, type ParitySector } from '../model/liouvillian.js';
import { bistableWindow, meanFieldSteadyStates } from './meanField.js';
import { exactNess } from './exactSteadyState.js';
import { toRaw, validateKerrParams, type KerrParams, type KerrRaw } from './model.js';

export interface Complex {
  re: number;
  im: number;
}

export interface SpectrumOptions {
  /** Number of slowest eigenvalues ζ₁…ζ_count (ζ₀ = 0 excluded). Default 4. */
  count?: number;
  /** Fixed Fock cut-off K (no convergence loop). Default: automatic. */
  K?: number;
  /** Relative change of the eigenvalues between consecutive K that counts as converged. Default 1e-7. */
  tol?: number;
  /** Shift σ of the shift-invert (overrides the automatic choice and the second pass). */
  shift?: Complex;
  /**
   * Largest K the automatic choice may use (default 240: N = 40 outside the window needs ~200; one nested-dissection
   * factorisation at K = 240 holds ~110 MB).
   */
  kMax?: number;
  /** First K of the automatic choice (default: from the mean-field photon number). */
  kStart?: number;
  /**
   * Absolute floor of the K-convergence test: an eigenvalue whose change between consecutive K is ≤ absTol counts as
   * converged even when that exceeds tol·|ζ| (default none: relative only). For gaps near the round-off floor
   * ε·max|L| (the two-photon model's odd sector above threshold, λ ≲ 1e-9 at N = 40) the relative test never passes
   * and K climbs to kMax; with absTol at a few times that floor K stays where the state's photons are resolved.
   */
  absTol?: number;
  /** Called after each K of the automatic choice (progress of a long convergence loop; issue 12). */
  onK?: (step: KStep) => void;
}

export interface KStep {
  K: number;
  eigenvalues: Complex[];
  gap: number;
  converged: boolean;
  /** Largest relative change of the eigenvalues from the previous K (NaN for the first). */
  change: number;
}

export interface LiouvillianSpectrum {
  /** ζ₁…ζ_count, slowest first (smallest |Re ζ|; ties by |Im ζ|, then Im ≥ 0 first). */
  eigenvalues: Complex[];
  /** λ = |Re ζ₁|. */
  gap: number;
  /** Fock cut-off used. */
  K: number;
  /** Arnoldi converged and (automatic K) the eigenvalues converged in K. */
  converged: boolean;
  /** Error estimates |δζ_k| / |ζ_k| from the Arnoldi residuals (‖OP y − θy‖/|θ| · |ζ − σ| / |ζ|). */
  residuals: number[];
  /** The K sequence tried by the automatic choice (one entry for a fixed K). */
  kHistory: KStep[];
  /** Why it did not converge, if it did not. */
  note?: string;
}

const COUNT_RULE = { min: 1, max: 50, integer: true };
/** Default shift σ₀ = SIGMA0·κ (right of the spectrum, close to ζ₀ = 0 so that tiny gaps dominate OP). */
const SIGMA0 = 1e-3;
/** Second pass when |ζ| < TINY·σ₀ (relative error of the first pass would exceed ~tol/TINY). */
const TINY = 1e-4;
/** Extra shifts up the imaginary axis allowed for the |Re ζ| ordering check. */
const MAX_EXTRA_SHIFTS = 12;
const K_RULE = { min: 2, max: 400, integer: true };
export const K_MAX_DEFAULT = 240;
/** Bytes of factors the solvers of one computation keep (the oldest factorisations go first beyond it). */
const FACTOR_BUDGET = 240 * 2 ** 20;

/** Order: smallest |Re ζ| first; ties (|Δ|Re|| ≤ 1e-12 scale) by |Im ζ|, then Im ≥ 0 first. */
function slowestFirst(a: Complex, b: Complex): number {
  const d = Math.abs(a.re) - Math.abs(b.re);
  const tieScale = 1e-10 * Math.max(Math.abs(a.re), Math.abs(b.re), 1e-300);
  if (Math.abs(d) > tieScale) return d;
  const e = Math.abs(a.im) - Math.abs(b.im);
  if (Math.abs(e) > 1e-10 * Math.max(Math.abs(a.im), Math.abs(b.im), 1e-300)) return e;
  return b.im - a.im;
}

interface PassResult {
  zetas: Complex[];
  errs: number[];
  converged: boolean;
  /** The sum Σ_j y_j/(j+1) of the unit Ritz vectors (vec(ρ) in the order m·K + n): the warm start of a later pass. */
  vectors: { re: Float64Array; im: Float64Array }[];
}

/** Residual tolerance of the eigenvalues a pass only needs for the ordering and the searched radius. */
const LOOSE = 1e-3;
/**
 * Eigenvalues each pass resolves beyond the count wanted (for the |Re ζ| ordering and the searched disc). Measured
 * over the Fig. 3 sweep (N = 10, 20, every third pump): +6 → +4 cut the solves by 20 % and the time by 30 % with the
 * same gaps (≤ 3e-10 relative); +2 and +3 needed more imaginary-axis shifts (factorisations).
 */
const NEV_EXTRA = 4;

/** Krylov dimension per pass: 16…40 gave the same solve counts over a pump sweep at N = 10 (~50 per pass). */
const NCV = (nev: number): number => Math.max(2 * nev + 10, 24);

/**
 * Krylov size from which Arnoldi tests the Ritz pairs after every solve (arnoldi.ts checkFrom): the same acceptance
 * test, so the same accuracy, but a pass stops as soon as it is met. Measured at N = 20: solves per point 90 → 79
 * (ε = 0.933), 81 → 64 (ε = 1.2); over 11 pumps 1125 → 1011 (nev + 2, + 4 and + 8 gave the same counts).
 */
const CHECK_FROM = (nev: number): number => nev + 4;

/** Work counters (cumulative; the bench reads and resets them). They never influence a result. */
export const spectrumWork = { factorizations: 0, solves: 0, factorizedSize: 0, refined: 0 };

/** Growth max|U|/max|A| of a factorisation above which its solves are refined (backward error ~ growth · 2⁻⁵²). */
const GROWTH_LIMIT = 1e4;

const sameShift = (a: Complex, b: Complex): boolean => a.re === b.re && a.im === b.im;

/**
 * What one spectrum computation works on: a model of the model layer, optionally restricted to one parity sector
 * ((m + n) mod 2, when the model has the symmetry), and the coefficients the heuristics read (κ for the shift, Δ, U, G
 * for the searched strip, E for the round-off hint).
 */
export interface SpectrumProblem {
  model: Model;
  sector?: ParitySector;
  kappa: number;
  delta: number;
  U: number;
  G: number;
  E: number;
}

/** The problem of a model (and sector). */
export function spectrumProblem(model: Model, sector?: ParitySector): SpectrumProblem {
  if (sector && !hasParitySymmetry(model)) throw new RangeError('spectrum: a parity sector needs a model without one-photon drive');
  const kappa = lossKappa(model);
  if (!(kappa > 0)) throw new RangeError('spectrum: the model needs one-photon loss κ > 0 (it sets the shift)');
  return {
    model,
    sector,
    kappa,
    delta: coefficient(model, 'detuning'),
    U: coefficient(model, 'kerr'),
    G: coefficient(model, 'twoPhotonDrive'),
    E: coefficient(model, 'drive'),
  };
}

const isModel = (x: KerrRaw | Model | SpectrumProblem): x is Model => 'hamiltonian' in x;
const isProblem = (x: KerrRaw | Model | SpectrumProblem): x is SpectrumProblem => 'model' in x;
/** Seed 000's raw parameters, a model or a prepared problem, as a problem. */
function asProblem(x: KerrRaw | Model | SpectrumProblem): SpectrumProblem {
  return isProblem(x) ? x : spectrumProblem(isModel(x) ? x : kerrModelRaw(x));
}

/**
 * The factorisations of L − σ made by one spectrum computation, kept for reuse. A factorisation at K with a leading
 * box K₁ (gridLU.ts) also solves with L truncated at K₁ (a principal sub-matrix of the K one, see
 * liouvillianStencil), so the two cut-offs of the convergence-in-K test share one factorisation. Keeps the last few.
 */
export class ShiftInvertSolvers {
  private list: { K: number; box: number; sigma: Complex; F: GridLU; A?: StencilMatrix }[] = [];
  /**
   * While set, a factorisation asked for at cut-off `box` is made at `K` with that leading box, so that the next
   * cut-off of the convergence test finds it ready (same shifts, no second factorisation).
   */
  plan?: { K: number; box: number };
  private readonly problem: SpectrumProblem;
  constructor(raw: KerrRaw | Model | SpectrumProblem) {
    this.problem = asProblem(raw);
  }

  /** Factor at K (with a leading box of side `box`, 0 for none) unless a kept factorisation already serves both. */
  prepare(K: number, box: number, sigma: Complex): void {
    if (this.find(K, sigma) && (box === 0 || this.find(box, sigma))) return;
    const { model, sector } = this.problem;
    const A = modelStencil(model, K, sigma);
    let F = gridLUFactor(A, modelSymbolic(model, K, box, sector));
    spectrumWork.factorizations++;
    spectrumWork.factorizedSize += K;
    if (box > 0 && F.growth > GROWTH_LIMIT) {
      // the box's own block nearly singular (σ at an eigenvalue of L_K₁): factor without the box instead
      F = gridLUFactor(A, modelSymbolic(model, K, 0, sector));
      spectrumWork.factorizations++;
      spectrumWork.factorizedSize += K;
      box = 0;
    }
    // large growth: every solve gets one step of iterative refinement with the exact L (never seen at σ ≠ 0)
    const refine = F.growth > GROWTH_LIMIT;
    if (refine) spectrumWork.refined++;
    this.list.push({ K, box, sigma, F, A: refine ? A : undefined });
    // σ₀ and up to three imaginary-axis shifts (~40 MB each at K = 150), fewer at large K (FACTOR_BUDGET)
    const bytes = (e: { F: GridLU }) => 8 * (e.F.lf.length + e.F.uf.length);
    while (this.list.length > 1 && (this.list.length > 4 || this.list.reduce((a, e) => a + bytes(e), 0) > FACTOR_BUDGET)) this.list.shift();
  }

  private find(K: number, sigma: Complex): { K: number; box: number; sigma: Complex; F: GridLU; A?: StencilMatrix } | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i];
      if (sameShift(e.sigma, sigma) && (e.K === K || e.box === K)) return e;
    }
    return undefined;
  }

  /** x ← (L_K − σ)⁻¹ x on vectors m·K + n, from a kept factorisation or a new one. */
  solver(K: number, sigma: Complex, usePlan = true): (xr: Float64Array, xi: Float64Array) => void {
    let e = this.find(K, sigma);
    if (!e) {
      if (usePlan && this.plan && this.plan.box === K) this.prepare(this.plan.K, K, sigma);
      else this.prepare(K, 0, sigma);
      e = this.find(K, sigma)!;
    }
    const { F, A } = e;
    if (e.K !== K) return (xr, xi) => gridLUSolve(F, xr, xi, K);
    if (!A) return (xr, xi) => gridLUSolve(F, xr, xi);
    const n = K * K, rr = new Float64Array(n), ri = new Float64Array(n), br = new Float64Array(n), bi = new Float64Array(n);
    return (xr, xi) => {
      br.set(xr);
      bi.set(xi);
      gridLUSolve(F, xr, xi);
      stencilMatVec(A, xr, xi, rr, ri);
      for (let q = 0; q < n; q++) {
        rr[q] = br[q] - rr[q];
        ri[q] = bi[q] - ri[q];
      }
      gridLUSolve(F, rr, ri);
      for (let q = 0; q < n; q++) {
        xr[q] += rr[q];
        xi[q] += ri[q];
      }
    };
  }
}

/** One shift-invert pass at fixed K: the nev eigenvalues of L nearest σ, ζ₀ deflated. */
function shiftInvertPass(
  solvers: ShiftInvertSolvers,
  K: number,
  sigma: Complex,
  nev: number,
  count: number,
  arnoldiTol: number,
  tightBelow = Infinity,
  v0?: { re: Float64Array; im: Float64Array },
  usePlan = true,
  sector?: ParitySector,
): PassResult {
  const n = K * K;
  // vec(ρ) in the grid order m·K + n: ρ_mm at m·(K + 1)
  const solve = solvers.solver(K, sigma, usePlan);
  const parity = sector === 'odd' ? 1 : 0;
  const project = (xr: Float64Array, xi: Float64Array): void => {
    if (sector) {
      // stay in the sector: the solve leaves the other unknowns as they are (an eigenvalue θ = 1 of OP otherwise)
      for (let m = 0; m < K; m++)
        for (let c = (m + parity + 1) % 2; c < K; c += 2) {
          xr[m * K + c] = 0;
          xi[m * K + c] = 0;
        }
      if (sector === 'odd') return; // no diagonal elements: traceless already
    }
    let tr = 0, ti = 0;
    for (let m = 0; m < n; m += K + 1) {
      tr += xr[m];
      ti += xi[m];
    }
    tr /= K;
    ti /= K;
    for (let m = 0; m < n; m += K + 1) {
      xr[m] -= tr;
      xi[m] -= ti;
    }
  };
  const nevEff = Math.min(nev, n - 2);
  const toZeta = (t: Complex): Complex => {
    const t2 = t.re * t.re + t.im * t.im;
    return { re: sigma.re + t.re / t2, im: sigma.im - t.im / t2 };
  };
  // Tight tolerance on the count slowest (by |Re ζ|, and only below tightBelow) and their conjugate partners, loose (LOOSE) on the others, which only
  // decide the ordering and the searched radius: Arnoldi need not polish eigenvalues it will not report.
  const accept = (values: Complex[], residuals: number[]): boolean => {
    const idx = values.map((_, i) => i).sort((a, b) => slowestFirst(toZeta(values[a]), toZeta(values[b])));
    const tight = new Set(idx.slice(0, count).filter((i) => Math.abs(toZeta(values[i]).re) <= tightBelow));
    // and the conjugate partner of each (both members of a pair must be accurate for the pairing in finishAtK)
    for (const i of [...tight]) {
      const z = toZeta(values[i]);
      if (z.im === 0) continue;
      let best = -1, bd = Infinity;
      values.forEach((v, j) => {
        const w = toZeta(v);
        const d = Math.hypot(w.re - z.re, w.im + z.im);
        if (j !== i && d < bd) {
          bd = d;
          best = j;
        }
      });
      if (best >= 0 && bd < 1e-2 * Math.hypot(z.re, z.im)) tight.add(best);
    }
    for (let i = 0; i < idx.length; i++) if (residuals[idx[i]] > (tight.has(idx[i]) ? arnoldiTol : Math.max(arnoldiTol, LOOSE))) return false;
    return true;
  };
  const res = krylovSchur(n, (xr, xi) => (spectrumWork.solves++, solve(xr, xi)), {
    nev: nevEff,
    tol: arnoldiTol,
    accept,
    project,
    v0,
    vectors: 'sum',
    maxRestarts: 300,
    ncv: NCV(nevEff),
    checkFrom: CHECK_FROM(nevEff),
  });
  const zetas: Complex[] = [];
  const errs: number[] = [];
  for (let i = 0; i < res.values.length; i++) {
    const z = toZeta(res.values[i]); // ζ = σ + 1/θ
    const dist = Math.hypot(z.re - sigma.re, z.im - sigma.im);
    zetas.push(z);
    // an Arnoldi residual of exactly 0 (an invariant Krylov subspace) is below round-off, not exact: floor it at ε
    errs.push((Math.max(res.residuals[i], Number.EPSILON) * dist) / Math.max(Math.hypot(z.re, z.im), 1e-300));
  }
  return { zetas, errs, converged: res.converged, vectors: res.vectors };
}

/**
 * Half-height Y of the strip where slow modes can sit: the linearised (Bogoliubov) frequencies about a mean-field state
 * with U·n = x are ω(x) = √((Δ + 2x)² − x²) (real part of the Jacobian's eigenvalues −κ ± iω, PHYSICS.md §1 mean field);
 * the Liouvillian modes near a branch are ≈ −jκ + i·(sums of j terms ±ω), j = 1, 2, …, plus tunnelling modes near the
 * real axis. This returns Ω = 1.1·max ω over x ∈ [0, U·nMax]; modes with |Re ζ| ≤ r are searched up to
 * |Im ζ| ≤ Y(r) = max(1, r/κ)·Ω + κ (a heuristic bound, not a theorem: it decides how far up the imaginary axis the
 * extra shifts go; the Arnoldi vs dense tests check it).
 */
export function imaginaryExtent(raw: { delta: number; U: number; G?: number }, nMax: number): number {
  // with a two-photon drive G the squeezing term of the linearisation is Uα² + G, |Uα² + G| ≥ |x − |G||: the bound
  // below reduces to seed 000's for G = 0
  let w = 0;
  const xMax = raw.U * Math.max(nMax, 0);
  const G = Math.abs(raw.G ?? 0);
  for (let i = 0; i <= 64; i++) {
    const x = (xMax * i) / 64;
    const a = raw.delta + 2 * x;
    const b = G === 0 ? x : x - G;
    w = Math.max(w, Math.sqrt(Math.max(0, a * a - b * b)));
  }
  return 1.1 * w;
}

interface Found {
  z: Complex;
  e: number;
}

/**
 * Add eigenvalues not yet in the list, keeping the better error estimate of a duplicate. Two values are the same
 * eigenvalue when they agree within 1e-8 relative or within three times their combined error estimates: a pass whose
 * shift is far away (an imaginary-axis shift) also finds ζ₁ of the bistable window, but only to relative accuracy
 * ~tol·|ζ₁ − σ|/|ζ₁| ~ 1e-4, and must not add it a second time (that made a spurious pair at count = 4).
 */
function merge(into: Found[], more: Found[]): void {
  for (const f of more) {
    const af = Math.hypot(f.z.re, f.z.im);
    const j = into.findIndex((g) => {
      const d = Math.hypot(g.z.re - f.z.re, g.z.im - f.z.im);
      return d <= Math.max(1e-8 * Math.max(af, 1e-300), 3 * (f.e * af + g.e * Math.hypot(g.z.re, g.z.im)));
    });
    if (j < 0) into.push(f);
    else if (f.e < into[j].e) into[j] = f;
  }
}

/**
 * Whether the discs |ζ − σ_j| ≤ R_j cover the rectangle −rc ≤ Re ζ ≤ 0, 0 ≤ Im ζ ≤ Y (conjugation symmetry covers
 * Im < 0); returns the lowest uncovered Im, or null if covered. Checked on a grid fine against the discs' size.
 */
function lowestUncovered(discs: { c: Complex; R: number }[], rc: number, Y: number): number | null {
  const nx = 8, ny = 200;
  for (let j = 0; j <= ny; j++) {
    const y = (Y * j) / ny;
    for (let i = 0; i <= nx; i++) {
      const x = (-rc * i) / nx;
      if (!discs.some((d) => Math.hypot(x - d.c.re, y - d.c.im) <= d.R)) return y;
    }
  }
  return null;
}

interface AtKOptions {
  shift?: Complex;
  arnoldiTol?: number;
  imagExtent?: number;
  /** Run the imaginary-axis shifts of the |Re ζ| ordering check (default true). */
  coverage?: boolean;
  /** Factorisations to reuse (default: a fresh set). */
  solvers?: ShiftInvertSolvers;
  /** Krylov vectors of an earlier computation (previous K, previous pump): start vectors for passes at the same shifts. */
  warm?: WarmStart;
}

/**
 * The Ritz vectors of each shift-invert pass of one computation (vec(ρ) in the order m·K + n at cut-off K). A pass at
 * the same shift in the next computation (the next K, or the next pump of a sweep) starts from their sum: the slow
 * modes change little, so its Krylov space holds them after a few solves. Arnoldi's acceptance test is unchanged, so
 * this changes the cost, not the accuracy.
 */
export interface WarmStart {
  passes: { sigma: Complex; K: number; vectors: { re: Float64Array; im: Float64Array }[] }[];
  /**
   * The imaginary-axis shifts changed the answer at the first K (a complex pair is the slowest mode): the next pump
   * then runs them at its first K straight away, factored together with the second K (one factorisation per shift).
   */
  coverFirst?: boolean;
}

/** `newer`'s passes, plus `older`'s at shifts `newer` has not used (those may still be asked for). */
function mergeWarm(newer: WarmStart, older?: WarmStart): WarmStart {
  if (!older) return { passes: newer.passes };
  return { passes: [...newer.passes, ...older.passes.filter((q) => !newer.passes.some((p) => sameShift(p.sigma, q.sigma)))] };
}

/** Start vector at cut-off K from an earlier pass at K₀ (its Ritz-vector sum, PassResult.vectors), cut or zero-padded. */
function warmVector(vectors: { re: Float64Array; im: Float64Array }[], K0: number, K: number): { re: Float64Array; im: Float64Array } | undefined {
  if (vectors.length === 0) return undefined;
  const re = new Float64Array(K * K), im = new Float64Array(K * K);
  const k = Math.min(K0, K);
  for (const v of vectors)
    for (let m = 0; m < k; m++)
      for (let n = 0; n < k; n++) {
        re[m * K + n] += v.re[m * K0 + n];
        im[m * K + n] += v.im[m * K0 + n];
      }
  return { re, im };
}

/** Work state of one K: the eigenvalues found so far and the discs searched. */
interface AtKState {
  raw: SpectrumProblem;
  K: number;
  count: number;
  opts: AtKOptions;
  solvers: ShiftInvertSolvers;
  sigma0: Complex;
  /** The passes made at this K (shift and Ritz vectors): the warm start of the next computation. */
  passes: WarmStart['passes'];
  arnoldiTol: number;
  found: Found[];
  discs: { c: Complex; R: number }[];
  shifts: Complex[];
  converged: boolean;
  complete: boolean;
  covered: boolean;
}

export interface AtKResult {
  eigenvalues: Complex[];
  residuals: number[];
  converged: boolean;
  /** The searched discs cover the strip where a slower mode could hide (false if the check was skipped or failed). */
  complete: boolean;
  searched: number;
  shifts: Complex[];
}

function passInto(st: AtKState, sigma: Complex, tightBelow?: number): PassResult {
  const n = st.K * st.K;
  const w = st.opts.warm;
  const old = w?.passes.find((q) => sameShift(q.sigma, sigma));
  const v0 = old ? warmVector(old.vectors, old.K, st.K) : undefined;
  const p = shiftInvertPass(st.solvers, st.K, sigma, Math.min(n - 3, st.count + NEV_EXTRA), st.count, st.arnoldiTol, tightBelow, v0, true, st.raw.sector);
  st.passes.push({ sigma, K: st.K, vectors: p.vectors });
  st.converged = st.converged && p.converged;
  st.shifts.push(sigma);
  let R = 0;
  for (const z of p.zetas) R = Math.max(R, Math.hypot(z.re - sigma.re, z.im - sigma.im));
  st.discs.push({ c: sigma, R });
  merge(
    st.found,
    p.zetas.map((z, i) => ({ z, e: p.errs[i] })),
  );
  return p;
}

function startAtK(raw: SpectrumProblem, K: number, count: number, opts: AtKOptions): AtKState {
  const n = K * K;
  if (count > n - 3) throw new ParameterError('count', `an integer ≤ K² − 3 = ${n - 3} at K = ${K}`, count);
  const st: AtKState = {
    raw,
    K,
    count,
    opts,
    solvers: opts.solvers ?? new ShiftInvertSolvers(raw),
    sigma0: opts.shift ?? { re: SIGMA0 * raw.kappa, im: 0 },
    arnoldiTol: opts.arnoldiTol ?? 1e-12,
    found: [],
    discs: [],
    shifts: [],
    passes: [],
    converged: true,
    complete: false,
    covered: false,
  };
  passInto(st, st.sigma0);
  return st;
}

/**
 * Shift-invert finds the eigenvalues nearest σ, but "slowest" means smallest |Re ζ|: a complex pair −κ ± iω can be
 * slower than a real mode of smaller |ζ| (ε = 0.6, N = 10). Add shifts up the imaginary axis until the searched discs
 * cover the strip |Re ζ| ≤ |Re ζ_count|, 0 ≤ Im ζ ≤ Y (Im < 0 by conjugation symmetry), so no slower mode can hide.
 */
function coverStrip(st: AtKState, plannedShifts?: Complex[]): void {
  if (st.covered) return;
  st.covered = true;
  const Omega = st.opts.imagExtent ?? imaginaryExtent(st.raw, st.K / 2);
  const kappa = st.raw.kappa;
  // the shifts an earlier computation needed (another K, the previous pump) first: their Krylov vectors (and maybe
  // factorisations) exist, and the discs tend to land where they are needed again
  const planned = st.opts.shift
    ? []
    : (plannedShifts ?? (st.opts.warm?.passes ?? []).map((q) => q.sigma)).filter((z) => !sameShift(z, st.sigma0));
  for (let extra = 0; ; extra++) {
    const sorted = st.found.map((f) => f.z).sort(slowestFirst);
    const rc = Math.abs(sorted[Math.min(st.count, sorted.length) - 1].re);
    const Y = Math.max(1, rc / kappa) * Omega + kappa;
    const yu = lowestUncovered(st.discs, rc, Y);
    if (yu === null) {
      st.complete = true;
      return;
    }
    if (extra >= MAX_EXTRA_SHIFTS || st.opts.shift) return;
    const last = st.discs[st.discs.length - 1];
    const yc = Math.min(Y, yu + 0.5 * last.R);
    const next = planned.length > 0 ? planned.shift()! : { re: st.sigma0.re, im: yc };
    // only modes slower than the current count-th need the tight tolerance here; the rest just bound the disc
    passInto(st, next, rc * (1 + 1e-6));
  }
}

/** The count slowest from the state: tiny-gap second pass, conjugate pairing, |Re ζ| ordering. */
function finishAtK(st: AtKState): AtKResult {
  const { raw, K, count, sigma0, arnoldiTol } = st;
  const n = K * K;
  let found = st.found.slice();
  let converged = st.converged;
  if (!st.opts.shift) {
    // extremely small gap: resolve the slow modes with a shift next to them (relative accuracy tol instead of tol·σ/λ)
    const cut = sigma0.re * TINY;
    const tiny = found.filter((p) => Math.hypot(p.z.re, p.z.im) < cut);
    if (tiny.length > 0) {
      const z1 = tiny.reduce((a, b) => (Math.hypot(a.z.re, a.z.im) < Math.hypot(b.z.re, b.z.im) ? a : b)).z;
      const sigma2 = { re: Math.max(Math.abs(z1.re), 1e-300), im: 0 };
      const p2 = shiftInvertPass(st.solvers, K, sigma2, Math.min(n - 3, tiny.length + 2), tiny.length, arnoldiTol, Infinity, undefined, false, st.raw.sector);
      converged = converged && p2.converged;
      const fine = p2.zetas.map((z, i) => ({ z, e: p2.errs[i] })).filter((p) => Math.hypot(p.z.re, p.z.im) < 10 * cut);
      found = found.filter((p) => Math.hypot(p.z.re, p.z.im) >= 10 * cut).concat(fine);
    }
  }
  // L(ρ†) = L(ρ)†: the spectrum is closed under conjugation. Pair each complex eigenvalue with its partner and make
  // the pair exactly symmetric (so the ordering cannot flip between the two members), or add a missing partner.
  const out: Found[] = [];
  const used = new Set<number>();
  for (let i = 0; i < found.length; i++) {
    if (used.has(i)) continue;
    const p = found[i];
    const scale = Math.max(Math.hypot(p.z.re, p.z.im), 1e-300);
    if (Math.abs(p.z.im) <= 1e-6 * scale) {
      out.push({ z: { re: p.z.re, im: 0 }, e: p.e });
      continue;
    }
    let j = -1;
    for (let q = 0; q < found.length; q++)
      if (q !== i && !used.has(q) && Math.hypot(found[q].z.re - p.z.re, found[q].z.im + p.z.im) <= 1e-6 * scale) j = q;
    const re = j >= 0 ? 0.5 * (p.z.re + found[j].z.re) : p.z.re;
    const im = j >= 0 ? 0.5 * (Math.abs(p.z.im) + Math.abs(found[j].z.im)) : Math.abs(p.z.im);
    const e = j >= 0 ? Math.max(p.e, found[j].e) : p.e;
    if (j >= 0) used.add(j);
    used.add(i);
    out.push({ z: { re, im }, e }, { z: { re, im: -im }, e });
  }
  out.sort((a, b) => slowestFirst(a.z, b.z));
  const chosen = out.slice(0, count);
  return {
    eigenvalues: chosen.map((p) => p.z),
    residuals: chosen.map((p) => p.e),
    converged,
    complete: st.complete,
    searched: out.length,
    shifts: st.shifts.slice(),
  };
}

/**
 * The count slowest eigenvalues at a fixed K (with the |Re ζ| ordering check unless coverage: false), of seed 000's
 * Kerr model (raw parameters), of any model, or of one parity sector of a model (spectrumProblem).
 */
export function spectrumAtK(raw: KerrRaw | Model | SpectrumProblem, K: number, count: number, opts: AtKOptions = {}): AtKResult {
  const st = startAtK(asProblem(raw), K, count, opts);
  if (opts.coverage !== false) coverStrip(st);
  return finishAtK(st);
}

function whyNot(r: { converged: boolean; complete: boolean; searched: number }): string {
  return !r.converged
    ? 'Arnoldi did not reach its residual tolerance'
    : `the ${r.searched} eigenvalues searched near the shift may miss a slower mode with a large imaginary part`;
}

/** Largest relative distance from each of `b` to its nearest in `a` (matching is by nearest, not by index). */
/** Every eigenvalue of b within max(tol·|z|, absTol) of its nearest in a. */
function withinAbs(a: Complex[], b: Complex[], tol: number, absTol: number): boolean {
  for (const z of b) {
    let best = Infinity;
    for (const w of a) best = Math.min(best, Math.hypot(z.re - w.re, z.im - w.im));
    if (!(best <= Math.max(tol * Math.hypot(z.re, z.im), absTol))) return false;
  }
  return true;
}

function maxRelativeChange(a: Complex[], b: Complex[]): number {
  let worst = 0;
  for (const z of b) {
    let best = Infinity;
    for (const w of a) best = Math.min(best, Math.hypot(z.re - w.re, z.im - w.im));
    worst = Math.max(worst, best / Math.max(Math.hypot(z.re, z.im), 1e-300));
  }
  return worst;
}

/**
 * The photon number the slow eigenvectors must hold: the largest mean-field branch N·n at ε, and, just below the
 * window (0.8·ε− ≤ ε < ε−), the upper branch's turning point N·n+ (its "ghost" still carries a slow mode there: at
 * N = 20, ε = 0.65 the gap is 0.335 with the ghost resolved and 0.502 without it, and both look converged in K if the
 * basis cannot reach it). The larger of that and the exact NESS mean.
 */
export function photonScale(params: KerrParams): number {
  const { kappa, delta, u, eps, N } = params;
  const states = meanFieldSteadyStates({ kappa, delta, u, eps });
  let nUp = states.length ? Math.max(...states.map((s) => s.n)) : 0;
  const win = bistableWindow({ kappa, delta, u });
  if (win && eps < win.epsMinus && eps >= 0.8 * win.epsMinus) nUp = Math.max(nUp, win.nPlus);
  let n = nUp * N;
  try {
    // at small N the exact mean can exceed the mean-field branch (the variance is no guide: the NESS is bimodal)
    const ex = exactNess(params);
    if (Number.isFinite(ex.n)) n = Math.max(n, ex.n);
  } catch {
    /* the exact formula is a refinement only */
  }
  return n;
}

/**
 * Starting (and smallest accepted) cut-off: photonScale plus ~6 coherent-state standard deviations and a floor. Never
 * start below it: a basis that cannot hold the upper branch gives a wrong gap that is nevertheless stable in K.
 */
export function initialCutoff(params: KerrParams): number {
  const n = photonScale(params);
  return Math.max(12, Math.ceil(n + 6 * Math.sqrt(n) + 10));
}

/**
 * Relative step between the cut-offs the automatic choice compares (at least 6). The eigenvalues converge faster than
 * exponentially in K once the basis holds the slow modes (N = 20, ε = 0.933: relative error 2e-2 at K = 80, 5e-8 at
 * K = 100), so a step of 6 % sees a truncation error as well as one of 12 %: over the Fig. 3 sweep (N = 5, 10, 20,
 * every third pump) both gave the same gaps to 3e-10 and every point converged; 6 % factors a smaller second K.
 */
const KSTEP = 0.06;
/** The cut-off after K in the automatic choice. */
function nextCutoff(K: number, kMax: number): number {
  return Math.min(kMax, K + Math.max(6, Math.ceil(KSTEP * K)));
}

/** The count slowest Liouvillian eigenvalues (ζ₀ = 0 excluded) and the gap, with K chosen by their convergence. */
export function liouvillianSpectrum(params: KerrParams, opts: SpectrumOptions = {}): LiouvillianSpectrum {
  return spectrumWarm(params, opts).spectrum;
}

/**
 * liouvillianSpectrum, starting its Krylov spaces from an earlier computation's (`warm`, e.g. the previous pump of a
 * sweep) and returning its own for the next one. Same acceptance tests, so the same accuracy; fewer solves.
 */
export function spectrumWarm(params: KerrParams, opts: SpectrumOptions = {}, warm?: WarmStart): { spectrum: LiouvillianSpectrum; warm: WarmStart } {
  validateKerrParams(params);
  return problemSpectrumWarm(asProblem(toRaw(params)), photonScale(params), initialCutoff(params), opts, warm);
}

/**
 * The spectrum of any model (or one parity sector of it: spectrumProblem), K chosen by convergence as for seed 000's
 * model. `photons` is the photon number the slow eigenvectors must hold (seed 000: photonScale; the two-photon model:
 * its mean-field branch), `k0` the smallest cut-off to accept (initialCutoff's rule: photons + 6√photons + 10, ≥ 12).
 */
export function problemSpectrumWarm(
  raw: SpectrumProblem,
  photons: number,
  k0: number,
  opts: SpectrumOptions = {},
  warm?: WarmStart,
): { spectrum: LiouvillianSpectrum; warm: WarmStart } {
  const count = checkNumber('count', opts.count ?? 4, COUNT_RULE);
  const tol = checkNumber('tol', opts.tol ?? 1e-7, { min: 1e-14, max: 1e-2 });
  if (opts.shift && !(Number.isFinite(opts.shift.re) && Number.isFinite(opts.shift.im)))
    throw new ParameterError('shift', 'a finite complex number', opts.shift);
  // Arnoldi residual → relative error of ζ₁ ≈ res·(1 + σ/λ) ≤ 1e2·res above the second-pass threshold
  const arnoldiTol = Math.min(1e-9, Math.max(1e-13, tol * 1e-3));
  const Omega = imaginaryExtent(raw, photons);
  const solvers = new ShiftInvertSolvers(raw);
  const atK: AtKOptions = { shift: opts.shift, arnoldiTol, imagExtent: Omega, solvers };
  const warmOf = (st: AtKState): WarmStart => ({ passes: st.passes.slice() });
  if (opts.K !== undefined) {
    const K = checkNumber('K', opts.K, K_RULE);
    const st = startAtK(raw, K, count, { ...atK, warm });
    coverStrip(st);
    const r = finishAtK(st);
    const gap = Math.abs(r.eigenvalues[0].re);
    const ok = r.converged && r.complete;
    return {
      spectrum: {
        eigenvalues: r.eigenvalues,
        gap,
        K,
        converged: ok,
        residuals: r.residuals,
        kHistory: [{ K, eigenvalues: r.eigenvalues, gap, converged: ok, change: NaN }],
        note: ok ? undefined : whyNot(r),
      },
      warm: warmOf(st),
    };
  }
  const kMax = checkNumber('kMax', opts.kMax ?? K_MAX_DEFAULT, K_RULE);
  const absTol = opts.absTol === undefined ? undefined : checkNumber('absTol', opts.absTol, { min: 0, max: 1 });
  let K = Math.min(kMax, Math.max(k0, opts.kStart !== undefined ? checkNumber('kStart', opts.kStart, K_RULE) : k0));
  const count3 = Math.ceil(Math.sqrt(count + 3)) + 1; // K² must exceed nev comfortably
  K = Math.max(K, count3);
  const history: KStep[] = [];
  let prev: { st: AtKState; r: AtKResult } | undefined;
  let prevWarm = warm;
  let coverChangedFirst = false;
  for (;;) {
    // The first K and the next one are factored together at σ₀ (leading box, ShiftInvertSolvers.plan). The
    // imaginary-axis shifts of the |Re ζ| ordering check run at every later K; at the first K only when they changed the
    // answer at the second (a slower complex pair), so that consecutive K always compare like with like. Every pass
    // starts from the Krylov vectors of the previous K (or pump) at the same shift.
    const kNext = nextCutoff(K, kMax);
    const first = prev === undefined;
    solvers.plan = first && kNext > K ? { K: kNext, box: K } : undefined;
    const st = startAtK(raw, K, count, { ...atK, warm: prevWarm });
    if (first && warm?.coverFirst && K < kMax) {
      // the previous pump's slowest mode came from these shifts: search them now, with the plan still set
      const before = slowestFound(st);
      coverStrip(st);
      coverChangedFirst = maxRelativeChange(before, slowestFound(st)) > 1e-9;
    }
    solvers.plan = undefined;
    if (!first || K >= kMax) {
      const before = slowestFound(st);
      coverStrip(st);
      if (prev && !prev.st.covered && maxRelativeChange(before, slowestFound(st)) > 1e-9) {
        coverChangedFirst = true;
        coverStrip(prev.st, st.shifts);
        prev.r = finishAtK(prev.st);
        history[history.length - 1].eigenvalues = prev.r.eigenvalues;
        history[history.length - 1].gap = Math.abs(prev.r.eigenvalues[0].re);
        history[history.length - 1].converged = prev.r.converged && prev.r.complete;
      }
    }
    const r = finishAtK(st);
    const change = prev ? maxRelativeChange(prev.r.eigenvalues, r.eigenvalues) : NaN;
    const kConverged = prev !== undefined && (change <= tol || (absTol !== undefined && withinAbs(prev.r.eigenvalues, r.eigenvalues, tol, absTol)));
    history.push({ K, eigenvalues: r.eigenvalues, gap: Math.abs(r.eigenvalues[0].re), converged: r.converged && r.complete, change });
    opts.onK?.(history[history.length - 1]);
    if (kConverged || K >= kMax) {
      const ok = kConverged && r.converged && r.complete;
      return {
        spectrum: {
          eigenvalues: r.eigenvalues,
          gap: Math.abs(r.eigenvalues[0].re),
          K,
          converged: ok,
          residuals: r.residuals,
          kHistory: history,
          note: ok
            ? undefined
            : !kConverged
              ? `eigenvalues not converged in K by K = ${K} (last relative change ${change.toExponential(2)} > ${tol})` +
                (history.length >= 3 ? precisionHint(raw, K, r.eigenvalues, tol) : '')
              : whyNot(r),
        },
        warm: { ...mergeWarm(warmOf(st), prevWarm), coverFirst: coverChangedFirst },
      };
    }
    prev = { st, r };
    prevWarm = mergeWarm(warmOf(st), prevWarm);
    K = kNext;
  }
}

/**
 * Why K-convergence can stall: double precision resolves an eigenvalue only to ~ε·max|L_ij| absolute (the solves'
 * backward error), which for the tunnelling gap deep in the window at large N (λ ~ 1e-10 at N = 30) is more than
 * tol·λ. Then no K converges; say so.
 */
function precisionHint(raw: SpectrumProblem, K: number, zetas: Complex[], tol: number): string {
  const h = (n: number) => raw.delta * n + 0.5 * raw.U * n * (n - 1);
  let hMax = 0;
  for (let n = 0; n < K; n++) hMax = Math.max(hMax, Math.abs(h(n) - h(0)), Math.abs(h(n) - h(K - 1)));
  const scale = 2 * raw.kappa * K + hMax + 2 * Math.abs(raw.E) * Math.sqrt(K) + Math.abs(raw.G) * K;
  const floor = Math.max(...zetas.map((z) => (Number.EPSILON * scale) / Math.max(Math.hypot(z.re, z.im), 1e-300)));
  return floor > 1e-2 * tol
    ? `; the smallest |ζ| is only ${(1 / floor).toExponential(1)} ε·max|L|: round-off (backward error ~ε·max|L|) may limit its relative accuracy to ~${floor.toExponential(1)}`
    : '';
}

/** The count slowest found so far (no second pass or pairing): enough to see whether a search changed the answer. */
function slowestFound(st: AtKState): Complex[] {
  return st.found
    .map((f) => f.z)
    .sort(slowestFirst)
    .slice(0, st.count);
}

/** λ = |Re ζ₁| with the same options (count defaults to 1 here: only the slowest mode is needed). */
export function liouvillianGap(params: KerrParams, opts: SpectrumOptions = {}): number {
  return liouvillianSpectrum(params, { count: 1, ...opts }).gap;
}

export interface GapPoint {
  N: number;
  eps: number;
  gap: number;
  K: number;
  zeta1: Complex;
  converged: boolean;
}

export interface GapSweepOptions extends Omit<SpectrumOptions, 'count' | 'K'> {
  /** Called after each point (progress, streaming). */
  onPoint?: (p: GapPoint, index: number, total: number) => void;
}

/** Evenly spaced pumps from..to inclusive (points ≥ 2), or [from] for points = 1. */
export function pumpGrid(from: number, to: number, points: number): number[] {
  if (points === 1) return [from];
  return Array.from({ length: points }, (_, i) => from + ((to - from) * i) / (points - 1));
}

/**
 * The gap against the pump for several N (seed Fig. 3). Pure: no I/O; progress through onPoint. Along each N the
 * previous point's cut-offs seed the next one's, so most points need only two, and its Krylov vectors start the next
 * one's passes.
 */
export function gapSweep(
  base: Omit<KerrParams, 'eps' | 'N'>,
  Ns: number[],
  epsList: number[],
  opts: GapSweepOptions = {},
): GapPoint[] {
  const out: GapPoint[] = [];
  const total = Ns.length * epsList.length;
  for (const N of Ns) {
    let lastK: number | undefined;
    let warm: WarmStart | undefined;
    for (const eps of epsList) {
      const params = validateKerrParams({ ...base, N, eps });
      // start at the previous point's last compared-but-not-accepted K (its accepted K is one convergence step above
      // it), never below this point's own floor (see initialCutoff): a point that needed several steps lets the next
      // skip them, a point that needed one does not ratchet K up for the rest
      const kStart = lastK;
      // the previous pump's Krylov vectors start this one's passes (eigenvectors move little between pumps)
      const w = spectrumWarm(params, { ...opts, count: 1, kStart }, warm);
      const s = w.spectrum;
      warm = w.warm;
      lastK = s.kHistory.length >= 2 ? s.kHistory[s.kHistory.length - 2].K : undefined;
      const p: GapPoint = { N, eps, gap: s.gap, K: s.K, zeta1: s.eigenvalues[0], converged: s.converged };
      out.push(p);
      opts.onPoint?.(p, out.length - 1, total);
    }
  }
  return out;
}
