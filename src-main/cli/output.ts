/**
 * Every number the CLI prints on stdout (JSON or a text table) passes the same output-edge guard as the CSV writer
 * (src-main/io/csv.ts): a non-finite number is refused with the path of the field, never printed as `null`
 * (JSON.stringify's silent NaN → null) or `NaN`/`Infinity`. A deliberate "no value" is written as null by the caller.
 */
import { NonFiniteResultError } from '../io/nonFinite.js';
import { writeOut } from './stdio.js';

/** Throws NonFiniteResultError naming the first non-finite number found in a JSON-like value (depth-first). */
export function assertFiniteResult(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NonFiniteResultError(path, value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const a = value as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (typeof a[i] === 'number' && !Number.isFinite(a[i])) throw new NonFiniteResultError(`${path}[${i}]`, a[i]);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertFiniteResult(v, `${path}[${i}]`));
    return;
  }
  for (const [k, v] of Object.entries(value)) assertFiniteResult(v, `${path}.${k}`);
}

/** One JSON document on stdout, checked first (pretty = 2 indents like the existing `--json` outputs that use it). */
export function printJson(value: unknown, pretty = false): void {
  assertFiniteResult(value);
  writeOut(JSON.stringify(value, null, pretty ? 2 : undefined) + '\n');
}

/** Text on stdout whose numbers were checked by the caller with assertFiniteResult. */
export function printChecked(value: unknown, text: string): void {
  assertFiniteResult(value);
  writeOut(text);
}
