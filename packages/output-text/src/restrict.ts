/**
 * pstats' restrictions (`print_stats(*amount)`, `eval_print_amount`), applied in order to
 * the sorted list: an integer n (0 ≤ n < count) keeps the first n, a float f (0 ≤ f < 1)
 * the first `int(count·f + .5)` (a float of 1 or more restricts nothing, as in pstats), a
 * regular expression the functions whose pstats name it matches anywhere (`re.search`).
 * Each restriction that shrinks the list adds pstats' `List reduced from …` line; a
 * pattern that does not compile adds its `<Invalid regular expression …>` line and leaves
 * the list alone.
 *
 * On the command line every value is text: an integer is a count, a decimal (`0.25`,
 * `1.5`, `5e-2`) a float, anything else a pattern, and `re:PATTERN` forces a pattern.
 * Patterns are Python `re` syntax, read by the rules of the Python version being imitated
 * (python-pattern.ts).
 */
import {
  formatCount,
  type PythonMajor,
  pythonFloatRepr,
  pythonStringRepr,
} from './python-format.js';
import { compilePythonPattern } from './python-pattern.js';

export { compilePythonPattern };

export type Restriction =
  | { readonly kind: 'count'; readonly value: number }
  /** A Python float: a fraction of the list below 1, no restriction from 1 up. */
  | { readonly kind: 'fraction'; readonly value: number }
  | { readonly kind: 'pattern'; readonly pattern: string };

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][+-]?\d+)?$/;

/** Reads one `--limit` value. */
export function parseRestriction(text: string): Restriction {
  if (text.startsWith('re:')) return { kind: 'pattern', pattern: text.slice(3) };
  if (INTEGER.test(text)) return { kind: 'count', value: Number(text) };
  if (DECIMAL.test(text)) return { kind: 'fraction', value: Number(text) };
  return { kind: 'pattern', pattern: text };
}

/** Python's `%r` of the restriction, as pstats prints it. */
function restrictionRepr(restriction: Restriction, python: PythonMajor): string {
  switch (restriction.kind) {
    case 'count':
      return formatCount(restriction.value);
    case 'fraction':
      return pythonFloatRepr(restriction.value);
    default:
      return pythonStringRepr(restriction.pattern, python);
  }
}

export interface RestrictedList {
  readonly list: readonly number[];
  /** pstats' message lines for the restrictions, each ending in a newline. */
  readonly messages: string;
}

/** Applies the restrictions in order to `list`, matching patterns against `names[fn]`. */
export function applyRestrictions(
  list: readonly number[],
  restrictions: readonly Restriction[],
  names: readonly string[],
  python: PythonMajor,
): RestrictedList {
  let current = list;
  let messages = '';
  for (const restriction of restrictions) {
    let next = current;
    if (restriction.kind === 'pattern') {
      let expression: RegExp;
      try {
        expression = compilePythonPattern(restriction.pattern, python);
      } catch {
        messages += `   <Invalid regular expression ${restrictionRepr(restriction, python)}>\n`;
        continue;
      }
      next = current.filter((fn) => expression.test(names[fn] as string));
    } else if (restriction.kind === 'fraction') {
      if (restriction.value >= 0 && restriction.value < 1)
        next = current.slice(0, Math.trunc(current.length * restriction.value + 0.5));
    } else if (restriction.value >= 0 && restriction.value < current.length) {
      next = current.slice(0, restriction.value);
    }
    if (next.length !== current.length) {
      messages += `   List reduced from ${current.length} to ${next.length} due to restriction <${restrictionRepr(restriction, python)}>\n`;
    }
    current = next;
  }
  return { list: current, messages };
}
