/**
 * Export through the contract: the renderer prepares the bytes (CSV table, Plot SVG, rasterised PNG), the main side
 * writes them and never replaces a file (native save dialog in Electron, which asks; in the browser host a folder per
 * run, exports/<run>/, under free names). A figure set goes into a new folder of its own, with the study's HDF5 file,
 * so a set never mixes runs. The provenance (model, N, ε, Δt, K, spec hash …) is read by the main side from the
 * study folder named in `source`, never stated by the window.
 */
import { api } from '../api/client.js';
import { app } from './app.svelte.js';
import { chartCsvTable } from './chartCsv.js';
import { figurePng, figureSvg, fileStem, svgText, type FigureOptions } from './exportFig.js';
import type { ChartData } from './series.js';

type Source = { study: string; tasks?: string[] };

/** The study a chart comes from (the run on screen), or undefined for views of the form alone (Fig. 2). */
function sourceOf(c: ChartData): Source | undefined {
  const dir = app.view.dir;
  if (!dir || !c.tasks || c.tasks.length === 0) return undefined;
  return { study: dir, tasks: c.tasks };
}

/** What a chart of the form shows, when no study stands behind it (the form's model and lists). */
function formMeta(): Record<string, string | number> {
  const v = app.validation.value;
  if (!v) return {};
  return { kappa: v.kappa, delta: v.delta, u: v.u, N: v.N.join(' '), eps_initial: v.epsInitial, eps_final: v.epsFinal.join(' '), source: 'the form (no study)' };
}

export async function exportChart(c: ChartData, kind: 'csv' | 'png' | 'svg', o: FigureOptions = {}, dir?: string): Promise<string | undefined> {
  const name = `${fileStem(c)}.${kind}`;
  const source = sourceOf(c);
  let r: { path: string } | null;
  if (kind === 'csv') {
    const t = chartCsvTable(c);
    const meta = { title: c.title, ...(source ? {} : (c.meta ?? formMeta())) };
    r = await api.invoke('files.exportCsv', { name, columns: t.columns, rows: t.rows, meta, dir, source });
  } else if (kind === 'svg') {
    r = await api.invoke('files.save', { name, data: svgText(figureSvg(c, o)), encoding: 'utf8', dir, source });
  } else {
    r = await api.invoke('files.save', { name, data: await figurePng(c, o), encoding: 'base64', dir, source });
  }
  return r?.path;
}

/**
 * The whole figure set: every chart as CSV, SVG and PNG into one new folder, plus the study as HDF5 when it has
 * finished. Returns the folder and file count.
 */
export async function exportFigureSet(charts: ChartData[], o: FigureOptions = {}, onProgress?: (k: number, n: number) => void): Promise<{ dir: string; files: number } | undefined> {
  const study = app.view.dir;
  const d = await api.invoke('files.chooseDir', { purpose: 'figures', source: study ? { study } : undefined });
  if (!d) return undefined;
  let files = 0;
  for (const [i, c] of charts.entries()) {
    for (const kind of ['csv', 'svg', 'png'] as const) {
      await exportChart(c, kind, o, d.dir);
      files++;
    }
    onProgress?.(i + 1, charts.length);
  }
  if (study && app.view.status !== 'running') {
    try {
      await api.invoke('studies.exportH5', { dir: study, dest: d.dir });
      files++;
    } catch (e) {
      // The figures are written; say plainly that the HDF5 file is not (e.g. another process runs the study).
      throw new Error(`wrote ${files} files to ${d.dir}, but not the study's HDF5 file: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { dir: d.dir, files };
}

/**
 * The paper figures of a finished study, by the one figure engine (the files `epstudio figures` writes: SVG, PDF and
 * 300 dpi PNG with provenance) into a new folder of their own. Undefined when there is no study or it still runs.
 */
export async function exportPaperFigures(): Promise<{ dir: string; files: number; missing: string[] } | undefined> {
  const study = app.view.dir;
  if (!study || app.view.status === 'running') return undefined;
  const r = await api.invoke('figures.export', { dir: study });
  return r ? { dir: r.dir, files: r.files.length, missing: r.missing } : undefined;
}
