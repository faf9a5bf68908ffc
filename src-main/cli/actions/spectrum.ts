/**
 * Liouvillian spectrum subcommand bodies (seed 000 Sec. II D, Fig. 3; issue 3), loaded when `gap`, `gap-sweep` or
 * `critical` runs (flags and help in ../commands/spectrum.ts). Units: ħ = 1; ζ and λ in the unit of κ.
 */
import { criticalLargeN, EPS_C_SEED, gapMinimum, steepestSlope } from '../../../src-core/kerr/critical.js';
import { bistableWindow } from '../../../src-core/kerr/meanField.js';
import { validateKerrParams } from '../../../src-core/kerr/model.js';
import { gapSweep, liouvillianSpectrum, pumpGrid, type GapPoint } from '../../../src-core/kerr/spectrum.js';
import { ParameterError } from '../../../src-core/validation.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { toCsv } from '../../io/csv.js';
import { VERSION } from '../../version.js';
import { kerrParamsFrom } from '../kerrOptions.js';
import { printChecked, printJson } from '../output.js';
import { throttledReporter } from '../progress.js';
import { compute } from '../timing.js';
import { writeErr, writeOut } from '../stdio.js';


/** Engine field names → flags, so every error names a flag. */
const FLAG_OF: Record<string, string> = { kappa: '--kappa', delta: '--delta', u: '--u', N: '--N', eps: '--eps', count: '--count', K: '--nmax', tol: '--tol' };

function asFlagError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ParameterError && FLAG_OF[e.field]) throw new ParameterError(FLAG_OF[e.field], e.allowed, e.value);
    throw e;
  }
}

interface ModelFlags {
  kappa: number;
  delta: number;
  u: number;
}

const round = (z: { re: number; im: number }) => ({ re: z.re, im: z.im });

export function gap(o: ModelFlags & { N: number; eps: number; count: number; nmax?: number; tol: number; json?: boolean }): void {
  const params = asFlagError(() => kerrParamsFrom(o, o.eps));
  // Progress (issue 12): a large N converges over several K, each a sparse LU of K² unknowns; after 2 s, one line a second.
  const report = throttledReporter('gap');
  const onK = (h: { K: number; gap: number; change: number }) =>
    report(() => `K = ${h.K}: λ = ${h.gap.toPrecision(8)}${Number.isNaN(h.change) ? '' : `, change from the previous K ${h.change.toExponential(2)} (converged at ≤ ${o.tol})`}`);
  const s = asFlagError(() => compute(() => liouvillianSpectrum(params, { count: o.count, K: o.nmax, tol: o.tol, onK })));
  report.done(() => `K = ${s.K}: done`);
  const out = {
    kappa: params.kappa,
    delta: params.delta,
    u: params.u,
    N: params.N,
    eps: params.eps,
    gap: s.gap,
    nmax: s.K,
    eigenvalues: s.eigenvalues.map(round),
    converged: s.converged,
    residuals: s.residuals,
    k_history: s.kHistory.map((h) => ({ nmax: h.K, gap: h.gap, change: Number.isNaN(h.change) ? null : h.change })),
    ...(s.note ? { note: s.note } : {}),
    version: VERSION,
  };
  if (!s.converged) writeErr(`epstudio gap: warning: not converged: ${s.note}\n`);
  if (o.json) printJson(out, true);
  else
    printChecked(
      out,
      `gap λ = ${s.gap.toPrecision(10)}   (K = ${s.K}, converged: ${s.converged})\n` +
        s.eigenvalues.map((z, i) => `ζ_${i + 1} = ${z.re.toPrecision(10)} ${z.im < 0 ? '−' : '+'} ${Math.abs(z.im).toPrecision(10)} i\n`).join(''),
    );
}

export function gapSweepCommand(o: ModelFlags & { N: number[]; epsFrom: number; epsTo: number; points: number; tol: number; csv?: string }): void {
  if (!(o.epsTo >= o.epsFrom)) throw new ParameterError('--eps-to', `a pump ≥ --eps-from (${o.epsFrom})`, o.epsTo);
  if (o.points > 1 && o.epsTo === o.epsFrom) throw new ParameterError('--points', '1 when --eps-from equals --eps-to', o.points);
  for (const N of o.N) asFlagError(() => validateKerrParams({ kappa: o.kappa, delta: o.delta, u: o.u, N, eps: o.epsFrom }));
  const epsList = pumpGrid(o.epsFrom, o.epsTo, o.points);
  const t0 = Date.now();
  const points: GapPoint[] = compute(() => gapSweep({ kappa: o.kappa, delta: o.delta, u: o.u }, o.N, epsList, {
    tol: o.tol,
    onPoint: (p, i, total) =>
      writeErr(
        `[gap-sweep] ${i + 1}/${total}  N=${p.N} ε=${p.eps.toFixed(5)} λ=${p.gap.toExponential(6)} K=${p.K}${p.converged ? '' : ' (NOT converged)'}  ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
      ),
  }));
  const win = bistableWindow({ kappa: o.kappa, delta: o.delta, u: o.u });
  const text = toCsv({
    meta: {
      what: 'Liouvillian gap λ = |Re ζ₁| against the pump (seed 000 Fig. 3)',
      kappa: o.kappa,
      delta: o.delta,
      u: o.u,
      N: o.N.join(','),
      eps_from: o.epsFrom,
      eps_to: o.epsTo,
      points: o.points,
      tol: o.tol,
      eps_minus: win ? win.epsMinus : 'none',
      eps_plus: win ? win.epsPlus : 'none',
      method: 'shift-invert Krylov–Schur on the banded vectorised Liouvillian; nmax chosen by convergence of ζ₁',
      version: VERSION,
    },
    columns: ['N', 'eps', 'gap', 'nmax', 'zeta1_re', 'zeta1_im', 'converged'],
    rows: points.map((p) => [p.N, p.eps, p.gap, p.K, p.zeta1.re, p.zeta1.im, p.converged]),
  });
  const bad = points.filter((p) => !p.converged).length;
  if (bad) writeErr(`epstudio gap-sweep: warning: ${bad} point(s) not converged (column converged = false)\n`);
  if (o.csv) writeFileAtomic(o.csv, text);
  else writeOut(text);
}

export function critical(o: ModelFlags & { N: number; largeN: boolean; json?: boolean }): void {
  asFlagError(() => kerrParamsFrom(o, 1));
  const base = { kappa: o.kappa, delta: o.delta, u: o.u };
  const win = bistableWindow(base);
  if (!win) throw new ParameterError('--delta', `a detuning with a bistable window, Δ < −√3 κ (= ${(-Math.sqrt(3) * o.kappa).toPrecision(6)}) for u > 0`, o.delta);
  // Progress (issue 12): `critical --N 1000` searched for over a minute in silence. One line a second after 2 s.
  const report = throttledReporter('critical');
  let evaluations = 0;
  let phase = `N = ${o.N}: gap minimum`;
  const onEvaluation = (e: { method: 'gap' | 'steepest'; N: number; eps: number }) => {
    evaluations++;
    report(() => `${phase}: ${e.method === 'gap' ? 'gap' : 'exact |<a>|/√N'} at N = ${e.N}, ε = ${e.eps.toFixed(6)} (${evaluations} evaluations)`);
  };
  const g = compute(() => gapMinimum({ ...base, N: o.N }, { onEvaluation }));
  phase = `N = ${o.N}: steepest slope`;
  const s = compute(() => steepestSlope({ ...base, N: o.N }, { onEvaluation }));
  phase = 'large N';
  const large = o.largeN ? compute(() => criticalLargeN(base, { onEvaluation })) : undefined;
  report.done(() => `done (${evaluations} evaluations)`);
  const out = {
    kappa: o.kappa,
    delta: o.delta,
    u: o.u,
    N: o.N,
    eps_c_gap_min: g.eps_c,
    gap_min: g.gap,
    gap_min_nmax: g.K,
    gap_min_interior: g.interior,
    eps_c_steepest: s.eps_c,
    slope_max: s.slope,
    ...(large
      ? {
          eps_c_gap_min_large_n: large.eps_c_gap_min_extrapolated,
          eps_c_steepest_large_n: large.steepest[large.steepest.length - 1].eps_c,
          eps_c_steepest_extrapolated: large.eps_c_steepest_extrapolated,
          large_n: {
            gap_min: large.gap_min.map((x) => ({ N: x.N, eps_c: x.eps_c, gap: x.gap, nmax: x.K })),
            steepest: large.steepest.map((x) => ({ N: x.N, eps_c: x.eps_c, slope: x.slope })),
          },
        }
      : {}),
    eps_c_seed: EPS_C_SEED,
    eps_minus: win.epsMinus,
    eps_plus: win.epsPlus,
    converged: g.converged,
    version: VERSION,
  };
  if (!g.converged) writeErr('epstudio critical: warning: some gap evaluations did not converge\n');
  if (o.json) printJson(out, true);
  else {
    let text = `N = ${o.N}: ε_c (gap minimum) = ${g.eps_c.toFixed(6)}  (λ_min = ${g.gap.toExponential(4)})\n`;
    text += `N = ${o.N}: ε_c (steepest |<a>|/√N) = ${s.eps_c.toFixed(6)}\n`;
    if (large) {
      text += `N → ∞: ε_c (gap minimum, 1/N extrapolation) = ${large.eps_c_gap_min_extrapolated.toFixed(6)}\n`;
      for (const x of large.steepest) text += `N = ${x.N}: ε_c (steepest) = ${x.eps_c.toFixed(6)}\n`;
    }
    text += `seed: ε_c = ${EPS_C_SEED}; mean-field window [${win.epsMinus.toFixed(6)}, ${win.epsPlus.toFixed(6)}]\n`;
    printChecked(out, text);
  }
}
