import { describe, expect, it } from 'vitest';
import { exactMoment, exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import { meanFieldSteadyStates } from '../../../src-core/kerr/meanField.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { chooseK } from '../../../src-core/kerr/truncation.js';
import { moments } from './helpers.js';

const paper = { kappa: 0.5, delta: -2, u: 1 };
const rel = (a: number, b: number, scale = Math.abs(b)) => Math.abs(a - b) / scale;

describe('exact NESS (Drummond–Walls, seed 000 Eq. 5, argument 2|ξ|²)', () => {
  it('agrees with the Fock-basis NESS to ≤ 1e-8 relative for N ≤ 10 at several ε (incl. inside the window)', () => {
    for (const N of [1, 5, 10])
      for (const eps of [0.3, 0.8, 0.933, 1.1, 1.3]) {
        const p = { ...paper, N, eps };
        const ex = exactNess(p);
        const rho = nessDensityMatrix(p, chooseK(p, [eps]).K);
        const fo = moments(rho);
        const aAbs = Math.hypot(ex.a_re, ex.a_im);
        expect(rel(fo.a_re, ex.a_re, aAbs)).toBeLessThan(1e-8);
        expect(rel(fo.a_im, ex.a_im, aAbs)).toBeLessThan(1e-8);
        expect(rel(fo.n, ex.n)).toBeLessThan(1e-8);
        const a2Abs = Math.hypot(ex.a2_re, ex.a2_im);
        expect(rel(fo.a2_re, ex.a2_re, a2Abs)).toBeLessThan(1e-8);
        expect(rel(fo.a2_im, ex.a2_im, a2Abs)).toBeLessThan(1e-8);
        expect(rel(fo.n2fact, ex.n2fact)).toBeLessThan(1e-8);
      }
  });

  it('tends to the coherent state α = E/(κ + iΔ) as U → 0', () => {
    // U = u/N → 0 with E fixed: N = 1, u = 1e-7.
    const p = { kappa: 0.5, delta: -2, u: 1e-7, N: 1, eps: 0.8 };
    const ex = exactNess(p);
    const den = p.kappa ** 2 + p.delta ** 2;
    const ar = (p.eps * p.kappa) / den, ai = (-p.eps * p.delta) / den;
    expect(ex.a_re).toBeCloseTo(ar, 6);
    expect(ex.a_im).toBeCloseTo(ai, 6);
    expect(ex.n).toBeCloseTo(ar * ar + ai * ai, 6);
    // coherent: <a†²a²> = |α|⁴
    expect(ex.n2fact).toBeCloseTo((ar * ar + ai * ai) ** 2, 6);
  });

  it('N = 1000 approaches the mean field away from the window (|α|, n/N within 1e-3)', () => {
    for (const eps of [0.3, 0.5, 1.3, 2]) {
      const ex = exactNess({ ...paper, N: 1000, eps });
      const [mf] = meanFieldSteadyStates({ ...paper, eps });
      expect(Math.abs(ex.alpha_abs - Math.sqrt(mf.n))).toBeLessThan(1e-3 * Math.max(1, Math.sqrt(mf.n)));
      expect(Math.abs(ex.n / 1000 - mf.n)).toBeLessThan(1e-3 * Math.max(1, mf.n));
      // and the corrections shrink like 1/N: N = 100 is further off than N = 1000
      const ex100 = exactNess({ ...paper, N: 100, eps });
      expect(Math.abs(ex.n / 1000 - mf.n)).toBeLessThan(Math.abs(ex100.n / 100 - mf.n));
    }
  });

  it('exactMoment is consistent: <(a†)^n a^m> = conj <(a†)^m a^n>, <a†a> real and ≥ |<a>|²', () => {
    const p = { ...paper, N: 20, eps: 1.0 };
    const a12 = exactMoment(p, 1, 2), a21 = exactMoment(p, 2, 1);
    expect(a12.re).toBeCloseTo(a21.re, 10);
    expect(a12.im).toBeCloseTo(-a21.im, 10);
    const n = exactMoment(p, 1, 1), a = exactMoment(p, 0, 1);
    expect(Math.abs(n.im)).toBeLessThan(1e-12 * n.re);
    expect(n.re).toBeGreaterThanOrEqual(a.re ** 2 + a.im ** 2);
    expect(exactMoment(p, 0, 0).re).toBeCloseTo(1, 14);
  });
});
