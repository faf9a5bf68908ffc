/**
 * Kozachenko–Leonenko entropy of heterodyne outcomes against closed forms (PHYSICS.md §3): Gaussian Q-functions drawn
 * with Box–Muller (independent of the Fock-space sampler), and the coverage of its subsampling error bar.
 */
import { describe, expect, it } from 'vitest';
import { digamma, klEntropy, klEntropyWithError } from '../../../src-core/lab/knnEntropy.js';
import { buildKdTree, kthNeighbourDistance, queryStack } from '../../../src-core/lab/kdTree.js';
import { mulberry32, normalDeviate } from '../../../src-core/random.js';

/** M draws of a 2-D Gaussian with standard deviations sx, sy (rotated by phi) and mean (mx, my). */
function gaussian(M: number, seed: number, sx: number, sy: number, mx = 0, my = 0, phi = 0) {
  const r = mulberry32(seed), x = new Float64Array(M), y = new Float64Array(M);
  const c = Math.cos(phi), s = Math.sin(phi);
  for (let i = 0; i < M; i++) {
    const u = sx * normalDeviate(r), v = sy * normalDeviate(r);
    x[i] = mx + c * u - s * v;
    y[i] = my + s * u + c * v;
  }
  return { x, y };
}

describe('digamma', () => {
  it('matches ψ(1) = −γ, ψ(n+1) = ψ(n) + 1/n and the large-x series', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 14);
    for (let n = 1; n < 30; n++) expect(digamma(n + 1) - digamma(n)).toBeCloseTo(1 / n, 13);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 13);
  });
});

describe('k-d tree', () => {
  it('finds the same k-th neighbour distance as brute force', () => {
    const { x, y } = gaussian(700, 3, 1, 0.3);
    const t = buildKdTree(x, y);
    const best = new Float64Array(5), st = queryStack(t);
    for (let p = 0; p < 700; p += 7) {
      const i = t.idx[p];
      const d = [];
      for (let j = 0; j < 700; j++) if (j !== i) d.push(Math.hypot(x[j] - x[i], y[j] - y[i]));
      d.sort((a, b) => a - b);
      for (const k of [1, 3, 5]) expect(kthNeighbourDistance(t, p, k, best, st)).toBeCloseTo(d[k - 1], 14);
    }
  });
});

describe('Kozachenko–Leonenko S_W', () => {
  const M = 40000;
  it('vacuum and a coherent state: 1 + ln π', () => {
    for (const [mx, my] of [[0, 0], [2.5, -1.5]]) {
      const { x, y } = gaussian(M, 11, Math.SQRT1_2, Math.SQRT1_2, mx, my);
      const e = klEntropyWithError(x, y, { k: 1 });
      expect(Math.abs(e.value - (1 + Math.log(Math.PI)))).toBeLessThan(3 * e.sigma);
      expect(e.sigma).toBeLessThan(0.015);
    }
  });

  it('thermal state n = 2: 1 + ln(π(n + 1)); squeezed vacuum r = 0.6: 1 + ln(π cosh r)', () => {
    const n = 2, sd = Math.sqrt((n + 1) / 2);
    const th = gaussian(M, 12, sd, sd);
    const e1 = klEntropyWithError(th.x, th.y, { k: 1 });
    expect(Math.abs(e1.value - (1 + Math.log(Math.PI * (n + 1))))).toBeLessThan(3 * e1.sigma);
    // Q of squeezed vacuum: covariance diag(1 + e^{−2r}, 1 + e^{2r})/4 in (Re μ, Im μ), rotated here by 0.4 rad
    const r = 0.6;
    const sq = gaussian(M, 13, Math.sqrt((1 + Math.exp(-2 * r)) / 4), Math.sqrt((1 + Math.exp(2 * r)) / 4), 0.3, 0.1, 0.4);
    const e2 = klEntropyWithError(sq.x, sq.y, { k: 1 });
    expect(Math.abs(e2.value - (1 + Math.log(Math.PI * Math.cosh(r))))).toBeLessThan(3 * e2.sigma);
  });

  it('flags repeated outcomes instead of returning ln 0', () => {
    const x = Float64Array.from([0, 0, 1, 2, 3, 4, 5, 6]), y = Float64Array.from([0, 0, 1, 1, 2, 3, 5, 8]);
    const e = klEntropy(x, y, 1);
    expect(e.zeroDistances).toBe(2);
    expect(Number.isNaN(e.value)).toBe(true);
  });

  it('coverage: over 200 repetitions at M = 300 the 1σ interval holds the truth 60–76 % of the time', () => {
    const truth = 1 + Math.log(Math.PI * 2); // thermal n = 1
    let hit = 0;
    const R = 200;
    for (let rep = 0; rep < R; rep++) {
      const { x, y } = gaussian(300, 1000 + rep, 1, 1);
      const e = klEntropyWithError(x, y, { k: 1, seed: rep });
      if (Math.abs(e.value - truth) <= e.sigma) hit++;
    }
    const rate = hit / R;
    expect(rate).toBeGreaterThanOrEqual(0.6);
    expect(rate).toBeLessThanOrEqual(0.76);
  });
});
