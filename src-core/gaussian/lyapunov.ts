/**
 * Continuous Lyapunov equation A X + X Aᵀ + C = 0 for small n (here n = 4), X symmetric.
 * Vectorised on the n(n+1)/2 unknowns X_ij (i ≤ j) and solved by LU with partial pivoting plus one step of
 * iterative refinement: exact to round-off for a stable A (the operator X ↦ AX + XAᵀ has eigenvalues λ_i + λ_j,
 * all with negative real part). Cost for n = 4: a 10×10 solve, ~1 µs.
 */

/** Index of X_ij (i ≤ j) among the n(n+1)/2 unknowns, row-wise upper triangle. */
function triIndexOf(n: number, i: number, j: number): number {
  const a = Math.min(i, j);
  const b = Math.max(i, j);
  return a * n - (a * (a - 1)) / 2 + (b - a);
}

/** triIndex tables per n (the solver's hot loop looks indices up rather than computing them). */
const TRI = new Map<number, Int32Array>();
function triTable(n: number): Int32Array {
  let t = TRI.get(n);
  if (!t) {
    t = new Int32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[i * n + j] = triIndexOf(n, i, j);
    TRI.set(n, t);
  }
  return t;
}

/** Dense LU with partial pivoting in place (row-major m×m); returns the pivot rows, throws if singular. */
function luFactor(M: Float64Array, m: number, piv: Int32Array): void {
  for (let k = 0; k < m; k++) {
    let p = k;
    let best = Math.abs(M[k * m + k]);
    for (let r = k + 1; r < m; r++) {
      const v = Math.abs(M[r * m + k]);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (best === 0) throw new Error('Lyapunov operator is singular (A has eigenvalues λ_i + λ_j = 0)');
    piv[k] = p;
    if (p !== k) {
      for (let c = 0; c < m; c++) {
        const t = M[k * m + c];
        M[k * m + c] = M[p * m + c];
        M[p * m + c] = t;
      }
    }
    const inv = 1 / M[k * m + k];
    for (let r = k + 1; r < m; r++) {
      const f = (M[r * m + k] *= inv);
      if (f !== 0) for (let c = k + 1; c < m; c++) M[r * m + c] -= f * M[k * m + c];
    }
  }
}

function luSolve(LU: Float64Array, m: number, piv: Int32Array, b: Float64Array): void {
  for (let k = 0; k < m; k++) {
    const p = piv[k];
    if (p !== k) {
      const t = b[k];
      b[k] = b[p];
      b[p] = t;
    }
  }
  for (let r = 1; r < m; r++) {
    let s = b[r];
    for (let c = 0; c < r; c++) s -= LU[r * m + c] * b[c];
    b[r] = s;
  }
  for (let r = m - 1; r >= 0; r--) {
    let s = b[r];
    for (let c = r + 1; c < m; c++) s -= LU[r * m + c] * b[c];
    b[r] = s / LU[r * m + r];
  }
}

/** The vectorised operator: row (i ≤ j) of vec(A X + X Aᵀ) = Σ_k A_ik X_kj + Σ_k A_jk X_ik. */
function buildOperator(A: Float64Array, n: number, M: Float64Array): void {
  const m = (n * (n + 1)) / 2;
  const T = triTable(n);
  M.fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const row = T[i * n + j] * m;
      for (let k = 0; k < n; k++) {
        M[row + T[k * n + j]] += A[i * n + k];
        M[row + T[i * n + k]] += A[j * n + k];
      }
    }
  }
}

/** R = A X + X Aᵀ + C (full n×n, row-major). */
export function lyapunovResidual(A: Float64Array, X: Float64Array, C: Float64Array, n = 4, out = new Float64Array(n * n)): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = C[i * n + j];
      for (let k = 0; k < n; k++) s += A[i * n + k] * X[k * n + j] + X[i * n + k] * A[j * n + k];
      out[i * n + j] = s;
    }
  }
  return out;
}

/**
 * Solve A X + X Aᵀ + C = 0 for symmetric X (C symmetric), n×n row-major. The caller checks that A is stable;
 * here a singular operator throws.
 */
export function solveLyapunov(A: Float64Array, C: Float64Array, n = 4): Float64Array {
  const m = (n * (n + 1)) / 2;
  const T = triTable(n);
  const M = new Float64Array(m * m);
  const piv = new Int32Array(m);
  buildOperator(A, n, M);
  luFactor(M, m, piv);
  const b = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) b[T[i * n + j]] = -C[i * n + j];
  luSolve(M, m, piv, b);
  const X = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) X[i * n + j] = b[T[i * n + j]];
  // One step of iterative refinement: solve for the correction from the residual R = A X + X Aᵀ + C.
  const R = lyapunovResidual(A, X, C, n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) b[T[i * n + j]] = R[i * n + j];
  luSolve(M, m, piv, b);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) X[i * n + j] -= b[T[i * n + j]];
  return X;
}
