/**
 * pstats' restrictions (`print_stats(*amount)`, `eval_print_amount`), applied in order to
 * the sorted list: an integer n (0 ≤ n < count) keeps the first n, a fraction f
 * (0 ≤ f < 1) the first `int(count·f + .5)`, a regular expression the functions whose
 * pstats name it matches anywhere (`re.search`). Each restriction that shrinks the list
 * adds pstats' `List reduced from …` line; a pattern that does not compile adds its
 * `<Invalid regular expression …>` line and leaves the list alone.
 *
 * On the command line every value is text: an integer is a count, a decimal below 1 a
 * fraction, anything else a pattern, and `re:PATTERN` forces a pattern. Patterns are
 * Python `re` syntax translated to JavaScript where the two differ in spelling
 * (`(?P<n>…)`, `(?P=n)`, `\A`, `\Z`, leading inline flags); constructs JavaScript lacks
 * (e.g. verbose mode) are refused as invalid, as Python refuses what it cannot compile.
 */
import {
  formatCount,
  type PythonMajor,
  pythonFloatRepr,
  pythonStringRepr,
} from './python-format.js';

export type Restriction =
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'fraction'; readonly value: number }
  | { readonly kind: 'pattern'; readonly pattern: string };

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][+-]?\d+)?$/;

/** Reads one `--limit` value. */
export function parseRestriction(text: string): Restriction {
  if (text.startsWith('re:')) return { kind: 'pattern', pattern: text.slice(3) };
  if (INTEGER.test(text)) return { kind: 'count', value: Number(text) };
  if (DECIMAL.test(text)) {
    const value = Number(text);
    if (value < 1) return { kind: 'fraction', value };
  }
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

/** Compiles a Python `re` pattern as a JavaScript RegExp; throws SyntaxError when it cannot. */
export function compilePythonPattern(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    const letters = inline[1] as string;
    if (/[xL]/.test(letters)) throw new SyntaxError('unsupported inline flag');
    for (const letter of letters)
      if ('ims'.includes(letter) && !flags.includes(letter)) flags += letter;
    source = source.slice(inline[0].length);
  }
  source = source
    .replace(/(?<!\\)((?:\\\\)*)\(\?P</g, '$1(?<')
    .replace(/(?<!\\)((?:\\\\)*)\(\?P=(\w+)\)/g, '$1\\k<$2>')
    .replace(/(?<!\\)((?:\\\\)*)\\A/g, '$1^')
    .replace(/(?<!\\)((?:\\\\)*)\\Z/g, '$1$(?![\\s\\S])');
  return new RegExp(source, flags);
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
        expression = compilePythonPattern(restriction.pattern);
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
