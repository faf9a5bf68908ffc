/**
 * Pure helpers of the Lab tab (issue 14): the rows of the estimates table (estimate ± σ beside the model's exact
 * value), the shared colour scale of the three heat maps, the per-time-bin charts, the upload encoding and the number
 * format. Units as in the rest of the window (series.ts): entropies in nat, rates in nat·ω₀.
 */
import type { Res } from '../../src-main/api/contract.js';
import { RATE_UNITS, timeLabel, type ChartData } from './series.js';

export type LabAnalysis = Res<'lab.analyze'>;
export type LabBin = LabAnalysis['bins'][number];
export type LabModel = Res<'lab.model'>;
type Est = { value: number | null; sigma: number | null } | null | undefined;

export interface EstimateRow {
  key: string;
  symbol: string;
  method: string;
  units: string;
  estimate: Est;
  /** The model's exact value of the same quantity (null: no model, or a rate the model needs and the data lack). */
  model: number | null;
}

/**
 * Rows in the app's order: model-free moments and k-NN S_W first, then every quantity of the reconstructed state.
 * The k-NN S_W sees the detected outcomes: with η < 1 its model value is that of E_η(ρ).
 */
export function estimateRows(bin: LabBin, efficiency: number, model?: LabModel): EstimateRow[] {
  const e = bin.estimates;
  const m = (k: string) => (model ? (model.values[k] ?? null) : null);
  const lossy = efficiency < 1;
  const rows: EstimateRow[] = [
    { key: 'a_re_knn', symbol: 'Re <a>', method: 'sample mean', units: '√photons', estimate: e.a_re_knn, model: m('a_re') },
    { key: 'a_im_knn', symbol: 'Im <a>', method: 'sample mean', units: '√photons', estimate: e.a_im_knn, model: m('a_im') },
    { key: 'n_knn', symbol: '<a†a>', method: 'sample mean', units: 'photons', estimate: e.n_knn, model: m('n') },
    { key: 'S_W_knn', symbol: lossy ? 'S_W[E_η(ρ)]' : 'S_W', method: 'k-NN (model-free)', units: 'nat', estimate: e.S_W_knn, model: m(lossy ? 'S_W_detected' : 'S_W') },
    { key: 'S_W', symbol: 'S_W', method: 'tomography', units: 'nat', estimate: e.S_W, model: m('S_W') },
  ];
  if (lossy) rows.push({ key: 'S_W_detected', symbol: 'S_W[E_η(ρ̂)]', method: 'tomography', units: 'nat', estimate: e.S_W_detected, model: m('S_W_detected') });
  const rate = (key: string, symbol: string) => rows.push({ key, symbol, method: 'tomography', units: RATE_UNITS, estimate: e[key], model: e[key] ? m(key) : null });
  rate('Pi_J', 'Π_J');
  rate('Pi_ext', 'Π_ext');
  rate('Pi_d', 'Π_d');
  rate('Pi_U', 'Π_U');
  rate('Phi', 'Φ');
  rate('Phi_q', 'Φ_q');
  rows.push({ key: 'G', symbol: 'G', method: 'tomography', units: 'nat', estimate: e.G, model: m('G') });
  return rows;
}

/** "value ± σ" with σ to two significant digits and the value to the same decimal place. */
export function formatEstimate(e: Est): string {
  if (!e || e.value === null) return '—';
  if (e.sigma === null || !(e.sigma > 0)) return `${+e.value.toPrecision(6)} (no σ)`;
  const d = Math.max(0, Math.min(12, 1 - Math.floor(Math.log10(e.sigma))));
  if (Math.abs(e.value) >= 1e5 || (Math.abs(e.value) < 1e-4 && e.value !== 0)) return `${e.value.toExponential(3)} ± ${e.sigma.toExponential(1)}`;
  return `${e.value.toFixed(d)} ± ${e.sigma.toFixed(d)}`;
}

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-4 && v !== 0) ? v.toExponential(4) : String(+v.toPrecision(6));
}

/** (estimate − model)/σ, the deviation in units of the error bar; null without both. */
export function zScore(r: EstimateRow): number | null {
  const e = r.estimate;
  if (!e || e.value === null || e.sigma === null || !(e.sigma > 0) || r.model === null) return null;
  return (e.value - r.model) / e.sigma;
}

/** One colour scale for the histogram and both Q images: the largest value among them. */
export function sharedMax(...images: (ArrayLike<number> | undefined)[]): number {
  let max = 0;
  for (const im of images) if (im) for (let i = 0; i < im.length; i++) if (im[i] > max) max = im[i];
  return max;
}

/** Tick positions on [−R, R]: a few round numbers. */
export function axisTicks(R: number): number[] {
  const step = R > 8 ? 4 : R > 4 ? 2 : 1;
  const out: number[] = [];
  for (let v = -Math.floor(R / step) * step; v <= R + 1e-9; v += step) out.push(v);
  return out;
}

/** The model at one time bin: the quench's state at that t when the model is a quench, else the NESS. */
export function modelAt(model: LabModel | undefined, i: number): LabModel | undefined {
  if (!model?.times) return model;
  const s = model.times[Math.min(i, model.times.length - 1)];
  return { ...model, Q: s.Q, values: s.values, topPopulation: s.topPopulation };
}

/** Entropy production and flux against t, and S_W against t, with ±1σ bars (time-resolved outcomes). */
export function timeCharts(a: LabAnalysis, model?: LabModel): ChartData[] {
  const t = a.bins.map((b) => b.t ?? 0);
  const series = (key: string, label: string, color: number) => ({
    label,
    values: a.bins.map((b) => b.estimates[key]?.value ?? null),
    errors: a.bins.map((b) => b.estimates[key]?.sigma ?? null),
    points: true,
    color,
  });
  // The model: its value at each bin's t after the quench, or the NESS value as a flat line.
  const ref = (key: string, label: string, refStyle: number) =>
    model && a.bins[0].estimates[key]
      ? [{ label: `${label}, model ${model.times ? 'quench' : 'NESS'}`, values: t.map((_, i) => modelAt(model, i)!.values[key] ?? null), ref: 'ness' as const, refStyle }]
      : [];
  const kappa = a.kappa ?? 0.5;
  const rates = [
    ...(a.kappa !== null ? [series('Pi_J', 'Π_J ± σ', 0), series('Phi', 'Φ ± σ', 1)] : []),
    ...(a.U !== null ? [series('Pi_U', 'Π_U ± σ', 2)] : []),
    ...ref('Pi_J', 'Π_J', 0),
    ...ref('Phi', 'Φ', 2),
  ];
  const charts: ChartData[] = [];
  if (rates.length)
    charts.push({
      id: 'lab-entropy-production-vs-t',
      title: 'Entropy production and flux against t (tomography; bars ±1σ by bootstrap)',
      xLabel: timeLabel(kappa),
      xKey: 't',
      yLabel: `rate [${RATE_UNITS}]`,
      x: t,
      series: rates,
      logOk: false,
    });
  charts.push({
    id: 'lab-S_W-vs-t',
    title: 'Wehrl entropy S_W against t: k-NN (model-free) and tomography, ±1σ',
    xLabel: timeLabel(kappa),
    xKey: 't',
    yLabel: 'S_W [nat]',
    x: t,
    series: [series('S_W_knn', 'S_W k-NN ± σ', 3), series('S_W', 'S_W tomography ± σ', 4), ...ref('S_W', 'S_W', 0)],
    logOk: false,
  });
  return charts;
}

/** Bytes as base64 in chunks (String.fromCharCode on a whole 50 MB file overflows the call stack). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}
