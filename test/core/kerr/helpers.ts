/** Small dense helpers for the Kerr tests: an independent Liouvillian built from matrix products, and expm. */
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import type { KerrRaw } from '../../../src-core/kerr/model.js';

export type CM = { re: Float64Array; im: Float64Array; n: number };

export function cmZeros(n: number): CM {
  return { n, re: new Float64Array(n * n), im: new Float64Array(n * n) };
}

export function cmMul(A: CM, B: CM): CM {
  const n = A.n, C = cmZeros(n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const ar = A.re[i * n + k], ai = A.im[i * n + k];
      if (ar === 0 && ai === 0) continue;
      for (let j = 0; j < n; j++) {
        C.re[i * n + j] += ar * B.re[k * n + j] - ai * B.im[k * n + j];
        C.im[i * n + j] += ar * B.im[k * n + j] + ai * B.re[k * n + j];
      }
    }
  return C;
}

export function cmAdjoint(A: CM): CM {
  const n = A.n, C = cmZeros(n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      C.re[j * n + i] = A.re[i * n + j];
      C.im[j * n + i] = -A.im[i * n + j];
    }
  return C;
}

/** L(ρ) = −i[H, ρ] + 2κ(aρa† − ½{a†a, ρ}) by dense matrix products (seed 000 Eqs. 2–3), as a second method. */
export function denseLiouvillianApply(raw: KerrRaw, rho: ComplexMatrix): ComplexMatrix {
  const K = rho.K;
  const a = cmZeros(K);
  for (let n = 1; n < K; n++) a.re[(n - 1) * K + n] = Math.sqrt(n);
  const ad = cmAdjoint(a);
  const H = cmZeros(K);
  const nop = cmMul(ad, a);
  const a2 = cmMul(ad, cmMul(ad, cmMul(a, a)));
  for (let i = 0; i < K * K; i++) {
    H.re[i] = raw.delta * nop.re[i] + 0.5 * raw.U * a2.re[i];
    // iE(a† − a)
    H.im[i] = raw.E * (ad.re[i] - a.re[i]);
  }
  const r: CM = { n: K, re: rho.re, im: rho.im };
  const Hr = cmMul(H, r), rH = cmMul(r, H);
  const jump = cmMul(a, cmMul(r, ad));
  const nr = cmMul(nop, r), rn = cmMul(r, nop);
  const out = { K, re: new Float64Array(K * K), im: new Float64Array(K * K) };
  for (let i = 0; i < K * K; i++) {
    // −i(Hρ − ρH)
    const cr = Hr.re[i] - rH.re[i], ci = Hr.im[i] - rH.im[i];
    out.re[i] = ci + 2 * raw.kappa * (jump.re[i] - 0.5 * (nr.re[i] + rn.re[i]));
    out.im[i] = -cr + 2 * raw.kappa * (jump.im[i] - 0.5 * (nr.im[i] + rn.im[i]));
  }
  return out;
}

/** Dense K²×K² matrix of a linear map on K×K matrices (column j = map of the j-th unit matrix). */
export function superoperatorMatrix(K: number, apply: (x: ComplexMatrix) => ComplexMatrix): CM {
  const d = K * K, M = cmZeros(d);
  for (let j = 0; j < d; j++) {
    const e = { K, re: new Float64Array(d), im: new Float64Array(d) };
    e.re[j] = 1;
    const y = apply(e);
    for (let i = 0; i < d; i++) {
      M.re[i * d + j] = y.re[i];
      M.im[i * d + j] = y.im[i];
    }
  }
  return M;
}

/** exp(tM) by scaling and squaring with a 30-term Taylor series (test reference only). */
export function expm(M: CM, t: number): CM {
  const d = M.n;
  let norm = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += Math.hypot(M.re[i * d + j], M.im[i * d + j]);
    norm = Math.max(norm, s);
  }
  const sq = Math.max(0, Math.ceil(Math.log2(Math.max(1e-300, norm * Math.abs(t)) / 0.25)));
  const scale = t / 2 ** sq;
  const A = cmZeros(d);
  for (let i = 0; i < d * d; i++) {
    A.re[i] = M.re[i] * scale;
    A.im[i] = M.im[i] * scale;
  }
  let term = cmZeros(d);
  for (let i = 0; i < d; i++) term.re[i * d + i] = 1;
  const S = cmZeros(d);
  for (let i = 0; i < d; i++) S.re[i * d + i] = 1;
  for (let k = 1; k <= 30; k++) {
    term = cmMul(term, A);
    for (let i = 0; i < d * d; i++) {
      term.re[i] /= k;
      term.im[i] /= k;
      S.re[i] += term.re[i];
      S.im[i] += term.im[i];
    }
  }
  let R = S;
  for (let s = 0; s < sq; s++) R = cmMul(R, R);
  return R;
}

export function cmVec(M: CM, x: ComplexMatrix): ComplexMatrix {
  const d = M.n, y = { K: x.K, re: new Float64Array(d), im: new Float64Array(d) };
  for (let i = 0; i < d; i++) {
    let sr = 0, si = 0;
    for (let j = 0; j < d; j++) {
      sr += M.re[i * d + j] * x.re[j] - M.im[i * d + j] * x.im[j];
      si += M.re[i * d + j] * x.im[j] + M.im[i * d + j] * x.re[j];
    }
    y.re[i] = sr;
    y.im[i] = si;
  }
  return y;
}

/** A random Hermitian, positive, unit-trace ρ = B B†/tr (deterministic LCG). */
export function randomDensityMatrix(K: number, seed = 1): ComplexMatrix {
  let s = seed >>> 0;
  const rnd = () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const B = cmZeros(K);
  for (let i = 0; i < K * K; i++) {
    B.re[i] = rnd();
    B.im[i] = rnd();
  }
  const P = cmMul(B, cmAdjoint(B));
  let tr = 0;
  for (let n = 0; n < K; n++) tr += P.re[n * K + n];
  for (let i = 0; i < K * K; i++) {
    P.re[i] /= tr;
    P.im[i] /= tr;
  }
  return { K, re: P.re, im: P.im };
}

/** <a> = Σ √(m+1) ρ_{m+1,m} and <a†a> = Σ m ρ_mm. */
export function moments(rho: ComplexMatrix): { a_re: number; a_im: number; n: number; a2_re: number; a2_im: number; n2fact: number } {
  const K = rho.K;
  let ar = 0, ai = 0, n = 0, br = 0, bi = 0, n2 = 0;
  for (let m = 0; m < K; m++) {
    n += m * rho.re[m * K + m];
    n2 += m * (m - 1) * rho.re[m * K + m];
    if (m + 1 < K) {
      const s = Math.sqrt(m + 1);
      ar += s * rho.re[(m + 1) * K + m];
      ai += s * rho.im[(m + 1) * K + m];
    }
    if (m + 2 < K) {
      const s = Math.sqrt((m + 1) * (m + 2));
      br += s * rho.re[(m + 2) * K + m];
      bi += s * rho.im[(m + 2) * K + m];
    }
  }
  return { a_re: ar, a_im: ai, n, a2_re: br, a2_im: bi, n2fact: n2 };
}

export function maxAbsDiff(A: ComplexMatrix, B: ComplexMatrix): number {
  let e = 0;
  for (let i = 0; i < A.re.length; i++) e = Math.max(e, Math.hypot(A.re[i] - B.re[i], A.im[i] - B.im[i]));
  return e;
}
