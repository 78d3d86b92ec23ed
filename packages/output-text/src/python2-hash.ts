/**
 * CPython 2.7's `hash()` on a 64-bit build (a C `long` of 64 bits), for the types a pstats
 * dict holds and a few more: `str` (bytes), `unicode` (code points, as a UCS-4 build
 * stores them), `int`, `long`, `float` and `tuple`. The string hash is 2.7's unseeded one
 * (`-R` / PYTHONHASHSEED not given, the default): `x = b0 << 7; x = x·1000003 ^ b` per
 * byte, `x ^= len`. Equal numbers hash alike across types (`hash(5) == hash(5L) ==
 * hash(5.0)`), and -1 becomes -2 everywhere, as in CPython. Checked against the real
 * interpreter by the committed table in test/fixtures/python2 (decision 0007).
 *
 * A hash is two unsigned 32-bit halves (`Hash64`): string hashing runs once per byte of
 * every key of a profile, and a multiply by 1000003 done on halves in doubles is exact
 * (each partial product stays below 2^53) and avoids a BigInt per byte. Longs, rare in
 * profiles, are hashed with BigInt digit by digit exactly as `long_hash` does.
 *
 * Not covered: 32-bit builds (a 32-bit `long`: other values, so other dict orders),
 * UCS-2 builds for `unicode` outside the BMP (they hash UTF-16 units), and objects hashed
 * by address (None, code objects through their constants): see decision 0007.
 */

import { encodeText } from '@pyprof/core';

/** A 64-bit C `long` as unsigned halves (two's complement). */
export interface Hash64 {
  readonly hi: number;
  readonly lo: number;
}

const TWO_32 = 4294967296;
const MINUS_TWO: Hash64 = { hi: 0xffffffff, lo: 0xfffffffe };

/** CPython's rule: a hash of -1 means "error", so -1 becomes -2. */
function notMinusOne(hi: number, lo: number): Hash64 {
  return hi === 0xffffffff && lo === 0xffffffff ? MINUS_TWO : { hi, lo };
}

/** The hash as a signed 64-bit BigInt (what Python's `hash()` prints). */
export function hashToBigInt(hash: Hash64): bigint {
  return BigInt.asIntN(64, (BigInt(hash.hi) << 32n) | BigInt(hash.lo));
}

/** A signed or unsigned 64-bit value as halves. */
export function hashFromBigInt(value: bigint): Hash64 {
  const unsigned = BigInt.asUintN(64, value);
  return { hi: Number(unsigned >> 32n), lo: Number(unsigned & 0xffffffffn) };
}

/**
 * `str`'s hash of `units` (bytes; or code points for `unicode`, same algorithm):
 * `x ^= u0 << 7`, then per unit `x = x·1000003 ^ u`, then `x ^= len`.
 */
function sequenceHash(units: ArrayLike<number>): Hash64 {
  const length = units.length;
  if (length === 0) return { hi: 0, lo: 0 };
  let hi = 0;
  // u0 << 7 is a C int shift: at most 0x10FFFF << 7 < 2^28, no sign trouble.
  let lo = ((units[0] as number) << 7) >>> 0;
  for (let k = 0; k < length; k++) {
    const low = lo * 1000003;
    const carry = Math.floor(low / TWO_32);
    hi = (hi * 1000003 + carry) >>> 0;
    lo = ((low >>> 0) ^ (units[k] as number)) >>> 0;
  }
  lo = (lo ^ (length % TWO_32)) >>> 0;
  hi = (hi ^ Math.floor(length / TWO_32)) >>> 0;
  return notMinusOne(hi, lo);
}

/** `hash(s)` of a Python 2 `str`: its bytes. */
export function bytesHash(bytes: Uint8Array): Hash64 {
  return sequenceHash(bytes);
}

/**
 * `hash(s)` of the Python 2 `str` whose bytes are `encodeText(text)` (UTF-8, with
 * U+DC80–U+DCFF standing for raw bytes). ASCII text, nearly every name, skips the encoder.
 */
export function textBytesHash(text: string): Hash64 {
  const units = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) {
    const unit = text.charCodeAt(k);
    if (unit >= 0x80) return sequenceHash(encodeText(text));
    units[k] = unit;
  }
  return sequenceHash(units);
}

/** `hash(u)` of a Python 2 `unicode` on a UCS-4 build: its code points. */
export function unicodeHash(text: string): Hash64 {
  const points: number[] = [];
  for (const character of text) points.push(character.codePointAt(0) as number);
  return sequenceHash(points);
}

/** `hash(n)` of an `int` (or a `long` that fits a C long): the value itself. */
export function intHash(value: number): Hash64 {
  if (!Number.isSafeInteger(value)) return longHash(BigInt(value));
  return notMinusOne(Math.floor(value / TWO_32) >>> 0, value >>> 0);
}

const ULONG_MASK = (1n << 64n) - 1n;
const LONG_SHIFT = 30n;
const DIGIT_MASK = (1n << LONG_SHIFT) - 1n;

/**
 * `long_hash`: over the 30-bit digits from the most significant, rotate the unsigned
 * accumulator left by 30 and add the digit with end-around carry; negate for negative
 * values. For values that fit a C long this equals `intHash`.
 */
export function longHash(value: bigint): Hash64 {
  const negative = value < 0n;
  let magnitude = negative ? -value : value;
  const digits: bigint[] = [];
  while (magnitude > 0n) {
    digits.push(magnitude & DIGIT_MASK);
    magnitude >>= LONG_SHIFT;
  }
  let x = 0n;
  for (let k = digits.length - 1; k >= 0; k--) {
    const digit = digits[k] as bigint;
    x = ((x << LONG_SHIFT) | (x >> (64n - LONG_SHIFT))) & ULONG_MASK;
    x = (x + digit) & ULONG_MASK;
    if (x < digit) x = (x + 1n) & ULONG_MASK;
  }
  if (negative) x = -x & ULONG_MASK;
  const hash = hashFromBigInt(x);
  return notMinusOne(hash.hi, hash.lo);
}

const scratch = new DataView(new ArrayBuffer(8));

/** C's `frexp` for a finite, non-zero double: `value = mantissa · 2^exponent`, 0.5 ≤ |mantissa| < 1. */
function frexp(value: number): { mantissa: number; exponent: number } {
  scratch.setFloat64(0, value);
  const high = scratch.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  if (biased === 0) {
    // Subnormal: scale into the normal range first (exact: a power of two).
    const scaled = frexp(value * 2 ** 64);
    return { mantissa: scaled.mantissa, exponent: scaled.exponent - 64 };
  }
  // The same sign and fraction with the exponent of [0.5, 1): exact by construction.
  scratch.setUint32(0, (high & 0x800fffff) | (1022 << 20));
  return { mantissa: scratch.getFloat64(0), exponent: biased - 1022 };
}

/**
 * `_Py_HashDouble`: infinities are 314159 / -271828, NaN 0; an integral value hashes as
 * the equal int or long; otherwise the top two 31-bit chunks of the mantissa plus the
 * exponent shifted left by 15.
 */
export function floatHash(value: number): Hash64 {
  if (Number.isNaN(value)) return { hi: 0, lo: 0 };
  if (value === Number.POSITIVE_INFINITY) return intHash(314159);
  if (value === Number.NEGATIVE_INFINITY) return intHash(-271828);
  if (Number.isInteger(value)) return longHash(BigInt(value));
  const { mantissa, exponent } = frexp(value);
  let v = mantissa * 2147483648;
  const high = Math.trunc(v);
  v = (v - high) * 2147483648;
  // |x| < 2^33: exact in a double; (expo << 15) is a C int shift, within range here.
  const x = high + Math.trunc(v) + exponent * 32768;
  return intHash(x);
}

/** Multiplies a 64-bit value by `factor` (< 2^21) modulo 2^64: every partial product < 2^53. */
function multiplySmall(hi: number, lo: number, factor: number): Hash64 {
  const low = lo * factor;
  return {
    hi: (hi * factor + Math.floor(low / TWO_32)) >>> 0,
    lo: low >>> 0,
  };
}

function multiply(hash: Hash64, factor: number): Hash64 {
  if (factor < 0x200000) return multiplySmall(hash.hi, hash.lo, factor);
  return hashFromBigInt(hashToBigInt(hash) * BigInt(factor));
}

/**
 * `tuplehash`: `x = 0x345678`; per item `x = (x ^ hash(item))·mult`, `mult += 82520 +
 * 2·(items left)`; finally `x += 97531`.
 */
export function tupleHash(items: readonly Hash64[]): Hash64 {
  let x: Hash64 = { hi: 0, lo: 0x345678 };
  let factor = 1000003;
  let left = items.length;
  for (const item of items) {
    left--;
    x = multiply({ hi: (x.hi ^ item.hi) >>> 0, lo: (x.lo ^ item.lo) >>> 0 }, factor);
    factor += 82520 + left + left;
  }
  const lo = x.lo + 97531;
  return notMinusOne((x.hi + Math.floor(lo / TWO_32)) >>> 0, lo >>> 0);
}
