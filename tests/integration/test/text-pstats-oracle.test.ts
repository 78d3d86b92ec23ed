// `--style pstats` against CPython itself: every corpus pstats dump, read by
// @pyprof/input-cprofile and written by @pyprof/output-text, must equal the texts the
// producing interpreter's `pstats.Stats(file).sort_stats(S).print_X()` wrote — byte for
// byte, for print_stats (from the second line on: the first is pstats' date-and-file-name
// header, which holds the file's mtime) and for print_callers / print_callees (whole), in
// both sort orders. Yappi dumps are read as stored, as pstats reads them.
//
// Two exceptions, and only these:
// - ADDRESS: a `profile`-module code-object key prints as `<code object … at 0x7f…>`, the
//   address of the object in the printing process; the file does not store it, so the
//   address is normalised in both texts (the writer prints a placeholder of the same width).
// - PY27_TIES: Python 2.7 dicts iterate in hash order, so rows whose sort keys tie come
//   in an order the file does not record; for 2.7 files each group of rows with equal
//   sort key is compared as a set (the groups themselves must be in the same order).
import {
  encodeText,
  functionFile,
  functionName,
  type Profile,
  readWith,
  writeToBytes,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { text } from '@pyprof/output-text';
import { describe, expect, it } from 'vitest';
import {
  type ManifestEntry,
  pstatsFixtures,
  readFixture,
  readSidecar,
} from '../../../packages/input-cprofile/test/corpus.js';

const ADDRESS = /at 0x[0-9a-f]+/g;
const SORTS = ['cumulative', 'tottime'] as const;
const REPORTS = ['stats', 'callers', 'callees'] as const;

/** Bytes as a string of one char per byte, so byte-exact texts compare as strings. */
function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

function withoutFirstLine(textValue: string): string {
  return textValue.slice(textValue.indexOf('\n') + 1);
}

function normaliseAddresses(textValue: string): string {
  return textValue.replace(ADDRESS, 'at 0xADDRESS');
}

/**
 * The rows of a report: print_stats rows are lines after the column title; callers and
 * callees rows are blocks (a function's line and its continuation lines, which start
 * with a space) after the heading.
 */
function splitRows(
  textValue: string,
  report: (typeof REPORTS)[number],
): { head: string; rows: string[]; tail: string } {
  const lines = textValue.split('\n');
  const marker = report === 'stats' ? /^ {3}ncalls {2}tottime/ : /^Function /;
  let start = lines.findIndex((line) => marker.test(line)) + 1;
  if (report !== 'stats' && lines[start]?.startsWith(' ')) start++; // the ncalls sub-heading
  const end = lines.indexOf('', start);
  const rows: string[] = [];
  for (const line of lines.slice(start, end)) {
    if (report !== 'stats' && line.startsWith(' ')) rows[rows.length - 1] += `\n${line}`;
    else rows.push(line);
  }
  return {
    head: lines.slice(0, start).join('\n'),
    rows,
    tail: lines.slice(end).join('\n'),
  };
}

/** Sizes of the groups of functions whose sort key ties, in sorted order. */
function tieGroups(profile: Profile, sort: (typeof SORTS)[number]): number[] {
  const values = Array.from(
    sort === 'cumulative' ? profile.functions.inclusiveTime : profile.functions.selfTime,
  ).sort((a, b) => b - a);
  const sizes: number[] = [];
  values.forEach((value, index) => {
    if (index > 0 && value === values[index - 1]) sizes.push((sizes.pop() as number) + 1);
    else sizes.push(1);
  });
  return sizes;
}

function groupAsSets(rows: string[], sizes: number[]): string[][] {
  const groups: string[][] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(rows.slice(at, at + size).sort());
    at += size;
  }
  return groups;
}

function describeKey(profile: Profile): string {
  return `${profile.functions.length} functions, first ${functionFile(profile, 0)}:${functionName(profile, 0)}`;
}

const fixtures = pstatsFixtures();

describe('--style pstats equals CPython pstats on the corpus', () => {
  it('covers the whole pstats corpus', () => {
    expect(fixtures.length).toBe(84);
  });

  for (const entry of fixtures) {
    describe(entry.file, () => {
      const python27 = entry.python.startsWith('2.');
      const set = readWith(cprofile, readFixture(entry.file), { fileName: 'input.prof' });
      for (const sort of SORTS) {
        for (const report of REPORTS) {
          const sidecar =
            entry.sidecars[`print_${report}.${sort}` as keyof ManifestEntry['sidecars']];
          it(`print_${report} sorted by ${sort}`, () => {
            expect(sidecar, 'manifest lists the oracle text').toBeDefined();
            let oracle = binary(readSidecar(sidecar as string));
            let ours = binary(
              writeToBytes(text, set, { options: { style: 'pstats', report, sort: [sort] } }),
            );
            if (report === 'stats') {
              oracle = withoutFirstLine(oracle);
              ours = withoutFirstLine(ours);
            }
            // Exception ADDRESS (see the file comment).
            oracle = normaliseAddresses(oracle);
            ours = normaliseAddresses(ours);
            if (!python27) {
              expect(ours).toBe(oracle);
              return;
            }
            // Exception PY27_TIES (see the file comment).
            const a = splitRows(ours, report);
            const b = splitRows(oracle, report);
            expect(a.head).toBe(b.head);
            expect(a.tail).toBe(b.tail);
            expect(a.rows.length, describeKey(set.whole)).toBe(set.whole.functions.length);
            const sizes = tieGroups(set.whole, sort);
            expect(groupAsSets(a.rows, sizes)).toEqual(groupAsSets(b.rows, sizes));
          });
        }
      }
    });
  }

  it('the oracle texts hold raw bytes where names are not UTF-8', () => {
    const entry = fixtures.find((e) => e.file === 'pstats/nonutf8/nonutf8.py27.cprofile.prof');
    expect(entry).toBeDefined();
    const oracle = readSidecar(
      (entry as ManifestEntry).sidecars['print_stats.cumulative'] as string,
    );
    expect(oracle.includes(Buffer.from('latin\xe9.py', 'latin1'))).toBe(true);
    expect(encodeText('latin\udce9.py')).toEqual(
      new Uint8Array(Buffer.from('latin\xe9.py', 'latin1')),
    );
  });
});
