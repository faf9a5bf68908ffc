// toCsv joins rows of plain cells itself and leaves the rest to csv-stringify (cold start, issue 12): its bytes must be
// csv-stringify's for the whole table, whatever the cells (delimiters, quotes, line breaks, blanks, Unicode, numbers).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { toCsv, toCsvColumns, type CsvCell } from '../../../src-main/io/csv.js';

const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', ',', '"', '\n', '\r', ';', '#', '=', 'ε', '−', '😀', "'") , maxLength: 8 });
const cellArb: fc.Arbitrary<CsvCell> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  text,
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

/** csv-stringify on the whole table, cells as toCsv writes them (numbers in the shortest round-trip form). */
const reference = (columns: string[], rows: CsvCell[][]) =>
  stringify([columns, ...rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))))]);

describe('toCsv', () => {
  it('writes the bytes csv-stringify writes for the whole table', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(fc.array(text, { minLength: n, maxLength: n }), fc.array(fc.array(cellArb, { minLength: n, maxLength: n }), { maxLength: 6 }))), ([columns, rows]) => {
        expect(toCsv({ columns, rows })).toBe(reference(columns, rows));
      }),
      { numRuns: 2000 },
    );
  });

  it('quotes what must be quoted and reads back', () => {
    const out = toCsv({ columns: ['a', 'b,c'], rows: [[1.5, 'x"y'], [-0, 'line\nbreak'], [1e-300, '']] });
    expect(out).toBe('a,"b,c"\n1.5,"x""y"\n0,"line\nbreak"\n1e-300,\n');
  });

  it('refuses a non-finite number, naming its column and row', () => {
    expect(() => toCsv({ columns: ['t', 'G'], rows: [[0, 1], [1, Number.NaN]] })).toThrow(/column "G", data row 2/);
  });

  it('toCsvColumns writes what toCsv writes for the same numbers given as rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((k) => fc.tuple(fc.array(text, { minLength: k, maxLength: k }), fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: k, maxLength: k }), { maxLength: 8 }))),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer())),
        ([columns, rows], meta) => {
          const data = columns.map((_, j) => Float64Array.from(rows, (r) => r[j]));
          expect(toCsvColumns({ meta, columns, data })).toBe(toCsv({ meta, columns, rows }));
        },
      ),
      { numRuns: 1000 },
    );
    expect(() => toCsvColumns({ columns: ['re', 'im'], data: [new Float64Array([0, 1]), new Float64Array([2, Number.POSITIVE_INFINITY])] })).toThrow(/column "im", data row 2/);
    expect(() => toCsvColumns({ columns: ['re', 'im'], data: [new Float64Array(2), new Float64Array(3)] })).toThrow(RangeError);
  });
});
