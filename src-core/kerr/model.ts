/**
 * Kerr bistability model (seed 000, Sec. II, Eqs. 2–3; PHYSICS.md §1).
 * H = Δ a†a + iE(a† − a) + (U/2) a†a†aa,  dρ/dt = −i[H, ρ] + 2κ D[a]ρ,
 * with the size scaling E = √N ε, U = u/N (Sec. II B). Rates are amplitude rates (field decays as e^{−κt}).
 */
import { checkNumber, type NumberRule } from '../validation.js';

/** Scaled parameters, as the paper states them. */
export interface KerrParams {
  /** κ: photon-loss amplitude rate (> 0). */
  kappa: number;
  /** Δ = ω_c − ω_p: detuning. */
  delta: number;
  /** u: scaled Kerr interaction, U = u/N. */
  u: number;
  /** ε: scaled pump, E = √N ε. */
  eps: number;
  /** N: size parameter (the thermodynamic limit is N → ∞). Need not be an integer. */
  N: number;
}

/** Raw (unscaled) parameters that enter H and L directly. */
export interface KerrRaw {
  kappa: number;
  delta: number;
  /** E: pump amplitude. */
  E: number;
  /** U: Kerr interaction. */
  U: number;
}

/** The seed's fixed values (Sec. IV A): κ = 1/2, Δ = −2, u = 1. */
export const PAPER = Object.freeze({
  kappa: 0.5,
  delta: -2,
  u: 1,
  epsInitial: 0.5,
  epsFinal: Object.freeze([0.6, 0.8, 0.933, 1.1, 1.16616, 1.3]),
  Ns: Object.freeze([1, 5, 10, 15, 20]),
  dt: 0.2,
});

/** Allowed ranges, shared by the CLI, study files and forms. */
export const KERR_RULES: Readonly<Record<keyof KerrParams, NumberRule>> = Object.freeze({
  // Lower bounds keep U = u/N, x = 2(Δ − iκ)/U and ξ = 2E/U (exactSteadyState.ts) far from under- and overflow:
  // κ → 1e-300 or N → 1e-300 made the ₀F₂ terms vanish in double precision (issue 10 item 8).
  kappa: { min: 1e-3, max: 1e3 },
  delta: { min: -1e3, max: 1e3 },
  u: { min: 1e-6, max: 1e3 },
  eps: { min: 0, max: 1e3 },
  N: { min: 1e-3, max: 1e6 },
});

/** Validate scaled parameters; throws ParameterError naming the first bad field. */
export function validateKerrParams(p: KerrParams): KerrParams {
  for (const k of Object.keys(KERR_RULES) as (keyof KerrParams)[]) checkNumber(k, p[k], KERR_RULES[k]);
  return p;
}

/** E = √N ε, U = u/N (Sec. II B). */
export function toRaw(p: KerrParams): KerrRaw {
  return { kappa: p.kappa, delta: p.delta, E: Math.sqrt(p.N) * p.eps, U: p.u / p.N };
}

/** The same parameters with another pump ε (for quenches ε_i → ε_f). */
export function withEps(p: KerrParams, eps: number): KerrParams {
  return { ...p, eps };
}
