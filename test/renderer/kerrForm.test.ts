/**
 * The Kerr form's validation and derived values: the one validation layer (KERR_RULES/checkNumber), the seed's
 * published bistable window, the size scaling E = √N ε, U = u/N, and the engine's truncation.
 */
import { describe, expect, it } from 'vitest';
import { KERR_RULES, PAPER } from '../../src-core/kerr/model.js';
import { chooseK } from '../../src-core/kerr/truncation.js';
import { checkNumber, ParameterError } from '../../src-core/validation.js';
import { criticalPump, defaultText, derive, expectedSeconds, parseNumber, toSpec, validateForm, type FormText } from '../../src-renderer/lib/kerrForm.js';
import { parseSpec } from '../../src-main/studies/spec.js';

const form = (over: Partial<FormText> = {}): FormText => ({ ...defaultText(), ...over });

describe('validateForm', () => {
  it('accepts the seed values and parses lists', () => {
    const v = validateForm(form({ N: '1, 5,10;15 20', epsFinal: '0.6,0.8, 0.933 1.1 1.16616 1.3' }));
    expect(v.errors).toEqual({});
    expect(v.value?.N).toEqual([...PAPER.Ns]);
    expect(v.value?.epsFinal).toEqual([...PAPER.epsFinal]);
    expect(v.value?.kappa).toBe(PAPER.kappa);
  });

  it('reports the same allowed range as the engine’s rule (one validation layer)', () => {
    let allowed = '';
    try {
      checkNumber('κ', -1, KERR_RULES.kappa);
    } catch (e) {
      allowed = (e as ParameterError).allowed;
    }
    const v = validateForm(form({ kappa: '-1' }));
    expect(v.value).toBeUndefined();
    expect(v.errors.kappa).toBe(`κ must be ${allowed} (got -1)`);
    expect(allowed).toContain('≥ 0.001'); // KERR_RULES.kappa (κ ≥ 1e-3 since issue 10)
  });

  it('names every bad field at once and blocks the run', () => {
    const v = validateForm(form({ kappa: '', u: '0', N: '1, x', epsFinal: '', dt: '-0.1' }));
    expect(Object.keys(v.errors).sort()).toEqual(['N', 'dt', 'epsFinal', 'kappa', 'u']);
    expect(v.errors.kappa).toContain('(empty)');
    expect(v.errors.N).toContain('not a number');
    expect(v.value).toBeUndefined();
    expect(v.derived).toBeUndefined();
  });

  it('checks Δt against t_max and duplicate list entries', () => {
    expect(validateForm(form({ tMax: '1', dt: '2' })).errors.dt).toBe('Δt must not exceed t_max');
    expect(validateForm(form({ N: '5, 5' })).errors.N).toContain('distinct');
  });

  it('refuses what the engine refuses: t_max not a whole number of Δt (planQuench and the study spec agree)', async () => {
    const { planQuench } = await import('../../src-core/kerr/quench.js');
    const v = validateForm(form({ tMax: '1', dt: '0.3' }));
    expect(v.value).toBeUndefined();
    expect(v.errors.dt).toBe('Δt must be a divisor of t_max = 1 (t_max/Δt must be a whole number) (got 0.3)');
    // the engine itself refuses the same numbers, and accepts what the form accepts
    expect(() => planQuench({ kappa: 0.5, delta: -2, u: 1, N: 1, epsInitial: 0.5, epsFinal: 1.1, tMax: 1, dt: 0.3 })).toThrow(/divisor/);
    const ok = validateForm(form({ tMax: '1', dt: '0.25' }));
    expect(ok.errors).toEqual({});
    expect(validateForm(form({ tMax: '10', dt: '0.2' })).errors).toEqual({});
  });

  it('accepts the Unicode minus and exponents', () => {
    expect(parseNumber('−2')).toBe(-2);
    expect(parseNumber(' 1e-3 ')).toBe(1e-3);
    expect(parseNumber('')).toBeUndefined();
    expect(Number.isNaN(parseNumber('abc'))).toBe(true);
  });

  it('turns a truncation the engine refuses into a message on N', () => {
    const v = validateForm(form({ N: '1000', epsFinal: '1.3' }));
    expect(v.value).toBeUndefined();
    expect(v.errors.N).toMatch(/^N too large: .*at most 400 levels/);
  });
});

describe('derive', () => {
  const v = validateForm(form({ N: '1, 5, 10', epsFinal: '0.8, 1.1' })).value!;
  const d = derive(v);

  it('gives the seed’s bistable window ε− = 0.701373, ε+ = 1.16616 (Sec. IV A)', () => {
    expect(d.epsMinus).toBeCloseTo(0.701373, 6);
    expect(d.epsPlus).toBeCloseTo(1.16616, 5);
  });

  it('scales E = √N ε and U = u/N (Sec. II B)', () => {
    for (const r of d.perN) {
      expect(r.E_i).toBeCloseTo(Math.sqrt(r.N) * 0.5, 14);
      expect(r.E_f).toEqual([Math.sqrt(r.N) * 0.8, Math.sqrt(r.N) * 1.1]);
      expect(r.U).toBeCloseTo(1 / r.N, 15);
    }
  });

  it('takes K from the engine’s chooser, growing with N', () => {
    for (const r of d.perN) {
      const ks = [0.8, 1.1].map((e) => chooseK({ kappa: 0.5, delta: -2, u: 1, N: r.N }, [0.5, e], { quenchTime: 10 }).K);
      expect(r.K).toBe(Math.max(...ks));
    }
    expect(d.perN[2].K).toBeGreaterThan(d.perN[0].K);
  });

  it('counts trajectories and samples; no bistable window for Δ ≥ −√3 κ', () => {
    expect(d.tasks).toBe(6);
    expect(d.samples).toBe(51);
    const w = derive(validateForm(form({ delta: '-0.8' })).value!);
    expect(w.epsMinus).toBeUndefined();
  });

  it('estimates the run time from the cost model: more workers never slower, never below the longest task', () => {
    const one = expectedSeconds(d, 1e-5, 1);
    const two = expectedSeconds(d, 1e-5, 2);
    expect(one).toBeCloseTo(d.work * 1e-5, 12);
    expect(two).toBeLessThanOrEqual(one);
    const longest = Math.max(...d.perN.map((r) => r.K * r.K * d.samples)) * 1e-5;
    expect(expectedSeconds(d, 1e-5, 64)).toBeCloseTo(longest, 12);
  });
});

describe('toSpec', () => {
  it('is a valid study spec (the studies service’s own parser) with one quench per N × ε_f', () => {
    const v = validateForm(form({ N: '1, 5', epsFinal: '0.8, 1.1' })).value!;
    const spec = parseSpec(toSpec(v));
    expect(spec.tasks).toHaveLength(1);
    const t = spec.tasks[0];
    expect(t.kind).toBe('quench');
    if (t.kind === 'quench') {
      expect(t.N).toEqual([1, 5]);
      expect(t.epsFinal).toEqual([0.8, 1.1]);
      expect(t.tMax).toBe(10);
    }
  });
});

describe('criticalPump', () => {
  it('approaches the seed’s ε_c = 0.933 from above as N grows, inside the bistable window', () => {
    const Ns = [5, 10, 20, 100];
    const eps = Ns.map((N) => criticalPump(PAPER, N)!);
    for (let i = 1; i < eps.length; i++) expect(eps[i]).toBeLessThan(eps[i - 1]);
    for (const e of eps) expect(e).toBeGreaterThan(0.933 - 1e-3);
    expect(Math.abs(eps[3] - 0.933)).toBeLessThan(5e-3);
    const d = derive(validateForm(form({ N: '5, 10' })).value!);
    expect(d.perN.map((r) => r.epsC)).toEqual([eps[0], eps[1]]);
    expect(d.epsCSeed).toBe(0.933);
  });
});

describe('formFromTasks', () => {
  it('describes a study’s quenches: every N and ε_f, the longest t_max; valid again', async () => {
    const { formFromTasks } = await import('../../src-renderer/lib/kerrForm.js');
    const q = (N: number, epsFinal: number, tMax: number) => ({ kind: 'quench', params: { kappa: 0.5, delta: -2, u: 1, N, epsInitial: 0.5, epsFinal, tMax, dt: 0.2 } });
    const f = formFromTasks([q(5, 1.1, 100), q(1, 0.6, 10), q(5, 0.6, 10), { kind: 'ness-sweep', params: {} }])!;
    expect(f).toEqual({ kappa: '0.5', delta: '-2', u: '1', epsInitial: '0.5', epsFinal: '0.6, 1.1', N: '1, 5', tMax: '100', dt: '0.2', K: 'auto', rtol: '1e-10' });
    expect(validateForm(f).errors).toEqual({});
    expect(formFromTasks([{ kind: 'gap-sweep', params: {} }])).toBeUndefined();
  });
});

describe('numerics in the form (issue 12)', () => {
  it('K is "auto" or a whole number in the engine\'s range, rtol a number in its range; both reach the study spec', () => {
    expect(validateForm(form()).value!.K).toBeUndefined();
    expect(validateForm(form({ K: ' AUTO ' })).errors).toEqual({});
    const v = validateForm(form({ K: '80', rtol: '1e-12' }));
    expect(v.errors).toEqual({});
    expect(v.value!.K).toBe(80);
    expect(v.derived!.perN.every((r) => r.K === 80)).toBe(true);
    expect(v.derived!.adaptive).toBe(false);
    const spec = toSpec(v.value!) as { tasks: Record<string, unknown>[] };
    expect(spec.tasks[0].K).toBe(80);
    expect(spec.tasks[0].rtol).toBe(1e-12);
    expect(parseSpec(spec).tasks[0]).toMatchObject({ K: 80, rtol: 1e-12 });
    expect(validateForm(form({ K: '12.5' })).errors.K).toMatch(/K must be "auto" or/);
    expect(validateForm(form({ K: '5000' })).errors.K).toMatch(/≤ 400/);
    expect(validateForm(form({ rtol: '0.5' })).errors.rtol).toMatch(/rtol/);
  });

  it('an asynchronous K estimate leaves the derived values pending (no run time) until it lands', () => {
    const pending = validateForm(form({ N: '1, 5' }), () => undefined);
    expect(pending.errors).toEqual({});
    expect(pending.derived!.pending).toBe(true);
    expect(Number.isNaN(pending.derived!.perN[0].K)).toBe(true);
    // the same numbers as planQuench: the first K from the NESS at ε_i, the expected K from ε_f and the transient
    const done = validateForm(form({ N: '1, 5' }));
    expect(done.derived!.pending).toBe(false);
    for (const r of done.derived!.perN) expect(r.K).toBeGreaterThanOrEqual(chooseK({ kappa: 0.5, delta: -2, u: 1, N: r.N }, [0.5]).K);
  });
});
