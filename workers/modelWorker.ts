/**
 * Worker of the window's single model runs (API model.ness / model.gap / model.quench), started per run by src-main/api/modelRuns.ts
 * from dist/workers/modelWorker.js: one engine call, exactly one reply. A run can take from
 * milliseconds to a minute (a closing gap converges slowly), so it never runs on the main side: cancelling it ends
 * the worker. No physics here.
 */
import { parentPort } from 'node:worker_threads';
import type { TwoPhotonKerrParams } from '../src-core/model/instances.js';
import { twoPhotonGapReport, twoPhotonSteadyReport } from '../src-core/model/twoPhotonReport.js';
import { runModelQuench, type ModelQuenchSpec } from '../src-core/model/quench.js';
import { ParameterError } from '../src-core/validation.js';

export type ModelJob =
  | { op: 'two-photon-ness'; params: TwoPhotonKerrParams; entropy: boolean; K?: number }
  | { op: 'two-photon-gap'; params: TwoPhotonKerrParams; K?: number; count?: number }
  | { op: 'two-photon-quench'; spec: ModelQuenchSpec };

function quench(spec: ModelQuenchSpec) {
  const r = runModelQuench(spec);
  return { columns: [...r.columns], rows: r.rows, Ks: r.Ks };
}

parentPort!.on('message', (msg: { job: ModelJob }) => {
  try {
    const j = msg.job;
    const value =
      j.op === 'two-photon-ness'
        ? twoPhotonSteadyReport(j.params, { entropy: j.entropy, K: j.K })
        : j.op === 'two-photon-gap'
          ? twoPhotonGapReport(j.params, { K: j.K, count: j.count ?? 2 })
          : quench(j.spec);
    parentPort!.postMessage({ ok: true, value });
  } catch (e) {
    // A ParameterError keeps its field and range across the thread (the user can act on it).
    const field = e instanceof ParameterError ? { field: e.field, allowed: e.allowed } : {};
    parentPort!.postMessage({ ok: false, error: JSON.stringify({ message: e instanceof Error ? e.message : String(e), ...field }) });
  }
});
