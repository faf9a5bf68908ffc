/**
 * The absolute K-convergence floor of the two-photon spectra (spectrumAbsTol): above threshold the odd sector's gap
 * approaches the round-off floor ε·max|L|, where the relative test cannot pass; with the floor, K follows the photon
 * number and the gap still agrees with a larger fixed K to within the floor.
 */
import { describe, expect, it } from 'vitest';
import { spectrumAbsTol, twoPhotonInitialCutoff, twoPhotonSectorSpectra } from '../../../src-core/model/twoPhotonKerr.js';

describe('odd-sector gap near the round-off floor (N = 20, g = 1.1: λ_odd ≈ 6e-9)', () => {
  it('converges at a K set by the photon number and agrees with K + 24 to within the floor', () => {
    const p = { kappa: 0.5, delta: 0, u: 1, eps: 0, eta0: 0, N: 20, g: 1.1 };
    const floor = spectrumAbsTol(p);
    expect(floor).toBeGreaterThan(1e-13);
    expect(floor).toBeLessThan(1e-11);
    const s = twoPhotonSectorSpectra(p, { count: 1 }).sectors;
    const odd = s[1].spectrum;
    expect(s[1].sector).toBe('odd');
    expect(odd.converged).toBe(true);
    expect(odd.gap).toBeLessThan(1e-7);
    expect(odd.K).toBeLessThan(twoPhotonInitialCutoff(p) + 40);
    const big = twoPhotonSectorSpectra(p, { count: 1, K: odd.K + 24 }).sectors[1].spectrum;
    expect(Math.abs(big.gap - odd.gap)).toBeLessThan(5 * floor);
    // the even gap is far above the floor: still converged relatively
    expect(s[0].spectrum.converged).toBe(true);
    expect(s[0].spectrum.gap).toBeGreaterThan(0.3);
  }, 120_000);
});
