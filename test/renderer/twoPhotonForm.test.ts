/**
 * The single-run form of the two-photon model (src-renderer/lib/twoPhotonForm.ts): the default point is PHYSICS.md
 * §5's test point and the API accepts what the form builds; the engine's rules name each bad field; g_th = √(κ² + Δ²).
 */
import { describe, expect, it } from 'vitest';
import { defaultTwoPhotonText, validateQuench, validateTwoPhoton } from '../../src-renderer/lib/twoPhotonForm.js';
import { parseRequest } from '../../src-main/api/contract.js';

describe('validateTwoPhoton', () => {
  it('the default point is κ = 0.5, Δ = 0, u = 1, ε = 0, g = 1, N = 10; model.ness accepts it as built', () => {
    const v = validateTwoPhoton(defaultTwoPhotonText());
    expect(v.errors).toEqual({});
    expect(v.point).toEqual({ model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 }, N: 10, eps: 0, g: 1 });
    expect(v.gTh).toBe(0.5);
    expect(parseRequest('model.ness', { ...v.point, entropy: true })).toEqual({ ...v.point, entropy: true });
    const w = validateTwoPhoton({ ...defaultTwoPhotonText(), delta: '\u22120.3', eta0: '0.2', K: '40' });
    expect(w.point).toEqual({ model: { kind: 'two-photon-kerr', kappa: 0.5, delta: -0.3, u: 1, eta0: 0.2 }, N: 10, eps: 0, g: 1, K: 40 });
    expect(w.gTh).toBeCloseTo(Math.hypot(0.5, 0.3), 15);
    expect(parseRequest('model.gap', { ...w.point, count: 2 })).toBeTruthy();
  });

  it('bad fields are named with the engine’s range', () => {
    const v = validateTwoPhoton({ ...defaultTwoPhotonText(), kappa: '0', g: '-1', N: 'x', K: '1', u: '0' });
    expect(v.point).toBeUndefined();
    expect(v.errors.kappa).toMatch(/^κ must be a finite number > 0 and ≤ 1000 \(got 0\)$/);
    expect(v.errors.g).toMatch(/^g must be a finite number ≥ 0 and ≤ 100/);
    expect(v.errors.N).toMatch(/^N must be .*\(got "x"\)$/);
    expect(v.errors.K).toMatch(/^K must be "auto" or an integer ≥ 2 and ≤ 400/);
    expect(v.errors.u).toMatch(/u or η₀ must be > 0/);
  });

  it('the quench request: g_i → the form’s g, as model.quench takes it; Δt must divide t_max, ≤ 2001 samples', () => {
    const text = { ...defaultTwoPhotonText(), gInitial: '0.2', tMax: '2', dt: '0.5' };
    const q = validateQuench(text, validateTwoPhoton(text).point);
    expect(q.request).toEqual({ model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 }, N: 10, eps: 0, gInitial: 0.2, gFinal: 1, tMax: 2, dt: 0.5 });
    expect(parseRequest('model.quench', q.request)).toEqual(q.request);
    expect(validateQuench({ ...text, dt: '0.3' }, validateTwoPhoton(text).point).errors.dt).toBe('Δt must divide t_max = 2 (t_max/Δt a whole number)');
    expect(validateQuench({ ...text, tMax: '1000', dt: '0.1' }, validateTwoPhoton(text).point).errors.dt).toMatch(/at most 2001 samples/);
  });
});
