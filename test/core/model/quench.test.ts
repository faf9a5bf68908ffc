/**
 * Model-layer quench (issue 15): the propagator against the Kerr kernel on the Kerr instance, the fast Π_U parts
 * against their generic definition, and runModelQuench's rows, parity and checks.
 */
import { describe, expect, it } from 'vitest';
import { propagateInterval } from '../../../src-core/kerr/propagate.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { kerrModel, twoPhotonKerrModel } from '../../../src-core/model/instances.js';
import { oddPartZero, propagateModelInterval } from '../../../src-core/model/propagate.js';
import { MODEL_QUENCH_COLUMNS, planModelQuench, runModelQuench } from '../../../src-core/model/quench.js';
import { twoPhotonNess } from '../../../src-core/model/twoPhotonKerr.js';
import { modelEntropyProduction } from '../../../src-core/phaseSpace/modelEntropy.js';
import { fastModelEntropy } from '../../../src-core/phaseSpace/twoPhotonEntropy.js';
import { ParameterError } from '../../../src-core/validation.js';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';

const maxDiff = (a: ComplexMatrix, b: ComplexMatrix): number => {
  let d = 0;
  for (let i = 0; i < a.re.length; i++) d = Math.max(d, Math.hypot(a.re[i] - b.re[i], a.im[i] - b.im[i]));
  return d;
};
const BASE = { kappa: 0.5, delta: 0, u: 1, eps: 0, eta0: 0 };

describe('model propagator', () => {
  it('on the Kerr instance it agrees with the Kerr kernel (an independent implementation) to round-off', () => {
    const p0 = { kappa: 0.5, delta: -2, u: 1, N: 5, eps: 0.5 }, p1 = { ...p0, eps: 1.1 };
    let a = nessDensityMatrix(p0, 40), b = a;
    for (let i = 0; i < 5; i++) {
      a = propagateInterval(a, p1, 0.2, { rtol: 1e-13 });
      b = propagateModelInterval(b, kerrModel(p1), 0.2, { rtol: 1e-13 });
    }
    expect(maxDiff(a, b)).toBeLessThan(1e-13);
  });

  it('parity: from an even state under an ε = 0 model the odd part stays zero (even-sector and full propagation agree)', () => {
    const p = { ...BASE, N: 5, g: 1 };
    const rho0 = twoPhotonNess({ ...p, g: 0.3 }, { K: 30 }).rho;
    expect(oddPartZero(rho0)).toBe(true);
    const m = twoPhotonKerrModel(p);
    const even = propagateModelInterval(rho0, m, 0.5);
    const full = propagateModelInterval(rho0, m, 0.5, { parity: false });
    expect(oddPartZero(even)).toBe(true);
    let odd = 0;
    for (let i = 0; i < 30; i++) for (let j = (i + 1) % 2; j < 30; j += 2) odd = Math.max(odd, Math.hypot(full.re[i * 30 + j], full.im[i * 30 + j]));
    expect(odd).toBe(0); // the full stencil never couples the sectors: exact zeros stay exact
    expect(maxDiff(even, full)).toBeLessThan(1e-15);
  });
});

describe('Π_U per term from q and D', () => {
  it('equals the generic −∫Q[−i[H_term, ρ]] ln Q for the Kerr and two-photon parts (ε = 0 and ε > 0, Δ ≠ 0)', () => {
    for (const [N, g, eps, delta] of [[10, 1, 0, 0], [5, 0.7, 0.3, -0.4], [8, 0.9, 0.2, 0.5]]) {
      const p = { ...BASE, delta, eps, N, g };
      const m = twoPhotonKerrModel(p);
      const K = twoPhotonNess(p).K + 10;
      // a transient state (not a NESS): the quench from g = 0.3 after t = 1
      const rho = propagateModelInterval(twoPhotonNess({ ...p, g: 0.3 }, { K }).rho, m, 1);
      const a = modelEntropyProduction(rho, m), b = fastModelEntropy(rho, m);
      expect(Math.abs(b.Pi_U_terms.kerr! - a.Pi_U_terms.kerr!)).toBeLessThan(1e-10 * Math.max(1, Math.abs(a.Pi_U_terms.kerr!)));
      expect(Math.abs(b.Pi_U_terms.twoPhotonDrive! - a.Pi_U_terms.twoPhotonDrive!)).toBeLessThan(1e-10 * Math.max(1, Math.abs(a.Pi_U_terms.twoPhotonDrive!)));
      expect(Math.abs(b.Pi_U_terms.twoPhotonDrive!)).toBeGreaterThan(1e-3); // not a comparison of zeros
      expect(b.S_W).toBeCloseTo(a.S_W, 12);
      expect(b.Pi_J).toBeCloseTo(a.Pi_J, 12);
    }
  });
});

describe('runModelQuench', () => {
  it('quench in g across the threshold: the Kerr columns plus Π_U per term; parity kept; trace and truncation checked', () => {
    const r = runModelQuench({ model: 'two-photon-kerr', initial: { ...BASE, N: 5, g: 0.3 }, final: { ...BASE, N: 5, g: 1 }, tMax: 2, dt: 0.2 });
    expect(r.columns).toEqual(MODEL_QUENCH_COLUMNS);
    expect(r.rows).toHaveLength(11);
    expect(r.plan.parity).toBe(true);
    for (const row of r.rows) {
      expect(row).toHaveLength(MODEL_QUENCH_COLUMNS.length);
      const o = Object.fromEntries(MODEL_QUENCH_COLUMNS.map((c, i) => [c, row[i]]));
      expect(o.a_re).toBe(0); // <a> = 0 exactly: the odd sector is never populated
      expect(o.a_im).toBe(0);
      expect(o.Pi_U).toBeCloseTo(o.Pi_U_kerr + o.Pi_U_two_photon, 14);
      expect(o.Pi_eta).toBe(0);
    }
    // the start is the NESS at g_i: balance Π_U + Π_J = Φ there
    const o0 = Object.fromEntries(MODEL_QUENCH_COLUMNS.map((c, i) => [c, r.rows[0][i]]));
    expect(Math.abs(o0.Pi_U + o0.Pi_J - o0.Phi)).toBeLessThan(1e-9);
    expect(r.maxTraceError).toBeLessThan(1e-12);
    expect(r.maxTopPopulation).toBeLessThan(1e-9);
    // the photon number grows after the quench above threshold
    expect(r.rows[10][3]).toBeGreaterThan(r.rows[0][3] * 1.5);
  });

  it('quench in ε at fixed g: no parity sector, <a> ≠ 0', () => {
    const r = runModelQuench({ model: 'two-photon-kerr', initial: { ...BASE, N: 3, g: 0.6, eps: 0 }, final: { ...BASE, N: 3, g: 0.6, eps: 0.4 }, tMax: 1, dt: 0.5 });
    expect(r.plan.parity).toBe(false);
    expect(Math.hypot(r.rows[2][1], r.rows[2][2])).toBeGreaterThan(0.1);
  });

  it('refuses bad specs naming the field', () => {
    const ok = { model: 'two-photon-kerr' as const, initial: { ...BASE, N: 3, g: 0.3 }, final: { ...BASE, N: 3, g: 1 }, tMax: 1, dt: 0.2 };
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ParameterError);
        return (e as ParameterError).field;
      }
      return 'no error';
    };
    expect(field(() => planModelQuench({ ...ok, final: { ...ok.final, g: -1 } }))).toBe('final.g');
    expect(field(() => planModelQuench({ ...ok, initial: { ...ok.initial, kappa: 0 } }))).toBe('initial.kappa');
    expect(field(() => planModelQuench({ ...ok, final: { ...ok.final, N: 4 } }))).toBe('final.N');
    expect(field(() => planModelQuench({ ...ok, dt: 0.3 }))).toBe('dt');
    expect(field(() => planModelQuench({ ...ok, K: 1 }))).toBe('K');
    expect(field(() => planModelQuench({ ...ok, initial: { ...ok.initial, N: 1e6, g: 100 }, final: { ...ok.final, N: 1e6, g: 100 } }))).toBe('initial.N');
  });
});
