/** Test-only state builders and an element-wise Kerr Liouvillian (PHYSICS.md §1), independent of the engine. */
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';

export function pure(re: Float64Array, im: Float64Array): ComplexMatrix {
  const K = re.length, R = new Float64Array(K * K), I = new Float64Array(K * K);
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      // ρ_mn = ψ_m conj(ψ_n)
      R[m * K + n] = re[m] * re[n] + im[m] * im[n];
      I[m * K + n] = im[m] * re[n] - re[m] * im[n];
    }
  return { K, re: R, im: I };
}

/** Coherent state |β> in K levels (amplitudes by recurrence, e^{−|β|²/2} β^n/√n!). */
export function coherent(br: number, bi: number, K: number): ComplexMatrix {
  const re = new Float64Array(K), im = new Float64Array(K);
  re[0] = Math.exp(-(br * br + bi * bi) / 2);
  for (let n = 1; n < K; n++) {
    const s = 1 / Math.sqrt(n);
    re[n] = (re[n - 1] * br - im[n - 1] * bi) * s;
    im[n] = (re[n - 1] * bi + im[n - 1] * br) * s;
  }
  return pure(re, im);
}

export function fock(n: number, K: number): ComplexMatrix {
  const re = new Float64Array(K), im = new Float64Array(K);
  re[n] = 1;
  return pure(re, im);
}

/** Thermal state with mean n̄: p_n = n̄^n/(n̄+1)^{n+1}. */
export function thermal(nbar: number, K: number): ComplexMatrix {
  const re = new Float64Array(K * K);
  for (let n = 0; n < K; n++) re[n * K + n] = Math.pow(nbar / (nbar + 1), n) / (nbar + 1);
  return { K, re, im: new Float64Array(K * K) };
}

/** Squeezed vacuum S(ζ)|0>, ζ = s e^{iφ}: ψ_{2n} = (−e^{iφ} tanh s)^n √((2n)!)/(2^n n!) / √cosh s. */
export function squeezedVacuum(s: number, phi: number, K: number): ComplexMatrix {
  const re = new Float64Array(K), im = new Float64Array(K);
  const t = Math.tanh(s);
  let mag = 1 / Math.sqrt(Math.cosh(s));
  for (let n = 0; 2 * n < K; n++) {
    if (n > 0) mag *= (t * Math.sqrt((2 * n) * (2 * n - 1))) / (2 * n);
    const ang = n * (phi + Math.PI);
    re[2 * n] = mag * Math.cos(ang);
    im[2 * n] = mag * Math.sin(ang);
  }
  return pure(re, im);
}

/** Deterministic uniform(−½, ½) generator. */
export function lcg(seed: number): () => number {
  let s = seed % 2147483647;
  if (s <= 0) s += 2147483646;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
}

/**
 * Random density matrix G G†/tr with G = B·diag(e^{−j/w}) a K×rank Ginibre matrix whose rows are damped above level
 * `nTop` (so the state fits the basis).
 */
export function randomState(K: number, seed: number, nTop = K / 2, rank = K): ComplexMatrix {
  const rnd = lcg(seed);
  const gr = new Float64Array(K * rank), gi = new Float64Array(K * rank);
  for (let m = 0; m < K; m++) {
    const damp = m > nTop ? Math.exp(-((m - nTop) ** 2) / 2) : 1;
    for (let j = 0; j < rank; j++) {
      gr[m * rank + j] = rnd() * damp;
      gi[m * rank + j] = rnd() * damp;
    }
  }
  const re = new Float64Array(K * K), im = new Float64Array(K * K);
  let tr = 0;
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      let sr = 0, si = 0;
      for (let j = 0; j < rank; j++) {
        const ar = gr[m * rank + j], ai = gi[m * rank + j], br = gr[n * rank + j], bi = gi[n * rank + j];
        sr += ar * br + ai * bi;
        si += ai * br - ar * bi;
      }
      re[m * K + n] = sr;
      im[m * K + n] = si;
      if (m === n) tr += sr;
    }
  for (let i = 0; i < K * K; i++) {
    re[i] /= tr;
    im[i] /= tr;
  }
  return { K, re, im };
}

export interface RawKerr {
  kappa: number;
  delta: number;
  E: number;
  U: number;
}

/**
 * L(ρ) element by element (PHYSICS.md §1), or only its Hamiltonian part −i[H, ρ] (hamiltonianOnly) or only
 * −i[(U/2) a†a†aa, ρ] (kerrOnly).
 */
export function liouvillian(p: RawKerr, rho: ComplexMatrix, part: 'all' | 'hamiltonian' | 'kerr' = 'all'): ComplexMatrix {
  const K = rho.K, re = rho.re, im = rho.im;
  const oR = new Float64Array(K * K), oI = new Float64Array(K * K);
  const h = (n: number) => (part === 'kerr' ? 0 : p.delta * n) + (p.U / 2) * n * (n - 1);
  const kap = part === 'all' ? p.kappa : 0;
  const E = part === 'kerr' ? 0 : p.E;
  const at = (m: number, n: number, imag: boolean) =>
    m < 0 || n < 0 || m >= K || n >= K ? 0 : imag ? im[m * K + n] : re[m * K + n];
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++) {
      const dh = h(m) - h(n), g = kap * (m + n);
      const xr = re[m * K + n], xi = im[m * K + n];
      // [−i dh − g] ρ_mn
      let r = dh * xi - g * xr;
      let i = -dh * xr - g * xi;
      for (const imag of [false, true]) {
        const v =
          E * (Math.sqrt(m) * at(m - 1, n, imag) - Math.sqrt(m + 1) * at(m + 1, n, imag) -
            Math.sqrt(n + 1) * at(m, n + 1, imag) + Math.sqrt(n) * at(m, n - 1, imag)) +
          2 * kap * Math.sqrt((m + 1) * (n + 1)) * at(m + 1, n + 1, imag);
        if (imag) i += v;
        else r += v;
      }
      oR[m * K + n] = r;
      oI[m * K + n] = i;
    }
  return { K, re: oR, im: oI };
}
