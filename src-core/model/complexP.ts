/**
 * Exact NESS moments of the two-photon-driven Kerr resonator with one- and two-photon loss from the complex-P
 * representation (the method of Drummond & Walls 1980 and of Bartolo et al., Phys. Rev. A 94, 033841 (2016)), derived
 * here in this project's conventions (PHYSICS.md §5): H = Δa†a + iE(a† − a) + (G/2)(a†² + a²) + (U/2)a†²a²,
 * dρ/dt = −i[H, ρ] + 2κD[a]ρ + ηD[a²]ρ; E = √N ε, G = g, U = u/N, η = η₀/N.
 *
 * With ρ = ∫ P(α, β) |α><β*|/<β*|α> dα dβ (aρ ↔ αP, a†ρ ↔ (β − ∂_α)P, ρa† ↔ βP, ρa ↔ (α − ∂_β)P) the master equation
 * becomes a Fokker–Planck equation with, for χ = η + iU, k = κ + iΔ,
 *   A_α = E − kα − iGβ − χα²β,        D_αα = −iG − χα²,
 *   A_β = E − k̄β + iGα − χ̄β²α,        D_ββ = iG − χ̄β².
 * The potential conditions hold (2A_α/D_αα = 2β + 2(E − kα)/(−iG − χα²), and ∂_β of it = 2 = ∂_α of the β one), so
 *   P(α, β) = e^{2αβ} w(α) w̃(β),   w(α) = (α − s)^{a₁}(α + s)^{a₂},  s² = −iG/χ,
 *   a₁ + a₂ + 2 = 2k/χ,  s(a₁ − a₂) = −2E/χ   (w̃ the same with χ̄, k̄, s̃² = iG/χ̄ = conj(s²)).
 * On a closed (Pochhammer) contour around ±s, J(p) = ∮ α^p w(α) dα obeys, by ∮ d[α^p (α² − s²) w] = 0,
 *   J(p + 1) = [p s² J(p − 1) + (2E/χ) J(p)] / (p + 2k/χ),   J(0) = 1,
 * and J̃(p) = conj(J(p)). Expanding e^{2αβ}:
 *   <a†^m a^n> = Σ_k (2^k/k!) J(n + k) conj(J(m + k)) / Σ_k (2^k/k!) |J(k)|².
 * No hypergeometric function is evaluated: the recurrence is the whole solution (for G = 0 it gives
 * J(p) = ξ^p/(x)_p, ξ = 2E/(iU), x = 2k/(iU): Drummond–Walls's ₀F₂ series of kerr/exactSteadyState.ts). The
 * normalisation's terms are positive (no cancellation); J is carried with a log scale (|J(p)| grows like |s|^p).
 */
import { validateTwoPhotonKerrParams, type TwoPhotonKerrParams } from './instances.js';

export interface ComplexPMoments {
  /** <a†^m a^n> for m, n ≤ maxOrder, at [m][n] (complex). */
  moment(m: number, n: number): { re: number; im: number };
  n: number;
  a: { re: number; im: number };
  a2: { re: number; im: number };
  /** Terms summed in the k series. */
  terms: number;
}

function lnFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

export function complexPMoments(params: TwoPhotonKerrParams, maxOrder = 2): ComplexPMoments {
  const p = validateTwoPhotonKerrParams(params);
  const N = p.N;
  const E = Math.sqrt(N) * p.eps, U = p.u / N, G = p.g, eta = p.eta0 / N, kappa = p.kappa, delta = p.delta;
  // χ = η + iU, 1/χ = (η − iU)/(η² + U²)
  const cd = eta * eta + U * U;
  if (!(cd > 0)) throw new RangeError('complexPMoments: needs a nonlinearity (u > 0 or η₀ > 0)');
  const ir = eta / cd, ii = -U / cd;
  // s² = −iG/χ, c1 = 2E/χ, c2 = 2k/χ with k = κ + iΔ
  const s2r = G * ii, s2i = -G * ir; // −iG(ir + i·ii) = G·ii − iG·ir
  const c1r = 2 * E * ir, c1i = 2 * E * ii;
  const c2r = 2 * (kappa * ir - delta * ii), c2i = 2 * (kappa * ii + delta * ir);
  // series length: the terms (2|s|²)^k/k! peak near k ≈ 2|s|² (+ the drive's share), then fall factorially
  const s2abs = Math.hypot(s2r, s2i);
  const drive = Math.hypot(c1r, c1i) / Math.max(1, Math.hypot(c2r, c2i));
  const kPeak = 2 * s2abs + 2 * drive * drive + 2 * Math.cbrt(2 * Math.hypot(c1r, c1i) ** 2);
  const K = Math.ceil(kPeak + 12 * Math.sqrt(kPeak + 1) + 80) + maxOrder;
  // J(p) = (jr + i ji)·e^{lg}
  const jr = new Float64Array(K + 1), ji = new Float64Array(K + 1), lg = new Float64Array(K + 1);
  jr[0] = 1;
  for (let q = 0; q < K; q++) {
    // reference scale: the larger of J(q−1), J(q) (a zero mantissa carries no scale)
    const has0 = jr[q] !== 0 || ji[q] !== 0, has1 = q > 0 && (jr[q - 1] !== 0 || ji[q - 1] !== 0);
    const ref = has0 && has1 ? Math.max(lg[q], lg[q - 1]) : has0 ? lg[q] : has1 ? lg[q - 1] : 0;
    let xr = 0, xi = 0;
    if (has0) {
      const f = Math.exp(lg[q] - ref);
      xr += f * (c1r * jr[q] - c1i * ji[q]);
      xi += f * (c1r * ji[q] + c1i * jr[q]);
    }
    if (has1) {
      const f = q * Math.exp(lg[q - 1] - ref);
      xr += f * (s2r * jr[q - 1] - s2i * ji[q - 1]);
      xi += f * (s2r * ji[q - 1] + s2i * jr[q - 1]);
    }
    // ÷ (q + c2)
    const dr = q + c2r, di = c2i, dd = dr * dr + di * di;
    const yr = (xr * dr + xi * di) / dd, yi = (xi * dr - xr * di) / dd;
    const mag = Math.hypot(yr, yi);
    if (mag > 0) {
      jr[q + 1] = yr / mag;
      ji[q + 1] = yi / mag;
      lg[q + 1] = ref + Math.log(mag);
    } else lg[q + 1] = ref;
  }
  const lnf = new Float64Array(K + 1);
  for (let k = 1; k <= K; k++) lnf[k] = lnf[k - 1] + Math.log(k);
  const ln2 = Math.log(2);
  const kMax = K - maxOrder;
  /** Σ_k (2^k/k!) J(n + k) conj(J(m + k)) as mantissa·e^{scale}. */
  const series = (n: number, m: number): { re: number; im: number; scale: number } => {
    let top = -Infinity;
    const lt = new Float64Array(kMax + 1);
    for (let k = 0; k <= kMax; k++) {
      lt[k] = k * ln2 - lnf[k] + lg[n + k] + lg[m + k];
      if ((jr[n + k] !== 0 || ji[n + k] !== 0) && (jr[m + k] !== 0 || ji[m + k] !== 0) && lt[k] > top) top = lt[k];
    }
    let sr = 0, si = 0;
    for (let k = 0; k <= kMax; k++) {
      const f = Math.exp(lt[k] - top);
      if (f === 0) continue;
      // J(n+k)·conj(J(m+k))
      const ar = jr[n + k], ai = ji[n + k], br = jr[m + k], bi = -ji[m + k];
      sr += f * (ar * br - ai * bi);
      si += f * (ar * bi + ai * br);
    }
    return { re: sr, im: si, scale: top };
  };
  const norm = series(0, 0);
  // the last term kept must be negligible: the series has converged
  const lastLog = kMax * ln2 - lnf[kMax] + 2 * lg[kMax];
  if (!(lastLog - norm.scale < -36)) throw new Error(`complexPMoments: series not converged in ${kMax} terms`);
  const moment = (m: number, n: number): { re: number; im: number } => {
    if (m > maxOrder || n > maxOrder) throw new RangeError(`complexPMoments: order ≤ ${maxOrder}`);
    const s = series(n, m);
    if (!Number.isFinite(s.scale)) return { re: 0, im: 0 };
    const f = Math.exp(s.scale - norm.scale) / norm.re;
    return { re: s.re * f, im: s.im * f };
  };
  return { moment, n: moment(1, 1).re, a: moment(0, 1), a2: moment(0, 2), terms: kMax + 1 };
}
