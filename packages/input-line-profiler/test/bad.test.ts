// Hand-made .lprof pickles for what the real tool never writes: foreign globals refused
// before anything is built, every shape a LineStats cannot have refused with the offset,
// the lenient points (a repeated line, a repeated key, a qualified name, trailing bytes)
// read as documented, and the budgets of @pyprof/pickle applied.
import {
  type Diagnostic,
  Diagnostics,
  functionName,
  isProfileError,
  type ProfileError,
  type ProfileSet,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { Pickle } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { lineProfiler } from '../src/index.js';

type Line = [number, number, number];
type Entry = [string, number, string, Line[]];

/** A LineStats pickle the way line_profiler 4 writes it (protocol 2 forms). */
function lineStats(
  timings: Entry[],
  unit: number | null = 1e-9,
  edit: (p: Pickle, part: 'head' | 'tail') => void = () => {},
): Uint8Array {
  const p = new Pickle()
    .proto(2)
    .global('line_profiler._line_profiler', 'LineStats')
    .emptyTuple()
    .newobj();
  edit(p, 'head');
  p.emptyDict().mark().unicode('timings').emptyDict();
  if (timings.length > 0) {
    p.mark();
    for (const [file, first, name, lines] of timings) {
      p.unicode(file).int(first).unicode(name).raw(0x87); // TUPLE3
      p.emptyList();
      if (lines.length > 0) {
        p.mark();
        for (const [line, hits, time] of lines) p.int(line).int(hits).int(time).raw(0x87);
        p.appends();
      }
    }
    p.setitems();
  }
  p.unicode('unit');
  if (unit === null) p.none();
  else p.float(unit);
  p.setitems().build();
  edit(p, 'tail');
  return p.stop().bytes();
}

/** A LineStats whose timings value `write` writes by hand (then the unit 1e-9). */
function withTimings(write: (p: Pickle) => void): Uint8Array {
  const p = new Pickle()
    .proto(2)
    .global('line_profiler._line_profiler', 'LineStats')
    .emptyTuple()
    .newobj()
    .emptyDict()
    .unicode('timings');
  write(p);
  return p.setitem().unicode('unit').float(1e-9).setitem().build().stop().bytes();
}

function refusal(bytes: Uint8Array): ProfileError {
  try {
    readWith(lineProfiler, bytes);
  } catch (error) {
    if (isProfileError(error)) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

/** Reads `bytes`, keeping the reader's warnings beside the set. */
function read(bytes: Uint8Array): ProfileSet & { warnings: readonly Diagnostic[] } {
  const diagnostics = new Diagnostics();
  const set = { ...readWith(lineProfiler, bytes, { diagnostics }), warnings: diagnostics.list };
  expect(validateProfile(set.whole).errors).toEqual([]);
  return set;
}

describe('refused before anything is built', () => {
  it('a foreign global inside a LineStats pickle', () => {
    const bytes = lineStats([['p.py', 1, 'f', [[2, 1, 5]]]], 1e-9, (p, part) => {
      if (part === 'head') p.global('os', 'system').raw(0x30); // GLOBAL, POP
    });
    const error = refusal(bytes);
    expect(error.code).toBe('UNSAFE_INPUT');
    expect(error.format).toBe('line-profiler');
    expect(error.message).toMatch(
      /^forbidden global os\.system at offset \d+: a line_profiler pickle names only line_profiler's LineStats \(line_profiler\._line_profiler\.LineStats, /,
    );
  });

  it("an lsprof Stats (another reader's class)", () => {
    const bytes = new Pickle()
      .proto(2)
      .global('breezy.lsprof', 'Stats')
      .emptyTuple()
      .newobj()
      .stop()
      .bytes();
    expect(refusal(bytes).code).toBe('UNSAFE_INPUT');
  });
});

describe('shapes a LineStats cannot have', () => {
  const entry: Entry = ['p.py', 1, 'f', [[2, 1, 5]]];
  it.each<[string, Uint8Array, RegExp]>([
    [
      'a dict instead of a LineStats',
      new Pickle().proto(2).emptyDict().stop().bytes(),
      /^not a line_profiler file: it holds a dict of 0 items, not a LineStats object/,
    ],
    [
      'no unit',
      lineStats([entry], null),
      /^LineStats\.unit must be a positive number of seconds, found None/,
    ],
    ['a zero unit', lineStats([entry], 0), /^LineStats\.unit must be a positive number/],
    [
      'an infinite unit',
      lineStats([entry], Infinity),
      /^LineStats\.unit must be a positive number/,
    ],
    [
      'timings that are not a dict',
      withTimings((p) => p.emptyList()),
      /^LineStats\.timings must be a dict, found a list of 0 items/,
    ],
    [
      'a key of two items',
      withTimings((p) => p.emptyDict().unicode('p.py').int(1).tuple2().emptyList().setitem()),
      /^a timings key must be a \(filename, first line, function name\) tuple, found a tuple of 2 items/,
    ],
    [
      'a negative time',
      lineStats([['p.py', 1, 'f', [[2, 1, -5]]]]),
      /^the time of line 2 must be a time ≥ 0, found the integer -5/,
    ],
    [
      'a negative hit count',
      lineStats([['p.py', 1, 'f', [[2, -1, 5]]]]),
      /^the hits of line 2 must be a whole number ≥ 0, found the integer -1/,
    ],
    [
      'a line entry of two numbers',
      withTimings((p) =>
        p
          .emptyDict()
          .unicode('p.py')
          .int(1)
          .unicode('f')
          .raw(0x87) // TUPLE3
          .emptyList()
          .int(2)
          .int(1)
          .tuple2()
          .append()
          .setitem(),
      ),
      /^a line entry must be \(line, hits, time\), found a tuple of 2 items/,
    ],
    [
      'one lines list shared by two functions (a memo reference)',
      withTimings((p) =>
        p
          .emptyDict()
          .unicode('p.py')
          .int(1)
          .unicode('f')
          .raw(0x87)
          .emptyList()
          .put(7)
          .setitem()
          .unicode('p.py')
          .int(9)
          .unicode('g')
          .raw(0x87)
          .get(7)
          .setitem(),
      ),
      /^the lines list built at offset \d+ serves two functions/,
    ],
  ])('%s: MALFORMED_INPUT', (_name, bytes, message) => {
    const error = refusal(bytes);
    expect(error.code).toBe('MALFORMED_INPUT');
    expect(error.place).toHaveProperty('offset');
    expect(error.message).toMatch(message);
  });
});

describe('lenient points', () => {
  it('sums a line listed twice (duplicate-line)', () => {
    const set = read(
      lineStats([
        [
          'p.py',
          1,
          'f',
          [
            [2, 1, 5],
            [2, 3, 7],
          ],
        ],
      ]),
    );
    const lines = set.whole.lines;
    expect(lines?.length).toBe(1);
    expect([lines?.hits[0], lines?.selfTime[0]]).toEqual([4, 12 * 1e-9]);
    expect(set.warnings.map((w) => w.code)).toEqual(['line-times-include-calls', 'duplicate-line']);
  });

  it('a repeated key replaces its value in place, as in Python', () => {
    const set = read(
      lineStats([
        ['p.py', 1, 'f', [[2, 1, 5]]],
        ['p.py', 9, 'g', [[10, 1, 1]]],
        ['p.py', 1, 'f', [[3, 2, 8]]],
      ]),
    );
    const profile = set.whole;
    expect(
      [...Array(profile.functions.length).keys()].map((fn) => functionName(profile, fn)),
    ).toEqual(['f', 'g']);
    expect(profile.lines?.line[0]).toBe(3);
    expect(profile.functions.selfTime[0]).toBe(8 * 1e-9);
  });

  it('keeps a qualified name (line_profiler 5 on Python 3.11+) in the details', () => {
    const profile = read(lineStats([['p.py', 4, 'K.<locals>.meth', [[5, 1, 1]]]])).whole;
    expect(functionName(profile, 0)).toBe('meth');
    expect(profile.functions.details.get(0)).toEqual({ qualifiedName: 'K.<locals>.meth' });
  });

  it('keeps a decorated function that never ran, with no lines', () => {
    const set = read(lineStats([['p.py', 4, 'never', []]]));
    const profile = set.whole;
    expect(profile.functions.length).toBe(1);
    expect(profile.functions.selfTime[0]).toBe(0);
    expect(profile.lines).toBeUndefined();
    expect(set.warnings).toEqual([]);
  });

  it('ignores bytes after STOP (trailing-data)', () => {
    const bytes = lineStats([['p.py', 1, 'f', [[2, 1, 5]]]]);
    const padded = new Uint8Array(bytes.length + 2);
    padded.set(bytes);
    expect(read(padded).warnings.map((w) => w.code)).toContain('trailing-data');
  });
});
