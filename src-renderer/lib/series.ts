/**
 * Chart data from a study's state: the seed's Figs. 4–8 (observable against t, one curve per N, one panel per ε_f),
 * the |α| order parameter, and Fig. 3 (gap against ε, one curve per N). The same ChartData feeds the live uPlot chart,
 * the CSV export and the Observable Plot SVG/PNG export, so every view shows the same numbers.
 */
import { exactNess } from '../../src-core/kerr/exactSteadyState.js';
import { bistableWindow, meanFieldSteadyStates } from '../../src-core/kerr/meanField.js';
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
}

export interface Observable {
  key: string;
  title: string;
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
  { key: 'G', title: 'Non-Gaussianity G (Eq. 27, Fig. 4)', yLabel: 'G', figure: 'fig4', value: (r) => r.G, logOk: true },
  {
    key: 'Phi_over_N',
    title: 'Entropy flux Φ/N (Eq. 22, Fig. 5)',
    yLabel: 'Φ/N',
    figure: 'fig5',
    value: (r, N) => (r.Phi === undefined ? undefined : r.Phi / N),
    logOk: true,
    // Φ/N = 2κ<a†a>/N (Eq. 22); mean field: 2κ|α|² on each stable branch.
    ness: (p, eps) => (2 * p.kappa * exactNess({ ...p, eps, N: N_LIMIT }).n) / N_LIMIT,
    mf: (p, eps) => meanFieldSteadyStates({ ...p, eps }).filter((s) => s.stable).map((s) => 2 * p.kappa * s.n),
  },
  {
    key: 'Phi_q',
    title: 'Quantum entropy flux Φ_q (Eq. 23, Fig. 6)',
    yLabel: 'Φ_q',
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
  { key: 'Pi_d', title: 'Dissipative entropy production Π_d (Eq. 24, Fig. 7)', yLabel: 'Π_d', figure: 'fig7', value: (r) => r.Pi_d, logOk: true },
  { key: 'Pi_U', title: 'Unitary entropy production Π_U (Eq. 25, Fig. 8)', yLabel: 'Π_U', figure: 'fig8', value: (r) => r.Pi_U, logOk: false },
  { key: 'S_W', title: 'Wehrl entropy S_W (Eq. 10)', yLabel: 'S_W', figure: 'sw', value: (r) => r.S_W, logOk: false },
  {
    key: 'alpha_abs',
    title: 'Order parameter |α| = |<a>|/√N',
    yLabel: '|α|',
    figure: 'alpha',
    value: (r) => r.alpha_abs ?? (r.a_re === undefined ? undefined : Math.hypot(r.a_re, r.a_im)),
    logOk: false,
    ness: (p, eps) => exactNess({ ...p, eps, N: N_LIMIT }).alpha_abs,
    mf: (p, eps) => meanFieldSteadyStates({ ...p, eps }).filter((s) => s.stable).map((s) => Math.sqrt(s.n)),
  },
];

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export interface QuenchGroup {
  epsFinal: number;
  epsInitial: number;
  model: ModelP;
  dt: number;
  tasks: TaskRun[];
}

/** Quench tasks grouped by ε_f (the panels (a)–(f) of Figs. 4–8), each sorted by N. */
export function quenchGroups(s: RunState): QuenchGroup[] {
  const by = new Map<string, QuenchGroup>();
  for (const id of s.order) {
    const t = s.tasks[id];
    if (t.info.kind !== 'quench') continue;
    const p = t.info.params;
    const epsFinal = num(p.epsFinal) ?? NaN;
    const key = `${epsFinal}|${num(p.tMax)}|${num(p.dt)}`;
    let g = by.get(key);
    if (!g) {
      g = {
        epsFinal,
        epsInitial: num(p.epsInitial) ?? NaN,
        model: { kappa: num(p.kappa) ?? 0.5, delta: num(p.delta) ?? -2, u: num(p.u) ?? 1 },
        dt: num(p.dt) ?? 0.2,
        tasks: [],
      };
      by.set(key, g);
    }
    g.tasks.push(t);
  }
  const out = [...by.values()];
  for (const g of out) g.tasks.sort((a, b) => (num(a.info.params.N) ?? 0) - (num(b.info.params.N) ?? 0));
  return out.sort((a, b) => a.epsFinal - b.epsFinal);
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
  if (len > 0) {
    const flat = (y: number) => new Array<number | null>(len).fill(y);
    if (o.ness) {
      series.push({ label: `NESS ε_i=${fmt(g.epsInitial)}`, values: flat(o.ness(g.model, g.epsInitial)), ref: 'ness' });
      series.push({ label: `NESS ε_f=${fmt(g.epsFinal)}`, values: flat(o.ness(g.model, g.epsFinal)), ref: 'ness' });
    }
    if (o.nessAtN)
      g.tasks.forEach((task, i) => {
        const N = num(task.info.params.N) ?? 1;
        series.push({ label: `NESS ε_f, N=${fmt(N)}`, values: flat(o.nessAtN!(g.model, g.epsFinal, N)), ref: 'ness', color: i });
      });
    if (o.mf) o.mf(g.model, g.epsFinal).forEach((y, i) => series.push({ label: `mean field ε_f${i ? ` (branch ${i + 1})` : ''}`, values: flat(y), ref: 'mf' }));
  }
  return {
    id: `${o.key}-epsf${fmt(g.epsFinal)}`,
    title: `${o.title}, ε_f = ${fmt(g.epsFinal)}`,
    xLabel: 't',
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
  const tasks = s.order.map((id) => s.tasks[id]).filter((t) => t.info.kind === 'gap-sweep');
  if (tasks.length === 0) return undefined;
  const c = sweepChart(tasks, 'gap', 'Liouvillian gap λ against ε (Fig. 3)', 'λ', true);
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
  const tasks = s.order.map((id) => s.tasks[id]).filter((t) => t.info.kind === 'ness-sweep');
  if (tasks.length === 0) return undefined;
  return sweepChart(tasks, 'alpha_abs', 'Exact NESS |<a>|/√N against ε (Fig. 2)', '|α|', false);
}

/** Seed 004 Fig. 3 from gaussian-sweep tasks: Π_s (Eq. 4) and μ_b against the preset's sweep axis. */
export function gaussianCharts(s: RunState): ChartData[] {
  const tasks = s.order.map((id) => s.tasks[id]).filter((t) => t.info.kind === 'gaussian-sweep');
  const out: ChartData[] = [];
  for (const t of tasks) {
    const fixed = (t.info.params.fixed ?? {}) as Record<string, unknown>;
    const preset = String(fixed.preset ?? t.info.label);
    const xLabel = preset === 'cavity-bec' ? '(g/g_cr)²' : 'g/κ_a';
    for (const [key, yLabel, name] of [['Pi_s', 'Π_s', 'Entropy production Π_s (seed 004 Eq. 4, Fig. 3)'], ['mu_b', 'μ_b', 'μ_b (Fig. 3 inset)']] as const) {
      const c = sweepChart([t], key, `${name}, ${preset}`, yLabel, key === 'Pi_s', 'x', xLabel);
      c.series = c.series.map((se) => ({ ...se, label: preset }));
      c.id = `${key}-${preset}`.replace(/[^\w.-]+/g, '_');
      out.push(c);
    }
  }
  return out;
}

function sweepChart(tasks: TaskRun[], key: string, title: string, yLabel: string, logOk: boolean, xKey = 'eps', xLabel = 'ε'): ChartData {
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
    { label: 'mean field, stable (dark)', values: lower, ref: 'mf' },
    { label: 'mean field, stable (bright)', values: upper, ref: 'mf' },
    { label: 'mean field, unstable', values: middle, ref: 'ness' },
  ];
  Ns.forEach((N, i) => series.push({ label: `exact N=${fmt(N)}`, values: x.map((eps) => exactNess({ ...p, eps, N }).alpha_abs), color: i }));
  return {
    id: 'fig2',
    title: 'NESS order parameter |<a>|/√N against ε (Fig. 2)',
    xLabel: 'ε',
    xKey: 'eps',
    yLabel: '|α|',
    x,
    series,
    vlines: [{ x: epsInitial, label: 'ε_i' }, ...epsFinal.map((e, i) => ({ x: e, label: epsFinal.length > 1 ? `ε_f${i + 1}` : 'ε_f' }))],
    logOk: false,
  };
}

/**
 * The y extent a chart shows: the data curves, plus each reference line that lies within half the data's span of
 * them. A reference far off the data (e.g. the other mean-field branch) would squash the curves; like the seed's
 * Fig. 7(c) it is left outside the scale (still in the legend and the CSV). Undefined before any data.
 */
export function yExtent(c: ChartData): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of c.series)
    if (!s.ref)
      for (const v of s.values)
        if (v !== null && Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
  if (!(lo <= hi)) return undefined;
  const span = Math.max(hi - lo, 0.1 * Math.abs(hi), 1e-12);
  for (const s of c.series) {
    if (!s.ref) continue;
    for (const v of s.values)
      if (v !== null && Number.isFinite(v) && v >= lo - 0.5 * span && v <= hi + 0.5 * span) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
  }
  return [lo, hi];
}

/** CSV table of a chart: x then one column per series, named after the y label and the series label. */
export function chartTable(c: ChartData): { columns: string[]; rows: (number | null)[][] } {
  const columns = [c.xKey, ...c.series.map((s) => `${c.yLabel} [${s.label}]`)];
  const rows = c.x.map((x, k) => [x, ...c.series.map((s) => s.values[k] ?? null)]);
  return { columns, rows };
}
