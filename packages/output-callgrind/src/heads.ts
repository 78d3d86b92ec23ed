/**
 * Every callee's call header in reference form — `cfi=(N)\ncfn=(G)\ncalls=` before the
 * count and ` <target line>\n` after it — built once and copied for each of its calls (about
 * a million in a 100k-function profile). Each header sits in its own 64-byte slot, indexed
 * by callee, so a call reads one cache line; an arena plus an offset table read two or
 * three lines at random places and the misses were a fifth of the writing time.
 *
 * Slot layout: byte 0 = length of the part before the count, byte 1 = whole length (0: not
 * built yet), then the bytes. File ids, function ids and lines are below 2^32, so a header
 * is at most 52 bytes and always fits.
 */
import { ByteSink } from './sink.js';

const SLOT = 64;
/** Room for the bytes: the slot minus the two length bytes and `copy`'s three-byte overrun. */
const ROOM = SLOT - 2 - 3;

export class CallHeads {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  /** Where a header is put together before it goes into its slot. */
  readonly #scratch = new ByteSink(SLOT);

  constructor(functions: number) {
    this.#bytes = new Uint8Array(SLOT * functions);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** True when `callee`'s header is built. */
  built(callee: number): boolean {
    return this.#bytes[SLOT * callee + 1] !== 0;
  }

  /** Builds `callee`'s header: its file's id, its own id (`callee + 1`) and its line. */
  build(callee: number, file: number, line: number): void {
    const scratch = this.#scratch;
    scratch.ascii('cfi=(');
    scratch.int(file);
    scratch.ascii(')\ncfn=(');
    scratch.int(callee + 1);
    scratch.ascii(')\ncalls=');
    const split = scratch.size;
    scratch.byte(32);
    scratch.int(line);
    scratch.byte(10);
    const length = scratch.size;
    if (length > ROOM) {
      scratch.clear();
      throw new RangeError(`call header of function ${callee} is ${length} bytes, over ${ROOM}`);
    }
    const at = SLOT * callee;
    this.#bytes[at] = split;
    this.#bytes[at + 1] = length;
    scratch.moveTo(this.#bytes, at + 2);
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
