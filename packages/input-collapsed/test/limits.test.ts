// The budgets: what no real profile contains is refused with a clear error naming the
// line, after work proportional to the input, instead of growing memory without bound;
// and what bad input looks like is met with one-line errors or skipped-line warnings.
import { isProfileError, type ProfileError, readStreamWith } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { collapsed } from '../src/index.js';
import { MAX_LINE_BYTES } from '../src/lines.js';
import { MAX_WEIGHT } from '../src/read.js';
import { MAX_DEPTH, MAX_PARTS } from '../src/stacks.js';
import { readCollapsed, warningsOf } from './fixtures.js';

const encode = (text: string) => new TextEncoder().encode(text);

function refusal(bytes: Uint8Array): ProfileError {
  try {
    readCollapsed(bytes);
  } catch (error) {
    if (isProfileError(error)) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('limits', () => {
  it(`a stack deeper than ${MAX_DEPTH} frames`, () => {
    const deep = `main;${'f;'.repeat(MAX_DEPTH)}g 1\n`;
    const error = refusal(encode(`a 1\n${deep}`));
    expect(error.place).toEqual({ line: 2 });
    expect(error.message).toMatch(`deeper than ${MAX_DEPTH}`);
    // As deep as allowed is read.
    const profile = readCollapsed(encode(`${'f;'.repeat(MAX_DEPTH - 1)}g 1\n`)).whole;
    expect(profile.functions.length).toBe(2);
  }, 60_000);

  it(`a line longer than ${MAX_LINE_BYTES} bytes, whole or streamed`, async () => {
    const long = new Uint8Array(MAX_LINE_BYTES + 10).fill(0x61);
    long[long.length - 2] = 0x20;
    long[long.length - 1] = 0x31;
    const bytes = new Uint8Array([...encode('a 1\n'), ...long]);
    expect(refusal(bytes).place).toEqual({ line: 2 });
    async function* chunks() {
      for (let at = 0; at < bytes.length; at += 1 << 20) yield bytes.slice(at, at + (1 << 20));
    }
    await expect(readStreamWith(collapsed, chunks())).rejects.toThrow(
      `line longer than ${MAX_LINE_BYTES} bytes`,
    );
  }, 180_000);

  it(`more than ${MAX_PARTS} threads`, () => {
    const lines = Array.from({ length: MAX_PARTS + 1 }, (_, k) => `tid:${k};f 1`).join('\n');
    const error = refusal(encode(lines));
    expect(error.place).toEqual({ line: MAX_PARTS + 1 });
    expect(error.message).toMatch(`more than ${MAX_PARTS} threads`);
  }, 60_000);

  it(`a weight above ${MAX_WEIGHT}`, () => {
    const error = refusal(encode(`f 1\ng ${'9'.repeat(400)}\n`));
    expect(error.place).toEqual({ line: 2 });
    expect(error.message).toMatch(/^weight 9{30}… is larger than/);
    expect(readCollapsed(encode(`f ${MAX_WEIGHT}\n`)).whole.functions.selfTime[0]).toBe(MAX_WEIGHT);
  });
});

describe('bad input', () => {
  it('empty, blank and number-less files are refused', () => {
    expect(refusal(new Uint8Array(0)).message).toBe('empty file: no stacks');
    expect(refusal(encode('\n\n  \n')).message).toBe('empty file: no stacks');
    const error = refusal(encode('hello\nworld\n'));
    expect(error.message).toBe(
      'no line is a stack followed by a number (2 other lines): not collapsed stacks',
    );
    expect(error.place).toEqual({ line: 1 });
  });

  it('lines that are not `stack number` are skipped with a warning', () => {
    const profile = readCollapsed(encode('a;b 3\nno number\na;c 2\n12\n')).whole;
    expect(profile.functions.length).toBe(3);
    expect(warningsOf(profile)).toEqual([
      expect.objectContaining({
        code: 'invalid-lines',
        message:
          '2 lines are not `stack number` and were skipped, as flamegraph.pl skips them (the first is line 2)',
        place: { line: 2 },
      }),
    ]);
  });

  it('memory profiles are unsupported, not misread as time', () => {
    const negative = refusal(encode('Thread 1;f (a.py);L2 10\nThread 1;f (a.py);L3 -20\n'));
    expect(negative.code).toBe('UNSUPPORTED_FEATURE');
    expect(negative.place).toEqual({ line: 2 });
    const mode = refusal(encode('# austin: 3.7.0\n# mode: memory\n\nP1;T0:1;a.py:f:2 -3\n'));
    expect(mode.code).toBe('UNSUPPORTED_FEATURE');
    expect(mode.message).toMatch(/mode: memory/);
  });

  it('stacks without frames and empty frames are kept', () => {
    const profile = readCollapsed(encode('Thread 5 7\nThread 5;;f (a.py);L1 2\n')).whole;
    expect(profile.strings).toContain('(no frames)');
    expect(profile.functions.selfTime[0]).toBe(7e-6);
  });
});
