/**
 * The WebAssembly SIMD panel update of the multifrontal LU (src-core/linalg/gridLUKernel.wat, issue 12 speed) against
 * the TypeScript one: the same bits in every factor, pivot and interchange for the Kerr Liouvillian (as the NESS solve
 * uses it) and for a random stencil with a weak diagonal (row interchanges everywhere), at sizes with and without a
 * partial last panel; and the kernel actually loaded under Node. The factorisation itself is checked against a dense
 * solve in gridLU.test.ts (which now runs the WebAssembly update).
 */
import { describe, expect, it } from 'vitest';
import { gridLUFactor, gridSymbolic, type GridLU, type StencilMatrix } from '../../../src-core/linalg/gridLU.js';
import { frontWorkspace } from '../../../src-core/linalg/gridLUKernel.js';
import { LIOUVILLIAN_OFFSETS, liouvillianStencil } from '../../../src-core/kerr/liouvillianBanded.js';
import { toRaw } from '../../../src-core/kerr/model.js';
import { mulberry32 } from '../../../src-core/random.js';

const bits = (a: Float64Array | Int32Array, b: Float64Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function randomStencil(K: number, seed: number): StencilMatrix {
  const u = mulberry32(seed);
  const T = LIOUVILLIAN_OFFSETS.length;
  const re = new Float64Array(K * K * T), im = new Float64Array(K * K * T);
  for (let m = 0; m < K; m++)
    for (let n = 0; n < K; n++)
      for (let t = 0; t < T; t++) {
        const [dm, dn] = LIOUVILLIAN_OFFSETS[t];
        if (m + dm < 0 || m + dm >= K || n + dn < 0 || n + dn >= K) continue;
        const s = t === 0 ? 0.05 : 1;
        re[(m * K + n) * T + t] = s * (u() - 0.5);
        im[(m * K + n) * T + t] = s * (u() - 0.5);
      }
  return { K, offsets: LIOUVILLIAN_OFFSETS, re, im };
}

function expectSameFactors(a: GridLU, b: GridLU, what: string): void {
  expect(a.uf.length, what).toBeGreaterThan(0);
  expect(a.uf.every(Number.isFinite), what).toBe(true);
  expect(bits(a.uf, b.uf) && bits(a.lf, b.lf), `${what}: L, U`).toBe(true);
  expect(bits(a.invPiv, b.invPiv) && bits(a.swap, b.swap), `${what}: pivots`).toBe(true);
  expect(a.perturbed, what).toBe(b.perturbed);
}

describe('WebAssembly panel update of the multifrontal LU', () => {
  it('loads under Node (WebAssembly SIMD present)', () => {
    expect(frontWorkspace(8)).not.toBeNull();
  });

  it('gives the same factors as the TypeScript update: Kerr Liouvillian (K = 23, 40, 61) and random stencils', () => {
    for (const K of [23, 40, 61]) {
      const A = liouvillianStencil(toRaw({ kappa: 0.5, delta: -2, u: 1, N: 10, eps: 1.1 }), K, { re: 0, im: 0 });
      const sym = gridSymbolic(K, A.offsets);
      expectSameFactors(gridLUFactor(A, sym), gridLUFactor(A, sym, { kernel: 'js' }), `Kerr K = ${K}`);
    }
    for (const [K, seed] of [[9, 1], [17, 2], [30, 3]]) {
      const A = randomStencil(K, seed);
      const sym = gridSymbolic(K, A.offsets);
      expectSameFactors(gridLUFactor(A, sym), gridLUFactor(A, sym, { kernel: 'js' }), `random K = ${K}`);
    }
  });
});
