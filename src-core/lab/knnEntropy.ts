/**
 * Wehrl entropy straight from heterodyne outcomes (PHYSICS.md §3): S_W is the differential entropy of the outcome
 * distribution Q, estimated without any model by the Kozachenko–Leonenko k-nearest-neighbour estimator with the
 * ψ-function bias correction (Kozachenko & Leonenko 1987; Kraskov, Stögbauer & Grassberger, PRE 69, 066138 (2004),
 * Eq. 20), in d = 2 with the Euclidean norm (unit-disc area π):
 *   Ŝ = ψ(M) − ψ(k) + ln π + (2/M) Σ_i ln ε_i,   ε_i = distance from outcome i to its k-th nearest neighbour.
 * Consistent for any k fixed as M → ∞; asymptotically normal with variance ∝ 1/M (Berrett, Samworth & Yuan,
 * Ann. Stat. 47, 288 (2019)).
 *
 * Error: an ordinary bootstrap cannot be used: a resample repeats outcomes, and a repeated point has ε = 0. The error is
 * taken from subsampling instead (Politis & Romano): the outcomes are split at random into G disjoint groups of
 * m = M/G, each group gives an estimate, and Var Ŝ_M ≈ (m/M) · s²_groups = s²_groups/G (valid for any √M-rate
 * estimator; measured coverage in test/core/lab/knnEntropy.test.ts).
 */
import { mulberry32 } from '../random.js';
import { buildKdTree, kthNeighbourDistance, queryStack } from './kdTree.js';

/** ψ(x) for x > 0: recurrence up to x ≥ 12, then the asymptotic series (error < 1e-14). */
export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma: x must be > 0 (got ${x})`);
  let s = 0;
  while (x < 12) {
    s -= 1 / x;
    x += 1;
  }
  const x2 = 1 / (x * x);
  return s + Math.log(x) - 0.5 / x - x2 * (1 / 12 - x2 * (1 / 120 - x2 * (1 / 252 - x2 * (1 / 240 - x2 / 132))));
}

export interface KlEstimate {
  /** Ŝ in nats. */
  value: number;
  /** Outcomes whose k-th neighbour is at distance 0 (repeated or quantised data): the estimate is then undefined. */
  zeroDistances: number;
}

/** The Kozachenko–Leonenko estimate of −∫ f ln f for 2-D points (x_i, y_i); needs M > k. */
export function klEntropy(x: Float64Array, y: Float64Array, k = 4): KlEstimate {
  const M = x.length;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`klEntropy: k must be an integer ≥ 1 (got ${k})`);
  if (M <= k) throw new RangeError(`klEntropy: needs more than k = ${k} points (got ${M})`);
  const t = buildKdTree(x, y);
  const best = new Float64Array(k), stack = queryStack(t);
  let sumLn = 0, zero = 0;
  for (let i = 0; i < M; i++) {
    const e = kthNeighbourDistance(t, i, k, best, stack);
    if (e > 0) sumLn += Math.log(e);
    else zero++;
  }
  const value = zero > 0 ? NaN : digamma(M) - digamma(k) + Math.log(Math.PI) + (2 / M) * sumLn;
  return { value, zeroDistances: zero };
}

export interface KlWithError extends KlEstimate {
  sigma: number;
  k: number;
  groups: number;
}

/**
 * Ŝ on all outcomes and its standard error by subsampling into `groups` disjoint random groups (default: 20, fewer
 * when that would leave fewer than 25 outcomes per group; at least 2). `seed` fixes the random split.
 */
export function klEntropyWithError(
  x: Float64Array, y: Float64Array, opts: { k?: number; groups?: number; seed?: number } = {},
): KlWithError {
  const k = opts.k ?? 4;
  const M = x.length;
  const full = klEntropy(x, y, k);
  const G = opts.groups ?? Math.max(2, Math.min(20, Math.floor(M / 25)));
  if (!(Number.isInteger(G) && G >= 2)) throw new RangeError(`klEntropyWithError: groups must be an integer ≥ 2 (got ${G})`);
  const m = Math.floor(M / G);
  if (m <= k) throw new RangeError(`klEntropyWithError: ${M} outcomes in ${G} groups leave ${m} ≤ k = ${k} per group`);
  if (full.zeroDistances > 0) return { ...full, sigma: NaN, k, groups: G };
  // Random disjoint groups: a Fisher–Yates shuffle of the indices, then consecutive blocks of m.
  const rand = mulberry32(opts.seed ?? 1);
  const perm = new Int32Array(M);
  for (let i = 0; i < M; i++) perm[i] = i;
  for (let i = M - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const gx = new Float64Array(m), gy = new Float64Array(m);
  let s1 = 0, s2 = 0, used = 0;
  for (let g = 0; g < G; g++) {
    for (let i = 0; i < m; i++) {
      gx[i] = x[perm[g * m + i]];
      gy[i] = y[perm[g * m + i]];
    }
    const e = klEntropy(gx, gy, k);
    if (!Number.isFinite(e.value)) continue;
    s1 += e.value;
    s2 += e.value * e.value;
    used++;
  }
  if (used < 2) return { ...full, sigma: NaN, k, groups: G };
  const mean = s1 / used;
  const varG = Math.max(0, (s2 - used * mean * mean) / (used - 1));
  // Var Ŝ_M ≈ (m/M) Var Ŝ_m
  return { ...full, sigma: Math.sqrt((varG * m) / M), k, groups: G };
}
