/**
 * Writing a writer's chunks where the user asked, and nowhere else: to stdout, or to a
 * file written atomically — into a temporary file in the same folder, renamed into place
 * only when the writer finished, so a failed conversion never leaves a partial file — and
 * never over one of the inputs. String chunks are encoded with `encodeText`, which turns
 * escaped bytes back into the raw bytes of non-UTF-8 file names.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, realpathSync } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { encodeText, type OutputChunk, ProfileError } from '@pyprof/core';

const BATCH = 1 << 18;

function realpathOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Writes chunks to a stream with back-pressure, batching small strings. Returns bytes written. */
async function pump(chunks: Iterable<OutputChunk>, sink: Writable): Promise<number> {
  let written = 0;
  let pending: string[] = [];
  let pendingLength = 0;
  const write = async (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    written += bytes.length;
    if (!sink.write(bytes)) await once(sink, 'drain');
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    pendingLength = 0;
    await write(encodeText(text));
  };
  for (const chunk of chunks) {
    if (typeof chunk === 'string') {
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= BATCH) await flush();
    } else {
      await flush();
      await write(chunk);
    }
  }
  await flush();
  return written;
}

export type OutputTarget = { kind: 'stdout' } | { kind: 'file'; path: string };

/**
 * Writes the output. For a file: refuses to overwrite an input, writes a temporary file
 * next to it and renames it into place at the end; on any error the temporary file is
 * removed and the error rethrown.
 */
export async function writeOutput(
  chunks: Iterable<OutputChunk>,
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
  const temporary = join(
    dirname(finalPath),
    `.${basename(finalPath)}.${randomBytes(6).toString('hex')}.pyprof-tmp`,
  );
  const stream = createWriteStream(temporary, { flags: 'wx' });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => {});
  try {
    await Promise.race([once(stream, 'open'), failed]);
    const bytes = await Promise.race([pump(chunks, stream), failed]);
    stream.end();
    await Promise.race([once(stream, 'finish'), failed]);
    await rename(temporary, finalPath);
    return bytes;
  } catch (error) {
    stream.destroy();
    await unlink(temporary).catch(() => {});
    if (error instanceof ProfileError) throw error;
    const code = (error as { code?: string }).code;
    if (code) {
      throw new ProfileError(
        'IO_ERROR',
        `cannot write ${target.path}: ${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`,
        { cause: error },
      );
    }
    throw error;
  }
}
