/**
 * Figure export from a chart's data (never from the screen canvas): the vector figure is drawn by Observable Plot
 * (uPlot draws only on canvas), and the PNG is that same figure rasterised at print resolution, so legend, title and
 * axis labels are in both.
 */
import * as Plot from '@observablehq/plot';
import { yExtent, type ChartData } from './series.js';
import { PALETTE } from './theme.js';

/** Figure size in CSS px (≈ 8 × 5 in at 100 px/in) and the raster scale: 2400 × 1500 px ≈ 300 dpi. */
export const FIGURE = Object.freeze({ width: 800, height: 500, pngScale: 3 });

export interface FigureOptions {
  logY?: boolean;
  /** Series labels hidden in the window's legend are left out of the figure too. */
  hidden?: ReadonlySet<string>;
  /** Dark background (default false: figures are for print, whatever the window's theme). */
  dark?: boolean;
}

/** The live chart's colours: curves from the palette by N, mean field red, NESS lines in the foreground or their N's colour. */
function colorOf(s: ChartData['series'][number], fg: string): string {
  if (s.flagged) return fg;
  if (s.ref === 'mf') return '#d62728';
  if (s.ref === 'ness') return s.color === undefined ? fg : PALETTE[s.color % PALETTE.length];
  return PALETTE[(s.color ?? 0) % PALETTE.length];
}

interface Pt {
  x: number;
  y: number;
}

/** The figure as an <svg> element (Observable Plot), legend drawn inside the plot frame. */
export function figureSvg(c: ChartData, o: FigureOptions = {}): SVGSVGElement {
  const fg = o.dark ? '#e8e8e8' : '#111111';
  const bg = o.dark ? '#1b1d21' : '#ffffff';
  const shown = c.series.filter((s) => !o.hidden?.has(s.label));
  const marks: Plot.Markish[] = [Plot.frame({ stroke: fg, strokeOpacity: 0.4 })];
  shown.forEach((s) => {
    const pts: Pt[] = [];
    c.x.forEach((x, k) => {
      const y = s.values[k];
      if (y !== null && Number.isFinite(y) && (!o.logY || y > 0)) pts.push({ x, y });
    });
    const color = colorOf(s, fg);
    if (s.flagged) {
      // values not converged: hollow points, as in the window
      marks.push(Plot.dot(pts, { x: 'x', y: 'y', stroke: color, fill: 'none', r: 4, clip: true }));
      return;
    }
    marks.push(
      Plot.line(pts, {
        x: 'x',
        y: 'y',
        stroke: color,
        strokeWidth: s.ref ? 1.2 : 1.8,
        strokeDasharray: s.ref === 'ness' ? '6,4' : s.ref === 'mf' ? '8,3,2,3' : undefined,
        // References off the window's y range are clipped, as in the window.
        clip: true,
      }),
    );
  });
  for (const v of c.vlines ?? []) {
    marks.push(Plot.ruleX([v.x], { stroke: fg, strokeOpacity: 0.6, strokeDasharray: '2,3' }));
    marks.push(Plot.text([v], { x: 'x', text: 'label', frameAnchor: 'top', dy: 6, dx: 4, textAnchor: 'start', fill: fg, fontSize: 12 }));
  }
  // Legend inside the frame (top right), one coloured line per series: part of the SVG itself.
  shown.forEach((s, i) => {
    const color = colorOf(s, fg);
    const dash = s.flagged ? '○ ' : s.ref === 'ness' ? '– – ' : s.ref === 'mf' ? '–·– ' : '━━ ';
    marks.push(
      Plot.text([`${dash}${s.label}`], {
        frameAnchor: 'top-right',
        dx: -8,
        dy: 8 + 15 * i,
        textAnchor: 'end',
        fill: color,
        fontSize: 12,
        stroke: bg,
        strokeWidth: 3,
        paintOrder: 'stroke',
      }),
    );
  });
  const ext = o.logY ? undefined : yExtent({ ...c, series: shown });
  const domain = ext ? (ext[0] === ext[1] ? [ext[0] - 0.5, ext[1] + 0.5] : [ext[0] - 0.05 * (ext[1] - ext[0]), ext[1] + 0.05 * (ext[1] - ext[0])]) : undefined;
  const fig = Plot.plot({
    width: FIGURE.width,
    height: FIGURE.height,
    marginTop: 44,
    marginLeft: 70,
    marginBottom: 48,
    marginRight: 24,
    style: { background: bg, color: fg, fontSize: '12px', fontFamily: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
    x: { label: c.xLabel, labelAnchor: 'center', labelArrow: 'none', grid: true },
    y: { label: c.yLabel, labelAnchor: 'center', labelArrow: 'none', grid: true, type: o.logY ? 'log' : 'linear', ...(domain ? { domain, nice: true } : {}) },
    marks: [...marks, Plot.text([c.title], { frameAnchor: 'top-left', dy: -30, fontSize: 14, fontWeight: 'bold', textAnchor: 'start', fill: fg })],
  }) as unknown as SVGSVGElement;
  fig.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  fig.setAttribute('width', String(FIGURE.width));
  fig.setAttribute('height', String(FIGURE.height));
  return fig;
}

export function svgText(svg: SVGSVGElement): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
}

/** Rasterise an SVG document text at `scale` × its size; returns PNG bytes as base64 (no data: prefix). */
export async function svgToPngBase64(svg: string, width: number, height: number, scale: number, background: string): Promise<string> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('could not rasterise the figure'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const g = canvas.getContext('2d')!;
    g.fillStyle = background;
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function figurePng(c: ChartData, o: FigureOptions = {}): Promise<string> {
  const svg = svgText(figureSvg(c, o));
  return svgToPngBase64(svg, FIGURE.width, FIGURE.height, FIGURE.pngScale, o.dark ? '#1b1d21' : '#ffffff');
}

/** A file name from a chart id: letters, digits, . _ - only (the contract accepts plain names). */
export function fileStem(c: ChartData): string {
  return c.id.replace(/[^\w.\-]+/g, '_');
}
