/**
 * Long-format tables per figure (figures/<fig>.csv), built from the finished task CSVs (read back from disk, so a
 * resumed study writes the same bytes as an uninterrupted one). One row per (task, sample): the identifying
 * parameters first, then the figure's quantity. Seed 000: Fig. 2 |<a>|/√N (exact NESS), Fig. 3 the gap λ,
 * Figs. 4–8 G, Φ/N, Φ_q, Π_d, Π_U against t (Eqs. 22–25, 27). Seed 004 Fig. 3: Π_s with the insets' μ_b.
 */
import type { PlannedTask } from './spec.js';
import type { StudyStore } from './store.js';
import { fromTaskParams, provenanceMeta } from '../io/provenance.js';
import { VERSION } from '../version.js';

interface FigureDef {
  /** Identifying columns taken from the task parameters (quench) or the rows (sweeps). */
  keys: string[];
  /** Quantities: [output column, function of the row (by column name) and the task's parameters]. */
  values: [string, (row: Record<string, number>, p: Record<string, unknown>) => number | undefined][];
}

const col = (c: string) => (r: Record<string, number>): number | undefined => r[c];
const QUENCH_KEYS = ['N', 'eps_i', 'eps_f', 't'];
const gOverGth = (r: Record<string, number>, p: Record<string, unknown>) => r.g_tp / Math.hypot(Number(p.kappa), Number(p.delta));

export const FIGURES: Record<string, FigureDef> = {
  fig2: { keys: ['N', 'eps'], values: [['alpha_abs', col('alpha_abs')]] },
  // converged = 0 marks a gap the engine could not certify (the chart draws it hollow)
  fig3: { keys: ['N', 'eps'], values: [['gap', col('gap')], ['converged', col('converged')]] },
  fig4: { keys: QUENCH_KEYS, values: [['G', col('G')]] },
  fig5: { keys: QUENCH_KEYS, values: [['Phi_over_N', (r, p) => r.Phi / Number(p.N)]] },
  fig6: { keys: QUENCH_KEYS, values: [['Phi_q', col('Phi_q')]] },
  fig7: { keys: QUENCH_KEYS, values: [['Pi_d', col('Pi_d')]] },
  fig8: { keys: QUENCH_KEYS, values: [['Pi_U', col('Pi_U')]] },
  // Two-photon-driven Kerr model (issue 15): against g/g_th, g_th = √(κ² + Δ²) (the mean-field threshold at ε = 0)
  'tp-ness': {
    keys: ['N', 'g_tp'],
    values: [
      ['g_over_gth', gOverGth],
      ['n_over_N', col('n_over_N')],
      ['alpha_abs', col('alpha_abs')],
      ...(['S_W', 'Pi_J', 'Pi_d', 'Pi_U', 'Pi_U_kerr', 'Pi_U_two_photon', 'Phi', 'Phi_q', 'G'] as const).map((c): [string, (r: Record<string, number>) => number | undefined] => [c, col(c)]),
    ],
  },
  'tp-quench': {
    keys: ['N', 'g_i', 'g_f', 't'],
    values: [
      ['n_over_N', (r, p) => r.n / Number(p.N)],
      ['Phi_over_N', (r, p) => r.Phi / Number(p.N)],
      ...(['S_W', 'Pi_J', 'Pi_d', 'Pi_U', 'Pi_U_kerr', 'Pi_U_two_photon', 'Pi_eta', 'G'] as const).map((c): [string, (r: Record<string, number>) => number | undefined] => [c, col(c)]),
    ],
  },
  'tp-gap': { keys: ['N', 'g_tp'], values: [['g_over_gth', gOverGth], ['gap', col('gap')], ['gap_even', col('gap_even')], ['gap_odd', col('gap_odd')], ['converged', col('converged')]] },
  'g-fig3a': { keys: ['x'], values: [['Pi_s', col('Pi_s')], ['mu_b', col('mu_b')]] },
  'g-fig3b': { keys: ['x'], values: [['Pi_s', col('Pi_s')], ['mu_b', col('mu_b')]] },
};

function keyValue(k: string, row: Record<string, number>, p: Record<string, unknown>): number {
  if (k === 'eps_i') return Number(p.epsInitial);
  if (k === 'eps_f') return Number(p.epsFinal);
  if (k === 'g_i') return Number(p.gInitial);
  if (k === 'g_f') return Number(p.gFinal);
  if (k in row) return row[k];
  return Number(p[k]);
}

export function writeFigures(store: StudyStore, planned: PlannedTask[]): string[] {
  const names = [...new Set(planned.flatMap((t) => t.info.figures))].sort();
  const written: string[] = [];
  for (const fig of names) {
    const tasks = planned.filter((t) => t.info.figures.includes(fig) && store.hasResult(t.info.id));
    if (tasks.length === 0) continue;
    const def = FIGURES[fig];
    let columns: string[];
    const rows: (number | string)[][] = [];
    const kOf = new Map<string, number>();
    if (def) {
      columns = [...def.keys, ...def.values.map((v) => v[0])];
      for (const t of tasks) {
        const tab = store.readResult(t.info.id);
        kOf.set(t.info.id, Number(tab.meta.K === 'adaptive' ? tab.meta.K_largest : tab.meta.K)); // adaptive basis: the largest K used
        for (const r of tab.rows) {
          const byName: Record<string, number> = {};
          tab.columns.forEach((c, j) => (byName[c] = r[j]));
          // A quantity the task does not have (e.g. Π_U of a two-photon NESS sweep without entropy) is an empty cell.
          rows.push([...def.keys.map((k) => keyValue(k, byName, t.info.params)), ...def.values.map(([, f]) => f(byName, t.info.params) ?? '')]);
        }
      }
    } else {
      // A figure label of the user's: every column of every task, with the task id.
      const all = [...new Set(tasks.flatMap((t) => [...t.columns]))];
      columns = ['task', ...all];
      for (const t of tasks) {
        const tab = store.readResult(t.info.id);
        kOf.set(t.info.id, Number(tab.meta.K === 'adaptive' ? tab.meta.K_largest : tab.meta.K)); // adaptive basis: the largest K used
        // A column this task lacks is an empty cell (the CSV writer refuses NaN: no non-finite number in a result).
        for (const r of tab.rows) rows.push([t.info.id, ...all.map((c) => (tab.columns.includes(c) ? r[tab.columns.indexOf(c)] : ''))]);
      }
    }
    // Provenance of the tasks it is made of (model, N, ε_i, ε_f, Δt, K per N, units); no date: resumed studies
    // write the same bytes.
    const meta = {
      study: store.spec.name,
      figure: fig,
      tasks: tasks.map((t) => t.info.id).join(' '),
      ...provenanceMeta({
        command: `epstudio ${VERSION} study (figure table ${fig})`,
        appVersion: VERSION,
        ...fromTaskParams(
          tasks.map((t) => t.info.params),
          (p, i) => (typeof p.K === 'number' ? p.K : kOf.get(tasks[i].info.id) || undefined),
        ),
        columns,
      }),
      spec_hash: store.study.hash,
    };
    store.writeFigure(fig, meta, columns, rows);
    written.push(fig);
  }
  return written;
}
