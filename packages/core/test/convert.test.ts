// The conversion pipeline with small plugins of its own: every input form (bytes, gzip,
// chunk streams, web streams, file-like sources) and the streaming choice, reader choice
// and option ownership, validation, thread selection by the IR's main-thread mark,
// merging, transforms, and the one diagnostics list with --strict before and while
// writing.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type ByteSource,
  type ConvertResult,
  chunksToBytes,
  combineNeeds,
  convert,
  createRegistry,
  Diagnostics,
  defineInputPlugin,
  defineOutputPlugin,
  defineTransform,
  isProfileError,
  loadProfiles,
  makeProfileSet,
  type OutputNeeds,
  type Profile,
  ProfileBuilder,
  type ProfileError,
  type ProfileSet,
  type ReadContext,
} from '../src/index.js';

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

/**
 * `calls` format: a `CALLS` line, optional `clock cpu|wall`, then one `name seconds` line
 * per function; `thread ID` lines start another part (the first part is the main
 * thread); `warn TEXT` reports a warning; `bad` builds an invalid profile.
 */
function parse(text: string, context: ReadContext): ProfileSet {
  const lines = text.split('\n').filter(Boolean);
  if (lines[0] !== 'CALLS') throw new Error('not mine');
  const parts: Profile[] = [];
  let builder: ProfileBuilder | undefined;
  let clock: 'cpu' | 'wall' | undefined;
  const threads: Array<string | undefined> = [];
  const finish = () => {
    if (builder) parts.push(builder.build());
  };
  const start = (thread: string | undefined) => {
    finish();
    threads.push(thread);
    builder = new ProfileBuilder({
      format: 'calls',
      ...(clock ? { clock } : {}),
      ...(thread === undefined ? {} : { threadId: thread, label: `thread ${thread}` }),
    });
  };
  for (const line of lines.slice(1)) {
    const [word, rest] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
    if (word === 'clock') clock = rest as 'cpu' | 'wall';
    else if (word === 'thread') start(rest);
    else if (word === 'warn') context.warn({ code: 'said-so', message: rest, place: { line: 2 } });
    else if (line === 'bad') {
      start(undefined);
      builder?.addCall(7, 9, { callCount: 1 });
    } else {
      if (!builder) start(undefined);
      const fn = (builder as ProfileBuilder).addFunction('m.py', 1, word);
      const seconds = Number(rest) * ((context.options.scale as number | undefined) ?? 1);
      (builder as ProfileBuilder).addFunctionStats(fn, {
        callCount: 1,
        primitiveCallCount: 1,
        selfTime: seconds,
        inclusiveTime: seconds,
      });
    }
  }
  finish();
  if (parts.length > 1) {
    // A multi-thread input marks its main thread (the part before any `thread` line).
    const marked = parts.map((p, k) =>
      threads[k] === undefined ? { ...p, metadata: { ...p.metadata, mainThread: true } } : p,
    );
    return makeProfileSet(marked);
  }
  return makeProfileSet(parts);
}

/** What the last read of `calls` was given, and how it was read. */
const seen: { needs?: OutputNeeds; how?: 'whole' | 'stream'; fileName?: string | undefined } = {};

const calls = defineInputPlugin({
  name: 'calls',
  title: 'Calls',
  extensions: ['.calls'],
  options: { scale: { type: 'number', default: 1, description: 'multiply times' } },
  detect: (head) => (new TextDecoder().decode(head).startsWith('CALLS') ? 'certain' : undefined),
  read(input, context) {
    Object.assign(seen, { needs: context.needs, how: 'whole', fileName: context.fileName });
    return parse(new TextDecoder().decode(input), context);
  },
  async readStream(chunks, context) {
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
    Object.assign(seen, { needs: context.needs, how: 'stream', fileName: context.fileName });
    return parse(text + decoder.decode(), context);
  },
});

/** A reader without `readStream`, claiming `.other`. */
const other = defineInputPlugin({
  name: 'other',
  title: 'Other',
  extensions: ['.other'],
  detect: () => undefined,
  read: (input, context) => parse(new TextDecoder().decode(input), context),
});

/** Writes `name total` per function of the whole, one chunk per line; `warnAt` warns there. */
const totals = defineOutputPlugin({
  name: 'totals',
  title: 'Totals',
  extension: '.txt',
  options: {
    'warn-at': { type: 'integer', description: 'warn before writing this line' },
  },
  needs: { lines: true },
  *write(set, options, context) {
    const p = set.whole;
    yield `# ${context.inputName} by ${context.producer ?? '?'}\n`;
    for (let fn = 0; fn < p.functions.length; fn++) {
      if (options['warn-at'] === fn) context.warn({ code: 'odd-line', message: `line ${fn}` });
      yield `${p.strings[p.functions.name[fn] as number]} ${p.functions.selfTime[fn]}\n`;
    }
  },
});

const registry = createRegistry([calls, other, totals]);

async function text(result: Pick<ConvertResult, 'chunks'>): Promise<string> {
  return new TextDecoder().decode(await chunksToBytes(result.chunks));
}

async function failure(run: () => Promise<unknown>): Promise<ProfileError> {
  try {
    await run();
  } catch (error) {
    if (isProfileError(error)) return error;
    throw error;
  }
  throw new Error('no error');
}

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let k = 0; k < data.length; k += size) yield data.slice(k, k + size);
}

/** A file-like source that records which of its reads were used. */
function fileLike(data: Uint8Array, used: string[]): ByteSource {
  return {
    size: data.length,
    head: (length) => {
      used.push('head');
      return data.slice(0, length);
    },
    bytes: () => {
      used.push('bytes');
      return data.slice();
    },
    chunks: () => {
      used.push('chunks');
      return chunked(data, 3);
    },
  };
}

const profileA = bytes('CALLS\nmain 0.5\nwork 0.25\n');

describe('convert: inputs', () => {
  it('reads bytes, detects the reader, writes the chunks', async () => {
    const result = await convert({
      registry,
      inputs: [{ data: profileA, name: 'a.calls' }],
      to: 'totals',
      producer: 'test@1',
    });
    expect(result.readers.map((r) => r.name)).toEqual(['calls']);
    expect(result.names).toEqual(['a.calls']);
    expect(await text(result)).toBe('# a.calls by test@1\nmain 0.5\nwork 0.25\n');
    expect(result.diagnostics.list).toEqual([]);
    expect(result.set.whole.metadata.sourceName).toBe('a.calls');
    expect(seen.how).toBe('whole');
  });

  it('unpacks gzip (bytes, chunks, web streams, file-like) and drops .gz from the name', async () => {
    const packed = new Uint8Array(gzipSync(profileA));
    const forms = [
      packed,
      chunked(packed, 5),
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(packed.slice(0, 7));
          controller.enqueue(packed.slice(7));
          controller.close();
        },
      }),
      fileLike(packed, []),
    ];
    for (const data of forms) {
      const result = await convert({
        registry,
        inputs: [{ data, name: 'a.calls.gz' }],
        to: 'totals',
      });
      expect(result.names).toEqual(['a.calls']);
      expect(await text(result)).toBe('# a.calls by ?\nmain 0.5\nwork 0.25\n');
      // Compressed content is streamed to a reader that can stream.
      expect(seen.how).toBe('stream');
      expect(seen.fileName).toBe('a.calls');
    }
  });

  it('streams big or unsized inputs to readers that can, and reads small ones whole', async () => {
    const used: string[] = [];
    await convert({ registry, inputs: [{ data: fileLike(profileA, used) }], to: 'totals' });
    expect([used, seen.how]).toEqual([['head', 'bytes'], 'whole']);
    used.length = 0;
    await convert({
      registry,
      inputs: [{ data: fileLike(profileA, used) }],
      to: 'totals',
      streamAbove: 10,
    });
    expect([used, seen.how]).toEqual([['head', 'chunks'], 'stream']);
    await convert({ registry, inputs: [{ data: chunked(profileA, 4) }], to: 'totals' });
    expect(seen.how).toBe('stream');
    // A reader that cannot stream gets the joined chunks.
    const result = await convert({
      registry,
      inputs: [{ data: chunked(profileA, 4) }],
      from: 'other',
      to: 'totals',
    });
    expect(result.readers[0]?.name).toBe('other');
    expect(await text(result)).toContain('work 0.25');
  });

  it('reports bad gzip as malformed input of format gzip, naming the input', async () => {
    const packed = new Uint8Array(gzipSync(profileA));
    const error = await failure(() =>
      convert({
        registry,
        inputs: [{ data: packed.subarray(0, packed.length - 6), label: 'cut.gz' }],
        to: 'totals',
      }),
    );
    expect([error.code, error.format, error.input]).toEqual(['MALFORMED_INPUT', 'gzip', 'cut.gz']);
    expect(error.message).toMatch(/^gzip-compressed, but cannot be unpacked: /);
  });

  it('names the input an error concerns, and says when there is nothing to convert', async () => {
    const error = await failure(() =>
      convert({
        registry,
        inputs: [{ data: profileA }, { data: bytes('nonsense') }],
        to: 'totals',
      }),
    );
    expect([error.code, error.input]).toEqual(['UNKNOWN_FORMAT', 'input 2']);
    const none = await failure(() => convert({ registry, inputs: [], to: 'totals' }));
    expect(none.code).toBe('INVALID_OPTION');
  });

  it('closes a stream it opened but could not read, gzipped or not', async () => {
    const closed: boolean[] = [];
    async function* source(data: Uint8Array): AsyncGenerator<Uint8Array> {
      try {
        for (let k = 0; k < data.length; k += 100) yield data.subarray(k, k + 100);
      } finally {
        closed.push(true);
      }
    }
    const junk = bytes('not a profile at all\n'.repeat(1000));
    for (const data of [junk, new Uint8Array(gzipSync(junk))]) {
      const error = await failure(() =>
        convert({ registry, inputs: [{ data: source(data) }], to: 'totals' }),
      );
      expect(error.code).toBe('UNKNOWN_FORMAT');
    }
    expect(closed).toEqual([true, true]);
  });
});

describe('convert: options, needs, validation', () => {
  it('gives each plugin its own options and refuses options no plugin in use has', async () => {
    const result = await convert({
      registry,
      inputs: [{ data: profileA }],
      to: 'totals',
      options: { scale: 2, 'warn-at': 99 },
    });
    expect(await text(result)).toContain('main 1\n');
    const error = await failure(() =>
      loadProfiles({ registry, inputs: [{ data: profileA }], options: { 'warn-at': 1 } }),
    );
    expect([error.code, error.message, error.input]).toEqual([
      'INVALID_OPTION',
      '--warn-at is an option of totals, not of calls',
      'input 1',
    ]);
  });

  it("passes the writer's and the transforms' needs to the readers", async () => {
    await convert({
      registry,
      inputs: [{ data: profileA }],
      to: 'totals',
      transforms: [{ name: 'keep', needs: { timeline: true }, apply: (set) => set }],
    });
    expect(seen.needs).toEqual({ lines: true, timeline: true });
    expect(combineNeeds({ timeline: true, timelineLimit: 5 }, { timelineLimit: 9 })).toEqual({
      timeline: true,
      timelineLimit: 9,
    });
    expect(combineNeeds({ timeline: true, timelineLimit: 5 }, { timeline: true })).toEqual({
      timeline: true,
    });
  });

  it('validates what readers return unless they are trusted', async () => {
    const broken = bytes('CALLS\nbad\n');
    const error = await failure(() =>
      loadProfiles({ registry, inputs: [{ data: broken, label: 'b' }] }),
    );
    expect([error.code, error.format, error.input]).toEqual(['INVALID_PROFILE', 'calls', 'b']);
    expect(error.message).toMatch(/^the calls reader produced an invalid profile/);
    await expect(
      loadProfiles({ registry, inputs: [{ data: broken }], validate: { except: [calls] } }),
    ).resolves.toBeDefined();
  });
});

describe('convert: threads and merging', () => {
  const threads = bytes('CALLS\nmain 1\nthread 7\nwork 2\nthread 8\nidle 3\n');

  it('selects the main thread by its mark, an id, a label or an index', async () => {
    const names = async (thread: string, inputs = [{ data: threads }]) => {
      const { set } = await loadProfiles({ registry, inputs, thread });
      const fns = set.whole.functions;
      return [set.parts.length, [...fns.name].map((k) => set.whole.strings[k])];
    };
    expect(await names('main')).toEqual([1, ['main']]);
    expect(await names('7')).toEqual([1, ['work']]);
    expect(await names('thread 8')).toEqual([1, ['idle']]);
    expect(await names('#2')).toEqual([1, ['idle']]);
    // A single-part input's only part is its main thread; with two inputs, both mains.
    expect(await names('main', [{ data: threads }, { data: profileA }])).toEqual([
      2,
      ['main', 'work'],
    ]);
    const error = await failure(() => names('9'));
    expect(error.message).toBe('no thread "9" in the input; it has: #0, #1 thread 7, #2 thread 8');
  });

  it('merges several inputs in pstats order and warns about mixed clocks', async () => {
    const cpu = bytes('CALLS\nclock cpu\nmain 1\n');
    const wall = bytes('CALLS\nclock wall\nmain 2\nother 1\n');
    const { set, diagnostics } = await loadProfiles({
      registry,
      inputs: [
        { data: cpu, name: 'cpu.calls' },
        { data: wall, name: 'wall.calls' },
      ],
    });
    expect(set.parts.map((p) => p.metadata.sourceName)).toEqual(['cpu.calls', 'wall.calls']);
    expect(set.whole.functions.selfTime[0]).toBe(3);
    expect(diagnostics.list.map((d) => [d.stage, d.source, d.code, d.input])).toEqual([
      ['merge', 'merge', 'mixed-clocks', undefined],
    ]);
  });
});

describe('convert: one diagnostics list, --strict', () => {
  const warned = bytes('CALLS\nwarn first\nwarn first\nwarn second\nmain 1\nwork 2\n');
  const noisy = defineTransform({
    name: 'noisy',
    apply(set, context) {
      context.warn({ code: 'dropped-nothing', message: 'kept everything', severity: 'info' });
      return set;
    },
  });

  it('collects every stage, counting repeats', async () => {
    const seenLive: string[] = [];
    const diagnostics = new Diagnostics({ onReport: (d) => seenLive.push(d.code) });
    const result = await convert({
      registry,
      inputs: [{ data: warned, label: 'w.calls' }],
      to: 'totals',
      options: { 'warn-at': 1 },
      transforms: [noisy],
      diagnostics,
    });
    expect(result.diagnostics).toBe(diagnostics);
    expect(diagnostics.list.map((d) => [d.stage, d.source, d.code, d.count])).toEqual([
      ['read', 'calls', 'said-so', 2],
      ['read', 'calls', 'said-so', 1],
      ['transform', 'noisy', 'dropped-nothing', 1],
    ]);
    expect(diagnostics.list[0]).toMatchObject({ input: 'w.calls', place: { line: 2 } });
    await text(result);
    expect(diagnostics.list.at(-1)).toMatchObject({ stage: 'write', source: 'totals' });
    expect([diagnostics.warningCount, diagnostics.count()]).toEqual([4, 5]);
    expect(diagnostics.count('warning', ['write'])).toBe(1);
    expect(seenLive).toHaveLength(5);
  });

  it('stops before writing when a reader, the merge or a transform warned', async () => {
    let wrote = false;
    const watched = {
      ...totals,
      name: 'watched',
      *write() {
        wrote = true;
        yield 'x';
      },
    };
    const strictRegistry = registry.with([watched]);
    const cases = [
      { inputs: [{ data: warned }], transforms: [] },
      {
        inputs: [
          { data: bytes('CALLS\nclock cpu\nf 1\n') },
          { data: bytes('CALLS\nclock wall\nf 1\n') },
        ],
        transforms: [],
      },
      {
        inputs: [{ data: profileA }],
        transforms: [
          defineTransform({
            name: 'picky',
            apply(set, context) {
              context.warn({ code: 'too-small', message: 'nothing to filter' });
              return set;
            },
          }),
        ],
      },
    ];
    for (const { inputs, transforms } of cases) {
      const diagnostics = new Diagnostics();
      const error = await failure(() =>
        convert({
          registry: strictRegistry,
          inputs,
          to: 'watched',
          transforms,
          strict: true,
          diagnostics,
        }),
      );
      expect(error.code).toBe('STRICT_WARNINGS');
      expect(diagnostics.warningCount).toBeGreaterThan(0);
      expect(wrote).toBe(false);
    }
    // Info is worth knowing, not a reason to stop.
    const result = await convert({
      registry: strictRegistry,
      inputs: [{ data: profileA }],
      to: 'watched',
      transforms: [noisy],
      strict: true,
    });
    expect(await text(result)).toBe('x');
  });

  it("stops the writer's chunks at its first warning", async () => {
    const result = await convert({
      registry,
      inputs: [{ data: bytes('CALLS\na 1\nb 2\nc 3\n') }],
      to: 'totals',
      options: { 'warn-at': 1 },
      strict: true,
    });
    const got: string[] = [];
    let error: unknown;
    try {
      for await (const chunk of result.chunks) got.push(chunk as string);
    } catch (e) {
      error = e;
    }
    expect(got).toEqual(['# <stdin> by ?\n', 'a 1\n']);
    expect(isProfileError(error) && error.code).toBe('STRICT_WARNINGS');
    expect((error as Error).message).toBe('1 warning while writing; output stopped (strict)');
  });
});

describe('Diagnostics', () => {
  it('keeps at most `limit` distinct entries, counting the rest in one (a warning if any was)', () => {
    const diagnostics = new Diagnostics({ limit: 2 });
    const sink = diagnostics.sink('r', 'read', 'x');
    sink.warn({ code: 'a', message: '1' });
    sink.warn({ code: 'a', message: '1' });
    sink.warn({ code: 'a', message: '2' });
    sink.warn({ code: 'a', message: '3', severity: 'info' });
    sink.warn({ code: 'a', message: '2' });
    expect(diagnostics.list.map((d) => [d.code, d.severity, d.count])).toEqual([
      ['a', 'warning', 2],
      ['a', 'warning', 2],
      ['too-many-diagnostics', 'info', 1],
    ]);
    sink.warn({ code: 'b', message: '4' });
    expect(diagnostics.list.at(-1)).toMatchObject({ severity: 'warning', count: 2 });
    expect(diagnostics.warningCount).toBe(5);
  });
});
