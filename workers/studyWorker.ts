/**
 * Study worker (run by src-main/jobs/pool.ts from dist/workers/studyWorker.js): decode a job, call the engine, post
 * exactly one reply (the pool library resolves a job with the worker's first message). Progress goes over the job's
 * MessagePort; cancel is a shared flag checked between samples. Every error becomes { ok: false, error }, so a
 * throwing engine call fails its job (and task), never the worker or the study. No physics here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Job, JobEnvelope, JobReply, RhoData, WorkerInit } from './protocol.js';
import { gaussianPoints, nessPoints, gapPoints, observablesRows, propagateSamples, quenchPlan, twoPhotonGapPoints, twoPhotonNessPoints } from './engineCalls.js';

const cancel = new Int32Array((workerData as WorkerInit).cancel);

class Cancelled extends Error {}

function checkCancel(): void {
  if (Atomics.load(cancel, 0) !== 0) throw new Cancelled('cancelled');
}

function handle(job: Job, port: JobEnvelope['port']): { value: unknown; transfer: ArrayBuffer[] } {
  const progress = (done: number, total: number) => (port as import('node:worker_threads').MessagePort | undefined)?.postMessage({ done, total });
  switch (job.op) {
    case 'quench-plan': {
      const r = quenchPlan(job.q, job.withState);
      const transfer: ArrayBuffer[] = [r.times.buffer as ArrayBuffer];
      if (r.rho) transfer.push(r.rho.re.buffer as ArrayBuffer, r.rho.im.buffer as ArrayBuffer);
      return { value: r, transfer };
    }
    case 'propagate': {
      const rhos: RhoData[] = [];
      const Ks: number[] = [], kinds: number[] = [], discarded: number[] = [];
      let rho: RhoData = job.rho, K = job.K;
      for (let s = 0; s < job.steps; s++) {
        checkCancel();
        const r = propagateSamples(job.q, K, rho);
        rho = r.rho;
        K = r.K;
        rhos.push(rho);
        Ks.push(K);
        kinds.push(r.kinds);
        discarded.push(r.discarded);
        progress(s + 1, job.steps);
      }
      return { value: { rhos, Ks, kinds, discarded }, transfer: rhos.flatMap((r) => [r.re.buffer as ArrayBuffer, r.im.buffer as ArrayBuffer]) };
    }
    case 'observables': {
      const r = observablesRows(job.q, job.Ks, job.rhos, job.ks, job.ts, checkCancel, job.withNess === true);
      r.rhos = job.rhos;
      return {
        value: r,
        transfer: [
          r.rows.buffer as ArrayBuffer, r.top!.buffer as ArrayBuffer, ...(r.dist ? [r.dist.buffer as ArrayBuffer] : []),
          ...job.rhos.flatMap((x) => [x.re.buffer as ArrayBuffer, x.im.buffer as ArrayBuffer]),
        ],
      };
    }
    case 'points': {
      if (job.sweep === 'gap') {
        // One engine call for the block (it warm-starts K along the pumps); progress and cancel between pumps.
        const r = gapPoints(job.sweep, job.fixed, job.xs, checkCancel, progress);
        return { value: r, transfer: [r.rows.buffer as ArrayBuffer] };
      }
      if (job.sweep === 'tp-gap') {
        const r = twoPhotonGapPoints(job.fixed, job.xs, checkCancel, progress);
        return { value: r, transfer: [r.rows.buffer as ArrayBuffer] };
      }
      const f = job.sweep === 'gaussian' ? gaussianPoints : job.sweep === 'tp-ness' ? (_s: string, fx: typeof job.fixed, x: number[], c: () => void) => twoPhotonNessPoints(fx, x, c) : nessPoints;
      // One point at a time, so that progress and cancel act between points.
      let cols = 0;
      const parts: Float64Array[] = [];
      job.xs.forEach((x, i) => {
        const r = f(job.sweep, job.fixed, [x], checkCancel);
        cols = r.cols;
        parts.push(r.rows);
        progress(i + 1, job.xs.length);
      });
      const rows = new Float64Array(parts.length * cols);
      parts.forEach((p, i) => rows.set(p, i * cols));
      return { value: { cols, rows }, transfer: [rows.buffer as ArrayBuffer] };
    }
  }
}

parentPort!.on('message', (msg: JobEnvelope) => {
  let reply: JobReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const out = handle(msg.job, msg.port);
    reply = { ok: true, value: out.value };
    transfer = out.transfer;
  } catch (e) {
    reply = e instanceof Cancelled ? { ok: false, error: 'cancelled', cancelled: true } : { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  (msg.port as import('node:worker_threads').MessagePort | undefined)?.close();
  parentPort!.postMessage(reply, transfer);
});
