// Properties over generated profiles (testkit's arbitrary sets: odd names, NaN and negative
// numbers, recursion, several threads), with every stacks mode and budgets small enough to
// cut: the file always decodes and passes Go's load checks, every value is a non-negative
// integer, the total is the rounded sum of the positive own times, and each function's
// flat value is its own time within 1 ns — where no budget frame took part of it, and
// never more otherwise.
import { costUnitOf, type ProfileSet, uniqueFunctionNames, writeToBytes } from '@pyprof/core';
import { arbitraryProfileSet, readPprof } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pprof, pprofText } from '../src/index.js';
import { BUDGET_NAME } from '../src/write.js';

function check(set: ProfileSet, options: Record<string, unknown>): void {
  const bytes = writeToBytes(pprof, set, { options });
  const r = readPprof(bytes, undefined, { allowEmpty: true });
  const scale = costUnitOf(set.whole) === 'samples' ? 1 : 1e9;
  for (const s of r.samples)
    for (const v of s.values) expect(Number.isInteger(v) && v >= 0, `value ${v}`).toBe(true);
  const whole = set.whole;
  const names = uniqueFunctionNames(whole, { keySuffix: () => '', reserved: [BUDGET_NAME] }).map(
    pprofText,
  );
  const own = new Map<string, number>();
  let exact = 0;
  for (const part of set.parts.length > 0 ? set.parts : [whole]) {
    for (let fn = 0; fn < part.functions.length; fn++) {
      const self = part.functions.selfTime[fn] as number;
      if (self > 0 && Number.isFinite(self)) exact += self;
    }
  }
  for (let fn = 0; fn < whole.functions.length; fn++) {
    const self = whole.functions.selfTime[fn] as number;
    if (self > 0 && Number.isFinite(self)) own.set(names[fn] as string, self * scale);
  }
  expect(Math.abs(r.total - exact * scale)).toBeLessThanOrEqual(1 + exact * scale * 1e-12);
  const pruned =
    (r.flat.get(BUDGET_NAME) ?? 0) > 0 || r.functions.some((f) => f.name === BUDGET_NAME);
  for (const [name, value] of own) {
    const flat = r.flat.get(name) ?? 0;
    if (pruned) expect(flat, name).toBeLessThanOrEqual(value + 1);
    else expect(Math.abs(flat - value), name).toBeLessThanOrEqual(1 + value * 1e-12);
  }
}

describe('any generated profile set', () => {
  it.each([
    {},
    { stacks: 'reconstructed' },
    { 'max-frames': 40, 'max-depth': 3 },
    { stacks: 'reconstructed', 'max-frames': 8, 'max-depth': 2, compression: 'none' },
  ])('writes a valid file whose numbers add up, options %o', (options) => {
    fc.assert(
      fc.property(arbitraryProfileSet(), (set) => check(set, options)),
      { numRuns: 60 },
    );
  });
});
