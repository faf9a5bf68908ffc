/**
 * Colours shared by the live charts and the exported figures. Data curves (one per N, in N order) take 12 colours
 * that do not repeat and stay apart for the common colour-vision deficiencies: the Okabe–Ito colours (without black,
 * kept for references, and yellow, unreadable on white) first, then six of Paul Tol's chosen greedily for the largest
 * smallest CIELAB distance under normal vision and simulated protanopia, deuteranopia and tritanopia (Machado et al.
 * 2009): at least ΔE = 9.9 between any two, and from the black and grey references (test/renderer/palette.test.ts).
 * References are black or grey and told apart by their dash pattern (REF_STYLES).
 */
export const PALETTE = [
  '#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7',
  '#225522', '#882255', '#999933', '#117733', '#EE99AA', '#994455',
] as const;

/**
 * Reference lines, one style each: exact NESS at ε_f, exact NESS at ε_i, stable mean-field branch, second (bright)
 * branch, unstable branch. Dashes in CSS px.
 */
export const REF_STYLES = [
  { name: 'NESS at ε_f', grey: false, dash: [7, 4] },
  { name: 'NESS at ε_i', grey: true, dash: [2, 3] },
  { name: 'mean field', grey: false, dash: [10, 3, 2, 3] },
  { name: 'mean field, second branch', grey: true, dash: [10, 3, 2, 3, 2, 3] },
  { name: 'mean field, unstable', grey: true, dash: [4, 4] },
] as const;

export interface LineStyle {
  color: string;
  dash?: number[];
  width: number;
}

/** One style per series: the palette by its colour index, references by refStyle (or their N's colour, dashed). */
export function lineStyle(s: { ref?: string; color?: number; refStyle?: number; flagged?: boolean }, fg: string, grey = '#777777'): LineStyle {
  if (s.flagged) return { color: fg, width: 1.5 };
  if (!s.ref) return { color: PALETTE[(s.color ?? 0) % PALETTE.length], width: 1.8 };
  if (s.refStyle === undefined && s.color !== undefined) return { color: PALETTE[s.color % PALETTE.length], dash: [7, 4], width: 1.2 };
  const r = REF_STYLES[(s.refStyle ?? (s.ref === 'mf' ? 2 : 0)) % REF_STYLES.length];
  return { color: r.grey ? grey : fg, dash: [...r.dash], width: 1.4 };
}
