/**
 * Property-based fuzzing of the CLI's flags (issue 10, "numbers in, numbers out"): random argument vectors for every
 * cheap subcommand, built from the command's real flags (plus unknown, repeated and value-less ones) and values from
 * valid ranges, boundaries and junk ('', NaN, 1e308, 0x10, -0, …). Each run goes through the commander program
 * in-process (buildProgram(), output captured) and must end in one of:
 *   - success: exit 0, and every number on stdout finite (no NaN, Infinity, Inf; JSON parsed back when --json);
 *   - a usage error: a CommanderError or ParameterError (exit 2) whose message names a flag and fits on one short line;
 * never another exception (an internal error, a NonFiniteResultError from the output guard), a hang, or a file outside
 * the temporary working folder. A small sample is replayed through the real binary (exit codes must agree).
 *
 * EPSTUDIO_FUZZ_RUNS sets the number of generated inputs (default 2000; a nightly run can use 100 000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { buildProgram, reportError } from '../../src-main/cli.js';
import { ParameterError } from '../../src-core/validation.js';

const RUNS = Number(process.env.EPSTUDIO_FUZZ_RUNS ?? 2000);
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'epstudio.mjs');

const junk = fc.constantFrom(
  '', ' ', 'abc', 'NaN', 'nan', 'Infinity', '-Infinity', 'Inf', '1e308', '-1e308', '1e309', '1e-300', '5e-324', '-0', '0',
  '-1', '0x10', '0b1', '1e', '1,2', ' 1', '1 ', '--eps', '-', '١', '1_000', '2e3', '3.5', '1e6', '1e15', '1e16', '4294967296',
);
const num = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true }).map(String);
const int = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map(String);
const anyDouble = fc.double().map(String); // includes ±Infinity, NaN, ±0, subnormals, ±1.8e308
/** A flag's value: mostly cheap valid values, sometimes boundaries and junk. */
const value = (cheap: fc.Arbitrary<string>, wild = true) =>
  wild ? fc.oneof({ weight: 6, arbitrary: cheap }, { weight: 2, arbitrary: junk }, { weight: 2, arbitrary: anyDouble }) : fc.oneof({ weight: 8, arbitrary: cheap }, { weight: 2, arbitrary: sizeJunk });
/** Junk for sizes, without 1e6: a valid N or point count of a million is honest minutes of work. */
const sizeJunk = junk.filter((v) => v !== '1e6');

/** Junk for a two-photon pump: without valid values large enough to be slow. */
const gJunk = junk.filter((v) => !['3.5', '1e6', '1e-300'].includes(v));

type FlagSpec = Record<string, fc.Arbitrary<string> | null>; // null: a flag without a value
/** Flags shared by the Kerr commands: any double is cheap to reject or to compute with (within small N). */
const KERR_MODEL: FlagSpec = { '--kappa': value(num(0.1, 2)), '--delta': value(num(-4, 4)), '--u': value(num(0.1, 3)) };
const GAUSS_MODEL: FlagSpec = {
  '--preset': fc.constantFrom('cavity-om', 'cavity-bec', 'nope', ''),
  '--omega-a': value(num(1e5, 1e7)),
  '--kappa-a': value(num(1e5, 1e7)),
  '--omega-b': value(num(1e5, 1e7)),
  '--gamma-b': value(num(10, 1e4)),
  '--tb': value(num(0, 300)),
  '--chi-b': value(num(-1e5, 1e5)),
  '--damping': fc.constantFrom('brownian', 'symmetric', 'x'),
  '--g': value(num(0, 1e6)),
  '--g-over-kappa': value(num(0, 3)),
  '--g2-over-gcr2': value(num(0, 1.2)),
  '--rates': fc.constantFrom('amplitude', 'fwhm', 'FWHM', ''),
};

/**
 * The fuzzed commands. Sizes that set the amount of work (N, points, t-max, nmax) get cheap valid values or junk but
 * never arbitrary doubles: a valid N = 1e6 is a legitimate minute-long job, not a bug.
 */
const COMMANDS: { name: string; weight: number; required: string[]; flags: FlagSpec }[] = [
  { name: 'meanfield', weight: 3, required: [], flags: { ...KERR_MODEL, '--eps': value(num(0, 3)), '--json': null } },
  {
    name: 'steady',
    weight: 4,
    required: ['--N', '--eps'],
    flags: { ...KERR_MODEL, '--N': value(num(0.5, 8), false), '--eps': value(num(0, 2)), '--method': fc.constantFrom('exact', 'exact', 'fock', 'Fock'), '--nmax': value(int(2, 30), false), '--json': null },
  },
  { name: 'gaussian', weight: 4, required: ['--preset'], flags: { ...GAUSS_MODEL, '--json': null } },
  {
    name: 'gaussian-sweep',
    weight: 2,
    required: ['--preset'],
    flags: { ...GAUSS_MODEL, '--variable': fc.constantFrom('g_over_kappa', 'g2_over_gcr2', 'g'), '--from': value(num(0, 1)), '--to': value(num(0, 2)), '--points': value(int(2, 20), false), '--json': null },
  },
  {
    name: 'gaussian-spectrum',
    weight: 4,
    required: ['--preset'],
    flags: {
      ...GAUSS_MODEL,
      '--detection': fc.constantFrom('homodyne', 'heterodyne', 'heterodyne', 'het', ''),
      '--f-min': value(num(-1e6, 1e6)),
      '--f-max': value(num(-1e6, 1e7)),
      '--points': value(int(2, 30), false),
      '--theta': value(num(-4, 4)),
      '--eta': value(num(0, 1)),
      '--gain': value(num(1e-3, 1e3)),
      '--noise': value(num(0, 0.5)),
      '--seed': value(int(0, 100)),
      '--csv': fc.constantFrom('out.csv', 'sub/out.csv'),
    },
  },
  {
    // issue 15: the two-photon quench (small N and t-max: each success is a real run)
    name: 'quench',
    weight: 2,
    required: ['--model', '--N', '--t-max'],
    flags: {
      ...KERR_MODEL,
      '--model': fc.constantFrom('two-photon-kerr', 'two-photon-kerr', 'kerr', 'x'),
      '--N': value(num(0.5, 3), false),
      '--g': value(num(0, 1.2)),
      '--g-i': value(num(0, 1.2)),
      '--g-f': value(num(0, 1.2)),
      '--eps': value(num(0, 0.5)),
      '--eps-i': value(num(0, 0.5)),
      '--eps-f': value(num(0, 0.5)),
      '--eta0': value(num(0, 1)),
      '--t-max': fc.constantFrom('0.4', '0.2', '0.4', '0.2', '0', '-1', 'x', '1e9'),
      '--dt': fc.constantFrom('0.2', '0.1', '0.2', '0.1', '0.3', '0', 'NaN'),
      '--nmax': value(int(2, 30), false),
      '--until-ness': null,
      '--csv': fc.constantFrom('out.csv', 'sub/out.csv'),
    },
  },
  {
    // the two-photon model's gap sweep (issue 15), with a few Kerr-only and Kerr flags mixed in; few points and small
    // N keep each run short
    // (--points and --g-to mostly given: the defaults, 91 pumps up to 2 g_th, are a legitimate minute of work)
    name: 'gap-sweep',
    weight: 2,
    required: ['--N', '--model', '--points', '--g-to'],
    flags: {
      '--model': fc.constantFrom('two-photon-kerr', 'two-photon-kerr', 'two-photon-kerr', 'kerr', 'two-photon'),
      '--N': fc.oneof(value(num(0.5, 2), false), fc.constantFrom('1,2', '1,,2')),
      '--delta': fc.oneof({ weight: 8, arbitrary: num(-0.5, 0.5) }, { weight: 2, arbitrary: gJunk }), // Δ sets g_th and so the default --g-to
      // pumps: junk but no large valid g (g = 3.5 at N = 4 is a legitimate 20-s gap, not a finding)
      '--g-from': fc.oneof({ weight: 8, arbitrary: num(0, 0.5) }, { weight: 2, arbitrary: gJunk }),
      '--g-to': fc.oneof({ weight: 8, arbitrary: num(0.5, 1) }, { weight: 2, arbitrary: gJunk }),
      // ε > 0: the whole Liouvillian (no parity sectors), the dearer case
      '--eps': fc.oneof({ weight: 6, arbitrary: fc.constantFrom('0', '0.1') }, { weight: 2, arbitrary: gJunk }),
      '--eta0': value(num(0, 1)),
      '--eps-from': value(num(0.5, 0.9)),
      '--points': fc.oneof({ weight: 8, arbitrary: int(1, 2) }, { weight: 2, arbitrary: fc.constantFrom('0', '-1', 'x', '1.5', '', '1e9') }),
      '--csv': fc.constantFrom('out.csv', 'sub/out.csv'),
      '--json': null,
    },
  },
  { name: 'status', weight: 1, required: [], flags: { '--json': null } },
  { name: 'presets', weight: 1, required: [], flags: {} },
];

const commandArb = fc.oneof(
  ...COMMANDS.map((c) => ({
    weight: c.weight,
    arbitrary: fc
      .record({
        // each flag present or not; required ones mostly present
        chosen: fc.subarray(Object.keys(c.flags)),
        keepRequired: fc.integer({ min: 0, max: 9 }).map((i) => i < 8),
        values: fc.record(Object.fromEntries(Object.entries(c.flags).map(([k, a]) => [k, a ?? fc.constant('')]))),
        extra: fc.oneof(
          { weight: 7, arbitrary: fc.constant([] as string[]) },
          { weight: 1, arbitrary: fc.constantFrom(['--bogus'], ['--bogus', '1'], ['-x'], ['--'], ['positional'], ['--help']) },
          { weight: 2, arbitrary: fc.constantFrom('--json', ...Object.keys(c.flags)).map((f) => [f]) }, // repeated or value-less flag
        ),
        equals: fc.boolean(),
        shuffle: fc.integer({ min: 0, max: 1000 }),
      })
      .map(({ chosen, keepRequired, values, extra, equals, shuffle }) => {
        const flags = new Set(chosen);
        if (keepRequired) for (const r of c.required) if (r in c.flags) flags.add(r);
        const parts: string[][] = [...flags].map((f) => (c.flags[f] === null ? [f] : equals ? [`${f}=${values[f]}`] : [f, values[f]]));
        // a deterministic shuffle of the flag groups (commander must not depend on their order)
        for (let i = parts.length - 1; i > 0; i--) {
          const j = (shuffle * (i + 7)) % (i + 1);
          [parts[i], parts[j]] = [parts[j], parts[i]];
        }
        const args = [c.name, ...parts.flat(), ...extra];
        if (c.name === 'status') args.splice(1, 0, 'no-such-study');
        return args;
      }),
  })),
);

let work: string;
let cwd0: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'epstudio-fuzz-cli-'));
  mkdirSync(join(work, 'cwd'));
  cwd0 = process.cwd();
  process.chdir(join(work, 'cwd')); // relative --csv paths land here; anything written elsewhere is a finding
});
afterAll(() => {
  process.chdir(cwd0);
  rmSync(work, { recursive: true, force: true });
});

const NON_FINITE = /(^|[^A-Za-z])(NaN|-?Infinity|-?Inf)([^A-Za-z]|$)/;

/** Run the program in-process, capturing stdout and stderr. */
async function runInProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string; error?: unknown }> {
  let stdout = '', stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  let status = 0;
  let error: unknown;
  try {
    await buildProgram().parseAsync(['node', 'epstudio', ...args]);
  } catch (e) {
    error = e;
    status = reportError(e);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return { status, stdout, stderr, error };
}

describe(`CLI flags: ${RUNS} generated argument vectors, in-process`, () => {
  const seen = { ok: 0, usage: 0, param: 0 };
  const sample: { args: string[]; status: number }[] = [];
  const time: Record<string, number> = {};
  const okBy: Record<string, number> = {};
  const slowest = { ms: 0, args: '' };

  it('each ends in finite output (exit 0) or a usage/parameter error (exit 2) that names a flag', async () => {
    await fc.assert(
      fc.asyncProperty(commandArb, async (args) => {
        const t0 = performance.now();
        const r = await runInProcess(args);
        const dt = performance.now() - t0;
        time[args[0]] = (time[args[0]] ?? 0) + dt;
        if (dt > slowest.ms) Object.assign(slowest, { ms: dt, args: args.join(' ') });
        if (r.error === undefined) {
          expect(r.status).toBe(0);
          expect(r.stdout).not.toMatch(NON_FINITE);
          if (args.includes('--json') && r.stdout.trim().startsWith('{')) JSON.parse(r.stdout);
          seen.ok++;
          okBy[args[0]] = (okBy[args[0]] ?? 0) + 1;
        } else if (r.error instanceof CommanderError) {
          expect([0, 2]).toContain(r.status);
          if (r.status === 2) expect(r.stderr).toMatch(/^epstudio: .*(option|argument|command|unknown|too many|missing)/is);
          r.status === 0 ? seen.ok++ : seen.usage++;
        } else if (r.error instanceof ParameterError) {
          expect(r.status).toBe(2);
          // one line, and a user's value quoted at most ~80 characters
          expect(r.stderr.trim().split('\n')).toHaveLength(1);
          expect(r.stderr.length).toBeLessThan(600);
          seen.param++;
        } else {
          throw new Error(`uncaught ${(r.error as Error)?.name}: ${(r.error as Error)?.message} for: ${args.join(' ')}`);
        }
        if (sample.length < 12 && sample.every((s) => s.args[0] !== args[0] || s.status !== r.status)) sample.push({ args, status: r.status });
        process.exitCode = undefined;
      }),
      { numRuns: RUNS, seed: Number(process.env.EPSTUDIO_FUZZ_SEED ?? 20261205), endOnFailure: true },
    );
    // Nothing written outside the working folder (the temp dir holds only it); inside, only the --csv targets.
    expect(readdirSync(work)).toEqual(['cwd']);
    for (const f of readdirSync(join(work, 'cwd'), { recursive: true }) as string[]) expect(f).toMatch(/^(out\.csv|sub|sub\/out\.csv)$/);
    // The generator reached every outcome (a fuzzer that only hits one branch tests little).
    expect(seen.ok).toBeGreaterThan(RUNS / 20);
    expect(seen.usage).toBeGreaterThan(RUNS / 50);
    expect(seen.param).toBeGreaterThan(RUNS / 20);
    console.log(`fuzz-cli: ${RUNS} inputs: ${seen.ok} succeeded (${JSON.stringify(okBy)}), ${seen.usage} usage errors, ${seen.param} parameter errors`);
    console.log(`fuzz-cli: ms per command ${JSON.stringify(Object.fromEntries(Object.entries(time).map(([k, v]) => [k, Math.round(v)])))}; slowest ${slowest.ms.toFixed(0)} ms: ${slowest.args}`);
  }, 120_000);

  it('a sample replayed through the real binary exits the same way', () => {
    if (!existsSync(join(ROOT, 'dist', 'src-main', 'cli.js'))) return; // built by `npm test`; the in-process run above is the check
    expect(sample.length).toBeGreaterThan(5);
    for (const s of sample.slice(0, 6)) {
      const r = spawnSync(process.execPath, [BIN, ...s.args], { cwd: join(work, 'cwd'), encoding: 'utf8', timeout: 60_000 });
      expect({ args: s.args, status: r.status }).toEqual({ args: s.args, status: s.status });
      if (r.status === 0) expect(r.stdout).not.toMatch(NON_FINITE);
    }
  }, 120_000);
});
