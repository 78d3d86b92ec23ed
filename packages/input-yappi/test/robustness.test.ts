// Fuzz-style properties: mutated, spliced and truncated .ystat files either read to
// profile sets whose every part passes validateProfile or fail with a ProfileError — never
// anything else — and what the pickle reader allocates for them stays within its budget.
import { isProfileError } from '@pyprof/core';
import { loadPickle, memoryBudget } from '@pyprof/pickle';
import { arbitraryMutation, arbitrarySplice, readOutcome } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { yappi } from '../src/index.js';
import { YAPPI_DIALECT } from '../src/read.js';
import { readFixture, ystatFixtures } from './corpus.js';

const seeds = ystatFixtures().map((file) => readFixture(file));

/** Reads `bytes`: 'valid' or 'refused', and the pickle's build within its budget either way. */
function outcome(bytes: Uint8Array): 'valid' | 'refused' {
  try {
    let built = 0;
    const loaded = loadPickle(bytes, YAPPI_DIALECT, { onBuild: () => built++ });
    expect(loaded.budgetSpent).toBeLessThanOrEqual(memoryBudget(bytes.length));
    expect(built).toBeLessThanOrEqual(bytes.length);
  } catch (error) {
    if (!isProfileError(error)) throw error;
  }
  return readOutcome(yappi, bytes);
}

describe('robustness', () => {
  it('every 13th truncation of each real .ystat is refused', () => {
    for (const seed of seeds) {
      for (let cut = 0; cut < seed.length; cut += 13)
        expect(outcome(seed.subarray(0, cut))).toBe('refused');
    }
  }, 60_000);

  it('mutated real .ystat files', () => {
    fc.assert(
      fc.property(arbitraryMutation(seeds), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('spliced real .ystat files (opcodes moved around)', () => {
    fc.assert(
      fc.property(arbitrarySplice(seeds), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: 500 },
    );
  }, 60_000);
});
