// Fuzz-style properties: random text, random lines of stack-like pieces and mutated real
// files either read to profiles that pass validateProfile or fail with a ProfileError —
// never a TypeError, RangeError or hang — and the streaming reader reaches the same
// outcome as the whole-buffer reader; detection never throws.
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
import { collapsed } from '../src/index.js';
import { readFixture } from './fixtures.js';

const needs = { lines: true, callTree: true };
const source = new TextEncoder().encode('def f():\n    g()\n\n\ndef g(): pass\n');
const sources = { read: (path: string) => (path.endsWith('.py') ? source : undefined) };

function outcome(bytes: Uint8Array): string {
  try {
    const set = readWith(collapsed, bytes, { needs, sources });
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
    return printProfileSet(await readStreamWith(collapsed, chunks(), { needs, sources }));
  } catch (error) {
    if (isProfileError(error)) return `refused: ${error.message}`;
    throw error;
  }
}

const piece = fc.constantFrom(
  'Thread 7f;',
  'Process 3;',
  'P1;T2;',
  'P1;T0:9;',
  'tid:5;',
  'process 1:"x";',
  'thread (4): main;',
  'f (a.py);L2;',
  'g (a.py:3);',
  'L7;',
  'a.py:f:3;',
  'a.py:3:f;',
  '~:0:<built-in method len>;',
  '<GC>;',
  ';',
  ' ',
  '\t',
  ' 12',
  ' 0',
  ' 1.5',
  ' -3',
  ' 1,2,3',
  ' 4 5',
  '\n',
  '\r\n',
  '# austin: 3.7.0\n',
  '# mode: full\n',
  '# mode: memory\n',
  ':INVALID:;',
  'Bad sample;',
);

describe('robustness', () => {
  it('random lines of stack pieces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 80 }),
        (parts) => {
          const bytes = new TextEncoder().encode(parts.join(''));
          outcome(bytes);
          expect(['certain', 'likely', undefined]).toContain(collapsed.detect(bytes));
        },
      ),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('mutated real files, read whole and streamed in odd chunks alike', async () => {
    const seeds = [
      'austin/decorators.py38.austin',
      'dialects/austin3.austin',
      'dialects/py-spy-threads.txt',
      'dialects/flameprof.log',
      'dialects/difffolded.folded',
    ].map((file) => readFixture(file));
    await fc.assert(
      fc.asyncProperty(
        arbitraryMutation(seeds),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, size) => {
          expect(await streamedOutcome(bytes, size)).toBe(outcome(bytes));
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);
});
