// The table style on real dumps: golden files for the decorators program (Python 2.7 and
// 3.13, cProfile and the `profile` module) in fixtures/text/golden/ (update with
// `vitest -u`), and the property the table exists for: the two closures named
// `decorated` (decorators.py lines 31 and 46, 21 and 7 calls) are two clearly distinct rows.
import { join } from 'node:path';
import { readWith, writeToString } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { text } from '@pyprof/output-text';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../packages/input-cprofile/test/corpus.js';

const golden = (name: string) =>
  join(import.meta.dirname, '..', 'fixtures', 'text', 'golden', name);

const DUMPS = [
  'py27/decorators.cprofile.prof',
  'py27/decorators.profile.prof',
  'py313/decorators.cprofile.prof',
  'py313/decorators.profile.prof',
];

function render(
  dump: string,
  options: Record<string, unknown>,
  terminal?: { width: number; color: boolean },
) {
  const set = readWith(cprofile, readFixture(`pstats/${dump}`), {
    fileName: dump.replace('/', '-'),
  });
  return writeToString(text, set, { options, ...(terminal ? { context: { terminal } } : {}) });
}

describe('table style on the decorators dumps', () => {
  for (const dump of DUMPS) {
    const stem = dump.replace('/', '-').replace(/\.prof$/, '');
    for (const report of ['stats', 'callers', 'callees']) {
      it(`${dump} --report ${report} matches its golden file`, async () => {
        await expect(render(dump, { report })).toMatchFileSnapshot(golden(`${stem}.${report}.txt`));
      });
    }
    it(`${dump} fits an 80-column terminal`, async () => {
      const output = render(dump, { limit: ['15'] }, { width: 80, color: false });
      for (const line of output.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
      // The location gives way first: a name is cut only where it alone fills the line.
      for (const line of output.split('\n')) {
        if (/[^ ] ?…/.test(line)) expect([...line].length, line).toBe(80);
      }
      await expect(output).toMatchFileSnapshot(golden(`${stem}.stats.80-columns.txt`));
    });

    it(`${dump}: the two decorated closures are distinct rows`, () => {
      const rows = render(dump, { limit: ['decorated'] })
        .split('\n')
        .filter((l) => /decorated/.test(l));
      expect(rows).toHaveLength(2);
      const byLine = (line: number) => rows.find((row) => row.endsWith(`decorators.py:${line}`));
      const first = byLine(31);
      const second = byLine(46);
      expect(first).toMatch(
        /^\s+21\s.*\sdecorated:31\s+\/srv\/pyprof-corpus\/programs\/decorators\.py:31$/,
      );
      expect(second).toMatch(
        /^\s+7\s.*\sdecorated:46\s+\/srv\/pyprof-corpus\/programs\/decorators\.py:46$/,
      );
    });
  }
});
