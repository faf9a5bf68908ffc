/**
 * A static 2-D k-d tree for k-nearest-neighbour distances (the Kozachenko–Leonenko entropy estimator, knnEntropy.ts).
 * Points live in two Float64Arrays; the tree is an index permutation split at medians (quickselect), leaves of at most
 * LEAF points, bounding boxes per node for pruning. No per-point objects: 10⁶ points build in well under a second.
 */

const LEAF = 12;

export interface KdTree {
  /** Coordinates in tree order (copies, permuted while building: leaves are contiguous in memory). */
  x: Float64Array;
  y: Float64Array;
  /** Tree position → original point index; node n covers positions lo[n] … hi[n] − 1. */
  idx: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  /** Children (−1 at a leaf). */
  left: Int32Array;
  right: Int32Array;
  /** Bounding box per node. */
  xmin: Float64Array;
  xmax: Float64Array;
  ymin: Float64Array;
  ymax: Float64Array;
  nodes: number;
  /** Leaf node holding each tree position (queries scan it first: a tight bound before any descent). */
  leafOf: Int32Array;
}

/**
 * Partially sort positions lo…hi−1 (x, y and idx moved together) so that position k holds the k-th smallest key
 * (key = x when byX, else y) and smaller keys precede it (Hoare select). Moving the coordinates themselves keeps every
 * pass sequential in memory.
 */
function select(x: Float64Array, y: Float64Array, idx: Int32Array, byX: boolean, lo: number, hi: number, k: number): void {
  const key = byX ? x : y;
  let l = lo, r = hi - 1;
  while (r > l) {
    const pivot = key[(l + r) >>> 1];
    let i = l, j = r;
    while (i <= j) {
      while (key[i] < pivot) i++;
      while (key[j] > pivot) j--;
      if (i <= j) {
        const tx = x[i], ty = y[i], ti = idx[i];
        x[i] = x[j];
        y[i] = y[j];
        idx[i] = idx[j];
        x[j] = tx;
        y[j] = ty;
        idx[j] = ti;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

export function buildKdTree(x: Float64Array, y: Float64Array): KdTree {
  const n = x.length;
  if (y.length !== n) throw new RangeError('buildKdTree: x and y differ in length');
  const cap = Math.max(1, 2 * Math.ceil(n / (LEAF / 2)) + 1);
  const t: KdTree = {
    x: Float64Array.from(x), y: Float64Array.from(y), idx: new Int32Array(n),
    lo: new Int32Array(cap), hi: new Int32Array(cap), left: new Int32Array(cap), right: new Int32Array(cap),
    xmin: new Float64Array(cap), xmax: new Float64Array(cap), ymin: new Float64Array(cap), ymax: new Float64Array(cap),
    nodes: 0, leafOf: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) t.idx[i] = i;
  // Explicit stack (no recursion depth limit): [node, lo, hi].
  const stack: number[] = [];
  const newNode = (lo: number, hi: number): number => {
    const id = t.nodes++;
    t.lo[id] = lo;
    t.hi[id] = hi;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = lo; i < hi; i++) {
      const px = t.x[i], py = t.y[i];
      if (px < x0) x0 = px;
      if (px > x1) x1 = px;
      if (py < y0) y0 = py;
      if (py > y1) y1 = py;
    }
    t.xmin[id] = x0;
    t.xmax[id] = x1;
    t.ymin[id] = y0;
    t.ymax[id] = y1;
    t.left[id] = -1;
    t.right[id] = -1;
    if (hi - lo > LEAF) stack.push(id);
    else for (let i = lo; i < hi; i++) t.leafOf[i] = id;
    return id;
  };
  newNode(0, n);
  while (stack.length > 0) {
    const id = stack.pop()!;
    const lo = t.lo[id], hi = t.hi[id];
    // Split the wider side of the box at its median.
    const byX = t.xmax[id] - t.xmin[id] >= t.ymax[id] - t.ymin[id];
    const mid = (lo + hi) >>> 1;
    select(t.x, t.y, t.idx, byX, lo, hi, mid);
    t.left[id] = newNode(lo, mid);
    t.right[id] = newNode(mid, hi);
  }
  return t;
}

/**
 * Distance from the point at tree position `self` to its k-th nearest other point (ties count as separate neighbours, so duplicated points
 * give 0). `best` is scratch of length ≥ k (squared distances, ascending).
 */
export function kthNeighbourDistance(t: KdTree, self: number, k: number, best: Float64Array, stack: Int32Array): number {
  const px = t.x[self], py = t.y[self];
  for (let i = 0; i < k; i++) best[i] = Infinity;
  const own = t.leafOf[self];
  scanLeaf(t, own, self, px, py, k, best);
  let sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const id = stack[--sp];
    // squared distance from the point to the node's box
    const dx = px < t.xmin[id] ? t.xmin[id] - px : px > t.xmax[id] ? px - t.xmax[id] : 0;
    const dy = py < t.ymin[id] ? t.ymin[id] - py : py > t.ymax[id] ? py - t.ymax[id] : 0;
    if (dx * dx + dy * dy >= best[k - 1]) continue;
    const l = t.left[id];
    if (l < 0) {
      if (id !== own) scanLeaf(t, id, self, px, py, k, best);
      continue;
    }
    // Visit the nearer child first (pushed last).
    const r = t.right[id];
    const nearLeft =
      t.xmax[id] - t.xmin[id] >= t.ymax[id] - t.ymin[id] ? px <= t.xmax[l] : py <= t.ymax[l];
    if (nearLeft) {
      stack[sp++] = r;
      stack[sp++] = l;
    } else {
      stack[sp++] = l;
      stack[sp++] = r;
    }
  }
  return Math.sqrt(best[k - 1]);
}

function scanLeaf(t: KdTree, id: number, self: number, px: number, py: number, k: number, best: Float64Array): void {
  const x = t.x, y = t.y;
  for (let q = t.lo[id], end = t.hi[id]; q < end; q++) {
    if (q === self) continue;
    const ex = x[q] - px, ey = y[q] - py;
    const d2 = ex * ex + ey * ey;
    if (d2 < best[k - 1]) {
      let j = k - 1;
      while (j > 0 && best[j - 1] > d2) {
        best[j] = best[j - 1];
        j--;
      }
      best[j] = d2;
    }
  }
}

/** Scratch stack large enough for any query on t (depth ≤ log2(n) + 2, two pushes per level). */
export function queryStack(t: KdTree): Int32Array {
  return new Int32Array(4 * (Math.ceil(Math.log2(Math.max(2, t.idx.length))) + 4) + 8);
}
