// Every committed .lprof against what line_profiler's own load_stats read from it: one
// function per timings key, in the dict's order, with (file, first line, name) as
// recorded; every (line, hits, time) as that line's hit count and self time (time × unit
// seconds); self and inclusive time the sum of the lines; no calls at all; the globals the
// scan sees equal to pickletools'.
import { functionFile, functionName, type Profile, readWith, validateProfile } from '@pyprof/core';
import { scanPickle } from '@pyprof/pickle';
import { describe, expect, it } from 'vitest';
import { lineProfiler } from '../src/index.js';
import { LINE_PROFILER_DIALECT } from '../src/read.js';
import { lprofFixtures, readFixture, readOracle } from './corpus.js';

const fixtures = lprofFixtures();

/** Line rows of function `fn`: [line, hits, seconds], in table order. */
function linesOf(profile: Profile, fn: number): Array<[number, number, number]> {
  const lines = profile.lines;
  const rows: Array<[number, number, number]> = [];
  if (!lines) return rows;
  for (let k = 0; k < lines.length; k++) {
    if (lines.function[k] === fn)
      rows.push([lines.line[k] as number, lines.hits[k] as number, lines.selfTime[k] as number]);
  }
  return rows;
}

describe('line_profiler fixtures against their oracles', () => {
  it('has the real runs and the stand-ins', () => {
    expect(fixtures).toEqual([
      'lprof/py311-lp402/builtins_cmethods.lprof',
      'lprof/py311-lp402/decorators.lprof',
      'lprof/py311-lp402/generators_classes.lprof',
      'lprof/py311-lp402/kernprof-long_line.lprof',
      'lprof/py311-lp402/recursion.lprof',
      'lprof/stand-ins/recursion.lp-main.lprof',
      'lprof/stand-ins/recursion.protocol0.lprof',
      'lprof/stand-ins/recursion.protocol2.lprof',
      'lprof/stand-ins/recursion.py27-lp2.lprof',
    ]);
  });

  for (const file of fixtures) {
    it(file, () => {
      const oracle = readOracle(file);
      const bytes = readFixture(file);
      const scan = scanPickle(bytes, LINE_PROFILER_DIALECT);
      expect(scan.protocol).toBe(oracle.pickle_protocol);
      expect(scan.globals).toEqual(oracle.pickle_globals);
      expect(scan.end).toBe(bytes.length);

      const set = readWith(lineProfiler, bytes);
      expect(set.parts).toHaveLength(1);
      const profile = set.whole;
      expect(validateProfile(profile).errors).toEqual([]);
      expect(profile.metadata.format).toBe('line-profiler');
      expect(profile.metadata.producer).toBe('line_profiler');
      expect(profile.metadata.pythonMajor).toBe(file.includes('py27') ? 2 : 3);
      expect(profile.metadata.info).toContainEqual(['unit', String(oracle.unit)]);
      expect(profile.calls.length).toBe(0);
      expect(profile.lines?.hitsMeasured).toBe(true);

      const fns = profile.functions;
      expect(fns.length).toBe(oracle.timings.length);
      // Python 3 dicts keep the pickle's order; Python 2's `items()` lists its hash order.
      const key = (file: string, line: number, name: string) => `${file}:${line}:${name}`;
      const row = new Map<string, number>();
      for (let fn = 0; fn < fns.length; fn++)
        row.set(
          key(functionFile(profile, fn), fns.line[fn] as number, functionName(profile, fn)),
          fn,
        );
      let lineRows = 0;
      oracle.timings.forEach((entry, index) => {
        const fn = row.get(key(entry.file, entry.first_line, entry.name)) as number;
        expect(fn, `${entry.name} at line ${entry.first_line}`).toBeDefined();
        if (!oracle.class.startsWith('_line_profiler.')) expect(fn).toBe(index);
        expect(fns.callCount[fn]).toBeNaN();
        expect(fns.primitiveCallCount[fn]).toBeNaN();
        const expected = entry.lines.map(([line, hits, time]) => [line, hits, time * oracle.unit]);
        expect(linesOf(profile, fn)).toEqual(expected);
        let sum = 0;
        for (const [, , seconds] of expected) sum += seconds as number;
        expect(fns.selfTime[fn]).toBe(sum);
        expect(fns.inclusiveTime[fn]).toBe(sum);
        lineRows += entry.lines.length;
      });
      expect(profile.lines?.length ?? 0).toBe(lineRows);
    });
  }

  it('keeps the two `decorated` closures of decorators.py apart (lines 31 and 46)', () => {
    const profile = readWith(lineProfiler, readFixture('lprof/py311-lp402/decorators.lprof')).whole;
    const decorated: number[] = [];
    for (let fn = 0; fn < profile.functions.length; fn++)
      if (functionName(profile, fn) === 'decorated')
        decorated.push(profile.functions.line[fn] as number);
    expect(decorated).toEqual([31, 46]);
  });

  it('reads the 2.2-second line (LONG1) and the Python 2 text INT exactly', () => {
    const slow = readWith(lineProfiler, readFixture('lprof/py311-lp402/kernprof-long_line.lprof'));
    expect(linesOf(slow.whole, 0)[0]).toEqual([12, 1, 2201874522 * 1e-9]);
    const py27 = readWith(lineProfiler, readFixture('lprof/stand-ins/recursion.py27-lp2.lprof'));
    const rows = py27.whole.lines;
    let found = false;
    for (let k = 0; k < (rows?.length ?? 0); k++)
      if (rows?.line[k] === 999) found = rows.selfTime[k] === 3000000000 * 1e-6;
    expect(found).toBe(true);
  });
});
