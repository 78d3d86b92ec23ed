// Every corpus pstats dump through the callgrind writer, read back with KCachegrind's
// rules and compared with the dump's oracle: one function per Python identity, self costs
// and the grand total equal to the recorded times (integer ns, within 1 ns), the recorded
// calls on the arcs (the rest from `(profiler)`), each arc costing its edge's cumulative
// time, and KCachegrind's inclusive cost of every function outside a recursion cycle
// equal to its cumulative time.
import { describe, expect, it } from 'vitest';
import { checkAgainstOracle, pstatsFixtures } from './callgrind-support.js';

describe('callgrind output of every corpus pstats dump, read with KCachegrind rules', () => {
  const fixtures = pstatsFixtures();

  it('covers the whole corpus', () => {
    expect(fixtures.length).toBe(84);
  });

  for (const entry of fixtures) {
    it(entry.file, () => {
      checkAgainstOracle(entry);
    });
  }
});
