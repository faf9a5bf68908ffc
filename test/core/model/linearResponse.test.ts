/**
 * Infinitesimal quenches (issue 15): the linear response from the spectrum of L_i against actual quenches with small
 * δg (the difference must scale as δg²) and its static limit against the NESS derivative ∂ρ_ss/∂g.
 */
import { describe, expect, it } from 'vitest';
import { modelNess } from '../../../src-core/kerr/steadyState.js';
import { twoPhotonKerrModel } from '../../../src-core/model/instances.js';
import { linearResponse, photonObservables } from '../../../src-core/model/linearResponse.js';
import { runModelQuench } from '../../../src-core/model/quench.js';
import { moments } from '../../../src-core/phaseSpace/entropyProduction.js';

const BASE = { kappa: 0.5, delta: 0, u: 1, eps: 0, eta0: 0 };

describe('linear response to a step δg from the spectrum', () => {
  it.each([
    ['below threshold, g = 0.4', 0.4],
    ['above threshold, g = 0.8', 0.8],
  ])('%s (N = 3, K = 20): Σ_k w_k (1 − e^{λ_k t}) against quenches g → g + δg, error ∝ δg²', (_, g) => {
    const K = 20, p = { ...BASE, N: 3, g };
    const model = twoPhotonKerrModel(p);
    const rho = modelNess(model, K);
    const lr = linearResponse(model, { hamiltonian: [{ kind: 'twoPhotonDrive', G: 1 }], dissipators: [] }, rho, photonObservables(K));
    expect(lr.sector).toBe('even');
    // static limit: O(χ) = ∂O_ss/∂g (central difference of the NESS, error O(h²) ~ 1e-8)
    const h = 1e-4;
    const mp = moments(modelNess(twoPhotonKerrModel({ ...p, g: g + h }), K)), mm = moments(modelNess(twoPhotonKerrModel({ ...p, g: g - h }), K));
    expect(Math.abs(lr.observables[0].static - (mp.n - mm.n) / (2 * h))).toBeLessThan(1e-6 * Math.max(1, Math.abs(lr.observables[0].static)));
    expect(Math.abs(lr.observables[1].static - (mp.a2_re - mm.a2_re) / (2 * h))).toBeLessThan(1e-6 * Math.max(1, Math.abs(lr.observables[1].static)));
    // dynamic: actual quenches with δg and 2δg
    const err = (dg: number): number => {
      let worst = 0;
      runModelQuench({ model: 'two-photon-kerr', initial: p, final: { ...p, g: g + dg }, tMax: 10, dt: 0.5, K, rtol: 1e-13 }, (_i, row, r) => {
        const m = moments(r);
        worst = Math.max(worst, Math.abs(m.n - moments(rho).n - dg * lr.response(0, row[0])), Math.abs(m.a2_re - moments(rho).a2_re - dg * lr.response(1, row[0])));
      });
      return worst;
    };
    const dg = 1e-3;
    const e1 = err(dg), e2 = err(2 * dg);
    // measured: g = 0.4: e1 = 3.1e-6, e2 = 1.24e-5; g = 0.8: 2.5e-6, 1.02e-5 (dn/dg = 1.875, 3.835)
    // the response itself is O(δg): make sure it is not trivially small
    expect(Math.abs(dg * lr.response(0, 10))).toBeGreaterThan(1e-4);
    expect(e1).toBeLessThan(1e-5);
    expect(e2 / e1).toBeGreaterThan(3.5); // δg² scaling (4 for a pure second-order remainder)
    expect(e2 / e1).toBeLessThan(4.5);
  }, 60_000);
});
