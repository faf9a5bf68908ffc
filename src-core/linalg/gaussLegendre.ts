/**
 * Gauss–Legendre quadrature: nodes and weights on [−1, 1] by Newton's method on P_n (three-term recurrence),
 * cached by n; `gaussLegendreOn` maps them to [a, b]. Used for the radial integral of the polar Husimi grid, where the
 * integrand is smooth (analytic) in r, so the rule converges exponentially in the number of nodes.
 */

export interface Quadrature {
  x: Float64Array;
  w: Float64Array;
}

const cache = new Map<number, Quadrature>();

/** n-point Gauss–Legendre rule on [−1, 1], nodes ascending. Accurate to ~1e-15 for n up to several thousand. */
export function gaussLegendre(n: number): Quadrature {
  const hit = cache.get(n);
  if (hit) return hit;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Gauss–Legendre order must be a positive integer, got ${n}`);
  const x = new Float64Array(n), w = new Float64Array(n);
  const half = Math.floor((n + 1) / 2);
  for (let i = 0; i < half; i++) {
    // Tricomi's initial guess for the i-th largest root, then Newton on P_n.
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      if (n === 1) { p1 = z; p0 = 1; }
      // P_n'(z) = n (z P_n − P_{n−1}) / (z² − 1)
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    // Recompute the derivative at the converged root for the weight 2 / ((1 − z²) P_n'(z)²).
    let p0 = 1, p1 = z;
    for (let k = 2; k <= n; k++) {
      const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    dp = n === 1 ? 1 : (n * (z * p1 - p0)) / (z * z - 1);
    const wi = 2 / ((1 - z * z) * dp * dp);
    x[n - 1 - i] = z;
    x[i] = -z;
    w[n - 1 - i] = wi;
    w[i] = wi;
  }
  if (n % 2 === 1) x[half - 1] = 0;
  const q = { x, w };
  cache.set(n, q);
  return q;
}

/** n-point Gauss–Legendre rule on [a, b] (fresh arrays). */
export function gaussLegendreOn(n: number, a: number, b: number): Quadrature {
  const g = gaussLegendre(n);
  const h = (b - a) / 2, c = (a + b) / 2;
  const x = new Float64Array(n), w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = c + h * g.x[i];
    w[i] = h * g.w[i];
  }
  return { x, w };
}
