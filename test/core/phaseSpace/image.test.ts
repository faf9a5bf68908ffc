/** husimiImage: the viewer's Cartesian Q and current J against closed forms for a coherent state. */
import { describe, expect, it } from 'vitest';
import { husimiCartesian, husimiDensity, husimiImage } from '../../../src-core/phaseSpace/image.js';
import { coherent, fock, randomState } from './states.js';

describe('husimiImage', () => {
  it('coherent |β>: Q = e^{−|μ−β|²}/π and J = −(κ/π) β q', () => {
    const br = 1.2, bi = -0.5, K = 40, kappa = 0.5;
    const img = husimiImage(coherent(br, bi, K), {
      xMin: -3, xMax: 4, yMin: -3.5, yMax: 2.5, nx: 15, ny: 11, arrows: { nx: 5, ny: 4 }, kappa,
    });
    expect(img.Q.length).toBe(15 * 11);
    expect(img.Jx.length).toBe(5 * 4);
    for (let r = 0; r < 11; r++)
      for (let c = 0; c < 15; c++) {
        const x = -3 + (7 * c) / 14, y = -3.5 + (6 * r) / 10;
        const q = Math.exp(-((x - br) ** 2 + (y - bi) ** 2));
        expect(Math.abs(img.Q[r * 15 + c] - q / Math.PI)).toBeLessThan(1e-15);
      }
    for (let r = 0; r < 4; r++)
      for (let c = 0; c < 5; c++) {
        const x = -3 + (7 * c) / 4, y = -3.5 + (6 * r) / 3;
        const q = Math.exp(-((x - br) ** 2 + (y - bi) ** 2));
        expect(Math.abs(img.Jx[r * 5 + c] - (-kappa / Math.PI) * br * q)).toBeLessThan(1e-15);
        expect(Math.abs(img.Jy[r * 5 + c] - (-kappa / Math.PI) * bi * q)).toBeLessThan(1e-15);
      }
  });

  it('Fock |2>: Q = e^{−|μ|²}|μ|⁴/(2π), j = e^{−|μ|²}|μ|²μ', () => {
    // j(μ) = <μ|a|2><2|μ> = √2 <μ|1><2|μ> = √2 e^{−|μ|²} μ̄ μ²/√2 = e^{−|μ|²} |μ|² μ
    const img = husimiImage(fock(2, 6), { xMin: -2, xMax: 2, yMin: -1, yMax: 1, nx: 5, ny: 3, arrows: { nx: 5, ny: 3 }, kappa: 1 });
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 5; c++) {
        const x = -2 + c, y = -1 + r, m2 = x * x + y * y, e = Math.exp(-m2);
        expect(img.Q[r * 5 + c]).toBeCloseTo((e * m2 * m2) / (2 * Math.PI), 15);
        expect(img.Jx[r * 5 + c]).toBeCloseTo((-1 / Math.PI) * e * m2 * x, 15);
        expect(img.Jy[r * 5 + c]).toBeCloseTo((-1 / Math.PI) * e * m2 * y, 15);
      }
  });

  it('the windowed Hermitian evaluator equals the full direct sandwiches (incl. μ = 0 and far points)', () => {
    for (const [K, seed, nTop, rank] of [[12, 1, 6, 12], [40, 2, 25, 3], [60, 3, 40, 60]]) {
      const rho = randomState(K, seed, nTop, rank);
      const xs = [0, 1e-13, 0.3, -2, 4.5, 0, -7, 9], ys = [0, 0, -0.2, 1.5, 3, -6, -7, 0.5];
      const a = husimiDensity(rho, xs, ys), b = husimiCartesian(rho, xs, ys);
      for (let p = 0; p < xs.length; p++) {
        const scale = 1e-13 * Math.max(1, Math.abs(b.q[p]));
        expect(Math.abs(a.q[p] - b.q[p])).toBeLessThan(scale);
        expect(Math.abs(a.jre[p] - b.jre[p])).toBeLessThan(K * scale);
        expect(Math.abs(a.jim[p] - b.jim[p])).toBeLessThan(K * scale);
      }
    }
  });

  it('rejects a non-integer pixel count', () => {
    expect(() => husimiImage(fock(0, 3), { xMin: 0, xMax: 1, yMin: 0, yMax: 1, nx: 2.5, ny: 3 })).toThrow(/nx/);
  });
});
