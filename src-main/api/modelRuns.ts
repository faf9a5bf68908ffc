/**
 * The window's single runs of a model point (API model.ness / model.gap / model.quench): validated here, computed on a worker of
 * their own (workers/modelWorker.ts) so that the main side (Electron IPC, the browser host) never waits on the
 * engine. One run at a time; model.cancel ends the worker, and with it the run.
 */
import { validateTwoPhotonKerrParams, type TwoPhotonKerrParams } from '../../src-core/model/instances.js';
import type { TwoPhotonGapReport, TwoPhotonSteadyReport } from '../../src-core/model/twoPhotonReport.js';
import { ParameterError } from '../../src-core/validation.js';
import type { ModelJob } from '../../workers/modelWorker.js';
import { Worker } from 'node:worker_threads';
import { synchronousWorkerCompilation, workerScript } from '../jobs/pool.js';
import { ApiError, type parseRequest } from './contract.js';

const MODEL_WORKER = workerScript('modelWorker');

type Point = ReturnType<typeof parseRequest<'model.ness'>>;

/** The engine's parameters of a request, checked by the engine's rules (u > 0 or η₀ > 0 among them). */
export function pointParams(p: Omit<Point, 'entropy' | 'g'> & { g: number }): TwoPhotonKerrParams {
  return validateTwoPhotonKerrParams({ kappa: p.model.kappa, delta: p.model.delta, u: p.model.u, eta0: p.model.eta0 ?? 0, eps: p.eps, g: p.g, N: p.N });
}

/** Every number of a result must be finite (nothing non-finite reaches the window or a file). */
function checkFinite(values: Record<string, number>, what: string): void {
  for (const [k, v] of Object.entries(values))
    if (!Number.isFinite(v)) throw new ApiError({ message: `${what}: ${k} came out non-finite (try a fixed K or smaller N, g)`, field: 'K' });
}

/**
 * A worker thread of its own per run (not the study pool: a run must be stoppable at once, mid-computation, and
 * Worker.terminate is the only way to stop a synchronous engine call).
 */
export class ModelRuns {
  private worker: Worker | undefined;
  private cancelled = false;

  private run<T>(job: ModelJob): Promise<T> {
    if (this.worker) return Promise.reject(new ApiError({ message: 'a model run is in progress: wait for it or cancel it', field: '(request)' }));
    this.cancelled = false;
    synchronousWorkerCompilation();
    const w = (this.worker = new Worker(MODEL_WORKER));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        if (this.worker === w) this.worker = undefined;
        void w.terminate();
        f();
      };
      w.once('message', (reply: { ok: true; value: T } | { ok: false; error: string }) =>
        settle(() => {
          if (reply.ok) return resolve(reply.value);
          let body: { message?: string; field?: string; allowed?: string } = {};
          try {
            body = JSON.parse(reply.error) as typeof body;
          } catch {
            body = { message: reply.error };
          }
          // The engine's ParameterError keeps its field and range across the thread.
          // The model quench names its sides initial.g / final.g: the request's fields are gInitial / gFinal.
          const field = body.field === 'initial.g' ? 'gInitial' : body.field === 'final.g' ? 'gFinal' : body.field?.replace(/^(initial|final)\./, '');
          if (field !== undefined && body.allowed !== undefined) reject(new ParameterError(field, body.allowed, undefined));
          else reject(new ApiError({ message: `model run failed: ${body.message ?? 'unknown error'}` }));
        }),
      );
      w.once('error', (e) => settle(() => reject(new ApiError({ message: `model run failed: ${e.message}` }))));
      w.once('exit', () => settle(() => reject(new ApiError({ message: this.cancelled ? 'model run cancelled' : 'model run ended without a result' }))));
      w.postMessage({ job });
    });
  }

  async ness(p: Point): Promise<TwoPhotonSteadyReport & { seconds: number }> {
    const params = pointParams(p);
    const t0 = performance.now();
    const r = await this.run<TwoPhotonSteadyReport>({ op: 'two-photon-ness', params, entropy: p.entropy === true, K: p.K });
    checkFinite(r.values, 'NESS');
    if (!(r.tail < 1e-9))
      throw new ParameterError('K', `enough Fock levels: the top two hold ${r.tail.toExponential(2)} of the population (> 1e-9) at K = ${r.K}`, r.K);
    return { ...r, seconds: (performance.now() - t0) / 1000 };
  }

  async gap(p: Omit<Point, 'entropy'> & { count?: number }): Promise<TwoPhotonGapReport & { seconds: number }> {
    const params = pointParams(p);
    const t0 = performance.now();
    const r = await this.run<TwoPhotonGapReport>({ op: 'two-photon-gap', params, K: p.K, count: p.count });
    for (const s of r.sectors) checkFinite({ gap: s.gap, ...Object.fromEntries(s.eigenvalues.flatMap((z, i) => [[`re${i}`, z.re], [`im${i}`, z.im]])) }, `gap (${s.sector} sector)`);
    return { ...r, seconds: (performance.now() - t0) / 1000 };
  }

  async quench(p: ReturnType<typeof parseRequest<'model.quench'>>): Promise<{ columns: string[]; rows: number[][]; Ks: number[]; seconds: number }> {
    const side = (g: number) => pointParams({ ...p, g });
    const initial = side(p.gInitial), final = side(p.gFinal);
    const t0 = performance.now();
    const r = await this.run<{ columns: string[]; rows: number[][]; Ks: number[] }>({
      op: 'two-photon-quench',
      spec: { model: 'two-photon-kerr', initial, final, tMax: p.tMax, dt: p.dt, ...(p.K !== undefined && { K: p.K }), ...(p.rtol !== undefined && { rtol: p.rtol }) },
    });
    r.rows.forEach((row, i) => checkFinite(Object.fromEntries(row.map((v, j) => [`${r.columns[j]} at sample ${i}`, v])), 'quench'));
    return { ...r, seconds: (performance.now() - t0) / 1000 };
  }

  /** End the running model run, if any (its request fails with "model run cancelled"). */
  async cancel(): Promise<boolean> {
    const w = this.worker;
    if (!w) return false;
    this.cancelled = true;
    await w.terminate();
    return true;
  }
}
