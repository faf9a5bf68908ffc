/**
 * The WebAssembly SIMD loops of the Householder tridiagonalisation (src-core/linalg/hermitianKernel.wat, issue 12
 * speed) against the TypeScript loops: the same bits in every eigenvalue for K = 1…90 (both parities of K − s, where
 * the loops have their one-column and one-row remainders), random Hermitian matrices and density matrices; the
 * spectrum itself is checked against known eigenvalues in hermitianEigen.test.ts (which now runs the WebAssembly loops).
 */
import { describe, expect, it } from 'vitest';
import { hermitianEigenvalues } from '../../../src-core/linalg/hermitianEigen.js';
import { hermitianKernel } from '../../../src-core/linalg/hermitianKernel.js';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';

function randomHermitian(K: number, seed: number): ComplexMatrix {
  let s = seed >>> 0;
  const rnd = () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const re = new Float64Array(K * K), im = new Float64Array(K * K);
  for (let m = 0; m < K; m++) {
    re[m * K + m] = rnd() * Math.exp(-m / 7);
    for (let n = 0; n < m; n++) {
      const a = rnd() * Math.exp(-(m + n) / 14), b = rnd() * Math.exp(-(m + n) / 14);
      re[m * K + n] = a;
      im[m * K + n] = b;
      re[n * K + m] = a;
      im[n * K + m] = -b;
    }
  }
  return { K, re, im };
}

describe('WebAssembly Householder loops', () => {
  it('load under Node (WebAssembly SIMD present)', () => {
    expect(hermitianKernel(5)).not.toBeNull();
  });

  it('give the same eigenvalues, bit for bit, as the TypeScript loops (K = 1…90)', () => {
    for (const K of [1, 2, 3, 4, 5, 6, 7, 8, 13, 16, 31, 64, 65, 90]) {
      const A = randomHermitian(K, K + 3);
      const w = hermitianEigenvalues(A), j = hermitianEigenvalues(A, 'js');
      expect(w.every(Number.isFinite), `K = ${K}`).toBe(true);
      expect(Buffer.from(w.buffer).equals(Buffer.from(j.buffer)), `K = ${K}: ${w.slice(0, 3)} vs ${j.slice(0, 3)}`).toBe(true);
      // trace = Σλ, a check that the spectrum is a spectrum and not two equal wrong arrays
      let tr = 0;
      for (let m = 0; m < K; m++) tr += A.re[m * K + m];
      expect(Math.abs(w.reduce((a, b) => a + b, 0) - tr), `K = ${K}`).toBeLessThan(1e-13 * K);
    }
  });
});
