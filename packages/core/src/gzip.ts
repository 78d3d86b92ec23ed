/**
 * Gzip, recognised and unpacked in core so every program — the CLI, a web page, a library
 * user — reads compressed profiles the same way. Unpacking uses the platform's
 * `DecompressionStream('gzip')` (Node ≥ 18 and every current browser; native zlib behind
 * it): no dependency, and it hands out small pieces (16 KiB in Node) as they are asked
 * for, so a consumer that stops early — detection reading the first 4 KiB, a reader that
 * throws, a future byte cap — never makes it inflate the rest. The measurements behind
 * the choice (against `fflate` and Node's own zlib stream) are in
 * docs/decisions/0010-one-pipeline-in-core.md.
 */
import { ProfileError } from './errors.js';

/** True when `head` starts with the gzip signature (1f 8b, method 8 = deflate). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}

/** A gzip stream that cannot be unpacked: a malformed input of format `gzip`. */
function gzipError(error: unknown): ProfileError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ProfileError('MALFORMED_INPUT', `gzip-compressed, but cannot be unpacked: ${reason}`, {
    format: 'gzip',
    cause: error,
  });
}

/**
 * The unpacked bytes of a gzip stream given as chunks (several members are one stream, as
 * with `gzip -d`). Reads the source only as fast as the output is consumed; stopping
 * early (`return`, or an error downstream) cancels the unpacking and closes the source.
 * Errors of the source itself (e.g. I/O) come out unchanged; bad compressed data is a
 * `ProfileError` (`MALFORMED_INPUT`, format `gzip`).
 */
export async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const iterator = source[Symbol.asyncIterator]();
  let sourceError: { error: unknown } | undefined;
  let stopped = false;
  // Feeds the source in, one chunk at a time: a write settles once the chunk has been
  // unpacked, which waits for the output to be read, so at most the chunk being unpacked
  // and the next one are held. (`writer.ready` is no brake: Node's DecompressionStream
  // accepts thousands of chunks before it says wait, and holding a compressed input in
  // memory is what streaming must avoid.) A failing stream ends the feeding quietly: the
  // reader's side says why.
  void (async () => {
    let previous: Promise<void> = Promise.resolve();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        sourceError = { error };
        writer.abort(error).catch(ignore);
        return;
      }
      try {
        await previous;
      } catch {
        return;
      }
      if (stopped) return;
      if (next.done) {
        writer.close().catch(ignore);
        return;
      }
      previous = writer.write(next.value);
    }
  })();
  let finished = false;
  try {
    for (;;) {
      let next: { done: boolean; value?: Uint8Array | undefined };
      try {
        next = await reader.read();
      } catch (error) {
        throw sourceError ? sourceError.error : gzipError(error);
      }
      if (next.done) break;
      yield next.value as Uint8Array;
    }
    finished = true;
  } finally {
    if (!finished) {
      // Stopped early or failed: nothing more is unpacked, and the source is closed.
      stopped = true;
      reader.cancel().catch(ignore);
      writer.abort().catch(ignore);
      Promise.resolve(iterator.return?.()).catch(ignore);
    }
  }
}

function ignore(): void {}
