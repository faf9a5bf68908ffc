/**
 * Sweeps of the coupling, as in the seed's Fig. 3: Π_s (and the insets' μ_b) against g/κ_a (cavity-OM, 0…2.5) and
 * against (g/g_cr)² (cavity-BEC, 0…0.99), with g_cr the true threshold of A (stability.ts), so the axis is the seed's.
 */
import { ParameterError, checkNumber } from '../validation.js';
import { validateGaussianParams, type GaussianParams, type SweepVariable } from './model.js';
import { gaussianNess } from './ness.js';
import { criticalCoupling, type CriticalCoupling } from './stability.js';

export const SWEEP_VARIABLES: readonly SweepVariable[] = ['g_over_kappa', 'g2_over_gcr2'];

/** g from the sweep variable: g = x κ_a, or g = g_cr √x. */
export function couplingFrom(variable: SweepVariable, x: number, p: GaussianParams, gCr: number): number {
  return variable === 'g_over_kappa' ? x * p.kappaA : gCr * Math.sqrt(x);
}

/** The sweep variable of a coupling g (inverse of couplingFrom). */
export function sweepValueOf(variable: SweepVariable, g: number, p: GaussianParams, gCr: number): number {
  return variable === 'g_over_kappa' ? g / p.kappaA : (g / gCr) ** 2;
}

/** Largest allowed value of the sweep variable (exclusive): where g reaches g_cr. */
export function sweepLimit(variable: SweepVariable, p: GaussianParams, gCr: number): number {
  return sweepValueOf(variable, gCr, p, gCr);
}

export interface GaussianSweepOptions {
  variable: SweepVariable;
  from: number;
  to: number;
  /** Number of points (≥ 2), evenly spaced in the sweep variable. */
  points: number;
}

export interface GaussianSweep {
  variable: SweepVariable;
  /** The sweep variable's values, then the NESS observables per point (rates in s⁻¹). */
  x: Float64Array;
  g: Float64Array;
  Pi_s: Float64Array;
  mu_a: Float64Array;
  mu_b: Float64Array;
  n_a: Float64Array;
  n_b: Float64Array;
  g_cr: number;
  g_cr_seed: number;
  n_T: number;
}

/** The column order of sweep tables (CSV, study tasks). */
export const SWEEP_COLUMNS = ['g', 'Pi_s', 'mu_a', 'mu_b', 'n_a', 'n_b'] as const;

/**
 * Evaluate the NESS along the sweep. Throws ParameterError on `to`/`from` if the range reaches g_cr
 * (the message names g_cr and the largest allowed value).
 */
export function gaussianSweep(p: GaussianParams, o: GaussianSweepOptions, crit: CriticalCoupling = criticalCoupling(p)): GaussianSweep {
  validateGaussianParams(p);
  checkNumber('points', o.points, { min: 2, max: 1e6, integer: true });
  if (!SWEEP_VARIABLES.includes(o.variable)) throw new ParameterError('variable', `one of ${SWEEP_VARIABLES.join(', ')}`, o.variable);
  const lim = sweepLimit(o.variable, p, crit.gCr);
  const why = `(g_cr = ${crit.gCr.toPrecision(6)} s⁻¹, where A loses stability)`;
  for (const [k, v] of [['from', o.from], ['to', o.to]] as const)
    if (!(v >= 0 && v < lim)) throw new ParameterError(k, `a finite number ≥ 0 and < ${+lim.toPrecision(6)} ${why}`, v);
  const n = o.points;
  const r: GaussianSweep = {
    variable: o.variable,
    x: new Float64Array(n),
    g: new Float64Array(n),
    Pi_s: new Float64Array(n),
    mu_a: new Float64Array(n),
    mu_b: new Float64Array(n),
    n_a: new Float64Array(n),
    n_b: new Float64Array(n),
    g_cr: crit.gCr,
    g_cr_seed: crit.gCrSeed,
    n_T: 0,
  };
  const q: GaussianParams = { ...p };
  for (let i = 0; i < n; i++) {
    const x = o.from + ((o.to - o.from) * i) / (n - 1);
    q.g = couplingFrom(o.variable, x, p, crit.gCr);
    const s = gaussianNess(q, crit);
    r.x[i] = x;
    r.g[i] = q.g;
    r.Pi_s[i] = s.Pi_s;
    r.mu_a[i] = s.mu_a;
    r.mu_b[i] = s.mu_b;
    r.n_a[i] = s.n_a;
    r.n_b[i] = s.n_b;
    r.n_T = s.n_T;
  }
  return r;
}
