/**
 * Flag parsing for the CLI. Every value is checked at the edge; a bad one throws ParameterError naming the flag and
 * its allowed range, which cli.ts turns into one line on stderr and exit status 2 (before any output file exists).
 */
import { checkNumber, ParameterError, type NumberRule } from '../../src-core/validation.js';

/** A commander argParser for a number flag, e.g. `.option('--eps <ε>', 'pump', num('--eps', { min: 0 }))`. */
export function num(flag: string, rule: NumberRule) {
  return (raw: string): number => {
    const v = raw.trim() === '' ? NaN : Number(raw);
    return checkNumber(flag, Number.isNaN(v) ? raw : v, rule);
  };
}

/** A commander argParser for a comma-separated list of numbers, e.g. `--N 1,5,10`. */
export function numList(flag: string, rule: NumberRule) {
  return (raw: string): number[] => {
    const parts = raw.split(',').map((s) => s.trim());
    if (parts.length === 0 || parts.some((s) => s === '')) throw new ParameterError(flag, 'a comma-separated list of numbers', raw);
    return parts.map((s) => {
      const v = Number(s);
      return checkNumber(flag, Number.isNaN(v) ? s : v, rule);
    });
  };
}

/** A commander argParser for one of a fixed set of words. */
export function oneOf<T extends string>(flag: string, words: readonly T[]) {
  return (raw: string): T => {
    if (!(words as readonly string[]).includes(raw)) throw new ParameterError(flag, `one of ${words.join(', ')}`, raw);
    return raw as T;
  };
}
