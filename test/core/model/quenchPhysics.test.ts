/**
 * Physics of the two-photon-driven Kerr quench (issue 15): the entropy balance along a quench, the Liouvillian gap of
 * each parity sector against the decay of a trajectory, and the quench against QuTiP's mesolve (a second code).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { modelNess } from '../../../src-core/kerr/steadyState.js';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { twoPhotonKerrModel } from '../../../src-core/model/instances.js';
import { propagateModelInterval } from '../../../src-core/model/propagate.js';
import { MODEL_QUENCH_COLUMNS, modelQuenchObservables, runModelQuench } from '../../../src-core/model/quench.js';
import { twoPhotonNess, twoPhotonSectorSpectra } from '../../../src-core/model/twoPhotonKerr.js';
import { moments } from '../../../src-core/phaseSpace/entropyProduction.js';

const PY = '/usr/bin/python3';
const hasQutip = spawnSync(PY, ['-c', 'import qutip, numpy'], { encoding: 'utf8' }).status === 0;
const BASE = { kappa: 0.5, delta: 0, u: 1, eps: 0, eta0: 0 };
const col = (name: (typeof MODEL_QUENCH_COLUMNS)[number]) => MODEL_QUENCH_COLUMNS.indexOf(name);

/** Least-squares slope of ln y against t. */
function logSlope(ts: number[], ys: number[]): number {
  const n = ts.length, ls = ys.map(Math.log);
  const mt = ts.reduce((a, b) => a + b) / n, ml = ls.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (ts[i] - mt) * (ls[i] - ml);
    sxx += (ts[i] - mt) ** 2;
  }
  return sxy / sxx;
}

describe('entropy balance along a quench: dS_W/dt = Π_U + Π_J − Φ + Π_η', () => {
  it.each([
    ['g 0.3 → 1 at ε = 0 (parity sector), N = 5', { ...BASE, N: 5, g: 0.3 }, { ...BASE, N: 5, g: 1 }],
    ['every term: Δ = 0.4, ε 0.1 → 0.3, g 0.5 → 0.9, η₀ = 0.5, N = 4', { ...BASE, delta: 0.4, eta0: 0.5, N: 4, g: 0.5, eps: 0.1 }, { ...BASE, delta: 0.4, eta0: 0.5, N: 4, g: 0.9, eps: 0.3 }],
  ])('%s: dS_W/dt = −∫Q[L(ρ)] ln Q at every sample (≤ 1e-8), and by finite differences of S_W', (_, initial, final) => {
    const r = runModelQuench({ model: 'two-photon-kerr', initial, final, tMax: 3, dt: 0.5 }, undefined, { balance: true });
    let worst = 0, largest = 0;
    for (let i = 1; i < r.rows.length; i++) {
      const x = r.rows[i];
      const rhs = x[col('Pi_U')] + x[col('Pi_J')] - x[col('Phi')] + x[col('Pi_eta')];
      worst = Math.max(worst, Math.abs(r.dS_W![i] - rhs) / Math.max(1, x[col('Phi')]));
      largest = Math.max(largest, Math.abs(r.dS_W![i]));
    }
    expect(largest).toBeGreaterThan(0.05); // a transient, not a NESS
    expect(worst).toBeLessThan(1e-8);
    if (final.eta0 > 0) expect(Math.abs(r.rows[2][col('Pi_eta')])).toBeGreaterThan(1e-3);
    // S_W itself, differentiated along the trajectory (fourth-order one-sided differences, h = 0.01) from t = 1
    const model = twoPhotonKerrModel(final), h = 0.01;
    let rho = twoPhotonNess(initial, { K: r.Ks[r.Ks.length - 1] }).rho;
    rho = propagateModelInterval(rho, model, 1, { rtol: 1e-13 });
    const o0 = modelQuenchObservables(rho, model, final.N);
    const S = [o0.S_W];
    for (let k = 1; k <= 4; k++) {
      rho = propagateModelInterval(rho, model, h, { rtol: 1e-13 });
      S.push(modelQuenchObservables(rho, model, final.N).S_W);
    }
    const fd = (-25 * S[0] + 48 * S[1] - 36 * S[2] + 16 * S[3] - 3 * S[4]) / (12 * h);
    const rhs0 = o0.Pi_U + o0.Pi_J - o0.Phi + o0.Pi_eta;
    expect(Math.abs(fd - rhs0)).toBeLessThan(2e-6 * Math.max(1, Math.abs(rhs0)));
  }, 60_000);
});

describe('Liouvillian gap against the decay of a trajectory (N = 3, g = 0.8: above threshold)', () => {
  const p = { ...BASE, N: 3, g: 0.8 };
  const sectors = twoPhotonSectorSpectra(p, { count: 2 }).sectors;
  const [even, odd] = sectors.map((s) => s.spectrum);

  it('odd sector: after ε 0.2 → 0 the parity-odd part of ρ (and <a>) decays at the odd gap, the slow symmetry-breaking mode', () => {
    expect(odd.gap).toBeLessThan(0.2 * even.gap);
    const r = runModelQuench(
      { model: 'two-photon-kerr', initial: { ...p, eps: 0.2 }, final: p, tMax: 40, dt: 1, K: 30, rtol: 1e-12 },
      undefined,
      {},
    );
    const ts: number[] = [], a: number[] = [];
    r.rows.forEach((x) => {
      if (x[0] >= 15) {
        ts.push(x[0]);
        a.push(Math.hypot(x[col('a_re')], x[col('a_im')]));
      }
    });
    const rate = -logSlope(ts, a);
    expect(Math.abs(rate - odd.gap)).toBeLessThan(1e-6 * odd.gap); // measured 5e-8
  }, 60_000);

  it('even sector: after g 0.3 → 0.8 at ε = 0, ‖ρ(t) − ρ_ss‖ decays at the even gap', () => {
    const K = 30, model = twoPhotonKerrModel(p);
    const ss = modelNess(model, K);
    const dist = (rho: ComplexMatrix) => {
      let s = 0;
      for (let i = 0; i < rho.re.length; i++) s += (rho.re[i] - ss.re[i]) ** 2 + (rho.im[i] - ss.im[i]) ** 2;
      return Math.sqrt(s);
    };
    const ts: number[] = [], d: number[] = [];
    runModelQuench({ model: 'two-photon-kerr', initial: { ...p, g: 0.3 }, final: p, tMax: 32, dt: 1, K, rtol: 1e-13 }, (i, row, rho) => {
      if (row[0] >= 22) {
        ts.push(row[0]);
        d.push(dist(rho));
      }
    });
    expect(d[d.length - 1]).toBeGreaterThan(1e-10); // still far above the propagator's round-off (~1e-14)
    const rate = -logSlope(ts, d);
    expect(Math.abs(rate - even.gap)).toBeLessThan(1e-4 * even.gap); // measured 1.8e-5 (the next even mode, 1.001, at e^{−7.4})
  }, 60_000);
});

describe.skipIf(!hasQutip)('against QuTiP mesolve (a second code)', () => {
  it('g 0.3 → 1, ε 0.1 → 0.2, Δ = 0.3, η₀ = 0.4, N = 3: <a>, <a†a>, <a²> at t = 0 … 2 agree to 1e-8', () => {
    const b = { ...BASE, delta: 0.3, eta0: 0.4, N: 3 };
    const initial = { ...b, g: 0.3, eps: 0.1 }, final = { ...b, g: 1, eps: 0.2 };
    const K = 24;
    const rows: number[][] = [];
    runModelQuench({ model: 'two-photon-kerr', initial, final, tMax: 2, dt: 0.5, K, rtol: 1e-12 }, (_i, row, rho) => {
      const m = moments(rho);
      rows.push([m.a_re, m.a_im, m.n, m.a2_re, m.a2_im]);
    });
    const rho0 = modelNess(twoPhotonKerrModel(initial), K);
    const script = `
import qutip as qt, numpy as np, json, sys
p = json.loads(sys.argv[1]); K = p['K']; a = qt.destroy(K); N = p['N']
H = p['delta']*a.dag()*a + 1j*np.sqrt(N)*p['eps']*(a.dag()-a) + p['g']/2*(a.dag()**2 + a**2) + p['u']/N/2*a.dag()**2*a**2
c = [np.sqrt(2*p['kappa'])*a, np.sqrt(p['eta0']/N)*a**2]
rho0 = qt.Qobj(np.array(p['re']).reshape(K, K) + 1j*np.array(p['im']).reshape(K, K))
r = qt.mesolve(H, rho0, [0, 0.5, 1, 1.5, 2], c, [], options=qt.Options(atol=1e-13, rtol=1e-12, nsteps=10**6))
out = []
for s in r.states:
    e = lambda X: complex((X*s).tr())
    a1, n, a2 = e(a), e(a.dag()*a), e(a*a)
    out.append([a1.real, a1.imag, n.real, a2.real, a2.imag])
print(json.dumps(out))`;
    const arg = { ...final, K, re: Array.from(rho0.re), im: Array.from(rho0.im) };
    const res = spawnSync(PY, ['-c', script, JSON.stringify(arg)], { encoding: 'utf8', timeout: 120_000 });
    expect(res.status, res.stderr).toBe(0);
    const ref = JSON.parse(res.stdout) as number[][];
    let worst = 0;
    for (let i = 0; i < ref.length; i++) for (let j = 0; j < 5; j++) worst = Math.max(worst, Math.abs(rows[i][j] - ref[i][j]));
    expect(Math.abs(rows[4][2] - rows[0][2])).toBeGreaterThan(0.1); // the state moved
    expect(worst).toBeLessThan(1e-8);
  }, 120_000);
});
