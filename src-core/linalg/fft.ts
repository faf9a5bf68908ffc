/**
 * Thin wrapper of fft.js (radix-4, power-of-two lengths) with cached plans.
 * Used by the Husimi evaluator (phaseSpace/husimi.ts): per radius, one FFT turns the angular Fourier coefficients of
 * q(r, θ) and j(r, θ) into values on all θ_l = 2πl/L at once (PHYSICS.md §1, "Evaluating Q on a grid, fast").
 */
import FFT from 'fft.js';

/** A transform of fixed power-of-two length L on interleaved complex Float64Arrays (re0, im0, re1, im1, …). */
export interface FftPlan {
  readonly L: number;
  /** out_l = Σ_k in_k e^{−2πi k l / L} (no scaling). `out` and `input` must be distinct arrays of length 2L. */
  forward(out: Float64Array, input: Float64Array): void;
}

const plans = new Map<number, FftPlan>();

/** Smallest power of two ≥ n (and ≥ 4: fft.js needs a length > 1). */
export function nextPow2(n: number): number {
  let L = 4;
  while (L < n) L *= 2;
  return L;
}

/** The cached plan of length L (a power of two ≥ 4). */
export function fftPlan(L: number): FftPlan {
  let p = plans.get(L);
  if (p) return p;
  if (!(L >= 4) || (L & (L - 1)) !== 0) throw new RangeError(`FFT length must be a power of two ≥ 4, got ${L}`);
  const f = new FFT(L);
  p = {
    L,
    // fft.js indexes any array-like; Float64Arrays avoid boxing.
    forward: (out, input) => f.transform(out as unknown as number[], input as unknown as number[]),
  };
  plans.set(L, p);
  return p;
}
