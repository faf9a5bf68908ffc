/**
 * `gaussian` bench section (issue 6): the 1000-point Fig. 3 sweeps (target ≤ 100 ms), one NESS against a baseline
 * Kronecker-product solve of all 16 unknowns with ml-matrix, the output spectrum and a spectrum fit.
 */
import { Matrix, solve } from 'ml-matrix';
import { diffusionMatrix, driftMatrix, PRESETS } from '../src-core/gaussian/model.js';
import { gaussianNess } from '../src-core/gaussian/ness.js';
import { criticalCoupling } from '../src-core/gaussian/stability.js';
import { gaussianSweep } from '../src-core/gaussian/sweep.js';
import { frequencyGrid, outputSpectrum, toAngular } from '../src-core/gaussian/spectrum.js';
import { fitSpectrum } from '../src-core/gaussian/fit.js';
import { timeIt, type BenchRow, type BenchSection } from './types.js';

function kroneckerSigma(A: Float64Array, D: Float64Array): Float64Array {
  const K = new Matrix(16, 16);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++)
      for (let k = 0; k < 4; k++) {
        K.set(i * 4 + j, k * 4 + j, K.get(i * 4 + j, k * 4 + j) + A[i * 4 + k]);
        K.set(i * 4 + j, i * 4 + k, K.get(i * 4 + j, i * 4 + k) + A[j * 4 + k]);
      }
  return Float64Array.from(solve(K, Matrix.columnVector(Array.from(D, (d) => -d))).to1DArray());
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  for (const id of ['cavity-om', 'cavity-bec'] as const) {
    const pr = PRESETS[id];
    const t = timeIt(() => gaussianSweep(pr.params, { ...pr.sweep, points: 1000 }), 7);
    rows.push({ name: `sweep ${id}, 1000 points (${pr.sweep.variable} ${pr.sweep.from}…${pr.sweep.to})`, value: t * 1e3, unit: 'ms', target: '≤ 100 ms' });
  }

  // One NESS vs the Kronecker baseline; and their agreement (the 1e-8 target).
  const om = PRESETS['cavity-om'].params;
  const p = { ...om, g: 0.49 * om.kappaA };
  const crit = criticalCoupling(p);
  const reps = 2000;
  const tOurs = timeIt(() => {
    for (let i = 0; i < reps; i++) gaussianNess(p, crit);
  }, 5) / reps;
  const A = driftMatrix(p);
  const D = diffusionMatrix(p);
  const tKron = timeIt(() => {
    for (let i = 0; i < reps; i++) kroneckerSigma(A, D);
  }, 5) / reps;
  rows.push({ name: 'one NESS (10-unknown Lyapunov, excess over σ₀)', value: tOurs * 1e6, unit: 'µs', baseline: tKron * 1e6, ratio: tKron / tOurs, note: 'baseline: 16-unknown Kronecker LU (ml-matrix); ratio = baseline/ours' });
  let worst = 0;
  for (const id of ['cavity-om', 'cavity-bec'] as const) {
    const pr = PRESETS[id];
    const s = gaussianSweep(pr.params, { ...pr.sweep, points: 50 });
    for (let i = 0; i < 50; i++) {
      const q = { ...pr.params, g: s.g[i] };
      const ours = gaussianNess(q).sigma;
      const ref = kroneckerSigma(driftMatrix(q), diffusionMatrix(q));
      let num = 0;
      let den = 0;
      for (let k = 0; k < 16; k++) {
        num = Math.max(num, Math.abs(ours[k] - ref[k]));
        den = Math.max(den, Math.abs(ref[k]));
      }
      worst = Math.max(worst, num / den);
    }
  }
  rows.push({ name: 'max relative difference of σ vs the Kronecker solve (both sweeps, 100 points)', value: worst, unit: '', target: '≤ 1e-8' });

  const f = frequencyGrid(2e5, 2.5e6, 1000);
  const w = toAngular(f);
  rows.push({ name: 'output spectrum, 1000 frequencies', value: timeIt(() => outputSpectrum(p, w), 7) * 1e3, unit: 'ms' });

  const f300 = frequencyGrid(2e5, 2.5e6, 300);
  const S = outputSpectrum(p, toAngular(f300));
  let seed = 1;
  const psd = S.map((v) => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return 2 * v * (1 + 0.03 * (seed / 2 ** 32 - 0.5) * 3.46);
  });
  rows.push({ name: 'fit g and gain to a 300-point spectrum (scan + LM + covariance)', value: timeIt(() => fitSpectrum({ f: f300, psd }, { start: p }), 3) * 1e3, unit: 'ms' });
  return { title: 'Gaussian two-oscillator model (seed 004)', rows };
}
