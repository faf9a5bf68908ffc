/**
 * Complex Schur decomposition of a small dense matrix, A = Z T Zᴴ (Z unitary, T upper triangular), for the projected
 * matrices of Krylov methods (size ≲ 100). Householder reduction to Hessenberg form, then the single-shift complex QR
 * algorithm with Wilkinson shifts and Givens rotations (the scheme of LAPACK zgehrd + zlahqr), Schur reordering by
 * adjacent swaps (ztrexc) and eigenvectors of the triangular factor (ztrevc). Dense row-major split re/im storage,
 * element (i, j) at i*m + j.
 */

export interface DenseComplex {
  m: number;
  re: Float64Array;
  im: Float64Array;
}

export function denseZeros(m: number): DenseComplex {
  return { m, re: new Float64Array(m * m), im: new Float64Array(m * m) };
}

export function denseIdentity(m: number): DenseComplex {
  const A = denseZeros(m);
  for (let i = 0; i < m; i++) A.re[i * m + i] = 1;
  return A;
}

export interface SchurResult {
  T: DenseComplex;
  Z: DenseComplex;
  /** False if the QR iteration hit its iteration limit (T is then not fully triangular). */
  converged: boolean;
}

/** (c, s) with c real, [c s; −s̄ c][f; g] = [r; 0] (LAPACK zlartg convention). */
function givens(fr: number, fi: number, gr: number, gi: number, out: Float64Array): void {
  const af = Math.hypot(fr, fi), ag = Math.hypot(gr, gi);
  if (ag === 0) {
    out[0] = 1;
    out[1] = 0;
    out[2] = 0;
    return;
  }
  if (af === 0) {
    out[0] = 0;
    out[1] = gr / ag; // s = conj(g)/|g|
    out[2] = -gi / ag;
    return;
  }
  const rho = Math.hypot(af, ag);
  const c = af / rho;
  // s = (f/|f|) conj(g) / ρ
  const ur = fr / af, ui = fi / af;
  out[0] = c;
  out[1] = (ur * gr + ui * gi) / rho;
  out[2] = (ui * gr - ur * gi) / rho;
}

/** Rows k, k+1 of A over columns j0..j1: row_k ← c row_k + s row_{k+1}; row_{k+1} ← c row_{k+1} − s̄ row_k. */
function rotRows(A: DenseComplex, k: number, j0: number, j1: number, c: number, sr: number, si: number): void {
  const { m, re, im } = A;
  for (let j = j0; j <= j1; j++) {
    const p = k * m + j, q = p + m;
    const xr = re[p], xi = im[p], yr = re[q], yi = im[q];
    re[p] = c * xr + sr * yr - si * yi;
    im[p] = c * xi + sr * yi + si * yr;
    re[q] = c * yr - (sr * xr + si * xi);
    im[q] = c * yi - (sr * xi - si * xr);
  }
}

/** Columns k, k+1 of A over rows i0..i1, multiplied on the right by Gᴴ: col_k ← c col_k + s̄ col_{k+1}; col_{k+1} ← c col_{k+1} − s col_k. */
function rotCols(A: DenseComplex, k: number, i0: number, i1: number, c: number, sr: number, si: number): void {
  const { m, re, im } = A;
  for (let i = i0; i <= i1; i++) {
    const p = i * m + k, q = p + 1;
    const xr = re[p], xi = im[p], yr = re[q], yi = im[q];
    re[p] = c * xr + sr * yr + si * yi;
    im[p] = c * xi + sr * yi - si * yr;
    re[q] = c * yr - (sr * xr - si * xi);
    im[q] = c * yi - (sr * xi + si * xr);
  }
}

function csqrt(x: number, y: number): [number, number] {
  const r = Math.hypot(x, y);
  if (r === 0) return [0, 0];
  const t = Math.sqrt((r + Math.abs(x)) / 2);
  return x >= 0 ? [t, y / (2 * t)] : [Math.abs(y) / (2 * t), y >= 0 ? t : -t];
}

/** Reduce A (copied) to upper Hessenberg form H = Zᴴ A Z by Householder reflections; returns H and Z. */
export function hessenberg(A0: DenseComplex): { H: DenseComplex; Z: DenseComplex } {
  const m = A0.m;
  const H: DenseComplex = { m, re: A0.re.slice(), im: A0.im.slice() };
  const Z = denseIdentity(m);
  const vr = new Float64Array(m), vi = new Float64Array(m);
  const { re, im } = H;
  for (let k = 0; k < m - 2; k++) {
    let nx2 = 0;
    for (let i = k + 1; i < m; i++) nx2 += re[i * m + k] ** 2 + im[i * m + k] ** 2;
    const tail = nx2 - (re[(k + 1) * m + k] ** 2 + im[(k + 1) * m + k] ** 2);
    if (tail === 0) continue; // already Hessenberg in this column
    const nx = Math.sqrt(nx2);
    const x0r = re[(k + 1) * m + k], x0i = im[(k + 1) * m + k];
    const a0 = Math.hypot(x0r, x0i);
    const phr = a0 === 0 ? 1 : x0r / a0, phi = a0 === 0 ? 0 : x0i / a0;
    // v = x + e^{i arg x0} ‖x‖ e1 (α = −e^{i arg x0}‖x‖ avoids cancellation), normalised
    for (let i = k + 1; i < m; i++) {
      vr[i] = re[i * m + k];
      vi[i] = im[i * m + k];
    }
    vr[k + 1] += phr * nx;
    vi[k + 1] += phi * nx;
    let nv = 0;
    for (let i = k + 1; i < m; i++) nv += vr[i] ** 2 + vi[i] ** 2;
    nv = Math.sqrt(nv);
    for (let i = k + 1; i < m; i++) {
      vr[i] /= nv;
      vi[i] /= nv;
    }
    // H ← (I − 2vvᴴ) H: for each column j, w = vᴴ H[:, j], H[:, j] −= 2 v w
    for (let j = 0; j < m; j++) {
      let wr = 0, wi = 0;
      for (let i = k + 1; i < m; i++) {
        const hr = re[i * m + j], hi = im[i * m + j];
        wr += vr[i] * hr + vi[i] * hi;
        wi += vr[i] * hi - vi[i] * hr;
      }
      for (let i = k + 1; i < m; i++) {
        re[i * m + j] -= 2 * (vr[i] * wr - vi[i] * wi);
        im[i * m + j] -= 2 * (vr[i] * wi + vi[i] * wr);
      }
    }
    // H ← H (I − 2vvᴴ) and Z ← Z (I − 2vvᴴ): for each row i, w = H[i, :] v, H[i, :] −= 2 w vᴴ
    for (const M of [H, Z]) {
      const mr = M.re, mi = M.im;
      for (let i = 0; i < m; i++) {
        let wr = 0, wi = 0;
        for (let j = k + 1; j < m; j++) {
          const hr = mr[i * m + j], hi = mi[i * m + j];
          wr += hr * vr[j] - hi * vi[j];
          wi += hr * vi[j] + hi * vr[j];
        }
        for (let j = k + 1; j < m; j++) {
          // w · conj(v_j)
          mr[i * m + j] -= 2 * (wr * vr[j] + wi * vi[j]);
          mi[i * m + j] -= 2 * (wi * vr[j] - wr * vi[j]);
        }
      }
    }
    for (let i = k + 2; i < m; i++) {
      re[i * m + k] = 0;
      im[i * m + k] = 0;
    }
  }
  return { H, Z };
}

/** Complex Schur form A = Z T Zᴴ. */
export function complexSchur(A: DenseComplex, maxIterPerEigenvalue = 60): SchurResult {
  const m = A.m;
  const { H: T, Z } = hessenberg(A);
  const { re, im } = T;
  const g = new Float64Array(3);
  const eps = 2 ** -52;
  let hi = m - 1;
  let iter = 0;
  let converged = true;
  while (hi > 0) {
    // find the active block [lo, hi]: smallest subdiagonal below the deflation threshold
    let lo = hi;
    for (; lo > 0; lo--) {
      const p = lo * m + lo - 1;
      const sub = Math.abs(re[p]) + Math.abs(im[p]);
      const d =
        Math.abs(re[(lo - 1) * m + lo - 1]) + Math.abs(im[(lo - 1) * m + lo - 1]) + Math.abs(re[lo * m + lo]) + Math.abs(im[lo * m + lo]);
      if (sub <= eps * (d === 0 ? 1 : d)) {
        re[p] = 0;
        im[p] = 0;
        break;
      }
    }
    if (lo === hi) {
      hi--;
      iter = 0;
      continue;
    }
    iter++;
    if (iter > maxIterPerEigenvalue) {
      converged = false;
      break;
    }
    // Wilkinson shift: eigenvalue of the trailing 2×2 closer to H(hi, hi); exceptional shifts against cycling
    let mur: number, mui: number;
    const a = (hi - 1) * m + hi - 1;
    if (iter % 10 === 0) {
      const s = Math.abs(re[hi * m + hi - 1]) + Math.abs(im[hi * m + hi - 1]);
      mur = re[hi * m + hi] + 0.75 * s;
      mui = im[hi * m + hi];
    } else {
      const ar = re[a], ai = im[a], br = re[a + 1], bi = im[a + 1];
      const cr = re[a + m], ci = im[a + m], dr = re[a + m + 1], di = im[a + m + 1];
      // (a − d)/2 and bc
      const hr = (ar - dr) / 2, hi2 = (ai - di) / 2;
      const bcr = br * cr - bi * ci, bci = br * ci + bi * cr;
      const [sr, si] = csqrt(hr * hr - hi2 * hi2 + bcr, 2 * hr * hi2 + bci);
      // μ = d + (h ± s)·… : the root closer to d is d − bc/(h ± s) with the sign making |h ± s| largest
      let qr = hr + sr, qi = hi2 + si;
      if (hr * sr + hi2 * si < 0) {
        qr = hr - sr;
        qi = hi2 - si;
      }
      const q2 = qr * qr + qi * qi;
      if (q2 === 0) {
        mur = dr;
        mui = di;
      } else {
        // bc / q
        const tr = (bcr * qr + bci * qi) / q2, ti = (bci * qr - bcr * qi) / q2;
        mur = dr - tr;
        mui = di - ti;
      }
    }
    // implicit single-shift QR sweep on rows/columns lo..hi (bulge chase)
    for (let k = lo; k < hi; k++) {
      let xr: number, xi: number, yr: number, yi: number;
      if (k === lo) {
        xr = re[k * m + k] - mur;
        xi = im[k * m + k] - mui;
        yr = re[(k + 1) * m + k];
        yi = im[(k + 1) * m + k];
      } else {
        xr = re[k * m + k - 1];
        xi = im[k * m + k - 1];
        yr = re[(k + 1) * m + k - 1];
        yi = im[(k + 1) * m + k - 1];
      }
      givens(xr, xi, yr, yi, g);
      const c = g[0], sr = g[1], si = g[2];
      // full-width updates (columns to m−1, rows from 0) so that T is the Schur form of all of A
      rotRows(T, k, k === lo ? lo : k - 1, m - 1, c, sr, si);
      if (k > lo) {
        re[(k + 1) * m + k - 1] = 0;
        im[(k + 1) * m + k - 1] = 0;
      }
      rotCols(T, k, 0, Math.min(k + 2, hi), c, sr, si);
      rotCols(Z, k, 0, m - 1, c, sr, si);
    }
  }
  // clean the strictly lower part (round-off below the deflated subdiagonal)
  if (converged)
    for (let i = 1; i < m; i++)
      for (let j = 0; j < i; j++) {
        re[i * m + j] = 0;
        im[i * m + j] = 0;
      }
  return { T, Z, converged };
}

/** Swap the diagonal entries k, k+1 of the Schur form (T, Z) in place (LAPACK ztrexc step). */
export function schurSwap(T: DenseComplex, Z: DenseComplex, k: number): void {
  const m = T.m;
  const { re, im } = T;
  const d = k * m + k, e = d + m + 1;
  const t11r = re[d], t11i = im[d], t22r = re[e], t22i = im[e];
  const g = new Float64Array(3);
  givens(re[d + 1], im[d + 1], t22r - t11r, t22i - t11i, g);
  const c = g[0], sr = g[1], si = g[2];
  if (k + 2 < m) rotRows(T, k, k + 2, m - 1, c, sr, si);
  if (k > 0) rotCols(T, k, 0, k - 1, c, sr, si);
  re[d] = t22r;
  im[d] = t22i;
  re[e] = t11r;
  im[e] = t11i;
  rotCols(Z, k, 0, Z.m - 1, c, sr, si);
}

/**
 * Reorder the Schur form so that the diagonal is sorted by decreasing key(re, im) (stable bubble sort by adjacent
 * swaps; m is small).
 */
export function schurSort(T: DenseComplex, Z: DenseComplex, key: (re: number, im: number) => number): void {
  const m = T.m;
  for (let i = 0; i < m; i++) {
    // find the best among i..m−1 and bubble it up to i
    let best = i, bk = key(T.re[i * m + i], T.im[i * m + i]);
    for (let j = i + 1; j < m; j++) {
      const kj = key(T.re[j * m + j], T.im[j * m + j]);
      if (kj > bk) {
        bk = kj;
        best = j;
      }
    }
    for (let j = best - 1; j >= i; j--) schurSwap(T, Z, j);
  }
}

/**
 * Eigenvector of upper-triangular T for its j-th diagonal entry, by back substitution (ztrevc): x_j = 1,
 * x_i = −Σ_{l=i+1..j} T_il x_l / (T_ii − T_jj), i < j; x_i = 0 for i > j. Near-equal diagonals are guarded.
 */
export function triangularEigenvector(T: DenseComplex, j: number): { re: Float64Array; im: Float64Array } {
  const m = T.m;
  const { re, im } = T;
  const xr = new Float64Array(m), xi = new Float64Array(m);
  xr[j] = 1;
  let norm = 0;
  for (let p = 0; p < re.length; p++) norm = Math.max(norm, Math.abs(re[p]) + Math.abs(im[p]));
  const small = Math.max(2 ** -52 * norm, Number.MIN_VALUE);
  const tjr = re[j * m + j], tji = im[j * m + j];
  for (let i = j - 1; i >= 0; i--) {
    let sr = 0, si = 0;
    for (let l = i + 1; l <= j; l++) {
      const ar = re[i * m + l], ai = im[i * m + l];
      sr += ar * xr[l] - ai * xi[l];
      si += ar * xi[l] + ai * xr[l];
    }
    let dr = re[i * m + i] - tjr, di = im[i * m + i] - tji;
    if (Math.abs(dr) + Math.abs(di) < small) {
      dr = small;
      di = 0;
    }
    const d2 = dr * dr + di * di;
    xr[i] = -(sr * dr + si * di) / d2;
    xi[i] = -(si * dr - sr * di) / d2;
  }
  return { re: xr, im: xi };
}
