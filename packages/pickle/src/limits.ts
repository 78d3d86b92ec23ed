/**
 * The budgets of the pickle reader, in one place with their defaults, so that what a file
 * can make the reader allocate is a stated multiple of its size — not the 100–140× a
 * flood of empty containers used to cost (issue #15: a 20 MB pickle of empty lists took
 * 2.1 GB, a 4 MB list nested 2 million deep 557 MB).
 *
 * Memory is charged as it is allocated, in estimated bytes of JavaScript heap (`COST`):
 * every value the build pass makes, every item put into a container, every memo entry
 * and every string and global the scan keeps track of. The total may not exceed
 * `bytesPerInputByte` × the pickle's size + `baseBytes`; the first charge beyond it
 * refuses the file with a one-line error naming the budget. Beside it: caps on nesting
 * depth, on the values on the stack, on open MARKs and on the longest string.
 *
 * The per-byte figure is what real files need, with room: Breezy's lsprof pickles charge
 * 5–11 bytes per input byte (the corpus's 23 files), yappi's `.ystat` files 12–14,
 * line_profiler's `.lprof` files 15–18 (a three-number tuple per line, but such files are
 * small: up to 2 MB they fit with `baseBytes`). The peak memory of a process refused at
 * its budget is about 1.4× the budget (V8's own headroom); `pnpm bench pickle` measures
 * it for the hostile cases: a 20 MB flood of empty lists now stops at about 460 MB in
 * 4 s, a list nested 2 million deep at once in 60 MB.
 */
import { ProfileError } from '@pyprof/core';

export interface PickleLimits {
  /** Estimated heap bytes the reader may allocate per byte of pickle (default 16). */
  bytesPerInputByte: number;
  /** Estimated heap bytes allowed on top of that, so small files are never short (default 4 MiB). */
  baseBytes: number;
  /** Deepest nesting of containers and objects (default 100; real pickles nest under 10). */
  maxDepth: number;
  /** Most values on the stack at once (default 100,000; pickles push in batches of 1,000). */
  maxStack: number;
  /** Most MARKs open at once (default 1,000; real pickles nest about 6 deep). */
  maxMarks: number;
  /** Longest string argument in bytes (default 1 MiB; names and paths are far shorter). */
  maxStringBytes: number;
}

export const DEFAULT_PICKLE_LIMITS: Readonly<PickleLimits> = Object.freeze({
  bytesPerInputByte: 16,
  baseBytes: 4 << 20,
  maxDepth: 100,
  maxStack: 100_000,
  maxMarks: 1000,
  maxStringBytes: 1 << 20,
});

/**
 * Estimated heap bytes per thing allocated (V8, 64-bit Node, no pointer compression;
 * measured with `process.memoryUsage()` over a million of each): an empty `PyList` is 88
 * bytes (object and empty array), a tuple of three 80, the first item pushed into an empty
 * array grows it by 152 (17 slots), a double 16; a string is 24 plus one byte per
 * character for ASCII, two for any other (a two-byte string: charged so until the decoded
 * string shows it is ASCII).
 */
export const COST = Object.freeze({
  /** PyList, PyTuple, PyDict, PySet, PyGlobal: object and empty array. */
  container: 88,
  /** Each item in a container (dict: keys and values each), with room for growth. */
  item: 12,
  /** The first item pushed into an empty list, dict, set or object (V8 makes 17 slots). */
  firstSlots: 152,
  /** PyObject: object, attribute map and item array. */
  object: 256,
  /** Each attribute BUILD sets (a map entry). */
  attribute: 32,
  /** A record a reader's `reduce` hook makes (its own tables are the reader's business). */
  record: 64,
  /** A float, or an integer beyond 32 bits. */
  number: 16,
  /** A string, plus `stringByte` per byte of its argument. */
  string: 24,
  stringByte: 2,
  /** A bigint, plus `stringByte` per byte (well above its real size). */
  bigint: 32,
  /** A memo entry kept for a later GET. */
  memo: 40,
  /** A global the scan records (name pair and its strings). */
  global: 96,
  /** A string the scan keeps the place of (four array slots). */
  scannedString: 32,
});

export function resolveLimits(limits: Partial<PickleLimits> | undefined): PickleLimits {
  return { ...DEFAULT_PICKLE_LIMITS, ...limits };
}

/** The estimated heap bytes a pickle of `inputBytes` may make the reader allocate. */
export function memoryBudget(inputBytes: number, limits?: Partial<PickleLimits>): number {
  const { bytesPerInputByte, baseBytes } = resolveLimits(limits);
  return bytesPerInputByte * inputBytes + baseBytes;
}

/**
 * The one error for every budget: `MALFORMED_INPUT` at the place the budget ran out (the
 * code the pickle readers have always used for their limits; a pipeline-wide budget code
 * can replace it here).
 */
export function overBudget(format: string, offset: number, message: string): ProfileError {
  return new ProfileError('MALFORMED_INPUT', message, { format, place: { offset } });
}

/** Estimated bytes charged so far against what one pickle may cost. */
export class Budget {
  readonly limit: number;
  spent = 0;

  constructor(
    readonly format: string,
    inputBytes: number,
    readonly limits: PickleLimits,
  ) {
    this.limit = memoryBudget(inputBytes, limits);
  }

  /** Charges `bytes`; refuses the pickle at `offset` once the budget is spent. */
  charge(bytes: number, offset: number): void {
    this.spent += bytes;
    if (this.spent > this.limit) {
      throw overBudget(
        this.format,
        offset,
        `the pickle builds more than its memory budget allows (${this.limit} bytes: ${this.limits.bytesPerInputByte} per input byte + ${this.limits.baseBytes}); a profile pickle never needs that much`,
      );
    }
  }
}
