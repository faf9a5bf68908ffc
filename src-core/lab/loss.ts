/**
 * The pure-loss channel of transmissivity η (detector efficiency, PHYSICS.md §3) and its adjoint, in the Fock basis.
 * Kraus operators A_k = Σ_n √C(n,k) η^{(n−k)/2} (1−η)^{k/2} |n−k><n|, so
 *   E_η(ρ)_mn  = Σ_k √(C(m+k,k) C(n+k,k)) η^{(m+n)/2} (1−η)^k ρ_{m+k,n+k},
 *   E_η†(X)_mn = Σ_{k ≤ min(m,n)} √(C(m,k) C(n,k)) η^{(m+n)/2−k} (1−η)^k X_{m−k,n−k}.
 * E_η maps the K-level space into itself (loss only lowers n), so nothing is truncated. An inefficient heterodyne
 * detector = E_η then an ideal heterodyne: its outcome density is the Q-function of E_η(ρ), and its POVM element is
 * E_η†(|μ><μ|/π) (the efficiency is folded into the POVM; the data are never rescaled).
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';

function lnBinomTable(K: number): Float64Array {
  const lf = new Float64Array(K + 1);
  for (let n = 1; n <= K; n++) lf[n] = lf[n - 1] + Math.log(n);
  return lf;
}

/**
 * What E_η and E_η† share: the output matrix (a copy of the input when η = 1, then `copy` is true), ln n!, ln η and
 * ln(1 − η).
 */
function lossSetup(X: ComplexMatrix, eta: number): { out: ComplexMatrix; copy: boolean; lf: Float64Array; le: number; l1: number } {
  const K = X.K;
  const out: ComplexMatrix = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
  if (eta === 1) {
    out.re.set(X.re);
    out.im.set(X.im);
    return { out, copy: true, lf: new Float64Array(0), le: 0, l1: 0 };
  }
  return { out, copy: false, lf: lnBinomTable(K), le: Math.log(eta), l1: eta < 1 ? Math.log(1 - eta) : -Infinity };
}

/** E_η(ρ) (η ∈ (0, 1]; η = 1 returns a copy). */
export function lossChannel(rho: ComplexMatrix, eta: number): ComplexMatrix {
  const K = rho.K;
  const { out, copy, lf, le, l1 } = lossSetup(rho, eta);
  if (copy) return out;
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      let sr = 0, si = 0;
      for (let k = 0; m + k < K && n + k < K; k++) {
        // ln √(C(m+k,k) C(n+k,k)) + ((m+n)/2) ln η + k ln(1−η)
        const lw = 0.5 * (lf[m + k] - lf[m] - lf[k] + lf[n + k] - lf[n] - lf[k]) + 0.5 * (m + n) * le + (k > 0 ? k * l1 : 0);
        const w = Math.exp(lw);
        const i = (m + k) * K + n + k;
        sr += w * rho.re[i];
        si += w * rho.im[i];
      }
      out.re[m * K + n] = sr;
      out.im[m * K + n] = si;
    }
  return out;
}

/** E_η†(X): the Heisenberg-picture loss (maps POVM elements of the ideal detector to those of the lossy one). */
export function lossAdjoint(X: ComplexMatrix, eta: number): ComplexMatrix {
  const K = X.K;
  const { out, copy, lf, le, l1 } = lossSetup(X, eta);
  if (copy) return out;
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      let sr = 0, si = 0;
      for (let k = 0; k <= m && k <= n; k++) {
        const lw = 0.5 * (lf[m] - lf[k] - lf[m - k] + lf[n] - lf[k] - lf[n - k]) + (0.5 * (m + n) - k) * le + (k > 0 ? k * l1 : 0);
        const w = Math.exp(lw);
        const i = (m - k) * K + n - k;
        sr += w * X.re[i];
        si += w * X.im[i];
      }
      out.re[m * K + n] = sr;
      out.im[m * K + n] = si;
    }
  return out;
}
