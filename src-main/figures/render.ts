/**
 * FigureSpec → standalone SVG, with Observable Plot drawing every panel, inset and the legend on linkedom's DOM
 * (no hand-written SVG writer). The panels are composed into one outer <svg> in points (1 user unit = 1 pt, width
 * and height in inches), with the provenance in <metadata>.
 *
 * Reference lines are kept visible: a panel's y-range grows to include a reference unless that would stretch the
 * data's range more than REF_STRETCH times; such a reference is not drawn and a note in the panel says where it is
 * (value and direction), as the seed does for Fig. 7(c).
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { asciiJson, provenanceLines } from './provenance.js';
import type { FigureSpec, HRef, LegendItem, Panel } from './specs.js';
import { FONT_FAMILY, FONT_PT, fmtNum, PT_PER_IN, superscript, TICK_FONT_PT } from './style.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Largest factor by which a reference may stretch the data's y-range. */
export const REF_STRETCH = 3;
const NOTE_PT = 6.5;
const NOTE_ROW = 8;
const MARGIN = { left: 40, right: 8, top: 14, bottom: 27 };
const LEGEND_ROW = 11;

type Doc = ReturnType<typeof parseHTML>['document'];
/** linkedom's element type (src-main compiles without the DOM lib). */
type Element = ReturnType<Doc['createElementNS']>;

export interface YRange {
  domain: [number, number];
  drawn: HRef[];
  /** Off-scale references: "name = value ↑". */
  notes: string[];
}

/** The panel's y-range: the data, the references that fit (REF_STRETCH), 0 for a non-negative quantity. */
/** An upper bound: an open triangle pointing down (the value lies at or below it). */
const BOUND_MARK = (stroke: string, width: number) =>
  ({ x: '0', y: '1', symbol: 'triangle', rotate: 180, r: 2.4, fill: 'white', stroke, strokeWidth: Math.max(0.8, Math.min(width, 1.2)) }) as const;

export function yRange(p: Panel): YRange {
  const ys = p.lines.flatMap((l) => l.points.map((q) => q[1])).filter((y) => Number.isFinite(y) && (p.yType !== 'log' || y > 0));
  let lo = ys.length ? Math.min(...ys) : 0;
  let hi = ys.length ? Math.max(...ys) : 1;
  if (p.yType === 'linear' && p.nonNegative) {
    // Round-off below 0 (e.g. G = −1e−15) must not pull the axis to a negative tick.
    const tiny = 1e-9 * Math.max(Math.abs(hi), 1e-300);
    if (lo >= -tiny) lo = 0;
  }
  if (hi === lo) hi = lo === 0 ? 1 : lo + Math.abs(lo);
  const span = (a: number, b: number) => (p.yType === 'log' ? Math.log(b / a) : b - a);
  const budget = REF_STRETCH * span(lo, hi);
  const drawn: HRef[] = [];
  const notes: string[] = [];
  for (const r of p.hrefs) {
    if (!Number.isFinite(r.y) || (p.yType === 'log' && r.y <= 0)) continue;
    const nlo = Math.min(lo, r.y), nhi = Math.max(hi, r.y);
    if (span(nlo, nhi) <= budget) {
      lo = nlo;
      hi = nhi;
      drawn.push(r);
    } else notes.push(`${r.name} = ${fmtNum(r.y)} ${r.y > hi ? '↑' : '↓'} (off scale)`);
  }
  return { domain: [lo, hi], drawn, notes };
}

/** "Π_{d}" → Π with a subscript d (SVG baseline-shift, which resvg and svg-to-pdfkit both honour). */
function applySubscripts(doc: Doc, root: Element): void {
  for (const t of [...root.querySelectorAll('text')]) {
    if (t.querySelector('tspan') || !/[_^]\{/.test(t.textContent ?? '')) continue;
    const text = t.textContent ?? '';
    const size = Number(t.getAttribute('font-size') ?? t.closest('[font-size]')?.getAttribute('font-size') ?? FONT_PT);
    while (t.firstChild) t.removeChild(t.firstChild);
    const re = /([_^])\{([^}]*)\}/g;
    let last = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index > last) t.appendChild(doc.createTextNode(text.slice(last, m.index)));
      const s = doc.createElementNS(SVG_NS, 'tspan');
      s.setAttribute('baseline-shift', m[1] === '_' ? 'sub' : 'super');
      s.setAttribute('font-size', String(+(0.75 * size).toFixed(2)));
      s.textContent = m[2];
      t.appendChild(s);
      last = m.index + m[0].length;
    }
    if (last < text.length) t.appendChild(doc.createTextNode(text.slice(last)));
  }
}

/** Move a Plot <svg>'s content into a <g> at (x, y), keeping its inherited presentation attributes. */
function adopt(doc: Doc, plotSvg: Element, x: number, y: number, fontPt: number): Element {
  const g = doc.createElementNS(SVG_NS, 'g');
  g.setAttribute('transform', `translate(${+x.toFixed(3)},${+y.toFixed(3)})`);
  for (const a of ['fill', 'text-anchor']) {
    const v = plotSvg.getAttribute(a);
    if (v !== null) g.setAttribute(a, v);
  }
  // Plot puts its default size (10) in an attribute and ours in a style; the converters must see ours.
  g.setAttribute('font-family', FONT_FAMILY);
  g.setAttribute('font-size', String(fontPt));
  for (const c of [...plotSvg.childNodes]) {
    // Plot's <style> (CSS :where rules for the browser) means nothing to the PDF/PNG converters.
    if ((c as Element).tagName?.toLowerCase() === 'style') continue;
    g.appendChild(c);
  }
  return g;
}

const logTick = (d: number) => {
  const e = Math.log10(d);
  return Math.abs(e - Math.round(e)) < 1e-9 ? `10${superscript(String(Math.round(e)))}` : '';
};

/**
 * Power of ten factored out of a linear axis so that tick labels stay short (0.0025 → 2.5 with "10⁻³" in the unit):
 * a multiple of 3, used when the largest |y| is below 0.05 or at least 10⁴.
 */
export function axisExponent(domain: [number, number]): number {
  const m = Math.max(Math.abs(domain[0]), Math.abs(domain[1]));
  if (!(m > 0) || (m >= 0.05 && m < 1e4)) return 0;
  return 3 * Math.floor(Math.log10(m) / 3);
}

/** "Π_{d} [nat·2κ]" with exponent −3 → "Π_{d} [10⁻³ nat·2κ]". */
export function scaledLabel(label: string, k: number): string {
  if (k === 0) return label;
  const f = `10${superscript(String(k))}`;
  return /\[[^\]]*\]\s*$/.test(label) ? label.replace(/\[([^\]]*)\]\s*$/, `[${f} $1]`) : `${label} [${f}]`;
}

function scalePanel(p: Panel, range: YRange, k: number): { p: Panel; range: YRange } {
  if (k === 0) return { p, range };
  const f = 10 ** -k;
  return {
    p: { ...p, yLabel: scaledLabel(p.yLabel, k), lines: p.lines.map((l) => ({ ...l, points: l.points.map(([x, y]) => [x, y * f] as [number, number]) })) },
    range: { ...range, domain: [range.domain[0] * f, range.domain[1] * f], drawn: range.drawn.map((r) => ({ ...r, y: r.y * f })) },
  };
}

function panelPlot(doc: Doc, p0: Panel, width: number, height: number, opts: { fontPt: number; margin: typeof MARGIN; inset?: boolean; noteRows?: number }): { svg: Element; range: YRange; exponent: number } {
  const range0 = yRange(p0);
  const exponent = p0.yType === 'linear' ? axisExponent(range0.domain) : 0;
  const { p, range } = scalePanel(p0, range0, exponent);
  const m = opts.margin;
  const marks: Plot.Markish[] = [];
  for (const b of p.bands) marks.push(Plot.rect([b], { x1: 'x1', x2: 'x2', fill: b.fill, fillOpacity: b.opacity }));
  if (opts.inset) marks.push(Plot.frame({ fill: 'white' }));
  for (const v of p.vrefs) {
    marks.push(Plot.ruleX([v.x], { stroke: v.stroke, strokeDasharray: v.dash || undefined, strokeWidth: v.width }));
    // Labels of vertical lines sit just above the frame, clear of the data.
    if (v.text) marks.push(Plot.text([v], { x: 'x', text: () => v.text, frameAnchor: 'top', dy: -2, lineAnchor: 'bottom', fontSize: NOTE_PT, fill: '#333333' }));
  }
  for (const r of range.drawn) marks.push(Plot.ruleY([r.y], { stroke: r.stroke, strokeDasharray: r.dash || undefined, strokeWidth: r.width }));
  for (const l of p.lines) {
    if (l.points.length === 0) continue;
    const bounds = l.bounds ?? [];
    // the curve breaks at a bound (NaN: Plot leaves a gap), so no segment suggests a value there
    const curve = bounds.some(Boolean) ? l.points.map((q, i) => (bounds[i] ? ([q[0], NaN] as [number, number]) : q)) : l.points;
    marks.push(Plot.line(curve, { x: '0', y: '1', stroke: l.stroke, strokeDasharray: l.dash || undefined, strokeWidth: l.width }));
    if (l.markers) {
      const hollow = l.hollow ?? [];
      const solid = l.points.filter((_, i) => !hollow[i] && !bounds[i]), open = l.points.filter((_, i) => hollow[i] && !bounds[i]);
      marks.push(Plot.dot(solid, { x: '0', y: '1', r: 1.4, fill: l.stroke, stroke: 'none' }));
      if (open.length) marks.push(Plot.dot(open, { x: '0', y: '1', r: 1.8, fill: 'white', stroke: l.stroke, strokeWidth: 0.8 }));
      const upper = l.points.filter((_, i) => bounds[i]);
      if (upper.length) marks.push(Plot.dot(upper, BOUND_MARK(l.stroke, l.width)));
    }
  }
  marks.push(Plot.frame({ stroke: '#000000', strokeWidth: 0.6 }));
  const title = [p.tag, p.title].filter(Boolean).join(' ');
  const band = (opts.noteRows ?? 0) * NOTE_ROW;
  if (title) marks.push(Plot.text([title], { frameAnchor: 'top-left', dy: -7 - band, textAnchor: 'start', fontSize: opts.fontPt }));
  // Off-scale notes: right-aligned in a band between the title and the frame, clear of the data (noteRows is the same
  // for every panel of a figure, so that the frames stay aligned).
  const panelNotes = [...(p.notes ?? []), ...range.notes];
  if (panelNotes.length) {
    marks.push(Plot.text([panelNotes.join('\n')], { frameAnchor: 'top-right', dy: -2, textAnchor: 'end', lineAnchor: 'bottom', fontSize: NOTE_PT }));
  }
  const svg = Plot.plot({
    document: doc as unknown as Document,
    width,
    height,
    // Log ticks (10⁻⁶) are wider than linear ones: a little more room for the rotated label.
    marginLeft: m.left + (p.yType === 'log' ? 4 : 0),
    marginRight: m.right,
    marginTop: m.top + (opts.noteRows ?? 0) * NOTE_ROW,
    marginBottom: m.bottom,
    style: { fontFamily: FONT_FAMILY, fontSize: `${opts.fontPt}px`, overflow: 'visible' },
    x: { domain: p.xDomain, label: p.xLabel, labelAnchor: 'center', labelArrow: 'none', labelOffset: opts.inset ? 20 : 24, ticks: opts.inset ? 3 : 5, tickSize: 3 },
    y: {
      domain: range.domain,
      type: p.yType,
      // Linear: round ends; log: whole decades (so no point sits on the frame).
      nice: true,
      label: p.yLabel,
      labelAnchor: 'center',
      labelArrow: 'none',
      labelOffset: opts.inset ? 31 : p.yType === 'log' ? 41 : 36,
      ticks: opts.inset ? 3 : 5,
      tickSize: 3,
      ...(p.yType === 'log' ? { tickFormat: logTick } : {}),
    },
    marks,
  }) as unknown as Element;
  return { svg, range, exponent };
}

type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** The corner of the frame where a box of (w, h) (fractions of the frame) covers the fewest points of the curves. */
function emptiestCorner(p: Panel, range: YRange, w: number, h: number): Corner {
  const [x0, x1] = p.xDomain, [y0, y1] = range.domain;
  const ly = (y: number) => (p.yType === 'log' ? Math.log(y) : y);
  // Curves and the drawn reference lines (sampled across the frame) count as ink.
  const refPts = range.drawn.flatMap((r) => Array.from({ length: 41 }, (_, i) => [x0 + ((x1 - x0) * i) / 40, r.y] as [number, number]));
  const pts = [...p.lines.flatMap((l) => l.points), ...refPts].map(([x, y]) => [(x - x0) / (x1 - x0 || 1), (ly(y) - ly(y0)) / (ly(y1) - ly(y0) || 1)]);
  const corners: Record<Corner, [number, number]> = { 'top-right': [1 - w, 1 - h], 'top-left': [0, 1 - h], 'bottom-right': [1 - w, 0], 'bottom-left': [0, 0] };
  let best: Corner = 'top-right', bestN = Infinity;
  for (const [k, [cx, cy]] of Object.entries(corners) as [Corner, [number, number]][]) {
    const n = pts.filter(([x, y]) => x >= cx && x <= cx + w && y >= cy && y <= cy + h).length;
    if (n < bestN) {
      bestN = n;
      best = k;
    }
  }
  return best;
}

const textWidth = (s: string, pt: number) => 0.6 * pt * s.replace(/[_^]\{([^}]*)\}/g, '$1').length;

function legendLayout(items: LegendItem[], width: number): { rows: { item: LegendItem; x: number; row: number }[]; height: number } {
  const sample = 16, gap = 10, pad = 4;
  const rows: { item: LegendItem; x: number; row: number }[] = [];
  let x = MARGIN.left, row = 0;
  for (const item of items) {
    const w = (item.kind === 'text' ? 0 : sample + 3) + textWidth(item.label, FONT_PT);
    if (x + w > width - pad && x > MARGIN.left) {
      row++;
      x = MARGIN.left;
    }
    rows.push({ item, x, row });
    x += w + gap;
  }
  return { rows, height: items.length ? (row + 1) * LEGEND_ROW + 4 : 0 };
}

function legendPlot(doc: Doc, items: LegendItem[], width: number): { svg: Element | null; height: number } {
  const { rows, height } = legendLayout(items, width);
  if (!rows.length) return { svg: null, height: 0 };
  const marks: Plot.Markish[] = [];
  for (const { item, x, row } of rows) {
    const y = 6 + row * LEGEND_ROW;
    if (item.kind === 'band') marks.push(Plot.rect([0], { x1: () => x, x2: () => x + 16, y1: () => y - 3.5, y2: () => y + 3.5, fill: item.stroke, fillOpacity: item.opacity ?? 0.2 }));
    else if (item.kind === 'text') {
      marks.push(Plot.text([item.label], { x: () => x, y: () => y, textAnchor: 'start', fontSize: FONT_PT }));
      continue;
    } else if (item.kind === 'dot') marks.push(Plot.dot([0], { x: () => x + 8, y: () => y, r: 1.8, fill: 'white', stroke: item.stroke, strokeWidth: item.width }));
    else if (item.kind === 'bound') marks.push(Plot.dot([0], { ...BOUND_MARK(item.stroke, item.width), x: () => x + 8, y: () => y }));
    else marks.push(Plot.link([0], { x1: () => x, x2: () => x + 16, y1: () => y, y2: () => y, stroke: item.stroke, strokeDasharray: item.dash || undefined, strokeWidth: item.width }));
    marks.push(Plot.text([item.label], { x: () => x + 19, y: () => y, textAnchor: 'start', fontSize: FONT_PT }));
  }
  const svg = Plot.plot({
    document: doc as unknown as Document,
    width,
    height,
    margin: 0,
    x: { type: 'identity' },
    y: { type: 'identity' },
    axis: null,
    style: { fontFamily: FONT_FAMILY, fontSize: `${FONT_PT}px` },
    marks,
  }) as unknown as Element;
  return { svg, height };
}

/** The whole figure as a standalone SVG document (UTF-8 text). */
export function renderSvg(spec: FigureSpec): string {
  const { document: doc } = parseHTML('<!DOCTYPE html><html><body></body></html>');
  const W = spec.widthIn * PT_PER_IN;
  const cols = spec.columns;
  const rowsN = Math.ceil(spec.panels.length / cols);
  const pw = W / cols, ph = spec.panelHeightIn * PT_PER_IN;
  const legend = legendPlot(doc, spec.legend, W);
  // Panels with off-scale notes get a band above the frame; all panels of the figure keep the same frame height.
  const noteRows = Math.max(0, ...spec.panels.map((p) => (p.notes?.length ?? 0) + yRange(p).notes.length));
  const phN = ph + noteRows * NOTE_ROW;
  const H = legend.height + rowsN * phN + 2;

  const root = doc.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('version', '1.1');
  root.setAttribute('width', `${+(W / PT_PER_IN).toFixed(4)}in`);
  root.setAttribute('height', `${+(H / PT_PER_IN).toFixed(4)}in`);
  root.setAttribute('viewBox', `0 0 ${+W.toFixed(3)} ${+H.toFixed(3)}`);
  root.setAttribute('font-family', FONT_FAMILY);
  root.setAttribute('font-size', String(FONT_PT));
  root.setAttribute('color', '#000000');
  const title = doc.createElementNS(SVG_NS, 'title');
  title.textContent = spec.title;
  root.appendChild(title);
  const desc = doc.createElementNS(SVG_NS, 'desc');
  desc.textContent = provenanceLines(spec.provenance).join('\n');
  root.appendChild(desc);
  const meta = doc.createElementNS(SVG_NS, 'metadata');
  meta.setAttribute('id', 'epstudio-provenance');
  meta.setAttribute('data-format', 'application/json');
  meta.textContent = asciiJson(spec.provenance);
  root.appendChild(meta);
  const bg = doc.createElementNS(SVG_NS, 'rect');
  for (const [k, v] of Object.entries({ x: 0, y: 0, width: +W.toFixed(3), height: +H.toFixed(3), fill: '#ffffff' })) bg.setAttribute(k, String(v));
  root.appendChild(bg);

  if (legend.svg) {
    const g = adopt(doc, legend.svg, 0, 1, FONT_PT);
    g.setAttribute('aria-label', 'legend');
    root.appendChild(g);
  }
  spec.panels.forEach((p, i) => {
    const x = (i % cols) * pw, y = legend.height + Math.floor(i / cols) * phN;
    const { svg, range, exponent } = panelPlot(doc, p, pw, phN, { fontPt: FONT_PT, margin: MARGIN, noteRows });
    const g = adopt(doc, svg, x, y, FONT_PT);
    g.setAttribute('aria-label', `panel ${p.tag || i + 1}`);
    g.setAttribute('data-panel', String(i));
    // The plotted y-range in the data's own units (before any 10^k factored into the label), for tests and readers.
    g.setAttribute('data-y-domain', range.domain.map((v) => v * 10 ** exponent).join(','));
    g.setAttribute('data-y-exponent', String(exponent));
    g.setAttribute('data-refs-drawn', String(range.drawn.length));
    g.setAttribute('data-refs-off-scale', String(range.notes.length));
    if (p.inset) {
      const top = MARGIN.top + noteRows * NOTE_ROW;
      const fw = pw - MARGIN.left - MARGIN.right, fh = phN - top - MARGIN.bottom;
      const corner = emptiestCorner(p, range, 0.5, 0.52);
      const im = { left: 36, right: 4, top: 4, bottom: 22 };
      const iw = 0.5 * fw, ih = 0.52 * fh;
      const ix = MARGIN.left + (corner.endsWith('left') ? 2 : fw - iw - 2);
      const iy = top + (corner.startsWith('top') ? 2 : fh - ih - 2);
      const inset = panelPlot(doc, p.inset, iw, ih, { fontPt: TICK_FONT_PT - 0.5, margin: im, inset: true });
      const ig = adopt(doc, inset.svg, ix, iy, TICK_FONT_PT - 0.5);
      ig.setAttribute('aria-label', 'inset');
      g.appendChild(ig);
    }
    root.appendChild(g);
  });
  applySubscripts(doc, root);
  // Plot's default tick format groups thousands ("1,000"); a physics axis writes 1000 (and never 0,000,000).
  for (const t of [...root.querySelectorAll('g[aria-label$="tick label"] text')]) {
    const v = t.textContent ?? '';
    if (/\d,\d{3}/.test(v)) t.textContent = v.replace(/,(?=\d{3}(\D|$))/g, '');
  }
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + root.outerHTML + '\n';
}
