// `--style pstats` against CPython itself: every corpus pstats dump, read by
// @pyprof/input-cprofile and written by @pyprof/output-text, must equal the texts the
// producing interpreter's `pstats.Stats(file).sort_stats(S).print_X()` wrote — byte for
// byte, for print_stats (from the second line on: the first is pstats' date-and-file-name
// header, which holds the file's mtime) and for print_callers / print_callees (whole), in
// both sort orders. Yappi dumps are read as stored, as pstats reads them.
//
// One exception, and only this: ADDRESS: a `profile`-module code-object key prints as
// `<code object … at 0x7f…>`, the address of the object in the printing process; the file
// does not store it, so the address is normalised in both texts (the writer prints a
// placeholder of the same width).
//
// Python 2.7 files compare as bytes too: rows whose sort keys tie come in Python 2's dict
// order, which the writer reproduces (packages/output-text/src/stats-order.ts). The one key
// it cannot place from the file, a code-object key (its 2.7 hash depends on the printing
// process), never ties with another row under these two sorts: any stand-in hash gives
// these texts (text-python2-oracle.test.ts replays runs where its place shows).
import { encodeText, readWith, writeToBytes } from '@pyprof/core';
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

const fixtures = pstatsFixtures();

describe('--style pstats equals CPython pstats on the corpus', () => {
  it('covers the whole pstats corpus', () => {
    expect(fixtures.length).toBe(84);
  });

  for (const entry of fixtures) {
    describe(entry.file, () => {
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
            expect(normaliseAddresses(ours)).toBe(normaliseAddresses(oracle));
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
