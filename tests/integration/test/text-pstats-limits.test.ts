// `--sort` and `--limit` in the pstats style against real pstats: each case in
// packages/output-text/test/fixtures/pstats-cases/ is the text CPython 2.7, 3.6, 3.12 or
// 3.13 printed for `pstats.Stats(F).sort_stats(*SORT).print_X(*AMOUNTS)` on a corpus
// dump F of its own version (see that folder's README and generate.py). The writer gets
// the same arguments as command-line strings (`--sort`, `--limit`: counts, fractions,
// patterns, `re:` patterns, chains, an invalid pattern, prefixes and legacy integer keys)
// and must print the same bytes. Cases with several inputs are `pstats.Stats(a, b, c)`,
// merged here as the CLI merges several inputs (`mergeProfileSets`, pstats' order). The
// generator named the input `input.prof` in pstats' header line, so whole texts compare.
// One exception: the memory address in `profile`-module code-object keys (not stored in
// the file) is normalised in both.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeProfileSets, readWith, writeToBytes } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { text } from '@pyprof/output-text';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../packages/input-cprofile/test/corpus.js';

const fixtures = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../packages/output-text/test/fixtures',
);

interface Case {
  python: string;
  case: string;
  inputs: string[];
  printer: 'print_stats' | 'print_callers' | 'print_callees';
  sort: string[];
  limit: string[];
  pstats_sort: unknown[];
  pstats_amounts: unknown[];
  expected: string;
}

const cases = JSON.parse(readFileSync(join(fixtures, 'pstats-cases/cases.json'), 'utf8')) as Case[];
const ADDRESS = /at 0x[0-9a-f]+/g;

function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1').replace(ADDRESS, 'at 0xADDRESS');
}

describe('--sort and --limit equal real pstats', () => {
  it('has cases from Python 2.7, 3.6, 3.12 and 3.13 with every kind of limit', () => {
    expect(new Set(cases.map((c) => c.python))).toEqual(
      new Set(['py27', 'py36', 'py312', 'py313']),
    );
    const amounts = cases.flatMap((c) => c.pstats_amounts);
    expect(amounts.some((a) => typeof a === 'number' && Number.isInteger(a))).toBe(true);
    expect(amounts.some((a) => typeof a === 'number' && !Number.isInteger(a))).toBe(true);
    expect(amounts.some((a) => typeof a === 'string')).toBe(true);
    expect(cases.some((c) => c.sort.length >= 3)).toBe(true);
    expect(cases.some((c) => c.inputs.length === 3)).toBe(true);
  });

  for (const c of cases) {
    it(`${c.python} ${c.case} ${c.printer} (--sort ${c.sort.join(' ') || '(none)'} --limit ${c.limit.join(' ')})`, () => {
      // Several inputs merge as the CLI merges them: pstats.Stats(a, b, c)'s order.
      const set = mergeProfileSets(
        c.inputs.map((input) =>
          readWith(cprofile, readFixture(`pstats/${input}`), { fileName: 'input.prof' }),
        ),
        { order: 'pstats' },
      );
      const ours = writeToBytes(text, set, {
        options: {
          style: 'pstats',
          report: c.printer.replace('print_', ''),
          sort: c.sort,
          limit: c.limit,
        },
      });
      const expected = readFileSync(join(fixtures, c.expected));
      expect(binary(ours)).toBe(binary(expected));
    });
  }
});
