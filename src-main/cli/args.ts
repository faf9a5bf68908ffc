/**
 * Flag parsing for the CLI. Every value is checked at the edge; a bad one throws ParameterError naming the flag and
 * its allowed range, which cli.ts turns into one line on stderr and exit status 2 (before any output file exists).
 */
import type { Command } from 'commander';
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

/**
 * Refuse a flag given twice (`--eps 1 --eps 2`): commander would silently keep the last value, and a scientific run
 * must not depend on which of two contradicting values won. Commander emits `option:<name>` once per occurrence, so
 * counting those events sees exactly what it parsed (a value that merely looks like a flag is not counted).
 */
export function refuseRepeatedFlags(cmd: Command): void {
  const seen = new Set<string>();
  for (const opt of cmd.options) {
    const name = opt.name();
    const flag = opt.long ?? opt.short ?? name;
    cmd.on(`option:${name}`, () => {
      if (seen.has(name)) {
        const e = new ParameterError(flag, 'each flag at most once', undefined);
        e.message = `${flag}: given more than once; allowed: each flag at most once (the last value is not silently kept)`;
        throw e;
      }
      seen.add(name);
    });
  }
}

/**
 * An action whose body is loaded when the command runs (cold start: `--help` must not load the engine). `load`
 * is a thunk around `import('../actions/x.js')` so that the bundler-free ESM graph stays lazy.
 */
export function lazyAction<M, A extends unknown[]>(load: () => Promise<M>, pick: (m: M) => (...args: A) => unknown) {
  return async (...args: A): Promise<void> => {
    const m = await load();
    await pick(m)(...args);
  };
}
