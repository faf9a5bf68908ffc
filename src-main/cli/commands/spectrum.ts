/**
 * Liouvillian spectrum subcommands (seed 000 Sec. II D, Fig. 3; issue 3):
 *   gap        the slowest eigenvalues ζ₁…ζ_count of L (ζ₀ = 0 left out) and the gap λ = |Re ζ₁| at one pump
 *   gap-sweep  λ against ε for several N, as CSV (the data of Fig. 3)
 *   critical   ε_c(N) as the pump of minimal gap and as the steepest slope of the exact |<a>|/√N, with large-N values
 * Units: ħ = 1; ζ and λ in the unit of κ (amplitude rate).
 */
import type { Command } from 'commander';
import { criticalLargeN, EPS_C_SEED, gapMinimum, steepestSlope } from '../../../src-core/kerr/critical.js';
import { bistableWindow } from '../../../src-core/kerr/meanField.js';
import { KERR_RULES, validateKerrParams } from '../../../src-core/kerr/model.js';
import { gapSweep, liouvillianSpectrum, pumpGrid, type GapPoint } from '../../../src-core/kerr/spectrum.js';
import { ParameterError } from '../../../src-core/validation.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { toCsv } from '../../io/csv.js';
import { VERSION } from '../../version.js';
import { num, numList } from '../args.js';
import { addModelOptions, addSizeOption, kerrParamsFrom } from '../kerrOptions.js';

const COUNT_RULE = { min: 1, max: 50, integer: true };
const NMAX_RULE = { min: 2, max: 400, integer: true };
const POINTS_RULE = { min: 1, max: 10000, integer: true };
const TOL_RULE = { min: 1e-14, max: 1e-2 };

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

export function register(program: Command): void {
  addModelOptions(
    addSizeOption(
      program
        .command('gap')
        .description('slowest Liouvillian eigenvalues and the gap λ = |Re ζ₁| (shift-invert Arnoldi, K chosen by convergence)'),
    ),
  )
    .requiredOption('--eps <ε>', 'scaled pump ε (E = √N ε)', num('--eps', KERR_RULES.eps))
    .option('--count <k>', 'number of slowest eigenvalues ζ₁…ζ_k (ζ₀ = 0 left out)', num('--count', COUNT_RULE), 4)
    .option('--nmax <K>', 'fixed Fock cut-off K (default: increase K until the eigenvalues converge)', num('--nmax', NMAX_RULE))
    .option('--tol <t>', 'relative change of the eigenvalues between consecutive K counted as converged', num('--tol', TOL_RULE), 1e-7)
    .option('--json', 'print JSON')
    .action((o: ModelFlags & { N: number; eps: number; count: number; nmax?: number; tol: number; json?: boolean }) => {
      const params = asFlagError(() => kerrParamsFrom(o, o.eps));
      const s = asFlagError(() => liouvillianSpectrum(params, { count: o.count, K: o.nmax, tol: o.tol }));
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
      if (!s.converged) process.stderr.write(`epstudio gap: warning: not converged: ${s.note}\n`);
      if (o.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      else {
        process.stdout.write(`gap λ = ${s.gap.toPrecision(10)}   (K = ${s.K}, converged: ${s.converged})\n`);
        s.eigenvalues.forEach((z, i) =>
          process.stdout.write(`ζ_${i + 1} = ${z.re.toPrecision(10)} ${z.im < 0 ? '−' : '+'} ${Math.abs(z.im).toPrecision(10)} i\n`),
        );
      }
    });

  addModelOptions(
    program
      .command('gap-sweep')
      .description('the gap λ against the pump ε for several N (seed Fig. 3), as CSV: N,eps,gap,nmax,zeta1_re,zeta1_im,converged'),
  )
    .requiredOption('--N <list>', 'comma-separated sizes N', numList('--N', KERR_RULES.N))
    .option('--eps-from <ε>', 'first pump', num('--eps-from', KERR_RULES.eps), 0.5)
    .option('--eps-to <ε>', 'last pump', num('--eps-to', KERR_RULES.eps), 1.4)
    .option('--points <n>', 'number of pumps (evenly spaced, both ends included)', num('--points', POINTS_RULE), 91)
    .option('--tol <t>', 'relative change of the gap between consecutive K counted as converged', num('--tol', TOL_RULE), 1e-7)
    .option('--csv <file>', 'write the CSV to this file (default: stdout)')
    .action((o: ModelFlags & { N: number[]; epsFrom: number; epsTo: number; points: number; tol: number; csv?: string }) => {
      if (!(o.epsTo >= o.epsFrom)) throw new ParameterError('--eps-to', `a pump ≥ --eps-from (${o.epsFrom})`, o.epsTo);
      if (o.points > 1 && o.epsTo === o.epsFrom) throw new ParameterError('--points', '1 when --eps-from equals --eps-to', o.points);
      for (const N of o.N) asFlagError(() => validateKerrParams({ kappa: o.kappa, delta: o.delta, u: o.u, N, eps: o.epsFrom }));
      const epsList = pumpGrid(o.epsFrom, o.epsTo, o.points);
      const t0 = Date.now();
      const points: GapPoint[] = gapSweep({ kappa: o.kappa, delta: o.delta, u: o.u }, o.N, epsList, {
        tol: o.tol,
        onPoint: (p, i, total) =>
          process.stderr.write(
            `[gap-sweep] ${i + 1}/${total}  N=${p.N} ε=${p.eps.toFixed(5)} λ=${p.gap.toExponential(6)} K=${p.K}${p.converged ? '' : ' (NOT converged)'}  ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
          ),
      });
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
      if (bad) process.stderr.write(`epstudio gap-sweep: warning: ${bad} point(s) not converged (column converged = false)\n`);
      if (o.csv) writeFileAtomic(o.csv, text);
      else process.stdout.write(text);
    });

  addModelOptions(
    addSizeOption(
      program
        .command('critical')
        .description('critical pump ε_c(N): minimal Liouvillian gap and steepest slope of the exact |<a>|/√N, plus large-N values'),
    ),
  )
    .option('--no-large-n', 'skip the large-N values (extrapolation of the gap minimum, exact steepest slope at N = 100…3000)')
    .option('--json', 'print JSON')
    .action((o: ModelFlags & { N: number; largeN: boolean; json?: boolean }) => {
      asFlagError(() => kerrParamsFrom(o, 1));
      const base = { kappa: o.kappa, delta: o.delta, u: o.u };
      const win = bistableWindow(base);
      if (!win) throw new ParameterError('--delta', `a detuning with a bistable window, Δ < −√3 κ (= ${(-Math.sqrt(3) * o.kappa).toPrecision(6)}) for u > 0`, o.delta);
      const g = gapMinimum({ ...base, N: o.N });
      const s = steepestSlope({ ...base, N: o.N });
      const large = o.largeN ? criticalLargeN(base) : undefined;
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
      if (!g.converged) process.stderr.write('epstudio critical: warning: some gap evaluations did not converge\n');
      if (o.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      else {
        process.stdout.write(`N = ${o.N}: ε_c (gap minimum) = ${g.eps_c.toFixed(6)}  (λ_min = ${g.gap.toExponential(4)})\n`);
        process.stdout.write(`N = ${o.N}: ε_c (steepest |<a>|/√N) = ${s.eps_c.toFixed(6)}\n`);
        if (large) {
          process.stdout.write(`N → ∞: ε_c (gap minimum, 1/N extrapolation) = ${large.eps_c_gap_min_extrapolated.toFixed(6)}\n`);
          for (const x of large.steepest) process.stdout.write(`N = ${x.N}: ε_c (steepest) = ${x.eps_c.toFixed(6)}\n`);
        }
        process.stdout.write(`seed: ε_c = ${EPS_C_SEED}; mean-field window [${win.epsMinus.toFixed(6)}, ${win.epsPlus.toFixed(6)}]\n`);
      }
    });
}
