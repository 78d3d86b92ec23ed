/**
 * A byte buffer the writer fills directly: callgrind bodies are mostly ASCII digits and
 * short specs, so writing bytes instead of concatenating strings saves the string
 * building, the garbage and the final UTF-8 encoding of ~50 MB for a 100k-function
 * profile. Numbers are written four digits at a time from a table; names and files are
 * copied as-is when ASCII, else through core's `encodeText`, so escaped non-UTF-8 bytes of
 * the source are written back as those bytes. Byte runs that repeat (a callee's
 * `cfi=`/`cfn=` header) are copied in with `copy`. Full chunks are handed over as new arrays.
 */
import { encodeText } from '@pyprof/core';

/** "00" … "99" as ASCII digit pairs. */
const PAIRS = new Uint8Array(200);
for (let k = 0; k < 100; k++) {
  PAIRS[2 * k] = 48 + Math.floor(k / 10);
  PAIRS[2 * k + 1] = 48 + (k % 10);
}

/**
 * "0000" … "9999" as four ASCII digits in one little-endian 32-bit word, put together
 * from the digit pairs (module set-up runs unoptimized, on every start of the CLI).
 */
const QUADS = new Uint32Array(10000);
for (let high = 0; high < 100; high++) {
  const first = (PAIRS[2 * high] as number) | ((PAIRS[2 * high + 1] as number) << 8);
  for (let low = 0; low < 100; low++) {
    const second = (PAIRS[2 * low] as number) | ((PAIRS[2 * low + 1] as number) << 8);
    QUADS[100 * high + low] = (first | (second << 16)) >>> 0;
  }
}

/** Room every `int` needs: 2^53 has 16 digits. */
const INT_ROOM = 17;

export class ByteSink {
  #buffer: Uint8Array;
  /** `#buffer` as a DataView, for `copy`'s four-byte moves. */
  #view: DataView;
  #at = 0;
  readonly #chunk: number;
  /** Subposition compression state: the previous cost line's position, -1 = none. */
  #lastLine = -1;

  constructor(chunk: number) {
    this.#chunk = chunk;
    this.#buffer = new Uint8Array(chunk + 1024);
    this.#view = viewOf(this.#buffer);
  }

  get size(): number {
    return this.#at;
  }

  get full(): boolean {
    return this.#at >= this.#chunk;
  }

  /** The bytes written so far; the sink starts a new buffer. */
  take(): Uint8Array {
    const out = this.#buffer.subarray(0, this.#at);
    this.#buffer = new Uint8Array(this.#chunk + 1024);
    this.#view = viewOf(this.#buffer);
    this.#at = 0;
    return out;
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.#buffer.length * 2, this.#at + bytes));
    bigger.set(this.#buffer.subarray(0, this.#at));
    this.#buffer = bigger;
    this.#view = viewOf(bigger);
  }

  /** ASCII text (specs, keywords). */
  ascii(text: string): void {
    this.#room(text.length);
    const buffer = this.#buffer;
    let at = this.#at;
    for (let k = 0; k < text.length; k++) buffer[at++] = text.charCodeAt(k);
    this.#at = at;
  }

  byte(value: number): void {
    this.#room(1);
    this.#buffer[this.#at++] = value;
  }

  /**
   * Bytes `[from, to)` of `source`, four at a time and rounded up to whole words: the up
   * to three bytes past `to` land beyond the written end and are overwritten by what comes
   * next. `source` must be readable up to `to + 3`. About twice as fast as byte by byte
   * for the ~30-byte call headers copied for every call.
   */
  copy(source: DataView, from: number, to: number): void {
    this.#room(to - from + 3);
    const view = this.#view;
    let at = this.#at;
    for (let k = from; k < to; k += 4, at += 4) view.setUint32(at, source.getUint32(k, true), true);
    this.#at += to - from;
  }

  /** Any text, UTF-8 with escaped bytes restored. */
  text(text: string): void {
    const length = text.length;
    this.#room(length);
    const buffer = this.#buffer;
    const start = this.#at;
    for (let k = 0; k < length; k++) {
      const c = text.charCodeAt(k);
      if (c >= 0x80) {
        // Not ASCII: encode the whole text properly (rare in Python names and paths).
        const bytes = encodeText(text);
        this.#room(bytes.length);
        this.#buffer.set(bytes, start);
        this.#at = start + bytes.length;
        return;
      }
      buffer[start + k] = c;
    }
    this.#at = start + length;
  }

  /** A non-negative integer (≤ 2^53) in decimal. */
  int(value: number): void {
    this.#room(INT_ROOM);
    if (value < 4294967296) {
      this.#uint32(value);
      return;
    }
    // Above 32 bits: the high part, then the low eight digits zero-padded, four at a time.
    const high = Math.floor(value / 1e8);
    this.#uint32(high);
    const low = value - high * 1e8;
    const upper = Math.floor(low / 1e4);
    this.#view.setUint32(this.#at, QUADS[upper] as number, true);
    this.#view.setUint32(this.#at + 4, QUADS[low - upper * 1e4] as number, true);
    this.#at += 8;
  }

  /** 0 ≤ value < 2^32, room already made. */
  #uint32(value: number): void {
    this.#at = putUint32(this.#buffer, this.#view, this.#at, value);
  }

  /** Forgets the previous position: the next cost line writes its line in full. */
  resetPosition(): void {
    this.#lastLine = -1;
  }

  /**
   * A cost line's position, compressed relative to the previous one (`*`, `+N`, `-N`)
   * when that is shorter than the line number itself.
   */
  position(line: number): void {
    const at = Math.max(0, line);
    const last = this.#lastLine;
    this.#lastLine = at;
    if (last === at) {
      this.byte(42 /* * */);
      return;
    }
    const diff = at > last ? at - last : last - at;
    if (last >= 0 && digits(diff) + 1 < digits(at)) {
      this.byte(at > last ? 43 /* + */ : 45 /* - */);
      this.int(diff);
    } else this.int(at);
  }
}

/**
 * Writes 0 ≤ value < 2^32 in decimal into `bytes` (and its `view`) at `at`, four digits
 * at a time; returns the position after it. The caller makes sure there is room (10 bytes).
 */
export function putUint32(bytes: Uint8Array, view: DataView, at: number, value: number): number {
  let rest = value >>> 0;
  if (rest < 10) {
    bytes[at] = 48 + rest;
    return at + 1;
  }
  const end = at + digits(rest);
  let to = end;
  while (rest >= 10000) {
    const next = (rest / 10000) >>> 0;
    to -= 4;
    view.setUint32(to, QUADS[rest - next * 10000] as number, true);
    rest = next;
  }
  while (rest >= 100) {
    const next = (rest / 100) >>> 0;
    const pair = 2 * (rest - next * 100);
    bytes[--to] = PAIRS[pair + 1] as number;
    bytes[--to] = PAIRS[pair] as number;
    rest = next;
  }
  if (rest >= 10) {
    bytes[--to] = PAIRS[2 * rest + 1] as number;
    bytes[--to] = PAIRS[2 * rest] as number;
  } else bytes[--to] = 48 + rest;
  return end;
}

/** Copies the ASCII `bytes` into `target` at `at`; returns the position after them. */
export function putBytes(target: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let k = 0; k < bytes.length; k++) target[at + k] = bytes[k] as number;
  return at + bytes.length;
}

/** ASCII text as bytes, for fixed pieces copied many times. */
export function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) bytes[k] = text.charCodeAt(k);
  return bytes;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function digits(value: number): number {
  if (value < 1e4) return value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : 4;
  if (value < 1e8) return value < 1e5 ? 5 : value < 1e6 ? 6 : value < 1e7 ? 7 : 8;
  let count = 9;
  for (let rest = value / 1e9; rest >= 1; rest /= 10) count++;
  return count;
}
