/**
 * Exact sampling of heterodyne outcomes μ from Q(μ) = <μ|ρ|μ>/π (PHYSICS.md §3), for test data and for planning.
 *
 * Why this is exact (no histogram, no grid): in polar form μ = r e^{iθ}, with c_n(r) = e^{−r²/2} rⁿ/√n!,
 *   Q(μ) d²μ = (1/π) Σ_k A_k(r) e^{ikθ} r dr dθ,   A_k(r) = Σ_n c_n c_{n+k} ρ_{n,n+k},  A_{−k} = conj(A_k).
 * 1. Radial marginal: integrating over θ leaves 2 A_0(r) r dr = Σ_n ρ_nn e^{−s} sⁿ/n! ds with s = r²: a mixture of
 *    Gamma(n + 1, 1) laws with weights ρ_nn. So draw n with probability ρ_nn, then s as a sum of n + 1 independent
 *    Exp(1) variables (−ln of a product of uniforms): both steps exact.
 * 2. Angle given r: the conditional density is q(r, θ)/(2π A_0(r)) = (1/2π)[1 + (2/A_0) Re Σ_{k≥1} A_k e^{ikθ}], a
 *    trigonometric polynomial whose CDF is closed-form:
 *      F(θ) = θ/2π + (1/(π A_0)) Re Σ_{k≥1} A_k (e^{ikθ} − 1)/(ik).
 *    θ = F⁻¹(u) for uniform u is found by safeguarded Newton (bisection bracket [0, 2π], F monotone) to 1e-13 rad:
 *    inverse-transform sampling, exact up to that root tolerance.
 * A detector of efficiency η sees E_η(ρ) (loss.ts): pass η and the outcomes are those of the lossy detector.
 * Cost per outcome O(K²) (the A_k) + O(K) per Newton step.
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { mulberry32 } from '../random.js';
import { lossChannel } from './loss.js';

export interface QSamples {
  re: Float64Array;
  im: Float64Array;
}

/** Draw M outcomes of an ideal heterodyne measurement (or one of efficiency eta) on ρ, from a seeded PRNG. */
export function sampleHusimi(rho: ComplexMatrix, M: number, opts: { seed?: number; eta?: number; rand?: () => number } = {}): QSamples {
  if (!(Number.isInteger(M) && M >= 0)) throw new RangeError(`sampleHusimi: M must be an integer ≥ 0 (got ${M})`);
  const eta = opts.eta ?? 1;
  const st = eta === 1 ? rho : lossChannel(rho, eta);
  const K = st.K, re = st.re, im = st.im;
  const rand = opts.rand ?? mulberry32(opts.seed ?? 1);
  // Cumulative Fock populations (clip round-off negatives) for step 1.
  const cdf = new Float64Array(K);
  let acc = 0;
  for (let n = 0; n < K; n++) {
    acc += Math.max(re[n * K + n], 0);
    cdf[n] = acc;
  }
  if (!(acc > 0)) throw new RangeError('sampleHusimi: ρ has no positive population');
  const lnFact = new Float64Array(K);
  for (let n = 1; n < K; n++) lnFact[n] = lnFact[n - 1] + Math.log(n);
  const c = new Float64Array(K), Ar = new Float64Array(K), Ai = new Float64Array(K);
  const out: QSamples = { re: new Float64Array(M), im: new Float64Array(M) };
  for (let i = 0; i < M; i++) {
    // 1. Fock level n ~ ρ_nn, then s = r² ~ Gamma(n + 1).
    const u0 = rand() * acc;
    let lo = 0, hi = K - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > u0) hi = mid;
      else lo = mid + 1;
    }
    const n = lo;
    let s = 0, prod = 1;
    for (let j = 0; j <= n; j++) {
      prod *= 1 - rand(); // in (0, 1]
      if (prod < 1e-280) {
        s -= Math.log(prod);
        prod = 1;
      }
    }
    s -= Math.log(prod);
    const r = Math.sqrt(s);
    // 2. c_n(r) in log form (no underflow of e^{−s/2} alone), the angular coefficients A_k(r).
    const lr = Math.log(r);
    for (let m = 0; m < K; m++) c[m] = r > 0 ? Math.exp(-0.5 * s + m * lr - 0.5 * lnFact[m]) : m === 0 ? 1 : 0;
    for (let k = 0; k < K; k++) {
      let ar = 0, ai = 0;
      for (let m = 0; m + k < K; m++) {
        const t = c[m] * c[m + k], e = m * K + m + k;
        ar += t * re[e];
        ai += t * im[e];
      }
      Ar[k] = ar;
      Ai[k] = ai;
    }
    const A0 = Ar[0];
    const u = rand();
    let theta: number;
    if (!(A0 > 0)) theta = 2 * Math.PI * u; // r where q vanishes identically has probability zero; stay finite
    else theta = invertAngleCdf(Ar, Ai, A0, u, K);
    out.re[i] = r * Math.cos(theta);
    out.im[i] = r * Math.sin(theta);
  }
  return out;
}

/** θ ∈ [0, 2π) with F(θ) = u for the conditional angle law of the A_k (see the header). */
function invertAngleCdf(Ar: Float64Array, Ai: Float64Array, A0: number, u: number, K: number): number {
  const TWO_PI = 2 * Math.PI;
  let a = 0, b = TWO_PI;
  let th = TWO_PI * u;
  for (let it = 0; it < 200; it++) {
    // F(θ) − u and f(θ) = F'(θ) with e^{ikθ} by recurrence.
    const c1 = Math.cos(th), s1 = Math.sin(th);
    let cr = 1, ci = 0, F = 0, f = 0;
    for (let k = 1; k < K; k++) {
      const t = cr * c1 - ci * s1;
      ci = cr * s1 + ci * c1;
      cr = t;
      const ar = Ar[k], ai = Ai[k];
      // Re[A_k (e^{ikθ} − 1)/(ik)] = [Im(A_k e^{ikθ}) − Im A_k]/k ; Re[A_k e^{ikθ}]
      F += (ar * ci + ai * cr - ai) / k;
      f += ar * cr - ai * ci;
    }
    const G = th / TWO_PI + F / (Math.PI * A0) - u;
    const dG = (1 + (2 * f) / A0) / TWO_PI;
    if (G > 0) b = th;
    else a = th;
    let next = dG > 0 ? th - G / dG : NaN;
    if (!(next > a && next < b)) next = 0.5 * (a + b);
    if (Math.abs(next - th) < 1e-13 || b - a < 1e-13) {
      th = next;
      break;
    }
    th = next;
  }
  return th >= TWO_PI ? th - TWO_PI : th;
}
