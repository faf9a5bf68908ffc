/**
 * Continuous Lyapunov equation A X + X Aᵀ + C = 0 for small n (here n = 4), X symmetric.
 * Vectorised on the n(n+1)/2 unknowns X_ij (i ≤ j) and solved by LU with partial pivoting plus one step of
 * iterative refinement: exact to round-off for a stable A (the operator X ↦ AX + XAᵀ has eigenvalues λ_i + λ_j,
 * all with negative real part). Cost for n = 4: a 10×10 solve, ~1 µs.
 */

/** Index of X_ij (i ≤ j) among the n(n+1)/2 unknowns, row-wise upper triangle. */
function triIndex(n: number, i: number, j: number): number {
  if (i > j) [i, j] = [j, i];
  return i * n - (i * (i - 1)) / 2 + (j - i);
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
  M.fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const row = triIndex(n, i, j) * m;
      for (let k = 0; k < n; k++) {
        M[row + triIndex(n, k, j)] += A[i * n + k];
        M[row + triIndex(n, i, k)] += A[j * n + k];
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
  const M = new Float64Array(m * m);
  const piv = new Int32Array(m);
  buildOperator(A, n, M);
  luFactor(M, m, piv);
  const b = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) b[triIndex(n, i, j)] = -C[i * n + j];
  luSolve(M, m, piv, b);
  const X = new Float64Array(n * n);
  const unpack = (v: Float64Array, sign: number) => {
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const x = sign * v[triIndex(n, i, j)];
        X[i * n + j] += x;
        if (j !== i) X[j * n + i] += x;
      }
  };
  unpack(b, 1);
  // One step of iterative refinement: solve for the correction from the residual R = A X + X Aᵀ + C.
  const R = lyapunovResidual(A, X, C, n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) b[triIndex(n, i, j)] = R[i * n + j];
  luSolve(M, m, piv, b);
  unpack(b, -1);
  return X;
}
