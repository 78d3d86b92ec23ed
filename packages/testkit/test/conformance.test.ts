// The conformance checks can fail: each one passes on a small correct plugin and fails on
// a copy of it broken in exactly the way the check is about (a stream read that stops
// early, numbers that change with `needs`, a greedy detector, a writer that reads the
// timeline without declaring it, a writer that reuses its chunk buffer). Also: the
// testkit's samples cover every built-in format, and the rich sets the needs check
// builds are valid profiles.
import {
  defineInputPlugin,
  defineOutputPlugin,
  type InputPlugin,
  malformed,
  ProfileBuilder,
  type ProfileSet,
  singleProfileSet,
  type TimelineWriter,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import {
  canonicalProfiles,
  checkChunksUnchanged,
  checkReaderNeeds,
  checkRefusesForeign,
  checkStreamedTimeline,
  checkStreamMatchesRead,
  checkWriterNeeds,
  formatSamples,
  withEverything,
} from '../src/index.js';

const HEADER = 'TOY\n';

/**
 * A toy format: `TOY` then one `name seconds` line per function; with `needs.lines` the
 * reader also keeps each function's time on its line.
 */
function readToy(input: Uint8Array, needs: { lines?: boolean }, scale = 1) {
  const text = new TextDecoder().decode(input);
  if (!text.startsWith(HEADER)) throw malformed('toy', { offset: 0 }, 'expected TOY');
  const b = new ProfileBuilder({ format: 'toy', producer: 'toy' });
  const rows = text.slice(HEADER.length).split('\n').filter(Boolean);
  const lines = { function: [] as number[], line: [] as number[], time: [] as number[] };
  rows.forEach((row, k) => {
    const [name, seconds] = row.split(' ');
    const time = Number(seconds) * scale;
    if (!name || !Number.isFinite(time) || time < 0)
      throw malformed('toy', { line: k + 2, column: 1 }, 'expected "name seconds"');
    const fn = b.addFunction('toy.py', k + 1, name, 'python');
    b.addFunctionStats(fn, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: time,
      inclusiveTime: time,
    });
    lines.function.push(fn);
    lines.line.push(k + 1);
    lines.time.push(time);
  });
  if (needs.lines)
    b.setLines({
      length: lines.function.length,
      function: Uint32Array.from(lines.function),
      line: Int32Array.from(lines.line),
      selfTime: Float64Array.from(lines.time),
      hits: Float64Array.from(lines.time, () => 1),
    });
  return singleProfileSet(b.build());
}

async function joined(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: number[] = [];
  for await (const chunk of chunks) parts.push(...chunk);
  return Uint8Array.from(parts);
}

const toy = defineInputPlugin({
  name: 'toy',
  title: 'toy format',
  extensions: ['.toy'],
  detect: (head) =>
    new TextDecoder().decode(head.subarray(0, 4)) === HEADER ? 'certain' : undefined,
  read: (input, context) => readToy(input, context.needs),
  readStream: async (chunks, context) => readToy(await joined(chunks), context.needs),
});

const toyBytes = new TextEncoder().encode(`${HEADER}main 0.5\nwork 1.25\nhelper 0.125\n`);

describe('the stream check', () => {
  it('passes a reader whose readStream reads what read reads', async () => {
    await checkStreamMatchesRead(toy, toyBytes);
  });
  it('fails a reader whose readStream stops after the first piece', async () => {
    const broken: InputPlugin = {
      ...toy,
      async readStream(chunks, context) {
        for await (const first of chunks) return readToy(first, context.needs);
        return readToy(new Uint8Array(), context.needs);
      },
    };
    await expect(checkStreamMatchesRead(broken, toyBytes)).rejects.toThrow(/readStream in pieces/);
  });
});

describe("the reader's needs check", () => {
  it('passes a reader that only leaves out what is not needed', () => {
    checkReaderNeeds(toy, toyBytes);
  });
  it('fails a reader whose numbers change with what it is asked to keep', () => {
    const broken: InputPlugin = {
      ...toy,
      read: (input, context) => readToy(input, context.needs, context.needs.timeline ? 2 : 1),
    };
    expect(() => checkReaderNeeds(broken, toyBytes)).toThrow(/read with needs/);
  });
});

describe('the foreign-file check', () => {
  it('passes a reader that refuses every sample', () => {
    checkRefusesForeign(toy, formatSamples());
  });
  it('fails a reader that answers likely for anything', () => {
    const greedy: InputPlugin = { ...toy, detect: () => 'likely' };
    expect(() => checkRefusesForeign(greedy, formatSamples())).toThrow(
      /expected 'likely' to be undefined/,
    );
  });
  it('fails a reader that claims a JSON file as certain, even where likely is allowed', () => {
    const json: InputPlugin = {
      ...toy,
      detect: (head) => (head[0] === 0x7b && head[1] === 0x22 ? 'certain' : undefined),
    };
    expect(() =>
      checkRefusesForeign(json, formatSamples(), ['speedscope', 'chrome-trace']),
    ).toThrow(/diamond\.speedscope\.json/);
  });
});

const encoder = new TextEncoder();

function* writeListing(set: ProfileSet): Generator<Uint8Array> {
  const p = set.whole;
  for (let fn = 0; fn < p.functions.length; fn++)
    yield encoder.encode(
      `${p.strings[p.functions.name[fn] as number]}\t${p.functions.selfTime[fn]}\n`,
    );
}

const listing = defineOutputPlugin({
  name: 'listing',
  title: 'one line per function',
  extension: '.txt',
  write: (set) => writeListing(set),
});

describe("the writer's needs check", () => {
  const set = canonicalProfiles().timeline as ProfileSet;
  it('passes a writer that uses only the call graph and declares nothing', () => {
    checkWriterNeeds(listing, set);
  });
  it('fails a writer that reads the timeline without declaring it', () => {
    const broken = defineOutputPlugin({
      ...listing,
      *write(s) {
        yield* writeListing(s);
        yield `events: ${s.whole.timeline?.length ?? 0}\n`;
      },
    });
    expect(() => checkWriterNeeds(broken, set)).toThrow(/output changes without/);
  });
  it('passes it once it declares the timeline', () => {
    const declared = defineOutputPlugin({
      ...listing,
      needs: { timeline: true },
      *write(s) {
        yield* writeListing(s);
        yield `events: ${s.whole.timeline?.length ?? 0}\n`;
      },
    });
    checkWriterNeeds(declared, set);
  });
});

describe('the chunk check', () => {
  const set = canonicalProfiles().diamond as ProfileSet;
  it('passes a writer that yields fresh chunks', () => {
    checkChunksUnchanged(listing, set);
  });
  it('fails a writer that refills one buffer for every chunk', () => {
    const broken = defineOutputPlugin({
      ...listing,
      *write(s) {
        const buffer = new Uint8Array(256);
        for (const bytes of writeListing(s)) {
          buffer.set(bytes);
          yield buffer.subarray(0, bytes.length);
        }
      },
    });
    expect(() => checkChunksUnchanged(broken, set)).toThrow(/changed after it was yielded/);
  });
});

/** Writes one line per timeline event (`kind fn`), streamed or from the set. */
function eventLines(set: ProfileSet): string {
  const t = set.whole.timeline;
  let out = '';
  for (let k = 0; k < (t?.length ?? 0); k++) out += `${t?.kind[k]} ${t?.function[k]}\n`;
  return out;
}

function eventsWriter(reuse: boolean) {
  return defineOutputPlugin({
    name: 'events',
    title: 'one line per event',
    extension: '.txt',
    needs: { timeline: true },
    *write(set) {
      yield encoder.encode(eventLines(set));
    },
    streamTimeline(): TimelineWriter {
      const buffer = new Uint8Array(64);
      let pending = '';
      return {
        function() {},
        event(kind, fn) {
          pending += `${kind} ${fn}\n`;
        },
        take() {
          const bytes = encoder.encode(pending);
          pending = '';
          if (!reuse) return [bytes];
          buffer.set(bytes);
          return [buffer.subarray(0, bytes.length)];
        },
        finish: () => [],
      };
    },
  });
}

describe('the streamed-timeline check', () => {
  const set = canonicalProfiles().timeline as ProfileSet;
  it('passes a writer whose streamed chunks are fresh and add up to its output', () => {
    checkStreamedTimeline(eventsWriter(false), set);
  });
  it('fails a writer that refills one buffer for every streamed chunk', () => {
    expect(() => checkStreamedTimeline(eventsWriter(true), set)).toThrow(
      /changed after it was handed out/,
    );
  });
});

describe('the samples and the rich sets', () => {
  it('holds a sample of every built-in format', () => {
    expect([...new Set(formatSamples().map((s) => s.format))].sort()).toEqual([
      'callgrind',
      'chrome-trace',
      'collapsed',
      'cprofile',
      'hotshot',
      'line-profiler',
      'lsprof',
      'pprof',
      'speedscope',
      'text',
      'yappi',
    ]);
    for (const sample of formatSamples()) expect(sample.bytes.length).toBeGreaterThan(0);
  });

  it('gives every canonical profile a call tree (from its timeline), lines and call sites, all valid', () => {
    for (const set of Object.values(canonicalProfiles())) {
      const rich = withEverything(set);
      for (const profile of [...rich.parts, rich.whole]) {
        expect(validateProfile(profile).errors).toEqual([]);
        expect(profile.lines?.length).toBe(profile.functions.length);
        expect(profile.callSites?.length).toBe(profile.calls.length);
        expect(profile.callTree !== undefined).toBe(profile.timeline !== undefined);
      }
    }
  });
});
