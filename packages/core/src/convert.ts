/**
 * The conversion pipeline, once, for every program: the CLI, the web page and library
 * users all call `convert` (or `loadProfiles`, which stops before the writer).
 *
 *   inputs → open (gzip unpacked) → choose the reader (registry: `from`, detection)
 *          → read (whole, or streamed when big and the reader can) with the output's needs
 *          → validate (readers not trusted) → select threads → merge (pstats order)
 *          → transforms → [strict: stop on warnings] → writer → chunks
 *
 * Every stage reports into one `Diagnostics` list (diagnostics.ts), which the result
 * carries; it is complete once the chunks have been consumed. With `strict`, warnings
 * known before writing stop the run before the writer starts, and a warning the writer
 * raises stops the chunks at once — both as a `STRICT_WARNINGS` `ProfileError` — so a
 * caller writing a file atomically never keeps it.
 *
 * Threads are selected by the IR's `mainThread` mark, ids and labels, per input and
 * before merging, so a merge only ever sees what is written. Transforms are the slot
 * where filters and diffs plug in: functions from set to set, with the diagnostics and
 * the output's needs at hand; whatever they need from readers is asked of the readers.
 */

import { convertStreamed, streamsTimeline } from './convert-stream.js';
import { type DiagnosticSink, Diagnostics } from './diagnostics.js';
import { ProfileError } from './errors.js';
import {
  formatBytes,
  type Limits,
  limitExceeded,
  ReadBudget,
  resolveLimits,
  SMALL_INPUT,
} from './limits.js';
import { makeProfileSet, mergeProfileSets } from './merge.js';
import { type OptionValues, resolveOptions } from './options.js';
import {
  type InputPlugin,
  type OutputChunk,
  type OutputNeeds,
  type OutputPlugin,
  outputNeeds,
  type Plugin,
  type SourceFiles,
  type TimelineSink,
  type WriteContext,
} from './plugin.js';
import type { Profile, ProfileSet } from './profile.js';
import type { Registry } from './registry.js';
import { readStreamWith, readWith, writeChunks } from './run.js';
import { type InputData, type OpenedInput, openInput } from './source.js';
import { concatBytes, encodeText } from './text.js';
import { validateProfile } from './validate.js';

/** One input of a conversion. */
export interface ConvertInput {
  /** Its bytes: all of them, a chunk stream, a web stream, or a file-like `ByteSource`. */
  readonly data: InputData;
  /**
   * Its file name (no folders needed): extension detection, each profile's `sourceName`,
   * titles and default output names. A gzip input's `.gz` is dropped from it.
   */
  readonly name?: string;
  /** How messages and diagnostics name it (default: `name`, else `input N`). */
  readonly label?: string;
}

/** What a transform gets besides the set. */
export interface TransformContext extends DiagnosticSink {
  /** What the output will use (a transform keeps it, or says why not). */
  readonly needs: OutputNeeds;
}

/**
 * A step between reading and writing: a filter, a diff, a relabelling. It returns a new
 * set (profiles are immutable) and reports problems with `context.warn`.
 */
export interface Transform {
  /** Names it in diagnostics (`source`), e.g. `focus`. */
  readonly name: string;
  /** What it uses beyond the aggregate call graph; asked of the readers. */
  readonly needs?: OutputNeeds;
  apply(set: ProfileSet, context: TransformContext): ProfileSet;
}

/** Which readers' profiles are checked against the IR's invariants. */
export type Validation = 'all' | 'none' | { readonly except: readonly InputPlugin[] };

export interface LoadOptions {
  /** The formats available (readers by `from` or detection; the writer by `to`). */
  readonly registry: Registry;
  readonly inputs: readonly ConvertInput[];
  /** Read every input with this reader instead of detecting. */
  readonly from?: string;
  /**
   * Option values for every plugin in use, in one record: each takes the ones it declares;
   * a value no plugin in use declares is an `INVALID_OPTION` error.
   */
  readonly options?: OptionValues;
  /** What readers should keep beyond the call graph (`convert` sets it from the writer). */
  readonly needs?: OutputNeeds;
  /**
   * Only these threads: `main` (the parts marked `mainThread`, or an input's only part), a
   * thread id, a part's label, or `#N` (the Nth part of all inputs, from 0).
   */
  readonly thread?: string;
  /** The profiled program's source files, for readers that scan code (`SourceFiles`). */
  readonly sources?: SourceFiles;
  readonly transforms?: readonly Transform[];
  /** Default `all`. A program that trusts its bundled readers lists them in `except`. */
  readonly validate?: Validation;
  /**
   * Inputs larger than this (bytes) are streamed to readers that can stream; smaller ones
   * are read whole. Compressed inputs and streams of unknown size are always streamed to
   * such readers. Default 32 MiB.
   */
  readonly streamAbove?: number;
  /** The list to report into (default: a new one); see it fill as it happens with `onReport`. */
  readonly diagnostics?: Diagnostics;
  /**
   * Budgets (limits.ts): what one input may make the conversion read, allocate and write.
   * Default `DEFAULT_LIMITS`; going over one is a `LIMIT_EXCEEDED` error.
   */
  readonly limits?: Partial<Limits>;
}

export interface LoadResult {
  /** The profiles, merged, thread-selected and transformed. */
  readonly set: ProfileSet;
  /** The reader chosen for each input. */
  readonly readers: readonly InputPlugin[];
  /** Each input's name as used (a gzip input's `.gz` dropped); undefined when it had none. */
  readonly names: readonly (string | undefined)[];
  /** Each input's profiles as its reader returned them (before thread selection and merge). */
  readonly inputSets: readonly ProfileSet[];
  readonly diagnostics: Diagnostics;
  /** Bytes read from each input (unpacked). */
  readonly inputBytes: readonly number[];
}

export interface ConvertOptions extends LoadOptions {
  /** The writer's name. */
  readonly to: string;
  /** The program writing, for the outputs' `creator`/`exporter` fields, e.g. `myapp@1.0`. */
  readonly producer?: string;
  /** The inputs' name for titles (default: their names joined by ` + `; no name: `<stdin>`, as in messages). */
  readonly inputName?: string;
  /** Set when the output goes to an interactive terminal. */
  readonly terminal?: { width: number; color: boolean };
  /** Stop on any warning (see the file comment). */
  readonly strict?: boolean;
}

export interface ConvertResult extends LoadResult {
  readonly writer: OutputPlugin;
  /**
   * The output, produced as it is iterated (once; `for await` takes either kind). Strings
   * are UTF-8 with escaped bytes restored by `encodeText`; `chunksToBytes` joins them.
   * A writer that streams timelines reads its input while the chunks are iterated
   * (convert-stream.ts): they are then an async iterable.
   */
  readonly chunks: Iterable<OutputChunk> | AsyncIterable<OutputChunk>;
}

/** Inputs above this size are streamed to readers that can stream. */
export const STREAM_ABOVE = 32 * 1024 * 1024;

/** Records which input an error concerns, unless it already says. */
export function tagInput(error: unknown, label: string): unknown {
  if (typeof error === 'object' && error !== null) {
    const tagged = error as { input?: unknown };
    if (tagged.input === undefined) {
      try {
        tagged.input = label;
      } catch {
        // a frozen error keeps its own shape
      }
    }
  }
  return error;
}

/** The values of `plugin`'s declared options among `options`. */
export function optionsFor(plugin: Plugin, options: OptionValues): OptionValues {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(plugin.options ?? {})) {
    if (options[name] !== undefined) out[name] = options[name];
  }
  return out;
}

/** Every option given must belong to a plugin in use. */
function checkOwnership(options: OptionValues, inUse: readonly Plugin[], registry: Registry): void {
  for (const name of Object.keys(options)) {
    if (options[name] === undefined) continue;
    if (inUse.some((p) => p.options !== undefined && name in p.options)) continue;
    const owners = registry.plugins
      .filter((p) => p.options !== undefined && name in p.options)
      .map((p) => p.name);
    const users = inUse.map((p) => p.name).join(' or ');
    throw new ProfileError(
      'INVALID_OPTION',
      owners.length > 0
        ? `--${name} is an option of ${owners.join(', ')}, not of ${users}`
        : `--${name} is not an option of ${users}`,
    );
  }
}

/** Both sets of needs: every wanted part, the longer (or unlimited) timeline. */
export function combineNeeds(a: OutputNeeds, b: OutputNeeds): OutputNeeds {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (key !== 'timelineLimit') out[key] = Boolean(out[key]) || Boolean(value);
  }
  const limits = [a, b].filter((n) => n.timeline || n.timelineLimit !== undefined);
  delete out.timelineLimit;
  if (limits.length > 0 && limits.every((n) => n.timelineLimit !== undefined)) {
    out.timelineLimit = Math.max(...limits.map((n) => n.timelineLimit as number));
  }
  return out as OutputNeeds;
}

function shouldValidate(validation: Validation, reader: InputPlugin): boolean {
  if (validation === 'all') return true;
  if (validation === 'none') return false;
  return !validation.except.includes(reader);
}

/** Checks a set against the IR's invariants; `who` made it. */
function checkSet(set: ProfileSet, who: string, format: string | undefined): void {
  for (const profile of new Set([...set.parts, set.whole])) {
    const { errors, errorCount } = validateProfile(profile);
    if (errorCount > 0) {
      throw new ProfileError(
        'INVALID_PROFILE',
        `${who} produced an invalid profile (a bug, please report it): ${errors.slice(0, 3).join('; ')}`,
        format === undefined ? {} : { format },
      );
    }
  }
}

export interface ReadInput {
  set: ProfileSet;
  reader: InputPlugin;
  name: string | undefined;
  /** Bytes read (unpacked). */
  bytes: number;
  /** Its parts that are the main thread (see `mainThread` in the IR). */
  mains: ReadonlySet<Profile>;
}

/** What reading every input shares. */
export interface Reading {
  readonly options: LoadOptions;
  /** The readers chosen so far, and the writer: the plugins options may belong to. */
  readonly readers: InputPlugin[];
  readonly writer: OutputPlugin | undefined;
  readonly needs: OutputNeeds;
  readonly diagnostics: Diagnostics;
  readonly limits: Limits;
  /** A streamed conversion's (convert-stream.ts): where the reader sends the timeline. */
  readonly timeline?: TimelineSink;
  /** A streamed conversion's: the input's chunks as the reader should get them (always streamed). */
  readonly pace?: (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
}

/** Opens, identifies and reads one input. A function of its own, so its bytes die with it. */
async function readInput(input: ConvertInput, label: string, reading: Reading): Promise<ReadInput> {
  const budget = new ReadBudget(reading.limits);
  const opened = await openInput(input.data, budget);
  try {
    return await readOpened(opened, input, label, reading, budget);
  } catch (error) {
    await opened.discard().catch(() => {});
    throw error;
  }
}

/** An input's name as used: a gzip input's `.gz` dropped. */
export function usedName(input: ConvertInput, opened: OpenedInput): string | undefined {
  return input.name !== undefined && opened.compressed
    ? input.name.replace(/\.gz$/i, '')
    : input.name;
}

export async function readOpened(
  opened: OpenedInput,
  input: ConvertInput,
  label: string,
  { options, readers, writer, needs, diagnostics, timeline, pace }: Reading,
  budget: ReadBudget,
): Promise<ReadInput> {
  const name = usedName(input, opened);
  const reader = options.registry.resolveInput(opened.head, {
    ...(name !== undefined ? { fileName: name } : {}),
    ...(options.from !== undefined ? { from: options.from } : {}),
  });
  if (!readers.includes(reader)) readers.push(reader);
  checkOwnership(options.options ?? {}, writer ? [...readers, writer] : readers, options.registry);
  const init = {
    options: optionsFor(reader, options.options ?? {}),
    needs,
    ...(name !== undefined ? { fileName: name } : {}),
    ...(options.sources !== undefined ? { sources: options.sources } : {}),
    diagnostics,
    input: label,
    budget,
    ...(timeline !== undefined ? { timeline } : {}),
  };
  const stream =
    reader.readStream !== undefined &&
    (pace !== undefined ||
      (!opened.inMemory &&
        (opened.compressed ||
          opened.size === undefined ||
          opened.size > (options.streamAbove ?? STREAM_ABOVE))));
  const set = stream
    ? await readStreamWith(reader, pace ? pace(opened.chunks()) : opened.chunks(), init)
    : readWith(reader, await opened.whole(), init);
  // Third-party readers are checked on every read; the bundled ones a program trusts are
  // held to the same invariants by their test suites (oracles and fuzz properties), which
  // keeps large conversions from paying for a second pass over every edge.
  if (shouldValidate(options.validate ?? 'all', reader)) {
    checkSet(set, `the ${reader.name} reader`, reader.name);
  }
  const marked = set.parts.filter((p) => p.metadata.mainThread === true);
  const only = set.parts.length === 1 ? (set.parts[0] as Profile) : undefined;
  const mains = new Set(
    marked.length > 0 ? marked : only && only.metadata.mainThread !== false ? [only] : [],
  );
  return { set, reader, name, mains, bytes: budget.inputBytes };
}

/** The parts `selector` names (see `LoadOptions.thread`), per input; an error if none. */
function selectThreads(read: readonly ReadInput[], selector: string): Profile[][] {
  const all = read.flatMap((r, input) => r.set.parts.map((part) => ({ part, input, r })));
  const index = /^#(\d+)$/.exec(selector);
  let chosen = index ? all.filter((_, k) => k === Number(index[1])) : [];
  if (!index) {
    chosen = all.filter(({ part }) => part.metadata.threadId === selector);
    if (chosen.length === 0 && selector === 'main')
      chosen = all.filter(({ part, r }) => r.mains.has(part));
    if (chosen.length === 0) chosen = all.filter(({ part }) => part.metadata.label === selector);
  }
  if (chosen.length === 0) {
    const known = all.map(({ part }, k) => {
      const m = part.metadata;
      const name = m.label ?? (m.threadId ? `thread ${m.threadId}` : '');
      return `#${k}${name ? ` ${name}` : ''}`;
    });
    throw new ProfileError(
      'INVALID_OPTION',
      `no thread ${JSON.stringify(selector)} in the input${read.length > 1 ? 's' : ''}; it has: ${known.join(', ')}`,
    );
  }
  return read.map((_, input) => chosen.filter((c) => c.input === input).map((c) => c.part));
}

async function load(
  options: LoadOptions,
  writer: OutputPlugin | undefined,
  needs: OutputNeeds,
): Promise<LoadResult> {
  const diagnostics = options.diagnostics ?? new Diagnostics();
  if (options.inputs.length === 0) {
    throw new ProfileError('INVALID_OPTION', 'nothing to convert: no inputs were given');
  }
  const transforms = options.transforms ?? [];
  let readerNeeds = needs;
  for (const transform of transforms) {
    if (transform.needs) readerNeeds = combineNeeds(readerNeeds, transform.needs);
  }
  const reading: Reading = {
    options,
    readers: [],
    writer,
    needs: readerNeeds,
    diagnostics,
    limits: resolveLimits(options.limits),
  };
  const read: ReadInput[] = [];
  for (let k = 0; k < options.inputs.length; k++) {
    const input = options.inputs[k] as ConvertInput;
    const label = input.label ?? input.name ?? `input ${k + 1}`;
    try {
      read.push(await readInput(input, label, reading));
    } catch (error) {
      throw tagInput(error, label);
    }
  }
  const merge = diagnostics.sink('merge', 'merge');
  let sets = read.map((r) => r.set);
  if (options.thread !== undefined) {
    const chosen = selectThreads(read, options.thread);
    sets = [];
    chosen.forEach((parts, input) => {
      const all = (read[input] as ReadInput).set;
      if (parts.length === 0) return;
      if (parts.length === all.parts.length) sets.push(all);
      else sets.push(makeProfileSet(parts, { diagnostics: merge }));
    });
  }
  let set = mergeProfileSets(sets, { order: 'pstats', diagnostics: merge });
  for (const transform of transforms) {
    const sink = diagnostics.sink(transform.name, 'transform');
    set = transform.apply(set, { needs, warn: sink.warn });
    if (options.validate === 'all') checkSet(set, `the ${transform.name} transform`, undefined);
  }
  return {
    set,
    readers: read.map((r) => r.reader),
    names: read.map((r) => r.name),
    inputSets: read.map((r) => r.set),
    diagnostics,
    inputBytes: read.map((r) => r.bytes),
  };
}

/**
 * Reads, merges and transforms the inputs, stopping before any writer (for programs that
 * show a profile rather than convert it).
 */
export function loadProfiles(options: LoadOptions): Promise<LoadResult> {
  return load(options, undefined, options.needs ?? {});
}

export function strictError(count: number, when: 'before' | 'while'): ProfileError {
  const warnings = `${count} warning${count === 1 ? '' : 's'}`;
  return new ProfileError(
    'STRICT_WARNINGS',
    when === 'before'
      ? `${warnings}; nothing written (strict)`
      : `${warnings} while writing; output stopped (strict)`,
  );
}

/** The writer's chunks, stopped at the first warning it raises. */
export function* stopOnWarning(
  chunks: Iterable<OutputChunk>,
  diagnostics: Diagnostics,
): Generator<OutputChunk> {
  const before = diagnostics.warningCount;
  for (const chunk of chunks) {
    if (diagnostics.warningCount > before) break;
    yield chunk;
  }
  const raised = diagnostics.warningCount - before;
  if (raised > 0) throw strictError(raised, 'while');
}

/**
 * The writer's chunks, stopped with `LIMIT_EXCEEDED` once they pass `limit` bytes: the
 * backstop behind writers whose output is proportional to the profile, so a writer's
 * regression (or a shape nobody foresaw) fills no disk. String chunks count their UTF-16
 * length, a lower bound of their UTF-8 bytes.
 */
function* boundedOutput(
  chunks: Iterable<OutputChunk>,
  limit: number,
  perByte: number,
  writer: string,
): Generator<OutputChunk> {
  let written = 0;
  for (const chunk of chunks) {
    written += chunk.length;
    if (written > limit) throw outputTooLarge(writer, limit, perByte);
    yield chunk;
  }
}

/** The error for output past `outputPerByte` times the input (whole and streamed conversions). */
export function outputTooLarge(writer: string, limit: number, perByte: number): ProfileError {
  return limitExceeded(
    'outputPerByte',
    `the ${writer} output grew past ${formatBytes(limit)}, ${perByte} times the input: a writer's output is proportional to its profile, so this input is built to blow it up`,
    { format: writer },
  );
}

/** The whole conversion (see the file comment). */
export async function convert(options: ConvertOptions): Promise<ConvertResult> {
  const writer = options.registry.resolveOutput(options.to);
  const given = options.options ?? {};
  const writerOptions = optionsFor(writer, given);
  const needs = outputNeeds(writer, resolveOptions(writer.options, writerOptions, writer.name));
  if (streamsTimeline(writer, options)) {
    return convertStreamed(
      options,
      writer,
      writerOptions,
      combineNeeds(options.needs ?? {}, needs),
    );
  }
  const loaded = await load(options, writer, combineNeeds(options.needs ?? {}, needs));
  const { diagnostics } = loaded;
  // Data derived for the writer from what it `needs` (e.g. stacks reconstructed from the
  // call graph) belongs here, after the transforms and before the strict check, so its
  // warnings are known before anything is written.
  if (options.strict && diagnostics.warningCount > 0) {
    throw strictError(diagnostics.warningCount, 'before');
  }
  const chunks = writeChunks(writer, loaded.set, {
    options: writerOptions,
    diagnostics,
    context: writeContext(options, loaded.names),
  });
  const limits = resolveLimits(options.limits);
  let inputBytes = 0;
  for (const bytes of loaded.inputBytes) inputBytes += Math.max(bytes, SMALL_INPUT);
  const bounded = boundedOutput(
    chunks,
    limits.outputPerByte * inputBytes,
    limits.outputPerByte,
    writer.name,
  );
  return {
    ...loaded,
    writer,
    chunks: options.strict ? stopOnWarning(bounded, diagnostics) : bounded,
  };
}

/** What the writer is told about the conversion. */
export function writeContext(
  options: ConvertOptions,
  names: readonly (string | undefined)[],
): Partial<WriteContext> {
  return {
    inputName: options.inputName ?? names.map((n) => n ?? '<stdin>').join(' + '),
    ...(options.producer !== undefined ? { producer: options.producer } : {}),
    ...(options.terminal !== undefined ? { terminal: options.terminal } : {}),
  };
}

/** A conversion's chunks as one byte array (strings encoded with `encodeText`). */
export function chunksToBytes(chunks: Iterable<OutputChunk>): Uint8Array;
export function chunksToBytes(chunks: AsyncIterable<OutputChunk>): Promise<Uint8Array>;
export function chunksToBytes(
  chunks: Iterable<OutputChunk> | AsyncIterable<OutputChunk>,
): Uint8Array | Promise<Uint8Array>;
export function chunksToBytes(
  chunks: Iterable<OutputChunk> | AsyncIterable<OutputChunk>,
): Uint8Array | Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const add = (chunk: OutputChunk) =>
    parts.push(typeof chunk === 'string' ? encodeText(chunk) : chunk);
  if (Symbol.iterator in chunks) {
    for (const chunk of chunks) add(chunk);
    return concatBytes(parts);
  }
  return (async () => {
    for await (const chunk of chunks) add(chunk);
    return concatBytes(parts);
  })();
}

/** Shape-checks a transform at compile time (an identity, like `defineOutputPlugin`). */
export function defineTransform<const T extends Transform>(transform: T): T {
  return transform;
}
