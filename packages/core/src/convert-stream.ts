/**
 * The conversion of one input by a writer that streams timelines
 * (`OutputPlugin.streamTimeline`, e.g. Chrome traces of hotshot logs): the reader feeds the
 * writer as it reads (`ReadContext.timeline`), and the output made so far is handed on
 * after every piece of input (handoff.ts), so neither the timeline nor the output is ever
 * held — a 300 MB log converts in the memory of a 30 MB one. A module of its own so the
 * ordinary conversion (convert.ts) stays one path: it only asks `streamsTimeline` and
 * hands over, and reading goes through the same `readOpened` (with `Reading.timeline` and
 * `Reading.pace`).
 */
import {
  type ConvertInput,
  type ConvertOptions,
  type ConvertResult,
  outputTooLarge,
  type ReadInput,
  type Reading,
  readOpened,
  strictError,
  tagInput,
  usedName,
  writeContext,
} from './convert.js';
import { Diagnostics } from './diagnostics.js';
import { handoff } from './handoff.js';
import { ReadBudget, resolveLimits, SMALL_INPUT } from './limits.js';
import { mergeProfileSets } from './merge.js';
import type { OptionValues } from './options.js';
import type { OutputChunk, OutputNeeds, OutputPlugin, TimelineWriter } from './plugin.js';
import type { ProfileSet } from './profile.js';
import { streamTimelineWith } from './run.js';
import { type OpenedInput, openInput } from './source.js';

/** Pieces of input the reader gets between hand-offs of output. */
const PIECE = 64 * 1024;

/**
 * Whether `convert` streams: a writer with `streamTimeline`, given one input without
 * thread selection or transforms (those need the whole profile before writing).
 */
export function streamsTimeline(writer: OutputPlugin, options: ConvertOptions): boolean {
  return (
    writer.streamTimeline !== undefined &&
    options.inputs.length === 1 &&
    options.thread === undefined &&
    (options.transforms ?? []).length === 0
  );
}

/**
 * The streamed conversion (see the file comment). Reading starts when the chunks are
 * iterated; `set` is known once they have been consumed (reading it sooner throws). With
 * `strict`, any warning — the reader's too — stops the chunks, as a writer's warning does.
 * Iterate the chunks to the end, or end the iteration early (`return()`), so the input is
 * closed.
 */
export async function convertStreamed(
  options: ConvertOptions,
  writer: OutputPlugin,
  writerOptions: OptionValues,
  needs: OutputNeeds,
): Promise<ConvertResult> {
  const diagnostics = options.diagnostics ?? new Diagnostics();
  const input = options.inputs[0] as ConvertInput;
  const label = input.label ?? input.name ?? 'input 1';
  const limits = resolveLimits(options.limits);
  const budget = new ReadBudget(limits);
  let opened: OpenedInput;
  try {
    opened = await openInput(input.data, budget);
  } catch (error) {
    throw tagInput(error, label);
  }
  const source = opened;
  const names = [usedName(input, source)];
  const streaming = streamTimelineWith(writer, {
    options: writerOptions,
    diagnostics,
    context: writeContext(options, names),
  }) as TimelineWriter;
  const readers: Reading['readers'] = [];
  let set: ProfileSet | undefined;
  let inputSet: ProfileSet | undefined;
  const chunks = handoff<OutputChunk>(async (emit) => {
    const before = diagnostics.warningCount;
    // The output budget grows with the input read so far (`outputPerByte`, as convert.ts's
    // `boundedOutput` for whole reads): the input's size is not known before it ends.
    let written = 0;
    const pass = (items: readonly OutputChunk[]) => {
      const raised = diagnostics.warningCount - before;
      if (options.strict && raised > 0) throw strictError(raised, 'while');
      for (const item of items) written += item.length;
      const limit = limits.outputPerByte * Math.max(budget.inputBytes, SMALL_INPUT);
      if (written > limit) throw outputTooLarge(writer.name, limit, limits.outputPerByte);
      return emit(items);
    };
    async function* pace(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const chunk of chunks) {
        for (let at = 0; at < chunk.length; at += PIECE) {
          yield chunk.subarray(at, Math.min(chunk.length, at + PIECE));
          await pass(streaming.take());
        }
      }
    }
    const reading: Reading = {
      options,
      readers,
      writer,
      needs,
      diagnostics,
      limits,
      timeline: streaming,
      pace,
    };
    let read: ReadInput;
    try {
      read = await readOpened(source, input, label, reading, budget);
    } catch (error) {
      await source.discard().catch(() => {});
      throw tagInput(error, label);
    }
    const whole = mergeProfileSets([read.set], {
      order: 'pstats',
      diagnostics: diagnostics.sink('merge', 'merge'),
    });
    inputSet = read.set;
    set = whole;
    await pass(streaming.take());
    for (const chunk of streaming.finish(whole)) await pass([chunk]);
    await pass([]);
  });
  return {
    get set(): ProfileSet {
      if (set === undefined)
        throw new Error('convert: a streamed conversion has its profile once its chunks are read');
      return set;
    },
    get inputSets(): readonly ProfileSet[] {
      if (inputSet === undefined)
        throw new Error('convert: a streamed conversion has its profile once its chunks are read');
      return [inputSet];
    },
    get inputBytes(): readonly number[] {
      return [budget.inputBytes];
    },
    readers,
    names,
    diagnostics,
    writer,
    chunks,
  };
}
