// Studies of the two-photon-driven Kerr model (issue 15; spec-contract): the spec extension (existing specs and ids
// unchanged, the new forms and their refusals), the executed NESS and gap sweeps against independent values (the CLI's
// single-point `steady --model two-photon-kerr`, PHYSICS.md §5's numbers, parity, the NESS balance, the exact gaps at
// g = 0) and a cancelled + resumed two-photon study byte-identical to an uninterrupted one. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParameterError } from '../../../src-core/validation.js';
import { spectrumAbsTol, twoPhotonThreshold } from '../../../src-core/model/twoPhotonKerr.js';
import { runModelQuench } from '../../../src-core/model/quench.js';
import { getPreset, listPresets } from '../../../src-main/studies/presets.js';
import * as service from '../../../src-main/studies/service.js';
import { canonicalJson, expandSpec, parseSpec, specHash } from '../../../src-main/studies/spec.js';
import { PROJECT_ROOT } from '../../../src-main/version.js';
import { renderFigureSet } from '../../../src-main/figures/index.js';
import { renderSvg } from '../../../src-main/figures/render.js';
import { buildFigures } from '../../../src-main/figures/specs.js';
import { loadStudy } from '../../../src-main/figures/studyData.js';
import { expectSameFiles, resultFiles } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'epstudio-tp-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function errorOf(f: () => unknown): ParameterError {
  try {
    f();
  } catch (e) {
    if (e instanceof ParameterError) return e;
    throw e;
  }
  throw new Error('expected a ParameterError');
}

const TP_MODEL = { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 };
const tp = (tasks: unknown[], model: unknown = TP_MODEL) => ({ version: 1, name: 'tp', model, tasks });

describe('spec extension: existing specs unchanged', () => {
  it('every Kerr preset expands to the ids, labels, columns and parameters recorded before the extension', () => {
    // recorded from the spec code before issue 15 (commit c377493) by the snapshot in this file's history
    const before = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'preset-expansion-v1.json'), 'utf8')) as Record<string, { specHash: string; tasks: unknown[][] }>;
    const h = (v: unknown) => createHash('sha256').update(canonicalJson(v)).digest('hex').slice(0, 16);
    expect(Object.keys(before).sort()).toEqual(['extended', 'gaussian-fig3', 'kerr-quench-demo', 'kerr-quench-paper']);
    for (const [name, rec] of Object.entries(before)) {
      const s = getPreset(name);
      expect(specHash(s), name).toBe(rec.specHash);
      const now = expandSpec(parseSpec(s)).map((t) => [
        t.info.id, t.info.label, t.columns.join(','), t.total,
        h({ params: t.info.params, figures: t.info.figures, group: t.group, sweep: t.sweep ?? null, quench: t.quench ?? null }),
      ]);
      expect(now, name).toEqual(rec.tasks);
    }
    // the new presets are additional
    expect(listPresets().map((p) => p.name)).toEqual(expect.arrayContaining(['two-photon-ness', 'two-photon-gap', 'two-photon-quench']));
  });
});

describe('spec extension: the two-photon forms', () => {
  it('expands NESS and gap sweeps over g with ids that carry the model kind (and a nonzero ε)', () => {
    const s = parseSpec(
      tp([
        { kind: 'ness-sweep', method: 'fock', entropy: true, N: [5, 10], g: { from: 0, to: 1, points: 5 } },
        { kind: 'ness-sweep', method: 'fock', N: [5], g: [0.2], eps: 0.1 },
        { kind: 'gap-sweep', N: [5], g: [0.3, 0.6] },
        { kind: 'gap-sweep', N: [5], g: [0.3], eps: 0.2 },
        { kind: 'gaussian-sweep', preset: 'cavity-bec', x: [0.1] },
      ]),
    );
    const tasks = expandSpec(s);
    expect(tasks.map((t) => t.info.id)).toEqual([
      'two-photon-kerr-ness-fock-entropy-N5',
      'two-photon-kerr-ness-fock-entropy-N10',
      'two-photon-kerr-ness-fock-N5-eps0.1',
      'two-photon-kerr-gap-N5',
      'two-photon-kerr-gap-N5-eps0.2',
      'gaussian-cavity-bec',
    ]);
    const qs = expandSpec(parseSpec(tp([{ kind: 'quench', N: [5], gInitial: 0.25, gFinal: [0.5, 1], tMax: 2, dt: 0.5, untilNess: 1e-6 }])));
    expect(qs.map((t) => t.info.id)).toEqual(['two-photon-kerr-quench-N5-gi0.25-gf0.5-ness', 'two-photon-kerr-quench-N5-gi0.25-gf1-ness']);
    expect(qs[1].modelQuench).toMatchObject({ model: 'two-photon-kerr', initial: { g: 0.25, N: 5, eps: 0 }, final: { g: 1, N: 5 }, tMax: 2, dt: 0.5, untilNess: 1e-6 });
    expect(tasks[0].sweep).toEqual({ sweep: 'tp-ness', fixed: { model: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1, eta0: 0, eps: 0, N: 5, entropy: true }, xs: [0, 0.25, 0.5, 0.75, 1] });
    expect(tasks[3].columns).toContain('gap_odd');
    expect(tasks[4].columns).toContain('zeta1_re'); // ε > 0: no parity sectors
    // Kerr defaults for κ, Δ, u (as the CLI's --model two-photon-kerr); η₀ = 0
    const d = expandSpec(parseSpec(tp([{ kind: 'gap-sweep', N: [1], g: [0.1] }], { kind: 'two-photon-kerr', eta0: 0.5 })));
    expect(d[0].sweep!.fixed).toMatchObject({ kappa: 0.5, delta: -2, u: 1, eta0: 0.5 });
  });

  const cases: [string, unknown, string, RegExp][] = [
    ['g with the Kerr model', { version: 1, name: 'k', tasks: [{ kind: 'gap-sweep', N: [1], eps: [1], g: [0.5] }] }, 'tasks[0].g', /only with model kind two-photon-kerr/],
    ['gFinal with the Kerr model', { version: 1, name: 'k', tasks: [{ kind: 'quench', N: [1], epsInitial: 0.5, epsFinal: [1], gFinal: [1], tMax: 1, dt: 0.2 }] }, 'tasks[0].gFinal', /only with model kind two-photon-kerr/],
    ['a fixed ε with a Kerr sweep', { version: 1, name: 'k', tasks: [{ kind: 'ness-sweep', method: 'exact', N: [1], eps: 0.5 }] }, 'tasks[0].eps', /list of numbers or \{ from, to, points \}/],
    ['a Kerr quench without ε_f', { version: 1, name: 'k', tasks: [{ kind: 'quench', N: [1], epsInitial: 0.5, tMax: 1, dt: 0.2 }] }, 'tasks[0].epsFinal', /required/],
    ['η₀ with the Kerr model', { version: 1, name: 'k', model: { eta0: 1 }, tasks: [{ kind: 'gap-sweep', N: [1], eps: [1] }] }, 'model.eta0', /two-photon-kerr/],
    ['a Kerr κ below its rule', { version: 1, name: 'k', model: { kappa: 1e-4 }, tasks: [{ kind: 'gap-sweep', N: [1], eps: [1] }] }, 'model.kappa', /≥ 0\.001/],
    ['an unknown model kind', tp([{ kind: 'gap-sweep', N: [1], g: [1] }], { kind: 'kerr3' }), 'model.kind', /one of kerr, two-photon-kerr/],
    ['ε as a list with the two-photon model', tp([{ kind: 'ness-sweep', method: 'fock', N: [1], g: [1], eps: [0.1, 0.2] }]), 'tasks[0].eps', /single number/],
    ['epsFinal with the two-photon model', tp([{ kind: 'quench', N: [1], gInitial: 0.2, gFinal: [1], epsFinal: [1], tMax: 1, dt: 0.2 }]), 'tasks[0].epsFinal', /only with the Kerr model/],
    ['the exact method with the two-photon model', tp([{ kind: 'ness-sweep', method: 'exact', N: [1], g: [1] }]), 'tasks[0].method', /fock/],
    ['a two-photon sweep without g', tp([{ kind: 'gap-sweep', N: [1] }]), 'tasks[0].g', /required/],
    ['g below 0', tp([{ kind: 'gap-sweep', N: [1], g: [0.1, -1] }]), 'tasks[0].g[1]', /≥ 0/],
    ['a g range running backwards', tp([{ kind: 'gap-sweep', N: [1], g: { from: 1, to: 0.5, points: 3 } }]), 'tasks[0].g.to', /≥ g\.from/],
    ['u = 0 without two-photon loss', tp([{ kind: 'gap-sweep', N: [1], g: [1] }], { kind: 'two-photon-kerr', u: 0 }), 'model.u', /eta0 > 0/],
    ['two groups giving the same task', tp([{ kind: 'gap-sweep', N: [1], g: [1] }, { kind: 'gap-sweep', N: [1], g: [2] }]), 'tasks[1]', /duplicate task two-photon-kerr-gap-N1/],
  ];
  for (const [what, spec, field, allowed] of cases)
    it(`refuses ${what}, naming ${field}`, () => {
      const e = errorOf(() => parseSpec(spec));
      expect(e.field).toBe(field);
      expect(e.allowed).toMatch(allowed);
    });
});

const BIN = join(PROJECT_ROOT, 'bin', 'epstudio.mjs');
const cliSteady = (N: number, g: number) => {
  const r = spawnSync(process.execPath, [BIN, 'steady', '--model', 'two-photon-kerr', '--N', String(N), '--eps', '0', '--g', String(g), '--kappa', '0.5', '--delta', '0', '--u', '1', '--method', 'fock', '--entropy', '--json'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, number>;
};

const STUDY = tp([
  { kind: 'ness-sweep', method: 'fock', entropy: true, N: [10], g: [0.25, 0.5, 0.75, 1], figures: ['tp-ness'] },
  { kind: 'ness-sweep', method: 'fock', N: [4], g: [0.8], eps: 0.2 },
  { kind: 'gap-sweep', N: [4], g: [0, 0.25, 0.5, 0.75], figures: ['tp-gap'] },
  { kind: 'quench', N: [4], gInitial: 0.25, gFinal: [0.75], tMax: 3, dt: 0.5, figures: ['tp-quench'] },
]);

describe('two-photon studies on the pool', () => {
  let reference: Map<string, Buffer>;
  const dir = join(root, 'ref');

  it('NESS and gap sweeps: the CLI single point, PHYSICS.md §5, parity, the balance, the exact gaps at g = 0', async () => {
    const s = await service.run(STUDY, dir, { workers: 2 }, () => {}).done;
    expect(s.status).toBe('completed');
    reference = resultFiles(dir);
    const ness = service.readTaskTable(dir, 'two-photon-kerr-ness-fock-entropy-N10');
    const row = (i: number) => Object.fromEntries(ness.columns.map((c, j) => [c, ness.rows[i][j]]));
    // PHYSICS.md §5 (κ = 0.5, Δ = 0, u = 1, ε = 0, N = 10, g = 1): <a†a> ≈ 8.443, G ≈ 1.24
    expect(row(3).n).toBeCloseTo(8.443, 3);
    expect(row(3).G).toBeCloseTo(1.24, 2);
    expect(row(3).n_over_N).toBeCloseTo(row(3).n / 10, 14);
    const cli = cliSteady(10, 1);
    for (const k of ['n', 'S_W', 'Pi_J', 'Pi_d', 'Pi_U', 'Phi', 'Phi_q', 'G'] as const) expect(row(3)[k], k).toBeCloseTo(cli[k], 9);
    expect(row(3).Pi_U_kerr).toBeCloseTo(cli.Pi_U_kerr, 9);
    expect(row(3).Pi_U_two_photon).toBeCloseTo(cli.Pi_U_two_photon, 9);
    for (let i = 0; i < 4; i++) {
      const r = row(i);
      // parity at ε = 0: <a> = 0; in the NESS Π_U + Π_J = Φ (dS_W/dt = 0); Π_U is the sum of its parts
      expect(r.a_re).toBe(0);
      expect(r.a_im).toBe(0);
      expect(Math.abs(r.Pi_U + r.Pi_J - r.Phi)).toBeLessThan(1e-9 * Math.max(1, r.Phi));
      expect(r.Pi_U).toBeCloseTo(r.Pi_U_kerr + r.Pi_U_two_photon, 12);
      expect(r.top_population).toBeLessThan(1e-9);
    }
    // below the mean-field threshold g_th = κ the photon number stays O(1); above it it grows like N (n/N → √(g² − κ²)/u)
    expect(twoPhotonThreshold({ kappa: 0.5, delta: 0 })).toBe(0.5);
    expect(row(0).n).toBeLessThan(1);
    expect(row(3).n_over_N).toBeGreaterThan(0.6 * Math.sqrt(1 - 0.25));
    // ε > 0 breaks parity: <a> ≠ 0
    const e = service.readTaskTable(dir, 'two-photon-kerr-ness-fock-N4-eps0.2');
    expect(Math.hypot(e.rows[0][e.columns.indexOf('a_re')], e.rows[0][e.columns.indexOf('a_im')])).toBeGreaterThan(1e-3);

    const gap = service.readTaskTable(dir, 'two-photon-kerr-gap-N4');
    const gc = (c: string) => gap.rows.map((r) => r[gap.columns.indexOf(c)]);
    // g = 0: the vacuum; the slowest odd mode is <a> (decays at κ), the slowest even one <a†a> or <a²> (at 2κ)
    expect(gc('gap_odd')[0]).toBeCloseTo(0.5, 9);
    expect(gc('gap_even')[0]).toBeCloseTo(1.0, 9);
    expect(gc('converged').every((c) => c === 1)).toBe(true);
    // the odd (symmetry-breaking) sector's gap falls monotonically through the threshold; the overall gap is the smaller
    const odd = gc('gap_odd');
    for (let i = 1; i < odd.length; i++) expect(odd[i]).toBeLessThan(odd[i - 1]);
    gc('gap').forEach((g, i) => expect(g).toBe(Math.min(gc('gap_even')[i], odd[i])));
    // the CLI's gap-sweep over the same g (one block: the same warm-started chain) gives the same numbers
    const r = spawnSync(process.execPath, [BIN, 'gap-sweep', '--model', 'two-photon-kerr', '--N', '4', '--kappa', '0.5', '--delta', '0', '--u', '1', '--g-from', '0', '--g-to', '0.75', '--points', '4', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^\[gap-sweep\] 4\/4 {2}N=4 g=0\.75000 λ_even=/m); // progress on stderr
    const sweep = JSON.parse(r.stdout) as { columns: string[]; rows: number[][]; unresolved: string };
    expect(sweep.columns).toEqual(gap.columns);
    expect(sweep.unresolved).toBe('none'); // every N = 4 gap is far above the round-off floor
    sweep.rows.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(gap.rows[i][j], 12)));
    // the quench on the pool (propagation chain + observables jobs) against the engine's serial runner
    const q = service.readTaskTable(dir, 'two-photon-kerr-quench-N4-gi0.25-gf0.75');
    const side = (g: number) => ({ kappa: 0.5, delta: 0, u: 1, eps: 0, eta0: 0, g, N: 4 });
    const serial = runModelQuench({ model: 'two-photon-kerr', initial: side(0.25), final: side(0.75), tMax: 3, dt: 0.5 });
    expect(q.rows.length).toBe(7);
    expect(q.columns).toEqual([...serial.columns, 'alpha_abs']);
    q.rows.forEach((row, i) => serial.rows[i].forEach((v, j) => expect(row[j]).toBeCloseTo(v, 10)));
    // parity along the quench at ε = 0; Π_U is the sum of its parts
    for (const row of q.rows) {
      expect(row[q.columns.indexOf('a_re')]).toBe(0);
      expect(row[q.columns.indexOf('Pi_U')]).toBeCloseTo(row[q.columns.indexOf('Pi_U_kerr')] + row[q.columns.indexOf('Pi_U_two_photon')], 12);
    }
    // the figure tables: g/g_th and the sector gaps
    const fig = readFileSync(join(dir, 'figures', 'tp-gap.csv'), 'utf8');
    expect(fig).toMatch(/^N,g_tp,g_over_gth,gap,gap_even,gap_odd,converged$/m);
    expect(fig).toMatch(/^4,0\.75,1\.5,/m);
    expect(readFileSync(join(dir, 'tasks', 'two-photon-kerr-gap-N4.csv'), 'utf8')).toMatch(/^# model: two-photon-kerr$/m);
    expect(readFileSync(join(dir, 'tasks', 'two-photon-kerr-gap-N4.csv'), 'utf8')).toMatch(/^# unresolved: none$/m);
  }, 180_000);

  it('figures: tp-ness and tp-gap by the figure engine, with the model in their provenance; `epstudio figures` writes them', async () => {
    const set = await renderFigureSet(dir, { formats: ['svg'] });
    expect(set.files.map((f) => f.name)).toEqual(['tp-ness.svg', 'tp-gap.svg', 'tp-quench.svg']);
    expect(String(set.files[2].data)).toContain('(a) g: 0.5 → 1.5 g');
    expect(readFileSync(join(dir, 'figures', 'tp-quench.csv'), 'utf8')).toMatch(/^N,g_i,g_f,t,n_over_N,Phi_over_N,S_W,Pi_J,Pi_d,Pi_U,Pi_U_kerr,Pi_U_two_photon,Pi_eta,G$/m);
    const [ness, gap] = set.files.map((f) => String(f.data));
    // provenance: the model kind and η₀; the NESS at N = 10 only (ε = 0.2 is another picture), the gap at N = 4
    expect(ness).toMatch(/model: kind=two-photon-kerr, kappa=0\.5, delta=0, u=1, eta0=0/);
    expect(ness).toMatch(/tasks: two-photon-kerr-ness-fock-entropy-N10\n/);
    expect(gap).toMatch(/tasks: two-photon-kerr-gap-N4\n/);
    // six panels (⟨a†a⟩/N, S_W, G, Π_J, Π_d, Π_U) and two sectors, each with the threshold line
    for (const t of ['(a) photon number', '(f) unitary']) expect(ness).toContain(t);
    for (const t of ['(a) odd parity sector', '(b) even parity sector']) expect(gap).toContain(t);
    const out = join(root, 'figs');
    const r = spawnSync(process.execPath, [BIN, 'figures', dir, '--out', out, '--format', 'png,pdf', '--figures', 'tp-gap'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const png = readFileSync(join(out, 'tp-gap.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.toString('latin1')).toContain('two-photon-kerr');
    expect(readFileSync(join(out, 'tp-gap.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);

  it('gap-sweep CLI: an odd gap below double precision (N = 40 above threshold) is named as an upper bound, in the file and on stderr', () => {
    const r = spawnSync(process.execPath, [BIN, 'gap-sweep', '--model', 'two-photon-kerr', '--N', '40', '--kappa', '0.5', '--delta', '0', '--u', '1', '--g-from', '1.5', '--g-to', '1.5', '--points', '1', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { columns: string[]; rows: number[][]; unresolved: string; resolution: string };
    const row = Object.fromEntries(out.columns.map((c, j) => [c, out.rows[0][j]]));
    const bound = 2 * spectrumAbsTol({ kappa: 0.5, delta: 0, u: 1, eta0: 0, eps: 0, N: 40, g: 1.5 });
    // tunnelling between the two Z₂ branches: the odd gap is below what double precision resolves; the even one is not
    expect(row.gap_odd).toBeLessThan(bound);
    expect(row.gap_even).toBeGreaterThan(0.1);
    expect(out.unresolved).toBe(`N=40 g=1.5 (gap, gap_odd ≲ ${bound.toExponential(1)})`);
    expect(out.resolution).toMatch(/not resolved/);
    expect(r.stderr).toMatch(/λ_odd=\S+ \(gap, gap_odd below double precision: only ≲ /);
    expect(r.stderr).toMatch(/warning: 1 point\(s\) with a gap below double precision/);
  }, 60_000);

  it('a gap sweep study at N = 40, g = 3 g_th: the task file names the round-off odd gap as unresolved, with its bound', async () => {
    const d = join(root, 'n40');
    const s = await service.run(tp([{ kind: 'gap-sweep', N: [40], g: [1.5] }]), d, { workers: 1 }, () => {}).done;
    expect(s.status).toBe('completed');
    const text = readFileSync(join(d, 'tasks', 'two-photon-kerr-gap-N40.csv'), 'utf8');
    const bound = 2 * spectrumAbsTol({ kappa: 0.5, delta: 0, u: 1, eta0: 0, eps: 0, N: 40, g: 1.5 });
    expect(text).toContain(`# unresolved: g=1.5 (gap`);
    expect(text).toMatch(new RegExp(`^# unresolved: g=1\\.5 \\(gap[,;] gap_odd ≲ ${bound.toExponential(1).replace('.', '\\.')}\\)$`, 'm'));
    expect(text).toMatch(/^# resolution: a gap ≤ 2 × 20 ε_mach max\|L\|/m);
    const t = service.readTaskTable(d, 'two-photon-kerr-gap-N40');
    expect(t.rows[0][t.columns.indexOf('gap_odd')]).toBeLessThan(bound);
  }, 60_000);

  it('tp-gap: a gap below double precision is drawn as its bound 2 × 20ε·max|L| (▽, off the curve), never as a value', () => {
    const data = loadStudy(dir);
    const t = data.done.find((x) => x.planned.info.id === 'two-photon-kerr-gap-N4')!;
    const odd = t.col.gap_odd, gTp = t.col.g_tp;
    // The N = 4 odd gaps are resolved (≥ 1e-2). Put in what N = 40 gives above threshold: one gap at round-off size
    // (1e-15) and one that came out negative; the others stay measured values.
    const measured = t.table.rows.map((r) => r[odd]);
    t.table.rows[2][odd] = 1e-15;
    t.table.rows[3][odd] = -3e-16;
    const [fig] = buildFigures(data, ['tp-gap']);
    const line = fig.panels[0].lines[0];
    expect(fig.panels[0].title).toContain('odd parity');
    // the bound is the engine's K-test floor (20ε·max|L| at the cut-off the photon number asks for), doubled
    const floor = (g: number) => 2 * spectrumAbsTol({ kappa: 0.5, delta: 0, u: 1, eta0: 0, eps: 0, N: 4, g });
    expect(line.bounds).toEqual([false, false, true, true]);
    for (const j of [2, 3]) {
      expect(line.points[j][1]).toBe(floor(t.table.rows[j][gTp]));
      expect(line.points[j][1]).toBeGreaterThan(1e-14);
      expect(line.points[j][1]).toBeLessThan(1e-11);
    }
    for (const j of [0, 1]) expect(line.points[j][1]).toBe(measured[j]);
    expect(fig.legend.some((l) => l.kind === 'bound' && /below double precision/.test(l.label))).toBe(true);
    // rendered: two ▽ (rotated triangles) in the odd panel plus one in the legend; the curve breaks at the bounds
    const svg = renderSvg(fig);
    expect((svg.match(/rotate\(180/g) ?? []).length).toBe(3);
    expect(svg).toMatch(/upper bounds at that value/);
    // the even panel's gaps are all resolved: no bound there
    expect(fig.panels[1].lines[0].bounds?.some(Boolean)).toBe(false);
  });

  it('cancelled after its first rows and resumed: byte-identical to the uninterrupted run', async () => {
    const d2 = join(root, 'cancel');
    let cancelled = false;
    const h = service.run(STUDY, d2, { workers: 2, checkpointSeconds: 0 }, (e) => {
      if (!cancelled && e.type === 'sample-ready') {
        cancelled = true;
        h.cancel();
      }
    });
    expect((await h.done).status).toBe('cancelled');
    expect((await service.resume(d2, { workers: 1 }).done).status).toBe('completed');
    expect(expectSameFiles(reference, resultFiles(d2))).toEqual([]);
  }, 180_000);
});
