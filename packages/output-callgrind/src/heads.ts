/**
 * Every callee's call header in reference form — `cfi=(N)\ncfn=(G)\ncalls=` before the
 * count and ` <target line>\n` after it — built once and copied for each of its calls (about
 * a million in a 100k-function profile). Each header sits in its own 64-byte slot, indexed
 * by callee, so a call reads one cache line; an arena plus an offset table read two or
 * three lines at random places and the misses were a fifth of the writing time.
 *
 * Slot layout: byte 0 = length of the part before the count, byte 1 = whole length (0: not
 * built yet), then the bytes. A header too long for its slot (a file id, function id and line
 * of more than 37 digits together, beyond 32-bit numbers) is marked and never built: its
 * calls are written out in full.
 */
import type { ByteSink } from './sink.js';

const SLOT = 64;
/** Room for the bytes: the slot minus the two length bytes and `copy`'s three-byte overrun. */
const ROOM = SLOT - 2 - 3;
const TOO_LONG = 0xff;

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

  /** True when `callee`'s header was found too long to build. */
  tooLong(callee: number): boolean {
    return this.#bytes[SLOT * callee] === TOO_LONG;
  }

  /**
   * Builds `callee`'s header from `before` (written up to the count) and `after` (the rest),
   * two scratch sinks that are cleared. Returns false, marking the callee, if it is too long.
   */
  build(callee: number, before: ByteSink, after: ByteSink): boolean {
    const at = SLOT * callee;
    const split = before.size;
    const length = split + after.size;
    if (length > ROOM) {
      this.#bytes[at] = TOO_LONG;
      before.clear();
      after.clear();
      return false;
    }
    this.#bytes[at] = split;
    this.#bytes[at + 1] = length;
    before.moveTo(this.#bytes, at + 2);
    after.moveTo(this.#bytes, at + 2 + split);
    return true;
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
