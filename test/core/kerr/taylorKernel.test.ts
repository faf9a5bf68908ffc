/**
 * The WebAssembly SIMD Taylor kernel (src-core/kerr/taylorKernel.wat, issue 12 speed) against the TypeScript one it
 * replaces: the same bits for every K and parameter set tried (so every result of the engine is unchanged by it), the
 * committed bytes equal to a fresh assembly of the text, and the kernel actually in use under Node (a silent fallback
 * would cost 3× in speed and nothing in correctness, so only this test would notice).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { hamiltonianDiagonal, sqrtTable } from '../../../src-core/kerr/liouvillian.js';
import { toRaw } from '../../../src-core/kerr/model.js';
import { newStats, propagateInterval } from '../../../src-core/kerr/propagate.js';
import { nessDensityMatrix } from '../../../src-core/kerr/steadyState.js';
import { taylorKernel } from '../../../src-core/kerr/taylorKernel.js';
import { randomDensityMatrix } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const paper = { kappa: 0.5, delta: -2, u: 1 };

describe('WebAssembly Taylor kernel', () => {
  it('is the assembly of its text (the committed bytes of every kernel are not stale)', async () => {
    const { assemble, render, KERNELS } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build-wasm.mjs')).href)) as {
      assemble(wat: string): Promise<Uint8Array>;
      render(b: Uint8Array, wat: string, name: string): string;
      KERNELS: [string, string, string][];
    };
    expect(KERNELS.map((k) => k[0])).toEqual(['src-core/kerr/taylorKernel.wat', 'src-core/phaseSpace/husimiKernel.wat', 'src-core/linalg/hermitianKernel.wat']);
    for (const [wat, out, name] of KERNELS) expect(render(await assemble(wat), wat, name), out).toBe(readFileSync(join(ROOT, out), 'utf8'));
  });

  it('loads under Node (WebAssembly SIMD present)', () => {
    const raw = toRaw({ ...paper, N: 10, eps: 1.1 });
    expect(taylorKernel(12, hamiltonianDiagonal(raw, 12), sqrtTable(12))).not.toBeNull();
  });

  it('gives the same bits as the TypeScript kernel: K = 1…70, random states, pumps and rates', () => {
    const cases: [number, number, number, number, number][] = [
      // [N, eps, K, kappa, seed]
      [1, 0.7, 1, 0.5, 1], [1, 0.7, 2, 0.5, 2], [2, 1.1, 3, 0.5, 3], [5, 1.3, 17, 0.5, 4], [10, 1.1, 40, 0.37, 5],
      [10, 0.2, 70, 1.9, 6],
    ];
    for (const [N, eps, K, kappa, seed] of cases) {
      const p = { ...paper, kappa, N, eps };
      const rho = randomDensityMatrix(K, seed);
      const sj = newStats(), sw = newStats();
      const a = propagateInterval(rho, p, 0.2, { kernel: 'js', stats: sj });
      const b = propagateInterval(rho, p, 0.2, { stats: sw });
      expect(sw.evaluations, `K = ${K}`).toBe(sj.evaluations);
      expect(Buffer.from(b.re.buffer).equals(Buffer.from(a.re.buffer)), `Re ρ, K = ${K}`).toBe(true);
      expect(Buffer.from(b.im.buffer).equals(Buffer.from(a.im.buffer)), `Im ρ, K = ${K}`).toBe(true);
    }
  });

  it('keeps a trajectory bit-identical across K changes and interleaved sizes (the workspace is re-laid out)', () => {
    const p = { ...paper, N: 10, eps: 1.1 };
    let x = nessDensityMatrix({ ...p, eps: 0.5 }, 23), y = x;
    const other = randomDensityMatrix(9, 7);
    for (let i = 0; i < 6; i++) {
      x = propagateInterval(x, p, 0.2);
      y = propagateInterval(y, p, 0.2, { kernel: 'js' });
      propagateInterval(other, { ...p, N: 3 }, 0.1); // another K and table in between
      expect(Buffer.from(x.re.buffer).equals(Buffer.from(y.re.buffer))).toBe(true);
      expect(Buffer.from(x.im.buffer).equals(Buffer.from(y.im.buffer))).toBe(true);
    }
  });
});
