// The text writer on every other input: each hotshot log and lsprof pickle of the corpus
// (threads merged into the whole, count-only and absent values, synthetic frames), in both
// styles and every report. What must hold: the pstats summary line states the profile's
// own totals; every function is one row of the flat report; every call edge is one row of
// the table's callers and callees reports. A hotshot log in the pstats style is printed as
// `hotshot.stats.load` gives it (Python 2 rules): one more row, its `profile:0(profiler)`.
// These logs are read without the writer's needs (as a library caller might), so that
// path — the aggregate numbers, no timeline — runs here, with its warning.
import { readWith, totalCalls, writeToString } from '@pyprof/core';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof } from '@pyprof/input-lsprof';
import { text } from '@pyprof/output-text';
import { describe, expect, it } from 'vitest';
import {
  hotshotFixtures,
  readFixture as readHotshot,
} from '../../../packages/input-hotshot/test/corpus.js';
import {
  lsprofFixtures,
  readFixture as readLsprof,
} from '../../../packages/input-lsprof/test/corpus.js';

const inputs = [
  ...hotshotFixtures().map((e) => ({
    file: e.file,
    plugin: hotshot,
    bytes: () => readHotshot(e.file),
  })),
  ...lsprofFixtures().map((e) => ({
    file: e.file,
    plugin: lsprof,
    bytes: () => readLsprof(e.file),
  })),
];

describe('text output from hotshot and lsprof inputs', () => {
  it('covers both corpora', () => {
    expect(inputs.filter((i) => i.plugin === hotshot).length).toBeGreaterThan(20);
    expect(inputs.filter((i) => i.plugin === lsprof).length).toBeGreaterThan(10);
  });

  for (const input of inputs) {
    it(input.file, { timeout: 60_000 }, () => {
      const set = readWith(input.plugin, input.bytes());
      const profile = set.whole;
      const n = profile.functions.length;

      const warnings: string[] = [];
      const stats = writeToString(text, set, {
        options: { style: 'pstats', sort: ['cumulative'] },
        context: { warn: (d) => warnings.push(d.code) },
      });
      const fromHotshot = input.plugin === hotshot;
      expect(warnings).toEqual(fromHotshot ? ['hotshot-stats-approximate'] : []);
      const calls = totalCalls(profile);
      let primitive = 0;
      for (let fn = 0; fn < n; fn++)
        primitive += profile.functions.primitiveCallCount[fn] as number;
      const summary = stats.split('\n').find((line) => line.includes('function calls'));
      expect(summary).toMatch(
        new RegExp(
          `^ {9}${calls} function calls${calls === primitive ? '' : ` \\(${primitive} primitive calls\\)`} in \\d+\\.\\d{3} seconds$`,
        ),
      );
      const title = stats.indexOf('filename:lineno(function)\n');
      const rows = stats
        .slice(title)
        .split('\n')
        .slice(1)
        .filter((line) => line !== '');
      expect(rows).toHaveLength(fromHotshot ? n + 1 : n);
      if (fromHotshot)
        expect(rows).toContainEqual(expect.stringMatching(/ profile:0\(profiler\)$/));

      const table = writeToString(text, set, {});
      expect(
        table.split('\n').filter((line) => /^\s*(\d+(\/\d+)?|-)\s{2}/.test(line)),
      ).toHaveLength(n);
      for (const report of ['callers', 'callees']) {
        const edges = writeToString(text, set, { options: { report } })
          .split('\n')
          .filter((line) => line.includes(report === 'callers' ? '  <- ' : '  -> '));
        expect(edges).toHaveLength(profile.calls.length);
        writeToString(text, set, { options: { style: 'pstats', report, sort: ['tottime'] } });
      }
    });
  }
});
