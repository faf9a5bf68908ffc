/**
 * What every `quench` command prints and writes (the Kerr quench and the model layer's): the progress lines on stderr
 * with the ETA to the NESS, the untilNess report, and the CSV with its provenance. One place, so that the two stay the
 * same to the letter.
 */
import type { SampleInfo } from '../../../src-core/kerr/quench.js';
import type { PolarGrid } from '../../../src-core/kerr/types.js';
import { NESS_DISTANCE_TEXT } from '../../../src-core/kerr/quench.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { toCsv } from '../../io/csv.js';
import { nowIso, provenanceMeta } from '../../io/provenance.js';
import { sampleTime } from '../../io/sampleTime.js';
import { VERSION } from '../../version.js';
import { writeErr, writeOut } from '../stdio.js';

/** The parts of a quench plan (Kerr or model layer) the output needs. */
export interface QuenchPlanShape {
  samples: number;
  times: ArrayLike<number>;
  adaptive: unknown;
  K: number;
  rtol: number;
  spec: { dt: number; tMax: number };
  initial: { eps: number };
  final: { kappa: number; delta: number; u: number; N: number; eps: number };
}

/** The parts of a quench result the output needs. */
export interface QuenchResultShape {
  rows: number[][];
  grid: PolarGrid;
  gridMax: PolarGrid;
  ness?: { reached: boolean; distance: number; worst: string; tFinal: number };
}

/** onSample for the CLI: a progress line at most once a second (and at the last sample), with the ETA to the NESS. */
export function quenchProgress(plan: QuenchPlanShape): (i: number, info: SampleInfo) => void {
  const t0 = Date.now();
  let lastReport = 0;
  return (i, info) => {
    const now = Date.now();
    if (i + 1 !== plan.samples && now - lastReport <= 1000) return;
    lastReport = now;
    const el = (now - t0) / 1000;
    let line = `quench: sample ${i + 1}/${plan.samples}, t = ${plan.times[i].toFixed(3)}, K = ${info.K}${plan.adaptive ? ' (adaptive)' : ''}, top population ≤ ${info.maxTopPopulation.toExponential(1)}, ${el.toFixed(1)} s`;
    if (info.distance !== undefined) {
      line += `; distance from the NESS ${info.distance.toExponential(2)} (${info.worst})`;
      const ta = info.tArrive;
      if (ta !== undefined && Number.isFinite(ta) && i > 0) {
        // Remaining wall time at the rate seen so far; the cap tMax bounds the run, not the prediction.
        const secs = ((ta - plan.times[i]) / plan.spec.dt) * (el / i);
        line += ta > plan.spec.tMax
          ? `, NESS predicted at t ≈ ${ta.toPrecision(4)}: beyond the cap t ≤ ${plan.spec.tMax}`
          : `, NESS predicted at t ≈ ${ta.toPrecision(4)} (λ = ${info.rate!.toPrecision(3)}), ETA ${secs.toFixed(0)} s`;
      }
    }
    writeErr(line + '\n');
  };
}

/** With untilNess: the metadata of the arrival (or of its absence) and the one stderr line that says it. */
export function reportUntilNess(res: QuenchResultShape, tol: number, gap: number | null, extra: Record<string, string | number | boolean>): void {
  const n = res.ness;
  if (!n) return;
  Object.assign(extra, {
    until_ness_tol: tol,
    ness_distance_definition: NESS_DISTANCE_TEXT,
    reached_ness: n.reached,
    ness_distance: n.distance,
    ness_distance_set_by: n.worst,
    t_final: n.tFinal,
    ...(gap !== null && { liouvillian_gap: gap }),
  });
  writeErr(
    n.reached
      ? `quench: reached the NESS at t = ${n.tFinal}: distance ${n.distance.toExponential(2)} ≤ ${tol} (largest: ${n.worst})\n`
      : `quench: NOT at the NESS by the cap t = ${n.tFinal}: distance ${n.distance.toExponential(2)} > ${tol} (largest: ${n.worst})\n`,
  );
}

/** The quench CSV with its provenance, to `file` (atomically) or to stdout. */
export function writeQuenchCsv(file: string | undefined, plan: QuenchPlanShape, res: QuenchResultShape, columns: string[], extra: Record<string, string | number | boolean>): void {
  const text = toCsv({
    meta: provenanceMeta({
      command: ['epstudio', VERSION, ...process.argv.slice(2)].join(' '),
      appVersion: VERSION,
      date: nowIso(),
      model: { kappa: plan.final.kappa, delta: plan.final.delta, u: plan.final.u },
      N: [plan.final.N],
      epsInitial: [plan.initial.eps],
      epsFinal: [plan.final.eps],
      dt: plan.spec.dt,
      tMax: plan.spec.tMax,
      K: plan.adaptive ? 'adaptive' : String(plan.K),
      rtol: plan.rtol,
      grid: `polar Gauss–Legendre radial x FFT angles (adaptive per radius), first sample ${res.grid.radialNodes}x${res.grid.angles} r<=${res.grid.rMax}, largest ${res.gridMax.radialNodes}x${res.gridMax.angles} r<=${res.gridMax.rMax}`,
      extra,
      columns,
    }),
    columns,
    // t_k = k·Δt as written in decimals (0.6, not 0.6000000000000001): src-main/io/sampleTime.ts
    rows: res.rows.map((r, k) => [sampleTime(k, plan.spec.dt), ...r.slice(1)]),
  });
  if (file) writeFileAtomic(file, text);
  else writeOut(text);
}
