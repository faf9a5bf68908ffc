/**
 * The study editor's range syntax (src-renderer/lib/rangeSyntax.ts): examples of each form and of each refusal, and
 * fast-check properties: any text ends in a value or a message (never a throw); what it accepts is what was typed
 * (formatted values parse back to themselves; every value within the rule); the spec's pointsOf agrees with pointValues.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseList, parseRange, pointValues } from '../../src-renderer/lib/rangeSyntax.js';
import { pointsOf } from '../../src-main/studies/spec.js';

const rule = { min: 0, max: 100 };
const g = (text: string) => parseRange(text, { symbol: 'g', rule });

describe('parseRange: the three forms', () => {
  it('from:to:points, a list, one number (Unicode minus, spaces, semicolons)', () => {
    expect(g('0:2:101')).toEqual({ ok: true, value: { from: 0, to: 2, points: 101 }, count: 101 });
    expect(g(' 0 : 1.5 : 4 ')).toEqual({ ok: true, value: { from: 0, to: 1.5, points: 4 }, count: 4 });
    expect(g('5, 10, 20')).toEqual({ ok: true, value: [5, 10, 20], count: 3 });
    expect(g('5;10 20')).toEqual({ ok: true, value: [5, 10, 20], count: 3 });
    expect(g('1.5')).toEqual({ ok: true, value: [1.5], count: 1 });
    expect(g('1e-1')).toEqual({ ok: true, value: [0.1], count: 1 });
    expect(parseRange('\u22122', { symbol: 'Δ', rule: { min: -10, max: 10 } })).toEqual({ ok: true, value: [-2], count: 1 });
    expect(g('1:1:1')).toEqual({ ok: true, value: { from: 1, to: 1, points: 1 }, count: 1 });
  });

  it('refusals name the field, the allowed range and what was typed', () => {
    const bad = (text: string) => {
      const r = g(text);
      expect(r.ok, text).toBe(false);
      return r.ok ? '' : r.message;
    };
    expect(bad('')).toMatch(/^g: enter from:to:points/);
    expect(bad('0:2')).toBe('g: a range is from:to:points, e.g. 0:2:101 (got "0:2")');
    expect(bad('0:2:1:3')).toMatch(/^g: a range is from:to:points/);
    expect(bad('2:0:5')).toBe('g: the range must go up (to 0 < from 2)');
    expect(bad('1:1:3')).toMatch(/repeat one value/);
    expect(bad('0:2:0')).toMatch(/^g points must be an integer ≥ 1 and ≤ 10001 \(got "?0"?\)/);
    expect(bad('0:2:2.5')).toMatch(/^g points must be an integer/);
    expect(bad('0:2:20000')).toMatch(/≤ 10001/);
    expect(bad('-1')).toMatch(/^g must be a finite number ≥ 0 and ≤ 100 \(got "?-1"?\)/);
    expect(bad('0x10')).toMatch(/^g must be a finite number/);
    expect(bad('abc')).toMatch(/^g must be a finite number.*abc/);
    expect(bad('1, 2, 1')).toBe('g: 1 appears twice (each value once)');
    expect(bad('Infinity')).toMatch(/^g must be/);
    expect(bad(Array.from({ length: 65 }, (_, i) => i).join(','))).toMatch(/at most 64 values/);
    expect(parseRange('0:1:3', { symbol: 'N', rule, range: false })).toEqual({ ok: false, message: 'N: a list (5, 10, 20) or one number here, not a range' });
  });

  it('parseList expands a range into the list the spec takes, within the list length', () => {
    expect(parseList('5:20:4', { symbol: 'N', rule })).toEqual({ ok: true, value: [5, 10, 15, 20], count: 4 });
    expect(parseList('0:1:65', { symbol: 'N', rule })).toEqual({ ok: false, message: 'N: at most 64 values (the range has 65 points)' });
  });
});

describe('parseRange: properties (fast-check)', () => {
  it('any text: a value or a message, never an exception; accepted values lie within the rule', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.stringMatching(/^[-0-9.,:; e]{0,30}$/)), (text) => {
        const r = g(text);
        if (!r.ok) {
          expect(r.message.length).toBeGreaterThan(0);
          expect(r.message.length).toBeLessThan(300);
          return;
        }
        const xs = pointValues(r.value);
        expect(xs.length).toBe(r.count);
        for (const x of xs) expect(x >= 0 && x <= 100).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('formatted lists and ranges parse back to the same values; pointValues equals the spec parser’s pointsOf', () => {
    const x = fc.double({ min: 0, max: 100, noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
    fc.assert(
      fc.property(fc.uniqueArray(x, { minLength: 1, maxLength: 64 }), fc.constantFrom(', ', ',', ';', ' '), (xs, sep) => {
        const r = g(xs.map(String).join(sep));
        expect(r).toEqual({ ok: true, value: xs, count: xs.length });
      }),
    );
    fc.assert(
      fc.property(x, x, fc.integer({ min: 2, max: 10_001 }), (a, b, n) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const r = g(`${from}:${to}:${n}`);
        if (from === to) {
          expect(r.ok).toBe(false);
          return;
        }
        expect(r).toEqual({ ok: true, value: { from, to, points: n }, count: n });
        if (r.ok) expect(pointValues(r.value)).toEqual(pointsOf(r.value));
      }),
    );
  });
});
