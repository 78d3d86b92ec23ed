// Every corpus pstats dump through the callgrind writer, read back with KCachegrind's
// rules and compared with the dump's oracle: one function per Python identity, self costs
// and the grand total equal to the recorded times (integer ns, within 1 ns), the recorded
// calls on the arcs (the rest from `(profiler)`), each arc costing its edge's cumulative
// time, and KCachegrind's inclusive cost of every function outside a recursion cycle
// equal to its cumulative time.
import { describe, expect, it } from 'vitest';
import {
  convert,
  functionsInCycles,
  inclusiveCost,
  matchFunctions,
  oracleId,
  oracleOf,
  PROFILER_KEY,
  parseCallgrind,
  pstatsFixtures,
} from './callgrind-support.js';

const ns = (seconds: number) => Math.round(Math.max(0, seconds) * 1e9);

describe('callgrind output of every corpus pstats dump, read with KCachegrind rules', () => {
  const fixtures = pstatsFixtures();

  it('covers the whole corpus', () => {
    expect(fixtures.length).toBe(84);
  });

  for (const entry of fixtures) {
    it(entry.file, () => {
      const oracle = oracleOf(entry);
      const yappi = entry.producer === 'yappi';
      const text = convert(entry.file, entry.producer);
      const parsed = parseCallgrind(text);
      expect(parsed.errors).toEqual([]);

      // One KCachegrind function per Python function, plus (profiler) when needed.
      const real = [...parsed.functions.keys()].filter((k) => k !== PROFILER_KEY);
      expect(real.length).toBe(oracle.function_count);
      const matched = matchFunctions(parsed, oracle);
      expect(new Set([...matched.values()].map((r) => r.key)).size).toBe(oracle.function_count);

      // Grand total: Σ self = summary = totals = round(total_tt · 1e9).
      let selfSum = 0;
      for (const record of parsed.functions.values()) selfSum += record.self;
      expect(parsed.summary).toBe(selfSum);
      expect(parsed.totals).toBe(selfSum);
      expect(Math.abs(selfSum - ns(oracle.total_tt))).toBeLessThanOrEqual(1);

      const profiler = parsed.functions.get(PROFILER_KEY);
      if (profiler) expect(profiler.self).toBe(0);
      const cycles = functionsInCycles(parsed);

      for (const f of oracle.functions) {
        const record = matched.get(oracleId(f.key));
        if (!record) throw new Error(`unmatched ${oracleId(f.key)}`);
        const where = oracleId(f.key);
        expect(Math.abs(record.self - ns(f.tt)), `self of ${where}`).toBeLessThanOrEqual(1);

        // Calls: the recorded callers exactly, the rest from (profiler).
        const totalCalls = yappi ? f.cc : f.nc;
        let recorded = 0;
        for (const c of f.callers) {
          const caller = matched.get(oracleId(c.key));
          if (!caller) throw new Error(`unmatched caller ${oracleId(c.key)}`);
          const arcs = record.incoming.filter((a) => a.caller === caller.key);
          expect(arcs.length, `arc ${oracleId(c.key)} -> ${where}`).toBe(1);
          const arc = arcs[0] as (typeof arcs)[number];
          const [count, , , ct] = typeof c.value === 'number' ? [c.value] : c.value;
          expect(arc.count).toBe(count);
          recorded += count as number;
          if (ct !== undefined)
            expect(
              Math.abs(arc.cost - ns(ct)),
              `cost ${oracleId(c.key)} -> ${where}`,
            ).toBeLessThanOrEqual(1);
        }
        const fromProfiler = record.incoming.filter((a) => a.caller === PROFILER_KEY);
        expect(record.incoming.length).toBe(f.callers.length + fromProfiler.length);
        const profilerCalls = fromProfiler.reduce((sum, a) => sum + a.count, 0);
        expect(recorded + profilerCalls, `calls of ${where}`).toBe(Math.max(recorded, totalCalls));

        // KCachegrind's inclusive cost = ct, outside recursion cycles. Exceptions: a
        // function whose only recorded caller is itself (cProfile same-line key collisions)
        // and the `profile` module's fake root `profile:0(profiler)`, never called (nc = 0,
        // ct = 0): without callers KCachegrind sums its outgoing arcs, i.e. the whole run.
        const onlySelf = f.callers.length > 0 && f.callers.every((c) => oracleId(c.key) === where);
        const neverCalled = totalCalls === 0 && f.callers.length === 0;
        if (cycles.has(record.key) || onlySelf || neverCalled) continue;
        const arcCount = record.incoming.filter((a) => a.caller !== record.key).length;
        expect(
          Math.abs(inclusiveCost(parsed, record.key) - ns(f.ct)),
          `inclusive of ${where}`,
        ).toBeLessThanOrEqual(Math.max(1, arcCount));
      }
    });
  }
});
