import { describe, expect, it } from 'vitest';
import { nessDensityMatrix, nessResidual } from '../../../src-core/kerr/steadyState.js';
import { hermiticityError, trace } from '../../../src-core/linalg/complexMatrix.js';
import { hermitianEigenvalues } from '../../../src-core/linalg/hermitianEigen.js';

const paper = { kappa: 0.5, delta: -2, u: 1 };

describe('nessDensityMatrix (banded inverse iteration at shift 0)', () => {
  it('is a steady state: ‖L(ρ)‖ ≈ 0, tr ρ = 1, Hermitian, positive', () => {
    for (const [N, eps, K] of [[1, 0.5, 20], [5, 0.933, 45], [10, 1.1, 66]] as const) {
      const p = { ...paper, N, eps };
      const rho = nessDensityMatrix(p, K);
      expect(nessResidual(p, rho)).toBeLessThan(1e-12);
      const t = trace(rho);
      expect(Math.abs(t.re - 1)).toBeLessThan(1e-13);
      expect(Math.abs(t.im)).toBeLessThan(1e-15);
      expect(hermiticityError(rho)).toBe(0);
      const ev = hermitianEigenvalues(rho);
      expect(Math.min(...Array.from(ev))).toBeGreaterThan(-1e-12);
    }
  });

  it('is the vacuum without pump', () => {
    const rho = nessDensityMatrix({ ...paper, N: 3, eps: 0 }, 10);
    expect(rho.re[0]).toBeCloseTo(1, 14);
    for (let i = 1; i < 100; i++) expect(Math.abs(rho.re[i]) + Math.abs(rho.im[i])).toBeLessThan(1e-14);
  });
});
