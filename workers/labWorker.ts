/**
 * Lab worker (run by src-main/jobs/pool.ts from dist/workers/labWorker.js): one job, exactly one reply. Progress goes
 * over the job's MessagePort. No physics here: the engine's functions (src-core/lab/analysis.ts) do the work.
 *   heterodyne-bootstrap  rebuild the bins from (K, maxAbs), run a block of bootstrap refits (`epstudio heterodyne`,
 *                         the window's lab.analyze)
 *   heterodyne-fit        the full-data fit (moments, k-NN entropy, ML tomography) and the Q image of the detected
 *                         state E_η(ρ̂) on a grid (the window's lab.analyze: the fit runs here, not on the main thread)
 *   kerr-fit              the maximum-likelihood fit of the Kerr NESS (src-core/lab/fitKerr.ts; the window's lab.fit),
 *                         progress as fractions ×1000 over the port
 */
import { parentPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { bootstrapQuantities, fitHeterodyne, type HeterodyneOptions } from '../src-core/lab/analysis.js';
import { polarBins } from '../src-core/lab/heterodyneBins.js';
import { lossChannel } from '../src-core/lab/loss.js';
import { fitKerrNess, kerrFitStart, type KerrFitParam } from '../src-core/lab/fitKerr.js';
import { husimiImage, type PhaseGrid } from '../src-core/phaseSpace/image.js';

/** One block of bootstrap resamples. binOf lives in a SharedArrayBuffer shared by every job. */
export interface LabBootJob {
  op: 'heterodyne-bootstrap';
  K: number;
  maxAbs: number;
  binOf: Int32Array;
  rhoRe: Float64Array;
  rhoIm: Float64Array;
  eta: number;
  kappa?: number;
  U?: number;
  bootIterations: number;
  seed: number;
  first: number;
  count: number;
}

/** The full-data fit of one set of outcomes; `grid`: where to evaluate Q of E_η(ρ̂). */
export interface LabFitJob {
  op: 'heterodyne-fit';
  re: Float64Array;
  im: Float64Array;
  opts: Omit<HeterodyneOptions, 'onProgress' | 'onWarn'>;
  grid: PhaseGrid;
}

/** The Kerr NESS fit: `initial` holds the fixed values; free ε (and Δ, when not given) start from the data. */
export interface KerrFitJob {
  op: 'kerr-fit';
  re: Float64Array;
  im: Float64Array;
  kappa: number;
  efficiency: number;
  free: KerrFitParam[];
  initial: { N: number; eps?: number; delta: number; u: number };
  /** The tomographic ML state of the same outcomes, for the likelihood-ratio statement. */
  reference?: { K: number; re: Float64Array; im: Float64Array };
}

/** What heterodyne-fit returns: the fit without its bins (rebuilt from K and maxAbs) and the Q image. */
export interface LabFitResult {
  fit: Omit<import('../src-core/lab/analysis.js').HeterodyneFit, 'bins' | 'opts'>;
  Q: Float64Array;
}

function run(j: LabBootJob | LabFitJob | KerrFitJob, port: MessagePort | undefined): { value: unknown; transfer: ArrayBuffer[] } {
  if (j.op === 'kerr-fit') {
    const o = { kappa: j.kappa, efficiency: j.efficiency, free: j.free };
    const initial = kerrFitStart(j.re, j.im, { ...o, initial: j.initial });
    const value = fitKerrNess(j.re, j.im, { ...o, initial, reference: j.reference, onProgress: (f) => port?.postMessage({ done: Math.round(1000 * f), total: 1000 }) });
    return { value, transfer: [] };
  }
  if (j.op === 'heterodyne-fit') {
    const f = fitHeterodyne(j.re, j.im, j.opts);
    const detected = f.eta === 1 ? f.fit.rho : lossChannel(f.fit.rho, f.eta);
    const Q = husimiImage(detected, { ...j.grid, arrows: { nx: 2, ny: 2 } }).Q;
    const { bins: _b, opts: _o, ...rest } = f;
    const value: LabFitResult = { fit: rest, Q };
    return { value, transfer: [Q.buffer as ArrayBuffer, f.binOf.buffer as ArrayBuffer] };
  }
  const bins = polarBins(j.K, j.maxAbs);
  const vals = bootstrapQuantities(
    bins, j.binOf, { K: j.K, re: j.rhoRe, im: j.rhoIm }, j.eta,
    { kappa: j.kappa, U: j.U, bootIterations: j.bootIterations, onProgress: (done, total) => port?.postMessage({ done, total }) },
    j.seed, j.first, j.count,
  );
  return { value: Object.fromEntries(vals), transfer: [...vals.values()].map((a) => a.buffer as ArrayBuffer) };
}

parentPort!.on('message', (msg: { job: LabBootJob | LabFitJob | KerrFitJob; port?: MessagePort }) => {
  const port = msg.port;
  try {
    const { value, transfer } = run(msg.job, port);
    port?.close();
    parentPort!.postMessage({ ok: true, value }, transfer);
  } catch (e) {
    port?.close();
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
