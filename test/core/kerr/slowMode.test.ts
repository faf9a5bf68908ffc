import { describe, expect, it } from 'vitest';
import { applyLiouvillian } from '../../../src-core/kerr/liouvillian.js';
import { toRaw } from '../../../src-core/kerr/model.js';
import { propagateInterval } from '../../../src-core/kerr/propagate.js';
import { advanceQuench, planQuench, quenchInitialState, runQuench, type QuenchSpec } from '../../../src-core/kerr/quench.js';
import { SlowModeCache, slowModeStep, slowModesPay } from '../../../src-core/kerr/slowMode.js';
import { spectrumAtK } from '../../../src-core/kerr/spectrum.js';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';

const model = { kappa: 0.5, delta: -2, u: 1 };
// N = 5, ε 0.5 → 1.1: K = 37 after the transient, slowest mode λ ≈ −0.09, the next at Re ζ ≈ −0.5: slow steps from t ≈ 42
const spec: QuenchSpec = { ...model, N: 5, epsInitial: 0.5, epsFinal: 1.1, tMax: 60, dt: 0.2 };
const final = { ...model, N: 5, eps: 1.1 };

const maxDiff = (a: ComplexMatrix, b: ComplexMatrix): number => {
  let d = 0;
  for (let i = 0; i < a.re.length; i++) d = Math.max(d, Math.hypot(a.re[i] - b.re[i], a.im[i] - b.im[i]));
  return d;
};

describe('slow-mode steps near the NESS', () => {
  it('the mode is an eigenvector of L with the slowest eigenvalue of the shift-invert Arnoldi spectrum', () => {
    const K = 37;
    const mode = new SlowModeCache(final).get(K)!;
    expect(mode).not.toBeNull();
    const spec0 = spectrumAtK(toRaw(final), K, 3);
    // Arnoldi's slowest (a real eigenvalue: the tunnelling between the branches) against the inverse iteration's
    expect(spec0.eigenvalues[0].im).toBe(0);
    expect(Math.abs(mode.lambda - spec0.eigenvalues[0].re) / Math.abs(spec0.eigenvalues[0].re)).toBeLessThan(1e-10);
    const out = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
    applyLiouvillian(toRaw(final), mode.r, out);
    let res = 0, tr = 0, herm = 0;
    for (let i = 0; i < K * K; i++) res = Math.max(res, Math.hypot(out.re[i] - mode.lambda * mode.r.re[i], out.im[i] - mode.lambda * mode.r.im[i]));
    for (let m = 0; m < K; m++) {
      tr += mode.r.re[m * K + m];
      for (let n = 0; n < K; n++) herm = Math.max(herm, Math.hypot(mode.r.re[m * K + n] - mode.r.re[n * K + m], mode.r.im[m * K + n] + mode.r.im[n * K + m]));
    }
    expect(res).toBeLessThan(1e-12);
    expect(mode.resMode).toBeLessThan(1e-11);
    expect(Math.abs(tr)).toBeLessThan(1e-14);
    expect(herm).toBe(0);
  });

  it('every observable agrees with plain Taylor propagation (second method) to ≤ 1e-10 relative', () => {
    const a = runQuench(spec, undefined, { slowModes: true });
    const b = runQuench(spec, undefined, { slowModes: false });
    expect(b.stats.slowSteps ?? 0).toBe(0);
    // the slow steps did engage, and spared Taylor work
    expect(a.stats.slowSteps).toBeGreaterThan(60);
    expect(a.stats.evaluations).toBeLessThan(0.8 * b.stats.evaluations);
    expect(a.Ks).toEqual(b.Ks);
    let worst = 0;
    for (let i = 0; i < a.rows.length; i++)
      for (let j = 1; j < a.columns.length; j++) {
        const x = a.rows[i][j], y = b.rows[i][j];
        worst = Math.max(worst, Math.abs(x - y) / Math.abs(y));
      }
    expect(worst).toBeLessThan(1e-10);
    expect(worst).toBeGreaterThan(0); // they are two methods, not one
  });

  it('by default only where a set-up can pay: not in a run that ends soon after the fast modes decay (slowModesPay)', () => {
    // t ≤ 60: the faster modes reach the Taylor floor at ≈ ln(1e10)/κ = 46, leaving 70 samples (< 2 × 50 set-up steps)
    expect(slowModesPay(301, 0.2, 0.5, 1e-10)).toBe(false);
    expect(slowModesPay(501, 0.2, 0.5, 1e-10)).toBe(true);
    expect(slowModesPay(100_001, 0.2, 0.5, 1e-10)).toBe(true); // the extended preset (t ≤ 20 000 until the NESS)
    expect(slowModesPay(100_001, 0.2, 0.5, 1e-14)).toBe(true);
    const auto = runQuench(spec);
    expect(auto.stats.slowSteps ?? 0).toBe(0);
    expect(auto.rows).toEqual(runQuench(spec, undefined, { slowModes: false }).rows);
  });

  it('the step error bound holds against a tight Taylor propagation, and a state off the slow manifold is refused', () => {
    const K = 37;
    const cache = new SlowModeCache(final);
    const mode = cache.get(K)!;
    const n = K * K;
    // ρ = ρ_ss + 0.4 r + ε X with X a fixed Hermitian traceless pattern
    const make = (eps: number): ComplexMatrix => {
      const re = new Float64Array(n), im = new Float64Array(n);
      for (let m = 0; m < K; m++)
        for (let q = 0; q < K; q++) {
          const i = m * K + q;
          const x = m === q ? (m === 1 ? 1 : m === 2 ? -1 : 0) : Math.exp(-0.3 * (m + q)) * Math.cos(m - 2 * q) * (m < q ? 1 : 1);
          const y = m === q ? 0 : Math.exp(-0.3 * (m + q)) * Math.sin(m + q) * (m < q ? 1 : -1);
          re[i] = mode.ness.re[i] + 0.4 * mode.r.re[i] + eps * x;
          im[i] = mode.ness.im[i] + 0.4 * mode.r.im[i] + eps * y;
        }
      return { K, re, im };
    };
    const near = make(1e-13);
    const s = slowModeStep(near, cache, 0.2, 1e-10);
    expect(s).not.toBeNull();
    const ref = propagateInterval(near, final, 0.2, { rtol: 1e-14 });
    const err = maxDiff(s!.rho, ref);
    expect(err).toBeLessThanOrEqual(s!.bound);
    expect(s!.c).toBeCloseTo(0.4, 10);
    // a perturbation the slow mode cannot carry: the Taylor step runs instead
    expect(slowModeStep(make(1e-6), cache, 0.2, 1e-10)).toBeNull();
  });

  it('resumed from any saved ρ the steps repeat bit for bit (the mode depends only on the parameters and K)', () => {
    const plan = planQuench(spec);
    let rho = quenchInitialState(plan);
    const cacheA = new SlowModeCache(plan.final);
    const states: ComplexMatrix[] = [];
    for (let i = 1; i <= 260; i++) {
      rho = advanceQuench(rho, plan.final, plan.spec.dt, plan.rtol, plan.adaptive, undefined, cacheA).rho;
      states.push(rho);
    }
    // resume at sample 230 (slow phase) and at 200 (just before it) with fresh caches
    for (const k of [200, 230]) {
      let r: ComplexMatrix = { K: states[k - 1].K, re: states[k - 1].re.slice(), im: states[k - 1].im.slice() };
      const cacheB = new SlowModeCache(plan.final);
      for (let i = k + 1; i <= 260; i++) {
        r = advanceQuench(r, plan.final, plan.spec.dt, plan.rtol, plan.adaptive, undefined, cacheB).rho;
        expect(Buffer.from(r.re.buffer).equals(Buffer.from(states[i - 1].re.buffer))).toBe(true);
        expect(Buffer.from(r.im.buffer).equals(Buffer.from(states[i - 1].im.buffer))).toBe(true);
      }
    }
  });

  it('arrival at the NESS: the same sample and distance as with Taylor steps only', () => {
    const s: QuenchSpec = { ...spec, tMax: 400 };
    const tol = 1e-2;
    const a = runQuench(s, undefined, { untilNess: { tol, gap: null } });
    const b = runQuench(s, undefined, { untilNess: { tol, gap: null }, slowModes: false });
    expect(a.stats.slowSteps).toBeGreaterThan(0);
    expect(a.ness!.reached).toBe(true);
    expect(a.ness!.tFinal).toBe(b.ness!.tFinal);
    expect(a.rows.length).toBe(b.rows.length);
    // the distance is relative in the observables (floor 1e-3 of the unit): ~1e-13 of difference against tol 1e-2
    expect(Math.abs(a.ness!.distance - b.ness!.distance)).toBeLessThan(1e-8 * tol);
    expect(a.ness!.worst).toBe(b.ness!.worst);
  });
});
