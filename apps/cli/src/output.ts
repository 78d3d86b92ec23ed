/**
 * Writing a writer's chunks where the user asked, and nowhere else — destroying nothing on
 * the way (docs/decisions/0012-safe-output-targets.md):
 *
 * - a regular file (new or existing) is written atomically: into a temporary file in the
 *   same folder, renamed into place only when the writer finished, so a failed (or
 *   `--strict`-stopped, or interrupted) conversion leaves the old file as it was; the
 *   temporary file is registered for removal on any way out (cleanup.ts). A symbolic link
 *   to a file keeps being a link: the file it points to is the one replaced.
 * - a FIFO or a character device (`-o /dev/stdout`, a named pipe, a terminal) is opened
 *   and written in place, as it streams: never replaced by a regular file, and what
 *   reached it cannot be taken back. A Unix socket is connected to and written the same
 *   way. A symbolic link to any of them is followed. A block device (a disk) is refused.
 * - the target naming standard output itself (`/dev/stdout`, `/proc/self/fd/1`) is
 *   written through standard output.
 * - nothing reads and writes the same file: the target is compared with every input, with
 *   standard input when `-` is an input, and standard output with the inputs, by device
 *   and inode (`fstat`), so hard links and redirections (`convert - -o f < f`) are caught
 *   and refused before anything is written.
 *
 * Output to a terminal is escaped (messages.ts): names from the input cannot reach it as
 * control sequences. String chunks are encoded with `encodeText`, which turns escaped
 * bytes back into the raw bytes of non-UTF-8 file names.
 */
import { once } from 'node:events';
import {
  close,
  closeSync,
  fstatSync,
  lstatSync,
  open,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writev,
} from 'node:fs';
import { createConnection } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { encodeText, type OutputChunk, ProfileError } from '@pyprof/core';
import { forget, keepTrackOf } from './cleanup.js';
import { escapeTerminalOutput } from './messages.js';

const BATCH = 1 << 18;

/**
 * A suffix no other run picks: process id, time and a random part (the file is created
 * with `wx`, so even a clash could not overwrite anything). Not `node:crypto`, whose
 * loading was 5 ms of every run's start-up.
 */
function uniqueSuffix(): string {
  return `${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
}

/** A writer's chunks: a conversion whose reader feeds its writer gives them asynchronously. */
type Chunks = Iterable<OutputChunk> | AsyncIterable<OutputChunk>;

/**
 * Strings batched and encoded together (`encodeText`); byte chunks pass through. For a
 * terminal, both are escaped first.
 */
class Encoder {
  #pending: string[] = [];
  #length = 0;
  readonly #terminal: { color: boolean } | undefined;

  constructor(terminal: { color: boolean } | undefined) {
    this.#terminal = terminal;
  }

  /** The buffers ready after `chunk` (none while strings are gathering). */
  add(chunk: OutputChunk): Uint8Array[] {
    if (typeof chunk === 'string') {
      this.#pending.push(chunk);
      this.#length += chunk.length;
      return this.#length < BATCH ? [] : this.end();
    }
    // Bytes for a terminal: shown as Latin-1 text, escaped, never as raw control bytes.
    return [...this.end(), this.#terminal ? this.#text(latin1(chunk)) : chunk];
  }

  /** The strings gathered so far, encoded. */
  end(): Uint8Array[] {
    if (this.#pending.length === 0) return [];
    const bytes = this.#text(this.#pending.join(''));
    this.#pending = [];
    this.#length = 0;
    return [bytes];
  }

  #text(joined: string): Uint8Array {
    const terminal = this.#terminal;
    return encodeText(terminal ? escapeTerminalOutput(joined, terminal.color) : joined);
  }
}

function* encodedNow(
  chunks: Iterable<OutputChunk>,
  terminal: { color: boolean } | undefined,
): Generator<Uint8Array> {
  const encoder = new Encoder(terminal);
  for (const chunk of chunks) yield* encoder.add(chunk);
  yield* encoder.end();
}

async function* encodedLater(
  chunks: AsyncIterable<OutputChunk>,
  terminal: { color: boolean } | undefined,
): AsyncGenerator<Uint8Array> {
  const encoder = new Encoder(terminal);
  for await (const chunk of chunks) yield* encoder.add(chunk);
  yield* encoder.end();
}

/** Turns a writer's chunks into byte buffers (see `Encoder`). */
function encoded(
  chunks: Chunks,
  terminal?: { color: boolean },
): Iterable<Uint8Array> | AsyncIterable<Uint8Array> {
  return Symbol.iterator in chunks ? encodedNow(chunks, terminal) : encodedLater(chunks, terminal);
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let at = 0; at < bytes.length; at += 8192) {
    out += String.fromCharCode(...bytes.subarray(at, Math.min(bytes.length, at + 8192)));
  }
  return out;
}

/** Writes chunks to a stream with back-pressure. Returns bytes written. */
async function pump(
  chunks: Chunks,
  sink: Writable,
  terminal?: { color: boolean },
): Promise<number> {
  let written = 0;
  // An error the stream reports between writes (EPIPE) must reach us, not crash the
  // process as an unhandled 'error' event.
  let failure: { error: unknown } | undefined;
  const onError = (error: unknown) => {
    failure ??= { error };
  };
  sink.on('error', onError);
  try {
    for await (const bytes of encoded(chunks, terminal)) {
      if (failure) throw failure.error;
      if (bytes.length === 0) continue;
      written += bytes.length;
      if (!sink.write(bytes)) await once(sink, 'drain');
    }
    if (failure) throw failure.error;
    return written;
  } finally {
    sink.off('error', onError);
  }
}

/** Bytes gathered before each write to a file (a few dozen writes for a 50 MB file). */
const FILE_BATCH = 1 << 20;

/**
 * Writes chunks to an open file descriptor. The kernel's copy of one batch (`writev`, in
 * libuv's thread pool) overlaps with the writer producing the next, and at most one batch
 * is in flight, so memory stays bounded; waiting once per megabyte costs no more than the
 * synchronous writes did, which left the second core idle.
 */
async function pumpToFile(
  chunks: Chunks,
  fd: number,
  terminal?: { color: boolean },
): Promise<number> {
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
    for await (const bytes of encoded(chunks, terminal)) {
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

/** What is at a target path, and how it is written. */
type Resolved =
  /** A regular file, new or replaced: written atomically at `path` (links resolved). */
  | { how: 'atomic'; path: string; existing: Stats | undefined }
  /** A FIFO or character device: opened and written in place. */
  | { how: 'in-place'; path: string; existing: Stats }
  /** A Unix socket: connected to and written. */
  | { how: 'socket'; path: string; existing: Stats }
  /** Standard output itself. */
  | { how: 'stdout' };

function ioError(path: string, reason: string, cause?: unknown): ProfileError {
  return new ProfileError(
    'IO_ERROR',
    `cannot write ${path}: ${reason}`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Where a new file named by `path` goes: a dangling symbolic link names the file it
 * points to (made there, the link kept); otherwise `path` itself, its folder resolved.
 */
function newFilePath(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let info: Stats | undefined;
    try {
      info = lstatSync(current);
    } catch {
      info = undefined;
    }
    if (info === undefined || !info.isSymbolicLink()) {
      try {
        return join(realpathSync(dirname(current)), basename(current));
      } catch {
        return current;
      }
    }
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw ioError(path, 'too many levels of symbolic links');
}

/** The identity (device and inode) of an open stream's descriptor, when it has one. */
function streamStats(stream: Readable | Writable): Stats | undefined {
  const fd = (stream as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return undefined;
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

function sameFile(a: Stats | undefined, b: Stats | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** Regular files and FIFOs: the kinds where reading and writing one thing goes wrong. */
function isDataFile(info: Stats): boolean {
  return info.isFile() || info.isFIFO();
}

/**
 * Decides how `target` is written (see the file comment); throws for what cannot be. The
 * kernel follows the links (`stat`), magic ones such as `/dev/stdout` → `/proc/self/fd/1`
 * → a pipe included; a regular file is then replaced at its real path, so a link to it
 * stays a link.
 */
function resolveTarget(path: string, stdout: Writable): Resolved {
  let existing: Stats | undefined;
  try {
    existing = statSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOTDIR') throw ioError(path, `${fileAbove(path)} is not a folder`, error);
    if (code !== 'ENOENT') throw ioError(path, reasonOf(error), error);
  }
  if (existing === undefined) {
    const final = newFilePath(path);
    const folder = dirname(final);
    let info: Stats | undefined;
    try {
      info = statSync(folder);
    } catch {
      throw ioError(path, 'no such folder');
    }
    if (!info.isDirectory()) throw ioError(path, `${folder} is not a folder`);
    return { how: 'atomic', path: final, existing: undefined };
  }
  if (sameFile(existing, streamStats(stdout))) return { how: 'stdout' };
  if (existing.isDirectory()) {
    throw ioError(path, `it is a folder; give a file name, e.g. -o ${join(path, 'profile.out')}`);
  }
  if (existing.isFile()) {
    let final: string;
    try {
      final = realpathSync.native(path);
    } catch (error) {
      throw ioError(path, reasonOf(error), error);
    }
    return { how: 'atomic', path: final, existing };
  }
  if (existing.isFIFO() || existing.isCharacterDevice()) {
    return { how: 'in-place', path, existing };
  }
  if (existing.isSocket()) return { how: 'socket', path, existing };
  if (existing.isBlockDevice()) {
    throw ioError(path, 'it is a block device (a disk); pyprof does not write to disks');
  }
  throw ioError(path, 'it is neither a file, a FIFO, a socket nor a character device');
}

/** The nearest folder above `path` that exists and is not a folder (for ENOTDIR). */
function fileAbove(path: string): string {
  for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) {
    try {
      if (!statSync(folder).isDirectory()) return folder;
    } catch {
      // Not there: look higher.
    }
  }
  return dirname(path);
}

/**
 * Whether writing to `target` streams (stdout, a FIFO, a device, a socket: what was
 * written stays written) or is atomic (a regular file, new or replaced).
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

function reasonOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EISDIR':
      return 'it is a folder';
    case 'EPIPE':
      return 'the reader went away (broken pipe)';
    case 'ENXIO':
      return 'no reader or device is there';
    case 'ECONNREFUSED':
      return 'nothing is listening on the socket';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function ioFailure(path: string, error: unknown): unknown {
  if (error instanceof ProfileError) return error;
  if (!(error as { code?: string }).code) return error;
  return ioError(path, reasonOf(error), error);
}

/** Writes to a FIFO or character device in place (opening a FIFO waits for its reader, off the loop). */
async function writeInPlace(chunks: Chunks, path: string, shown: string): Promise<number> {
  let fd: number | undefined;
  try {
    fd = await new Promise<number>((resolvePromise, reject) =>
      open(path, 'w', (error, opened) => (error ? reject(error) : resolvePromise(opened))),
    );
    return await pumpToFile(chunks, fd);
  } catch (error) {
    throw ioFailure(shown, error);
  } finally {
    if (fd !== undefined) {
      const opened = fd;
      await new Promise<void>((resolvePromise) => close(opened, () => resolvePromise()));
    }
  }
}

/** Connects to a Unix socket and writes to it. */
async function writeToSocket(chunks: Chunks, path: string, shown: string): Promise<number> {
  const socket = createConnection({ path });
  try {
    await once(socket, 'connect');
    const written = await pump(chunks, socket);
    socket.end();
    await once(socket, 'finish');
    return written;
  } catch (error) {
    throw ioFailure(shown, error);
  } finally {
    socket.destroy();
  }
}

/** Refuses to write where an input is read from (see the file comment). */
function checkNotAnInput(
  shown: string,
  target: Stats | undefined,
  inputs: readonly string[],
  stdin: Readable | undefined,
): void {
  if (target === undefined || !isDataFile(target)) return;
  for (const input of inputs) {
    if (input === '-') {
      const info = stdin === undefined ? undefined : streamStats(stdin);
      if (info !== undefined && isDataFile(info) && sameFile(info, target)) {
        throw new ProfileError(
          'IO_ERROR',
          `refusing to write the output over the input: standard input (-) is ${shown}; choose another -o`,
        );
      }
      continue;
    }
    let info: Stats | undefined;
    try {
      info = statSync(input);
    } catch {
      continue;
    }
    if (sameFile(info, target)) {
      throw new ProfileError(
        'IO_ERROR',
        `refusing to write the output over the input ${input}; choose another -o`,
      );
    }
  }
}

/** Standard output must not be one of the inputs (`pyprof convert f > f`, `… >> f`). */
function checkStdoutNotAnInput(
  stdout: Writable,
  inputs: readonly string[],
  stdin: Readable | undefined,
): void {
  const info = streamStats(stdout);
  if (info === undefined || !info.isFile()) return;
  const which = inputs.find((input) => {
    if (input === '-') return stdin !== undefined && sameFile(streamStats(stdin), info);
    try {
      return sameFile(statSync(input), info);
    } catch {
      return false;
    }
  });
  if (which !== undefined) {
    throw new ProfileError(
      'IO_ERROR',
      `refusing to write the output over the input: standard output is ${which === '-' ? 'standard input' : which}; redirect it elsewhere or use -o`,
    );
  }
}

export interface WriteOptions {
  /** Standard input, when `-` is an input (compared with the target). */
  stdin?: Readable;
  /** Standard output is a terminal: the output is escaped (`color`: the writer's SGR kept). */
  terminal?: { color: boolean };
}

/**
 * Writes the output (see the file comment). For a file: refuses to overwrite an input,
 * writes a temporary file next to it and renames it into place at the end; on any error
 * the temporary file is removed and the error rethrown.
 */
export async function writeOutput(
  chunks: Chunks,
  target: OutputTarget,
  stdout: Writable,
  inputs: readonly string[],
  options: WriteOptions = {},
): Promise<number> {
  const resolved: Resolved =
    target.kind === 'stdout' ? { how: 'stdout' } : resolveTarget(target.path, stdout);
  if (resolved.how === 'stdout') {
    checkStdoutNotAnInput(stdout, inputs, options.stdin);
    try {
      return await pump(chunks, stdout, options.terminal);
    } catch (error) {
      if ((error as { code?: string }).code === 'EPIPE') return 0; // the reader went away (e.g. `| head`)
      throw error;
    }
  }
  const shown = (target as { path: string }).path;
  checkNotAnInput(shown, resolved.existing, inputs, options.stdin);
  if (resolved.how === 'in-place') return writeInPlace(chunks, resolved.path, shown);
  if (resolved.how === 'socket') return writeToSocket(chunks, resolved.path, shown);
  const finalPath = resolved.path;
  const folder = dirname(finalPath);
  const temporary = join(folder, `.${basename(finalPath)}.${uniqueSuffix()}.pyprof-tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx');
  } catch (error) {
    const code = (error as { code?: string }).code;
    // The folder exists (checked): it does not take new files (procfs, sysfs) or not ours.
    throw ioError(
      shown,
      code === 'ENOENT' || code === 'EINVAL'
        ? `${folder} does not accept new files (the output is written to a temporary file there first)`
        : `cannot create a file in ${folder}: ${reasonOf(error)}`,
      error,
    );
  }
  keepTrackOf(temporary);
  try {
    const bytes = await pumpToFile(chunks, fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, finalPath);
    forget(temporary);
    return bytes;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    forget(temporary);
    throw ioFailure(shown, error);
  }
}
