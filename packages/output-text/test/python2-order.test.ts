// Python 2 rules in the pstats style beyond the corpus oracles (tests/integration/test/
// text-python2-oracle.test.ts): `--python 2` on data from Python 3 lists rows in the order
// a 2.7 dict of those keys iterates; the table style keeps the profile's order; the
// `profile`-module code-object key takes its hash and address from the printing process
// when given; hotshot.stats' normalisation of file names equals Python 2.7's
// posixpath.normpath (test/fixtures/python2/normpath.json, made by generate.py).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeText, ProfileBuilder, singleProfileSet, writeToString } from '@pyprof/core';
import { canonicalProfiles } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { normalisePath } from '../src/hotshot-stats.js';
import { python2StatsDict, statsKeyHash, text, writeText } from '../src/index.js';

const normpath = JSON.parse(
  readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'python2', 'normpath.json'),
    'utf8',
  ),
) as { python: string; cases: Array<{ path: string; normpath: string }> };

/** The function names of a print_stats text's rows, in order. */
function rowNames(report: string): string[] {
  const lines = report.split('\n');
  const title = lines.findIndex((line) => line.includes('filename:lineno(function)'));
  return lines
    .slice(title + 1)
    .filter((line) => line !== '')
    .map((line) => line.slice(46));
}

describe('Python 2 rules in the pstats style', () => {
  const profile = Object.values(canonicalProfiles())
    .map((set) => set.whole)
    .sort((a, b) => b.functions.length - a.functions.length)[0];

  it('lists an unsorted report of any data in 2.7 dict order under --python 2', () => {
    expect(profile).toBeDefined();
    if (!profile) return;
    const set = singleProfileSet(profile);
    const python3 = rowNames(
      writeToString(text, set, { options: { style: 'pstats', python: '3' } }),
    );
    const python2 = rowNames(
      writeToString(text, set, { options: { style: 'pstats', python: '2' } }),
    );
    const names = python3.slice();
    const order = python2StatsDict(profile).keys();
    expect(python2).toEqual(order.map((fn) => names[fn]));
    expect(python2).not.toEqual(python3);
    expect([...python2].sort()).toEqual([...python3].sort());
  });

  it('keeps the profile order in the table style', () => {
    if (!profile) return;
    const set = singleProfileSet(profile);
    expect(writeToString(text, set, { options: { python: '2' } })).toBe(
      writeToString(text, set, { options: { python: '3' } }),
    );
  });

  it("takes a code-object key's hash and address from the printing process", () => {
    const b = new ProfileBuilder({ format: 'cprofile', producer: 'profile', pythonMajor: 2 });
    const code = { file: '/src/x.py', line: 1, name: '<module>' };
    for (let line = 1; line <= 9; line++) b.addFunction('/src/x.py', line, `f${line}`);
    const command = b.addFunction(
      'profile',
      0,
      '<code object <module>, file "/src/x.py", line 1>',
      'synthetic',
      {
        details: { codeObject: code },
      },
    );
    const built = b.build();
    const set = singleProfileSet(built);
    const run = (hash: bigint) =>
      encodeText(
        [
          ...writeText(
            set,
            { style: 'pstats', report: 'stats', python: 'auto' },
            { warn: () => {} },
            { codeKeyHash: () => hash, codeKeyAddress: () => 0x7fea5b341e30n },
          ),
        ].join(''),
      );
    const places = new Set<number>();
    for (const hash of [0n, 1n, 2n, 5n, 7n, 12345n]) {
      const report = Buffer.from(run(hash)).toString('latin1');
      const rows = rowNames(report);
      places.add(rows.findIndex((row) => row.startsWith('profile:0(')));
      expect(report).toContain(
        'profile:0(<code object <module> at 0x7fea5b341e30, file "/src/x.py", line 1>)',
      );
    }
    // The key moves with its hash (slot hash & 15 of a 16-slot table, then probing).
    expect(places.size).toBeGreaterThan(1);
    expect(statsKeyHash(built, command, { codeKeyHash: () => 12345n })).toEqual({
      hi: 0,
      lo: 12345,
    });
  });

  it("normalises file names as Python 2.7's posixpath.normpath", () => {
    expect(normpath.python).toMatch(/^2\.7\./);
    expect(normpath.cases.length).toBeGreaterThan(20);
    for (const { path, normpath: expected } of normpath.cases) {
      const text = Buffer.from(path, 'hex').toString('latin1');
      expect(Buffer.from(normalisePath(text), 'latin1').toString('hex'), text).toBe(expected);
    }
  });
});
