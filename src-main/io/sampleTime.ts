/**
 * Sample times as a person wrote them: the engine samples at t_k = k·Δt (computed as a product, never accumulated),
 * and in binary 3 × 0.2 = 0.6000000000000001. Files print t_k rounded to the decimals Δt has (0.6), which is the
 * decimal value k·Δt exactly when Δt is given in decimals; the rounding moves t by less than 1e-15 relative.
 */

/** Decimal places of the shortest round-trip form of Δt: 0.2 → 1, 0.05 → 2, 1e-4 → 4, 2.5e-7 → 8, 3 → 0. */
export function decimalsOf(dt: number): number {
  if (!Number.isFinite(dt)) return 0;
  const s = String(Math.abs(dt));
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (!m) return 0;
  const frac = m[2]?.length ?? 0;
  const exp = m[3] === undefined ? 0 : Number(m[3]);
  return Math.max(0, frac - exp);
}

/**
 * t_k = k·Δt rounded to the decimals of Δt, computed exactly in integers (k · Δt·10^d) / 10^d, so the result is the
 * double nearest to the decimal k·Δt. Falls back to the plain product when that is not exact (Δt with more than 15
 * significant decimals, or huge k).
 */
export function sampleTime(k: number, dt: number): number {
  const d = decimalsOf(dt);
  if (d > 22) return k * dt;
  const scale = 10 ** d;
  const m = Math.round(dt * scale);
  if (Math.abs(m / scale - dt) > Math.abs(dt) * 1e-15 || !Number.isSafeInteger(k * m)) return k * dt;
  return (k * m) / scale;
}

/**
 * The same rounding for a column of times read back (t ≈ k·Δt for integer k): values within 1e-9·Δt of a multiple
 * of Δt are replaced by sampleTime(k, Δt); anything else is left as it is.
 */
export function roundToSamples(t: number, dt: number): number {
  if (!Number.isFinite(t) || !(dt > 0)) return t;
  const k = Math.round(t / dt);
  return Math.abs(t - k * dt) <= 1e-9 * dt ? sampleTime(k, dt) : t;
}
