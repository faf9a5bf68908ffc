/**
 * SVG → PDF (pdfkit + svg-to-pdfkit: vector, DejaVu Sans embedded as a subset so Greek letters, U+2212 and
 * superscripts survive) and SVG → PNG at 300 dpi (resvg, with the same font files; pHYs says 300 dpi and tEXt chunks
 * carry the provenance). Both read the SVG the figure engine wrote; neither draws anything itself.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { renderAsync } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { asciiJson, provenanceLines, type Provenance } from './provenance.js';
import { FONT_FAMILY, PNG_DPI, PT_PER_IN } from './style.js';

const require = createRequire(import.meta.url);
const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
/** The one face the figures use (render.ts sets no weight or style); read once per process. */
export const FONT_FILE = join(FONT_DIR, 'DejaVuSans.ttf');
let fontBytes: Buffer | undefined;
const font = () => (fontBytes ??= readFileSync(FONT_FILE));

/** Size of the SVG's page in points, from its viewBox (1 unit = 1 pt, render.ts). */
export function svgSizePt(svg: string): { width: number; height: number } {
  const m = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!m) throw new Error('figure SVG without a viewBox');
  return { width: Number(m[1]), height: Number(m[2]) };
}

export async function svgToPdf(svg: string, prov: Provenance): Promise<Uint8Array> {
  const { width, height } = svgSizePt(svg);
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    compress: true,
    info: {
      Title: `${prov.title} (${prov.figure})`,
      Author: `${prov.app} ${prov.app_version}`,
      Subject: provenanceLines(prov).join('; '),
      Keywords: `study_id=${prov.study_id}; spec_hash=${prov.spec_hash}; kappa=${prov.model.kappa ?? ''}; delta=${prov.model.delta ?? ''}; u=${prov.model.u ?? ''}; N=${prov.N.join(',')}; eps_i=${prov.eps_i.join(',')}; eps_f=${prov.eps_f.join(',')}; dt=${prov.dt.join(',')}; rtol=${prov.rtol}`,
      Creator: `${prov.app} ${prov.app_version} figure engine (Observable Plot, svg-to-pdfkit)`,
      Producer: 'pdfkit',
    },
  });
  // Custom keys of the info dictionary: the whole provenance as JSON, readable with any PDF library.
  (doc.info as Record<string, unknown>).EPStudioProvenance = asciiJson(prov);
  doc.registerFont(FONT_FAMILY, font());
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res, rej) => {
    doc.on('end', () => res());
    doc.on('error', rej);
  });
  // svg-to-pdfkit reads "7in" as CSS inches (96 units each) and would scale the page content by 4/3: give it the
  // size in points, which is what the viewBox already is.
  const svgPt = svg.replace(/<svg[^>]*>/, (tag) => tag.replace(/ width="[\d.]+in"/, ` width="${width}"`).replace(/ height="[\d.]+in"/, ` height="${height}"`));
  SVGtoPDF(doc, svgPt, 0, 0, {
    width,
    height,
    assumePt: true,
    // Every text is DejaVu Sans (render.ts sets no other family or weight); the 14 standard PDF fonts have no Greek.
    fontCallback: () => FONT_FAMILY,
  });
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

// ---- PNG ----

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** PNG text chunks: keyword (1–79 Latin-1 characters), NUL, text (ASCII here: asciiJson escapes the rest). */
export function textChunk(key: string, text: string): Buffer {
  if (!/^[\x20-\x7e]{1,79}$/.test(key)) throw new Error(`bad PNG text keyword ${key}`);
  return chunk('tEXt', Buffer.from(`${key}\0${text.replace(/[^\x20-\x7e\n]/g, '?')}`, 'latin1'));
}

/** Insert pHYs (dpi) and tEXt chunks right after IHDR, replacing any pHYs the encoder wrote. */
export function annotatePng(png: Buffer, dpi: number, texts: [string, string][]): Buffer {
  if (!png.subarray(0, 8).equals(PNG_SIG)) throw new Error('not a PNG');
  const out: Buffer[] = [PNG_SIG];
  let off = 8;
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const whole = png.subarray(off, off + 12 + len);
    off += 12 + len;
    if (type === 'pHYs') continue;
    out.push(whole);
    if (type === 'IHDR') {
      const phys = Buffer.alloc(9);
      const ppm = Math.round(dpi / 0.0254);
      phys.writeUInt32BE(ppm, 0);
      phys.writeUInt32BE(ppm, 4);
      phys.writeUInt8(1, 8); // unit: metre
      out.push(chunk('pHYs', phys));
      for (const [k, v] of texts) out.push(textChunk(k, v));
    }
  }
  return Buffer.concat(out);
}

/** Rasterised off the main thread (resvg's async render), so a figure set's PNGs overlap its PDFs. */
export async function svgToPng(svg: string, prov: Provenance): Promise<Uint8Array> {
  const { width } = svgSizePt(svg);
  const img = await renderAsync(svg, {
    fitTo: { mode: 'width', value: Math.round((width / PT_PER_IN) * PNG_DPI) },
    background: '#ffffff',
    font: { loadSystemFonts: false, fontFiles: [FONT_FILE], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    logLevel: 'off',
  });
  const png = img.asPng();
  const texts: [string, string][] = [
    ['Title', `${prov.title} (${prov.figure})`],
    ['Software', `${prov.app} ${prov.app_version}`],
    ['Source', `study ${prov.study_id}, spec sha256 ${prov.spec_hash}`],
    ['Description', provenanceLines(prov).join('\n')],
    ['epstudio:provenance', asciiJson(prov)],
  ];
  return new Uint8Array(annotatePng(png, PNG_DPI, texts));
}
