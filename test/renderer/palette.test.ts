/**
 * The chart palette and reference styles: 12 curves never share a colour, and any two colours (and each colour and the
 * black/grey references) stay apart by ΔE76 ≥ 9 in CIELAB under normal vision and under simulated protanopia,
 * deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009, severity 1, applied to linear sRGB). References:
 * one dash pattern each.
 */
import { describe, expect, it } from 'vitest';
import { lineStyle, PALETTE, REF_STYLES } from '../../src-renderer/lib/palette.js';

const CVD: Record<string, number[][]> = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};

function lab(hex: string, m: number[][]): number[] {
  const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const rgb0 = [1, 3, 5].map((i) => lin(parseInt(hex.slice(i, i + 2), 16) / 255));
  const [R, G, B] = m.map((r) => Math.min(1, Math.max(0, r[0] * rgb0[0] + r[1] * rgb0[1] + r[2] * rgb0[2])));
  const X = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const Y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const Z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}

describe('chart palette', () => {
  it('12 distinct colours, ΔE ≥ 9 pairwise and from the references under normal and dichromat vision', () => {
    expect(new Set(PALETTE.map((c) => c.toLowerCase())).size).toBe(12);
    const all = [...PALETTE, '#111111', '#777777'];
    for (const [name, m] of Object.entries(CVD))
      for (let i = 0; i < PALETTE.length; i++)
        for (let j = i + 1; j < all.length; j++) {
          const a = lab(all[i], m), b = lab(all[j], m);
          expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]), `${name}: ${all[i]} vs ${all[j]}`).toBeGreaterThanOrEqual(9);
        }
    // readable on a white page: no colour lighter than L* = 78
    for (const c of PALETTE) expect(lab(c, CVD.normal)[0]).toBeLessThan(78);
  });

  it('each reference kind has its own dash pattern; curves 1–12 their own colour', () => {
    const dashes = REF_STYLES.map((r) => r.dash.join(','));
    expect(new Set(dashes).size).toBe(REF_STYLES.length);
    const styles = REF_STYLES.map((_, i) => lineStyle({ ref: 'ness', refStyle: i }, '#111'));
    expect(new Set(styles.map((s) => `${s.color}|${s.dash}`)).size).toBe(REF_STYLES.length);
    const curves = Array.from({ length: 12 }, (_, i) => lineStyle({ color: i }, '#111').color);
    expect(new Set(curves).size).toBe(12);
  });
});
