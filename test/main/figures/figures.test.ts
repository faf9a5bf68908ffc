// The figure engine end to end: a small study with every seed figure (quenches incl. ε_f = 0.933, the exact NESS
// curve, a gap sweep, both Gaussian sweeps) is run once by the CLI (needs `npm run build`), then rendered in Node.
// Checked against the files themselves: panels, reference lines inside the plotted range (from the SVG's geometry),
// units in the axis labels, PDF page size/text/fonts with poppler, PNG 300 dpi and provenance chunks, no overwrite.
// Every PNG is kept in .tmp/figure-artifacts/ for a look.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bistableWindow } from '../../../src-core/kerr/meanField.js';
import { ParameterError } from '../../../src-core/validation.js';
import { renderFigureSet, writeFigureSet, type FigureSet } from '../../../src-main/figures/index.js';
import { exactNessReference, meanFieldQuenchEnd } from '../../../src-main/figures/references.js';
import { curveColours } from '../../../src-main/figures/style.js';
import { createHandlers } from '../../../src-main/api/handlers.js';
import { PROJECT_ROOT, VERSION } from '../../../src-main/version.js';

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');
const ARTIFACTS = join(PROJECT_ROOT, '.tmp', 'figure-artifacts');
const root = mkdtempSync(join(tmpdir(), 'epstudio-figs-'));
const studiesRoot = join(root, 'studies');
const study = join(studiesRoot, 'all-figures');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

const SPEC = {
  version: 1,
  name: 'all-figures',
  model: { kappa: 0.5, delta: -2, u: 1 },
  tasks: [
    { kind: 'quench', N: [1, 5], epsInitial: 0.5, epsFinal: [0.8, 0.933, 1.1], tMax: 4, dt: 0.2, figures: ['fig4', 'fig5', 'fig6', 'fig7', 'fig8'] },
    { kind: 'ness-sweep', method: 'exact', N: [1, 5], eps: { from: 0, to: 1.5, points: 31 }, figures: ['fig2'] },
    { kind: 'gap-sweep', N: [1, 3], eps: { from: 0.5, to: 1.4, points: 7 }, figures: ['fig3'] },
    { kind: 'gaussian-sweep', preset: 'cavity-om', x: { from: 0, to: 2.5, points: 26 }, figures: ['g-fig3a'] },
    { kind: 'gaussian-sweep', preset: 'cavity-bec', x: { from: 0, to: 0.98, points: 50 }, figures: ['g-fig3b'] },
  ],
};

let set: FigureSet;
let renderSeconds = 0;
const svgOf = (fig: string) => set.files.find((f) => f.figure === fig && f.format === 'svg')!.data as string;
const bytesOf = (fig: string, fmt: 'pdf' | 'png') => Buffer.from(set.files.find((f) => f.figure === fig && f.format === fmt)!.data as Uint8Array);
const domOf = (svg: string) => parseHTML(`<html><body>${svg.replace(/^<\?xml[^>]*>/, '')}</body></html>`).document;

beforeAll(() => {
  mkdirSync(studiesRoot, { recursive: true });
  const specFile = join(root, 'spec.json');
  writeFileSync(specFile, JSON.stringify(SPEC));
  const r = cli('run', specFile, '--out', study, '--workers', '1');
  expect(r.stderr).toMatch(/completed: 12\/12 tasks done/);
}, 120_000);

describe('figure engine on a study with every seed figure', () => {
  it('renders all figures in all formats', async () => {
    const t0 = performance.now();
    set = await renderFigureSet(study);
    renderSeconds = (performance.now() - t0) / 1000;
    expect([...new Set(set.files.map((f) => f.figure))]).toEqual(['fig2', 'fig3', 'fig4', 'fig5', 'fig6', 'fig7', 'fig8', 'g-fig3']);
    expect(set.files.length).toBe(24);
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const f of set.files) if (f.format === 'png') writeFileSync(join(ARTIFACTS, f.name), f.data);
    process.stderr.write(`figures: 8 figures × 3 formats rendered in ${renderSeconds.toFixed(1)} s; PNGs in ${ARTIFACTS}\n`);
  });

  it('has each panel: one per ε_f in Figs. 4–8, titled with the pump; two panels with insets in seed 004 Fig. 3', () => {
    for (const fig of ['fig4', 'fig5', 'fig6', 'fig7', 'fig8']) {
      const doc = domOf(svgOf(fig));
      const panels = [...doc.querySelectorAll('g[data-panel]')];
      expect(panels.length, fig).toBe(3);
      const texts = panels.map((p) => p.textContent ?? '');
      expect(texts[0]).toContain('(a) εf = 0.8');
      expect(texts[1]).toContain('(b) εf = εc = 0.933');
      expect(texts[2]).toContain('(c) εf = 1.1');
      // one curve per N in every panel (Plot's line marks)
      for (const p of panels) expect(p.querySelectorAll('g[aria-label="line"] path').length, fig).toBe(2);
    }
    expect(domOf(svgOf('fig2')).querySelectorAll('g[data-panel]').length).toBe(1);
    expect(domOf(svgOf('fig3')).querySelectorAll('g[data-panel]').length).toBe(1);
    const g3 = domOf(svgOf('g-fig3'));
    expect(g3.querySelectorAll('g[data-panel]').length).toBe(2);
    expect(g3.querySelectorAll('g[aria-label="inset"]').length).toBe(2);
    const tickTexts = [...g3.querySelectorAll('g[aria-label$="tick label"] text')].map((t) => t.textContent ?? '');
    expect(tickTexts.filter((t) => t.includes(','))).toEqual([]); // no "1,000"
    expect(tickTexts).toContain('1000');
    expect(g3.querySelector('g[data-panel="1"]')!.textContent).toContain('(g/gcr)²');
  });

  it('draws the references inside the plotted y-range, or names them as off scale (Figs. 5 and 7)', () => {
    const model = { kappa: 0.5, delta: -2, u: 1 };
    const panelsOf = (fig: string) => [...domOf(svgOf(fig)).querySelectorAll('g[data-panel]')];
    for (const fig of ['fig5', 'fig7']) {
      const panels = [...domOf(svgOf(fig)).querySelectorAll('g[data-panel]')];
      [0.8, 0.933, 1.1].forEach((epsF, i) => {
        const p = panels[i];
        const frame = p.querySelector('rect[aria-label="frame"], g[aria-label="frame"] rect') ?? p.querySelector('[aria-label="frame"]')!;
        const top = Number(frame.getAttribute('y')), bottom = top + Number(frame.getAttribute('height'));
        // Every horizontal rule Plot drew lies inside the frame (pixels, from the SVG itself).
        const rules = [...p.querySelectorAll('g[aria-label="rule"] line')];
        for (const l of rules) {
          const y = Number(l.getAttribute('y1'));
          expect(y).toBeGreaterThanOrEqual(top - 1e-6);
          expect(y).toBeLessThanOrEqual(bottom + 1e-6);
        }
        const [lo, hi] = p.getAttribute('data-y-domain')!.split(',').map(Number);
        const refs =
          fig === 'fig5'
            ? [exactNessReference(model, 0.5).Phi_over_N, exactNessReference(model, epsF).Phi_over_N, ...(epsF === 0.8 ? [] : [2 * 0.5 * meanFieldQuenchEnd(model, 0.5, epsF).n])]
            : exactNessReference(model, epsF).bimodal
              ? []
              : [exactNessReference(model, epsF).Pi_d];
        const text = p.textContent ?? '';
        let drawn = 0;
        for (const r of refs) {
          if (r >= lo - 1e-12 && r <= hi + 1e-12) drawn++;
          else expect(text, `${fig} ε_f=${epsF}: ${r} is outside [${lo}, ${hi}] and must be named`).toMatch(/off scale/);
        }
        expect(rules.length, `${fig} ε_f=${epsF}`).toBe(drawn);
        expect(Number(p.getAttribute('data-refs-drawn')) + Number(p.getAttribute('data-refs-off-scale'))).toBe(refs.length);
      });
    }
    // Fig. 7(c) at ε_c: the N = 1000 NESS is a two-peaked mixture, its Π_d hundreds of times the transients (seed:
    // "the line in image (c) is not shown since it falls outside the scale").
    // The Gaussian Π_d of that mixture (≈ 453) means nothing, so the panel names the state instead of a number.
    const c = [...domOf(svgOf('fig7')).querySelectorAll('g[data-panel]')][1];
    expect(exactNessReference(model, 0.933).bimodal).toBe(true);
    expect(c.getAttribute('data-refs-drawn')).toBe('0');
    expect(c.textContent).toMatch(/bimodal/);
    expect(c.textContent).not.toMatch(/453/);
    for (const i of [0, 2]) expect(panelsOf('fig7')[i].textContent).not.toMatch(/bimodal/);
    // Fig. 5(c) at ε_f = 1.1: exact NESS |α| = 1.5766 (the legend value), Φ/N = 2κ<a†a>/N ≈ 2.49, drawn.
    const d = [...domOf(svgOf('fig5')).querySelectorAll('g[data-panel]')][2];
    expect(Number(d.getAttribute('data-y-domain')!.split(',')[1])).toBeGreaterThanOrEqual(2.48);
  });

  it('labels every axis with symbol and unit; G starts at 0; log ticks are decades, no 0', () => {
    for (const fig of ['fig4', 'fig5', 'fig6', 'fig7', 'fig8']) {
      const doc = domOf(svgOf(fig));
      for (const l of doc.querySelectorAll('g[aria-label="x-axis label"] text')) expect(l.textContent).toBe('t [1/(2κ)]');
      for (const l of doc.querySelectorAll('g[aria-label="y-axis label"] text')) expect(l.textContent, fig).toMatch(fig === 'fig4' ? /^G \[(10\S+ )?nat\]$/ : /\[(10\S+ )?nat·2κ\]$/);
    }
    for (const p of domOf(svgOf('fig4')).querySelectorAll('g[data-panel]')) {
      expect(Number(p.getAttribute('data-y-domain')!.split(',')[0])).toBe(0);
      const ticks = [...p.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent ?? '');
      expect(ticks.some((t) => t.startsWith('−') || t.startsWith('-'))).toBe(false);
    }
    const f3 = domOf(svgOf('fig3'));
    expect(f3.querySelector('g[aria-label="y-axis label"] text')!.textContent).toBe('λ = |Re ζ1| [2κ]');
    const logTicks = [...f3.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent ?? '').filter(Boolean);
    expect(logTicks.length).toBeGreaterThan(1);
    for (const t of logTicks) expect(t).toMatch(/^10[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+$/);
    expect(domOf(svgOf('fig2')).querySelector('g[aria-label="x-axis label"] text')!.textContent).toBe('ε [2κ]');
    const g3 = domOf(svgOf('g-fig3'));
    expect([...g3.querySelectorAll('g[aria-label="y-axis label"] text')].map((t) => t.textContent)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Πs \[10\S+ nat\/s\]$/), expect.stringMatching(/^μb \[10\S+ nat\/s\]$/)]),
    );
  });

  it('puts the legend above the panels, never over the data, with distinct colours', () => {
    const doc = domOf(svgOf('fig5'));
    const legend = doc.querySelector('g[aria-label="legend"]')!;
    // Plot places each legend text by attribute y or a translate(x,y) transform.
    const yOf = (t: { getAttribute(n: string): string | null }) => {
      const m = /translate\([^,]+,([^)]+)\)/.exec(t.getAttribute('transform') ?? '');
      return m ? Number(m[1]) : Number(t.getAttribute('y'));
    };
    const legendBottom = 1 + Math.max(...[...legend.querySelectorAll('text')].map(yOf)) + 4;
    for (const p of doc.querySelectorAll('g[data-panel]')) {
      const y = Number(/translate\([^,]+,([^)]+)\)/.exec(p.getAttribute('transform')!)![1]);
      expect(y).toBeGreaterThanOrEqual(legendBottom);
    }
    const strokes = [...doc.querySelectorAll('g[data-panel="0"] g[aria-label="line"]')].map((g) => g.getAttribute('stroke'));
    expect(new Set(strokes).size).toBe(strokes.length);
    for (const n of [5, 7, 8, 12]) expect(new Set(curveColours(n)).size).toBe(n);
  });

  it('carries the provenance in SVG metadata, PDF info and PNG text chunks', () => {
    const studyJson = JSON.parse(readFileSync(join(study, 'study.json'), 'utf8'));
    const meta = domOf(svgOf('fig5')).querySelector('metadata#epstudio-provenance')!;
    const prov = JSON.parse(meta.textContent!);
    expect(prov).toMatchObject({ app_version: VERSION, spec_hash: studyJson.hash, model: { kappa: 0.5, delta: -2, u: 1 }, N: [1, 5], eps_i: [0.5], eps_f: [0.8, 0.933, 1.1], dt: [0.2], t_max: [4] });
    expect(prov.study_id).toBe(`all-figures-${studyJson.hash.slice(0, 8)}`);
    expect(prov.K.length).toBe(6);
    expect(prov.rtol).toMatch(/1e-10/);
    // An independent XML reader sees a well-formed SVG of 7 in with the same metadata.
    const xml = spawnSync('python3', ['-c', SVG_READER], { input: svgOf('fig5'), encoding: 'utf8' });
    expect(xml.status, xml.stderr).toBe(0);
    expect(JSON.parse(xml.stdout)).toEqual({ width: '7in', spec_hash: studyJson.hash });
    expect(prov.grid).toMatch(/polar/);
    // PNG: chunks read back independently of our writer (Python's zlib checks every CRC).
    const png = bytesOf('fig5', 'png');
    const py = spawnSync('python3', ['-c', PNG_READER], { input: png, encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const info = JSON.parse(py.stdout);
    expect(info.width).toBe(2100); // 7.0 in at 300 dpi
    expect(info.pHYs).toEqual([11811, 11811, 1]); // 300 dpi in pixels per metre
    expect(info.text.Software).toBe(`EP Studio ${VERSION}`);
    expect(JSON.parse(info.text['epstudio:provenance']).spec_hash).toBe(studyJson.hash);
    expect(info.text.Description).toMatch(/eps_f: 0.8, 0.933, 1.1/);
  });

  it.runIf(has('pdfinfo') && has('pdftotext') && has('pdffonts'))('writes a vector PDF of the figure size with embedded DejaVu and the Greek text (poppler)', () => {
    const dir = join(root, 'pdf');
    mkdirSync(dir, { recursive: true });
    for (const fig of ['fig5', 'fig3']) {
      const f = join(dir, `${fig}.pdf`);
      writeFileSync(f, bytesOf(fig, 'pdf'));
      const info = spawnSync('pdfinfo', [f], { encoding: 'utf8' });
      expect(info.status).toBe(0);
      const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info.stdout)!;
      const svg = svgOf(fig);
      const vb = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!;
      expect(Number(size[1])).toBeCloseTo(fig === 'fig5' ? 504 : 244.8, 1); // 7.0 in or 3.4 in
      expect(Number(size[2])).toBeCloseTo(Number(vb[2]), 1);
      expect(info.stdout).toMatch(/Pages:\s+1/);
      expect(info.stdout).toMatch(fig === 'fig5' ? /Keywords:.*kappa=0\.5.*N=1,5.*eps_f=0\.8,0\.933,1\.1/ : /Keywords:.*kappa=0\.5.*N=1,3/);
      const fonts = spawnSync('pdffonts', [f], { encoding: 'utf8' }).stdout;
      expect(fonts).toMatch(/DejaVuSans\s.*\syes\s+yes/);
      // pdftotext guesses word spaces from glyph positions: compare without them.
      const text = spawnSync('pdftotext', [f, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
      if (fig === 'fig5') {
        for (const s of ['Φ/N[nat·2κ]', 't[1/(2κ)]', 'N=5', 'exactNESSatεf(N=1000)', '(b)εf=εc=0.933']) expect(text).toContain(s);
      } else expect(text).toContain('λ=|Reζ1|[2κ]');
    }
  });

  it('never replaces a file without --force; refuses before writing anything', async () => {
    const out = join(root, 'set');
    const first = await writeFigureSet(study, out, { formats: ['svg'], figures: ['fig4', 'fig5'] });
    expect(first.paths.map((p) => p.slice(out.length + 1))).toEqual(['fig4.svg', 'fig5.svg']);
    writeFileSync(join(out, 'fig5.svg'), 'mine');
    const err = await writeFigureSet(study, out, { formats: ['svg', 'pdf'], figures: ['fig4', 'fig5'] }).catch((e) => e);
    expect(err).toBeInstanceOf(ParameterError);
    expect(err.message).toMatch(/fig4\.svg/);
    expect(readdirSync(out).sort()).toEqual(['fig4.svg', 'fig5.svg']); // no PDF written, nothing replaced
    expect(readFileSync(join(out, 'fig5.svg'), 'utf8')).toBe('mine');
    await writeFigureSet(study, out, { formats: ['svg'], figures: ['fig5'], force: true });
    expect(readFileSync(join(out, 'fig5.svg'), 'utf8')).toMatch(/^<\?xml/);
  });

  it('CLI: figures command, exit 2 on an existing file and on bad flags', () => {
    const out = join(root, 'cli');
    const t0 = performance.now();
    const r = cli('figures', study, '--out', out, '--figures', 'fig4,fig7', '--format', 'pdf,png', '--json');
    const seconds = (performance.now() - t0) / 1000;
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['fig4.pdf', 'fig4.png', 'fig7.pdf', 'fig7.png']);
    expect(JSON.parse(r.stdout).files.length).toBe(4);
    process.stderr.write(`figures CLI: 2 figures as PDF + PNG in ${seconds.toFixed(1)} s (process included)\n`);
    const again = cli('figures', study, '--out', out, '--figures', 'fig4');
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/fig4\.pdf \(it exists: pass --force/);
    expect(cli('figures', study, '--out', out, '--format', 'svg,gif').status).toBe(2);
    // (unknown figure names and a folder without a study: checked in-process below, each a ParameterError)
  });

  it('refuses unknown figure names and folders without a study (ParameterError, exit 2 in the CLI)', async () => {
    await expect(renderFigureSet(study, { figures: ['fig9'] })).rejects.toBeInstanceOf(ParameterError);
    await expect(renderFigureSet(join(root, 'no-study'))).rejects.toBeInstanceOf(ParameterError);
    await expect(renderFigureSet(study, { figures: ['fig9'] })).rejects.toThrow(/figures: got "fig9"; allowed: figure names from fig2/);
  });

  it('figures.export (the window): a new folder under exports/ each time, both sets kept', async () => {
    const h = createHandlers({ host: 'browser', studiesRoot, exportsRoot: join(root, 'exports'), emit: () => undefined });
    const a = (await h.dispatch('figures.export', { dir: study, formats: ['svg'], figures: ['fig2'] })) as { dir: string; files: string[] };
    const b = (await h.dispatch('figures.export', { dir: study, formats: ['svg'], figures: ['fig2'], folder: 'for-the-paper' })) as { dir: string; files: string[] };
    expect(a.dir).not.toBe(b.dir);
    expect(b.dir).toBe(join(root, 'exports', 'for-the-paper'));
    for (const r of [a, b]) expect(existsSync(r.files[0])).toBe(true);
    await expect(h.dispatch('figures.export', { dir: study, formats: ['svg'], figures: ['fig2'], folder: 'for-the-paper' })).rejects.toThrow(/fig2\.svg/);
    await expect(h.dispatch('figures.export', { dir: study, folder: '..' })).rejects.toThrow(/folder: a single file name/);
    await expect(h.dispatch('figures.export', { dir: study, formats: ['gif'] })).rejects.toThrow(/formats/);
    await expect(h.dispatch('figures.export', { dir: root })).rejects.toThrow(/not an open study/);
  });
});

describe('Fig. 2 x-range', () => {
  it('covers both folds whatever Δ (Δ = −3: ε+ ≈ 2.06 beyond the swept ε ≤ 1.5)', async () => {
    const dir = join(root, 'delta3');
    const spec = join(root, 'd3.json');
    writeFileSync(spec, JSON.stringify({ version: 1, name: 'd3', model: { kappa: 0.5, delta: -3, u: 1 }, tasks: [{ kind: 'ness-sweep', method: 'exact', N: [5], eps: { from: 0, to: 1.5, points: 16 }, figures: ['fig2'] }] }));
    expect(cli('run', spec, '--out', dir, '--workers', '1').status).toBe(0);
    const s = await renderFigureSet(dir, { formats: ['svg', 'png'] });
    const w = bistableWindow({ kappa: 0.5, delta: -3, u: 1 })!;
    expect(w.epsPlus).toBeGreaterThan(2);
    const doc = domOf(s.files[0].data as string);
    const ticks = [...doc.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => Number((t.textContent ?? '').replace('−', '-')));
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(2);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'fig2-delta-3.png'), s.files[1].data);
  });
});

// Parses an SVG with Python's ElementTree: root width and the provenance's spec hash.
const SVG_READER = `
import sys, json, xml.etree.ElementTree as E
r = E.fromstring(sys.stdin.read())
m = r.find('{http://www.w3.org/2000/svg}metadata')
print(json.dumps({'width': r.get('width'), 'spec_hash': json.loads(m.text)['spec_hash']}))
`;

// Reads a PNG with Python's zlib (CRC of every chunk checked): size, pHYs, tEXt.
const PNG_READER = `
import sys, struct, zlib, json
b = sys.stdin.buffer.read()
assert b[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
o, out = 8, {'text': {}}
while o < len(b):
    n, = struct.unpack('>I', b[o:o+4]); t = b[o+4:o+8]; d = b[o+8:o+8+n]
    c, = struct.unpack('>I', b[o+8+n:o+12+n]); assert zlib.crc32(t + d) & 0xffffffff == c, t
    if t == b'IHDR': out['width'], out['height'] = struct.unpack('>II', d[:8])
    if t == b'pHYs': out['pHYs'] = list(struct.unpack('>IIB', d))
    if t == b'tEXt': k, v = d.split(b'\\0', 1); out['text'][k.decode('latin-1')] = v.decode('latin-1')
    o += 12 + n
print(json.dumps(out))
`;
