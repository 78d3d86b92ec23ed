// The writer's own rules: strictly increasing timestamps per thread (and by how much they
// move), one pid per input and a small tid per thread with its real id, what is refused
// and in which words, and the streamed path writing the same bytes as the set path.
import {
  chunksToBytes,
  Diagnostics,
  functionFile,
  functionKind,
  functionName,
  isProfileError,
  makeProfileSet,
  type OutputChunk,
  type Profile,
  ProfileBuilder,
  type ProfileSet,
  singleProfileSet,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
  type WriteContext,
  writeToString,
} from '@pyprof/core';
import { arbitraryProfile, canonicalProfiles, profileFromRun } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chromeTrace } from '../src/index.js';
import { TraceText } from '../src/trace.js';
import { ChromeTrace } from '../src/write.js';
import { checkTrace, ownTimes } from './check.js';

/** Chunks as text (the writer's chunks are bytes). */
const text = (chunks: Iterable<OutputChunk>) => new TextDecoder().decode(chunksToBytes(chunks));

/** What the pipeline does with a streaming reader: announce, feed, then finish with the set. */
function streamed(set: ProfileSet, context: WriteContext): string {
  const writer = new ChromeTrace(context);
  const profile = set.parts[0] as Profile;
  const out: OutputChunk[] = [];
  for (let fn = 0; fn < profile.functions.length; fn++)
    writer.function(
      fn,
      functionFile(profile, fn),
      profile.functions.line[fn] as number,
      functionName(profile, fn),
      functionKind(profile, fn),
    );
  const timeline = profile.timeline as NonNullable<Profile['timeline']>;
  for (let k = 0; k < timeline.length; k++) {
    writer.event(
      timeline.kind[k] as number,
      timeline.function[k] as number,
      timeline.time[k] as number,
    );
    if (k % 7 === 0) out.push(...writer.take());
  }
  out.push(...writer.take(), ...writer.finish(set));
  return text(out);
}

const silent: WriteContext = { warn() {} };

/** A canonical profile set of testkit's, by name. */
function canonical(name: string): ProfileSet {
  const set = canonicalProfiles()[name];
  if (set === undefined) throw new Error(`no canonical profile ${name}`);
  return set;
}

function refusal(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(isProfileError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('not refused');
}

/** A profile from raw timeline events: [kind, function, microseconds]. */
function timelineProfile(
  functions: Array<[string, number, string]>,
  events: Array<[number, number, number]>,
  metadata: Partial<Profile['metadata']> = {},
): Profile {
  const b = new ProfileBuilder({ format: 'hotshot', producer: 'hotshot', ...metadata });
  for (const [file, line, name] of functions) b.addFunction(file, line, name, 'python');
  b.setTimeline({
    length: events.length,
    kind: Uint8Array.from(events.map((e) => e[0])),
    function: Uint32Array.from(events.map((e) => e[1])),
    time: Float64Array.from(events.map((e) => e[2] / 1e6)),
  });
  return b.build();
}

describe('timestamps', () => {
  it('strictly increase per thread: ties move 1 ns each, and the move ends with the tie', () => {
    const profile = timelineProfile(
      [
        ['/m.py', 1, 'main'],
        ['/m.py', 5, 'f'],
      ],
      [
        [TIMELINE_ENTER, 0, 0],
        [TIMELINE_ENTER, 1, 3],
        [TIMELINE_EXIT, 1, 3],
        [TIMELINE_ENTER, 1, 3],
        [TIMELINE_EXIT, 1, 4],
        [TIMELINE_EXIT, 0, 9],
      ],
    );
    const diagnostics = new Diagnostics();
    const output = writeToString(chromeTrace, singleProfileSet(profile), { diagnostics });
    const ts = [...output.matchAll(/"ts":([\d.]+)/g)].map((m) => m[1]);
    expect(ts).toEqual(['0', '3', '3.001', '3.002', '4', '9']);
    expect(diagnostics.list.map((d) => [d.severity, d.code, d.message])).toEqual([
      [
        'info',
        'timestamps-nudged',
        '2 events recorded at the same time as the event before were written 1 ns after it (at most 2 ns later than recorded), so viewers keep the recorded order',
      ],
    ]);
    const summary = checkTrace(output);
    // Floored to the microsecond, own times are the recorded ones.
    expect(Object.fromEntries(ownTimes(summary, true))).toEqual({ main: 8000, f: 1000 });
    expect(Object.fromEntries(ownTimes(summary))).toEqual({ main: 8001, f: 999 });
  });
});

describe('time digits', () => {
  it('are the exact decimal of whole nanoseconds, as JavaScript prints ns / 1000', () => {
    const start = new TextEncoder().encode('[');
    const end = new TextEncoder().encode(']');
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2 ** 50 })),
        (ns) => {
          const out = new TraceText();
          out.event(start, ns, end);
          const written = new TextDecoder().decode(chunksToBytes(out.take(true)));
          expect(written).toBe(`{"traceEvents":[\n[${String(ns / 1000)}]`);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('threads and processes', () => {
  it('gives each input a pid and each of its threads a small tid with its real id', () => {
    const run = canonical('timeline').whole;
    const part = (label: string, threadId: string, sourceName: string): Profile => ({
      ...run,
      metadata: { ...run.metadata, label, threadId, sourceName },
    });
    const set = makeProfileSet([
      part('MainThread', '139661588975680', 'a.hotshot'),
      part('worker', '139661580582656', 'a.hotshot'),
      part('MainThread', '7', 'b.hotshot'),
    ]);
    const summary = checkTrace(writeToString(chromeTrace, set));
    expect(summary.threads.map((t) => [t.pid, t.tid])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
    expect([...summary.processNames]).toEqual([
      [1, 'a.hotshot'],
      [2, 'b.hotshot'],
    ]);
    expect([...summary.threadNames]).toEqual([
      ['1:1', 'MainThread'],
      ['1:2', 'worker'],
      ['2:1', 'MainThread'],
    ]);
    expect([...summary.threadIds]).toEqual([
      ['1:1', '139661588975680'],
      ['1:2', '139661580582656'],
      ['2:1', '7'],
    ]);
  });
});

describe('refusals', () => {
  it('refuses a call graph, pointing to the flame-graph outputs', () => {
    const error = refusal(() => writeToString(chromeTrace, canonical('diamond')));
    expect(error.message).toBe(
      'a Chrome trace needs an exact timeline (a hotshot log); the input (testkit) has only a call graph (totals per function and caller): use --to speedscope or --to collapsed for its flame graph',
    );
  });

  it('refuses sampled stacks: they keep no time order', () => {
    const profile = profileFromRun(
      { functions: [{ file: '/a.py', line: 1, name: 'f' }], roots: [{ fn: 0, self: 3 }] },
      {
        metadata: {
          costUnit: 'samples',
          sampled: true,
          sourceName: 'run.austin',
          format: 'collapsed',
        },
      },
    );
    const error = refusal(() => writeToString(chromeTrace, singleProfileSet(profile)));
    expect(error.message).toContain(
      'run.austin (collapsed) has sampled stacks, which keep no time order',
    );
  });

  it('refuses a log without times, streamed or held', () => {
    const b = new ProfileBuilder({ format: 'hotshot' });
    b.addFunction('/a.py', 1, 'f', 'python');
    b.setFunctionStats(0, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: Number.NaN,
      inclusiveTime: Number.NaN,
    });
    b.setTimeline({
      length: 2,
      kind: Uint8Array.from([TIMELINE_ENTER, TIMELINE_EXIT]),
      function: Uint32Array.from([0, 0]),
      time: Float64Array.from([0, 0]),
    });
    const set = singleProfileSet(b.build());
    expect(refusal(() => writeToString(chromeTrace, set)).message).toBe(
      'the log records calls without times (a log written by _hotshot.coverage()): a Chrome trace has nothing to lay them out by',
    );
    const writer = new ChromeTrace({ warn() {}, inputName: 'c.hotshot' });
    writer.function(0, '/a.py', 1, 'f', 'python');
    expect(refusal(() => writer.event(TIMELINE_ENTER, 0, Number.NaN)).message).toMatch(
      /^c\.hotshot records calls without times/,
    );
  });

  it('leaves out parts without a timeline, and says so', () => {
    const diamond = canonical('diamond').whole;
    const set = makeProfileSet([
      canonical('timeline').whole,
      { ...diamond, metadata: { ...diamond.metadata, label: 'graph' } },
    ]);
    const diagnostics = new Diagnostics();
    const summary = checkTrace(writeToString(chromeTrace, set, { diagnostics }));
    expect(summary.threads).toHaveLength(1);
    expect(diagnostics.list.find((d) => d.code === 'parts-without-timeline')?.message).toBe(
      '1 of 2 parts have no timeline (graph): left out of the trace',
    );
  });
});

describe('unbalanced timelines', () => {
  it('drops returns without a call and closes what stays open at the last time', () => {
    const profile = timelineProfile(
      [
        ['/m.py', 1, 'main'],
        ['/m.py', 5, 'f'],
      ],
      [
        [TIMELINE_EXIT, 1, 1],
        [TIMELINE_ENTER, 0, 2],
        [TIMELINE_ENTER, 1, 3],
        [TIMELINE_EXIT, 0, 5],
        [TIMELINE_ENTER, 1, 6],
      ],
    );
    const diagnostics = new Diagnostics();
    const summary = checkTrace(
      writeToString(chromeTrace, singleProfileSet(profile), { diagnostics }),
    );
    expect(Object.fromEntries(ownTimes(summary))).toEqual({ main: 1001, f: 2001 });
    expect(diagnostics.list.map((d) => d.code)).toEqual([
      'unbalanced-timeline',
      'timestamps-nudged',
    ]);
  });

  it('does not draw frames entered before profiling when streamed (only their return comes)', () => {
    const diagnostics = new Diagnostics();
    const writer = new ChromeTrace(diagnostics.sink('chrome-trace', 'write'));
    writer.function(0, '/m.py', 3, 'f', 'python');
    writer.event(TIMELINE_ENTER, 0, 1e-6);
    writer.event(TIMELINE_EXIT, 0, 2e-6);
    writer.function(1, 'hotshot', 0, '<entered before profiling, level 1>', 'synthetic');
    writer.event(TIMELINE_EXIT, 1, 3e-6);
    const set = singleProfileSet(new ProfileBuilder({ format: 'hotshot' }).build());
    const summary = checkTrace(text([...writer.take(), ...writer.finish(set)]));
    expect(Object.fromEntries(ownTimes(summary))).toEqual({ f: 1000 });
    expect(diagnostics.list.map((d) => d.message)).toEqual([
      '1 frame entered before profiling started is not drawn: a streamed log gives only its return, after the calls made meanwhile, which show at the top of the thread',
    ]);
  });
});

describe('streamed and held timelines', () => {
  it('write the same bytes (any generated timeline)', () => {
    fc.assert(
      fc.property(arbitraryProfile({ timeline: true }), fc.boolean(), (profile, named) => {
        fc.pre(profile.timeline !== undefined);
        const set = singleProfileSet(
          named
            ? { ...profile, metadata: { ...profile.metadata, sourceName: 'x.hotshot' } }
            : profile,
        );
        const context: WriteContext = { warn() {}, inputName: 'in', producer: 'test@1' };
        expect(streamed(set, context)).toBe(writeToString(chromeTrace, set, { context }));
      }),
      { numRuns: 200 },
    );
    expect(streamed(canonical('timeline'), silent)).toBe(
      writeToString(chromeTrace, canonical('timeline')),
    );
  });
});
