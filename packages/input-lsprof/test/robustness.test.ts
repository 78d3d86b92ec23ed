// Fuzz-style properties: random, truncated and mutated pickles either read to profile sets
// that pass validateProfile or fail with a ProfileError — never a TypeError, RangeError,
// stack overflow or hang — and the build pass never makes more values than the file has
// bytes (memory stays proportional to the input).
import { isProfileError, readWith, validateProfile } from '@pyprof/core';
import { arbitraryMutation, arbitrarySplice } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lsprof } from '../src/index.js';
import { loadPickle } from '../src/pickle.js';
import { readFixture } from './corpus.js';

function outcome(bytes: Uint8Array): 'valid' | 'refused' {
  try {
    // Every opcode makes at most one value; the build pass cannot outgrow the file.
    const loaded = loadPickle(bytes);
    expect(loaded.objectsBuilt).toBeLessThanOrEqual(bytes.length);
  } catch (error) {
    if (!isProfileError(error)) throw error;
  }
  try {
    const set = readWith(lsprof, bytes);
    for (const profile of [...set.parts, set.whole])
      expect(validateProfile(profile).errors).toEqual([]);
    return 'valid';
  } catch (error) {
    if (isProfileError(error)) return 'refused';
    throw error;
  }
}

const seeds = [
  'lsprof/raw/py27-bzrlib-shim/threads.lsprof.pickle',
  'lsprof/raw/py311-breezy/recursion.lsprof.pickle',
  'lsprof/protocols/py27-bzrlib-shim/decorators.protocol0.lsprof.pickle',
  'lsprof/protocols/py27-bzrlib-shim/decorators.protocol1.lsprof.pickle',
  'lsprof/protocols/py311-breezy/decorators.protocol4.lsprof.pickle',
  'lsprof/raw/py313-breezy-shim/threads.lsprof.pickle',
].map((file) => readFixture(file));

describe('robustness', () => {
  it('random bytes after a pickle opening', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom([0x80, 2], [0x80, 4], [0x63], [0x28], []),
        (body, opening) => {
          const bytes = new Uint8Array(opening.length + body.length);
          bytes.set(opening);
          bytes.set(body, opening.length);
          outcome(bytes);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('every truncation of real pickles', () => {
    // Every cut of the small protocol-1 and threads pickles; every 7th of a protocol-0 one.
    for (const [seed, step] of [
      [seeds[3], 1],
      [seeds[0], 1],
      [seeds[2], 7],
    ] as const) {
      const bytes = seed as Uint8Array;
      for (let cut = 0; cut < bytes.length; cut += step)
        expect(outcome(bytes.subarray(0, cut))).toBe('refused');
    }
  }, 60_000);

  it('mutated real pickles', () => {
    fc.assert(
      fc.property(arbitraryMutation(seeds), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: 1500 },
    );
  }, 60_000);

  it('spliced real pickles (opcodes moved around)', () => {
    fc.assert(
      fc.property(arbitrarySplice(seeds), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: 500 },
    );
  }, 60_000);
});
