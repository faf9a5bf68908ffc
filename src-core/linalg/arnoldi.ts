/**
 * Krylov–Schur Arnoldi (Stewart 2001; the restarted Arnoldi of ARPACK/SLEPc in its simplest robust form) for the
 * eigenvalues of largest modulus of a complex linear operator given only as a function x ← OP x. Used with
 * OP = (L − σ)⁻¹ (shift-invert): the eigenvalues θ of OP of largest |θ| give the eigenvalues ζ = σ + 1/θ of L nearest σ.
 *
 * Arnoldi relation after each expansion: OP V_m = V_m H_m + v_m bᵀ (b = β e_mᵀ for plain Arnoldi, a full row after a
 * restart). Restart: Schur form H_m = Q T Qᴴ sorted by |θ| descending, keep the leading p columns V_m Q[:, :p], with
 * T[:p, :p] and bᵀ Q[:, :p]; the relation keeps its form. Convergence of Ritz pair (θ, y = V Q s): the residual
 * ‖OP y − θ y‖ = |bᵀ Q s| / ‖s‖ must be ≤ tol·|θ| for each of the nev wanted pairs.
 * Gram–Schmidt is classical with a full second pass (CGS2), which keeps V orthonormal to round-off.
 */
import { complexSchur, schurSort, triangularEigenvector, type DenseComplex } from './complexSchur.js';

export interface ArnoldiOptions {
  /** Number of wanted eigenvalues (largest |θ|). */
  nev: number;
  /** Krylov subspace size m (default max(2·nev + 10, 24), capped at n). */
  ncv?: number;
  /** Relative residual tolerance: ‖OP y − θ y‖ ≤ tol·|θ|. Default 1e-12. */
  tol?: number;
  /** Maximum number of restarts (default 200). */
  maxRestarts?: number;
  /** Starting vector (default: a fixed pseudo-random vector, for reproducible runs). */
  v0?: { re: Float64Array; im: Float64Array };
  /** Applied to every new Krylov vector before orthogonalisation (e.g. a projection that deflates a known mode). */
  project?: (re: Float64Array, im: Float64Array) => void;
  /**
   * Custom convergence test on the nev current Ritz values and their relative residuals (overrides tol): e.g. a tight
   * tolerance only on the pairs the caller will report and a loose one on those it only needs for ordering.
   */
  accept?: (values: { re: number; im: number }[], residuals: number[]) => boolean;
  /**
   * Test the Ritz pairs after every expansion from this Krylov size on, not only when the basis is full (default ncv:
   * off). Same convergence test, fewer OP applications when the wanted pairs converge early (shift-invert with
   * expensive solves); the test costs one Schur form of the small projected matrix per step.
   */
  checkFrom?: number;
  /**
   * Also return the Ritz vectors (default true). 'sum': only their weighted sum Σ_i y_i/(i+1) (unit y_i, by
   * decreasing |θ|), as vectors[0]: one n-vector to start a later, similar run from (nev times cheaper to form).
   */
  vectors?: boolean | 'sum';
}

export interface ArnoldiResult {
  /** Ritz values θ of OP, by decreasing |θ|. */
  values: { re: number; im: number }[];
  /** Ritz vectors (unit 2-norm), same order, if requested. */
  vectors: { re: Float64Array; im: Float64Array }[];
  /** Residual estimates ‖OP y − θ y‖ / |θ| of each pair. */
  residuals: number[];
  /** All nev pairs met tol. */
  converged: boolean;
  /** Number of OP applications. */
  opCount: number;
  restarts: number;
}

function pseudoRandom(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  return out;
}

function norm2(re: Float64Array, im: Float64Array): number {
  let s = 0;
  for (let i = 0; i < re.length; i++) s += re[i] * re[i] + im[i] * im[i];
  return Math.sqrt(s);
}

/**
 * Eigenvalues of largest modulus of OP (dimension n), with OP given as an in-place apply function.
 */
export function krylovSchur(
  n: number,
  op: (re: Float64Array, im: Float64Array) => void,
  opts: ArnoldiOptions,
): ArnoldiResult {
  const nev = opts.nev;
  if (!(Number.isInteger(nev) && nev >= 1 && nev < n)) throw new RangeError(`krylovSchur: need 1 ≤ nev < n (nev=${nev}, n=${n})`);
  const m = Math.min(n, Math.max(opts.ncv ?? Math.max(2 * nev + 10, 24), nev + 2));
  const tol = opts.tol ?? 1e-12;
  const maxRestarts = opts.maxRestarts ?? 200;
  const wantVectors = opts.vectors ?? true;
  // V: m + 1 basis vectors
  const Vr: Float64Array[] = [], Vi: Float64Array[] = [];
  for (let j = 0; j <= m; j++) {
    Vr.push(new Float64Array(n));
    Vi.push(new Float64Array(n));
  }
  // Hbar: (m + 1) × m, row-major with stride m
  const Hr = new Float64Array((m + 1) * m), Hi = new Float64Array((m + 1) * m);
  const hr = new Float64Array(m + 1), hi = new Float64Array(m + 1);
  let opCount = 0;

  /** Orthonormalise vector (wr, wi) against V[0..j] (CGS2); returns its norm after, and adds coefficients to h. */
  const orthogonalise = (wr: Float64Array, wi: Float64Array, j: number, addTo: boolean): number => {
    hr.fill(0);
    hi.fill(0);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i <= j; i++) {
        const vr = Vr[i], vi = Vi[i];
        let cr = 0, ci = 0;
        for (let q = 0; q < n; q++) {
          cr += vr[q] * wr[q] + vi[q] * wi[q];
          ci += vr[q] * wi[q] - vi[q] * wr[q];
        }
        hr[i] += cr;
        hi[i] += ci;
        for (let q = 0; q < n; q++) {
          wr[q] -= cr * vr[q] - ci * vi[q];
          wi[q] -= cr * vi[q] + ci * vr[q];
        }
      }
    }
    if (!addTo) {
      hr.fill(0);
      hi.fill(0);
    }
    return norm2(wr, wi);
  };

  /** A fresh unit vector orthogonal to V[0..j−1], stored in V[j] (start or after an invariant subspace). */
  let seed = 12345;
  const freshVector = (j: number): void => {
    const vr = Vr[j], vi = Vi[j];
    for (let attempt = 0; attempt < 5; attempt++) {
      if (j === 0 && attempt === 0 && opts.v0) {
        vr.set(opts.v0.re);
        vi.set(opts.v0.im);
      } else {
        vr.set(pseudoRandom(n, seed++));
        vi.set(pseudoRandom(n, seed++));
      }
      if (opts.project) opts.project(vr, vi);
      const before = norm2(vr, vi);
      const after = j > 0 ? orthogonalise(vr, vi, j - 1, false) : before;
      if (after > 1e-8 * before && after > 0) {
        for (let q = 0; q < n; q++) {
          vr[q] /= after;
          vi[q] /= after;
        }
        return;
      }
    }
    throw new Error('krylovSchur: cannot find a vector outside the current subspace');
  };

  freshVector(0);
  let k = 0; // current size of the Krylov–Schur factorisation
  let restarts = 0;
  let result: ArnoldiResult | undefined;
  // Smallest size at which the Ritz pairs are tested before the basis is full (m: only when full, as in ARPACK).
  const checkFrom = Math.max(nev + 1, Math.min(m, opts.checkFrom ?? m));

  /**
   * Ritz pairs of the size-s factorisation OP V_s = V_{s+1} Hbar (Hbar (s+1)×s; its last row, row s of the stored
   * Hbar, couples to v_s): Schur form of the leading s×s block sorted by |θ| descending, the row bᵀ Q, and the
   * residual ‖OP y − θy‖/|θ| = |bᵀ Q t|/‖t‖/|θ| of each wanted pair (t the triangular eigenvector).
   */
  const ritz = (s: number) => {
    const Hm: DenseComplex = { m: s, re: new Float64Array(s * s), im: new Float64Array(s * s) };
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++) {
        Hm.re[i * s + j] = Hr[i * m + j];
        Hm.im[i * s + j] = Hi[i * m + j];
      }
    const { T, Z, converged: qrOk } = complexSchur(Hm);
    if (!qrOk) throw new Error('krylovSchur: QR iteration on the projected matrix did not converge');
    schurSort(T, Z, (re, im) => Math.hypot(re, im));
    // bᵀ Q (b = last row of Hbar)
    const br = new Float64Array(s), bi = new Float64Array(s);
    for (let c = 0; c < s; c++) {
      let sr = 0, si = 0;
      for (let i = 0; i < s; i++) {
        const xr = Hr[s * m + i], xi = Hi[s * m + i];
        const zr = Z.re[i * s + c], zi = Z.im[i * s + c];
        sr += xr * zr - xi * zi;
        si += xr * zi + xi * zr;
      }
      br[c] = sr;
      bi[c] = si;
    }
    // residuals of the wanted Ritz pairs
    const theta: { re: number; im: number }[] = [];
    const resid: number[] = [];
    const svecs: { re: Float64Array; im: Float64Array }[] = [];
    let nconv = 0;
    for (let i = 0; i < nev; i++) {
      const tr = T.re[i * s + i], ti = T.im[i * s + i];
      const sv = triangularEigenvector(T, i);
      const ns = norm2(sv.re, sv.im);
      let rr = 0, ri = 0;
      for (let c = 0; c <= i; c++) {
        rr += br[c] * sv.re[c] - bi[c] * sv.im[c];
        ri += br[c] * sv.im[c] + bi[c] * sv.re[c];
      }
      const res = Math.hypot(rr, ri) / ns / Math.max(Math.hypot(tr, ti), Number.MIN_VALUE);
      theta.push({ re: tr, im: ti });
      resid.push(res);
      svecs.push(sv);
      if (res <= tol) nconv++;
    }
    const done = opts.accept ? opts.accept(theta, resid) : nconv === nev;
    return { T, Z, br, bi, theta, resid, svecs, nconv, done };
  };

  /** Σ_row c_row V[row] over the first s basis vectors (a Ritz vector, or a combination of them). */
  const basisCombination = (s: number, cr: Float64Array, ci: Float64Array): { re: Float64Array; im: Float64Array } => {
    const yr = new Float64Array(n), yi = new Float64Array(n);
    for (let row = 0; row < s; row++) {
      const a = cr[row], b = ci[row], vr = Vr[row], vi = Vi[row];
      for (let q = 0; q < n; q++) {
        yr[q] += a * vr[q] - b * vi[q];
        yi[q] += a * vi[q] + b * vr[q];
      }
    }
    return { re: yr, im: yi };
  };

  /** The result from the Ritz pairs of the size-s factorisation. */
  const finish = (s: number, r: ReturnType<typeof ritz>): ArnoldiResult => {
    const { Z, theta, resid, svecs, done } = r;
    const vectors: { re: Float64Array; im: Float64Array }[] = [];
    if (wantVectors === 'sum') {
      // y_i = V Z t_i/‖t_i‖ (V orthonormal, Z unitary): form Σ_i c_i Z t_i in the small space, then one V product
      const cr = new Float64Array(s), ci = new Float64Array(s);
      for (let i = 0; i < nev; i++) {
        const sv = svecs[i];
        const w = 1 / (i + 1) / norm2(sv.re, sv.im);
        for (let row = 0; row < s; row++)
          for (let c = 0; c <= i; c++) {
            const zr = Z.re[row * s + c], zi = Z.im[row * s + c];
            cr[row] += w * (zr * sv.re[c] - zi * sv.im[c]);
            ci[row] += w * (zr * sv.im[c] + zi * sv.re[c]);
          }
      }
      vectors.push(basisCombination(s, cr, ci));
    } else if (wantVectors)
      for (let i = 0; i < nev; i++) {
        // y = V Z t
        const sv = svecs[i];
        const cr = new Float64Array(s), ci = new Float64Array(s);
        for (let row = 0; row < s; row++) {
          let sr = 0, si = 0;
          for (let c = 0; c <= i; c++) {
            const zr = Z.re[row * s + c], zi = Z.im[row * s + c];
            sr += zr * sv.re[c] - zi * sv.im[c];
            si += zr * sv.im[c] + zi * sv.re[c];
          }
          cr[row] = sr;
          ci[row] = si;
        }
        const { re: yr, im: yi } = basisCombination(s, cr, ci);
        const ny = norm2(yr, yi);
        for (let q = 0; q < n; q++) {
          yr[q] /= ny;
          yi[q] /= ny;
        }
        vectors.push({ re: yr, im: yi });
      }
    return { values: theta.slice(), vectors, residuals: resid.slice(), converged: done, opCount, restarts };
  };

  for (;;) {
    // expand to m: OP v_j = Σ h_ij v_i + h_{j+1,j} v_{j+1}
    for (let j = k; j < m; j++) {
      const wr = Vr[j + 1], wi = Vi[j + 1];
      wr.set(Vr[j]);
      wi.set(Vi[j]);
      op(wr, wi);
      opCount++;
      if (opts.project) opts.project(wr, wi);
      const before = norm2(wr, wi);
      const beta = orthogonalise(wr, wi, j, true);
      for (let i = 0; i <= j; i++) {
        Hr[i * m + j] = hr[i];
        Hi[i * m + j] = hi[i];
      }
      for (let i = j + 1; i <= m; i++) {
        Hr[i * m + j] = 0;
        Hi[i * m + j] = 0;
      }
      if (beta <= 1e-14 * before) {
        // invariant subspace found: continue with a fresh orthogonal vector and a zero coupling
        freshVector(j + 1);
      } else {
        Hr[(j + 1) * m + j] = beta;
        for (let q = 0; q < n; q++) {
          wr[q] /= beta;
          wi[q] /= beta;
        }
      }
      // early test (checkFrom < m): the Arnoldi relation holds at every size j + 1, so pairs that already meet the
      // test are returned without the remaining OP applications (an s×s Schur form costs far less than one OP)
      if (j + 1 >= checkFrom && j + 1 < m) {
        const r = ritz(j + 1);
        if (r.done) {
          result = finish(j + 1, r);
          break;
        }
      }
    }
    if (result) break;
    const r = ritz(m);
    const { T, Z, br, bi, nconv } = r;
    if (r.done || restarts >= maxRestarts) {
      result = finish(m, r);
      break;
    }
    // restart: keep p leading Schur vectors (more when some have converged, as in ARPACK's heuristic)
    const p = Math.min(m - 2, Math.max(nev + Math.min(nconv, Math.floor((m - nev) / 2)), Math.floor((m + nev) / 2)));
    // new basis W = V_m Z[:, :p]
    const Wr: Float64Array[] = [], Wi: Float64Array[] = [];
    for (let c = 0; c < p; c++) {
      const yr = new Float64Array(n), yi = new Float64Array(n);
      for (let r = 0; r < m; r++) {
        const a = Z.re[r * m + c], b = Z.im[r * m + c];
        if (a === 0 && b === 0) continue;
        const vr = Vr[r], vi = Vi[r];
        for (let q = 0; q < n; q++) {
          yr[q] += a * vr[q] - b * vi[q];
          yi[q] += a * vi[q] + b * vr[q];
        }
      }
      Wr.push(yr);
      Wi.push(yi);
    }
    Vr[p].set(Vr[m]);
    Vi[p].set(Vi[m]);
    for (let c = 0; c < p; c++) {
      Vr[c].set(Wr[c]);
      Vi[c].set(Wi[c]);
    }
    Hr.fill(0);
    Hi.fill(0);
    for (let i = 0; i < p; i++)
      for (let j = i; j < p; j++) {
        Hr[i * m + j] = T.re[i * m + j];
        Hi[i * m + j] = T.im[i * m + j];
      }
    for (let j = 0; j < p; j++) {
      Hr[p * m + j] = br[j];
      Hi[p * m + j] = bi[j];
    }
    k = p;
    restarts++;
  }
  return result;
}
