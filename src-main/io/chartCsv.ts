/**
 * The window's chart CSV (files.exportCsv): the table the window sends, headed by the provenance record. With a
 * source study the record is read from the study folder (provenance.ts: model, N, ε_i, ε_f, Δt, K per N, rtol,
 * grid, spec hash), and a `t` column is printed as k·Δt in the decimals of Δt; without one (views of the form) the
 * window's own `meta` lines say what the chart shows. Every CSV gets program, version, date and units.
 */
import { toCsv } from './csv.js';
import { nowIso, provenanceMeta, type Provenance } from './provenance.js';
import { studyProvenance } from './studyProvenance.js';
import { roundToSamples } from './sampleTime.js';
import { VERSION } from '../version.js';

export interface ChartCsvRequest {
  columns: string[];
  rows: (number | null)[][];
  meta?: Record<string, string | number>;
  source?: { study: string; tasks?: string[] };
}

export function chartCsv(p: ChartCsvRequest, command: string): string {
  const rec: Provenance = p.source
    ? studyProvenance(p.source.study, p.source.tasks, command)
    : { command, appVersion: VERSION, date: nowIso() };
  if (!p.source) {
    // The form's parameters as the window sent them (no study to read them from).
    const m = p.meta ?? {};
    const n = (k: string) => (typeof m[k] === 'number' ? (m[k] as number) : undefined);
    if (n('kappa') !== undefined) rec.model = { kappa: n('kappa')!, delta: n('delta') ?? NaN, u: n('u') ?? NaN };
  }
  rec.columns = p.columns;
  // Window lines first (title, what the chart shows), then the record; the record wins on a shared key.
  const meta: Record<string, string | number> = { ...(p.meta ?? {}), ...provenanceMeta(rec) };
  let rows = p.rows;
  if (p.columns[0] === 't' && rec.dt !== undefined) {
    const dt = rec.dt;
    rows = rows.map((r) => (r[0] === null ? r : [roundToSamples(r[0], dt), ...r.slice(1)]));
  }
  return toCsv({ meta, columns: p.columns, rows });
}
