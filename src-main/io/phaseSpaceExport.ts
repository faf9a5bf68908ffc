/**
 * Phase-space frames of a quench as data files (issue 11 item 7): Q(μ) and the dissipative current J(μ) at the shown
 * time or at every sample time, as HDF5 (one file, provenance as root attributes, `units`/`symbol` per dataset) and/or
 * NumPy .npy (one array per quantity; NumPy's header admits no metadata, so provenance.json lies beside them).
 *
 * Layout (both formats, C order, float64):
 *   t            (T,)            sample times after the quench, 1/ω₀
 *   re_mu, im_mu (nx,), (ny,)    the pixel grid of Q: Q[k, r, c] = Q(re_mu[c] + i im_mu[r], t[k])
 *   Q            (T, ny, nx)     Husimi Q = <μ|ρ(t)|μ>/π
 *   arrows_re_mu, arrows_im_mu   the coarser grid of J
 *   Jx, Jy       (T, ay, ax)     Re J, Im J with J = −(κ/π)<μ|aρ|μ>
 */
import type { PhaseGrid } from '../../src-core/phaseSpace/image.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { encodeNpy } from './npy.js';
import { provenanceAttrs, provenanceEntries, type Provenance } from './provenance.js';
import { QUANTITIES } from './quantities.js';
import { writeUnique } from './exportFiles.js';

export interface PhaseFrame {
  t: number;
  K: number;
  nx: number;
  ny: number;
  Q: ArrayLike<number>;
  Jx: ArrayLike<number>;
  Jy: ArrayLike<number>;
  arrows: { nx: number; ny: number };
}

/** The μ-plane grid of exported frames (the engine's PhaseGrid). */
export type FrameGrid = PhaseGrid;

export type PhaseFormat = 'h5' | 'npy';

function axis(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? (a + b) / 2 : a + ((b - a) * i) / (n - 1);
  return out;
}

function stack(frames: readonly PhaseFrame[], pick: (f: PhaseFrame) => ArrayLike<number>): Float64Array {
  const n = pick(frames[0]).length;
  const out = new Float64Array(frames.length * n);
  frames.forEach((f, k) => {
    const v = pick(f);
    if (v.length !== n) throw new Error('phase-space export: frames of different sizes');
    out.set(v, k * n);
  });
  return out;
}

/** The arrays of the layout above, with their shapes. */
export function frameArrays(frames: readonly PhaseFrame[], grid: FrameGrid): Record<string, { data: Float64Array; shape: number[] }> {
  if (frames.length === 0) throw new Error('phase-space export: no frames');
  const { nx, ny } = frames[0];
  const a = frames[0].arrows;
  const T = frames.length;
  return {
    t: { data: Float64Array.from(frames, (f) => f.t), shape: [T] },
    re_mu: { data: axis(grid.xMin, grid.xMax, nx), shape: [nx] },
    im_mu: { data: axis(grid.yMin, grid.yMax, ny), shape: [ny] },
    Q: { data: stack(frames, (f) => f.Q), shape: [T, ny, nx] },
    arrows_re_mu: { data: axis(grid.xMin, grid.xMax, a.nx), shape: [a.nx] },
    arrows_im_mu: { data: axis(grid.yMin, grid.yMax, a.ny), shape: [a.ny] },
    Jx: { data: stack(frames, (f) => f.Jx), shape: [T, a.ny, a.nx] },
    Jy: { data: stack(frames, (f) => f.Jy), shape: [T, a.ny, a.nx] },
  };
}

const unitOf = (name: string) => QUANTITIES[name.replace(/^arrows_/, '')];

/** Write the frames into `dir` (names never replace a file); returns the paths written and the record's entries. */
export async function writePhaseSpaceFrames(
  dir: string,
  frames: readonly PhaseFrame[],
  grid: FrameGrid,
  formats: readonly PhaseFormat[],
  rec: Provenance,
  stem = 'phase-space',
): Promise<{ files: string[]; provenance: Record<string, string> }> {
  const arrays = frameArrays(frames, grid);
  const written: string[] = [];
  const record = { ...rec, columns: Object.keys(arrays) };
  if (formats.includes('npy')) for (const [name, a] of Object.entries(arrays)) written.push(writeUnique(dir, `${name}.npy`, encodeNpy(a.data, a.shape)));
  if (formats.includes('h5')) {
    await h5wasm.ready;
    const tmp = mkdtempSync(join(tmpdir(), 'epstudio-ps-'));
    try {
      const file = join(tmp, 'frames.h5');
      const f = new h5wasm.File(file, 'w');
      try {
        f.create_attribute('format', 'epstudio-phase-space-h5');
        for (const [k, v] of Object.entries(provenanceAttrs(record))) f.create_attribute(k, v);
        f.create_attribute('layout', 'Q[k, r, c] = Q(re_mu[c] + i im_mu[r], t[k]); Jx/Jy[k, r, c] on arrows_re_mu/arrows_im_mu');
        for (const [name, a] of Object.entries(arrays)) {
          const ds = f.create_dataset({ name, data: a.data, shape: a.shape });
          const q = unitOf(name);
          if (q) {
            ds.create_attribute('units', q.units);
            ds.create_attribute('symbol', q.symbol);
          }
        }
      } finally {
        f.close();
      }
      written.push(writeUnique(dir, `${stem}.h5`, readFileSync(file)));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  // The record in a file of its own: .npy holds none, and PNG frames written beside it belong to the same export.
  const provenance = Object.fromEntries(provenanceEntries(record));
  // The array layout only where arrays were written (a PNG-only export has none).
  const json = formats.length ? { ...provenance, layout: Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, a.shape])) } : provenance;
  written.push(writeUnique(dir, 'provenance.json', JSON.stringify(json, null, 2) + '\n'));
  return { files: written, provenance };
}
