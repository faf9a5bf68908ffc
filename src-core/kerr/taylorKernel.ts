/**
 * The Taylor term of propagate.ts as WebAssembly SIMD (taylorKernel.wat): the same operations in the same order as
 * the TypeScript taylorTerm, so the results are bit-identical (test/core/kerr/taylorKernel.test.ts), 3× faster (one f64x2
 * lane pair per complex element; measured 7.8 against 23–27 µs per term at K = 65, 71 against 220 µs at K = 200,
 * Node 20). Where WebAssembly SIMD is missing (wasmKernel.ts), `taylorKernel` returns null and propagate.ts uses the
 * TypeScript kernel. The module is compiled once per thread, on first use.
 */
import { ensureMemory, instantiateKernel, wasmKernelsEnabled, type WasmMemory } from '../linalg/wasmKernel.js';
import { TAYLOR_KERNEL_WASM } from './taylorKernelWasm.js';

type TermFn = (K: number, E: number, kappa: number, f: number, v: number, w: number, y: number, hd: number, sq: number) => number;
type SeedFn = (K: number, v: number, y: number) => number;

/** A workspace for one K in the kernel's memory: ping-pong terms v, w and the sum y (2K² doubles each, interleaved). */
export interface TaylorWorkspace {
  K: number;
  /** The current term (input of the next `term`), the scratch, and the running sum, as views of the module's memory. */
  v: Float64Array;
  w: Float64Array;
  y: Float64Array;
  /**
   * w = f·L(v) on the upper triangle, y += w, then v and w swap (so `v` is the new term); returns max |Re| + |Im| of
   * the term. hd = h_m and sq = √m were copied in by `taylorKernel`.
   */
  term(E: number, kappa: number, f: number): number;
  /** Start of a substep: v = y on the upper triangle; returns max |Re y_mn| + |Im y_mn| there. */
  seed(): number;
}

let instance: { term: TermFn; seed: SeedFn; memory: WasmMemory } | null | undefined;

function load(): { term: TermFn; seed: SeedFn; memory: WasmMemory } | null {
  if (instance !== undefined) return instance;
  const k = instantiateKernel(TAYLOR_KERNEL_WASM);
  instance = k && { term: k.exports.term as TermFn, seed: k.exports.seed as SeedFn, memory: k.memory };
  return instance;
}

let current: TaylorWorkspace | undefined;
let currentHd: Float64Array | undefined;

/**
 * The workspace for K with h_m and √m loaded, or null when WebAssembly SIMD is unavailable. One workspace lives at a
 * time (the memory is the module's): a call for another K, or other tables, re-lays it out and invalidates the views
 * of the previous one. Not reentrant, as the propagator that uses it.
 */
export function taylorKernel(K: number, hd: Float64Array, sq: Float64Array): TaylorWorkspace | null {
  if (!wasmKernelsEnabled()) return null;
  const wasm = load();
  if (!wasm) return null;
  if (current && current.K === K && currentHd !== undefined && sameTable(currentHd, hd)) return current;
  const n2 = 2 * K * K;
  const bytes = (3 * n2 + K + K + 1) * 8;
  ensureMemory(wasm.memory, bytes);
  const buf = wasm.memory.buffer;
  const vOff = 0, wOff = n2 * 8, yOff = 2 * n2 * 8, hdOff = 3 * n2 * 8, sqOff = hdOff + K * 8;
  new Float64Array(buf, hdOff, K).set(hd.subarray(0, K));
  new Float64Array(buf, sqOff, K + 1).set(sq.subarray(0, K + 1));
  let a = new Float64Array(buf, vOff, n2), b = new Float64Array(buf, wOff, n2);
  let aOff = vOff, bOff = wOff;
  const fn = wasm.term, seedFn = wasm.seed;
  const ws: TaylorWorkspace = {
    K,
    v: a,
    w: b,
    y: new Float64Array(buf, yOff, n2),
    term(E, kappa, f) {
      const mx = fn(K, E, kappa, f, aOff, bOff, yOff, hdOff, sqOff);
      [a, b] = [b, a];
      [aOff, bOff] = [bOff, aOff];
      ws.v = a;
      ws.w = b;
      return mx;
    },
    seed: () => seedFn(K, aOff, yOff),
  };
  current = ws;
  currentHd = hd.slice(0, K);
  return ws;
}

function sameTable(a: Float64Array, b: Float64Array): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
