/**
 * The two instances of the model layer (PHYSICS.md §1, §5):
 *  - kerrModel: seed 000's H = Δa†a + iE(a† − a) + (U/2)a†²a², 2κ D[a];
 *  - twoPhotonKerrModel: the same plus (G/2)(a†² + a²) and optionally η D[a²] (Bartolo et al. 2016; Minganti et al. 2018).
 */
import { toRaw, validateKerrParams, type KerrParams, type KerrRaw } from '../kerr/model.js';
import { checkNumber, type NumberRule } from '../validation.js';
import { scaleCoefficient, type Model } from './model.js';

/** Seed 000's Kerr model from its raw parameters (terms in the order detuning, drive, kerr, as its h_n and stencil). */
export function kerrModelRaw(raw: KerrRaw): Model {
  return {
    hamiltonian: [
      { kind: 'detuning', delta: raw.delta },
      { kind: 'drive', E: raw.E },
      { kind: 'kerr', U: raw.U },
    ],
    dissipators: [{ kind: 'loss', kappa: raw.kappa }],
  };
}

/** Seed 000's Kerr model from its scaled parameters (E = √N ε, U = u/N). */
export function kerrModel(params: KerrParams): Model {
  return kerrModelRaw(toRaw(validateKerrParams(params)));
}

/** Scaled parameters of the two-photon-driven Kerr resonator (PHYSICS.md §5). */
export interface TwoPhotonKerrParams {
  kappa: number;
  delta: number;
  u: number;
  /** ε: one-photon pump, E = √N ε (0: parity-symmetric). */
  eps: number;
  /** g: two-photon pump, G = g (intensive). */
  g: number;
  /** η₀: two-photon loss, η = η₀/N (0: none). */
  eta0: number;
  N: number;
}

export const TWO_PHOTON_KERR_RULES: Readonly<Record<keyof TwoPhotonKerrParams, NumberRule>> = Object.freeze({
  kappa: { min: 0, exclusiveMin: true, max: 1e3 },
  delta: { min: -1e3, max: 1e3 },
  u: { min: 0, max: 1e3 },
  eps: { min: 0, max: 1e3 },
  g: { min: 0, max: 1e3 },
  eta0: { min: 0, max: 1e3 },
  N: { min: 0, exclusiveMin: true, max: 1e6 },
});

/** Validate scaled parameters; throws ParameterError naming the first bad field. */
export function validateTwoPhotonKerrParams(p: TwoPhotonKerrParams): TwoPhotonKerrParams {
  for (const k of Object.keys(TWO_PHOTON_KERR_RULES) as (keyof TwoPhotonKerrParams)[]) checkNumber(k, p[k], TWO_PHOTON_KERR_RULES[k]);
  if (!(p.u > 0 || p.eta0 > 0))
    checkNumber('u', p.u, { min: 0, exclusiveMin: true, max: 1e3 }); // no nonlinearity: nothing bounds the photon number above threshold
  return p;
}

/**
 * The two-photon-driven Kerr model. Terms with a zero coefficient are left out (ε = 0: no one-photon drive, so the
 * stencil has only even moves and the parity sectors decouple; η₀ = 0: no two-photon loss).
 */
export function twoPhotonKerrModel(params: TwoPhotonKerrParams): Model {
  const p = validateTwoPhotonKerrParams(params);
  const hamiltonian: Model['hamiltonian'][number][] = [{ kind: 'detuning', delta: p.delta }];
  if (p.eps !== 0) hamiltonian.push({ kind: 'drive', E: scaleCoefficient('drive', p.eps, p.N) });
  hamiltonian.push({ kind: 'kerr', U: scaleCoefficient('kerr', p.u, p.N) });
  hamiltonian.push({ kind: 'twoPhotonDrive', G: scaleCoefficient('twoPhotonDrive', p.g, p.N) });
  const dissipators: Model['dissipators'][number][] = [{ kind: 'loss', kappa: p.kappa }];
  if (p.eta0 !== 0) dissipators.push({ kind: 'twoPhotonLoss', eta: scaleCoefficient('twoPhotonLoss', p.eta0, p.N) });
  return { hamiltonian, dissipators };
}
