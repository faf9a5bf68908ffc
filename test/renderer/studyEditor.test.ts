/**
 * The study editor's spec builder (src-renderer/lib/studyEditor.ts): the spec built from a form equals the one written
 * by hand from the agreed spec extension (issue 15), the main side's parseSpec accepts it, its task count equals
 * expandSpec's, and a loaded spec gives back the same form. parseSpec's JSON paths map to the editor's fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSpec, defaultEditor, editorFromSpec, fieldOfPath, type EditorText } from '../../src-renderer/lib/studyEditor.js';
import { expandSpec, parseSpec } from '../../src-main/studies/spec.js';
import { ParameterError } from '../../src-core/validation.js';

const form = (over: Partial<EditorText>, model: EditorText['model'] = 'two-photon-kerr', kind: EditorText['kind'] = 'ness-sweep'): EditorText => ({
  ...defaultEditor(model, kind),
  ...over,
});

function accepted(spec: unknown) {
  return expandSpec(parseSpec(spec));
}

describe('buildSpec: the spec equals a hand-written one, and parseSpec accepts it', () => {
  it('two-photon NESS sweep, N = 5, g "0:1.5:4", entropy', () => {
    const b = buildSpec(form({ name: 'tp-ness', N: '5', sweep: '0:1.5:4', figures: '' }));
    expect(b.errors).toEqual({});
    const hand = {
      version: 1,
      name: 'tp-ness',
      model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 },
      tasks: [{ kind: 'ness-sweep', method: 'fock', entropy: true, N: [5], g: { from: 0, to: 1.5, points: 4 } }],
    };
    expect(b.spec).toEqual(hand);
    expect(b.tasks).toBe(1);
    expect(b.rows).toBe(4);
    expect(b.cost).toBeGreaterThan(0);
    expect(accepted(b.spec)).toHaveLength(1);
  });

  it('two-photon gap sweep with ε > 0, η₀ and a fixed K; quench grid N × g_f until the NESS', () => {
    const gap = buildSpec(form({ name: 'tp-gap', N: '5, 10', sweep: '0.2, 0.5, 1', eps: '0.1', eta0: '0.3', K: '40' }, 'two-photon-kerr', 'gap-sweep'));
    expect(gap.spec).toEqual({
      version: 1,
      name: 'tp-gap',
      model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1, eta0: 0.3 },
      tasks: [{ kind: 'gap-sweep', N: [5, 10], g: [0.2, 0.5, 1], eps: 0.1, K: 40, figures: ['tp-gap'] }],
    });
    expect(gap.tasks).toBe(2);
    expect(accepted(gap.spec)).toHaveLength(2);
    const q = buildSpec(form({ name: 'tp-q', N: '5:15:3', initial: '0.2', final: '0.8, 1.2', tMax: '20', dt: '0.5', untilNess: '1e-6', rtol: '1e-9' }, 'two-photon-kerr', 'quench'));
    expect(q.spec).toEqual({
      version: 1,
      name: 'tp-q',
      model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 },
      tasks: [{ kind: 'quench', N: [5, 10, 15], gInitial: 0.2, gFinal: [0.8, 1.2], tMax: 20, dt: 0.5, untilNess: 1e-6, rtol: 1e-9 }],
    });
    expect(q.tasks).toBe(6);
    expect(q.rows).toBe(6 * 41);
    // The study service runs two-photon quenches (the model quench on the pool): the agreed form is accepted as is.
    expect(accepted(q.spec)).toHaveLength(6);
  });

  it('Kerr: exact NESS sweep over ε, gap sweep, quench grid N × ε_f with the seed figures', () => {
    const n = buildSpec(form({ name: 'k', N: '1, 5', sweep: '0:1.5:151', method: 'exact' }, 'kerr', 'ness-sweep'));
    expect(n.spec).toEqual({ version: 1, name: 'k', model: { kappa: 0.5, delta: -2, u: 1 }, tasks: [{ kind: 'ness-sweep', method: 'exact', N: [1, 5], eps: { from: 0, to: 1.5, points: 151 }, figures: ['fig2'] }] });
    const q = buildSpec(form({ name: 'kq', N: '1, 5', initial: '0.5', final: '0.8, 1.1', tMax: '5', dt: '0.2', K: 'auto' }, 'kerr', 'quench'));
    expect(q.spec).toEqual({
      version: 1,
      name: 'kq',
      model: { kappa: 0.5, delta: -2, u: 1 },
      tasks: [{ kind: 'quench', N: [1, 5], epsInitial: 0.5, epsFinal: [0.8, 1.1], tMax: 5, dt: 0.2, figures: ['fig4', 'fig5', 'fig6', 'fig7', 'fig8'] }],
    });
    for (const b of [n, q, buildSpec(form({ name: 'kg' }, 'kerr', 'gap-sweep'))]) expect(expandSpec(parseSpec(b.spec)).length).toBe(b.tasks);
  });
});

describe('buildSpec: field errors before anything is sent', () => {
  it('each bad field is named beside itself; no spec while any is bad', () => {
    const b = buildSpec(form({ N: '5, 5', sweep: '0:2', kappa: '0', u: '0', name: '' }));
    expect(b.spec).toBeUndefined();
    expect(b.errors.N).toBe('N: 5 appears twice (each value once)');
    expect(b.errors.sweep).toMatch(/^g: a range is from:to:points/);
    expect(b.errors.kappa).toMatch(/^κ must be a finite number > 0/);
    expect(b.errors.u).toMatch(/u or η₀ must be > 0/);
    expect(b.errors.name).toMatch(/^name:/);
    const q = buildSpec(form({ tMax: '10', dt: '0.3' }, 'kerr', 'quench'));
    expect(q.errors.dt).toBe('Δt must divide t_max = 10 (t_max/Δt a whole number)');
    expect(buildSpec(form({ K: 'many' })).errors.K).toMatch(/^K must be "auto" or an integer/);
  });

  it('any valid form the editor builds is accepted by parseSpec with the same task count (fast-check)', () => {
    const kinds = ['ness-sweep', 'gap-sweep', 'quench'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom('kerr', 'two-photon-kerr') as fc.Arbitrary<EditorText['model']>,
        fc.constantFrom(...kinds),
        fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 }),
        fc.tuple(fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), fc.integer({ min: 1, max: 300 })),
        fc.boolean(),
        (model, kind, Ns, [a, c, n], entropy) => {
          const [lo, hi] = a <= c ? [a, c] : [c, a];
          const sweep = lo === hi ? String(lo) : `${lo}:${hi}:${n}`;
          const b = buildSpec(form({ N: Ns.join(', '), sweep, final: sweep.includes(':') ? `${lo}, ${hi}` : sweep, entropy, tMax: '4', dt: '0.5' }, model, kind));
          expect(b.errors).toEqual({});
          expect(expandSpec(parseSpec(b.spec)).length).toBe(b.tasks);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('spec ↔ form, and parseSpec paths → fields', () => {
  it('a loaded spec gives back the form that builds it', () => {
    for (const f of [
      form({ name: 'a', N: '5, 10', sweep: '0:1.5:4', eps: '0.1' }),
      form({ name: 'b', eta0: '0.2', K: '30' }, 'two-photon-kerr', 'gap-sweep'),
      form({ name: 'c', untilNess: '1e-6' }, 'two-photon-kerr', 'quench'),
      form({ name: 'd', method: 'exact', entropy: false }, 'kerr', 'ness-sweep'),
      form({ name: 'e' }, 'kerr', 'quench'),
    ]) {
      const spec = buildSpec(f).spec;
      expect(buildSpec(editorFromSpec(spec)!).spec).toEqual(spec);
    }
    expect(editorFromSpec({ version: 1, tasks: [{ kind: 'gaussian-sweep' }] })).toBeUndefined();
  });

  it("parseSpec's messages land on the right field", () => {
    const spec = buildSpec(form({ name: 'x' }, 'kerr', 'quench')).spec as { tasks: Record<string, unknown>[] };
    spec.tasks[0].epsFinal = [0.5, 1000];
    let field = '';
    try {
      parseSpec(spec);
    } catch (e) {
      field = (e as ParameterError).field;
    }
    expect(field).toBe('tasks[0].epsFinal[1]');
    expect(fieldOfPath(field, 'quench')).toBe('final');
    expect(fieldOfPath('tasks[0].g.points', 'ness-sweep')).toBe('sweep');
    expect(fieldOfPath('tasks[0].eps', 'quench')).toBe('eps');
    expect(fieldOfPath('model.kappa', 'quench')).toBe('kappa');
    expect(fieldOfPath('tasks[0].kind', 'quench')).toBe('kind');
    expect(fieldOfPath('tasks', 'quench')).toBeUndefined();
  });
});
