/**
 * Phase-space entropy production of any single-mode model (PHYSICS.md §5, seed 000 Sec. III and Eq. 18):
 *   Π_U = −∫ Q[−i[H, ρ]] ln Q d²μ, split per Hamiltonian term (Q[X] = <μ|X|μ>/π): the detuning and one-photon drive
 *   parts integrate to zero (they only rotate and shift Q: first-order derivatives), the Kerr part is seed 000's Π_U
 *   (B7), the two-photon drive adds second-order derivatives and its own part;
 *   Π_J, Π_ext, Π_d, Φ = 2κ<a†a>: seed 000's, for the one-photon loss 2κD[a] only;
 *   two-photon loss ηD[a²]: no Π/Φ split in seed 000's framework, so only its total −∫ Q[ηD[a²]ρ] ln Q d²μ (Π_eta).
 * Balance: dS_W/dt = Π_U + Π_J − Φ + Π_eta (= 0 in a NESS).
 * Every part is the generic functional entropyRate on the state's own polar grid (husimi.ts, fullAngles), so no
 * model-specific phase-space formula is needed.
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import type { PolarGrid } from '../kerr/types.js';
import { lossKappa, type Dissipator, type HamiltonianTerm, type Model } from '../model/model.js';
import { modelLiouvillian } from '../model/liouvillian.js';
import { entropyRate, moments, type Moments } from './entropyProduction.js';
import { nonGaussianity } from './gaussianity.js';
import { autoPolarGrid, evaluatePolar, newPolarField, polarPlan } from './husimi.js';
import { phaseSpaceIntegrals } from './observables.js';

export interface ModelEntropyProduction {
  a_re: number;
  a_im: number;
  n: number;
  S_W: number;
  Pi_J: number;
  Pi_ext: number;
  Pi_d: number;
  /** Σ of the per-term parts. */
  Pi_U: number;
  /**
   * −∫ Q[−i[H_term, ρ]] ln Q per Hamiltonian term kind. Detuning and one-photon drive only rotate and translate Q
   * (first-order derivatives: ∫ div(vQ) ln Q = −∫ v·∇Q = 0), so they are computed only with `allTerms`.
   */
  Pi_U_terms: Partial<Record<HamiltonianTerm['kind'], number>>;
  Phi: number;
  Phi_ext: number;
  Phi_q: number;
  /** −∫ Q[ηD[a²]ρ] ln Q (0 without two-photon loss). */
  Pi_eta: number;
  /** With `balance`: dS_W/dt = −∫ Q[L(ρ)] ln Q, the whole Liouvillian at once (the balance's left side); else NaN. */
  dS_W: number;
  G: number;
  grid: PolarGrid;
  norm: number;
}

/** Every phase-space observable of ρ under `model`, Π_U per term (see the module's doc). */
export interface ModelEntropyOptions {
  grid?: Partial<PolarGrid>;
  /** Also the detuning and one-photon drive parts (zero analytically; a check of the quadrature). */
  allTerms?: boolean;
  /** Also dS_W/dt = −∫ Q[L(ρ)] ln Q (one more field evaluation). */
  balance?: boolean;
}

/**
 * Angles of the shared grid the Π_U parts are sampled on: 4K (a power of two), where PHYSICS.md §1 measured ~1e-12
 * for NESSs with K ≤ 70; the adaptive cap of autoPolarGrid (up to 32K) is for the adaptive evaluation only, and
 * sampling every radius at it made the parts 4× dearer than needed (measured at N = 40, K = 135).
 */
function entropyAngles(K: number, cap: number): number {
  let L = 16;
  while (L < 4 * K) L *= 2;
  return Math.min(L, cap);
}

export function modelEntropyProduction(rho: ComplexMatrix, model: Model, opts: ModelEntropyOptions = {}): ModelEntropyProduction {
  const K = rho.K;
  const kappa = lossKappa(model);
  const mom = moments(rho);
  const grid = autoPolarGrid(rho, opts.grid);
  const I = phaseSpaceIntegrals(rho, grid);
  const plan = polarPlan(K, { ...grid, angles: opts.grid?.angles ?? entropyAngles(K, grid.angles) });
  const fr = evaluatePolar(rho, plan, newPolarField(plan), { fullAngles: true, psd: true });
  const fx = newPolarField(plan);
  const rate = (part: Model): number => entropyRate(evaluatePolar(modelLiouvillian(part, rho), plan, fx, { fullAngles: true }), fr);
  const Pi_U_terms: ModelEntropyProduction['Pi_U_terms'] = {};
  let Pi_U = 0;
  for (const t of model.hamiltonian) {
    if (!opts.allTerms && (t.kind === 'detuning' || t.kind === 'drive')) continue;
    const v = rate({ hamiltonian: [t], dissipators: [] });
    Pi_U_terms[t.kind] = (Pi_U_terms[t.kind] ?? 0) + v;
    Pi_U += v;
  }
  const eta: Dissipator[] = model.dissipators.filter((d) => d.kind === 'twoPhotonLoss');
  const Pi_eta = eta.length ? rate({ hamiltonian: [], dissipators: eta }) : 0;
  const dS_W = opts.balance ? rate(model) : NaN;
  return entropyProductionOf(rho, mom, I, kappa, { Pi_U, Pi_U_terms, Pi_eta, dS_W, grid });
}

/**
 * The record both evaluations return (this module's generic one and twoPhotonEntropy.ts's fast one): the seed-000
 * quantities from the moments, the Husimi integrals and κ, with the Π_U parts as each computed them.
 */
export function entropyProductionOf(
  rho: ComplexMatrix,
  mom: Moments,
  I: { S_W: number; jj: number; norm: number },
  kappa: number,
  parts: Pick<ModelEntropyProduction, 'Pi_U' | 'Pi_U_terms' | 'Pi_eta' | 'dS_W' | 'grid'>,
): ModelEntropyProduction {
  const a2 = mom.a_re * mom.a_re + mom.a_im * mom.a_im;
  const Pi_J = 2 * kappa * I.jj, Pi_ext = 2 * kappa * a2, Phi = 2 * kappa * mom.n;
  return {
    a_re: mom.a_re,
    a_im: mom.a_im,
    n: mom.n,
    S_W: I.S_W,
    Pi_J,
    Pi_ext,
    Pi_d: Pi_J - Pi_ext,
    Pi_U: parts.Pi_U,
    Pi_U_terms: parts.Pi_U_terms,
    Phi,
    Phi_ext: Pi_ext,
    Phi_q: Phi - Pi_ext,
    Pi_eta: parts.Pi_eta,
    dS_W: parts.dS_W,
    G: nonGaussianity(rho, mom).G,
    grid: parts.grid,
    norm: I.norm,
  };
}
