/**
 * Property-based fuzzing of imported spectra (issue 10): random CSV text (delimiters, a header, comments, BOM, CRLF,
 * quotes, cells from valid numbers, edges such as 1e308 and 5e-324, and junk) and mutations of a model spectrum
 * go through parseSpectrumCsv, and whatever parses is fitted (fitSpectrum with small iteration caps). Each input
 * must end in a fit whose every reported number is finite, or in a ParameterError (a SpectrumParseError names line
 * and column); never another exception, a hang, or a message quoting more than ~80 characters of the file.
 * A sample also goes through `epstudio gaussian-fit` in-process (the file named in the message, exit 2 or 0).
 *
 * EPSTUDIO_FUZZ_RUNS sets the inputs per property (default 2000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParameterError } from '../../src-core/validation.js';
import { PRESETS } from '../../src-core/gaussian/model.js';
import { criticalCoupling } from '../../src-core/gaussian/stability.js';
import { couplingFrom } from '../../src-core/gaussian/sweep.js';
import { frequencyGrid, outputSpectrum, toAngular, type Detection } from '../../src-core/gaussian/spectrum.js';
import { DERIVED, FIT_PARAMS, fitSpectrum, type FitParam } from '../../src-core/gaussian/fit.js';
import { parseSpectrumCsv } from '../../src-main/io/spectrumCsv.js';
import { buildProgram, reportError } from '../../src-main/cli.js';

const RUNS = Number(process.env.EPSTUDIO_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.EPSTUDIO_FUZZ_SEED ?? 20261205);
const LONG = 'Z'.repeat(400);

const preset = PRESETS['cavity-om'];
const gCr = criticalCoupling({ ...preset.params, g: 0 }).gCr;
const start = { ...preset.params, g: couplingFrom('g_over_kappa', preset.example, preset.params, gCr) };
/** A clean model spectrum, 24 points over 0 … 2 ω_b/2π (the fuzz mutates its text). */
const f0 = frequencyGrid(0, (2 * preset.params.omegaB) / (2 * Math.PI), 24);
const S0 = outputSpectrum(start, toAngular(f0), { theta: preset.theta, eta: 1 });
const cleanRows = Array.from(f0, (f, i) => [String(f), String(S0[i])]);

const cell = fc.oneof(
  { weight: 5, arbitrary: fc.double({ min: 0, max: 2e6, noNaN: true }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('1e308', '-1e308', '1e-308', '5e-324', '0', '-0', '-1', 'NaN', 'Infinity', '-Infinity', 'inf', '', ' ', 'abc', '"1"', '"1,5"', '0x10', '1e16', '1e400', LONG) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 2, arbitrary: fc.double().map(String) },
);

const csvText = fc
  .record({
    rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 0, maxLength: 40 }),
    delim: fc.constantFrom(',', ';', '\t', ' ', ', '),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    header: fc.constantFrom(null, 'frequency,PSD', 'f;psd;sigma', '# comment', 'frequency PSD'),
    bom: fc.boolean(),
  })
  .map(({ rows, delim, eol, header, bom }) => (bom ? '\uFEFF' : '') + [...(header ? [header] : []), ...rows.map((r) => r.join(delim))].join(eol));

/** Mutations of the clean spectrum: scale a column, duplicate or drop rows, overwrite cells, splice junk text. */
const mutatedText = fc
  .record({
    scale: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(1e300, 1e-300, 1e308, 0, -1, 1e-3, 1e3) }),
    sameF: fc.integer({ min: 0, max: 9 }).map((i) => i === 0),
    dropTo: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 24 }) }),
    sets: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.record({ r: fc.nat(), c: fc.nat(2), v: cell }), { maxLength: 3 }) }),
    splice: fc.option(fc.record({ at: fc.nat(), s: fc.string({ maxLength: 10 }) }), { nil: undefined, freq: 4 }),
    sigma: fc.boolean(),
  })
  .map(({ scale, sameF, dropTo, sets, splice, sigma }) => {
    let rows = cleanRows.map(([f, p]) => [sameF ? '1000' : f, String(Number(p) * scale), ...(sigma ? [String(Number(p) * 0.01 * scale)] : [])]);
    rows = rows.slice(0, Math.max(dropTo, 0) || rows.length);
    for (const s of sets) if (rows.length) rows[s.r % rows.length][s.c % rows[0].length] = s.v;
    let t = 'frequency,PSD' + (sigma ? ',sigma' : '') + '\n' + rows.map((r) => r.join(',')).join('\n');
    if (splice) t = t.slice(0, splice.at % (t.length + 1)) + splice.s + t.slice(splice.at % (t.length + 1));
    return t;
  });

const freeArb = fc.oneof({ weight: 2, arbitrary: fc.constant<FitParam[]>(['g', 'gain']) }, { weight: 1, arbitrary: fc.subarray([...FIT_PARAMS] as FitParam[], { minLength: 1, maxLength: 3 }) });

const outcomes = { parsedAndFitted: 0, refusedParse: 0, refusedFit: 0 };

function checkError(e: unknown): void {
  if (!(e instanceof ParameterError)) throw new Error(`not a ParameterError: ${(e as Error)?.name}: ${String((e as Error)?.message).slice(0, 300)}`);
  expect(e.message).not.toContain(LONG.slice(0, 100));
  expect(e.message.length).toBeLessThan(700);
}

/** Parse, then fit what parsed; the property of every input (heterodyne: signed frequencies, the sideband model). */
function parseAndFit(text: string, free: FitParam[], detection: Detection = 'homodyne'): void {
  let data;
  try {
    data = parseSpectrumCsv(text, { signedFrequencies: detection === 'heterodyne' });
  } catch (e) {
    checkError(e);
    outcomes.refusedParse++;
    return;
  }
  for (const a of [data.f, data.psd, data.sigma ?? new Float64Array()]) expect(a.every(Number.isFinite)).toBe(true);
  try {
    const eta = free.includes('eta') ? 0.9 : 1;
    const r = fitSpectrum(data, { start, free, theta: preset.theta, eta, scan: false, maxIterations: 3, detection });
    const numbers = [r.chi2, r.chi2_dof, r.gain, r.eta, ...r.model, ...Object.values(r.fitted).flatMap((e) => [e!.value, e!.sigma]), ...DERIVED.flatMap((d) => [r.derived[d].value, r.derived[d].sigma])];
    expect(numbers.every(Number.isFinite)).toBe(true);
    outcomes.parsedAndFitted++;
  } catch (e) {
    checkError(e);
    outcomes.refusedFit++;
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'epstudio-fuzz-spectrum-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`spectrum CSV: ${RUNS} generated inputs per property, parsed and fitted`, () => {
  it('random CSV text: a finite fit or a ParameterError', () => {
    fc.assert(fc.property(csvText, freeArb, (t, free) => parseAndFit(t, free)), { numRuns: RUNS, seed: SEED });
  }, 60_000);

  it('mutations of a model spectrum: a finite fit or a ParameterError', () => {
    fc.assert(fc.property(mutatedText, freeArb, (t, free) => parseAndFit(t, free)), { numRuns: RUNS, seed: SEED });
    expect(outcomes.parsedAndFitted).toBeGreaterThan(RUNS / 20);
    expect(outcomes.refusedFit).toBeGreaterThan(0);
    console.log(`fuzz-spectrum: ${2 * RUNS} inputs: ${outcomes.parsedAndFitted} fitted, ${outcomes.refusedParse} refused by the parser, ${outcomes.refusedFit} refused by the fit`);
  }, 60_000);

  it('heterodyne (issue 14): mutated spectra with frequencies of either sign, fitted as sidebands: a finite fit or a ParameterError', () => {
    const before = outcomes.parsedAndFitted;
    const signed = fc.tuple(mutatedText, fc.constantFrom('none', 'odd', 'all')).map(([t, neg]) =>
      neg === 'none' ? t : t.split('\n').map((l, i) => (i > 0 && (neg === 'all' || i % 2 === 1) && /^[0-9]/.test(l) ? '-' + l : l)).join('\n'),
    );
    fc.assert(fc.property(signed, freeArb, (t, free) => parseAndFit(t, free, 'heterodyne')), { numRuns: Math.ceil(RUNS / 2), seed: SEED });
    expect(outcomes.parsedAndFitted - before).toBeGreaterThan(RUNS / 40);
  }, 60_000);

  it('the issue\'s cases through `epstudio gaussian-fit` (in-process): exit 2 naming the file', async () => {
    const run = async (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      let stderr = '';
      const ew = process.stderr.write.bind(process.stderr);
      const ow = process.stdout.write.bind(process.stdout);
      process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      let status = 0;
      try {
        await buildProgram().parseAsync(['node', 'epstudio', 'gaussian-fit', '--preset', 'cavity-om', '--spectrum', path]);
      } catch (e) {
        status = reportError(e);
      } finally {
        process.stderr.write = ew;
        process.stdout.write = ow;
      }
      return { status, stderr };
    };
    // 200 rows of one frequency: fewer distinct frequencies than free parameters
    let r = await run('one.csv', 'f,psd\n' + '1000,1.5\n'.repeat(200));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/one\.csv.*distinct frequencies/);
    // a PSD of 1e308 everywhere: the model cannot reach it within a double
    r = await run('flat.csv', 'f,psd\n' + cleanRows.map(([f]) => `${f},1e308`).join('\n'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/flat\.csv.*cannot be fitted/);
    // the model spectrum × 1e300 fits (scale-free in ln PSD), its gain is 1e300 to 1e-6
    const data = parseSpectrumCsv('f,psd\n' + cleanRows.map(([f, p]) => `${f},${Number(p) * 1e300}`).join('\n'));
    const fit = fitSpectrum(data, { start, free: ['g', 'gain'], theta: preset.theta });
    expect(fit.gain / 1e300).toBeCloseTo(1, 6);
    expect(fit.params.g / start.g).toBeCloseTo(1, 6);
    // a frequency beyond 1e15 Hz, named by line and column
    r = await run('far.csv', 'f,psd\n0,1\n1e16,1\n2,1\n3,1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/far\.csv.*line 3, column 1/);
  });
});
