// yappi → callgrind and speedscope, checked per thread against yappi's own numbers from the
// session that saved each .ystat (`get_func_stats(filter={"ctx_id": n})`, and
// `get_func_stats()` for the whole). Callgrind, read back with KCachegrind's rules: every
// compressed name defined before use, one function per yappi function, its self cost its
// `tsub` and its incoming calls adding up to its `ncall` (recorded callers on their arcs,
// the rest from `(profiler)`), and — outside recursion cycles — KCachegrind's inclusive
// cost its `ttot`. Speedscope: one profile per thread whose frames' self times are the
// thread's `tsub`s.
import {
  functionFile,
  functionName,
  type Profile,
  readWith,
  singleProfileSet,
  writeToString,
} from '@pyprof/core';
import { yappi } from '@pyprof/input-yappi';
import { callgrind, PROFILER_NAME } from '@pyprof/output-callgrind';
import { speedscope } from '@pyprof/output-speedscope';
import {
  conservationProblems,
  frameFunctions,
  functionsInCycles,
  inclusiveCost,
  parseCallgrind,
  type SpeedscopeFile,
  type SpeedscopeProfile,
  selfByFrame,
  speedscopeProblems,
} from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import {
  type OracleStat,
  readFixture,
  readOracle,
  ystatFixtures,
} from '../../../packages/input-yappi/test/corpus.js';

const PROFILER_KEY = `${PROFILER_NAME}${PROFILER_NAME}`;
const ns = (seconds: number) => Math.round(seconds * 1e9);

function fullName(profile: Profile, fn: number): string {
  const file = functionFile(profile, fn);
  const name = functionName(profile, fn);
  return profile.functions.kind[fn] === 1
    ? `${file}.${name}`
    : `${file}:${profile.functions.line[fn]} ${name}`;
}

/** The profile through callgrind, checked function by function against `stats`. */
function checkCallgrind(profile: Profile, stats: readonly OracleStat[]): void {
  const parsed = parseCallgrind(writeToString(callgrind, singleProfileSet(profile)));
  expect(parsed.errors).toEqual([]);
  const byName = new Map(stats.map((s) => [s.full_name, s]));
  const keys = parsed.order.filter((key) => key !== PROFILER_KEY);
  expect(keys).toHaveLength(stats.length);
  const cycles = functionsInCycles(parsed);
  let selfSum = 0;
  keys.forEach((key, fn) => {
    const stat = byName.get(fullName(profile, fn)) as OracleStat;
    const record = parsed.functions.get(key);
    expect(stat, key).toBeDefined();
    expect(record?.self, `self of ${key}`).toBe(ns(stat.tsub));
    selfSum += record?.self ?? 0;
    const calls = (record?.incoming ?? []).reduce((sum, arc) => sum + arc.count, 0);
    expect(calls, `calls of ${key}`).toBe(stat.ncall);
    if (!cycles.has(key))
      expect(inclusiveCost(parsed, key), `inclusive of ${key}`).toBe(ns(stat.ttot));
  });
  expect(parsed.summary).toBe(selfSum);
}

describe('yappi → callgrind, per thread and whole', () => {
  for (const file of ystatFixtures()) {
    it(file, () => {
      const oracle = readOracle(file);
      const set = readWith(yappi, readFixture(file));
      for (const part of set.parts)
        checkCallgrind(part, oracle.per_thread[part.metadata.threadId as string] ?? []);
      checkCallgrind(set.whole, oracle.merged);
    });
  }
});

describe('yappi → speedscope: one profile per thread', () => {
  for (const file of ystatFixtures()) {
    it(file, () => {
      const oracle = readOracle(file);
      const set = readWith(yappi, readFixture(file));
      const text = writeToString(speedscope, set);
      expect(speedscopeProblems(text)).toEqual([]);
      const written = JSON.parse(text) as SpeedscopeFile;
      expect(written.profiles).toHaveLength(set.parts.length);
      set.parts.forEach((part, k) => {
        expect(conservationProblems(written, set, k)).toEqual([]);
        const stats = new Map(
          (oracle.per_thread[part.metadata.threadId as string] ?? []).map((s) => [s.full_name, s]),
        );
        const self = selfByFrame(written.profiles[k] as SpeedscopeProfile);
        for (const [frame, fn] of frameFunctions(written, set, part)) {
          const stat = stats.get(fullName(part, fn));
          expect(stat, fullName(part, fn)).toBeDefined();
          expect(self.get(frame) ?? 0).toBeCloseTo(stat?.tsub ?? Number.NaN, 12);
        }
        expect(written.profiles[k]?.name).toContain(part.metadata.label as string);
      });
    });
  }
});
