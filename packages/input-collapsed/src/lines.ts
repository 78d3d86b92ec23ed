/**
 * Bytes → text lines, whole or in chunks, the same either way: a line ends at `\n` (one
 * `\r` before it is dropped, as speedscope does; flamegraph.pl would skip such a line),
 * the last line needs no `\n`. Bytes are decoded as UTF-8 with every undecodable byte kept
 * (core's `decodeText`), so a Latin-1 file name survives. A chunked read holds at most one
 * unfinished line besides the chunk; a line longer than `MAX_LINE_BYTES` is refused
 * rather than gathered without end.
 */
import { concatBytes, decodeText, malformed } from '@pyprof/core';
import { FORMAT } from './format.js';

/** Longest line accepted (a stack of tens of thousands of frames fits). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export type LineSink = (line: string, number: number) => void;

export class LineSplitter {
  readonly #sink: LineSink;
  /** Pieces of the line not finished by the chunks so far. */
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #number = 0;

  constructor(sink: LineSink) {
    this.#sink = sink;
  }

  get lines(): number {
    return this.#number;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      if (newline < 0) break;
      if (this.#pendingLength > 0) {
        this.#keep(chunk.subarray(start, newline));
        const line = concatBytes(this.#pending);
        this.#pending = [];
        this.#pendingLength = 0;
        this.#emit(line, 0, line.length);
      } else {
        if (newline - start > MAX_LINE_BYTES) this.#tooLong();
        this.#emit(chunk, start, newline);
      }
      start = newline + 1;
    }
    if (start < chunk.length) this.#keep(chunk.subarray(start));
  }

  /** The end of the input: the last line, if it had no `\n`. */
  end(): void {
    if (this.#pendingLength === 0) return;
    const line = concatBytes(this.#pending);
    this.#pending = [];
    this.#pendingLength = 0;
    this.#emit(line, 0, line.length);
  }

  #keep(piece: Uint8Array): void {
    if (this.#pendingLength + piece.length > MAX_LINE_BYTES) this.#tooLong();
    if (piece.length > 0) this.#pending.push(piece.slice());
    this.#pendingLength += piece.length;
  }

  #emit(bytes: Uint8Array, start: number, end: number): void {
    this.#number++;
    const stop = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    this.#sink(decodeText(bytes, start, stop), this.#number);
  }

  #tooLong(): never {
    throw malformed(
      FORMAT,
      { line: this.#number + 1 },
      `line longer than ${MAX_LINE_BYTES} bytes: no stack of a real program is that long`,
    );
  }
}

/** Every line of `bytes`, through `sink`. */
export function splitLines(bytes: Uint8Array, sink: LineSink): number {
  const splitter = new LineSplitter(sink);
  splitter.push(bytes);
  splitter.end();
  return splitter.lines;
}
