// Fuzz-style properties: mutated, spliced and truncated .lprof files either read to a
// profile that passes validateProfile or fail with a ProfileError — never anything else —
// and what the pickle reader allocates for them stays within its budget. Two big inputs
// made at test time show the budget's two sides: a megabyte of real-looking line entries
// reads, a megabyte of empty lists in their place is refused by the budget.

import { isProfileError, readWith } from '@pyprof/core';
import { loadPickle, memoryBudget } from '@pyprof/pickle';
import { arbitraryMutation, arbitrarySplice, readOutcome } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineProfiler } from '../src/index.js';
import { LINE_PROFILER_DIALECT } from '../src/read.js';
import { lprofFixtures, readFixture } from './corpus.js';

const seeds = lprofFixtures().map((file) => readFixture(file));

/** Reads `bytes`: 'valid' or 'refused', and the pickle's build within its budget either way. */
function outcome(bytes: Uint8Array): 'valid' | 'refused' {
  try {
    let built = 0;
    const loaded = loadPickle(bytes, LINE_PROFILER_DIALECT, { onBuild: () => built++ });
    expect(loaded.budgetSpent).toBeLessThanOrEqual(memoryBudget(bytes.length));
    expect(built).toBeLessThanOrEqual(bytes.length);
  } catch (error) {
    if (!isProfileError(error)) throw error;
  }
  return readOutcome(lineProfiler, bytes);
}

/** A LineStats of `count` line entries in one function (protocol 4, as line_profiler 4). */
function bigLineStats(count: number, entry: (k: number) => number[]): Uint8Array {
  const head = [0x80, 0x04, 0x8c, 28, ...new TextEncoder().encode('line_profiler._line_profiler')];
  const out: number[] = [...head, 0x8c, 9, ...new TextEncoder().encode('LineStats'), 0x93];
  out.push(0x29, 0x81, 0x7d, 0x8c, 7, ...new TextEncoder().encode('timings'), 0x7d);
  out.push(0x8c, 4, ...new TextEncoder().encode('p.py'), 0x4b, 1, 0x8c, 1, 0x66, 0x87, 0x5d);
  for (let k = 0; k < count; k += 1000) {
    out.push(0x28);
    for (let j = k; j < Math.min(count, k + 1000); j++) out.push(...entry(j));
    out.push(0x65);
  }
  out.push(0x73, 0x73, 0x8c, 4, ...new TextEncoder().encode('unit'));
  out.push(0x47, 0x3e, 0x11, 0x2e, 0x0b, 0xe8, 0x26, 0xd6, 0x95, 0x73, 0x62, 0x2e);
  return Uint8Array.from(out);
}

describe('robustness', () => {
  it('every truncation of a real .lprof is refused', () => {
    for (const seed of seeds.slice(0, 5)) {
      for (let cut = 0; cut < seed.length; cut++)
        expect(outcome(seed.subarray(0, cut))).toBe('refused');
    }
  }, 60_000);

  it('mutated real .lprof files', () => {
    fc.assert(
      fc.property(arbitraryMutation(seeds), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: 1500 },
    );
  }, 60_000);

  it('spliced real .lprof files (opcodes moved around)', () => {
    fc.assert(
      fc.property(arbitrarySplice(seeds), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('a megabyte of line entries reads within the budget', () => {
    // (line, hits, time) as BININT2, BININT1, BININT, TUPLE3: 10 bytes an entry.
    const bytes = bigLineStats(100_000, (k) => [
      0x4d,
      k & 0xff,
      (k >> 8) & 0xff,
      0x4b,
      k % 7,
      0x4a,
      k & 0xff,
      1,
      0,
      0,
      0x87,
    ]);
    expect(bytes.length).toBeGreaterThan(1_000_000);
    const loaded = loadPickle(bytes, LINE_PROFILER_DIALECT);
    expect(loaded.budgetSpent).toBeLessThan(memoryBudget(bytes.length));
    const set = readWith(lineProfiler, bytes);
    expect(set.whole.lines?.length).toBe(65_536); // line numbers wrap at 2^16: summed
  }, 60_000);

  it('a megabyte of empty lists where the entries belong is refused by the budget', () => {
    const bytes = bigLineStats(1_000_000, () => [0x5d]);
    let built = 0;
    const error = (() => {
      try {
        loadPickle(bytes, LINE_PROFILER_DIALECT, { onBuild: () => built++ });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isProfileError(error) && error.message).toMatch(
      /^the pickle builds more than its memory budget allows/,
    );
    expect(built).toBeLessThan(bytes.length);
  }, 60_000);
});
