/**
 * Synthetic study for checking chart speed (URL `?stress=30x1000`: 30 curves × 1000 points in every chart). Smooth
 * curves with the quench columns, so the same charts, legends and exports are exercised as by a real study.
 */
import type { TaskInfo } from '../../src-main/api/events.js';
import { fromTables, type RunState } from './runState.js';

export function stressStudy(curves: number, points: number): RunState {
  const tasks: TaskInfo[] = [];
  const tables: Record<string, { columns: string[]; rows: number[][] }> = {};
  const states: Record<string, string> = {};
  const columns = ['t', 'G', 'Phi', 'Phi_q', 'Pi_d', 'Pi_U', 'S_W', 'alpha_abs'];
  for (let c = 0; c < curves; c++) {
    const N = c + 1;
    const id = `stress-${N}`;
    tasks.push({ id, kind: 'quench', label: `synthetic N=${N}`, figures: [], params: { kappa: 0.5, delta: -2, u: 1, N, epsInitial: 0.5, epsFinal: 1.1, tMax: (points - 1) * 0.1, dt: 0.1 }, samples: points });
    const rows: number[][] = [];
    for (let k = 0; k < points; k++) {
      const t = 0.1 * k;
      const s = 1 - Math.exp(-t / (1 + 0.1 * c));
      rows.push([t, s * (0.5 + 0.02 * c) + 0.01 * Math.sin(t + c), N * (0.3 + s), 0.2 * s, 0.1 * s * Math.exp(-t / 20), 0.05 * Math.sin(t / 3 + c), 2.14 + s, 0.25 + 0.5 * s]);
    }
    tables[id] = { columns, rows };
    states[id] = 'done';
  }
  return fromTables('(synthetic)', tasks, states, tables, 'completed');
}
