// The Lyapunov solver against two independent references: a Kronecker-product solve of all 16 unknowns with
// ml-matrix's LU, and integrating dσ/dt = Aσ + σAᵀ + D to the steady state (RK4).
import { describe, expect, it } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import { lyapunovResidual, solveLyapunov } from '../../../src-core/gaussian/lyapunov.js';
import { diffusionMatrix, driftMatrix, PRESETS, type GaussianParams } from '../../../src-core/gaussian/model.js';
import { criticalCoupling } from '../../../src-core/gaussian/stability.js';
import { gaussianNess, nessCovarianceDirect } from '../../../src-core/gaussian/ness.js';

/** (I ⊗ A + A ⊗ I) vec σ = −vec D, all n² unknowns (symmetry not imposed). */
function kroneckerSolve(A: Float64Array, D: Float64Array, n = 4): Float64Array {
  const K = new Matrix(n * n, n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        K.set(i * n + j, k * n + j, K.get(i * n + j, k * n + j) + A[i * n + k]); // (Aσ)_ij
        K.set(i * n + j, i * n + k, K.get(i * n + j, i * n + k) + A[j * n + k]); // (σAᵀ)_ij
      }
  const b = Matrix.columnVector(Array.from(D, (d) => -d));
  return Float64Array.from(solve(K, b).to1DArray());
}

/** RK4 on dσ/dt = Aσ + σAᵀ + D from σ = 0 until the residual stalls. */
function integrateToSteadyState(A: Float64Array, D: Float64Array, h: number, steps: number): Float64Array {
  let s = new Float64Array(16);
  const f = (x: Float64Array) => lyapunovResidual(A, x, D, 4);
  const axpy = (x: Float64Array, k: Float64Array, c: number) => x.map((v, i) => v + c * k[i]);
  for (let n = 0; n < steps; n++) {
    const k1 = f(s);
    const k2 = f(axpy(s, k1, h / 2));
    const k3 = f(axpy(s, k2, h / 2));
    const k4 = f(axpy(s, k3, h));
    s = s.map((v, i) => v + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  }
  return s;
}

const relErr = (a: Float64Array, b: Float64Array) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
};

function atPoint(id: 'cavity-om' | 'cavity-bec', x: number): GaussianParams {
  const pr = PRESETS[id];
  const gCr = criticalCoupling(pr.params).gCr;
  return { ...pr.params, g: pr.sweep.variable === 'g_over_kappa' ? x * pr.params.kappaA : gCr * Math.sqrt(x) };
}

describe('solveLyapunov', () => {
  const cases: [string, GaussianParams][] = [
    ['cavity-om g/κ=0.49', atPoint('cavity-om', 0.49)],
    ['cavity-om g/κ=2.29', atPoint('cavity-om', 2.29)],
    ['cavity-bec (g/gcr)²=0.5', atPoint('cavity-bec', 0.5)],
    ['cavity-bec (g/gcr)²=0.99', atPoint('cavity-bec', 0.99)],
    ['squeezed b', { ...atPoint('cavity-bec', 0.3), chiB: 0.4 * PRESETS['cavity-bec'].params.omegaB }],
  ];
  for (const [name, p] of cases) {
    it(`${name}: residual at round-off and agrees with a Kronecker solve to 1e-10`, () => {
      const A = driftMatrix(p);
      const D = diffusionMatrix(p);
      const s = solveLyapunov(A, D);
      const R = lyapunovResidual(A, s, D);
      // scale of the terms: |A|·|σ|
      const scale = Math.max(...A.map(Math.abs)) * Math.max(...s.map(Math.abs));
      expect(Math.max(...R.map(Math.abs)) / scale).toBeLessThan(1e-13);
      expect(relErr(s, kroneckerSolve(A, D))).toBeLessThan(1e-10);
      // the NESS module's excess-over-σ₀ solve is the same covariance
      expect(relErr(gaussianNess(p).sigma, s)).toBeLessThan(1e-10);
      expect(relErr(nessCovarianceDirect(p), s)).toBeLessThan(1e-12);
    });
  }

  it('matches the long-time limit of dσ/dt = Aσ + σAᵀ + D by RK4 (dimensionless Brownian and symmetric sets)', () => {
    // ω_a = 1, κ_a = 0.3, ω_b = 0.8, γ_b = 0.1, g = 0.5; bath of b at n_T = 2 (D set by hand).
    for (const damping of ['brownian', 'symmetric'] as const) {
      const p: GaussianParams = { omegaA: 1, kappaA: 0.3, omegaB: 0.8, gammaB: 0.1, Tb: 0, g: 0.5, damping };
      const A = driftMatrix(p);
      const D = diffusionMatrix(p);
      const [gq, gp] = damping === 'brownian' ? [0, 2 * p.gammaB] : [p.gammaB, p.gammaB];
      D[10] = 2 * gq * 2.5;
      D[15] = 2 * gp * 2.5;
      const s = solveLyapunov(A, D);
      const sInt = integrateToSteadyState(A, D, 0.01, 60_000); // t = 600 ≫ 1/min|Re λ| (~ 20)
      expect(relErr(sInt, s)).toBeLessThan(1e-7);
    }
  });

  it('matches the exact discretisation of dσ/dt (Van Loan + doubling to t → ∞) at the presets to 1e-8', () => {
    for (const p of [atPoint('cavity-om', 0.49), atPoint('cavity-om', 2.29), atPoint('cavity-bec', 0.93)]) {
      const A = driftMatrix(p);
      const D = diffusionMatrix(p);
      const s = solveLyapunov(A, D);
      expect(relErr(steadyStateByDoubling(A, D), s)).toBeLessThan(1e-8);
    }
  });
});

/** exp(M) of a small dense matrix by Taylor series (the caller keeps |M| ≲ 1). */
function expm(M: Matrix): Matrix {
  const n = M.rows;
  let term = Matrix.eye(n);
  const sum = Matrix.eye(n);
  for (let k = 1; k <= 30; k++) {
    term = term.mmul(M).div(k);
    sum.add(term);
  }
  return sum;
}

/**
 * σ(t) = Φσ(0)Φᵀ + Q(t) with Φ = e^{At}, Q(t) = ∫₀ᵗ e^{As} D e^{Aᵀs} ds (Van Loan: Q = F22ᵀ F12 from
 * exp([[−A, D], [0, Aᵀ]] h)); doubling Q_{2h} = Q_h + Φ_h Q_h Φ_hᵀ, Φ_{2h} = Φ_h² reaches t = 2^k h.
 */
function steadyStateByDoubling(Af: Float64Array, Df: Float64Array): Float64Array {
  const A = new Matrix(4, 4);
  const D = new Matrix(4, 4);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      A.set(i, j, Af[i * 4 + j]);
      D.set(i, j, Df[i * 4 + j]);
    }
  const h = 0.5 / Math.max(...Af.map(Math.abs));
  const C = new Matrix(8, 8);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      C.set(i, j, -A.get(i, j) * h);
      C.set(i, 4 + j, D.get(i, j) * h);
      C.set(4 + i, 4 + j, A.get(j, i) * h);
    }
  const F = expm(C);
  let Phi = F.subMatrix(4, 7, 4, 7).transpose();
  let Q = F.subMatrix(4, 7, 4, 7).transpose().mmul(F.subMatrix(0, 3, 4, 7));
  for (let k = 0; k < 80; k++) {
    Q = Q.add(Phi.mmul(Q).mmul(Phi.transpose()));
    Phi = Phi.mmul(Phi);
  }
  return Float64Array.from(Q.to1DArray());
}
