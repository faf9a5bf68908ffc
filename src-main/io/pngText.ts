/**
 * Provenance inside a PNG: one iTXt chunk (PNG 1.2 §4.2.3.3: keyword, 0, compression flag 0, method 0, empty language
 * tag, empty translated keyword, UTF-8 text) per entry, inserted right after IHDR. Readers show them as text
 * metadata (exiftool, Pillow's `Image.info`, `identify -verbose`); decoders that do not know them skip them.
 * The canvas (renderer) and resvg (Node) write no text chunks, so this is added on the way to the disk.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, the PNG and zlib one) of the bytes. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** PNG keywords: 1–79 Latin-1 printable characters, no leading/trailing/double spaces. */
function keyword(k: string): string {
  const s = k.replace(/[^\x20-\x7e]/g, '_').replace(/ +/g, ' ').trim().slice(0, 79);
  return s || 'Comment';
}

/** The PNG with one iTXt chunk per entry after IHDR. Throws if `png` is not a PNG. */
export function addPngText(png: Uint8Array, entries: Record<string, string>): Uint8Array {
  for (let i = 0; i < 8; i++) if (png[i] !== SIGNATURE[i]) throw new Error('not a PNG file');
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const ihdrLen = dv.getUint32(8);
  if (String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') throw new Error('PNG without IHDR first');
  const at = 8 + 12 + ihdrLen;
  const enc = new TextEncoder();
  const chunks = Object.entries(entries).map(([k, v]) => {
    const key = enc.encode(keyword(k));
    const text = enc.encode(v);
    const data = new Uint8Array(key.length + 5 + text.length);
    data.set(key, 0);
    // after the keyword: 0 (end), compression flag 0, method 0, language tag "" 0, translated keyword "" 0
    data.set(text, key.length + 5);
    return chunk('iTXt', data);
  });
  const extra = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(png.length + extra);
  out.set(png.subarray(0, at), 0);
  let o = at;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  out.set(png.subarray(at), o);
  return out;
}
