/**
 * The full NESS density matrix in the Fock basis |0>…|K−1> by a direct solve of L(ρ) = 0 (PHYSICS.md §1), not by
 * waiting for a trajectory to relax (the bistable window's tunnelling time grows exponentially with N).
 *
 * Method: inverse iteration at shift 0 on the vectorised Liouvillian. L is singular (ζ₀ = 0, the NESS), so its LU has
 * a (near-)zero pivot (round-off, or replaced by a tiny value); one solve then amplifies the null vector by ~1/pivot
 * over every other eigenvector. The LU is the nested-dissection one of the spectrum (gridLU.ts, O(K³); it eliminates
 * ρ₀₀ last, so that near-zero pivot is the very last one and nothing is eliminated with it): N = 20, K = 99 in ~0.06 s
 * where the banded O(K⁴) LU took 0.23 s.
 */
import { gridLUFactor, gridLUSolve } from '../linalg/gridLU.js';
import { zeros, type ComplexMatrix } from '../linalg/complexMatrix.js';
import { hasParitySymmetry, type Model } from '../model/model.js';
import { kerrModelRaw } from '../model/instances.js';
import { modelResidual, modelStencil, modelSymbolic } from '../model/liouvillian.js';
import { toRaw, type KerrParams } from './model.js';

export interface NessOptions {
  /** Inverse-iteration solves (default 2: the second removes what the first left of the next-slowest mode). */
  iterations?: number;
}

/** Hermitian part, (ρ + ρ†)/2, in place. */
function hermitise(rho: ComplexMatrix): void {
  const K = rho.K;
  for (let m = 0; m < K; m++) {
    rho.im[m * K + m] = 0;
    for (let n = m + 1; n < K; n++) {
      const i = m * K + n, j = n * K + m;
      const re = 0.5 * (rho.re[i] + rho.re[j]);
      const im = 0.5 * (rho.im[i] - rho.im[j]);
      rho.re[i] = re;
      rho.re[j] = re;
      rho.im[i] = im;
      rho.im[j] = -im;
    }
  }
}

/** Divide by tr ρ (complex, so that a global phase from the solve is removed too). */
function normaliseTrace(xr: Float64Array, xi: Float64Array, K: number): void {
  let tr = 0, ti = 0;
  for (let n = 0; n < K; n++) {
    tr += xr[n * K + n];
    ti += xi[n * K + n];
  }
  const d = tr * tr + ti * ti;
  if (!(d > 0) || !Number.isFinite(d)) throw new Error('nessDensityMatrix: the null vector has zero trace (K too small?)');
  for (let i = 0; i < xr.length; i++) {
    const a = xr[i], b = xi[i];
    xr[i] = (a * tr + b * ti) / d;
    xi[i] = (b * tr - a * ti) / d;
  }
}

/** The NESS ρ (trace 1, Hermitian) of the Kerr model truncated at K Fock levels. */
export function nessDensityMatrix(params: KerrParams, K: number, opts: NessOptions = {}): ComplexMatrix {
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`nessDensityMatrix: K must be an integer ≥ 1 (got ${K})`);
  return modelNess(kerrModelRaw(toRaw(params)), K, opts);
}

export interface ModelNessOptions extends NessOptions {
  /**
   * Solve in the even parity sector ((m + n) mod 2 = 0, where the NESS lives) when the model has the symmetry
   * (default true): half the unknowns and separators half as wide, so the factorisation is ~4–8× cheaper; the odd
   * elements of ρ are then exactly zero (<a> = 0).
   */
  parity?: boolean;
}

/** The NESS ρ (trace 1, Hermitian) of any single-mode model (model layer) truncated at K Fock levels. */
export function modelNess(model: Model, K: number, opts: ModelNessOptions = {}): ComplexMatrix {
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`modelNess: K must be an integer ≥ 1 (got ${K})`);
  const sector = opts.parity !== false && hasParitySymmetry(model) ? 'even' : undefined;
  const F = gridLUFactor(modelStencil(model, K), modelSymbolic(model, K, 0, sector));
  const rho = zeros(K);
  for (let n = 0; n < K; n++) rho.re[n * K + n] = 1 / K;
  const xr = new Float64Array(K * K), xi = new Float64Array(K * K);
  const iterations = opts.iterations ?? 2;
  for (let it = 0; it < iterations; it++) {
    // vec(ρ) in the grid order m·K + n is the ComplexMatrix layout itself
    xr.set(rho.re);
    xi.set(rho.im);
    gridLUSolve(F, xr, xi);
    rho.re.set(xr);
    rho.im.set(xi);
    normaliseTrace(rho.re, rho.im, K);
  }
  hermitise(rho);
  return rho;
}

/** max |L(ρ)_mn|: ≈ 0 for a steady state (the check the tests and the CLI use). */
export function nessResidual(params: KerrParams, rho: ComplexMatrix): number {
  return modelResidual(kerrModelRaw(toRaw(params)), rho);
}
