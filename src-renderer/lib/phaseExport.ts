/**
 * Export of the phase-space viewer (issue 11 item 7): Q(μ) and J(μ) at the shown time or at every sample time, as
 * HDF5 and/or NumPy .npy (written by the main side with provenance.json: phaseSpace.export), and the frames as PNG.
 * Everything goes into one new folder (files.chooseDir). The PNG frames share one colour scale, the largest Q over the
 * exported frames, so that frames are comparable; each PNG carries the export's provenance as text chunks.
 */
import { api } from '../api/client.js';
import type { Req, Res } from '../../src-main/api/contract.js';
import { drawArrows, viridis } from './heatmap.js';

type FrameReq = Req<'phaseSpace.frame'>;
type Frame = Res<'phaseSpace.frame'>;

export interface PhaseExportOptions {
  params: FrameReq['params'];
  grid: FrameReq['grid'];
  /** The shown time only, or every sample t_k = k·Δt ≤ t_max. */
  times: number[];
  formats: ('h5' | 'npy')[];
  png: boolean;
  /** Draw J(μ) arrows on the PNG frames (as on screen). */
  arrows: boolean;
  onProgress?: (text: string) => void;
}

/** Sample times 0, Δt, …, t_max, each rounded as the slider does (10 decimals). */
export function sampleTimes(dt: number, tMax: number): number[] {
  const n = Math.round(tMax / dt);
  return Array.from({ length: n + 1 }, (_, k) => +(k * dt).toFixed(10));
}

/** One frame as a PNG (base64): Q on a fixed scale 0…qMax (viridis), J arrows, a caption with t and the scale. */
export function framePng(f: Frame, qMax: number, arrows: boolean, size = 512): string {
  const cap = 24;
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size + cap;
  const g = c.getContext('2d')!;
  const img = new ImageData(f.nx, f.ny);
  for (let iy = 0; iy < f.ny; iy++)
    for (let ix = 0; ix < f.nx; ix++) {
      const [r, gg, b] = viridis(qMax > 0 ? f.Q[iy * f.nx + ix] / qMax : 0);
      const o = ((f.ny - 1 - iy) * f.nx + ix) * 4; // Im μ grows upwards
      img.data[o] = r;
      img.data[o + 1] = gg;
      img.data[o + 2] = b;
      img.data[o + 3] = 255;
    }
  const off = document.createElement('canvas');
  off.width = f.nx;
  off.height = f.ny;
  off.getContext('2d')!.putImageData(img, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(off, 0, 0, size, size);
  if (arrows) drawArrows(g, f.Jx, f.Jy, f.arrows.nx, f.arrows.ny, size, size);
  g.fillStyle = '#ffffff';
  g.fillRect(0, size, size, cap);
  g.fillStyle = '#111111';
  g.font = '13px DejaVu Sans, Helvetica, Arial, sans-serif';
  g.fillText(`t = ${f.t}   K = ${f.K}   colour: Q from 0 to ${qMax.toExponential(3)} (fixed over the export)`, 6, size + 17);
  return c.toDataURL('image/png').slice('data:image/png;base64,'.length);
}

/** Run the export; returns the folder and the number of files written, or undefined when the user cancelled. */
export async function exportPhaseSpace(o: PhaseExportOptions): Promise<{ dir: string; files: number } | undefined> {
  const tag = `phase-space-N${o.params.N}-epsf${o.params.epsFinal}`.replace(/[^\w-]+/g, 'p');
  const d = await api.invoke('files.chooseDir', { purpose: tag });
  if (!d) return undefined;
  o.onProgress?.(`computing ${o.times.length} frame${o.times.length > 1 ? 's' : ''}…`);
  const r = await api.invoke('phaseSpace.export', { params: o.params, grid: o.grid, times: o.times, formats: o.formats, dir: d.dir });
  let files = r.files.length;
  if (o.png) {
    const frames: Frame[] = [];
    for (const [k, t] of o.times.entries()) {
      frames.push(await api.invoke('phaseSpace.frame', { params: o.params, t, grid: o.grid }));
      o.onProgress?.(`frame ${k + 1}/${o.times.length}`);
    }
    let qMax = 0;
    for (const f of frames) for (const v of f.Q) if (v > qMax) qMax = v;
    const digits = String(o.times.length - 1).length;
    for (const [k, f] of frames.entries()) {
      const name = `Q_${String(k).padStart(digits, '0')}_t${f.t}.png`;
      // the export's record (from the main side) plus what is particular to this frame, as PNG text chunks
      const meta = { ...r.provenance, frame: `Q(μ) at t = ${f.t}; colour 0…${qMax} (viridis; fixed over the export)${o.arrows ? '; J(μ) arrows' : ''}` };
      await api.invoke('files.save', { name, data: framePng(f, qMax, o.arrows), encoding: 'base64', dir: d.dir, meta });
      files++;
    }
    const note = [`PNG frames Q_<k>_t<t>.png: Husimi Q (viridis, linear) from 0 to ${qMax} (the largest Q over these frames)`, o.arrows ? 'with J(μ) arrows (length ∝ |J|, per frame)' : 'without J arrows', 'parameters: provenance.json'].join('\n');
    await api.invoke('files.save', { name: 'frames.txt', data: note + '\n', encoding: 'utf8', dir: d.dir });
    files++;
  }
  return { dir: d.dir, files };
}
