// Broken and hostile inputs: every pstats-like file of the corpus's bad/ set is refused
// with a ProfileError that has a code and a byte offset, quickly, and the safety limits
// (declared lengths, nesting depth, shared references) raise their own clear errors.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics, isProfileError, type ProfileError, readWith } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { cprofile } from '../src/index.js';
import { MAX_DEPTH, MarshalReader } from '../src/marshal.js';
import { fixturesDir, readFixture } from './corpus.js';

function refusal(bytes: Uint8Array): ProfileError {
  try {
    readWith(cprofile, bytes);
  } catch (error) {
    if (isProfileError(error)) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

const badFiles = readdirSync(join(fixturesDir, 'bad')).filter((f) => f.endsWith('.prof'));

describe('corpus bad/ pstats files', () => {
  it('are all here', () => {
    expect(badFiles).toHaveLength(24);
  });
  for (const file of badFiles) {
    it(`refuses ${file} with a code and an offset`, () => {
      const error = refusal(readFixture(`bad/${file}`));
      expect(error.code).toBe('MALFORMED_INPUT');
      expect(error.format).toBe('cprofile');
      expect(error.place).toHaveProperty('offset');
      expect(error.message).not.toMatch(/undefined|NaN|\[object/);
    });
  }

  it.each([
    ['empty.prof', 0, /file is empty/],
    [
      'marshal-dag-bomb-callers.prof',
      110,
      /caller value must be a call count or a 4-tuple .* found a tuple of 2 items/,
    ],
    ['marshal-self-referencing-tuple.prof', 47, /still being read/],
    ['marshal-huge-string-length.prof', 8, /declares 2147483647 bytes but only 3 are left/],
    ['marshal-huge-tuple-length-in-stats.prof', 17, /tuple of 2147483647 items/],
    ['marshal-list-not-dict.prof', 0, /not a pstats dump: expected a marshal dict .* found list/],
    ['pstats-contains-code-object.prof', 61, /function entry must be a tuple, found code object/],
    ['pstats-key-not-tuple.prof', 1, /function key must be a tuple/],
    ['pstats-wrong-value-arity.prof', 17, /tuple of 3 items/],
    ['pstats-bogus-type-code-inner.prof', 69, /unknown type code 0x51/],
    ['pstats-py311-truncated-at-2233.prof', 2233, /unexpected end of data/],
  ])('%s: the error says what and where', (file, offset, message) => {
    const error = refusal(readFixture(`bad/${file}`));
    expect(error.place).toEqual({ offset });
    expect(error.message).toMatch(message);
  });
});

describe('safety limits', () => {
  it.each(['marshal-nested-tuple-bomb.prof', 'marshal-nested-tuple-bomb-v2.prof'])(
    "%s: nesting is capped at CPython's depth",
    (file) => {
      const reader = new MarshalReader(readFixture(`bad/${file}`));
      expect(() => reader.readObject()).toThrow(`nested more than ${MAX_DEPTH} levels deep`);
    },
  );

  it('checks a declared list length against the bytes left before allocating', () => {
    const reader = new MarshalReader(readFixture('bad/marshal-huge-list-length.prof'));
    expect(() => reader.readObject()).toThrow(
      /declares 2147483647 items but only 1 bytes are left/,
    );
  });

  it('refuses a negative length', () => {
    const reader = new MarshalReader(readFixture('bad/marshal-negative-length.prof'));
    expect(() => reader.readObject()).toThrow(/negative length \(-1\)/);
  });

  it('shares referenced objects instead of copying them (the DAG bomb reads in linear time)', () => {
    // Read the bomb's shared tuple generically: 60 levels, each holding the previous twice.
    const bytes = readFixture('bad/marshal-dag-bomb-callers.prof');
    const reader = new MarshalReader(bytes);
    const stats = reader.readObject() as { entries: Array<[unknown, { items: unknown[] }]> };
    const first = stats.entries[0] as [unknown, { items: unknown[] }];
    const callers = (first[1].items[4] as { entries: Array<[unknown, unknown]> }).entries;
    let level = callers
      .map(([, v]) => v)
      .find((v) => typeof v === 'object' && v !== null && 'items' in v) as
      | { items: unknown[] }
      | undefined;
    let depth = 0;
    while (level && level.items.length === 2) {
      expect(level.items[0]).toBe(level.items[1]); // the same object, not a copy
      level = level.items[0] as { items: unknown[] };
      depth++;
    }
    expect(depth).toBe(60);
  });
});

describe('versions the reader does not know', () => {
  it('reports a code-object layout that fits no known Python as an unsupported version', () => {
    const real = readFixture('pstats/py312/decorators.profile.prof');
    const at = real.indexOf(0xe3) + 1; // after the first (flagged) code object's type byte
    const future = new Uint8Array(real.length + 4);
    future.set(real.subarray(0, at));
    future.set([0x7f, 0x7f, 0x7f, 0x7f], at); // an extra leading field no known layout has
    future.set(real.subarray(at), at + 4);
    const error = refusal(future);
    expect(error.code).toBe('UNSUPPORTED_VERSION');
    expect(error.message).toMatch(
      /code object at offset \d+ fits none of the known layouts \(Python 3.11–3.14, Python 3.8–3.10, Python 3.0–3.7, Python 2.x\)/,
    );
  });

  it('names an unknown marshal type code and its offset', () => {
    const bytes = Uint8Array.from([0xfb, 0x29, 0x03, 0x7a, 0x01, 0x61, 0xe9, 0, 0, 0, 0, 0x57]);
    const error = refusal(bytes);
    expect(error.place).toEqual({ offset: 11 });
    expect(error.message).toMatch(/unknown type code 0x57/);
  });
});

// Python 3 marshal written by hand, for what marshal.dumps never writes.
const text = (s: string) => [0x7a, s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const int = (v: number) => [0x69, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
const float = (v: number) => [0x67, ...new Uint8Array(Float64Array.of(v).buffer)];
const tuple = (...items: number[][]) => [0x29, items.length, ...items.flat()];
const key = (name: string, line: number) => tuple(text('m.py'), int(line), text(name));
/** A function entry (cc, nc, tt, ct, {callers}), `callers` being the dict's items' bytes. */
const entry = (calls: number, tt: number, ct: number, callers: number[] = []) =>
  tuple(int(calls), int(calls), float(tt), float(ct), [0x7b, ...callers, 0x30]);
/** A callers-dict item: a caller key (or reference to one) and its (nc, cc, tt, ct). */
const callerItem = (caller: number[], calls: number, tt: number, ct: number) => [
  ...caller,
  ...tuple(int(calls), int(calls), float(tt), float(ct)),
];

describe('a callers dict that lists one caller twice', () => {
  // marshal.dumps never writes a key twice, but a hand-made file can: the values are summed
  // into one edge, with a `duplicate-key` warning at the repeated key.
  const upToRepeat = [
    0xfb, // a dict, flagged: Python 3 marshal
    ...key('f', 1),
    ...entry(1, 0.5, 0.5),
    ...key('g', 2),
    // (cc, nc, tt, ct, callers) of g, up to its callers dict's second key
    0x29,
    5,
    ...int(3),
    ...int(3),
    ...float(0.25),
    ...float(1.5),
    0x7b,
    ...callerItem(key('f', 1), 1, 0.125, 0.5),
  ];
  const bytes = Uint8Array.from([
    ...upToRepeat,
    ...callerItem(key('f', 1), 2, 0.125, 1),
    0x30, // end of g's callers
    0x30, // end of the stats dict
  ]);

  it('sums the values into one edge and warns where the repeat is', () => {
    const diagnostics = new Diagnostics();
    const set = readWith(cprofile, bytes, { diagnostics });
    const calls = set.whole.calls;
    expect(calls.length).toBe(1);
    expect([calls.callCount[0], calls.primitiveCallCount[0]]).toEqual([3, 3]);
    expect([calls.selfTime[0], calls.inclusiveTime[0]]).toEqual([0.25, 1.5]);
    const warning = diagnostics.list.find((w) => w.code === 'duplicate-key');
    expect(warning?.place).toEqual({ offset: upToRepeat.length });
  });

  it('tells dicts apart past 65,536 of them (the 16-bit marks wrap around)', () => {
    // 70,000 callers dicts (plus f's own, empty). The stamps repeat every 65,535 dicts, so
    // dict 1 (c0's) and dict 65,536 (c65535's) get the same one: f, in both, must not be
    // taken for a repeat in the second. f listed twice in the last dict is one.
    const callees = 70_000;
    const edge = (name: string) => callerItem(key(name, 1), 1, 0, 0);
    const parts: number[][] = [[0xfb], key('f', 1), entry(1, 0, 0), key('g', 1), entry(1, 0, 0)];
    for (let k = 0; k < callees; k++) {
      const callers =
        k === 0 || k === 65_535
          ? edge('f')
          : k === callees - 1
            ? [...edge('f'), ...edge('f')]
            : edge('g');
      parts.push(key(`c${k}`, 2), entry(1, 0, 0, callers));
    }
    parts.push([0x30]);
    const diagnostics = new Diagnostics();
    const set = readWith(cprofile, Uint8Array.from(parts.flat()), { diagnostics });
    expect(set.whole.calls.length).toBe(callees);
    const repeats = diagnostics.list.filter((w) => w.code === 'duplicate-key');
    expect(repeats.map((w) => w.count)).toEqual([1]);
    expect(set.whole.calls.callCount[callees - 1]).toBe(2);
  }, 180_000); // 70,000 dicts: seconds on a busy machine
});

describe('references to keys', () => {
  // A flagged key tuple takes a reference slot; later callers dicts name the function by
  // an `r` to it. CPython writes the plain `r` byte; a flagged one (0xf2) means the same.
  const flaggedKey = (name: string, line: number) => [0xa9, ...key(name, line).slice(1)];
  const refTo = (slot: number, flagged = false) => [flagged ? 0xf2 : 0x72, ...int(slot).slice(1)];
  // Slots: 0 the stats dict, 1 f's key.
  const bytes = Uint8Array.from([
    0xfb,
    ...flaggedKey('f', 1),
    ...entry(3, 0.5, 1),
    ...key('g', 2),
    ...entry(1, 0.25, 0.25, callerItem(refTo(1), 1, 0.25, 0.25)),
    ...key('h', 3),
    ...entry(2, 0.25, 0.25, callerItem(refTo(1, true), 2, 0.25, 0.25)),
    0x30,
  ]);

  it('finds the function by either form of the reference', () => {
    const p = readWith(cprofile, bytes).whole;
    expect(p.functions.length).toBe(3);
    const nameOf = (fn: number) => p.strings[p.functions.name[fn] as number];
    const edges = Array.from({ length: p.calls.length }, (_, e) => [
      nameOf(p.calls.caller[e] as number),
      nameOf(p.calls.callee[e] as number),
      p.calls.callCount[e],
    ]);
    expect(edges).toEqual([
      ['f', 'g', 1],
      ['f', 'h', 2],
    ]);
  }, 60_000);
});
