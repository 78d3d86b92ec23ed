/**
 * The `profile` module's code-object key (specs/pstats.md §3, specs/marshal.md §11). The
 * IR keeps the code object as self-contained marshal bytes (core's `CodeObjectMarshal`:
 * numbered as if it opened its own stream). Written for an interpreter of its layout
 * group, those bytes go back into the file as they are, with only their numbering moved
 * to where this file's stream has got to:
 *
 * - Python 3: every `r` inside points at a slot of the code object itself; it is shifted
 *   by the slots the file has reserved before the code object, and the slots the code
 *   object reserves are counted so the file's own references after it stay right.
 * - Python 2: interned strings (`t`) inside enter the file's string table; one already
 *   there becomes an `R` to it, and each `R` inside is renamed to the file's index of the
 *   same string — what 2.7's marshal does when it writes the code object again, so a
 *   Python 2 `profile` dump written again is byte for byte the original.
 *
 * For any other interpreter the code object cannot be loaded, so the key's third item is
 * written as the text pstats prints for it — `str(code)`, `<code object NAME at ADDR, file
 * "FILE", line N>` — with a fixed address (a loaded code object's address is different on
 * every run; the one chosen is output-text's placeholder, so a pstats report of the written
 * file prints exactly what one of the source prints). Python 2 cuts NAME to 100 and FILE
 * to 300 bytes in that text, as its `code_repr` does.
 *
 * The stored bytes are walked with bounds checks and a depth limit; bytes that do not
 * parse (a third-party reader's, say) are never copied: the printed form is written instead.
 */
import { type CodeObjectLayout, decodeText, encodeText } from '@pyprof/core';
import { latin1, type MarshalWriter } from './marshal.js';
import type { CodeObjectDetails } from './stats.js';

/** The address the text report prints in a code object's repr (output-text's `CODE_ADDRESS_PLACEHOLDER`). */
export const CODE_ADDRESS_PLACEHOLDER = '0x7f0000000000';

function truncateBytes(text: string, limit: number): string {
  const bytes = encodeText(text);
  return bytes.length <= limit ? text : decodeText(bytes.subarray(0, limit));
}

/** `str(code)` as Python `major` prints it, with the placeholder address. */
export function codeObjectText(code: CodeObjectDetails, major: 2 | 3): string {
  const name = major === 2 ? truncateBytes(code.name, 100) : code.name;
  const file = major === 2 ? truncateBytes(code.file, 300) : code.file;
  const line = code.line === 0 ? -1 : code.line;
  return `<code object ${name} at ${CODE_ADDRESS_PLACEHOLDER}, file "${file}", line ${line}>`;
}

/**
 * A code object's fields per layout (marshal.md §11.1): raw 4-byte ints, eight objects,
 * `co_firstlineno`, then one object (two from 3.11: linetable, exceptiontable).
 */
const FIELDS: Record<CodeObjectLayout, { leadingInts: number; objectsAfterLine: number }> = {
  '2.x': { leadingInts: 4, objectsAfterLine: 1 },
  '3.0-3.7': { leadingInts: 5, objectsAfterLine: 1 },
  '3.8-3.10': { leadingInts: 6, objectsAfterLine: 1 },
  '3.11+': { leadingInts: 5, objectsAfterLine: 2 },
};
const OBJECTS_BEFORE_LINE = 8;

/** CPython's MAX_MARSHAL_STACK_DEPTH. */
const MAX_DEPTH = 2000;
/** Type codes whose reference flag reserves no slot (CPython's r_object). */
const NO_SLOT = new Set([0x30, 0x4e, 0x46, 0x54, 0x53, 0x2e, 0x72]);

class Unreadable extends Error {}

/**
 * Copies stored code-object bytes into `w`, renumbered for `w`'s stream (see the file
 * comment). Returns false, having written nothing, if the bytes do not parse as one code
 * object of `layout`.
 */
export function embedCodeObject(
  w: MarshalWriter,
  bytes: Uint8Array,
  layout: CodeObjectLayout,
): boolean {
  const start = w.pos;
  const slots = w.slots;
  const interned = new Map(w.interned);
  try {
    const copier = new Copier(w, bytes, layout);
    copier.object(0);
    if (copier.pos !== bytes.length || bytes[0] === undefined || (bytes[0] & 0x7f) !== 0x63)
      throw new Unreadable();
    return true;
  } catch (error) {
    if (!(error instanceof Unreadable)) throw error;
    w.pos = start;
    w.slots = slots;
    w.interned.clear();
    for (const [key, index] of interned) w.interned.set(key, index);
    return false;
  }
}

class Copier {
  readonly w: MarshalWriter;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly layout: CodeObjectLayout;
  pos = 0;
  /** Python 3: the file's slot number of the code object's slot 0. */
  readonly base: number;
  /** Python 2: the code object's own string table, by its numbering. */
  readonly strings: string[] = [];

  constructor(w: MarshalWriter, bytes: Uint8Array, layout: CodeObjectLayout) {
    this.w = w;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.layout = layout;
    this.base = w.slots;
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length) throw new Unreadable();
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }

  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return value;
  }

  /** Copies the next `n` bytes unchanged. */
  copy(n: number): void {
    this.need(n);
    this.w.raw(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
  }

  object(depth: number): void {
    if (depth > MAX_DEPTH) throw new Unreadable();
    const raw = this.u8();
    const code = raw & 0x7f;
    const python3 = this.w.major === 3;
    if (raw & 0x80) {
      if (!python3) throw new Unreadable();
      if (!NO_SLOT.has(code)) this.w.slots++;
    }
    switch (code) {
      case 0x30 /* 0 */:
        throw new Unreadable();
      case 0x4e /* N */:
      case 0x46 /* F */:
      case 0x54 /* T */:
      case 0x53 /* S */:
      case 0x2e /* . */:
        this.w.byte(raw);
        return;
      case 0x72 /* r */:
        {
          if (!python3) throw new Unreadable();
          const index = this.i32();
          if (index < 0 || this.base + index >= this.w.slots) throw new Unreadable();
          this.w.reference(0x72, this.base + index);
          return;
        }
      case 0x52 /* R */:
        {
          if (python3) throw new Unreadable();
          const text = this.strings[this.i32()];
          const index = text === undefined ? undefined : this.w.interned.get(text);
          if (index === undefined) throw new Unreadable();
          this.w.reference(0x52, index);
          return;
        }
      case 0x74 /* t */:
        if (!python3) {
          const n = this.i32();
          this.need(n);
          const bytes = this.bytes.subarray(this.pos, this.pos + n);
          this.pos += n;
          const key = latin1(bytes);
          this.strings.push(key);
          const index = this.w.interned.get(key);
          if (index !== undefined) this.w.reference(0x52, index);
          else {
            this.w.interned.set(key, this.w.interned.size);
            this.w.payload(0x74, bytes);
          }
          return;
        }
        this.w.byte(raw);
        this.copy(this.length());
        return;
      case 0x69 /* i */:
        this.w.byte(raw);
        this.copy(4);
        return;
      case 0x49 /* I */:
      case 0x67 /* g */:
        this.w.byte(raw);
        this.copy(8);
        return;
      case 0x79 /* y */:
        this.w.byte(raw);
        this.copy(16);
        return;
      case 0x6c /* l */:
        {
          this.w.byte(raw);
          const n = this.i32();
          this.w.int32(n);
          this.copy(2 * Math.abs(n));
          return;
        }
      case 0x66 /* f */:
        this.w.byte(raw);
        this.shortText();
        return;
      case 0x78 /* x */:
        this.w.byte(raw);
        this.shortText();
        this.shortText();
        return;
      case 0x73 /* s */:
      case 0x75 /* u */:
      case 0x61 /* a */:
      case 0x41 /* A */:
        this.w.byte(raw);
        this.copy(this.length());
        return;
      case 0x7a /* z */:
      case 0x5a /* Z */:
        this.w.byte(raw);
        this.shortText();
        return;
      case 0x28 /* ( */:
      case 0x5b /* [ */:
      case 0x3c /* < */:
      case 0x3e /* > */:
        this.w.byte(raw);
        this.items(this.length(), depth);
        return;
      case 0x29 /* ) */:
        {
          if (!python3) throw new Unreadable();
          this.w.byte(raw);
          const n = this.u8();
          this.w.byte(n);
          for (let k = 0; k < n; k++) this.object(depth + 1);
          return;
        }
      case 0x7b /* { */:
        this.w.byte(raw);
        for (;;) {
          this.need(1);
          if (this.bytes[this.pos] === 0x30) {
            this.copy(1);
            return;
          }
          this.object(depth + 1);
          this.object(depth + 1);
        }
      case 0x3a /* : */:
        this.w.byte(raw);
        for (let k = 0; k < 3; k++) this.object(depth + 1);
        return;
      case 0x63 /* c */:
        this.w.byte(raw);
        this.copy(4 * FIELDS[this.layout].leadingInts);
        for (let k = 0; k < OBJECTS_BEFORE_LINE; k++) this.object(depth + 1);
        this.copy(4);
        for (let k = 0; k < FIELDS[this.layout].objectsAfterLine; k++) this.object(depth + 1);
        return;
      default:
        throw new Unreadable();
    }
  }

  /** A 4-byte length, copied, checked against the bytes left. */
  length(): number {
    const n = this.i32();
    if (n < 0) throw new Unreadable();
    this.w.int32(n);
    return n;
  }

  items(n: number, depth: number): void {
    this.need(n); // every item takes at least one byte
    for (let k = 0; k < n; k++) this.object(depth + 1);
  }

  /** A 1-byte length and that many bytes, copied. */
  shortText(): void {
    const n = this.u8();
    this.w.byte(n);
    this.copy(n);
  }
}
