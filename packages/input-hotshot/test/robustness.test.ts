// Fuzz-style properties: random, truncated and mutated logs either read to a profile that
// passes validateProfile or fail with a ProfileError — never a TypeError, RangeError or
// hang — and the streaming reader reaches the same outcome as the whole-buffer reader.
import {
  isProfileError,
  printProfileSet,
  readStreamWith,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { arbitraryMutation } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hotshot } from '../src/index.js';
import { MAX_PACKED_BYTES } from '../src/records.js';
import { readFixture } from './corpus.js';

const needs = { timeline: true, callTree: true };

/** 'refused: <message>' or the profile's dump, failing the test on anything else. */
function outcome(bytes: Uint8Array, options: Record<string, unknown> = {}): string {
  try {
    const set = readWith(hotshot, bytes, { needs, options });
    for (const profile of [...set.parts, set.whole])
      expect(validateProfile(profile).errors).toEqual([]);
    return printProfileSet(set);
  } catch (error) {
    if (isProfileError(error)) return `refused: ${error.message}`;
    throw error;
  }
}

async function streamedOutcome(bytes: Uint8Array, size: number): Promise<string> {
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
  }
  try {
    return printProfileSet(await readStreamWith(hotshot, chunks(), { needs }));
  } catch (error) {
    if (isProfileError(error)) return `refused: ${error.message}`;
    throw error;
  }
}

const seeds = [
  'hotshot/py27/decorators.hotshot',
  'hotshot/py27/recursion.lines.hotshot',
  'hotshot/py27/exceptions.lines-notimings.hotshot',
  'extra/started-inside.lines.hotshot',
  'extra/coverage.hotshot',
].map((file) => readFixture(file));
const header = (seeds[0] as Uint8Array).subarray(0, 18);

describe('robustness', () => {
  it('random bytes, with and without a real header in front', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (body, withHeader) => {
        const bytes = withHeader ? new Uint8Array([...header, ...body]) : body;
        outcome(bytes);
        outcome(bytes, { coverage: true });
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('every truncation of real logs: whole records read, cut records are refused', () => {
    // Every cut of a small log, every 7th of a larger one with line events.
    for (const [seed, step] of [
      [seeds[0], 1],
      [seeds[1], 7],
    ] as const) {
      for (let cut = 0; cut < (seed as Uint8Array).length; cut += step) {
        try {
          const set = readWith(hotshot, (seed as Uint8Array).subarray(0, cut), { needs });
          expect(validateProfile(set.whole).errors).toEqual([]);
        } catch (error) {
          if (!isProfileError(error)) throw error;
          expect(error.message).toMatch(/^the log ends inside|^empty file/);
        }
      }
    }
  }, 180_000);

  it('mutated real logs, read whole and streamed in odd chunks alike', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryMutation(seeds),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, size) => {
          expect(await streamedOutcome(bytes, size)).toBe(outcome(bytes));
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000);

  it('never reads a packed integer longer than the cap, whatever follows', () => {
    for (let extra = 1; extra <= 12; extra++) {
      // An EXIT whose MPI keeps its continuation bit set for MAX_PACKED_BYTES + extra bytes.
      const run = new Uint8Array(MAX_PACKED_BYTES + extra).fill(0xff);
      run[0] = 0x81;
      const bytes = new Uint8Array([...header, ...run, 0x01]);
      expect(outcome(bytes)).toMatch(/^refused: packed integer longer than 5 bytes/);
    }
  });
});
