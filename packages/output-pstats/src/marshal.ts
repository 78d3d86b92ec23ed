/**
 * A small writer of CPython's `marshal` format in the two dialects pstats files use
 * (specs/marshal.md), for the stats dict only: dicts, tuples, ints, floats, text and the
 * embedded code object. It is the other direction of input-cprofile's reader, kept apart
 * because plugins never import each other.
 *
 * Python 2 (marshal version 2, what 2.7's `marshal.dump` writes): `{` `(` `i` `I` `g`,
 * byte strings `s`, and interned strings `t` entered in the stream's string table that
 * later occurrences name by index (`R`). Which strings are interned follows what a 2.7
 * process holds interned (identifiers but the `profile` module's C-function names,
 * `<module>`, `<lambda>`, strings of at most one byte), so a Python 2 dump written again
 * comes out byte for byte.
 *
 * Python 3 (marshal version 4, what 3.4–3.13 write): `{` `)` `i` `l` `g`, text as
 * `z`/`a` (ASCII) or `u` (UTF-8 with surrogates passed through, so surrogate-escaped
 * bytes of file names survive), and FLAG_REF/`r` references. CPython flags an object
 * when its reference count says it is shared; this writer flags exactly the objects it
 * writes more than once (text used by several keys, keys used as callers) and refers to
 * them afterwards. Loaded, both give the same dict; the bytes differ from CPython's, whose
 * flags depend on its memory management (specs/marshal.md §4).
 *
 * Output goes into a buffer that is handed out in chunks of about 64 KiB (`take`), each a
 * fresh array that is never written again.
 */
import { encodeSurrogatePass, encodeText } from '@pyprof/core';

const FLAG_REF = 0x80;
export const CHUNK = 1 << 16;
const TWO_31 = 2 ** 31;
const TWO_32 = 2 ** 32;

/** A growable byte buffer with the marshal primitives. */
export class MarshalWriter {
  readonly major: 2 | 3;
  #buffer = new Uint8Array(CHUNK + 1024);
  #view = new DataView(this.#buffer.buffer);
  pos = 0;
  /** Python 3: reference slots the loader has reserved so far. */
  slots = 0;
  /** Python 2: entries of the loader's interned-string table, by the string's bytes (Latin-1). */
  readonly interned = new Map<string, number>();

  constructor(major: 2 | 3) {
    this.major = major;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buffer.subarray(0, this.pos));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }

  /** The bytes written since the last `take`, as a new array the writer never touches again. */
  take(): Uint8Array {
    const chunk = this.#buffer.subarray(0, this.pos);
    this.#buffer = new Uint8Array(Math.max(CHUNK + 1024, this.#buffer.length >> 1));
    this.#view = new DataView(this.#buffer.buffer);
    this.pos = 0;
    return chunk;
  }

  byte(value: number): void {
    this.ensure(1);
    this.#buffer[this.pos++] = value;
  }

  /** A type byte with the reference flag: reserves the next slot and returns it. */
  flagged(code: number): number {
    this.byte(code | FLAG_REF);
    return this.slots++;
  }

  int32(value: number): void {
    this.ensure(4);
    this.#view.setInt32(this.pos, value, true);
    this.pos += 4;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.#buffer.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** An integer (a whole number of at most 2^53 in magnitude; the caller checks). */
  int(value: number): void {
    if (value < TWO_31 && value >= -TWO_31) {
      this.ensure(5);
      this.#buffer[this.pos] = 0x69; /* i */
      this.#view.setInt32(this.pos + 1, value, true);
      this.pos += 5;
      return;
    }
    if (this.major === 2) {
      // 2.7 on a 64-bit build writes an int that needs more than 32 bits as `I`.
      this.ensure(9);
      this.#buffer[this.pos] = 0x49; /* I */
      const high = Math.floor(value / TWO_32);
      this.#view.setUint32(this.pos + 1, value - high * TWO_32, true);
      this.#view.setInt32(this.pos + 5, high, true);
      this.pos += 9;
      return;
    }
    // Python 3 writes it as a long: 15-bit digits, least significant first.
    const digits: number[] = [];
    for (let rest = Math.abs(value); rest > 0; rest = Math.floor(rest / 32768))
      digits.push(rest % 32768);
    this.ensure(5 + 2 * digits.length);
    this.#buffer[this.pos] = 0x6c; /* l */
    this.#view.setInt32(this.pos + 1, value < 0 ? -digits.length : digits.length, true);
    this.pos += 5;
    for (const digit of digits) {
      this.#view.setUint16(this.pos, digit, true);
      this.pos += 2;
    }
  }

  float(value: number): void {
    this.ensure(9);
    this.#buffer[this.pos] = 0x67; /* g */
    this.#view.setFloat64(this.pos + 1, value, true);
    this.pos += 9;
  }

  /** A tuple header: `(` + count (Python 2), `)` + count byte (Python 3); optionally flagged. */
  tuple(count: number, flag = false): number {
    let slot = -1;
    if (this.major === 2) {
      this.byte(0x28);
      this.int32(count);
    } else {
      if (flag) slot = this.flagged(0x29);
      else this.byte(0x29);
      this.byte(count);
    }
    return slot;
  }

  /** A length-prefixed string payload with its type byte. */
  payload(code: number, bytes: Uint8Array): void {
    this.byte(code);
    this.int32(bytes.length);
    this.raw(bytes);
  }

  /** `r` + slot (Python 3) or `R` + string-table index (Python 2). */
  reference(code: 0x72 | 0x52, index: number): void {
    this.byte(code);
    this.int32(index);
  }
}

/** How a text is written: its bytes and type code, prepared once per distinct text. */
export interface EncodedText {
  /** Python 2: the UTF-8 bytes (escaped bytes restored); Python 3: surrogatepass UTF-8. */
  readonly bytes: Uint8Array;
  /** Python 2: `t` (interned) or `s`; Python 3: `z`, `a` or `u`. */
  readonly code: number;
  /** Python 2: the bytes as a Latin-1 string, the string table's key. */
  readonly key: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Whether Python 2.7 would hold this string interned, and so marshal it as `t`: names
 * that come from identifiers (function, class and method names, `profile`), the
 * compiler's `<module>` and `<lambda>`, and strings of at most one byte (CPython caches
 * and interns them: cProfile's `~`). File names, builtin labels and `<genexpr>` are not.
 */
function interned2(text: string): boolean {
  return IDENTIFIER.test(text) || text === '<module>' || text === '<lambda>';
}

/** The bytes as a Latin-1 string (one character per byte): the Python 2 string table's key. */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192)
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return out;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * Prepares `text` for `major`'s dialect. `plain`: a Python 2 string that is never
 * interned whatever it looks like — the `profile` module's names of C functions
 * (`('', 0, 'range')`), which come from `__name__` at run time.
 */
export function encodeString(text: string, major: 2 | 3, plain = false): EncodedText {
  if (major === 2) {
    const bytes = encodeText(text);
    const interned = bytes.length <= 1 || (!plain && interned2(text));
    return { bytes, code: interned ? 0x74 : 0x73, key: latin1(bytes) };
  }
  if (isAscii(text)) {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return { bytes, code: bytes.length < 256 ? 0x7a : 0x61, key: '' };
  }
  return { bytes: encodeSurrogatePass(text), code: 0x75, key: '' };
}

/**
 * Writes a prepared text. Python 2: an interned string already in the table is `R` +
 * index, a new one `t` (entering the table), others `s`. Python 3: `z` with a one-byte
 * length, `a`/`u` with four; flagged when `flag` (returns the slot, else -1).
 */
export function writeString(w: MarshalWriter, text: EncodedText, flag: boolean): number {
  if (w.major === 2) {
    if (text.code === 0x74) {
      const index = w.interned.get(text.key);
      if (index !== undefined) {
        w.reference(0x52, index);
        return -1;
      }
      w.interned.set(text.key, w.interned.size);
    }
    w.payload(text.code, text.bytes);
    return -1;
  }
  const slot = flag ? w.flagged(text.code) : -1;
  if (!flag) w.byte(text.code);
  if (text.code === 0x7a) w.byte(text.bytes.length);
  else w.int32(text.bytes.length);
  w.raw(text.bytes);
  return slot;
}
