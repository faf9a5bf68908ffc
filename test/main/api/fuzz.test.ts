/**
 * Property-based fuzzing (fast-check) of EVERY API method, in-process against the real handlers, plus the Electron IPC
 * adapter. Inputs mix random values of any type, valid-ish requests with one field made hostile (path tricks, huge
 * strings, NUL, wrong types, non-finite numbers) and valid requests. Each call must end, within a time limit, in a
 * result matching the contract's response schema or in an error value with a short message; no programming error
 * (TypeError, RangeError …), no content of a file outside, and nothing created, changed or removed outside the data
 * folder (the whole temp tree around it is compared before and after).
 *
 * EPSTUDIO_FUZZ_RUNS sets the inputs per method (default 2 000; the nightly mode uses more). Calls that would start
 * long computations (a valid studies.run or studies.resume) are cancelled at once; valid phase-space frames are small.
 */
import fc from 'fast-check';
import { mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, METHOD_NAMES, METHODS, type Method } from '../../../src-main/api/contract.js';
import { errorBody } from '../../../src-main/api/handlers.js';
import { registerIpc } from '../../../src-main/electron/ipc.js';
import { ParameterError } from '../../../src-core/validation.js';
import { StudyStore } from '../../../src-main/studies/store.js';
import { getPreset, presetNames } from '../../../src-main/studies/presets.js';
import { expandSpec, parseSpec } from '../../../src-main/studies/spec.js';
import { diffStates, makeSandbox, SECRET, type Sandbox } from './sandbox.js';

export const RUNS = Math.max(1, Number(process.env.EPSTUDIO_FUZZ_RUNS ?? 2000) || 2000);
const CALL_LIMIT_MS = 20_000;

let sb: Sandbox;
let study: string;
let taskIds: string[] = [];
/**
 * Real study starts (and phase-space exports) per method: each costs ~1 s (a worker pool, HDF5 files); further valid
 * requests are checked by the contract and the spec parser, not run.
 */
const MAX_STARTS = 3;
/** Valid model runs per method (model.ness / model.gap): small points, a worker each. */
const MAX_MODEL_RUNS = 6;
const starts: Record<string, number> = {};
const stats: Record<string, { ok: number; refused: number; notStarted: number }> = {};

/** A small vacuum-like outcome file (base64) for lab.open, and the lab job lab.plan / lab.export refer to. */
const labHandles: string[] = [];
const LAB_CSV = Buffer.from('re,im\n' + Array.from({ length: 80 }, (_, i) => `${Math.cos(i * 2.4) * ((i % 7) / 6)},${Math.sin(i * 2.4) * ((i % 5) / 4)}`).join('\n')).toString('base64');

beforeAll(async () => {
  sb = makeSandbox({ workers: 1 });
  study = join(sb.studies, 'fixture');
  const fixture = parseSpec({
    version: 1,
    name: 'fixture',
    model: { kappa: 0.5, delta: -2, u: 1 },
    tasks: [{ kind: 'ness-sweep', method: 'exact', N: [1], eps: [0.5, 0.6] }],
  });
  StudyStore.create(study, fixture);
  taskIds = expandSpec(fixture).map((t) => t.info.id);
  symlinkSync(sb.outsideStudy, join(sb.studies, 'escape'));
  mkdirSync(sb.exports, { recursive: true });
  symlinkSync(sb.outside, join(sb.exports, 'escape'));
  writeFileSync(join(sb.exports, 'plain.txt'), 'x');
  const o = (await sb.handlers.dispatch('lab.open', { upload: { name: 'fixture.csv', data: LAB_CSV } })) as { handle: string };
  labHandles.push(o.handle);
  await sb.handlers.dispatch('lab.analyze', { job: 'fuzzjob', handle: o.handle, bootstrap: 2, pixels: 16 });
});
afterAll(async () => {
  const lines = Object.entries(stats).map(
    ([m, s]) => `${m}: ${s.ok + s.refused + s.notStarted} inputs (${s.ok} results, ${s.refused} refusals${s.notStarted ? `, ${s.notStarted} valid but not started` : ''})`,
  );
  console.log(`[fuzz] in-process, ${RUNS} per method\n  ${lines.join('\n  ')}`);
  await sb?.cleanup();
});

// ---- generators ----

/** Paths a hostile page would try, in and around the data folder. */
const pathTricks = () => [
  '/etc/passwd',
  '/etc/shadow',
  '/',
  '/tmp',
  '.',
  '..',
  '',
  '~',
  'relative/dir',
  'C:\\Windows\\System32',
  '\\\\server\\share',
  'file:///etc/passwd',
  sb.base,
  sb.data,
  sb.outside,
  sb.outsideStudy,
  sb.secretJson,
  sb.studies,
  sb.exports,
  study,
  join(study, 'tasks'),
  join(study, 'study.json'),
  join(sb.studies, 'escape'),
  join(sb.exports, 'escape'),
  join(sb.exports, 'plain.txt'),
  sb.studies + '/../../outside/study',
  sb.exports + '/..',
  sb.exports + '/../..',
  sb.exports + '/./',
  sb.exports + '\0/x',
  sb.exports + '/%2e%2e',
  join(sb.studies, 'nope'),
  '/' + 'a'.repeat(5000),
];

const hugeString = fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n));
const hostileString = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pathTricks()) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', '../x', 'a/b', 'a\\b', 'x\0y', '.hidden', 'CON', 'x.', '__proto__', 'constructor', 'toString') },
    { weight: 1, arbitrary: hugeString },
  );
const anyValue = () =>
  fc.oneof(
    fc.anything({ maxDepth: 3, withBigInt: false }),
    hostileString(),
    fc.double(),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1e308, 5e-324, 2 ** 53),
    fc.constant(undefined),
    fc.constant(null),
  );

/** A value for a field: mostly valid, sometimes hostile. */
const field = <T>(valid: fc.Arbitrary<T>, validWeight = 3) => fc.oneof({ weight: validWeight, arbitrary: valid }, { weight: 1, arbitrary: anyValue() });
/** An object from field arbitraries, some fields dropped, sometimes extra junk keys. */
function record(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 12 }), anyValue(), { maxKeys: 2 }), fc.boolean())
    .map(([r, junk, addJunk]) => (addJunk ? { ...junk, ...r } : r));
}

const dirArb = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(study, sb.studies, sb.exports) },
    { weight: 6, arbitrary: fc.constantFrom(...pathTricks()) },
    { weight: 1, arbitrary: hostileString() },
  );
const safeName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.\- ()=,+]{0,30}[A-Za-z0-9_)]$/);
const nameArb = () => fc.oneof({ weight: 3, arbitrary: safeName }, { weight: 2, arbitrary: hostileString() });
const specArb = () => {
  const base = getPreset('kerr-quench-demo') as unknown as Record<string, unknown>;
  return fc.oneof(
    // A valid spec, rarely (it starts a study: cancelled at once).
    { weight: 1, arbitrary: fc.constant({ version: 1, name: 'tiny', tasks: [{ kind: 'ness-sweep', method: 'exact', N: [1], eps: [0.5] }] }) },
    // The preset with one top-level or task field made hostile.
    {
      weight: 20,
      arbitrary: fc.tuple(fc.constantFrom('version', 'name', 'model', 'tasks', 'secret', '__proto__'), anyValue()).map(([k, v]) => ({ ...base, [k]: v })),
    },
    {
      weight: 20,
      arbitrary: fc
        .tuple(fc.constantFrom('kind', 'N', 'epsInitial', 'epsFinal', 'tMax', 'dt', 'eps', 'method', 'K', 'figures', 'untilNess'), anyValue())
        .map(([k, v]) => ({ ...base, tasks: [{ ...(base.tasks as Record<string, unknown>[])[0], [k]: v }] })),
    },
    { weight: 5, arbitrary: anyValue() },
    // Deep nesting.
    { weight: 2, arbitrary: fc.integer({ min: 30, max: 20_000 }).map((d) => ({ ...base, deep: nest(d) })) },
  );
};
function nest(d: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < d; i++) v = { a: v };
  return v;
}

const quenchParams = () =>
  record({
  kappa: field(fc.double({ min: 0.1, max: 2, noNaN: true })),
  delta: field(fc.double({ min: -3, max: 0, noNaN: true })),
  u: field(fc.double({ min: 0.5, max: 2, noNaN: true })),
  epsInitial: field(fc.double({ min: 0, max: 1, noNaN: true })),
  epsFinal: field(fc.double({ min: 0, max: 1.2, noNaN: true })),
  N: field(fc.double({ min: 0.5, max: 3, noNaN: true })),
  tMax: field(fc.double({ min: 0.1, max: 2, noNaN: true })),
});
const grid = () =>
  record({
  xMin: field(fc.double({ min: -4, max: 0, noNaN: true })),
  xMax: field(fc.double({ min: 0, max: 4, noNaN: true })),
  yMin: field(fc.double({ min: -4, max: 0, noNaN: true })),
  yMax: field(fc.double({ min: 0, max: 4, noNaN: true })),
  nx: field(fc.integer({ min: 4, max: 8 })),
  ny: field(fc.integer({ min: 4, max: 8 })),
});

/** A two-photon model point (model.ness / model.gap): small valid ones (run on a worker, a few ms each), and mangled fields. */
const modelPoint = () =>
  fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        model: fc.record({ kind: fc.constant('two-photon-kerr'), kappa: fc.constant(0.5), delta: fc.double({ min: -1, max: 1, noNaN: true }), u: fc.constant(1), eta0: fc.constantFrom(0, 0.5) }),
        N: fc.double({ min: 0.5, max: 3, noNaN: true }),
        eps: fc.constantFrom(0, 0.2),
        g: fc.double({ min: 0, max: 0.6, noNaN: true }),
      }),
    },
    {
      weight: 15,
      arbitrary: record({
        model: field(
          record({
            kind: field(fc.constantFrom('two-photon-kerr', 'kerr')),
            kappa: field(fc.double({ min: 0.1, max: 2, noNaN: true })),
            delta: field(fc.double({ min: -3, max: 3, noNaN: true })),
            u: field(fc.double({ min: 0, max: 2, noNaN: true })),
            eta0: field(fc.double({ min: 0, max: 2, noNaN: true })),
          }),
          1,
        ),
        N: field(fc.double({ min: 0.5, max: 3, noNaN: true })),
        eps: field(fc.double({ min: 0, max: 0.5, noNaN: true })),
        g: field(fc.double({ min: 0, max: 0.6, noNaN: true })),
        K: field(fc.integer({ min: 2, max: 30 }), 1),
        entropy: field(fc.boolean(), 1),
        count: field(fc.integer({ min: 1, max: 3 }), 1),
      }),
    },
  );
/** A study-editor spec (two-photon sweeps, Kerr sweeps) with one field mangled, or anything. */
const editorSpecArb = () =>
  fc.oneof(
    specArb(),
    fc
      .tuple(fc.constantFrom('kind', 'N', 'g', 'eps', 'method', 'entropy', 'K', 'gInitial', 'gFinal'), anyValue())
      .map(([k, v]) => ({ version: 1, name: 'tp', model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 }, tasks: [{ kind: 'ness-sweep', method: 'fock', N: [5], g: { from: 0, to: 1.5, points: 4 }, [k]: v }] })),
  );

/** An export's source study: its folder is read for the provenance, so it is a path like any other. */
const sourceArb = () => field(record({ study: dirArb(), tasks: field(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 })) }), 1);

const methodParams = (): Record<Method, fc.Arbitrary<unknown>> => ({
  'app.info': anyValue(),
  'studies.presets': anyValue(),
  'studies.list': anyValue(),
  'studies.run': fc.oneof(
    { weight: 1, arbitrary: fc.record({ preset: fc.constantFrom(...presetNames()) }) },
    { weight: 60, arbitrary: record({ preset: field(fc.constantFrom(...pathTricks()), 1) }) },
    { weight: 60, arbitrary: record({ spec: specArb(), workers: field(fc.constant(1)) }) },
    { weight: 10, arbitrary: record({ preset: hostileString(), spec: specArb() }) },
    { weight: 10, arbitrary: anyValue() },
  ),
  'studies.cancel': record({ studyId: field(fc.string({ maxLength: 30 })) }),
  // Validates only (never runs): every input is checked, none starts a study.
  'studies.check': fc.oneof({ weight: 20, arbitrary: record({ spec: editorSpecArb() }) }, { weight: 1, arbitrary: anyValue() }),
  'model.ness': modelPoint(),
  'model.gap': modelPoint(),
  'model.quench': fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        model: fc.constant({ kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 }),
        N: fc.double({ min: 0.5, max: 3, noNaN: true }),
        eps: fc.constantFrom(0, 0.2),
        gInitial: fc.double({ min: 0, max: 0.6, noNaN: true }),
        gFinal: fc.double({ min: 0, max: 0.6, noNaN: true }),
        tMax: fc.constantFrom(0.5, 1),
        dt: fc.constantFrom(0.25, 0.5),
      }),
    },
    {
      weight: 15,
      arbitrary: record({
        model: field(fc.constant({ kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 }), 1),
        N: field(fc.double({ min: 0.5, max: 3, noNaN: true })),
        eps: field(fc.constantFrom(0, 0.2)),
        gInitial: field(fc.double({ min: 0, max: 0.6, noNaN: true })),
        gFinal: field(fc.double({ min: 0, max: 0.6, noNaN: true })),
        tMax: field(fc.double({ min: 0.1, max: 1, noNaN: true })),
        dt: field(fc.double({ min: 0.01, max: 1, noNaN: true })),
        K: field(fc.integer({ min: 2, max: 30 }), 1),
        rtol: field(fc.constantFrom(1e-8, 1e-10), 1),
      }),
    },
  ),
  'model.cancel': anyValue(),
  'studies.resume': fc.oneof(
    { weight: 1, arbitrary: fc.constant({ dir: study, workers: 1 }) },
    { weight: 80, arbitrary: record({ dir: dirArb(), workers: field(fc.integer({ min: 1, max: 2 })) }) },
  ),
  'studies.status': record({ dir: dirArb() }),
  'studies.readTask': record({ dir: dirArb(), taskId: field(fc.oneof(fc.constantFrom('x', '../study', ...taskIds), fc.string({ maxLength: 30 }))) }),
  'studies.open': record({ dir: dirArb() }),
  'studies.saveAs': record({ dir: dirArb(), dest: fc.oneof(dirArb(), dirArb().map((d) => join(String(d), 'copy')), fc.constantFrom(join(sb.studies, 'copy'), join(sb.exports, 'copy'))) }),
  'phaseSpace.frame': fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        params: fc.record({
          kappa: fc.double({ min: 0.1, max: 2, noNaN: true }),
          delta: fc.double({ min: -3, max: 0, noNaN: true }),
          u: fc.double({ min: 0.5, max: 2, noNaN: true }),
          epsInitial: fc.double({ min: 0, max: 1, noNaN: true }),
          epsFinal: fc.double({ min: 0, max: 1.2, noNaN: true }),
          N: fc.double({ min: 0.5, max: 3, noNaN: true }),
          tMax: fc.double({ min: 0.1, max: 2, noNaN: true }),
        }),
        t: fc.double({ min: 0, max: 2, noNaN: true }),
        grid: fc.record({ xMin: fc.constant(-3), xMax: fc.constant(3), yMin: fc.constant(-3), yMax: fc.constant(3), nx: fc.integer({ min: 4, max: 8 }), ny: fc.integer({ min: 4, max: 8 }) }),
      }),
    },
    { weight: 15, arbitrary: record({ params: field(quenchParams(), 1), t: field(fc.double({ min: 0, max: 2, noNaN: true })), grid: field(grid(), 1) }) },
  ),
  // P(n, t) over a quench (window helper): small valid runs, and the usual mangled fields.
  'phaseSpace.photonSeries': fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        params: fc.record({
          kappa: fc.double({ min: 0.1, max: 2, noNaN: true }),
          delta: fc.double({ min: -3, max: 0, noNaN: true }),
          u: fc.double({ min: 0.5, max: 2, noNaN: true }),
          epsInitial: fc.double({ min: 0, max: 1, noNaN: true }),
          epsFinal: fc.double({ min: 0, max: 1.2, noNaN: true }),
          N: fc.double({ min: 0.5, max: 3, noNaN: true }),
          tMax: fc.constantFrom(0.5, 1),
        }),
        dt: fc.constantFrom(0.25, 0.5, 0.3),
      }),
    },
    { weight: 15, arbitrary: record({ params: field(quenchParams(), 1), dt: field(fc.double({ min: 0.01, max: 2, noNaN: true })) }) },
  ),
  'files.exportCsv': record({
    name: nameArb(),
    columns: field(fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 })),
    rows: field(fc.array(fc.array(fc.oneof(fc.double(), fc.constant(null)), { maxLength: 4 }), { maxLength: 5 })),
    meta: field(fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string({ maxLength: 20 }), fc.double())), 1),
    dir: dirArb(),
    source: sourceArb(),
  }),
  'files.save': record({ source: sourceArb(), name: nameArb(), data: field(fc.oneof(fc.string({ maxLength: 100 }), fc.base64String({ maxLength: 100 }))), encoding: field(fc.constantFrom('utf8', 'base64')), dir: dirArb() }),
  'files.chooseDir': record({ purpose: field(fc.oneof(fc.stringMatching(/^[\w-]{0,20}$/), fc.string({ maxLength: 50 }))), source: sourceArb() }),
  'studies.exportH5': record({ dir: dirArb(), dest: dirArb() }),
  'figures.export': record({
    dir: dirArb(),
    formats: field(fc.subarray(['svg', 'pdf', 'png'] as const, { minLength: 1 }), 1),
    figures: field(fc.subarray(['fig2', 'fig3', 'fig4'] as const, { minLength: 1 }), 1),
    folder: nameArb(),
  }),
  'lab.open': fc.oneof(
    { weight: 1, arbitrary: fc.constant({ upload: { name: 'v.csv', data: LAB_CSV } }) },
    {
      weight: 10,
      arbitrary: record({
        upload: field(record({ name: nameArb(), data: field(fc.oneof(fc.base64String({ maxLength: 100 }), fc.string({ maxLength: 50 }), fc.constant(LAB_CSV))) }), 1),
        path: dirArb(),
        dataset: field(fc.oneof(fc.constantFrom('/a', '/run/mu', '/../x'), fc.string({ maxLength: 20 }))),
        columns: field(fc.constantFrom('re,im', '1,2', 'a,b,c', '', '2,1,1')),
      }),
    },
    { weight: 2, arbitrary: record({ path: fc.oneof(dirArb(), fc.constantFrom(sb.secretJson, join(sb.exports, 'plain.txt'))) }) },
  ),
  'lab.analyze': record({
    job: field(fc.stringMatching(/^[\w-]{1,10}$/)),
    // Handles lab.open returned so far (the oldest are dropped by the handlers), and one never issued.
    handle: field(fc.constantFrom(...labHandles.slice(-2), 'nope')),
    efficiency: field(fc.double({ min: 0.1, max: 1, noNaN: true })),
    kappa: field(fc.double({ min: 0.1, max: 2, noNaN: true })),
    U: field(fc.double({ min: -1, max: 1, noNaN: true })),
    bootstrap: field(fc.integer({ min: 0, max: 3 })),
    knn: field(fc.integer({ min: 1, max: 3 })),
    seed: field(fc.integer({ min: 0, max: 10 })),
    timeBins: field(fc.integer({ min: 1, max: 3 }), 1),
    pixels: field(fc.integer({ min: 16, max: 20 })),
  }),
  'lab.cancel': record({ job: field(fc.oneof(fc.constantFrom('fuzzjob', 'x'), fc.string({ maxLength: 20 }))) }),
  'lab.model': fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        model: fc.record({ N: fc.constantFrom(1, 2), eps: fc.double({ min: 0, max: 1.2, noNaN: true }), delta: fc.constant(-2), u: fc.constant(1), kappa: fc.constant(0.5) }),
        efficiency: fc.double({ min: 0.1, max: 1, noNaN: true }),
        grid: fc.record({ xMin: fc.constant(-3), xMax: fc.constant(3), yMin: fc.constant(-3), yMax: fc.constant(3), nx: fc.integer({ min: 4, max: 8 }), ny: fc.integer({ min: 4, max: 8 }) }),
        quench: fc.option(fc.record({ epsInitial: fc.constant(0.5), times: fc.constantFrom([0], [0.5, 1]) }), { nil: undefined }),
      }),
    },
    { weight: 10, arbitrary: record({
    model: field(
      record({
        N: field(fc.double({ min: 0.5, max: 3, noNaN: true })),
        eps: field(fc.double({ min: 0, max: 1.2, noNaN: true })),
        delta: field(fc.double({ min: -3, max: 0, noNaN: true })),
        u: field(fc.double({ min: 0.5, max: 2, noNaN: true })),
        kappa: field(fc.double({ min: 0.1, max: 2, noNaN: true })),
      }),
      1,
    ),
    efficiency: field(fc.double({ min: 0.1, max: 1, noNaN: true })),
    grid: field(grid(), 1),
    quench: field(
      record({
        epsInitial: field(fc.double({ min: 0, max: 1, noNaN: true })),
        times: field(fc.oneof(fc.uniqueArray(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 3 }).map((a) => a.sort((x, y) => x - y)), fc.array(fc.double(), { maxLength: 3 }))),
      }),
      1,
    ),
  }) },
  ),
  'lab.fit': record({
    job: field(fc.stringMatching(/^[\w-]{1,10}$/)),
    handle: field(fc.constantFrom(...labHandles.slice(-2), 'nope')),
    analysis: field(fc.constantFrom('fuzzjob', 'nope'), 1),
    kappa: field(fc.double({ min: 0.1, max: 2, noNaN: true })),
    efficiency: field(fc.double({ min: 0.1, max: 1, noNaN: true })),
    free: field(fc.subarray(['eps', 'delta', 'u', 'N'] as const, { minLength: 1 })),
    initial: field(record({ N: field(fc.constantFrom(1, 2)), eps: field(fc.double({ min: 0, max: 1.2, noNaN: true })), delta: field(fc.constant(-2)), u: field(fc.constant(1)) }), 1),
  }),
  'lab.plan': record({ job: field(fc.constantFrom('fuzzjob', 'nope')), target: field(fc.double({ min: 1e-3, max: 1, noNaN: true })) }),
  'lab.export': record({
    job: field(fc.constantFrom('fuzzjob', 'nope')),
    model: field(record({ N: field(fc.constantFrom(1, 2)), eps: field(fc.constantFrom(0, 0.5)), delta: field(fc.constant(-2)), u: field(fc.constant(1)), kappa: field(fc.constant(0.5)) }), 1),
    quench: field(record({ epsInitial: field(fc.constantFrom(0, 0.5)) }), 1),
    fit: field(fc.constantFrom('fuzzfit', 'nope'), 1),
  }),
  'phaseSpace.export': fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        params: fc.constant({ kappa: 0.5, delta: -2, u: 1, epsInitial: 0.5, epsFinal: 1.1, N: 1, tMax: 1 }),
        grid: fc.record({ xMin: fc.constant(-3), xMax: fc.constant(3), yMin: fc.constant(-3), yMax: fc.constant(3), nx: fc.integer({ min: 4, max: 8 }), ny: fc.integer({ min: 4, max: 8 }) }),
        times: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 2 }),
        formats: fc.subarray(['h5', 'npy'] as const),
        dir: fc.oneof(fc.constant(sb.exports), dirArb()),
      }),
    },
    {
      weight: 15,
      arbitrary: record({
        params: field(quenchParams(), 1),
        grid: field(grid(), 1),
        times: field(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 3 })),
        formats: field(fc.subarray(['h5', 'npy'] as const)),
        dir: dirArb(),
      }),
    },
  ),
});

// ---- the property ----

const PROGRAMMING_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError];

/** Every path a result names must be inside the data folder (the browser host grants nothing else). */
function checkInside(v: unknown) {
  const real = realpathSync(sb.data);
  for (const k of ['path', 'dir'] as const) {
    const p = (v as Record<string, unknown> | null)?.[k];
    if (typeof p === 'string') expect(realpathSync(p).startsWith(real + '/'), `${k} ${p}`).toBe(true);
  }
}

async function call(method: string, params: unknown): Promise<{ ok: boolean; value: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`HANG: ${method} took over ${CALL_LIMIT_MS} ms`)), CALL_LIMIT_MS)));
  // A synchronous hang blocks the timer too: the elapsed time is checked after the call as well.
  const t0 = performance.now();
  try {
    const value = await Promise.race([sb.handlers.dispatch(method, params), limit]);
    if (performance.now() - t0 > CALL_LIMIT_MS) throw new Error(`HANG: ${method} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('HANG:')) throw e;
    if (performance.now() - t0 > CALL_LIMIT_MS) throw new Error(`HANG: ${method} took ${((performance.now() - t0) / 1000).toFixed(1)} s before failing`);
    return { ok: false, value: e };
  } finally {
    clearTimeout(timer);
  }
}

/** Would this request start a study (a valid run, or a resume of the fixture)? Decided with the same validators. */
function wouldStart(method: Method, params: unknown): boolean {
  if (method !== 'studies.run' && method !== 'studies.resume' && method !== 'phaseSpace.export' && method !== 'lab.analyze' && method !== 'lab.fit' && !method.startsWith('model.')) return false;
  const r = METHODS[method][0].safeParse(params ?? {});
  if (!r.success) return false;
  // A valid model run starts a worker (~50 ms) and computes: a few run (each checked against the response schema).
  if (method.startsWith('model.')) return method !== 'model.cancel';
  // A valid lab analysis or Kerr fit starts a worker and a fit (~1 s): a few run, the rest are checked by the contract only.
  if (method === 'lab.analyze' || method === 'lab.fit') return true;
  // A valid phase-space export computes and writes HDF5/.npy files (~1 s each): a few run, the rest are checked only.
  if (method === 'phaseSpace.export') {
    try {
      return realpathSync((r.data as { dir: string }).dir) === realpathSync(sb.exports);
    } catch {
      return false;
    }
  }
  const p = r.data as { preset?: string; spec?: unknown; dir?: string };
  if (method === 'studies.resume') {
    try {
      return realpathSync(p.dir!) === realpathSync(study);
    } catch {
      return false;
    }
  }
  if (p.preset !== undefined) return presetNames().includes(p.preset);
  try {
    parseSpec(p.spec);
    return true;
  } catch {
    return false;
  }
}

/** A valid model point too large for a fuzz loop (seconds to minutes of computing): validated by the contract only. */
function tooBig(method: Method, params: unknown): boolean {
  if (method !== 'model.ness' && method !== 'model.gap' && method !== 'model.quench') return false;
  const r = METHODS[method][0].safeParse(params ?? {});
  if (!r.success) return false;
  const m = r.data as { N: number; g?: number; gInitial?: number; gFinal?: number; eps: number; K?: number; tMax?: number; dt?: number };
  const g = Math.max(m.g ?? 0, m.gInitial ?? 0, m.gFinal ?? 0);
  return !(m.N <= 3 && g <= 0.6 && m.eps <= 0.5 && (m.K ?? 0) <= 30 && (m.tMax ?? 0) <= 1 && (m.tMax ?? 0) / (m.dt ?? 1) <= 100);
}

async function checkOne(method: Method, params: unknown): Promise<void> {
  const s = (stats[method] ??= { ok: 0, refused: 0, notStarted: 0 });
  if (tooBig(method, params)) {
    s.notStarted++;
    return;
  }
  if (wouldStart(method, params) && (starts[method] = (starts[method] ?? 0) + 1) > (method.startsWith('model.') ? MAX_MODEL_RUNS : MAX_STARTS)) {
    s.notStarted++;
    return;
  }
  const r = await call(method, params);
  if (r.ok) {
    s.ok++;
    const parsed = METHODS[method][1].safeParse(r.value);
    expect(parsed.success, `${method} result off-contract: ${JSON.stringify(parsed.error?.issues)?.slice(0, 300)}`).toBe(true);
    checkInside(r.value);
    const v = r.value as { studyId?: string; dir?: string; handle?: string } | null;
    if (method === 'lab.open' && v?.handle) labHandles.push(v.handle);
    // A study started: stop it now (the fuzz loop must not run studies), then drop copies so the folder stays small.
    if (v?.studyId) {
      await sb.handlers.dispatch('studies.cancel', { studyId: v.studyId });
      await sb.handlers.idle();
      if (v.dir && v.dir !== study) rmSync(v.dir, { recursive: true, force: true });
    }
    if (method === 'studies.saveAs' && v?.dir) rmSync(v.dir, { recursive: true, force: true });
    return;
  }
  s.refused++;
  const e = r.value;
  for (const P of PROGRAMMING_ERRORS) expect(e instanceof P && !(e instanceof ApiError), `${method}: ${String(e)}`).toBe(false);
  const body = errorBody(e);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  expect(body.message.length).toBeLessThanOrEqual(600);
  expect(body.message).not.toContain(SECRET);
  expect(body.message).not.toMatch(/root:[^ ]*:0:/);
  // Refusals name what was wrong: the contract's and the access checks' errors, or the engine's ParameterError.
  if (!(e instanceof ApiError || e instanceof ParameterError)) expect.soft(body.message, `${method}: an error without a field`).toMatch(/\S/);
}

describe(`every API method, ${RUNS} generated requests each (in-process)`, () => {
  for (const m of METHOD_NAMES) {
    it(m, async () => {
      const before = sb.outsideState();
      await fc.assert(
        fc.asyncProperty(methodParams()[m], async (params) => checkOne(m, params)),
        { numRuns: RUNS, endOnFailure: true },
      );
      await sb.handlers.idle();
      expect(diffStates(before, sb.outsideState())).toEqual([]);
    });
  }

  it('unknown methods and hostile method names', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString(), anyValue()), anyValue(), async (m, p) => {
        const r = await call(m as string, p);
        if (typeof m === 'string' && (METHOD_NAMES as string[]).includes(m)) return;
        expect(r.ok).toBe(false);
        expect(errorBody(r.value).message).toMatch(/unknown method/);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('Electron IPC adapter (fake ipcMain, the real handlers)', () => {
  it(`${Math.ceil(RUNS / 4)} requests through the adapter: values back, never a throw; foreign senders refused first`, async () => {
    const table = new Map<string, (e: unknown, p: unknown) => Promise<{ ok: boolean; error?: { message: string } }>>();
    const main = { url: 'app://epstudio/index.html' };
    const wc = { mainFrame: main };
    registerIpc({ handle: (ch: string, fn: never) => table.set(ch, fn), removeHandler: (ch: string) => table.delete(ch) } as never, sb.handlers, () => ({ isDestroyed: () => false, webContents: wc }));
    const gens = methodParams();
    const safe = METHOD_NAMES.filter((m) => m !== 'studies.run' && m !== 'studies.resume' && m !== 'phaseSpace.frame' && m !== 'phaseSpace.photonSeries' && m !== 'lab.analyze' && m !== 'lab.model' && m !== 'lab.fit');
    const before = sb.outsideState();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...safe).chain((m) => fc.tuple(fc.constant(m), gens[m], fc.boolean(), fc.constantFrom(main, { url: 'https://evil.example/' }, null))),
        async ([m, p, fromWc, frame]) => {
          const r = await table.get(`epstudio:${m}`)!({ sender: fromWc ? wc : {}, senderFrame: frame }, p);
          expect(typeof r.ok).toBe('boolean');
          if (!fromWc || frame !== main) expect(r).toEqual({ ok: false, error: { message: 'refused: IPC from an unknown sender' } });
          else if (!r.ok) expect(r.error!.message.length).toBeLessThanOrEqual(600);
        },
      ),
      { numRuns: Math.ceil(RUNS / 4) },
    );
    expect(diffStates(before, sb.outsideState())).toEqual([]);
  });
});
