/**
 * Readers of heterodyne outcome files (issue 14): the lab's data in, as split Float64Arrays (re, im and an optional time
 * column t). Every value is checked here, at the edge: finite, enough rows; errors name the file and the row and quote
 * at most a field name or a user flag, never file content (quoteValue/quoteField via ParameterError).
 *
 *   CSV    two (or more) columns, `#` comment lines, header optional. Columns: by name with `--columns re,im` (or
 *          1-based numbers), else `re`/`im` (also `x`/`y`, `real`/`imag`) from the header, else the first two. A column
 *          named `t` is the time of each outcome.
 *   .npy   complex128 (or complex64) of shape (N,), or float64/float32 of shape (N, 2) (C or Fortran order), or (N, 3)
 *          with `--columns re,im,t` style numeric picks; little-endian.
 *   HDF5   `FILE.h5:/path/to/dataset` (h5wasm): a complex compound dataset (h5py's {r, i}) of shape (N,), or a float
 *          dataset of shape (N, 2) / (N, 3) as for .npy.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ParameterError } from '../../src-core/validation.js';

export interface Outcomes {
  re: Float64Array;
  im: Float64Array;
  /** Time of each outcome, when the file has a `t` column. */
  t?: Float64Array;
  /** What was read, for provenance: format, columns, rows. */
  source: { file: string; format: 'csv' | 'npy' | 'hdf5'; columns: string; rows: number };
}

/** Largest file read into memory (2 GB): beyond it the user should split the data. */
const MAX_BYTES = 2 ** 31;

export interface ReadOptions {
  /** `re,im` or `re,im,t` column names (CSV) or 1-based column numbers (any format). */
  columns?: string;
}

function fileError(file: string, what: string, value?: unknown): ParameterError {
  return new ParameterError(`--samples (${basename(file)})`, what, value);
}

function rowError(file: string, row: number, col: string, allowed: string): ParameterError {
  // The offending text is not quoted (file content); the row and column name it.
  return new ParameterError(`--samples (${basename(file)}, row ${row}, column ${col})`, allowed, 'a non-finite or non-numeric value');
}

/** Split a `--samples` argument into the file and, for HDF5, the dataset path (`FILE.h5:/path`). */
export function splitSpec(spec: string): { file: string; dataset?: string } {
  const m = /^(.*\.(?:h5|hdf5|he5)):(\/.*)$/i.exec(spec);
  return m ? { file: m[1], dataset: m[2] } : { file: spec };
}

export function parseColumns(spec: string | undefined): string[] | undefined {
  if (spec === undefined) return undefined;
  const parts = spec.split(',').map((s) => s.trim());
  if ((parts.length !== 2 && parts.length !== 3) || parts.some((p) => p === '') || new Set(parts).size !== parts.length)
    throw new ParameterError('--columns', 'two or three distinct comma-separated column names or 1-based numbers (re,im or re,im,t)', spec);
  return parts;
}

export async function readOutcomes(spec: string, opts: ReadOptions = {}): Promise<Outcomes> {
  const cols = parseColumns(opts.columns);
  const { file, dataset } = splitSpec(spec);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new ParameterError('--samples', 'a readable file (CSV, .npy, or FILE.h5:/dataset)', spec);
  }
  if (size > MAX_BYTES) throw fileError(file, `a file of at most ${MAX_BYTES} bytes`, size);
  if (dataset !== undefined) return readHdf5(file, dataset, cols);
  if (/\.npy$/i.test(file)) return readNpy(file, cols);
  if (/\.(h5|hdf5|he5)$/i.test(file)) throw new ParameterError('--samples', 'an HDF5 file with its dataset path, FILE.h5:/path/to/dataset', spec);
  return readCsv(file, cols);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function pickColumn(header: string[] | undefined, want: string, ncol: number, file: string): number {
  if (/^\d+$/.test(want)) {
    const j = Number(want) - 1;
    if (j < 0 || j >= ncol) throw new ParameterError('--columns', `column numbers 1…${ncol} (${basename(file)} has ${ncol} columns)`, want);
    return j;
  }
  const j = header ? header.indexOf(want) : -1;
  if (j < 0) throw new ParameterError('--columns', `names from the header of ${basename(file)}${header ? '' : ' (it has no header: use 1-based numbers)'}`, want);
  return j;
}

function readCsv(file: string, cols: string[] | undefined): Outcomes {
  const text = readFileSync(file, 'utf8');
  let rows: string[][];
  try {
    rows = parse(text, { comment: '#', skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw fileError(file, `valid CSV${line ? ` (parse error near line ${line})` : ''}`, 'unparsable CSV');
  }
  if (rows.length === 0) throw fileError(file, 'at least one data row', 0);
  const first = rows[0];
  const header = first.some((c) => !NUMBER.test(c)) ? first.map((c) => c.toLowerCase()) : undefined;
  const data = header ? rows.slice(1) : rows;
  const ncol = first.length;
  let ire: number, iim: number, it: number | undefined;
  if (cols) {
    ire = pickColumn(header, cols[0].toLowerCase(), ncol, file);
    iim = pickColumn(header, cols[1].toLowerCase(), ncol, file);
    it = cols[2] !== undefined ? pickColumn(header, cols[2].toLowerCase(), ncol, file) : undefined;
  } else {
    const find = (names: string[]) => (header ? header.findIndex((h) => names.includes(h)) : -1);
    ire = find(['re', 'x', 'real', 'mu_re']);
    iim = find(['im', 'y', 'imag', 'mu_im']);
    if (ire < 0 || iim < 0) {
      ire = 0;
      iim = 1;
    }
    const ti = find(['t', 'time']);
    it = ti >= 0 ? ti : undefined;
  }
  if (ncol < 2) throw fileError(file, 'at least two columns (re, im)', ncol);
  const N = data.length;
  const re = new Float64Array(N), im = new Float64Array(N);
  const t = it !== undefined ? new Float64Array(N) : undefined;
  const rowOffset = header ? 2 : 1; // data row i is the (i + rowOffset)-th non-comment row
  const names = header ?? [];
  for (let i = 0; i < N; i++) {
    const r = data[i];
    const get = (j: number): number => {
      const s = r[j];
      const v = s !== undefined && NUMBER.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(v)) throw rowError(file, i + rowOffset, names[j] ?? String(j + 1), 'finite numbers');
      return v;
    };
    re[i] = get(ire);
    im[i] = get(iim);
    if (t && it !== undefined) t[i] = get(it);
  }
  const colNames = [ire, iim, ...(it !== undefined ? [it] : [])].map((j) => names[j] ?? String(j + 1)).join(',');
  return { re, im, t, source: { file, format: 'csv', columns: colNames, rows: N } };
}

/** The .npy header dictionary (format 1.0–3.0): descr, fortran_order, shape. */
function npyHeader(buf: Buffer, file: string): { descr: string; fortran: boolean; shape: number[]; offset: number } {
  if (buf.length < 10 || buf.readUInt8(0) !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') throw fileError(file, 'a NumPy .npy file', 'no .npy magic');
  const major = buf.readUInt8(6);
  let hlen: number, start: number;
  if (major === 1) {
    hlen = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    hlen = buf.readUInt32LE(8);
    start = 12;
  } else throw fileError(file, '.npy format version 1, 2 or 3', major);
  if (start + hlen > buf.length) throw fileError(file, 'a complete .npy header', 'truncated');
  const h = buf.toString('latin1', start, start + hlen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(h)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(h);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(h)?.[1];
  if (descr === undefined || shapeText === undefined) throw fileError(file, 'a .npy header with descr and shape', 'malformed header');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw fileError(file, 'a .npy shape of non-negative integers', 'malformed shape');
  return { descr, fortran, shape, offset: start + hlen };
}

function readNpy(file: string, cols: string[] | undefined): Outcomes {
  const buf = readFileSync(file);
  const { descr, fortran, shape, offset } = npyHeader(buf, file);
  const kinds: Record<string, { bytes: number; complex: boolean }> = {
    '<c16': { bytes: 16, complex: true }, '<c8': { bytes: 8, complex: true },
    '<f8': { bytes: 8, complex: false }, '<f4': { bytes: 4, complex: false },
  };
  const kind = kinds[descr];
  if (!kind) throw fileError(file, 'little-endian complex128/complex64 of shape (N,) or float64/float32 of shape (N, 2) or (N, 3)', descr);
  const dv = new DataView(buf.buffer, buf.byteOffset + offset, buf.length - offset);
  const at = kind.bytes === 16 || (!kind.complex && kind.bytes === 8)
    ? (i: number) => dv.getFloat64(i * 8, true)
    : (i: number) => dv.getFloat32(i * 4, true);
  const scalar = kind.complex ? kind.bytes / 2 : kind.bytes;
  if (kind.complex) {
    if (shape.length !== 1) throw fileError(file, 'a complex array of shape (N,)', `shape (${shape.join(', ')})`);
    if (cols) throw new ParameterError('--columns', 'not used with a complex .npy array (re and im come from the complex values)', cols.join(','));
    const N = shape[0];
    if (dv.byteLength < N * 2 * scalar) throw fileError(file, `${N} complex values as its header says`, 'truncated data');
    const re = new Float64Array(N), im = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      re[i] = at(2 * i);
      im[i] = at(2 * i + 1);
      if (!Number.isFinite(re[i]) || !Number.isFinite(im[i])) throw rowError(file, i + 1, 'value', 'finite numbers');
    }
    return { re, im, source: { file, format: 'npy', columns: 'complex', rows: N } };
  }
  if (shape.length !== 2 || shape[1] < 2) throw fileError(file, 'a float array of shape (N, 2) or (N, 3)', `shape (${shape.join(', ')})`);
  const [N, C] = shape;
  if (dv.byteLength < N * C * scalar) throw fileError(file, `${N}×${C} values as its header says`, 'truncated data');
  return fromMatrix(file, 'npy', N, C, (i, j) => at(fortran ? j * N + i : i * C + j), cols);
}

function fromMatrix(
  file: string, format: 'npy' | 'hdf5', N: number, C: number, get: (i: number, j: number) => number, cols: string[] | undefined,
): Outcomes {
  const pick = (s: string | undefined, dflt: number | undefined): number | undefined => {
    if (s === undefined) return dflt;
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > C) throw new ParameterError('--columns', `1-based column numbers 1…${C} for an array of ${C} columns`, s);
    return Number(s) - 1;
  };
  const ire = pick(cols?.[0], 0)!, iim = pick(cols?.[1], 1)!, it = pick(cols?.[2], C === 3 && !cols ? 2 : undefined);
  const re = new Float64Array(N), im = new Float64Array(N);
  const t = it !== undefined ? new Float64Array(N) : undefined;
  for (let i = 0; i < N; i++) {
    re[i] = get(i, ire);
    im[i] = get(i, iim);
    if (!Number.isFinite(re[i]) || !Number.isFinite(im[i])) throw rowError(file, i + 1, `${ire + 1}/${iim + 1}`, 'finite numbers');
    if (t && it !== undefined) {
      t[i] = get(i, it);
      if (!Number.isFinite(t[i])) throw rowError(file, i + 1, String(it + 1), 'finite numbers');
    }
  }
  const columns = [ire, iim, ...(it !== undefined ? [it] : [])].map((j) => String(j + 1)).join(',');
  return { re, im, t, source: { file, format, columns, rows: N } };
}

async function readHdf5(file: string, path: string, cols: string[] | undefined): Promise<Outcomes> {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  let f: InstanceType<typeof h5wasm.File>;
  try {
    f = new h5wasm.File(file, 'r');
  } catch {
    throw fileError(file, 'an HDF5 file', 'unreadable');
  }
  try {
    const ds = f.get(path);
    if (!(ds instanceof h5wasm.Dataset)) throw new ParameterError('--samples', `a dataset path inside ${basename(file)}`, path);
    const shape = ds.shape ?? [];
    const value = ds.value as unknown;
    const compound = (ds.metadata as { compound_type?: { nmembers: number } }).compound_type;
    if (compound) {
      // h5py stores complex numbers as a compound of two floats {r, i}; h5wasm returns [r, i] per element.
      if (shape.length !== 1 || compound.nmembers !== 2 || !Array.isArray(value))
        throw fileError(file, 'a complex dataset (a compound of two floats, as h5py writes) of shape (N,)', `shape (${shape.join(', ')})`);
      if (cols) throw new ParameterError('--columns', 'not used with a complex dataset', cols.join(','));
      const N = shape[0];
      const re = new Float64Array(N), im = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        const e = (value as unknown[])[i];
        const r = Array.isArray(e) ? Number(e[0]) : NaN, m = Array.isArray(e) ? Number(e[1]) : NaN;
        if (!Number.isFinite(r) || !Number.isFinite(m)) throw rowError(file, i + 1, 'value', 'finite numbers');
        re[i] = r;
        im[i] = m;
      }
      return { re, im, source: { file: `${file}:${path}`, format: 'hdf5', columns: 'complex', rows: N } };
    }
    if (!(value instanceof Float64Array || value instanceof Float32Array) || shape.length !== 2 || shape[1] < 2)
      throw fileError(file, 'a float dataset of shape (N, 2) or (N, 3), or a complex one of shape (N,)', `shape (${shape.join(', ')})`);
    const [N, C] = shape;
    const out = fromMatrix(file, 'hdf5', N, C, (i, j) => value[i * C + j], cols);
    out.source.file = `${file}:${path}`;
    return out;
  } finally {
    f.close();
  }
}
