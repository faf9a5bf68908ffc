/**
 * The two O(K²) loops of the Householder tridiagonalisation (hermitianEigen.ts) in WebAssembly SIMD
 * (hermitianKernel.wat): the same operations in the same order as the TypeScript loops, so the eigenvalues are
 * bit-identical (test/core/linalg/hermitianKernel.test.ts); ~2× faster at K = 65–233. The workspace arrays live in the
 * module's memory; null where WebAssembly SIMD is missing (wasmKernel.ts).
 */
import { ensureMemory, instantiateKernel, wasmKernelsEnabled, type WasmMemory } from './wasmKernel.js';
import { HERMITIAN_KERNEL_WASM } from './hermitianKernelWasm.js';

type LoopFn = (K: number, s: number, ar: number, ai: number, vr: number, vi: number, pr: number, pi: number) => void;

/** The arrays of the Householder reduction: A (K×K, split real/imaginary, row-major), v and p (K each). */
export interface HouseholderArrays {
  K: number;
  ar: Float64Array;
  ai: Float64Array;
  vr: Float64Array;
  vi: Float64Array;
  pr: Float64Array;
  pi: Float64Array;
}

export interface HermitianWorkspace extends HouseholderArrays {
  /** p = A v on the trailing block s…K−1 (lower triangle read). */
  trailingMatVec(s: number): void;
  /** A ← A − v w* − w v* on the lower triangle of the trailing block (w held in p). */
  rank2Update(s: number): void;
}

let instance: { tmv: LoopFn; r2u: LoopFn; memory: WasmMemory } | null | undefined;
let current: HermitianWorkspace | undefined;

/** The workspace for dimension K (one at a time per thread: another K re-lays it out), or null. */
export function hermitianKernel(K: number): HermitianWorkspace | null {
  if (instance === undefined) {
    const k = instantiateKernel(HERMITIAN_KERNEL_WASM);
    instance = k && { tmv: k.exports.trailingMatVec as LoopFn, r2u: k.exports.rank2Update as LoopFn, memory: k.memory };
  }
  if (!instance || !wasmKernelsEnabled()) return null;
  if (current && current.K === K) return current;
  const n2 = K * K;
  const arO = 0, aiO = 8 * n2, vrO = 16 * n2, viO = vrO + 8 * K, prO = viO + 8 * K, piO = prO + 8 * K;
  ensureMemory(instance.memory, piO + 8 * K);
  const buf = instance.memory.buffer;
  const { tmv, r2u } = instance;
  current = {
    K,
    ar: new Float64Array(buf, arO, n2),
    ai: new Float64Array(buf, aiO, n2),
    vr: new Float64Array(buf, vrO, K),
    vi: new Float64Array(buf, viO, K),
    pr: new Float64Array(buf, prO, K),
    pi: new Float64Array(buf, piO, K),
    trailingMatVec: (s) => tmv(K, s, arO, aiO, vrO, viO, prO, piO),
    rank2Update: (s) => r2u(K, s, arO, aiO, vrO, viO, prO, piO),
  };
  return current;
}
