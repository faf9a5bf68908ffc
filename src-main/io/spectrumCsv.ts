/**
 * Import a measured spectrum (CSV: frequency in Hz, PSD[, sigma]) for `gaussian-fit`. Tokenised with csv-parse (quotes,
 * BOM, CRLF), validated by the same pure rules as the desktop panel (src-core/gaussian/spectrumText.ts), so both report
 * the same line/column messages. Whitespace-separated files (no comma, semicolon or tab) go through the pure tokeniser.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ParameterError, quoteField, quoteValue } from '../../src-core/validation.js';
import {
  parseSpectrumText,
  SpectrumParseError,
  validateSpectrumRows,
  type SpectrumTextOptions,
  type SpectrumData,
} from '../../src-core/gaussian/spectrumText.js';

/**
 * Limits of an imported spectrum beyond the row rules of spectrumText.ts: sizes a fit can handle in seconds, and
 * frequencies the model can evaluate (every rate of the model is ≤ 1e12 s⁻¹; ω = 2πf must stay far from overflow).
 */
export const SPECTRUM_LIMITS = Object.freeze({ bytes: 32 * 2 ** 20, rows: 100_000, fMaxHz: 1e15 });

/** Rules on the parsed columns, each naming the line and the column of the first offending row. */
function checkLimits(d: SpectrumData, lines: (i: number) => number | undefined): SpectrumData {
  if (d.f.length > SPECTRUM_LIMITS.rows) throw new SpectrumParseError(undefined, undefined, `${d.f.length} data rows; allowed: at most ${SPECTRUM_LIMITS.rows}`);
  const bad = d.f.findIndex((f) => Math.abs(f) > SPECTRUM_LIMITS.fMaxHz);
  if (bad >= 0) throw new SpectrumParseError(lines(bad), 1, `frequency ${quoteValue(d.f[bad])}; allowed: a frequency of magnitude ≤ ${SPECTRUM_LIMITS.fMaxHz} Hz`);
  return d;
}

/** Parse spectrum text; throws SpectrumParseError (a ParameterError) naming line and column. */
export function parseSpectrumCsv(text: string, opts: SpectrumTextOptions = {}): SpectrumData {
  if (text.length > SPECTRUM_LIMITS.bytes)
    throw new SpectrumParseError(undefined, undefined, `${(text.length / 2 ** 20).toFixed(1)} MiB of text; allowed: at most ${SPECTRUM_LIMITS.bytes / 2 ** 20} MiB`);
  const first = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const delimiter = first?.match(/[,;\t]/)?.[0];
  if (delimiter === undefined) return checkLimits(parseSpectrumText(text, opts), () => undefined);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      comment: '#',
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    // csv-parse's messages can quote a whole record; say only what kind of problem and where.
    const code = (e as { code?: string }).code;
    throw new SpectrumParseError(line, undefined, `not readable as CSV (${code ?? 'parse error'})`);
  }
  const kept = records.filter((r) => r.record.some((c) => c !== ''));
  const d = validateSpectrumRows(
    kept.map((r) => r.record),
    kept.map((r) => r.info.lines),
    opts,
  );
  return checkLimits(d, (i) => kept[i + (d.header ? 1 : 0)]?.info.lines);
}

/** Read and parse a spectrum file; a missing or unreadable file is a ParameterError on `--spectrum`. */
export function readSpectrumCsv(path: string, opts: SpectrumTextOptions = {}): SpectrumData {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > SPECTRUM_LIMITS.bytes) throw new SpectrumParseError(undefined, undefined, `${(size / 2 ** 20).toFixed(1)} MiB; allowed: at most ${SPECTRUM_LIMITS.bytes / 2 ** 20} MiB`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof SpectrumParseError) {
      e.message = e.message.replace(/^spectrum file/, `--spectrum ${quoteField(path)}`);
      throw e;
    }
    throw new ParameterError('--spectrum', `a readable CSV file of "frequency (Hz), PSD[, sigma]" (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`, path);
  }
  try {
    return parseSpectrumCsv(text, opts);
  } catch (e) {
    // Name the flag and the file: "--spectrum data.csv: line 3, column 2: PSD "x"; allowed: …".
    if (e instanceof SpectrumParseError) e.message = e.message.replace(/^spectrum file/, `--spectrum ${quoteField(path)}`);
    throw e;
  }
}
