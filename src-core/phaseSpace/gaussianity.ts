/**
 * Non-Gaussianity G(ρ) = S(ρ_G) − S(ρ) (seed Eq. 27): ρ_G is the Gaussian state with the first and second moments of ρ.
 * S(ρ) = −Σ λ ln λ over the eigenvalues of ρ (linalg/hermitianEigen.ts). S(ρ_G) = (ν + ½) ln(ν + ½) − (ν − ½) ln(ν − ½)
 * with ν = √det σ, and σ built from normal-ordered moments (PHYSICS.md §1): with n' = <a†a> − |<a>|²,
 * c = <a²> − <a>²: σ_xx = n' + ½ + Re c, σ_pp = n' + ½ − Re c, σ_xp = Im c. These moments are exact in the truncated
 * basis, whereas x² and p² built from truncated matrices are wrong in the top level.
 */
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { hermitianEigenvalues } from '../linalg/hermitianEigen.js';
import { moments, type Moments } from './entropyProduction.js';

/** −Σ λ ln λ over the eigenvalues λ > 0 (round-off negatives of a PSD matrix carry no entropy). */
export function entropyOfSpectrum(lambda: Float64Array): number {
  let s = 0;
  for (const x of lambda) if (x > 0) s -= x * Math.log(x);
  return s;
}

/** von Neumann entropy S(ρ) = −tr ρ ln ρ. */
export function vonNeumannEntropy(rho: ComplexMatrix): number {
  return entropyOfSpectrum(hermitianEigenvalues(rho));
}

/** Symplectic eigenvalue ν = √det σ of the single-mode covariance matrix (ν ≥ ½ for a physical state). */
export function symplecticEigenvalue(m: Moments): number {
  const ar = m.a_re / m.trace, ai = m.a_im / m.trace;
  const nPrime = m.n / m.trace - (ar * ar + ai * ai);
  const cr = m.a2_re / m.trace - (ar * ar - ai * ai);
  const ci = m.a2_im / m.trace - 2 * ar * ai;
  const sxx = nPrime + 0.5 + cr, spp = nPrime + 0.5 - cr, sxp = ci;
  return Math.sqrt(Math.max(sxx * spp - sxp * sxp, 0));
}

/** Entropy of the Gaussian state with symplectic eigenvalue ν: g(ν − ½), 0 at ν = ½ (pure Gaussian). */
export function gaussianEntropy(nu: number): number {
  const a = nu + 0.5, b = nu - 0.5;
  return a * Math.log(a) - (b > 0 ? b * Math.log(b) : 0);
}

/** G = S(ρ_G) − S(ρ) and its parts. */
export function nonGaussianity(rho: ComplexMatrix, m: Moments = moments(rho)): { G: number; S: number; S_G: number; nu: number } {
  const nu = symplecticEigenvalue(m);
  const S_G = gaussianEntropy(nu);
  const S = vonNeumannEntropy(rho);
  return { G: S_G - S, S, S_G, nu };
}
