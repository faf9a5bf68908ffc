/**
 * A two-photon study in the window's results (built in the study editor, or reopened): no Kerr chart may be drawn from
 * its tasks (a gap "against ε" at the fixed ε = 0, Kerr NESS references on its quenches); its sweeps are drawn against
 * g and its quench panels are named by g_i → g_f. Rows from a real study, fed through the window's run state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spectrumAbsTol } from '../../src-core/model/twoPhotonKerr.js';
import * as service from '../../src-main/studies/service.js';
import { applyEvent, emptyRun, type RunState } from '../../src-renderer/lib/runState.js';
import { gapChart, nessChart, OBSERVABLES, quenchChart, quenchGroups, twoPhotonSweepCharts } from '../../src-renderer/lib/series.js';

const root = mkdtempSync(join(tmpdir(), 'epstudio-tpcharts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const model = { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 };
const SPEC = {
  version: 1,
  name: 'tp-charts',
  model,
  tasks: [
    { kind: 'ness-sweep', method: 'fock', entropy: true, N: [5], g: [0.25, 0.5, 0.75, 1] },
    { kind: 'gap-sweep', N: [4], g: [0, 0.25, 0.5, 0.75] },
    { kind: 'quench', N: [4], gInitial: 0.25, gFinal: [0.75], tMax: 2, dt: 0.5 },
  ],
};

let s: RunState;
let tables: Record<string, { columns: string[]; rows: number[][] }>;
beforeAll(async () => {
  const dir = join(root, 'study');
  const h = service.run(SPEC, dir, { workers: 1 });
  expect((await h.done).status).toBe('completed');
  tables = Object.fromEntries(h.tasks.map((t) => [t.id, service.readTaskTable(dir, t.id)]));
  s = applyEvent(emptyRun(), { type: 'study-started', studyId: 'S', dir, tasks: h.tasks, resumed: false }, 0);
  for (const t of h.tasks)
    tables[t.id].rows.forEach((r, k) => {
      const row = Object.fromEntries(tables[t.id].columns.map((c, j) => [c, r[j]]));
      s = applyEvent(s, { type: 'sample-ready', studyId: 'S', taskId: t.id, index: k, row }, k);
    });
}, 120_000);

const col = (id: string, c: string) => tables[id].rows.map((r) => r[tables[id].columns.indexOf(c)]);

describe('a two-photon study in the window', () => {
  it('no Kerr chart is built from its tasks', () => {
    expect(gapChart(s)).toBeUndefined();
    expect(nessChart(s)).toBeUndefined();
  });

  it('its sweeps against g: each sector’s gap, ⟨a†a⟩/N and the entropy quantities, one curve per N, as in the task files', () => {
    const charts = twoPhotonSweepCharts(s);
    expect(charts.map((c) => c.id)).toEqual(['tp-gap_odd-sweep', 'tp-gap_even-sweep', 'tp-n_over_N-sweep', 'tp-S_W-sweep', 'tp-G-sweep', 'tp-Pi_d-sweep', 'tp-Pi_U-sweep']);
    const odd = charts[0];
    expect(odd.xKey).toBe('g_tp');
    expect(odd.x).toEqual([0, 0.25, 0.5, 0.75]);
    expect(odd.series.map((x) => x.label)).toEqual(['N=4']);
    expect(odd.series[0].values).toEqual(col('two-photon-kerr-gap-N4', 'gap_odd'));
    // g = 0: the vacuum; the slowest odd mode is <a>, decaying at κ (PHYSICS.md §5)
    expect(odd.series[0].values[0]).toBeCloseTo(0.5, 9);
    const n = charts[2];
    expect(n.x).toEqual([0.25, 0.5, 0.75, 1]);
    expect(n.series[0].values).toEqual(col('two-photon-kerr-ness-fock-entropy-N5', 'n_over_N'));
  });

  it('a gap below double precision leaves its curve and is drawn hollow at the bound 2·spectrumAbsTol', () => {
    const id = 'two-photon-kerr-gap-N4';
    const rows = s.tasks[id].rows;
    const keep = rows[3].gap_odd;
    rows[3].gap_odd = 1e-15; // what N = 40 gives above threshold
    try {
      const odd = twoPhotonSweepCharts(s)[0];
      expect(odd.series[0].values[3]).toBeNull();
      const flagged = odd.series.find((x) => x.flagged)!;
      expect(flagged.values).toEqual([null, null, null, 2 * spectrumAbsTol({ kappa: 0.5, delta: 0, u: 1, eta0: 0, eps: 0, N: 4, g: 0.75 })]);
      expect(odd.title).toMatch(/1 point below double precision/);
      // in the colour of its N, named by it (each N has its own bound)
      expect(flagged.label).toMatch(/^N=4: below double precision/);
      expect(flagged.color).toBe(0);
    } finally {
      rows[3].gap_odd = keep;
    }
  });

  it('its quench panel is named by g_i → g_f, with no Kerr NESS or mean-field reference', () => {
    const groups = quenchGroups(s);
    expect(groups.map((g) => [g.twoPhoton, g.label])).toEqual([[true, 'g: 0.25 → 0.75']]);
    for (const o of OBSERVABLES) {
      const c = quenchChart(groups[0], o);
      expect(c.id).toBe(`${o.key}-tp-gi0.25-gf0.75`);
      expect(c.title).toContain('two-photon model, g: 0.25 → 0.75');
      expect(c.series.filter((x) => x.ref)).toEqual([]);
    }
    const G = quenchChart(groups[0], OBSERVABLES.find((o) => o.key === 'G')!);
    expect(G.series[0].values).toEqual(col('two-photon-kerr-quench-N4-gi0.25-gf0.75', 'G'));
  });
});
