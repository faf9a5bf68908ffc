/**
 * Liouvillian spectrum (issue 3): shift-invert Arnoldi vs a dense eigen-solve, the gap vs the decay of a trajectory,
 * ordering by |Re ζ| (the complex pair at ε = 0.6, N = 10), convergence in K, conjugation symmetry, bad inputs.
 */
import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { bandedGet } from '../../../src-core/linalg/bandedLU.js';
import { liouvillianBanded } from '../../../src-core/kerr/liouvillianBanded.js';
import { toRaw, type KerrParams } from '../../../src-core/kerr/model.js';
import { gapSweep, liouvillianGap, liouvillianSpectrum, spectrumAtK } from '../../../src-core/kerr/spectrum.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { propagateInterval } from '../../../src-core/kerr/propagate.js';
import { zeros } from '../../../src-core/linalg/complexMatrix.js';
import { ParameterError } from '../../../src-core/validation.js';

const PAPER = { kappa: 0.5, delta: -2, u: 1 };

/** All K² eigenvalues of L by a dense real EVD (ml-matrix) of the 2K²×2K² embedding [[Re L, −Im L], [Im L, Re L]]:
 *  its spectrum is λ(L) ∪ conj λ(L) = λ(L) twice (L's spectrum is closed under conjugation). Test-only oracle. */
function denseSpectrum(p: KerrParams, K: number): { re: number; im: number }[] {
  const A = liouvillianBanded(toRaw(p), K);
  const n = K * K;
  const M = Matrix.zeros(2 * n, 2 * n);
  for (let i = 0; i < n; i++)
    for (let j = Math.max(0, i - A.kl); j <= Math.min(n - 1, i + A.ku); j++) {
      const a = bandedGet(A, i, j);
      M.set(i, j, a.re);
      M.set(i, j + n, -a.im);
      M.set(i + n, j, a.im);
      M.set(i + n, j + n, a.re);
    }
  const e = new EigenvalueDecomposition(M);
  return e.realEigenvalues.map((re, k) => ({ re, im: e.imaginaryEigenvalues[k] }));
}

describe('Arnoldi vs dense eigen-solve of the K²×K² Liouvillian', () => {
  const cases: [KerrParams, number][] = [
    [{ ...PAPER, N: 2, eps: 0.9 }, 10],
    [{ ...PAPER, N: 1, eps: 0.6 }, 9],
    [{ kappa: 0.3, delta: 1, u: 2, N: 1.5, eps: 1.2 }, 8],
  ];
  for (const [p, K] of cases)
    it(`the 6 slowest agree to ≤ 1e-9 relative and in order (N=${p.N}, ε=${p.eps}, K=${K})`, () => {
      const s = liouvillianSpectrum(p, { K, count: 6 });
      expect(s.converged).toBe(true);
      expect(s.eigenvalues).toHaveLength(6);
      const dense = denseSpectrum(p, K);
      // ζ₀ = 0 is there (twice) and the Arnoldi result leaves it out
      const zero = dense.filter((z) => Math.hypot(z.re, z.im) < 1e-10);
      expect(zero.length).toBe(2);
      for (const z of s.eigenvalues) {
        expect(Math.hypot(z.re, z.im)).toBeGreaterThan(1e-6);
        const d = Math.min(...dense.map((w) => Math.hypot(w.re - z.re, w.im - z.im)));
        expect(d / Math.hypot(z.re, z.im)).toBeLessThan(1e-9);
      }
      // ordering: the k-th slowest |Re ζ| of the dense spectrum (each eigenvalue appears twice, ζ₀ first)
      const absRe = dense.map((z) => Math.abs(z.re)).sort((a, b) => a - b).filter((_, i) => i % 2 === 0).slice(1);
      s.eigenvalues.forEach((z, i) => expect(Math.abs(z.re)).toBeCloseTo(absRe[i], 9));
    });
});

describe('gap vs the long-time decay of a trajectory', () => {
  it('‖ρ(t) − ρ_ss‖ decays at the rate λ = |Re ζ₁| (N = 1, ε = 0.933, Kerr-core propagator)', () => {
    const p = { ...PAPER, N: 1, eps: 0.933 };
    const K = 20;
    const s = liouvillianSpectrum(p, { K, count: 2 });
    const [z1, z2] = s.eigenvalues;
    expect(Math.abs(z1.im)).toBeLessThan(1e-9); // a real slowest mode: the distance decays as one exponential
    expect(Math.abs(z2.re)).toBeGreaterThan(3 * Math.abs(z1.re));
    const ness = nessDensityMatrix(p, K);
    let rho = zeros(K);
    rho.re[0] = 1; // vacuum
    const dist = () => {
      let d = 0;
      for (let q = 0; q < K * K; q++) d += (rho.re[q] - ness.re[q]) ** 2 + (rho.im[q] - ness.im[q]) ** 2;
      return Math.sqrt(d);
    };
    const t1 = 25, t2 = 35;
    rho = propagateInterval(rho, p, t1, { rtol: 1e-12, atol: 1e-14 });
    const d1 = dist();
    rho = propagateInterval(rho, p, t2 - t1, { rtol: 1e-12, atol: 1e-14 });
    const d2 = dist();
    const rate = Math.log(d1 / d2) / (t2 - t1);
    // the next mode's share has decayed by e^{−(|Re ζ₂| − λ) t₁} ≈ 1e-7 by then
    expect(Math.abs(rate - s.gap) / s.gap).toBeLessThan(1e-5);
  });
});

describe('ordering by |Re ζ|', () => {
  it('near ε = 0.6 at N = 10 the slowest mode is a complex conjugate pair, ahead of a real eigenvalue of smaller |ζ|', () => {
    // K = 40 holds these modes to ~1e-9 (the automatic choice stops at 63; the convergence test is below)
    const s = liouvillianSpectrum({ ...PAPER, N: 10, eps: 0.6 }, { count: 4, K: 40 });
    expect(s.converged).toBe(true);
    expect(s.eigenvalues).toHaveLength(4);
    const [a, b, c] = s.eigenvalues;
    expect(a.im).toBeGreaterThan(0.5);
    expect(b.re).toBe(a.re);
    expect(b.im).toBe(-a.im);
    expect(Math.abs(c.im)).toBe(0);
    // the real mode is closer to 0 than the pair but decays faster: shift-invert alone would rank it first
    expect(Math.hypot(c.re, c.im)).toBeLessThan(Math.hypot(a.re, a.im));
    expect(Math.abs(c.re)).toBeGreaterThan(Math.abs(a.re));
    for (let i = 1; i < 4; i++) expect(Math.abs(s.eigenvalues[i].re)).toBeGreaterThanOrEqual(Math.abs(s.eigenvalues[i - 1].re));
    expect(s.gap).toBe(Math.abs(a.re));
    // count = 1 finds the same slowest mode (the imaginary-axis shifts, not luck with nev, find the pair)
    expect(liouvillianGap({ ...PAPER, N: 10, eps: 0.6 }, { K: 40 })).toBeCloseTo(s.gap, 9);
    expect(s.gap).toBeCloseTo(0.50383879, 7); // the automatic K's value (K = 63), README
  });

  it('the spectrum is closed under conjugation (Hermiticity preservation)', () => {
    const s = liouvillianSpectrum({ ...PAPER, N: 3, eps: 1.1 }, { count: 8, K: 30 });
    for (const z of s.eigenvalues) {
      if (z.im === 0) continue;
      expect(s.eigenvalues.some((w) => w.re === z.re && w.im === -z.im) || z === s.eigenvalues[7]).toBe(true);
    }
    // the pairs also come out of the Arnoldi independently: before symmetrisation they agree to the tolerance
    const r = spectrumAtK(toRaw({ ...PAPER, N: 3, eps: 1.1 }), 30, 8);
    expect(r.complete).toBe(true);
  });
});

describe('convergence in K', () => {
  it('automatic K: the last step changed the eigenvalues by < tol, and a larger K agrees', () => {
    const p = { ...PAPER, N: 5, eps: 0.95 };
    const s = liouvillianSpectrum(p, { count: 2, tol: 1e-8 });
    expect(s.converged).toBe(true);
    const last = s.kHistory[s.kHistory.length - 1];
    expect(last.change).toBeLessThanOrEqual(1e-8);
    expect(s.note).toBeUndefined();
    expect(s.kHistory.length).toBeGreaterThanOrEqual(2);
    const bigger = liouvillianSpectrum(p, { count: 2, K: s.K + 12 });
    expect(Math.abs(bigger.gap - s.gap) / s.gap).toBeLessThan(1e-7);
  });

  it('a basis too small for the upper branch gives a different (wrong) gap: the automatic K never starts there', () => {
    // N = 10, ε = 0.65 < ε−: the upper branch is only a ghost, yet it carries the slowest mode (λ ≈ 0.29, not 0.505)
    const p = { ...PAPER, N: 10, eps: 0.65 };
    const small = liouvillianSpectrum(p, { count: 1, K: 24 });
    const auto = liouvillianSpectrum(p, { count: 1, tol: 1e-6 });
    expect(auto.converged).toBe(true);
    expect(auto.K).toBeGreaterThan(40);
    expect(Math.abs(small.gap - auto.gap) / auto.gap).toBeGreaterThan(0.1);
  });

  it('a tiny gap (λ ~ 1e-4 κ) is resolved to full relative accuracy: default shift vs a shift next to it', () => {
    const raw = toRaw({ ...PAPER, N: 12, eps: 0.95 });
    const a = spectrumAtK(raw, 60, 1);
    const lambda = Math.abs(a.eigenvalues[0].re);
    expect(lambda).toBeLessThan(1e-3);
    const b = spectrumAtK(raw, 60, 1, { shift: { re: lambda, im: 0 } });
    expect(Math.abs(b.eigenvalues[0].re + lambda) / lambda).toBeLessThan(1e-8);
  });

  it('a tolerance below what round-off allows for a tiny gap: not converged, and the note says why', () => {
    // λ ≈ 3.7e-7 at N = 20, ε = 0.933 is ~1e-9 of max|L|: relative changes of 1e-12 between cut-offs are out of reach
    const tiny = liouvillianSpectrum({ ...PAPER, N: 20, eps: 0.933 }, { count: 1, tol: 1e-12, kMax: 112 });
    expect(tiny.converged).toBe(false);
    expect(tiny.kHistory.length).toBeGreaterThanOrEqual(3);
    expect(tiny.note).toMatch(/round-off/);
    // the same point with a reachable tolerance converges, without any such note
    const ok = liouvillianSpectrum({ ...PAPER, N: 20, eps: 0.933 }, { count: 1, tol: 1e-7, kMax: 112 });
    expect(ok.converged).toBe(true);
    expect(ok.note).toBeUndefined();
  });

  it('deep in the window (λ ~ 1e-6 κ, N = 20) four slowest: ζ₁ once, the same as for count = 1, then distinct modes', () => {
    // An imaginary-axis shift also finds ζ₁, but only to ~1e-4 relative (its distance to the shift is ~5·10⁶ λ): it
    // must be recognised as ζ₁, not reported as a second eigenvalue (it once was, as a spurious pair ζ₁ ± 1e-11 i).
    const p = { ...PAPER, N: 20, eps: 0.933 };
    const s4 = liouvillianSpectrum(p, { count: 4 });
    const s1 = liouvillianSpectrum(p, { count: 1 });
    expect(s4.converged).toBe(true);
    expect(s1.gap).toBeLessThan(1e-5);
    expect(Math.abs(s4.gap - s1.gap) / s1.gap).toBeLessThan(1e-7);
    for (let i = 1; i < 4; i++) expect(Math.abs(s4.eigenvalues[i].re)).toBeGreaterThan(1e3 * s1.gap);
  });
});

describe('gap sweep and bad inputs', () => {
  it('gapSweep streams one point per (N, ε) with the same gaps as single calls', () => {
    const seen: number[] = [];
    const pts = gapSweep(PAPER, [1, 2], [0.8, 1.0], { onPoint: (_p, i, total) => (seen.push(i), expect(total).toBe(4)) });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(pts.map((p) => [p.N, p.eps])).toEqual([[1, 0.8], [1, 1.0], [2, 0.8], [2, 1.0]]);
    for (const p of pts) {
      expect(p.converged).toBe(true);
      const g = liouvillianGap({ ...PAPER, N: p.N, eps: p.eps }, { K: p.K });
      expect(Math.abs(g - p.gap) / p.gap).toBeLessThan(1e-9);
      expect(p.gap).toBe(Math.abs(p.zeta1.re));
    }
  });

  it('rejects bad inputs with ParameterError naming the field', () => {
    const p = { ...PAPER, N: 2, eps: 1 };
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ParameterError);
        return (e as ParameterError).field;
      }
      return 'no error';
    };
    expect(field(() => liouvillianSpectrum(p, { count: 0 }))).toBe('count');
    expect(field(() => liouvillianSpectrum(p, { count: 2.5 }))).toBe('count');
    expect(field(() => liouvillianSpectrum(p, { K: 1 }))).toBe('K');
    expect(field(() => liouvillianSpectrum(p, { tol: -1 }))).toBe('tol');
    expect(field(() => liouvillianSpectrum({ ...p, eps: Number.NaN }))).toBe('eps');
    expect(field(() => liouvillianSpectrum({ ...p, kappa: 0 }))).toBe('kappa');
    expect(field(() => liouvillianSpectrum(p, { K: 3, count: 7 }))).toBe('count');
  });
});
