/**
 * Noise spectra of the linear model by input–output theory (seed 004, Fig. 2: the spectra of the light leaving the
 * cavity, from which n_a and n_b are inferred).
 *
 * Langevin form: dx/dt = A x + B w, x = (q_a, p_a, q_b, p_b), with independent white inputs w = (q_in, p_in, w_qb, w_pb)
 * of symmetrised strength W = (½, ½, n_T + ½, n_T + ½) and B = diag(√(2κ_a), √(2κ_a), √(2Γ_q), √(2Γ_p)), so that
 * B W Bᵀ = D (model.ts). Fourier convention x(t) = ∫ x(ω) e^{−iωt} dω/2π, hence x(ω) = M(ω) B w(ω) with
 * M(ω) = (−iω − A)⁻¹.
 *  - Intracavity (symmetrised) spectrum: S(ω) = M B W Bᵀ M† = M D M†; ∫ S(ω) dω/2π = σ (the Lyapunov solution).
 *  - Output: a_out = √(2κ_a) a − a_in (the input enters as +√(2κ_a) a_in, so for an empty cavity |a_out| = |a_in|;
 *    the a_out = a_in + √(2κ_a) a is the same up to the sign of a_in). Homodyne of X_θ = q cos θ + p sin θ:
 *    S_θ(ω) = Σ_k |T_k(ω)|² W_k, T_k = √(2κ_a) Σ_{i∈a} u_i M_ik B_kk − u_k [k ∈ a], u = (cos θ, sin θ).
 *    The output quadrature commutes with itself at all times, so this symmetrised spectrum is what a homodyne
 *    detector measures; it is even in ω. Returned in shot-noise units (vacuum = 1) with detection efficiency η:
 *    S = 1 + η (2 S_θ − 1).
 */
import { bathRatesB, diffusionMatrix, driftMatrix, thermalOccupation, type GaussianParams } from './model.js';

/**
 * M(ω) = (−iω − A)⁻¹ for a 4×4 real A, by Gauss–Jordan with partial pivoting on split re/im arrays.
 * Writes Mre, Mim (row-major 4×4); `work` is 2×32 scratch.
 */
function resolvent(A: Float64Array, omega: number, Mre: Float64Array, Mim: Float64Array, wr: Float64Array, wi: Float64Array): void {
  const n = 4;
  const w = 2 * n; // augmented [−iω − A | I]
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      wr[i * w + j] = -A[i * n + j];
      wi[i * w + j] = i === j ? -omega : 0;
      wr[i * w + n + j] = i === j ? 1 : 0;
      wi[i * w + n + j] = 0;
    }
  }
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = wr[k * w + k] ** 2 + wi[k * w + k] ** 2;
    for (let r = k + 1; r < n; r++) {
      const v = wr[r * w + k] ** 2 + wi[r * w + k] ** 2;
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (p !== k)
      for (let c = 0; c < w; c++) {
        let t = wr[k * w + c];
        wr[k * w + c] = wr[p * w + c];
        wr[p * w + c] = t;
        t = wi[k * w + c];
        wi[k * w + c] = wi[p * w + c];
        wi[p * w + c] = t;
      }
    // row k /= pivot
    const pr = wr[k * w + k];
    const pi = wi[k * w + k];
    const d = pr * pr + pi * pi;
    const ir = pr / d;
    const ii = -pi / d;
    for (let c = k; c < w; c++) {
      const a = wr[k * w + c];
      const b = wi[k * w + c];
      wr[k * w + c] = a * ir - b * ii;
      wi[k * w + c] = a * ii + b * ir;
    }
    for (let r = 0; r < n; r++) {
      if (r === k) continue;
      const fr = wr[r * w + k];
      const fi = wi[r * w + k];
      if (fr === 0 && fi === 0) continue;
      for (let c = k; c < w; c++) {
        const a = wr[k * w + c];
        const b = wi[k * w + c];
        wr[r * w + c] -= fr * a - fi * b;
        wi[r * w + c] -= fr * b + fi * a;
      }
    }
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      Mre[i * n + j] = wr[i * w + n + j];
      Mim[i * n + j] = wi[i * w + n + j];
    }
}

/**
 * Symmetrised intracavity spectrum matrix S(ω) = M(ω) D M(ω)† (Hermitian 4×4). Returns its real part (symmetric, even
 * in ω), the part that integrates to σ; the imaginary part is odd in ω and integrates to 0.
 */
export function intracavitySpectrum(p: GaussianParams, omega: number): Float64Array {
  const A = driftMatrix(p);
  const D = diffusionMatrix(p);
  const Mre = new Float64Array(16);
  const Mim = new Float64Array(16);
  resolvent(A, omega, Mre, Mim, new Float64Array(32), new Float64Array(32));
  const S = new Float64Array(16);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += D[k * 5] * (Mre[i * 4 + k] * Mre[j * 4 + k] + Mim[i * 4 + k] * Mim[j * 4 + k]);
      S[i * 4 + j] = s;
    }
  return S;
}

export interface OutputSpectrumOptions {
  /** Homodyne angle θ (rad): X_θ = q cos θ + p sin θ; π/2 detects the phase quadrature. */
  theta?: number;
  /** Detection efficiency η ∈ (0, 1]: S = 1 + η (2 S_θ − 1). Default 1. */
  eta?: number;
}

/**
 * Output-field homodyne spectrum S(ω) in shot-noise units (vacuum = 1), at angular frequencies ω (s⁻¹). No stability
 * check here: callers go through gaussianNess or check g < g_cr first (an unstable A has no stationary spectrum).
 */
export function outputSpectrum(p: GaussianParams, omegas: ArrayLike<number>, opts: OutputSpectrumOptions = {}): Float64Array {
  const theta = opts.theta ?? Math.PI / 2;
  const eta = opts.eta ?? 1;
  const A = driftMatrix(p);
  const nT = thermalOccupation(p.omegaB, p.Tb);
  const [gq, gp] = bathRatesB(p);
  const sk = Math.sqrt(2 * p.kappaA);
  const Bd = [sk, sk, Math.sqrt(2 * gq), Math.sqrt(2 * gp)];
  const W = [0.5, 0.5, nT + 0.5, nT + 0.5];
  const u0 = Math.cos(theta);
  const u1 = Math.sin(theta);
  const Mre = new Float64Array(16);
  const Mim = new Float64Array(16);
  const wr = new Float64Array(32);
  const wi = new Float64Array(32);
  const out = new Float64Array(omegas.length);
  for (let n = 0; n < omegas.length; n++) {
    resolvent(A, omegas[n], Mre, Mim, wr, wi);
    let s = 0;
    for (let k = 0; k < 4; k++) {
      let tr = sk * (u0 * Mre[k] + u1 * Mre[4 + k]) * Bd[k];
      const ti = sk * (u0 * Mim[k] + u1 * Mim[4 + k]) * Bd[k];
      if (k === 0) tr -= u0;
      else if (k === 1) tr -= u1;
      s += (tr * tr + ti * ti) * W[k];
    }
    out[n] = 1 + eta * (2 * s - 1);
  }
  return out;
}

/** Frequencies f (Hz) → ω = 2πf (s⁻¹). */
export function toAngular(f: ArrayLike<number>): Float64Array {
  const w = new Float64Array(f.length);
  for (let i = 0; i < f.length; i++) w[i] = 2 * Math.PI * f[i];
  return w;
}

/** A linear grid of n frequencies in [fMin, fMax] (Hz). */
export function frequencyGrid(fMin: number, fMax: number, n: number): Float64Array {
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = n === 1 ? fMin : fMin + ((fMax - fMin) * i) / (n - 1);
  return f;
}
