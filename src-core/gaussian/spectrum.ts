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
import { bathRatesB, diffusionMatrix, driftMatrix, thermalOccupation, type Detection, type GaussianParams } from './model.js';

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
  /** Detection efficiency η ∈ (0, 1]: S = 1 + η (2 S_θ − 1) (homodyne), 1 + η n(ω) (heterodyne). Default 1. */
  eta?: number;
}

export { DETECTIONS, type Detection } from './model.js';

/** What each detection's spectrum is, in words (printed in every output that carries a spectrum). */
export const DETECTION_CONVENTION: Readonly<Record<Detection, string>> = Object.freeze({
  homodyne:
    'homodyne of X_theta = q cos(theta) + p sin(theta) of the output field: S(omega) = 1 + eta (2 S_theta(omega) - 1), S_theta the symmetrised spectrum (vacuum 1/2); shot noise = 1; even in omega',
  heterodyne:
    'heterodyne (sideband-resolved): S(omega) = 1 + eta n(omega), n(omega) = integral dtau exp(-i omega tau) <a_out^dag(t+tau) a_out(t)> (output photon flux per unit bandwidth); shot noise = 1; omega > 0 above the pump (PHYSICS.md section 4 writes exp(+i omega tau): the same spectrum at -omega); integral of n d omega/2pi = 2 kappa_a n_a',
});

/** Per-ω quadrature transfer of the output field: T[r][k] (r = q_out, p_out; k = input channel), re and im. */
class OutputTransfer {
  readonly A: Float64Array;
  readonly Bd: number[];
  readonly W: number[];
  readonly sk: number;
  readonly Tre = new Float64Array(8);
  readonly Tim = new Float64Array(8);
  private readonly Mre = new Float64Array(16);
  private readonly Mim = new Float64Array(16);
  private readonly wr = new Float64Array(32);
  private readonly wi = new Float64Array(32);
  constructor(readonly p: GaussianParams) {
    this.A = driftMatrix(p);
    const nT = thermalOccupation(p.omegaB, p.Tb);
    const [gq, gp] = bathRatesB(p);
    this.sk = Math.sqrt(2 * p.kappaA);
    this.Bd = [this.sk, this.sk, Math.sqrt(2 * gq), Math.sqrt(2 * gp)];
    this.W = [0.5, 0.5, nT + 0.5, nT + 0.5];
  }
  /** T = √(2κ_a) M_{a·} B − [I 0] at ω. */
  at(omega: number): void {
    const { Mre, Mim, Tre, Tim, sk, Bd } = this;
    resolvent(this.A, omega, Mre, Mim, this.wr, this.wi);
    for (let r = 0; r < 2; r++)
      for (let k = 0; k < 4; k++) {
        Tre[r * 4 + k] = sk * Mre[r * 4 + k] * Bd[k] - (r === k ? 1 : 0);
        Tim[r * 4 + k] = sk * Mim[r * 4 + k] * Bd[k];
      }
  }
}

/**
 * Output-field homodyne spectrum S(ω) in shot-noise units (vacuum = 1), at angular frequencies ω (s⁻¹). No stability
 * check here: callers go through gaussianNess or check g < g_cr first (an unstable A has no stationary spectrum).
 */
export function outputSpectrum(p: GaussianParams, omegas: ArrayLike<number>, opts: OutputSpectrumOptions = {}): Float64Array {
  const theta = opts.theta ?? Math.PI / 2;
  const eta = opts.eta ?? 1;
  const u0 = Math.cos(theta);
  const u1 = Math.sin(theta);
  const T = new OutputTransfer(p);
  const out = new Float64Array(omegas.length);
  for (let n = 0; n < omegas.length; n++) {
    T.at(omegas[n]);
    let s = 0;
    for (let k = 0; k < 4; k++) {
      const tr = u0 * T.Tre[k] + u1 * T.Tre[4 + k];
      const ti = u0 * T.Tim[k] + u1 * T.Tim[4 + k];
      s += (tr * tr + ti * ti) * T.W[k];
    }
    out[n] = 1 + eta * (2 * s - 1);
  }
  return out;
}

/** Output photon flux per unit bandwidth n(ω) (see the header; ω > 0 above the pump), at angular frequencies ω. */
export function photonFluxSpectrum(p: GaussianParams, omegas: ArrayLike<number>): Float64Array {
  const T = new OutputTransfer(p);
  // channels in (q, p) pairs: (q_in, p_in) and (noise of q_b, noise of p_b); the commutator pairs exist only where
  // both members couple (Brownian: the q_b channel has B = 0, so its pair term vanishes by itself)
  const out = new Float64Array(omegas.length);
  const tr = new Float64Array(4), ti = new Float64Array(4);
  for (let n = 0; n < omegas.length; n++) {
    T.at(omegas[n]);
    for (let k = 0; k < 4; k++) {
      // t_k = (T_qk + i T_pk)/√2
      tr[k] = (T.Tre[k] - T.Tim[4 + k]) / Math.SQRT2;
      ti[k] = (T.Tim[k] + T.Tre[4 + k]) / Math.SQRT2;
    }
    let s = 0;
    for (let k = 0; k < 4; k++) s += T.W[k] * (tr[k] * tr[k] + ti[k] * ti[k]);
    // + Σ conj(t_k) (i/2) J_kl t_l over the pairs (0,1) and (2,3): (i/2)(conj(t_q) t_p − conj(t_p) t_q) = −Im(conj(t_q) t_p)
    for (const [q, pp] of [[0, 1], [2, 3]]) s -= tr[q] * ti[pp] - ti[q] * tr[pp];
    out[n] = s;
  }
  return out;
}

/** Heterodyne spectrum S_het(ω) = 1 + η n(ω) in shot-noise units (vacuum = 1). */
export function heterodyneSpectrum(p: GaussianParams, omegas: ArrayLike<number>, opts: { eta?: number } = {}): Float64Array {
  const eta = opts.eta ?? 1;
  const n = photonFluxSpectrum(p, omegas);
  for (let i = 0; i < n.length; i++) n[i] = 1 + eta * n[i];
  return n;
}

/** Either detection's spectrum (θ only for homodyne). */
export function detectedSpectrum(p: GaussianParams, omegas: ArrayLike<number>, detection: Detection, opts: OutputSpectrumOptions = {}): Float64Array {
  return detection === 'heterodyne' ? heterodyneSpectrum(p, omegas, { eta: opts.eta }) : outputSpectrum(p, omegas, opts);
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
