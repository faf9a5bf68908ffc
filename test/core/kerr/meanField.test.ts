import { describe, expect, it } from 'vitest';
import { bistableWindow, meanFieldSteadyStates, pumpForPhotonNumber } from '../../../src-core/kerr/meanField.js';

const paper = { kappa: 0.5, delta: -2, u: 1 };

/** Right-hand side of dα/dt = −(κ + iΔ + iu|α|²)α + ε as a map on (Re α, Im α). */
function flow(p: typeof paper & { eps: number }, x: number, y: number): [number, number] {
  const g = p.delta + p.u * (x * x + y * y);
  return [-p.kappa * x + g * y + p.eps, -p.kappa * y - g * x];
}

describe('mean field (seed 000 Sec. II B)', () => {
  it('reproduces the seed window ε− = 0.701373, ε+ = 1.16616 to the printed digits', () => {
    const w = bistableWindow(paper)!;
    expect(w).not.toBeNull();
    expect(w.epsMinus.toFixed(6)).toBe('0.701373');
    expect(w.epsPlus.toFixed(5)).toBe('1.16616');
    // n+ (larger turning point) gives the lower edge
    expect(w.nPlus).toBeGreaterThan(w.nMinus);
    expect(pumpForPhotonNumber(paper, w.nPlus)).toBeCloseTo(w.epsMinus, 14);
  });

  it('has no window for Δ > −√3 κ', () => {
    expect(bistableWindow({ kappa: 0.5, delta: -0.8, u: 1 })).toBeNull();
    expect(bistableWindow({ kappa: 0.5, delta: 2, u: 1 })).toBeNull();
  });

  it('cubic roots are steady states of the flow (direct residual) with three branches inside the window', () => {
    const w = bistableWindow(paper)!;
    for (const eps of [0.3, 0.5, 0.72, 0.933, 1.1, 1.16, 1.2, 1.5, 3]) {
      const states = meanFieldSteadyStates({ ...paper, eps });
      const inside = eps > w.epsMinus && eps < w.epsPlus;
      expect(states.length).toBe(inside ? 3 : 1);
      for (const s of states) {
        const [fx, fy] = flow({ ...paper, eps }, s.alpha_re, s.alpha_im);
        expect(Math.hypot(fx, fy)).toBeLessThan(1e-12 * Math.max(1, eps));
        expect(s.alpha_re ** 2 + s.alpha_im ** 2).toBeCloseTo(s.n, 12);
      }
      if (inside) expect(states.map((s) => s.stable)).toEqual([true, false, true]);
      else expect(states[0].stable).toBe(true);
    }
  });

  it('stability agrees with the eigenvalues of a finite-difference Jacobian', () => {
    for (const eps of [0.5, 0.9, 1.1, 1.3]) {
      for (const s of meanFieldSteadyStates({ ...paper, eps })) {
        const h = 1e-6;
        const p = { ...paper, eps };
        const [ax, ay] = flow(p, s.alpha_re + h, s.alpha_im), [bx, by] = flow(p, s.alpha_re - h, s.alpha_im);
        const [cx, cy] = flow(p, s.alpha_re, s.alpha_im + h), [dx, dy] = flow(p, s.alpha_re, s.alpha_im - h);
        const J = [[(ax - bx) / (2 * h), (cx - dx) / (2 * h)], [(ay - by) / (2 * h), (cy - dy) / (2 * h)]];
        const tr = J[0][0] + J[1][1], det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
        const disc = tr * tr - 4 * det;
        const maxRe = disc >= 0 ? (tr + Math.sqrt(disc)) / 2 : tr / 2;
        expect(maxRe < 0).toBe(s.stable);
      }
    }
  });
});
