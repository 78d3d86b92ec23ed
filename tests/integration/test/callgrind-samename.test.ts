// The cases this project exists for, profiled by real Python 2.7 and 3.x: two closures
// named `decorated` in one file (decorators), `run()` in three `util.py` files and
// `setup()` in two `__init__.py` files (samename). Read back with KCachegrind's rules,
// every distinct (file, line, name) is its own function, with its own calls and callers.
import { describe, expect, it } from 'vitest';
import {
  checkAgainstOracle,
  oracleId,
  pstatsFixtures,
  samenameFixtures,
} from './callgrind-support.js';

const decorators = pstatsFixtures().filter(
  (e) => e.program === 'decorators' && e.producer !== 'yappi',
);

function record(
  result: ReturnType<typeof checkAgainstOracle>,
  file: string,
  line: number,
  name: string,
) {
  const key = result.oracle.functions.find(
    (f) => f.key[0].endsWith(file) && f.key[1] === line && f.key[2] === name,
  )?.key;
  if (!key) throw new Error(`no ${file}:${line}(${name}) in the oracle`);
  return result.matched.get(oracleId(key)) as NonNullable<ReturnType<typeof result.matched.get>>;
}

describe('same names in one file: the decorators program', () => {
  it('has dumps from Python 2.7 and 3.x, cProfile and profile', () => {
    expect(new Set(decorators.map((e) => e.python.slice(0, 1)))).toEqual(new Set(['2', '3']));
    expect(new Set(decorators.map((e) => e.producer))).toEqual(new Set(['cProfile', 'profile']));
  });

  for (const entry of decorators) {
    it(`${entry.file}: two decorated closures, each with its own callers`, () => {
      const result = checkAgainstOracle(entry);
      const read = record(result, 'decorators.py', 31, 'decorated');
      const write = record(result, 'decorators.py', 46, 'decorated');
      expect(read.key).not.toBe(write.key);
      expect(read.name).toBe('decorated:31');
      expect(write.name).toBe('decorated:46');
      const calls = (r: typeof read) => r.incoming.reduce((sum, c) => sum + c.count, 0);
      expect(calls(read)).toBe(21);
      expect(calls(write)).toBe(7);
      // Each closure calls its own methods: the read one never calls commit.
      const callees = (r: typeof read) =>
        new Set(r.outgoing.map((c) => result.parsed.functions.get(c.callee)?.name));
      expect(callees(read).has('get_revno')).toBe(true);
      expect(callees(read).has('commit')).toBe(false);
      expect(callees(write).has('commit')).toBe(true);
      expect(callees(write).has('get_revno')).toBe(false);
    });
  }
});

describe('same names in files with the same basename: the samename program', () => {
  for (const entry of samenameFixtures()) {
    it(`${entry.file}: run, setup, helper and <module> stay apart`, () => {
      const result = checkAgainstOracle(entry);
      const expected: Array<[string, number, string, string, number]> = [
        ['pkg_a/util.py', 9, 'run', 'pkg_a.util.run', 5],
        ['pkg_b/util.py', 6, 'run', 'pkg_b.util.run', 3],
        ['pkg_b/inner/util.py', 5, 'run', 'inner.util.run', 1],
        ['pkg_a/__init__.py', 7, 'setup', 'pkg_a.setup', 1],
        ['pkg_b/__init__.py', 7, 'setup', 'pkg_b.setup', 2],
        ['pkg_a/util.py', 5, 'helper', 'pkg_a.util.helper', 10],
        ['pkg_b/util.py', 10, 'helper', 'pkg_b.util.helper', 3],
        ['samename/main.py', 30, 'main', 'main', 1],
      ];
      const keys = new Set<string>();
      for (const [file, line, name, written, calls] of expected) {
        const r = record(result, file, line, name);
        expect(r.name).toBe(written);
        expect(r.incoming.reduce((sum, c) => sum + c.count, 0)).toBe(calls);
        keys.add(r.key);
      }
      expect(keys.size).toBe(expected.length);
      // The <module> of every util.py and __init__.py is its own function too.
      const modules = result.oracle.functions.filter(
        (f) => f.key[2] === '<module>' && f.key[0].includes('/samename/pkg_'),
      );
      expect(modules.length).toBe(6);
      const moduleKeys = new Set(modules.map((f) => result.matched.get(oracleId(f.key))?.key));
      expect(moduleKeys.size).toBe(6);
    });
  }
});
