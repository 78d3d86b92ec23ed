// Call headers are built once per callee into a fixed slot and copied around each count.
import { describe, expect, it } from 'vitest';
import { CallHeads } from '../src/heads.js';
import { ByteSink } from '../src/sink.js';

const text = (sink: ByteSink) => new TextDecoder().decode(sink.take());

describe('CallHeads', () => {
  it('writes each built header around the count, any number of times', () => {
    const heads = new CallHeads(3);
    expect(heads.built(1)).toBe(false);
    heads.build(1, 7, 120);
    heads.build(2, 12345, 9);
    expect([heads.built(0), heads.built(1), heads.built(2)]).toEqual([false, true, true]);
    const sink = new ByteSink(256);
    heads.write(sink, 2, 5);
    heads.write(sink, 1, 1234567890123);
    heads.write(sink, 2, 0);
    expect(text(sink)).toBe(
      'cfi=(12345)\ncfn=(3)\ncalls=5 9\n' +
        'cfi=(7)\ncfn=(2)\ncalls=1234567890123 120\n' +
        'cfi=(12345)\ncfn=(3)\ncalls=0 9\n',
    );
  });

  it('refuses numbers beyond 32 bits (the slot is sized for them), leaving the slot unbuilt', () => {
    // Beyond any real profile: 53-bit file id and line.
    const heads = new CallHeads(1_000_000);
    expect(() => heads.build(999_999, 2 ** 53, 2 ** 53)).toThrow(RangeError);
    expect(heads.built(999_999)).toBe(false);
    // The next header is built from a clean start.
    heads.build(0, 1, 2);
    const sink = new ByteSink(64);
    heads.write(sink, 0, 3);
    expect(text(sink)).toBe('cfi=(1)\ncfn=(1)\ncalls=3 2\n');
  });

  it('fits headers of 32-bit file ids and lines, next to each other', () => {
    const heads = new CallHeads(100_000);
    heads.build(99_998, 2 ** 32 - 1, 2 ** 31 - 1);
    heads.build(99_999, 2 ** 32 - 2, 2 ** 31 - 2);
    const sink = new ByteSink(256);
    heads.write(sink, 99_998, 7);
    heads.write(sink, 99_999, 8);
    expect(text(sink)).toBe(
      `cfi=(${2 ** 32 - 1})\ncfn=(99999)\ncalls=7 ${2 ** 31 - 1}\n` +
        `cfi=(${2 ** 32 - 2})\ncfn=(100000)\ncalls=8 ${2 ** 31 - 2}\n`,
    );
  });
});
