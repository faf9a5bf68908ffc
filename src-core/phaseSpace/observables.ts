/**
 * kerrObservables: every observable of one density matrix (seed Secs. III–IV, Eqs. 10, 21–27), called at every sample
 * of every trajectory. Husimi integrals on the cached polar grid (husimi.ts, entropyProduction.ts), moments from the
 * exact traces, G from the spectrum of ρ (gaussianity.ts).
 */
import { toRaw, type KerrParams } from '../kerr/model.js';
import type { KerrObservables, PolarGrid } from '../kerr/types.js';
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { integrate, moments, type PhaseSpaceIntegrals } from './entropyProduction.js';
import { nonGaussianity } from './gaussianity.js';
import { autoPolarGrid, evaluatePolar, polarPlan } from './husimi.js';

export interface KerrObservablesOptions {
  /** Override any part of the automatic grid (autoPolarGrid). */
  grid?: Partial<PolarGrid>;
  /** Re-evaluate the grid integrals on a refined grid and report the change (costs ~3× one evaluation). */
  verify?: boolean;
}

/** Result of `verify`: the refined grid and the absolute change of each grid integral. */
export interface GridVerification {
  grid: PolarGrid;
  dS_W: number;
  dPi_J: number;
  dPi_U: number;
  /** Largest of the three changes. */
  maxChange: number;
}

export type KerrObservablesResult = KerrObservables & {
  grid: PolarGrid;
  /** Population ρ_{K−1,K−1} of the top Fock level (the truncation guard's input). */
  topPopulation: number;
  /** ∫ Q d²μ on the grid (1 when the grid holds the state). */
  norm: number;
  verification?: GridVerification;
};

/**
 * Grid integrals of the density matrix ρ on `grid` (missing parts chosen automatically; angles rounded up to a valid
 * FFT length).
 */
export function phaseSpaceIntegrals(
  rho: ComplexMatrix,
  grid: Partial<PolarGrid> = {},
  opts: { angleFactor?: number; fullAngles?: boolean } = {},
): PhaseSpaceIntegrals {
  return integrate(evaluatePolar(rho, polarPlan(rho.K, autoPolarGrid(rho, grid)), undefined, { ...opts, psd: true }));
}

/** The refined grid used by `verify`: 1.5× the radial nodes, 2× the angle cap, rMax + 1.5 (and 2× the starting angles). */
export function refinedGrid(g: PolarGrid): PolarGrid {
  return { radialNodes: Math.ceil(1.5 * g.radialNodes) + 8, angles: 2 * g.angles, rMax: g.rMax + 1.5 };
}

export function kerrObservables(
  rho: ComplexMatrix,
  params: KerrParams,
  opts: KerrObservablesOptions = {},
): KerrObservablesResult {
  const K = rho.K;
  const raw = toRaw(params);
  const kappa = raw.kappa;
  const mom = moments(rho);
  const grid = autoPolarGrid(rho, opts.grid);
  const I = phaseSpaceIntegrals(rho, grid);
  const a2 = mom.a_re * mom.a_re + mom.a_im * mom.a_im;
  const Pi_J = 2 * kappa * I.jj;
  const Pi_U = raw.U * I.u;
  const Pi_ext = 2 * kappa * a2;
  const Phi = 2 * kappa * mom.n;
  const res: KerrObservablesResult = {
    a_re: mom.a_re,
    a_im: mom.a_im,
    n: mom.n,
    alpha_abs: Math.sqrt(a2 / params.N),
    S_W: I.S_W,
    Pi_J,
    Pi_ext,
    Pi_d: Pi_J - Pi_ext,
    Pi_U,
    Phi,
    Phi_ext: Pi_ext,
    Phi_q: Phi - Pi_ext,
    G: nonGaussianity(rho, mom).G,
    grid,
    topPopulation: rho.re[(K - 1) * K + (K - 1)],
    norm: I.norm,
  };
  if (opts.verify) {
    const g2 = refinedGrid(grid);
    const I2 = phaseSpaceIntegrals(rho, g2, { angleFactor: 2 });
    const dS_W = Math.abs(I2.S_W - I.S_W);
    const dPi_J = Math.abs(2 * kappa * I2.jj - Pi_J);
    const dPi_U = Math.abs(raw.U * I2.u - Pi_U);
    res.verification = { grid: g2, dS_W, dPi_J, dPi_U, maxChange: Math.max(dS_W, dPi_J, dPi_U) };
  }
  return res;
}
