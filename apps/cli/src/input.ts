/**
 * The command line's inputs as `convert` takes them: a regular file becomes a `ByteSource`
 * (its first bytes read synchronously for detection, then either read whole in one call or
 * streamed, as core decides); `-`, and any path that is not a regular file — a FIFO,
 * `<(…)`, `/dev/stdin` on a pipe, a character device such as `/dev/zero` — becomes a
 * chunk stream, read as it comes with the same budget as everything else (core counts
 * the bytes and stops at `--max-input`). Detection reads the first bytes whatever `stat`
 * says: a FIFO's or a procfs file's size is 0 but its content is not. A FIFO is opened
 * off the event loop, so waiting for its writer never stops Ctrl-C from working.
 *
 * Gzip, detection and the choice between whole and streamed reading are core's; what
 * stays here is the file system, turning its failures into one-line I/O errors, and
 * feeding the progress bar as bytes are read.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { type ByteSource, type ConvertInput, ProfileError } from '@pyprof/core';

/** What reading an input tells the progress bar: the bytes read so far. */
export interface ReadProgress {
  /** A whole-input read is starting (the bar shows at once). */
  start(): void;
  advance(bytes: number): void;
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT'
    ? 'no such file'
    : code === 'EACCES'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'ENXIO'
          ? 'it is a socket, which cannot be read as a file'
          : error instanceof Error
            ? error.message
            : String(error);
}

/** A failure opening an input, before any reading: names the file. */
function openError(label: string, error: unknown): ProfileError {
  return new ProfileError('IO_ERROR', `cannot read ${label}: ${reasonOf(error)}`, {
    cause: error,
  });
}

/** A failure while reading: the message is prefixed with the input's label by the caller. */
function readError(error: unknown): ProfileError {
  return new ProfileError('IO_ERROR', `cannot read: ${reasonOf(error)}`, { cause: error });
}

/** A Node stream's chunks, with its errors as I/O errors and each chunk counted. */
async function* chunksOf(
  stream: Readable,
  progress: ReadProgress | undefined,
): AsyncGenerator<Uint8Array> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let finished = false;
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw readError(error);
      }
      if (next.done) break;
      progress?.advance(next.value.length);
      yield next.value;
    }
    finished = true;
  } finally {
    if (!finished) stream.destroy();
  }
}

/** One file, for `convert`: checked to exist now, read when core asks. */
function fileInput(
  path: string,
  progress: (size: number | undefined) => ReadProgress | undefined,
): ConvertInput {
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (error) {
    throw openError(path, error);
  }
  const name = path.replace(/\\/g, '/').split('/').pop() as string;
  if (!info.isFile()) {
    // A FIFO, a device, a socket: a stream of unknown length.
    return {
      data: chunksOf(createReadStream(path, { highWaterMark: 1 << 20 }), progress(undefined)),
      name,
      label: path,
    };
  }
  // A size of 0 may mean "not known" (procfs, sysfs): read until the end either way.
  const size = info.size > 0 ? info.size : undefined;
  const source: ByteSource = {
    ...(size !== undefined ? { size } : {}),
    // Synchronous calls: each awaited one was a round trip through the thread pool, with
    // the process idle meanwhile, for a few microseconds of work.
    head(length) {
      try {
        const fd = openSync(path, 'r');
        try {
          const buffer = new Uint8Array(length);
          let filled = 0;
          for (;;) {
            const read = readSync(fd, buffer, filled, length - filled, null);
            filled += read;
            if (read === 0 || filled === length) break;
          }
          return buffer.subarray(0, filled);
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        throw readError(error);
      }
    },
    bytes() {
      const bar = progress(size);
      bar?.start();
      try {
        // In one call: the promise version reads in 512 KiB round trips through the event
        // loop, which left the process idle for ~35 ms on a 40 MB dump.
        const buffer = readFileSync(path);
        bar?.advance(buffer.length);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (error) {
        throw readError(error);
      }
    },
    chunks: () => chunksOf(createReadStream(path, { highWaterMark: 1 << 20 }), progress(size)),
  };
  return { data: source, name, label: path };
}

/** The inputs given on the command line (`-` is standard input). */
export function commandLineInputs(
  specs: readonly string[],
  stdin: Readable,
  progress: (label: string, size: number | undefined) => ReadProgress | undefined,
): ConvertInput[] {
  return specs.map((spec) =>
    spec === '-'
      ? { data: chunksOf(stdin, progress('<stdin>', undefined)), label: '<stdin>' }
      : fileInput(spec, (size) => progress(spec, size)),
  );
}
