/**
 * The rank-4 panel update of the multifrontal LU (gridLU.ts, trailingUpdate) in WebAssembly SIMD (gridLUKernel.wat):
 * the same operations in the same order as the TypeScript loop, so the factors are bit-identical
 * (test/core/linalg/gridLUKernel.test.ts). The front and the panel multipliers live in the module's memory for the
 * duration of one factorisation; null where WebAssembly SIMD is missing (wasmKernel.ts).
 */
import { ensureMemory, instantiateKernel, wasmKernelsEnabled, type WasmMemory } from './wasmKernel.js';
import { GRID_LU_KERNEL_WASM } from './gridLUKernelWasm.js';

type UpdateFn = (
  Fr: number, Fi: number, f: number, k0: number,
  P0r: number, P0i: number, P1r: number, P1i: number, P2r: number, P2i: number, P3r: number, P3i: number,
) => void;

export interface FrontWorkspace {
  /** The front, maxFront² doubles each, row-major with the row length f of the node being factorised. */
  Fr: Float64Array;
  Fi: Float64Array;
  /** Multipliers of the panel's 4 steps by row (maxFront each). */
  PR: Float64Array[];
  PI: Float64Array[];
  /** F[i][j] −= Σ_{t<4} P_t[i] F[k0+t][j] for i, j ≥ k0 + 4 of the f×f front. */
  update4(f: number, k0: number): void;
}

let instance: { update: UpdateFn; memory: WasmMemory } | null | undefined;

/**
 * A workspace for fronts up to maxFront (zeroed), or null. One at a time per thread: the next call re-lays the memory
 * out and leaves the previous views stale (a factorisation takes its workspace at its start and is not reentrant).
 */
export function frontWorkspace(maxFront: number): FrontWorkspace | null {
  if (instance === undefined) {
    const k = instantiateKernel(GRID_LU_KERNEL_WASM);
    instance = k && { update: k.exports.trailingUpdate4 as UpdateFn, memory: k.memory };
  }
  if (!instance || !wasmKernelsEnabled()) return null;
  const n2 = maxFront * maxFront;
  const FrO = 0, FiO = 8 * n2, P0 = 16 * n2;
  const bytes = P0 + 8 * 8 * maxFront;
  ensureMemory(instance.memory, bytes);
  const buf = instance.memory.buffer;
  new Float64Array(buf, 0, bytes / 8).fill(0);
  const po = (t: number) => P0 + 8 * t * maxFront;
  const update = instance.update;
  return {
    Fr: new Float64Array(buf, FrO, n2),
    Fi: new Float64Array(buf, FiO, n2),
    PR: [0, 1, 2, 3].map((t) => new Float64Array(buf, po(2 * t), maxFront)),
    PI: [0, 1, 2, 3].map((t) => new Float64Array(buf, po(2 * t + 1), maxFront)),
    update4: (f, k0) => update(FrO, FiO, f, k0, po(0), po(1), po(2), po(3), po(4), po(5), po(6), po(7)),
  };
}
