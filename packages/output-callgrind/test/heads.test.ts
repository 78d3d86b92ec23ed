// Call headers are built once per callee into a fixed slot and copied around each count.
import { describe, expect, it } from 'vitest';
import { CallHeads } from '../src/heads.js';
import { ByteSink } from '../src/sink.js';

const text = (sink: ByteSink) => new TextDecoder().decode(sink.take());

describe('CallHeads', () => {
  it('writes each built header around the count, any number of times', () => {
    const heads = new CallHeads(3);
    const before = new ByteSink(64);
    const after = new ByteSink(64);
    expect(heads.built(1)).toBe(false);
    before.ascii('cfi=(7)\ncfn=(2)\ncalls=');
    after.ascii(' 120\n');
    expect(heads.build(1, before, after)).toBe(true);
    before.ascii('cfi=(12345)\ncfn=(3)\ncalls=');
    after.ascii(' 9\n');
    expect(heads.build(2, before, after)).toBe(true);
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

  it('refuses a header longer than its slot and remembers that', () => {
    const heads = new CallHeads(2);
    const before = new ByteSink(64);
    const after = new ByteSink(64);
    before.ascii(`cfi=(${'9'.repeat(20)})\ncfn=(${'8'.repeat(20)})\ncalls=`);
    after.ascii(' 1\n');
    expect(heads.build(0, before, after)).toBe(false);
    expect(heads.built(0)).toBe(false);
    expect(heads.tooLong(0)).toBe(true);
    expect(heads.tooLong(1)).toBe(false);
    // The scratch sinks are cleared either way.
    expect(before.size + after.size).toBe(0);
  });

  it('fits the longest header real ids and lines produce (32-bit ids and lines)', () => {
    const heads = new CallHeads(1);
    const before = new ByteSink(64);
    const after = new ByteSink(64);
    before.ascii(`cfi=(${2 ** 31})\ncfn=(${2 ** 31})\ncalls=`);
    after.ascii(` ${2 ** 31 - 1}\n`);
    expect(heads.build(0, before, after)).toBe(true);
    const sink = new ByteSink(128);
    heads.write(sink, 0, 7);
    expect(text(sink)).toBe(`cfi=(${2 ** 31})\ncfn=(${2 ** 31})\ncalls=7 ${2 ** 31 - 1}\n`);
  });
});
