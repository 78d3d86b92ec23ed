/**
 * The comparison pipeline (`pyprof diff BASE NEW`), beside `convert`: each side is loaded
 * exactly as `convert` loads its inputs (one or more inputs, merged; threads selected;
 * transforms applied per side), the two wholes are compared by `diffProfiles` (one
 * matching, one set of functions, so one name per function in every output), and the
 * writer's `writeDiff` writes the comparison. Both sides report into one `Diagnostics`
 * list; `strict` stops on warnings as `convert` does.
 *
 * Option values are shared out as in `convert`: the writer takes the ones it declares, the
 * readers the rest (an option nobody in use declares is an `INVALID_OPTION` error).
 */
import {
  type ConvertInput,
  type LoadOptions,
  type LoadResult,
  loadProfiles,
  optionsFor,
  stopOnWarning,
  strictError,
} from './convert.js';
import { Diagnostics } from './diagnostics.js';
import { diffProfiles, type ProfileDiff } from './diff.js';
import { ProfileError } from './errors.js';
import { resolveOptions } from './options.js';
import { type OutputChunk, type OutputPlugin, outputNeeds } from './plugin.js';

export interface CompareOptions extends Omit<LoadOptions, 'inputs'> {
  /** BASE: the run compared against (several inputs are merged). */
  readonly base: readonly ConvertInput[];
  /** NEW: the run compared (several inputs are merged). */
  readonly next: readonly ConvertInput[];
  /** The writer's name; it must have `writeDiff`. */
  readonly to: string;
  /** Scale BASE's costs to NEW's total (`diffProfiles`). */
  readonly normalize?: boolean;
  /** For the outputs' `creator`/`exporter` fields, e.g. `myapp@1.0`. */
  readonly producer?: string;
  readonly terminal?: { width: number; color: boolean };
  /** Stop on any warning, as `convert` does. */
  readonly strict?: boolean;
}

export interface CompareResult {
  readonly diff: ProfileDiff;
  readonly writer: OutputPlugin;
  readonly base: LoadResult;
  readonly next: LoadResult;
  readonly diagnostics: Diagnostics;
  /** The output, produced as it is iterated (once). */
  readonly chunks: Iterable<OutputChunk>;
}

/** `a.prof + b.prof`, or `stdin`. */
function sideName(result: LoadResult): string {
  return result.names.map((n) => n ?? 'stdin').join(' + ');
}

/** Compares BASE with NEW and writes the comparison (see the file comment). */
export async function compareProfiles(options: CompareOptions): Promise<CompareResult> {
  const writer = options.registry.resolveOutput(options.to);
  const writeDiff = writer.writeDiff;
  if (writeDiff === undefined) {
    const able = options.registry.writers.filter((w) => w.writeDiff !== undefined);
    throw new ProfileError(
      'INVALID_OPTION',
      `${writer.name} cannot show a comparison; formats that can: ${able.map((w) => w.name).join(', ')}`,
    );
  }
  const given = options.options ?? {};
  const writerOptions = optionsFor(writer, given);
  const resolved = resolveOptions(writer.options, writerOptions, writer.name);
  const readerOptions = Object.fromEntries(
    Object.entries(given).filter(([name]) => !(name in (writer.options ?? {}))),
  );
  const diagnostics = options.diagnostics ?? new Diagnostics();
  const load = (inputs: readonly ConvertInput[]) =>
    loadProfiles({
      ...options,
      inputs,
      options: readerOptions,
      needs: outputNeeds(writer, resolved),
      diagnostics,
    });
  const base = await load(options.base);
  const next = await load(options.next);
  const diff = diffProfiles(base.set.whole, next.set.whole, {
    ...(options.normalize ? { normalize: true } : {}),
    labels: { base: `BASE ${sideName(base)}`, next: `NEW ${sideName(next)}` },
    diagnostics: diagnostics.sink('diff', 'transform'),
  });
  if (options.strict && diagnostics.warningCount > 0) {
    throw strictError(diagnostics.warningCount, 'before');
  }
  const sink = diagnostics.sink(writer.name, 'write');
  const chunks = writeDiff.call(writer, diff, resolved, {
    inputName: `${sideName(base)} vs ${sideName(next)}`,
    ...(options.producer !== undefined ? { producer: options.producer } : {}),
    ...(options.terminal !== undefined ? { terminal: options.terminal } : {}),
    warn: sink.warn,
  });
  return {
    diff,
    writer,
    base,
    next,
    diagnostics,
    chunks: options.strict ? stopOnWarning(chunks, diagnostics) : chunks,
  };
}
