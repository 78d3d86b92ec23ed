/**
 * Decoders of pickle arguments into JavaScript values: the text forms of protocol 0
 * (INT/LONG/FLOAT lines, the quoted STRING repr, raw-unicode-escape UNICODE), LONG1/LONG4
 * and the string opcodes, each with the limits a profile needs (an integer of more than 40
 * digits or 32 bytes is refused). Byte strings are kept losslessly (core's text.ts).
 */
import { decodeLatin1, decodeSurrogatePass, decodeText, malformed } from '@pyprof/core';
import { printable, type StringEncoding } from './machine.js';

/** Integers beyond this many decimal digits / bytes cannot be profile values. */
export const MAX_INTEGER_DIGITS = 40;
export const MAX_INTEGER_BYTES = 32;

function fromBigInt(value: bigint): number | bigint {
  return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value;
}

/** INT (`00`/`01` are False/True) and LONG (optional `L` suffix) text arguments. */
export function decodeIntText(
  bytes: Uint8Array,
  start: number,
  end: number,
  long: boolean,
  offset: number,
  format: string,
): number | bigint | boolean {
  if (end - start > MAX_INTEGER_DIGITS + 8) {
    throw malformed(
      format,
      { offset },
      `an integer of ${end - start} characters is too large for a profile value`,
    );
  }
  let text = decodeLatin1(bytes, start, end);
  if (!long && text === '00') return false;
  if (!long && text === '01') return true;
  text = text.trim();
  if (long && text.endsWith('L')) text = text.slice(0, -1);
  if (!/^[+-]?\d+$/.test(text)) {
    throw malformed(
      format,
      { offset },
      `${long ? 'LONG' : 'INT'} argument "${printable(text)}" is not a decimal integer`,
    );
  }
  const digits = text.replace(/^[+-]/, '').length;
  if (digits > MAX_INTEGER_DIGITS) {
    throw malformed(
      format,
      { offset },
      `an integer of ${digits} digits is too large for a profile value`,
    );
  }
  return fromBigInt(BigInt(text));
}

/** LONG1 / LONG4: little-endian two's complement. */
export function decodeIntBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
  format: string,
): number | bigint {
  const n = end - start;
  if (n === 0) return 0;
  if (n > MAX_INTEGER_BYTES) {
    throw malformed(
      format,
      { offset },
      `an integer of ${n} bytes is too large for a profile value`,
    );
  }
  let value = 0n;
  for (let i = end - 1; i >= start; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  if ((bytes[end - 1] as number) & 0x80) value -= 1n << BigInt(8 * n);
  return fromBigInt(value);
}

const FLOAT_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Python's float repr never needs more; a longer FLOAT argument is refused unread. */
const MAX_FLOAT_TEXT = 64;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

/** FLOAT text arguments: what Python's `float()` accepts from `repr`. */
export function decodeFloatText(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
  format: string,
): number {
  if (end - start > MAX_FLOAT_TEXT)
    throw malformed(format, { offset }, `FLOAT argument of ${end - start} bytes is not a number`);
  const text = decodeLatin1(bytes, start, end).trim();
  if (FLOAT_TEXT.test(text)) return Number(text);
  const special = SPECIAL_FLOAT.exec(text);
  if (special) {
    if ((special[2] as string).toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  throw malformed(format, { offset }, `FLOAT argument "${printable(text)}" is not a number`);
}

const SIMPLE_ESCAPES: Record<number, number> = {
  92: 0x5c, // \\
  39: 0x27, // \'
  34: 0x22, // \"
  97: 0x07, // \a
  98: 0x08, // \b
  102: 0x0c, // \f
  110: 0x0a, // \n
  114: 0x0d, // \r
  116: 0x09, // \t
  118: 0x0b, // \v
};

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

/**
 * STRING: a quoted Python 2 `repr` of a byte string, unescaped like CPython's
 * `codecs.escape_decode`, then decoded losslessly.
 */
function decodeQuoted(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
  format: string,
): string {
  const quote = bytes[start];
  if (end - start < 2 || (quote !== 0x27 && quote !== 0x22) || bytes[end - 1] !== quote)
    throw malformed(format, { offset }, 'the STRING argument must be quoted');
  // Unescaping only shortens: the bytes fit in a buffer of the argument's length.
  const out = new Uint8Array(end - start);
  let n = 0;
  for (let i = start + 1; i < end - 1; i++) {
    const c = bytes[i] as number;
    if (c !== 0x5c) {
      out[n++] = c;
      continue;
    }
    i++;
    if (i >= end - 1) throw malformed(format, { offset }, 'the STRING argument ends with a \\');
    const e = bytes[i] as number;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) out[n++] = simple;
    else if (e === 0x0a) {
      // line continuation: nothing
    } else if (e >= 0x30 && e <= 0x37) {
      let value = e - 0x30;
      for (let k = 0; k < 2 && i + 1 < end - 1; k++) {
        const d = bytes[i + 1] as number;
        if (d < 0x30 || d > 0x37) break;
        value = value * 8 + (d - 0x30);
        i++;
      }
      out[n++] = value & 0xff;
    } else if (e === 0x78) {
      const hi = i + 1 < end - 1 ? hexDigit(bytes[i + 1] as number) : -1;
      const lo = i + 2 < end - 1 ? hexDigit(bytes[i + 2] as number) : -1;
      if (hi < 0 || lo < 0)
        throw malformed(format, { offset }, 'the STRING argument has an invalid \\x escape');
      out[n++] = hi * 16 + lo;
      i += 2;
    } else {
      out[n++] = 0x5c;
      out[n++] = e;
    }
  }
  return decodeText(out, 0, n);
}

/** UNICODE: raw-unicode-escape, as CPython 3 decodes it (`\uXXXX`, `\UXXXXXXXX`). */
function decodeRawUnicodeEscape(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
  format: string,
): string {
  // Each byte gives at most one UTF-16 unit (an escape of 6 or 10 bytes gives one or two).
  const units = new Uint16Array(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c !== 0x5c || i + 1 >= end) {
      units[n++] = c;
      continue;
    }
    const e = bytes[++i] as number;
    const count = e === 0x75 ? 4 : e === 0x55 ? 8 : 0;
    if (count === 0) {
      units[n++] = 0x5c;
      units[n++] = e;
      continue;
    }
    let cp = 0;
    for (let k = 0; k < count; k++) {
      const d = i + 1 < end ? hexDigit(bytes[i + 1] as number) : -1;
      if (d < 0)
        throw malformed(format, { offset }, 'the UNICODE argument has a truncated \\u escape');
      cp = cp * 16 + d;
      i++;
    }
    if (cp > 0x10ffff)
      throw malformed(format, { offset }, 'the UNICODE argument has a \\U escape out of range');
    if (cp >= 0x10000) {
      units[n++] = 0xd800 + ((cp - 0x10000) >> 10);
      units[n++] = 0xdc00 + (cp & 0x3ff);
    } else units[n++] = cp;
  }
  let out = '';
  for (let k = 0; k < n; k += 8192)
    out += String.fromCharCode.apply(
      null,
      units.subarray(k, Math.min(n, k + 8192)) as unknown as number[],
    );
  return out;
}

/** Any string argument as a JavaScript string (bytes kept losslessly, see core's text.ts). */
export function decodeString(
  encoding: StringEncoding,
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
  format: string,
): string {
  switch (encoding) {
    case 'raw-unicode-escape':
      return decodeRawUnicodeEscape(bytes, start, end, offset, format);
    case 'str-escape':
      return decodeQuoted(bytes, start, end, offset, format);
    case 'utf-8':
      // Python 3 pickles str with "surrogatepass" (escaped file-name bytes as ED B3 A9).
      return decodeSurrogatePass(bytes, start, end);
    default:
      return decodeText(bytes, start, end);
  }
}
