import { describe, expect, it } from 'vitest';
import { meanFieldSteadyStates } from '../../../src-core/kerr/meanField.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { chooseK, guardTruncation, meanFieldTransientPeak, topPopulation, TruncationError } from '../../../src-core/kerr/truncation.js';
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
    rho.re[99] = 1e-11;
    guardTruncation(rho, { onWarn: (m) => warnings.push(m) });
    expect(warnings.length).toBe(2);
    rho.re[99] = 1e-14;
    guardTruncation(rho, { onWarn: (m) => warnings.push(m) });
    expect(warnings.length).toBe(2);
  });
});
