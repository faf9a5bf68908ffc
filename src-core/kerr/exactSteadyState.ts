/**
 * Exact NESS moments of the driven Kerr resonator (Drummond & Walls; seed 000 Eq. 5, PHYSICS.md §1):
 *   <(a†)^n a^m> = ξ̄^n ξ^m / ((x̄)_n (x)_m) · F(x̄ + n, x + m) / F(x̄, x),
 *   F(c, d) = ₀F₂(; c, d; 2|ξ|²),  ξ = 2E/(iU),  x = 2(iΔ + κ)/(iU).
 * The seed's extracted text shows the argument as |ξ|² with a stray √2; PHYSICS.md fixes it to 2|ξ|², which the tests
 * confirm against a Fock-basis steady-state solve. Γ(x)/Γ(x + m) = 1/(x)_m, so no Gamma function is needed.
 *
 * |ξ|² grows like N³ (N = 1000 gives terms up to ~e^6000), so the series is summed with separate log scales for the
 * running term and the partial sum.
 */
import type { KerrParams } from './model.js';
import { toRaw } from './model.js';

interface C {
  re: number;
  im: number;
}

/** A complex number as (re + i im)·e^logScale. */
interface Scaled {
  re: number;
  im: number;
  logScale: number;
}

const BIG = 1e100;
const LOG_BIG = Math.log(BIG);

/**
 * ₀F₂(; c, d; z) for real z ≥ 0, returned in scaled form. The ratio of consecutive terms is z/((c+k)(d+k)(k+1)).
 * Its modulus can dip below 1 and rise again (for Re c, Re d < 0 there is a second hump of terms near
 * k ≈ −Re c: that hump is the upper bistable branch), so the sum only stops once k is past −Re c and −Re d, where
 * the ratio decreases monotonically, and the term is negligible.
 */
function hyp0F2(c: C, d: C, z: number): Scaled {
  let tRe = 1, tIm = 0, tLog = 0; // current term
  let sRe = 1, sIm = 0, sLog = 0; // partial sum
  const kPast = Math.max(0, -c.re, -d.re) + 2;
  const maxTerms = 50_000_000;
  let k = 0;
  for (; k < maxTerms; k++) {
    // ratio = z / ((c+k)(d+k)(k+1))
    const ar = c.re + k, ai = c.im, br = d.re + k, bi = d.im;
    const pr = ar * br - ai * bi, pi = ar * bi + ai * br;
    const den = (pr * pr + pi * pi) * (k + 1);
    if (den === 0) throw new Error('exactSteadyState: ₀F₂ parameter at a non-positive integer');
    const rr = (z * pr) / den, ri = (-z * pi) / den;
    const nr = tRe * rr - tIm * ri;
    tIm = tRe * ri + tIm * rr;
    tRe = nr;
    let tAbs = Math.hypot(tRe, tIm);
    if (tAbs === 0) break;
    if (tAbs > BIG || tAbs < 1 / BIG) {
      tLog += Math.log(tAbs);
      tRe /= tAbs;
      tIm /= tAbs;
      tAbs = 1;
    }
    const rel = tLog - sLog;
    if (rel > 0) {
      // The term outgrew the sum's scale: move the sum to the term's scale first.
      const f = Math.exp(-rel);
      sRe = sRe * f + tRe;
      sIm = sIm * f + tIm;
      sLog = tLog;
    } else if (rel > -745) {
      const f = Math.exp(rel);
      sRe += tRe * f;
      sIm += tIm * f;
    }
    let sAbs = Math.hypot(sRe, sIm);
    if (sAbs > BIG) {
      sRe /= BIG;
      sIm /= BIG;
      sAbs /= BIG;
      sLog += LOG_BIG;
    }
    // The tail is below twice the term once every later ratio is < 1/2. Past kPast the ratio decreases
    // monotonically; before it, |c+j| ≥ |Im c| and |d+j| ≥ |Im d| bound every later ratio by z/(|Im c||Im d|(k+2))
    // (this ends the sum early when U → 0, where −Re x ~ 1/U is huge but no second hump exists).
    if (Math.hypot(rr, ri) < 0.5 && Math.log(tAbs) + tLog - (Math.log(sAbs) + sLog) < -40) {
      if (k > kPast) break;
      const mc = k + 1 <= -c.re ? Math.abs(c.im) : Math.hypot(c.re + k + 1, c.im);
      const md = k + 1 <= -d.re ? Math.abs(d.im) : Math.hypot(d.re + k + 1, d.im);
      if (z / (mc * md * (k + 2)) < 0.5) break;
    }
  }
  // A partial sum is not the function: never return one (N = 1e6, ε = 1000 gave |α| = 43 against mean field's 10).
  if (k === maxTerms) throw new RangeError(`exactSteadyState: the ₀F₂ series did not converge within ${maxTerms} terms (2|ξ|² = ${z.toExponential(3)})`);
  return { re: sRe, im: sIm, logScale: sLog };
}

function cmul(a: C, b: C): C {
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}
function cdiv(a: C, b: C): C {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}
const conj = (a: C): C => ({ re: a.re, im: -a.im });

/** ξ and x of the Drummond–Walls solution for these parameters. */
export function drummondWallsParameters(params: KerrParams): { xi: C; x: C; z: number } {
  const { kappa, delta, E, U } = toRaw(params);
  // ξ = 2E/(iU) = −2iE/U;  x = 2(iΔ + κ)/(iU) = 2(Δ − iκ)/U.
  const xi = { re: 0, im: (-2 * E) / U };
  const x = { re: (2 * delta) / U, im: (-2 * kappa) / U };
  return { xi, x, z: 2 * (xi.re * xi.re + xi.im * xi.im) };
}

/** Cache of F(x̄, x) per parameter set (it is shared by every moment). */
function normalisation(x: C, z: number): Scaled {
  return hyp0F2(conj(x), x, z);
}

function momentWith(xi: C, x: C, z: number, F0: Scaled, n: number, m: number): C {
  let pre: C = { re: 1, im: 0 };
  const xb = conj(x), xib = conj(xi);
  // ξ̄^n / (x̄)_n · ξ^m / (x)_m, one factor at a time (no overflow for the moderate n, m used here).
  for (let j = 0; j < n; j++) pre = cdiv(cmul(pre, xib), { re: xb.re + j, im: xb.im });
  for (let j = 0; j < m; j++) pre = cdiv(cmul(pre, xi), { re: x.re + j, im: x.im });
  const F = hyp0F2({ re: xb.re + n, im: xb.im }, { re: x.re + m, im: x.im }, z);
  const s = Math.exp(F.logScale - F0.logScale);
  // F0 is real and positive (terms |(x)_k|² > 0); keep its imaginary round-off out of the division.
  const ratio = { re: (F.re * s) / F0.re, im: (F.im * s) / F0.re };
  return cmul(pre, ratio);
}

/** <(a†)^n a^m> in the exact NESS. */
export function exactMoment(params: KerrParams, n: number, m: number): { re: number; im: number } {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) throw new Error('exactMoment: n, m must be integers ≥ 0');
  const { xi, x, z } = drummondWallsParameters(params);
  return momentWith(xi, x, z, normalisation(x, z), n, m);
}

export interface ExactNess {
  /** <a>. */
  a_re: number;
  a_im: number;
  /** <a†a>. */
  n: number;
  /** |<a>|/√N. */
  alpha_abs: number;
  /** <a²>. */
  a2_re: number;
  a2_im: number;
  /** <a†² a²> (gives the photon-number variance <n²> − <n>² = <a†²a²> + <n> − <n>²). */
  n2fact: number;
}

/** First and second moments of the exact NESS (one shared normalisation F(x̄, x)). */
export function exactNess(params: KerrParams): ExactNess {
  const { xi, x, z } = drummondWallsParameters(params);
  const F0 = normalisation(x, z);
  const a = momentWith(xi, x, z, F0, 0, 1);
  const nn = momentWith(xi, x, z, F0, 1, 1);
  const a2 = momentWith(xi, x, z, F0, 0, 2);
  const n2 = momentWith(xi, x, z, F0, 2, 2);
  return {
    a_re: a.re,
    a_im: a.im,
    n: nn.re,
    alpha_abs: Math.hypot(a.re, a.im) / Math.sqrt(params.N),
    a2_re: a2.re,
    a2_im: a2.im,
    n2fact: n2.re,
  };
}

/**
 * ln <a†^k a^k> (factorial moments of the photon number) for k = 0 … kMax in the exact NESS, in log form so that
 * high orders neither overflow nor underflow: <a†^k a^k> = |ξ|^{2k} / |(x)_k|² · F(x̄ + k, x + k)/F(x̄, x), and
 * F(x̄ + k, x + k) has positive real terms |(x + k)_j|^{-2} z^j/j!. They bound the photon-number tail
 * (truncation.ts): P(n ≥ K) ≤ <a†^k a^k> · (K − k)!/K! for every k ≤ K.
 */
export function exactFactorialMomentsLog(params: KerrParams, kMax: number): Float64Array {
  const { xi, x, z } = drummondWallsParameters(params);
  const out = new Float64Array(kMax + 1);
  const F0 = normalisation(x, z);
  const lnF0 = Math.log(F0.re) + F0.logScale;
  const lnXi2 = Math.log(xi.re * xi.re + xi.im * xi.im);
  let lnPoch = 0; // ln |(x)_k|²
  for (let k = 0; k <= kMax; k++) {
    if (k > 0) lnPoch += Math.log((x.re + k - 1) ** 2 + x.im * x.im);
    if (z === 0) {
      out[k] = k === 0 ? 0 : -Infinity;
      continue;
    }
    const F = hyp0F2({ re: x.re + k, im: -x.im }, { re: x.re + k, im: x.im }, z);
    out[k] = k * lnXi2 - lnPoch + Math.log(F.re) + F.logScale - lnF0;
  }
  return out;
}
