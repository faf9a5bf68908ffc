import { describe, expect, it } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import { gridLUFactor, gridLUSolve, gridSymbolic, stencilMatVec, type StencilMatrix } from '../../../src-core/linalg/gridLU.js';
import { bandedLUFactor, bandedLUSolve } from '../../../src-core/linalg/bandedLU.js';
import { LIOUVILLIAN_OFFSETS, liouvillianBanded, liouvillianStencil } from '../../../src-core/kerr/liouvillianBanded.js';
import { exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import { toRaw } from '../../../src-core/kerr/model.js';
import { mulberry32 } from '../../../src-core/random.js';

const PAPER = { kappa: 0.5, delta: -2, u: 1 };

function rng(seed: number): () => number {
  const u = mulberry32(seed);
  return () => u() - 0.5;
}

/** Random stencil matrix on the K×K grid with a weak diagonal (so the separators' pivoting must interchange rows). */
function randomStencil(K: number, seed: number): StencilMatrix {
  const r = rng(seed);
  const T = LIOUVILLIAN_OFFSETS.length;
  const re = new Float64Array(K * K * T), im = new Float64Array(K * K * T);
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++)
      for (let t = 0; t < T; t++) {
        const [dm, dn] = LIOUVILLIAN_OFFSETS[t];
        if (m + dm < 0 || m + dm >= K || n + dn < 0 || n + dn >= K) continue;
        const s = t === 0 ? 0.05 : 1;
        re[(m * K + n) * T + t] = s * r();
        im[(m * K + n) * T + t] = s * r();
      }
  return { K, offsets: LIOUVILLIAN_OFFSETS, re, im };
}

/** Dense solve through the real 2n×2n embedding (independent oracle, ml-matrix). */
function denseSolve(A: StencilMatrix, br: Float64Array, bi: Float64Array): { re: number[]; im: number[] } {
  const { K, offsets } = A;
  const n = K * K, T = offsets.length;
  const M = Matrix.zeros(2 * n, 2 * n);
  for (let m = 0; m < K; m++)
    for (let c = 0; c < K; c++)
      for (let t = 0; t < T; t++) {
        const a = m + offsets[t][0], b = c + offsets[t][1];
        if (a < 0 || a >= K || b < 0 || b >= K) continue;
        const i = m * K + c, j = a * K + b, q = i * T + t;
        M.set(i, j, M.get(i, j) + A.re[q]);
        M.set(i, j + n, M.get(i, j + n) - A.im[q]);
        M.set(i + n, j, M.get(i + n, j) + A.im[q]);
        M.set(i + n, j + n, M.get(i + n, j + n) + A.re[q]);
      }
  const x = solve(M, Matrix.columnVector([...br, ...bi])).getColumn(0);
  return { re: x.slice(0, n), im: x.slice(n) };
}

function randomVector(n: number, seed: number): { re: Float64Array; im: Float64Array } {
  const r = rng(seed);
  return { re: Float64Array.from({ length: n }, r), im: Float64Array.from({ length: n }, r) };
}

/**
 * ‖A x − b‖∞ / (‖A‖max·‖x‖∞): the normwise backward error of a solve. A stable LU gives ≲ 7 (entries per row) · ε ·
 * growth ≈ 2e-15 here; a ρ₀₀ eliminated in a corner leaf (growth 240) gave ~4e-14.
 */
function backwardError(A: StencilMatrix, x: { re: Float64Array; im: Float64Array }, b: { re: Float64Array; im: Float64Array }): number {
  const n = A.K * A.K;
  const yr = new Float64Array(n), yi = new Float64Array(n);
  stencilMatVec(A, x.re, x.im, yr, yi);
  let r = 0, xm = 0, am = 0;
  for (let i = 0; i < n; i++) {
    r = Math.max(r, Math.hypot(yr[i] - b.re[i], yi[i] - b.im[i]));
    xm = Math.max(xm, Math.hypot(x.re[i], x.im[i]));
  }
  for (let q = 0; q < A.re.length; q++) am = Math.max(am, Math.hypot(A.re[q], A.im[q]));
  return r / (am * xm);
}

describe('nested-dissection grid LU', () => {
  it('eliminates every unknown exactly once, children before parents', () => {
    for (const [K, box] of [
      [1, 0],
      [7, 0],
      [30, 0],
      [30, 17],
      [31, 30],
    ]) {
      const sym = gridSymbolic(K, LIOUVILLIAN_OFFSETS, box);
      const seen = new Int32Array(K * K);
      for (let i = 0; i < sym.nodes; i++) for (let j = 0; j < sym.s[i]; j++) seen[sym.vars[sym.varStart[i] + j]]++;
      expect([...seen].every((c) => c === 1)).toBe(true);
      if (box > 0) {
        // the box's subtree comes first and holds exactly the unknowns with max(m, n) < box
        let inBox = 0;
        for (let i = 0; i < sym.boxNodes; i++)
          for (let j = 0; j < sym.s[i]; j++) {
            const v = sym.vars[sym.varStart[i] + j];
            expect(Math.max(Math.floor(v / K), v % K)).toBeLessThan(box);
            inBox++;
          }
        expect(inBox).toBe(box * box);
      }
    }
  });

  it('solves a random weak-diagonal stencil system like a dense solver (K = 9, ≤ 1e-11)', () => {
    for (const seed of [1, 2, 3]) {
      const K = 9, n = K * K;
      const A = randomStencil(K, seed);
      const b = randomVector(n, 100 + seed);
      const ref = denseSolve(A, b.re, b.im);
      const x = { re: b.re.slice(), im: b.im.slice() };
      gridLUSolve(gridLUFactor(A, gridSymbolic(K, LIOUVILLIAN_OFFSETS)), x.re, x.im);
      let e = 0, s = 0;
      for (let i = 0; i < n; i++) {
        e = Math.max(e, Math.hypot(x.re[i] - ref.re[i], x.im[i] - ref.im[i]));
        s = Math.max(s, Math.hypot(ref.re[i], ref.im[i]));
      }
      expect(e / s).toBeLessThan(1e-11);
    }
  });

  it('Kerr L − σ: the same solution as the banded LU, backward error ~ machine precision, small growth', () => {
    for (const [N, eps, K, sr, si] of [
      [10, 0.933, 45, 2.5e-4, 0],
      [20, 0.933, 80, 2.5e-4, 0],
      [20, 1.2, 80, 2.5e-4, 2.1],
      [5, 2.5, 50, 1e-9, 0],
    ]) {
      const raw = toRaw({ ...PAPER, N, eps });
      const sigma = { re: sr, im: si };
      const A = liouvillianStencil(raw, K, sigma);
      const F = gridLUFactor(A, gridSymbolic(K, LIOUVILLIAN_OFFSETS));
      expect(F.growth).toBeLessThan(10);
      const b = randomVector(K * K, N);
      const x = { re: b.re.slice(), im: b.im.slice() };
      gridLUSolve(F, x.re, x.im);
      expect(backwardError(A, x, b)).toBeLessThan(5e-15);
      const y = { re: b.re.slice(), im: b.im.slice() };
      bandedLUSolve(bandedLUFactor(liouvillianBanded(raw, K, sigma)), y.re, y.im);
      let e = 0, s = 0;
      for (let i = 0; i < K * K; i++) {
        e = Math.max(e, Math.hypot(x.re[i] - y.re[i], x.im[i] - y.im[i]));
        s = Math.max(s, Math.hypot(y.re[i], y.im[i]));
      }
      // forward error ≤ cond · backward error: compare only where cond(L − σ) ~ max|L|/σ is moderate
      if (sr >= 1e-4) expect(e / s).toBeLessThan(1e-9);
    }
  });

  it('the leading box solves with L truncated at K₁ (one factorisation, two cut-offs)', () => {
    const raw = toRaw({ ...PAPER, N: 10, eps: 1.1 });
    const K = 50, K1 = 41, sigma = { re: 2.5e-4, im: 0.7 };
    const F = gridLUFactor(liouvillianStencil(raw, K, sigma), gridSymbolic(K, LIOUVILLIAN_OFFSETS, K1));
    const A1 = liouvillianStencil(raw, K1, sigma);
    const b = randomVector(K1 * K1, 7);
    const x = { re: b.re.slice(), im: b.im.slice() };
    gridLUSolve(F, x.re, x.im, K1);
    expect(backwardError(A1, x, b)).toBeLessThan(5e-15);
    // and the same factorisation still solves the full K system
    const A = liouvillianStencil(raw, K, sigma);
    const c = randomVector(K * K, 8);
    const y = { re: c.re.slice(), im: c.im.slice() };
    gridLUSolve(F, y.re, y.im);
    expect(backwardError(A, y, c)).toBeLessThan(5e-15);
  });

  it('at σ = 0 (L exactly singular) the last pivot is round-off, and a solve is inverse iteration onto ρ_ss', () => {
    const params = { ...PAPER, N: 4, eps: 1.1 };
    const K = 40;
    const A = liouvillianStencil(toRaw(params), K);
    const F = gridLUFactor(A, gridSymbolic(K, LIOUVILLIAN_OFFSETS));
    expect(F.minPivotRatio).toBeLessThan(1e-12);
    const b = randomVector(K * K, 3);
    gridLUSolve(F, b.re, b.im);
    // normalise to unit trace: the exact NESS photon number <n> = Σ m ρ_mm (seed 000 Sec. II B, complex-P solution)
    let tr = 0, trI = 0, nr = 0;
    for (let m = 0; m < K; m++) {
      tr += b.re[m * K + m];
      trI += b.im[m * K + m];
    }
    const t2 = tr * tr + trI * trI;
    for (let m = 0; m < K; m++) nr += (m * (b.re[m * K + m] * tr + b.im[m * K + m] * trI)) / t2;
    expect(Math.abs(nr - exactNess(params).n) / exactNess(params).n).toBeLessThan(1e-9);
  });

  it('rejects bad input with a message naming it', () => {
    expect(() => gridSymbolic(0, LIOUVILLIAN_OFFSETS)).toThrow(/K must be an integer/);
    expect(() => gridSymbolic(10, LIOUVILLIAN_OFFSETS, 10)).toThrow(/box/);
    expect(() =>
      gridSymbolic(10, [
        [0, 0],
        [1, 0],
      ]),
    ).toThrow(/not symmetric/);
    expect(() => gridSymbolic(10, [[0, 2], [0, -2], [0, 0]])).toThrow(/beyond one grid step/);
    const sym = gridSymbolic(8, LIOUVILLIAN_OFFSETS);
    expect(() => gridLUFactor(randomStencil(9, 1), sym)).toThrow(/another grid/);
    const F = gridLUFactor(randomStencil(8, 1), sym);
    expect(() => gridLUSolve(F, new Float64Array(10), new Float64Array(10))).toThrow(/length/);
    expect(() => gridLUSolve(F, new Float64Array(16), new Float64Array(16), 4)).toThrow(/no leading box/);
  });
});
