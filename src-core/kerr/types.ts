/**
 * Shared engine result types for the Kerr model. Implementations:
 *  - kerrObservables(rho, params, opts)      src-core/phaseSpace/observables.ts
 *  - planQuench / quenchInitialState / propagateInterval   src-core/kerr/quench.ts
 * Field names are the glossary's (README.md) and the CSV columns of a quench.
 */

/** Everything computed from one density matrix (seed Secs. III–IV, Eqs. 10, 21–27). */
export interface KerrObservables {
  /** <a> (real, imaginary part). */
  a_re: number;
  a_im: number;
  /** <a†a>. */
  n: number;
  /** |<a>|/√N (the order parameter |α|). */
  alpha_abs: number;
  /** Wehrl entropy S_W = −∫ Q ln Q d²μ (Eq. 10). */
  S_W: number;
  /** Π_J = (2κ/π) ∫ |j|²/q d²μ (Eq. 21, B6). */
  Pi_J: number;
  /** Π_ext = 2κ|<a>|² (Eq. 24). */
  Pi_ext: number;
  /** Π_d = Π_J − Π_ext (Eq. 24). */
  Pi_d: number;
  /** Π_U (Eq. 25 = B7). */
  Pi_U: number;
  /** Φ = 2κ<a†a> (Eq. 22). */
  Phi: number;
  /** Φ_ext = 2κ|<a>|² (Eq. 23). */
  Phi_ext: number;
  /** Φ_q = Φ − Φ_ext (Eq. 23). */
  Phi_q: number;
  /** Non-Gaussianity G = S(ρ_G) − S(ρ) (Eq. 27). */
  G: number;
}

/** Column order of a quench CSV (the studies and the CLI write exactly these, then extras). */
export const QUENCH_COLUMNS = [
  't', 'a_re', 'a_im', 'n', 'S_W', 'Pi_J', 'Pi_ext', 'Pi_d', 'Pi_U', 'Phi', 'Phi_ext', 'Phi_q', 'G',
] as const;

/** Polar quadrature grid for the Husimi function: Gauss–Legendre in r on [0, rMax], `angles` equispaced θ. */
export interface PolarGrid {
  radialNodes: number;
  angles: number;
  rMax: number;
}
