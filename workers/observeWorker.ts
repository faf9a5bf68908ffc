/**
 * Worker of a quench's observables (src-main/jobs/observePipeline.ts): the main thread propagates the next samples
 * while this thread observes the earlier ones. It rebuilds the engine's own observe function from the spec
 * (kerrQuenchObserve / modelQuenchObserve, the functions the serial loop calls), so every number is the same to the
 * bit. No physics here.
 *
 * Protocol: workerData = { kind, port, signal }. On `port`: { ready: true } once the engine module is loaded, then per
 * sample { i, o, ms } or { i, error, ms }. On parentPort: first { spec }, then { i, K, re, im } per sample.
 * After each post, signal[0] is incremented and notified, so the main thread can wait on it without its event loop
 * (Atomics.wait; it reads the port with receiveMessageOnPort). signal[1] = 1 when this thread exits.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ComplexMatrix } from '../src-core/linalg/complexMatrix.js';
import { setWasmKernels } from '../src-core/linalg/wasmKernel.js';
import type { KerrObserveSpec } from '../src-core/kerr/quench.js';
import type { ModelObserveSpec } from '../src-core/model/quench.js';

export type ObserveSpec = KerrObserveSpec | ModelObserveSpec;

export interface ObserveWorkerData {
  /** The main thread's WebAssembly-kernel switch (EPSTUDIO_WASM=0 there: the TypeScript twins here too; same bits). */
  wasm: boolean;
  /** Which engine module to load before the spec arrives (start-up off the critical path). */
  kind: ObserveSpec['model'];
  port: MessagePort;
  signal: SharedArrayBuffer;
}

/** Replies carry the sample's arrays back (moved), for the main thread to reuse for the next samples' copies. */
export type ObserveReply =
  | { ready: true }
  | { i: number; o: unknown; ms: number; re: Float64Array; im: Float64Array }
  | { i: number; error: string; ms: number; re: Float64Array; im: Float64Array };

const { kind, port, signal, wasm } = workerData as ObserveWorkerData;
setWasmKernels(wasm);
const sig = new Int32Array(signal);
const post = (m: ObserveReply): void => {
  port.postMessage(m, 're' in m ? [m.re.buffer as ArrayBuffer, m.im.buffer as ArrayBuffer] : []);
  Atomics.add(sig, 0, 1);
  Atomics.notify(sig, 0);
};
process.on('exit', () => {
  Atomics.store(sig, 1, 1);
  Atomics.add(sig, 0, 1);
  Atomics.notify(sig, 0);
});

const engine = kind === 'kerr' ? import('../src-core/kerr/quench.js') : import('../src-core/model/quench.js');
void engine.then(() => post({ ready: true }));
type Observe = (rho: ComplexMatrix, i: number) => unknown;
let observe: Promise<Observe> | undefined;

parentPort!.on('message', async (m: { spec: ObserveSpec } | { i: number; K: number; re: Float64Array; im: Float64Array }) => {
  if ('spec' in m) {
    const s = m.spec;
    observe = engine.then((mod): Observe =>
      s.model === 'kerr' ? (mod as typeof import('../src-core/kerr/quench.js')).kerrQuenchObserve(s) : (mod as typeof import('../src-core/model/quench.js')).modelQuenchObserve(s),
    );
    return;
  }
  // the spec came first (messages keep their order)
  const f = await observe!;
  const t0 = performance.now();
  try {
    const o = f({ K: m.K, re: m.re, im: m.im }, m.i);
    post({ i: m.i, o, ms: performance.now() - t0, re: m.re, im: m.im });
  } catch (e) {
    // the main thread observes this sample itself, so the caller sees the engine's own error (class, field)
    post({ i: m.i, error: e instanceof Error ? e.message : String(e), ms: performance.now() - t0, re: m.re, im: m.im });
  }
});
