/**
 * The few calls a library user needs around the plugin contracts: read bytes with a
 * plugin (options resolved, warnings collected into the profiles' metadata), and run a
 * writer to a string or to bytes. The CLI uses the same calls, so library use and the
 * command line behave alike.
 */
import { collectDiagnostics, type Diagnostic, type DiagnosticSink } from './errors.js';
import { type OptionValues, resolveOptions } from './options.js';
import type {
  InputPlugin,
  OutputNeeds,
  OutputPlugin,
  ReadContext,
  SourceFiles,
  WriteContext,
} from './plugin.js';
import type { Profile, ProfileSet } from './profile.js';
import { concatBytes, encodeText } from './text.js';

export interface ReadInit {
  options?: OptionValues;
  needs?: OutputNeeds;
  fileName?: string;
  /** The profiled program's sources, for readers that scan code (see `SourceFiles`). */
  sources?: SourceFiles;
  /** Receives each warning as it happens (e.g. to print it); they are also kept in metadata. */
  onWarning?: (diagnostic: Diagnostic) => void;
}

function makeReadContext(
  plugin: InputPlugin,
  init: ReadInit,
): { context: ReadContext; diagnostics: Diagnostic[] } {
  const sink = collectDiagnostics(plugin.name);
  const context: ReadContext = {
    options: resolveOptions(plugin.options, init.options ?? {}, plugin.name),
    needs: init.needs ?? {},
    ...(init.fileName !== undefined ? { fileName: init.fileName } : {}),
    ...(init.sources !== undefined ? { sources: init.sources } : {}),
    warn(d) {
      sink.warn(d);
      init.onWarning?.(sink.diagnostics[sink.diagnostics.length - 1] as Diagnostic);
    },
  };
  return { context, diagnostics: sink.diagnostics };
}

function withWarnings(
  set: ProfileSet,
  diagnostics: readonly Diagnostic[],
  sourceName?: string,
): ProfileSet {
  if (diagnostics.length === 0 && sourceName === undefined) return set;
  const stamp = (p: Profile): Profile => ({
    ...p,
    metadata: {
      ...p.metadata,
      ...(sourceName !== undefined && p.metadata.sourceName === undefined ? { sourceName } : {}),
      warnings: [...diagnostics, ...p.metadata.warnings],
    },
  });
  const parts = set.parts.map(stamp);
  const wholeIndex = set.parts.indexOf(set.whole);
  return { parts, whole: wholeIndex >= 0 ? (parts[wholeIndex] as Profile) : stamp(set.whole) };
}

/** Reads bytes with `plugin`; the reader's warnings end up in each profile's metadata. */
export function readWith(plugin: InputPlugin, input: Uint8Array, init: ReadInit = {}): ProfileSet {
  const { context, diagnostics } = makeReadContext(plugin, init);
  return withWarnings(plugin.read(input, context), diagnostics, init.fileName);
}

/** Reads a stream of chunks with `plugin` (its `readStream`, or `read` on the joined bytes). */
export async function readStreamWith(
  plugin: InputPlugin,
  chunks: AsyncIterable<Uint8Array>,
  init: ReadInit = {},
): Promise<ProfileSet> {
  const { context, diagnostics } = makeReadContext(plugin, init);
  let set: ProfileSet;
  if (plugin.readStream) {
    set = await plugin.readStream(chunks, context);
  } else {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    set = plugin.read(concatBytes(parts), context);
  }
  return withWarnings(set, diagnostics, init.fileName);
}

export interface WriteInit {
  options?: OptionValues;
  context?: Partial<Omit<WriteContext, 'warn'>> & { warn?: DiagnosticSink['warn'] };
}

function makeWriteContext(
  plugin: OutputPlugin,
  init: WriteInit,
): { context: WriteContext; diagnostics: Diagnostic[] } {
  const sink = collectDiagnostics(plugin.name);
  const { warn, ...rest } = init.context ?? {};
  return {
    context: {
      ...rest,
      warn(d) {
        sink.warn(d);
        warn?.(d);
      },
    },
    diagnostics: sink.diagnostics,
  };
}

/** Runs a writer, yielding its chunks with options validated and defaulted. */
export function* writeChunks(
  plugin: OutputPlugin,
  set: ProfileSet,
  init: WriteInit = {},
): Generator<string | Uint8Array> {
  const options = resolveOptions(plugin.options, init.options ?? {}, plugin.name);
  const { context } = makeWriteContext(plugin, init);
  yield* plugin.write(set, options, context);
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
