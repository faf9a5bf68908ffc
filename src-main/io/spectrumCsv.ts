/**
 * Import a measured spectrum (CSV: frequency in Hz, PSD[, sigma]) for `gaussian-fit`. Tokenised with csv-parse (quotes,
 * BOM, CRLF), validated by the same pure rules as the desktop panel (src-core/gaussian/spectrumText.ts), so both report
 * the same line/column messages. Whitespace-separated files (no comma, semicolon or tab) go through the pure tokeniser.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ParameterError } from '../../src-core/validation.js';
import {
  parseSpectrumText,
  SpectrumParseError,
  validateSpectrumRows,
  type SpectrumData,
} from '../../src-core/gaussian/spectrumText.js';

/** Parse spectrum text; throws SpectrumParseError (a ParameterError) naming line and column. */
export function parseSpectrumCsv(text: string): SpectrumData {
  const first = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const delimiter = first?.match(/[,;\t]/)?.[0];
  if (delimiter === undefined) return parseSpectrumText(text);
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
    throw new SpectrumParseError(line, undefined, `not readable as CSV (${(e as Error).message})`);
  }
  const kept = records.filter((r) => r.record.some((c) => c !== ''));
  return validateSpectrumRows(
    kept.map((r) => r.record),
    kept.map((r) => r.info.lines),
  );
}

/** Read and parse a spectrum file; a missing or unreadable file is a ParameterError on `--spectrum`. */
export function readSpectrumCsv(path: string): SpectrumData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ParameterError('--spectrum', `a readable CSV file of "frequency (Hz), PSD[, sigma]" (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`, path);
  }
  try {
    return parseSpectrumCsv(text);
  } catch (e) {
    // Name the flag and the file: "--spectrum data.csv: line 3, column 2: PSD "x"; allowed: …".
    if (e instanceof SpectrumParseError) e.message = e.message.replace(/^spectrum file/, `--spectrum ${path}`);
    throw e;
  }
}
