// Byte builders for the hostile inputs (cases.mjs): Python 3 marshal (specs/marshal.md,
// version 4: FLAG_REF slots numbered in pre-order, `r` references), hotshot records
// (specs/hotshot.md) and gzip members. Plain JavaScript so the test (TypeScript) and the
// benchmark script (Node, no build step) share one generator.
import { gzipSync } from 'node:zlib';

const FLAG = 0x80;

/** Writes Python 3 marshal data; flagged objects get reference slots in pre-order. */
export class Marshal {
  #parts = [];
  #current = [];
  #currentLength = 0;
  length = 0;
  /** The next reference slot. */
  slots = 0;

  #push(byte) {
    this.#current.push(byte);
    this.#currentLength++;
    this.length++;
    if (this.#currentLength >= 65536) this.#flush();
  }

  #flush() {
    if (this.#current.length > 0) this.#parts.push(Uint8Array.from(this.#current));
    this.#current = [];
    this.#currentLength = 0;
  }

  /** Raw bytes. */
  raw(bytes) {
    this.#flush();
    this.#parts.push(bytes);
    this.length += bytes.length;
    return this;
  }

  byte(b) {
    this.#push(b & 0xff);
    return this;
  }

  i32(v) {
    for (let k = 0; k < 4; k++) this.#push((v >>> (8 * k)) & 0xff);
    return this;
  }

  /** A type byte; returns the slot it reserves (flagged) or -1. */
  code(char, flagged = false) {
    this.#push(char.charCodeAt(0) | (flagged ? FLAG : 0));
    return flagged ? this.slots++ : -1;
  }

  int(v, flagged = false) {
    const slot = this.code('i', flagged);
    this.i32(v);
    return slot;
  }

  float(v, flagged = false) {
    const slot = this.code('g', flagged);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.raw(b);
    return slot;
  }

  /** A short ASCII string (`z`, at most 255 bytes). */
  ascii(text, flagged = false) {
    const slot = this.code('z', flagged);
    this.byte(text.length);
    for (let k = 0; k < text.length; k++) this.byte(text.charCodeAt(k));
    return slot;
  }

  /** A `u` string of `bytes` (any bytes: UTF-8 or not). */
  unicode(bytes, flagged = false) {
    const slot = this.code('u', flagged);
    this.i32(bytes.length);
    this.raw(bytes);
    return slot;
  }

  /** A small tuple header (`)` n). */
  tuple(n, flagged = false) {
    const slot = this.code(')', flagged);
    this.byte(n);
    return slot;
  }

  dict(flagged = false) {
    return this.code('{', flagged);
  }

  end() {
    return this.byte(0x30);
  }

  ref(slot) {
    this.code('r');
    return this.i32(slot);
  }

  /** A long (`l`) of `digits` 15-bit digits, all 0x7fff. */
  long(digits, negative = false) {
    this.code('l');
    this.i32(negative ? -digits : digits);
    const b = new Uint8Array(digits * 2);
    for (let k = 0; k < b.length; k += 2) {
      b[k] = 0xff;
      b[k + 1] = 0x7f;
    }
    return this.raw(b);
  }

  /** A (file, line, name) key of short ASCII strings; returns the tuple's slot. */
  key(file, line, name, flagged = false) {
    const slot = this.tuple(3, flagged);
    this.ascii(file);
    this.int(line);
    this.ascii(name);
    return slot;
  }

  /** An entry (cc, nc, tt, ct, {}) with no callers; returns the tuple's slot. */
  entry(cc = 1, nc = 1, tt = 0.5, ct = 0.5, flagged = false) {
    const slot = this.tuple(5, flagged);
    this.int(cc);
    this.int(nc);
    this.float(tt);
    this.float(ct);
    this.dict();
    this.end();
    return slot;
  }

  bytes() {
    this.#flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/** PI: 7 bits a byte, low group first. */
export function packed(value) {
  const out = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

/** An ENTER record (frame timings on: tdelta `tdelta` µs, default 0), fileno < 32. */
export function enter(fileno, lineno, tdelta = 0) {
  return [fileno << 2, ...packed(lineno), ...packed(tdelta)];
}

/** An EXIT record with tdelta 0. */
export const EXIT = 0x01;

/** DEFINE_FILE / DEFINE_FUNC records with ASCII names. */
export function defineFile(fileno, name) {
  return [0x23, ...packed(fileno), ...packed(name.length), ...Buffer.from(name, 'latin1')];
}

export function defineFunction(fileno, lineno, name) {
  return [
    0x43,
    ...packed(fileno),
    ...packed(lineno),
    ...packed(name.length),
    ...Buffer.from(name, 'latin1'),
  ];
}

/** Byte arrays joined. */
export function join(parts) {
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * A gzip file that unpacks to `copies` × `member` bytes: one member compressed once and
 * repeated (gzip -d reads concatenated members as one stream), so gigabytes cost a few
 * hundred milliseconds to make.
 */
export function gzipRepeated(member, copies) {
  const one = gzipSync(member, { level: 9 });
  const out = new Uint8Array(one.length * copies);
  for (let k = 0; k < copies; k++) out.set(one, k * one.length);
  return out;
}
