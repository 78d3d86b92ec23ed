// line_profiler → callgrind, read back with KCachegrind's rules: every (line, hits, time)
// of each .lprof is that line's self cost (ns) and hit count in the callgrind file, the
// summary is their total, and no function has a caller or a callee (line_profiler records
// none) — KCachegrind's inclusive cost of each is its self cost. Also through speedscope
// and the text table, which must take a profile without call counts.
import { decodeText, readWith, writeToBytes, writeToString } from '@pyprof/core';
import { lineProfiler } from '@pyprof/input-line-profiler';
import { callgrind } from '@pyprof/output-callgrind';
import { speedscope } from '@pyprof/output-speedscope';
import { text } from '@pyprof/output-text';
import { inclusiveCost, parseCallgrind } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import {
  lprofFixtures,
  readFixture,
  readOracle,
} from '../../../packages/input-line-profiler/test/corpus.js';

describe('line_profiler → callgrind', () => {
  for (const file of lprofFixtures()) {
    it(`${file}: every line's time and hits, no calls`, () => {
      const oracle = readOracle(file);
      const set = readWith(lineProfiler, readFixture(file));
      const written = decodeText(
        writeToBytes(callgrind, set, { context: { producer: 'pyprof@test' } }),
      );
      const parsed = parseCallgrind(written);
      expect(parsed.errors).toEqual([]);
      expect(parsed.events).toEqual(['ns', 'hits']);
      expect(parsed.calls).toEqual([]);
      // Functions are written in the profile's order, which is the file's dict order
      // (Python 3; the Python 2 oracle lists hash order, so match it by key there).
      const profile = set.whole;
      const byKey = new Map<string, (typeof oracle.timings)[number]>(
        oracle.timings.map((t) => [`${t.file}:${t.first_line}:${t.name}`, t]),
      );
      expect(parsed.order).toHaveLength(profile.functions.length);
      let totalNs = 0;
      let totalHits = 0;
      parsed.order.forEach((key, fn) => {
        const record = parsed.functions.get(key);
        const name = profile.strings[profile.functions.name[fn] as number] as string;
        const source = profile.strings[profile.functions.file[fn] as number] as string;
        const entry = byKey.get(`${source}:${profile.functions.line[fn]}:${name}`);
        expect(entry, key).toBeDefined();
        const expected = new Map<number, number[]>();
        for (const [line, hits, time] of entry?.lines ?? [])
          expected.set(line, [Math.round(time * oracle.unit * 1e9), hits]);
        if (expected.size === 0) expected.set(profile.functions.line[fn] as number, [0, 0]);
        expect(new Map(record?.selfEventsByLine)).toEqual(expected);
        for (const [ns, hits] of expected.values()) {
          totalNs += ns as number;
          totalHits += hits as number;
        }
        expect(record?.incoming).toEqual([]);
        expect(inclusiveCost(parsed, key)).toBe(record?.self);
      });
      expect(parsed.summaryEvents).toEqual([totalNs, totalHits]);
    });
  }

  it('speedscope and the text table take a profile without call counts', () => {
    const set = readWith(lineProfiler, readFixture('lprof/py311-lp402/recursion.lprof'));
    const json = JSON.parse(writeToString(speedscope, set));
    expect(json.profiles.length).toBeGreaterThan(0);
    const table = writeToString(text, set, { options: { style: 'table' } });
    expect(table).toMatch(/fib/);
  });
});
