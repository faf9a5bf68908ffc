/**
 * Phase-space entropy production of the Kerr model from q and D = μ̄ j on a polar grid (seed Sec. III, App. B):
 *   S_W = −∫ Q ln Q d²μ, Q = q/π                              (Eq. 10)
 *   Π_J = (2κ/π) ∫ |j|²/q d²μ = (2κ/π) ∫ |D|²/(r² q) d²μ      (Eq. 21, B6)
 *   Π_U = U ∫ Im{μ̄² (∂_μ̄ Q)²/Q} d²μ = (U/π) ∫ Im{μ̄² j²/q − 2|μ|² μ̄ j} d²μ   (Eq. 25 = B7, with ∂_μ̄ Q = −μQ + j/π)
 *       = (U/π) ∫ [2 Re D Im D / q − 2 r² Im D] d²μ
 * and the moment-based Π_ext = Φ_ext = 2κ|<a>|², Φ = 2κ<a†a> (Eqs. 22–24) from the exact traces.
 * The seed's last display of App. B has misprints; the Π_U form above is derived from B7 (PHYSICS.md §1).
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import type { PolarField } from './husimi.js';

/** <a>, <a†a>, <a²> and tr ρ from the Fock-basis elements (exact in the truncated basis). */
export interface Moments {
  a_re: number;
  a_im: number;
  n: number;
  a2_re: number;
  a2_im: number;
  trace: number;
}

export function moments(rho: ComplexMatrix): Moments {
  const K = rho.K, re = rho.re, im = rho.im;
  let a_re = 0, a_im = 0, n = 0, a2_re = 0, a2_im = 0, trace = 0;
  for (let m = 0; m < K; m++) {
    const p = re[m * K + m];
    trace += p;
    n += m * p;
    // <a> = Σ √(m+1) ρ_{m+1,m};  <a²> = Σ √((m+1)(m+2)) ρ_{m+2,m}
    if (m + 1 < K) {
      const s = Math.sqrt(m + 1);
      a_re += s * re[(m + 1) * K + m];
      a_im += s * im[(m + 1) * K + m];
    }
    if (m + 2 < K) {
      const s = Math.sqrt((m + 1) * (m + 2));
      a2_re += s * re[(m + 2) * K + m];
      a2_im += s * im[(m + 2) * K + m];
    }
  }
  return { a_re, a_im, n, a2_re, a2_im, trace };
}

/** Grid integrals of one state. */
export interface PhaseSpaceIntegrals {
  /** ∫ Q d²μ (1 for a normalised state on a converged grid). */
  norm: number;
  S_W: number;
  /** ∫ |j|²/q d²μ / π (so Π_J = 2κ · this). */
  jj: number;
  /** (1/π) ∫ Im{μ̄² j²/q − 2|μ|² μ̄ j} d²μ (so Π_U = U · this). */
  u: number;
}

/** Sum the per-radius angular sums the evaluator left in the field (husimi.ts, PolarField.sums). */
export function integrate(f: PolarField): PhaseSpaceIntegrals {
  const R = f.plan.grid.radialNodes, sums = f.sums;
  let norm = 0, qlnq = 0, jj = 0, u = 0;
  for (let i = 0; i < R; i++) {
    norm += sums[4 * i];
    qlnq += sums[4 * i + 1];
    jj += sums[4 * i + 2];
    u += sums[4 * i + 3];
  }
  // S_W = −(1/π)∫ q ln q + ln π · ∫ Q
  norm /= Math.PI;
  return { norm, S_W: -qlnq / Math.PI + Math.log(Math.PI) * norm, jj: jj / Math.PI, u: u / Math.PI };
}

/**
 * −∫ Q[X] ln Q d²μ for a Hermitian X (Q[X] = <μ|X|μ>/π) on the same grid as the state's field `f`: with X = L(ρ) this
 * is dS_W/dt (seed Eq. 18), with X = −i[H, ρ] it is Π_U: the generic, formula-independent check of the balance.
 */
export function entropyRate(fx: PolarField, frho: PolarField): number {
  const R = frho.plan.grid.radialNodes;
  const wr = frho.plan.wr;
  let s = 0;
  for (let i = 0; i < R; i++) {
    const Li = frho.Lr[i], ox = fx.rowOff[i], or = frho.rowOff[i];
    if (fx.Lr[i] !== Li || fx.plan !== frho.plan)
      throw new RangeError('entropyRate: both fields must share the grid (evaluate them with fullAngles)');
    let si = 0;
    for (let l = 0; l < Li; l++) {
      const qv = frho.q[or + l];
      if (qv > 0) si += fx.q[ox + l] * Math.log(qv / Math.PI);
    }
    s += (wr[i] / Li) * si;
  }
  return -s / Math.PI;
}
