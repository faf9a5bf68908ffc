/**
 * Instantiation of the engine's WebAssembly kernels (taylorKernel.wat, husimiKernel.wat, hermitianKernel.wat; issue
 * 12). WebAssembly is a global of every host the engine runs in (Node, worker threads, Chromium), not an import; the
 * modules are ~1 KB and compiled synchronously. Returns null where WebAssembly or its SIMD is missing, or where
 * compilation is refused (a Content-Security-Policy without wasm-unsafe-eval): the callers then run their TypeScript
 * kernels, which give the same bits.
 */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: Record<string, unknown> };
}

let enabled = true;
/**
 * Switch the WebAssembly kernels off (or on again) for this thread: the TypeScript loops then run, with the same
 * results. For measurements and diagnosis (the CLI's EPSTUDIO_WASM=0); the default is on.
 */
export function setWasmKernels(on: boolean): void {
  enabled = on;
}
export const wasmKernelsEnabled = (): boolean => enabled;

export function instantiateKernel(bytes: Uint8Array): { exports: Record<string, unknown>; memory: WasmMemory } | null {
  const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  try {
    if (!wa || !wa.validate(bytes)) return null;
    const exports = new wa.Instance(new wa.Module(bytes)).exports;
    return { exports, memory: exports.mem as WasmMemory };
  } catch {
    return null;
  }
}

/** Grows `memory` to at least `bytes` (64 KiB pages); views made before a growth are detached and must be remade. */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}
