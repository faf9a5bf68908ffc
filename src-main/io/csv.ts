/**
 * The one CSV writer of the project (csv-stringify): optional `# key: value` metadata lines, a header row,
 * then rows. Numbers are written with full double precision (shortest round-trip form).
 * Loads with `pandas.read_csv(f, comment='#')` and `numpy.genfromtxt(f, delimiter=',', names=True,
 * skip_header=<number of # lines>)` (test/main/io/csvLoaders.test.ts).
 */
import { stringify } from 'csv-stringify/sync';
import { quoteValue } from '../../src-core/validation.js';
import { finiteOrThrow } from './nonFinite.js';

export type CsvCell = number | string | boolean | null | undefined;

export interface CsvTable {
  /** Lines written first as `# key: value` (parameters, K, grid, version …). */
  meta?: Record<string, string | number | boolean>;
  columns: string[];
  rows: CsvCell[][];
}

export { NonFiniteResultError, finiteOrThrow } from './nonFinite.js';

/** A cell as written; a non-finite number is refused (no result file ever holds NaN or ±Inf, issue 10). */
function cell(v: CsvCell, columns: string[], row: number, col: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(finiteOrThrow(v, () => `column ${quoteValue(columns[col] ?? col + 1)}, data row ${row + 1}`));
  return String(v);
}

/**
 * One `# key: value` line. Newlines become spaces and commas semicolons: a reader that splits comment lines on the
 * delimiter (a spreadsheet, numpy.genfromtxt when skip_header is one short) then still sees one field per line.
 */
export function metaLine(key: string, value: string | number | boolean): string {
  const clean = (s: string) => s.replace(/\r?\n/g, ' ').replace(/,/g, ';');
  return `# ${clean(key)}: ${clean(String(value))}\n`;
}

export function toCsv(t: CsvTable): string {
  const head = Object.entries(t.meta ?? {})
    .map(([k, v]) => metaLine(k, typeof v === 'number' ? finiteOrThrow(v, () => `metadata ${quoteValue(k)}`) : v))
    .join('');
  const body = stringify([t.columns, ...t.rows.map((r, i) => r.map((v, j) => cell(v, t.columns, i, j)))]);
  return head + body;
}
