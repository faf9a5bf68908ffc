/** The output-edge guard shared by the CSV writer (csv.ts) and the CLI's printers (cli/output.ts); no dependencies. */
/**
 * A result that would carry a non-finite number (NaN, ±Inf). Never written: the writer throws before any byte exists,
 * naming where the number sits, so a file on disk is always all finite numbers (issue 10, "numbers out").
 */
export class NonFiniteResultError extends Error {
  constructor(readonly where: string, readonly value: number) {
    super(`refused to write a non-finite number (${String(value)}) into the result at ${where}; nothing was written`);
    this.name = 'NonFiniteResultError';
  }
}

/** The output-edge guard: a number must be finite to be written (empty cells are written as null/undefined). */
export function finiteOrThrow(v: number, where: () => string): number {
  if (!Number.isFinite(v)) throw new NonFiniteResultError(where(), v);
  return v;
}
