/**
 * Actions of `--model two-photon-kerr` for `steady` and `gap` (flags: ../kerrOptions.ts addModelKindOptions) (issue 15; PHYSICS.md §5): H = Δa†a + iE(a† − a) + (G/2)(a†² + a²)
 * + (U/2)a†²a², 2κD[a] (+ ηD[a²]); E = √N ε, U = u/N, G = g, η = η₀/N. The NESS is the Fock solve (the even parity
 * sector at ε = 0); the gap is reported per parity sector at ε = 0 (the odd one closes above threshold).
 * Units as for the Kerr commands: every rate in ω₀, the unit κ is given in.
 */
import { twoPhotonKerrModel, validateTwoPhotonKerrParams, type TwoPhotonKerrParams } from '../../../src-core/model/instances.js';
import { modelResidual } from '../../../src-core/model/liouvillian.js';
import { twoPhotonNess, twoPhotonSectorSpectra, twoPhotonSpectrum, twoPhotonThreshold } from '../../../src-core/model/twoPhotonKerr.js';
import { moments } from '../../../src-core/phaseSpace/entropyProduction.js';
import { modelEntropyProduction } from '../../../src-core/phaseSpace/modelEntropy.js';
import { ParameterError } from '../../../src-core/validation.js';
import { VERSION } from '../../version.js';
import type { ModelKind } from '../kerrOptions.js';

interface Flags {
  model: ModelKind;
  g?: number;
  eta0?: number;
  kappa: number;
  delta: number;
  u: number;
  N: number;
  eps: number;
}

const FLAG: Record<string, string> = { kappa: '--kappa', delta: '--delta', u: '--u', N: '--N', eps: '--eps', g: '--g', eta0: '--eta0', count: '--count', K: '--nmax', tol: '--tol' };

function flagged<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ParameterError && FLAG[e.field]) throw new ParameterError(FLAG[e.field], e.allowed, e.value);
    throw e;
  }
}

function params(o: Flags): TwoPhotonKerrParams {
  if (o.g === undefined) throw new ParameterError('--g', 'a two-photon pump g ≥ 0 (required with --model two-photon-kerr)', undefined);
  return flagged(() => validateTwoPhotonKerrParams({ kappa: o.kappa, delta: o.delta, u: o.u, eps: o.eps, g: o.g!, eta0: o.eta0 ?? 0, N: o.N }));
}

export function steadyTwoPhoton(o: Flags & { method: string; entropy?: boolean; nmax?: number; json?: boolean }): void {
  const p = params(o);
  if (o.nmax !== undefined && !(Number.isInteger(o.nmax) && o.nmax >= 2 && o.nmax <= 400))
    throw new ParameterError('--nmax', 'an integer from 2 to 400', o.nmax);
  if (o.method !== 'fock') throw new ParameterError('--method', 'fock for --model two-photon-kerr (no exact method implemented)', o.method);
  const model = twoPhotonKerrModel(p);
  const r = twoPhotonNess(p, { K: o.nmax });
  if (!(r.tail < 1e-9))
    throw new ParameterError('--nmax', `enough Fock levels: the top two hold ${r.tail.toExponential(2)} of the population (> 1e-9) at K = ${r.K}`, r.K);
  const base = { model: 'two-photon-kerr', kappa: p.kappa, delta: p.delta, u: p.u, eps: p.eps, g: p.g, eta0: p.eta0, N: p.N, g_th: twoPhotonThreshold(p) };
  const out: Record<string, unknown> = { ...base, method: 'fock', nmax: r.K, top_population: r.tail, residual: modelResidual(model, r.rho) };
  if (o.entropy) {
    const e = modelEntropyProduction(r.rho, model);
    Object.assign(out, {
      a_re: e.a_re, a_im: e.a_im, n: e.n, alpha_abs: Math.hypot(e.a_re, e.a_im) / Math.sqrt(p.N),
      S_W: e.S_W, Pi_J: e.Pi_J, Pi_ext: e.Pi_ext, Pi_d: e.Pi_d, Pi_U: e.Pi_U,
      Pi_U_kerr: e.Pi_U_terms.kerr ?? 0, Pi_U_two_photon: e.Pi_U_terms.twoPhotonDrive ?? 0,
      Pi_eta: e.Pi_eta, Phi: e.Phi, Phi_ext: e.Phi_ext, Phi_q: e.Phi_q, G: e.G,
      balance: e.Pi_U + e.Pi_J - e.Phi + e.Pi_eta,
      grid: `${e.grid.radialNodes}x${e.grid.angles} r<=${e.grid.rMax}`,
    });
  } else {
    const m = moments(r.rho);
    Object.assign(out, { a_re: m.a_re, a_im: m.a_im, n: m.n, alpha_abs: Math.hypot(m.a_re, m.a_im) / Math.sqrt(p.N) });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ ...out, version: VERSION }) + '\n');
    return;
  }
  process.stdout.write(`Two-photon Kerr NESS (Fock basis, K = ${r.K}), N = ${p.N}, ε = ${p.eps}, g = ${p.g} (g_th = ${base.g_th.toPrecision(6)})\n`);
  for (const [k, v] of Object.entries(out)) if (typeof v === 'number') process.stdout.write(`  ${k.padEnd(16)} ${v.toPrecision(10)}\n`);
}

export function gapTwoPhoton(o: Flags & { count: number; nmax?: number; tol: number; json?: boolean }): void {
  const p = params(o);
  const opts = { count: o.count, K: o.nmax, tol: o.tol };
  const sectors =
    p.eps === 0
      ? flagged(() => twoPhotonSectorSpectra(p, opts)).sectors
      : [{ sector: 'all' as const, spectrum: flagged(() => twoPhotonSpectrum(p, opts)).spectrum }];
  const out = {
    model: 'two-photon-kerr', kappa: p.kappa, delta: p.delta, u: p.u, eps: p.eps, g: p.g, eta0: p.eta0, N: p.N,
    gap: Math.min(...sectors.map((s) => s.spectrum.gap)),
    sectors: sectors.map((s) => ({
      sector: s.sector, gap: s.spectrum.gap, nmax: s.spectrum.K, converged: s.spectrum.converged,
      eigenvalues: s.spectrum.eigenvalues.map((z) => ({ re: z.re, im: z.im })), ...(s.spectrum.note ? { note: s.spectrum.note } : {}),
    })),
    converged: sectors.every((s) => s.spectrum.converged),
    version: VERSION,
  };
  for (const s of sectors) if (!s.spectrum.converged) process.stderr.write(`epstudio gap: warning: sector ${s.sector} not converged: ${s.spectrum.note}\n`);
  if (o.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  else
    for (const s of out.sectors)
      process.stdout.write(`${s.sector.padEnd(4)} sector: gap λ = ${s.gap.toPrecision(10)}   (K = ${s.nmax}, converged: ${s.converged})\n`);
}
