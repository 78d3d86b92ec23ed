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
import { inputTooLarge, ReadBudget } from './limits.js';
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

/**
 * The chunks of `source`, each counted into `budget` before it is handed on: reading
 * stops at the first chunk that takes the input over `inputBytes` (a gzip bomb is
 * unpacked only that far; an endless stream is read only that far).
 */
async function* counted(
  source: AsyncIterable<Uint8Array>,
  count: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    count(chunk.length);
    yield chunk;
  }
}

/** Below this many bytes a stream read whole is gathered as a list of its chunks. */
const GATHER_AS_LIST = 16 * 1024 * 1024;

/**
 * All the bytes of a stream, in one array, with memory for the bytes only. A list of
 * chunks joined at the end held every byte twice (the chunks and the joined copy: 512
 * MB for a 256 MiB stream); instead, past 16 MiB the bytes are copied into one buffer
 * the size of the input budget, whose pages the system provides only as they are
 * written (a large zero-filled allocation is mapped lazily), so the peak is the bytes
 * read plus one chunk. A budget too large to allocate at once grows by doubling.
 */
export async function gatherChunks(
  chunks: AsyncIterable<Uint8Array>,
  limit: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  let buffer: Uint8Array | undefined;
  for await (const chunk of chunks) {
    if (buffer === undefined) {
      parts.push(chunk);
      length += chunk.length;
      if (length <= GATHER_AS_LIST) continue;
      const capacity = Math.min(limit, MAX_BUFFER);
      buffer = new Uint8Array(Math.max(capacity, Math.min(length * 2, MAX_BUFFER)));
      let at = 0;
      for (const part of parts.splice(0)) {
        buffer.set(part, at);
        at += part.length;
      }
      continue;
    }
    if (length + chunk.length > buffer.length) {
      if (length + chunk.length > MAX_BUFFER) {
        throw new RangeError(`an input of more than ${MAX_BUFFER} bytes cannot be held at once`);
      }
      const grown = new Uint8Array(
        Math.min(MAX_BUFFER, Math.max(buffer.length * 2, length + chunk.length)),
      );
      grown.set(buffer.subarray(0, length));
      buffer = grown;
    }
    buffer.set(chunk, length);
    length += chunk.length;
  }
  return buffer === undefined ? concatBytes(parts) : buffer.subarray(0, length);
}

/** The longest array a JavaScript engine is sure to allocate (2^32 - 1 elements in V8). */
const MAX_BUFFER = 2 ** 32 - 1;

/** A stream opened for reading once; its bytes counted into `budget` as they are read. */
function streamed(
  { head, rest, close }: Awaited<ReturnType<typeof peek>>,
  compressed: boolean,
  size: number | undefined,
  budget: ReadBudget,
): OpenedInput {
  let used = false;
  const take = (): AsyncIterable<Uint8Array> => {
    if (used) throw new Error('an opened input can be read only once');
    used = true;
    return counted(rest, (n) => (compressed ? budget.addUnpacked(n) : budget.addInput(n)));
  };
  return {
    head,
    compressed,
    inMemory: false,
    size,
    whole: () => gatherChunks(take(), budget.limits.inputBytes),
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
  budget: ReadBudget,
): Promise<OpenedInput> {
  const given = counted(chunks, (n) => budget.addCompressed(n));
  return streamed(await peek(gunzip(given)), true, size, budget);
}

/**
 * Opens an input: looks at its first bytes, unpacking gzip (see the file comment). Its
 * bytes (unpacked) are counted into `budget` as they are read, and an input known to be
 * larger than the budget's `inputBytes` is refused before any of it is read.
 */
export async function openInput(data: InputData, budget = new ReadBudget()): Promise<OpenedInput> {
  const limit = budget.limits.inputBytes;
  if (data instanceof Uint8Array) {
    if (isGzip(data)) return unpacked(pieces(data), data.length, budget);
    budget.addInput(data.length);
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
    if (isGzip(head)) return unpacked(data.chunks(), data.size, budget);
    if (data.size !== undefined && data.size > limit) throw inputTooLarge(limit);
    return {
      head: head.subarray(0, DETECT_HEAD_BYTES),
      compressed: false,
      inMemory: false,
      size: data.size,
      async whole() {
        const bytes = await data.bytes();
        budget.addInput(bytes.length);
        return bytes;
      },
      chunks: () => counted(data.chunks(), (n) => budget.addInput(n)),
      discard: async () => {},
    };
  }
  const raw = await peek(chunksOf(data));
  if (isGzip(raw.head)) return unpacked(raw.rest, undefined, budget);
  return streamed(raw, false, undefined, budget);
}
