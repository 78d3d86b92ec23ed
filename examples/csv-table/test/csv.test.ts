// The example plugin passes the same conformance suite as first-party writers, and its
// rows hold a real dump's numbers: one row per function, own times adding up to the total.
import { readFileSync } from 'node:fs';
import { readWith, totalSelfTime } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { describeOutputPlugin, render } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { csv } from '../index.js';

/** Rows of a CSV text (quoted fields with commas, quotes and line breaks included). */
function parse(text: string): string[][] {
  const rows: string[][] = [];
  const pattern = /("(?:[^"]|"")*"|[^,\n]*)(,|\n)/g;
  let row: string[] = [];
  for (const [, value, end] of text.matchAll(pattern)) {
    row.push(
      (value as string).startsWith('"')
        ? (value as string).slice(1, -1).replaceAll('""', '"')
        : (value as string),
    );
    if (end === '\n') {
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

describeOutputPlugin(csv, {
  goldenDir: `${import.meta.dirname}/golden`,
  check: (output, set) => {
    const rows = parse(output);
    expect(rows[0]).toHaveLength(7);
    for (const row of rows) expect(row).toHaveLength(7);
    expect(rows.length - 1).toBe(set.whole.functions.length);
  },
});

describe('the CSV table of a real dump', () => {
  const read = (name: string) =>
    readWith(
      cprofile,
      readFileSync(
        new URL(
          `../../../packages/input-cprofile/test/fixtures/pstats/py312/${name}`,
          import.meta.url,
        ),
      ),
    );

  it('has one row per function, own times adding up to the total', () => {
    const set = read('medium.cprofile.prof');
    const rows = parse(render(csv, set)).slice(1);
    expect(rows).toHaveLength(set.whole.functions.length);
    const own = rows.reduce((sum, row) => sum + Number(row[5]), 0);
    expect(own).toBeCloseTo(totalSelfTime(set.whole), 12);
    const owns = rows.map((row) => Number(row[5]));
    expect(owns).toEqual([...owns].sort((a, b) => b - a));
  });

  it('keeps the two decorated closures apart', () => {
    const names = parse(render(csv, read('decorators.cprofile.prof'))).map((row) => row[0]);
    expect(names).toContain('decorated:31');
    expect(names).toContain('decorated:46');
  });
});
