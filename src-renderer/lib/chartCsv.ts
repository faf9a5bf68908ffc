/**
 * A chart as a CSV table with plain column names, the ones code wants: `t`, `G_N10`, `alpha_abs_exact_N10`,
 * `Phi_over_N_ness_eps_f1p1` (letters, digits and `_` only: numpy.genfromtxt(names=True) deletes `.`, `=`, `|`, and
 * spaces need quoting in pandas' attribute access). The quantity prefix is the glossary field of the chart (README),
 * the rest the series label transliterated: Greek to Latin, `=` dropped, a decimal point as `p`, a minus as `m`.
 * Units and the provenance go into `#` lines written by the main side (src-main/io/chartCsv.ts).
 */
import type { ChartData } from './series.js';

const GREEK: Record<string, string> = {
  α: 'alpha', ε: 'eps', κ: 'kappa', Δ: 'delta', λ: 'lambda', μ: 'mu', Φ: 'Phi', Π: 'Pi', ζ: 'zeta', ρ: 'rho', γ: 'gamma', ω: 'omega', θ: 'theta', σ: 'sigma',
  '²': '2', '√': 'sqrt', '−': '-',
};

/** A label as a plain identifier part: `NESS ε_f=1.1` → `ness_eps_f1p1`, `N=10` → `N10`, `mean field, stable (dark)` → `mf_stable_dark`. */
export function plainName(label: string): string {
  let s = label.replace(/[αεκΔλμΦΠζργωθσ²√−]/g, (c) => GREEK[c] ?? c);
  s = s.replace(/\bNESS\b/g, 'ness').replace(/\bmean field\b/gi, 'mf');
  // numbers: 1.1 → 1p1, -0.5 → m0p5, 1e-7 → 1em7
  s = s.replace(/-(?=\d)/g, 'm').replace(/(\d)\.(\d)/g, '$1p$2').replace(/(\d)e-(\d)/gi, '$1em$2');
  s = s.replace(/\s*=\s*/g, '');
  s = s.replace(/[^A-Za-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
  return s;
}

/** The glossary field a chart shows: its id's prefix (`G-epsf1.1` → G, `gap-sweep` → gap; Fig. 2 is |α|). */
export function chartQuantity(c: ChartData): string {
  if (c.id === 'fig2') return 'alpha_abs';
  return plainName(c.id.split('-')[0]) || 'y';
}

/** Columns and rows of a chart's CSV: x, then one column per series; names unique (a clash gets _2, _3, …). */
export function chartCsvTable(c: ChartData): { columns: string[]; rows: (number | null)[][] } {
  const q = chartQuantity(c);
  const seen = new Set<string>([c.xKey]);
  const names = c.series.map((s) => {
    const base = `${q}_${plainName(s.label) || 'series'}`;
    let n = base;
    for (let k = 2; seen.has(n); k++) n = `${base}_${k}`;
    seen.add(n);
    return n;
  });
  const rows = c.x.map((x, k) => [x, ...c.series.map((s) => s.values[k] ?? null)]);
  return { columns: [c.xKey, ...names], rows };
}
