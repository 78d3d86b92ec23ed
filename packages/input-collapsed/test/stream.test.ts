// The streaming reader gives exactly the whole-buffer reader's profile whatever the chunk
// boundaries (lines and UTF-8 sequences cut anywhere, even byte by byte).
import { printProfileSet, readStreamWith, readWith } from '@pyprof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapsed } from '../src/index.js';
import { readFixture, sourcesIn } from './fixtures.js';

async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length] as number;
    // A fresh copy each time: the reader must not keep views of chunks it was given.
    yield bytes.slice(at, at + size);
    at += size;
  }
}

const needs = { lines: true, callTree: true };

describe('streaming', () => {
  for (const file of [
    'austin/threads.py36.austin',
    'austin/decorators.py38.alt.austin',
    'dialects/austin3.austin',
    'dialects/py-spy-threads.txt',
  ]) {
    const bytes = readFixture(file);
    const init = () => ({ needs, sources: sourcesIn(file.split('/')[0] as string) });
    const whole = printProfileSet(readWith(collapsed, bytes, init()));

    it.each([1, 7, 4096])(`${file} in chunks of %d bytes reads the same`, async (size) => {
      const set = await readStreamWith(collapsed, chunked(bytes, [size]), init());
      expect(printProfileSet(set)).toBe(whole);
    });
  }

  it('any chunking of a real file, with non-ASCII and CRLF lines, reads the same', async () => {
    const text = new TextDecoder().decode(readFixture('austin/recursion.py37.austin'));
    const bytes = new TextEncoder().encode(
      `${text.replace(/\n/g, '\r\n')}Thread 1;größe (naïve dir/mod ü.py);L3 7\n`,
    );
    const whole = printProfileSet(readWith(collapsed, bytes, { needs }));
    expect(whole).toContain('"größe"');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 20 }),
        async (sizes) => {
          const set = await readStreamWith(collapsed, chunked(bytes, sizes), { needs });
          expect(printProfileSet(set)).toBe(whole);
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
