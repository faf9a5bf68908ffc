/**
 * Built-in study specs. `kerr-quench-paper` is seed 000's Figs. 2–8 (Sec. IV A protocol: ε_i = 0.5, Δt = 0.2,
 * κ = 1/2, Δ = −2, u = 1); the time windows follow the figures: t ≤ 10 in panels (a)(b)(c)(f), t ≤ 50 in (e)
 * (ε_f = ε+ = 1.16616) and t ≤ 100 in (d) (ε_f = 1.1, the slow tunnelling between branches).
 */
import { PAPER } from '../../src-core/kerr/model.js';
import { ParameterError } from '../../src-core/validation.js';
import { parseSpec, type StudySpec } from './spec.js';

/** Figures of seed 000 that a quench feeds: G (Fig. 4), Φ/N (5), Φ_q (6), Π_d (7), Π_U (8). */
const QUENCH_FIGURES = ['fig4', 'fig5', 'fig6', 'fig7', 'fig8'];

export interface Preset {
  name: string;
  summary: string;
  spec: StudySpec;
}

const paperModel = { kappa: PAPER.kappa, delta: PAPER.delta, u: PAPER.u };

/**
 * The two-photon presets' model (PHYSICS.md §5): κ = 1/2 and u = 1 as in seed 000, Δ = 0 so that the pitchfork at
 * g_th = √(κ² + Δ²) = κ is supercritical (continuous; Δ < 0 makes it first order), no one-photon pump, no two-photon loss.
 */
const twoPhotonModel = { kind: 'two-photon-kerr' as const, kappa: PAPER.kappa, delta: 0, u: PAPER.u };
const G_TH = Math.hypot(twoPhotonModel.kappa, twoPhotonModel.delta);
const TWO_PHOTON_TEXT = 'H = Δa†a + (g/2)(a†² + a²) + (u/2N)a†²a², 2κD[a], κ = 1/2, Δ = 0, u = 1, ε = 0, threshold g_th = √(κ² + Δ²) = 0.5';
const Ns = [...PAPER.Ns];

const PRESETS: Preset[] = [
  {
    name: 'kerr-quench-paper',
    summary: 'seed 000 Figs. 2–8: 30 quenches ε_i=0.5 → ε_f ∈ {0.6,0.8,0.933,1.1,1.16616,1.3}, N ∈ {1,5,10,15,20}, NESS curve, gap sweep',
    spec: {
      version: 1,
      name: 'kerr-quench-paper',
      description: 'Seed 000, Figs. 2–8. Quench windows as in the figures: t ≤ 10 (a,b,c,f), ≤ 50 (e), ≤ 100 (d); Δt = 0.2.',
      model: paperModel,
      tasks: [
        { kind: 'quench', N: Ns, epsInitial: PAPER.epsInitial, epsFinal: [0.6, 0.8, 0.933, 1.3], tMax: 10, dt: PAPER.dt, figures: QUENCH_FIGURES },
        { kind: 'quench', N: Ns, epsInitial: PAPER.epsInitial, epsFinal: [1.1], tMax: 100, dt: PAPER.dt, figures: QUENCH_FIGURES },
        { kind: 'quench', N: Ns, epsInitial: PAPER.epsInitial, epsFinal: [1.16616], tMax: 50, dt: PAPER.dt, figures: QUENCH_FIGURES },
        // Fig. 2: exact |<a>|/√N against ε (the seed draws N = 20; the other N show the approach to the jump).
        { kind: 'ness-sweep', method: 'exact', N: Ns, eps: { from: 0, to: 1.5, points: 151 }, figures: ['fig2'] },
        // Fig. 3: the Liouvillian gap against ε (91 pumps as in the gap issue).
        { kind: 'gap-sweep', N: Ns, eps: { from: 0.5, to: 1.4, points: 91 }, figures: ['fig3'] },
      ],
    },
  },
  {
    name: 'kerr-quench-demo',
    summary: 'small and quick: N ∈ {1,5}, ε_f ∈ {0.8,1.1}, t ≤ 5, plus a 31-point exact NESS curve',
    spec: {
      version: 1,
      name: 'kerr-quench-demo',
      description: 'A few seconds: two sizes, two final pumps, t ≤ 5.',
      model: paperModel,
      tasks: [
        { kind: 'quench', N: [1, 5], epsInitial: PAPER.epsInitial, epsFinal: [0.8, 1.1], tMax: 5, dt: PAPER.dt, figures: QUENCH_FIGURES },
        { kind: 'ness-sweep', method: 'exact', N: [1, 5], eps: { from: 0, to: 1.5, points: 31 }, figures: ['fig2'] },
      ],
    },
  },
  {
    name: 'extended',
    summary: 'Fig. 5(d) followed to relaxation: N=20, ε_f=1.1 until ρ and every observable are within 1e-6 of the NESS (cap t ≤ 20000)',
    spec: {
      version: 1,
      name: 'extended',
      description: 'The seed could not follow Fig. 5(d) to relaxation; this runs until ρ and every observable (S_W, Π_J, Π_d, Π_U, Φ, Φ_q, G, |α|) are within 1e-6 of the NESS.',
      model: paperModel,
      tasks: [{ kind: 'quench', N: [20], epsInitial: PAPER.epsInitial, epsFinal: [1.1], tMax: 20000, dt: PAPER.dt, untilNess: 1e-6, figures: QUENCH_FIGURES }],
    },
  },
  {
    name: 'gaussian-fig3',
    summary: 'seed 004 Fig. 3: Π_s against g/κ_a (cavity-om, 0–2.5) and against (g/g_cr)² (cavity-bec, 0–0.99), with μ_b',
    spec: {
      version: 1,
      name: 'gaussian-fig3',
      description: 'Seed 004, Fig. 3 (both panels and their μ_b insets).',
      tasks: [
        { kind: 'gaussian-sweep', preset: 'cavity-om', x: { from: 0, to: 2.5, points: 251 }, figures: ['g-fig3a'] },
        { kind: 'gaussian-sweep', preset: 'cavity-bec', x: { from: 0, to: 0.99, points: 199 }, figures: ['g-fig3b'] },
      ],
    },
  },
  {
    name: 'two-photon-ness',
    summary: 'two-photon-driven Kerr NESS across its continuous transition: N ∈ {5,10,20,40}, 101 g ∈ [0, 1.5] (g/g_th ∈ [0, 3]), S_W, Π_J, Π_d, Π_U, G',
    spec: {
      version: 1,
      name: 'two-photon-ness',
      description: `Issue 15 (PHYSICS.md §5): ${TWO_PHOTON_TEXT}; NESS by the Fock solve (even parity sector) with every phase-space quantity, Π_U per term.`,
      model: twoPhotonModel,
      tasks: [{ kind: 'ness-sweep', method: 'fock', entropy: true, N: [5, 10, 20, 40], g: { from: 0, to: 3 * G_TH, points: 101 }, figures: ['tp-ness'] }],
    },
  },
  {
    name: 'two-photon-gap',
    summary: 'Liouvillian gap of each parity sector of the two-photon-driven Kerr model: N ∈ {5,10,15,20,30}, 91 g ∈ [0, 0.9] (g/g_th ∈ [0, 1.8])',
    spec: {
      version: 1,
      name: 'two-photon-gap',
      description:
        `Issue 15: ${TWO_PHOTON_TEXT}; the gap of the even and the odd parity sector at ε = 0 (the odd one closes above threshold as N grows). ` +
        'g stops at 1.8 g_th: beyond it the odd gap of N = 30 falls below ~1e-9, where round-off (~1e-13 of max|L|) keeps it from converging in K.',
      model: twoPhotonModel,
      tasks: [{ kind: 'gap-sweep', N: [5, 10, 15, 20, 30], g: { from: 0, to: 1.8 * G_TH, points: 91 }, figures: ['tp-gap'] }],
    },
  },
  {
    name: 'two-photon-quench',
    summary: 'two-photon-driven Kerr quenches across the transition: g_i = 0.5 g_th → g_f ∈ {g_th, 1.5 g_th, 2 g_th}, N ∈ {5,10,20}, t ≤ 50',
    spec: {
      version: 1,
      name: 'two-photon-quench',
      description: `Issue 15: ${TWO_PHOTON_TEXT}; from the NESS at g_i = g_th/2 (below threshold) to g_f at, and above, the threshold; Δt = 0.5, t ≤ 50.`,
      model: twoPhotonModel,
      tasks: [{ kind: 'quench', N: [5, 10, 20], gInitial: 0.5 * G_TH, gFinal: [G_TH, 1.5 * G_TH, 2 * G_TH], tMax: 50, dt: 0.5, figures: ['tp-quench'] }],
    },
  },
];

// Validate once at load: a broken preset is a programming error that the tests catch.
for (const p of PRESETS) parseSpec(p.spec);

export function listPresets(): { name: string; summary: string }[] {
  return PRESETS.map(({ name, summary }) => ({ name, summary }));
}

export function presetNames(): string[] {
  return PRESETS.map((p) => p.name);
}

/** A deep copy of the preset's spec (callers may edit it). */
export function getPreset(name: string): StudySpec {
  const p = PRESETS.find((q) => q.name === name);
  if (!p) throw new ParameterError('preset', `one of ${presetNames().join(', ')}`, name);
  return structuredClone(p.spec);
}
