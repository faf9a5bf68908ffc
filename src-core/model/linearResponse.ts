/**
 * Linear response to an infinitesimal quench (seed 000's outlook; issue 15): the NESS ρ_i of L_i is quenched to
 * L_i + δ·L₁ (e.g. g → g + δg, L₁ = ∂L/∂g = −i[(a†² + a²)/2, ·]). To first order in δ,
 *   ρ(t) = ρ_i + δ ∫₀ᵗ e^{L_i s} L₁ρ_i ds,   so with L₁ρ_i = Σ_k c_k r_k (L_i r_k = λ_k r_k; c₀ = 0: L₁ρ_i is traceless),
 *   δO(t) = δ Σ_{k≥1} c_k O(r_k) (e^{λ_k t} − 1)/λ_k = δ Σ_{k≥1} w_k (1 − e^{λ_k t}),   w_k = −c_k O(r_k)/λ_k,
 * and δO(∞) = δ·O(χ) with χ = −L_i⁻¹ L₁ρ_i (the static susceptibility, ∂ρ_ss/∂g). Each mode k contributes with its own
 * rate −Re λ_k: the slowest (the gap) sets the approach to the new NESS.
 *
 * The whole spectrum is needed for an exact response, so L_i is diagonalised densely (complex Schur form L = Z T Zᴴ,
 * eigenvectors r_k = Z y_k with y_k upper triangular, so L₁ρ_i = Z Y c is one back substitution): small K only (the
 * even parity sector at ε = 0 halves the dimension; K = 20 there is 200 unknowns).
 */
import { complexSchur, denseZeros, triangularEigenvector } from '../linalg/complexSchur.js';
import type { ComplexMatrix } from '../linalg/complexMatrix.js';
import { modelLiouvillian, modelStencil, sectorMask, type ParitySector } from './liouvillian.js';
import { hasParitySymmetry, type Model } from './model.js';

export interface LinearResponse {
  /** Eigenvalues λ_k of L_i on the unknowns used (ζ₀ ≈ 0 included). */
  lambda: { re: number; im: number }[];
  /** Per observable: the mode weights w_k (complex) and the static response O(χ) = Σ w_k. */
  observables: { name: string; weights: { re: number; im: number }[]; static: number }[];
  /** δO(t)/δ for observable j: Σ_k w_k (1 − e^{λ_k t}) (real part). */
  response(j: number, t: number): number;
  sector?: ParitySector;
}

/** An observable as its matrix O (O(ρ) = Tr(Oρ) = Σ_mn O_nm ρ_mn), K×K. */
export interface Observable {
  name: string;
  O: ComplexMatrix;
}

/** <a†a> and <a²> as observables at cut-off K. */
export function photonObservables(K: number): Observable[] {
  const n = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
  const a2 = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
  for (let m = 0; m < K; m++) {
    n.re[m * K + m] = m;
    if (m + 2 < K) a2.re[m * K + m + 2] = Math.sqrt((m + 1) * (m + 2)); // <m|a²|m+2>
  }
  return [
    { name: 'n', O: n },
    { name: 'Re a2', O: a2 },
  ];
}

/**
 * Linear response of `observables` to the quench L_i → L_i + δ·L₁ from the NESS ρ_i of L_i. `perturbation` is the
 * model whose Liouvillian is L₁ (e.g. {hamiltonian: [{kind: 'twoPhotonDrive', G: 1}], dissipators: []} for ∂/∂g).
 */
export function linearResponse(initial: Model, perturbation: Model, rhoI: ComplexMatrix, observables: Observable[]): LinearResponse {
  const K = rhoI.K;
  const sector: ParitySector | undefined = hasParitySymmetry(initial) && hasParitySymmetry(perturbation) ? 'even' : undefined;
  const mask = sector ? sectorMask(K, sector) : null;
  const idx: number[] = [];
  for (let v = 0; v < K * K; v++) if (!mask || mask[v]) idx.push(v);
  const dim = idx.length;
  const pos = new Int32Array(K * K).fill(-1);
  idx.forEach((v, i) => (pos[v] = i));
  // dense L_i on the unknowns (column j: L applied to unit vector j, read from the stencil rows)
  const S = modelStencil(initial, K);
  const T = S.offsets.length;
  const A = denseZeros(dim);
  for (let i = 0; i < dim; i++) {
    const v = idx[i], m = Math.floor(v / K), n = v % K;
    for (let t = 0; t < T; t++) {
      const a = m + S.offsets[t][0], b = n + S.offsets[t][1];
      if (a < 0 || a >= K || b < 0 || b >= K) continue;
      const j = pos[a * K + b];
      if (j < 0) continue;
      A.re[i * dim + j] += S.re[v * T + t];
      A.im[i * dim + j] += S.im[v * T + t];
    }
  }
  const { T: Tm, Z, converged } = complexSchur(A, 200);
  if (!converged) throw new Error('linearResponse: the Schur iteration did not converge');
  const lambda = Array.from({ length: dim }, (_, k) => ({ re: Tm.re[k * dim + k], im: Tm.im[k * dim + k] }));
  // b = L₁ρ_i on the unknowns, w = Zᴴ b
  const L1rho = modelLiouvillian(perturbation, rhoI);
  const wr = new Float64Array(dim), wi = new Float64Array(dim);
  for (let k = 0; k < dim; k++) {
    let sr = 0, si = 0;
    for (let i = 0; i < dim; i++) {
      const zr = Z.re[i * dim + k], zi = -Z.im[i * dim + k];
      const br = L1rho.re[idx[i]], bi = L1rho.im[idx[i]];
      sr += zr * br - zi * bi;
      si += zr * bi + zi * br;
    }
    wr[k] = sr;
    wi[k] = si;
  }
  // Y (columns y_k, upper triangular, unit diagonal): solve Y c = w by back substitution
  const Y = Array.from({ length: dim }, (_, k) => triangularEigenvector(Tm, k));
  const cr = new Float64Array(dim), ci = new Float64Array(dim);
  for (let i = dim - 1; i >= 0; i--) {
    let sr = wr[i], si = wi[i];
    for (let k = i + 1; k < dim; k++) {
      const yr = Y[k].re[i], yi = Y[k].im[i];
      sr -= yr * cr[k] - yi * ci[k];
      si -= yr * ci[k] + yi * cr[k];
    }
    cr[i] = sr;
    ci[i] = si;
  }
  // the stationary mode (|λ| smallest) carries no weight: L₁ρ_i is traceless
  let k0 = 0;
  for (let k = 1; k < dim; k++) if (Math.hypot(lambda[k].re, lambda[k].im) < Math.hypot(lambda[k0].re, lambda[k0].im)) k0 = k;
  const obs = observables.map(({ name, O }) => {
    // u = o Z (o_i = O_nm for unknown i = (m, n)), O(r_k) = u·y_k
    const ur = new Float64Array(dim), ui = new Float64Array(dim);
    for (let k = 0; k < dim; k++) {
      let sr = 0, si = 0;
      for (let i = 0; i < dim; i++) {
        const v = idx[i], m = Math.floor(v / K), n = v % K;
        const or = O.re[n * K + m], oi = O.im[n * K + m];
        const zr = Z.re[i * dim + k], zi = Z.im[i * dim + k];
        sr += or * zr - oi * zi;
        si += or * zi + oi * zr;
      }
      ur[k] = sr;
      ui[k] = si;
    }
    const weights = lambda.map((l, k) => {
      if (k === k0) return { re: 0, im: 0 };
      let sr = 0, si = 0;
      for (let i = 0; i <= k; i++) {
        const yr = Y[k].re[i], yi = Y[k].im[i];
        sr += ur[i] * yr - ui[i] * yi;
        si += ur[i] * yi + ui[i] * yr;
      }
      // w_k = −c_k O(r_k)/λ_k
      const pr = cr[k] * sr - ci[k] * si, pi = cr[k] * si + ci[k] * sr;
      const d = l.re * l.re + l.im * l.im;
      return { re: -(pr * l.re + pi * l.im) / d, im: -(pi * l.re - pr * l.im) / d };
    });
    return { name, weights, static: weights.reduce((s, w) => s + w.re, 0) };
  });
  return {
    lambda,
    observables: obs,
    sector,
    response(j: number, t: number): number {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const w = obs[j].weights[k], l = lambda[k];
        // Re[w (1 − e^{λt})]
        const e = Math.exp(l.re * t), er = e * Math.cos(l.im * t), ei = e * Math.sin(l.im * t);
        s += w.re * (1 - er) + w.im * ei;
      }
      return s;
    },
  };
}
