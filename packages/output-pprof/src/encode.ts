/**
 * The protobuf encoding of `profile.proto`, written as the samples are walked instead of
 * built as one object per sample, location and line and encoded at the end (decision 0031:
 * on the 100k-function dump, `pprof-format`'s objects held about 150 MB and took about
 * 3 s of CPU to build, measure and encode; this writes the same bytes). The bytes are
 * exactly `pprof-format` 2.3.2's (its field order, its packed arrays, a varint of an
 * integer that is not a uint32 by its 64-bit two's complement), checked against it in the
 * tests, and decodable by it (`buildPprof` decodes them into its `Profile`).
 *
 * Field numbers are profile.proto's; a field whose value is 0 is not written, as
 * `pprof-format` does.
 */
import { encodeText } from '@pyprof/core';

/** A growable byte buffer with protobuf's varints. */
export class Bytes {
  buffer: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.buffer = new Uint8Array(capacity);
  }

  /** Room for `count` more bytes. */
  reserve(count: number): void {
    const needed = this.length + count;
    if (needed <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(needed, 2 * this.buffer.length));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** A varint, as `pprof-format`'s `encodeNumber` writes it. */
  varint(value: number): void {
    this.reserve(10);
    const buffer = this.buffer;
    let at = this.length;
    if (value >>> 0 === value) {
      let rest = value;
      while (rest > 127) {
        buffer[at++] = (rest & 127) | 128;
        rest >>>= 7;
      }
      buffer[at++] = rest;
    } else {
      let [hi, lo] = halves(value);
      while (hi) {
        buffer[at++] = (lo & 127) | 128;
        lo = ((lo >>> 7) | (hi << 25)) >>> 0;
        hi >>>= 7;
      }
      while (lo > 127) {
        buffer[at++] = (lo & 127) | 128;
        lo >>>= 7;
      }
      buffer[at++] = lo;
    }
    this.length = at;
  }

  /** A varint field (tag `key`), left out when the value is 0. */
  field(key: number, value: number): void {
    if (value === 0) return;
    this.byte(key);
    this.varint(value);
  }

  /** A length-delimited field: the tag, the length, the bytes. */
  message(key: number, bytes: Bytes): void {
    this.byte(key);
    this.varint(bytes.length);
    this.append(bytes.buffer.subarray(0, bytes.length));
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  clear(): void {
    this.length = 0;
  }
}

/** The high and low 32 bits of an integer as an int64 (`pprof-format`'s `long`). */
function halves(value: number): [number, number] {
  const negative = value < 0;
  const magnitude = negative ? -value : value;
  let lo = (magnitude >>> 0) % 4294967296;
  let hi = (magnitude / 4294967296) >>> 0;
  if (negative) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
    if (++lo > 4294967295) {
      lo = 0;
      if (++hi > 4294967295) hi = 0;
    }
  }
  return [hi, lo];
}

/** The bytes `Bytes.varint` writes for `value`. */
export function varintSize(value: number): number {
  if (value >>> 0 === value)
    return value < 128 ? 1 : value < 16384 ? 2 : value < 2097152 ? 3 : value < 268435456 ? 4 : 5;
  let [hi, lo] = halves(value);
  let size = 1;
  while (hi) {
    size++;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 127) {
    size++;
    lo >>>= 7;
  }
  return size;
}

/** Tags (field number << 3 | wire type) of the messages written. */
export const TAG = {
  profile: {
    sampleType: 0x0a,
    sample: 0x12,
    location: 0x22,
    function: 0x2a,
    stringTable: 0x32,
    periodType: 0x5a,
    period: 0x60,
    comment: 0x6a,
    defaultSampleType: 0x70,
  },
  valueType: { type: 0x08, unit: 0x10 },
  sample: { locationId: 0x0a, value: 0x12, label: 0x1a },
  label: { key: 0x08, str: 0x10, num: 0x18 },
  location: { id: 0x08, address: 0x18, line: 0x22 },
  line: { functionId: 0x08, line: 0x10 },
  function: { id: 0x08, name: 0x10, filename: 0x20, startLine: 0x28 },
} as const;

/** The string table's fields: each string, UTF-8 (the strings are valid Unicode: `pprofText`). */
export function stringTable(texts: readonly string[], out: Bytes): void {
  for (const text of texts) {
    const bytes = encodeText(text);
    out.byte(TAG.profile.stringTable);
    out.varint(bytes.length);
    out.append(bytes);
  }
}

/** A `ValueType` message. */
export function valueType(type: number, unit: number): Bytes {
  const out = new Bytes(16);
  out.field(TAG.valueType.type, type);
  out.field(TAG.valueType.unit, unit);
  return out;
}

/** A `Label` message: a string (`str`) or a number (`num`) under `key`. */
export function label(key: number, value: { str: number } | { num: number }): Bytes {
  const out = new Bytes(16);
  out.field(TAG.label.key, key);
  if ('str' in value) out.field(TAG.label.str, value.str);
  else out.field(TAG.label.num, value.num);
  return out;
}
