/** Non-Gaussianity G = S(ρ_G) − S(ρ) (seed Eq. 27): zero for Gaussian states, the Fock-state value, positivity. */
import { describe, expect, it } from 'vitest';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { moments } from '../../../src-core/phaseSpace/entropyProduction.js';
import {
  gaussianEntropy, nonGaussianity, symplecticEigenvalue, vonNeumannEntropy,
} from '../../../src-core/phaseSpace/gaussianity.js';
import { coherent, fock, pure, randomState, squeezedVacuum, thermal } from './states.js';

/** D(β) applied to a pure state ψ by the matrix exponential of βa† − β̄a (Taylor series in a larger basis, then cut). */
function displacedSqueezed(br: number, bi: number, s: number, phi: number, K: number): ComplexMatrix {
  const Kb = K + 40;
  const sv = squeezedVacuum(s, phi, Kb);
  // the squeezed vacuum is pure: its first column / sqrt(ρ_00) is the state vector up to phase
  let vr = new Float64Array(Kb), vi = new Float64Array(Kb);
  const n0 = Math.sqrt(sv.re[0]);
  for (let m = 0; m < Kb; m++) {
    vr[m] = sv.re[m * Kb] / n0;
    vi[m] = sv.im[m * Kb] / n0;
  }
  // exp(A) ψ with A = βa† − β̄a, by scaling and squaring-free Taylor with many terms (‖A‖ small-ish here)
  const applyA = (xr: Float64Array, xi: Float64Array) => {
    const yr = new Float64Array(Kb), yi = new Float64Array(Kb);
    for (let m = 0; m < Kb; m++) {
      if (m > 0) { // β a† : (a†x)_m = √m x_{m−1}
        const s1 = Math.sqrt(m);
        yr[m] += s1 * (br * xr[m - 1] - bi * xi[m - 1]);
        yi[m] += s1 * (br * xi[m - 1] + bi * xr[m - 1]);
      }
      if (m + 1 < Kb) { // −β̄ a : (a x)_m = √(m+1) x_{m+1}
        const s2 = Math.sqrt(m + 1);
        yr[m] -= s2 * (br * xr[m + 1] + bi * xi[m + 1]);
        yi[m] -= s2 * (br * xi[m + 1] - bi * xr[m + 1]);
      }
    }
    return [yr, yi] as const;
  };
  const outR = vr.slice(), outI = vi.slice();
  let tr = vr, ti = vi;
  for (let k = 1; k < 120; k++) {
    [tr, ti] = applyA(tr, ti);
    for (let m = 0; m < Kb; m++) {
      tr[m] /= k;
      ti[m] /= k;
      outR[m] += tr[m];
      outI[m] += ti[m];
    }
  }
  vr = outR.slice(0, K);
  vi = outI.slice(0, K);
  return pure(vr, vi);
}

describe('non-Gaussianity G', () => {
  it('is zero for coherent, thermal, squeezed and displaced squeezed states', () => {
    const states: [string, ComplexMatrix][] = [
      ['coherent', coherent(1.3, -0.4, 50)],
      ['thermal 0.7', thermal(0.7, 90)],
      ['thermal 3', thermal(3, 200)],
      ['squeezed', squeezedVacuum(0.6, 0.9, 80)],
      ['displaced squeezed', displacedSqueezed(0.8, 0.5, 0.4, -0.3, 70)],
    ];
    for (const [name, rho] of states) {
      const g = nonGaussianity(rho);
      expect(Math.abs(g.G), name).toBeLessThan(1e-9);
    }
  });

  it.each([1, 2, 4, 10])('Fock |%i>: G = (n+1) ln(n+1) − n ln n', (n) => {
    const g = nonGaussianity(fock(n, n + 5));
    expect(g.S).toBeCloseTo(0, 13);
    expect(g.nu).toBeCloseTo(n + 0.5, 13);
    expect(g.G).toBeCloseTo((n + 1) * Math.log(n + 1) - n * Math.log(n), 12);
  });

  it('thermal: S(ρ) = g(n̄) from the spectrum, ν = n̄ + ½', () => {
    const nbar = 1.7, rho = thermal(nbar, 250);
    const gn = (nbar + 1) * Math.log(nbar + 1) - nbar * Math.log(nbar);
    expect(vonNeumannEntropy(rho)).toBeCloseTo(gn, 12);
    expect(symplecticEigenvalue(moments(rho))).toBeCloseTo(nbar + 0.5, 12);
    expect(gaussianEntropy(0.5)).toBe(0);
  });

  it('is positive on random (non-Gaussian) states, with S(ρ) from the eigen-solver consistent with tr ρ²', () => {
    for (const [K, seed, rank] of [[10, 1, 2], [30, 2, 30], [60, 3, 5]]) {
      const rho = randomState(K, seed, K / 2, rank);
      const g = nonGaussianity(rho);
      expect(g.G).toBeGreaterThan(0);
      // S ≥ −ln tr ρ² (Rényi-2 lower bound), an independent check of the spectrum
      let p2 = 0;
      for (let i = 0; i < K * K; i++) p2 += rho.re[i] ** 2 + rho.im[i] ** 2;
      expect(g.S).toBeGreaterThanOrEqual(-Math.log(p2) - 1e-12);
      expect(g.S).toBeLessThanOrEqual(Math.log(rank) + 1e-12);
    }
  });
});
