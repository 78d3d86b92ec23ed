/**
 * hotshot logs → ProfileSet: the record decoder feeding the replay, from a whole buffer
 * or a stream of chunks (the same code path; the stream never holds more than one chunk
 * plus an unfinished record). The header's ADD_INFO records become the metadata: the
 * ordered key/value list, executable, working directory, platform, Python version, and
 * the clock (microseconds from gettimeofday; on Windows QueryPerformanceCounter ticks at
 * the `reported-performance-frequency` — hotshot.stats wrongly reads those as µs too).
 * Given a timeline sink (`ReadContext.timeline`), the replay sends it the timeline as it
 * goes, in seconds by that clock, read from the header at the first event.
 */
import {
  type Profile,
  type ProfileSet,
  ReadBudget,
  type ReadContext,
  singleProfileSet,
} from '@pyprof/core';
import { FORMAT, HotshotDecoder } from './records.js';
import { Replay } from './replay.js';

const MICROSECONDS = 1e6;

interface Reading {
  replay: Replay;
  decoder: HotshotDecoder;
  /** The clock, read from the header once (when a timeline sink first needs it, or at the end). */
  clock: () => Clock;
}

function replayFor(context: ReadContext, budget: ReadBudget): Reading {
  const coverage = context.options.coverage === true;
  let known: Clock | undefined;
  const once = () => {
    known ??= clock(replay, context);
    return known;
  };
  const replay: Replay = new Replay({
    needs: context.needs,
    strict: context.options.strict === true,
    coverage,
    warn: (d) => context.warn(d),
    budget,
    ...(context.timeline !== undefined
      ? { timeline: context.timeline, ticksPerSecond: () => once().ticksPerSecond }
      : {}),
  });
  return { replay, decoder: new HotshotDecoder(replay, { coverage, budget }), clock: once };
}

interface Clock {
  ticksPerSecond: number;
  unit: string;
}

/** The clock's ticks per second and its description, from the header. */
function clock(replay: Replay, context: ReadContext): Clock {
  const frequency = replay.header('reported-performance-frequency');
  if (frequency !== undefined) {
    const hz = /^\d+$/.test(frequency.trim()) ? Number(frequency.trim()) : Number.NaN;
    if (hz > 0 && Number.isSafeInteger(hz)) {
      return {
        ticksPerSecond: hz,
        unit: `wall clock, QueryPerformanceCounter ticks at ${hz} Hz`,
      };
    }
    context.warn({
      code: 'bad-clock-frequency',
      message: `reported-performance-frequency is ${JSON.stringify(frequency)}, not a positive number: times are read as microseconds`,
    });
  } else if (replay.header('platform') === 'win32') {
    context.warn({
      code: 'bad-clock-frequency',
      message:
        'a Windows log without reported-performance-frequency: its ticks are read as microseconds',
    });
  }
  return { ticksPerSecond: MICROSECONDS, unit: 'wall clock, microseconds' };
}

function finish({ replay, clock }: Reading, end: number, context: ReadContext): ProfileSet {
  replay.close(end);
  const { ticksPerSecond, unit } = clock();
  const version = replay.header('executable-version');
  const pythonVersion =
    version === undefined ? undefined : /^\d+\.\d+(?:\.\d+)?/.exec(version)?.[0];
  const executable = replay.header('executable');
  const cwd = replay.header('current-directory');
  const platform = replay.header('platform');
  const profile: Profile = replay.build(ticksPerSecond, {
    format: FORMAT,
    producer: 'hotshot',
    pythonMajor: 2,
    ...(pythonVersion !== undefined ? { pythonVersion } : {}),
    timeUnit: unit,
    clock: 'wall',
    ...(executable !== undefined ? { executable } : {}),
    ...(cwd !== undefined ? { cwd } : {}),
    ...(platform !== undefined ? { platform } : {}),
    info: replay.info,
    ...(context.fileName !== undefined ? { sourceName: context.fileName } : {}),
  });
  return singleProfileSet(profile);
}

/** Reads a whole log held in memory. */
export function readHotshot(bytes: Uint8Array, context: ReadContext): ProfileSet {
  const reading = replayFor(context, context.budget ?? new ReadBudget({}, bytes.length));
  reading.decoder.decodeAll(bytes);
  return finish(reading, reading.decoder.offset, context);
}

/** Reads a log from a stream of chunks, in memory bounded by the code, not the log. */
export async function readHotshotStream(
  chunks: AsyncIterable<Uint8Array>,
  context: ReadContext,
): Promise<ProfileSet> {
  // The pipeline's budget counts the bytes as it hands them on; one of our own counts here.
  const own = context.budget === undefined;
  const budget = context.budget ?? new ReadBudget();
  const reading = replayFor(context, budget);
  for await (const chunk of chunks) {
    if (own) budget.addInput(chunk.length);
    reading.decoder.push(chunk);
  }
  reading.decoder.end();
  return finish(reading, reading.decoder.offset, context);
}
