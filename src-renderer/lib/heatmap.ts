/**
 * Drawing helpers of the phase-space viewer. Grid convention (from the contract): value at (ix, iy) is index
 * iy * nx + ix, x = Re μ increasing to the right, y = Im μ increasing upwards (row 0 is the bottom).
 */

/** Viridis, 9 anchors, linearly interpolated: perceptually uniform and readable in both themes. */
const VIRIDIS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

export function viridis(s: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, s)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i], b = VIRIDIS[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/**
 * Q scaled to `max` (linear; default: this frame's maximum; values above it saturate), flipped so that Im μ grows
 * upwards.
 */
export function colormap(Q: ArrayLike<number>, nx: number, ny: number, max?: number): ImageData {
  if (max === undefined) {
    max = 0;
    for (let i = 0; i < nx * ny; i++) if (Q[i] > max) max = Q[i];
  }
  const img = new ImageData(nx, ny);
  for (let iy = 0; iy < ny; iy++)
    for (let ix = 0; ix < nx; ix++) {
      const [r, g, b] = viridis(max > 0 ? Q[iy * nx + ix] / max : 0);
      const o = ((ny - 1 - iy) * nx + ix) * 4;
      img.data[o] = r;
      img.data[o + 1] = g;
      img.data[o + 2] = b;
      img.data[o + 3] = 255;
    }
  return img;
}

/**
 * ColorBrewer RdBu (11 classes, reversed: negative blue, zero white, positive red): a diverging scale readable with the
 * common colour-vision deficiencies, so the sign of W is the first thing seen.
 */
const RDBU = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247], [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

/** s ∈ [−1, 1] → RdBu colour (0 is white). */
export function diverging(s: number): [number, number, number] {
  const x = ((Math.min(1, Math.max(-1, s)) + 1) / 2) * (RDBU.length - 1);
  const i = Math.min(RDBU.length - 2, Math.floor(x));
  const f = x - i;
  const a = RDBU[i], b = RDBU[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** CSS gradient of the diverging scale, bottom (−) to top (+), for colour bars. */
export const DIVERGING_CSS = `linear-gradient(to top, ${RDBU.map((c) => `rgb(${c.join(',')})`).join(', ')})`;

/**
 * W on the symmetric scale [−scale, scale] (zero always white), flipped so that Im μ grows upwards. With gamma < 1
 * the colour follows sign(W)·(|W|/scale)^gamma: with 1/2 a value at 1/4 of the scale sits half-way (the colour bar's
 * middle ticks), and a negativity of 1 % of the maximum still shows as a light blue.
 */
export function divergingMap(W: ArrayLike<number>, nx: number, ny: number, scale: number, gamma = 1): ImageData {
  const img = new ImageData(nx, ny);
  for (let iy = 0; iy < ny; iy++)
    for (let ix = 0; ix < nx; ix++) {
      const w = scale > 0 ? W[iy * nx + ix] / scale : 0;
      const [r, g, b] = diverging(gamma === 1 ? w : Math.sign(w) * Math.abs(w) ** gamma);
      const o = ((ny - 1 - iy) * nx + ix) * 4;
      img.data[o] = r;
      img.data[o + 1] = g;
      img.data[o + 2] = b;
      img.data[o + 3] = 255;
    }
  return img;
}

/** A (rows × cols) matrix as an image, row 0 at the bottom, viridis on [0, max]. */
export function matrixImage(rows: number, cols: number, at: (r: number, c: number) => number, max: number): ImageData {
  const img = new ImageData(cols, rows);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const [R, G, B] = viridis(max > 0 ? at(r, c) / max : 0);
      const o = ((rows - 1 - r) * cols + c) * 4;
      img.data[o] = R;
      img.data[o + 1] = G;
      img.data[o + 2] = B;
      img.data[o + 3] = 255;
    }
  return img;
}

/**
 * J on its arrow grid (nx × ny points including both box edges, row 0 at the bottom) as arrows; lengths scaled so
 * that the largest spans 0.9 of the grid spacing.
 */
export function drawArrows(g: CanvasRenderingContext2D, Jx: ArrayLike<number>, Jy: ArrayLike<number>, nx: number, ny: number, W: number, H: number): void {
  let max = 0;
  for (let i = 0; i < nx * ny; i++) max = Math.max(max, Math.hypot(Jx[i], Jy[i]));
  if (!(max > 0)) return;
  // Arrow points sit on the pixel grid's end points: x_c = c/(nx − 1) of the box, as the heat map's pixels.
  const cw = W / Math.max(1, nx - 1), ch = H / Math.max(1, ny - 1);
  const scale = (0.9 * Math.min(cw, ch)) / max;
  g.save();
  g.strokeStyle = 'rgba(255,255,255,0.85)';
  g.fillStyle = 'rgba(255,255,255,0.85)';
  g.lineWidth = 1.2;
  for (let iy = 0; iy < ny; iy++)
    for (let ix = 0; ix < nx; ix++) {
      const i = iy * nx + ix;
      const len = Math.hypot(Jx[i], Jy[i]) * scale;
      if (len < 1.5) continue;
      const x0 = ix * cw, y0 = H - iy * ch;
      const dx = Jx[i] * scale, dy = -Jy[i] * scale;
      const x1 = x0 + dx, y1 = y0 + dy;
      g.beginPath();
      g.moveTo(x0, y0);
      g.lineTo(x1, y1);
      g.stroke();
      const a = Math.atan2(dy, dx), h = Math.min(6, len / 3);
      g.beginPath();
      g.moveTo(x1, y1);
      g.lineTo(x1 - h * Math.cos(a - 0.5), y1 - h * Math.sin(a - 0.5));
      g.lineTo(x1 - h * Math.cos(a + 0.5), y1 - h * Math.sin(a + 0.5));
      g.closePath();
      g.fill();
    }
  g.restore();
}
