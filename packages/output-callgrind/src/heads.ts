/**
 * Every callee's call header in reference form — `cfi=(N)\ncfn=(G)\ncalls=` before the
 * count and ` <target line>\n` after it — built once and copied for each of its calls (about
 * a million in a 100k-function profile). Each header sits in its own 64-byte slot, indexed
 * by callee, so a call reads one cache line; an arena plus an offset table read two or
 * three lines at random places and the misses were a fifth of the writing time.
 *
 * Slot layout: byte 0 = length of the part before the count, byte 1 = whole length (0: not
 * built yet), then the bytes. File ids, function ids and lines are below 2^32, so a header
 * is at most 52 bytes and always fits, with the three bytes `copy` may read past it.
 */
import { asciiBytes, type ByteSink, putBytes, putUint32 } from './sink.js';

const SLOT = 64;

const FILE_PART = asciiBytes('cfi=(');
const FUNCTION_PART = asciiBytes(')\ncfn=(');
const CALLS_PART = asciiBytes(')\ncalls=');

export class CallHeads {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;

  constructor(functions: number) {
    this.#bytes = new Uint8Array(SLOT * functions);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** True when `callee`'s header is built. */
  built(callee: number): boolean {
    return this.#bytes[SLOT * callee + 1] !== 0;
  }

  /**
   * Builds `callee`'s header in its slot: its file's id, its own id (`callee + 1`) and its
   * line, each below 2^32.
   */
  build(callee: number, file: number, line: number): void {
    if (!(file < 2 ** 32 && line < 2 ** 32))
      throw new RangeError(`call header of function ${callee}: file id or line beyond 32 bits`);
    const bytes = this.#bytes;
    const view = this.#view;
    const start = SLOT * callee + 2;
    let at = putBytes(bytes, start, FILE_PART);
    at = putUint32(bytes, view, at, file);
    at = putBytes(bytes, at, FUNCTION_PART);
    at = putUint32(bytes, view, at, callee + 1);
    at = putBytes(bytes, at, CALLS_PART);
    bytes[start - 2] = at - start;
    bytes[at++] = 32;
    at = putUint32(bytes, view, at, line);
    bytes[at++] = 10;
    bytes[start - 1] = at - start;
  }

  /** Writes `callee`'s (built) header around `count`. */
  write(sink: ByteSink, callee: number, count: number): void {
    const at = SLOT * callee;
    const split = at + 2 + (this.#bytes[at] as number);
    sink.copy(this.#view, at + 2, split);
    sink.int(count);
    sink.copy(this.#view, split, at + 2 + (this.#bytes[at + 1] as number));
  }
}
