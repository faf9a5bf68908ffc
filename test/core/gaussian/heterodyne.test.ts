/**
 * Heterodyne (sideband-resolved) output spectrum of the linear model (src-core/gaussian/spectrum.ts; PHYSICS.md §4),
 * the rate conventions and the BEC γ_b statement (src-core/gaussian/conventions.ts), against independent numbers:
 *  - the regression theorem: n(ω) = 2κ_a ∫dτ e^{−iωτ} <a†(t+τ) a(t)> with the intracavity correlation e^{Aτ}(σ + iJ/2)
 *    from the Lyapunov covariance (no transfer functions), in closed form 4κ_a Re[v̄ᵀ (iω − A)⁻¹ (σ + iJ/2) v];
 *  - the homodyne spectra: n(ω) + n(−ω) = (S_0 + S_{π/2})/2 − 1;
 *  - the sum rule ∫ n dω/2π = 2κ_a n_a (output flux = 2κ_a × intracavity photons) by quadrature;
 *  - asymmetry: none at g = 0 (vacuum output); with a resonant pump (ω_a = 0) n(ω) − n(−ω) is the T_b-independent
 *    quantum part, so the relative asymmetry vanishes as n_T grows;
 *  - the FWHM convention: the mode-b sideband's measured full width equals the rate entered with --rates fwhm.
 */
import { describe, expect, it } from 'vitest';
import { balancedGammaB, becGammaBAssumption, toAmplitudeRates } from '../../../src-core/gaussian/conventions.js';
import { driftMatrix, PRESETS, TWO_PI, type GaussianParams } from '../../../src-core/gaussian/model.js';
import { gaussianNess } from '../../../src-core/gaussian/ness.js';
import { heterodyneSpectrum, outputSpectrum, photonFluxSpectrum } from '../../../src-core/gaussian/spectrum.js';
import { criticalCoupling } from '../../../src-core/gaussian/stability.js';

/** Solve a 4×4 complex system by Gaussian elimination with partial pivoting (test-only, independent of the engine). */
function csolve(Ar: number[][], Ai: number[][], br: number[], bi: number[]): [number[], number[]] {
  const n = 4;
  const M = Ar.map((r, i) => [...r.map((v, j) => [v, Ai[i][j]]), [br[i], bi[i]]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let r = k + 1; r < n; r++) if (Math.hypot(...M[r][k]) > Math.hypot(...M[p][k])) p = r;
    [M[k], M[p]] = [M[p], M[k]];
    for (let r = k + 1; r < n; r++) {
      const [a, b] = M[r][k], [c, d] = M[k][k];
      const den = c * c + d * d;
      const fr = (a * c + b * d) / den, fi = (b * c - a * d) / den;
      for (let j = k; j <= n; j++) {
        const [x, y] = M[k][j];
        M[r][j] = [M[r][j][0] - (fr * x - fi * y), M[r][j][1] - (fr * y + fi * x)];
      }
    }
  }
  const xr = new Array(n).fill(0), xi = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sr = M[i][n][0], si = M[i][n][1];
    for (let j = i + 1; j < n; j++) {
      sr -= M[i][j][0] * xr[j] - M[i][j][1] * xi[j];
      si -= M[i][j][0] * xi[j] + M[i][j][1] * xr[j];
    }
    const [c, d] = M[i][i], den = c * c + d * d;
    xr[i] = (sr * c + si * d) / den;
    xi[i] = (si * c - sr * d) / den;
  }
  return [xr, xi];
}

/** n(ω) by the regression theorem from the NESS covariance σ. */
function regressionFlux(p: GaussianParams, omega: number): number {
  const A = driftMatrix(p);
  const s = gaussianNess(p).sigma;
  // v = (1, i, 0, 0)/√2: a = v·x; y = (σ + iJ/2) v, J = [[0,1],[−1,0]] ⊕ same
  const vr = [Math.SQRT1_2, 0, 0, 0], vi = [0, Math.SQRT1_2, 0, 0];
  const J = [[0, 1, 0, 0], [-1, 0, 0, 0], [0, 0, 0, 1], [0, 0, -1, 0]];
  const yr = [0, 0, 0, 0], yi = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      // (σ_ij + i J_ij/2)(vr_j + i vi_j)
      yr[i] += s[i * 4 + j] * vr[j] - 0.5 * J[i][j] * vi[j];
      yi[i] += s[i * 4 + j] * vi[j] + 0.5 * J[i][j] * vr[j];
    }
  const Ar = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => -A[i * 4 + j]));
  const Ai = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? omega : 0)));
  const [zr, zi] = csolve(Ar, Ai, yr, yi);
  // conj(v)ᵀ z, real part
  let re = 0;
  for (let i = 0; i < 4; i++) re += vr[i] * zr[i] + vi[i] * zi[i];
  return 4 * p.kappaA * re;
}

const at = (p: GaussianParams, x: number): GaussianParams => ({ ...p, g: criticalCoupling({ ...p, g: 0 }).gCr * Math.sqrt(x) });
const bec = PRESETS['cavity-bec'].params;
const om = PRESETS['cavity-om'].params;
/** A well-conditioned symmetric set (units of s⁻¹), n_T ≈ 2. */
const toy: GaussianParams = { omegaA: 1, kappaA: 0.5, omegaB: 0.8, gammaB: 0.05, Tb: (1.054571817e-34 * 0.8) / (1.380649e-23 * Math.log(1.5)), g: 0.3, damping: 'symmetric' };

describe('heterodyne spectrum', () => {
  it('equals the regression-theorem transform of the Lyapunov correlations (symmetric damping: exact)', () => {
    for (const p of [at(bec, 0.93), at(bec, 0.5), at({ ...om, damping: 'symmetric' }, 0.6), toy]) {
      const ws = [-2.3, -1, -0.5, 0, 0.3, 1, 1.7].map((k) => k * p.omegaB);
      const n = photonFluxSpectrum(p, ws);
      ws.forEach((w, i) => expect(Math.abs(n[i] - regressionFlux(p, w))).toBeLessThanOrEqual(1e-8 * Math.abs(n[i]) + 1e-12));
    }
  });

  it('Brownian damping (noise on p_b only): agrees to O(1/n_T) (cavity-OM, n_T ≈ 5e6)', () => {
    const p = at(om, 0.5);
    const ws = [-1, -0.9, 0.5, 1, 1.2].map((k) => k * p.omegaB);
    const n = photonFluxSpectrum(p, ws);
    ws.forEach((w, i) => expect(Math.abs(n[i] - regressionFlux(p, w)) / n[i]).toBeLessThan(1e-4));
  });

  it('its two sidebands add up to the homodyne spectra: n(ω) + n(−ω) = (S_0 + S_{π/2})/2 − 1', () => {
    for (const p of [at(bec, 0.93), at(om, 0.5), toy]) {
      const ws = [0.2, 0.7, 1, 1.4].map((k) => k * p.omegaB);
      const np = photonFluxSpectrum(p, ws), nm = photonFluxSpectrum(p, ws.map((w) => -w));
      const s0 = outputSpectrum(p, ws, { theta: 0 }), s1 = outputSpectrum(p, ws, { theta: Math.PI / 2 });
      ws.forEach((_, i) => expect(Math.abs(np[i] + nm[i] - ((s0[i] + s1[i]) / 2 - 1))).toBeLessThan(1e-6 * (np[i] + nm[i]))); // cond(iω − A) ≈ 1e10 for cavity-OM
    }
  });

  it('integrates to the output photon flux 2κ_a n_a', () => {
    // ω = c tan φ maps the line onto (−π/2, π/2); trapezoid in φ, fine enough for the γ_b = 0.05 peaks
    const c = 1, M = 400000;
    let s = 0;
    const ws = new Float64Array(M - 1), jac = new Float64Array(M - 1);
    for (let k = 1; k < M; k++) {
      const phi = -Math.PI / 2 + (Math.PI * k) / M;
      ws[k - 1] = c * Math.tan(phi);
      jac[k - 1] = c / Math.cos(phi) ** 2;
    }
    const n = photonFluxSpectrum(toy, ws);
    for (let k = 0; k < M - 1; k++) s += n[k] * jac[k];
    s *= Math.PI / M / TWO_PI;
    expect(s).toBeCloseTo(2 * toy.kappaA * gaussianNess(toy).n_a, 8);
  });

  it('shows no sideband asymmetry where there is none: vacuum output at g = 0; only the quantum part at ω_a = 0', () => {
    const ws = [-1.5, -1, -0.3, 0.3, 1, 1.5].map((k) => k * bec.omegaB);
    for (const v of photonFluxSpectrum({ ...bec, g: 0 }, ws)) expect(Math.abs(v)).toBeLessThan(1e-15);
    expect(Array.from(heterodyneSpectrum({ ...bec, g: 0 }, ws, { eta: 0.5 })).every((v) => Math.abs(v - 1) < 1e-15)).toBe(true);
    // resonant pump: the thermal (symmetrised) part is even in ω, so n(ω) − n(−ω) does not depend on T_b
    const res = (Tb: number) => ({ ...toy, omegaA: 0, Tb });
    const w = [0.5, 0.8, 1.1];
    const asym = (Tb: number) => {
      const a = photonFluxSpectrum(res(Tb), w), b = photonFluxSpectrum(res(Tb), w.map((x) => -x));
      return w.map((_, i) => ({ d: a[i] - b[i], sum: a[i] + b[i] }));
    };
    const cold = asym(1e-13), hot = asym(1e-6);
    cold.forEach((c, i) => {
      expect(Math.abs(c.d)).toBeGreaterThan(1e-4); // a real quantum asymmetry (n_b + 1 against n_b)
      expect(hot[i].d).toBeCloseTo(c.d, 10);
      expect(Math.abs(hot[i].d / hot[i].sum)).toBeLessThan(1e-3 * Math.abs(c.d / c.sum));
    });
    // the Stokes side (below the pump, ω < 0) is the stronger one at T_b = 0
    expect(photonFluxSpectrum(res(0), [-0.8])[0]).toBeGreaterThan(photonFluxSpectrum(res(0), [0.8])[0]);
  });
});

describe('rate conventions', () => {
  /** Full width at half maximum of n(ω) around ω_b, on a fine grid. */
  const fwhm = (p: GaussianParams) => {
    const lo = 0.9 * p.omegaB, hi = 1.1 * p.omegaB, K = 200001;
    const w = Float64Array.from({ length: K }, (_, i) => lo + ((hi - lo) * i) / (K - 1));
    const n = photonFluxSpectrum(p, w);
    let im = 0;
    for (let i = 0; i < K; i++) if (n[i] > n[im]) im = i;
    const half = n[im] / 2;
    let a = im, b = im;
    while (a > 0 && n[a] > half) a--;
    while (b < K - 1 && n[b] > half) b++;
    return w[b] - w[a];
  };
  for (const damping of ['symmetric', 'brownian'] as const)
    it(`a rate entered as FWHM is the measured full width of the mode-b sideband (${damping})`, () => {
      // weak coupling, high-Q mode b: the sideband is the bare mode-b Lorentzian
      const entered = 0.004;
      const p = toAmplitudeRates({ ...toy, gammaB: entered, damping, g: 0.001 }, 'fwhm');
      expect(p.gammaB).toBe(entered / 2);
      expect(fwhm(p) / entered).toBeCloseTo(1, 2);
    });
});

describe('cavity-BEC γ_b', () => {
  it('μ_a = μ_b at (g/g_cr)² = 0.93 needs γ_b/2π ≈ 600–700 Hz (the issue), not the preset 100 Hz', () => {
    const a = becGammaBAssumption();
    expect(a.gamma_b_over_2pi_hz).toBeCloseTo(100, 10);
    // the same physics entered as linewidths (κ_a entered as its FWHM 2κ_a): the balanced γ_b reads twice as large
    const f = becGammaBAssumption(toAmplitudeRates({ ...bec, kappaA: 2 * bec.kappaA }, 'fwhm'), 'fwhm');
    expect(f.gamma_b_amplitude_over_2pi_hz).toBeCloseTo(50, 10);
    expect(f.gamma_b_balanced_over_2pi_hz! / a.gamma_b_balanced_over_2pi_hz!).toBeCloseTo(2, 6);
    expect(a.gamma_b_balanced_over_2pi_hz!).toBeGreaterThan(600);
    expect(a.gamma_b_balanced_over_2pi_hz!).toBeLessThan(700);
    expect(a.note).toMatch(/ASSUMPTION/);
    expect(a.note).toContain(a.gamma_b_balanced_over_2pi_hz!.toFixed(0));
    const g = balancedGammaB(bec, 0.93)!;
    const r = gaussianNess(at({ ...bec, gammaB: g }, 0.93));
    expect(r.mu_a / r.mu_b).toBeCloseTo(1, 8);
    const r100 = gaussianNess(at(bec, 0.93));
    expect(Math.abs(r100.mu_a / r100.mu_b - 1)).toBeGreaterThan(0.2);
  });
});
