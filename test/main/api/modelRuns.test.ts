/**
 * The window's single runs of the two-photon model (API model.ness / model.gap, issue 15) against the CLI: the same
 * point through `epstudio steady|gap --model two-photon-kerr --json` (the built CLI, a separate process) gives the
 * same numbers. Refusals name the field; a run ends on model.cancel. Needs `npm run build` (the worker is compiled).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spectrumAbsTol } from '../../../src-core/model/twoPhotonKerr.js';
import { METHODS } from '../../../src-main/api/contract.js';
import { PROJECT_ROOT } from '../../../src-main/version.js';
import { makeSandbox, refusal, type Sandbox } from './sandbox.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.cleanup();
  sb = undefined;
});

function cli(...args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'epstudio.mjs'), ...args, '--json'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const model = { kind: 'two-photon-kerr', kappa: 0.5, delta: 0, u: 1 };

describe('model.ness / model.gap equal the CLI', () => {
  it('NESS with entropy at N = 10, g = 1 (PHYSICS.md §5: <a†a> ≈ 8.443, G ≈ 1.24): every number as `epstudio steady`', async () => {
    sb = makeSandbox();
    const r = (await sb.handlers.dispatch('model.ness', { model, N: 10, eps: 0, g: 1, entropy: true })) as { K: number; values: Record<string, number>; grid: string };
    expect(METHODS['model.ness'][1].safeParse(r).success).toBe(true);
    const o = cli('steady', '--model', 'two-photon-kerr', '--N', '10', '--eps', '0', '--g', '1', '--delta', '0', '--kappa', '0.5', '--u', '1', '--method', 'fock', '--entropy');
    expect(Object.keys(r.values).length).toBeGreaterThanOrEqual(20);
    for (const [k, v] of Object.entries(r.values)) expect(o[k], k).toBe(v);
    expect(r.grid).toBe(o.grid);
    expect(r.values.n).toBeCloseTo(8.443, 3);
    expect(r.values.G).toBeCloseTo(1.24, 2);
    // parity at ε = 0 and the balance Π_U + Π_J − Φ = 0 in the NESS
    expect(r.values.a_re).toBe(0);
    expect(Math.abs(r.values.balance)).toBeLessThan(1e-9);
  });

  it('NESS without entropy, ε > 0 and two-photon loss: as `epstudio steady`', async () => {
    sb = makeSandbox();
    const r = (await sb.handlers.dispatch('model.ness', { model: { ...model, delta: -0.3, eta0: 0.4 }, N: 4, eps: 0.2, g: 0.7 })) as { values: Record<string, number> };
    const o = cli('steady', '--model', 'two-photon-kerr', '--N', '4', '--eps', '0.2', '--g', '0.7', '--delta', '-0.3', '--eta0', '0.4', '--method', 'fock');
    for (const [k, v] of Object.entries(r.values)) expect(o[k], k).toBe(v);
    expect(r.values.a_re).not.toBe(0);
  });

  it('gap per parity sector at N = 3, g = 0.8: as `epstudio gap`', async () => {
    sb = makeSandbox();
    const r = (await sb.handlers.dispatch('model.gap', { model, N: 3, eps: 0, g: 0.8, count: 2 })) as { gap: number; sectors: { sector: string; gap: number; eigenvalues: unknown[] }[] };
    expect(METHODS['model.gap'][1].safeParse(r).success).toBe(true);
    const o = cli('gap', '--model', 'two-photon-kerr', '--N', '3', '--eps', '0', '--g', '0.8', '--delta', '0', '--count', '2') as { gap: number; sectors: typeof r.sectors };
    expect(r.sectors.map((s) => s.sector)).toEqual(['even', 'odd']);
    expect(r.gap).toBe(o.gap);
    for (let i = 0; i < 2; i++) {
      expect(r.sectors[i].gap).toBe(o.sectors[i].gap);
      expect(r.sectors[i].eigenvalues).toEqual(o.sectors[i].eigenvalues);
    }
    // both gaps (≥ 0.1) are far above the round-off floor
    expect((r.sectors as unknown as { resolved: boolean }[]).map((s) => s.resolved)).toEqual([true, true]);
  });

  it('a gap below double precision (N = 40, g = 3 g_th: tunnelling between the Z₂ branches) is marked unresolved with its bound, as `epstudio gap`', async () => {
    sb = makeSandbox();
    type Sec = { sector: string; gap: number; resolved: boolean; bound: number };
    const r = (await sb.handlers.dispatch('model.gap', { model, N: 40, eps: 0, g: 1.5, count: 1 })) as { sectors: Sec[] };
    expect(METHODS['model.gap'][1].safeParse(r).success).toBe(true);
    const bound = 2 * spectrumAbsTol({ kappa: 0.5, delta: 0, u: 1, eta0: 0, eps: 0, N: 40, g: 1.5 });
    const [even, odd] = r.sectors;
    expect(odd.sector).toBe('odd');
    expect(odd.gap).toBeLessThan(bound);
    expect(odd).toMatchObject({ resolved: false, bound });
    expect(even).toMatchObject({ resolved: true, bound });
    expect(even.gap).toBeGreaterThan(0.1);
    const c = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'epstudio.mjs'), 'gap', '--model', 'two-photon-kerr', '--N', '40', '--eps', '0', '--g', '1.5', '--delta', '0', '--count', '1'], { encoding: 'utf8', timeout: 120_000 });
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toMatch(new RegExp(`^odd  sector: gap λ = ≲ ${bound.toExponential(1).replace('.', '\\.')} \\(not resolved: `, 'm'));
    expect(c.stderr).toMatch(/warning: sector odd: λ = \S+ is below double precision's resolution/);
  }, 60_000);
});

describe('model.quench equals `epstudio quench --model two-photon-kerr`', () => {
  it('g 0.2 → 1 at N = 4, t ≤ 2, Δt = 0.5: every column of every sample as the CLI’s CSV (a separate process)', async () => {
    sb = makeSandbox();
    const r = (await sb.handlers.dispatch('model.quench', { model, N: 4, eps: 0, gInitial: 0.2, gFinal: 1, tMax: 2, dt: 0.5 })) as { columns: string[]; rows: number[][]; Ks: number[] };
    expect(METHODS['model.quench'][1].safeParse({ ...r, seconds: 0 }).success).toBe(true);
    const out = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'epstudio.mjs'), 'quench', '--model', 'two-photon-kerr', '--N', '4', '--delta', '0', '--g-i', '0.2', '--g-f', '1', '--t-max', '2', '--dt', '0.5'], { encoding: 'utf8', timeout: 120_000 });
    expect(out.status, out.stderr).toBe(0);
    const lines = out.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0].split(',')).toEqual(r.columns);
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(5);
    expect(r.rows).toHaveLength(5);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < r.columns.length; j++)
        if (r.columns[j] === 't') expect(r.rows[i][j]).toBeCloseTo(rows[i][j], 12);
        else expect(r.rows[i][j], `${r.columns[j]} at sample ${i}`).toBe(rows[i][j]);
    // the quench leaves <a†a> growing from the NESS at g = 0.2 (below g_th = 0.5) toward the one above threshold
    const n = r.columns.indexOf('n');
    expect(r.rows[4][n]).toBeGreaterThan(r.rows[0][n]);
  });

  it('refuses more than 2001 samples and names the side of a bad pump', async () => {
    sb = makeSandbox();
    expect((await refusal(sb.handlers, 'model.quench', { model, N: 4, eps: 0, gInitial: 0.2, gFinal: 1, tMax: 1000, dt: 0.1 })).field).toBe('dt');
    expect((await refusal(sb.handlers, 'model.quench', { model, N: 4, eps: 0, gInitial: -1, gFinal: 1, tMax: 1, dt: 0.5 })).field).toBe('gInitial');
  });
});

describe('model runs: refusals and cancel', () => {
  it('refuses the Kerr kind, no nonlinearity, and a second run at once, naming the field', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    expect((await refusal(h, 'model.ness', { model: { ...model, kind: 'kerr' }, N: 5, eps: 0, g: 1 })).field).toBe('model.kind');
    expect((await refusal(h, 'model.ness', { model, N: 5, eps: 0, g: 200 })).field).toBe('g');
    expect((await refusal(h, 'model.ness', { model: { ...model, u: 0 }, N: 5, eps: 0, g: 1 })).field).toBe('u');
    expect((await refusal(h, 'model.gap', { model, N: 5, eps: 0, g: 1, count: 9 })).field).toBe('count');
  });

  it('model.cancel ends a long gap run (N = 40, g = 2: ~18 s of CPU) within a second; the next run works', async () => {
    sb = makeSandbox();
    const h = sb.handlers;
    const t0 = performance.now();
    const long = h.dispatch('model.gap', { model, N: 40, eps: 0, g: 2 }).then(
      () => 'finished',
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect((await refusal(h, 'model.ness', { model, N: 2, eps: 0, g: 0.2 })).message).toMatch(/in progress/);
    expect(await h.dispatch('model.cancel', {})).toEqual({ cancelled: true });
    expect(await long).toMatch(/cancelled/);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(await h.dispatch('model.cancel', {})).toEqual({ cancelled: false });
    const r = (await h.dispatch('model.ness', { model, N: 2, eps: 0, g: 0.2 })) as { values: Record<string, number> };
    expect(r.values.n).toBeGreaterThan(0);
  });
});
