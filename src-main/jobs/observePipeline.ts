/**
 * A quench's observables on the second core (issue 12: the N = 10 quench as a whole process). The engine's sample
 * loop (sampleQuench, src-core/kerr/quench.ts) propagates on this thread and hands each checked state to a
 * QuenchObserver; this one sends them to a worker thread (workers/observeWorker.ts), which computes the observables
 * with the engine's own observe function, while this thread propagates the next samples.
 *
 * The loop stays synchronous: the worker's replies are read with receiveMessageOnPort and waited for with
 * Atomics.wait on a shared counter, so no event-loop turn is needed (and none of the callers changes shape).
 *
 * Work sharing: the worker holds at most DEPTH samples (one computing, the others queued, so it never idles between
 * messages); the rest wait here. The propagation is the serial chain, so this thread propagates first, as far ahead
 * as the lag allows (LAG); when it cannot (it is `lag` ahead, or done) it observes the oldest waiting sample itself, but only
 * when that ends before the worker alone would have cleared the backlog (backlog × the worker's time per sample >
 * this thread's expected time per sample). A thread's first observations are slow (JIT compilation, the polar plans
 * cached per K and grid: measured 50–110 ms for the first at K = 65, ~10 ms for the next few, ~1.2 ms warm), so a
 * cold main thread helps only with a long backlog. It observes everything while the worker has not started (a worker
 * that cannot start only means a serial run) and takes back the samples of a worker that exited. Since observe is a
 * pure function of (ρ, i), which thread computed a sample never changes a bit of the result.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ObservedSample, QuenchObserver } from '../../src-core/kerr/quench.js';
import type { ComplexMatrix } from '../../src-core/linalg/complexMatrix.js';
import { wasmKernelsEnabled } from '../../src-core/linalg/wasmKernel.js';
import type { ObserveReply, ObserveSpec, ObserveWorkerData } from '../../workers/observeWorker.js';
import { synchronousWorkerCompilation, workerScript } from './workerFiles.js';

export const OBSERVE_WORKER = workerScript('observeWorker');

// node:worker_threads (~3 ms to load) only once a pipeline starts: every quench imports this module to ask whether
// one should (cold start, issue 12).
const requireBuiltin = createRequire(import.meta.url);
const threads = () => requireBuiltin('node:worker_threads') as typeof import('node:worker_threads');

/** Samples sent to the worker and not yet back (one computing, the rest queued behind it). */
const DEPTH = 3;
/**
 * How far the propagation may run ahead of the samples reported: LAG samples, and states of at most LAG_BYTES (the
 * states propagated beyond an arrival at the NESS are discarded). Measured on the N = 50, t ≤ 20 quench (K ≈ 200–260,
 * 1 MB a state): with the lag bounded only by 64 MB the main thread's CPU time grew from 6.4 s (lag 4) to 8.4 s (the
 * states no longer stay in cache, and external memory drives the garbage collector), for no gain in overlap.
 */
const LAG = 8;
const LAG_BYTES = 32 * 2 ** 20;
/** Longest single wait (ms) before checking that the worker is still alive. */
const WAIT_MS = 250;
/** Expected ms of this thread's first observation (cold: JIT and plans), refined by each one it makes. */
const LOCAL_COLD_MS = 25;

/** Counters of one pipelined run (the bench's and the tests' view of the work sharing). */
export interface PipelineStats {
  /** Samples observed by the worker and here. */
  worker: number;
  local: number;
  /** Of the local ones: before the worker was ready. */
  beforeReady: number;
  /** ms spent observing here. */
  localMs: number;
  /** ms from the pipeline's start to the worker's ready message (NaN: never). */
  readyMs: number;
  /** ms spent here copying states into messages and reading replies, and blocked waiting for the worker. */
  messageMs: number;
  waitMs: number;
}

export interface ObservePipeline {
  /** The observer for a run with this spec; localObserve must be the engine function the spec names (the worker builds the same). */
  observer<O>(spec: ObserveSpec, localObserve: (rho: ComplexMatrix, i: number) => O): QuenchObserver<O>;
  /** Block until the worker has loaded the engine (at most timeoutMs); whether it has. Tests: a run that surely shares. */
  waitReady(timeoutMs: number): boolean;
  readonly stats: PipelineStats;
  /** End the worker (the run may be over or have thrown). */
  close(): Promise<void>;
}

export interface ObservePipelineOptions {
  /** Override the lag (samples) and the worker's depth (tests: force work sharing). */
  lag?: number;
  depth?: number;
  /** The worker script (tests: one that never starts). */
  script?: string;
}

/**
 * Start the worker now (it loads the engine's `kind` module while the caller plans and computes the initial state).
 * A worker that cannot start only means every sample is observed here.
 */
export function startObservePipeline(kind: ObserveSpec['model'], opts: ObservePipelineOptions = {}): ObservePipeline {
  const t0 = performance.now();
  const { MessageChannel, receiveMessageOnPort, Worker } = threads();
  const sig = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const stats: PipelineStats = { worker: 0, local: 0, beforeReady: 0, localMs: 0, readyMs: NaN, messageMs: 0, waitMs: 0 };
  let worker: Worker | undefined;
  let dead = false;
  try {
    // see pool.ts: a worker isolate torn down while V8 compiles for it in the background can abort the process
    synchronousWorkerCompilation();
    const data: ObserveWorkerData = { kind, port: port2, signal: sig.buffer as SharedArrayBuffer, wasm: wasmKernelsEnabled() };
    worker = new Worker(opts.script ?? OBSERVE_WORKER, { workerData: data, transferList: [port2 as unknown as MessagePort] });
    // errors reach here only when the event loop turns (after a synchronous run): the signal word says it earlier
    worker.on('error', () => (dead = true));
    worker.on('exit', () => (dead = true));
    worker.unref();
  } catch {
    dead = true;
  }
  const workerGone = () => dead || Atomics.load(sig, 1) === 1;
  let ready = false;
  /** Replies of the worker, in arrival order (ready is taken out here). */
  const replies: Exclude<ObserveReply, { ready: true }>[] = [];
  const read = (): void => {
    const t = performance.now();
    for (let m; (m = receiveMessageOnPort(port1)); ) {
      const r = m.message as ObserveReply;
      if ('ready' in r) {
        ready = true;
        stats.readyMs = performance.now() - t0;
      } else replies.push(r);
    }
    stats.messageMs += performance.now() - t;
  };
  /** Block until the worker posts (or exits), at most ms. */
  const block = (seen: number, ms: number): void => {
    const t = performance.now();
    Atomics.wait(sig, 0, seen, ms);
    stats.waitMs += performance.now() - t;
  };
  let used = false;

  const observer = <O>(spec: ObserveSpec, localObserve: (rho: ComplexMatrix, i: number) => O): QuenchObserver<O> => {
    if (used) throw new Error('observePipeline: one run per pipeline');
    used = true;
    if (worker && !dead) worker.postMessage({ spec });
    const depth = opts.depth ?? DEPTH;
    const waiting: { i: number; rho: ComplexMatrix }[] = [];
    const inFlight = new Map<number, ComplexMatrix>();
    /** Running estimates of the ms per observation here and on the worker (NaN: none back yet). */
    let localEst = LOCAL_COLD_MS, workerEst = NaN;

    const local = (i: number, rho: ComplexMatrix): ObservedSample<O> => {
      const t = performance.now();
      stats.local++;
      if (!ready) stats.beforeReady++;
      try {
        return { i, o: localObserve(rho, i), ms: performance.now() - t };
      } catch (error) {
        return { i, error, ms: performance.now() - t };
      } finally {
        const ms = performance.now() - t;
        stats.localMs += ms;
        localEst = 0.5 * localEst + 0.5 * ms;
      }
    };
    const pump = () => {
      if (!ready || workerGone()) return;
      const t = performance.now();
      while (inFlight.size < depth && waiting.length) {
        const s = waiting.shift()!;
        inFlight.set(s.i, s.rho);
        // a copy, moved (the loop still reads ρ: NESS distance, onSample, the next interval), into arrays the worker
        // handed back (fewer allocations, less garbage collection here); measured at K = 65: ~35 µs a sample,
        // against ~100 µs for the structured clone of the arrays
        const n = s.rho.re.length;
        const re = spare(n), im = spare(n);
        re.set(s.rho.re);
        im.set(s.rho.im);
        worker!.postMessage({ i: s.i, K: s.rho.K, re, im }, [re.buffer as ArrayBuffer, im.buffer as ArrayBuffer]);
      }
      stats.messageMs += performance.now() - t;
    };
    /** Arrays back from the worker, for the next copies (only of the current size: K changes only a few times). */
    let spares: Float64Array[] = [];
    const spare = (n: number): Float64Array => {
      if (spares.length && spares[0].length !== n) spares = [];
      return spares.pop() ?? new Float64Array(n);
    };
    const drain = (out: ObservedSample<O>[]) => {
      read();
      for (const r of replies.splice(0)) {
        if (spares.length < 2 * depth) spares.push(r.re, r.im);
        const rho = inFlight.get(r.i);
        // a late reply of a worker that was given up on: its sample is (being) observed here
        if (!rho) continue;
        inFlight.delete(r.i);
        // an error there is recomputed here, so the caller gets the engine's own error (class and field) at this sample
        if ('error' in r) out.push(local(r.i, rho));
        else {
          stats.worker++;
          workerEst = Number.isNaN(workerEst) ? r.ms : 0.8 * workerEst + 0.2 * r.ms;
          out.push({ i: r.i, o: r.o as O, ms: r.ms });
        }
      }
      // a worker that exited: its samples come back here
      if (workerGone() && inFlight.size) {
        for (const [i, rho] of inFlight) waiting.push({ i, rho });
        inFlight.clear();
        waiting.sort((a, b) => a.i - b.i);
      }
    };

    return {
      lag: (K) => opts.lag ?? Math.max(2, Math.min(LAG, Math.floor(LAG_BYTES / (16 * K * K)))),
      submit(i, rho) {
        waiting.push({ i, rho });
        pump();
      },
      take(wait) {
        const out: ObservedSample<O>[] = [];
        for (;;) {
          drain(out);
          pump();
          if (out.length || !wait) return out;
          // the loop cannot go on: observe the oldest waiting sample here if that ends before the worker would
          // have cleared the backlog alone (always when the worker is not running)
          const alone = (waiting.length + inFlight.size) * (Number.isNaN(workerEst) ? localEst : workerEst);
          if (waiting.length && (!ready || workerGone() || localEst < alone)) {
            const s = waiting.shift()!;
            out.push(local(s.i, s.rho));
            pump();
            return out;
          }
          // everything outstanding is at the worker
          const seen = Atomics.load(sig, 0);
          drain(out);
          if (out.length) continue;
          block(seen, WAIT_MS);
        }
      },
    };
  };

  return {
    observer,
    stats,
    waitReady(timeoutMs) {
      const end = performance.now() + timeoutMs;
      for (;;) {
        const seen = Atomics.load(sig, 0);
        read();
        if (ready || workerGone()) return ready;
        const left = end - performance.now();
        if (left <= 0) return false;
        block(seen, left);
      }
    },
    async close() {
      port1.close();
      if (worker) await worker.terminate();
    },
  };
}

/**
 * The pipeline for a command's quench with EPSTUDIO_QUENCH_PIPELINE=1 (on a machine with ≥ 2 cores), else undefined:
 * the serial loop. Not the default, because on the 2-core machine it was built for it does not pay: the serial N = 10
 * quench already keeps the second core busy with V8's compiler and garbage-collector threads (~0.2 s of its 1.0–1.2 s
 * CPU), and the worker adds ~0.5 s of CPU (its start-up, its own JIT and polar plans, ~0.4 ms of messaging a sample),
 * so the two threads contend for the cores: measured with both cores idle at the start (5 pairs), whole process
 * 0.98–1.54 s pipelined against 0.98–1.03 s serial (process CPU 1.70–1.89 against 1.17–1.23 s); with the WebAssembly
 * kernels (propagation ~2.9× faster, so the observables are most of the work) 10 interleaved pairs at load 2.9–3.2:
 * median 1.48 s pipelined against 1.19 s serial, the serial run faster in all 10; N = 50, t ≤ 20 at load 3.7: 9.2
 * against 7.4 s. Machines with more cores may gain: measure with EPSTUDIO_TIMING=1 (its epstudio-pipeline line says
 * who observed what). What would cut the worker's cost: states and results through a SharedArrayBuffer instead of
 * messages (the worker's profile shows ~0.2 s of garbage collection and ~40 ms of postMessage for 250 samples).
 */
export function quenchPipeline(kind: ObserveSpec['model']): ObservePipeline | undefined {
  if (process.env.EPSTUDIO_QUENCH_PIPELINE !== '1' || availableParallelism() < 2) return undefined;
  return startObservePipeline(kind);
}

/** The pipeline's counters as one stderr line (EPSTUDIO_TIMING=1, next to the epstudio-timing line). */
export function pipelineStatsLine(st: PipelineStats): string {
  const ms = (x: number) => (x / 1000).toFixed(4);
  return `epstudio-pipeline: worker_samples=${st.worker} local_samples=${st.local} local_before_ready=${st.beforeReady} local_s=${ms(st.localMs)} worker_ready_s=${ms(st.readyMs)} message_s=${ms(st.messageMs)} wait_s=${ms(st.waitMs)}\n`;
}
