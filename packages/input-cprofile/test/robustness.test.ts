// Fuzz-style properties: random, truncated and mutated bytes either read to a profile that
// passes validateProfile or fail with a ProfileError — never a TypeError, RangeError or hang.
import { isProfileError, readWith, validateProfile } from '@pyprof/core';
import { arbitraryMutation } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cprofile } from '../src/index.js';
import { readFixture } from './corpus.js';

function outcome(bytes: Uint8Array): 'valid' | 'refused' {
  try {
    const set = readWith(cprofile, bytes);
    expect(validateProfile(set.whole).errors).toEqual([]);
    return 'valid';
  } catch (error) {
    if (isProfileError(error)) return 'refused';
    throw error;
  }
}

const seeds = [
  'pstats/py27/recursion.cprofile.prof',
  'pstats/py27/decorators.profile.prof',
  'pstats/py36/decorators.profile.prof',
  'pstats/py38/lambdas_nested.cprofile.prof',
  'pstats/py312/decorators.profile.prof',
  'pstats/py313/recursion.cprofile.prof',
  'pstats/yappi/recursion.yappi-cpu.prof',
  'pstats/nonutf8/nonutf8.py313.cprofile.prof',
].map((file) => readFixture(file));

describe('robustness', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(0x7b, 0xfb), (body, first) => {
        const bytes = new Uint8Array(body.length + 1);
        bytes[0] = first;
        bytes.set(body, 1);
        outcome(bytes);
      }),
      { numRuns: 400 },
    );
  });

  it('every truncation of real dumps', () => {
    // Every cut of two small dumps (2.7 cProfile, 2.7 profile with code objects); every
    // 5th cut of a larger 3.6 profile-module dump.
    for (const [seed, step] of [
      [seeds[0], 1],
      [seeds[2], 1],
      [seeds[1], 5],
    ] as const) {
      for (let cut = 0; cut < (seed as Uint8Array).length; cut += step) {
        expect(outcome((seed as Uint8Array).subarray(0, cut))).toBe('refused');
      }
    }
  }, 180_000);

  it('mutated real dumps', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(arbitraryMutation(seeds), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: 600 },
    );
  });
});
