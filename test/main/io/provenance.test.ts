// The provenance record, units, sample-time rounding, the no-replace writers and the .npy writer (read back by numpy).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../../src-main/io/csv.js';
import { writeFileAtomicNoReplace } from '../../../src-main/io/atomicWrite.js';
import { newExportDir, numberedName, runLabel, writeUnique } from '../../../src-main/io/exportFiles.js';
import { decodeNpy, encodeNpy } from '../../../src-main/io/npy.js';
import { addPngText, crc32 } from '../../../src-main/io/pngText.js';
import { Resvg } from '@resvg/resvg-js';
import { fromTaskParams, provenanceAttrs, provenanceLines, type Provenance } from '../../../src-main/io/provenance.js';
import { omega0Text, quantityOf, unitsText } from '../../../src-main/io/quantities.js';
import { decimalsOf, roundToSamples, sampleTime } from '../../../src-main/io/sampleTime.js';
import { plainName, chartCsvTable } from '../../../src-renderer/lib/chartCsv.js';
import { PY, py } from './python.js';

const root = mkdtempSync(join(tmpdir(), 'epstudio-prov-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const REC: Provenance = {
  command: 'epstudio 9.9.9 quench --N 5 --eps-f 1.1',
  appVersion: '9.9.9',
  date: '2026-01-02T03:04:05Z',
  study: { name: 'paper, draft', specHash: 'abc123', dir: '/x/y/paper-1', appVersion: '9.9.8' },
  model: { kappa: 0.5, delta: -2, u: 1 },
  N: [1, 5, 10],
  epsInitial: [0.5],
  epsFinal: [0.6, 1.1],
  dt: 0.2,
  tMax: 20,
  K: 'N=1:18 N=5:40 N=10:60',
  rtol: 1e-10,
  grid: 'polar, 80x512',
  columns: ['t', 'G', 'Pi_U'],
};

describe('provenance record', () => {
  it('writes every field as one `# key: value` line, in the fixed order, without commas', () => {
    const lines = provenanceLines(REC);
    expect(lines).toEqual([
      '# program: epstudio 9.9.9 quench --N 5 --eps-f 1.1',
      '# app_version: 9.9.9',
      '# date: 2026-01-02T03:04:05Z',
      '# study: paper; draft',
      '# spec_hash: abc123',
      '# study_dir: paper-1',
      '# computed_by: epstudio 9.9.8',
      '# kappa: 0.5',
      '# delta: -2',
      '# u: 1',
      '# N: 1 5 10',
      '# eps_initial: 0.5',
      '# eps_final: 0.6 1.1',
      '# dt: 0.2',
      '# t_max: 20',
      '# K: N=1:18 N=5:40 N=10:60',
      '# rtol: 1e-10',
      '# grid: polar; 80x512',
      '# units: t [1/omega0]; G [nat]; Pi_U [nat*omega0]; omega0 = 2κ (ħ = 1: κ Δ u ε and every rate are numbers in omega0; t in 1/omega0)',
    ]);
    for (const l of lines) expect(l).not.toContain(',');
  });

  it('HDF5 attributes keep numbers as numbers and lists as float64 arrays', () => {
    const a = provenanceAttrs(REC);
    expect(a.kappa).toBe(0.5);
    expect(a.delta).toBe(-2);
    expect(a.dt).toBe(0.2);
    expect(a.rtol).toBe(1e-10);
    expect(Array.from(a.N as Float64Array)).toEqual([1, 5, 10]);
    expect(Array.from(a.eps_final as Float64Array)).toEqual([0.6, 1.1]);
    expect(a.spec_hash).toBe('abc123');
    expect(a.K).toBe('N=1:18 N=5:40 N=10:60');
  });

  it('toCsv turns commas and newlines in any # line into ; and spaces', () => {
    const text = toCsv({ meta: { title: 'G (Eq. 27, Fig. 4), ε_f = 1.1', note: 'a\nb' }, columns: ['t'], rows: [[0]] });
    expect(text.split('\n').slice(0, 2)).toEqual(['# title: G (Eq. 27; Fig. 4); ε_f = 1.1', '# note: a b']);
  });

  it('from task parameters: model, sorted unique lists, one Δt, K per N', () => {
    const ps = [
      { kappa: 0.5, delta: -2, u: 1, N: 5, epsInitial: 0.5, epsFinal: 1.1, tMax: 3, dt: 0.2 },
      { kappa: 0.5, delta: -2, u: 1, N: 1, epsInitial: 0.5, epsFinal: 1.1, tMax: 3, dt: 0.2 },
    ];
    const r = fromTaskParams(ps, (p) => (p.N === 1 ? 18 : 40));
    expect(r).toMatchObject({ model: { kappa: 0.5, delta: -2, u: 1 }, N: [1, 5], epsInitial: [0.5], epsFinal: [1.1], dt: 0.2, tMax: 3, K: 'N=5:40 N=1:18' });
  });
});

describe('units', () => {
  it('ω₀ is the unit κ is given in: κ = 0.5 → 2κ', () => {
    expect(omega0Text(0.5)).toBe('2κ');
    expect(omega0Text(1)).toBe('κ');
    expect(omega0Text(0.25)).toBe('4κ');
    expect(omega0Text(0.3)).toBe('κ/0.3');
    expect(unitsText(['t', 'G_N10', 'G_N20', 'Phi_over_N_ness_eps_f1p1'], 1)).toBe(
      't [1/omega0]; G [nat]; Phi_over_N [nat*omega0]; omega0 = κ (ħ = 1: κ Δ u ε and every rate are numbers in omega0; t in 1/omega0)',
    );
    // Gaussian columns only: no ω₀ sentence
    expect(unitsText(['x', 'Pi_s', 'mu_b'])).toBe('x [1]; Pi_s [nat/s]; mu_b [nat/s]');
  });
  it('a chart column belongs to the longest quantity it starts with', () => {
    expect(quantityOf('G_N10')?.key).toBe('G');
    expect(quantityOf('Phi_over_N_N5')?.key).toBe('Phi_over_N');
    expect(quantityOf('Phi_q_ness_eps_f_N10')?.key).toBe('Phi_q');
    expect(quantityOf('bogus')).toBeUndefined();
  });
});

describe('sample times t_k = k·Δt in the decimals of Δt', () => {
  it('3 × 0.2 is written 0.6', () => {
    expect(3 * 0.2).not.toBe(0.6);
    expect(sampleTime(3, 0.2)).toBe(0.6);
    expect(String(sampleTime(3, 0.2))).toBe('0.6');
    expect(decimalsOf(0.2)).toBe(1);
    expect(decimalsOf(2.5e-7)).toBe(8);
    expect(decimalsOf(5)).toBe(0);
  });
  it('equals the decimal k·Δt parsed from its exact digits (BigInt), for many k and Δt', () => {
    for (const dt of [0.2, 0.05, 0.1, 0.25, 0.001, 1e-4, 2.5e-7, 0.125, 1.5, 3]) {
      const d = decimalsOf(dt);
      const m = BigInt(Math.round(dt * 10 ** d));
      for (let k = 0; k <= 20000; k += 37) {
        const exact = Number(`${(BigInt(k) * m).toString()}e-${d}`);
        expect(sampleTime(k, dt)).toBe(exact);
        expect(Math.abs(sampleTime(k, dt) - k * dt)).toBeLessThanOrEqual(Math.abs(k * dt) * 4e-16);
      }
    }
  });
  it('read-back rounding leaves times that are not samples alone', () => {
    expect(roundToSamples(0.6000000000000001, 0.2)).toBe(0.6);
    expect(roundToSamples(0.61, 0.2)).toBe(0.61);
    expect(roundToSamples(NaN, 0.2)).toBeNaN();
  });
});

describe('no silent overwrite', () => {
  it('writeFileAtomicNoReplace refuses an existing file and leaves nothing behind', () => {
    const d = join(root, 'nr');
    writeFileAtomicNoReplace(join(d, 'a.csv'), 'first');
    expect(() => writeFileAtomicNoReplace(join(d, 'a.csv'), 'second')).toThrow(/EEXIST/);
    expect(readFileSync(join(d, 'a.csv'), 'utf8')).toBe('first');
    expect(readdirSync(d)).toEqual(['a.csv']);
  });
  it('writeUnique: name, name-2, name-3; newExportDir: base-1, base-2', () => {
    const d = join(root, 'uq');
    const paths = [1, 2, 3].map((i) => writeUnique(d, 'G-epsf1.1.csv', `v${i}`));
    expect(paths.map((p) => p.slice(d.length + 1))).toEqual(['G-epsf1.1.csv', 'G-epsf1.1-2.csv', 'G-epsf1.1-3.csv']);
    expect(paths.map((p) => readFileSync(p, 'utf8'))).toEqual(['v1', 'v2', 'v3']);
    expect(numberedName('x', 4)).toBe('x-4');
    const a = newExportDir(join(root, 'ex'), 'run-figures');
    const b = newExportDir(join(root, 'ex'), 'run-figures');
    expect([a, b].map((p) => p.slice(root.length + 4))).toEqual(['run-figures-1', 'run-figures-2']);
    expect(runLabel('/a/b/kerr-quench-demo-2026-01-01T00-00-00-000Z/')).toBe('kerr-quench-demo-2026-01-01T00-00-00-000Z');
    expect(runLabel(undefined)).toBe('window');
    expect(runLabel('/x/../..')).toBe('window');
  });
});

describe('chart CSV column names', () => {
  it('plain identifiers from the series labels', () => {
    expect(plainName('N=10')).toBe('N10');
    expect(plainName('N=2.5')).toBe('N2p5');
    expect(plainName('NESS ε_i=0.5')).toBe('ness_eps_i0p5');
    expect(plainName('NESS ε_f, N=10')).toBe('ness_eps_f_N10');
    expect(plainName('mean field ε_f (branch 2)')).toBe('mf_eps_f_branch_2');
    expect(plainName('mean field, stable (dark)')).toBe('mf_stable_dark');
    expect(plainName('exact N=10')).toBe('exact_N10');
    expect(plainName('cavity-bec')).toBe('cavity_bec');
  });
  it('x first, quantity prefix from the chart id, unique names', () => {
    const t = chartCsvTable({
      id: 'alpha_abs-epsf1.1',
      title: 'Order parameter |α|',
      xLabel: 't',
      xKey: 't',
      yLabel: '|α|',
      x: [0, 0.2],
      series: [
        { label: 'N=10', values: [1, null] },
        { label: 'N=10', values: [2, 3] },
        { label: 'mean field ε_f', values: [4, 4], ref: 'mf' },
      ],
      logOk: false,
    });
    expect(t.columns).toEqual(['t', 'alpha_abs_N10', 'alpha_abs_N10_2', 'alpha_abs_mf_eps_f']);
    expect(t.rows).toEqual([
      [0, 1, 2, 4],
      [0.2, null, 3, 4],
    ]);
  });
});

describe('.npy writer', () => {
  it('header padded to 64 bytes, little-endian float64, round trip', () => {
    const data = Float64Array.from({ length: 24 }, (_, i) => (i - 7) / 3);
    const b = encodeNpy(data, [2, 3, 4]);
    expect((b.length - 8 * 24) % 64).toBe(0);
    expect(Array.from(b.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const back = decodeNpy(b);
    expect(back.shape).toEqual([2, 3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    expect(() => encodeNpy(data, [5, 5])).toThrow(/holds 25 values/);
  });

  it.skipIf(!PY.exe)('numpy.load reads it: shapes, values bit for bit, C order', () => {
    const a = Float64Array.from({ length: 2 * 3 * 5 }, (_, i) => Math.sin(i) * 10 ** (i % 7) - i);
    a[3] = -0;
    a[4] = 1e-310; // subnormal
    const one = Float64Array.from([Math.PI]);
    writeFileSync(join(root, 'a.npy'), encodeNpy(a, [2, 3, 5]));
    writeFileSync(join(root, 'v.npy'), encodeNpy(one, [1]));
    writeFileSync(join(root, 'e.npy'), encodeNpy(new Float64Array(0), [0, 4]));
    const o = py(
      `import sys, json, numpy as np
a = np.load(sys.argv[1]); v = np.load(sys.argv[2]); e = np.load(sys.argv[3])
print(json.dumps({"shape": a.shape, "dtype": str(a.dtype), "hex": [x.hex() for x in a.ravel().tolist()], "a121": a[1, 2, 1].hex(),
  "v": [v.shape, v.tolist()], "e": e.shape, "c": bool(a.flags['C_CONTIGUOUS'])}))`,
      join(root, 'a.npy'),
      join(root, 'v.npy'),
      join(root, 'e.npy'),
    );
    expect(o.shape).toEqual([2, 3, 5]);
    expect(o.dtype).toBe('float64');
    // Compare bit patterns through Python's float.hex of our values parsed back in JS
    expect(o.hex.map((h: string) => parseHexFloat(h))).toEqual(Array.from(a));
    expect(parseHexFloat(o.a121)).toBe(a[1 * 15 + 2 * 5 + 1]);
    expect(o.v).toEqual([[1], [Math.PI]]);
    expect(o.e).toEqual([0, 4]);
    expect(o.c).toBe(true);
  });
  if (!PY.exe) console.log(`[npy] numpy check skipped: ${PY.why}`);
});

/** Python's float.hex() back to a number (exact). */
function parseHexFloat(h: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]+)p([+-]\d+)$/.exec(h);
  if (!m) throw new Error(`not a hex float: ${h}`);
  const mant = Number(m[2]) + parseInt(m[3], 16) / 16 ** m[3].length;
  const exp = Number(m[4]);
  // Subnormals: 0x0.xxxp-1022; scale in two steps to stay exact
  const v = mant * 2 ** Math.max(exp, -1000) * 2 ** Math.min(0, exp + 1000);
  return m[1] ? -v : v;
}

describe('PNG text chunks', () => {
  it('CRC-32 of the standard check string', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  const pil = PY.exe ? spawnSync(PY.exe, ['-c', 'import PIL']).status === 0 : false;
  if (!pil) console.log('[png text] Pillow check skipped: no python3 with PIL (apt-get install python3-pil)');
  it.skipIf(!pil)('Pillow reads the iTXt entries (UTF-8) and the same pixels; zlib checks every chunk CRC', () => {
    const png = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="6" height="4"><rect width="3" height="4" fill="#440154"/><rect x="3" width="3" height="4" fill="#fde725"/></svg>').render().asPng();
    writeFileSync(join(root, 'plain.png'), png);
    const tagged = addPngText(png, { program: 'EP Studio 0.1.0 window', kappa: '0.5', frame: 'Q(μ) at t = 0.6; ε_f = 1.1' });
    writeFileSync(join(root, 'tagged.png'), tagged);
    expect(() => addPngText(new Uint8Array(10), {})).toThrow(/not a PNG/);
    const o = py(
      `import sys, json, zlib, struct
from PIL import Image
a = Image.open(sys.argv[1]); b = Image.open(sys.argv[2])
data = open(sys.argv[2], 'rb').read(); i = 8; types = []; ok = True
while i < len(data):
    n, = struct.unpack('>I', data[i:i+4]); t = data[i+4:i+8]; crc, = struct.unpack('>I', data[i+8+n:i+12+n])
    ok = ok and zlib.crc32(t + data[i+8:i+8+n]) == crc; types.append(t.decode()); i += 12 + n
print(json.dumps({"text": b.text, "same": list(a.convert('RGBA').getdata()) == list(b.convert('RGBA').getdata()), "size": b.size, "crc_ok": ok, "types": types}))`,
      join(root, 'plain.png'),
      join(root, 'tagged.png'),
    );
    expect(o.text).toEqual({ program: 'EP Studio 0.1.0 window', kappa: '0.5', frame: 'Q(μ) at t = 0.6; ε_f = 1.1' });
    expect(o.same).toBe(true);
    expect(o.size).toEqual([6, 4]);
    expect(o.crc_ok).toBe(true);
    expect(o.types.slice(0, 4)).toEqual(['IHDR', 'iTXt', 'iTXt', 'iTXt']);
    expect(o.types.at(-1)).toBe('IEND');
  });
});
