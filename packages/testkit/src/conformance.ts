/**
 * The four promises a plugin makes to the pipeline that its own tests rarely exercise,
 * each as a check the suites run (suites.ts) and a plugin author can call directly:
 * - a reader's `readStream` gives what `read` gives, however the bytes are cut;
 * - `needs` only ever leave data out: a reader asked for less returns the same numbers
 *   without the parts not asked for, and a writer's output does not change when the set
 *   it is given holds only what it declared (the pipeline's readers drop the rest);
 * - a reader's `detect` refuses every other format's file (the testkit's samples);
 * - a writer never changes a chunk after yielding it (the consumer may still hold it),
 *   nor one its `streamTimeline` handed out, which must add up to what `write` writes.
 * Each fails through vitest's `expect`, so a failure names what differed.
 */
import {
  callTreeFromTimeline,
  concatBytes,
  encodeText,
  functionFile,
  functionKind,
  functionName,
  type InputPlugin,
  isProfileError,
  type OptionValues,
  type OutputNeeds,
  type OutputPlugin,
  outputNeeds,
  type Profile,
  type ProfileSet,
  printProfileSet,
  readStreamWith,
  readWith,
  resolveOptions,
  streamTimelineWith,
  writeChunks,
  writeToBytes,
} from '@pyprof/core';
import { expect } from 'vitest';
import type { FormatSample } from './samples.js';

/** What a reader may be asked for beyond the call graph: all of it. */
export const ALL_NEEDS: OutputNeeds = Object.freeze({
  timeline: true,
  callTree: true,
  lines: true,
});

/**
 * `set` with only what `needs` asks for beyond the call graph — what the pipeline's
 * readers may hand a writer with these needs: no timeline unless asked for (nor one longer
 * than `timelineLimit`), no call tree unless asked for, no line costs or call sites unless
 * `lines`.
 */
export function keepOnlyNeeded(set: ProfileSet, needs: OutputNeeds): ProfileSet {
  const strip = (profile: Profile): Profile => {
    const { timeline, callTree, lines, callSites, ...rest } = profile;
    const keepTimeline =
      needs.timeline === true &&
      timeline !== undefined &&
      timeline.length <= (needs.timelineLimit ?? Number.POSITIVE_INFINITY);
    return {
      ...rest,
      ...(keepTimeline ? { timeline } : {}),
      ...(needs.callTree === true && callTree !== undefined ? { callTree } : {}),
      ...(needs.lines === true && lines !== undefined ? { lines } : {}),
      ...(needs.lines === true && callSites !== undefined ? { callSites } : {}),
    };
  };
  const parts = set.parts.map(strip);
  const whole = set.parts.indexOf(set.whole);
  return { parts, whole: whole >= 0 ? (parts[whole] as Profile) : strip(set.whole) };
}

/**
 * `set` with everything a reader can supply: the call tree of each timeline, and — where
 * the profile has none — line costs (each function's own time on the line after its
 * first) and call sites (each edge called from the line after its caller's first). The
 * numbers are consistent with the call graph, so a writer that uses them writes sense.
 */
export function withEverything(set: ProfileSet): ProfileSet {
  const enrich = (profile: Profile): Profile => {
    const fns = profile.functions;
    const calls = profile.calls;
    const siteLine = (fn: number) => Math.max(0, fns.line[fn] as number) + 1;
    const callTree =
      profile.callTree ??
      (profile.timeline !== undefined ? callTreeFromTimeline(profile.timeline) : undefined);
    return {
      ...profile,
      ...(callTree !== undefined ? { callTree } : {}),
      lines: profile.lines ?? {
        length: fns.length,
        function: Uint32Array.from({ length: fns.length }, (_, fn) => fn),
        line: Int32Array.from({ length: fns.length }, (_, fn) => siteLine(fn)),
        selfTime: Float64Array.from(fns.selfTime),
        hits: Float64Array.from(fns.callCount, (n) => (n >= 0 ? Math.round(n) : Number.NaN)),
      },
      callSites: profile.callSites ?? {
        length: calls.length,
        call: Uint32Array.from({ length: calls.length }, (_, e) => e),
        line: Int32Array.from(calls.caller, (caller) => siteLine(caller)),
        callCount: Float64Array.from(calls.callCount),
        inclusiveTime: Float64Array.from(calls.inclusiveTime),
      },
    };
  };
  const parts = set.parts.map(enrich);
  const whole = set.parts.indexOf(set.whole);
  return { parts, whole: whole >= 0 ? (parts[whole] as Profile) : enrich(set.whole) };
}

type Outcome = { output: string } | { refused: string };

function readOutcomeText(read: () => ProfileSet): Outcome {
  try {
    return { output: printProfileSet(read()) };
  } catch (error) {
    if (isProfileError(error)) return { refused: error.code };
    throw error;
  }
}

async function streamOutcomeText(read: () => Promise<ProfileSet>): Promise<Outcome> {
  try {
    return { output: printProfileSet(await read()) };
  } catch (error) {
    if (isProfileError(error)) return { refused: error.code };
    throw error;
  }
}

/** `bytes` as an async stream of pieces of `size` bytes (the last one shorter). */
export async function* inPieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** Piece sizes for the stream check: whole, odd sizes, and single bytes for small inputs. */
function pieceSizes(length: number): number[] {
  const sizes = [Math.max(1, length), 4096, 613, 7];
  if (length <= 16 << 10) sizes.push(1);
  return sizes;
}

/**
 * A reader's `readStream` reads `bytes` cut into pieces of several sizes to the same
 * profile set (`printProfileSet`) as `read` — or both refuse, with the same error code —
 * with no needs and with every need.
 */
export async function checkStreamMatchesRead(
  plugin: InputPlugin,
  bytes: Uint8Array,
  options?: OptionValues,
): Promise<void> {
  const readStream = plugin.readStream;
  expect(readStream, `${plugin.name} has no readStream`).toBeTypeOf('function');
  for (const needs of [{}, ALL_NEEDS]) {
    const init = { ...(options ? { options } : {}), needs };
    const whole = readOutcomeText(() => readWith(plugin, bytes, init));
    for (const size of pieceSizes(bytes.length)) {
      const streamed = await streamOutcomeText(() =>
        readStreamWith(plugin, inPieces(bytes, size), init),
      );
      expect(
        streamed,
        `readStream in pieces of ${size} bytes, needs ${JSON.stringify(needs)}`,
      ).toEqual(whole);
    }
  }
}

const SINGLE_NEEDS: readonly OutputNeeds[] = [
  {},
  { timeline: true },
  { callTree: true },
  { lines: true },
];

/**
 * Needs only leave data out: read with each single need (and none), `bytes` give the same
 * profile set as read with every need, once both keep only what that need asks for.
 */
export function checkReaderNeeds(
  plugin: InputPlugin,
  bytes: Uint8Array,
  options?: OptionValues,
): void {
  const read = (needs: OutputNeeds) =>
    readWith(plugin, bytes, { ...(options ? { options } : {}), needs });
  const everything = readOutcomeText(() => read(ALL_NEEDS));
  for (const needs of SINGLE_NEEDS) {
    const kept = (fromNeeds: OutputNeeds) =>
      readOutcomeText(() => keepOnlyNeeded(read(fromNeeds), needs));
    const asked = kept(needs);
    if ('refused' in everything) {
      expect(asked, `needs ${JSON.stringify(needs)}`).toEqual(everything);
      continue;
    }
    expect(
      asked,
      `read with needs ${JSON.stringify(needs)} vs with every need, both kept to ${JSON.stringify(needs)}`,
    ).toEqual(kept(ALL_NEEDS));
  }
}

function writeOutcome(
  plugin: OutputPlugin,
  set: ProfileSet,
  options?: OptionValues,
): { bytes: Uint8Array } | { refused: string } {
  try {
    return { bytes: writeToBytes(plugin, set, options ? { options } : {}) };
  } catch (error) {
    if (isProfileError(error)) return { refused: error.code };
    throw error;
  }
}

/**
 * A writer uses nothing beyond the call graph that its `needs` (for these options) do not
 * declare: its output for `set` given everything a reader can supply (`withEverything`)
 * is the output for that set kept to its needs (`keepOnlyNeeded`), byte for byte.
 */
export function checkWriterNeeds(
  plugin: OutputPlugin,
  set: ProfileSet,
  options?: OptionValues,
): void {
  const needs = outputNeeds(plugin, resolveOptions(plugin.options, options ?? {}, plugin.name));
  const full = withEverything(set);
  const everything = writeOutcome(plugin, full, options);
  const declared = writeOutcome(plugin, keepOnlyNeeded(full, needs), options);
  if ('bytes' in everything && 'bytes' in declared) {
    const at = firstDifference(everything.bytes, declared.bytes);
    expect(
      at,
      `${plugin.name} output changes without what its needs ${JSON.stringify(needs)} leave out (first different byte)`,
    ).toBeUndefined();
  } else {
    expect(declared, `${plugin.name} with only its needs ${JSON.stringify(needs)}`).toEqual(
      everything,
    );
  }
}

/** Index of the first byte where `a` and `b` differ (lengths included); undefined if equal. */
function firstDifference(a: Uint8Array, b: Uint8Array): number | undefined {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return k;
  return a.length === b.length ? undefined : n;
}

/**
 * A writer never changes a chunk after yielding it: every `Uint8Array` chunk is kept with
 * a copy taken when it was yielded, and after the writer has finished each must still
 * equal its copy (strings cannot change). A refusal (`ProfileError`) passes.
 */
export function checkChunksUnchanged(
  plugin: OutputPlugin,
  set: ProfileSet,
  options?: OptionValues,
): void {
  const held: Array<{ index: number; chunk: Uint8Array; copy: Uint8Array }> = [];
  let index = 0;
  try {
    for (const chunk of writeChunks(plugin, set, options ? { options } : {})) {
      if (typeof chunk !== 'string') held.push({ index, chunk, copy: chunk.slice() });
      index++;
    }
  } catch (error) {
    if (isProfileError(error)) return;
    throw error;
  }
  for (const { index, chunk, copy } of held)
    expect(
      firstDifference(chunk, copy),
      `${plugin.name}: chunk ${index} changed after it was yielded (first changed byte)`,
    ).toBeUndefined();
}

/**
 * For a writer with `streamTimeline` and a one-part set with a timeline: the timeline fed
 * to it as a reader would (every function announced in row order, then the events, the
 * output taken after each), then `finish` with the set without its timeline. No byte
 * chunk may change after it was handed out, and together they must be what `write`
 * writes for the set. Other writers and sets pass.
 */
export function checkStreamedTimeline(
  plugin: OutputPlugin,
  set: ProfileSet,
  options?: OptionValues,
): void {
  const part = set.parts[0];
  const timeline = part?.timeline;
  if (plugin.streamTimeline === undefined || set.parts.length !== 1 || !part || !timeline) return;
  const init = options ? { options } : {};
  const expected = writeOutcome(plugin, set, options);
  const held: Array<{ index: number; chunk: Uint8Array; copy: Uint8Array }> = [];
  const parts: Uint8Array[] = [];
  const keep = (chunks: Iterable<string | Uint8Array>) => {
    for (const chunk of chunks) {
      if (typeof chunk === 'string') parts.push(encodeText(chunk));
      else {
        held.push({ index: parts.length, chunk, copy: chunk.slice() });
        parts.push(chunk);
      }
    }
  };
  try {
    const writer = streamTimelineWith(plugin, init);
    if (!writer) return;
    for (let fn = 0; fn < part.functions.length; fn++)
      writer.function(
        fn,
        functionFile(part, fn),
        part.functions.line[fn] as number,
        functionName(part, fn),
        functionKind(part, fn),
      );
    for (let k = 0; k < timeline.length; k++) {
      writer.event(
        timeline.kind[k] as number,
        timeline.function[k] as number,
        timeline.time[k] as number,
      );
      keep(writer.take());
    }
    const { timeline: _streamed, ...rest } = part;
    keep(writer.finish({ parts: [rest], whole: rest }));
  } catch (error) {
    if (!isProfileError(error)) throw error;
    expect({ refused: error.code }, `${plugin.name} streamed`).toEqual(expected);
    return;
  }
  for (const { index, chunk, copy } of held)
    expect(
      firstDifference(chunk, copy),
      `${plugin.name}: streamed chunk ${index} changed after it was handed out (first changed byte)`,
    ).toBeUndefined();
  if (!('bytes' in expected)) throw new Error(`${plugin.name} refused the set but streamed it`);
  expect(
    firstDifference(concatBytes(parts), expected.bytes),
    `${plugin.name}: streamed output differs from write's (first different byte)`,
  ).toBeUndefined();
}

/**
 * A reader's `detect` refuses every sample of another format: `undefined`, or — for the
 * formats in `likelyOn`, where the reader documents why — at most `likely`, never
 * `certain`.
 */
export function checkRefusesForeign(
  plugin: InputPlugin,
  samples: readonly FormatSample[],
  likelyOn: readonly string[] = [],
): void {
  for (const sample of samples) {
    const answer = plugin.detect(sample.bytes.subarray(0, 4096), {});
    if (likelyOn.includes(sample.format))
      expect(answer, `${plugin.name} on ${sample.name} (${sample.format})`).not.toBe('certain');
    else expect(answer, `${plugin.name} on ${sample.name} (${sample.format})`).toBeUndefined();
  }
}
