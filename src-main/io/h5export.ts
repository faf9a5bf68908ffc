/**
 * HDF5 export of a whole study (h5wasm, Node build): readable by h5py and any HDF5 tool.
 *
 *   /                      attrs: format, description, spec (JSON text) and the provenance record (provenance.ts:
 *                          program, app_version, date, study, spec_hash, kappa, delta, u, N, eps_initial, …)
 *   /tasks/<taskId>        attrs: kind, label, figures, complete, and every scalar task parameter (N, epsFinal, …)
 *                          datasets: one float64 1-D dataset per quantity (column), e.g. t, G, Pi_U, …, each with
 *                          `units` and `symbol` attributes (quantities.ts)
 *   /figures/<fig>         the long-format figure tables, one dataset per column
 *
 * Unfinished tasks are exported with the rows of their checkpoint and `complete = 0`. The file is built under a
 * temporary name and then moved into place with writeFileAtomic, so a reader never sees half a file.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { expandSpec } from '../studies/spec.js';
import { parseTable, StudyStore } from '../studies/store.js';
import { checkExportable, readTaskTable } from '../studies/service.js';
import { writeFileAtomic } from './atomicWrite.js';
import { writeUnique } from './exportFiles.js';
import { provenanceAttrs } from './provenance.js';
import { studyProvenance } from './studyProvenance.js';
import { quantityOf, unitsText } from './quantities.js';
import { VERSION } from '../version.js';

export interface H5ExportResult {
  tasks: number;
  datasets: number;
  /** The file written (with `unique`, possibly file-2.h5 …). */
  path: string;
}

function column(rows: number[][], j: number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i][j];
  return out;
}

/** `units` and `symbol` attributes of a dataset named by its glossary column (quantities.ts); unknown names get none. */
function labelled(ds: { create_attribute(name: string, v: string): void }, column: string): void {
  const m = quantityOf(column);
  if (!m) return;
  ds.create_attribute('units', m.q.units);
  ds.create_attribute('symbol', m.q.symbol);
}

/** `unique`: never replace a file; write under the first free name (file-2.h5, …) instead (the window's exports). */
export async function exportStudyH5(dir: string, file: string, opts: { unique?: boolean } = {}): Promise<H5ExportResult> {
  checkExportable(dir); // a damaged result is never exported: StudyDamagedError names each file
  const store = StudyStore.open(dir);
  await h5wasm.ready;
  const tmp = mkdtempSync(join(tmpdir(), 'epstudio-h5-'));
  const tmpFile = join(tmp, 'study.h5');
  let datasets = 0;
  let tasks = 0;
  let path = file;
  try {
    const f = new h5wasm.File(tmpFile, 'w');
    try {
      const planned = expandSpec(store.spec);
      f.create_attribute('format', 'epstudio-study-h5');
      f.create_attribute('description', store.spec.description ?? '');
      f.create_attribute('spec', JSON.stringify(store.spec));
      // The provenance record (program, version, date, study, spec hash, model, N, ε lists, Δt, K per N, rtol, …).
      for (const [k, v] of Object.entries(provenanceAttrs(studyProvenance(dir, planned.filter((t) => typeof t.info.params.kappa === 'number').map((t) => t.info.id), `epstudio ${VERSION} export --h5`))))
        f.create_attribute(k, v);
      f.create_attribute('units_note', `${unitsText(['t'], planned.find((t) => t.quench)?.quench?.kappa)}. Each dataset carries units and symbol attributes.`);
      const tg = f.create_group('tasks');
      for (const t of planned) {
        const tab = readTaskTable(dir, t.info.id);
        if (tab.rows.length === 0) continue;
        const g = tg.create_group(t.info.id);
        g.create_attribute('kind', t.info.kind);
        g.create_attribute('label', t.info.label);
        g.create_attribute('figures', t.info.figures.join(' '));
        g.create_attribute('complete', tab.complete ? 1 : 0);
        for (const [k, v] of Object.entries(t.info.params)) {
          if (typeof v === 'number') g.create_attribute(k, v);
          else if (typeof v === 'string') g.create_attribute(k, v);
          else if (typeof v === 'boolean') g.create_attribute(k, v ? 1 : 0);
        }
        for (const [k, v] of Object.entries(tab.meta)) if (k === 'K' || k === 'samples' || k === 't_final') g.create_attribute(k, Number(v));
        tab.columns.forEach((c, j) => {
          labelled(g.create_dataset({ name: c, data: column(tab.rows, j) }), c);
          datasets++;
        });
        tasks++;
      }
      const figDir = join(dir, 'figures');
      if (existsSync(figDir)) {
        const fg = f.create_group('figures');
        for (const name of readdirSync(figDir).filter((x) => x.endsWith('.csv')).sort()) {
          const tab = parseTable(readFileSync(join(figDir, name), 'utf8'));
          const g = fg.create_group(name.replace(/\.csv$/, ''));
          tab.columns.forEach((c, j) => {
            labelled(g.create_dataset({ name: c, data: column(tab.rows, j) }), c);
            datasets++;
          });
        }
      }
    } finally {
      f.close();
    }
    if (opts.unique) path = writeUnique(dirname(file), basename(file), readFileSync(tmpFile));
    else writeFileAtomic(file, readFileSync(tmpFile));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { tasks, datasets, path };
}
