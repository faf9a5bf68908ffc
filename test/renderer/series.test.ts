/**
 * Chart data: one curve per N per ε_f panel, the reference lines against independent formulas (the mean-field cubic
 * ε² = n[κ² + (Δ + u n)²], Eq. 5; Φ = 2κ<a†a>, Eq. 22), and the CSV table the export writes.
 */
import { describe, expect, it } from 'vitest';
import { exactNess } from '../../src-core/kerr/exactSteadyState.js';
import type { TaskInfo } from '../../src-main/api/events.js';
import { applyEvent, emptyRun, type RunState } from '../../src-renderer/lib/runState.js';
import { chartTable, fig2Chart, gapChart, nessChart, OBSERVABLES, quenchChart, quenchGroups } from '../../src-renderer/lib/series.js';

const model = { kappa: 0.5, delta: -2, u: 1 };
const q = (id: string, N: number, epsFinal: number): TaskInfo => ({
  id,
  kind: 'quench',
  label: id,
  figures: [],
  params: { ...model, N, epsInitial: 0.5, epsFinal, tMax: 0.4, dt: 0.2 },
  samples: 3,
});

function study(): RunState {
  const tasks = [q('n5-e11', 5, 1.1), q('n1-e11', 1, 1.1), q('n1-e08', 1, 0.8)];
  let s = applyEvent(emptyRun(), { type: 'study-started', studyId: 'S', dir: '/d', tasks, resumed: false }, 0);
  for (const t of tasks)
    for (let k = 0; k < 3; k++)
      s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: t.id, index: k, row: { t: 0.2 * k, G: k, Phi: 10 * k, Phi_q: 1, Pi_d: 1, Pi_U: 1, S_W: 2, alpha_abs: 0.5 } }, k);
  return s;
}

describe('quench charts', () => {
  const groups = quenchGroups(study());
  it('one panel per ε_f, curves sorted by N', () => {
    expect(groups.map((g) => g.epsFinal)).toEqual([0.8, 1.1]);
    expect(groups[1].tasks.map((t) => t.info.params.N)).toEqual([1, 5]);
  });

  it('one curve per N in every chart; Φ/N divides by each curve’s N', () => {
    for (const o of OBSERVABLES) {
      const c = quenchChart(groups[1], o);
      expect(c.series.filter((s) => !s.ref).map((s) => s.label)).toEqual(['N=1', 'N=5']);
      expect(c.x).toEqual([0, 0.2, 0.4]);
    }
    const phi = quenchChart(groups[1], OBSERVABLES.find((o) => o.key === 'Phi_over_N')!);
    expect(phi.series[0].values).toEqual([0, 10, 20]);
    expect(phi.series[1].values).toEqual([0, 2, 4]);
  });

  it('Φ/N references: exact NESS (Eq. 22 with Drummond–Walls <a†a>) and mean field on the cubic (Eq. 5)', () => {
    const phi = quenchChart(groups[1], OBSERVABLES.find((o) => o.key === 'Phi_over_N')!);
    const ness = phi.series.filter((s) => s.ref === 'ness');
    expect(ness[0].values[0]).toBeCloseTo((2 * 0.5 * exactNess({ ...model, eps: 0.5, N: 1000 }).n) / 1000, 12);
    const mf = phi.series.filter((s) => s.ref === 'mf').map((s) => s.values[0]!);
    // ε_f = 1.1 lies in the bistable window: two stable branches.
    expect(mf).toHaveLength(2);
    for (const y of mf) {
      const n = y / (2 * 0.5);
      expect(n * (0.25 + (-2 + n) ** 2)).toBeCloseTo(1.1 * 1.1, 10);
    }
  });

  it('CSV table: x column then one column per series, one row per sample', () => {
    const c = quenchChart(groups[0], OBSERVABLES[0]);
    const t = chartTable(c);
    expect(t.columns).toEqual(['t', 'G [N=1]']);
    expect(t.rows).toEqual([[0, 0], [0.2, 1], [0.4, 2]]);
  });
});

describe('Fig. 2 (instant)', () => {
  const c = fig2Chart(model, [1, 10], 0.5, [1.1], 1.5, 151);
  it('three mean-field branches inside the window [ε−, ε+], one outside, all on the cubic', () => {
    const [lower, upper, middle] = c.series;
    c.x.forEach((eps, i) => {
      const vals = [lower.values[i], upper.values[i], middle.values[i]].filter((v): v is number => v !== null);
      const inside = eps > 0.701373 + 1e-3 && eps < 1.16616 - 1e-3;
      const outside = eps < 0.701373 - 1e-3 || eps > 1.16616 + 1e-3;
      if (inside) expect(vals).toHaveLength(3);
      if (outside) expect(vals).toHaveLength(1);
      for (const a of vals) expect(a * a * (0.25 + (-2 + a * a) ** 2)).toBeCloseTo(eps * eps, 9);
      if (inside) expect(lower.values[i]! < middle.values[i]! && middle.values[i]! < upper.values[i]!).toBe(true);
    });
  });

  it('exact curves per N, ε_i and ε_f marked', () => {
    expect(c.series.filter((s) => !s.ref).map((s) => s.label)).toEqual(['exact N=1', 'exact N=10']);
    expect(c.vlines).toEqual([{ x: 0.5, label: 'ε_i' }, { x: 1.1, label: 'ε_f' }]);
    const i = c.x.findIndex((x) => Math.abs(x - 1.1) < 1e-12);
    expect(c.series[4].values[i]).toBeCloseTo(exactNess({ ...model, eps: 1.1, N: 10 }).alpha_abs, 14);
  });
});

describe('sweep charts', () => {
  it('NESS sweep: one curve per N on the union of ε', () => {
    const t: TaskInfo = { id: 'n', kind: 'ness-sweep', label: 'ness N=5', figures: [], params: { sweep: 'ness-exact', fixed: { N: 5 } }, samples: 2 };
    let s = applyEvent(emptyRun(), { type: 'study-started', studyId: 'S', dir: '/d', tasks: [t], resumed: false }, 0);
    s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'n', index: 1, row: { N: 5, eps: 1, alpha_abs: 0.9 } }, 1);
    s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'n', index: 0, row: { N: 5, eps: 0.5, alpha_abs: 0.2 } }, 2);
    const c = nessChart(s)!;
    expect(c.x).toEqual([0.5, 1]);
    expect(c.series).toEqual([{ label: 'N=5', values: [0.2, 0.9], color: 0 }]);
  });
});

describe('Fig. 3 gap chart', () => {
  const gapTask: TaskInfo = { id: 'g20', kind: 'gap-sweep', label: 'gap N=20', figures: ['fig3'], params: { sweep: 'gap', fixed: { ...model, N: 20 } }, samples: 3 };
  const run = (converged: number[]) => {
    let s = applyEvent(emptyRun(), { type: 'study-started', studyId: 'S', dir: '/d', tasks: [gapTask], resumed: false }, 0);
    const gaps = [1e-5, 2e-5, 3e-5];
    [0.9, 0.933, 1.0].forEach((eps, i) => {
      s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'g20', index: i, row: { N: 20, eps, gap: gaps[i], K: 100, converged: converged[i] } }, i + 1);
    });
    return gapChart(s)!;
  };
  it('all converged: one curve per N, nothing flagged', () => {
    const c = run([1, 1, 1]);
    expect(c.series).toEqual([{ label: 'N=20', values: [1e-5, 2e-5, 3e-5], color: 0 }]);
    expect(c.title).not.toMatch(/not converged/);
  });
  it('a point the engine did not certify stays on its curve and is also marked (hollow), and the title says so', () => {
    const c = run([1, 0, 1]);
    expect(c.series[0].values).toEqual([1e-5, 2e-5, 3e-5]);
    expect(c.series[1]).toEqual({ label: 'not converged (1)', values: [null, 2e-5, null], flagged: true });
    expect(c.title).toMatch(/1 point not converged/);
  });
});

describe('Gaussian sweep charts (seed 004 Fig. 3)', () => {
  it('Π_s and μ_b against the preset’s axis', async () => {
    const { gaussianCharts } = await import('../../src-renderer/lib/series.js');
    const t: TaskInfo = { id: 'g', kind: 'gaussian-sweep', label: 'cavity-om', figures: [], params: { sweep: 'gaussian', fixed: { preset: 'cavity-om' } }, samples: 2 };
    let s = applyEvent(emptyRun(), { type: 'study-started', studyId: 'S', dir: '/d', tasks: [t], resumed: false }, 0);
    s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'g', index: 0, row: { x: 0, Pi_s: 0, mu_b: 0 } }, 1);
    s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'g', index: 1, row: { x: 0.49, Pi_s: 2, mu_b: -1 } }, 2);
    const [pi, mu] = gaussianCharts(s);
    expect(pi.xLabel).toBe('g/κ_a [dimensionless]');
    expect(pi.xKey).toBe('x');
    expect(pi.x).toEqual([0, 0.49]);
    expect(pi.series).toEqual([{ label: 'cavity-om', values: [0, 2], color: 0 }]);
    expect(mu.series[0].values).toEqual([0, -1]);
    expect(pi.id).not.toBe(mu.id);
  });

  it('cavity-bec: (g/g_cr)² axis from the task params (preset at the top level, as spec.ts writes them); rates scaled into the unit', async () => {
    const { gaussianCharts } = await import('../../src-renderer/lib/series.js');
    const t: TaskInfo = { id: 'b', kind: 'gaussian-sweep', label: 'Gaussian cavity-bec, 2 couplings', figures: [], params: { preset: 'cavity-bec', x: [0, 0.5] }, samples: 2 };
    let s = applyEvent(emptyRun(), { type: 'study-started', studyId: 'S', dir: '/d', tasks: [t], resumed: false }, 0);
    s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'b', index: 0, row: { x: 0, Pi_s: 1e6, mu_b: 0 } }, 1);
    s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: 'b', index: 1, row: { x: 0.5, Pi_s: 3.5e6, mu_b: -2 } }, 2);
    const [pi] = gaussianCharts(s);
    expect(pi.xLabel).toBe('(g/g_cr)² [dimensionless]');
    expect(pi.yLabel).toBe('Π_s [10⁶ nat/s]');
    expect(pi.series[0].values).toEqual([1, 3.5]);
  });
});

describe('Φ_q references', () => {
  it('one exact-NESS line per N at ε_f: 2κ(<a†a> − |<a>|²) (Eqs. 6, 23), in the curve’s colour', () => {
    const groups = quenchGroups(study());
    const c = quenchChart(groups[1], OBSERVABLES.find((o) => o.key === 'Phi_q')!);
    const refs = c.series.filter((s) => s.ref === 'ness');
    expect(refs.map((s) => [s.label, s.color])).toEqual([['NESS ε_f, N=1', 0], ['NESS ε_f, N=5', 1]]);
    const e = exactNess({ ...model, eps: 1.1, N: 5 });
    expect(refs[1].values[0]).toBeCloseTo(2 * 0.5 * (e.n - e.a_re ** 2 - e.a_im ** 2), 12);
    // Quantum fluctuations are non-negative: <a†a> ≥ |<a>|² (Cauchy–Schwarz).
    for (const r of refs) expect(r.values[0]!).toBeGreaterThan(0);
  });
});

describe('yExtent', () => {
  it('data curves and every reference (a reference in the legend is on the axes)', async () => {
    const { yExtent } = await import('../../src-renderer/lib/series.js');
    const c = {
      id: 'x', title: '', xLabel: 't', xKey: 't', yLabel: 'y', x: [0, 1], logOk: false,
      series: [
        { label: 'N=1', values: [0, 1], color: 0 },
        { label: 'near', values: [1.4, 1.4], ref: 'ness' as const },
        { label: 'far', values: [5, 5], ref: 'mf' as const },
        { label: 'below', values: [-0.2, -0.2], ref: 'mf' as const },
      ],
    };
    expect(yExtent(c)).toEqual([-0.2, 5]);
    expect(yExtent({ ...c, series: [c.series[2]] })).toBeUndefined();
  });
});

describe('Fig. 2 x-range', () => {
  it('covers both folds whatever Δ: ε+ = ε(n−), n± = (−2Δ ± √(Δ² − 3κ²))/(3u) (PHYSICS.md)', async () => {
    const { fig2Range } = await import('../../src-renderer/lib/series.js');
    for (const delta of [-2, -3, -5]) {
      const k = 0.5, u = 1;
      const nMinus = (-2 * delta - Math.sqrt(delta * delta - 3 * k * k)) / (3 * u);
      const epsPlus = Math.sqrt(nMinus * (k * k + (delta + u * nMinus) ** 2));
      const w = fig2Range({ kappa: k, delta, u }, 0.5, [1.1]);
      expect(w).toBeGreaterThanOrEqual(1.2 * epsPlus - 1e-9);
    }
    // Δ = −3: ε+ = 2.06 (the case), beyond the old 1.5 default
    expect(fig2Range({ kappa: 0.5, delta: -3, u: 1 }, 0.5, [1.1])).toBeGreaterThan(2.47);
  });
});

describe('Π_d references (Fig. 7)', () => {
  it('one NESS line per N at ε_f: where the quench relaxes to (an independent long serial run)', async () => {
    const { runQuench } = await import('../../src-core/kerr/quench.js');
    const groups = quenchGroups(study());
    const c = quenchChart(groups[1], OBSERVABLES.find((o) => o.key === 'Pi_d')!);
    const refs = c.series.filter((s) => s.ref === 'ness');
    expect(refs.map((s) => s.label)).toEqual(['NESS ε_f, N=1', 'NESS ε_f, N=5']);
    const r = runQuench({ ...model, N: 1, epsInitial: 0.5, epsFinal: 1.1, tMax: 150, dt: 150 });
    const last = r.rows[r.rows.length - 1];
    expect(refs[0].values[0]).toBeCloseTo(last[r.columns.indexOf('Pi_d')], 6);
  });
});
