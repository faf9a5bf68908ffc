/**
 * The one CSV writer of the project (csv-stringify): optional `# key: value` metadata lines, a header row,
 * then rows. Numbers are written with full double precision (shortest round-trip form).
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

export function toCsv(t: CsvTable): string {
  const head = Object.entries(t.meta ?? {})
    .map(([k, v]) => `# ${k}: ${String(v).replace(/\r?\n/g, ' ')}\n`)
    .join('');
  const body = stringify([t.columns, ...t.rows.map((r) => r.map(cell))]);
  return head + body;
}
