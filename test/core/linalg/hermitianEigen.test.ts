import { describe, expect, it } from 'vitest';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { hermitianEigenvalues, tridiagonalEigenvalues } from '../../../src-core/linalg/hermitianEigen.js';
import { lcg } from '../phaseSpace/states.js';

function randomHermitian(K: number, seed: number): ComplexMatrix {
  const rnd = lcg(seed);
  const re = new Float64Array(K * K), im = new Float64Array(K * K);
  for (let i = 0; i < K; i++)
    for (let j = 0; j <= i; j++) {
      const a = rnd(), b = i === j ? 0 : rnd();
      re[i * K + j] = a;
      im[i * K + j] = b;
      re[j * K + i] = a;
      im[j * K + i] = -b;
    }
  return { K, re, im };
}

/** U D U† with U a product of three random complex Householder reflections (unitary), D = diag(lambda). */
function rotatedDiagonal(lambda: number[], seed: number): ComplexMatrix {
  const K = lambda.length, rnd = lcg(seed);
  let re = new Float64Array(K * K), im = new Float64Array(K * K);
  for (let i = 0; i < K; i++) re[i * K + i] = lambda[i];
  for (let h = 0; h < 3; h++) {
    const vr = Array.from({ length: K }, rnd), vi = Array.from({ length: K }, rnd);
    const nv = vr.reduce((s, x, i) => s + x * x + vi[i] * vi[i], 0);
    // P = I − 2 v v†/‖v‖²; A ← P A P
    const Pr = new Float64Array(K * K), Pi = new Float64Array(K * K);
    for (let i = 0; i < K; i++)
      for (let j = 0; j < K; j++) {
        Pr[i * K + j] = (i === j ? 1 : 0) - (2 * (vr[i] * vr[j] + vi[i] * vi[j])) / nv;
        Pi[i * K + j] = (-2 * (vi[i] * vr[j] - vr[i] * vi[j])) / nv;
      }
    const mul = (ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array) => {
      const cr = new Float64Array(K * K), ci = new Float64Array(K * K);
      for (let i = 0; i < K; i++)
        for (let k = 0; k < K; k++) {
          const xr = ar[i * K + k], xi = ai[i * K + k];
          for (let j = 0; j < K; j++) {
            cr[i * K + j] += xr * br[k * K + j] - xi * bi[k * K + j];
            ci[i * K + j] += xr * bi[k * K + j] + xi * br[k * K + j];
          }
        }
      return [cr, ci] as const;
    };
    const [tr, ti] = mul(Pr, Pi, re, im);
    [re, im] = mul(tr, ti, Pr, Pi);
  }
  return { K, re, im };
}

/** log|det A| and sign (A Hermitian, so det is real) by complex LU with partial pivoting: an independent route. */
function logDet(A: ComplexMatrix): { log: number; sign: number } {
  const K = A.K, re = A.re.slice(), im = A.im.slice();
  let log = 0, phr = 1, phi = 0;
  for (let k = 0; k < K; k++) {
    let p = k, best = 0;
    for (let i = k; i < K; i++) {
      const a = Math.hypot(re[i * K + k], im[i * K + k]);
      if (a > best) { best = a; p = i; }
    }
    if (p !== k) {
      for (let j = 0; j < K; j++) {
        [re[k * K + j], re[p * K + j]] = [re[p * K + j], re[k * K + j]];
        [im[k * K + j], im[p * K + j]] = [im[p * K + j], im[k * K + j]];
      }
      phr = -phr; phi = -phi;
    }
    const dr = re[k * K + k], di = im[k * K + k], d2 = dr * dr + di * di;
    log += 0.5 * Math.log(d2);
    const m = Math.sqrt(d2);
    [phr, phi] = [(phr * dr - phi * di) / m, (phr * di + phi * dr) / m];
    for (let i = k + 1; i < K; i++) {
      const lr = (re[i * K + k] * dr + im[i * K + k] * di) / d2, li = (im[i * K + k] * dr - re[i * K + k] * di) / d2;
      for (let j = k; j < K; j++) {
        re[i * K + j] -= lr * re[k * K + j] - li * im[k * K + j];
        im[i * K + j] -= lr * im[k * K + j] + li * re[k * K + j];
      }
    }
  }
  return { log, sign: Math.sign(phr) };
}

describe('hermitianEigenvalues', () => {
  it('returns a diagonal matrix’s entries, sorted', () => {
    const lambda = [3, -1, 0.5, 2, 2, -7];
    const K = lambda.length, re = new Float64Array(K * K);
    lambda.forEach((x, i) => (re[i * K + i] = x));
    expect(Array.from(hermitianEigenvalues({ K, re, im: new Float64Array(K * K) }))).toEqual([...lambda].sort((a, b) => a - b));
  });

  it.each([5, 50, 150])('recovers a known spectrum after a unitary rotation (K = %i)', (K) => {
    const lambda = Array.from({ length: K }, (_, i) => Math.cos(i * 1.7) * (1 + i / K) + (i % 7 === 0 ? 1e-3 : 0));
    lambda[1] = lambda[2]; // a degenerate pair
    const ev = hermitianEigenvalues(rotatedDiagonal(lambda, 11 + K));
    const want = [...lambda].sort((a, b) => a - b);
    for (let i = 0; i < K; i++) expect(Math.abs(ev[i] - want[i])).toBeLessThan(1e-12 * K);
  });

  it.each([5, 50, 150])('random Hermitian: trace, tr A², log|det| and sign of det (K = %i)', (K) => {
    const A = randomHermitian(K, 7 * K);
    const ev = hermitianEigenvalues(A);
    let tr = 0, tr2 = 0;
    for (let i = 0; i < K; i++) {
      tr += A.re[i * K + i];
      for (let j = 0; j < K; j++) tr2 += A.re[i * K + j] ** 2 + A.im[i * K + j] ** 2;
    }
    let s = 0, s2 = 0, logAbs = 0, sign = 1;
    for (const x of ev) {
      s += x;
      s2 += x * x;
      logAbs += Math.log(Math.abs(x));
      sign *= Math.sign(x);
    }
    expect(Math.abs(s - tr)).toBeLessThan(1e-12 * K);
    expect(Math.abs(s2 - tr2) / tr2).toBeLessThan(1e-13);
    const d = logDet(A);
    expect(Math.abs(logAbs - d.log)).toBeLessThan(1e-9 * K);
    expect(sign).toBe(d.sign);
  });

  it('converges on a graded density matrix (populations falling by 30 orders, as a converged NESS in the Fock basis)', () => {
    const K = 150, rnd = lcg(99), rank = 40;
    const gr = new Float64Array(K * rank), gi = new Float64Array(K * rank);
    for (let m = 0; m < K; m++)
      for (let j = 0; j < rank; j++) {
        const sc = Math.pow(10, -m / 10);
        gr[m * rank + j] = rnd() * sc;
        gi[m * rank + j] = rnd() * sc;
      }
    const re = new Float64Array(K * K), im = new Float64Array(K * K);
    for (let m = 0; m < K; m++)
      for (let n = 0; n < K; n++)
        for (let j = 0; j < rank; j++) {
          re[m * K + n] += gr[m * rank + j] * gr[n * rank + j] + gi[m * rank + j] * gi[n * rank + j];
          im[m * K + n] += gi[m * rank + j] * gr[n * rank + j] - gr[m * rank + j] * gi[n * rank + j];
        }
    const ev = hermitianEigenvalues({ K, re, im });
    let tr = 0, tr2 = 0, s = 0, s2 = 0;
    for (let i = 0; i < K; i++) {
      tr += re[i * K + i];
      for (let j = 0; j < K; j++) tr2 += re[i * K + j] ** 2 + im[i * K + j] ** 2;
      s += ev[i];
      s2 += ev[i] ** 2;
    }
    expect(Math.abs(s - tr) / tr).toBeLessThan(1e-13);
    expect(Math.abs(s2 - tr2) / tr2).toBeLessThan(1e-13);
    // rank 40: the other 110 eigenvalues vanish to round-off of the largest
    for (let i = 0; i < K - rank; i++) expect(Math.abs(ev[i])).toBeLessThan(1e-15 * ev[K - 1]);
  });

  it('handles already-tridiagonal, rank-one and 1×1 / 2×2 inputs', () => {
    // rank-one projector |ψ><ψ| with ‖ψ‖ = 1: eigenvalues {0, …, 0, 1}
    const K = 9, rnd = lcg(5);
    const pr = Array.from({ length: K }, rnd), pi = Array.from({ length: K }, rnd);
    const nrm = Math.sqrt(pr.reduce((s, x, i) => s + x * x + pi[i] * pi[i], 0));
    const re = new Float64Array(K * K), im = new Float64Array(K * K);
    for (let m = 0; m < K; m++)
      for (let n = 0; n < K; n++) {
        re[m * K + n] = (pr[m] * pr[n] + pi[m] * pi[n]) / nrm ** 2;
        im[m * K + n] = (pi[m] * pr[n] - pr[m] * pi[n]) / nrm ** 2;
      }
    const ev = hermitianEigenvalues({ K, re, im });
    expect(ev[K - 1]).toBeCloseTo(1, 14);
    for (let i = 0; i < K - 1; i++) expect(Math.abs(ev[i])).toBeLessThan(1e-15);
    // 2×2 [[a, b], [b̄, c]]: (a + c)/2 ± √(((a − c)/2)² + |b|²)
    const two = hermitianEigenvalues({ K: 2, re: Float64Array.of(1, 0.3, 0.3, -2), im: Float64Array.of(0, 0.4, -0.4, 0) });
    const rad = Math.sqrt(1.5 ** 2 + 0.25);
    expect(two[0]).toBeCloseTo(-0.5 - rad, 14);
    expect(two[1]).toBeCloseTo(-0.5 + rad, 14);
    expect(Array.from(hermitianEigenvalues({ K: 1, re: Float64Array.of(4), im: Float64Array.of(0) }))).toEqual([4]);
    // symmetric tridiagonal Toeplitz (2 on the diagonal, −1 off): 2 − 2cos(kπ/(n+1))
    const n = 12, d = new Float64Array(n).fill(2), e = new Float64Array(n).fill(-1);
    tridiagonalEigenvalues(d, e);
    const got = Array.from(d).sort((a, b) => a - b);
    for (let k = 1; k <= n; k++) expect(got[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 13);
  });
});

describe('density matrices with tiny tails (issue 12: zero-padded bases)', () => {
  it('stays finite when a column holds only ~1e-160 entries (subnormal ‖v‖²) and returns the diagonal', () => {
    const K = 12;
    const A = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
    const diag = [0.5, 0.3, 0.2];
    diag.forEach((x, i) => (A.re[i * K + i] = x));
    for (const i of [4, 7, 9]) {
      A.re[i * K + 1] = A.re[1 * K + i] = 1e-160;
      A.im[i * K + 1] = 2e-160;
      A.im[1 * K + i] = -2e-160;
    }
    const ev = hermitianEigenvalues(A);
    expect(ev.every((x) => Number.isFinite(x))).toBe(true);
    const top = [...ev].sort((a, b) => b - a).slice(0, 3);
    top.forEach((x, i) => expect(x).toBeCloseTo(diag[i], 15));
  });
});
