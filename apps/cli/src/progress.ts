/**
 * A progress bar on stderr while large inputs are read — only when stderr is a terminal
 * (never in pipes, logs or CI), redrawn at most ten times a second and erased when done,
 * so it never mixes with the output or the summary line.
 */
import type { Writable } from 'node:stream';

/** Inputs smaller than this finish too fast for a bar to help. */
export const PROGRESS_THRESHOLD = 8 * 1024 * 1024;

export class Progress {
  readonly #stream: Writable;
  readonly #width: number;
  readonly #label: string;
  readonly #total: number | undefined;
  #done = 0;
  #last = 0;
  #shown = false;

  constructor(stream: Writable, columns: number, label: string, total: number | undefined) {
    this.#stream = stream;
    this.#width = Math.max(10, Math.min(40, columns - 40));
    this.#label = label.length > 24 ? `…${label.slice(-23)}` : label;
    this.#total = total;
  }

  /** Counts bytes read and redraws (throttled). */
  advance(bytes: number): void {
    this.#done += bytes;
    const now = Date.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    this.draw();
  }

  draw(): void {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
    let line: string;
    if (this.#total) {
      const fraction = Math.min(1, this.#done / this.#total);
      const filled = Math.round(fraction * this.#width);
      line = `reading ${this.#label} [${'='.repeat(filled)}${' '.repeat(this.#width - filled)}] ${(fraction * 100).toFixed(0)}% ${mb(this.#done)}/${mb(this.#total)}`;
    } else {
      line = `reading ${this.#label} … ${mb(this.#done)}`;
    }
    this.#stream.write(`\r${line}\u001b[K`);
    this.#shown = true;
  }

  /** Erases the bar. */
  finish(): void {
    if (this.#shown) this.#stream.write('\r\u001b[K');
    this.#shown = false;
  }

  /** Wraps a chunk stream so reading it advances the bar. */
  async *track(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      this.advance(chunk.length);
      yield chunk;
    }
  }
}
