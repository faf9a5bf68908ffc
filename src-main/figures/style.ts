/**
 * Sizes, fonts, colours and dashes of the exported figures, chosen for a two-column paper (APS/PRL-like): a full-width
 * figure is 7.0 in, a one-column figure 3.4 in; text is 8 pt (tick labels 7 pt). One SVG user unit is one point
 * (1/72 in), so font sizes below are points and the PDF page is exactly the figure.
 */

export const PT_PER_IN = 72;
export const WIDTH_DOUBLE_IN = 7.0;
export const WIDTH_SINGLE_IN = 3.4;
export const FONT_PT = 8;
export const TICK_FONT_PT = 7;
/** The one font of every figure: DejaVu Sans has Greek, sub/superscript digits and U+2212 (embedded in PDF/PNG). */
export const FONT_FAMILY = 'DejaVu Sans';
export const PNG_DPI = 300;

/**
 * Curve colours. Up to 7 curves: Okabe & Ito (2008) without black (kept for references), yellow last (weakest on
 * white). 8–12 curves: Paul Tol's discrete rainbow (14-colour set without its two palest members). Both are designed
 * to stay distinct under the common colour-vision deficiencies; no colour repeats for ≤ 12 curves.
 */
const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442'];
const TOL_RAINBOW_12 = ['#AE76A3', '#882E72', '#1965B0', '#5289C7', '#7BAFDE', '#4EB265', '#90C987', '#F7F056', '#F6C141', '#F1932D', '#E8601C', '#DC050C'];

export function curveColours(n: number): string[] {
  if (n <= OKABE_ITO.length) return OKABE_ITO.slice(0, n);
  if (n <= TOL_RAINBOW_12.length) return TOL_RAINBOW_12.slice(0, n);
  // Beyond 12 the colours cycle; the renderer then varies the dash as well so that no two curves look alike.
  return Array.from({ length: n }, (_, i) => TOL_RAINBOW_12[i % TOL_RAINBOW_12.length]);
}

/** Dashes of curves beyond the 12th (cycle index i / 12). */
export const CURVE_DASHES = ['', '4,2', '1,1.5', '6,2,1,2'];

/** Reference lines: black/grey with dashes no curve uses, so that colour alone never has to tell them apart. */
export const REF = {
  ness: { stroke: '#000000', dash: '4,2', width: 0.9 },
  nessInitial: { stroke: '#000000', dash: '1.2,1.8', width: 0.9 },
  meanField: { stroke: '#555555', dash: '6,2,1.2,2', width: 0.9 },
  meanFieldUnstable: { stroke: '#555555', dash: '1,1.5', width: 0.8 },
  critical: { stroke: '#000000', dash: '3,2', width: 0.7 },
  marker: { stroke: '#777777', dash: '', width: 0.5 },
  bistable: { fill: '#E69F00', opacity: 0.18 },
} as const;

export const CURVE_WIDTH = 1.1;

/** fmtNum with a true minus sign (U+2212), for text in the figure. */
export const fmtLabel = (x: number) => fmtNum(x).replace('-', '−');

/** A number as a label shows it: at most 6 significant digits, no float noise (0.6000000000000001 → 0.6). */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

const SUP: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻' };
export const superscript = (s: string) => s.replace(/[0-9-]/g, (c) => SUP[c]);

/**
 * Units of the Kerr figures. The engine takes κ, Δ, u, ε as plain numbers (ħ = 1) and t in the inverse of that unit.
 * With the seed's κ = 0.5 the unit rate is 2κ (the photon-number decay rate), so t is in units of 1/(2κ) and every
 * rate (ε, λ, Φ, Π) in units of 2κ; in general the unit rate is κ/κ_value.
 */
export function rateUnit(kappa: number): string {
  const c = 1 / kappa;
  if (Math.abs(c - 1) < 1e-12) return 'κ';
  if (Math.abs(c - Math.round(c)) < 1e-9) return `${Math.round(c)}κ`;
  return `${fmtNum(c)}κ`;
}

export function timeUnit(kappa: number): string {
  const r = rateUnit(kappa);
  return r === 'κ' ? '1/κ' : `1/(${r})`;
}
