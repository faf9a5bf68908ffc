// Issue 12: the adaptive Fock basis of a quench and the honest run to the NESS.
import { describe, expect, it } from 'vitest';
import { exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import {
  NessEta, nessDistance, NESS_OBSERVABLES, planQuench, quenchInitialState, runQuench, type QuenchSpec,
} from '../../../src-core/kerr/quench.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { adaptiveTargetK, DEFAULT_ADAPTIVE_K, embedRho, truncateRho } from '../../../src-core/kerr/truncation.js';
import { QUENCH_COLUMNS } from '../../../src-core/kerr/types.js';
import { kerrObservables } from '../../../src-core/phaseSpace/observables.js';

const model = { kappa: 0.5, delta: -2, u: 1 };
const col = (name: (typeof QUENCH_COLUMNS)[number]) => QUENCH_COLUMNS.indexOf(name);

/** Largest |a − b| / max(|b|, floor) over all columns but t. */
function worstRel(a: number[][], b: number[][], floor = 1e-9): { err: number; where: string } {
  let err = 0, where = '';
  for (let i = 0; i < a.length; i++)
    for (let c = 1; c < QUENCH_COLUMNS.length; c++) {
      const e = Math.abs(a[i][c] - b[i][c]) / Math.max(Math.abs(b[i][c]), floor);
      if (e > err) {
        err = e;
        where = `${QUENCH_COLUMNS[c]} at t = ${a[i][0]}`;
      }
    }
  return { err, where };
}

describe('adaptive K', () => {
  it('zero padding and compression are exact inverses; compression reports the population it drops', () => {
    const rho = nessDensityMatrix({ ...model, N: 2, eps: 0.8 }, 20);
    const big = embedRho(rho, 31);
    expect(big.K).toBe(31);
    const back = truncateRho(big, 20);
    expect(back.discarded).toBe(0);
    expect(back.rho.re).toEqual(rho.re);
    expect(back.rho.im).toEqual(rho.im);
    const small = truncateRho(rho, 12);
    let tail = 0;
    for (let n = 12; n < 20; n++) tail += rho.re[n * 20 + n];
    expect(small.discarded).toBe(tail);
    expect(small.discarded).toBeGreaterThan(0);
  });

  it('grows while the top levels hold population and shrinks only by a whole step (hysteresis)', () => {
    const p = { ...model, N: 5, eps: 1.1 };
    const tight = nessDensityMatrix(p, 24); // too small: top population ≫ preTol
    expect(adaptiveTargetK(tight)).toBeGreaterThan(24);
    const roomy = nessDensityMatrix(p, 120); // far too large: shrinks, losing ≤ shrinkTol
    const K2 = adaptiveTargetK(roomy);
    expect(K2).toBeLessThan(100);
    expect(truncateRho(roomy, K2).discarded).toBeLessThanOrEqual(DEFAULT_ADAPTIVE_K.shrinkTol);
    // after the shrink it neither grows back nor shrinks again
    expect(adaptiveTargetK(truncateRho(roomy, K2).rho)).toBe(K2);
  });

  it('gives the observables of a fixed basis larger than any it used (≤ 1e-8 relative), growing K along the way', () => {
    // rtol 1e-13: at the default 1e-10 the propagation error in the small eigenvalues of ρ moves G (a difference of
    // entropies, −Σ p ln p) by up to ~5e-10 between two fixed bases, which would hide the basis effect tested here
    const spec: QuenchSpec = { ...model, N: 5, epsInitial: 0.5, epsFinal: 1.1, tMax: 3, dt: 0.2, rtol: 1e-13 };
    const ad = runQuench(spec);
    expect(ad.plan.adaptive).not.toBeNull();
    const grows = ad.changes.filter((c) => c.to > c.from);
    expect(grows.length).toBeGreaterThanOrEqual(2); // measured: 23 → … → 41
    expect(new Set(ad.Ks).size).toBeGreaterThanOrEqual(3);
    const fixed = runQuench({ ...spec, K: Math.max(...ad.Ks) + 16 });
    expect(fixed.plan.adaptive).toBeNull();
    const w = worstRel(ad.rows, fixed.rows);
    expect(w.err, w.where).toBeLessThan(1e-8);
    expect(ad.maxTopPopulation).toBeLessThanOrEqual(DEFAULT_ADAPTIVE_K.growTol);
  });

  it('shrinks when the state leaves the top levels, dropping ≤ 1e-17 of the population, and still agrees with a fixed basis', () => {
    const spec: QuenchSpec = { ...model, N: 5, epsInitial: 1.1, epsFinal: 0.5, tMax: 6, dt: 0.2 };
    const ad = runQuench(spec);
    const shrinks = ad.changes.filter((c) => c.kind === 'shrink');
    expect(shrinks.length).toBeGreaterThanOrEqual(1);
    for (const c of shrinks) expect(c.discarded).toBeLessThanOrEqual(DEFAULT_ADAPTIVE_K.shrinkTol);
    const fixed = runQuench({ ...spec, K: ad.plan.K });
    const w = worstRel(ad.rows, fixed.rows);
    expect(w.err, w.where).toBeLessThan(1e-8);
  });

  it('keeps the entropy balance dS_W/dt = Π_U + Π_J − Φ across K changes (Eq. 18, finite differences)', () => {
    const h = 0.02;
    const r = runQuench({ ...model, N: 5, epsInitial: 0.5, epsFinal: 1.1, tMax: 1.2, dt: h });
    // at least one change strictly inside the differenced range (samples 2 … n − 3 use i ± 2)
    const inner = r.changes.filter((c) => c.sample >= 3 && c.sample <= r.rows.length - 3);
    expect(inner.length).toBeGreaterThanOrEqual(1);
    const S = r.rows.map((row) => row[col('S_W')]);
    let worst = 0, worstNear = 0;
    for (let i = 2; i < r.rows.length - 2; i++) {
      const dS = (-S[i + 2] + 8 * S[i + 1] - 8 * S[i - 1] + S[i - 2]) / (12 * h);
      const row = r.rows[i];
      const e = Math.abs(dS - (row[col('Pi_U')] + row[col('Pi_J')] - row[col('Phi')]));
      worst = Math.max(worst, e);
      if (inner.some((c) => Math.abs(c.sample - i) <= 2)) worstNear = Math.max(worstNear, e);
    }
    expect(worstNear).toBeGreaterThan(0);
    // the h⁴ error of the difference (the fixed-K test measures 4e-8 at N = 2); a K change adds nothing visible
    expect(worst).toBeLessThan(5e-6);
    expect(worstNear).toBeLessThan(5e-6);
  });
});

describe('until the NESS', () => {
  it('nessDistance: relative with a floor of 1e-3 of the unit, and ρ elementwise', () => {
    const rho = nessDensityMatrix({ ...model, N: 1, eps: 1.1 }, 16);
    const o = kerrObservables(rho, { ...model, N: 1, eps: 1.1 });
    expect(nessDistance(rho, o, rho, o, 0.5).distance).toBe(0);
    const shifted = { ...o, G: o.G * (1 + 3e-6) };
    const d = nessDistance(rho, shifted, rho, o, 0.5);
    expect(d.worst).toBe('G');
    expect(d.distance).toBeCloseTo(3e-6, 12);
    // a NESS value near zero: measured against 1e-3 of its unit (κ for rates)
    const tiny = { ...o, Pi_U: 0 };
    expect(nessDistance(rho, { ...tiny, Pi_U: 1e-9 }, rho, tiny, 0.5).distance).toBeCloseTo(1e-9 / 5e-4, 15);
  });

  it('declares arrival at the first sample where ρ and every observable are within tol of the NESS solve in the same K', () => {
    const tol = 1e-5;
    const spec: QuenchSpec = { ...model, N: 1, epsInitial: 0.5, epsFinal: 1.1, tMax: 200, dt: 0.2 };
    const seen: { rho: ReturnType<typeof quenchInitialState>; row: number[]; d: number }[] = [];
    const r = runQuench(spec, (_i, row, rho, info) => {
      seen.push({ rho, row, d: info.distance ?? NaN });
    }, { untilNess: { tol, gap: null } });
    expect(r.ness?.reached).toBe(true);
    const n = r.rows.length;
    expect(n).toBeLessThan(planQuench(spec).samples); // stopped before the cap
    const final = { ...model, N: 1, eps: 1.1 };
    // independent recomputation of the distance for the last two samples
    const dist = (k: number) => {
      const { rho, row } = seen[k];
      const ness = nessDensityMatrix(final, rho.K);
      const on = kerrObservables(ness, final);
      let d = 0;
      for (let i = 0; i < rho.re.length; i++) d = Math.max(d, Math.hypot(rho.re[i] - ness.re[i], rho.im[i] - ness.im[i]));
      const o = { S_W: row[col('S_W')], Pi_J: row[col('Pi_J')], Pi_d: row[col('Pi_d')], Pi_U: row[col('Pi_U')], Phi: row[col('Phi')], Phi_q: row[col('Phi_q')], G: row[col('G')], alpha_abs: Math.hypot(row[col('a_re')], row[col('a_im')]) };
      for (const x of NESS_OBSERVABLES) {
        const unit = x.startsWith('Pi') || x.startsWith('Phi') ? final.kappa : 1;
        d = Math.max(d, Math.abs(o[x] - on[x]) / Math.max(Math.abs(on[x]), 1e-3 * unit));
      }
      return d;
    };
    expect(dist(n - 1)).toBeLessThanOrEqual(tol);
    expect(dist(n - 2)).toBeGreaterThan(tol);
    expect(seen[n - 1].d).toBeCloseTo(dist(n - 1), 12);
    // and the state is the Drummond–Walls NESS: |α| and <a†a> within tol (plus truncation) of the exact moments
    const ex = exactNess(final);
    const last = r.rows[n - 1];
    expect(Math.abs(Math.hypot(last[col('a_re')], last[col('a_im')]) - ex.alpha_abs) / ex.alpha_abs).toBeLessThan(2 * tol);
    expect(Math.abs(last[col('n')] - ex.n) / ex.n).toBeLessThan(2 * tol);
  });

  it('the ETA uses the gap until the observed decay gives a rate, then predicts the arrival from the fit', () => {
    const lambda = 0.05, C = 0.3, tol = 1e-6;
    const eta = new NessEta(tol, 0.02); // a poor first guess
    const first = eta.add(1, C * Math.exp(-lambda));
    expect(first.source).toBe('gap');
    let last = first;
    for (let t = 2; t <= 60; t++) last = eta.add(t, C * Math.exp(-lambda * t) * (1 + 0.01 * Math.sin(t)));
    expect(last.source).toBe('fit');
    expect(Math.abs(last.rate - lambda) / lambda).toBeLessThan(0.02);
    const exact = Math.log(C / tol) / lambda;
    expect(Math.abs(last.tArrive - exact) / exact).toBeLessThan(0.02);
  });
});
