// A timeline sink (`ReadContext.timeline`, what the pipeline gives a writer that streams
// timelines) gets the whole timeline as the log is replayed and the profile keeps none:
// functions announced in row order before their first event, then exactly the stored
// timeline's events — except the calls of frames entered before profiling, which the
// stored timeline puts at time 0 and a replay only learns of at their return — with the
// rest of the profile unchanged, whole or streamed. Times are seconds by the log's clock
// (read from the header once: QueryPerformanceCounter ticks on Windows), NaN in a log
// without times.
import {
  Diagnostics,
  FUNCTION_KINDS,
  type FunctionKind,
  functionFile,
  functionKind,
  functionName,
  type Profile,
  printProfile,
  type ReadInit,
  readStreamWith,
  readWith,
  type TimelineSink,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { hotshot } from '../src/index.js';
import { hotshotFixtures, readExtra, readFixture } from './corpus.js';

interface Heard {
  functions: Array<[number, string, number, string, FunctionKind]>;
  events: Array<[number, number, number]>;
  sink: TimelineSink;
}

function listener(): Heard {
  const heard: Heard = {
    functions: [],
    events: [],
    sink: {
      function: (fn, file, line, name, kind) => {
        // Every event names a function announced before it.
        heard.functions.push([fn, file, line, name, kind]);
      },
      event: (kind, fn, time) => {
        expect(fn).toBeLessThan(heard.functions.length);
        heard.events.push([kind, fn, time]);
      },
    },
  };
  return heard;
}

function rows(profile: Profile): Heard['functions'] {
  return Array.from({ length: profile.functions.length }, (_, fn) => [
    fn,
    functionFile(profile, fn),
    profile.functions.line[fn] as number,
    functionName(profile, fn),
    functionKind(profile, fn),
  ]);
}

/** The stored timeline without the leading calls of frames entered before profiling. */
function storedEvents(profile: Profile): Heard['events'] {
  const timeline = profile.timeline as NonNullable<Profile['timeline']>;
  const out: Heard['events'] = [];
  let leading = true;
  for (let k = 0; k < timeline.length; k++) {
    const fn = timeline.function[k] as number;
    leading &&= functionKind(profile, fn) === 'synthetic';
    if (leading) continue;
    out.push([timeline.kind[k] as number, fn, timeline.time[k] as number]);
  }
  return out;
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const logs: Array<[string, Uint8Array]> = [
  ...hotshotFixtures().map((e): [string, Uint8Array] => [e.file, readFixture(e.file)]),
  ...['started-inside.hotshot', 'started-inside.lines.hotshot', 'stopped-inside.hotshot'].map(
    (name): [string, Uint8Array] => [name, readExtra(name).bytes],
  ),
];

describe.each(logs)('%s', (_name, bytes) => {
  const stored = readWith(hotshot, bytes, { needs: { timeline: true } }).whole;

  it('gets the timeline event by event, whole or streamed, and the profile keeps none', async () => {
    for (const streamed of [false, true]) {
      const heard = listener();
      const init: ReadInit = { needs: { timeline: true }, timeline: heard.sink };
      const profile = streamed
        ? (await readStreamWith(hotshot, chunked(bytes, 37), init)).whole
        : readWith(hotshot, bytes, init).whole;
      expect(profile.timeline).toBeUndefined();
      expect(printProfile(profile)).toBe(printProfile(readWith(hotshot, bytes).whole));
      expect(heard.functions).toEqual(rows(stored));
      expect(heard.events).toEqual(storedEvents(stored));
    }
  }, 60_000);
});

describe('clock and times', () => {
  /** decorators.hotshot with a `reported-performance-frequency` record in its header. */
  function windowsLog(frequency: string): Uint8Array {
    const log = readFixture('hotshot/py27/decorators.hotshot');
    const key = new TextEncoder().encode('reported-performance-frequency');
    const value = new TextEncoder().encode(frequency);
    const record = Uint8Array.from([0x13, key.length, ...key, value.length, ...value]);
    const first = 18; // after the first record: 13 0F "hotshot-version" 00
    const out = new Uint8Array(log.length + record.length);
    out.set(log.subarray(0, first));
    out.set(record, first);
    out.set(log.subarray(first), first + record.length);
    return out;
  }

  it('sends QueryPerformanceCounter ticks as seconds, reading the header once', () => {
    const held = readWith(hotshot, readFixture('hotshot/py27/decorators.hotshot'), {
      needs: { timeline: true },
    }).whole;
    // An unreadable frequency: warned about once, times read as microseconds.
    const diagnostics = new Diagnostics();
    const heard = listener();
    readWith(hotshot, windowsLog('2000000x'), { diagnostics, timeline: heard.sink });
    expect(diagnostics.list.map((d) => [d.code, d.count])).toEqual([['bad-clock-frequency', 1]]);
    expect(heard.events).toEqual(storedEvents(held));
    // At 2 MHz the same ticks are half the time.
    const fast = listener();
    readWith(hotshot, windowsLog('2000000'), { timeline: fast.sink });
    expect(fast.events).toEqual(heard.events.map(([kind, fn, time]) => [kind, fn, time / 2]));
  });

  it('sends NaN times for a log without times (coverage)', () => {
    const heard = listener();
    readWith(hotshot, readExtra('coverage.hotshot').bytes, {
      options: { coverage: true },
      timeline: heard.sink,
    });
    expect(heard.events.length).toBeGreaterThan(0);
    expect(heard.events.every(([, , time]) => Number.isNaN(time))).toBe(true);
    expect(heard.functions.every(([, , , , kind]) => FUNCTION_KINDS.includes(kind))).toBe(true);
  });
});
