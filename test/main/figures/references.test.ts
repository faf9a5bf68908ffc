// The figures' reference values against independent routes: the Gaussian Π_d formula against exact limits and against
// Π_d of Fock-space NESSs (Husimi integrals, no Gaussian assumption), the exact-moment reference against the
// linearised fluctuation theory, and the mean-field quench end against the branches of the cubic (seed Eq. 5).
import { describe, expect, it } from 'vitest';
import { chooseK } from '../../../src-core/kerr/truncation.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { kerrObservables } from '../../../src-core/phaseSpace/observables.js';
import { bistableWindow, meanFieldSteadyStates } from '../../../src-core/kerr/meanField.js';
import { exactNessReference, gaussianPiD, linearisedNess, meanFieldCurve, meanFieldQuenchEnd } from '../../../src-main/figures/references.js';
import { axisExponent, scaledLabel, yRange } from '../../../src-main/figures/render.js';
import type { Panel } from '../../../src-main/figures/specs.js';

const model = { kappa: 0.5, delta: -2, u: 1 };

describe('Gaussian Π_d', () => {
  it('vanishes for coherent states and is 2κ n²/(n + 1) for thermal ones (PHYSICS.md: Π_d = 0 for |β>)', () => {
    expect(gaussianPiD(0.5, 0, 0)).toBe(0);
    for (const n of [0.1, 1, 7.5]) expect(gaussianPiD(0.7, n, 0)).toBeCloseTo((2 * 0.7 * n * n) / (n + 1), 12);
  });

  it('agrees with Π_d of the Fock NESS (Husimi integrals) as N grows, away from ε_c', () => {
    for (const eps of [0.6, 1.3]) {
      const ref = exactNessReference(model, eps).Pi_d;
      const pd = (N: number) => {
        const K = chooseK({ ...model, N }, [eps], { maxK: 200 }).K;
        return kerrObservables(nessDensityMatrix({ ...model, eps, N }, K), { ...model, eps, N }).Pi_d;
      };
      const p10 = pd(10), p20 = pd(20);
      // 1/N convergence towards the N = 1000 value: the N = 20 error is about half the N = 10 error and below 5 %.
      expect(Math.abs(p20 - ref) / ref).toBeLessThan(0.05);
      expect(Math.abs(p20 - ref)).toBeLessThan(0.75 * Math.abs(p10 - ref));
    }
  });

  it('equals the linearised (Lyapunov) fluctuation theory on the branch the exact NESS selects', () => {
    for (const eps of [0.5, 0.6, 0.8, 1.16616, 1.3]) {
      const ex = exactNessReference(model, eps);
      const branch = meanFieldSteadyStates({ ...model, eps })
        .filter((s) => s.stable)
        .reduce((a, b) => (Math.abs(Math.sqrt(b.n) - ex.alpha_abs) < Math.abs(Math.sqrt(a.n) - ex.alpha_abs) ? b : a));
      const lin = linearisedNess(model, branch.alpha_re, branch.alpha_im)!;
      expect(Math.abs(lin.Pi_d - ex.Pi_d) / ex.Pi_d).toBeLessThan(2e-3);
      expect(Math.abs(lin.Phi_q - ex.Phi_q) / ex.Phi_q).toBeLessThan(2e-3);
    }
    // the unstable middle branch has no stationary covariance
    const mid = meanFieldSteadyStates({ ...model, eps: 0.9 }).find((s) => !s.stable)!;
    expect(linearisedNess(model, mid.alpha_re, mid.alpha_im)).toBeNull();
  });

  it('is huge at ε_c for N = 1000 (two-peaked mixture), as the seed says for Fig. 7(c)', () => {
    expect(exactNessReference(model, 0.933).Pi_d).toBeGreaterThan(100);
    // …which is why it is called bimodal: its fluctuations are O(N), those of the single-peaked states O(1).
    expect(exactNessReference(model, 0.933).fluctuationsPerN).toBeGreaterThan(0.3);
    for (const eps of [0.6, 0.8, 1.1, 1.3]) {
      expect(exactNessReference(model, eps).fluctuationsPerN, `ε = ${eps}`).toBeLessThan(0.005);
      expect(exactNessReference(model, eps).bimodal).toBe(false);
    }
  });
});

describe('mean-field references', () => {
  it('a quench from ε_i = 0.5 ends on the dark branch inside the window and on the bright one past ε+', () => {
    const w = bistableWindow(model)!;
    for (const epsF of [0.8, 0.933, 1.1]) {
      const st = meanFieldSteadyStates({ ...model, eps: epsF }).filter((s) => s.stable);
      expect(st.length).toBe(2);
      expect(meanFieldQuenchEnd(model, 0.5, epsF).n).toBe(st[0].n);
    }
    for (const epsF of [w.epsPlus + 1e-3, 1.3]) {
      const st = meanFieldSteadyStates({ ...model, eps: epsF }).filter((s) => s.stable);
      expect(st.length).toBe(1);
      expect(meanFieldQuenchEnd(model, 0.5, epsF).n).toBe(st[0].n);
    }
  });

  it('draws the S-curve through both folds: every point solves the cubic', () => {
    const c = meanFieldCurve({ kappa: 0.5, delta: -3, u: 1 }, 2.5, 50);
    const w = bistableWindow({ kappa: 0.5, delta: -3, u: 1 })!;
    const pts = [...c.stable.flat(), ...c.unstable.flat()];
    for (const [eps, a] of pts) {
      const n = a * a;
      expect(Math.sqrt(n * (0.25 + (-3 + n) ** 2))).toBeCloseTo(eps, 9);
    }
    expect(Math.max(...c.stable.flat().map((p) => p[0]))).toBeGreaterThan(w.epsPlus);
    expect(c.unstable.length).toBe(1);
  });
});

describe('y-range rule', () => {
  const panel = (ys: number[], refs: number[], nonNegative = true): Panel => ({
    tag: '',
    title: '',
    xLabel: 'x',
    yLabel: 'y [u]',
    xDomain: [0, 1],
    yType: 'linear',
    nonNegative,
    lines: [{ stroke: '#000', dash: '', width: 1, legend: '', points: ys.map((y, i) => [i, y]) }],
    hrefs: refs.map((y) => ({ stroke: '#000', dash: '', width: 1, legend: 'r', y, name: 'r' })),
    vrefs: [],
    bands: [],
  });
  it('includes a reference within 3× of the data range, names one beyond it, starts non-negative axes at 0', () => {
    const r = yRange(panel([0.1, 0.5], [0.9, 5]));
    expect(r.domain).toEqual([0, 0.9]);
    expect(r.drawn.map((h) => h.y)).toEqual([0.9]);
    expect(r.notes).toEqual(['r = 5 ↑ (off scale)']);
    expect(yRange(panel([-1e-16, 0.3], [])).domain[0]).toBe(0);
    expect(yRange(panel([-0.2, 0.3], [], false)).domain[0]).toBe(-0.2);
  });
  it('factors powers of ten out of small or large axes into the unit', () => {
    expect(axisExponent([0, 0.0025])).toBe(-3);
    expect(axisExponent([0, 0.25])).toBe(0);
    expect(axisExponent([0, 2.7e10])).toBe(9);
    expect(scaledLabel('Π_{d} [nat·2κ]', -3)).toBe('Π_{d} [10⁻³ nat·2κ]');
  });
});
