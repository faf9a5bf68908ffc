/**
 * Maximum-likelihood fit of the Kerr NESS to heterodyne outcomes (src-core/lab/fitKerr.ts, issue 14 "Model fit").
 * Outcomes are exact draws (qSampling.ts) from the Fock NESS at known (N, ε, Δ, u); the fit must find ε within its
 * error, its σ (inverse observed information) must match the spread of ε̂ over independent repetitions, two free
 * parameters must hold the truth inside their joint error ellipse, a wrong fixed parameter must fail the χ² test, and
 * bad options must name their field. The χ² tail is checked against textbook critical values.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chi2Survival, fitKerrNess, kerrFitStart, MODEL_QUANTITIES, type KerrFitOptions } from '../../../src-core/lab/fitKerr.js';
import { sampleHusimi } from '../../../src-core/lab/qSampling.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { chooseK } from '../../../src-core/kerr/truncation.js';
import { kerrObservables } from '../../../src-core/phaseSpace/observables.js';
import { ParameterError } from '../../../src-core/validation.js';

const ness = (P: { kappa: number; delta: number; u: number; N: number; eps: number }) => nessDensityMatrix(P, chooseK(P, [P.eps]).K);

describe('chi2Survival', () => {
  it('matches the tabulated 5 % and 1 % critical values', () => {
    // Abramowitz & Stegun Table 26.8 / any χ² table
    expect(chi2Survival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chi2Survival(18.307038, 10)).toBeCloseTo(0.05, 6);
    expect(chi2Survival(23.209251, 10)).toBeCloseTo(0.01, 6);
    expect(chi2Survival(124.342113, 100)).toBeCloseTo(0.05, 6);
    expect(chi2Survival(0, 5)).toBe(1);
  });
});

describe('fitKerrNess: N = 5, ε = 1.1 (seed values κ = 0.5, Δ = −2, u = 1)', () => {
  const P = { kappa: 0.5, delta: -2, u: 1, N: 5, eps: 1.1 };
  const rho = ness(P);
  const truth = kerrObservables(rho, P);

  it('finds ε within its error over 5 seeds (M = 5000, start ε = 0.9): all within 3σ, at most one beyond 2σ', () => {
    const z: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const s = sampleHusimi(rho, 5000, { seed });
      const r = fitKerrNess(s.re, s.im, { kappa: 0.5, free: ['eps'], initial: { N: 5, eps: 0.9, delta: -2, u: 1 } });
      expect(r.converged).toBe(true);
      z.push((r.params.eps - 1.1) / r.sigma.eps!);
      expect(r.sigma.eps!).toBeGreaterThan(1e-3);
      expect(r.sigma.eps!).toBeLessThan(1e-2);
      expect(r.covariance[0][0]).toBeCloseTo(r.sigma.eps! ** 2, 12);
      // the model's entropy production at ε̂ agrees with the truth's within its propagated error
      for (const q of MODEL_QUANTITIES) expect(Math.abs(r.model[q] - truth[q]), q).toBeLessThanOrEqual(3.5 * r.modelSigma[q] + 1e-9);
      // the Fock NESS the fit used against the exact Drummond–Walls photon number
      expect(r.moments.n).toBeCloseTo(r.moments.n_exact, 8);
      expect(r.topPopulation).toBeLessThan(1e-6);
      expect(r.goodnessOfFit.pValue).toBeGreaterThan(1e-3);
      expect(r.rho.K).toBe(r.K);
      expect(kerrObservables(r.rho, { ...P, eps: r.params.eps }).S_W).toBeCloseTo(r.model.S_W, 10);
    }
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(3);
    expect(z.filter((v) => Math.abs(v) > 2).length).toBeLessThanOrEqual(1);
  });

  it('fits ε and Δ together: the truth inside the joint 99 % ellipse, with their correlation', () => {
    const s = sampleHusimi(rho, 8000, { seed: 9 });
    const r = fitKerrNess(s.re, s.im, { kappa: 0.5, free: ['eps', 'delta'], initial: { N: 5, eps: 1.0, delta: -1.8, u: 1 } });
    expect(r.converged).toBe(true);
    const d = [r.params.eps - 1.1, r.params.delta + 2];
    const C = r.covariance;
    const det = C[0][0] * C[1][1] - C[0][1] * C[1][0];
    const m2 = (C[1][1] * d[0] * d[0] - 2 * C[0][1] * d[0] * d[1] + C[0][0] * d[1] * d[1]) / det;
    expect(m2).toBeLessThan(9.21); // χ²₂ 99 %
    expect(r.sigma.delta!).toBeGreaterThan(0);
    expect(Math.abs(r.correlation[0][1])).toBeLessThan(1);
    expect(r.correlation[0][1]).toBeCloseTo(C[0][1] / Math.sqrt(C[0][0] * C[1][1]), 12);
  });

  it('a wrong fixed detuning fails the χ² test (and the right one passes on the same outcomes)', () => {
    const s = sampleHusimi(rho, 20000, { seed: 4 });
    const bad = fitKerrNess(s.re, s.im, { kappa: 0.5, free: ['eps'], initial: { N: 5, eps: 1.1, delta: -1.6, u: 1 } });
    expect(bad.goodnessOfFit.pValue).toBeLessThan(1e-3);
    expect(bad.warnings.join(' ')).toMatch(/does NOT describe/);
    const good = fitKerrNess(s.re, s.im, { kappa: 0.5, free: ['eps'], initial: { N: 5, eps: 1.1, delta: -2, u: 1 } });
    expect(good.goodnessOfFit.pValue).toBeGreaterThan(1e-3);
    expect(good.logLikelihood).toBeGreaterThan(bad.logLikelihood);
  });
});

describe('fitKerrNess: errors and efficiency (N = 1, ε = 1.1: cheap)', () => {
  const P = { kappa: 0.5, delta: -2, u: 1, N: 1, eps: 1.1 };
  const rho = ness(P);

  it('σ(ε̂) from the observed information matches the spread of ε̂ over 40 repetitions (M = 400)', () => {
    const e: number[] = [], s: number[] = [];
    let inside = 0;
    for (let rep = 0; rep < 40; rep++) {
      const o = sampleHusimi(rho, 400, { seed: 1000 + rep });
      const r = fitKerrNess(o.re, o.im, { kappa: 0.5, free: ['eps'], initial: { N: 1, eps: 1.1, delta: -2, u: 1 } });
      e.push(r.params.eps);
      s.push(r.sigma.eps!);
      if (Math.abs(r.params.eps - 1.1) <= r.sigma.eps!) inside++;
    }
    const mean = e.reduce((a, b) => a + b) / e.length;
    const sd = Math.sqrt(e.reduce((a, b) => a + (b - mean) ** 2, 0) / (e.length - 1));
    const meanSigma = s.reduce((a, b) => a + b) / s.length;
    expect(sd / meanSigma).toBeGreaterThan(1 / 1.3);
    expect(sd / meanSigma).toBeLessThan(1.3);
    // unbiased within the error of the mean; 1σ coverage near 68 % (binomial 40: 18…36 is > 99 %)
    expect(Math.abs(mean - 1.1)).toBeLessThan(3 * sd / Math.sqrt(e.length));
    expect(inside).toBeGreaterThanOrEqual(18);
    expect(inside).toBeLessThanOrEqual(36);
  });

  it('folds a known detector efficiency into the likelihood (η = 0.6)', () => {
    const o = sampleHusimi(rho, 4000, { seed: 21, eta: 0.6 });
    const r = fitKerrNess(o.re, o.im, { kappa: 0.5, efficiency: 0.6, free: ['eps'], initial: { N: 1, eps: 0.8, delta: -2, u: 1 } });
    expect(Math.abs(r.params.eps - 1.1)).toBeLessThanOrEqual(2 * r.sigma.eps!);
    expect(r.efficiency).toBe(0.6);
    // ignoring the loss biases ε̂ far outside the error
    const naive = fitKerrNess(o.re, o.im, { kappa: 0.5, free: ['eps'], initial: { N: 1, eps: 0.8, delta: -2, u: 1 } });
    expect(Math.abs(naive.params.eps - 1.1)).toBeGreaterThan(5 * naive.sigma.eps!);
  });

  it('starts from the data: mean-field ε from n, Δ from the phase of <a>', () => {
    const o = sampleHusimi(rho, 4000, { seed: 22 });
    const st = kerrFitStart(o.re, o.im, { kappa: 0.5, free: ['eps', 'delta'], initial: { N: 1, u: 1 } });
    // a start, not an estimate (N = 1 is far from the mean field): finite and inside the model's ranges
    expect(st.eps).toBeGreaterThan(0);
    expect(Math.abs(st.delta + 2)).toBeLessThan(2);
    const r = fitKerrNess(o.re, o.im, { kappa: 0.5, free: ['eps', 'delta'], initial: st });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.params.eps - 1.1)).toBeLessThanOrEqual(3 * r.sigma.eps!);
    expect(Math.abs(r.params.delta + 2)).toBeLessThanOrEqual(3 * r.sigma.delta!);
  });

  it('bad options throw ParameterError naming the field', () => {
    const o = sampleHusimi(rho, 100, { seed: 1 });
    const base: KerrFitOptions = { kappa: 0.5, free: ['eps'], initial: { N: 1, eps: 1, delta: -2, u: 1 } };
    const cases: [Partial<KerrFitOptions>, string][] = [
      [{ free: [] }, 'fit-free'],
      [{ free: ['eps', 'eps'] }, 'fit-free'],
      [{ free: ['eps', 'u', 'N'] }, 'fit-free'],
      [{ free: ['gamma' as 'eps'] }, 'fit-free'],
      [{ kappa: -1 }, 'kappa'],
      [{ kappa: NaN }, 'kappa'],
      [{ efficiency: 0 }, 'efficiency'],
      [{ efficiency: 1.5 }, 'efficiency'],
      [{ initial: { N: 0, eps: 1, delta: -2, u: 1 } }, 'N'],
      [{ initial: { N: 1, eps: -1, delta: -2, u: 1 } }, 'eps'],
      [{ initial: { N: 1, eps: 1, delta: Infinity, u: 1 } }, 'delta'],
      [{ K: 1 }, 'nmax'],
    ];
    for (const [patch, field] of cases) {
      let err: unknown;
      try {
        fitKerrNess(o.re, o.im, { ...base, ...patch });
      } catch (e) {
        err = e;
      }
      expect(err, field).toBeInstanceOf(ParameterError);
      expect((err as ParameterError).field).toBe(field);
    }
    expect(() => fitKerrNess(o.re.subarray(0, 10), o.im.subarray(0, 10), base)).toThrow(/at least 50/);
    const nan = Float64Array.from(o.re);
    nan[3] = NaN;
    expect(() => fitKerrNess(nan, o.im, base)).toThrow(ParameterError);
  });
});

describe('fitKerrNess: fuzzed options (fast-check)', () => {
  const P = { kappa: 0.5, delta: -2, u: 1, N: 1, eps: 1.1 };
  const o = sampleHusimi(ness(P), 200, { seed: 77 });
  const numArb = (lo: number, hi: number) =>
    fc.oneof({ weight: 6, arbitrary: fc.double({ min: lo, max: hi, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, 1e308, 5e-324) });
  const optsArb = fc.record({
    kappa: numArb(0.1, 2),
    efficiency: fc.option(numArb(0.2, 1), { nil: undefined }),
    free: fc.oneof(fc.subarray(['eps', 'delta', 'u', 'N'] as const, { minLength: 0, maxLength: 4 }), fc.constant(['eps', 'bogus'])),
    initial: fc.record({ N: numArb(0.5, 3), eps: numArb(0, 2), delta: numArb(-4, 1), u: numArb(0.2, 2) }),
  });
  it('every option set ends in finite numbers or a ParameterError naming a field', () => {
    let fitted = 0;
    fc.assert(
      fc.property(optsArb, (opts) => {
        try {
          const r = fitKerrNess(o.re, o.im, { ...(opts as KerrFitOptions), maxIter: 4 });
          const nums = [...Object.values(r.params), r.logLikelihood, ...Object.values(r.model), r.goodnessOfFit.chi2, r.goodnessOfFit.pValue];
          expect(nums.every(Number.isFinite)).toBe(true);
          // σ is finite or NaN with a warning saying why (never ±Infinity)
          for (const v of Object.values(r.sigma)) expect(Number.isFinite(v) || (Number.isNaN(v) && r.warnings.length > 0)).toBe(true);
          fitted++;
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(ParameterError);
          expect((e as ParameterError).field.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60, seed: 20261205 },
    );
    expect(fitted).toBeGreaterThan(5);
  }, 120_000);
});
