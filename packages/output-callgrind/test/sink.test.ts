// The byte sink writes numbers and positions exactly as the callgrind readers parse them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink } from '../src/sink.js';

const text = (sink: ByteSink) => new TextDecoder().decode(sink.take());

describe('ByteSink', () => {
  it('writes any integer up to 2^53 as its decimal digits', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constant(2 ** 53)), (value) => {
        const sink = new ByteSink(16);
        sink.int(value);
        expect(text(sink)).toBe(String(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('compresses positions only where shorter, and never below 0', () => {
    const sink = new ByteSink(64);
    for (const line of [120, 120, 125, 118, 7, 1000, -3]) {
      sink.position(line);
      sink.byte(10);
    }
    sink.resetPosition();
    sink.position(5);
    expect(text(sink)).toBe('120\n*\n+5\n-7\n7\n1000\n0\n5');
  });

  it('copies any run of bytes, whole words and the bytes left over, and nothing past it', () => {
    const all = 'cfi=(12)\ncfn=(345)\ncalls=';
    // Three readable bytes past every run, as `copy` requires; they must never show.
    const source = new TextEncoder().encode(`${all}~~~`);
    const view = new DataView(source.buffer);
    for (let from = 0; from < all.length; from++) {
      for (let to = from; to <= all.length; to++) {
        const sink = new ByteSink(4);
        sink.byte(35);
        sink.copy(view, from, to);
        sink.byte(36);
        expect(text(sink)).toBe(`#${all.slice(from, to)}$`);
      }
    }
  });

  it('grows for long names and hands over full chunks', () => {
    const sink = new ByteSink(8);
    sink.text('é'.repeat(100));
    expect(sink.full).toBe(true);
    expect(text(sink)).toBe('é'.repeat(100));
    expect(sink.size).toBe(0);
  });
});
