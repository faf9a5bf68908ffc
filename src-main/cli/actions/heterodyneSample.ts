/**
 * `heterodyne-sample` (issue 14), loaded when it runs (flags in ../commands/lab.ts). Apart from the analysis in
 * ../commands/labRun.ts so that drawing outcomes loads neither the tomography, the CSV reader nor the worker pool
 * (cold start, issue 12), and the propagator only with --t.
 */
import { toRaw } from '../../../src-core/kerr/model.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { chooseK, guardTruncation } from '../../../src-core/kerr/truncation.js';
import { sampleHusimi } from '../../../src-core/lab/qSampling.js';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { mulberry32 } from '../../../src-core/random.js';
import { ParameterError } from '../../../src-core/validation.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { toCsvColumns } from '../../io/csv.js';
import { VERSION } from '../../version.js';
import { kerrParamsFrom } from '../kerrOptions.js';
import { throttledReporter } from '../progress.js';
import { compute } from '../timing.js';
import { writeErr, writeOut } from '../stdio.js';

interface SampleFlags {
  kappa: number;
  delta: number;
  u: number;
  N: number;
  eps: number;
  epsI: number;
  t?: number[];
  samples: number;
  seed: number;
  efficiency: number;
  nmax?: number;
  csv?: string;
}

export async function heterodyneSample(o: SampleFlags): Promise<void> {
  const params = kerrParamsFrom(o, o.eps);
  const times = o.t;
  if (times) for (let i = 1; i < times.length; i++) if (!(times[i] > times[i - 1])) throw new ParameterError('--t', 'strictly increasing times', times.join(','));
  const initial = times ? kerrParamsFrom(o, o.epsI) : params;
  const K = o.nmax ?? compute(() => chooseK(params, times ? [o.epsI, o.eps] : [o.eps], times ? { quenchTime: times[times.length - 1] } : {}).K);
  const onWarn = (m: string) => writeErr(`epstudio: ${m}\n`);
  let rho: ComplexMatrix = compute(() => nessDensityMatrix(initial, K));
  const propagateInterval = times ? (await import('../../../src-core/kerr/quench.js')).propagateInterval : undefined;
  guardTruncation(rho, { onWarn, where: times ? `NESS at ε_i = ${o.epsI}` : `NESS at ε = ${o.eps}` });
  const rand = mulberry32(o.seed);
  // the table as columns (t, re, im): no array per outcome
  const total = o.samples * (times ? times.length : 1);
  const colT = new Float64Array(times ? total : 0), colRe = new Float64Array(total), colIm = new Float64Array(total);
  let drawn = 0;
  const draw = (st: ComplexMatrix, t?: number) => {
    const s = compute(() => sampleHusimi(st, o.samples, { rand, eta: o.efficiency }));
    for (let i = 0; i < o.samples; i++, drawn++) {
      if (t !== undefined) colT[drawn] = t;
      colRe[drawn] = s.re[i];
      colIm[drawn] = s.im[i];
    }
  };
  // Progress (issue 12): many --t (each a propagation) or many draws; after 2 s, at most one line a second.
  const report = throttledReporter('heterodyne-sample');
  if (!times) draw(rho);
  else {
    let tNow = 0;
    for (const [i, t] of times.entries()) {
      if (t > tNow) rho = compute(() => propagateInterval!(rho, params, t - tNow));
      tNow = t;
      guardTruncation(rho, { onWarn, where: `t = ${t}` });
      draw(rho, t);
      report(() => `t = ${t}: ${o.samples} outcomes drawn (${i + 1}/${times.length} times, K = ${K})`);
    }
  }
  report.done(() => `${drawn} outcomes drawn`);
  const raw = toRaw(params);
  const text = toCsvColumns({
    meta: {
      program: `epstudio ${VERSION} heterodyne-sample`,
      model: 'Kerr: H = Δa†a + iE(a† − a) + (U/2)a†a†aa, dρ/dt = −i[H,ρ] + 2κD[a]ρ, E = √N ε, U = u/N',
      kappa: params.kappa, delta: params.delta, u: params.u, N: params.N, eps: params.eps, E: raw.E, U: raw.U,
      ...(times && { eps_initial: o.epsI, quench: 'NESS at eps_initial, pump switched to eps at t = 0' }),
      K, samples_per_time: o.samples, seed: o.seed, efficiency: o.efficiency,
      method: 'exact sampling from Q(μ) = <μ|E_η(ρ)|μ>/π: Fock level n ~ ρ_nn, |μ|² ~ Gamma(n+1), angle by inverse CDF of the exact conditional',
      units: 'μ in units of the field amplitude (vacuum: e^{−|μ|²}/π)',
    },
    columns: times ? ['t', 're', 'im'] : ['re', 'im'],
    data: times ? [colT, colRe, colIm] : [colRe, colIm],
  });
  if (o.csv) writeFileAtomic(o.csv, text);
  else writeOut(text);
}

