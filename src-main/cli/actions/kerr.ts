/**
 * Kerr subcommand bodies (seed 000; issue 2 item 3), loaded when `steady`, `meanfield` or `quench` runs (flags and help
 * in ../commands/kerr.ts). Units: ħ = 1; κ, Δ, u, ε and every rate (Π, Φ, λ) are numbers in one unit ω₀, the one κ is
 * given in (the seed's κ = 0.5 makes ω₀ = 2κ); t in 1/ω₀; S_W and G in nats (src-main/io/quantities.ts).
 */
// Static imports are the light ones; each command imports its engine modules itself (cold start, issue 12:
// `meanfield` must not load the propagator, `steady` not the quench, `--method exact` not the Fock solver).
import type { KerrParams } from '../../../src-core/kerr/model.js';
import type { QuenchSpec } from '../../../src-core/kerr/quench.js';
import type { ObservePipeline } from '../../jobs/observePipeline.js';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { checkNumber, ParameterError } from '../../../src-core/validation.js';
import { kerrParamsFrom } from '../kerrOptions.js';
import type { METHODS } from '../commands/kerr.js';
import { assertFiniteResult, printJson } from '../output.js';
import { phaseReporter, thousands } from '../progress.js';
import { compute, timingEnabled } from '../timing.js';
import { writeErr, writeOut } from '../stdio.js';

/** Fock levels K for `steady --method fock` (the engine's QUENCH_LIMITS.K and the spec's LIMITS.K). */
const NMAX_RULE = { min: 2, max: 400, integer: true };

/** Engine field names → the flags the user typed, so every error names a flag. */
const FLAG_OF: Record<string, string> = {
  kappa: '--kappa',
  delta: '--delta',
  u: '--u',
  N: '--N',
  eps: '--eps',
  epsInitial: '--eps-i',
  epsFinal: '--eps-f',
  tMax: '--t-max',
  dt: '--dt',
  K: '--nmax',
  rtol: '--rtol',
  untilNess: '--until-ness',
};

function asFlagError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ParameterError && FLAG_OF[e.field] && !e.field.startsWith('--')) {
      throw new ParameterError(FLAG_OF[e.field], e.allowed, e.value);
    }
    throw e;
  }
}

interface ModelFlags {
  kappa: number;
  delta: number;
  u: number;
}

/** <a> and <a†a> of a Fock-basis ρ: <a> = Σ √(m+1) ρ_{m+1,m}, <a†a> = Σ m ρ_mm. */
function fockMoments(rho: ComplexMatrix): { a_re: number; a_im: number; n: number } {
  const K = rho.K;
  let ar = 0, ai = 0, n = 0;
  for (let m = 0; m < K; m++) {
    n += m * rho.re[m * K + m];
    if (m + 1 < K) {
      const s = Math.sqrt(m + 1);
      ar += s * rho.re[(m + 1) * K + m];
      ai += s * rho.im[(m + 1) * K + m];
    }
  }
  return { a_re: ar, a_im: ai, n };
}

type Row = [symbol: string, field: string, value: number | string | null, unit: string];

function printTable(title: string, rows: Row[]): void {
  const w = [0, 0, 0];
  const cells = rows.map(([s, f, v, u]) => {
    const val = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(10)) : v === null ? '—' : v;
    return [s, f, val, u];
  });
  for (const [, f, v] of rows) assertFiniteResult(v, f);
  for (const c of cells) for (let i = 0; i < 3; i++) w[i] = Math.max(w[i], c[i].length);
  const lines = cells.map(([s, f, v, u]) => `  ${s.padEnd(w[0])}  ${f.padEnd(w[1])}  ${v.padStart(w[2])}  ${u}`);
  writeOut(`${title}\n${lines.join('\n')}\n`);
}

const RATE = 'rate, in ω₀ (the unit κ, Δ, u, ε are given in; ħ = 1)';

/** K from which one Fock NESS (LU of K² unknowns, plus the Q grid) takes more than ~2 s on a 2-core machine. */
const FOCK_SLOW_K = 150;

/**
 * The most ₀F₂ terms `--method exact` may need (exactSteadyState.ts stops at 5·10⁷ and then refuses: a partial sum is
 * not the function). With z = 2|ξ|² = 8Nε²·N²/u², x = 2(Δ − iκ)/U, U = u/N, the terms z^k/(k!·|(x)_k|²) peak near
 * k ≈ z^{1/3}; for Δ < 0 a second hump sits near k ≈ −Re x = −2Δ/U, and the sum may only stop before it once
 * k ≳ 2z/(Im x)² = 4Nε²/κ². The estimate is the largest of these the summation has to reach.
 */
const EXACT_TERMS_MAX = 2e7;

export function exactSeriesTerms(z: number, p: KerrParams): number {
  const U = p.u / p.N;
  const hump = p.delta < 0 ? Math.min((-2 * p.delta) / U, (4 * p.N * p.eps * p.eps) / (p.kappa * p.kappa)) : 0;
  return Math.max(Math.cbrt(z), hump);
}

/** Refuse, naming --N, parameters whose exact series would not converge within the engine's term cap. */
function checkExactSeries(z: number, p: KerrParams): void {
  const terms = exactSeriesTerms(z, p);
  if (!(terms <= EXACT_TERMS_MAX))
    throw new ParameterError(
      '--N',
      `a size for which the exact ₀F₂ series needs at most ${EXACT_TERMS_MAX.toExponential(0)} terms at κ = ${p.kappa}, Δ = ${p.delta}, u = ${p.u}, ε = ${p.eps} (here ~${terms.toExponential(1)}); use a smaller N or ε, or --method fock`,
      p.N,
    );
}

export async function steady(o: ModelFlags & { N: number; eps: number; method: (typeof METHODS)[number]; entropy?: boolean; nmax?: number; json?: boolean }): Promise<void> {
  if (o.entropy && o.method !== 'fock') throw new ParameterError('--entropy', 'only with --method fock (the exact method gives moments only)', true);
  if (o.nmax !== undefined && o.method !== 'fock') throw new ParameterError('--nmax', 'only with --method fock', o.nmax);
  if (o.nmax !== undefined) checkNumber('--nmax', o.nmax, NMAX_RULE);
  const params = asFlagError(() => kerrParamsFrom(o, o.eps));
  const base = { kappa: params.kappa, delta: params.delta, u: params.u, N: params.N, eps: params.eps };
  if (o.method === 'exact') {
    const { drummondWallsParameters, exactNess } = await import('../../../src-core/kerr/exactSteadyState.js');
    checkExactSeries(drummondWallsParameters(params).z, params);
    const r = compute(() => exactNess(params));
    const out = { ...base, method: 'exact', a_re: r.a_re, a_im: r.a_im, n: r.n, alpha_abs: r.alpha_abs };
    if (o.json) printJson(out);
    else
      printTable(`Kerr NESS (exact Drummond–Walls moments), N = ${params.N}, ε = ${params.eps}`, [
        ['Re<a>', 'a_re', r.a_re, '√photons'],
        ['Im<a>', 'a_im', r.a_im, '√photons'],
        ['<a†a>', 'n', r.n, 'photons'],
        ['|α| = |<a>|/√N', 'alpha_abs', r.alpha_abs, '—'],
      ]);
    return;
  }
  const [{ nessDensityMatrix, nessResidual }, { chooseK, guardTruncation, topPopulation }] = await Promise.all([
    import('../../../src-core/kerr/steadyState.js'),
    import('../../../src-core/kerr/truncation.js'),
  ]);
  const K = o.nmax ?? asFlagError(() => compute(() => chooseK(params, [params.eps]).K));
  // One sparse LU of the K²-unknown Liouvillian has no inner progress points: say what runs when it is large.
  const phase = phaseReporter('steady', K >= FOCK_SLOW_K);
  phase(`K = ${K} Fock levels: factorising the Liouvillian (${thousands(K * K)} unknowns)`);
  const rho = compute(() => nessDensityMatrix(params, K));
  // Refuse (exit 2, naming K and the population) rather than print numbers from a basis too small for the state.
  const top = asFlagError(() => guardTruncation(rho, { onWarn: (m) => writeErr(`epstudio: ${m}\n`) }));
  const residual = compute(() => nessResidual(params, rho));
  let out: Record<string, number | string>;
  let extra: Row[] = [];
  if (o.entropy) {
    phase('entropy production on the Husimi Q grid');
    const { kerrObservables } = await import('../../../src-core/phaseSpace/observables.js');
    const ob = compute(() => kerrObservables(rho, params));
    out = {
      ...base, method: 'fock', nmax: K, top_population: topPopulation(rho, 1), residual,
      a_re: ob.a_re, a_im: ob.a_im, n: ob.n, alpha_abs: ob.alpha_abs,
      S_W: ob.S_W, Pi_J: ob.Pi_J, Pi_ext: ob.Pi_ext, Pi_d: ob.Pi_d, Pi_U: ob.Pi_U,
      Phi: ob.Phi, Phi_ext: ob.Phi_ext, Phi_q: ob.Phi_q, G: ob.G,
      grid: `${ob.grid.radialNodes}x${ob.grid.angles} r<=${ob.grid.rMax}`,
    };
    extra = [
      ['S_W', 'S_W', ob.S_W, 'nats (Wehrl entropy, Eq. 10)'],
      ['Π_J', 'Pi_J', ob.Pi_J, `${RATE}, Eq. 21`],
      ['Π_ext', 'Pi_ext', ob.Pi_ext, `${RATE}, Eq. 24`],
      ['Π_d', 'Pi_d', ob.Pi_d, `${RATE}, Eq. 24`],
      ['Π_U', 'Pi_U', ob.Pi_U, `${RATE}, Eq. 25`],
      ['Φ', 'Phi', ob.Phi, `${RATE}, Eq. 22`],
      ['Φ_ext', 'Phi_ext', ob.Phi_ext, `${RATE}, Eq. 23`],
      ['Φ_q', 'Phi_q', ob.Phi_q, `${RATE}, Eq. 23`],
      ['G', 'G', ob.G, 'nats (non-Gaussianity, Eq. 27)'],
    ];
  } else {
    const mo = fockMoments(rho);
    out = {
      ...base, method: 'fock', nmax: K, top_population: topPopulation(rho, 1), residual,
      a_re: mo.a_re, a_im: mo.a_im, n: mo.n, alpha_abs: Math.hypot(mo.a_re, mo.a_im) / Math.sqrt(params.N),
    };
  }
  if (o.json) {
    printJson(out);
    return;
  }
  printTable(`Kerr NESS (Fock basis, K = ${K} levels), N = ${params.N}, ε = ${params.eps}`, [
    ['Re<a>', 'a_re', out.a_re as number, '√photons'],
    ['Im<a>', 'a_im', out.a_im as number, '√photons'],
    ['<a†a>', 'n', out.n as number, 'photons'],
    ['|α| = |<a>|/√N', 'alpha_abs', out.alpha_abs as number, '—'],
    ...extra,
    ['ρ_{K−1,K−1}', 'top_population', out.top_population as number, `top-level population (guard refuses > 1e-9 over 2 levels; 2 levels: ${top.toExponential(2)})`],
    ['max|L(ρ)|', 'residual', residual, RATE],
  ]);
}

export async function meanfield(o: ModelFlags & { eps?: number; json?: boolean }): Promise<void> {
  const { bistableWindow, meanFieldSteadyStates } = await import('../../../src-core/kerr/meanField.js');
  const model = { kappa: o.kappa, delta: o.delta, u: o.u };
  const w = compute(() => bistableWindow(model));
  const branches = o.eps === undefined ? undefined : compute(() => meanFieldSteadyStates({ ...model, eps: o.eps! }));
  const out = {
    ...model,
    eps_minus: w ? w.epsMinus : null,
    eps_plus: w ? w.epsPlus : null,
    n_plus: w ? w.nPlus : null,
    n_minus: w ? w.nMinus : null,
    ...(branches && { eps: o.eps, branches }),
  };
  if (o.json) {
    printJson(out);
    return;
  }
  printTable(`Kerr mean field, κ = ${o.kappa}, Δ = ${o.delta}, u = ${o.u}${w ? '' : ' (no bistable window: needs Δu < 0 and Δ² > 3κ²)'}`, [
    ['ε−', 'eps_minus', out.eps_minus, `${RATE}: lower edge of the window, ε(n+)`],
    ['ε+', 'eps_plus', out.eps_plus, `${RATE}: upper edge, ε(n−)`],
    ['n+', 'n_plus', out.n_plus, 'scaled photons |α|²'],
    ['n−', 'n_minus', out.n_minus, 'scaled photons |α|²'],
  ]);
  if (branches) {
    printTable(
      `steady branches at ε = ${o.eps}`,
      branches.map((b, i): Row => [`branch ${i + 1}`, b.stable ? 'stable' : 'unstable', b.n, `n = |α|², α = ${b.alpha_re.toPrecision(6)} ${b.alpha_im < 0 ? '−' : '+'} ${Math.abs(b.alpha_im).toPrecision(6)} i`]),
    );
  }
}

/** Default tolerance of --until-ness (the `extended` preset's). */
const UNTIL_NESS_TOL = 1e-6;

export async function quench(o: ModelFlags & { N: number; epsI: number; epsF: number; tMax: number; dt: number; nmax?: number; rtol?: number; csv?: string; untilNess?: boolean; tol?: number }): Promise<void> {
  if (o.tol !== undefined && !o.untilNess) throw new ParameterError('--tol', 'only with --until-ness', o.tol);
  if (o.tol !== undefined) checkNumber('--tol', o.tol, { min: 1e-14, max: 1 });
  // The observables' worker starts first: it loads while this thread plans and computes the initial state.
  const { quenchPipeline, pipelineStatsLine } = await import('../../jobs/observePipeline.js');
  const pipe = quenchPipeline('kerr');
  try {
    await quenchKerr(o, pipe);
  } finally {
    void pipe?.close();
    if (pipe && timingEnabled()) writeErr(pipelineStatsLine(pipe.stats));
  }
}

async function quenchKerr(o: Parameters<typeof quench>[0], pipe: ObservePipeline | undefined): Promise<void> {
  const [{ planQuench, runQuench, formatKChanges, mergeKChanges, kerrQuenchObserve }, { toRaw }, { quenchProgress, reportUntilNess, writeQuenchCsv }] = await Promise.all([
    import('../../../src-core/kerr/quench.js'),
    import('../../../src-core/kerr/model.js'),
    import('./quenchOutput.js'),
  ]);
  const spec: QuenchSpec = {
    kappa: o.kappa, delta: o.delta, u: o.u, N: o.N,
    epsInitial: o.epsI, epsFinal: o.epsF, tMax: o.tMax, dt: o.dt,
    ...(o.nmax !== undefined && { K: o.nmax }),
    ...(o.rtol !== undefined && { rtol: o.rtol }),
  };
  // Validate everything (and choose the first K) before any work or output.
  const plan = asFlagError(() => compute(() => planQuench(spec)));
  const tol = o.untilNess ? (o.tol ?? UNTIL_NESS_TOL) : undefined;
  let gap: number | null = null;
  if (tol !== undefined) {
    // The Liouvillian gap λ at ε_f predicts the approach to the NESS (distance ≈ C e^{−λt}): the ETA's first guess.
    const { liouvillianGap } = await import('../../../src-core/kerr/spectrum.js');
    const g0 = Date.now();
    gap = compute(() => liouvillianGap(plan.final));
    writeErr(`quench: Liouvillian gap at ε_f = ${plan.final.eps}: λ = ${gap.toPrecision(6)} (relaxation time 1/λ = ${(1 / gap).toPrecision(4)}; ${((Date.now() - g0) / 1000).toFixed(1)} s)\n`);
  }
  const progress = quenchProgress(plan);
  const res = asFlagError(() =>
    compute(() =>
      runQuench(plan, (i, _row, _rho, info) => progress(i, info), {
        guard: { onWarn: (m) => writeErr(`epstudio: ${m}\n`) },
        ...(tol !== undefined && { untilNess: { tol, gap } }),
        observer: pipe?.observer({ model: 'kerr', initial: plan.initial, final: plan.final }, kerrQuenchObserve(plan)),
      }),
    ),
  );
  const raw = toRaw(plan.final);
  const columns = [...res.columns];
  const extra: Record<string, string | number | boolean> = {
    model: 'Kerr: H = Δa†a + iE(a† − a) + (U/2)a†a†aa, dρ/dt = −i[H,ρ] + 2κD[a]ρ, E = √N ε, U = u/N',
    E_final: raw.E,
    U: raw.U,
    samples: res.rows.length,
    K_initial: res.Ks[0],
    K_final: res.Ks[res.Ks.length - 1],
    K_largest: Math.max(...res.Ks),
    ...(plan.adaptive && {
      K_policy: `grow by max(6, K/10) when the top 2 levels hold > ${plan.adaptive.preTol} (redo the interval above ${plan.adaptive.growTol}); shrink when the levels above K' hold ≤ ${plan.adaptive.shrinkTol}`,
      K_changes: formatKChanges(mergeKChanges(res.changes), plan.times),
      shrink_discarded_population: res.discarded,
    }),
    max_top_population: res.maxTopPopulation,
    max_trace_error: res.maxTraceError,
    propagator_steps: res.stats.steps,
  };
  if (tol !== undefined) reportUntilNess(res, tol, gap, extra);
  writeQuenchCsv(o.csv, plan, res, columns, extra);
}
