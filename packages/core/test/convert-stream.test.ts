// Conversions whose writer streams timelines (`streamTimeline`): the reader feeds the
// writer while it reads and the output leaves as the input comes in — before the input
// has all been read, in batches of one piece of input — with the same bytes as the
// writer makes of the profile held whole; stopping the output stops the reading and
// closes the input; strict stops on the reader's warnings too; a reader that cannot
// stream still gets the writer its timeline through the profile; several inputs are not
// streamed. Toy formats: `TICKS` logs (`+name` calls, `-` returns, one microsecond apart,
// `!text` a warning, `?` a malformed line) and a writer of `B`/`E` lines.
import { describe, expect, it } from 'vitest';
import {
  chunksToBytes,
  convert,
  createRegistry,
  defineInputPlugin,
  defineOutputPlugin,
  isProfileError,
  malformed,
  type OutputChunk,
  type Profile,
  ProfileBuilder,
  type ProfileError,
  type ProfileSet,
  type ReadContext,
  singleProfileSet,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
  type TimelineWriter,
  type WriteContext,
  writeToString,
} from '../src/index.js';

const encoder = new TextEncoder();

/** What the last read of `ticks` did. */
const seen = { streamed: false, keptTimeline: false };

/** A `TICKS` reader; `stream` says whether it delivers to `context.timeline`. */
function ticksReader(name: string, stream: boolean) {
  const read = async (chunks: AsyncIterable<Uint8Array>, context: ReadContext) => {
    const sink = stream ? context.timeline : undefined;
    const builder = new ProfileBuilder({ format: name });
    const rows = new Map<string, number>();
    const stack: number[] = [];
    const kinds: number[] = [];
    const fns: number[] = [];
    const times: number[] = [];
    let clock = 0;
    let rest = '';
    let header = false;
    let line = 0;
    const handle = (text: string) => {
      line++;
      if (!header) {
        if (text !== 'TICKS') throw malformed(name, { line }, 'not a TICKS log');
        header = true;
        return;
      }
      clock++;
      let kind: number;
      let fn: number;
      if (text.startsWith('+')) {
        const fname = text.slice(1);
        let row = rows.get(fname);
        if (row === undefined) {
          row = builder.addFunction('t.py', 1, fname);
          rows.set(fname, row);
          sink?.function(row, 't.py', 1, fname, 'python');
        }
        stack.push(row);
        [kind, fn] = [TIMELINE_ENTER, row];
      } else if (text === '-') {
        [kind, fn] = [TIMELINE_EXIT, stack.pop() as number];
        builder.addFunctionStats(fn, {
          callCount: 1,
          primitiveCallCount: 1,
          selfTime: 1e-6,
          inclusiveTime: 1e-6,
        });
      } else if (text.startsWith('!')) {
        context.warn({ code: 'said-so', message: text.slice(1) });
        return;
      } else throw malformed(name, { line }, `unexpected ${JSON.stringify(text)}`);
      if (sink) sink.event(kind, fn, clock / 1e6);
      else {
        kinds.push(kind);
        fns.push(fn);
        times.push(clock / 1e6);
      }
    };
    const decoder = new TextDecoder();
    for await (const chunk of chunks) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop() as string;
      for (const text of lines) if (text !== '') handle(text);
    }
    if (rest !== '') handle(rest);
    seen.streamed = sink !== undefined;
    seen.keptTimeline = sink === undefined && context.needs.timeline === true;
    if (seen.keptTimeline) {
      builder.setTimeline({
        length: kinds.length,
        kind: Uint8Array.from(kinds),
        function: Uint32Array.from(fns),
        time: Float64Array.from(times),
      });
    }
    return singleProfileSet(builder.build());
  };
  return defineInputPlugin({
    name,
    title: 'Ticks',
    extensions: [`.${name}`],
    // Only `ticks` claims the content; `kept` is chosen with `from`.
    detect: (head) =>
      stream && new TextDecoder().decode(head).startsWith('TICKS') ? 'likely' : undefined,
    read: () => {
      throw new Error('read whole: the pipeline should have streamed');
    },
    readStream: read,
  });
}

/** `B name µs` / `E name µs` lines; `done N` at the end. */
class Lines implements TimelineWriter {
  #out: string[] = [];
  #names: string[] = [];
  #events = 0;
  add(line: string) {
    this.#out.push(line);
  }
  function(fn: number, _file: string, _line: number, name: string) {
    this.#names[fn] = name;
  }
  event(kind: number, fn: number, time: number) {
    this.#events++;
    this.add(
      `${kind === TIMELINE_ENTER ? 'B' : 'E'} ${this.#names[fn]} ${Math.round(time * 1e6)}\n`,
    );
  }
  take(): OutputChunk[] {
    const out = this.#out.length > 0 ? [this.#out.join('')] : [];
    this.#out = [];
    return out;
  }
  *finish(set: ProfileSet): Generator<OutputChunk> {
    if (this.#events === 0) {
      const profile = set.whole;
      const timeline = profile.timeline as NonNullable<Profile['timeline']>;
      for (let fn = 0; fn < profile.functions.length; fn++)
        this.#names[fn] = profile.strings[profile.functions.name[fn] as number] as string;
      for (let k = 0; k < timeline.length; k++)
        this.event(
          timeline.kind[k] as number,
          timeline.function[k] as number,
          timeline.time[k] as number,
        );
    }
    yield* this.take();
    yield `done ${set.whole.functions.length}\n`;
  }
}

const lines = defineOutputPlugin({
  name: 'lines',
  title: 'Lines',
  extension: '.txt',
  needs: { timeline: true },
  write: (set: ProfileSet, _options, _context: WriteContext) => new Lines().finish(set),
  streamTimeline: () => new Lines(),
});

const registry = createRegistry([ticksReader('ticks', true), ticksReader('kept', false), lines]);

/** A log of `calls` calls of `f` inside `main`, one line a chunk, counting the pulls. */
function log(calls: number, extra: string[] = []) {
  const text = ['TICKS', '+main', ...extra];
  for (let k = 0; k < calls; k++) text.push('+f', '-');
  text.push('-');
  // The lines detection reads before anything else: the first 4 KiB.
  let headLines = 0;
  for (let bytes = 0; bytes < 4096 && headLines < text.length; headLines++)
    bytes += (text[headLines] as string).length + 1;
  const state = { pulled: 0, total: text.length, closed: false, headLines };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (const line of text) {
        state.pulled++;
        yield encoder.encode(`${line}\n`);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, data: chunks(), text: `${text.join('\n')}\n` };
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('a writer that streams timelines', () => {
  it('gets the events while the input is read; the output is what write makes of the held profile', async () => {
    const input = log(5000);
    const result = await convert({
      registry,
      inputs: [{ name: 'a.ticks', data: input.data }],
      to: 'lines',
    });
    expect(Symbol.asyncIterator in result.chunks).toBe(true);
    expect(() => result.set).toThrow(/once its chunks are read/);
    const arrivals: number[] = [];
    let output = '';
    for await (const chunk of result.chunks) {
      arrivals.push(input.state.pulled);
      output += chunk as string;
    }
    // The first output came once detection had seen its 4 KiB, long before the last of the
    // 10,003 lines was read, and then with every line.
    expect(input.state.headLines).toBe(1636);
    expect(arrivals[0]).toBe(input.state.headLines);
    expect(arrivals.length).toBeGreaterThan(8000);
    expect(seen).toEqual({ streamed: true, keptTimeline: false });
    expect(result.set.whole.functions.length).toBe(2);
    expect(result.set.whole.timeline).toBeUndefined();
    expect(result.readers.map((r) => r.name)).toEqual(['ticks']);
    expect(result.names).toEqual(['a.ticks']);
    const held = await convert({
      registry,
      inputs: [{ name: 'a.kept', data: encoder.encode(input.text) }],
      to: 'lines',
      from: 'kept',
    });
    expect(decode(await chunksToBytes(held.chunks))).toBe(output);
    expect(seen).toEqual({ streamed: false, keptTimeline: true });
    expect(output.split('\n').slice(0, 3)).toEqual(['B main 1', 'B f 2', 'E f 3']);
    expect(output.endsWith('E main 10002\ndone 2\n')).toBe(true);
  });

  it('stops reading and closes the input when the output is closed early', async () => {
    const input = log(5000);
    const result = await convert({ registry, inputs: [{ data: input.data }], to: 'lines' });
    let taken = 0;
    for await (const _ of result.chunks) if (++taken === 2000) break;
    expect(input.state.closed).toBe(true);
    // One line of output per line read (the first has none): 2,001 lines read, of 10,003.
    expect(input.state.pulled).toBe(2001);
  });

  it('tags a reading error with its input', async () => {
    const input = log(5, ['?']);
    const result = await convert({
      registry,
      inputs: [{ label: 'bad.ticks', data: input.data }],
      to: 'lines',
    });
    const error = await Promise.resolve()
      .then(() => chunksToBytes(result.chunks))
      .catch((e: unknown) => e);
    expect(isProfileError(error)).toBe(true);
    expect((error as ProfileError).input).toBe('bad.ticks');
    expect((error as ProfileError).message).toBe('unexpected "?"');
    expect(input.state.closed).toBe(true);
  });

  it('under strict, stops at a warning the reader raises while it streams', async () => {
    const input = log(20, ['!odd']);
    const result = await convert({
      registry,
      inputs: [{ data: input.data }],
      to: 'lines',
      strict: true,
    });
    const got: string[] = [];
    let error: unknown;
    try {
      for await (const chunk of result.chunks) got.push(chunk as string);
    } catch (e) {
      error = e;
    }
    expect(isProfileError(error) && error.code).toBe('STRICT_WARNINGS');
    expect((error as Error).message).toBe('1 warning while writing; output stopped (strict)');
    expect(got.join('')).toBe('B main 1\n');
    expect(input.state.closed).toBe(true);
  });

  it('gets the timeline through the profile from a reader that cannot stream it', async () => {
    const input = log(3);
    const result = await convert({
      registry,
      inputs: [{ data: input.data }],
      to: 'lines',
      from: 'kept',
    });
    const output = decode(await chunksToBytes(result.chunks));
    expect(seen).toEqual({ streamed: false, keptTimeline: true });
    expect(output).toBe(writeToString(lines, result.set));
    expect(output.split('\n')).toHaveLength(10);
  });

  it('is not streamed for several inputs (they are merged first)', async () => {
    const result = await convert({
      registry,
      inputs: [{ data: log(2).data }, { data: log(1).data }],
      to: 'lines',
      from: 'kept',
    });
    expect(Symbol.iterator in result.chunks).toBe(true);
    expect(result.set.parts).toHaveLength(2);
  });
});
