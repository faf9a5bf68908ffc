/**
 * Σ_{t<len} u_t·x_{j0+t} for a complex row u stored interleaved (re, im) in `pack` from index q, and x split into
 * (xr, xi): the inner product of every back substitution (bandedLU, gridLU). Two independent partial sums (even/odd
 * t) halve the floating-point dependency chain. The result goes to out[0] (re), out[1] (im), to avoid an allocation
 * per row.
 */
export function packedDot(
  pack: Float64Array,
  q: number,
  xr: Float64Array,
  xi: Float64Array,
  j0: number,
  len: number,
  out: Float64Array,
): void {
  let sr = 0, si = 0, tr = 0, ti = 0;
  let j = j0;
  const end = j0 + len;
  for (; j + 1 < end; j += 2, q += 4) {
    const ur = pack[q], ui = pack[q + 1], vr = pack[q + 2], vi = pack[q + 3];
    const xa = xr[j], ya = xi[j], xb = xr[j + 1], yb = xi[j + 1];
    sr += ur * xa - ui * ya;
    si += ur * ya + ui * xa;
    tr += vr * xb - vi * yb;
    ti += vr * yb + vi * xb;
  }
  if (j < end) {
    const ur = pack[q], ui = pack[q + 1];
    sr += ur * xr[j] - ui * xi[j];
    si += ur * xi[j] + ui * xr[j];
  }
  out[0] = sr + tr;
  out[1] = si + ti;
}
