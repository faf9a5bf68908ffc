/**
 * NumPy `.npy` writer (format version 1.0, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic `\x93NUMPY`, version 1.0, a little-endian uint16 header length, an ASCII Python-dict header padded with
 * spaces and ended by `\n` so that the data start on a 64-byte boundary, then the raw little-endian float64 values
 * in C (row-major) order. No npm package writes .npy (npyjs only parses), and the format is this short.
 *
 * NumPy refuses headers with keys other than descr/fortran_order/shape, so provenance travels beside the arrays
 * (the export folder's provenance.json), not inside them.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The bytes of a float64 array of the given shape (C order). Throws if the shape does not match the data. */
export function encodeNpy(data: Float64Array, shape: readonly number[]): Uint8Array {
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`npy: shape must be non-negative integers, got [${shape.join(', ')}]`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`npy: shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`);
  // A 1-tuple needs its trailing comma: (5,)
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${tuple}, }`;
  const pre = MAGIC.length + 2 + 2;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  if (header.length > 0xffff) throw new RangeError('npy: header too long for format 1.0');
  const out = new Uint8Array(total + 8 * count);
  out.set(MAGIC, 0);
  out[6] = 1; // major
  out[7] = 0; // minor
  const dv = new DataView(out.buffer);
  dv.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  for (let i = 0; i < count; i++) dv.setFloat64(total + 8 * i, data[i], true);
  return out;
}

/** Read back what encodeNpy writes (little-endian float64, C order): for tests and round trips only. */
export function decodeNpy(bytes: Uint8Array): { data: Float64Array; shape: number[] } {
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw new Error('npy: not a .npy file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = dv.getUint16(8, true);
  const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + len));
  if (!/'descr': '<f8'/.test(header) || !/'fortran_order': False/.test(header)) throw new Error(`npy: unsupported header ${header.trim()}`);
  const m = /'shape': \(([^)]*)\)/.exec(header);
  const shape = (m?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = dv.getFloat64(10 + len + 8 * i, true);
  return { data, shape };
}
