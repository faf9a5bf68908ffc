/**
 * The figures of the seeds as panel descriptions (data, references, labels with units), built from a study folder.
 * Rendering is separate (render.ts), so that the same description serves SVG, PDF and PNG.
 *
 * Seed 000: Fig. 2 (|α| of the exact NESS against ε with the mean-field S-curve and the quench pumps marked), Fig. 3
 * (Liouvillian gap λ against ε, bistable window shaded, ε_c dashed), Figs. 4–8 (G, Φ/N, Φ_q, Π_d, Π_U against t, one
 * panel per ε_f, one curve per N; Fig. 5 with the exact NESS at ε_i and ε_f and the mean-field bright branch, Fig. 7
 * with the NESS Π_d). Seed 004: Fig. 3 (Π_s against the coupling, cavity-OM and cavity-BEC, with μ_b insets).
 * Text uses "_{x}" for subscripts; the renderer turns them into SVG sub-baseline spans.
 */
import { EPS_C_SEED } from '../../src-core/kerr/critical.js';
import { bistableWindow } from '../../src-core/kerr/meanField.js';
import { PAPER } from '../../src-core/kerr/model.js';
import { gapResolution, twoPhotonMeanFieldStates, twoPhotonThreshold } from '../../src-core/model/twoPhotonKerr.js';
import { provenanceOf, type Provenance } from './provenance.js';
import { exactNessReference, meanFieldCurve, meanFieldQuenchEnd, N_REF, BIMODAL_FLUCTUATION } from './references.js';
import { column, type LoadedTask, type StudyData } from './studyData.js';
import { CURVE_DASHES, CURVE_WIDTH, curveColours, fmtLabel, fmtNum, rateUnit, REF, superscript, timeUnit, WIDTH_DOUBLE_IN, WIDTH_SINGLE_IN } from './style.js';

export interface LineStyle {
  stroke: string;
  dash: string;
  width: number;
}

export interface Line extends LineStyle {
  legend: string;
  points: [number, number][];
  /** Per point: draw it as a hollow marker (e.g. a gap the engine could not certify). */
  hollow?: boolean[];
  /**
   * Per point: only an upper bound is known (e.g. a gap below double precision's resolution): the point holds the
   * bound, drawn as ▽ off the curve (the curve breaks there).
   */
  bounds?: boolean[];
  markers?: boolean;
}

/** A horizontal reference: drawn when it fits the panel's range, otherwise named in a note (value and direction). */
export interface HRef extends LineStyle {
  legend: string;
  y: number;
  /** Short name for the off-scale note, e.g. "NESS (ε_{f})". */
  name: string;
}

export interface VRef extends LineStyle {
  x: number;
  legend?: string;
  /** Text at the top of the line, e.g. "(a)". */
  text?: string;
}

export interface Band {
  x1: number;
  x2: number;
  fill: string;
  opacity: number;
  legend: string;
}

export interface Panel {
  tag: string;
  title: string;
  xLabel: string;
  yLabel: string;
  xDomain: [number, number];
  yType: 'linear' | 'log';
  /** The quantity cannot be negative: the axis starts at 0 unless data go below it (by more than round-off). */
  nonNegative: boolean;
  lines: Line[];
  hrefs: HRef[];
  vrefs: VRef[];
  bands: Band[];
  inset?: Panel;
  /** Statements printed where off-scale notes go, e.g. why a reference is not drawn. */
  notes?: string[];
}

export interface LegendItem extends LineStyle {
  label: string;
  kind: 'line' | 'band' | 'dot' | 'bound' | 'text';
  opacity?: number;
}

export interface FigureSpec {
  name: string;
  title: string;
  widthIn: number;
  panelHeightIn: number;
  columns: number;
  panels: Panel[];
  legend: LegendItem[];
  provenance: Provenance;
}

/** Figures the engine knows, in the order they are written. */
export const FIGURE_NAMES = ['fig2', 'fig3', 'fig4', 'fig5', 'fig6', 'fig7', 'fig8', 'g-fig3', 'tp-ness', 'tp-gap', 'tp-quench'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

const QUENCH_Y: Record<string, { column: (t: LoadedTask) => number[]; label: (k: number) => string; title: string; nonNegative: boolean; eq: string }> = {
  fig4: { column: (t) => column(t, 'G'), label: () => 'G [nat]', title: 'Degree of non-Gaussianity G(ρ_t)', nonNegative: true, eq: 'Eq. 27' },
  fig5: {
    column: (t) => column(t, 'Phi').map((v) => v / Number(t.planned.info.params.N)),
    label: (k) => `Φ/N [nat·${rateUnit(k)}]`,
    title: 'Entropy flux per size Φ/N',
    nonNegative: true,
    eq: 'Eq. 22',
  },
  fig6: { column: (t) => column(t, 'Phi_q'), label: (k) => `Φ_{q} [nat·${rateUnit(k)}]`, title: 'Quantum entropy flux Φ_q', nonNegative: true, eq: 'Eq. 23' },
  fig7: { column: (t) => column(t, 'Pi_d'), label: (k) => `Π_{d} [nat·${rateUnit(k)}]`, title: 'Dissipative quantum entropy production Π_d', nonNegative: true, eq: 'Eq. 24' },
  fig8: { column: (t) => column(t, 'Pi_U'), label: (k) => `Π_{U} [nat·${rateUnit(k)}]`, title: 'Unitary entropy production Π_U', nonNegative: false, eq: 'Eq. 25' },
};

const TAGS = 'abcdefghijklmnopqrstuvwxyz';
const tag = (i: number) => `(${TAGS[i % 26]})`;
const same = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

/** ε_f with the seed's names where it is one of the special pumps (ε_c quoted by the seed, the fold ε+). */
function pumpName(eps: number, model: StudyData['model']): string {
  const w = bistableWindow(model);
  const paper = same(model.kappa, PAPER.kappa) && same(model.delta, PAPER.delta) && same(model.u, PAPER.u);
  if (paper && same(eps, EPS_C_SEED)) return `ε_{f} = ε_{c} = ${fmtNum(eps)}`;
  if (w && Math.abs(eps - w.epsPlus) < 1e-4) return `ε_{f} = ε_{+} = ${fmtNum(eps)}`;
  if (w && Math.abs(eps - w.epsMinus) < 1e-4) return `ε_{f} = ε_{−} = ${fmtNum(eps)}`;
  return `ε_{f} = ${fmtNum(eps)}`;
}

/** Colour (and beyond 12, dash) of the i-th of n curves. */
function curveStyle(i: number, n: number): LineStyle {
  return { stroke: curveColours(n)[i], dash: CURVE_DASHES[Math.floor(i / 12) % CURVE_DASHES.length], width: CURVE_WIDTH };
}

const byFigure = (data: StudyData, fig: string, kind: string) => data.done.filter((t) => t.planned.info.kind === kind && t.planned.info.figures.includes(fig));
const plannedCount = (data: StudyData, fig: string, kind: string) => data.planned.filter((t) => t.info.kind === kind && t.info.figures.includes(fig)).length;

function timeLabel(kappa: number) {
  return `t [${timeUnit(kappa)}]`;
}

function quenchFigure(data: StudyData, fig: keyof typeof QUENCH_Y): FigureSpec | null {
  const tasks = byFigure(data, fig, 'quench');
  if (tasks.length === 0) return null;
  const q = QUENCH_Y[fig];
  const { kappa } = data.model;
  const p = (t: LoadedTask) => t.planned.info.params as { N: number; epsInitial: number; epsFinal: number; tMax: number };
  const Ns = [...new Set(tasks.map((t) => p(t).N))].sort((a, b) => a - b);
  const groups = [...new Set(tasks.map((t) => `${p(t).epsInitial}|${p(t).epsFinal}`))]
    .map((k) => k.split('|').map(Number) as [number, number])
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const oneEpsI = new Set(groups.map((g) => g[0])).size === 1;
  const refNotes: string[] = [];
  const panels: Panel[] = groups.map(([epsI, epsF], gi) => {
    const inGroup = tasks.filter((t) => p(t).epsInitial === epsI && p(t).epsFinal === epsF);
    // The window the data cover (an `untilNess` quench stops before its cap).
    const tMax = Math.max(...inGroup.map((t) => column(t, 't').reduce((m, x) => Math.max(m, x), 0)));
    const lines: Line[] = Ns.flatMap((N, i) => {
      const t = inGroup.find((x) => p(x).N === N);
      if (!t) return [];
      const ts = column(t, 't'), ys = q.column(t);
      return [{ ...curveStyle(i, Ns.length), legend: `N = ${fmtNum(N)}`, points: ts.map((x, j) => [x, ys[j]] as [number, number]).filter(([, y]) => Number.isFinite(y)) }];
    });
    const hrefs: HRef[] = [];
    const notes: string[] = [];
    if (fig === 'fig5') {
      const f = exactNessReference(data.model, epsF), i0 = exactNessReference(data.model, epsI);
      hrefs.push({ ...REF.nessInitial, y: i0.Phi_over_N, legend: `exact NESS at ε_{i} (N = ${N_REF})`, name: 'NESS at ε_{i}' });
      // The mean-field state the quench reaches (Eq. 4 from the ε_i state), drawn where it is not the exact NESS
      // (within 1 %): the seed's red dash-dotted lines of Fig. 5(c, d).
      const mf = meanFieldQuenchEnd(data.model, epsI, epsF);
      if (Math.abs(2 * kappa * mf.n - f.Phi_over_N) > 0.01 * f.Phi_over_N)
        hrefs.push({ ...REF.meanField, y: 2 * kappa * mf.n, legend: 'mean field (Eq. 4) reached from ε_{i}', name: 'mean field' });
      hrefs.push({ ...REF.ness, y: f.Phi_over_N, legend: `exact NESS at ε_{f} (N = ${N_REF})`, name: 'NESS at ε_{f}' });
    } else if (fig === 'fig7') {
      const f = exactNessReference(data.model, epsF);
      // A two-peaked NESS (at ε_c) has no Gaussian Π_d worth drawing: the formula would print a large number of no
      // meaning (453 at N = 1000), so the panel says why there is no line instead.
      if (f.bimodal) notes.push('NESS at ε_{f} bimodal: no Gaussian Π_{d}');
      else hrefs.push({ ...REF.ness, y: f.Pi_d, legend: `NESS at ε_{f} (N = ${N_REF}, Gaussian Π_{d} of exact moments)`, name: 'NESS at ε_{f}' });
    }
    return {
      tag: tag(gi),
      title: oneEpsI ? pumpName(epsF, data.model) : `ε_{i} = ${fmtNum(epsI)} → ${pumpName(epsF, data.model).replace('ε_{f} = ', '')}`,
      xLabel: timeLabel(kappa),
      yLabel: q.label(kappa),
      xDomain: [0, tMax],
      yType: 'linear',
      nonNegative: q.nonNegative,
      lines,
      hrefs,
      vrefs: [],
      bands: [],
      notes,
    };
  });
  const legend: LegendItem[] = Ns.map((N, i) => ({ ...curveStyle(i, Ns.length), label: `N = ${fmtNum(N)}`, kind: 'line' as const }));
  const seen = new Set<string>();
  for (const pnl of panels)
    for (const h of pnl.hrefs)
      if (!seen.has(h.legend)) {
        seen.add(h.legend);
        legend.push({ stroke: h.stroke, dash: h.dash, width: h.width, label: h.legend, kind: 'line' });
      }
  if (fig === 'fig5') refNotes.push(`exact NESS (Drummond-Walls, seed Eq. 6) at N = ${N_REF} for eps_i and eps_f; mean-field steady state reached by Eq. 4 from the eps_i state (Phi/N = 2 kappa |alpha|^2), drawn where it differs from the exact NESS by more than 1%`);
  if (fig === 'fig7') refNotes.push(`NESS Pi_d at eps_f: Gaussian Pi_d = 2 kappa [n' - 1 + (n'+1)/((n'+1)^2 - |c|^2)] from the exact moments at N = ${N_REF} (n' = <da+da>, c = <da^2>); not drawn where that NESS is bimodal (<da+da>/N > ${BIMODAL_FLUCTUATION})`);
  const units = `hbar = 1; t in units of ${timeUnit(kappa)} and rates in units of ${rateUnit(kappa)} (kappa = ${kappa}); entropies in nats`;
  const cols = Math.min(3, panels.length);
  return {
    name: fig,
    title: `${q.title} after the quench, seed 000 ${fig.replace('fig', 'Fig. ')}`,
    widthIn: cols === 1 ? WIDTH_SINGLE_IN : WIDTH_DOUBLE_IN,
    panelHeightIn: 1.75,
    columns: cols,
    panels,
    legend,
    provenance: provenanceOf(data, fig, q.title, tasks, plannedCount(data, fig, 'quench'), units, refNotes),
  };
}

/** The model's parameters as a legend line (the seed's captions say "κ = 1/2, Δ = −2, u = 1"). */
function modelText(model: StudyData['model']): LegendItem {
  return { stroke: '#000000', dash: '', width: 0, label: `κ = ${fmtLabel(model.kappa)}, Δ = ${fmtLabel(model.delta)}, u = ${fmtLabel(model.u)}`, kind: 'text' };
}

function fig2(data: StudyData): FigureSpec | null {
  const tasks = byFigure(data, 'fig2', 'ness-sweep');
  if (tasks.length === 0) return null;
  const { model } = data;
  const Ns = [...new Set(tasks.map((t) => Number(t.planned.info.params.N)))].sort((a, b) => a - b);
  const w = bistableWindow(model);
  const dataMax = Math.max(...tasks.flatMap((t) => column(t, 'eps')));
  // Both folds inside the axis whatever Δ (ε+ can exceed the swept range, e.g. ε+ = 2.06 at Δ = −3).
  const xMax = Math.max(dataMax, w ? 1.1 * w.epsPlus : 0);
  const lines: Line[] = Ns.map((N, i) => {
    const t = tasks.find((x) => Number(x.planned.info.params.N) === N)!;
    const e = column(t, 'eps'), a = column(t, 'alpha_abs');
    return { ...curveStyle(i, Ns.length), legend: `exact NESS, N = ${fmtNum(N)}`, points: e.map((x, j) => [x, a[j]] as [number, number]).filter(([, y]) => Number.isFinite(y)) };
  });
  const mf = meanFieldCurve(model, xMax);
  for (const s of mf.stable) lines.push({ ...REF.meanField, legend: 'mean field, stable', points: s });
  for (const s of mf.unstable) lines.push({ ...REF.meanFieldUnstable, legend: 'mean field, unstable', points: s });
  // The quench pumps of the study (Sec. IV A): ε_i and the ε_f of panels (a)–(f) of Figs. 4–8.
  const quench = data.planned.filter((t) => t.info.kind === 'quench');
  const epsF = [...new Set(quench.map((t) => Number(t.info.params.epsFinal)))].sort((a, b) => a - b);
  const epsI = [...new Set(quench.map((t) => Number(t.info.params.epsInitial)))];
  const vrefs: VRef[] = [
    ...epsI.map((x) => ({ ...REF.marker, x, text: 'ε_{i}', legend: 'quench pumps ε_{i}, ε_{f} (a)–(f)' })),
    ...epsF.map((x, i) => ({ ...REF.marker, x, text: tag(i), legend: 'quench pumps ε_{i}, ε_{f} (a)–(f)' })),
  ];
  const ru = rateUnit(model.kappa);
  const panel: Panel = {
    tag: '',
    title: '',
    xLabel: `ε [${ru}]`,
    yLabel: '|α| = |⟨a⟩|/√N',
    xDomain: [0, xMax],
    yType: 'linear',
    nonNegative: true,
    lines,
    hrefs: [],
    vrefs,
    bands: w ? [{ x1: w.epsMinus, x2: w.epsPlus, fill: REF.bistable.fill, opacity: REF.bistable.opacity, legend: `bistable window [ε_{−}, ε_{+}] = [${fmtNum(w.epsMinus)}, ${fmtNum(w.epsPlus)}]` }] : [],
  };
  const legend: LegendItem[] = [
    modelText(model),
    ...Ns.map((N, i) => ({ ...curveStyle(i, Ns.length), label: `exact, N = ${fmtNum(N)}`, kind: 'line' as const })),
    { ...REF.meanField, label: 'mean field (stable)', kind: 'line' },
  ];
  if (mf.unstable.length) legend.push({ ...REF.meanFieldUnstable, label: 'mean field (unstable)', kind: 'line' });
  if (panel.bands.length) legend.push({ stroke: REF.bistable.fill, dash: '', width: 6, opacity: REF.bistable.opacity, label: '[ε_{−}, ε_{+}]', kind: 'band' });
  if (vrefs.length) legend.push({ ...REF.marker, label: 'quench pumps', kind: 'line' });
  return {
    name: 'fig2',
    title: 'NESS order parameter |<a>|/sqrt(N) against the pump, seed 000 Fig. 2',
    widthIn: WIDTH_SINGLE_IN,
    panelHeightIn: 2.3,
    columns: 1,
    panels: [panel],
    legend,
    provenance: provenanceOf(data, 'fig2', 'NESS order parameter against the pump', tasks, plannedCount(data, 'fig2', 'ness-sweep'), `hbar = 1; eps in units of ${ru} (kappa = ${model.kappa})`, [
      'mean-field steady states of seed Eq. 4 (stable and unstable branches), bistable window of Eq. 5',
    ]),
  };
}

function fig3(data: StudyData): FigureSpec | null {
  const tasks = byFigure(data, 'fig3', 'gap-sweep');
  if (tasks.length === 0) return null;
  const { model } = data;
  const Ns = [...new Set(tasks.map((t) => Number(t.planned.info.params.N)))].sort((a, b) => a - b);
  const w = bistableWindow(model);
  const epsAll = tasks.flatMap((t) => column(t, 'eps'));
  const lines: Line[] = Ns.map((N, i) => {
    const t = tasks.find((x) => Number(x.planned.info.params.N) === N)!;
    const e = column(t, 'eps'), g = column(t, 'gap'), c = column(t, 'converged');
    const keep = e.map((_, j) => Number.isFinite(g[j]) && g[j] > 0);
    return {
      ...curveStyle(i, Ns.length),
      legend: `N = ${fmtNum(N)}`,
      points: e.map((x, j) => [x, g[j]] as [number, number]).filter((_, j) => keep[j]),
      hollow: c.length ? c.filter((_, j) => keep[j]).map((v) => v === 0) : undefined,
      markers: true,
    };
  });
  const paper = same(model.kappa, PAPER.kappa) && same(model.delta, PAPER.delta) && same(model.u, PAPER.u);
  const ru = rateUnit(model.kappa);
  const vrefs: VRef[] = paper ? [{ ...REF.critical, x: EPS_C_SEED, text: 'ε_{c}', legend: `ε_{c} = ${EPS_C_SEED} (seed)` }] : [];
  const xs = [...epsAll, ...(w ? [w.epsMinus, w.epsPlus] : [])];
  const panel: Panel = {
    tag: '',
    title: '',
    xLabel: `ε [${ru}]`,
    yLabel: `λ = |Re ζ_{1}| [${ru}]`,
    xDomain: [Math.min(...xs), Math.max(...xs)],
    yType: 'log',
    nonNegative: true,
    lines,
    hrefs: [],
    vrefs,
    bands: w ? [{ x1: w.epsMinus, x2: w.epsPlus, fill: REF.bistable.fill, opacity: REF.bistable.opacity, legend: 'bistable window' }] : [],
  };
  const legend: LegendItem[] = [modelText(model), ...Ns.map((N, i) => ({ ...curveStyle(i, Ns.length), label: `N = ${fmtNum(N)}`, kind: 'line' as const }))];
  if (panel.bands.length) legend.push({ stroke: REF.bistable.fill, dash: '', width: 6, opacity: REF.bistable.opacity, label: '[ε_{−}, ε_{+}]', kind: 'band' });
  if (vrefs.length) legend.push({ ...REF.critical, label: `ε_{c} = ${EPS_C_SEED}`, kind: 'line' });
  if (lines.some((l) => l.hollow?.some(Boolean))) legend.push({ stroke: '#000', dash: '', width: 0.8, label: 'not converged (hollow)', kind: 'dot' });
  return {
    name: 'fig3',
    title: 'Liouvillian gap against the pump, seed 000 Fig. 3',
    widthIn: WIDTH_SINGLE_IN,
    panelHeightIn: 2.3,
    columns: 1,
    panels: [panel],
    legend,
    provenance: provenanceOf(data, 'fig3', 'Liouvillian gap against the pump', tasks, plannedCount(data, 'fig3', 'gap-sweep'), `hbar = 1; eps and lambda in units of ${ru} (kappa = ${model.kappa})`, [
      'bistable window of seed Eq. 5; eps_c = 0.933 as quoted by the seed (drawn for the paper parameters only)',
    ]),
  };
}

/** Power of ten that brings the largest |value| into [1, 1000) for the axis, e.g. Π_s in units of 10¹⁰ nat/s. */
function scaleOf(vals: number[]): number {
  const m = Math.max(...vals.filter(Number.isFinite).map(Math.abs));
  if (!(m > 0)) return 0;
  return 3 * Math.floor(Math.log10(m) / 3);
}

function gFig3(data: StudyData): FigureSpec | null {
  const parts: [string, string, string][] = [
    ['g-fig3a', 'cavity-om', 'cavity optomechanics'],
    ['g-fig3b', 'cavity-bec', 'cavity BEC'],
  ];
  const used: LoadedTask[] = [];
  let planned = 0;
  const panels: Panel[] = [];
  for (const [label, preset, name] of parts) {
    const t = data.done.find((x) => x.planned.info.kind === 'gaussian-sweep' && x.planned.info.figures.includes(label) && x.planned.info.params.preset === preset);
    planned += plannedCount(data, label, 'gaussian-sweep');
    if (!t) continue;
    used.push(t);
    const x = column(t, 'x'), pis = column(t, 'Pi_s'), mub = column(t, 'mu_b');
    const k = scaleOf(pis), km = scaleOf(mub);
    const unit = (e: number, u: string) => (e === 0 ? `[${u}]` : `[10${superscript(String(e))} ${u}]`);
    const xLabel = preset === 'cavity-om' ? 'g/κ_{a}' : '(g/g_{cr})²';
    const xDomain: [number, number] = [Math.min(...x), Math.max(...x)];
    panels.push({
      tag: `(${TAGS[panels.length]})`,
      title: name,
      xLabel,
      yLabel: `Π_{s} ${unit(k, 'nat/s')}`,
      xDomain,
      yType: 'linear',
      nonNegative: true,
      lines: [{ stroke: '#000000', dash: '', width: CURVE_WIDTH, legend: 'Π_{s} = μ_{a} + μ_{b}', points: x.map((v, j) => [v, pis[j] / 10 ** k] as [number, number]).filter(([, y]) => Number.isFinite(y)) }],
      hrefs: [],
      vrefs: [],
      bands: [],
      inset: {
        tag: '',
        title: '',
        xLabel,
        yLabel: `μ_{b} ${unit(km, 'nat/s')}`,
        xDomain,
        yType: 'linear',
        nonNegative: false,
        lines: [{ stroke: '#0072B2', dash: '', width: 0.9, legend: 'μ_{b}', points: x.map((v, j) => [v, mub[j] / 10 ** km] as [number, number]).filter(([, y]) => Number.isFinite(y)) }],
        hrefs: [],
        vrefs: [],
        bands: [],
      },
    });
  }
  if (panels.length === 0) return null;
  return {
    name: 'g-fig3',
    title: 'NESS entropy production Pi_s against the coupling, seed 004 Fig. 3 (insets: mu_b)',
    widthIn: panels.length === 1 ? WIDTH_SINGLE_IN : WIDTH_DOUBLE_IN,
    panelHeightIn: 2.4,
    columns: panels.length,
    panels,
    legend: [],
    provenance: provenanceOf(data, 'g-fig3', 'NESS entropy production against the coupling', used, planned, 'rates angular (s^-1); Pi_s, mu_a, mu_b in nats per second; g_cr is the threshold of the drift matrix A (README)', [
      'theory curves of the linear model (seed 004 Eq. 4) with the Table I parameters of the preset',
    ]),
  };
}

// ---- two-photon-driven Kerr model (issue 15, PHYSICS.md §5): the analogues of Figs. 2 and 3 against g/g_th ----

/** The two-photon model's parameters as a legend line. */
function twoPhotonModelText(data: StudyData): LegendItem {
  const m = data.model;
  const eta = m.eta0 ? `, η_{0} = ${fmtLabel(m.eta0)}` : '';
  return { stroke: '#000000', dash: '', width: 0, label: `κ = ${fmtLabel(m.kappa)}, Δ = ${fmtLabel(m.delta)}, u = ${fmtLabel(m.u)}${eta}, ε = 0, g_{th} = ${fmtLabel(twoPhotonThreshold(m))}`, kind: 'text' };
}

// no text on the line: the panel titles sit where it would go; the legend names it
const thresholdRef = (): VRef => ({ ...REF.critical, x: 1, legend: 'mean-field threshold g_{th} = √(κ² + Δ²)' });

/** Tasks of a two-photon figure at ε = 0 (a sweep at another ε is a different picture: left out of these panels). */
const twoPhotonTasks = (data: StudyData, fig: string, kind: string) => byFigure(data, fig, kind).filter((t) => t.planned.info.params.model === 'two-photon-kerr' && Number(t.planned.info.params.eps) === 0);

/** What the g-sweep figures share: their tasks, the model, g_th, the rate unit, the sizes and x = g/g_th per task. */
function twoPhotonSweep(data: StudyData, fig: string, kind: string) {
  const tasks = twoPhotonTasks(data, fig, kind);
  if (tasks.length === 0) return null;
  const m = data.model;
  const gth = twoPhotonThreshold(m);
  const Ns = [...new Set(tasks.map((t) => Number(t.planned.info.params.N)))].sort((a, b) => a - b);
  return { tasks, m, gth, ru: rateUnit(m.kappa), Ns, xOf: (t: LoadedTask) => column(t, 'g_tp').map((g) => g / gth) };
}

const TP_NESS_PANELS: { column: string; label: (ru: string) => string; title: string; nonNegative: boolean }[] = [
  { column: 'n_over_N', label: () => '⟨a†a⟩/N', title: 'photon number', nonNegative: true },
  { column: 'S_W', label: () => 'S_{W} [nat]', title: 'Wehrl entropy', nonNegative: false },
  { column: 'G', label: () => 'G [nat]', title: 'non-Gaussianity', nonNegative: true },
  { column: 'Pi_J', label: (ru) => `Π_{J} [nat·${ru}]`, title: 'loss (Π_{J} = Φ − Π_{U})', nonNegative: true },
  { column: 'Pi_d', label: (ru) => `Π_{d} [nat·${ru}]`, title: 'dissipative quantum', nonNegative: true },
  { column: 'Pi_U', label: (ru) => `Π_{U} [nat·${ru}]`, title: 'unitary (Kerr + two-photon)', nonNegative: false },
];

function tpNessFigure(data: StudyData): FigureSpec | null {
  const sweep = twoPhotonSweep(data, 'tp-ness', 'ness-sweep');
  if (!sweep) return null;
  const { tasks, m, gth, ru, Ns, xOf } = sweep;
  const xMax = Math.max(...tasks.flatMap(xOf));
  const entropy = tasks.some((t) => t.col.S_W !== undefined);
  const panels: Panel[] = (entropy ? TP_NESS_PANELS : TP_NESS_PANELS.slice(0, 1)).map((q, i) => {
    const lines: Line[] = Ns.flatMap((N, k) => {
      const t = tasks.find((x) => Number(x.planned.info.params.N) === N && x.col[q.column] !== undefined);
      if (!t) return [];
      const xs = xOf(t), ys = column(t, q.column);
      return [{ ...curveStyle(k, Ns.length), legend: `N = ${fmtNum(N)}`, points: xs.map((x, j) => [x, ys[j]] as [number, number]).filter(([, y]) => Number.isFinite(y)) }];
    });
    if (q.column === 'n_over_N') {
      // the stable mean-field branch: n = 0 below g_th, the pitchfork's n = (−Δ + √(g² − κ²))/u above (PHYSICS.md §5)
      const pts: [number, number][] = [];
      for (let j = 0; j <= 400; j++) {
        const g = (xMax * gth * j) / 400;
        const st = twoPhotonMeanFieldStates({ kappa: m.kappa, delta: m.delta, u: m.u, g, eps: 0 }).filter((s) => s.stable);
        if (st.length) pts.push([g / gth, Math.max(...st.map((s) => s.n))]);
      }
      lines.push({ ...REF.meanField, legend: 'mean field, stable', points: pts });
    }
    return { tag: tag(i), title: q.title, xLabel: 'g/g_{th}', yLabel: q.label(ru), xDomain: [0, xMax], yType: 'linear', nonNegative: q.nonNegative, lines, hrefs: [], vrefs: [thresholdRef()], bands: [] };
  });
  const legend: LegendItem[] = [
    twoPhotonModelText(data),
    ...Ns.map((N, i) => ({ ...curveStyle(i, Ns.length), label: `NESS (Fock), N = ${fmtNum(N)}`, kind: 'line' as const })),
    { ...REF.meanField, label: 'mean field (stable)', kind: 'line' },
    { ...REF.critical, label: 'g_{th}', kind: 'line' },
  ];
  const cols = Math.min(3, panels.length);
  return {
    name: 'tp-ness',
    title: 'Two-photon-driven Kerr resonator: NESS photon number and entropy production against g/g_th (continuous transition)',
    widthIn: cols === 1 ? WIDTH_SINGLE_IN : WIDTH_DOUBLE_IN,
    panelHeightIn: 1.75,
    columns: cols,
    panels,
    legend,
    provenance: provenanceOf(data, 'tp-ness', 'NESS of the two-photon-driven Kerr model against g/g_th', tasks, plannedCount(data, 'tp-ness', 'ness-sweep'), `hbar = 1; g and rates in units of ${ru} (kappa = ${m.kappa}); entropies in nats; g_th = sqrt(kappa^2 + Delta^2) = ${fmtNum(gth)}`, [
      'NESS by the Fock solve in the even parity sector (eps = 0); Pi_U = -Int Q[-i[H; rho]] ln Q summed over the Kerr and two-photon-drive terms; Pi_J; Pi_d; Phi of the one-photon loss (seed 000)',
      'mean field: alpha = 0 below g_th; n = (-Delta + sqrt(g^2 - kappa^2))/u on the stable pitchfork branches above (PHYSICS.md section 5)',
    ]),
  };
}

function tpGapFigure(data: StudyData): FigureSpec | null {
  const sweep = twoPhotonSweep(data, 'tp-gap', 'gap-sweep');
  if (!sweep) return null;
  const { tasks, m, gth, ru, Ns, xOf } = sweep;
  const xs = tasks.flatMap(xOf);
  const sectors: [string, string, string][] = [
    ['gap_odd', 'odd parity sector (⟨a⟩, Z_{2}-breaking)', 'λ_{odd}'],
    ['gap_even', 'even parity sector (the NESS)', 'λ_{even}'],
  ];
  const panels: Panel[] = sectors.map(([c, title, sym], i) => {
    const lines: Line[] = Ns.map((N, k) => {
      const t = tasks.find((x) => Number(x.planned.info.params.N) === N)!;
      const x = xOf(t), g = column(t, c), conv = column(t, 'converged'), gTp = column(t, 'g_tp');
      // A gap within 2× the engine's round-off floor (spectrumAbsTol: 20ε·max|L|, the K test's absolute tolerance) is
      // not resolved by double precision (at N = 40 the odd gap falls to ~1e-15): drawn as the bound it is, never as
      // a value on the curve; so are gaps that came out ≤ 0 (round-off), which a log axis would otherwise drop.
      const bound = gTp.map((gv) => gapResolution({ kappa: m.kappa, delta: m.delta, u: m.u, eta0: m.eta0 ?? 0, eps: 0, N, g: gv }));
      const below = g.map((v, j) => !(v > bound[j]));
      const idx = x.map((_, j) => j).filter((j) => Number.isFinite(g[j]));
      return {
        ...curveStyle(k, Ns.length),
        legend: `N = ${fmtNum(N)}`,
        points: idx.map((j) => [x[j], below[j] ? bound[j] : g[j]] as [number, number]),
        hollow: idx.map((j) => conv[j] === 0 && !below[j]),
        bounds: idx.map((j) => below[j]),
        markers: true,
      };
    });
    if (c === 'gap_odd') {
      // linearisation about α = 0 (PHYSICS.md §5): the slowest odd mode decays at κ − Re √(g² − Δ²), zero at g_th
      const pts: [number, number][] = [];
      for (let j = 0; j <= 200; j++) {
        const g = (Math.min(1, Math.max(...xs)) * gth * j) / 200;
        const l = m.kappa - (g > Math.abs(m.delta) ? Math.sqrt(g * g - m.delta * m.delta) : 0);
        if (l > 0 && g / gth < 0.999) pts.push([g / gth, l]);
      }
      lines.push({ ...REF.meanField, legend: 'linearised mean field about α = 0', points: pts });
    }
    return { tag: tag(i), title, xLabel: 'g/g_{th}', yLabel: `${sym} [${ru}]`, xDomain: [Math.min(...xs), Math.max(...xs)], yType: 'log', nonNegative: true, lines, hrefs: [], vrefs: [thresholdRef()], bands: [] };
  });
  const legend: LegendItem[] = [twoPhotonModelText(data), ...Ns.map((N, i) => ({ ...curveStyle(i, Ns.length), label: `N = ${fmtNum(N)}`, kind: 'line' as const }))];
  legend.push({ ...REF.meanField, label: 'κ − Re√(g² − Δ²) (linearised, α = 0)', kind: 'line' }, { ...REF.critical, label: 'g_{th}', kind: 'line' });
  if (panels.some((p) => p.lines.some((l) => l.hollow?.some(Boolean)))) legend.push({ stroke: '#000', dash: '', width: 0.8, label: 'not converged (hollow)', kind: 'dot' });
  if (panels.some((p) => p.lines.some((l) => l.bounds?.some(Boolean))))
    legend.push({ stroke: '#000', dash: '', width: 0.8, label: 'below double precision: λ ≲ 2 × 20ε·max|L| (drawn at that bound)', kind: 'bound' });
  return {
    name: 'tp-gap',
    title: 'Two-photon-driven Kerr resonator: Liouvillian gap of each parity sector against g/g_th (analogue of seed 000 Fig. 3)',
    widthIn: WIDTH_DOUBLE_IN,
    panelHeightIn: 2.3,
    columns: 2,
    panels,
    legend,
    provenance: provenanceOf(data, 'tp-gap', 'Liouvillian gap per parity sector against g/g_th', tasks, plannedCount(data, 'tp-gap', 'gap-sweep'), `hbar = 1; g and lambda in units of ${ru} (kappa = ${m.kappa}); g_th = sqrt(kappa^2 + Delta^2) = ${fmtNum(gth)}`, [
      'shift-invert Krylov-Schur per parity sector at eps = 0; K chosen by convergence of the slowest eigenvalue (hollow: not converged)',
      'gaps below 2 x 20 eps_mach max|L| (the round-off floor of the K test) are drawn as upper bounds at that value (triangles), off the curves',
      'linearised mean field about alpha = 0: slowest odd rate kappa - Re sqrt(g^2 - Delta^2) (PHYSICS.md section 5)',
    ]),
  };
}

/** Quenches of the two-photon model across its transition: ⟨a†a⟩/N, Π_d, Π_U against t, a column per g_f, a curve per N. */
function tpQuenchFigure(data: StudyData): FigureSpec | null {
  const tasks = byFigure(data, 'tp-quench', 'quench').filter((t) => t.planned.info.params.model === 'two-photon-kerr');
  if (tasks.length === 0) return null;
  const m = data.model;
  const gth = twoPhotonThreshold(m);
  const ru = rateUnit(m.kappa);
  const p = (t: LoadedTask) => t.planned.info.params as { N: number; gInitial: number; gFinal: number; eps: number };
  const Ns = [...new Set(tasks.map((t) => p(t).N))].sort((a, b) => a - b);
  const groups = [...new Set(tasks.map((t) => `${p(t).gInitial}|${p(t).gFinal}|${p(t).eps}`))]
    .map((k) => k.split('|').map(Number))
    .sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[2] - b[2]);
  const rows: { label: string; y: (t: LoadedTask) => number[]; nonNegative: boolean }[] = [
    { label: '⟨a†a⟩/N', y: (t) => column(t, 'n').map((v) => v / p(t).N), nonNegative: true },
    { label: `Π_{d} [nat·${ru}]`, y: (t) => column(t, 'Pi_d'), nonNegative: true },
    { label: `Π_{U} [nat·${ru}]`, y: (t) => column(t, 'Pi_U'), nonNegative: false },
  ];
  const panels: Panel[] = [];
  rows.forEach((q, ri) =>
    groups.forEach(([gI, gF, eps], gi) => {
      const inGroup = tasks.filter((t) => p(t).gInitial === gI && p(t).gFinal === gF && p(t).eps === eps);
      const tMax = Math.max(...inGroup.map((t) => column(t, 't').reduce((a, x) => Math.max(a, x), 0)));
      const lines: Line[] = Ns.flatMap((N, k) => {
        const t = inGroup.find((x) => p(x).N === N);
        if (!t) return [];
        const ts = column(t, 't'), ys = q.y(t);
        return [{ ...curveStyle(k, Ns.length), legend: `N = ${fmtNum(N)}`, points: ts.map((x, j) => [x, ys[j]] as [number, number]).filter(([, y]) => Number.isFinite(y)) }];
      });
      panels.push({
        tag: tag(ri * groups.length + gi),
        title: ri === 0 ? `g: ${fmtNum(gI / gth)} → ${fmtNum(gF / gth)} g_{th}${eps ? `, ε = ${fmtNum(eps)}` : ''}` : '',
        xLabel: timeLabel(m.kappa),
        yLabel: q.label,
        xDomain: [0, tMax],
        yType: 'linear',
        nonNegative: q.nonNegative,
        lines,
        hrefs: [],
        vrefs: [],
        bands: [],
      });
    }),
  );
  const legend: LegendItem[] = [twoPhotonModelText(data), ...Ns.map((N, i) => ({ ...curveStyle(i, Ns.length), label: `N = ${fmtNum(N)}`, kind: 'line' as const }))];
  const cols = Math.min(3, groups.length);
  return {
    name: 'tp-quench',
    title: 'Two-photon-driven Kerr resonator: quenches of g across the transition (photon number, Pi_d, Pi_U against t)',
    widthIn: cols === 1 ? WIDTH_SINGLE_IN : WIDTH_DOUBLE_IN,
    panelHeightIn: 1.6,
    columns: cols,
    panels,
    legend,
    provenance: provenanceOf(data, 'tp-quench', 'quenches of the two-photon pump g', tasks, plannedCount(data, 'tp-quench', 'quench'), `hbar = 1; t in units of ${timeUnit(m.kappa)}; g and rates in units of ${ru} (kappa = ${m.kappa}); entropies in nats; g_th = ${fmtNum(gth)}`, [
      'model-layer quench (src-core/model/quench.ts): start in the NESS at g_i; Taylor propagator in the even parity sector at eps = 0; Pi_U summed over the Kerr and two-photon-drive terms',
    ]),
  };
}

/** The figures a study can make, in FIGURE_NAMES order (those without finished data are left out). */
export function buildFigures(data: StudyData, only?: readonly string[]): FigureSpec[] {
  const want = (n: string) => !only || only.includes(n);
  const out: FigureSpec[] = [];
  for (const n of FIGURE_NAMES) {
    if (!want(n)) continue;
    const f =
      n === 'fig2' ? fig2(data) : n === 'fig3' ? fig3(data) : n === 'g-fig3' ? gFig3(data) : n === 'tp-ness' ? tpNessFigure(data) : n === 'tp-gap' ? tpGapFigure(data) : n === 'tp-quench' ? tpQuenchFigure(data) : quenchFigure(data, n);
    if (f) out.push(f);
  }
  return out;
}
