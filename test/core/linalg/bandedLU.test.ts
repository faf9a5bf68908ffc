import { describe, expect, it } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import {
  bandedAdd,
  bandedGet,
  bandedLUFactor,
  bandedLUSolve,
  bandedLUSolveAdjoint,
  bandedMatVec,
  bandedSet,
  bandedZeros,
  SingularMatrixError,
  type BandedMatrix,
} from '../../../src-core/linalg/bandedLU.js';
import { mulberry32 } from '../../../src-core/random.js';

/** Deterministic pseudo-random numbers in [−½, ½) so a failure is reproducible. */
function rng(seed: number): () => number {
  const u = mulberry32(seed);
  return () => u() - 0.5;
}

/** Random band matrix; `weakDiagonal` makes the diagonal tiny so partial pivoting must interchange rows. */
function randomBand(n: number, kl: number, ku: number, seed: number, weakDiagonal = false): BandedMatrix {
  const r = rng(seed);
  const A = bandedZeros(n, kl, ku);
  for (let i = 0; i < n; i++)
    for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
      const s = weakDiagonal && i === j ? 1e-3 : 1;
      const boost = (kl === 0 || ku === 0) && i === j ? 3 : 0;
      bandedSet(A, i, j, s * r() + boost, s * r());
    }
  return A;
}

/** Dense solve of the complex system through its real 2n×2n embedding [[Ar, −Ai], [Ai, Ar]] (independent oracle). */
function denseSolve(A: BandedMatrix, br: Float64Array, bi: Float64Array, adjoint = false): { re: number[]; im: number[] } {
  const n = A.n;
  const M = Matrix.zeros(2 * n, 2 * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const a = adjoint ? bandedGet(A, j, i) : bandedGet(A, i, j);
      const ar = a.re, ai = adjoint ? -a.im : a.im;
      M.set(i, j, ar);
      M.set(i, j + n, -ai);
      M.set(i + n, j, ai);
      M.set(i + n, j + n, ar);
    }
  const b = Matrix.columnVector([...br, ...bi]);
  const x = solve(M, b).getColumn(0);
  return { re: x.slice(0, n), im: x.slice(n) };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}

describe('banded complex LU', () => {
  const cases: [number, number, number, boolean][] = [
    [1, 0, 0, false],
    [7, 2, 1, false],
    [40, 3, 5, true],
    [60, 6, 6, true],
    // kl = 7 and 5: the factor updates rows four, two and one at a time (every remainder of the blocking is exercised)
    [90, 7, 4, true],
    [45, 5, 2, true],
    // triangular bands: a random triangular matrix is exponentially ill-conditioned, so give these a strong diagonal
    [50, 0, 4, false],
    [50, 4, 0, false],
  ];
  for (const [n, kl, ku, weak] of cases)
    it(`solves A x = b and Aᴴ x = b like a dense solve (n=${n}, kl=${kl}, ku=${ku}${weak ? ', pivoting' : ''})`, () => {
      const A = randomBand(n, kl, ku, 1000 + n + kl * 7 + ku, weak);
      const r = rng(n);
      const br = Float64Array.from({ length: n }, r), bi = Float64Array.from({ length: n }, r);
      const F = bandedLUFactor(A);
      if (weak && kl > 0) expect(Array.from(F.piv).some((p, k) => p !== k)).toBe(true);
      const xr = br.slice(), xi = bi.slice();
      bandedLUSolve(F, xr, xi);
      const ref = denseSolve(A, br, bi);
      const scale = Math.max(...ref.re.map(Math.abs), ...ref.im.map(Math.abs));
      expect(maxDiff(xr, ref.re) / scale).toBeLessThan(1e-11);
      expect(maxDiff(xi, ref.im) / scale).toBeLessThan(1e-11);
      // residual through the band mat-vec (a second, independent check of storage and solve)
      const yr = new Float64Array(n), yi = new Float64Array(n);
      bandedMatVec(A, xr, xi, yr, yi);
      expect(maxDiff(yr, br)).toBeLessThan(1e-11 * scale);
      expect(maxDiff(yi, bi)).toBeLessThan(1e-11 * scale);
      const zr = br.slice(), zi = bi.slice();
      bandedLUSolveAdjoint(F, zr, zi);
      const refH = denseSolve(A, br, bi, true);
      const scaleH = Math.max(...refH.re.map(Math.abs), ...refH.im.map(Math.abs));
      expect(maxDiff(zr, refH.re) / scaleH).toBeLessThan(1e-11);
      expect(maxDiff(zi, refH.im) / scaleH).toBeLessThan(1e-11);
    });

  it('factors in place to the same factors as a copy', () => {
    const A = randomBand(30, 3, 2, 5, true);
    const F1 = bandedLUFactor(A);
    const F2 = bandedLUFactor(A, { inPlace: true });
    expect(F2.re).toBe(A.re);
    expect(maxDiff(F1.re, F2.re)).toBe(0);
    expect(Array.from(F1.piv)).toEqual(Array.from(F2.piv));
  });

  it('element helpers respect the band and accumulate', () => {
    const A = bandedZeros(5, 1, 2);
    bandedSet(A, 2, 4, 1, 2);
    bandedAdd(A, 2, 4, 0.5, -1);
    expect(bandedGet(A, 2, 4)).toEqual({ re: 1.5, im: 1 });
    expect(bandedGet(A, 4, 0)).toEqual({ re: 0, im: 0 });
    expect(() => bandedSet(A, 3, 1, 1)).toThrow(RangeError);
    expect(() => bandedSet(A, 0, 3, 1)).toThrow(RangeError);
  });

  it('an exactly singular matrix throws, or with perturbZeroPivots gives inverse iteration onto the null vector', () => {
    // tridiagonal graph Laplacian-like matrix: rows sum to zero, so (1, …, 1) is a right null vector
    const n = 20;
    const A = bandedZeros(n, 1, 1);
    for (let i = 0; i < n; i++) {
      const lo = i > 0 ? 1 : 0, hi = i < n - 1 ? 2 : 0;
      if (lo) bandedSet(A, i, i - 1, -1, 0);
      if (hi) bandedSet(A, i, i + 1, -2, 0);
      bandedSet(A, i, i, lo + hi, 0);
    }
    // exact zero pivot arises at the last step in exact arithmetic; make it exact with integers (no rounding here)
    let threw = false;
    try {
      bandedLUFactor(A);
    } catch (e) {
      threw = e instanceof SingularMatrixError;
    }
    const F = bandedLUFactor(A, { perturbZeroPivots: true });
    expect(threw || F.minPivotRatio < 1e-12).toBe(true);
    expect(F.perturbed.length).toBeGreaterThanOrEqual(threw ? 1 : 0);
    const xr = new Float64Array(n).fill(0).map((_, i) => Math.cos(i)), xi = new Float64Array(n);
    bandedLUSolve(F, xr, xi);
    const norm = Math.hypot(...xr, ...xi);
    const x0 = xr[0] / norm;
    for (let i = 0; i < n; i++) {
      expect(Math.abs(xr[i] / norm - x0)).toBeLessThan(1e-10);
      expect(Math.abs(xi[i] / norm)).toBeLessThan(1e-10);
    }
  });
});
