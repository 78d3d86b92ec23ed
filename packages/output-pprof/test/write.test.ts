// The pprof writer's own rules, decoded with pprof-format and checked number by number:
// gzip that is the same bytes every time (and a bare protobuf on request), sample types per
// clock and cost unit, call counts only from exact trees, nanoseconds that add up, names
// Go keeps apart (and does not demangle), distinct location addresses, call-site lines,
// thread labels, comments and the timeline's duration.
import { gunzipSync } from 'node:zlib';
import {
  type CallTree,
  makeProfileSet,
  type Profile,
  ProfileBuilder,
  type ProfileMetadata,
  singleProfileSet,
  writeToBytes,
} from '@pyprof/core';
import { canonicalProfiles, readPprof } from '@pyprof/testkit';
import { gunzipSync as fflateGunzip } from 'fflate';
import { describe, expect, it } from 'vitest';
import { pprof } from '../src/index.js';

type Stats = { calls?: number; self: number; inclusive: number };

/** A profile from functions `[file, line, name, stats]` and edges `[caller, callee, stats]`. */
function build(
  metadata: Partial<ProfileMetadata>,
  functions: Array<[string, number, string, Stats]>,
  calls: Array<[number, number, Stats]> = [],
  extra?: (builder: ProfileBuilder) => void,
): Profile {
  const b = new ProfileBuilder({ format: 'test', clock: 'wall', ...metadata });
  for (const [file, line, name, s] of functions) {
    const fn = b.addFunction(file, line, name, file === '~' ? 'builtin' : 'python');
    b.addFunctionStats(fn, {
      callCount: s.calls ?? 1,
      primitiveCallCount: s.calls ?? 1,
      selfTime: s.self,
      inclusiveTime: s.inclusive,
    });
  }
  for (const [caller, callee, s] of calls)
    b.addCall(caller, callee, {
      callCount: s.calls ?? 1,
      primitiveCallCount: s.calls ?? 1,
      selfTime: s.self,
      inclusiveTime: s.inclusive,
    });
  extra?.(b);
  return b.build();
}

const write = (profile: Profile, options: Record<string, unknown> = {}) =>
  writeToBytes(pprof, singleProfileSet(profile), { options, context: { producer: 'pyprof@test' } });

describe('bytes', () => {
  const profile = build({}, [['a.py', 1, 'main', { self: 0.5, inclusive: 0.5 }]]);

  it('is gzip with no time stamp: the same bytes every time, read alike by fflate and zlib', () => {
    const bytes = write(profile);
    expect([...bytes.subarray(0, 3)]).toEqual([0x1f, 0x8b, 0x08]);
    expect([...bytes.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(write(profile)).toEqual(bytes);
    expect(fflateGunzip(bytes)).toEqual(new Uint8Array(gunzipSync(bytes)));
  });

  it('is the bare protobuf with compression none', () => {
    const bytes = write(profile, { compression: 'none' });
    expect(bytes[0]).not.toBe(0x1f);
    expect(bytes).toEqual(new Uint8Array(gunzipSync(write(profile))));
    expect(readPprof(bytes).total).toBe(500_000_000);
  });
});

describe('sample types', () => {
  it('aggregate profiles: time only, named after the clock, with a comment saying why', () => {
    for (const [clock, type] of [
      ['wall', 'wall'],
      ['cpu', 'cpu'],
      [undefined, 'time'],
    ] as const) {
      const r = readPprof(
        write(build({ clock }, [['a.py', 1, 'main', { self: 1, inclusive: 1 }]])),
      );
      expect(r.sampleTypes).toEqual([[type, 'nanoseconds']]);
      expect(r.sampleIndex).toBe(0);
      expect(r.comments.some((c) => c.startsWith('no call counts'))).toBe(true);
    }
    const warnings: string[] = [];
    writeToBytes(
      pprof,
      singleProfileSet(build({}, [['a.py', 1, 'main', { self: 1, inclusive: 1 }]])),
      {
        context: { warn: (w: { code: string }) => warnings.push(w.code) },
      },
    );
    expect(warnings).toEqual(['call-counts-dropped']);
  });

  it('exact call trees: calls/count first, time the default, counts per stack', () => {
    const set = canonicalProfiles().timeline as ReturnType<typeof canonicalProfiles>['timeline'];
    const r = readPprof(writeToBytes(pprof, set));
    expect(r.sampleTypes).toEqual([
      ['calls', 'count'],
      ['time', 'nanoseconds'],
    ]);
    expect(r.sampleTypes[r.sampleIndex]?.[0]).toBe('time');
    expect(r.comments).toContain('exact call tree');
    // Calls of a function = the samples ending in it, on the calls type.
    const calls = readPprof(writeToBytes(pprof, set), 0);
    const whole = set.whole;
    for (let fn = 0; fn < whole.functions.length; fn++) {
      const name = whole.strings[whole.functions.name[fn] as number] as string;
      expect(calls.flat.get(name), name).toBe(whole.functions.callCount[fn]);
    }
  });

  it('sampled stacks counted in samples: samples/count with period 1', () => {
    const b = new ProfileBuilder({ format: 'collapsed', costUnit: 'samples', sampled: true });
    const main = b.addFunction('a.py', 1, 'main');
    const work = b.addFunction('a.py', 5, 'work');
    b.addFunctionStats(main, {
      callCount: Number.NaN,
      primitiveCallCount: Number.NaN,
      selfTime: 3,
      inclusiveTime: 10,
    });
    b.addFunctionStats(work, {
      callCount: Number.NaN,
      primitiveCallCount: Number.NaN,
      selfTime: 7,
      inclusiveTime: 7,
    });
    b.addCall(main, work, {
      callCount: Number.NaN,
      primitiveCallCount: Number.NaN,
      selfTime: 7,
      inclusiveTime: 7,
    });
    const tree: CallTree = {
      length: 2,
      parent: Int32Array.from([-1, 0]),
      function: Uint32Array.from([main, work]),
      selfTime: Float64Array.from([3, 7]),
      callCount: Float64Array.from([Number.NaN, Number.NaN]),
    };
    b.setCallTree(tree);
    const r = readPprof(write(b.build()));
    expect(r.sampleTypes).toEqual([['samples', 'count']]);
    expect(r.periodType).toEqual(['samples', 'count']);
    expect(r.period).toBe(1);
    expect(r.flat.get('work')).toBe(7);
    expect(r.cum.get('main')).toBe(10);
    expect(r.comments).toContain('no call counts: the source recorded none per stack');
  });
});

describe('nanoseconds', () => {
  it('each function within 1 ns of its own time, the total exact, spread over its stacks', () => {
    // 300 functions of 1/3 µs under main (self 0.1 ns), each reached from two callers.
    const functions: Array<[string, number, string, Stats]> = [
      ['a.py', 1, 'main', { self: 1e-10, inclusive: 1 }],
      ['a.py', 2, 'left', { self: 1 / 3e6, inclusive: 0.5 }],
      ['a.py', 3, 'right', { self: 1 / 3e6, inclusive: 0.5 }],
    ];
    const calls: Array<[number, number, Stats]> = [
      [0, 1, { self: 1 / 3e6, inclusive: 0.5 }],
      [0, 2, { self: 1 / 3e6, inclusive: 0.5 }],
    ];
    for (let k = 0; k < 300; k++) {
      functions.push(['b.py', 10 + k, `f${k}`, { self: 1 / 3e7, inclusive: 1 / 3e7 }]);
      calls.push([1, 3 + k, { self: 1 / 6e7, inclusive: 1 / 6e7 }]);
      calls.push([2, 3 + k, { self: 1 / 6e7, inclusive: 1 / 6e7 }]);
    }
    const profile = build({}, functions, calls);
    const r = readPprof(write(profile));
    let exact = 0;
    for (let fn = 0; fn < profile.functions.length; fn++) {
      const self = profile.functions.selfTime[fn] as number;
      exact += self;
      const name = profile.strings[profile.functions.name[fn] as number] as string;
      expect(Math.abs((r.flat.get(name) ?? 0) - self * 1e9), name).toBeLessThanOrEqual(1);
    }
    expect(r.total).toBe(Math.round(exact * 1e9));
    // Every value is an integer, and a function's samples are within 1 ns of their share.
    for (const s of r.samples) expect(Number.isInteger(s.values[0])).toBe(true);
    expect(r.samples.filter((s) => s.stack[0] === 'f7').length).toBe(2);
  });
});

describe('names and locations', () => {
  it('same-named functions get names Go keeps apart; <lambda> and <module> stay, unmangled', () => {
    const profile = build({}, [
      ['/x/pkg_a/util.py', 3, 'run', { self: 1, inclusive: 1 }],
      ['/x/pkg_b/util.py', 3, 'run', { self: 2, inclusive: 2 }],
      ['/x/app.py', 10, '<lambda>', { self: 3, inclusive: 3 }],
      ['/x/app.py', 1, '<module>', { self: 4, inclusive: 4 }],
      ['~', 0, '<built-in method builtins.len>', { self: 5, inclusive: 5 }],
    ]);
    const r = readPprof(write(profile));
    expect(r.functions.map((f) => f.name).sort()).toEqual([
      '<built-in method builtins.len>',
      '<lambda>',
      '<module>',
      'pkg_a.util.run',
      'pkg_b.util.run',
    ]);
    expect(r.functions.every((f) => f.systemName === '')).toBe(true);
    const len = r.functions.find((f) => f.name.includes('len'));
    expect([len?.file, len?.startLine]).toEqual(['', 0]);
    const lambda = r.functions.find((f) => f.name === '<lambda>');
    expect([lambda?.file, lambda?.startLine]).toEqual(['/x/app.py', 10]);
    expect(new Set(r.addresses).size).toBe(r.addresses.length);
    expect(r.addresses.every((a) => a > 0)).toBe(true);
  });

  it('names that differ only in bytes that are not UTF-8 stay apart once written', () => {
    const profile = build({}, [
      ['a.py', 1, 'f\udce9', { self: 1, inclusive: 1 }],
      ['a.py', 2, 'f\udcea', { self: 2, inclusive: 2 }],
    ]);
    const names = readPprof(write(profile)).functions.map((f) => f.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    expect(names.sort()).toEqual(['fé', 'fê']);
  });

  it('a caller frame shows the call-site line where the profile records exactly one', () => {
    const profile = build(
      {},
      [
        ['a.py', 1, 'main', { self: 1, inclusive: 4 }],
        ['a.py', 10, 'one', { self: 1, inclusive: 1 }],
        ['a.py', 20, 'two', { self: 2, inclusive: 2 }],
      ],
      [
        [0, 1, { self: 1, inclusive: 1 }],
        [0, 2, { self: 2, inclusive: 2 }],
      ],
      (b) =>
        b.setCallSites({
          length: 3,
          call: Uint32Array.from([0, 1, 1]),
          line: Int32Array.from([5, 6, 7]),
          callCount: Float64Array.from([1, 1, 1]),
          inclusiveTime: Float64Array.from([1, 1, 1]),
        }),
    );
    const r = readPprof(write(profile));
    const lines = new Map(
      r.profile.location.map((l) => [Number(l.id), Number(l.line[0]?.line)] as const),
    );
    const one = r.samples.find((s) => s.stack[0] === 'one');
    const two = r.samples.find((s) => s.stack[0] === 'two');
    expect(one?.locations.map((id) => lines.get(id))).toEqual([10, 5]);
    // Two call-site lines for main → two: the caller's first line.
    expect(two?.locations.map((id) => lines.get(id))).toEqual([20, 1]);
  });
});

describe('threads, comments, duration', () => {
  it("labels each thread's samples with its name and numeric id", () => {
    const set = canonicalProfiles().threads as ReturnType<typeof canonicalProfiles>['threads'];
    const r = readPprof(writeToBytes(pprof, set));
    const byThread = new Map<string, number>();
    for (const s of r.samples) {
      expect(typeof s.labels['thread id']).toBe('number');
      const name = s.labels['thread name'] as string;
      byThread.set(name, (byThread.get(name) ?? 0) + (s.values[0] as number));
    }
    for (const part of set.parts) {
      let own = 0;
      for (let fn = 0; fn < part.functions.length; fn++)
        own += part.functions.selfTime[fn] as number;
      expect(
        Math.abs((byThread.get(part.metadata.label as string) ?? 0) - own * 1e9),
      ).toBeLessThanOrEqual(part.functions.length);
    }
  });

  it('labels the parts of several inputs with the input, not as threads', () => {
    const a = build({ sourceName: 'a.prof' }, [['a.py', 1, 'main', { self: 1, inclusive: 1 }]]);
    const b = build({ sourceName: 'b.prof' }, [['a.py', 1, 'main', { self: 2, inclusive: 2 }]]);
    const r = readPprof(writeToBytes(pprof, makeProfileSet([a, b])));
    expect(r.samples.map((s) => s.labels)).toEqual([{ profile: 'a.prof' }, { profile: 'b.prof' }]);
    expect(r.flat.get('main')).toBe(3_000_000_000);
  });

  it('says where the data came from; no duration, even from a timeline (not a need)', () => {
    const r = readPprof(
      write(
        build({ producer: 'cProfile', pythonVersion: '3.12.1', timeUnit: 'seconds (wall clock)' }, [
          ['a.py', 1, 'main', { self: 1, inclusive: 1 }],
        ]),
      ),
    );
    expect(r.comments.slice(0, 4)).toEqual([
      'source: cProfile (test input) Python 3.12.1',
      'time: seconds (wall clock)',
      'converted by pyprof@test',
      'stacks reconstructed from the call graph',
    ]);
    const timeline = readPprof(writeToBytes(pprof, canonicalProfiles().timeline as never));
    // The writer does not ask readers for timelines, so it does not read one's span.
    expect(timeline.durationNanos).toBe(0);
  });

  it('warns when there is nothing to show (Go refuses files without samples)', () => {
    const warnings: string[] = [];
    writeToBytes(pprof, canonicalProfiles().empty as never, {
      context: { warn: (w: { code: string }) => warnings.push(w.code) },
    });
    expect(warnings).toEqual(['no-samples']);
  });
});
