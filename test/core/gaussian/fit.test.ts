// Inference round trip: synthetic spectra from known parameters plus noise, fitted back; the estimates must land
// within their reported error bars, and the error bars must match the actual scatter over noise realisations.
import { describe, expect, it } from 'vitest';
import { PRESETS, type GaussianParams } from '../../../src-core/gaussian/model.js';
import { gaussianNess } from '../../../src-core/gaussian/ness.js';
import { frequencyGrid, outputSpectrum, toAngular } from '../../../src-core/gaussian/spectrum.js';
import { criticalCoupling } from '../../../src-core/gaussian/stability.js';
import { DERIVED, fitSpectrum } from '../../../src-core/gaussian/fit.js';
import type { SpectrumData } from '../../../src-core/gaussian/spectrumText.js';
import { ParameterError } from '../../../src-core/validation.js';
import { mulberry32, normalDeviate } from '../../../src-core/random.js';

/** Deterministic normal deviates. */
function normals(seed: number): () => number {
  const u = mulberry32(seed);
  return () => normalDeviate(u);
}

function synthetic(p: GaussianParams, f: Float64Array, gain: number, rel: number, seed: number, withSigma: boolean, theta = Math.PI / 2): SpectrumData {
  const S = outputSpectrum(p, toAngular(f), { theta });
  const z = normals(seed);
  const psd = S.map((v) => gain * v * Math.exp(rel * z())); // log-normal: the fit's residuals are on ln PSD
  return withSigma ? { f, psd, sigma: psd.map((v) => rel * v) } : { f, psd };
}

const OM = PRESETS['cavity-om'];
const BEC = PRESETS['cavity-bec'];

describe('fitSpectrum round trip', () => {
  const cases = [
    { name: 'cavity-om g/κ=0.49', pr: OM, g: 0.49 * OM.params.kappaA, f: frequencyGrid(2e5, 2.5e6, 300) },
    { name: 'cavity-om g/κ=2.29', pr: OM, g: 2.29 * OM.params.kappaA, f: frequencyGrid(2e5, 2.5e6, 300) },
    { name: 'cavity-bec (g/gcr)²=0.93', pr: BEC, g: Math.sqrt(0.93) * criticalCoupling(BEC.params).gCr, f: frequencyGrid(0, 2e4, 300) },
  ];
  for (const c of cases) {
    it(`${c.name}: g, gain, n_a, n_b, μ_a, μ_b, Π_s recovered within 2σ from a start at half the coupling`, () => {
      const p = { ...c.pr.params, g: c.g };
      const truth = gaussianNess(p);
      const data = synthetic(p, c.f, 3.7, 0.03, 11, true);
      const r = fitSpectrum(data, { start: { ...p, g: 0.5 * c.g }, free: ['g', 'gain'] });
      expect(Math.abs(r.fitted.g!.value - c.g)).toBeLessThan(2 * r.fitted.g!.sigma);
      expect(Math.abs(r.fitted.gain!.value - 3.7)).toBeLessThan(2 * r.fitted.gain!.sigma);
      for (const d of DERIVED) expect(Math.abs(r.derived[d].value - truth[d])).toBeLessThan(2 * r.derived[d].sigma);
      expect(r.fitted.g!.sigma / c.g).toBeLessThan(0.01); // the data do constrain g
      expect(r.chi2_dof).toBeGreaterThan(0.8);
      expect(r.chi2_dof).toBeLessThan(1.2);
      expect(r.absoluteSigma).toBe(true);
    });
  }

  it('without a sigma column the covariance is rescaled by s² = χ²/dof ≈ (relative noise)²', () => {
    const p = { ...OM.params, g: 0.49 * OM.params.kappaA };
    const data = synthetic(p, frequencyGrid(2e5, 2.5e6, 300), 1, 0.05, 5, false);
    const r = fitSpectrum(data, { start: p, free: ['g', 'gain'] });
    expect(r.absoluteSigma).toBe(false);
    expect(Math.sqrt(r.chi2_dof)).toBeGreaterThan(0.04);
    expect(Math.sqrt(r.chi2_dof)).toBeLessThan(0.06);
    expect(Math.abs(r.fitted.g!.value - p.g)).toBeLessThan(2.5 * r.fitted.g!.sigma);
  });

  it('the reported σ of g matches the scatter of the estimates over 16 noise realisations (within a factor 1.6)', () => {
    const p = { ...BEC.params, g: Math.sqrt(0.8) * criticalCoupling(BEC.params).gCr };
    const f = frequencyGrid(0, 2e4, 120);
    const est: number[] = [];
    const sig: number[] = [];
    for (let seed = 100; seed < 116; seed++) {
      const r = fitSpectrum(synthetic(p, f, 2, 0.05, seed, true), { start: p, free: ['g', 'gain'], scan: false });
      est.push(r.fitted.g!.value);
      sig.push(r.fitted.g!.sigma);
    }
    const mean = est.reduce((a, b) => a + b, 0) / est.length;
    const sd = Math.sqrt(est.reduce((a, b) => a + (b - mean) ** 2, 0) / (est.length - 1));
    const reported = sig.reduce((a, b) => a + b, 0) / sig.length;
    expect(sd / reported).toBeGreaterThan(1 / 1.6);
    expect(sd / reported).toBeLessThan(1.6);
    expect(Math.abs(mean - p.g)).toBeLessThan(3 * reported / Math.sqrt(est.length) + 1e-9 * p.g);
  });

  it('fits more parameters (g, κ_a, gain) at the BEC working point', () => {
    const p = { ...BEC.params, g: Math.sqrt(0.93) * criticalCoupling(BEC.params).gCr };
    const data = synthetic(p, frequencyGrid(0, 2e4, 300), 1.5, 0.02, 3, true);
    const r = fitSpectrum(data, { start: { ...p, kappaA: 1.3 * p.kappaA, g: 0.7 * p.g }, free: ['g', 'kappaA', 'gain'] });
    expect(Math.abs(r.fitted.kappaA!.value - p.kappaA)).toBeLessThan(2.5 * r.fitted.kappaA!.sigma);
    expect(Math.abs(r.derived.Pi_s.value - gaussianNess(p).Pi_s)).toBeLessThan(2.5 * r.derived.Pi_s.sigma);
  });

  it('rejects bad inputs with ParameterErrors', () => {
    const p = { ...OM.params, g: 0.49 * OM.params.kappaA };
    const data = synthetic(p, frequencyGrid(2e5, 2.5e6, 20), 1, 0.03, 1, false);
    expect(() => fitSpectrum(data, { start: p, free: [] })).toThrow(ParameterError);
    expect(() => fitSpectrum(data, { start: p, free: ['g', 'g'] })).toThrow(/at most once/);
    expect(() => fitSpectrum(data, { start: p, free: ['bogus' as never] })).toThrow(/free/);
    expect(() => fitSpectrum({ f: data.f.slice(0, 2), psd: data.psd.slice(0, 2) }, { start: p, free: ['g', 'gain'] })).toThrow(/more data points/);
    expect(() => fitSpectrum(data, { start: { ...p, g: 10 * criticalCoupling(p).gCr } })).toThrow(/g_cr/);
    // The BEC's resonances (kHz) are far below these MHz frequencies: g is not determined, said rather than σ = NaN.
    const bec = { ...BEC.params, g: 0.5 * criticalCoupling(BEC.params).gCr };
    expect(() => fitSpectrum(data, { start: bec, free: ['g', 'gain'] })).toThrow(/does not determine g/);
  });
});
