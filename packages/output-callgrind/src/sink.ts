/**
 * A byte buffer the writer fills directly: callgrind bodies are mostly ASCII digits and
 * short specs, so writing bytes instead of concatenating strings saves the string
 * building, the garbage and the final UTF-8 encoding of ~50 MB for a 100k-function
 * profile. Names and files go through core's `encodeText`, so escaped non-UTF-8 bytes of
 * the source are written back as those bytes. Full chunks are handed over as new arrays.
 */
import { encodeText } from '@pyprof/core';

export class ByteSink {
  #buffer: Uint8Array;
  #at = 0;
  readonly #chunk: number;
  /** Subposition compression state: the previous cost line's position, -1 = none. */
  #lastLine = -1;

  constructor(chunk: number) {
    this.#chunk = chunk;
    this.#buffer = new Uint8Array(chunk + 1024);
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
    this.#at = 0;
    return out;
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.#buffer.length * 2, this.#at + bytes));
    bigger.set(this.#buffer.subarray(0, this.#at));
    this.#buffer = bigger;
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

  /** Any text, UTF-8 with escaped bytes restored. */
  text(text: string): void {
    const bytes = encodeText(text);
    this.#room(bytes.length);
    this.#buffer.set(bytes, this.#at);
    this.#at += bytes.length;
  }

  /** A non-negative integer (≤ 2^53) in decimal. */
  int(value: number): void {
    this.#room(17);
    const buffer = this.#buffer;
    if (value < 10) {
      buffer[this.#at++] = 48 + value;
      return;
    }
    const count = digits(value);
    let at = this.#at + count - 1;
    let rest = value;
    while (rest >= 10) {
      const next = Math.floor(rest / 10);
      buffer[at--] = 48 + (rest - next * 10);
      rest = next;
    }
    buffer[at] = 48 + rest;
    this.#at += count;
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
    const diff = at > last ? at - last : last - at;
    if (last >= 0 && at === last) this.byte(42 /* * */);
    else if (last >= 0 && digits(diff) + 1 < digits(at)) {
      this.byte(at > last ? 43 /* + */ : 45 /* - */);
      this.int(diff);
    } else this.int(at);
  }
}

function digits(value: number): number {
  if (value < 1e4) return value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : 4;
  if (value < 1e8) return value < 1e5 ? 5 : value < 1e6 ? 6 : value < 1e7 ? 7 : 8;
  let count = 9;
  for (let rest = value / 1e9; rest >= 1; rest /= 10) count++;
  return count;
}
