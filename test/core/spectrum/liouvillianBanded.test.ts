import { describe, expect, it } from 'vitest';
import { diagonalOrder, liouvillianBanded, liouvillianBandedDiagonal } from '../../../src-core/kerr/liouvillianBanded.js';
import { bandedLUFactor, bandedLUSolve, bandedMatVec } from '../../../src-core/linalg/bandedLU.js';
import { toRaw, type KerrRaw } from '../../../src-core/kerr/model.js';
import { denseLiouvillianApply } from '../kerr/helpers.js';

/**
 * Reference: L(ρ) written from the master equation itself, dρ/dt = −i[H, ρ] + 2κ(aρa† − ½{a†a, ρ}) (PHYSICS.md §1),
 * with dense K×K matrices H, a, a† (the Kerr tests' helper) — not from the element formula the banded builder uses.
 */
function applyMasterEquation(raw: KerrRaw, K: number, re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  return denseLiouvillianApply(raw, { K, re, im });
}

function randomVec(len: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: len }, () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  });
}

describe('banded Kerr Liouvillian', () => {
  const params = [
    { kappa: 0.5, delta: -2, u: 1, eps: 0.933, N: 5 },
    { kappa: 0.3, delta: 1.5, u: 2, eps: 1.3, N: 2.5 },
  ];
  for (const p of params)
    for (const K of [1, 2, 7, 12])
      it(`equals the master equation applied to a random ρ (K=${K}, ε=${p.eps})`, () => {
        const raw = toRaw(p);
        const A = liouvillianBanded(raw, K);
        expect(A.kl).toBe(K + 1);
        expect(A.ku).toBe(K + 1);
        const xr = randomVec(K * K, 11 + K), xi = randomVec(K * K, 97 + K);
        const yr = new Float64Array(K * K), yi = new Float64Array(K * K);
        bandedMatVec(A, xr, xi, yr, yi);
        const ref = applyMasterEquation(raw, K, xr, xi);
        let e = 0, s = 0;
        for (let q = 0; q < K * K; q++) {
          e = Math.max(e, Math.abs(yr[q] - ref.re[q]), Math.abs(yi[q] - ref.im[q]));
          s = Math.max(s, Math.abs(ref.re[q]), Math.abs(ref.im[q]));
        }
        expect(e).toBeLessThanOrEqual(1e-13 * Math.max(1, s));
      });

  it('preserves the trace (identity is a left null vector) and Hermiticity', () => {
    const K = 9;
    const raw = toRaw({ kappa: 0.5, delta: -2, u: 1, eps: 1.1, N: 10 });
    const A = liouvillianBanded(raw, K);
    // Hermitian ρ
    const xr = randomVec(K * K, 3), xi = randomVec(K * K, 5);
    for (let m = 0; m < K; m++)
      for (let n = 0; n <= m; n++) {
        xr[n * K + m] = xr[m * K + n];
        xi[n * K + m] = m === n ? 0 : -xi[m * K + n];
      }
    const yr = new Float64Array(K * K), yi = new Float64Array(K * K);
    bandedMatVec(A, xr, xi, yr, yi);
    let tr = 0, ti = 0, herm = 0;
    for (let m = 0; m < K; m++) {
      tr += yr[m * K + m];
      ti += yi[m * K + m];
      for (let n = 0; n < K; n++) herm = Math.max(herm, Math.abs(yr[m * K + n] - yr[n * K + m]), Math.abs(yi[m * K + n] + yi[n * K + m]));
    }
    expect(Math.abs(tr)).toBeLessThan(1e-13);
    expect(Math.abs(ti)).toBeLessThan(1e-13);
    expect(herm).toBeLessThan(1e-13);
  });

  it('(L − s) x = b solved by the banded LU reproduces b through the master equation', () => {
    const K = 10;
    const raw = toRaw({ kappa: 0.5, delta: -2, u: 1, eps: 0.9, N: 5 });
    const s = { re: 0.05, im: -0.3 };
    const F = bandedLUFactor(liouvillianBanded(raw, K, s));
    const br = randomVec(K * K, 7), bi = randomVec(K * K, 8);
    const xr = br.slice(), xi = bi.slice();
    bandedLUSolve(F, xr, xi);
    const Lx = applyMasterEquation(raw, K, xr, xi);
    let e = 0;
    for (let q = 0; q < K * K; q++) {
      e = Math.max(e, Math.abs(Lx.re[q] - (s.re * xr[q] - s.im * xi[q]) - br[q]), Math.abs(Lx.im[q] - (s.re * xi[q] + s.im * xr[q]) - bi[q]));
    }
    expect(e).toBeLessThan(1e-10);
  });
  for (const K of [1, 2, 7, 12])
    it(`in the diagonal-major ordering: a permutation, the master equation, and the LU solve reproduces b (K=${K})`, () => {
      const raw = toRaw({ kappa: 0.5, delta: -2, u: 1, eps: 0.933, N: 5 });
      const s = { re: 0.05, im: -0.3 };
      const { A, pos } = liouvillianBandedDiagonal(raw, K, s);
      // pos is a permutation of 0…K²−1 with ρ_mm at the consecutive positions off[K − 1] + m
      expect(Array.from(pos).sort((a, b) => a - b)).toEqual(Array.from({ length: K * K }, (_, i) => i));
      const { off } = diagonalOrder(K);
      for (let m = 0; m < K; m++) expect(pos[m * K + m]).toBe(off[K - 1] + m);
      expect(A.kl).toBeLessThanOrEqual(K + 1);
      expect(A.ku).toBeLessThanOrEqual(K + 1);
      // A x (permuted) against the master equation applied to ρ = x
      const xr = randomVec(K * K, 11 + K), xi = randomVec(K * K, 97 + K);
      const pr = new Float64Array(K * K), pi = new Float64Array(K * K);
      for (let q = 0; q < K * K; q++) {
        pr[pos[q]] = xr[q];
        pi[pos[q]] = xi[q];
      }
      const yr = new Float64Array(K * K), yi = new Float64Array(K * K);
      bandedMatVec(A, pr, pi, yr, yi);
      const ref = applyMasterEquation(raw, K, xr, xi);
      let e = 0, sc = 0;
      for (let q = 0; q < K * K; q++) {
        const wr = ref.re[q] - (s.re * xr[q] - s.im * xi[q]), wi = ref.im[q] - (s.re * xi[q] + s.im * xr[q]);
        e = Math.max(e, Math.abs(yr[pos[q]] - wr), Math.abs(yi[pos[q]] - wi));
        sc = Math.max(sc, Math.abs(wr), Math.abs(wi));
      }
      expect(e).toBeLessThanOrEqual(1e-13 * Math.max(1, sc));
      // the variable-profile LU solves it: (L − s) x = b checked through the master equation
      const F = bandedLUFactor(A);
      const br = randomVec(K * K, 7), bi = randomVec(K * K, 8);
      const zr = new Float64Array(K * K), zi = new Float64Array(K * K);
      for (let q = 0; q < K * K; q++) {
        zr[pos[q]] = br[q];
        zi[pos[q]] = bi[q];
      }
      bandedLUSolve(F, zr, zi);
      const vr = new Float64Array(K * K), vi = new Float64Array(K * K);
      for (let q = 0; q < K * K; q++) {
        vr[q] = zr[pos[q]];
        vi[q] = zi[pos[q]];
      }
      const Lv = applyMasterEquation(raw, K, vr, vi);
      let r = 0;
      for (let q = 0; q < K * K; q++)
        r = Math.max(r, Math.abs(Lv.re[q] - (s.re * vr[q] - s.im * vi[q]) - br[q]), Math.abs(Lv.im[q] - (s.re * vi[q] + s.im * vr[q]) - bi[q]));
      expect(r).toBeLessThan(1e-10);
    });
});
