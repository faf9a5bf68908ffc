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
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : String(finiteOrThrow(v, () => `column ${quoteValue(columns[col] ?? col + 1)}, data row ${row + 1}`));
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

/** A cell csv-stringify writes as it is (no delimiter, quote or line break: nothing to quote or escape). */
const PLAIN = /^[^,"\r\n]*$/;

export function toCsv(t: CsvTable): string {
  const head = Object.entries(t.meta ?? {})
    .map(([k, v]) => metaLine(k, typeof v === 'number' ? finiteOrThrow(v, () => `metadata ${quoteValue(k)}`) : v))
    .join('');
  // Rows of plain cells (every number, most text) are joined here; csv-stringify writes the others, which need
  // quoting. Same bytes as stringify of the whole table (test/main/io/csv.test.ts), but a 10⁴-row table costs ~15 ms
  // instead of ~60–150 ms, which every command printing samples paid after its compute (cold start, issue 12). Plain
  // loops rather than map/every: this runs once per process, mostly before the JIT has compiled it.
  const lines: string[] = [head];
  const put = (values: readonly CsvCell[], row: number) => {
    const cells: string[] = new Array(values.length);
    let plain = true;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      const c = row < 0 ? String(v) : cell(v, t.columns, row, j);
      // a number, boolean or empty cell is always plain; only text is checked
      if (plain && typeof v === 'string' && !PLAIN.test(c)) plain = false;
      cells[j] = c;
    }
    lines.push(plain ? cells.join(',') + '\n' : stringify([cells]));
  };
  put(t.columns, -1);
  for (let i = 0; i < t.rows.length; i++) put(t.rows[i], i);
  return lines.join('');
}

/**
 * The text toCsv writes for a table of numbers given as columns of equal length (no row arrays: a 10⁵-outcome sample
 * table is written in a few ms, cold start, issue 12). Non-finite numbers are refused as by toCsv, naming column and
 * row; `'' + x` is String(x), the shortest round-trip form (test/main/io/csv.test.ts compares the two writers).
 */
export function toCsvColumns(t: { meta?: CsvTable['meta']; columns: string[]; data: readonly ArrayLike<number>[] }): string {
  if (t.data.length !== t.columns.length) throw new RangeError(`toCsvColumns: ${t.data.length} columns of data for ${t.columns.length} names`);
  const n = t.data.length ? t.data[0].length : 0;
  for (const c of t.data) if (c.length !== n) throw new RangeError('toCsvColumns: columns of different lengths');
  const lines: string[] = [toCsv({ meta: t.meta, columns: t.columns, rows: [] })];
  for (let i = 0; i < n; i++) {
    let line = '';
    for (let j = 0; j < t.data.length; j++) {
      const v = t.data[j][i];
      if (!Number.isFinite(v)) cell(v, t.columns, i, j); // throws NonFiniteResultError
      line += j === 0 ? '' + v : ',' + v;
    }
    lines.push(line + '\n');
  }
  return lines.join('');
}

