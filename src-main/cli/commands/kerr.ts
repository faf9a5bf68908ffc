/**
 * Kerr subcommands (seed 000; issue 2 item 3):
 *   steady     the NESS at one pump: exact (Drummond–Walls moments, any N) or fock (density matrix, + --entropy)
 *   meanfield  the bistable window ε−, ε+ (and the branches at --eps)
 *   quench     the NESS at ε_i propagated under ε_f, every observable at t = 0, Δt, …, t_max, as CSV
 * Units: ħ = 1; κ, Δ, u, ε and every rate (Π, Φ, λ) are numbers in one unit ω₀, the one κ is given in (the seed's
 * κ = 0.5 makes ω₀ = 2κ); t in 1/ω₀; S_W and G in nats (src-main/io/quantities.ts).
 */
import type { Command } from 'commander';
import { exactNess } from '../../../src-core/kerr/exactSteadyState.js';
import { bistableWindow, meanFieldSteadyStates } from '../../../src-core/kerr/meanField.js';
import { KERR_RULES, PAPER, toRaw, type KerrParams } from '../../../src-core/kerr/model.js';
import { planQuench, runQuench, QUENCH_LIMITS, type QuenchSpec } from '../../../src-core/kerr/quench.js';
import { nessDensityMatrix, nessResidual } from '../../../src-core/kerr/steadyState.js';
import { chooseK, guardTruncation, topPopulation } from '../../../src-core/kerr/truncation.js';
import type { ComplexMatrix } from '../../../src-core/linalg/complexMatrix.js';
import { kerrObservables } from '../../../src-core/phaseSpace/observables.js';
import { ParameterError } from '../../../src-core/validation.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { toCsv } from '../../io/csv.js';
import { nowIso, provenanceMeta } from '../../io/provenance.js';
import { sampleTime } from '../../io/sampleTime.js';
import { VERSION } from '../../version.js';
import { num, oneOf } from '../args.js';
import { addModelOptions, addSizeOption, kerrParamsFrom } from '../kerrOptions.js';

const METHODS = ['exact', 'fock'] as const;
const NMAX_RULE = QUENCH_LIMITS.K;

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
  for (const c of cells) for (let i = 0; i < 3; i++) w[i] = Math.max(w[i], c[i].length);
  const lines = cells.map(([s, f, v, u]) => `  ${s.padEnd(w[0])}  ${f.padEnd(w[1])}  ${v.padStart(w[2])}  ${u}`);
  process.stdout.write(`${title}\n${lines.join('\n')}\n`);
}

const RATE = 'rate, in ω₀ (the unit κ, Δ, u, ε are given in; ħ = 1)';

function steady(o: ModelFlags & { N: number; eps: number; method: (typeof METHODS)[number]; entropy?: boolean; nmax?: number; json?: boolean }): void {
  if (o.entropy && o.method !== 'fock') throw new ParameterError('--entropy', 'only with --method fock (the exact method gives moments only)', true);
  if (o.nmax !== undefined && o.method !== 'fock') throw new ParameterError('--nmax', 'only with --method fock', o.nmax);
  const params = asFlagError(() => kerrParamsFrom(o, o.eps));
  const base = { kappa: params.kappa, delta: params.delta, u: params.u, N: params.N, eps: params.eps };
  if (o.method === 'exact') {
    const r = exactNess(params);
    const out = { ...base, method: 'exact', a_re: r.a_re, a_im: r.a_im, n: r.n, alpha_abs: r.alpha_abs };
    if (o.json) process.stdout.write(JSON.stringify(out) + '\n');
    else
      printTable(`Kerr NESS (exact Drummond–Walls moments), N = ${params.N}, ε = ${params.eps}`, [
        ['Re<a>', 'a_re', r.a_re, '√photons'],
        ['Im<a>', 'a_im', r.a_im, '√photons'],
        ['<a†a>', 'n', r.n, 'photons'],
        ['|α| = |<a>|/√N', 'alpha_abs', r.alpha_abs, '—'],
      ]);
    return;
  }
  const K = o.nmax ?? asFlagError(() => chooseK(params, [params.eps]).K);
  const rho = nessDensityMatrix(params, K);
  // Refuse (exit 2, naming K and the population) rather than print numbers from a basis too small for the state.
  const top = asFlagError(() => guardTruncation(rho, { onWarn: (m) => process.stderr.write(`epstudio: ${m}\n`) }));
  const residual = nessResidual(params, rho);
  let out: Record<string, number | string>;
  let extra: Row[] = [];
  if (o.entropy) {
    const ob = kerrObservables(rho, params);
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
    process.stdout.write(JSON.stringify(out) + '\n');
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

function meanfield(o: ModelFlags & { eps?: number; json?: boolean }): void {
  const model = { kappa: o.kappa, delta: o.delta, u: o.u };
  const w = bistableWindow(model);
  const branches = o.eps === undefined ? undefined : meanFieldSteadyStates({ ...model, eps: o.eps });
  const out = {
    ...model,
    eps_minus: w ? w.epsMinus : null,
    eps_plus: w ? w.epsPlus : null,
    n_plus: w ? w.nPlus : null,
    n_minus: w ? w.nMinus : null,
    ...(branches && { eps: o.eps, branches }),
  };
  if (o.json) {
    process.stdout.write(JSON.stringify(out) + '\n');
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

function quench(o: ModelFlags & { N: number; epsI: number; epsF: number; tMax: number; dt: number; nmax?: number; rtol?: number; csv?: string }): void {
  const spec: QuenchSpec = {
    kappa: o.kappa, delta: o.delta, u: o.u, N: o.N,
    epsInitial: o.epsI, epsFinal: o.epsF, tMax: o.tMax, dt: o.dt,
    ...(o.nmax !== undefined && { K: o.nmax }),
    ...(o.rtol !== undefined && { rtol: o.rtol }),
  };
  // Validate everything (and choose K) before any work or output.
  const plan = asFlagError(() => planQuench(spec));
  const t0 = Date.now();
  let lastReport = 0;
  const progress = (i: number) => {
    const now = Date.now();
    if (i + 1 === plan.samples || now - lastReport > 1000) {
      lastReport = now;
      process.stderr.write(`quench: sample ${i + 1}/${plan.samples}, t = ${plan.times[i].toFixed(3)}, K = ${plan.K}, ${((now - t0) / 1000).toFixed(1)} s\n`);
    }
  };
  const res = asFlagError(() =>
    runQuench({ ...spec, K: plan.K }, (i) => progress(i), {
      guard: { onWarn: (m) => process.stderr.write(`epstudio: ${m}\n`) },
    }),
  );
  const raw = toRaw(plan.final);
  const columns = [...res.columns];
  const text = toCsv({
    meta: provenanceMeta({
      command: ['epstudio', VERSION, ...process.argv.slice(2)].join(' '),
      appVersion: VERSION,
      date: nowIso(),
      model: { kappa: plan.final.kappa, delta: plan.final.delta, u: plan.final.u },
      N: [plan.final.N],
      epsInitial: [plan.initial.eps],
      epsFinal: [plan.final.eps],
      dt: plan.spec.dt,
      tMax: plan.spec.tMax,
      K: String(plan.K),
      rtol: plan.rtol,
      grid: `polar Gauss–Legendre radial x FFT angles, first sample ${res.grid.radialNodes}x${res.grid.angles} r<=${res.grid.rMax}, largest ${res.gridMax.radialNodes}x${res.gridMax.angles} r<=${res.gridMax.rMax}`,
      extra: {
        model: 'Kerr: H = Δa†a + iE(a† − a) + (U/2)a†a†aa, dρ/dt = −i[H,ρ] + 2κD[a]ρ, E = √N ε, U = u/N',
        E_final: raw.E,
        U: raw.U,
        samples: plan.samples,
        max_top_population: res.maxTopPopulation,
        max_trace_error: res.maxTraceError,
        propagator_steps: res.stats.steps,
      },
      columns,
    }),
    columns,
    // t_k = k·Δt as written in decimals (0.6, not 0.6000000000000001): src-main/io/sampleTime.ts
    rows: res.rows.map((r, k) => [sampleTime(k, plan.spec.dt), ...r.slice(1)]),
  });
  if (o.csv) writeFileAtomic(o.csv, text);
  else process.stdout.write(text);
}

export function register(program: Command): void {
  const st = program.command('steady').description('NESS of the Kerr resonator: <a>, <a†a>, |α| (and with --entropy the entropy production)');
  addModelOptions(st);
  addSizeOption(st);
  st.requiredOption('--eps <ε>', 'scaled pump ε (E = √N ε)', num('--eps', KERR_RULES.eps))
    .option('--method <m>', `exact (Drummond–Walls, any N) or fock (density matrix): ${METHODS.join(', ')}`, oneOf('--method', METHODS), 'exact')
    .option('--entropy', 'with --method fock: S_W, Π_J, Π_ext, Π_d, Π_U, Φ, Φ_ext, Φ_q, G')
    .option('--nmax <K>', 'with --method fock: Fock levels (default: chosen from the photon number)', num('--nmax', NMAX_RULE))
    .option('--json', 'one JSON object on stdout')
    .action((o) => steady(o));

  const mf = program.command('meanfield').description('Mean-field bistable window ε−, ε+ (and the steady branches at --eps)');
  addModelOptions(mf);
  mf.option('--eps <ε>', 'also list the steady branches at this pump', num('--eps', KERR_RULES.eps))
    .option('--json', 'one JSON object on stdout')
    .action((o) => meanfield(o));

  const q = program.command('quench').description('Quench ε_i → ε_f from the NESS at ε_i: every observable at t = 0, Δt, …, t_max (CSV)');
  addModelOptions(q);
  addSizeOption(q);
  q.option('--eps-i <ε>', 'initial pump ε_i (the start is its NESS)', num('--eps-i', KERR_RULES.eps), PAPER.epsInitial)
    .requiredOption('--eps-f <ε>', 'pump after the quench ε_f', num('--eps-f', KERR_RULES.eps))
    .requiredOption('--t-max <t>', 'last sample time (inclusive), a whole number of --dt', num('--t-max', QUENCH_LIMITS.tMax))
    .option('--dt <Δt>', 'sample interval', num('--dt', QUENCH_LIMITS.dt), PAPER.dt)
    .option('--nmax <K>', 'Fock levels (default: chosen from the photon numbers at ε_i, ε_f and the transient)', num('--nmax', NMAX_RULE))
    .option('--rtol <r>', 'propagator tolerance per step', num('--rtol', QUENCH_LIMITS.rtol))
    .option('--csv <file>', 'write the CSV here (atomically); default: stdout')
    .action((o) => quench(o));
}
