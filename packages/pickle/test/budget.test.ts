// The reader's budgets (src/limits.ts, issue #15 item 8). The committed small cases and
// the big ones made at test time are refused with one line naming the budget, after
// allocating no more than the budget allows: the build hook counts every value made, and
// their estimated size stays under the limit. A property over pickles up to 1 MB checks
// the same for any input — and that an accepted pickle's values, walked afterwards, cost
// no more than what was charged for them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProfileError, type ProfileError } from '@pyprof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COST,
  DEFAULT_PICKLE_LIMITS,
  loadPickle,
  type PickleLimits,
  type PickleValue,
  PyDict,
  PyList,
  PyObject,
  PySet,
  PyTuple,
  pickleDialect,
} from '../src/index.js';
import {
  emptyListFlood,
  longString,
  nestedListOnStack,
  nestedListThroughMemo,
  stackFlood,
} from './fixtures/hostile.mjs';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const dialect = pickleDialect({
  format: 'toy',
  noun: 'a toy pickle',
  classes: 'the toy classes',
  globals: [{ module: 'toy', name: 'Box', kind: 'class', dictItems: true }],
});

const CONTAINERS = new Set(['list', 'tuple', 'dict', 'set', 'frozenset', 'global']);

/** What the build hook saw: values by kind, and a lower bound of their size. */
function counted(bytes: Uint8Array, limits: Partial<PickleLimits> = {}) {
  const kinds = new Map<string, number>();
  let error: ProfileError | undefined;
  let spent = 0;
  let value: PickleValue | undefined;
  try {
    const loaded = loadPickle(bytes, dialect, {
      limits,
      onBuild: (kind) => kinds.set(kind, (kinds.get(kind) ?? 0) + 1),
    });
    spent = loaded.budgetSpent;
    value = loaded.value;
  } catch (caught) {
    if (!isProfileError(caught)) throw caught;
    error = caught;
  }
  let least = 0;
  for (const [kind, n] of kinds) {
    if (CONTAINERS.has(kind)) least += n * COST.container;
    else if (kind === 'Box') least += n * COST.object;
    else if (kind === 'float') least += n * COST.number;
    else if (kind === 'str') least += n * COST.string;
  }
  const { bytesPerInputByte, baseBytes } = { ...DEFAULT_PICKLE_LIMITS, ...limits };
  return { kinds, least, error, spent, value, limit: bytesPerInputByte * bytes.length + baseBytes };
}

/** Estimated size of an accepted value, walked once (shared values counted once). */
function retained(value: PickleValue | undefined): number {
  const seen = new Set<object>();
  let total = 0;
  const stack: Array<PickleValue | undefined> = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') total += COST.string + v.length;
    if (typeof v === 'number' && (v | 0) !== v) total += COST.number;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof PyList || v instanceof PyTuple || v instanceof PySet) {
      total += COST.container + COST.item * v.items.length;
      stack.push(...v.items);
    } else if (v instanceof PyDict) {
      total += COST.container + COST.item * v.flat.length;
      stack.push(...v.flat);
    } else if (v instanceof PyObject) {
      total += COST.object + COST.item * v.items.length + COST.attribute * v.attributes.size;
      stack.push(...v.items, ...v.attributes.values());
    }
  }
  return total;
}

function expectOneLine(error: ProfileError | undefined, code: string, message: RegExp): void {
  expect(error?.code).toBe(code);
  expect(error?.message).toMatch(message);
  expect(error?.message).not.toContain('\n');
  expect(error?.place).toHaveProperty('offset');
}

describe('committed hostile pickles', () => {
  it('15-nested-list-101: refused by the depth cap', () => {
    const result = counted(readFileSync(join(fixtures, '15-nested-list-101.pickle')));
    expectOneLine(result.error, 'MALFORMED_INPUT', /^values nested deeper than 100 levels /);
    expect(result.kinds.get('list')).toBe(101);
  });

  it('15-marks-1001: refused by the MARK cap, before anything is built', () => {
    const result = counted(readFileSync(join(fixtures, '15-marks-1001.pickle')));
    expectOneLine(result.error, 'MALFORMED_INPUT', /^more than 1000 MARKs open at once$/);
    expect(result.kinds.size).toBe(0);
  });
});

describe('big hostile pickles, made at test time', () => {
  it('a 20 MB flood of empty lists stops at its budget', () => {
    const bytes = emptyListFlood(20_000_000);
    const result = counted(bytes);
    expect(result.error?.message).toBe(
      `the pickle builds more than its memory budget allows (${16 * bytes.length + 4194304} bytes: 16 per input byte + 4194304); a profile pickle never needs that much`,
    );
    // Refused partway: every list the hook saw fits the budget, and they are most of it.
    const lists = result.kinds.get('list') ?? 0;
    expect(result.least).toBeLessThanOrEqual(result.limit);
    expect(lists * (COST.container + COST.item)).toBeGreaterThan(result.limit * 0.9);
    expect(lists).toBeLessThan(bytes.length / 4);
  }, 60_000);

  it('a list nested two million deep (4 MB) stops at the stack cap, nothing built', () => {
    const result = counted(nestedListOnStack(2_000_000));
    expectOneLine(
      result.error,
      'MALFORMED_INPUT',
      /^more than 100000 values on the pickle's stack/,
    );
    // The scan pass refuses it: the build pass never starts.
    expect(result.kinds.size).toBe(0);
  }, 60_000);

  it('a list nested 600,000 deep through the memo (4 MB) stops at its budget', () => {
    const bytes = nestedListThroughMemo(600_000);
    const result = counted(bytes);
    expectOneLine(result.error, 'MALFORMED_INPUT', /memory budget/);
    expect(result.least).toBeLessThanOrEqual(result.limit);
  }, 60_000);

  it('a string of 2 MiB is refused before it is decoded', () => {
    const result = counted(longString(2 << 20));
    expectOneLine(
      result.error,
      'MALFORMED_INPUT',
      /^BINUNICODE of 2097152 bytes is longer than the longest string a profile pickle may hold \(1048576 bytes\)$/,
    );
    expect(result.kinds.size).toBe(0);
  });

  it('a stack of 100,001 values is refused', () => {
    expectOneLine(counted(stackFlood(100_001)).error, 'MALFORMED_INPUT', /stack/);
    expect(counted(stackFlood(100_000), { bytesPerInputByte: 100 }).error).toBeUndefined();
  });

  it('limits can be set per read', () => {
    const bytes = nestedListOnStack(20);
    expect(counted(bytes).error).toBeUndefined();
    expectOneLine(counted(bytes, { maxDepth: 10 }).error, 'MALFORMED_INPUT', /deeper than 10 /);
    expectOneLine(counted(bytes, { maxStack: 5 }).error, 'MALFORMED_INPUT', /more than 5 values/);
    const flood = emptyListFlood(5_000);
    expect(counted(flood).error).toBeUndefined();
    expectOneLine(
      counted(flood, { baseBytes: 0, bytesPerInputByte: 10 }).error,
      'MALFORMED_INPUT',
      new RegExp(`memory budget allows \\(${10 * flood.length} bytes: 10 per input byte \\+ 0\\)`),
    );
  });
});

/** Pickle pieces that build things: containers, memo traffic, strings, numbers. */
const PIECES: readonly number[][] = [
  [0x5d], // EMPTY_LIST
  [0x29], // EMPTY_TUPLE
  [0x7d], // EMPTY_DICT
  [0x8f], // EMPTY_SET
  [0x28], // MARK
  [0x61], // APPEND
  [0x65], // APPENDS
  [0x73], // SETITEM
  [0x75], // SETITEMS
  [0x74], // TUPLE
  [0x85], // TUPLE1
  [0x86], // TUPLE2
  [0x6c], // LIST
  [0x30], // POP
  [0x32], // DUP
  [0x71, 0], // BINPUT 0
  [0x71, 1], // BINPUT 1
  [0x68, 0], // BINGET 0
  [0x68, 1], // BINGET 1
  [0x94], // MEMOIZE
  [0x4b, 7], // BININT1
  [0x4a, 1, 2, 3, 4], // BININT
  [0x47, 0x40, 9, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18], // BINFLOAT
  [0x8c, 3, 0x61, 0x62, 0x63], // SHORT_BINUNICODE 'abc'
  [0x8c, 0], // SHORT_BINUNICODE ''
  [0x4e], // NONE
];

/** A pickle of up to ~1 MB: pieces, each repeated up to 2000 times. */
const arbitraryPickle = fc
  .array(fc.tuple(fc.constantFrom(...PIECES), fc.integer({ min: 1, max: 2000 })), {
    maxLength: 500,
  })
  .map((runs) => {
    const out: number[] = [0x80, 0x04];
    for (const [piece, times] of runs) for (let k = 0; k < times; k++) out.push(...piece);
    out.push(0x2e);
    return Uint8Array.from(out);
  });

describe('what the reader allocates stays within its budget', () => {
  it('for any pickle up to 1 MB: values built ≤ budget; accepted values ≤ what was charged', () => {
    fc.assert(
      fc.property(arbitraryPickle, (bytes) => {
        // A small budget, so the property meets refusals as well as accepted files.
        const limits = { baseBytes: 1 << 16, bytesPerInputByte: 16, maxStack: 20_000 };
        const result = counted(bytes, limits);
        expect(result.least).toBeLessThanOrEqual(result.limit);
        if (result.error === undefined) {
          expect(result.spent).toBeLessThanOrEqual(result.limit);
          expect(retained(result.value)).toBeLessThanOrEqual(result.spent);
        }
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
