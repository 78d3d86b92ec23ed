// Every committed .ystat against yappi's own numbers from the session that saved it: one
// part per thread whose functions, calls (ncall, nactualcall) and times (tsub, ttot) are
// exactly `get_func_stats(filter={"ctx_id": n})`'s — although the file holds them only
// merged and in yappi's index of what it merged — with each child as the caller→callee
// edge; and a whole that is exactly `get_func_stats()`, the merged view the file saves.
import { functionFile, functionName, type Profile, readWith, validateProfile } from '@pyprof/core';
import { scanPickle } from '@pyprof/pickle';
import { describe, expect, it } from 'vitest';
import { yappi } from '../src/index.js';
import { YAPPI_DIALECT } from '../src/read.js';
import { type OracleStat, readFixture, readOracle, ystatFixtures } from './corpus.js';

const fixtures = ystatFixtures();

/** yappi's full name of a function row: `module:line name`, or `module.name` for a built-in. */
function fullName(profile: Profile, fn: number): string {
  const builtin = profile.functions.kind[fn] === 1;
  const file = functionFile(profile, fn);
  const name = functionName(profile, fn);
  return builtin ? `${file}.${name}` : `${file}:${profile.functions.line[fn]} ${name}`;
}

/** A profile as yappi's stats: per full name, the four numbers and the children's. */
function asStats(profile: Profile) {
  const fns = profile.functions;
  const out = new Map<string, { numbers: number[]; children: Map<string, number[]> }>();
  for (let fn = 0; fn < fns.length; fn++) {
    out.set(fullName(profile, fn), {
      numbers: [
        fns.callCount[fn] as number,
        fns.primitiveCallCount[fn] as number,
        fns.inclusiveTime[fn] as number,
        fns.selfTime[fn] as number,
      ],
      children: new Map(),
    });
  }
  const calls = profile.calls;
  for (let e = 0; e < calls.length; e++) {
    out
      .get(fullName(profile, calls.caller[e] as number))
      ?.children.set(fullName(profile, calls.callee[e] as number), [
        calls.callCount[e] as number,
        calls.primitiveCallCount[e] as number,
        calls.inclusiveTime[e] as number,
        calls.selfTime[e] as number,
      ]);
  }
  return out;
}

function expected(stats: readonly OracleStat[]) {
  return new Map(
    stats.map((s) => [
      s.full_name,
      {
        numbers: [s.ncall, s.nactualcall, s.ttot, s.tsub],
        children: new Map(
          s.children.map((c) => [c.full_name, [c.ncall, c.nactualcall, c.ttot, c.tsub]]),
        ),
      },
    ]),
  );
}

describe('yappi fixtures against yappi’s own numbers', () => {
  it('has the six runs', () => {
    expect(fixtures).toEqual([
      'ystat/builtins_cmethods.builtins.wall.ystat',
      'ystat/decorators.cpu.ystat',
      'ystat/generators_classes.wall.ystat',
      'ystat/recursion.wall.ystat',
      'ystat/threads.cpu.ystat',
      'ystat/threads.wall.ystat',
    ]);
  });

  for (const file of fixtures) {
    it(file, () => {
      const oracle = readOracle(file);
      const bytes = readFixture(file);
      const scan = scanPickle(bytes, YAPPI_DIALECT);
      expect(scan.protocol).toBe(oracle.pickle_protocol);
      expect(scan.globals).toEqual(oracle.pickle_globals);
      expect(scan.end).toBe(bytes.length);

      const set = readWith(yappi, bytes);
      const threads = Object.entries(oracle.per_thread).filter(([, stats]) => stats.length > 0);
      expect(set.parts.map((p) => p.metadata.threadId)).toEqual(threads.map(([id]) => id));
      for (const [k, [id, stats]] of threads.entries()) {
        const part = set.parts[k] as Profile;
        const name = oracle.threads.find((t) => String(t.id) === id)?.name;
        expect(part.metadata.label).toBe(`thread ${id} (${name})`);
        expect(validateProfile(part).errors).toEqual([]);
        expect(asStats(part)).toEqual(expected(stats));
      }
      const whole = set.whole;
      expect(validateProfile(whole).errors).toEqual([]);
      expect(asStats(whole)).toEqual(expected(oracle.merged));
      // In yappi's order (total time, descending), as saved.
      expect(whole.functions.length).toBe(oracle.merged.length);
      expect(oracle.merged.map((_, fn) => fullName(whole, fn))).toEqual(
        oracle.merged.map((stat) => stat.full_name),
      );
      for (const profile of [...set.parts, whole]) {
        expect(profile.metadata.format).toBe('yappi');
        expect(profile.metadata.info).toContainEqual(['clock', oracle.clock_type]);
      }
      if (threads.length > 1) expect(whole.metadata.label).toBe('all threads');
      else expect(whole).toBe(set.parts[0]);
    });
  }
});
