/**
 * ε_c(N) (issue 3 item 2): the gap minimum and the steepest slope of the exact |<a>|/√N, against brute-force scans
 * (a second method), the seed's ε_c = 0.933 at large N, and the 1/N extrapolation on an exact model function.
 */
import { describe, expect, it } from 'vitest';
import { brentMinimize, EPS_C_SEED, extrapolateInverseN, gapMinimum, steepestSlope } from '../../../src-core/kerr/critical.js';
import { exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import { bistableWindow } from '../../../src-core/kerr/meanField.js';
import { liouvillianGap } from '../../../src-core/kerr/spectrum.js';

const PAPER = { kappa: 0.5, delta: -2, u: 1 };

describe('Brent minimisation and 1/N extrapolation', () => {
  it('minimises smooth functions to the requested tolerance', () => {
    const r = brentMinimize((x) => (x - 0.3) ** 2 + Math.cos(3 * x) * 0.01, -1, 2, 1e-9);
    // reference: derivative root 2(x − 0.3) − 0.03 sin 3x = 0 by bisection
    let a = 0, b = 0.6;
    for (let i = 0; i < 200; i++) {
      const m = 0.5 * (a + b);
      if (2 * (m - 0.3) - 0.03 * Math.sin(3 * m) > 0) b = m;
      else a = m;
    }
    expect(Math.abs(r.x - a)).toBeLessThan(1e-8);
    expect(r.evaluations).toBeLessThan(40);
  });

  it('recovers the intercept of a + b/N (+ c/N²) exactly', () => {
    const Ns = [4, 6, 8, 10];
    expect(extrapolateInverseN(Ns, Ns.map((N) => 0.93 + 0.2 / N))).toBeCloseTo(0.93, 12);
    expect(extrapolateInverseN(Ns, Ns.map((N) => 0.93 + 0.2 / N - 0.3 / (N * N)), true)).toBeCloseTo(0.93, 11);
  });
});

describe('ε_c by the steepest slope of the exact |<a>|/√N', () => {
  it('is a maximum of the slope (checked by a fine brute-force scan) at N = 10', () => {
    const s = steepestSlope({ ...PAPER, N: 10 });
    const alpha = (e: number) => exactNess({ ...PAPER, N: 10, eps: e }).alpha_abs;
    const h = 1e-4;
    let best = 0, arg = 0;
    for (let e = 0.9; e <= 1.02; e += 2e-4) {
      const sl = (alpha(e + h) - alpha(e - h)) / (2 * h);
      if (sl > best) {
        best = sl;
        arg = e;
      }
    }
    expect(Math.abs(s.eps_c - arg)).toBeLessThan(5e-4);
    expect(Math.abs(s.slope - best) / best).toBeLessThan(1e-3);
  });

  it('approaches the seed value ε_c = 0.933 at large N (N = 1000), inside the mean-field window', () => {
    const w = bistableWindow(PAPER)!;
    const s = steepestSlope({ ...PAPER, N: 1000 });
    expect(s.eps_c).toBeGreaterThan(w.epsMinus);
    expect(s.eps_c).toBeLessThan(w.epsPlus);
    expect(Math.abs(s.eps_c - EPS_C_SEED)).toBeLessThan(1e-3);
    // and moves towards it monotonically from N = 10
    const s10 = steepestSlope({ ...PAPER, N: 10 });
    const s100 = steepestSlope({ ...PAPER, N: 100 });
    expect(s10.eps_c).toBeGreaterThan(s100.eps_c);
    expect(s100.eps_c).toBeGreaterThan(s.eps_c);
  });
});

describe('ε_c by the minimal Liouvillian gap', () => {
  it('is a local minimum of λ(ε) at N = 4 (gap larger on both sides) inside [ε−, ε+]', () => {
    const g = gapMinimum({ ...PAPER, N: 4 }, { from: 0.75, to: 1.15, scanPoints: 6, xtol: 1e-3, spectrum: { tol: 1e-6 } });
    expect(g.interior).toBe(true);
    expect(g.converged).toBe(true);
    const w = bistableWindow(PAPER)!;
    expect(g.eps_c).toBeGreaterThan(w.epsMinus);
    expect(g.eps_c).toBeLessThan(w.epsPlus);
    for (const d of [-0.01, 0.01]) expect(liouvillianGap({ ...PAPER, N: 4, eps: g.eps_c + d })).toBeGreaterThan(g.gap);
    // the gap-minimum and steepest-slope definitions are close to each other at this N (both near the Maxwell point)
    expect(Math.abs(g.eps_c - steepestSlope({ ...PAPER, N: 4 }).eps_c)).toBeLessThan(0.05);
  });
});
