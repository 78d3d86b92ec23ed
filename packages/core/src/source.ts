/**
 * What `convert` accepts as an input's bytes, and how it opens them: all the bytes at
 * once, an async iterable of chunks (a Node stream), a web `ReadableStream`, or a
 * `ByteSource` — something like a file, that can give its first bytes, all its bytes, or
 * its bytes as chunks, so the pipeline can look at the head before deciding how to read
 * (whole for small inputs, streamed for big ones when the reader can stream).
 *
 * Gzip is recognised here, from the first bytes, and unpacked as a stream (gzip.ts):
 * detection sees the first 4 KiB of the unpacked content, and nothing more is inflated
 * until the reader asks for it.
 */
import { gunzip, isGzip } from './gzip.js';
import { DETECT_HEAD_BYTES } from './registry.js';
import { concatBytes } from './text.js';

/** A file-like input: it can be read from the start as often as asked. */
export interface ByteSource {
  /** Size in bytes, when known before reading (decides streaming). */
  readonly size?: number;
  /** The first `length` bytes (fewer only when the input is shorter). */
  head(length: number): Uint8Array | Promise<Uint8Array>;
  /** All the bytes. */
  bytes(): Uint8Array | Promise<Uint8Array>;
  /** All the bytes, as chunks. */
  chunks(): AsyncIterable<Uint8Array>;
}

/** The part of a web `ReadableStream<Uint8Array>` the pipeline uses. */
export interface WebByteStream {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
    cancel(reason?: unknown): Promise<void>;
    releaseLock(): void;
  };
}

/** An input's bytes, in any of the forms the file comment lists. */
export type InputData = Uint8Array | AsyncIterable<Uint8Array> | WebByteStream | ByteSource;

/** An input opened for reading: its head seen, its content ready to be read once. */
export interface OpenedInput {
  /** The first bytes of the content (unpacked), at most `DETECT_HEAD_BYTES`. */
  readonly head: Uint8Array;
  readonly compressed: boolean;
  /** The whole content is already in memory (streaming it would save nothing). */
  readonly inMemory: boolean;
  /** Size of the input as given (compressed), when known. */
  readonly size: number | undefined;
  /** All the content (unpacked). Use this or `chunks`, once. */
  whole(): Promise<Uint8Array>;
  /** All the content (unpacked), as chunks. Use this or `whole`, once. */
  chunks(): AsyncIterable<Uint8Array>;
  /** Closes what opening started (a stream, the unpacking) when the content is not read. */
  discard(): Promise<void>;
}

/** Pieces fed to the unpacker from bytes held in memory. */
const PIECE = 1 << 20;

function isByteSource(data: InputData): data is ByteSource {
  const source = data as ByteSource;
  return (
    typeof source.head === 'function' &&
    typeof source.bytes === 'function' &&
    typeof source.chunks === 'function'
  );
}

async function* fromWebStream(stream: WebByteStream): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      if (next.value !== undefined) yield next.value;
    }
    finished = true;
  } finally {
    if (finished) reader.releaseLock();
    else await reader.cancel().catch(() => {});
  }
}

async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += PIECE) {
    yield bytes.subarray(at, Math.min(bytes.length, at + PIECE));
  }
}

/** The chunks of `data` (one of the streaming forms). */
function chunksOf(data: AsyncIterable<Uint8Array> | WebByteStream): AsyncIterable<Uint8Array> {
  return Symbol.asyncIterator in data
    ? (data as AsyncIterable<Uint8Array>)
    : fromWebStream(data as WebByteStream);
}

/**
 * Reads chunks until `DETECT_HEAD_BYTES` are seen; returns them and the whole stream
 * again (the chunks seen, then the rest).
 */
async function peek(
  source: AsyncIterable<Uint8Array>,
): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array>; close: () => Promise<void> }> {
  const iterator = source[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < DETECT_HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    buffered.push(next.value);
    length += next.value.length;
  }
  const head = concatBytes(buffered).subarray(0, DETECT_HEAD_BYTES);
  async function* rest(): AsyncGenerator<Uint8Array> {
    let finished = done;
    try {
      while (buffered.length > 0) yield buffered.shift() as Uint8Array;
      while (!finished) {
        const next = await iterator.next();
        if (next.done) finished = true;
        else yield next.value;
      }
    } finally {
      if (!finished) await iterator.return?.();
    }
  }
  const close = async () => {
    if (!done) await iterator.return?.();
  };
  return { head, rest: rest(), close };
}

/** A stream opened for reading once. */
function streamed(
  { head, rest, close }: Awaited<ReturnType<typeof peek>>,
  compressed: boolean,
  size: number | undefined,
): OpenedInput {
  let used = false;
  const take = (): AsyncIterable<Uint8Array> => {
    if (used) throw new Error('an opened input can be read only once');
    used = true;
    return rest;
  };
  return {
    head,
    compressed,
    inMemory: false,
    size,
    async whole() {
      const parts: Uint8Array[] = [];
      for await (const chunk of take()) parts.push(chunk);
      return concatBytes(parts);
    },
    chunks: take,
    async discard() {
      if (!used) {
        used = true;
        await close();
      }
    },
  };
}

/** Unpacks a gzip stream and looks at its first bytes. */
async function unpacked(
  chunks: AsyncIterable<Uint8Array>,
  size: number | undefined,
): Promise<OpenedInput> {
  return streamed(await peek(gunzip(chunks)), true, size);
}

/** Opens an input: looks at its first bytes, unpacking gzip (see the file comment). */
export async function openInput(data: InputData): Promise<OpenedInput> {
  if (data instanceof Uint8Array) {
    if (isGzip(data)) return unpacked(pieces(data), data.length);
    return {
      head: data.subarray(0, DETECT_HEAD_BYTES),
      compressed: false,
      inMemory: true,
      size: data.length,
      whole: async () => data,
      chunks: () => pieces(data),
      discard: async () => {},
    };
  }
  if (isByteSource(data)) {
    const head = await data.head(DETECT_HEAD_BYTES);
    if (isGzip(head)) return unpacked(data.chunks(), data.size);
    return {
      head: head.subarray(0, DETECT_HEAD_BYTES),
      compressed: false,
      inMemory: false,
      size: data.size,
      whole: async () => data.bytes(),
      chunks: () => data.chunks(),
      discard: async () => {},
    };
  }
  const raw = await peek(chunksOf(data));
  if (isGzip(raw.head)) return unpacked(raw.rest, undefined);
  return streamed(raw, false, undefined);
}
