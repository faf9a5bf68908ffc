/**
 * The past-runs list says what each study computes (src-main/studies/summary.ts): a line per kind of task with the
 * swept or quenched parameter, for every kind and both models, from the tasks a spec plans (expandSpec).
 */
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../src-main/studies/presets.js';
import { expandSpec, parseSpec } from '../../../src-main/studies/spec.js';
import { describeTasks, modeNumbers } from '../../../src-main/studies/summary.js';

const planned = (spec: unknown) => expandSpec(parseSpec(spec)).map((t) => ({ kind: t.info.kind, params: t.info.params }));

describe('describeTasks', () => {
  it('a Kerr study with every kind: one line each, values listed up to four, ranges beyond', () => {
    const tasks = planned({
      version: 1,
      name: 'mix',
      model: { kappa: 0.5, delta: -2, u: 1 },
      tasks: [
        { kind: 'quench', N: [1, 2], epsInitial: 0.5, epsFinal: [0.8, 1.1], tMax: 1, dt: 0.2 },
        { kind: 'quench', N: [20], epsInitial: 0.5, epsFinal: [1.1], tMax: 20000, dt: 0.2, untilNess: 1e-6 },
        { kind: 'ness-sweep', method: 'exact', N: [1, 5], eps: { from: 0, to: 1.5, points: 31 } },
        { kind: 'gap-sweep', N: [1], eps: { from: 0.5, to: 1.4, points: 3 } },
        { kind: 'gaussian-sweep', preset: 'cavity-om', x: { from: 0, to: 2.5, points: 26 } },
        { kind: 'gaussian-sweep', preset: 'cavity-bec', x: { from: 0, to: 0.98, points: 50 } },
      ],
    });
    // the quench tasks form one group (both quench entries): ε_f over both, t_max 1 and 20000, the NESS tolerance
    expect(describeTasks(tasks)).toEqual([
      'quench ε_i = 0.5 → ε_f = 0.8, 1.1, until the NESS (1e-6), t ≤ 1, 20000',
      'NESS sweep (exact) ε = 0–1.5 (31 values)',
      'gap sweep ε = 0.5, 0.95, 1.4',
      'Gaussian sweep cavity-om: x = 0–2.5 (26 values)',
      'Gaussian sweep cavity-bec: x = 0–0.98 (50 values)',
    ]);
    expect(modeNumbers(tasks)).toEqual([1, 2, 5, 20]);
  });

  it('the two-photon model is named, with g as the swept and quenched pump', () => {
    const tasks = planned({
      version: 1,
      name: 'tp',
      model: { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 },
      tasks: [
        { kind: 'ness-sweep', method: 'fock', entropy: true, N: [10], g: [0.25, 0.5, 0.75, 1] },
        { kind: 'gap-sweep', N: [4], g: [0, 0.25, 0.5, 0.75] },
        { kind: 'quench', N: [4], gInitial: 0.25, gFinal: [0.75], tMax: 3, dt: 0.5 },
      ],
    });
    expect(describeTasks(tasks)).toEqual([
      'two-photon NESS sweep (fock) g = 0.25, 0.5, 0.75, 1',
      'two-photon gap sweep g = 0, 0.25, 0.5, 0.75',
      'two-photon quench g_i = 0.25 → g_f = 0.75, t ≤ 3',
    ]);
    expect(modeNumbers(tasks)).toEqual([4, 10]);
  });

  it('the demo preset as the past-runs table shows it', () => {
    const tasks = planned(getPreset('kerr-quench-demo'));
    expect(describeTasks(tasks)).toEqual(['quench ε_i = 0.5 → ε_f = 0.8, 1.1, t ≤ 5', 'NESS sweep (exact) ε = 0–1.5 (31 values)']);
    expect(modeNumbers(tasks)).toEqual([1, 5]);
  });
});
