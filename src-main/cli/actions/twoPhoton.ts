/**
 * Actions of `--model two-photon-kerr` for `steady` and `gap` (flags: ../kerrOptions.ts addModelKindOptions) (issue 15; PHYSICS.md §5): H = Δa†a + iE(a† − a) + (G/2)(a†² + a²)
 * + (U/2)a†²a², 2κD[a] (+ ηD[a²]); E = √N ε, U = u/N, G = g, η = η₀/N. The NESS is the Fock solve (the even parity
 * sector at ε = 0); the gap is reported per parity sector at ε = 0 (the odd one closes above threshold).
 * Units as for the Kerr commands: every rate in ω₀, the unit κ is given in.
 */
import { TWO_PHOTON_KERR_RULES, twoPhotonKerrModel, validateTwoPhotonKerrParams, type TwoPhotonKerrParams } from '../../../src-core/model/instances.js';
import { coefficient } from '../../../src-core/model/model.js';
import { GAP_RESOLUTION_TEXT, gapResolution, gapsBelow, twoPhotonGapSweep, twoPhotonSectorSpectra, twoPhotonSpectrum, twoPhotonThreshold, unresolvedText } from '../../../src-core/model/twoPhotonKerr.js';
import { twoPhotonGapReport, twoPhotonSteadyReport } from '../../../src-core/model/twoPhotonReport.js';
import type { WarmStart } from '../../../src-core/kerr/spectrum.js';
import { checkNumber, ParameterError } from '../../../src-core/validation.js';
import { VERSION } from '../../version.js';
import type { ModelKind } from '../kerrOptions.js';
import { compute, timingEnabled } from '../timing.js';
import type { ObservePipeline } from '../../jobs/observePipeline.js';

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
  const r = compute(() => twoPhotonSteadyReport(p, { K: o.nmax, entropy: o.entropy }));
  if (!(r.tail < 1e-9))
    throw new ParameterError('--nmax', `enough Fock levels: the top two hold ${r.tail.toExponential(2)} of the population (> 1e-9) at K = ${r.K}`, r.K);
  const base = { model: 'two-photon-kerr', kappa: p.kappa, delta: p.delta, u: p.u, eps: p.eps, g: p.g, eta0: p.eta0, N: p.N, g_th: twoPhotonThreshold(p) };
  const out: Record<string, unknown> = { ...base, method: 'fock', ...r.values, ...(r.grid ? { grid: r.grid } : {}) };
  if (o.json) {
    process.stdout.write(JSON.stringify({ ...out, version: VERSION }) + '\n');
    return;
  }
  process.stdout.write(`Two-photon Kerr NESS (Fock basis, K = ${r.K}), N = ${p.N}, ε = ${p.eps}, g = ${p.g} (g_th = ${base.g_th.toPrecision(6)})\n`);
  for (const [k, v] of Object.entries(out)) if (typeof v === 'number') process.stdout.write(`  ${k.padEnd(16)} ${v.toPrecision(10)}\n`);
}

export function gapTwoPhoton(o: Flags & { count: number; nmax?: number; tol: number; json?: boolean }): void {
  const p = params(o);
  const r = flagged(() => compute(() => twoPhotonGapReport(p, { count: o.count, K: o.nmax, tol: o.tol })));
  const out = { model: 'two-photon-kerr', kappa: p.kappa, delta: p.delta, u: p.u, eps: p.eps, g: p.g, eta0: p.eta0, N: p.N, ...r, version: VERSION };
  for (const s of r.sectors) if (!s.converged) process.stderr.write(`epstudio gap: warning: sector ${s.sector} not converged: ${s.note}\n`);
  for (const s of r.sectors)
    if (!s.resolved) process.stderr.write(`epstudio gap: warning: sector ${s.sector}: λ = ${s.gap.toExponential(2)} is below double precision's resolution (2 × 20ε·max|L|): only λ ≲ ${s.bound.toExponential(1)} is known\n`);
  if (o.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  else
    for (const s of out.sectors)
      process.stdout.write(
        `${s.sector.padEnd(4)} sector: gap λ = ${s.resolved ? s.gap.toPrecision(10) : `≲ ${s.bound.toExponential(1)} (not resolved: ${s.gap.toExponential(2)})`}   (K = ${s.nmax}, converged: ${s.converged})\n`,
      );
}

// ---- quench --model two-photon-kerr (issue 15) ----

/** Default tolerance of --until-ness (as the Kerr quench's). */
const UNTIL_NESS_TOL = 1e-6;

export interface QuenchTwoPhotonFlags {
  kappa: number;
  delta: number;
  u: number;
  N: number;
  g?: number;
  gI?: number;
  gF?: number;
  eps?: number;
  epsI?: number;
  epsF?: number;
  eta0?: number;
  tMax: number;
  dt: number;
  nmax?: number;
  rtol?: number;
  untilNess?: boolean;
  tol?: number;
  csv?: string;
}

/** Spec field → the flag the user typed (the initial/final pumps may come from --g/--eps or from --g-i/--g-f, …). */
function quenchFlag(field: string, o: QuenchTwoPhotonFlags): string | undefined {
  const side = field.startsWith('initial.') ? 'i' : field.startsWith('final.') ? 'f' : '';
  const k = side ? field.slice(field.indexOf('.') + 1) : field;
  if (k === 'g') return side === 'i' ? (o.gI !== undefined ? '--g-i' : '--g') : o.gF !== undefined ? '--g-f' : '--g';
  if (k === 'eps') return side === 'i' ? (o.epsI !== undefined ? '--eps-i' : '--eps') : o.epsF !== undefined ? '--eps-f' : '--eps';
  return ({ kappa: '--kappa', delta: '--delta', u: '--u', N: '--N', eta0: '--eta0', tMax: '--t-max', dt: '--dt', K: '--nmax', rtol: '--rtol', untilNess: '--until-ness' } as Record<string, string>)[k];
}

/**
 * `quench --model two-photon-kerr`: the NESS at (g_i, ε_i) propagated under (g_f, ε_f); g from --g-i/--g-f (or --g
 * for both), ε from --eps-i/--eps-f (or --eps for both, default 0). Every flag is checked before any work or output.
 */
export async function quenchTwoPhoton(o: QuenchTwoPhotonFlags): Promise<void> {
  if (o.tol !== undefined && !o.untilNess) throw new ParameterError('--tol', 'only with --until-ness', o.tol);
  if (o.tol !== undefined && !(Number.isFinite(o.tol) && o.tol >= 1e-14 && o.tol <= 1)) throw new ParameterError('--tol', 'a number from 1e-14 to 1', o.tol);
  const gI = o.gI ?? o.g, gF = o.gF ?? o.g;
  if (gI === undefined) throw new ParameterError('--g-i', 'the two-photon pump before the quench (or --g for both sides)', undefined);
  if (gF === undefined) throw new ParameterError('--g-f', 'the two-photon pump after the quench (or --g for both sides)', undefined);
  const epsI = o.epsI ?? o.eps ?? 0, epsF = o.epsF ?? o.eps ?? 0;
  // The observables' worker starts first: it loads while this thread plans and computes the initial state.
  const { quenchPipeline, pipelineStatsLine } = await import('../../jobs/observePipeline.js');
  const pipe = quenchPipeline('two-photon-kerr');
  try {
    await quenchTwoPhotonRun(o, { gI, gF, epsI, epsF }, pipe);
  } finally {
    void pipe?.close();
    if (pipe && timingEnabled()) process.stderr.write(pipelineStatsLine(pipe.stats));
  }
}

async function quenchTwoPhotonRun(o: QuenchTwoPhotonFlags, { gI, gF, epsI, epsF }: { gI: number; gF: number; epsI: number; epsF: number }, pipe: ObservePipeline | undefined): Promise<void> {
  const [{ planModelQuench, runModelQuench, modelQuenchObserve, MODEL_QUENCH_COLUMNS, MODEL_QUENCH_COLUMN_DOCS }, { formatKChanges, mergeKChanges }, { quenchProgress, reportUntilNess, writeQuenchCsv }] =
    await Promise.all([
      import('../../../src-core/model/quench.js'),
      import('../../../src-core/kerr/quench.js'),
      import('./quenchOutput.js'),
    ]);
  const side = (g: number, eps: number): TwoPhotonKerrParams => ({ kappa: o.kappa, delta: o.delta, u: o.u, N: o.N, g, eps, eta0: o.eta0 ?? 0 });
  const spec = {
    model: 'two-photon-kerr' as const,
    initial: side(gI, epsI),
    final: side(gF, epsF),
    tMax: o.tMax,
    dt: o.dt,
    ...(o.nmax !== undefined && { K: o.nmax }),
    ...(o.rtol !== undefined && { rtol: o.rtol }),
  };
  const asFlag = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      const flag = e instanceof ParameterError && !e.field.startsWith('--') ? quenchFlag(e.field, o) : undefined;
      if (flag) throw new ParameterError(flag, (e as ParameterError).allowed, (e as ParameterError).value);
      throw e;
    }
  };
  const plan = asFlag(() => planModelQuench(spec));
  const tol = o.untilNess ? (o.tol ?? UNTIL_NESS_TOL) : undefined;
  let gap: number | null = null;
  if (tol !== undefined) {
    // The gap of the sector the run lives in: the even one when parity is conserved (ε = 0 before and after).
    const g0 = Date.now();
    gap = compute(() =>
      plan.parity
        ? twoPhotonSectorSpectra(plan.final, { count: 1 }).sectors.find((s) => s.sector === 'even')!.spectrum.gap
        : twoPhotonSpectrum(plan.final, { count: 1 }).spectrum.gap,
    );
    process.stderr.write(`quench: Liouvillian gap at the final parameters${plan.parity ? ' (even parity sector)' : ''}: λ = ${gap.toPrecision(6)} (${((Date.now() - g0) / 1000).toFixed(1)} s)\n`);
  }
  const progress = quenchProgress(plan);
  const res = asFlag(() =>
    compute(() =>
      runModelQuench(
        spec,
        (i, _row, _rho, info) => progress(i, info),
        {
          guard: { onWarn: (m) => process.stderr.write(`epstudio: ${m}\n`) },
          ...(tol !== undefined && { untilNess: { tol, gap } }),
          observer: pipe?.observer(
            { model: 'two-photon-kerr', initial: plan.initial, final: plan.final, balance: false },
            modelQuenchObserve({ initial: plan.initial, final: plan.final, balance: false }),
          ),
        },
      ),
    ),
  );
  const columns = [...MODEL_QUENCH_COLUMNS];
  const fin = twoPhotonKerrModel(plan.final);
  const extra: Record<string, string | number | boolean> = {
    model: 'two-photon Kerr: H = Δa†a + iE(a† − a) + (G/2)(a†² + a²) + (U/2)a†²a², dρ/dt = −i[H,ρ] + 2κD[a]ρ + ηD[a²]ρ, E = √N ε, G = g, U = u/N, η = η₀/N',
    g_initial: plan.initial.g,
    g_final: plan.final.g,
    eta0: plan.final.eta0,
    g_th: twoPhotonThreshold(plan.final),
    E_final: coefficient(fin, 'drive'),
    U: coefficient(fin, 'kerr'),
    parity_sector: plan.parity ? 'even (ε = 0 before and after: the odd elements of ρ stay exactly 0)' : 'none',
    samples: res.rows.length,
    K_initial: res.Ks[0],
    K_final: res.Ks[res.Ks.length - 1],
    K_largest: Math.max(...res.Ks),
    ...(plan.adaptive && { K_changes: formatKChanges(mergeKChanges(res.changes), plan.times), shrink_discarded_population: res.discarded }),
    max_top_population: res.maxTopPopulation,
    max_trace_error: res.maxTraceError,
    propagator_steps: res.stats.steps,
    columns_doc: columns.filter((c) => c.startsWith('Pi_U_') || c === 'Pi_eta' || c === 'Pi_J' || c === 'Phi').map((c) => `${c}: ${MODEL_QUENCH_COLUMN_DOCS[c]}`).join(' | '),
  };
  if (tol !== undefined) reportUntilNess(res, tol, gap, extra);
  writeQuenchCsv(o.csv, plan, res, columns, extra);
}

/**
 * `gap-sweep --model two-photon-kerr`: the gap against the two-photon pump g for several N (the analogue of seed 000's
 * Fig. 3; the data of the `two-photon-gap` preset). At ε = 0 the gap of each parity sector (the odd one closes above
 * g_th as N grows), otherwise the slowest eigenvalue of the whole Liouvillian; K by convergence, warm-started along g.
 * Columns as the study's task CSVs (src-main/studies/spec.ts); progress on stderr, one line per point.
 */
export async function gapSweepTwoPhoton(o: Omit<Flags, 'N' | 'g'> & { N: number[]; gFrom?: number; gTo?: number; points: number; tol: number; csv?: string; json?: boolean }): Promise<void> {
  // loaded here, not at the top: `steady`/`gap --model two-photon-kerr` load no spec (zod) or file module (cold start)
  const [{ TP_GAP_COLUMNS, TP_GAP_SECTOR_COLUMNS }, { toCsv }, { writeFileAtomic }, { printJson }] = await Promise.all([
    import('../../studies/spec.js'), import('../../io/csv.js'), import('../../io/atomicWrite.js'), import('../output.js'),
  ]);
  if (o.csv !== undefined && o.json) throw new ParameterError('--json', 'not with --csv (one output format)', true);
  const base = { kappa: o.kappa, delta: o.delta, u: o.u, eps: o.eps, eta0: o.eta0 ?? 0 };
  const gth = twoPhotonThreshold(base);
  const gFrom = checkNumber('--g-from', o.gFrom ?? 0, TWO_PHOTON_KERR_RULES.g);
  const gTo = checkNumber('--g-to', o.gTo ?? 2 * gth, TWO_PHOTON_KERR_RULES.g);
  if (!(gTo >= gFrom)) throw new ParameterError('--g-to', `a pump ≥ --g-from (${gFrom})`, gTo);
  if (o.points > 1 && gTo === gFrom) throw new ParameterError('--points', '1 when --g-from equals --g-to', o.points);
  for (const N of o.N) params({ ...o, N, g: gFrom });
  const gs = Array.from({ length: o.points }, (_, i) => (o.points === 1 ? gFrom : gFrom + ((gTo - gFrom) * i) / (o.points - 1)));
  const sectors = base.eps === 0;
  const columns = sectors ? TP_GAP_SECTOR_COLUMNS : TP_GAP_COLUMNS;
  const rows: number[][] = [];
  const t0 = Date.now(), total = o.N.length * gs.length;
  // A gap within 2× the K test's round-off floor (spectrumAbsTol: 20ε·max|L|) is not resolved by double precision
  // (the odd gap above threshold at N = 40 is ~1e-14): such points are named in the metadata and on stderr as bounds.
  const unresolved: string[] = [];
  const resolution = (N: number, g: number, gaps: [string, number][]): string => {
    const bound = gapResolution({ ...base, N, g });
    const names = gapsBelow(bound, gaps);
    if (!names.length) return '';
    unresolved.push(unresolvedText(`N=${N} g=${g}`, bound, names));
    return ` (${names.join(', ')} below double precision: only ≲ ${bound.toExponential(1)})`;
  };
  const report = (N: number, g: number, text: string, K: number, ok: boolean) =>
    process.stderr.write(`[gap-sweep] ${rows.length}/${total}  N=${N} g=${g.toFixed(5)} ${text} K=${K}${ok ? '' : ' (NOT converged)'}  ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  for (const N of o.N) {
    if (sectors) {
      flagged(() =>
        twoPhotonGapSweep(base, [N], gs, {
          tol: o.tol,
          onPoint: (p) => {
            rows.push([N, p.g, 0, p.gap, p.gapEven, p.gapOdd, p.K, p.converged ? 1 : 0]);
            const res = resolution(N, p.g, [['gap', p.gap], ['gap_even', p.gapEven], ['gap_odd', p.gapOdd]]);
            report(N, p.g, `λ_even=${p.gapEven.toExponential(6)} λ_odd=${p.gapOdd.toExponential(6)}${res}`, p.K, p.converged);
          },
        }),
      );
    } else {
      let warm: WarmStart | undefined;
      for (const g of gs) {
        const r = flagged(() => twoPhotonSpectrum({ ...base, N, g }, { count: 1, tol: o.tol }, warm));
        warm = r.warm;
        const s = r.spectrum, z = s.eigenvalues[0];
        rows.push([N, g, base.eps, s.gap, z.re, z.im, s.K, s.converged ? 1 : 0]);
        report(N, g, `λ=${s.gap.toExponential(6)}${resolution(N, g, [['gap', s.gap]])}`, s.K, s.converged);
      }
    }
  }
  const bad = rows.filter((r) => r[r.length - 1] === 0).length;
  if (bad) process.stderr.write(`epstudio gap-sweep: warning: ${bad} point(s) not converged (column converged = 0)\n`);
  if (unresolved.length)
    process.stderr.write(`epstudio gap-sweep: warning: ${unresolved.length} point(s) with a gap below double precision's resolution (only an upper bound is known): ${unresolved.join('; ')}\n`);
  const meta = {
    what: sectors ? 'Liouvillian gap of each parity sector against the two-photon pump g (ε = 0)' : 'Liouvillian gap against the two-photon pump g',
    model: 'two-photon-kerr', kappa: o.kappa, delta: o.delta, u: o.u, eps: base.eps, eta0: base.eta0, g_th: gth,
    N: o.N.join(' '), g_from: gFrom, g_to: gTo, points: o.points, tol: o.tol,
    method: 'shift-invert Krylov–Schur per parity sector (ε = 0) or on the whole Liouvillian; nmax chosen by convergence of ζ₁',
    resolution: GAP_RESOLUTION_TEXT,
    unresolved: unresolved.length ? unresolved.join('; ') : 'none',
    version: VERSION,
  };
  if (o.json) {
    printJson({ ...meta, columns: [...columns], rows, converged: bad === 0 }, true);
    return;
  }
  const text = toCsv({ meta, columns: [...columns], rows });
  if (o.csv) writeFileAtomic(o.csv, text);
  else process.stdout.write(text);
}
