import { describe, expect, it } from 'vitest';
import { ParameterError } from '../../../src-core/validation.js';
import { getPreset, listPresets } from '../../../src-main/studies/presets.js';
import { canonicalJson, expandSpec, parseSpec, parseSpecText, pointsOf, specHash } from '../../../src-main/studies/spec.js';

function errorOf(f: () => unknown): ParameterError {
  try {
    f();
  } catch (e) {
    if (e instanceof ParameterError) return e;
    throw e;
  }
  throw new Error('expected a ParameterError');
}

const good = () => ({
  version: 1,
  name: 'test',
  model: { kappa: 0.5, delta: -2, u: 1 },
  tasks: [
    { kind: 'quench', N: [1, 5], epsInitial: 0.5, epsFinal: [0.8, 1.1], tMax: 2, dt: 0.2, figures: ['fig4'] },
    { kind: 'ness-sweep', method: 'exact', N: [5], eps: { from: 0, to: 1.5, points: 4 } },
    { kind: 'gap-sweep', N: [5], eps: [0.9, 1.0] },
    { kind: 'gaussian-sweep', preset: 'cavity-bec', x: { from: 0, to: 0.9, points: 3 } },
  ],
});

describe('study spec v1', () => {
  it('accepts every preset and expands kerr-quench-paper into the seed protocol', () => {
    for (const p of listPresets()) expect(() => parseSpec(getPreset(p.name))).not.toThrow();
    const tasks = expandSpec(getPreset('kerr-quench-paper'));
    const quenches = tasks.filter((t) => t.info.kind === 'quench');
    // 5 sizes × 6 final pumps (seed Sec. IV A)
    expect(quenches.length).toBe(30);
    const byEps = new Map(quenches.map((t) => [t.quench!.epsFinal, t.quench!.tMax]));
    expect([...byEps.keys()].sort((a, b) => a - b)).toEqual([0.6, 0.8, 0.933, 1.1, 1.16616, 1.3]);
    // windows of Figs. 4–8: (d) ε_f = 1.1 to t = 100, (e) ε_f = ε+ to 50, the others to 10; Δt = 0.2 → 501 samples for (d)
    expect(byEps.get(1.1)).toBe(100);
    expect(byEps.get(1.16616)).toBe(50);
    expect(byEps.get(0.6)).toBe(10);
    expect(quenches.find((t) => t.quench!.epsFinal === 1.1)!.total).toBe(501);
    expect(quenches.every((t) => t.quench!.epsInitial === 0.5 && t.quench!.dt === 0.2)).toBe(true);
    expect(tasks.filter((t) => t.info.kind === 'gap-sweep').length).toBe(5);
    expect(tasks.find((t) => t.info.kind === 'gap-sweep')!.sweep!.xs.length).toBe(91);
    expect(new Set(tasks.map((t) => t.info.id)).size).toBe(tasks.length);
  });

  it('expands a hand-written spec and gives stable ids and hashes', () => {
    const s = parseSpec(good());
    const ids = expandSpec(s).map((t) => t.info.id);
    expect(ids).toEqual(['quench-N1-epsf0.8', 'quench-N1-epsf1.1', 'quench-N5-epsf0.8', 'quench-N5-epsf1.1', 'ness-exact-N5', 'gap-N5', 'gaussian-cavity-bec']);
    // key order does not change the hash
    const reverseKeys = (v: any): any =>
      Array.isArray(v) ? v.map(reverseKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reverseKeys(v[k])])) : v;
    const shuffled = reverseKeys(good());
    expect(Object.keys(shuffled)[0]).toBe('tasks');
    expect(specHash(parseSpec(shuffled))).toBe(specHash(s));
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(pointsOf({ from: 0, to: 1.5, points: 4 })).toEqual([0, 0.5, 1, 1.5]);
  });

  it.each([
    [(s: any) => (s.version = 2), 'version', /1/],
    [(s: any) => delete s.name, 'name', /name/],
    [(s: any) => (s.tasks[0].N[1] = -1), 'tasks[0].N[1]', /≥ 0.001/],
    [(s: any) => (s.tasks[0].epsFinal = []), 'tasks[0].epsFinal', /list of 1 to/],
    [(s: any) => (s.tasks[0].dt = 0), 'tasks[0].dt', /≥ 0.0001/],
    [(s: any) => (s.tasks[0].dt = 5), 'tasks[0].dt', /≤ tMax/],
    [(s: any) => (s.tasks[0].dt = 0.3), 'tasks[0].dt', /divisor of tMax/],
    [(s: any) => (s.tasks[0].tMax = 'ten'), 'tasks[0].tMax', /finite number/],
    [(s: any) => (s.tasks[0].Nn = 3), 'tasks[0].Nn', /no such field/],
    [(s: any) => (s.tasks[1].method = 'dense'), 'tasks[1].method', /exact, fock/],
    [(s: any) => (s.tasks[1].eps.points = 0), 'tasks[1].eps.points', /integer/],
    [(s: any) => (s.tasks[2].eps = [0.9, 'x']), 'tasks[2].eps', /list of numbers/],
    [(s: any) => (s.tasks[3].x = [0.5, 1.2]), 'tasks[3].x', /\[0, 1\)/],
    [(s: any) => (s.tasks[3].kind = 'fourier'), 'tasks[3].kind', /quench, ness-sweep/],
    [(s: any) => (s.model.kappa = 0), 'model.kappa', /≥ 0.001/],
    [(s: any) => s.tasks.push(s.tasks[1]), 'tasks[4]', /duplicate/],
  ])('rejects a bad spec, naming the path (%#)', (mutate, path, allowed) => {
    const s = good();
    mutate(s);
    const e = errorOf(() => parseSpec(s));
    expect(e.field).toBe(path);
    expect(e.allowed).toMatch(allowed);
  });

  it('rejects malformed JSON with one error naming the source', () => {
    const e = errorOf(() => parseSpecText('{"version": 1,', 'my.json'));
    expect(e.field).toBe('my.json');
  });

  it('fuzz: random mutations never crash; each gives a valid spec or a path-naming ParameterError', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const junk = () => pick<unknown>([null, -1, 0, 1e308, -0.5, 'x', '', true, [], {}, [1, 'a'], { from: 1, to: 0, points: 3 }, NaN, 3.5, 1e6, [0.5]]);
    let valid = 0, invalid = 0;
    for (let it = 0; it < 1500; it++) {
      const s: any = good();
      const nMut = 1 + Math.floor(rand() * 3);
      for (let m = 0; m < nMut; m++) {
        // walk to a random node, then replace, delete or add a key
        let node: any = s;
        let key: any = pick(Object.keys(node));
        for (let depth = 0; depth < 4 && node[key] && typeof node[key] === 'object' && rand() < 0.7; depth++) {
          node = node[key];
          const keys = Object.keys(node);
          if (keys.length === 0) break;
          key = pick(keys);
        }
        const r = rand();
        if (r < 0.6) node[key] = junk();
        else if (r < 0.8) delete node[key];
        else node[pick(['extra', 'N', 'eps', 'kind', '__proto__x'])] = junk();
      }
      try {
        const p = parseSpec(s);
        expect(expandSpec(p).length).toBeGreaterThan(0);
        valid++;
      } catch (e) {
        expect(e).toBeInstanceOf(ParameterError);
        const pe = e as ParameterError;
        expect(pe.field.length).toBeGreaterThan(0);
        expect(pe.allowed.length).toBeGreaterThan(0);
        expect(pe.message.split('\n').length).toBe(1);
        invalid++;
      }
    }
    expect(invalid).toBeGreaterThan(500);
    expect(valid).toBeGreaterThan(10);
  });
});
