/**
 * Python `re` patterns (what `pstats` restrictions are) as JavaScript regular expressions,
 * so `--limit` finds the rows Python would. The pattern is read token by token by the
 * rules of the Python version whose pstats is imitated and written out in JavaScript's
 * Unicode mode (`u`), where nothing is guessed:
 *
 * - Escapes: Python 3 refuses an unknown escape of an ASCII letter or digit (`\y`, `\8`),
 *   which JavaScript's legacy mode would quietly read as the letter — the pattern is then
 *   invalid, and pstats prints its `<Invalid regular expression …>` note. Python 2.7 reads
 *   it as the letter. `\a`, octal escapes, `\x`, `\u`/`\U` (Python 3), group references
 *   are rewritten; `\N{name}` (3.8+) is refused: there is no Unicode name table here.
 * - Classes of characters: Python 3's `\w`, `\d`, `\s`, `\b` are Unicode-aware (letters,
 *   numbers, `_`; decimal digits; Python's white space), JavaScript's are ASCII; Python 2
 *   and the `(?a)` flag keep them ASCII. `\W`, `\D`, `\S` inside a class become an
 *   alternation, since a Unicode-mode class cannot hold a negated set.
 * - Spellings: `(?P<n>…)`, `(?P=n)`, `(?#…)`, `\A`, `\Z`, `.` (not a newline, unless
 *   `(?s)`), `^`/`$` (Python's `$` also matches before a final newline), `{` that is not
 *   a repeat (a literal in Python), `{,n}`, a `]` first in a class, leading inline flags.
 * - Verbose mode (`(?x)`): white space and `#` comments outside classes are dropped.
 * - What JavaScript lacks (possessive and atomic groups of 3.11+,
 *   conditionals, inline flags inside the pattern) is refused as invalid, as Python
 *   refuses what it cannot compile. `test/fixtures/format/<tag>.json` holds each Python's
 *   own verdict and matches for the cases that differ.
 */
import type { PythonMajor } from './python-format.js';

/**
 * Letters and digits Python 3's `re` (3.6–3.13, checked) refuses after a backslash,
 * outside and inside a character class (`\u`, `\U`, `\x` without their digits are refused
 * too; `\1`–`\9` outside a class are group references).
 */
const PYTHON3_BAD_ESCAPES = 'ceghijklmopqyzCEFGHIJKLMNOPQRTVXY';
const PYTHON3_BAD_CLASS_ESCAPES = 'ceghijklmopqyzABCEFGHIJKLMNOPQRTVXYZ';
const HEX = /^[0-9a-fA-F]+$/;
/** Python 3's white space (`str.isspace`): bidirectional types WS, B, S and category Zs. */
const UNICODE_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

function invalid(reason: string): SyntaxError {
  return new SyntaxError(reason);
}

/** A code point as a Unicode-mode escape, safe in and out of classes. */
function codePoint(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

/** One character written as a literal. */
function literal(char: string): string {
  return /^[0-9A-Za-z]$/.test(char) ? char : codePoint(char.codePointAt(0) as number);
}

/** The sets `\w`, `\d`, `\s` as class contents, by the rules in force. */
interface Categories {
  readonly w: string;
  readonly d: string;
  readonly s: string;
}

/** What one backslash escape stands for. */
type Escape =
  | { kind: 'text'; text: string } // a literal or an assertion, as JavaScript source
  | { kind: 'set'; contents: string; negated: boolean } // \w \W \d \D \s \S
  | { kind: 'reference'; number: number };

/**
 * Reads the escape whose backslash is at `at`; returns it and the index after it. Throws
 * SyntaxError where the Python version would refuse it.
 */
function readEscape(
  source: string,
  at: number,
  inClass: boolean,
  python: PythonMajor,
  categories: Categories,
): [Escape, number] {
  const next = source[at + 1];
  if (next === undefined) throw invalid('bad escape (end of pattern)');
  const after = at + 2;
  const text = (value: string): [Escape, number] => [{ kind: 'text', text: value }, after];
  const set = (contents: string, negated: boolean): [Escape, number] => [
    { kind: 'set', contents, negated },
    after,
  ];
  if (!/[0-9A-Za-z]/.test(next)) {
    const char = String.fromCodePoint(source.codePointAt(at + 1) as number);
    return [{ kind: 'text', text: literal(char) }, at + 1 + char.length];
  }
  switch (next) {
    case 'w':
    case 'W':
      return set(categories.w, next === 'W');
    case 'd':
    case 'D':
      return set(categories.d, next === 'D');
    case 's':
    case 'S':
      return set(categories.s, next === 'S');
    case 'a':
      return text(codePoint(7));
    case 'f':
      return text(codePoint(12));
    case 'n':
      return text(codePoint(10));
    case 'r':
      return text(codePoint(13));
    case 't':
      return text(codePoint(9));
    case 'v':
      return text(codePoint(11));
    case 'x': {
      const digits = source.slice(after, after + 2);
      if (digits.length < 2 || !HEX.test(digits)) throw invalid('incomplete escape \\x');
      return [{ kind: 'text', text: codePoint(Number.parseInt(digits, 16)) }, after + 2];
    }
  }
  if (inClass) {
    if (next === 'b') return text(codePoint(8));
  } else {
    const word = categories.w;
    const boundary = `(?:(?<=[${word}])(?![${word}])|(?<![${word}])(?=[${word}]))`;
    const inside = `(?:(?<=[${word}])(?=[${word}])|(?<![${word}])(?![${word}]))`;
    if (next === 'b') return text(boundary);
    if (next === 'B') return text(inside);
    if (next === 'A') return text('(?<![\\s\\S])');
    if (next === 'Z') return text('(?![\\s\\S])');
  }
  if (python === 3 && (next === 'u' || next === 'U')) {
    const length = next === 'u' ? 4 : 8;
    const digits = source.slice(after, after + length);
    if (digits.length < length || !HEX.test(digits)) throw invalid(`incomplete escape \\${next}`);
    const code = Number.parseInt(digits, 16);
    if (code > 0x10ffff) throw invalid('bad escape: code point out of range');
    return [{ kind: 'text', text: codePoint(code) }, after + length];
  }
  if (next >= '0' && next <= '9') {
    // `\0` and three octal digits are octal escapes; in a class every digit escape is
    // octal (8 and 9 refused); outside, one or two digits name a group.
    const rest = source.slice(at + 1);
    const octal = /^[0-7]{1,3}/.exec(rest)?.[0];
    if (next === '0' || octal?.length === 3 || inClass) {
      if (octal === undefined) throw invalid(`bad escape \\${next}`);
      const digits = next === '0' ? (/^0[0-7]{0,2}/.exec(rest) as RegExpExecArray)[0] : octal;
      const code = Number.parseInt(digits, 8);
      if (code > 0o377) throw invalid('octal escape out of range');
      return [{ kind: 'text', text: codePoint(code) }, at + 1 + digits.length];
    }
    const number = (/^\d{1,2}/.exec(rest) as RegExpExecArray)[0];
    return [{ kind: 'reference', number: Number(number) }, at + 1 + number.length];
  }
  const refused = inClass ? PYTHON3_BAD_CLASS_ESCAPES : PYTHON3_BAD_ESCAPES;
  if (python === 3 && (refused.includes(next) || next === 'N'))
    throw invalid(`bad escape \\${next}`);
  // Python 2.7: an unknown escape is the letter itself.
  return text(next);
}

/**
 * Reads the class whose `[` is at `at`; returns its JavaScript form and the index after
 * its `]`.
 */
function readClass(
  source: string,
  at: number,
  python: PythonMajor,
  categories: Categories,
): [string, number] {
  let k = at + 1;
  const negated = source[k] === '^';
  if (negated) k++;
  let items = '';
  const negatedSets: string[] = [];
  let first = true;
  for (;;) {
    const c = source[k];
    if (c === undefined) throw invalid('unterminated character set');
    if (c === ']' && !first) break;
    first = false;
    if (c === '\\') {
      const [read, after] = readEscape(source, k, true, python, categories);
      k = after;
      if (read.kind === 'set') {
        if (read.negated) negatedSets.push(read.contents);
        else items += read.contents;
      } else if (read.kind === 'text') items += read.text;
      continue;
    }
    const char = String.fromCodePoint(source.codePointAt(k) as number);
    // `-` between two items is a range in both; anywhere else a literal in both.
    items += char === '-' ? '-' : literal(char);
    k += char.length;
  }
  const end = k + 1;
  if (negatedSets.length === 0) return [`[${negated ? '^' : ''}${items}]`, end];
  // A class with \W, \D or \S: any of its parts (or, negated, none of them).
  const parts = [...(items === '' ? [] : [`[${items}]`]), ...negatedSets.map((s) => `[^${s}]`)];
  if (!negated) return [`(?:${parts.join('|')})`, end];
  return [`(?:(?!${parts.join('|')})[\\s\\S])`, end];
}

/**
 * Compiles a Python `re` pattern, by the rules of Python `python` (3 by default), as a
 * JavaScript RegExp; throws SyntaxError when Python would not compile it or JavaScript
 * cannot express it (see the file comment).
 */
export function compilePythonPattern(pattern: string, python: PythonMajor = 3): RegExp {
  let source = pattern;
  let letters = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    letters = inline[1] as string;
    if (letters.includes('L')) throw invalid('unsupported inline flag');
    source = source.slice(inline[0].length);
  }
  const ascii = python === 2 ? !letters.includes('u') : letters.includes('a');
  const categories: Categories = ascii
    ? { w: 'A-Za-z0-9_', d: '0-9', s: '\\t\\n\\v\\f\\r ' }
    : { w: '\\p{L}\\p{N}_', d: '\\p{Nd}', s: UNICODE_SPACE };
  const multiline = letters.includes('m');
  const dotAll = letters.includes('s');
  const verbose = letters.includes('x');
  let out = '';
  let groups = 0;
  for (let k = 0; k < source.length; ) {
    const c = source[k] as string;
    if (verbose && ' \t\n\r\v\f'.includes(c)) {
      k++;
      continue;
    }
    if (verbose && c === '#') {
      const end = source.indexOf('\n', k);
      k = end < 0 ? source.length : end + 1;
      continue;
    }
    switch (c) {
      case '\\': {
        const [read, after] = readEscape(source, k, false, python, categories);
        k = after;
        if (read.kind === 'text') out += read.text;
        else if (read.kind === 'set') out += `[${read.negated ? '^' : ''}${read.contents}]`;
        else {
          if (read.number > groups) throw invalid(`invalid group reference ${read.number}`);
          out += `(?:\\${read.number})`;
        }
        continue;
      }
      case '[': {
        const [text, after] = readClass(source, k, python, categories);
        out += text;
        k = after;
        continue;
      }
      case '(': {
        if (source[k + 1] !== '?') {
          groups++;
          out += '(';
          k++;
          continue;
        }
        const rest = source.slice(k);
        const named = /^\(\?P<(\w+)>/.exec(rest);
        const reference = /^\(\?P=(\w+)\)/.exec(rest);
        const comment = /^\(\?#[^)]*\)/.exec(rest);
        const plain = /^\(\?(?::|=|!|<=|<!)/.exec(rest);
        if (named) {
          groups++;
          out += `(?<${named[1]}>`;
          k += named[0].length;
        } else if (reference) {
          out += `\\k<${reference[1]}>`;
          k += reference[0].length;
        } else if (comment) {
          k += comment[0].length;
        } else if (plain) {
          out += plain[0];
          k += plain[0].length;
        } else {
          throw invalid(`unsupported group ${rest.slice(0, 4)}`);
        }
        continue;
      }
      case '.':
        out += dotAll ? '[\\s\\S]' : '[^\\n]';
        k++;
        continue;
      case '^':
        out += multiline ? '(?:(?<![\\s\\S])|(?<=\\n))' : '(?<![\\s\\S])';
        k++;
        continue;
      case '$':
        out += multiline ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
        k++;
        continue;
      case '{': {
        // A repeat when it reads {m}, {m,}, {,n}, {m,n} or {,}; else a literal brace.
        const repeat = /^\{(\d*)(?:(,)(\d*))?\}/.exec(source.slice(k));
        if (repeat && source[k + 1] !== '}') {
          const low = repeat[1] as string;
          const high = repeat[2] ? (repeat[3] as string) : low;
          out += `{${low === '' ? '0' : low}${repeat[2] ? `,${high}` : ''}}`;
          k += repeat[0].length;
        } else {
          out += literal('{');
          k++;
        }
        continue;
      }
      case '}':
      case ']':
        out += literal(c);
        k++;
        continue;
      default: {
        // Quantifiers, `|` and `)` mean the same in both; other characters are literals.
        const char = String.fromCodePoint(source.codePointAt(k) as number);
        out += '*+?|)'.includes(char) ? char : literal(char);
        k += char.length;
      }
    }
  }
  let flags = 'u';
  if (letters.includes('i')) flags += 'i';
  return new RegExp(out, flags);
}
