/**
 * The one figure engine of EP Studio, used by `epstudio figures` and by the window's "Export figure set"
 * (API method figures.export): study folder → figure descriptions (specs.ts) → SVG (render.ts, Observable Plot) →
 * PDF and PNG (convert.ts). Files are named <figure>.<format> (fig4.pdf, g-fig3.png, …) and written through the atomic
 * writer, after checking that none of them exists yet (unless `force`): a set is never half-written over an older one.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ParameterError } from '../../src-core/validation.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { svgToPdf, svgToPng } from './convert.js';
import { renderSvg } from './render.js';
import { buildFigures, FIGURE_NAMES, type FigureSpec } from './specs.js';
import { loadStudy } from './studyData.js';

export { FIGURE_NAMES } from './specs.js';
export const FORMATS = ['svg', 'pdf', 'png'] as const;
export type Format = (typeof FORMATS)[number];

export interface FigureSetOptions {
  formats?: readonly Format[];
  /** Subset of FIGURE_NAMES; default every figure the study has data for. */
  figures?: readonly string[];
}

export interface RenderedFile {
  figure: string;
  format: Format;
  name: string;
  data: Uint8Array | string;
}

export interface FigureSet {
  studyId: string;
  files: RenderedFile[];
  /** Requested figures without finished data in the study. */
  missing: string[];
  /** Milliseconds: loading and references, and each figure's rendering (all formats). */
  timings: { load: number; figures: Record<string, number> };
}

/** Validate the figure names (each one of FIGURE_NAMES); throws ParameterError naming the flag/field. */
export function checkFigureNames(field: string, names: readonly string[]): void {
  for (const n of names) if (!(FIGURE_NAMES as readonly string[]).includes(n)) throw new ParameterError(field, `figure names from ${FIGURE_NAMES.join(', ')}`, n);
}

export function checkFormats(field: string, formats: readonly string[]): asserts formats is Format[] {
  if (formats.length === 0) throw new ParameterError(field, `one or more of ${FORMATS.join(', ')}`, '');
  for (const f of formats) if (!(FORMATS as readonly string[]).includes(f)) throw new ParameterError(field, `formats from ${FORMATS.join(', ')}`, f);
}

/** Load the study and describe its figures (cheap: no rendering); refuses when none has finished data. */
function describe(studyDir: string, opts: FigureSetOptions) {
  if (opts.figures) checkFigureNames('figures', opts.figures);
  const t0 = performance.now();
  const data = loadStudy(studyDir);
  const specs: FigureSpec[] = buildFigures(data, opts.figures);
  const have = new Set(specs.map((s) => s.name));
  const missing = (opts.figures ?? []).filter((n) => !have.has(n));
  if (specs.length === 0)
    throw new ParameterError(opts.figures ? 'figures' : 'STUDY', 'figures this study has finished data for (run or resume it first; `epstudio status` lists its tasks)', opts.figures?.join(',') ?? studyDir);
  return { data, specs, missing, load: performance.now() - t0, names: specs.flatMap((s) => (opts.formats ?? FORMATS).map((f) => `${s.name}.${f}`)) };
}

async function render(d: ReturnType<typeof describe>, formats: readonly Format[]): Promise<FigureSet> {
  const figures: Record<string, number> = {};
  // One figure after another on the main thread (SVG, PDF); PNGs rasterise in resvg's thread pool meanwhile.
  const pending: Promise<RenderedFile>[] = [];
  for (const s of d.specs) {
    const t1 = performance.now();
    const svg = renderSvg(s);
    for (const f of formats) {
      const file = (data: Uint8Array | string): RenderedFile => ({ figure: s.name, format: f, name: `${s.name}.${f}`, data });
      if (f === 'svg') pending.push(Promise.resolve(file(svg)));
      else if (f === 'pdf') pending.push(Promise.resolve(file(await svgToPdf(svg, s.provenance))));
      else pending.push(svgToPng(svg, s.provenance).then(file));
    }
    figures[s.name] = performance.now() - t1;
  }
  const files = await Promise.all(pending);
  return { studyId: d.data.studyId, files, missing: d.missing, timings: { load: d.load, figures } };
}

export async function renderFigureSet(studyDir: string, opts: FigureSetOptions = {}): Promise<FigureSet> {
  return render(describe(studyDir, opts), opts.formats ?? FORMATS);
}

/**
 * Render and write a figure set into `outDir` (created if needed). Refuses, before rendering or writing anything, when
 * a target file exists and `force` is not set: ParameterError naming the file (exit status 2 in the CLI).
 */
export async function writeFigureSet(studyDir: string, outDir: string, opts: FigureSetOptions & { force?: boolean; field?: string } = {}): Promise<FigureSet & { paths: string[] }> {
  const field = opts.field ?? '--out';
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new ParameterError(field, 'a folder (this is a file)', outDir);
  const d = describe(studyDir, opts);
  if (!opts.force) {
    const clash = d.names.find((n) => existsSync(join(outDir, n)));
    if (clash) throw new ParameterError(field, `a folder without ${clash} (it exists: pass --force to replace it, or choose another folder)`, join(outDir, clash));
  }
  const set = await render(d, opts.formats ?? FORMATS);
  const paths = set.files.map((f) => join(outDir, f.name));
  set.files.forEach((f, i) => writeFileAtomic(paths[i], f.data));
  return { ...set, paths };
}
