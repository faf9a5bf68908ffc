import { describe, expect, it } from 'vitest';
import { advanceQuench, planQuench, propagateInterval, quenchInitialState, runQuench, type QuenchSpec } from '../../../src-core/kerr/quench.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { QUENCH_COLUMNS } from '../../../src-core/kerr/types.js';
import { kerrObservables, refinedGrid } from '../../../src-core/phaseSpace/observables.js';
import { ParameterError } from '../../../src-core/validation.js';

const base: QuenchSpec = { kappa: 0.5, delta: -2, u: 1, N: 2, epsInitial: 0.5, epsFinal: 1.1, tMax: 1, dt: 0.2 };
const col = (name: (typeof QUENCH_COLUMNS)[number]) => QUENCH_COLUMNS.indexOf(name);

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof ParameterError) return e.field;
    throw e;
  }
  return undefined;
}

describe('planQuench', () => {
  it('fixes K and the sample times t_i = i·Δt (never accumulated), 0 … tMax inclusive', () => {
    const p = planQuench({ ...base, tMax: 50, dt: 0.2 });
    expect(p.samples).toBe(251);
    expect(p.times[0]).toBe(0);
    expect(p.times[250]).toBe(250 * 0.2);
    expect(p.times[137]).toBe(137 * 0.2);
    expect(p.K).toBeGreaterThan(10);
    expect(planQuench({ ...base, K: 17 }).K).toBe(17);
  });

  it('rejects bad specs with a ParameterError naming the field', () => {
    expect(fieldOf(() => planQuench({ ...base, dt: 0.3 }))).toBe('dt');
    expect(fieldOf(() => planQuench({ ...base, dt: 2 }))).toBe('dt');
    expect(fieldOf(() => planQuench({ ...base, tMax: 0 }))).toBe('tMax');
    expect(fieldOf(() => planQuench({ ...base, epsFinal: -1 }))).toBe('epsFinal');
    expect(fieldOf(() => planQuench({ ...base, epsInitial: NaN }))).toBe('epsInitial');
    expect(fieldOf(() => planQuench({ ...base, K: 12.5 }))).toBe('K');
    expect(fieldOf(() => planQuench({ ...base, N: 0 }))).toBe('N');
    expect(fieldOf(() => planQuench({ ...base, kappa: -1 }))).toBe('kappa');
    expect(fieldOf(() => planQuench({ ...base, rtol: 0.5 }))).toBe('rtol');
    expect(fieldOf(() => planQuench({ ...base, N: 1e5, epsFinal: 1.3 }))).toBe('N');
  });

  it('starts from the NESS at ε_i in the plan\'s K', () => {
    const p = planQuench(base);
    const r = quenchInitialState(p);
    expect(r.K).toBe(p.K);
    expect(r.re).toEqual(nessDensityMatrix(p.initial, p.K).re);
  });
});

describe('runQuench', () => {
  it('gives one row per sample in QUENCH_COLUMNS order, the NESS balance Π_U + Π_J = Φ at t = 0', () => {
    const r = runQuench(base);
    expect(r.rows.length).toBe(6);
    expect(r.columns).toEqual(QUENCH_COLUMNS);
    for (const row of r.rows) expect(row.length).toBe(QUENCH_COLUMNS.length);
    const r0 = r.rows[0];
    const Phi = r0[col('Phi')];
    expect(Math.abs(r0[col('Pi_U')] + r0[col('Pi_J')] - Phi) / Phi).toBeLessThan(1e-8);
    expect(r.maxTraceError).toBeLessThan(1e-12);
    expect(r.maxHermiticityError).toBe(0);
    expect(r.maxTopPopulation).toBeLessThan(1e-12);
    // the same propagation step by step (the studies' path) gives the same rows
    let rho = quenchInitialState(r.plan);
    for (let i = 1; i < 6; i++) rho = advanceQuench(rho, r.plan.final, base.dt, r.plan.rtol, r.plan.adaptive).rho;
    const nK = rho.K;
    let n = 0;
    for (let m = 0; m < nK; m++) n += m * rho.re[m * nK + m];
    expect(n).toBe(r.rows[5][col('n')]);
  });

  it('obeys the entropy balance dS_W/dt = Π_U + Π_J − Φ along a quench (Eq. 18, finite differences)', () => {
    const h = 0.02;
    const r = runQuench({ ...base, N: 2, tMax: 1.2, dt: h });
    const S = r.rows.map((row) => row[col('S_W')]);
    let worst = 0, scale = 0;
    for (let i = 2; i < r.rows.length - 2; i++) {
      // fourth-order central difference
      const dS = (-S[i + 2] + 8 * S[i + 1] - 8 * S[i - 1] + S[i - 2]) / (12 * h);
      const row = r.rows[i];
      const rhs = row[col('Pi_U')] + row[col('Pi_J')] - row[col('Phi')];
      worst = Math.max(worst, Math.abs(dS - rhs));
      scale = Math.max(scale, Math.abs(dS));
    }
    // the quench drives S_W visibly, and the balance holds to the finite-difference error
    expect(scale).toBeGreaterThan(1e-2);
    expect(worst).toBeLessThan(5e-7); // measured 4e-8 (the h⁴ error of the difference)
  });

  it('rows agree with an independent path: Lawson–DOP853 at rtol 1e-13 and observables on a refined grid', () => {
    const spec = { ...base, N: 5, tMax: 2, dt: 0.4 };
    const r = runQuench(spec);
    // the reference runs in one fixed basis larger than any the adaptive run used
    let rho = quenchInitialState(r.plan, Math.max(...r.Ks) + 6);
    let worst = 0;
    for (let i = 0; i < r.plan.samples; i++) {
      if (i > 0) rho = propagateInterval(rho, r.plan.final, spec.dt, { method: 'dop853', rtol: 1e-13, atol: 1e-16 });
      const o = kerrObservables(rho, i === 0 ? r.plan.initial : r.plan.final);
      const g = refinedGrid(o.grid);
      const f = kerrObservables(rho, i === 0 ? r.plan.initial : r.plan.final, { grid: g });
      const ref = [r.plan.times[i], f.a_re, f.a_im, f.n, f.S_W, f.Pi_J, f.Pi_ext, f.Pi_d, f.Pi_U, f.Phi, f.Phi_ext, f.Phi_q, f.G];
      for (let c = 1; c < ref.length; c++)
        worst = Math.max(worst, Math.abs(r.rows[i][c] - ref[c]) / Math.max(1e-6 * Math.abs(ref[c]), 1e-9));
    }
    // in units of the target (1e-6 relative or 1e-9 absolute); measured 2.9e-4
    expect(worst).toBeLessThan(1e-2);
  });

  it('refuses a basis too small for the state, naming K', () => {
    expect(() => runQuench({ ...base, N: 5, K: 10 })).toThrow(/K = 10/);
  });
});
