/**
 * Eigenvalues of a dense Hermitian matrix (no eigenvectors): complex Householder reduction to tridiagonal form
 * (as LAPACK zhetrd / EISPACK htridi, lower triangle), whose off-diagonal moduli give a real symmetric tridiagonal
 * matrix with the same spectrum, then implicit QL with Wilkinson shifts (tqli). Cost ≈ (16/3) K³ real flops, all in
 * the reduction; used for the von Neumann entropy S(ρ) of the non-Gaussianity G (seed Eq. 27) at every sample.
 */
import type { ComplexMatrix } from './complexMatrix.js';
import { hermitianKernel, type HouseholderArrays } from './hermitianKernel.js';

/** The TypeScript loops' arrays (the WebAssembly ones live in the module's memory). */
let ws: HouseholderArrays | undefined;

function workspace(K: number): HouseholderArrays {
  if (ws && ws.K === K) return ws;
  ws = {
    K,
    ar: new Float64Array(K * K),
    ai: new Float64Array(K * K),
    vr: new Float64Array(K),
    vi: new Float64Array(K),
    pr: new Float64Array(K),
    pi: new Float64Array(K),
  };
  return ws;
}

/**
 * p = A v on the trailing block s…K−1 (lower triangle read). The two O(K²) loops of a Householder step are separate
 * functions so that the JIT optimises them on their own (inside the caller, rarely taken branches kept deoptimising
 * them: 11 deoptimisations over a 251-sample quench).
 */
function trailingMatVec(
  K: number, s: number, ar: Float64Array, ai: Float64Array, vr: Float64Array, vi: Float64Array, pr: Float64Array, pi: Float64Array,
): void {
  // p = A v over the trailing block, reading only its lower triangle (row-contiguous, one pass).
  for (let i = s; i < K; i++) { pr[i] = 0; pi[i] = 0; }
  // Two rows per pass: v_j and p_j are loaded once for both (the loop is load-bound). The row sums are split in two
  // partial sums, over j − s even and odd, added at the end: the arithmetic of the WebAssembly kernel
  // (hermitianKernel.wat), whose two f64x2 lanes are those two j, so both kernels give the same bits.
  let i = s;
  for (; i + 1 < K; i += 2) {
    const r0 = i * K, r1 = r0 + K;
    const v0r = vr[i], v0i = vi[i], v1r = vr[i + 1], v1i = vi[i + 1];
    let e0r = 0, e0i = 0, e1r = 0, e1i = 0, o0r = 0, o0i = 0, o1r = 0, o1i = 0;
    for (let j = s; j < i; j++) {
      const a0r = ar[r0 + j], a0i = ai[r0 + j], a1r = ar[r1 + j], a1i = ai[r1 + j];
      const vjr = vr[j], vji = vi[j];
      const t0r = a0r * vjr - a0i * vji, t0i = a0r * vji + a0i * vjr;
      const t1r = a1r * vjr - a1i * vji, t1i = a1r * vji + a1i * vjr;
      if ((j - s) & 1) {
        o0r += t0r;
        o0i += t0i;
        o1r += t1r;
        o1i += t1i;
      } else {
        e0r += t0r;
        e0i += t0i;
        e1r += t1r;
        e1i += t1i;
      }
      pr[j] += a0r * v0r + a0i * v0i + a1r * v1r + a1i * v1i;
      pi[j] += a0r * v0i - a0i * v0r + a1r * v1i - a1i * v1r;
    }
    let s0r = e0r + o0r, s0i = e0i + o0i, s1r = e1r + o1r, s1i = e1i + o1i;
    // element (i+1, i) and the two diagonals
    const br = ar[r1 + i], bi = ai[r1 + i];
    s1r += br * v0r - bi * v0i;
    s1i += br * v0i + bi * v0r;
    const d0 = ar[r0 + i], d1 = ar[r1 + i + 1];
    pr[i] += s0r + d0 * v0r + br * v1r + bi * v1i;
    pi[i] += s0i + d0 * v0i + br * v1i - bi * v1r;
    pr[i + 1] += s1r + d1 * v1r;
    pi[i + 1] += s1i + d1 * v1i;
  }
  for (; i < K; i++) {
    const row = i * K;
    const vir = vr[i], vii = vi[i];
    let er = 0, ei = 0, or = 0, oi = 0;
    for (let j = s; j < i; j++) {
      const a_r = ar[row + j], a_i = ai[row + j];
      const tr = a_r * vr[j] - a_i * vi[j], ti = a_r * vi[j] + a_i * vr[j];
      if ((j - s) & 1) {
        or += tr;
        oi += ti;
      } else {
        er += tr;
        ei += ti;
      }
      pr[j] += a_r * vir + a_i * vii;
      pi[j] += a_r * vii - a_i * vir;
    }
    const dii = ar[row + i];
    pr[i] += er + or + dii * vir;
    pi[i] += ei + oi + dii * vii;
  }
}

/**
 * A ← A − v w* − w v* on the lower triangle of the trailing block (rows i, i+1 per pass). Element-wise: the
 * WebAssembly kernel does the same operations two columns at a time.
 */
function rank2Update(
  K: number, s: number, ar: Float64Array, ai: Float64Array, vr: Float64Array, vi: Float64Array, pr: Float64Array, pi: Float64Array,
): void {
  let i = s;
  for (; i + 1 < K; i += 2) {
    const r0 = i * K, r1 = r0 + K;
    const v0r = vr[i], v0i = vi[i], w0r = pr[i], w0i = pi[i];
    const v1r = vr[i + 1], v1i = vi[i + 1], w1r = pr[i + 1], w1i = pi[i + 1];
    for (let j = s; j <= i; j++) {
      // A_ij −= v_i conj(w_j) + w_i conj(v_j), rows i and i+1
      const wjr = pr[j], wji = pi[j], vjr = vr[j], vji = vi[j];
      ar[r0 + j] -= v0r * wjr + v0i * wji + w0r * vjr + w0i * vji;
      ai[r0 + j] -= v0i * wjr - v0r * wji + w0i * vjr - w0r * vji;
      ar[r1 + j] -= v1r * wjr + v1i * wji + w1r * vjr + w1i * vji;
      ai[r1 + j] -= v1i * wjr - v1r * wji + w1i * vjr - w1r * vji;
    }
    ar[r1 + i + 1] -= 2 * (v1r * w1r + v1i * w1i);
    ai[r1 + i + 1] = 0;
  }
  for (; i < K; i++) {
    const row = i * K;
    const vir = vr[i], vii = vi[i], wir = pr[i], wii = pi[i];
    for (let j = s; j <= i; j++) {
      const wjr = pr[j], wji = pi[j], vjr = vr[j], vji = vi[j];
      ar[row + j] -= vir * wjr + vii * wji + wir * vjr + wii * vji;
      ai[row + j] -= vii * wjr - vir * wji + wii * vjr - wir * vji;
    }
  }
}

/**
 * Reduce Hermitian A (only its lower triangle is read) to real symmetric tridiagonal form.
 * Writes the diagonal to d[0..K−1] and the sub-diagonal moduli to e[0..K−2] (e[K−1] = 0).
 */
export function hermitianTridiagonal(A: ComplexMatrix, d: Float64Array, e: Float64Array, kernel: 'auto' | 'js' = 'auto'): void {
  const K = A.K;
  // The two O(K²) loops in WebAssembly SIMD where the host has it (hermitianKernel.ts; the same bits), else TypeScript.
  const wk = kernel === 'auto' ? hermitianKernel(K) : null;
  const w = wk ?? workspace(K);
  const { ar, ai, vr, vi, pr, pi } = w;
  ar.set(A.re);
  ai.set(A.im);
  for (let k = 0; k < K - 2; k++) {
    // x = A[k+1:K, k] (column k below the diagonal, read from the lower triangle: rows i > k, entry (i, k)).
    const s = k + 1;
    let xnorm2 = 0;
    for (let i = s; i < K; i++) {
      const xr = ar[i * K + k], xi = ai[i * K + k];
      xnorm2 += xr * xr + xi * xi;
    }
    d[k] = ar[k * K + k];
    const xnorm = Math.sqrt(xnorm2);
    e[k] = xnorm;
    const x0r = ar[s * K + k], x0i = ai[s * K + k];
    const x0abs = Math.hypot(x0r, x0i);
    // Off-column part already (numerically) zero: nothing to rotate.
    let tail = 0;
    for (let i = s + 1; i < K; i++) tail += ar[i * K + k] ** 2 + ai[i * K + k] ** 2;
    // Also when the column is below ~1e-145 in size: τ = 2/‖v‖² would overflow from a subnormal ‖v‖² (NaN
    // everywhere: seen for a state zero-padded into a much larger basis, K 40 → 200, after one interval). Dropping it
    // moves eigenvalues by at most ~1e-145.
    if (tail === 0 || xnorm2 < 1e-290) continue;
    // v = x − α e_1 with α = −e^{i arg x_0} ‖x‖ (sign avoids cancellation); H = I − τ v v*, τ = 2/‖v‖².
    const phr = x0abs > 0 ? x0r / x0abs : 1, phi = x0abs > 0 ? x0i / x0abs : 0;
    vr[s] = x0r + phr * xnorm;
    vi[s] = x0i + phi * xnorm;
    for (let i = s + 1; i < K; i++) {
      vr[i] = ar[i * K + k];
      vi[i] = ai[i * K + k];
    }
    let vnorm2 = 0;
    for (let i = s; i < K; i++) vnorm2 += vr[i] * vr[i] + vi[i] * vi[i];
    const tau = 2 / vnorm2;
    if (wk) wk.trailingMatVec(s);
    else trailingMatVec(K, s, ar, ai, vr, vi, pr, pi);
    let beta = 0; // (τ/2) v* p, real
    for (let i = s; i < K; i++) {
      pr[i] *= tau;
      pi[i] *= tau;
      beta += vr[i] * pr[i] + vi[i] * pi[i];
    }
    beta *= tau / 2;
    // w = p − β v (stored in p); A ← A − v w* − w v* on the lower triangle.
    for (let i = s; i < K; i++) {
      pr[i] -= beta * vr[i];
      pi[i] -= beta * vi[i];
    }
    if (wk) wk.rank2Update(s);
    else rank2Update(K, s, ar, ai, vr, vi, pr, pi);
  }
  if (K >= 2) {
    d[K - 2] = ar[(K - 2) * K + (K - 2)];
    e[K - 2] = Math.hypot(ar[(K - 1) * K + (K - 2)], ai[(K - 1) * K + (K - 2)]);
  }
  d[K - 1] = ar[(K - 1) * K + (K - 1)];
  e[K - 1] = 0;
}

/**
 * √(a² + b²) without Math.hypot's generic (variadic, overflow-safe) path, which dominated the QL sweep (~3× slower);
 * falls back to it only where a² + b² could over- or underflow.
 */
function hypot2(a: number, b: number): number {
  const s = a * a + b * b;
  return s > 1e-290 && s < 1e290 ? Math.sqrt(s) : Math.hypot(a, b);
}

/**
 * Eigenvalues of a real symmetric tridiagonal matrix by implicit QL with Wilkinson shifts (Numerical Recipes tqli).
 * d: diagonal (overwritten with the eigenvalues, unsorted); e: sub-diagonal in e[0..n−2] (destroyed).
 */
export function tridiagonalEigenvalues(d: Float64Array, e: Float64Array, n = d.length): void {
  if (n > 0) e[n - 1] = 0;
  // Absolute floor for a negligible off-diagonal: ε·‖T‖ (the accuracy the Householder reduction delivers anyway). The
  // relative test alone never holds where tiny eigenvalues (~1e-17) sit between large ones: a density matrix peaked at
  // n ≈ 60 (N = 100 quench, K = 400) has its large entries in the middle of T, the chase leaves ε‖T‖ ≈ 1e-16 of
  // round-off in e next to d ≈ 1e-17, and QL did not converge. For −Σ p ln p the change (≤ ε‖T‖ per eigenvalue) is
  // far below anything reported.
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]) + Math.abs(e[i]));
  const floor = Number.EPSILON * scale;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd || Math.abs(e[m]) <= floor) break;
      }
      if (m === l) break;
      if (++iter > 200) throw new Error('tridiagonalEigenvalues: QL iteration did not converge');
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = hypot2(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1, c = 1, p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        let f = s * e[i];
        const b = c * e[i];
        r = hypot2(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        f = 0;
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * All eigenvalues of Hermitian A (lower triangle read), ascending, in a fresh Float64Array. kernel 'js': the
 * TypeScript loops instead of the WebAssembly ones (the same bits; for the tests).
 */
export function hermitianEigenvalues(A: ComplexMatrix, kernel: 'auto' | 'js' = 'auto'): Float64Array {
  const K = A.K;
  const d = new Float64Array(K), e = new Float64Array(K);
  if (K === 0) return d;
  hermitianTridiagonal(A, d, e, kernel);
  // QL chases from the bottom: it converges fast and keeps the small eigenvalues accurate when the matrix is graded
  // with its large entries at the bottom. A density matrix in the Fock basis is graded the other way (populations fall
  // with n, by ~30 orders of magnitude for a converged K), so flip such a matrix.
  if (Math.abs(d[0]) > Math.abs(d[K - 1])) {
    d.reverse();
    e.subarray(0, K - 1).reverse();
  }
  tridiagonalEigenvalues(d, e, K);
  d.sort();
  return d;
}
