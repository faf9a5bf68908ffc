import { describe, expect, it } from 'vitest';
import { meanFieldSteadyStates } from '../../../src-core/kerr/meanField.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { chooseK, guardTruncation, meanFieldTransientPeak, tailBoundK, topPopulation, TruncationError } from '../../../src-core/kerr/truncation.js';
import { exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import { zeros } from '../../../src-core/linalg/complexMatrix.js';
import { ParameterError } from '../../../src-core/validation.js';

const model = { kappa: 0.5, delta: -2, u: 1 };

describe('truncation', () => {
  it('chooseK holds the NESS: top-level population ≤ 1e-12', () => {
    for (const N of [1, 5, 10])
      for (const eps of [0.8, 1.3]) {
        const { K } = chooseK({ ...model, N }, [eps]);
        const top = topPopulation(nessDensityMatrix({ ...model, N, eps }, K), 2);
        expect(Math.abs(top)).toBeLessThan(1e-12);
      }
  });

  it('holds the heavy tail below ε− (the NESS leaks towards the upper branch): exact n to 1e-12', () => {
    // mean + 6σ alone gave K = 13 here, with 6e-8 of the population beyond it
    for (const [N, eps] of [[10, 0.6], [10, 0.7], [5, 0.65], [20, 0.6]] as const) {
      const p = { ...model, N, eps };
      const { K } = chooseK({ ...model, N }, [eps]);
      const rho = nessDensityMatrix(p, K);
      expect(Math.abs(topPopulation(rho, 2))).toBeLessThan(1e-13);
      let n = 0;
      for (let m = 0; m < K; m++) n += m * rho.re[m * K + m];
      const ex = exactNess(p);
      expect(Math.abs(n - ex.n) / ex.n).toBeLessThan(1e-12);
    }
  });

  it('tailBoundK bounds the true tail of a converged Fock NESS', () => {
    const p = { ...model, N: 5, eps: 0.65 };
    const Kbig = 70;
    const rho = nessDensityMatrix(p, Kbig);
    const tail = (L: number) => {
      let s = 0;
      for (let n = L; n < Kbig; n++) s += rho.re[n * Kbig + n];
      return s;
    };
    for (const tol of [1e-6, 1e-9, 1e-12]) {
      const K = tailBoundK(p, tol, 200);
      expect(tail(K - 2)).toBeLessThanOrEqual(tol);
      // and it is not wildly pessimistic: the true tail there is within 1e-6 of the bound's level … 1
      expect(tail(Math.max(0, K - 12))).toBeGreaterThan(tol * 1e-6);
    }
  });

  it('refuses sizes above maxK with a ParameterError naming N', () => {
    try {
      chooseK({ ...model, N: 1e4 }, [1.3]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParameterError);
      expect((e as ParameterError).field).toBe('N');
    }
  });

  it('the mean-field transient peak is at least the final stable photon number', () => {
    const peak = meanFieldTransientPeak(model, 0.5, 1.3, 50);
    const [fin] = meanFieldSteadyStates({ ...model, eps: 1.3 });
    expect(peak).toBeGreaterThanOrEqual(fin.n * (1 - 1e-6));
  });

  it('guard: refuses above tol naming K and the population, warns between warnTol and tol', () => {
    const rho = zeros(10);
    rho.re[0] = 1 - 1e-6;
    rho.re[99] = 1e-6; // top level
    expect(topPopulation(rho, 1)).toBe(1e-6);
    let err: unknown;
    try {
      guardTruncation(rho, { where: 't = 3' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TruncationError);
    expect(err).toBeInstanceOf(ParameterError);
    expect(String((err as Error).message)).toMatch(/K = 10/);
    expect(String((err as Error).message)).toMatch(/1\.00e-6/);
    const warnings: string[] = [];
    expect(guardTruncation(rho, { warnOnly: true, onWarn: (m) => warnings.push(m) })).toBeCloseTo(1e-6, 15);
    expect(warnings[0]).toMatch(/NOT converged/);
    rho.re[99] = 3e-10;
    guardTruncation(rho, { onWarn: (m) => warnings.push(m) });
    expect(warnings.length).toBe(2);
    rho.re[99] = 1e-14;
    guardTruncation(rho, { onWarn: (m) => warnings.push(m) });
    expect(warnings.length).toBe(2);
  });
});
