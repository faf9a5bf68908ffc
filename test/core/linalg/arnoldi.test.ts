import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { complexSchur, schurSort, triangularEigenvector, type DenseComplex } from '../../../src-core/linalg/complexSchur.js';
import { krylovSchur } from '../../../src-core/linalg/arnoldi.js';

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
}

function randomComplex(m: number, seed: number): DenseComplex {
  const r = rng(seed);
  return { m, re: Float64Array.from({ length: m * m }, r), im: Float64Array.from({ length: m * m }, r) };
}

/** ‖A − Z T Zᴴ‖_max and ‖ZᴴZ − I‖_max. */
function schurErrors(A: DenseComplex, T: DenseComplex, Z: DenseComplex): { recon: number; unit: number } {
  const m = A.m;
  let recon = 0, unit = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let xr = 0, xi = 0, ur = 0, ui = 0;
      for (let k = 0; k < m; k++) {
        // (Z T)_ik
        let zr = 0, zi = 0;
        for (let l = 0; l < m; l++) {
          zr += Z.re[i * m + l] * T.re[l * m + k] - Z.im[i * m + l] * T.im[l * m + k];
          zi += Z.re[i * m + l] * T.im[l * m + k] + Z.im[i * m + l] * T.re[l * m + k];
        }
        // · conj(Z_jk)
        xr += zr * Z.re[j * m + k] + zi * Z.im[j * m + k];
        xi += zi * Z.re[j * m + k] - zr * Z.im[j * m + k];
        // (ZᴴZ)_ij = Σ_k conj(Z_ki) Z_kj
        ur += Z.re[k * m + i] * Z.re[k * m + j] + Z.im[k * m + i] * Z.im[k * m + j];
        ui += Z.re[k * m + i] * Z.im[k * m + j] - Z.im[k * m + i] * Z.re[k * m + j];
      }
      recon = Math.max(recon, Math.abs(xr - A.re[i * m + j]), Math.abs(xi - A.im[i * m + j]));
      unit = Math.max(unit, Math.abs(ur - (i === j ? 1 : 0)), Math.abs(ui));
    }
  return { recon, unit };
}

/** Eigenvalues of a complex matrix from ml-matrix's real EVD of the 2m×2m embedding [[Re, −Im], [Im, Re]]:
 *  that spectrum is λ(A) ∪ conj λ(A), so λ(A) must be a sub-multiset of it (an independent oracle). */
function embeddingEigenvalues(A: DenseComplex): { re: number; im: number }[] {
  const m = A.m;
  const M = Matrix.zeros(2 * m, 2 * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      M.set(i, j, A.re[i * m + j]);
      M.set(i, j + m, -A.im[i * m + j]);
      M.set(i + m, j, A.im[i * m + j]);
      M.set(i + m, j + m, A.re[i * m + j]);
    }
  const e = new EigenvalueDecomposition(M);
  return e.realEigenvalues.map((re, k) => ({ re, im: e.imaginaryEigenvalues[k] }));
}

describe('complex Schur decomposition', () => {
  for (const m of [1, 2, 5, 17, 40])
    it(`A = Z T Zᴴ with Z unitary, T triangular (m=${m})`, () => {
      const A = randomComplex(m, 31 + m);
      const { T, Z, converged } = complexSchur(A);
      expect(converged).toBe(true);
      const e = schurErrors(A, T, Z);
      expect(e.recon).toBeLessThan(1e-12 * m);
      expect(e.unit).toBeLessThan(1e-13 * m);
      for (let i = 1; i < m; i++) for (let j = 0; j < i; j++) expect(Math.hypot(T.re[i * m + j], T.im[i * m + j])).toBe(0);
      // eigenvalues are in the embedding's spectrum
      const emb = embeddingEigenvalues(A);
      for (let i = 0; i < m; i++) {
        const l = { re: T.re[i * m + i], im: T.im[i * m + i] };
        const d = Math.min(...emb.map((z) => Math.hypot(z.re - l.re, z.im - l.im)));
        expect(d).toBeLessThan(1e-10);
      }
    });

  it('sorting by |λ| keeps A = Z T Zᴴ, and triangular eigenvectors satisfy A y = λ y', () => {
    const m = 20;
    const A = randomComplex(m, 5);
    const { T, Z } = complexSchur(A);
    schurSort(T, Z, (re, im) => Math.hypot(re, im));
    const e = schurErrors(A, T, Z);
    expect(e.recon).toBeLessThan(1e-12 * m);
    for (let i = 1; i < m; i++) expect(Math.hypot(T.re[i * m + i], T.im[i * m + i])).toBeLessThanOrEqual(Math.hypot(T.re[(i - 1) * m + i - 1], T.im[(i - 1) * m + i - 1]));
    for (const j of [0, 3, 11]) {
      const s = triangularEigenvector(T, j);
      // y = Z s
      const yr = new Float64Array(m), yi = new Float64Array(m);
      for (let r = 0; r < m; r++)
        for (let c = 0; c < m; c++) {
          yr[r] += Z.re[r * m + c] * s.re[c] - Z.im[r * m + c] * s.im[c];
          yi[r] += Z.re[r * m + c] * s.im[c] + Z.im[r * m + c] * s.re[c];
        }
      const lr = T.re[j * m + j], li = T.im[j * m + j];
      let res = 0, ny = 0;
      for (let r = 0; r < m; r++) {
        let ar = 0, ai = 0;
        for (let c = 0; c < m; c++) {
          ar += A.re[r * m + c] * yr[c] - A.im[r * m + c] * yi[c];
          ai += A.re[r * m + c] * yi[c] + A.im[r * m + c] * yr[c];
        }
        res = Math.max(res, Math.hypot(ar - (lr * yr[r] - li * yi[r]), ai - (lr * yi[r] + li * yr[r])));
        ny = Math.max(ny, Math.hypot(yr[r], yi[r]));
      }
      expect(res / ny).toBeLessThan(1e-12);
    }
  });
});

describe('Krylov–Schur Arnoldi', () => {
  const n = 300;
  const r = rng(99);
  // real non-symmetric test matrix with a spread spectrum: dense EVD (ml-matrix) is the oracle
  const B = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) B.set(i, j, 0.3 * r() + (i === j ? 0.02 * i : 0));
  const rows = B.to2DArray();
  const op = (xr: Float64Array, xi: Float64Array) => {
    const yr = new Float64Array(n), yi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      let a = 0, b = 0;
      for (let j = 0; j < n; j++) {
        a += row[j] * xr[j];
        b += row[j] * xi[j];
      }
      yr[i] = a;
      yi[i] = b;
    }
    xr.set(yr);
    xi.set(yi);
  };
  const evd = new EigenvalueDecomposition(B);
  const dense = evd.realEigenvalues
    .map((re, k) => ({ re, im: evd.imaginaryEigenvalues[k] }))
    .sort((a, b) => Math.hypot(b.re, b.im) - Math.hypot(a.re, a.im));

  it('finds the largest-modulus eigenvalues like a dense eigen-solve (≤ 1e-9 relative), with small residuals', () => {
    const res = krylovSchur(n, op, { nev: 6, tol: 1e-12 });
    expect(res.converged).toBe(true);
    for (let i = 0; i < 6; i++) {
      const z = res.values[i];
      const d = Math.min(...dense.slice(0, 8).map((w) => Math.hypot(w.re - z.re, w.im - z.im)));
      expect(d / Math.hypot(z.re, z.im)).toBeLessThan(1e-9);
      expect(Math.hypot(z.re, z.im)).toBeCloseTo(Math.hypot(dense[i].re, dense[i].im), 9);
      // explicit residual of the returned Ritz vector
      const y = res.vectors[i];
      const xr = y.re.slice(), xi = y.im.slice();
      op(xr, xi);
      let e = 0;
      for (let q = 0; q < n; q++) e = Math.max(e, Math.hypot(xr[q] - (z.re * y.re[q] - z.im * y.im[q]), xi[q] - (z.re * y.im[q] + z.im * y.re[q])));
      expect(e).toBeLessThan(1e-9 * Math.hypot(z.re, z.im));
    }
  });

  it('with checkFrom (early convergence test) returns the same eigenvalues and vectors to tolerance, in no more OP applications', () => {
    const full = krylovSchur(n, op, { nev: 4, ncv: 40, tol: 1e-10 });
    const early = krylovSchur(n, op, { nev: 4, ncv: 40, tol: 1e-10, checkFrom: 6 });
    expect(early.converged).toBe(true);
    expect(early.opCount).toBeLessThan(full.opCount); // 138 vs 148 here: the early exit is exercised
    for (let i = 0; i < 4; i++) {
      const z = early.values[i];
      expect(Math.hypot(z.re - dense[i].re, z.im - dense[i].im) / Math.hypot(z.re, z.im)).toBeLessThan(1e-8);
      // explicit residual of the Ritz vector built from the partial basis
      const y = early.vectors[i];
      const xr = y.re.slice(), xi = y.im.slice();
      op(xr, xi);
      let e = 0;
      for (let q = 0; q < n; q++) e = Math.max(e, Math.hypot(xr[q] - (z.re * y.re[q] - z.im * y.im[q]), xi[q] - (z.re * y.im[q] + z.im * y.re[q])));
      expect(e).toBeLessThan(1e-8 * Math.hypot(z.re, z.im));
    }
  });

  it('reports non-convergence instead of returning silently', () => {
    const res = krylovSchur(n, op, { nev: 6, ncv: 14, tol: 1e-15, maxRestarts: 1 });
    expect(res.converged).toBe(false);
    expect(res.restarts).toBe(1);
    expect(Math.max(...res.residuals)).toBeGreaterThan(1e-15);
  });

  it('honours a projection that deflates a known eigenvector', () => {
    // operator diag(10, 1, 2, …) on n = 50: projecting out e_0 must hide the eigenvalue 10
    const m = 50;
    const d = Float64Array.from({ length: m }, (_, i) => (i === 0 ? 10 : 1 + i / m));
    const res = krylovSchur(
      m,
      (xr, xi) => {
        for (let i = 0; i < m; i++) {
          xr[i] *= d[i];
          xi[i] *= d[i];
        }
      },
      { nev: 2, project: (xr, xi) => ((xr[0] = 0), (xi[0] = 0)) },
    );
    expect(res.converged).toBe(true);
    expect(res.values[0].re).toBeCloseTo(1 + 49 / 50, 12);
    expect(res.values[1].re).toBeCloseTo(1 + 48 / 50, 12);
  });
});
