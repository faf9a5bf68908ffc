// Input–output spectra: the intracavity spectrum integrates to the Lyapunov covariance (∫ S dω/2π = σ), and the
// output homodyne spectrum has the exact limits of input–output theory.
import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { driftMatrix, PRESETS, type GaussianParams } from '../../../src-core/gaussian/model.js';
import { gaussianNess } from '../../../src-core/gaussian/ness.js';
import { intracavitySpectrum, outputSpectrum } from '../../../src-core/gaussian/spectrum.js';
import { criticalCoupling } from '../../../src-core/gaussian/stability.js';

// Gauss–Kronrod 7–15 nodes and weights on [−1, 1].
const XK = [0.991455371120813, 0.949107912342759, 0.864864423359769, 0.741531185599394, 0.586087235467691, 0.405845151377397, 0.207784955007898, 0];
const WK = [0.02293532201052922, 0.06309209262997855, 0.1047900103222502, 0.1406532597155259, 0.1690047266392679, 0.1903505780647854, 0.2044329400752989, 0.2094821410847278];
const WG = [0, 0.1294849661688697, 0, 0.2797053914892767, 0, 0.3818300505051189, 0, 0.4179591836734694];

/** Adaptive G7K15 of a vector-valued f on [a, b] to relative tolerance tol (against |∫| of the piece) or absolute abs. */
function integrate(f: (x: number) => Float64Array, a: number, b: number, tol: number, abs = 0, depth = 0): Float64Array {
  const c = (a + b) / 2;
  const h = (b - a) / 2;
  let K: Float64Array | undefined;
  let G: Float64Array | undefined;
  for (let i = 0; i < 8; i++) {
    const xs = i === 7 ? [c] : [c - h * XK[i], c + h * XK[i]];
    for (const x of xs) {
      const v = f(x);
      K ??= new Float64Array(v.length);
      G ??= new Float64Array(v.length);
      for (let k = 0; k < v.length; k++) {
        K[k] += WK[i] * h * v[k];
        G[k] += WG[i] * h * v[k];
      }
    }
  }
  let err = 0;
  let mag = 0;
  for (let k = 0; k < K!.length; k++) {
    err = Math.max(err, Math.abs(K![k] - G![k]));
    mag = Math.max(mag, Math.abs(K![k]));
  }
  if (err <= tol * mag || err <= abs || depth > 30) return K!;
  const l = integrate(f, a, c, tol, abs / 2, depth + 1);
  const r = integrate(f, c, b, tol, abs / 2, depth + 1);
  return l.map((v, k) => v + r[k]);
}

/** ∫_{−∞}^{∞} S(ω) dω/2π = (1/π) ∫_0^∞ Re S dω, with breakpoints at the resonances |Im λ| ± m|Re λ| of A. */
function integratedSpectrum(p: GaussianParams): Float64Array {
  const A = driftMatrix(p);
  const M = new Matrix(4, 4);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) M.set(i, j, A[i * 4 + j]);
  const e = new EigenvalueDecomposition(M);
  const pts = new Set<number>([0]);
  e.imaginaryEigenvalues.forEach((im, k) => {
    const re = Math.abs(e.realEigenvalues[k]);
    for (const m of [-20, -5, -2, -1, -0.5, 0, 0.5, 1, 2, 5, 20]) if (Math.abs(im) + m * re > 0) pts.add(Math.abs(im) + m * re);
  });
  const br = [...pts].sort((x, y) => x - y);
  const S = (w: number) => intracavitySpectrum(p, w);
  const total = new Float64Array(16);
  for (let i = 0; i + 1 < br.length; i++) integrate(S, br[i], br[i + 1], 1e-11).forEach((v, k) => (total[k] += v));
  // tail [W, ∞): ω = W/u, dω = W/u² du, S ~ 1/ω² keeps the integrand finite as u → 0
  const W = br[br.length - 1];
  integrate((u) => (u === 0 ? new Float64Array(16) : S(W / u).map((v) => (v * W) / (u * u))), 0, 1, 1e-11).forEach((v, k) => (total[k] += v));
  return total.map((v) => v / Math.PI);
}

function atPoint(id: 'cavity-om' | 'cavity-bec', x: number): GaussianParams {
  const pr = PRESETS[id];
  const gCr = criticalCoupling(pr.params).gCr;
  return { ...pr.params, g: pr.sweep.variable === 'g_over_kappa' ? x * pr.params.kappaA : gCr * Math.sqrt(x) };
}

describe('intracavity spectrum', () => {
  const cases: [string, GaussianParams][] = [
    ['cavity-om g/κ=0.49', atPoint('cavity-om', 0.49)],
    ['cavity-om g/κ=2.29', atPoint('cavity-om', 2.29)],
    ['cavity-bec (g/gcr)²=0.93', atPoint('cavity-bec', 0.93)],
    ['dimensionless, squeezed b', { omegaA: 1, kappaA: 0.3, omegaB: 0.8, gammaB: 0.1, Tb: 0, g: 0.4, chiB: 0.2, damping: 'symmetric' }],
  ];
  for (const [name, p] of cases) {
    it(`${name}: ∫ S(ω) dω/2π equals the NESS covariance to 1e-8`, () => {
      const sigma = gaussianNess(p).sigma;
      const I = integratedSpectrum(p);
      for (const k of [0, 1, 5, 10, 11, 15, 2, 3, 6, 7]) {
        // compare each entry against the scale of its row and column (off-diagonals can be near zero)
        const i = Math.floor(k / 4);
        const j = k % 4;
        const scale = Math.sqrt(sigma[i * 5] * sigma[j * 5]);
        expect(Math.abs(I[k] - sigma[k]) / scale).toBeLessThan(1e-8);
      }
    });
  }
});

describe('output homodyne spectrum', () => {
  it('is the vacuum (1 in shot-noise units) when g = 0 or far off resonance, for every θ', () => {
    for (const theta of [0, 0.7, Math.PI / 2]) {
      const p = { ...PRESETS['cavity-om'].params, g: 0 };
      for (const v of outputSpectrum(p, [0, 1e5, p.omegaB, 1e9], { theta })) expect(v).toBeCloseTo(1, 12);
      const q = atPoint('cavity-bec', 0.5);
      expect(outputSpectrum(q, [1e13], { theta })[0]).toBeCloseTo(1, 6);
    }
  });

  it('is even in ω, scales as 1 + η(S − 1) with the efficiency, and is π-periodic in θ', () => {
    const p = atPoint('cavity-bec', 0.93);
    const w = [0, 1e4, 5e4, 2e5];
    const plus = outputSpectrum(p, w);
    const minus = outputSpectrum(p, w.map((x) => -x));
    const half = outputSpectrum(p, w, { eta: 0.5 });
    const flipped = outputSpectrum(p, w, { theta: Math.PI / 2 + Math.PI });
    w.forEach((_, i) => {
      expect(minus[i]).toBeCloseTo(plus[i], 10);
      expect(half[i] - 1).toBeCloseTo(0.5 * (plus[i] - 1), 10);
      expect(flipped[i]).toBeCloseTo(plus[i], 10);
    });
  });

  it('sum rule: ∫ (S_θ − 1) dω/2π = 4κ_a(<X_θ²> − ½), so the two quadratures together give 2μ_a (input–output)', () => {
    // X_out = √(2κ_a) X_a − X_in; the cavity field at time t has seen half of the input's δ-correlated kick at t, so the
    // equal-time cross term is ½ √(2κ_a)·½ and the output's excess noise integrates to the cavity's excess variance.
    for (const p of [atPoint('cavity-om', 0.49), atPoint('cavity-bec', 0.93)]) {
      const r = gaussianNess(p);
      const s = r.sigma;
      let both = 0;
      for (const theta of [0, Math.PI / 2, 0.4]) {
        const u = [Math.cos(theta), Math.sin(theta)];
        const X2 = u[0] * u[0] * s[0] + 2 * u[0] * u[1] * s[1] + u[1] * u[1] * s[5];
        const f = (w: number) => Float64Array.of(outputSpectrum(p, [w], { theta })[0] - 1);
        const scale = Math.max(p.omegaA, p.omegaB, p.kappaA);
        // breakpoints around both resonances; tail by ω = W/u
        const br = [0, ...[p.omegaB, p.omegaA].flatMap((x) => [0.5 * x, 0.9 * x, x, 1.1 * x, 2 * x])].sort((a, b) => a - b);
        const abs = 1e-10 * Math.PI * 4 * p.kappaA * X2;
        let I = 0;
        for (let i = 0; i + 1 < br.length; i++) I += integrate(f, br[i], br[i + 1], 1e-10, abs)[0];
        const W = 10 * scale;
        I += integrate(f, br[br.length - 1], W, 1e-10, abs)[0];
        I += integrate((v) => (v === 0 ? Float64Array.of(0) : f(W / v).map((y) => (y * W) / (v * v))), 0, 1, 1e-10, abs)[0];
        const lhs = I / Math.PI; // ∫_{−∞}^{∞} dω/2π of an even function
        const rhs = 4 * p.kappaA * (X2 - 0.5);
        expect(Math.abs(lhs - rhs) / (4 * p.kappaA * X2)).toBeLessThan(1e-7);
        if (theta !== 0.4) both += lhs;
      }
      expect(both / (2 * r.mu_a)).toBeCloseTo(1, 6);
    }
  });
});
