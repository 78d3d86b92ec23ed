/**
 * The text of a trace, event by event: `{"traceEvents":[` once, then one event per line —
 * `{"ph":"B","pid":1,"tid":1,"ts":12.5,"name":"fib"},` — then the metadata events and the
 * closing `]` with `otherData`. Every `B`/`E` line ends in a comma because metadata events
 * always follow (at least `process_name`), and the last of those has none, so no event
 * needs to know whether it is the last.
 *
 * A `Track` is one thread: it keeps the open frames (an `E` always names its `B`, which
 * speedscope needs), drops returns that match no open frame, and gives the thread
 * strictly increasing timestamps in whole nanoseconds: an event recorded at the same time
 * as the one before it is written 1 ns after it. Viewers order events of equal timestamps
 * their own way — speedscope nests a call that begins when a call of the same function
 * ended inside it, and takes an `E` before a `B` of another name (so a zero-length call
 * inside a zero-length call closes the wrong frame) — while a strictly increasing thread
 * leaves them one order, the recorded one. The shift ends as soon as the clock moves past
 * it: a log in whole microseconds needs a thousand events within one microsecond before a
 * timestamp leaves its microsecond, so flooring the timestamps to the microsecond gives
 * back the recorded times exactly.
 */
import { encodeText, TIMELINE_ENTER } from '@pyprof/core';

/** Output is handed out in chunks of this many bytes (a longer piece of text gets its own). */
const CHUNK = 64 * 1024;

/** JSON text of a value. */
export const json = (value: unknown): string => JSON.stringify(value);

const DOT = 0x2e;
const ZERO = 0x30;

/**
 * Collects the trace's bytes and hands them out in fresh chunks. Events are written as
 * bytes — the fixed parts and each function's name encoded once, the timestamp's digits
 * written one by one — because text made event by event and joined was most of the time of
 * a conversion: 30 MB of log make 17 million events, and their strings kept the garbage
 * collector busy for half of it (`pnpm bench chrome-trace`: 24.8 s with strings, the
 * numbers for bytes are in decision 0015).
 */
export class TraceText {
  #buffer = new Uint8Array(CHUNK);
  #at = 0;
  readonly #ready: Uint8Array[] = [];
  #opened = false;

  /** Room for `length` more bytes in the current chunk. */
  #room(length: number): void {
    if (!this.#opened) {
      this.#opened = true;
      this.#put(encodeText('{"traceEvents":[\n'));
    }
    if (this.#at + length <= this.#buffer.length) return;
    this.#flush();
    if (length > this.#buffer.length) this.#buffer = new Uint8Array(length);
  }

  #put(bytes: Uint8Array): void {
    const buffer = this.#buffer;
    let at = this.#at;
    // A loop beats `set` for the few dozen bytes of an event's parts.
    for (let k = 0; k < bytes.length; k++) buffer[at++] = bytes[k] as number;
    this.#at = at;
  }

  #flush(): void {
    if (this.#at === 0) return;
    this.#ready.push(this.#buffer.subarray(0, this.#at));
    this.#buffer = new Uint8Array(CHUNK);
    this.#at = 0;
  }

  /** Text (encoded with `encodeText`). */
  add(text: string): void {
    const bytes = encodeText(text);
    this.#room(bytes.length);
    this.#put(bytes);
  }

  /** `start`, the time `ns` in microseconds with up to three decimals, then `end`. */
  event(start: Uint8Array, ns: number, end: Uint8Array): void {
    // 16 digits and a point cover every time below 2^53 ns (104 days).
    this.#room(start.length + 17 + end.length);
    this.#put(start);
    const micro = Math.floor(ns / 1000);
    let fraction = ns - micro * 1000;
    const buffer = this.#buffer;
    let digits = 1;
    let at = this.#at;
    if (micro <= 0x7fffffff) {
      // Below 2^31 µs (35 minutes): 32-bit integer arithmetic.
      for (let rest = micro; rest >= 10; rest = (rest / 10) | 0) digits++;
      at += digits;
      for (let k = 1, rest = micro; k <= digits; k++, rest = (rest / 10) | 0)
        buffer[at - k] = ZERO + (rest % 10);
    } else {
      for (let rest = micro; rest >= 10; rest = Math.floor(rest / 10)) digits++;
      at += digits;
      for (let k = 1, rest = micro; k <= digits; k++, rest = Math.floor(rest / 10))
        buffer[at - k] = ZERO + (rest % 10);
    }
    if (fraction > 0) {
      buffer[at++] = DOT;
      for (let unit = 100; fraction > 0; unit /= 10) {
        const digit = Math.floor(fraction / unit);
        buffer[at++] = ZERO + digit;
        fraction -= digit * unit;
      }
    }
    this.#at = at;
    this.#put(end);
  }

  /** The full chunks made so far (`all`: and the one being filled). */
  take(all = false): Uint8Array[] {
    if (all) this.#flush();
    return this.#ready.splice(0);
  }
}

/** What the tracks write a function as, and what it is. */
export interface EventNames {
  /** Per function id: `,"name":<json>},\n` encoded, the end of its events' lines. */
  readonly endings: readonly Uint8Array[];
  /** Per function id: 1 for a synthetic function (the source's stand-in, not a call it recorded). */
  readonly synthetic: readonly number[];
}

/** One thread's `B`/`E` events (see the file comment). */
export class Track {
  readonly pid: number;
  readonly tid: number;
  readonly #begin: Uint8Array;
  readonly #end: Uint8Array;
  readonly #out: TraceText;
  readonly #names: EventNames;
  readonly #stack: number[] = [];
  /** The last timestamp written, in nanoseconds. */
  #last = Number.NEGATIVE_INFINITY;
  /** Events moved later to keep the thread strictly increasing, and the largest move. */
  nudged = 0;
  largestNudge = 0;
  /** Returns that matched no open frame, and frames closed for want of their return. */
  unmatched = 0;
  /**
   * Synthetic functions whose return came without their call: frames entered before
   * profiling started, when the log is streamed (hotshot's `<entered before profiling>`).
   */
  readonly returnedOnly = new Set<number>();

  constructor(pid: number, tid: number, out: TraceText, names: EventNames) {
    this.pid = pid;
    this.tid = tid;
    this.#begin = encodeText(`{"ph":"B","pid":${pid},"tid":${tid},"ts":`);
    this.#end = encodeText(`{"ph":"E","pid":${pid},"tid":${tid},"ts":`);
    this.#out = out;
    this.#names = names;
  }

  /** A call or return of function `id` at `seconds` (finite). */
  event(kind: number, id: number, seconds: number): void {
    const ns = Math.round(seconds * 1e9);
    if (kind === TIMELINE_ENTER) {
      this.#stack.push(id);
      this.#write(this.#begin, id, ns);
      return;
    }
    const stack = this.#stack;
    let depth = stack.length - 1;
    while (depth >= 0 && stack[depth] !== id) depth--;
    if (depth < 0) {
      if (this.#names.synthetic[id] === 1) this.returnedOnly.add(id);
      else this.unmatched++;
      return;
    }
    if (depth < stack.length - 1) this.unmatched += stack.length - 1 - depth;
    while (stack.length > depth) this.#write(this.#end, stack.pop() as number, ns);
  }

  /** Closes the frames still open, at the last timestamp. */
  close(): void {
    this.unmatched += this.#stack.length;
    while (this.#stack.length > 0) this.#write(this.#end, this.#stack.pop() as number, this.#last);
  }

  #write(start: Uint8Array, id: number, recorded: number): void {
    let ns = recorded;
    if (ns <= this.#last) {
      ns = this.#last + 1;
      this.nudged++;
      if (ns - recorded > this.largestNudge) this.largestNudge = ns - recorded;
    }
    this.#last = ns;
    this.#out.event(start, ns, this.#names.endings[id] as Uint8Array);
  }
}
