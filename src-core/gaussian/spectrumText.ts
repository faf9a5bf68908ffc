/**
 * A measured noise spectrum as text: rows of `frequency (Hz), PSD[, sigma]`. Pure (no Node, no DOM) so the desktop
 * panel parses a dropped file in the renderer with the same rules as the CLI (src-main/io/spectrumCsv.ts tokenises with
 * csv-parse and calls validateSpectrumRows).
 *
 * Rules: `#` starts a comment line; blank lines are skipped; one optional header row (the first row, if none of its cells is a
 * number and one has a letter other than NaN/Inf); delimiter comma, semicolon, tab or spaces. Frequency ≥ 0 (the homodyne spectrum is even
 * in ω, so only f ≥ 0 is meaningful), PSD > 0 (it is fitted on a log scale), sigma > 0 if given.
 */
import { ParameterError, quoteValue } from '../validation.js';

export interface SpectrumData {
  /** Frequencies f in Hz (ω = 2πf). */
  f: Float64Array;
  /** Power spectral density, any consistent unit (the fit's `gain` absorbs the scale). */
  psd: Float64Array;
  /** Optional 1σ uncertainty of each PSD value (same unit). */
  sigma?: Float64Array;
  /** Header cells if the file had a header row. */
  header?: string[];
}

/**
 * A malformed spectrum file: says where (line, column), what was found and what is allowed. A ParameterError, so the
 * CLI reports it as one line with exit status 2.
 */
export class SpectrumParseError extends ParameterError {
  constructor(
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly detail: string,
  ) {
    super('spectrum', 'rows of "frequency (Hz), PSD[, sigma]"', detail);
    const where = line === undefined ? '' : column === undefined ? `line ${line}: ` : `line ${line}, column ${column}: `;
    this.message = `spectrum file: ${where}${detail}`;
    this.name = 'SpectrumParseError';
  }
}

/** Heterodyne spectra have both sidebands: frequencies relative to the pump, of either sign. */
export interface SpectrumTextOptions {
  signedFrequencies?: boolean;
}

const SIGNED_FREQUENCY = { name: 'frequency', allowed: 'a finite number (Hz, relative to the pump; heterodyne)', ok: (v: number) => Number.isFinite(v) };

const COLUMN_RULES = [
  { name: 'frequency', allowed: 'a finite number ≥ 0 (Hz)', ok: (v: number) => v >= 0 },
  { name: 'PSD', allowed: 'a finite number > 0', ok: (v: number) => v > 0 },
  { name: 'sigma', allowed: 'a finite number > 0 (1σ of the PSD)', ok: (v: number) => v > 0 },
] as const;

const isNumberCell = (s: string) => s.trim() !== '' && Number.isFinite(Number(s.trim()));

/**
 * Validate tokenised rows (comments and blank lines already removed). `lines[i]` is the 1-based line number of
 * rows[i] in the file, for the messages. Throws SpectrumParseError.
 */
export function validateSpectrumRows(rows: string[][], lines: number[], opts: SpectrumTextOptions = {}): SpectrumData {
  let start = 0;
  let header: string[] | undefined;
  if (rows.length > 0 && rows[0].every((c) => !isNumberCell(c)) && rows[0].some((c) => /[A-Za-z_]/.test(c) && !/^\s*[+-]?(nan|inf|infinity)\s*$/i.test(c))) {
    header = rows[0].map((c) => c.trim());
    start = 1;
  }
  const n = rows.length - start;
  if (n <= 0) throw new SpectrumParseError(undefined, undefined, 'no data rows; expected lines of "frequency (Hz), PSD[, sigma]"');
  const width = rows[start].length;
  if (width < 2 || width > 3)
    throw new SpectrumParseError(lines[start], undefined, `expected 2 or 3 columns (frequency in Hz, PSD[, sigma]), got ${width}`);
  if (header && header.length !== width)
    throw new SpectrumParseError(lines[start], undefined, `the header has ${header.length} columns, this data row ${width}`);
  const f = new Float64Array(n);
  const psd = new Float64Array(n);
  const sigma = width === 3 ? new Float64Array(n) : undefined;
  const cols = [f, psd, sigma];
  for (let r = start; r < rows.length; r++) {
    const row = rows[r];
    if (row.length !== width)
      throw new SpectrumParseError(lines[r], undefined, `expected ${width} columns like the first data row, got ${row.length}`);
    for (let c = 0; c < width; c++) {
      const raw = row[c].trim();
      const v = raw === '' ? NaN : Number(raw);
      const rule = c === 0 && opts.signedFrequencies ? SIGNED_FREQUENCY : COLUMN_RULES[c];
      if (!Number.isFinite(v) || !rule.ok(v))
        throw new SpectrumParseError(lines[r], c + 1, `${rule.name} ${raw === '' ? 'is empty' : quoteValue(raw)}; allowed: ${rule.allowed}`);
      cols[c]![r - start] = v;
    }
  }
  return sigma ? { f, psd, sigma, header } : { f, psd, header };
}

/** Parse the text of a spectrum file (browser-safe tokeniser). Throws SpectrumParseError. */
export function parseSpectrumText(text: string, opts: SpectrumTextOptions = {}): SpectrumData {
  const rows: string[][] = [];
  const lines: number[] = [];
  const all = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  for (let i = 0; i < all.length; i++) {
    const s = all[i].trim();
    if (s === '' || s.startsWith('#')) continue;
    const cells = /[,;\t]/.test(s) ? s.split(/\s*[,;\t]\s*/) : s.split(/\s+/);
    rows.push(cells.map((c) => c.replace(/^"(.*)"$/, '$1')));
    lines.push(i + 1);
  }
  return validateSpectrumRows(rows, lines, opts);
}
