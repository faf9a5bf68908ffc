import { describe, expect, it } from 'vitest';
import { applyDriveJump, applyLiouvillian } from '../../../src-core/kerr/liouvillian.js';
import { liouvillianBanded } from '../../../src-core/kerr/liouvillianBanded.js';
import { toRaw } from '../../../src-core/kerr/model.js';
import { bandedMatVec } from '../../../src-core/linalg/bandedLU.js';
import { hermiticityError, trace, zeros } from '../../../src-core/linalg/complexMatrix.js';
import { denseLiouvillianApply, maxAbsDiff, randomDensityMatrix } from './helpers.js';

const raw = toRaw({ kappa: 0.5, delta: -2, u: 1, N: 5, eps: 1.1 });

describe('applyLiouvillian (PHYSICS.md element formula, O(K²))', () => {
  it('equals −i[H,ρ] + 2κD[a]ρ built from dense matrix products', () => {
    for (const K of [1, 2, 7, 16]) {
      const rho = randomDensityMatrix(K, K);
      const out = zeros(K);
      applyLiouvillian(raw, rho, out);
      expect(maxAbsDiff(out, denseLiouvillianApply(raw, rho))).toBeLessThan(1e-12);
    }
  });

  it('preserves trace and Hermiticity', () => {
    const K = 30;
    const rho = randomDensityMatrix(K, 3);
    const out = zeros(K);
    applyLiouvillian(raw, rho, out);
    const t = trace(out);
    expect(Math.abs(t.re)).toBeLessThan(1e-13);
    expect(Math.abs(t.im)).toBeLessThan(1e-13);
    expect(hermiticityError(out)).toBeLessThan(1e-13);
  });

  it('agrees with the banded vectorised Liouvillian (index m*K + n)', () => {
    const K = 12;
    const rho = randomDensityMatrix(K, 7);
    const out = zeros(K);
    applyLiouvillian(raw, rho, out);
    const y = zeros(K);
    bandedMatVec(liouvillianBanded(raw, K), rho.re, rho.im, y.re, y.im);
    expect(maxAbsDiff(out, y)).toBeLessThan(1e-12);
  });

  it('drive+jump part is L minus the diagonal bracket', () => {
    const K = 9;
    const rho = randomDensityMatrix(K, 11);
    const full = zeros(K), dj = zeros(K);
    applyLiouvillian(raw, rho, full);
    applyDriveJump(raw, rho, dj);
    for (let m = 0; m < K; m++)
      for (let n = 0; n < K; n++) {
        const i = m * K + n;
        const hm = raw.delta * m + 0.5 * raw.U * m * (m - 1), hn = raw.delta * n + 0.5 * raw.U * n * (n - 1);
        const dr = -raw.kappa * (m + n), di = -(hm - hn);
        expect(full.re[i] - dj.re[i]).toBeCloseTo(dr * rho.re[i] - di * rho.im[i], 12);
        expect(full.im[i] - dj.im[i]).toBeCloseTo(dr * rho.im[i] + di * rho.re[i], 12);
      }
  });
});
