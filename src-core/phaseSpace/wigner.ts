/**
 * Wigner function W(μ) = (2/π) Tr[ρ D(μ) Π D†(μ)] (Π = (−1)^{a†a} the parity) of a Fock-basis ρ on a Cartesian grid,
 * normalised as ∫ W d²μ = 1 with d²μ = d(Re μ) d(Im μ), the same measure as Q(μ) (husimi.ts). Vacuum:
 * W = (2/π) e^{−2|μ|²}; |1>: W(0) = −2/π. Negative values are the non-classicality the phase-space viewer shows.
 *
 * With μ = r e^{iθ}, x = 4r² and n = m + k (k ≥ 0), the displaced-parity matrix elements are
 *   <m+k| D Π D† |m> = (−1)^m e^{ikθ} ℓ_m^{(k)}(r),   ℓ_m^{(k)} = √(m!/(m+k)!) (2r)^k L_m^{(k)}(x) e^{−x/2},
 * so W = (2/π) Σ_k (2 − δ_k0) Re[e^{ikθ} Σ_m (−1)^m ρ_{m,m+k} ℓ_m^{(k)}].
 * The normalised Laguerre functions ℓ (|ℓ| ≤ 1) follow from the three-term recurrence in the degree m at fixed k,
 *   ℓ_{m+1} = [(2m + 1 + k − x) ℓ_m − √(m(m+k)) ℓ_{m−1}] / √((m+1)(m+k+1)),   ℓ_0^{(k)} = (2r)^k e^{−x/2}/√k!,
 * which is stable forwards (the wanted solution dominates where L grows, both are comparable where it oscillates).
 * QuTiP's "iterative" recurrence, which also steps in n at fixed m, is not: it returns 1e45 for a coherent state at
 * |μ| = 20 (and is wrong from |μ| ≈ 5). The start value underflows for x ≳ 1400 while ℓ_m is O(1) near m ≈ x/4,
 * so each k runs on a stored value times e^{logScale}, rescaled whenever it exceeds 1e200. Cost O(K²) per point.
 */
import type { PhaseGrid } from './image.js';
import type { ComplexMatrix } from '../linalg/complexMatrix.js';

const BIG = 1e200;
const LN_BIG = Math.log(BIG);

/** W at one point μ = x + iy; lgh[k] = ½ ln k! (precomputed). */
function wignerPoint(rho: ComplexMatrix, mx: number, my: number, lgh: Float64Array): number {
  const K = rho.K, re = rho.re, im = rho.im;
  const r = Math.hypot(mx, my);
  const x = 4 * r * r;
  const ln2r = Math.log(2 * r);
  const theta = Math.atan2(my, mx);
  let W = 0;
  for (let k = 0; k < K; k++) {
    // ln ℓ_0^{(k)}; r = 0 leaves only k = 0 (ℓ_0^{(0)} = 1).
    if (r === 0 && k > 0) break;
    let logScale = (k > 0 ? k * ln2r : 0) - lgh[k] - x / 2;
    let prev = 0;
    let cur = 1;
    let f = logScale > -700 ? Math.exp(logScale) : 0;
    let sr = 0, si = 0;
    for (let m = 0; m + k < K; m++) {
      if (m > 0) {
        const next = ((2 * m - 1 + k - x) * cur - Math.sqrt((m - 1) * (m - 1 + k)) * prev) / Math.sqrt(m * (m + k));
        prev = cur;
        cur = next;
        if (Math.abs(cur) > BIG) {
          cur /= BIG;
          prev /= BIG;
          logScale += LN_BIG;
          f = logScale > -700 ? Math.exp(logScale) : 0;
        }
      }
      if (f === 0) continue;
      const l = (m % 2 ? -f : f) * cur;
      const i = m * K + m + k;
      sr += re[i] * l;
      si += im[i] * l;
    }
    if (k === 0) W += sr;
    else W += 2 * (Math.cos(k * theta) * sr - Math.sin(k * theta) * si);
  }
  return (2 / Math.PI) * W;
}

/** W(μ) at the points (x[p], y[p]). */
export function wignerAt(rho: ComplexMatrix, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const K = rho.K;
  const out = new Float64Array(x.length);
  const lgh = new Float64Array(K);
  for (let k = 1; k < K; k++) lgh[k] = lgh[k - 1] + 0.5 * Math.log(k);
  for (let p = 0; p < x.length; p++) out[p] = wignerPoint(rho, x[p], y[p], lgh);
  return out;
}

/** The μ-plane grid of a Wigner image: the same box type as the Husimi image's. */
export type WignerGrid = PhaseGrid;

/**
 * W on the viewer's Cartesian grid, row-major iy * nx + ix, row 0 at yMin, column 0 at xMin, both box edges included
 * (the convention of husimiImage), with its extremes.
 */
export function wignerImage(rho: ComplexMatrix, g: WignerGrid): { W: Float64Array; min: number; max: number } {
  const P = g.nx * g.ny;
  const x = new Float64Array(P), y = new Float64Array(P);
  const dx = g.nx > 1 ? (g.xMax - g.xMin) / (g.nx - 1) : 0;
  const dy = g.ny > 1 ? (g.yMax - g.yMin) / (g.ny - 1) : 0;
  for (let iy = 0; iy < g.ny; iy++)
    for (let ix = 0; ix < g.nx; ix++) {
      x[iy * g.nx + ix] = g.xMin + ix * dx;
      y[iy * g.nx + ix] = g.yMin + iy * dy;
    }
  const W = wignerAt(rho, x, y);
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < P; i++) {
    if (W[i] < min) min = W[i];
    if (W[i] > max) max = W[i];
  }
  return { W, min, max };
}
