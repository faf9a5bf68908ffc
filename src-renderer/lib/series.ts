/**
 * Chart data from a study's state: the seed's Figs. 4–8 (observable against t, one curve per N, one panel per ε_f),
 * the |α| order parameter, and Fig. 3 (gap against ε, one curve per N). The same ChartData feeds the live uPlot chart,
 * the CSV export and the Observable Plot SVG/PNG export, so every view shows the same numbers.
 */
import { exactNess } from '../../src-core/kerr/exactSteadyState.js';
import { bistableWindow, meanFieldSteadyStates } from '../../src-core/kerr/meanField.js';
import { nessDensityMatrix } from '../../src-core/kerr/steadyState.js';
import { chooseK } from '../../src-core/kerr/truncation.js';
import { kerrObservables } from '../../src-core/phaseSpace/observables.js';
import { gapResolution } from '../../src-core/model/twoPhotonKerr.js';
import type { RunState, TaskRun } from './runState.js';

export interface Series {
  label: string;
  values: (number | null)[];
  /** Palette index for data curves; references are drawn in the foreground colour. */
  color?: number;
  /** Reference line (NESS, mean field): dashed, not one of the "one curve per N". */
  ref?: 'ness' | 'mf';
  /** Hollow points, no line: values the engine returned with converged = false (also drawn on their curve). */
  flagged?: boolean;
  /** Drawn as bars (a distribution over integers, e.g. P(n)). */
  bars?: boolean;
  /** Drawn as points without a line (measured data), with ±1σ bars when `errors` is given. */
  points?: boolean;
  errors?: (number | null)[];
  /** Which reference style (theme.ts REF_STYLES) a reference line takes; absent with `color`: its N's colour. */
  refStyle?: number;
}

export interface ChartData {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** Column name of x in the CSV (glossary name). */
  xKey: string;
  x: number[];
  series: Series[];
  /** Vertical markers (e.g. ε_i, ε_f in Fig. 2). */
  vlines?: { x: number; label: string }[];
  /** Log scale makes sense (strictly positive quantity). */
  logOk: boolean;
  /** Ids of the study tasks the chart is made of (exports read their provenance from the study folder). */
  tasks?: string[];
  /** Where the quantity comes from in the seeds (shown beside the title, not in it). */
  source?: string;
  /** Provenance of a chart made without a study (written into its CSV export instead of the Kerr form's values). */
  meta?: Record<string, string | number>;
}

/**
 * Units, as in the files (README "Units", src-main/io/quantities.ts): ħ = 1 and κ, Δ, u, ε and every rate are numbers
 * in one angular frequency ω₀, the unit κ is given in (the seed's κ = 1/2 means ω₀ = 2κ). Times are in 1/ω₀,
 * entropies in nat, entropy production and fluxes in nat·ω₀.
 */
export function timeUnit(_kappa: number): string {
  return '1/ω₀';
}

export const timeLabel = (kappa: number) => `t [${timeUnit(kappa)}]`;
export const RATE_UNITS = 'nat·ω₀';

export interface Observable {
  key: string;
  title: string;
  source?: string;
  yLabel: string;
  figure: string;
  value(row: Record<string, number>, N: number): number | undefined;
  logOk: boolean;
  /** Reference values in the thermodynamic limit (exact NESS at large N, mean field) at pump ε. */
  ness?(p: ModelP, eps: number): number;
  /** The exact NESS value at ε_f for each curve's own N (drawn dashed in the curve's colour). */
  nessAtN?(p: ModelP, eps: number, N: number): number;
  mf?(p: ModelP, eps: number): number[];
}

interface ModelP {
  kappa: number;
  delta: number;
  u: number;
}

/** "Thermodynamic limit" of the exact NESS lines in Figs. 5 and 7: N large enough that the curve no longer moves. */
const N_LIMIT = 1000;

export const OBSERVABLES: readonly Observable[] = [
  { key: 'G', title: 'Non-Gaussianity G', source: 'seed 000 Eq. 27, Fig. 4', yLabel: 'G [nat]', figure: 'fig4', value: (r) => r.G, logOk: true },
  {
    key: 'Phi_over_N',
    title: 'Entropy flux per size Φ/N',
    source: 'seed 000 Eq. 22, Fig. 5',
    yLabel: `Φ/N [${RATE_UNITS}]`,
    figure: 'fig5',
    value: (r, N) => (r.Phi === undefined ? undefined : r.Phi / N),
    logOk: true,
    // Φ/N = 2κ<a†a>/N (Eq. 22); mean field: 2κ|α|² on each stable branch.
    ness: (p, eps) => (2 * p.kappa * exactNess({ ...p, eps, N: N_LIMIT }).n) / N_LIMIT,
    mf: (p, eps) => meanFieldSteadyStates({ ...p, eps }).filter((s) => s.stable).map((s) => 2 * p.kappa * s.n),
  },
  {
    key: 'Phi_q',
    title: 'Quantum entropy flux Φ_q',
    source: 'seed 000 Eq. 23, Fig. 6',
    yLabel: `Φ_q [${RATE_UNITS}]`,
    figure: 'fig6',
    value: (r) => r.Phi_q,
    logOk: true,
    // Φ_q = 2κ(<a†a> − |<a>|²) of the exact NESS (Eqs. 6, 23) at each N: where every curve relaxes to. It is not
    // intensive, so the seed's thermodynamic-limit line has no analogue here.
    nessAtN: (p, eps, N) => {
      const e = exactNess({ ...p, eps, N });
      return 2 * p.kappa * (e.n - (e.a_re * e.a_re + e.a_im * e.a_im));
    },
  },
  {
    key: 'Pi_d',
    title: 'Dissipative entropy production Π_d',
    source: 'seed 000 Eq. 24, Fig. 7',
    yLabel: `Π_d [${RATE_UNITS}]`,
    figure: 'fig7',
    value: (r) => r.Pi_d,
    logOk: true,
    // Π_d of the Fock-space NESS at ε_f for each N (where every curve relaxes to); no closed form, so one NESS solve
    // per (model, ε_f, N), cached.
    nessAtN: (p, eps, N) => nessPiD({ ...p, eps, N }),
  },
  { key: 'Pi_U', title: 'Unitary entropy production Π_U', source: 'seed 000 Eq. 25, Fig. 8', yLabel: `Π_U [${RATE_UNITS}]`, figure: 'fig8', value: (r) => r.Pi_U, logOk: false },
  { key: 'S_W', title: 'Wehrl entropy S_W', source: 'seed 000 Eq. 10', yLabel: 'S_W [nat]', figure: 'sw', value: (r) => r.S_W, logOk: false },
  {
    key: 'alpha_abs',
    title: 'Order parameter |α| = |<a>|/√N',
    source: 'seed 000 Sec. II B',
    yLabel: '|α| [dimensionless]',
    figure: 'alpha',
    value: (r) => r.alpha_abs ?? (r.a_re === undefined ? undefined : Math.hypot(r.a_re, r.a_im)),
    logOk: false,
    ness: (p, eps) => exactNess({ ...p, eps, N: N_LIMIT }).alpha_abs,
    mf: (p, eps) => meanFieldSteadyStates({ ...p, eps }).filter((s) => s.stable).map((s) => Math.sqrt(s.n)),
  },
];

const piDCache = new Map<string, number>();

/** Π_d of the NESS (Fock-space solve in the engine's truncation), memoised: charts are rebuilt on every update. */
function nessPiD(p: { kappa: number; delta: number; u: number; eps: number; N: number }): number {
  const key = JSON.stringify(p);
  let v = piDCache.get(key);
  if (v === undefined) {
    try {
      const K = chooseK({ kappa: p.kappa, delta: p.delta, u: p.u, N: p.N }, [p.eps]).K;
      v = kerrObservables(nessDensityMatrix(p, K), p).Pi_d;
    } catch {
      v = NaN;
    }
    if (piDCache.size > 500) piDCache.clear();
    piDCache.set(key, v);
  }
  return v;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export interface QuenchGroup {
  /** Kerr quenches ε_i → ε_f (seed 000), or the two-photon model's g_i → g_f at a fixed ε (no Kerr references). */
  twoPhoton: boolean;
  epsFinal: number;
  epsInitial: number;
  /** The panel's name: "ε_f = 1.1", or "g: 0.25 → 0.75" (", ε = 0.2" when ε ≠ 0) for the two-photon model. */
  label: string;
  /** Part of the chart ids: "epsf1.1", or "gi0.25-gf0.75" (+ "-eps0.2"). */
  slug: string;
  model: ModelP;
  dt: number;
  tasks: TaskRun[];
}

const isTwoPhoton = (t: TaskRun) => t.info.params.model === 'two-photon-kerr';

/**
 * Quench tasks grouped by ε_f (the panels (a)–(f) of Figs. 4–8), each sorted by N; the two-photon model's quenches
 * (a study of the study editor) by (g_i, g_f, ε), after the Kerr ones.
 */
export function quenchGroups(s: RunState): QuenchGroup[] {
  const by = new Map<string, QuenchGroup>();
  for (const id of s.order) {
    const t = s.tasks[id];
    if (t.info.kind !== 'quench') continue;
    const p = t.info.params;
    const tp = isTwoPhoton(t);
    const model = { kappa: num(p.kappa) ?? 0.5, delta: num(p.delta) ?? -2, u: num(p.u) ?? 1 };
    let head: Pick<QuenchGroup, 'epsFinal' | 'epsInitial' | 'label' | 'slug'>;
    if (tp) {
      const gI = num(p.gInitial) ?? NaN, gF = num(p.gFinal) ?? NaN, eps = num(p.eps) ?? 0;
      const e = eps !== 0 ? `, ε = ${fmt(eps)}` : '';
      head = { epsFinal: gF, epsInitial: gI, label: `g: ${fmt(gI)} → ${fmt(gF)}${e}`, slug: `gi${fmt(gI)}-gf${fmt(gF)}${eps !== 0 ? `-eps${fmt(eps)}` : ''}` };
    } else {
      const epsFinal = num(p.epsFinal) ?? NaN;
      head = { epsFinal, epsInitial: num(p.epsInitial) ?? NaN, label: `ε_f = ${fmt(epsFinal)}`, slug: `epsf${fmt(epsFinal)}` };
    }
    const key = `${tp}|${head.slug}|${num(p.tMax)}|${num(p.dt)}`;
    let g = by.get(key);
    if (!g) {
      g = { twoPhoton: tp, ...head, model, dt: num(p.dt) ?? 0.2, tasks: [] };
      by.set(key, g);
    }
    g.tasks.push(t);
  }
  const out = [...by.values()];
  for (const g of out) g.tasks.sort((a, b) => (num(a.info.params.N) ?? 0) - (num(b.info.params.N) ?? 0));
  return out.sort((a, b) => Number(a.twoPhoton) - Number(b.twoPhoton) || a.epsFinal - b.epsFinal || a.epsInitial - b.epsInitial);
}

const fmt = (x: number) => String(+x.toPrecision(6));

/** One chart: observable against t for every N of a group, plus its reference lines. */
export function quenchChart(g: QuenchGroup, o: Observable): ChartData {
  const len = Math.max(0, ...g.tasks.map((t) => t.rows.length));
  const x: number[] = new Array(len);
  for (let k = 0; k < len; k++) {
    let t: number | undefined;
    for (const task of g.tasks) if (task.rows[k]) t ??= task.rows[k].t;
    x[k] = t ?? k * g.dt;
  }
  const series: Series[] = g.tasks.map((task, i) => {
    const N = num(task.info.params.N) ?? 1;
    const values = new Array<number | null>(len).fill(null);
    for (let k = 0; k < task.rows.length; k++) {
      const r = task.rows[k];
      const v = r ? o.value(r, N) : undefined;
      values[k] = v === undefined || !Number.isFinite(v) ? null : v;
    }
    return { label: `N=${fmt(N)}`, values, color: i };
  });
  // The NESS and mean-field references are the Kerr model's (seed 000): none for the two-photon model's quenches.
  if (len > 0 && !g.twoPhoton) {
    const flat = (y: number) => new Array<number | null>(len).fill(y);
    if (o.ness) {
      series.push({ label: `NESS ε_i=${fmt(g.epsInitial)}, N=${N_LIMIT}`, values: flat(o.ness(g.model, g.epsInitial)), ref: 'ness', refStyle: 1 });
      series.push({ label: `NESS ε_f=${fmt(g.epsFinal)}, N=${N_LIMIT}`, values: flat(o.ness(g.model, g.epsFinal)), ref: 'ness', refStyle: 0 });
    }
    if (o.nessAtN)
      g.tasks.forEach((task, i) => {
        const N = num(task.info.params.N) ?? 1;
        const y = o.nessAtN!(g.model, g.epsFinal, N);
        if (Number.isFinite(y)) series.push({ label: `NESS ε_f, N=${fmt(N)}`, values: flat(y), ref: 'ness', color: i });
      });
    if (o.mf) {
      const ys = o.mf(g.model, g.epsFinal);
      ys.forEach((y, i) =>
        series.push({ label: ys.length > 1 ? `mean field ε_f (${i === 0 ? 'dark' : 'bright'} branch)` : 'mean field ε_f', values: flat(y), ref: 'mf', refStyle: 2 + i }),
      );
    }
  }
  return {
    id: `${o.key}-${g.twoPhoton ? 'tp-' : ''}${g.slug}`,
    title: g.twoPhoton ? `${o.title}, two-photon model, ${g.label}` : `${o.title}, ${g.label}`,
    source: g.twoPhoton ? 'two-photon-driven Kerr model (PHYSICS.md §5)' : o.source,
    xLabel: timeLabel(g.model.kappa),
    xKey: 't',
    yLabel: o.yLabel,
    x,
    series,
    logOk: o.logOk,
    tasks: g.tasks.map((t) => t.info.id),
  };
}

/** Fig. 3: Liouvillian gap λ against ε, one curve per N (gap-sweep tasks). */
export function gapChart(s: RunState): ChartData | undefined {
  const tasks = s.order.map((id) => s.tasks[id]).filter((t) => t.info.kind === 'gap-sweep' && !isTwoPhoton(t));
  if (tasks.length === 0) return undefined;
  const c = sweepChart(tasks, 'gap', 'Liouvillian gap λ against ε', 'λ [ω₀]', true);
  c.source = 'seed 000 Sec. II D, Fig. 3';
  // points the engine could not certify (eigenvalues not converged in K, or Arnoldi): marked, never silently a curve
  const bad = new Array<number | null>(c.x.length).fill(null);
  let nBad = 0;
  const index = new Map(c.x.map((v, i) => [v, i]));
  for (const t of tasks)
    for (const r of t.rows)
      if (r && r.converged === 0 && index.has(r.eps) && Number.isFinite(r.gap)) {
        bad[index.get(r.eps)!] = r.gap;
        nBad++;
      }
  if (nBad > 0) {
    c.series.push({ label: `not converged (${nBad})`, values: bad, flagged: true });
    c.title += `: ${nBad} point${nBad > 1 ? 's' : ''} not converged (hollow)`;
  }
  return c;
}

/** Fig. 2 from a study's NESS sweeps: |<a>|/√N against ε. */
export function nessChart(s: RunState): ChartData | undefined {
  const tasks = s.order.map((id) => s.tasks[id]).filter((t) => t.info.kind === 'ness-sweep' && !isTwoPhoton(t));
  if (tasks.length === 0) return undefined;
  const c = sweepChart(tasks, 'alpha_abs', 'Exact NESS |<a>|/√N against ε', '|α| [dimensionless]', false);
  c.source = 'seed 000 Eq. 6, Fig. 2';
  return c;
}

/**
 * The two-photon model's sweeps against its pump g (studies built in the study editor): the gap of each parity sector
 * (or the whole gap at ε ≠ 0) on a log axis, a gap below double precision's resolution (gapResolution) off its curve as
 * a hollow point at that bound, a non-converged one hollow as well; ⟨a†a⟩/N of the NESS sweeps, and with the entropy
 * columns S_W, G, Π_d and Π_U. One curve per N.
 */
export function twoPhotonSweepCharts(s: RunState): ChartData[] {
  const all = s.order.map((id) => s.tasks[id]).filter(isTwoPhoton);
  const out: ChartData[] = [];
  const gaps = all.filter((t) => t.info.kind === 'gap-sweep');
  const sectors: [string, string, string][] = gaps.some((t) => t.rows.some((r) => r && r.gap_odd !== undefined))
    ? [['gap_odd', 'Liouvillian gap of the odd parity sector (⟨a⟩, Z₂-breaking)', 'λ_odd'], ['gap_even', 'Liouvillian gap of the even parity sector (the NESS)', 'λ_even']]
    : [['gap', 'Liouvillian gap', 'λ']];
  // The resolution of every row, once for all sector charts (charts are rebuilt on each update, on the UI thread).
  const bounds = new Map(
    gaps.map((t) => {
      const p = t.info.params;
      const base = { kappa: num(p.kappa) ?? 0.5, delta: num(p.delta) ?? 0, u: num(p.u) ?? 1, eta0: num(p.eta0) ?? 0, eps: num(p.eps) ?? 0, N: num(p.N) ?? 1 };
      return [t, t.rows.map((r) => (r ? gapResolution({ ...base, g: r.g_tp }) : NaN))] as const;
    }),
  );
  if (gaps.length)
    for (const [key, title, sym] of sectors) {
      const c = sweepChart(gaps, key, `${title} against g, two-photon model`, `${sym} [ω₀]`, true, 'g_tp', 'g [ω₀]');
      const index = new Map(c.x.map((v, i) => [v, i]));
      let nBound = 0, nBad = 0;
      const flagged: Series[] = [];
      gaps.forEach((t, i) => {
        const rowBound = bounds.get(t)!;
        // per N: its own bounds (they depend on N) and its non-converged points, hollow in the N's colour
        const bound = new Array<number | null>(c.x.length).fill(null), bad = new Array<number | null>(c.x.length).fill(null);
        let b0 = 0, b1 = 0;
        t.rows.forEach((r, k) => {
          if (!r || !index.has(r.g_tp)) return;
          const j = index.get(r.g_tp)!;
          const b = rowBound[k];
          if (!(r[key] > b)) {
            // round-off, not a gap: off the curve, shown as the bound
            c.series[i].values[j] = null;
            bound[j] = b;
            b0++;
          } else if (r.converged === 0) {
            bad[j] = r[key];
            b1++;
          }
        });
        const who = c.series[i].label;
        if (b0) flagged.push({ label: `${who}: below double precision (≲ 2 × 20ε·max|L|, drawn at that bound): ${b0}`, values: bound, flagged: true, color: i });
        if (b1) flagged.push({ label: `${who}: not converged (${b1})`, values: bad, flagged: true, color: i });
        nBound += b0;
        nBad += b1;
      });
      c.series.push(...flagged);
      if (nBound) c.title += `: ${nBound} point${nBound > 1 ? 's' : ''} below double precision (hollow, at the bound)`;
      if (nBad) c.title += `: ${nBad} point${nBad > 1 ? 's' : ''} not converged (hollow)`;
      c.id = `tp-${key}-sweep`;
      c.source = 'two-photon-driven Kerr model (PHYSICS.md §5); g_th = √(κ² + Δ²)';
      out.push(c);
    }
  const ness = all.filter((t) => t.info.kind === 'ness-sweep');
  for (const [key, title, yLabel, logOk] of [
    ['n_over_N', 'NESS photon number per size ⟨a†a⟩/N', '⟨a†a⟩/N [photon]', false],
    ['S_W', 'NESS Wehrl entropy S_W', 'S_W [nat]', false],
    ['G', 'NESS non-Gaussianity G', 'G [nat]', true],
    ['Pi_d', 'NESS dissipative entropy production Π_d', `Π_d [${RATE_UNITS}]`, true],
    ['Pi_U', 'NESS unitary entropy production Π_U', `Π_U [${RATE_UNITS}]`, false],
  ] as const) {
    const with_ = ness.filter((t) => t.rows.some((r) => r && r[key] !== undefined));
    if (!with_.length) continue;
    const c = sweepChart(with_, key, `${title} against g, two-photon model`, yLabel, logOk, 'g_tp', 'g [ω₀]');
    c.id = `tp-${key}-sweep`;
    c.source = 'two-photon-driven Kerr model (PHYSICS.md §5)';
    out.push(c);
  }
  return out;
}

/** Seed 004 Fig. 3 from gaussian-sweep tasks: Π_s (Eq. 4) and μ_b against the preset's sweep axis. */
export function gaussianCharts(s: RunState): ChartData[] {
  const tasks = s.order.map((id) => s.tasks[id]).filter((t) => t.info.kind === 'gaussian-sweep');
  const out: ChartData[] = [];
  for (const t of tasks) {
    // The task's params carry the preset at the top level (spec.ts spreads `fixed` into them); older folders nest it.
    const fixed = (t.info.params.fixed ?? {}) as Record<string, unknown>;
    const preset = String(t.info.params.preset ?? fixed.preset ?? t.info.label);
    const xLabel = preset === 'cavity-bec' ? '(g/g_cr)² [dimensionless]' : 'g/κ_a [dimensionless]';
    for (const [key, sym, name, source] of [
      ['Pi_s', 'Π_s', 'Entropy production Π_s', 'seed 004 Eq. 4, Fig. 3'],
      ['mu_b', 'μ_b', 'Entropy flow μ_b to the bath of b', 'seed 004 Eq. 4, Fig. 3 inset'],
    ] as const) {
      const c = sweepChart([t], key, `${name}, ${preset}`, sym, key === 'Pi_s', 'x', xLabel);
      // Rates of ~10⁶ s⁻¹: a power of ten into the unit keeps the tick labels short (and unclipped).
      const sc = powerOfTen(c.series.flatMap((se) => se.values));
      c.yLabel = `${sym} [${sc.label}nat/s]`;
      c.series = c.series.map((se) => ({ ...se, label: preset, values: se.values.map((v) => (v === null ? null : v / sc.factor)) }));
      c.source = source;
      c.id = `${key}-${preset}`.replace(/[^\w.-]+/g, '_');
      out.push(c);
    }
  }
  return out;
}

const SUP: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/**
 * A power of ten (a multiple of 3) for the unit when |values| reach 10⁴ or stay below 10⁻³, so that tick labels stay
 * at most four digits: "Π_s [10⁶ nat/s]" with ticks 0…2 instead of 0…2,000,000.
 */
export function powerOfTen(values: (number | null)[]): { factor: number; label: string } {
  let m = 0;
  for (const v of values) if (v !== null && Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  if (m === 0 || (m < 1e4 && m >= 1e-3)) return { factor: 1, label: '' };
  const e = 3 * Math.floor(Math.log10(m) / 3);
  return { factor: 10 ** e, label: `10${[...String(e)].map((c) => SUP[c]).join('')} ` };
}

function sweepChart(tasks: TaskRun[], key: string, title: string, yLabel: string, logOk: boolean, xKey = 'eps', xLabel = 'ε [ω₀]'): ChartData {
  const xs = new Set<number>();
  for (const t of tasks) for (const r of t.rows) if (r && Number.isFinite(r[xKey])) xs.add(r[xKey]);
  const x = [...xs].sort((a, b) => a - b);
  const index = new Map(x.map((v, i) => [v, i]));
  const series = tasks.map((t, i) => {
    const values = new Array<number | null>(x.length).fill(null);
    for (const r of t.rows) if (r && index.has(r[xKey]) && Number.isFinite(r[key])) values[index.get(r[xKey])!] = r[key];
    const N = num(t.info.params.N) ?? num((t.info.params.fixed as Record<string, unknown> | undefined)?.N) ?? num(t.rows.find(Boolean)?.N);
    return { label: N === undefined ? t.info.label : `N=${fmt(N)}`, values, color: i };
  });
  return { id: `${key}-sweep`, title, xLabel, xKey, yLabel, x, series, logOk, tasks: tasks.map((t) => t.info.id) };
}

/**
 * The instant Fig. 2 view (no pool): mean-field |α| = √n on the stable branches and the unstable one (Eq. 5), and the
 * exact |<a>|/√N of the Drummond–Walls NESS (Eq. 6) for each chosen N, with ε_i and ε_f marked.
 */
export function fig2Chart(p: ModelP, Ns: number[], epsInitial: number, epsFinal: number[], epsMax = 1.5, points = 301): ChartData {
  const x = Array.from({ length: points }, (_, i) => (epsMax * i) / (points - 1));
  const lower = new Array<number | null>(points).fill(null);
  const upper = new Array<number | null>(points).fill(null);
  const middle = new Array<number | null>(points).fill(null);
  const w = bistableWindow(p);
  x.forEach((eps, i) => {
    const st = meanFieldSteadyStates({ ...p, eps });
    if (st.length === 1) {
      // One root: the dark branch below the bistable window, the bright one above it (Eq. 5).
      const a = Math.sqrt(st[0].n);
      if (w && eps > w.epsPlus) upper[i] = a;
      else lower[i] = a;
    } else {
      const sorted = [...st].sort((a, b) => a.n - b.n);
      lower[i] = sorted[0].stable ? Math.sqrt(sorted[0].n) : null;
      const mid = sorted.find((s) => !s.stable);
      middle[i] = mid ? Math.sqrt(mid.n) : null;
      const top = sorted[sorted.length - 1];
      upper[i] = top.stable ? Math.sqrt(top.n) : null;
    }
  });
  const series: Series[] = [
    { label: 'mean field, stable (dark)', values: lower, ref: 'mf', refStyle: 2 },
    { label: 'mean field, stable (bright)', values: upper, ref: 'mf', refStyle: 3 },
    { label: 'mean field, unstable', values: middle, ref: 'ness', refStyle: 4 },
  ];
  Ns.forEach((N, i) => series.push({ label: `exact N=${fmt(N)}`, values: x.map((eps) => exactNess({ ...p, eps, N }).alpha_abs), color: i }));
  return {
    id: 'fig2',
    title: 'NESS order parameter |<a>|/√N against ε',
    source: 'seed 000 Eqs. 5–6, Fig. 2',
    xLabel: `ε [ω₀; κ = ${fmt(p.kappa)} ω₀]`,
    xKey: 'eps',
    yLabel: '|α| [dimensionless]',
    x,
    series,
    vlines: [{ x: epsInitial, label: 'ε_i' }, ...epsFinal.map((e, i) => ({ x: e, label: epsFinal.length > 1 ? `ε_f${i + 1}` : 'ε_f' }))],
    logOk: false,
  };
}

/**
 * The y extent a chart shows: the data curves and every reference line (NESS, mean field), so that a reference in the
 * legend is always on the axes. Undefined before any data.
 */
export function yExtent(c: ChartData): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  let data = false;
  for (const s of c.series)
    for (const v of s.values)
      if (v !== null && Number.isFinite(v)) {
        if (!s.ref) data = true;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
  if (!data || !(lo <= hi)) return undefined;
  return [lo, hi];
}

/**
 * The x range of the instant Fig. 2: from 0 past both folds ε− and ε+ of the bistable window (whatever Δ), ε_i and
 * every ε_f, with 20 % room.
 */
export function fig2Range(p: ModelP, epsInitial: number, epsFinal: number[]): number {
  const w = bistableWindow(p);
  return Math.max(1.5, 1.2 * epsInitial, ...epsFinal.map((e) => 1.2 * e), w ? 1.2 * w.epsPlus : 0);
}

/** CSV table of a chart: x then one column per series, named after the y label and the series label. */
export function chartTable(c: ChartData): { columns: string[]; rows: (number | null)[][] } {
  // The symbol without its unit (the unit is in the axis label, not in every column name).
  const sym = c.yLabel.replace(/\s*\[[^\]]*\]$/, '');
  const columns = [c.xKey, ...c.series.map((s) => `${sym} [${s.label}]`)];
  const rows = c.x.map((x, k) => [x, ...c.series.map((s) => s.values[k] ?? null)]);
  return { columns, rows };
}
