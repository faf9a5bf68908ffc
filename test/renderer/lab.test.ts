/** The Lab tab's pure helpers (src-renderer/lib/lab.ts): number format, table rows, z-scores, shared scale, charts. */
import { describe, expect, it } from 'vitest';
import { axisTicks, estimateRows, formatEstimate, modelAt, sharedMax, timeCharts, toBase64, zScore, type LabAnalysis, type LabBin } from '../../src-renderer/lib/lab.js';

const e = (value: number, sigma: number) => ({ value, sigma });
function bin(t: number | null, sw: number): LabBin {
  return {
    t, tMin: t, tMax: t, M: 1000, histogram: [], Q: [], K: 12, topPopulation: 1e-6, converged: true,
    estimates: { a_re_knn: e(0.1, 0.02), a_im_knn: e(0, 0.02), n_knn: e(1, 0.05), S_W_knn: e(sw, 0.03), S_W: e(sw + 0.01, 0.02), S_W_detected: e(sw - 0.2, 0.02), Pi_J: e(2, 0.1), Pi_ext: e(1, 0.1), Pi_d: e(1, 0.1), Pi_U: null, Phi: e(1, 0.05), Phi_q: e(0.5, 0.05), G: e(0.01, 0.005) },
    comparison: { knn: e(sw, 0.03), tomography: e(sw, 0.02), agree: true, statement: 'agree' },
    warnings: [],
  };
}

describe('lab helpers', () => {
  it('value ± σ to the σ’s second significant digit', () => {
    expect(formatEstimate(e(2.1447298, 0.0123))).toBe('2.145 ± 0.012');
    expect(formatEstimate(e(12.4, 1.7))).toBe('12.4 ± 1.7');
    expect(formatEstimate({ value: 2.5, sigma: null })).toBe('2.5 (no σ)');
    expect(formatEstimate(null)).toBe('—');
  });

  it('rows: the k-NN S_W is compared with the detected state’s model value when η < 1; Π_U without U has no model value', () => {
    const model = { K: 10, Q: [], topPopulation: 0, values: { S_W: 3, S_W_detected: 2.5, Pi_J: 2.2, Pi_U: 0.4, n: 1, a_re: 0.1, a_im: 0, Phi: 1, Pi_ext: 1, Pi_d: 1.2, Phi_q: 0, G: 0 } };
    const ideal = estimateRows(bin(null, 2.9), 1, model);
    expect(ideal.find((r) => r.key === 'S_W_knn')!.model).toBe(3);
    expect(ideal.some((r) => r.key === 'S_W_detected')).toBe(false);
    const lossy = estimateRows(bin(null, 2.9), 0.5, model);
    expect(lossy.find((r) => r.key === 'S_W_knn')!.model).toBe(2.5);
    expect(lossy.find((r) => r.key === 'S_W_detected')!.model).toBe(2.5);
    expect(lossy.find((r) => r.key === 'Pi_U')!.model).toBeNull();
    expect(zScore(lossy.find((r) => r.key === 'Pi_J')!)).toBeCloseTo((2 - 2.2) / 0.1, 12);
    expect(lossy.find((r) => r.key === 'Pi_J')!.units).toBe('nat·ω₀');
  });

  it('one colour scale over the three images; ticks on round numbers', () => {
    expect(sharedMax([0.1, 0.3], undefined, new Float64Array([0.2, 0.31]))).toBe(0.31);
    expect(axisTicks(3)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(axisTicks(5.5)).toEqual([-4, -2, 0, 2, 4]);
  });

  it('time charts: points with ±σ bars at the bins’ t; Π_U only with U', () => {
    const a = { job: 'j', M: 2000, efficiency: 1, kappa: 0.5, U: null, bootstrap: 10, seconds: 1, grid: { xMin: -3, xMax: 3, yMin: -3, yMax: 3, nx: 16, ny: 16 }, hist: 16, bins: [bin(0, 2.2), bin(1, 2.5)] } as LabAnalysis;
    const [rates, sw] = timeCharts(a);
    expect(rates.x).toEqual([0, 1]);
    expect(rates.series.map((s) => s.label)).toEqual(['Π_J ± σ', 'Φ ± σ']);
    expect(rates.series[0].errors).toEqual([0.1, 0.1]);
    expect(sw.series[0].values).toEqual([2.2, 2.5]);
    expect(rates.yLabel).toContain('nat·ω₀');
  });

  it('a quench model gives each bin its own state; its values are the reference at each t', () => {
    const a = { job: 'j', M: 2000, efficiency: 1, kappa: 0.5, U: null, bootstrap: 10, seconds: 1, grid: { xMin: -3, xMax: 3, yMin: -3, yMax: 3, nx: 16, ny: 16 }, hist: 16, bins: [bin(0, 2.2), bin(1, 2.5)] } as LabAnalysis;
    const times = [0, 1].map((t) => ({ t, Q: [t], values: { S_W: 2 + t, Pi_J: 1 + t, Phi: 3 }, topPopulation: 0 }));
    const model = { K: 9, Q: [0], values: times[0].values, topPopulation: 0, times };
    expect(modelAt(model, 1)!.values.S_W).toBe(3);
    expect(modelAt(model, 1)!.Q).toEqual([1]);
    const [rates, sw] = timeCharts(a, model);
    expect(rates.series.find((s) => s.label === 'Π_J, model quench')!.values).toEqual([1, 2]);
    expect(sw.series.find((s) => s.ref)!.values).toEqual([2, 3]);
  });

  it('base64 of bytes in chunks equals Node’s', () => {
    const b = new Uint8Array(100_000).map((_, i) => (i * 7919) % 256);
    expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'));
  });
});
