/**
 * The two plugin contracts. An input plugin turns bytes into a `ProfileSet`; an output
 * plugin turns a `ProfileSet` into chunks. Both are plain objects with a name (used on the
 * command line), a title, declared options (from which the CLI builds `--help` and each
 * README its options table) and pure functions: no I/O, no logging — warnings go to the
 * context. `defineInputPlugin` / `defineOutputPlugin` are identities that check the shape
 * at compile time and type a plugin's option values from its own option list.
 */
import type { DiagnosticSink } from './diagnostics.js';
import type { ProfileDiff } from './diff.js';
import type { ReadBudget } from './limits.js';
import type { OptionSpecs, OptionValues, OptionValuesOf } from './options.js';
import type { FunctionKind, ProfileSet } from './profile.js';
import type { StacksNeed } from './stacks.js';

/** How sure a detector is: `certain` (a signature matched) or `likely` (plausible). */
export type Confidence = 'certain' | 'likely';

/** What a writer will use beyond the aggregate call graph, so readers can skip the rest. */
export interface OutputNeeds {
  /** The exact enter/exit timeline (memory grows with the number of events). */
  timeline?: boolean;
  /**
   * The most timeline events the output will use: a reader may leave out a timeline that
   * would be longer (the output then uses what else it asked for, e.g. the call tree), so
   * a huge log never holds events nobody writes.
   */
  timelineLimit?: number;
  /** The exact calling-context tree (memory grows with the number of distinct stacks). */
  callTree?: boolean;
  /** Line costs and call-site lines. */
  lines?: boolean;
  /**
   * Stacks for every profile, within this budget: the writer gets them with core's
   * `deriveStacks(profile, need)` — exact where the source has a timeline or an exact call
   * tree, reconstructed from the call graph otherwise (and labelled so). Implies `callTree`
   * for readers unless `from` is `call-graph`.
   */
  stacks?: StacksNeed;
}

/**
 * The profiled program's source files, for readers that look at code to tell functions
 * apart (sampled stacks record a function by file and name only). Readers only scan the
 * text, never import or run it. The caller decides where files come from — the CLI reads
 * them from disk (`--sources DIR`, or the paths the profile records), a browser from files
 * the user dropped — so readers stay free of I/O.
 */
export interface SourceFiles {
  /** The bytes of the file the profile records as `path`, or undefined when unavailable. */
  read(path: string): Uint8Array | undefined;
}

/**
 * Receives an exact timeline while a reader replays it, so an output can be written as
 * the input is read and a huge log is never held (`ReadContext.timeline`). Functions are
 * announced when first met, before any event names them; events come in recorded order.
 */
export interface TimelineSink {
  /**
   * A function met for the first time: `fn` is its row in the profile the reader returns
   * (rows are announced in order, 0, 1, 2, …).
   */
  function(fn: number, file: string, line: number, name: string, kind: FunctionKind): void;
  /**
   * A call (`TIMELINE_ENTER`) or return (`TIMELINE_EXIT`) of `fn`, at `time` seconds from
   * the start (never less than the time before; NaN when the source recorded no times).
   */
  event(kind: number, fn: number, time: number): void;
}

export interface ReadContext<Options = OptionValues> extends DiagnosticSink {
  /** Option values, validated and defaulted against the plugin's `options`. */
  readonly options: Options;
  /** What the chosen output needs; a reader may leave out the rest. */
  readonly needs: OutputNeeds;
  /** The input's file name, when there is one (for messages and labels). */
  readonly fileName?: string;
  /** The profiled program's sources, when the caller can supply them. */
  readonly sources?: SourceFiles;
  /**
   * What the read may allocate (limits.ts): readers check strings, nesting, rows and
   * events against it before allocating them. Set by the pipeline; a reader called
   * without one uses `budgetFor(context, bytes)` (the default limits).
   */
  readonly budget?: ReadBudget;
  /**
   * Where to deliver the exact timeline as it is read. A reader that can calls it and
   * keeps no `timeline` in the profile it returns, whatever `needs` says; a reader that
   * cannot ignores it (the timeline then comes in the profile, as `needs` asks).
   */
  readonly timeline?: TimelineSink;
}

export interface WriteContext extends DiagnosticSink {
  /** True when the output goes to an interactive terminal (colour, width may be used). */
  readonly terminal?: { width: number; color: boolean };
  /** Name of the program writing, e.g. `pyprof@0.1.0`, for `creator`/`exporter` fields. */
  readonly producer?: string;
  /** The input's name, for titles. */
  readonly inputName?: string;
}

export interface InputPlugin {
  /** Stable id used by `--from`, e.g. `cprofile`. */
  readonly name: string;
  readonly title: string;
  /** File name extensions with the dot, e.g. `['.prof', '.pstats']`. */
  readonly extensions: readonly string[];
  readonly options?: OptionSpecs;
  /**
   * Looks only at the first bytes (up to 4 KiB); pure, cheap, never throws; `undefined`
   * means "not mine". The file name is a hint only.
   */
  detect(head: Uint8Array, hint?: { fileName?: string }): Confidence | undefined;
  /** Reads a whole input. Throws `ProfileError` on bad data, nothing else. */
  read(input: Uint8Array, context: ReadContext): ProfileSet;
  /** Reads a stream of chunks in bounded memory (formats whose files get huge). */
  readStream?(chunks: AsyncIterable<Uint8Array>, context: ReadContext): Promise<ProfileSet>;
}

/**
 * A reader as `defineInputPlugin` takes it: its option values typed from its declared
 * `options` (`OptionValuesOf`). It is an `InputPlugin` for registries and the pipeline.
 */
export interface TypedInputPlugin<Specs extends OptionSpecs>
  extends Omit<InputPlugin, 'options' | 'read' | 'readStream'> {
  readonly options?: Specs;
  read(input: Uint8Array, context: ReadContext<OptionValuesOf<Specs>>): ProfileSet;
  readStream?(
    chunks: AsyncIterable<Uint8Array>,
    context: ReadContext<OptionValuesOf<Specs>>,
  ): Promise<ProfileSet>;
}

export type OutputChunk = string | Uint8Array;

/**
 * A writer fed while the input is read (`OutputPlugin.streamTimeline`): the reader calls
 * its `TimelineSink` methods, the pipeline takes the output made so far after each piece
 * of input, and `finish` writes the rest once the profile is complete.
 */
export interface TimelineWriter extends TimelineSink {
  /** The output made since the last call (fresh chunks: the consumer keeps them). */
  take(): OutputChunk[];
  /**
   * The rest of the output, given the profile set `write` would have been given (its
   * profiles hold no timeline where the reader streamed it). A writer that was sent no
   * events writes the whole output here, from the set.
   */
  finish(set: ProfileSet): Iterable<OutputChunk>;
}

export interface OutputPlugin {
  /** Stable id used by `--to`, e.g. `callgrind`. */
  readonly name: string;
  readonly title: string;
  /** Default file extension with the dot, e.g. `.json`; '' when the name says it all. */
  readonly extension: string;
  readonly options?: OptionSpecs;
  /** What this writer uses beyond the aggregate call graph (for any options). */
  readonly needs?: OutputNeeds;
  /** What it uses with these (resolved) options, when that depends on them; else `needs`. */
  needsFor?(options: OptionValues): OutputNeeds;
  /**
   * A default output file name for an input named `inputName` (without folders), given the
   * names of the files already in the folder it will be written to (some viewers treat
   * files whose names share a prefix as one profile).
   */
  defaultOutputName?(inputName: string, existingFileNames: readonly string[]): string;
  /**
   * Yields the output in chunks; strings are UTF-8 with escaped bytes restored
   * (`encodeText`). A yielded chunk belongs to the consumer, which may still be writing it
   * while the writer produces the next: never change a `Uint8Array` after yielding it.
   */
  write(set: ProfileSet, options: OptionValues, context: WriteContext): Iterable<OutputChunk>;
  /**
   * Optional, for outputs of exact timelines whose inputs get huge (Chrome traces): a
   * writer fed with the timeline while it is read, so the output streams and the timeline
   * is never held. `convert` uses it instead of `write` for one input without thread
   * selection or transforms; what it writes must be what `write` writes for the same set.
   */
  streamTimeline?(options: OptionValues, context: WriteContext): TimelineWriter;
  /**
   * Writes a comparison of two profiles (`pyprof diff`, core's `compareProfiles`), for
   * formats that can show one: both sides' numbers per function, one name per function
   * (name `diff.set.whole`). Writers without it cannot write diffs.
   */
  writeDiff?(
    diff: ProfileDiff,
    options: OptionValues,
    context: WriteContext,
  ): Iterable<OutputChunk>;
}

/**
 * A writer as `defineOutputPlugin` takes it: its option values typed from its declared
 * `options` (`OptionValuesOf`). It is an `OutputPlugin` for registries and the pipeline.
 */
export interface TypedOutputPlugin<Specs extends OptionSpecs>
  extends Omit<OutputPlugin, 'options' | 'needsFor' | 'write' | 'streamTimeline' | 'writeDiff'> {
  readonly options?: Specs;
  needsFor?(options: OptionValuesOf<Specs>): OutputNeeds;
  write(
    set: ProfileSet,
    options: OptionValuesOf<Specs>,
    context: WriteContext,
  ): Iterable<OutputChunk>;
  streamTimeline?(options: OptionValuesOf<Specs>, context: WriteContext): TimelineWriter;
  writeDiff?(
    diff: ProfileDiff,
    options: OptionValuesOf<Specs>,
    context: WriteContext,
  ): Iterable<OutputChunk>;
}

export type Plugin = InputPlugin | OutputPlugin;

/** What `plugin` needs from readers with these options (`needsFor`, else `needs`). */
export function outputNeeds(plugin: OutputPlugin, options: OptionValues): OutputNeeds {
  const needs = plugin.needsFor?.(options) ?? plugin.needs ?? {};
  // Exact stacks come from the call tree a reader keeps.
  if (needs.stacks && needs.stacks.from !== 'call-graph' && !needs.callTree)
    return { ...needs, callTree: true };
  return needs;
}

/**
 * Checks a reader's shape at compile time and types its option values from its `options`
 * (written in the call, or a `const` object that `satisfies OptionSpecs`).
 */
export function defineInputPlugin<
  const Specs extends OptionSpecs = Record<never, never>,
  const P extends TypedInputPlugin<Specs> = TypedInputPlugin<Specs>,
>(plugin: P & TypedInputPlugin<Specs>): P {
  return plugin;
}

/**
 * Checks a writer's shape at compile time and types its option values from its `options`
 * (written in the call, or a `const` object that `satisfies OptionSpecs`).
 */
export function defineOutputPlugin<
  const Specs extends OptionSpecs = Record<never, never>,
  const P extends TypedOutputPlugin<Specs> = TypedOutputPlugin<Specs>,
>(plugin: P & TypedOutputPlugin<Specs>): P {
  return plugin;
}

export function isInputPlugin(value: unknown): value is InputPlugin {
  const p = value as InputPlugin;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.name === 'string' &&
    typeof p.read === 'function' &&
    typeof p.detect === 'function'
  );
}

export function isOutputPlugin(value: unknown): value is OutputPlugin {
  const p = value as OutputPlugin;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.name === 'string' &&
    typeof p.write === 'function'
  );
}
