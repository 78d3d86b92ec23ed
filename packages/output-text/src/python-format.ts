/**
 * Python's own formatting of numbers and strings, reproduced exactly, because the pstats
 * style promises CPython's bytes. The traps:
 * - `'%8.3f' % x` rounds the exact binary value half-to-even (C's printf, Python's dtoa),
 *   in 2.7 as in 3.x, and prints every digit of huge values; JavaScript's `toFixed` rounds
 *   exact ties up (`0.0625` → `0.063`, Python `0.062`) and switches to exponent notation
 *   from 1e21.
 * - `repr(float)` is the shortest round-trip digits, like JavaScript's `String(x)`, but with
 *   Python's own exponent rule (`1e-05`, `1e+16`, `0.0001`, `5.0`).
 * - `len`, `ljust` and `rjust` count code points in Python 3 and bytes in Python 2 (whose
 *   strings are byte strings), so padding differs for non-ASCII names.
 * - String comparison is by code point (Python 3; JavaScript's `<` compares UTF-16 units)
 *   or by byte (Python 2).
 */
import { encodeText } from '@pyprof/core';

/** Which Python's rules to follow: 2 (byte strings) or 3. */
export type PythonMajor = 2 | 3;

/** Exact decimal digits of a non-negative finite double, rounded half-to-even to `digits` places. */
function exactFixed(magnitude: number, digits: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, magnitude);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biased !== 0) mantissa |= 1n << 52n;
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  let scaled: bigint;
  if (exponent >= 0) {
    scaled = (mantissa << BigInt(exponent)) * 10n ** BigInt(digits);
  } else {
    const shift = BigInt(-exponent);
    const numerator = mantissa * 10n ** BigInt(digits);
    scaled = numerator >> shift;
    const remainder = numerator - (scaled << shift);
    const half = 1n << (shift - 1n);
    if (remainder > half || (remainder === half && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const text = scaled.toString().padStart(digits + 1, '0');
  return digits === 0
    ? text
    : `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
}

/** True when `magnitude · 10^digits` lies exactly halfway between two integers. */
function isExactTie(magnitude: number, digits: number): boolean {
  // m·10^d = k + ½  ⇔  m = t / 2^(d+1) with t odd (5^d must divide the odd numerator).
  const t = magnitude * 2 ** (digits + 1);
  return Number.isInteger(t) && t % 2 === 1;
}

/** `'%.{digits}f' % value` exactly as CPython prints it: `nan`, `inf`, `-0.000` for negative zero. */
export function formatFixed(value: number, digits = 3): string {
  if (Number.isNaN(value)) return 'nan';
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  let text: string;
  if (magnitude === Number.POSITIVE_INFINITY) text = 'inf';
  else if (magnitude < 1e21 && !isExactTie(magnitude, digits)) text = magnitude.toFixed(digits);
  else text = exactFixed(magnitude, digits);
  return negative ? `-${text}` : text;
}

/** pstats' `f8(x)`: `'%8.3f' % x`. */
export function f8(value: number): string {
  return formatFixed(value, 3).padStart(8);
}

/** `repr(x)` of a Python float (2.7 and 3.x agree): shortest digits, Python's exponent rule. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  // Python: decpt = exponent + 1; exponent form when decpt <= -4 or decpt > 16.
  const decimalPoint = exponent + 1;
  if (decimalPoint <= -4 || decimalPoint > 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${body}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (decimalPoint <= 0) return `${sign}0.${'0'.repeat(-decimalPoint)}${digits}`;
  if (decimalPoint >= digits.length)
    return `${sign}${digits}${'0'.repeat(decimalPoint - digits.length)}.0`;
  return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
}

/** `str(n)` of a count: integers in full (no exponent), other values as a Python float. */
export function formatCount(value: number): string {
  if (Number.isInteger(value)) {
    return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  }
  return pythonFloatRepr(value);
}

const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

/**
 * `repr(s)` of a Python string: Python 3 keeps printable characters; Python 2 (byte
 * strings) escapes every byte outside printable ASCII as `\xNN`.
 */
export function pythonStringRepr(text: string, python: PythonMajor = 3): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  const escapeOf = (code: number): string => {
    if (code === 0x5c) return '\\\\';
    if (code === 0x09) return '\\t';
    if (code === 0x0a) return '\\n';
    if (code === 0x0d) return '\\r';
    if (code === quote.charCodeAt(0)) return `\\${quote}`;
    return '';
  };
  if (python === 2) {
    for (const byte of encodeText(text)) {
      const special = escapeOf(byte);
      if (special) out += special;
      else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
      else out += String.fromCharCode(byte);
    }
    return out + quote;
  }
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const special = escapeOf(code);
    if (special) out += special;
    else if (char !== ' ' && NOT_PRINTABLE.test(char)) {
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += `\\U${code.toString(16).padStart(8, '0')}`;
    } else out += char;
  }
  return out + quote;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Python's `len(s)`: code points (Python 3) or bytes (Python 2). */
export function pythonLength(text: string, python: PythonMajor): number {
  if (isAscii(text)) return text.length;
  if (python === 2) return encodeText(text).length;
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

/** `s.ljust(width)` with Python's length. */
export function leftJustify(text: string, width: number, python: PythonMajor): string {
  const missing = width - pythonLength(text, python);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

/** The code point at `index`, pairing surrogates on either side (lone ones stand alone). */
function codePointAround(text: string, index: number): number {
  const unit = text.charCodeAt(index);
  if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
    const next = text.charCodeAt(index + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 0x10000 + ((unit - 0xd800) << 10) + next - 0xdc00;
  } else if (unit >= 0xdc00 && unit <= 0xdfff && index > 0) {
    const previous = text.charCodeAt(index - 1);
    if (previous >= 0xd800 && previous <= 0xdbff)
      return 0x10000 + ((previous - 0xd800) << 10) + unit - 0xdc00;
  }
  return unit;
}

/** Python 3's `<` on strings: by code point (lone surrogates are code points of their own). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const ua = a.charCodeAt(i);
  const ub = b.charCodeAt(i);
  if (ua < 0xd800 && ub < 0xd800) return ua - ub;
  return codePointAround(a, i) - codePointAround(b, i);
}

/** Python 2's `<` on byte strings. */
export function compareBytes(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = encodeText(a);
  const y = encodeText(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** String comparison as the given Python does it. */
export function pythonCompare(python: PythonMajor): (a: string, b: string) => number {
  return python === 2 ? compareBytes : compareCodePoints;
}
