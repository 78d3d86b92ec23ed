/**
 * The few calls a library user needs around the plugin contracts: read bytes with a
 * plugin (options resolved, warnings into a `Diagnostics` list), and run a writer to a
 * string or to bytes. `convert` (convert.ts) runs readers and writers through these same
 * calls, so a single plugin used as a library and the whole pipeline behave alike.
 */
import type { DiagnosticSink, Diagnostics } from './diagnostics.js';
import { type Limits, ReadBudget } from './limits.js';
import { type OptionValues, resolveOptions } from './options.js';
import type {
  InputPlugin,
  OutputChunk,
  OutputNeeds,
  OutputPlugin,
  ReadContext,
  SourceFiles,
  TimelineSink,
  TimelineWriter,
  WriteContext,
} from './plugin.js';
import type { Profile, ProfileSet } from './profile.js';
import { concatBytes, encodeText } from './text.js';

export interface ReadInit {
  options?: OptionValues;
  needs?: OutputNeeds;
  /** The input's file name: given to the reader, and stamped as each profile's `sourceName`. */
  fileName?: string;
  /** The profiled program's sources, for readers that scan code (see `SourceFiles`). */
  sources?: SourceFiles;
  /** Receives the reader's warnings (stage `read`, source the reader's name). */
  diagnostics?: Diagnostics;
  /** The input's label in diagnostics (default: `fileName`). */
  input?: string;
  /**
   * The read's budget (limits.ts). Default: a new one with `limits` (default limits), for
   * the input's bytes (`readWith`) or the bytes as they arrive (`readStreamWith`).
   */
  budget?: ReadBudget;
  /** Limits for the default budget. */
  limits?: Partial<Limits>;
  /** Where a reader that can should deliver the exact timeline as it reads (`ReadContext.timeline`). */
  timeline?: TimelineSink;
}

const DROP: DiagnosticSink = { warn() {} };

function makeReadContext(plugin: InputPlugin, init: ReadInit, budget: ReadBudget): ReadContext {
  const sink = init.diagnostics?.sink(plugin.name, 'read', init.input ?? init.fileName) ?? DROP;
  return {
    options: resolveOptions(plugin.options, init.options ?? {}, plugin.name),
    needs: init.needs ?? {},
    ...(init.fileName !== undefined ? { fileName: init.fileName } : {}),
    ...(init.sources !== undefined ? { sources: init.sources } : {}),
    budget,
    ...(init.timeline !== undefined ? { timeline: init.timeline } : {}),
    warn: sink.warn,
  };
}

/** Stamps each profile with the file it came from (unless the reader did). */
function withSourceName(set: ProfileSet, sourceName: string | undefined): ProfileSet {
  if (sourceName === undefined) return set;
  const stamp = (p: Profile): Profile =>
    p.metadata.sourceName === undefined ? { ...p, metadata: { ...p.metadata, sourceName } } : p;
  const parts = set.parts.map(stamp);
  const wholeIndex = set.parts.indexOf(set.whole);
  return { parts, whole: wholeIndex >= 0 ? (parts[wholeIndex] as Profile) : stamp(set.whole) };
}

/** Reads bytes with `plugin`; its warnings go to `init.diagnostics`. */
export function readWith(plugin: InputPlugin, input: Uint8Array, init: ReadInit = {}): ProfileSet {
  const budget = init.budget ?? new ReadBudget(init.limits, 0);
  if (init.budget === undefined) budget.addInput(input.length);
  const set = plugin.read(input, makeReadContext(plugin, init, budget));
  budget.settle(set, plugin.name);
  return withSourceName(set, init.fileName);
}

/** The chunks, each counted into `budget` before it is handed on. */
async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  budget: ReadBudget,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    budget.addInput(chunk.length);
    yield chunk;
  }
}

/** Reads a stream of chunks with `plugin` (its `readStream`, or `read` on the joined bytes). */
export async function readStreamWith(
  plugin: InputPlugin,
  chunks: AsyncIterable<Uint8Array>,
  init: ReadInit = {},
): Promise<ProfileSet> {
  // A budget given is counted by its owner (the pipeline counts while it reads); a new one
  // counts the chunks here.
  const budget = init.budget ?? new ReadBudget(init.limits, 0);
  const input = init.budget === undefined ? counted(chunks, budget) : chunks;
  const context = makeReadContext(plugin, init, budget);
  let set: ProfileSet;
  if (plugin.readStream) {
    set = await plugin.readStream(input, context);
  } else {
    const parts: Uint8Array[] = [];
    for await (const chunk of input) parts.push(chunk);
    set = plugin.read(concatBytes(parts), context);
  }
  budget.settle(set, plugin.name);
  return withSourceName(set, init.fileName);
}

export interface WriteInit {
  options?: OptionValues;
  context?: Partial<WriteContext>;
  /** Receives the writer's warnings (stage `write`, source the writer's name). */
  diagnostics?: Diagnostics;
}

function makeWriteContext(plugin: OutputPlugin, init: WriteInit): WriteContext {
  const sink = init.diagnostics?.sink(plugin.name, 'write');
  const { warn, ...rest } = init.context ?? {};
  return {
    ...rest,
    warn(d) {
      sink?.warn(d);
      warn?.(d);
    },
  };
}

/** Runs a writer, yielding its chunks with options validated and defaulted. */
export function* writeChunks(
  plugin: OutputPlugin,
  set: ProfileSet,
  init: WriteInit = {},
): Generator<OutputChunk> {
  const options = resolveOptions(plugin.options, init.options ?? {}, plugin.name);
  yield* plugin.write(set, options, makeWriteContext(plugin, init));
}

/**
 * A writer's `streamTimeline` with options validated and defaulted, as `writeChunks` runs
 * `write`; undefined for a writer without one.
 */
export function streamTimelineWith(
  plugin: OutputPlugin,
  init: WriteInit = {},
): TimelineWriter | undefined {
  if (plugin.streamTimeline === undefined) return undefined;
  const options = resolveOptions(plugin.options, init.options ?? {}, plugin.name);
  return plugin.streamTimeline(options, makeWriteContext(plugin, init));
}

/** Runs a writer to one string (byte chunks are decoded as UTF-8). */
export function writeToString(plugin: OutputPlugin, set: ProfileSet, init: WriteInit = {}): string {
  const decoder = new TextDecoder();
  let out = '';
  for (const chunk of writeChunks(plugin, set, init)) {
    out += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  return out + decoder.decode();
}

/** Runs a writer to bytes (string chunks encoded with `encodeText`, restoring escaped bytes). */
export function writeToBytes(
  plugin: OutputPlugin,
  set: ProfileSet,
  init: WriteInit = {},
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const chunk of writeChunks(plugin, set, init)) {
    parts.push(typeof chunk === 'string' ? encodeText(chunk) : chunk);
  }
  return concatBytes(parts);
}
