// The spectrum-file parser shared by the CLI and the desktop panel: good files in several dialects, and malformed ones
// rejected with messages that name the line, the column and what is allowed.
import { describe, expect, it } from 'vitest';
import { parseSpectrumText, SpectrumParseError } from '../../../src-core/gaussian/spectrumText.js';
import { ParameterError } from '../../../src-core/validation.js';

describe('parseSpectrumText', () => {
  it('reads comma, semicolon, tab and space separated files, comments, a header, CRLF and a BOM', () => {
    for (const text of [
      '\uFEFF# measured\nfrequency,PSD\n0,1.5\n1000,2.5\n',
      '0;1.5\r\n1000;2.5\r\n',
      'f\tpsd\n0\t1.5\n\n1000\t2.5\n',
      '  0   1.5\n1000 2.5   \n# end\n',
    ]) {
      const d = parseSpectrumText(text);
      expect(Array.from(d.f)).toEqual([0, 1000]);
      expect(Array.from(d.psd)).toEqual([1.5, 2.5]);
      expect(d.sigma).toBeUndefined();
    }
    const s = parseSpectrumText('frequency,PSD,sigma\n1e3,2,0.1\n2e3,3,0.2\n');
    expect(Array.from(s.sigma!)).toEqual([0.1, 0.2]);
    expect(s.header).toEqual(['frequency', 'PSD', 'sigma']);
  });

  const bad: [string, string, RegExp][] = [
    ['empty', '', /no data rows/],
    ['only comments and a header', '# x\nfrequency,PSD\n', /no data rows/],
    ['one column', '100\n200\n', /line 1: expected 2 or 3 columns/],
    ['four columns', '1,2,3,4\n', /line 1: expected 2 or 3 columns/],
    ['non-numeric PSD', '1,2\n# c\n3,abc\n', /line 3, column 2: PSD "abc"; allowed: a finite number > 0/],
    ['negative frequency', '1,2\n-3,4\n', /line 2, column 1: frequency "-3"; allowed: a finite number ≥ 0 \(Hz\)/],
    ['NaN', '1,NaN\n', /line 1, column 2: PSD "NaN"/],
    ['Infinity frequency', 'Infinity,1\n', /line 1, column 1: frequency "Infinity"/],
    ['empty cell', '1,\n', /line 1, column 2: PSD is empty/],
    ['zero PSD (log fit)', '1,0\n', /column 2: PSD "0"; allowed: a finite number > 0/],
    ['ragged rows', '1,2\n3,4,5\n', /line 2: expected 2 columns like the first data row, got 3/],
    ['bad sigma', '1,2,-1\n', /line 1, column 3: sigma "-1"/],
    ['header width', 'f,psd\n1,2,3\n', /the header has 2 columns/],
  ];
  for (const [name, text, msg] of bad) {
    it(`rejects ${name} with a located message`, () => {
      let err: unknown;
      try {
        parseSpectrumText(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpectrumParseError);
      expect(err).toBeInstanceOf(ParameterError); // → one stderr line and exit status 2 in the CLI
      expect((err as Error).message).toMatch(msg);
    });
  }
});
