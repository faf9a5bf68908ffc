/**
 * Dense complex matrices on split re/im Float64Arrays, row-major: element (m, n) at index m*K + n.
 * The density matrix ρ_mn = <m|ρ|n> in the Fock basis |0>, …, |K−1> uses this layout throughout the engine.
 */
export interface ComplexMatrix {
  /** Dimension (number of Fock states, K = nmax). */
  K: number;
  re: Float64Array;
  im: Float64Array;
}

export function zeros(K: number): ComplexMatrix {
  return { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
}

export function clone(A: ComplexMatrix): ComplexMatrix {
  return { K: A.K, re: A.re.slice(), im: A.im.slice() };
}

/** tr ρ (complex). */
export function trace(A: ComplexMatrix): { re: number; im: number } {
  let re = 0, im = 0;
  for (let n = 0; n < A.K; n++) {
    re += A.re[n * A.K + n];
    im += A.im[n * A.K + n];
  }
  return { re, im };
}

/** Largest |A_mn − conj(A_nm)|: zero for a Hermitian matrix. */
export function hermiticityError(A: ComplexMatrix): number {
  const K = A.K;
  let e = 0;
  for (let m = 0; m < K; m++)
    for (let n = m; n < K; n++) {
      const dr = A.re[m * K + n] - A.re[n * K + m];
      const di = A.im[m * K + n] + A.im[n * K + m];
      // √(a² + b²), not Math.hypot: this runs on every quench sample and hypot was its largest allocator (boxed
      // arguments); no overflow at the scale of a density matrix. A NaN is kept once met.
      const h = Math.sqrt(dr * dr + di * di);
      if (h > e || h !== h) e = h;
    }
  return e;
}
