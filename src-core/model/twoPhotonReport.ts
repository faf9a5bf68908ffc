/**
 * One record per single run of the two-photon-driven Kerr model (PHYSICS.md §5), shared by the CLI (`steady`/`gap
 * --model two-photon-kerr`) and the window's model runs (API model.ness / model.gap, on a worker), so both report the
 * same numbers under the same names.
 */
import { twoPhotonKerrModel, validateTwoPhotonKerrParams, type TwoPhotonKerrParams } from './instances.js';
import { modelResidual } from './liouvillian.js';
import { gapResolution, twoPhotonNess, twoPhotonSectorSpectra, twoPhotonSpectrum, twoPhotonThreshold } from './twoPhotonKerr.js';
import { moments } from '../phaseSpace/entropyProduction.js';
import { modelEntropyProduction } from '../phaseSpace/modelEntropy.js';
import type { SpectrumOptions } from '../kerr/spectrum.js';

export interface TwoPhotonSteadyReport {
  /** Every number of the NESS (moments; with entropy also S_W, Π_J, Π_d, Π_U per term, Φ, G, the balance). */
  values: Record<string, number>;
  K: number;
  /** Population of the top two Fock levels (the truncation check). */
  tail: number;
  /** Husimi grid of the entropy quantities (with entropy). */
  grid?: string;
}

/** The NESS by the Fock solve (the even parity sector at ε = 0), with the entropy quantities when asked. */
export function twoPhotonSteadyReport(params: TwoPhotonKerrParams, opts: { entropy?: boolean; K?: number } = {}): TwoPhotonSteadyReport {
  const p = validateTwoPhotonKerrParams(params);
  const model = twoPhotonKerrModel(p);
  const r = twoPhotonNess(p, { K: opts.K });
  const values: Record<string, number> = { g_th: twoPhotonThreshold(p), nmax: r.K, top_population: r.tail, residual: modelResidual(model, r.rho) };
  if (!opts.entropy) {
    const m = moments(r.rho);
    Object.assign(values, { a_re: m.a_re, a_im: m.a_im, n: m.n, alpha_abs: Math.hypot(m.a_re, m.a_im) / Math.sqrt(p.N) });
    return { values, K: r.K, tail: r.tail };
  }
  const e = modelEntropyProduction(r.rho, model);
  Object.assign(values, {
    a_re: e.a_re, a_im: e.a_im, n: e.n, alpha_abs: Math.hypot(e.a_re, e.a_im) / Math.sqrt(p.N),
    S_W: e.S_W, Pi_J: e.Pi_J, Pi_ext: e.Pi_ext, Pi_d: e.Pi_d, Pi_U: e.Pi_U,
    Pi_U_kerr: e.Pi_U_terms.kerr ?? 0, Pi_U_two_photon: e.Pi_U_terms.twoPhotonDrive ?? 0,
    Pi_eta: e.Pi_eta, Phi: e.Phi, Phi_ext: e.Phi_ext, Phi_q: e.Phi_q, G: e.G,
    balance: e.Pi_U + e.Pi_J - e.Phi + e.Pi_eta,
  });
  return { values, K: r.K, tail: r.tail, grid: `${e.grid.radialNodes}x${e.grid.angles} r<=${e.grid.rMax}` };
}

export interface TwoPhotonGapReport {
  /** min over the sectors. */
  gap: number;
  sectors: {
    sector: 'even' | 'odd' | 'all';
    gap: number;
    nmax: number;
    converged: boolean;
    /**
     * False when the gap is within `bound` = 2 × the K test's round-off floor (spectrumAbsTol, 20ε·max|L|): double
     * precision does not resolve it (the odd gap above threshold at large N), only λ ≲ bound is known.
     */
    resolved: boolean;
    bound: number;
    eigenvalues: { re: number; im: number }[];
    note?: string;
  }[];
  converged: boolean;
}

/** The slowest eigenvalues: per parity sector at ε = 0 (the odd one closes above threshold), of the whole L otherwise. */
export function twoPhotonGapReport(params: TwoPhotonKerrParams, opts: SpectrumOptions = {}): TwoPhotonGapReport {
  const p = validateTwoPhotonKerrParams(params);
  const sectors =
    p.eps === 0
      ? twoPhotonSectorSpectra(p, opts).sectors
      : [{ sector: 'all' as const, spectrum: twoPhotonSpectrum(p, opts).spectrum }];
  const bound = gapResolution(p);
  return {
    gap: Math.min(...sectors.map((s) => s.spectrum.gap)),
    sectors: sectors.map((s) => ({
      sector: s.sector, gap: s.spectrum.gap, nmax: s.spectrum.K, converged: s.spectrum.converged, resolved: s.spectrum.gap > bound, bound,
      eigenvalues: s.spectrum.eigenvalues.map((z) => ({ re: z.re, im: z.im })), ...(s.spectrum.note ? { note: s.spectrum.note } : {}),
    })),
    converged: sectors.every((s) => s.spectrum.converged),
  };
}
