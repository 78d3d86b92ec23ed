// The streaming reader gives exactly the whole-buffer reader's profile whatever the chunk
// boundaries (records cut anywhere, even byte by byte), with every optional part on.
import { printProfileSet, readStreamWith, readWith } from '@pyprof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hotshot } from '../src/index.js';
import { readFixture } from './corpus.js';

async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length] as number;
    // A fresh copy each time: the reader must not keep views of chunks it was given.
    yield bytes.slice(at, at + size);
    at += size;
  }
}

const needs = { timeline: true, callTree: true, lines: true };

const logs = [
  'hotshot/py27/decorators.hotshot',
  'hotshot/py27/recursion.lines.hotshot',
  'hotshot/py27/generators_classes.lines-notimings.hotshot',
  'hotshot/nonutf8/nonutf8.py27.hotshot',
  'extra/started-inside.lines.hotshot',
];

describe('streaming', () => {
  for (const file of logs) {
    const bytes = readFixture(file);
    const whole = printProfileSet(readWith(hotshot, bytes, { needs }));

    it.each([1, 7, 4096])(`${file} in chunks of %d bytes reads the same`, async (size) => {
      const set = await readStreamWith(hotshot, chunked(bytes, [size]), { needs });
      expect(printProfileSet(set)).toBe(whole);
    });
  }

  it('any chunking of a real log reads the same', async () => {
    const bytes = readFixture('hotshot/py27/lambdas_nested.lines.hotshot');
    const whole = printProfileSet(readWith(hotshot, bytes, { needs }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }),
        async (sizes) => {
          const set = await readStreamWith(hotshot, chunked(bytes, sizes), { needs });
          expect(printProfileSet(set)).toBe(whole);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('a string record spread over many chunks is assembled once', async () => {
    const bytes = readFixture('hotshot/py27/decorators.hotshot');
    // The header's sys-path entries are long strings: 3-byte chunks cut each many times.
    const set = await readStreamWith(hotshot, chunked(bytes, [3]));
    const paths = set.whole.metadata.info?.filter(([key]) => key === 'sys-path-entry');
    expect(paths?.length).toBeGreaterThan(5);
    expect(paths?.[0]?.[1]).toBe('/srv/pyprof-corpus/programs');
  });

  it('a stream cut inside a record is refused like the whole log', async () => {
    const bytes = readFixture('hotshot/py27/decorators.hotshot').subarray(0, 1000);
    const whole = (() => {
      try {
        readWith(hotshot, bytes);
      } catch (error) {
        return error;
      }
    })() as Error;
    await expect(readStreamWith(hotshot, chunked(bytes, [7]))).rejects.toThrow(whole.message);
  });
});
