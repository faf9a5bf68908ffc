/**
 * The exact Q sampler, the bin POVM and the loss channel (src-core/lab/qSampling.ts, heterodyneBins.ts, loss.ts)
 * against identities and direct quadrature: Σ_b E_b = 1, bin probabilities against a 2-D Gauss–Legendre integral of
 * <μ|ρ|μ>/π from coherent-state vectors, sample moments against the Fock-basis traces (<μ> = <a>, <|μ|²> = <a†a> + 1,
 * <μ²> = <a²>), a χ² test of the draws against the exact bin probabilities, and E_η against its defining properties.
 */
import { describe, expect, it } from 'vitest';
import { accumulateR, binCounts, binIndex, binProbabilities, binScratch, polarBins, sparseSectors } from '../../../src-core/lab/heterodyneBins.js';
import { lossAdjoint, lossChannel } from '../../../src-core/lab/loss.js';
import { sampleHusimi } from '../../../src-core/lab/qSampling.js';
import { moments } from '../../../src-core/phaseSpace/entropyProduction.js';
import { gaussLegendreOn } from '../../../src-core/linalg/gaussLegendre.js';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { coherent, randomState } from '../phaseSpace/states.js';

/** <μ|ρ|μ> from the coherent-state vector (independent of the polar/FFT machinery). */
function qDirect(rho: ComplexMatrix, x: number, y: number): number {
  const K = rho.K;
  const vr = new Float64Array(K), vi = new Float64Array(K);
  vr[0] = Math.exp(-(x * x + y * y) / 2);
  for (let n = 1; n < K; n++) {
    vr[n] = (vr[n - 1] * x - vi[n - 1] * y) / Math.sqrt(n);
    vi[n] = (vr[n - 1] * y + vi[n - 1] * x) / Math.sqrt(n);
  }
  // <μ|ρ|μ> = Σ conj(v_m) ρ_mn v_n
  let s = 0;
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      const pr = rho.re[m * K + n], pi = rho.im[m * K + n];
      const tr = pr * vr[n] - pi * vi[n], ti = pr * vi[n] + pi * vr[n];
      s += vr[m] * tr + vi[m] * ti;
    }
  return s;
}

function trace(A: ComplexMatrix, B: ComplexMatrix): number {
  // Re tr(A B)
  const K = A.K;
  let s = 0;
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) s += A.re[m * K + n] * B.re[n * K + m] - A.im[m * K + n] * B.im[n * K + m];
  return s;
}

describe('loss channel', () => {
  const rho = randomState(10, 5, 6);
  it('is trace preserving, and E_η† is its adjoint', () => {
    const X = randomState(10, 9, 8);
    for (const eta of [0.3, 0.8]) {
      const out = lossChannel(rho, eta);
      let tr = 0;
      for (let n = 0; n < 10; n++) tr += out.re[n * 10 + n];
      expect(tr).toBeCloseTo(1, 13);
      expect(trace(X, out)).toBeCloseTo(trace(lossAdjoint(X, eta), rho), 13);
    }
  });
  it('maps |α> to |√η α>', () => {
    const out = lossChannel(coherent(1.2, -0.7, 40), 0.64);
    const want = coherent(0.8 * 1.2, -0.8 * 0.7, 40);
    for (let i = 0; i < 40 * 40; i++) {
      expect(out.re[i]).toBeCloseTo(want.re[i], 12);
      expect(out.im[i]).toBeCloseTo(want.im[i], 12);
    }
  });
});

describe('polar bins', () => {
  const K = 12;
  const rho = randomState(K, 21, 7);
  const bins = polarBins(K, 3, { hr: 0.25, arc: 0.6 });
  const all = Int32Array.from({ length: bins.rings }, (_, j) => j);
  const p = new Float64Array(bins.rings * bins.L);
  binProbabilities(bins, rho, all, p, binScratch(bins));

  it('cover the state: Σ_b tr(ρ E_b) = 1', () => {
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('give each bin the integral of Q over it (2-D Gauss–Legendre of <μ|ρ|μ>/π)', () => {
    const D = (2 * Math.PI) / bins.L;
    for (const [j, l] of [[0, 0], [3, 5], [8, 17], [12, bins.L - 1]]) {
      const qr = gaussLegendreOn(12, bins.edges[j], bins.edges[j + 1]);
      const qt = gaussLegendreOn(12, l * D, (l + 1) * D);
      let s = 0;
      for (let a = 0; a < 12; a++)
        for (let b = 0; b < 12; b++) {
          const r = qr.x[a], th = qt.x[b];
          s += qr.w[a] * qt.w[b] * r * qDirect(rho, r * Math.cos(th), r * Math.sin(th));
        }
      expect(p[j * bins.L + l]).toBeCloseTo(s / Math.PI, 13);
    }
  });

  it('R = Σ w_b E_b is consistent with the probabilities: tr(ρR) = Σ w_b p_b', () => {
    const w = new Float64Array(p.length);
    for (let i = 0; i < w.length; i++) w[i] = (i % 7) * 0.3 + 0.1;
    const R = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
    accumulateR(bins, w, all, R, binScratch(bins));
    let s = 0;
    for (let i = 0; i < w.length; i++) s += w[i] * p[i];
    expect(trace(R, rho)).toBeCloseTo(s, 12);
  });

  it('sector-by-sector evaluation of sparse rings gives the FFT numbers', () => {
    const counts = new Float64Array(p.length);
    for (const b of [5, 40, 41, 3 * bins.L + 2, 7 * bins.L + 11, 9 * bins.L]) counts[b] = 2;
    const sectors = sparseSectors(bins, counts, all);
    expect(sectors[0]).toEqual(Int32Array.from([5, 40, 41]));
    const p2 = new Float64Array(p.length);
    binProbabilities(bins, rho, all, p2, binScratch(bins), sectors);
    for (let b = 0; b < p.length; b++) if (counts[b] > 0) expect(p2[b]).toBeCloseTo(p[b], 14);
    const R1 = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) }, R2 = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
    accumulateR(bins, counts, all, R1, binScratch(bins));
    accumulateR(bins, counts, all, R2, binScratch(bins), sectors);
    for (let i = 0; i < K * K; i++) {
      expect(R2.re[i]).toBeCloseTo(R1.re[i], 13);
      expect(R2.im[i]).toBeCloseTo(R1.im[i], 13);
    }
  });
});

describe('exact sampling from Q', () => {
  it('reproduces <a>, <a†a> + 1 and <a²> of a random state with coherences (4σ)', () => {
    const rho = randomState(10, 33, 6);
    const m = moments(rho);
    const M = 100000;
    const s = sampleHusimi(rho, M, { seed: 4 });
    let sx = 0, sy = 0, s2 = 0, c2r = 0, c2i = 0, v2 = 0;
    for (let i = 0; i < M; i++) {
      const x = s.re[i], y = s.im[i];
      sx += x;
      sy += y;
      s2 += x * x + y * y;
      c2r += x * x - y * y;
      c2i += 2 * x * y;
      v2 += (x * x + y * y) ** 2;
    }
    const n1 = s2 / M;
    const seN = Math.sqrt((v2 / M - n1 * n1) / M);
    expect(Math.abs(sx / M - m.a_re)).toBeLessThan(4 * Math.sqrt(n1 / 2 / M));
    expect(Math.abs(sy / M - m.a_im)).toBeLessThan(4 * Math.sqrt(n1 / 2 / M));
    expect(Math.abs(n1 - (m.n + 1))).toBeLessThan(4 * seN);
    expect(Math.abs(c2r / M - m.a2_re)).toBeLessThan(4 * seN);
    expect(Math.abs(c2i / M - m.a2_im)).toBeLessThan(4 * seN);
  });

  it('passes a χ² test against the exact bin probabilities', () => {
    const K = 12;
    const rho = randomState(K, 44, 7);
    const M = 60000;
    const s = sampleHusimi(rho, M, { seed: 8 });
    let maxAbs = 0;
    for (let i = 0; i < M; i++) maxAbs = Math.max(maxAbs, Math.hypot(s.re[i], s.im[i]));
    const bins = polarBins(K, maxAbs, { hr: 0.4, arc: 1.5 });
    const n = binCounts(bins, binIndex(bins, s.re, s.im));
    const p = new Float64Array(n.length);
    binProbabilities(bins, rho, Int32Array.from({ length: bins.rings }, (_, j) => j), p, binScratch(bins));
    // pool bins with expectation < 5 into one cell
    let chi2 = 0, cells = 0, restO = 0, restE = 0;
    for (let b = 0; b < n.length; b++) {
      const e = M * p[b];
      if (e < 5) {
        restO += n[b];
        restE += e;
        continue;
      }
      chi2 += (n[b] - e) ** 2 / e;
      cells++;
    }
    if (restE > 0) {
      chi2 += (restO - restE) ** 2 / restE;
      cells++;
    }
    const dof = cells - 1;
    expect(dof).toBeGreaterThan(100);
    // mean dof, sd √(2 dof): 4 sd
    expect(chi2).toBeLessThan(dof + 4 * Math.sqrt(2 * dof));
    expect(chi2).toBeGreaterThan(dof - 4 * Math.sqrt(2 * dof));
  });

  it('draws a lossy detector: moments √η<a> and η<a†a> + 1', () => {
    const rho = coherent(1.5, 0.5, 30);
    const eta = 0.5, M = 50000;
    const s = sampleHusimi(rho, M, { seed: 2, eta });
    let sx = 0, s2 = 0;
    for (let i = 0; i < M; i++) {
      sx += s.re[i];
      s2 += s.re[i] ** 2 + s.im[i] ** 2;
    }
    expect(Math.abs(sx / M - Math.sqrt(eta) * 1.5)).toBeLessThan(4 * Math.sqrt(0.5 / M));
    expect(Math.abs(s2 / M - (eta * 2.5 + 1))).toBeLessThan(0.05);
  });
});
