/**
 * Maximum-likelihood heterodyne tomography (PHYSICS.md §3): maximise ln L(ρ) = Σ_b n_b ln tr(ρ Π_b) over density
 * matrices in K Fock levels, Π_b = E_η†(E_b) the bin POVM of a detector of efficiency η (loss.ts, heterodyneBins.ts).
 *
 * Iteration (Hradil; Lvovsky, J. Opt. B 6, S556 (2004)): R = (1/M) Σ_b n_b Π_b / p_b, ρ ← N[R ρ R]. The MLE is its fixed
 * point (R = 1 on the support of ρ). It is run on the factor ρ = AA† (A ← RA) and accelerated by SQUAREM (see
 * heterodyneMle), which never accepts a step that lowers ln L below the plain double step.
 *
 * Stopping rule with a guarantee (Glancy, Knill & Girard, NJP 14, 095017 (2012)): ln L is concave in ρ, so for every
 * state σ, ln L(σ) − ln L(ρ) ≤ M (tr σR − 1) ≤ M (λ_max(R) − 1). The iteration stops once this bound on the distance
 * to the maximum is below `gapTol` (0.01 nats puts the estimate within ~0.14 standard errors of the MLE in any
 * direction, as 2 × gap bounds the squared Mahalanobis distance near the maximum), or after maxIter iterations. The
 * bound converges slowly when the MLE sits near the boundary of the state space (small eigenvalues of ρ shrink like
 * 1/iterations); quantities that depend on them (the von Neumann entropy inside G) converge slowly too, whereas the
 * phase-space integrals (S_W, Π_J, Π_U) settle within tens of iterations (measured: test/core/lab/tomography.test.ts).
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { hermitianEigenvalues } from '../linalg/hermitianEigen.js';
import { accumulateR, binProbabilities, binScratch, occupiedRings, sparseSectors, type PolarBins } from './heterodyneBins.js';
import { lossAdjoint, lossChannel } from './loss.js';

export interface MleOptions {
  /** Detector efficiency η ∈ (0, 1] (default 1). */
  eta?: number;
  /** Start (default: the maximally mixed state of K levels). */
  rho0?: ComplexMatrix;
  /** Stop when the likelihood gap bound M(λ_max(R) − 1) ≤ gapTol (default 0.01). */
  gapTol?: number;
  /** Give up after this many iterations (default 20 000); the result then says converged = false. */
  maxIter?: number;
  /** Check the gap every this many iterations (default 5: the eigenvalues cost ~K³). */
  checkEvery?: number;
  /**
   * Skip the gap entirely (bootstrap refits run a fixed number of iterations from the full-data estimate; the result's
   * gap is then NaN).
   */
  fixedIterations?: boolean;
}

export interface MleResult {
  rho: ComplexMatrix;
  logL: number;
  /** Bound on ln L(MLE) − ln L(ρ) at the end. */
  gap: number;
  iterations: number;
  converged: boolean;
}

/** C = A B for K×K complex matrices (row-major split re/im). */
function matmul(A: ComplexMatrix, B: ComplexMatrix, C: ComplexMatrix): void {
  const K = A.K, ar = A.re, ai = A.im, br = B.re, bi = B.im, cr = C.re, ci = C.im;
  cr.fill(0);
  ci.fill(0);
  for (let i = 0; i < K; i++) {
    const ri = i * K;
    for (let k = 0; k < K; k++) {
      const xr = ar[ri + k], xi = ai[ri + k];
      if (xr === 0 && xi === 0) continue;
      const rk = k * K;
      for (let j = 0; j < K; j++) {
        const yr = br[rk + j], yi = bi[rk + j];
        cr[ri + j] += xr * yr - xi * yi;
        ci[ri + j] += xr * yi + xi * yr;
      }
    }
  }
}

function newMatrix(K: number): ComplexMatrix {
  return { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
}

/**
 * The likelihood machinery for one data set: ln L(ρ) and R(ρ). Counts may be fractional (weights) but are normally
 * integers; M = Σ counts.
 */
export class HeterodyneLikelihood {
  readonly M: number;
  readonly rings: Int32Array;
  private readonly sectors: (Int32Array | undefined)[];
  private readonly p: Float64Array;
  private readonly w: Float64Array;
  private readonly scratch;
  private readonly Rid: ComplexMatrix;
  private readonly Rout: ComplexMatrix;

  constructor(
    readonly bins: PolarBins,
    readonly counts: Float64Array,
    readonly eta = 1,
  ) {
    if (!(eta > 0 && eta <= 1)) throw new RangeError(`efficiency η must be in (0, 1] (got ${eta})`);
    let M = 0;
    for (let i = 0; i < counts.length; i++) M += counts[i];
    this.M = M;
    this.rings = occupiedRings(bins, counts);
    this.sectors = sparseSectors(bins, counts, this.rings);
    this.p = new Float64Array(counts.length);
    this.w = new Float64Array(counts.length);
    this.scratch = binScratch(bins);
    this.Rid = newMatrix(bins.K);
    this.Rout = newMatrix(bins.K);
  }

  /**
   * ln L(ρ) = Σ n_b ln p_b (−Infinity if an occupied bin has p_b ≤ 0); also fills the weights n_b/p_b for R().
   * withValue = false skips the logarithms (weights only; returns 0, or −Infinity as above).
   */
  logL(rho: ComplexMatrix, withValue = true): number {
    const { bins, counts, p, w } = this;
    const det = this.eta === 1 ? rho : lossChannel(rho, this.eta);
    binProbabilities(bins, det, this.rings, p, this.scratch, this.sectors);
    let s = 0;
    const L = bins.L;
    for (const j of this.rings)
      for (let l = 0; l < L; l++) {
        const b = j * L + l, n = counts[b];
        if (n === 0) {
          w[b] = 0;
          continue;
        }
        const pb = p[b];
        if (!(pb > 0)) return -Infinity;
        if (withValue) s += n * Math.log(pb);
        w[b] = n / pb;
      }
    return s;
  }

  /** R = (1/M) Σ n_b Π_b/p_b at the ρ of the last logL call (owned by this object: overwritten by the next call). */
  R(): ComplexMatrix {
    accumulateR(this.bins, this.w, this.rings, this.Rid, this.scratch, this.sectors);
    const R = this.Rout;
    if (this.eta === 1) {
      R.re.set(this.Rid.re);
      R.im.set(this.Rid.im);
    } else {
      const X = lossAdjoint(this.Rid, this.eta);
      R.re.set(X.re);
      R.im.set(X.im);
    }
    const inv = 1 / this.M;
    for (let i = 0; i < R.re.length; i++) {
      R.re[i] *= inv;
      R.im[i] *= inv;
    }
    return R;
  }
}

function maxEigenvalue(R: ComplexMatrix): number {
  const ev = hermitianEigenvalues(R);
  let m = -Infinity;
  for (const x of ev) if (x > m) m = x;
  return m;
}

/** ρ = A A† / tr(A A†), exactly Hermitian. */
function gram(A: ComplexMatrix, rho: ComplexMatrix): void {
  const K = A.K, ar = A.re, ai = A.im;
  let tr = 0;
  for (let m = 0; m < K; m++)
    for (let n = m; n < K; n++) {
      let sr = 0, si = 0;
      const rm = m * K, rn = n * K;
      for (let j = 0; j < K; j++) {
        // A_mj conj(A_nj)
        sr += ar[rm + j] * ar[rn + j] + ai[rm + j] * ai[rn + j];
        si += ai[rm + j] * ar[rn + j] - ar[rm + j] * ai[rn + j];
      }
      rho.re[m * K + n] = sr;
      rho.im[m * K + n] = si;
      rho.re[n * K + m] = sr;
      rho.im[n * K + m] = -si;
      if (m === n) {
        rho.im[m * K + m] = 0;
        tr += sr;
      }
    }
  for (let i = 0; i < K * K; i++) {
    rho.re[i] /= tr;
    rho.im[i] /= tr;
  }
}

/** A ← R A / ‖R A‖_F (one RρR step on the factor ρ = AA†). */
function stepFactor(lik: HeterodyneLikelihood, A: ComplexMatrix, out: ComplexMatrix, rho: ComplexMatrix): void {
  const R = lik.R();
  matmul(R, A, out);
  let s = 0;
  for (let i = 0; i < out.re.length; i++) s += out.re[i] ** 2 + out.im[i] ** 2;
  const f = 1 / Math.sqrt(s);
  for (let i = 0; i < out.re.length; i++) {
    out.re[i] *= f;
    out.im[i] *= f;
  }
  gram(out, rho);
}

/**
 * The maximum-likelihood state of the binned outcomes.
 *
 * Plain RρR converges like EM, slowly along the directions the data barely fix (coherences between high Fock levels):
 * thousands of steps. It is accelerated here by SQUAREM (Varadhan & Roland, Scand. J. Stat. 35, 335 (2008)), applied
 * to the factor A of ρ = AA† (RρR is A ← RA), so that every extrapolated point is a valid state: with r = F(A) − A,
 * v = F(F(A)) − 2F(A) + A and α = −‖r‖/‖v‖ ≤ −1, A' = A − 2αr + α²v, then one stabilising step F(A'); when that
 * lowers ln L, α is moved back towards −1, where A' = F(F(A)) (the plain double step, which never lowers ln L).
 */
export function heterodyneMle(lik: HeterodyneLikelihood, opts: MleOptions = {}): MleResult {
  const K = lik.bins.K;
  const gapTol = opts.gapTol ?? 0.01;
  const maxIter = opts.maxIter ?? 20000;
  const checkEvery = opts.checkEvery ?? 5;
  const rho = newMatrix(K);
  // Start: A = √ρ0 would need an eigen-decomposition; any factor works, so mix the start with the maximally mixed
  // state (full rank: no occupied bin gets zero probability) and take its Cholesky factor.
  const start = newMatrix(K);
  if (opts.rho0) {
    if (opts.rho0.K !== K) throw new RangeError(`heterodyneMle: start state has K = ${opts.rho0.K}, bins have ${K}`);
    for (let i = 0; i < K * K; i++) {
      start.re[i] = 0.999 * opts.rho0.re[i];
      start.im[i] = 0.999 * opts.rho0.im[i];
    }
    for (let n = 0; n < K; n++) start.re[n * K + n] += 0.001 / K;
  } else for (let n = 0; n < K; n++) start.re[n * K + n] = 1 / K;
  let A = cholesky(start);
  gram(A, rho);
  let logL = lik.logL(rho);
  const A1 = newMatrix(K), A2 = newMatrix(K), A3 = newMatrix(K), A4 = newMatrix(K);
  const r1 = newMatrix(K), r2 = newMatrix(K);
  let gap = Infinity, it = 0, evals = 0;
  for (; it < maxIter; it++) {
    if (!opts.fixedIterations && it % checkEvery === 0) {
      gap = lik.M * (maxEigenvalue(lik.R()) - 1);
      if (gap <= gapTol) break;
    }
    // two plain steps: A1 = F(A), A2 = F(A1)
    stepFactor(lik, A, A1, rho);
    lik.logL(rho, false);
    stepFactor(lik, A1, A2, rho);
    const l2 = lik.logL(rho);
    evals += 2;
    let rr = 0, vv = 0;
    for (let i = 0; i < K * K; i++) {
      const ar = A1.re[i] - A.re[i], ai = A1.im[i] - A.im[i];
      const vr = A2.re[i] - 2 * A1.re[i] + A.re[i], vi = A2.im[i] - 2 * A1.im[i] + A.im[i];
      r1.re[i] = ar;
      r1.im[i] = ai;
      r2.re[i] = vr;
      r2.im[i] = vi;
      rr += ar * ar + ai * ai;
      vv += vr * vr + vi * vi;
    }
    let alpha = vv > 0 ? -Math.sqrt(rr / vv) : -1;
    if (alpha > -1) alpha = -1;
    let accepted = false;
    while (alpha < -1) {
      for (let i = 0; i < K * K; i++) {
        A3.re[i] = A.re[i] - 2 * alpha * r1.re[i] + alpha * alpha * r2.re[i];
        A3.im[i] = A.im[i] - 2 * alpha * r1.im[i] + alpha * alpha * r2.im[i];
      }
      gram(A3, rho);
      const l3 = lik.logL(rho, false);
      if (Number.isFinite(l3)) {
        stepFactor(lik, A3, A4, rho);
        const l4 = lik.logL(rho);
        evals++;
        if (l4 >= l2) {
          A = swapInto(A, A4);
          logL = l4;
          accepted = true;
          break;
        }
      }
      alpha = (alpha - 1) / 2;
      if (alpha > -1.01) alpha = -1;
    }
    if (!accepted) {
      A = swapInto(A, A2);
      gram(A, rho);
      logL = lik.logL(rho);
    }
  }
  gram(A, rho);
  logL = lik.logL(rho);
  if (opts.fixedIterations) gap = NaN;
  else if (gap > gapTol) gap = lik.M * (maxEigenvalue(lik.R()) - 1);
  return { rho, logL, gap, iterations: it, converged: gap <= gapTol };
}

function swapInto(A: ComplexMatrix, B: ComplexMatrix): ComplexMatrix {
  A.re.set(B.re);
  A.im.set(B.im);
  return A;
}

/** Lower Cholesky factor of a Hermitian positive definite matrix (A with ρ = A A†). */
function cholesky(S: ComplexMatrix): ComplexMatrix {
  const K = S.K, L = newMatrix(K);
  for (let j = 0; j < K; j++) {
    let d = S.re[j * K + j];
    for (let k = 0; k < j; k++) d -= L.re[j * K + k] ** 2 + L.im[j * K + k] ** 2;
    if (!(d > 0)) throw new RangeError('heterodyneMle: start state is not positive definite');
    const ljj = Math.sqrt(d);
    L.re[j * K + j] = ljj;
    for (let i = j + 1; i < K; i++) {
      // L_ij = (S_ij − Σ_k L_ik conj(L_jk)) / L_jj
      let sr = S.re[i * K + j], si = S.im[i * K + j];
      for (let k = 0; k < j; k++) {
        const ar = L.re[i * K + k], ai = L.im[i * K + k], br = L.re[j * K + k], bi = L.im[j * K + k];
        sr -= ar * br + ai * bi;
        si -= ai * br - ar * bi;
      }
      L.re[i * K + j] = sr / ljj;
      L.im[i * K + j] = si / ljj;
    }
  }
  return L;
}
