/**
 * The Wigner function against closed forms (coherent, Fock, thermal states) and, for arbitrary states, against a second
 * method: the displaced parity W(α) = (2/π) Tr[D(−α) ρ D(α) Π] with <m|D(α)|n> built from the normal-ordered product
 * e^{−|α|²/2} e^{αa†} e^{−ᾱa} (finite sums, exact for each element), independent of the engine's Laguerre recurrence.
 * Photon statistics against g²(0) of coherent (1), thermal (2) and Fock (1 − 1/n) states.
 */
import { describe, expect, it } from 'vitest';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { wignerAt, wignerImage } from '../../../src-core/phaseSpace/wigner.js';
import { photonStats } from '../../../src-core/phaseSpace/photonStats.js';
import { coherent, fock, randomState, thermal } from './states.js';

const TWO_PI_INV = 2 / Math.PI;

function factorial(n: number): number {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
}

/** L_n(x) by its explicit sum (small n only). */
function laguerre(n: number, x: number): number {
  let s = 0;
  for (let k = 0; k <= n; k++) s += ((factorial(n) / (factorial(k) * factorial(n - k))) * (-x) ** k) / factorial(k);
  return s;
}

/** <m|D(α)|n> for m, n < M: e^{−|α|²/2} Σ_{k ≤ min(m,n)} <m|e^{αa†}|k><k|e^{−ᾱa}|n>. */
function displacement(ar: number, ai: number, M: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(M * M), im = new Float64Array(M * M);
  // complex power helper
  const pow = (zr: number, zi: number, p: number): [number, number] => {
    let r = 1, i = 0;
    for (let k = 0; k < p; k++) [r, i] = [r * zr - i * zi, r * zi + i * zr];
    return [r, i];
  };
  const pref = Math.exp(-(ar * ar + ai * ai) / 2);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < M; n++) {
      let sr = 0, si = 0;
      for (let k = 0; k <= Math.min(m, n); k++) {
        // <m|e^{αa†}|k> = α^{m−k}/(m−k)! √(m!/k!);  <k|e^{−ᾱa}|n> = (−ᾱ)^{n−k}/(n−k)! √(n!/k!)
        const [pr, pi] = pow(ar, ai, m - k);
        const [qr, qi] = pow(-ar, ai, n - k);
        const c = Math.sqrt((factorial(m) / factorial(k)) * (factorial(n) / factorial(k))) / (factorial(m - k) * factorial(n - k));
        sr += c * (pr * qr - pi * qi);
        si += c * (pr * qi + pi * qr);
      }
      re[m * M + n] = pref * sr;
      im[m * M + n] = pref * si;
    }
  return { re, im };
}

/** (2/π) Σ_j (−1)^j <j|D(−α) ρ D(α)|j>, ρ embedded in M ≥ K levels. */
function wignerByParity(rho: ComplexMatrix, ar: number, ai: number, M: number): number {
  const K = rho.K;
  const Dm = displacement(-ar, -ai, M); // D(−α)
  const Dp = displacement(ar, ai, M); // D(α)
  let w = 0;
  for (let j = 0; j < M; j++) {
    let sr = 0;
    for (let m = 0; m < K; m++)
      for (let n = 0; n < K; n++) {
        const ar1 = Dm.re[j * M + m], ai1 = Dm.im[j * M + m];
        const br = rho.re[m * K + n], bi = rho.im[m * K + n];
        const cr = Dp.re[n * M + j], ci = Dp.im[n * M + j];
        const xr = ar1 * br - ai1 * bi, xi = ar1 * bi + ai1 * br;
        sr += xr * cr - xi * ci;
      }
    w += (j % 2 === 0 ? 1 : -1) * sr;
  }
  return TWO_PI_INV * w;
}

describe('Wigner function', () => {
  it('coherent state |β>: (2/π) e^{−2|μ−β|²}, including far from the origin (rescaled recurrence)', () => {
    for (const [br, bi, K] of [[0, 0, 8], [1.2, -0.7, 30], [-2, 1.5, 45]] as const) {
      const rho = coherent(br, bi, K);
      const xs = [br, br + 0.3, br - 0.5, 0, 1.1], ys = [bi, bi - 0.2, bi + 0.4, 0, -0.9];
      const W = wignerAt(rho, xs, ys);
      xs.forEach((x, p) => expect(W[p]).toBeCloseTo(TWO_PI_INV * Math.exp(-2 * ((x - br) ** 2 + (ys[p] - bi) ** 2)), 10));
    }
    // |β|² = 400: the recurrence's start value e^{−2|μ|²} = e^{−800} underflows without the running rescale.
    const rho = coherent(20, 0, 560);
    const W = wignerAt(rho, [20, 20.5, 19.8], [0, 0, 0.3]);
    expect(W[0]).toBeCloseTo(TWO_PI_INV, 8);
    expect(W[1]).toBeCloseTo(TWO_PI_INV * Math.exp(-0.5), 8);
    expect(W[2]).toBeCloseTo(TWO_PI_INV * Math.exp(-2 * (0.04 + 0.09)), 8);
  });

  it('Fock |n>: (2/π)(−1)^n L_n(4|μ|²) e^{−2|μ|²}; |1> has W(0) = −2/π', () => {
    expect(wignerAt(fock(1, 6), [0], [0])[0]).toBeCloseTo(-TWO_PI_INV, 14);
    for (const n of [1, 2, 5, 9]) {
      const rho = fock(n, n + 3);
      const xs = [0, 0.3, -0.8, 1.4], ys = [0, 0.5, 0.2, -1.1];
      const W = wignerAt(rho, xs, ys);
      xs.forEach((x, p) => {
        const r2 = x * x + ys[p] * ys[p];
        expect(W[p]).toBeCloseTo(TWO_PI_INV * (n % 2 ? -1 : 1) * laguerre(n, 4 * r2) * Math.exp(-2 * r2), 11);
      });
    }
  });

  it('thermal state: (2/π) e^{−2|μ|²/(2n̄+1)}/(2n̄+1)', () => {
    const nbar = 0.7;
    const rho = thermal(nbar, 70);
    const xs = [0, 0.5, -1.2, 2], ys = [0, 0.5, 0.3, -1];
    const W = wignerAt(rho, xs, ys);
    xs.forEach((x, p) => expect(W[p]).toBeCloseTo((TWO_PI_INV / (2 * nbar + 1)) * Math.exp((-2 * (x * x + ys[p] ** 2)) / (2 * nbar + 1)), 10));
  });

  it('arbitrary states: equals the displaced-parity formula (second method)', () => {
    for (const seed of [2, 7]) {
      const rho = randomState(7, seed, 4);
      const pts: [number, number][] = [[0, 0], [0.4, -0.3], [-1.1, 0.6], [1.5, 1.2]];
      const W = wignerAt(rho, pts.map((p) => p[0]), pts.map((p) => p[1]));
      pts.forEach(([x, y], p) => expect(W[p]).toBeCloseTo(wignerByParity(rho, x, y, 40), 10));
    }
  });

  it('normalised: ∫ W d²μ = 1 on the image grid; marginals positive for a state with negative W', () => {
    const rho = fock(3, 6);
    const g = { xMin: -5, xMax: 5, yMin: -5, yMax: 5, nx: 161, ny: 161 };
    const img = wignerImage(rho, g);
    const dA = (10 / 160) ** 2;
    let s = 0;
    for (const w of img.W) s += w * dA;
    expect(s).toBeCloseTo(1, 8);
    expect(img.min).toBeLessThan(-0.3);
    expect(img.max).toBeLessThanOrEqual(TWO_PI_INV + 1e-12);
  });
});

describe('photon statistics', () => {
  it('g²(0): coherent 1, thermal 2, Fock n: 1 − 1/n; P(n) is the diagonal', () => {
    const c = photonStats(coherent(1.3, 0.4, 60));
    expect(c.g2).toBeCloseTo(1, 10);
    expect(c.n).toBeCloseTo(1.3 ** 2 + 0.4 ** 2, 10);
    expect(c.P[2]).toBeCloseTo((Math.exp(-1.85) * 1.85 ** 2) / 2, 12);
    expect(photonStats(thermal(0.8, 200)).g2).toBeCloseTo(2, 10);
    for (const n of [1, 2, 5]) expect(photonStats(fock(n, 8)).g2).toBeCloseTo(1 - 1 / n, 14);
    expect(Number.isNaN(photonStats(fock(0, 4)).g2)).toBe(true);
  });
});
