/**
 * The study editor's range syntax (issue 15; the agreed spec extension): what a user types for a swept parameter,
 * turned into the study spec's POINTS form.
 *   "0:2:101"     from 0 to 2 in 101 points (inclusive) → { from: 0, to: 2, points: 101 }
 *   "5, 10, 20"   a list (commas, semicolons or spaces)  → [5, 10, 20]
 *   "1.5"         one number                             → [1.5]
 * Every number is checked against the field's rule (the engine's NumberRule), so a message names the field, its
 * allowed range and what was typed. The spec is validated again, as a whole, by the main side's parseSpec. Pure.
 */
import { checkNumber, describeRule, ParameterError, quoteValue, type NumberRule } from '../../src-core/validation.js';

export type Points = number[] | { from: number; to: number; points: number };

export interface RangeOptions {
  /** Symbol shown in messages (e.g. "g", "N"). */
  symbol: string;
  rule: NumberRule;
  /** Allow "from:to:points" (default true). */
  range?: boolean;
  /** Most values of a list (default 64, the spec's list length). */
  maxList?: number;
  /** Most points of a range (default 10 001, the spec's). */
  maxPoints?: number;
  /** Refuse repeated values in a list (default true: repeated N or ε_f would be duplicate tasks). */
  distinct?: boolean;
}

export type RangeResult = { ok: true; value: Points; count: number } | { ok: false; message: string };

export const RANGE_HELP = 'from:to:points (e.g. 0:2:101), a list (5, 10, 20) or one number';

/** Longest text parsed (a list of 64 long numbers fits easily): longer input is refused before any splitting. */
const MAX_CHARS = 4000;

function num(symbol: string, s: string, rule: NumberRule): number {
  const t = s.trim().replace(/\u2212/g, '-');
  // Number('') is 0 and Number('0x10') is 16: accept decimal notation only.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) throw new ParameterError(symbol, describeRule(rule), t);
  return checkNumber(symbol, Number(t), rule);
}

function msg(e: unknown): string {
  if (!(e instanceof ParameterError)) throw e;
  return `${e.field} must be ${e.allowed} (got ${e.value === '' ? 'nothing' : quoteValue(e.value)})`;
}

/** Parse one field's text; never throws. */
export function parseRange(text: string, o: RangeOptions): RangeResult {
  const maxList = o.maxList ?? 64, maxPoints = o.maxPoints ?? 10_001;
  const t = String(text ?? '').trim();
  if (t === '') return { ok: false, message: `${o.symbol}: enter ${o.range === false ? 'a list (5, 10, 20) or one number' : RANGE_HELP}` };
  if (t.length > MAX_CHARS) return { ok: false, message: `${o.symbol}: at most ${MAX_CHARS} characters` };
  try {
    if (t.includes(':')) {
      if (o.range === false) return { ok: false, message: `${o.symbol}: a list (5, 10, 20) or one number here, not a range` };
      const parts = t.split(':');
      if (parts.length !== 3) return { ok: false, message: `${o.symbol}: a range is from:to:points, e.g. 0:2:101 (got ${quoteValue(t)})` };
      const from = num(o.symbol, parts[0], o.rule), to = num(o.symbol, parts[1], o.rule);
      const points = num(`${o.symbol} points`, parts[2], { integer: true, min: 1, max: maxPoints });
      if (to < from) return { ok: false, message: `${o.symbol}: the range must go up (to ${to} < from ${from})` };
      if (points > 1 && to === from) return { ok: false, message: `${o.symbol}: ${points} points from ${from} to ${to} repeat one value (one point, or a wider range)` };
      return { ok: true, value: { from, to, points }, count: points };
    }
    const parts = t.split(/[,;\s]+/).filter((x) => x !== '');
    if (parts.length > maxList) return { ok: false, message: `${o.symbol}: at most ${maxList} values in a list (got ${parts.length})` };
    const vals = parts.map((p) => num(o.symbol, p, o.rule));
    if (o.distinct !== false && new Set(vals).size !== vals.length) {
      const dup = vals.find((v, i) => vals.indexOf(v) !== i);
      return { ok: false, message: `${o.symbol}: ${dup} appears twice (each value once)` };
    }
    return { ok: true, value: vals, count: vals.length };
  } catch (e) {
    return { ok: false, message: msg(e) };
  }
}

/** The values of a POINTS form (as the spec's pointsOf: inclusive ends, points = 1 gives `from`). */
export function pointValues(p: Points): number[] {
  if (Array.isArray(p)) return p.slice();
  if (p.points === 1) return [p.from];
  return Array.from({ length: p.points }, (_, i) => p.from + ((p.to - p.from) * i) / (p.points - 1));
}

/** A list field (N, ε_f, g_f: the spec takes a list): a range is expanded, within the list length. */
export function parseList(text: string, o: RangeOptions): RangeResult {
  const r = parseRange(text, o);
  if (!r.ok || Array.isArray(r.value)) return r;
  const maxList = o.maxList ?? 64;
  if (r.count > maxList) return { ok: false, message: `${o.symbol}: at most ${maxList} values (the range has ${r.count} points)` };
  return { ok: true, value: pointValues(r.value), count: r.count };
}
