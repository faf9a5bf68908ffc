/**
 * Property-based fuzzing of study spec files (issue 10): random JSON, random text, and mutations of every built-in
 * preset (a field replaced by any JSON value, deleted, an unknown one added, deep nesting grafted in, a BOM, huge
 * strings) go through parseSpecText/parseSpec (validation only: no study runs). Each must end in a spec that expands
 * into at most LIMITS.tasks tasks with finite parameters, or in a ParameterError whose field is a JSON path and whose
 * message is short and quotes no more than ~80 characters of any value; never another exception or a stack overflow.
 *
 * EPSTUDIO_FUZZ_RUNS sets the inputs per property (default 2000).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ParameterError, QUOTE_MAX } from '../../src-core/validation.js';
import { getPreset, listPresets } from '../../src-main/studies/presets.js';
import { expandSpec, LIMITS, parseSpec, parseSpecText, SPEC_TEXT_LIMITS } from '../../src-main/studies/spec.js';

const RUNS = Number(process.env.EPSTUDIO_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.EPSTUDIO_FUZZ_SEED ?? 20261205);

/** A marker that must never appear whole in an error (a long value is quoted at most QUOTE_MAX characters). */
const LONG = 'SECRET-' + 'x'.repeat(300);

type Outcome = 'valid' | 'invalid';

/** The property every input must satisfy; returns which way it went. */
function check(run: () => ReturnType<typeof parseSpec>): Outcome {
  try {
    const spec = run();
    const tasks = expandSpec(spec);
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.length).toBeLessThanOrEqual(LIMITS.tasks);
    for (const t of tasks) for (const v of Object.values(t.info.params)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    return 'valid';
  } catch (e) {
    if (!(e instanceof ParameterError)) throw new Error(`not a ParameterError: ${(e as Error)?.name}: ${String((e as Error)?.message).slice(0, 300)}`);
    expect(e.message).not.toContain(LONG.slice(0, QUOTE_MAX + 10));
    expect(e.message.length).toBeLessThan(700);
    expect(e.message.split('\n')).toHaveLength(1);
    // the field is the source name or a JSON path such as tasks[1].eps.from
    expect(e.field).toMatch(/^(spec(\.json)?|\(spec\)|[A-Za-z_$][\w$]*([.[].*)?|\[.*)$/s);
    return 'invalid';
  }
}

/** Any JSON value, including the long marker, numbers at the edges and deep-ish nesting. */
const jsonValue = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(LONG, 1e308, -1e308, 5e-324, -0, 0, 1, 0.5, 1000, 1e6, 2001, '', [], {}, null, true, [1, 5], { from: 0, to: 1, points: 3 }, 'kerr', 'two-photon-kerr', 'fock', 'exact') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map((d) => nest(d)) },
);

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
}

/** Paths into a spec object (every key and index), to pick a mutation site from. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  // a spec is ~5 levels deep; grafted deep values are mutation targets only near their top
  if (v && typeof v === 'object' && prefix.length < 6) for (const [k, c] of Object.entries(v)) paths(c, [...prefix, Array.isArray(v) ? Number(k) : k], out);
  return out;
}

type Mutation = { kind: 'set' | 'delete' | 'add'; site: number; value: unknown; key: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'set', 'delete', 'add'),
  site: fc.nat(),
  value: jsonValue,
  key: fc.oneof(fc.constantFrom('extra', 'N', 'eps', 'kind', 'K', 'untilNess', 'g', 'gInitial', 'gFinal', 'eta0', '__proto__', 'constructor', LONG), fc.string({ maxLength: 12 })),
});

function mutate(spec: unknown, ms: Mutation[]): unknown {
  const root = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  for (const m of ms) {
    const all = paths(root);
    const path = all[m.site % all.length];
    if (path.length === 0) continue;
    let parent: any = root;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const last = path[path.length - 1];
    const value = JSON.parse(JSON.stringify(m.value ?? null)); // a fresh copy (no value shared by two sites, no cycles)
    if (m.kind === 'set') parent[last] = value;
    else if (m.kind === 'delete') Array.isArray(parent) ? parent.splice(Number(last), 1) : delete parent[last];
    else if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) Object.defineProperty(parent[last], m.key, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/**
 * Every preset, plus hand-written specs with the forms no preset uses: the two-photon model's fixed ε, two-photon
 * loss, a Gaussian task beside it, and a Kerr spec (so that a mutated "kind" meets the other model's fields).
 */
const presets = [
  ...listPresets().map((p) => getPreset(p.name)),
  {
    version: 1,
    name: 'tp-forms',
    model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1, eta0: 0.2 },
    tasks: [
      { kind: 'ness-sweep', method: 'fock', entropy: false, N: [5], g: [0.1, 0.2], eps: 0.1, K: 30 },
      { kind: 'gap-sweep', N: [5, 10], g: { from: 0, to: 1, points: 11 }, eps: 0 },
      { kind: 'quench', N: [5], gInitial: 0.25, gFinal: [0.5, 1], eps: 0, tMax: 1, dt: 0.5, untilNess: 1e-6 },
      { kind: 'gaussian-sweep', preset: 'cavity-om', x: [1] },
    ],
  },
];

describe(`study specs: ${RUNS} generated inputs per property`, () => {
  it('mutations of every preset: a valid spec or a path-naming ParameterError', () => {
    const seen = { valid: 0, invalid: 0 };
    fc.assert(
      fc.property(fc.nat({ max: presets.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (i, ms, asText) => {
        const s = mutate(presets[i], ms);
        seen[check(() => (asText ? parseSpecText(JSON.stringify(s)) : parseSpec(s)))]++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // both outcomes reached (single mutations of a field often keep a spec valid)
    expect(seen.valid).toBeGreaterThan(RUNS / 50);
    expect(seen.invalid).toBeGreaterThan(RUNS / 4);
    console.log(`fuzz-spec mutations: ${RUNS} inputs: ${seen.valid} valid, ${seen.invalid} refused`);
  }, 60_000);

  it('random JSON values and random text: never anything but a ParameterError', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
      // a valid preset's text with a random slice cut out or a random string spliced in
      fc.tuple(fc.nat({ max: presets.length - 1 }), fc.nat(), fc.nat(), fc.string({ maxLength: 20 })).map(([i, a, b, ins]) => {
        const t = JSON.stringify(presets[i]);
        const p = a % t.length, q = Math.min(t.length, p + (b % 40));
        return t.slice(0, p) + ins + t.slice(q);
      }),
    );
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(text.map((t) => ({ t })), fc.jsonValue({ maxDepth: 5 }).map((v) => ({ v }))), fc.boolean(), (input, bom) => {
        const r = 't' in input ? check(() => parseSpecText((bom ? '\uFEFF' : '') + input.t, 'spec.json')) : check(() => parseSpec(input.v));
        if (r === 'invalid') refused++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(refused).toBeGreaterThan(RUNS * 0.9);
  }, 60_000);

  it('the issue\'s cases: a 100 000-deep spec names its path, a 50 MB field is quoted ≤ 80 characters, a BOM is accepted', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    let e = errorOf(() => parseSpecText(`{"version":1,"name":"x","tasks":[{"kind":"quench","N":${deep}}]}`));
    expect(e.message).toMatch(/^tasks\[0\]\.N\[0\]\[0\].*nested deeper than 32 levels/);
    e = errorOf(() => parseSpec({ version: 1, name: 'x', tasks: [{ kind: 'gap-sweep', N: [1], eps: [1], extra: nest(100_000) }] }));
    expect(e.message).toMatch(/nested deeper than/);
    const big = { ...presets[0], name: 'n'.repeat(50 * 2 ** 20) };
    e = errorOf(() => parseSpec(big));
    expect(e.field).toBe('name');
    expect(e.message.length).toBeLessThan(300);
    e = errorOf(() => parseSpecText(JSON.stringify({ ...presets[0], name: 'n'.repeat(5 * 2 ** 20) })));
    expect(e.message).toMatch(/at most 4 MiB/);
    expect(parseSpecText('\uFEFF' + JSON.stringify(presets[0]))).toEqual(parseSpec(presets[0]));
    expect(SPEC_TEXT_LIMITS.depth).toBe(32);
    // a JSON syntax error names the source and position but never echoes the text
    e = errorOf(() => parseSpecText('SECRETSECRET', 'my.json'));
    expect(e.message).toMatch(/^my\.json: /);
    expect(e.message).not.toContain('SECRETSECRET');
  });
});

function errorOf(f: () => unknown): ParameterError {
  try {
    f();
  } catch (e) {
    if (e instanceof ParameterError) return e;
    throw e;
  }
  throw new Error('expected a ParameterError');
}
