// The integer cost arithmetic: cumulative rounding (each cost within one unit, the sum
// exactly the rounded total), weighted splits, and the arc costs with the synthetic
// `(profiler)` caller and count-share estimates.
import { ProfileBuilder } from '@pyprof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arcCosts, CumulativeRounder, splitByWeights } from '../src/costs.js';

const value = fc.oneof(
  fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 0, max: 5 }).map((k) => k / 2),
  fc.double({ min: 0, max: 1, noNaN: true }),
);

describe('CumulativeRounder', () => {
  it('keeps each cost within one unit and the sum equal to the rounded exact sum', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), (values) => {
        const rounder = new CumulativeRounder();
        const costs = values.map((v) => rounder.next(v));
        let exact = 0;
        values.forEach((v, k) => {
          expect(Number.isInteger(costs[k])).toBe(true);
          expect(costs[k]).toBeGreaterThanOrEqual(0);
          expect(Math.abs((costs[k] as number) - v)).toBeLessThan(1 + 1e-6 * v);
          exact += v;
        });
        const sum = costs.reduce((a, b) => a + b, 0);
        expect(rounder.total).toBe(sum);
        expect(Math.abs(sum - exact)).toBeLessThanOrEqual(0.5 + 1e-9 * exact);
      }),
    );
  });

  it('adds 1000 costs of 0.4 ns up to 400, not 0', () => {
    const rounder = new CumulativeRounder();
    const costs = Array.from({ length: 1000 }, () => rounder.next(0.4));
    expect(costs.reduce((a, b) => a + b, 0)).toBe(400);
    expect(new Set(costs)).toEqual(new Set([0, 1]));
  });
});

describe('splitByWeights', () => {
  it('splits an integer total exactly, in proportion within one unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const parts = splitByWeights(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0);
          if (sum === 0) {
            expect(parts.every((p) => p === 0)).toBe(true);
            return;
          }
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          weights.forEach((w, k) => {
            expect(Math.abs((parts[k] as number) - (total * w) / sum)).toBeLessThan(
              1 + 1e-9 * total,
            );
          });
        },
      ),
    );
  });

  it('treats NaN and negative weights as 0', () => {
    expect(splitByWeights(10, [Number.NaN, -3, 1, 1])).toEqual([0, 0, 5, 5]);
  });
});

describe('arcCosts', () => {
  it('gives the calls nobody recorded to (profiler), with the rest of the cumulative time', () => {
    // builtins.exec: 2 calls, one recorded from <module>; cumulative 1 s, 0.3 s recorded.
    const b = new ProfileBuilder({ format: 'test' });
    const exec = b.addFunction('~', 0, '<built-in method builtins.exec>', 'builtin');
    const module = b.addFunction('a.py', 1, '<module>');
    b.addFunctionStats(exec, { callCount: 2, selfTime: 0.1, inclusiveTime: 1 });
    b.addFunctionStats(module, { callCount: 1, selfTime: 0.2, inclusiveTime: 0.5 });
    const e = b.addCall(module, exec, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: 0.05,
      inclusiveTime: 0.3,
    });
    const arcs = arcCosts(b.build(), 1e9, { negative: 0, clamped: 0 });
    expect(arcs.edge[e]).toBe(300_000_000);
    expect(arcs.profilerCalls[exec]).toBe(1);
    expect(arcs.profilerCost[exec]).toBe(700_000_000);
    expect(arcs.profilerCalls[module]).toBe(1);
    expect(arcs.profilerCost[module]).toBe(500_000_000);
    expect(arcs.estimated).toBe(false);
  });

  it('keeps a self-recursive arc and leaves it out of what (profiler) must make up', () => {
    // fib: 25 calls, 1 from main (ct 1 s) and 24 from itself (ct 0.9 s); called once at top.
    const b = new ProfileBuilder({ format: 'test' });
    const main = b.addFunction('m.py', 1, 'main');
    const fib = b.addFunction('m.py', 5, 'fib');
    b.addFunctionStats(main, { callCount: 1, selfTime: 0, inclusiveTime: 1 });
    b.addFunctionStats(fib, { callCount: 25, selfTime: 1, inclusiveTime: 1 });
    const fromMain = b.addCall(main, fib, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: 0.04,
      inclusiveTime: 1,
    });
    const self = b.addCall(fib, fib, {
      callCount: 24,
      primitiveCallCount: 2,
      selfTime: 0.96,
      inclusiveTime: 0.9,
    });
    const arcs = arcCosts(b.build(), 1e9, { negative: 0, clamped: 0 });
    expect(arcs.edge[fromMain]).toBe(1_000_000_000);
    expect(arcs.edge[self]).toBe(900_000_000);
    expect(arcs.profilerCalls[fib]).toBe(0);
    expect(arcs.profilerCost[fib]).toBe(0);
  });

  it('estimates untimed arcs from call-count shares (profile module)', () => {
    // shared: 3 calls (1 from left, 2 from right), cumulative 0.9 s; no edge times.
    const b = new ProfileBuilder({ format: 'test', producer: 'profile' });
    const left = b.addFunction('a.py', 1, 'left');
    const right = b.addFunction('a.py', 5, 'right');
    const shared = b.addFunction('a.py', 9, 'shared');
    const rec = b.addFunction('a.py', 20, 'rec');
    b.addFunctionStats(shared, { callCount: 3, selfTime: 0.9, inclusiveTime: 0.9 });
    b.addFunctionStats(rec, { callCount: 4, selfTime: 0.4, inclusiveTime: 0.4 });
    const absent = {
      primitiveCallCount: Number.NaN,
      selfTime: Number.NaN,
      inclusiveTime: Number.NaN,
    };
    const fromLeft = b.addCall(left, shared, { callCount: 1, ...absent });
    const fromRight = b.addCall(right, shared, { callCount: 2, ...absent });
    const recFromLeft = b.addCall(left, rec, { callCount: 1, ...absent });
    const recSelf = b.addCall(rec, rec, { callCount: 3, ...absent });
    const arcs = arcCosts(b.build(), 1e9, { negative: 0, clamped: 0 });
    expect(arcs.estimated).toBe(true);
    expect(arcs.edge[fromLeft]).toBe(300_000_000);
    expect(arcs.edge[fromRight]).toBe(600_000_000);
    expect(arcs.edge[recFromLeft]).toBe(400_000_000);
    expect(arcs.edge[recSelf]).toBe(300_000_000);
  });

  it('never makes a negative arc, even when recorded arcs exceed the cumulative time', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const a = b.addFunction('a.py', 1, 'a');
    const f = b.addFunction('a.py', 9, 'f');
    b.addFunctionStats(f, { callCount: 2, selfTime: 0.1, inclusiveTime: 0.1 });
    b.addCall(a, f, { callCount: 1, primitiveCallCount: 1, selfTime: 0.1, inclusiveTime: 0.2 });
    const adjust = { negative: 0, clamped: 0 };
    const arcs = arcCosts(b.build(), 1e9, adjust);
    expect(arcs.profilerCalls[f]).toBe(1);
    expect(arcs.profilerCost[f]).toBe(0);
  });
});
