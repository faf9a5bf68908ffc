/**
 * The one CSV writer of the project (csv-stringify): optional `# key: value` metadata lines, a header row,
 * then rows. Numbers are written with full double precision (shortest round-trip form).
 * Loads with `pandas.read_csv(f, comment='#')` and `numpy.genfromtxt(f, delimiter=',', names=True,
 * skip_header=<number of # lines>)` (test/main/io/csvLoaders.test.ts).
 */
import { stringify } from 'csv-stringify/sync';

export type CsvCell = number | string | boolean | null | undefined;

export interface CsvTable {
  /** Lines written first as `# key: value` (parameters, K, grid, version …). */
  meta?: Record<string, string | number | boolean>;
  columns: string[];
  rows: CsvCell[][];
}

function cell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
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
    .map(([k, v]) => metaLine(k, v))
    .join('');
  const body = stringify([t.columns, ...t.rows.map((r) => r.map(cell))]);
  return head + body;
}
