/**
 * Bootstrap worker of `epstudio heterodyne` (run by src-main/jobs/pool.ts from dist/workers/labWorker.js): rebuild the
 * bins from (K, maxAbs), run a block of bootstrap refits (src-core/lab/analysis.ts), post exactly one reply. Progress
 * goes over the job's MessagePort. No physics here.
 */
import { parentPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { bootstrapQuantities } from '../src-core/lab/analysis.js';
import { polarBins } from '../src-core/lab/heterodyneBins.js';

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

parentPort!.on('message', (msg: { job: LabBootJob; port?: MessagePort }) => {
  const port = msg.port;
  try {
    const j = msg.job;
    const bins = polarBins(j.K, j.maxAbs);
    const vals = bootstrapQuantities(
      bins, j.binOf, { K: j.K, re: j.rhoRe, im: j.rhoIm }, j.eta,
      { kappa: j.kappa, U: j.U, bootIterations: j.bootIterations, onProgress: (done, total) => port?.postMessage({ done, total }) },
      j.seed, j.first, j.count,
    );
    const value = Object.fromEntries(vals);
    port?.close();
    parentPort!.postMessage({ ok: true, value }, [...vals.values()].map((a) => a.buffer as ArrayBuffer));
  } catch (e) {
    port?.close();
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
