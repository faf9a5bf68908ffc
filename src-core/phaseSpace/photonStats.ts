/**
 * Photon statistics of a Fock-basis ρ: the photon-number distribution P(n) = ρ_nn and the equal-time second-order
 * correlation g²(0) = <a†²a²>/<a†a>² = Σ n(n−1) P(n) / (Σ n P(n))² (coherent 1, thermal 2, Fock |n>: 1 − 1/n).
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';

export interface PhotonStats {
  /** P(n) for n = 0…K−1. */
  P: Float64Array;
  /** <a†a>. */
  n: number;
  /** g²(0); NaN for the vacuum (0/0: undefined, not 0 or 1). */
  g2: number;
}

export function photonStats(rho: ComplexMatrix): PhotonStats {
  const K = rho.K;
  const P = new Float64Array(K);
  let n1 = 0, n2 = 0;
  for (let k = 0; k < K; k++) {
    const p = rho.re[k * K + k];
    P[k] = p;
    n1 += k * p;
    n2 += k * (k - 1) * p;
  }
  return { P, n: n1, g2: n1 > 0 ? n2 / (n1 * n1) : NaN };
}
