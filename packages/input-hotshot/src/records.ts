/**
 * The hotshot record decoder (specs/hotshot.md §1–§3): bytes in, one callback per record
 * out, over chunks that may cut a record anywhere. A log is a bare sequence of
 * variable-length records with no length prefix, so a streaming reader decodes what the
 * chunk holds, keeps the unfinished record's bytes and finishes it with the first bytes of
 * the next chunk; only those bytes are ever copied (a long string record collects chunks
 * until it is whole, in one buffer that doubles as it grows).
 *
 * Integers are the writer's packed forms: PI (7 bits a byte, low group first) and MPI(2)
 * (the three hot records: the first byte's low two bits are the record type, its next
 * five bits the low value bits). The writer packs C `int`s ≥ 0, so a packed integer
 * longer than 5 bytes, or above 2^31-1, cannot come from it and is refused as corrupt
 * rather than wrapped the way CPython's reader wraps it.
 *
 * A string field (a file or function name, a header value) longer than the read's string
 * budget (core's limits.ts) is refused from its declared length, before its bytes are
 * gathered: a stream never collects a 100 MB name to find out.
 *
 * The decoder does not interpret events; it reports them with their byte offsets to a
 * `RecordSink`. `decodeHotshot` wraps it as an iterator of plain record objects for tests
 * and library users who want the raw stream.
 */
import { decodeText, malformed, type ProfileError, type ReadBudget } from '@pyprof/core';

export const FORMAT = 'hotshot';

/** Record type bytes of the non-hot records (low bits 11). */
export const ADD_INFO = 0x13;
export const DEFINE_FILE = 0x23;
export const LINE_TIMES = 0x33;
export const DEFINE_FUNC = 0x43;
export const FRAME_TIMES = 0x53;

/** The detection signature: ADD_INFO, key length 15, `hotshot-version`. */
export const SIGNATURE = Uint8Array.from([
  ADD_INFO,
  15,
  ...Array.from('hotshot-version', (c) => c.charCodeAt(0)),
]);

/** Longest packed integer a 32-bit writer produces. */
export const MAX_PACKED_BYTES = 5;
const MAX_INT = 0x7fffffff;
/** 2^k, for the 7-bit groups of a packed integer (no Math.pow on the hot path). */
const POWERS_OF_TWO = Float64Array.from({ length: 7 * MAX_PACKED_BYTES }, (_, k) => 2 ** k);

/** Receives decoded records in log order. `tdelta` is -1 where the record has none. */
export interface RecordSink {
  enter(fileno: number, lineno: number, tdelta: number, offset: number): void;
  /** `timed`: frame timings are on (otherwise the stored tdelta, 0, means nothing). */
  exit(tdelta: number, offset: number, timed: boolean): void;
  line(lineno: number, tdelta: number, offset: number): void;
  /** `header`: one of the leading ADD_INFO records (before any other record). */
  addInfo(key: string, value: string, offset: number, header: boolean): void;
  defineFile(fileno: number, name: string, offset: number): void;
  defineFunction(fileno: number, lineno: number, name: string, offset: number): void;
  /** FRAME_TIMES (`frame`) or LINE_TIMES records: whether later records carry a tdelta. */
  timings(which: 'frame' | 'line', enabled: boolean, offset: number): void;
}

export interface DecoderOptions {
  /**
   * The log was written by `_hotshot.coverage()`: frame and line timings are off from
   * the start, whatever the header's FRAME_TIMES / LINE_TIMES records say (spec §5).
   */
  coverage?: boolean;
  /** The read's budget: string fields longer than its `stringBytes` are refused. */
  budget?: ReadBudget;
}

const RECORD_NAMES: Record<number, string> = {
  0: 'ENTER',
  1: 'EXIT',
  2: 'LINENO',
  [ADD_INFO]: 'ADD_INFO',
  [DEFINE_FILE]: 'DEFINE_FILE',
  [LINE_TIMES]: 'LINE_TIMES',
  [DEFINE_FUNC]: 'DEFINE_FUNC',
  [FRAME_TIMES]: 'FRAME_TIMES',
};

/** `an ENTER`, `a DEFINE_FILE`, … */
function recordName(firstByte: number): string {
  const t = firstByte & 3;
  const name = RECORD_NAMES[t === 3 ? firstByte : t] as string;
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** Signals "the record continues in the next chunk" from the packed-integer readers. */
const INCOMPLETE = -1;

/** Bytes taken from a new chunk beyond what a carried record needs: more than any hot record. */
const SLACK = 32;

/**
 * Decodes a hotshot log pushed as chunks. Call `push` for each chunk and `end` after the
 * last; errors are `ProfileError`s with the absolute byte offset.
 */
export class HotshotDecoder {
  readonly #sink: RecordSink;
  readonly #coverage: boolean;
  readonly #budget: ReadBudget | undefined;
  readonly #stringBytes: number;
  #frameTimings: boolean;
  #lineTimings = false;
  /** Absolute offset of the next byte to decode. */
  #offset = 0;
  /** Still in the leading ADD_INFO records. */
  #header = true;
  /** The first record (the hotshot-version header) has been read. */
  #started = false;
  /** Bytes of an unfinished record, waiting for the next chunk. */
  #carry = new Uint8Array(0);
  #carryLength = 0;
  /** Bytes the unfinished record needs at least, counted from its first byte. */
  #needed = 0;
  /** Why the last string field did not fit, for the error if the log ends there. */
  #short = '';
  /** Position after the last packed integer read (second return value of `#packed`). */
  #next = 0;
  #ended = false;

  constructor(sink: RecordSink, options: DecoderOptions = {}) {
    this.#sink = sink;
    this.#coverage = options.coverage === true;
    this.#frameTimings = !this.#coverage;
    this.#budget = options.budget;
    this.#stringBytes = options.budget?.limits.stringBytes ?? Number.POSITIVE_INFINITY;
  }

  /** Bytes decoded so far (the offset of the next record). */
  get offset(): number {
    return this.#offset;
  }

  /** Decodes one chunk; an unfinished last record waits for the next chunk. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let from = 0;
    const old = this.#carryLength;
    if (old > 0) {
      // Finish the unfinished record with as little of the chunk as it needs (a string
      // record may need all of it, or more chunks yet).
      if (old + chunk.length < this.#needed) {
        this.#append(chunk);
        return;
      }
      let taken = Math.min(chunk.length, Math.max(this.#needed - old, 0) + SLACK);
      this.#append(chunk.subarray(0, taken));
      let used = this.#decode(this.#carry.subarray(0, this.#carryLength), false);
      if (used === 0 && taken < chunk.length) {
        this.#append(chunk.subarray(taken));
        taken = chunk.length;
        used = this.#decode(this.#carry.subarray(0, this.#carryLength), false);
      }
      if (used === 0) return;
      // The carried record is done (used > old); go on in the chunk itself.
      this.#offset += used;
      this.#carryLength = 0;
      from = used - old;
    }
    const rest = from === 0 ? chunk : chunk.subarray(from);
    const used = this.#decode(rest, false);
    this.#offset += used;
    if (used < rest.length) this.#append(rest.subarray(used));
  }

  /** Ends the input: an unfinished record is an error (the log was cut inside it). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#carryLength > 0) {
      this.#offset += this.#decode(this.#carry.subarray(0, this.#carryLength), true);
      this.#carryLength = 0;
    }
    if (this.#offset === 0) {
      throw malformed(FORMAT, { offset: 0 }, 'empty file: a hotshot log starts with its header');
    }
  }

  /** Keeps bytes of an unfinished record (copied: the caller may reuse its chunks). */
  #append(bytes: Uint8Array): void {
    const length = this.#carryLength + bytes.length;
    if (length > this.#carry.length) {
      const grown = new Uint8Array(Math.max(length, this.#carry.length * 2, 64));
      grown.set(this.#carry.subarray(0, this.#carryLength));
      this.#carry = grown;
    }
    this.#carry.set(bytes, this.#carryLength);
    this.#carryLength = length;
  }

  /** Decodes a whole log held in memory (one chunk, then `end`). */
  decodeAll(bytes: Uint8Array): void {
    if (bytes.length > 0) {
      const used = this.#decode(bytes, true);
      this.#offset += used;
    }
    this.end();
  }

  #error(message: string, offset: number): ProfileError {
    return malformed(FORMAT, { offset }, message);
  }

  /**
   * Reads a packed integer at `p` (`discard` low bits of the first byte are the record
   * type, for MPI). Returns the value and leaves the next position in `#next`, or returns
   * INCOMPLETE when the buffer ends first.
   */
  #packed(buffer: Uint8Array, p: number, discard: number, base: number): number {
    const n = buffer.length;
    if (p >= n) return INCOMPLETE;
    let b = buffer[p] as number;
    if (b < 0x80) {
      this.#next = p + 1;
      return (b & 0x7f) >> discard;
    }
    const start = p;
    let value = (b & 0x7f) >> discard;
    let shift = 7 - discard;
    for (let k = 1; ; k++) {
      if (k >= MAX_PACKED_BYTES) {
        throw this.#error(
          `packed integer longer than ${MAX_PACKED_BYTES} bytes (a 32-bit writer never makes one): the log is corrupt`,
          base + start,
        );
      }
      if (p + k >= n) return INCOMPLETE;
      b = buffer[p + k] as number;
      value += (b & 0x7f) * (POWERS_OF_TWO[shift] as number);
      shift += 7;
      if (b < 0x80) {
        if (value > MAX_INT) {
          throw this.#error(
            `packed integer ${value} does not fit the writer's 32-bit int: the log is corrupt`,
            base + start,
          );
        }
        this.#next = p + k + 1;
        return value;
      }
    }
  }

  /** A tdelta (PI) at `p`, with a one-byte fast path; the next position goes to `#next`. */
  #time(buffer: Uint8Array, p: number, base: number): number {
    const b = p < buffer.length ? (buffer[p] as number) : 0x80;
    if (b < 0x80) {
      this.#next = p + 1;
      return b;
    }
    return this.#packed(buffer, p, 0, base);
  }

  /** A string field: packed length, then bytes. Returns its start (end in `#next`) or INCOMPLETE. */
  #string(buffer: Uint8Array, p: number, base: number, what: string): number {
    const length = this.#packed(buffer, p, 0, base);
    if (length === INCOMPLETE) return INCOMPLETE;
    const start = this.#next;
    if (length > this.#stringBytes) {
      this.#budget?.string(length, FORMAT, { offset: base + p }, `a record's ${what}`);
    }
    const left = buffer.length - start;
    if (length > left) {
      // The record needs to reach this buffer index before it can be decoded.
      this.#needed = start + length;
      this.#short = `its ${what} declares ${length} bytes but only ${left} are left`;
      return INCOMPLETE;
    }
    this.#next = start + length;
    return start;
  }

  /**
   * Decodes whole records from `buffer`; returns how many bytes were used. With `final`,
   * the buffer is the end of the log and an unfinished record is an error. The three hot
   * records take an inline path when their integers are one byte (lines: two); anything
   * longer goes through `#packed`.
   */
  #decode(buffer: Uint8Array, final: boolean): number {
    const sink = this.#sink;
    const base = this.#offset;
    const n = buffer.length;
    let frameTimings = this.#frameTimings;
    let lineTimings = this.#lineTimings;
    let header = this.#header;
    let p = 0;
    if (!this.#started && n > 0 && buffer[0] !== ADD_INFO) {
      throw this.#error(
        `not a hotshot log: it must start with the ADD_INFO header record (0x13), found byte 0x${(buffer[0] as number).toString(16).padStart(2, '0')}`,
        base,
      );
    }
    this.#needed = 0;
    this.#short = '';
    while (p < n) {
      const start = p;
      const b = buffer[p] as number;
      const type = b & 3;
      if (type === 1) {
        // EXIT: MPI(2) tdelta, always present (written as 0 without frame timings).
        let tdelta: number;
        const b1 = p + 1 < n ? (buffer[p + 1] as number) : 0x80;
        if (b < 0x80) {
          tdelta = b >> 2;
          p++;
        } else if (b1 < 0x80) {
          tdelta = ((b & 0x7f) >> 2) | (b1 << 5);
          p += 2;
        } else {
          tdelta = this.#packed(buffer, p, 2, base);
          if (tdelta === INCOMPLETE) break;
          p = this.#next;
        }
        header = false;
        sink.exit(tdelta, base + start, frameTimings);
      } else if (type === 0) {
        // ENTER: MPI(2) fileno, PI lineno, PI tdelta iff frame timings.
        let fileno: number;
        let lineno: number;
        let tdelta = -1;
        let q = p + 1;
        const l0 = q < n ? (buffer[q] as number) : 0x80;
        const l1 = q + 1 < n ? (buffer[q + 1] as number) : 0x80;
        if (b < 0x80 && (l0 < 0x80 || l1 < 0x80)) {
          fileno = b >> 2;
          if (l0 < 0x80) {
            lineno = l0;
            q += 1;
          } else {
            lineno = (l0 & 0x7f) | (l1 << 7);
            q += 2;
          }
        } else {
          fileno = this.#packed(buffer, p, 2, base);
          if (fileno === INCOMPLETE) break;
          lineno = this.#packed(buffer, this.#next, 0, base);
          if (lineno === INCOMPLETE) break;
          q = this.#next;
        }
        if (frameTimings) {
          tdelta = this.#time(buffer, q, base);
          if (tdelta === INCOMPLETE) break;
          q = this.#next;
        }
        p = q;
        header = false;
        sink.enter(fileno, lineno, tdelta, base + start);
      } else if (type === 2) {
        // LINENO: MPI(2) lineno, PI tdelta iff line timings.
        let lineno: number;
        let q: number;
        const b1 = p + 1 < n ? (buffer[p + 1] as number) : 0x80;
        if (b < 0x80) {
          lineno = b >> 2;
          q = p + 1;
        } else if (b1 < 0x80) {
          lineno = ((b & 0x7f) >> 2) | (b1 << 5);
          q = p + 2;
        } else {
          lineno = this.#packed(buffer, p, 2, base);
          if (lineno === INCOMPLETE) break;
          q = this.#next;
        }
        let tdelta = -1;
        if (lineTimings) {
          tdelta = this.#time(buffer, q, base);
          if (tdelta === INCOMPLETE) break;
          q = this.#next;
        }
        p = q;
        header = false;
        sink.line(lineno, tdelta, base + start);
      } else if (b === ADD_INFO) {
        const keyStart = this.#string(buffer, p + 1, base, 'key');
        if (keyStart === INCOMPLETE) break;
        const keyEnd = this.#next;
        const valueStart = this.#string(buffer, keyEnd, base, 'value');
        if (valueStart === INCOMPLETE) break;
        p = this.#next;
        const key = decodeText(buffer, keyStart, keyEnd);
        if (!this.#started) {
          if (key !== 'hotshot-version') {
            throw this.#error(
              `not a hotshot log: the first header record names ${JSON.stringify(key)}, not "hotshot-version"`,
              base + start,
            );
          }
          this.#started = true;
        }
        sink.addInfo(key, decodeText(buffer, valueStart, p), base + start, header);
      } else if (b === DEFINE_FILE) {
        const fileno = this.#packed(buffer, p + 1, 0, base);
        if (fileno === INCOMPLETE) break;
        const nameStart = this.#string(buffer, this.#next, base, 'name');
        if (nameStart === INCOMPLETE) break;
        p = this.#next;
        header = false;
        sink.defineFile(fileno, decodeText(buffer, nameStart, p), base + start);
      } else if (b === DEFINE_FUNC) {
        const fileno = this.#packed(buffer, p + 1, 0, base);
        if (fileno === INCOMPLETE) break;
        const lineno = this.#packed(buffer, this.#next, 0, base);
        if (lineno === INCOMPLETE) break;
        const nameStart = this.#string(buffer, this.#next, base, 'name');
        if (nameStart === INCOMPLETE) break;
        p = this.#next;
        header = false;
        sink.defineFunction(fileno, lineno, decodeText(buffer, nameStart, p), base + start);
      } else if (b === FRAME_TIMES || b === LINE_TIMES) {
        if (p + 1 >= n) break;
        const enabled = buffer[p + 1] !== 0;
        p += 2;
        header = false;
        if (!this.#coverage) {
          if (b === FRAME_TIMES) frameTimings = enabled;
          else lineTimings = enabled;
        }
        sink.timings(b === FRAME_TIMES ? 'frame' : 'line', enabled, base + start);
      } else {
        throw this.#error(
          `unknown record type 0x${b.toString(16).padStart(2, '0')} (the log is corrupt or not a hotshot log)`,
          base + start,
        );
      }
    }
    this.#frameTimings = frameTimings;
    this.#lineTimings = lineTimings;
    this.#header = header;
    if (p < n) {
      // The record at p continues past the buffer.
      if (final) {
        const detail = this.#short || `only ${n - p} of its bytes are here`;
        throw this.#error(
          `the log ends inside ${recordName(buffer[p] as number)} record starting here (${detail}): it was cut or is corrupt`,
          base + p,
        );
      }
      // From the record's first byte: at least one more byte, or the whole string.
      this.#needed = Math.max(this.#needed - p, n - p + 1);
    }
    return p;
  }
}

/**
 * One decoded record, as `decodeHotshot` yields it. `tdelta` is -1 where the record has
 * none; an EXIT always stores one (0 when frame timings are off: `timed` says which).
 */
export type HotshotRecord =
  | { type: 'enter'; offset: number; fileno: number; lineno: number; tdelta: number }
  | { type: 'exit'; offset: number; tdelta: number; timed: boolean }
  | { type: 'line'; offset: number; lineno: number; tdelta: number }
  | { type: 'add-info'; offset: number; key: string; value: string; header: boolean }
  | { type: 'define-file'; offset: number; fileno: number; name: string }
  | { type: 'define-function'; offset: number; fileno: number; lineno: number; name: string }
  | { type: 'frame-times' | 'line-times'; offset: number; enabled: boolean };

class CollectingSink implements RecordSink {
  records: HotshotRecord[] = [];
  enter(fileno: number, lineno: number, tdelta: number, offset: number): void {
    this.records.push({ type: 'enter', offset, fileno, lineno, tdelta });
  }
  exit(tdelta: number, offset: number, timed: boolean): void {
    this.records.push({ type: 'exit', offset, tdelta, timed });
  }
  line(lineno: number, tdelta: number, offset: number): void {
    this.records.push({ type: 'line', offset, lineno, tdelta });
  }
  addInfo(key: string, value: string, offset: number, header: boolean): void {
    this.records.push({ type: 'add-info', offset, key, value, header });
  }
  defineFile(fileno: number, name: string, offset: number): void {
    this.records.push({ type: 'define-file', offset, fileno, name });
  }
  defineFunction(fileno: number, lineno: number, name: string, offset: number): void {
    this.records.push({ type: 'define-function', offset, fileno, lineno, name });
  }
  timings(which: 'frame' | 'line', enabled: boolean, offset: number): void {
    this.records.push({ type: which === 'frame' ? 'frame-times' : 'line-times', offset, enabled });
  }
}

/**
 * The raw record stream of a log, lazily: a whole log, or its chunks in order. Yields
 * after each 64 KiB (or each chunk), so memory stays bounded for big logs. Throws a
 * `ProfileError` where the log is corrupt or cut inside a record.
 */
export function* decodeHotshot(
  input: Uint8Array | Iterable<Uint8Array>,
  options: DecoderOptions = {},
): Generator<HotshotRecord> {
  const sink = new CollectingSink();
  const decoder = new HotshotDecoder(sink, options);
  const chunks: Iterable<Uint8Array> = input instanceof Uint8Array ? slices(input, 65536) : input;
  for (const chunk of chunks) {
    decoder.push(chunk);
    yield* sink.records;
    sink.records = [];
  }
  decoder.end();
  yield* sink.records;
}

function* slices(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
