/**
 * The O(K²) coefficient sweep of evaluatePolar (husimi.ts) as WebAssembly SIMD (husimiKernel.wat): the same
 * operations in the same order as the TypeScript sweepPair, bit-identical (test/core/phaseSpace/husimiKernel.test.ts).
 * The workspace lives in the module's memory: the packed upper triangle of X (interleaved complex, by diagonals), the
 * coefficients (8 doubles per k) and the plan's c_m(r_i) table, copied in once per plan. Null where WebAssembly SIMD is
 * missing (wasmKernel.ts): husimi.ts then runs its TypeScript sweep on plain arrays of the same layout.
 */
import { ensureMemory, instantiateKernel, wasmKernelsEnabled, type WasmMemory } from '../linalg/wasmKernel.js';
import { HUSIMI_KERNEL_WASM } from './husimiKernelWasm.js';

type SweepFn = (K: number, pack: number, c: number, b0: number, b1: number, lo: number, hi: number, coef: number) => void;

export interface HusimiWorkspace {
  K: number;
  /** Upper triangle of X by diagonals, interleaved: element (m, m + k) at 2(kK − k(k−1)/2 + m). */
  pack: Float64Array;
  /** A_k, D_k of the first radius at 8k…8k+3, of the second at 8k+4…8k+7. */
  coef: Float64Array;
  /** The sweep for radii b0 = i0·K and b1 (element offsets into the plan's c table) over the window [lo, hi]. */
  sweep(b0: number, b1: number, lo: number, hi: number): void;
}

let instance: { sweep: SweepFn; memory: WasmMemory } | null | undefined;
let current: { ws: HusimiWorkspace; c: Float64Array } | undefined;

/**
 * The workspace for dimension K with the table c (the plan's c_m(r_i), R·K doubles) loaded, or null. One at a time per
 * thread: a call with another K or table re-lays it out (the previous views are then stale).
 */
export function husimiKernel(K: number, c: Float64Array): HusimiWorkspace | null {
  if (instance === undefined) {
    const k = instantiateKernel(HUSIMI_KERNEL_WASM);
    instance = k && { sweep: k.exports.sweepPair as SweepFn, memory: k.memory };
  }
  if (!instance || !wasmKernelsEnabled()) return null;
  if (current && current.ws.K === K && current.c === c) return current.ws;
  const packLen = K * (K + 1); // doubles: K(K+1)/2 complex
  const packOff = 0, coefOff = packLen * 8, cOff = coefOff + 8 * K * 8;
  ensureMemory(instance.memory, cOff + c.length * 8);
  const buf = instance.memory.buffer;
  new Float64Array(buf, cOff, c.length).set(c);
  const sweep = instance.sweep;
  const ws: HusimiWorkspace = {
    K,
    pack: new Float64Array(buf, packOff, packLen),
    coef: new Float64Array(buf, coefOff, 8 * K),
    sweep: (b0, b1, lo, hi) => sweep(K, packOff, cOff, b0, b1, lo, hi, coefOff),
  };
  current = { ws, c };
  return ws;
}
