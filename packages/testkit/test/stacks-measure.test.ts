// The issue-16 measure on hand-made trees: stacks containing a function count once however
// often it recurs in them, small functions are left out, the tolerance is max(1 µs, 1%), and
// the share on true stacks compares stacks by their functions.
import { ProfileBuilder } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import {
  measureCumulativeTime,
  shareOnTrueStacks,
  type WeightedTree,
  weightOfStacksContaining,
} from '../src/index.js';

function tree(rows: Array<[parent: number, fn: number, self: number]>): WeightedTree {
  return {
    length: rows.length,
    parent: Int32Array.from(rows.map((r) => r[0])),
    function: Uint32Array.from(rows.map((r) => r[1])),
    selfTime: Float64Array.from(rows.map((r) => r[2])),
  };
}

/** main (0) → fib (1) → fib → fib; main → len (2). */
function profile(ct: [number, number, number]) {
  const b = new ProfileBuilder({ format: 'test' });
  const self = [0.1, 0.6, 0.3];
  ['main', 'fib', 'len'].forEach((name, k) => {
    const fn = b.addFunction('/a.py', k + 1, name);
    b.addFunctionStats(fn, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: self[k] as number,
      inclusiveTime: ct[k] as number,
    });
  });
  return b.build();
}

const recursive = tree([
  [-1, 0, 0.1],
  [0, 1, 0.2],
  [1, 1, 0.2],
  [2, 1, 0.2],
  [0, 2, 0.3],
]);

describe('measureCumulativeTime', () => {
  it('counts a stack once for a function that recurs in it', () => {
    expect(Array.from(weightOfStacksContaining(3, recursive))).toEqual([
      expect.closeTo(1, 12),
      expect.closeTo(0.6, 12),
      expect.closeTo(0.3, 12),
    ]);
    const m = measureCumulativeTime(profile([1, 0.6, 0.3]), recursive);
    expect(m.considered).toBe(3);
    expect(m.kept).toBe(3);
    expect(m.worstShareOfTotal).toBeLessThan(1e-12);
  });

  it('flags a function whose stacks miss more than 1% of its cumulative time', () => {
    // fib folded onto one frame and its inner time moved under len: fib keeps 0.2 of 0.6.
    const folded = tree([
      [-1, 0, 0.1],
      [0, 1, 0.2],
      [0, 2, 0.7],
    ]);
    const m = measureCumulativeTime(profile([1, 0.6, 0.3]), folded);
    expect(m.rows.map((r) => [r.function, r.kept])).toEqual([
      [0, true],
      [1, false],
      [2, false],
    ]);
    expect(m.rows[1]?.inStacks).toBeCloseTo(0.2, 12);
    expect(m.worstShareOfTotal).toBeCloseTo(0.4, 12);
  });

  it('leaves out functions below the share and allows max(1 µs, 1%)', () => {
    const m = measureCumulativeTime(profile([1, 0.6, 0.3 * 1.009]), recursive, {
      minShare: 0.5,
    });
    expect(m.rows.map((r) => r.function)).toEqual([0, 1]);
    const loose = measureCumulativeTime(profile([1, 0.6, 0.3 * 1.009]), recursive);
    expect(loose.rows[2]?.kept).toBe(true);
    const tight = measureCumulativeTime(profile([1, 0.6, 0.3 * 1.011]), recursive);
    expect(tight.rows[2]?.kept).toBe(false);
  });
});

describe('shareOnTrueStacks', () => {
  it('is the weight on stacks the true tree has', () => {
    const guess = tree([
      [-1, 0, 0.1],
      [0, 1, 0.6],
      [0, 2, 0.2],
      [1, 2, 0.1],
    ]);
    expect(shareOnTrueStacks(guess, recursive)).toBeCloseTo(0.9, 12);
    expect(shareOnTrueStacks(recursive, recursive)).toBe(1);
  });
});
