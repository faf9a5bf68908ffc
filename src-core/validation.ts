/**
 * Errors the user can act on: which field, what value, what range is allowed.
 * The one validation vocabulary of the project: the CLI, the study files and the forms all report these.
 */
export class ParameterError extends Error {
  constructor(
    /** Field name as the user typed it (CLI flag without dashes, spec path, form field). */
    readonly field: string,
    /** Human-readable allowed range, e.g. "a finite number > 0". */
    readonly allowed: string,
    readonly value?: unknown,
  ) {
    super(`${quoteField(field)}: ${value === undefined ? 'missing' : `got ${quoteValue(value)}`}; allowed: ${allowed}`);
    this.name = 'ParameterError';
  }
}

/** Longest excerpt of a user's value that an error message quotes (a 50 MB spec field must not make a 50 MB line). */
export const QUOTE_MAX = 80;

/**
 * A value as an error message may show it: JSON text cut to QUOTE_MAX characters with "…" and the full length.
 * The one way every error in the project quotes user input (CLI flags, spec fields, API requests, imported files).
 */
export function quoteValue(value: unknown, max = QUOTE_MAX): string {
  let text: string;
  try {
    text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** A field name or JSON path cut the same way (a path built from hostile keys can be long too). */
export function quoteField(field: string, max = QUOTE_MAX): string {
  return field.length <= max ? field : `${field.slice(0, max)}…`;
}

export interface NumberRule {
  min?: number;
  max?: number;
  /** Exclude the bounds themselves. */
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  integer?: boolean;
}

/** Text of the allowed range of a rule, e.g. "an integer in [1, 1000]". */
export function describeRule(r: NumberRule): string {
  const kind = r.integer ? 'an integer' : 'a finite number';
  const lo = r.min === undefined ? undefined : `${r.exclusiveMin ? '>' : '≥'} ${r.min}`;
  const hi = r.max === undefined ? undefined : `${r.exclusiveMax ? '<' : '≤'} ${r.max}`;
  return [kind, lo, hi].filter(Boolean).join(' ').replace(/ (≥|>) (\S+) (≤|<) /, ' $1 $2 and $3 ');
}

/** Check one number against its rule; throws ParameterError naming the field. */
export function checkNumber(field: string, value: unknown, rule: NumberRule): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || (rule.exclusiveMin ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || (rule.exclusiveMax ? value < rule.max : value <= rule.max));
  if (!ok) throw new ParameterError(field, describeRule(rule), value);
  return value as number;
}
