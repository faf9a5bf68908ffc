/**
 * The model layer and the two-photon-driven Kerr resonator (PHYSICS.md §5), each against something independent:
 * L from dense operator products, the grid LU's backward error with two-step stencils and parity masks, QuTiP's
 * steady state and dense spectrum (a second code), the mean-field threshold by linear stability and by integrating the
 * mean-field equation, the NESS's parity, and the entropy balance Π_U + Π_J − Φ + Π_η = 0.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gridLUFactor, gridLUSolve, stencilMatVec, type StencilMatrix } from '../../../src-core/linalg/gridLU.js';
import { kerrModel, twoPhotonKerrModel, type TwoPhotonKerrParams } from '../../../src-core/model/instances.js';
import { modelLiouvillian, modelStencil, modelSymbolic } from '../../../src-core/model/liouvillian.js';
import { modelNess } from '../../../src-core/kerr/steadyState.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { spectrumAtK, spectrumProblem } from '../../../src-core/kerr/spectrum.js';
import {
  linearisation,
  twoPhotonMeanFieldStates,
  twoPhotonNess,
  twoPhotonThreshold,
  type TwoPhotonMeanFieldParams,
} from '../../../src-core/model/twoPhotonKerr.js';
import { moments } from '../../../src-core/phaseSpace/entropyProduction.js';
import { modelEntropyProduction } from '../../../src-core/phaseSpace/modelEntropy.js';
import { kerrObservables } from '../../../src-core/phaseSpace/observables.js';
import { cmAdjoint, cmMul, cmZeros, type CM } from '../kerr/helpers.js';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';

const PY = '/usr/bin/python3';
const hasQutip = spawnSync(PY, ['-c', 'import qutip, numpy'], { encoding: 'utf8' }).status === 0;

/** Dense two-photon Kerr Liouvillian by operator products (all six terms), independent of the stencil code. */
function denseL(p: TwoPhotonKerrParams, rho: ComplexMatrix): ComplexMatrix {
  const K = rho.K, E = Math.sqrt(p.N) * p.eps, U = p.u / p.N, G = p.g, eta = p.eta0 / p.N;
  const a = cmZeros(K);
  for (let n = 1; n < K; n++) a.re[(n - 1) * K + n] = Math.sqrt(n);
  const ad = cmAdjoint(a), a2 = cmMul(a, a), ad2 = cmMul(ad, ad);
  const nop = cmMul(ad, a), nn = cmMul(ad2, a2);
  const H = cmZeros(K);
  for (let i = 0; i < K * K; i++) {
    H.re[i] = p.delta * nop.re[i] + 0.5 * U * nn.re[i] + 0.5 * G * (ad2.re[i] + a2.re[i]);
    H.im[i] = E * (ad.re[i] - a.re[i]);
  }
  const r: CM = { n: K, re: rho.re, im: rho.im };
  const comm = (X: CM): CM => {
    const A = cmMul(X, r), B = cmMul(r, X);
    return { n: K, re: A.re.map((v, i) => v - B.re[i]), im: A.im.map((v, i) => v - B.im[i]) };
  };
  const D = (L: CM, LdL: CM, rate: number): CM => {
    const j = cmMul(L, cmMul(r, cmAdjoint(L))), x = cmMul(LdL, r), y = cmMul(r, LdL);
    return { n: K, re: j.re.map((v, i) => rate * (v - 0.5 * (x.re[i] + y.re[i]))), im: j.im.map((v, i) => rate * (v - 0.5 * (x.im[i] + y.im[i]))) };
  };
  const c = comm(H), d1 = D(a, nop, 2 * p.kappa), d2 = D(a2, nn, eta);
  const out = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
  for (let i = 0; i < K * K; i++) {
    out.re[i] = c.im[i] + d1.re[i] + d2.re[i];
    out.im[i] = -c.re[i] + d1.im[i] + d2.im[i];
  }
  return out;
}

function randomMatrix(K: number, seed: number): ComplexMatrix {
  let s = seed;
  const r = (): number => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  return { K, re: Float64Array.from({ length: K * K }, r), im: Float64Array.from({ length: K * K }, r) };
}

const FULL: TwoPhotonKerrParams = { kappa: 0.5, delta: 0.3, u: 1, eps: 0.4, g: 0.8, eta0: 0.5, N: 4 };
const SYM: TwoPhotonKerrParams = { kappa: 0.5, delta: 0, u: 1, eps: 0, g: 1, eta0: 0, N: 10 };

describe('model layer: the Liouvillian', () => {
  it('the stencil of the two-photon Kerr model (every term) equals L built from dense operator products', () => {
    const K = 11, rho = randomMatrix(K, 3);
    const mine = modelLiouvillian(twoPhotonKerrModel(FULL), rho), ref = denseL(FULL, rho);
    let d = 0, s = 0;
    for (let i = 0; i < K * K; i++) {
      d = Math.max(d, Math.abs(mine.re[i] - ref.re[i]), Math.abs(mine.im[i] - ref.im[i]));
      s = Math.max(s, Math.abs(ref.re[i]), Math.abs(ref.im[i]));
    }
    expect(d / s).toBeLessThan(1e-14);
  });

  it('preserves the trace exactly: the stored stencil’s columns on the diagonal sum to zero', () => {
    const K = 20, A = modelStencil(twoPhotonKerrModel(FULL), K), T = A.offsets.length;
    // 1ᵀ L: Σ_m L(ρ)_mm for each unit ρ_uv; accumulate column sums over the diagonal rows
    const colRe = new Float64Array(K * K), colIm = new Float64Array(K * K);
    for (let m = 0; m < K; m++)
      for (let t = 0; t < T; t++) {
        const a = m + A.offsets[t][0], b = m + A.offsets[t][1];
        if (a < 0 || a >= K || b < 0 || b >= K) continue;
        colRe[a * K + b] += A.re[(m * K + m) * T + t];
        colIm[a * K + b] += A.im[(m * K + m) * T + t];
      }
    for (let i = 0; i < K * K; i++) expect(Math.abs(colRe[i]) + Math.abs(colIm[i])).toBe(0);
  });

  it('Kerr instance: the model stencil has seed 000’s seven offsets (same nested dissection)', () => {
    const A = modelStencil(kerrModel({ kappa: 0.5, delta: -2, u: 1, eps: 0.9, N: 5 }), 9);
    expect(A.offsets).toEqual([[0, 0], [-1, 0], [1, 0], [0, 1], [0, -1], [1, 1], [-1, -1]]);
  });
});

function backwardError(A: StencilMatrix, x: { re: Float64Array; im: Float64Array }, b: { re: Float64Array; im: Float64Array }, mask?: Uint8Array): number {
  const n = A.K * A.K, yr = new Float64Array(n), yi = new Float64Array(n);
  stencilMatVec(A, x.re, x.im, yr, yi);
  let e = 0, s = 0, xs = 0;
  for (let i = 0; i < n; i++) {
    if (mask && !mask[i]) continue;
    e = Math.max(e, Math.hypot(yr[i] - b.re[i], yi[i] - b.im[i]));
    s = Math.max(s, Math.hypot(b.re[i], b.im[i]));
    xs = Math.max(xs, Math.hypot(x.re[i], x.im[i]));
  }
  let amax = 0;
  for (let q = 0; q < A.re.length; q++) amax = Math.max(amax, Math.hypot(A.re[q], A.im[q]));
  return e / (amax * xs + s);
}

describe('grid LU with two-step stencils and parity masks', () => {
  it('solves L − σ of the two-photon model (full grid, separators two lines wide), also with a leading box', () => {
    const model = twoPhotonKerrModel(FULL), K = 30, K1 = 23, sigma = { re: 0.01, im: 0.4 };
    const A = modelStencil(model, K, sigma);
    const F = gridLUFactor(A, modelSymbolic(model, K, K1));
    const b = randomMatrix(K, 5), x = { re: b.re.slice(), im: b.im.slice() };
    gridLUSolve(F, x.re, x.im);
    expect(backwardError(A, x, b)).toBeLessThan(1e-14);
    const A1 = modelStencil(model, K1, sigma), b1 = randomMatrix(K1, 6), x1 = { re: b1.re.slice(), im: b1.im.slice() };
    gridLUSolve(F, x1.re, x1.im, K1);
    expect(backwardError(A1, x1, b1)).toBeLessThan(1e-14);
  });

  it('solves each parity sector of the ε = 0 model on its own (m + n even / odd)', () => {
    const p = { ...SYM, eta0: 0.3, delta: -0.4 }, model = twoPhotonKerrModel(p), K = 28, sigma = { re: 0.02, im: -0.3 };
    const A = modelStencil(model, K, sigma);
    for (const sector of ['even', 'odd'] as const) {
      const sym = modelSymbolic(model, K, 0, sector);
      const b = randomMatrix(K, 9);
      for (let m = 0; m < K; m++) for (let n = 0; n < K; n++) if ((m + n) % 2 !== (sector === 'even' ? 0 : 1)) b.re[m * K + n] = b.im[m * K + n] = 0;
      const x = { re: b.re.slice(), im: b.im.slice() };
      gridLUSolve(gridLUFactor(A, sym), x.re, x.im);
      expect(backwardError(A, x, b)).toBeLessThan(1e-14);
    }
    // with ε ≠ 0 the sectors couple and the factorisation refuses
    const m2 = twoPhotonKerrModel({ ...p, eps: 0.2 });
    expect(() => modelSymbolic(m2, K, 0, 'even')).toThrow(/parity/);
  });
});

describe('mean field of the two-photon-driven Kerr resonator', () => {
  const rhs = (p: TwoPhotonMeanFieldParams, ar: number, ai: number): [number, number] => {
    // dα/dt = −(κ + iΔ + iu|α|²)α − igᾱ + ε
    const n = ar * ar + ai * ai, w = p.delta + p.u * n;
    return [-p.kappa * ar + w * ai - p.g * ai + p.eps, -p.kappa * ai - w * ar - p.g * ar];
  };

  it.each([-1, 0, 0.7])('α = 0 loses stability at g_th = √(κ² + Δ²) (Δ = %f)', (delta) => {
    const base = { kappa: 0.5, delta, u: 1, eps: 0 };
    const gth = twoPhotonThreshold(base);
    expect(gth).toBeCloseTo(Math.hypot(0.5, delta), 15);
    // finite-difference Jacobian of the mean-field equation at α = 0, independent of `linearisation`
    const growth = (g: number): number => {
      const p = { ...base, g }, h = 1e-7;
      const [a, c] = rhs(p, h, 0), [b, d] = rhs(p, 0, h);
      const J = [a / h, b / h, c / h, d / h];
      const tr = J[0] + J[3], det = J[0] * J[3] - J[1] * J[2], disc = tr * tr - 4 * det;
      return disc >= 0 ? (tr + Math.sqrt(disc)) / 2 : tr / 2;
    };
    expect(growth(gth * (1 - 1e-4))).toBeLessThan(0);
    expect(growth(gth * (1 + 1e-4))).toBeGreaterThan(0);
    const l = linearisation({ ...base, g: gth }, 0, 0);
    expect(Math.abs(Math.max(l[0].re, l[1].re))).toBeLessThan(1e-12);
  });

  it('above threshold (Δ ≥ 0): a stable ± pair with un = −Δ + √(g² − κ²), reached by integrating the equation', () => {
    const p = { kappa: 0.5, delta: 0.3, u: 1, eps: 0, g: 1.2 };
    const st = twoPhotonMeanFieldStates(p);
    expect(st.length).toBe(3);
    expect(st[0].n).toBe(0);
    expect(st[0].stable).toBe(false);
    for (const s of st.slice(1)) {
      expect(s.n).toBeCloseTo(-0.3 + Math.sqrt(1.44 - 0.25), 14);
      const [fr, fi] = rhs(p, s.alpha_re, s.alpha_im);
      expect(Math.hypot(fr, fi)).toBeLessThan(1e-14);
      expect(s.stable).toBe(true);
    }
    // RK4 from a small seed: converges to the branch (the pitchfork picks one sign)
    let ar = 1e-3, ai = 0;
    const dt = 0.01;
    for (let k = 0; k < 20000; k++) {
      const k1 = rhs(p, ar, ai), k2 = rhs(p, ar + 0.5 * dt * k1[0], ai + 0.5 * dt * k1[1]);
      const k3 = rhs(p, ar + 0.5 * dt * k2[0], ai + 0.5 * dt * k2[1]), k4 = rhs(p, ar + dt * k3[0], ai + dt * k3[1]);
      ar += (dt / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
      ai += (dt / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
    }
    const best = Math.min(...st.slice(1).map((s) => Math.hypot(ar - s.alpha_re, ai - s.alpha_im)));
    expect(best).toBeLessThan(1e-10);
  });

  it('Δ < 0: two pairs between κ and g_th (subcritical pitchfork, one pair stable); ε > 0 states solve the equation', () => {
    const p = { kappa: 0.5, delta: -1, u: 1, eps: 0, g: 0.9 };
    expect(p.g).toBeLessThan(twoPhotonThreshold(p));
    const st = twoPhotonMeanFieldStates(p);
    expect(st.length).toBe(5);
    expect(st[0].stable).toBe(true);
    expect(st.slice(1).filter((s) => s.stable).length).toBe(2);
    const q = { kappa: 0.5, delta: -1, u: 1, eps: 0.3, g: 0.9 };
    const sq = twoPhotonMeanFieldStates(q);
    expect(sq.length).toBeGreaterThanOrEqual(1);
    for (const s of sq) {
      const [fr, fi] = rhs(q, s.alpha_re, s.alpha_im);
      expect(Math.hypot(fr, fi)).toBeLessThan(1e-9);
    }
  });
});

describe('NESS of the two-photon-driven Kerr resonator', () => {
  it('parity: at ε = 0 the sector solve has <a> = 0 exactly; the full-grid solve agrees (<a> ~ round-off)', () => {
    const a = twoPhotonNess(SYM), b = twoPhotonNess(SYM, { parity: false, K: a.K });
    const ma = moments(a.rho), mb = moments(b.rho);
    expect(ma.a_re).toBe(0);
    expect(ma.a_im).toBe(0);
    expect(Math.hypot(mb.a_re, mb.a_im)).toBeLessThan(1e-12);
    expect(Math.abs(ma.n - mb.n)).toBeLessThan(1e-11);
    expect(a.tail).toBeLessThan(1e-12);
    // PHYSICS.md §5: <a†a> ≈ 8.443 at N = 10, g = 1
    expect(ma.n).toBeCloseTo(8.443, 3);
  });

  it.skipIf(!hasQutip)('agrees with QuTiP’s steadystate (a second code): ε = 0 and all terms with two-photon loss', () => {
    const script = `
import qutip as qt, numpy as np, json, sys
out = []
for p in json.loads(sys.argv[1]):
    K = p['K']; a = qt.destroy(K); N = p['N']
    H = p['delta']*a.dag()*a + 1j*np.sqrt(N)*p['eps']*(a.dag()-a) + p['g']/2*(a.dag()**2 + a**2) + p['u']/N/2*a.dag()**2*a**2
    c = [np.sqrt(2*p['kappa'])*a] + ([np.sqrt(p['eta0']/N)*a**2] if p['eta0'] > 0 else [])
    r = qt.steadystate(H, c)
    e = lambda X: complex(qt.expect(X, r))
    n, a1, a2 = e(a.dag()*a), e(a), e(a*a)
    out.append([n.real, a1.real, a1.imag, a2.real, a2.imag])
print(json.dumps(out))`;
    const cases = [SYM, FULL].map((p) => ({ p, r: twoPhotonNess(p) }));
    const res = spawnSync(PY, ['-c', script, JSON.stringify(cases.map(({ p, r }) => ({ ...p, K: r.K })))], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    const ref = JSON.parse(res.stdout) as number[][];
    cases.forEach(({ r }, i) => {
      const m = moments(r.rho);
      const mine = [m.n, m.a_re, m.a_im, m.a2_re, m.a2_im];
      for (let j = 0; j < 5; j++) expect(Math.abs(mine[j] - ref[i][j])).toBeLessThan(1e-9 * Math.max(1, Math.abs(ref[i][0])));
    });
  });
});

describe('spectrum per parity sector', () => {
  it('the sectors’ slowest eigenvalues together are the full spectrum’s, and QuTiP’s dense eigenvalues', () => {
    const p = { ...SYM, N: 3, g: 0.8 }, K = 16, model = twoPhotonKerrModel(p);
    const full = spectrumAtK(model, K, 4);
    const even = spectrumAtK(spectrumProblem(model, 'even'), K, 3), odd = spectrumAtK(spectrumProblem(model, 'odd'), K, 3);
    const union = [...even.eigenvalues, ...odd.eigenvalues].sort((a, b) => Math.abs(a.re) - Math.abs(b.re) || a.im - b.im).slice(0, 4);
    const near = (z: { re: number; im: number }, list: { re: number; im: number }[]): number => Math.min(...list.map((w) => Math.hypot(z.re - w.re, z.im - w.im)));
    for (const z of full.eigenvalues) expect(near(z, union)).toBeLessThan(1e-9);
    // the odd sector holds the slowest mode (the symmetry-breaking one)
    expect(Math.abs(odd.eigenvalues[0].re)).toBeLessThan(Math.abs(even.eigenvalues[0].re));
    if (!hasQutip) return;
    const script = `
import qutip as qt, numpy as np, json, sys
p = json.loads(sys.argv[1]); K = ${K}; a = qt.destroy(K); N = p['N']
H = p['delta']*a.dag()*a + p['g']/2*(a.dag()**2 + a**2) + p['u']/N/2*a.dag()**2*a**2
ev = np.linalg.eigvals(qt.liouvillian(H, [np.sqrt(2*p['kappa'])*a]).full())
print(json.dumps([[z.real, z.imag] for z in ev]))`;
    const res = spawnSync(PY, ['-c', script, JSON.stringify(p)], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    const dense = (JSON.parse(res.stdout) as number[][]).map(([re, im]) => ({ re, im }));
    for (const z of [...even.eigenvalues, ...odd.eigenvalues]) expect(near(z, dense)).toBeLessThan(1e-8);
  });
});

describe('phase-space entropy production per term', () => {
  it('Kerr model: the generic Kerr part −∫Q[−i[(U/2)a†²a², ρ]] ln Q equals seed 000’s Π_U (B7); the rest is zero', () => {
    const kp = { kappa: 0.5, delta: -2, u: 1, eps: 0.933, N: 5 };
    const rho = nessDensityMatrix(kp, 40);
    const a = kerrObservables(rho, kp), b = modelEntropyProduction(rho, kerrModel(kp), { allTerms: true });
    expect(Math.abs(a.Pi_U)).toBeGreaterThan(0.01);
    expect(Math.abs(b.Pi_U_terms.kerr! - a.Pi_U)).toBeLessThan(1e-10 * Math.abs(a.Pi_U));
    expect(Math.abs(b.Pi_U_terms.detuning!) + Math.abs(b.Pi_U_terms.drive!)).toBeLessThan(1e-10);
    expect(Math.abs(b.Pi_J - a.Pi_J)).toBeLessThan(1e-14 * a.Pi_J);
  });

  it.each([
    ['ε = 0, g = 1, N = 10', SYM],
    ['every term, with two-photon loss', FULL],
  ])('NESS balance Π_U + Π_J − Φ + Π_η = 0 (%s)', (_, p) => {
    const r = twoPhotonNess(p);
    const o = modelEntropyProduction(r.rho, twoPhotonKerrModel(p), { balance: true });
    expect(Math.abs(o.Pi_U_terms.twoPhotonDrive!)).toBeGreaterThan(1e-3);
    expect(Math.abs(o.Pi_U + o.Pi_J - o.Phi + o.Pi_eta)).toBeLessThan(1e-9 * Math.max(1, o.Phi));
    expect(Math.abs(o.dS_W)).toBeLessThan(1e-9);
    expect(Math.abs(o.norm - 1)).toBeLessThan(1e-12);
    if (p.eta0 > 0) expect(Math.abs(o.Pi_eta)).toBeGreaterThan(1e-3);
    else expect(o.Pi_eta).toBe(0);
  });
});
