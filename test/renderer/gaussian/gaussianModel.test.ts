// The Gaussian panel's pure logic: the form's Table-I units convert exactly to the engine's angular rates, validation
// names the field with its unit and range (and g_cr for the coupling), and the chart data carry the engine's numbers.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src-core/gaussian/model.js';
import { gaussianNess } from '../../../src-core/gaussian/ness.js';
import { criticalCoupling } from '../../../src-core/gaussian/stability.js';
import { gaussianSweep } from '../../../src-core/gaussian/sweep.js';
import { outputSpectrum } from '../../../src-core/gaussian/spectrum.js';
import { evaluate, fig3Charts, formFromPreset, gammaBNote, gaussianMeta, residualChart, spectrumChart, withRates } from '../../../src-renderer/gaussian/gaussianModel.js';

describe('Gaussian panel model', () => {
  it('a preset round-trips through the form units (ν/2π in MHz, kHz, Hz) to the engine parameters', () => {
    for (const id of ['cavity-om', 'cavity-bec'] as const) {
      const f = formFromPreset(id);
      const ev = evaluate(f);
      expect(ev.errors).toEqual([]);
      const p = PRESETS[id].params;
      for (const k of ['omegaA', 'kappaA', 'omegaB', 'gammaB', 'Tb'] as const) expect(Math.abs(ev.params![k] / p[k] - 1)).toBeLessThan(1e-14);
      expect(f.kappaA_kHz).toBeCloseTo(id === 'cavity-om' ? 435.849 : 1250, 9);
      const g = id === 'cavity-om' ? 0.49 * p.kappaA : Math.sqrt(0.93) * criticalCoupling(p).gCr;
      expect(Math.abs(ev.ness!.Pi_s / gaussianNess({ ...p, g }).Pi_s - 1)).toBeLessThan(1e-10);
    }
  });

  it('validation messages name the field, its unit and the allowed range; the coupling names g_cr', () => {
    const bad = evaluate({ ...formFromPreset('cavity-om'), kappaA_kHz: -1, points: 2.5 });
    expect(bad.ness).toBeUndefined();
    expect(bad.errors.map((e) => e.field).sort()).toEqual(['kappaA_kHz', 'points']);
    expect(bad.errors.find((e) => e.field === 'kappaA_kHz')!.message).toMatch(/κ_a\/2π \(kHz\): got -1; allowed: a finite number > 0/);
    const past = evaluate({ ...formFromPreset('cavity-bec'), coupling: 1.02 });
    expect(past.errors).toHaveLength(1);
    expect(past.errors[0].message).toMatch(/\(g\/g_cr\)²: got 1\.02; allowed: ≥ 0 and < 1 \(g_cr = 2\.2343\d*e\+6 s⁻¹/);
    const om = evaluate({ ...formFromPreset('cavity-om'), coupling: 3.2 });
    expect(om.errors[0].message).toMatch(/g\/κ_a: got 3\.2; allowed: ≥ 0 and < 3\.0983/);
    const empty = evaluate({ ...formFromPreset('cavity-om'), Tb_K: null as unknown as number });
    expect(empty.errors[0].message).toMatch(/T_b \(K\)/);
  });

  it('Fig. 3 charts carry the engine sweep (Π_s, μ_a; μ_b inset) and mark the working point', () => {
    const f = { ...formFromPreset('cavity-bec'), points: 50 };
    const ev = evaluate(f);
    const c = fig3Charts(f, ev)!;
    const s = gaussianSweep(PRESETS['cavity-bec'].params, { ...PRESETS['cavity-bec'].sweep, points: 50 });
    expect(c.pi.x).toHaveLength(50);
    expect(c.pi.x[49]).toBeCloseTo(0.99, 12);
    // Π_s up to 2·10⁶ s⁻¹ here: plotted in units of 10⁶ s⁻¹, named in the y label (hence in the CSV header)
    expect(c.pi.yLabel).toBe('entropy rate (10⁶ s⁻¹)');
    c.pi.series[0].values.forEach((v, i) => expect(Math.abs(v! * 1e6 - s.Pi_s[i])).toBeLessThanOrEqual(1e-10 * s.Pi_s[i]));
    expect(c.muB.yLabel).toBe('μ_b (s⁻¹)'); // below 10⁶: unscaled
    expect(c.muB.series[0].values[10]!).toBeCloseTo(s.mu_b[10], 6);
    expect(c.pi.vlines).toEqual([{ x: 0.93, label: 'working point' }]);
    expect(c.pi.xKey).toBe('g2_over_gcr2');
  });

  it('the spectrum chart sorts an imported measurement by frequency and keeps the fitted model aligned with it', () => {
    const f = formFromPreset('cavity-om');
    const ev = evaluate(f);
    const freqs = Float64Array.of(2e6, 1e6, 1.5e6);
    const S = outputSpectrum(ev.params!, Array.from(freqs, (x) => 2 * Math.PI * x), { theta: f.theta });
    const measured = { f: freqs, psd: S.map((v) => 2 * v) };
    const fakeFit = { gain: 2, model: S.map((v) => 2 * v) } as never;
    const c = spectrumChart(f, ev, measured, fakeFit)!;
    expect(c.x).toEqual([1e6, 1.5e6, 2e6]);
    const meas = c.series.find((s) => s.label === 'measured')!.values;
    const fit = c.series.find((s) => s.label === 'fitted model')!.values;
    const model = c.series.find((s) => s.label.startsWith('model'))!.values;
    expect(meas).toEqual([2 * S[1], 2 * S[2], 2 * S[0]]);
    expect(fit).toEqual(meas);
    model.forEach((v, i) => expect(Math.abs(v! / meas[i]! - 1)).toBeLessThan(1e-12));
    expect(spectrumChart(f, ev)!.x).toHaveLength(600);
  });

  it('measured data as points with ±1σ bars; residual panel (PSD − fit)/σ, or ln(PSD/fit) without σ, in frequency order', () => {
    const f = formFromPreset('cavity-om');
    const ev = evaluate(f);
    const freqs = Float64Array.from([2e6, 1e6, 1.5e6]);
    const model = Float64Array.from([4, 2, 3]);
    const psd = Float64Array.from([4.4, 1.9, 3]);
    const sigma = Float64Array.from([0.2, 0.05, 0.1]);
    const fakeFit = { gain: 1, model, chi2_dof: 1.5 } as never;
    const c = spectrumChart(f, ev, { f: freqs, psd, sigma }, fakeFit)!;
    const meas = c.series.find((s) => s.label === 'measured (±1σ)')!;
    expect(meas.points).toBe(true);
    expect(meas.errors).toEqual([0.05, 0.1, 0.2]);
    const r = residualChart(f, { f: freqs, psd, sigma }, fakeFit);
    expect(r.x).toEqual([1e6, 1.5e6, 2e6]);
    const v = r.series[0].values as number[];
    [(1.9 - 2) / 0.05, 0, (4.4 - 4) / 0.2].forEach((x, i) => expect(v[i]).toBeCloseTo(x, 12));
    expect(r.yLabel).toBe('(PSD − fit)/σ [σ]');
    const rl = residualChart(f, { f: freqs, psd }, fakeFit);
    expect(rl.series[0].values[0]).toBeCloseTo(Math.log(1.9 / 2), 12);
  });

  it('marks the cavity-BEC γ_b as an assumption and states the γ_b that balances μ_a = μ_b at (g/g_cr)² = 0.93', () => {
    expect(gammaBNote(formFromPreset('cavity-om'), evaluate(formFromPreset('cavity-om')))).toBeUndefined();
    const f = formFromPreset('cavity-bec');
    const note = gammaBNote(f, evaluate(f))!;
    expect(note.assumed).toBe(true);
    expect(note.text).toMatch(/assumption/);
    const hz = Number(/≈ (\d+) Hz/.exec(note.text)![1]);
    // Independent of the note's own bisection: at that γ_b the engine's μ_a and μ_b agree at (g/g_cr)² = 0.93.
    const base = { ...PRESETS['cavity-bec'].params, gammaB: 2 * Math.PI * hz, g: 0 };
    const gCr = criticalCoupling(base).gCr;
    const r = gaussianNess({ ...base, g: gCr * Math.sqrt(0.93) });
    expect(Math.abs(r.mu_a - r.mu_b) / Math.abs(r.mu_a)).toBeLessThan(0.01);
    const mine = gammaBNote({ ...f, gammaB_Hz: 700 }, evaluate({ ...f, gammaB_Hz: 700 }))!;
    expect(mine.assumed).toBe(false);
    expect(mine.text).toMatch(/700 Hz as entered/);
  });

  it('rates as linewidths (FWHM): the same physics as amplitude rates of half the value, and every chart says which', () => {
    const a = formFromPreset('cavity-bec');
    const w = withRates(a, 'fwhm');
    expect(w.kappaA_kHz).toBeCloseTo(2 * a.kappaA_kHz, 9);
    expect(w.gammaB_Hz).toBeCloseTo(2 * a.gammaB_Hz, 9);
    const ea = evaluate(a), ew = evaluate(w);
    expect(ew.params!.kappaA).toBeCloseTo(ea.params!.kappaA, 6);
    expect(ew.params!.gammaB).toBeCloseTo(ea.params!.gammaB, 9);
    expect(ew.ness!.Pi_s).toBeCloseTo(ea.ness!.Pi_s, 6);
    // The preset's γ_b is still recognised as the assumption when shown as a linewidth, and the balance γ_b doubles.
    const na = gammaBNote(a, ea)!, nw = gammaBNote(w, ew)!;
    expect(nw.assumed).toBe(true);
    const hz = (t: string) => Number(/≈ (\d+) Hz/.exec(t)![1]);
    expect(Math.abs(hz(nw.text) - 2 * hz(na.text))).toBeLessThanOrEqual(1);
    expect(withRates(w, 'amplitude').gammaB_Hz).toBeCloseTo(a.gammaB_Hz, 9);
    expect(String(gaussianMeta(w).rate_convention)).toMatch(/FWHM/);
    expect(fig3Charts(w, ew)!.pi.meta!.rate_convention).toBe(gaussianMeta(w).rate_convention);
  });
});
