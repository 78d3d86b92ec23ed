/**
 * Writing a writer's chunks where the user asked, and nowhere else: to stdout, or to a
 * file written atomically — into a temporary file in the same folder, renamed into place
 * only when the writer finished, so a failed conversion (or one `--strict` stops) never
 * leaves a partial file — and never over one of the inputs. A FIFO or a device (`-o
 * /dev/stdout`, a named pipe) is written in place, as it streams: it is never replaced by
 * a regular file, and what reached it cannot be taken back. String chunks are encoded with
 * `encodeText`, which turns escaped bytes back into the raw bytes of non-UTF-8 file names.
 */
import { once } from 'node:events';
import {
  close,
  closeSync,
  open,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writev,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { encodeText, type OutputChunk, ProfileError } from '@pyprof/core';

const BATCH = 1 << 18;

/**
 * A suffix no other run picks: process id, time and a random part (the file is created
 * with `wx`, so even a clash could not overwrite anything). Not `node:crypto`, whose
 * loading was 5 ms of every run's start-up.
 */
function uniqueSuffix(): string {
  return `${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
}

function realpathOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** A writer's chunks: a conversion whose reader feeds its writer gives them asynchronously. */
type Chunks = Iterable<OutputChunk> | AsyncIterable<OutputChunk>;

/** Strings batched and encoded together (`encodeText`); byte chunks pass through. */
class Encoder {
  #pending: string[] = [];
  #length = 0;

  /** The buffers ready after `chunk` (none while strings are gathering). */
  add(chunk: OutputChunk): Uint8Array[] {
    if (typeof chunk === 'string') {
      this.#pending.push(chunk);
      this.#length += chunk.length;
      return this.#length < BATCH ? [] : this.end();
    }
    return [...this.end(), chunk];
  }

  /** The strings gathered so far, encoded. */
  end(): Uint8Array[] {
    if (this.#pending.length === 0) return [];
    const bytes = encodeText(this.#pending.join(''));
    this.#pending = [];
    this.#length = 0;
    return [bytes];
  }
}

function* encodedNow(chunks: Iterable<OutputChunk>): Generator<Uint8Array> {
  const encoder = new Encoder();
  for (const chunk of chunks) yield* encoder.add(chunk);
  yield* encoder.end();
}

async function* encodedLater(chunks: AsyncIterable<OutputChunk>): AsyncGenerator<Uint8Array> {
  const encoder = new Encoder();
  for await (const chunk of chunks) yield* encoder.add(chunk);
  yield* encoder.end();
}

/** Turns a writer's chunks into byte buffers (see `Encoder`). */
function encoded(chunks: Chunks): Iterable<Uint8Array> | AsyncIterable<Uint8Array> {
  return Symbol.iterator in chunks ? encodedNow(chunks) : encodedLater(chunks);
}

/** Writes chunks to a stream with back-pressure. Returns bytes written. */
async function pump(chunks: Chunks, sink: Writable): Promise<number> {
  let written = 0;
  for await (const bytes of encoded(chunks)) {
    if (bytes.length === 0) continue;
    written += bytes.length;
    if (!sink.write(bytes)) await once(sink, 'drain');
  }
  return written;
}

/** Bytes gathered before each write to a file (a few dozen writes for a 50 MB file). */
const FILE_BATCH = 1 << 20;

/**
 * Writes chunks to an open file descriptor. The kernel's copy of one batch (`writev`, in
 * libuv's thread pool) overlaps with the writer producing the next, and at most one batch
 * is in flight, so memory stays bounded; waiting once per megabyte costs no more than the
 * synchronous writes did, which left the second core idle.
 */
async function pumpToFile(chunks: Chunks, fd: number): Promise<number> {
  let written = 0;
  let inFlight: Promise<void> | undefined;
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const flush = async () => {
    const buffers = batch;
    const expected = batchBytes;
    batch = [];
    batchBytes = 0;
    await inFlight;
    inFlight = writeAll(fd, buffers, expected);
  };
  try {
    for await (const bytes of encoded(chunks)) {
      if (bytes.length === 0) continue;
      batch.push(bytes);
      batchBytes += bytes.length;
      written += bytes.length;
      if (batchBytes >= FILE_BATCH) await flush();
    }
    if (batchBytes > 0) await flush();
  } catch (error) {
    // The writer failed: let the write in flight end before the file is closed and removed.
    await inFlight?.catch(() => {});
    throw error;
  }
  await inFlight;
  return written;
}

/** `writev` until every byte of `buffers` is written (short writes continue). */
async function writeAll(fd: number, buffers: Uint8Array[], total: number): Promise<void> {
  let done = await writevAsync(fd, buffers);
  while (done < total) {
    // A short write: continue from the first byte not yet written.
    const rest: Uint8Array[] = [];
    let skip = done;
    for (const buffer of buffers) {
      if (skip >= buffer.length) skip -= buffer.length;
      else {
        rest.push(buffer.subarray(skip));
        skip = 0;
      }
    }
    done += await writevAsync(fd, rest);
  }
}

function writevAsync(fd: number, buffers: Uint8Array[]): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    writev(fd, buffers, (error, bytesWritten) => {
      if (error) reject(error);
      else resolvePromise(bytesWritten);
    });
  });
}

export type OutputTarget = { kind: 'stdout' } | { kind: 'file'; path: string };

/**
 * Whether writing to `target` streams (stdout, a FIFO, a device: what was written stays
 * written) or is atomic (a regular file, new or replaced).
 */
export function streamsTo(target: OutputTarget): boolean {
  if (target.kind === 'stdout') return true;
  try {
    const info = statSync(target.path);
    return !info.isFile() && !info.isDirectory();
  } catch {
    return false;
  }
}

function ioFailure(path: string, error: unknown): unknown {
  if (error instanceof ProfileError) return error;
  const code = (error as { code?: string }).code;
  if (!code) return error;
  return new ProfileError(
    'IO_ERROR',
    `cannot write ${path}: ${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`,
    { cause: error },
  );
}

/** Writes to a FIFO or device in place (opening a FIFO waits for its reader, off the loop). */
async function writeInPlace(chunks: Chunks, path: string): Promise<number> {
  let fd: number | undefined;
  try {
    fd = await new Promise<number>((resolvePromise, reject) =>
      open(path, 'w', (error, opened) => (error ? reject(error) : resolvePromise(opened))),
    );
    return await pumpToFile(chunks, fd);
  } catch (error) {
    throw ioFailure(path, error);
  } finally {
    if (fd !== undefined) {
      const opened = fd;
      await new Promise<void>((resolvePromise) => close(opened, () => resolvePromise()));
    }
  }
}

/**
 * Writes the output. For a file: refuses to overwrite an input, writes a temporary file
 * next to it and renames it into place at the end; on any error the temporary file is
 * removed and the error rethrown. A FIFO or device is written in place.
 */
export async function writeOutput(
  chunks: Chunks,
  target: OutputTarget,
  stdout: Writable,
  inputs: readonly string[],
): Promise<number> {
  if (target.kind === 'stdout') {
    try {
      return await pump(chunks, stdout);
    } catch (error) {
      if ((error as { code?: string }).code === 'EPIPE') return 0; // the reader went away (e.g. `| head`)
      throw error;
    }
  }
  const finalPath = resolve(target.path);
  const real = realpathOrResolved(finalPath);
  for (const input of inputs) {
    if (input !== '-' && realpathOrResolved(input) === real) {
      throw new ProfileError(
        'IO_ERROR',
        `refusing to write the output over the input ${input}; choose another -o`,
      );
    }
  }
  if (streamsTo(target)) return writeInPlace(chunks, target.path);
  const temporary = join(
    dirname(finalPath),
    `.${basename(finalPath)}.${uniqueSuffix()}.pyprof-tmp`,
  );
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx');
    const bytes = await pumpToFile(chunks, fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, finalPath);
    return bytes;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw ioFailure(target.path, error);
  }
}
