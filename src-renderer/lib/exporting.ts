/**
 * Export through the contract: the renderer prepares the bytes (CSV table, Plot SVG, rasterised PNG), the main side
 * writes them (native save dialog in Electron; the host's exports folder in the browser).
 */
import { api } from '../api/client.js';
import { figurePng, figureSvg, fileStem, svgText, type FigureOptions } from './exportFig.js';
import { chartTable, type ChartData } from './series.js';

export async function exportChart(c: ChartData, kind: 'csv' | 'png' | 'svg', o: FigureOptions = {}, dir?: string): Promise<string | undefined> {
  const name = `${fileStem(c)}.${kind}`;
  let r: { path: string } | null;
  if (kind === 'csv') {
    const t = chartTable(c);
    r = await api.invoke('files.exportCsv', { name, columns: t.columns, rows: t.rows, meta: { title: c.title, app: 'EP Studio' }, dir });
  } else if (kind === 'svg') {
    r = await api.invoke('files.save', { name, data: svgText(figureSvg(c, o)), encoding: 'utf8', dir });
  } else {
    r = await api.invoke('files.save', { name, data: await figurePng(c, o), encoding: 'base64', dir });
  }
  return r?.path;
}

/** The whole figure set: every chart as CSV, SVG and PNG into one chosen folder. Returns the folder and file count. */
export async function exportFigureSet(charts: ChartData[], o: FigureOptions = {}, onProgress?: (k: number, n: number) => void): Promise<{ dir: string; files: number } | undefined> {
  const d = await api.invoke('files.chooseDir', { purpose: 'figures' });
  if (!d) return undefined;
  let files = 0;
  for (const [i, c] of charts.entries()) {
    for (const kind of ['csv', 'svg', 'png'] as const) {
      await exportChart(c, kind, o, d.dir);
      files++;
    }
    onProgress?.(i + 1, charts.length);
  }
  return { dir: d.dir, files };
}
