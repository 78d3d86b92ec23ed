/**
 * Exact timelines → Chrome Trace Event JSON (specs/chrome-trace.md), the file Perfetto,
 * chrome://tracing, speedscope and Firefox Profiler open as a timeline.
 *
 * What is written: the object form, `{"traceEvents":[…],"otherData":{…}}`. Each call is a
 * `B`/`E` pair in recorded order with `ts` in microseconds since profiling started (three
 * decimals: whole nanoseconds) and the function's name on both events (speedscope matches
 * an `E` to its `B` by name). No `args` and no `cat`: speedscope makes `args` part of a
 * frame's name, and a `cat` on the first event sends a trace with a function named
 * `Profile` to its DevTools importer. Each thread is one small `tid` (1, 2, …) — Perfetto
 * turns ids above 2³²−1, such as Python's `threading.get_ident()`, into 0 — with its real
 * id in its `thread_name` metadata; each input file is one `pid` with a `process_name`.
 * Metadata events come last, after the events, so a trace streams without knowing them.
 *
 * How: `write` writes a profile set whose profiles hold their timelines; `ChromeTrace` is
 * also the `TimelineWriter` the pipeline feeds while a hotshot log is read
 * (`streamTimeline`), so a 300 MB log is never held — its events become text as they are
 * replayed and leave in chunks of about 64 KiB. Both write the same bytes for one log.
 *
 * Lossy points, each reported:
 * - timestamps are strictly increasing per thread: an event at the time of the one before
 *   is written 1 ns later (trace.ts says why; info `timestamps-nudged` gives the count and
 *   the largest shift), so own times can differ from the log by a few nanoseconds;
 * - frames entered before profiling started (hotshot's `<entered before profiling, level
 *   N>`, whose calls the log does not hold) are not drawn when the log is streamed: the
 *   reader learns of one at its return, after the calls it made were written at the top
 *   of the thread (warning `entered-before-profiling`). A profile holding its timeline
 *   has them, entered at time 0, and they are drawn;
 * - returns that match no open frame are dropped and frames left open are closed at the
 *   last timestamp (warning `unbalanced-timeline`);
 * - parts of a set without a timeline are left out (warning `parts-without-timeline`).
 * A profile with no timeline at all (pstats, lsprof: a call graph; collapsed input:
 * sampled stacks without time order) is refused, as is a log without times (a coverage
 * log): there is nothing to lay out in time, and making it up is what this project does
 * not do.
 */
import {
  costUnitOf,
  encodeText,
  type FunctionKind,
  functionFile,
  functionKind,
  functionName,
  NamesInOrder,
  type OutputChunk,
  type Profile,
  ProfileError,
  type ProfileSet,
  type TimelineWriter,
  type WriteContext,
} from '@pyprof/core';
import { json, TraceText, Track } from './trace.js';

const FORMAT = 'chrome-trace';

/** Why a profile cannot be a trace, in words for the refusal. */
function whatItHas(profile: Profile): string {
  if (profile.metadata.sampled || costUnitOf(profile) === 'samples')
    return 'sampled stacks, which keep no time order';
  return 'only a call graph (totals per function and caller)';
}

function refuse(profile: Profile, context: WriteContext): never {
  const name = profile.metadata.sourceName ?? context.inputName ?? 'the input';
  throw new ProfileError(
    'UNSUPPORTED_FEATURE',
    `a Chrome trace needs an exact timeline (a hotshot log); ${name} (${profile.metadata.format}) has ${whatItHas(profile)}: use --to speedscope or --to collapsed for its flame graph`,
    { format: FORMAT },
  );
}

function refuseUntimed(name: string): never {
  throw new ProfileError(
    'UNSUPPORTED_FEATURE',
    `${name} records calls without times (a log written by _hotshot.coverage()): a Chrome trace has nothing to lay them out by`,
    { format: FORMAT },
  );
}

/** What a thread is called in the trace (`thread_name`). */
function threadName(profile: Profile): string {
  const { label, threadId } = profile.metadata;
  return label ?? (threadId !== undefined ? `thread ${threadId}` : 'profiled thread');
}

/**
 * A trace being written, from a set (`write`) or fed event by event while a log is read
 * (the pipeline's `TimelineWriter`).
 */
export class ChromeTrace implements TimelineWriter {
  readonly #context: WriteContext;
  readonly #out = new TraceText();
  readonly #names = new NamesInOrder();
  /** By identity (file, line, name): its id in `#endings` / `#hidden`. */
  readonly #ids = new Map<string, number>();
  readonly #endings: Uint8Array[] = [];
  readonly #synthetic: number[] = [];
  readonly #tracks: Track[] = [];
  /** The track and function ids a streaming reader feeds (created at its first word). */
  #streamed: { track: Track; ids: number[] } | undefined;

  constructor(context: WriteContext) {
    this.#context = context;
  }

  /** The id of the function (file, line, name), named when first met. */
  #id(file: string, line: number, name: string, kind: FunctionKind): number {
    const key = `${file}\u0000${line}\u0000${name}`;
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#endings.length;
      this.#ids.set(key, id);
      this.#endings.push(
        encodeText(`,"name":${json(this.#names.name(file, line, name, kind))}},\n`),
      );
      this.#synthetic.push(kind === 'synthetic' ? 1 : 0);
    }
    return id;
  }

  #track(pid: number, tid: number): Track {
    const track = new Track(pid, tid, this.#out, {
      endings: this.#endings,
      synthetic: this.#synthetic,
    });
    this.#tracks.push(track);
    return track;
  }

  #stream(): { track: Track; ids: number[] } {
    this.#streamed ??= { track: this.#track(1, 1), ids: [] };
    return this.#streamed;
  }

  // ---- TimelineWriter: fed while the log is read -------------------------------------

  function(fn: number, file: string, line: number, name: string, kind: FunctionKind): void {
    this.#stream().ids[fn] = this.#id(file, line, name, kind);
  }

  event(kind: number, fn: number, time: number): void {
    const { track, ids } = this.#stream();
    if (Number.isNaN(time)) refuseUntimed(this.#context.inputName ?? 'the log');
    track.event(kind, ids[fn] as number, time);
  }

  take(): OutputChunk[] {
    return this.#out.take();
  }

  *finish(set: ProfileSet): Generator<OutputChunk> {
    if (this.#streamed === undefined) {
      yield* this.write(set);
      return;
    }
    this.#streamed.track.close();
    const part = set.parts[0] ?? set.whole;
    yield* this.#end(set, [[this.#streamed.track, part]]);
  }

  // ---- from a set --------------------------------------------------------------------

  /** The whole trace of a set whose profiles hold their timelines. */
  *write(set: ProfileSet): Generator<OutputChunk> {
    const parts = set.parts.length > 0 ? set.parts : [set.whole];
    const timed = parts.filter((p) => p.timeline !== undefined);
    const untraced = parts.filter((p) => p.timeline === undefined && p.functions.length > 0);
    if (timed.length === 0 && untraced.length > 0) refuse(untraced[0] as Profile, this.#context);
    if (untraced.length > 0) {
      this.#context.warn({
        code: 'parts-without-timeline',
        message: `${untraced.length} of ${parts.length} parts have no timeline (${untraced.map((p) => p.metadata.label ?? p.metadata.sourceName ?? p.metadata.format).join(', ')}): left out of the trace`,
      });
    }
    // One pid per input file, one tid per part of it.
    const pids = new Map<string | undefined, { pid: number; tids: number }>();
    const written: Array<[Track, Profile]> = [];
    for (const profile of timed) {
      const timeline = profile.timeline as NonNullable<Profile['timeline']>;
      const functions = profile.functions;
      for (let fn = 0; fn < functions.length; fn++) {
        if (Number.isNaN(functions.selfTime[fn] as number))
          refuseUntimed(profile.metadata.sourceName ?? this.#context.inputName ?? 'the log');
      }
      const source = profile.metadata.sourceName;
      let process = pids.get(source);
      if (process === undefined) {
        process = { pid: pids.size + 1, tids: 0 };
        pids.set(source, process);
      }
      const track = this.#track(process.pid, ++process.tids);
      written.push([track, profile]);
      const ids = new Array<number>(functions.length);
      for (let fn = 0; fn < functions.length; fn++) {
        ids[fn] = this.#id(
          functionFile(profile, fn),
          functions.line[fn] as number,
          functionName(profile, fn),
          functionKind(profile, fn),
        );
      }
      for (let k = 0; k < timeline.length; k++) {
        track.event(
          timeline.kind[k] as number,
          ids[timeline.function[k] as number] as number,
          timeline.time[k] as number,
        );
        if ((k & 0xfff) === 0) yield* this.#out.take();
      }
      track.close();
      yield* this.#out.take();
    }
    yield* this.#end(set, written);
  }

  /** The metadata events, `otherData`, the closing brackets, and what to report. */
  *#end(
    set: ProfileSet,
    written: ReadonlyArray<readonly [Track, Profile]>,
  ): Generator<OutputChunk> {
    const context = this.#context;
    const metadata: string[] = [];
    const named = new Set<number>();
    for (const [track, profile] of written) {
      if (!named.has(track.pid)) {
        named.add(track.pid);
        const process = profile.metadata.sourceName ?? context.inputName ?? 'python';
        metadata.push(
          `{"ph":"M","pid":${track.pid},"name":"process_name","args":{"name":${json(process)}}}`,
        );
      }
      const { threadId } = profile.metadata;
      metadata.push(
        `{"ph":"M","pid":${track.pid},"tid":${track.tid},"name":"thread_name","args":{"name":${json(threadName(profile))}${threadId !== undefined ? `,"id":${json(threadId)}` : ''}}}`,
      );
    }
    if (metadata.length === 0) {
      const process = set.whole.metadata.sourceName ?? context.inputName ?? 'python';
      metadata.push(`{"ph":"M","pid":1,"name":"process_name","args":{"name":${json(process)}}}`);
    }
    this.#out.add(metadata.join(',\n'));
    const m = set.whole.metadata;
    const other: Record<string, string> = { exporter: context.producer ?? 'pyprof' };
    other.source = m.producer ?? m.format;
    if (m.pythonVersion !== undefined) other.python = m.pythonVersion;
    if (m.executable !== undefined) other.executable = m.executable;
    if (m.cwd !== undefined) other.cwd = m.cwd;
    if (m.timeUnit !== undefined) other.clock = m.timeUnit;
    this.#out.add(`\n],"otherData":${json(other)}}\n`);
    yield* this.#out.take(true);
    this.#report();
  }

  #report(): void {
    const warn = this.#context.warn.bind(this.#context);
    let nudged = 0;
    let largest = 0;
    let unmatched = 0;
    let before = 0;
    for (const track of this.#tracks) {
      nudged += track.nudged;
      largest = Math.max(largest, track.largestNudge);
      unmatched += track.unmatched;
      before += track.returnedOnly.size;
    }
    if (before > 0) {
      warn({
        code: 'entered-before-profiling',
        message: `${before} frame${before === 1 ? '' : 's'} entered before profiling started ${before === 1 ? 'is' : 'are'} not drawn: a streamed log gives only ${before === 1 ? 'its return' : 'their returns'}, after the calls made meanwhile, which show at the top of the thread`,
      });
    }
    if (unmatched > 0) {
      warn({
        code: 'unbalanced-timeline',
        message: `the timeline's calls and returns do not nest: ${unmatched} returns without their call were dropped or frames without their return closed at the last timestamp`,
      });
    }
    if (nudged > 0) {
      warn({
        severity: 'info',
        code: 'timestamps-nudged',
        message: `${nudged} event${nudged === 1 ? '' : 's'} recorded at the same time as the event before ${nudged === 1 ? 'was' : 'were'} written 1 ns after it (at most ${largest} ns later than recorded), so viewers keep the recorded order`,
      });
    }
  }
}

/** Writes a set as a Chrome trace (its profiles must hold their timelines). */
export function writeChromeTrace(set: ProfileSet, context: WriteContext): Iterable<OutputChunk> {
  return new ChromeTrace(context).write(set);
}
