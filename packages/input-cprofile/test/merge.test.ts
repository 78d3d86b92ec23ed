// Merging real dumps of one program from Python 2.7 and 3.13: a function present in both
// is one function whose counts and times are the sums, with callers merged by key.
import {
  Diagnostics,
  functionFile,
  functionName,
  mergeProfiles,
  type Profile,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { cprofile } from '../src/index.js';
import { readFixture } from './corpus.js';

const read = (file: string) => readWith(cprofile, readFixture(file)).whole;
const key = (p: Profile, fn: number) =>
  `${functionFile(p, fn)}:${p.functions.line[fn]}(${functionName(p, fn)})`;

function rows(p: Profile): Map<string, number> {
  return new Map(Array.from({ length: p.functions.length }, (_, fn) => [key(p, fn), fn]));
}

function edges(p: Profile): Map<string, number> {
  return new Map(
    Array.from({ length: p.calls.length }, (_, e) => [
      `${key(p, p.calls.caller[e] as number)} -> ${key(p, p.calls.callee[e] as number)}`,
      e,
    ]),
  );
}

describe('merging dumps of one program from two Python versions', () => {
  const py27 = read('pstats/py27/decorators.cprofile.prof');
  const py313 = read('pstats/py313/decorators.cprofile.prof');
  const merged = mergeProfiles([py27, py313]);

  it('is a valid profile with the union of the functions', () => {
    expect(validateProfile(merged).errors).toEqual([]);
    const union = new Set([...rows(py27).keys(), ...rows(py313).keys()]);
    expect(merged.functions.length).toBe(union.size);
    // Functions both versions share: the program's own functions (not <module>, whose
    // first line differs between 2.7 and 3.13) and the builtins both label alike.
    const shared = [...rows(py27).keys()].filter((k) => rows(py313).has(k));
    expect(shared).toContain('/srv/pyprof-corpus/programs/decorators.py:31(decorated)');
    expect(shared).toContain('/srv/pyprof-corpus/programs/decorators.py:46(decorated)');
    expect(shared.length).toBe(17);
  });

  it('sums counts and times of shared functions and of shared caller edges', () => {
    const a = rows(py27);
    const b = rows(py313);
    const m = rows(merged);
    for (const [k, fn] of m) {
      const x = a.get(k);
      const y = b.get(k);
      const expected = (
        column: 'callCount' | 'primitiveCallCount' | 'selfTime' | 'inclusiveTime',
      ) =>
        (x === undefined ? 0 : (py27.functions[column][x] as number)) +
        (y === undefined ? 0 : (py313.functions[column][y] as number));
      for (const column of [
        'callCount',
        'primitiveCallCount',
        'selfTime',
        'inclusiveTime',
      ] as const) {
        expect(merged.functions[column][fn], `${column} of ${k}`).toBe(expected(column));
      }
    }
    const ea = edges(py27);
    const eb = edges(py313);
    const em = edges(merged);
    expect(em.size).toBe(new Set([...ea.keys(), ...eb.keys()]).size);
    for (const [k, e] of em) {
      const x = ea.get(k);
      const y = eb.get(k);
      expect(merged.calls.callCount[e]).toBe(
        (x === undefined ? 0 : (py27.calls.callCount[x] as number)) +
          (y === undefined ? 0 : (py313.calls.callCount[y] as number)),
      );
      expect(merged.calls.inclusiveTime[e]).toBe(
        (x === undefined ? 0 : (py27.calls.inclusiveTime[x] as number)) +
          (y === undefined ? 0 : (py313.calls.inclusiveTime[y] as number)),
      );
    }
    const decorated = m.get('/srv/pyprof-corpus/programs/decorators.py:31(decorated)') as number;
    expect(merged.functions.callCount[decorated]).toBe(42);
  });

  it('keeps profile-module counts, leaves unknown times absent and warns when merged with cProfile', () => {
    const profileModule = read('pstats/py313/decorators.profile.prof');
    const diagnostics = new Diagnostics();
    const m = mergeProfiles([py313, profileModule], {
      diagnostics: diagnostics.sink('merge', 'merge'),
    });
    expect(validateProfile(m).errors).toEqual([]);
    // The profile module times with CPU time, cProfile with the wall clock.
    expect(diagnostics.list.map((w) => w.code)).toEqual(['mixed-edge-data', 'mixed-clocks']);
    const e = edges(m).get(
      '/srv/pyprof-corpus/programs/decorators.py:107(main) -> /srv/pyprof-corpus/programs/decorators.py:31(decorated)',
    ) as number;
    expect(m.calls.callCount[e]).toBe(42);
    expect(m.calls.inclusiveTime[e]).toBeNaN();
    expect(m.calls.primitiveCallCount[e]).toBeNaN();
  });
});
