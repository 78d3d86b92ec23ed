// `--style pstats` with Python 2 rules against CPython 2.7.18 itself, compared as bytes:
// for every Python 2.7 pstats dump of the corpus (cProfile and `profile`), every hotshot
// log (`hotshot.stats.load(log)`) and several merged inputs (`pstats.Stats(a, b, c)`;
// `load(a).add(load(b), load(c))` for logs), every report (print_stats, print_callers,
// print_callees) under no sort and every sort key word, and under three restrictions (a
// count of the unsorted list, a fraction, a pattern and a count), must print exactly what
// Python 2.7 printed — rows in Python 2's dict order, hotshot.stats' normalised file names, its
// `profile:0(profiler)` row and its float sums included. The texts were made once by
// packages/output-text/test/fixtures/python2/generate.py (see its README).
//
// Two things no file holds are given from the generating run, for dumps of the `profile`
// module, whose key `('profile', 0, <code object>)` depends on where the printing process
// put objects in memory (ASLR, new on every run): the key's hash (through hash(None) in
// the code's constants it decides the key's dict slot) and the code object's address (its
// repr prints it, and --sort stdname compares it). The test passes both to the writer
// (`writeText`'s PrintingProcess); print_callers and print_callees also print the
// addresses of the callers dicts' own copies of the code object, which are normalised in
// both texts there. Every other input goes through the plugin as the CLI runs it, read
// with the writer's declared needs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  encodeText,
  mergeProfileSets,
  outputNeeds,
  type ProfileSet,
  readWith,
  resolveOptions,
  writeToBytes,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { type PrintingProcess, text, writeText } from '@pyprof/output-text';
import { describe, expect, it } from 'vitest';
import {
  pstatsFixtures,
  readFixture as readDump,
} from '../../../packages/input-cprofile/test/corpus.js';
import {
  hotshotFixtures,
  readFixture as readLog,
} from '../../../packages/input-hotshot/test/corpus.js';

const folder = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../packages/output-text/test/fixtures/python2/reports',
);

interface CodeKey {
  name: string;
  file: string;
  line: number;
  hash: string;
  address: string;
}

interface ReportFile {
  python: string;
  loader: 'pstats' | 'hotshot';
  inputs: string[];
  texts: string[];
  cases: Array<{
    report: 'stats' | 'callers' | 'callees';
    sort: string[];
    /** pstats' restriction arguments as `--limit` values. */
    limit?: string[];
    text: number;
    code_keys?: CodeKey[];
  }>;
}

function printingProcess(keys: CodeKey[]): PrintingProcess {
  const find = (code: { file: string; line: number; name: string }) =>
    keys.find((k) => k.file === code.file && k.line === code.line && k.name === code.name);
  return {
    codeKeyHash: (code) => {
      const key = find(code);
      return key && BigInt(key.hash);
    },
    codeKeyAddress: (code) => {
      const key = find(code);
      return key && BigInt(`0x${key.address}`);
    },
  };
}

function reportFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? reportFiles(path)
      : name.endsWith('.json.gz')
        ? [path]
        : [];
  });
}

const ADDRESS = /at 0x[0-9a-f]+/g;
const SORT_WORDS = [
  'calls',
  'ncalls',
  'cumtime',
  'cumulative',
  'filename',
  'line',
  'module',
  'name',
  'nfl',
  'pcalls',
  'stdname',
  'time',
  'tottime',
];

const needs = outputNeeds(text, resolveOptions(text.options, { style: 'pstats' }, 'text'));

function read(file: ReportFile): ProfileSet {
  const sets = file.inputs.map((input) =>
    file.loader === 'pstats'
      ? readWith(cprofile, readDump(`pstats/${input}`), { fileName: 'input.prof' })
      : readWith(hotshot, readLog(`hotshot/${input}`), { fileName: 'input.hotshot', needs }),
  );
  return mergeProfileSets(sets, { order: 'pstats' });
}

const files = reportFiles(folder)
  .sort()
  .map((path) => ({
    name: relative(folder, path),
    file: JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as ReportFile,
  }));

describe('--style pstats equals Python 2.7 byte for byte', () => {
  it('covers every Python 2.7 dump and hotshot log of the corpus, and merged inputs', () => {
    const byLoader = (loader: string) =>
      files.filter((f) => f.file.loader === loader && f.file.inputs.length === 1);
    const dumps = byLoader('pstats').map((f) => `pstats/${f.file.inputs[0]}`);
    for (const entry of pstatsFixtures().filter((e) => e.python.startsWith('2.')))
      expect(dumps).toContain(entry.file);
    expect(dumps.some((d) => d.includes('.profile.'))).toBe(true);
    expect(byLoader('hotshot').map((f) => `hotshot/${f.file.inputs[0]}`)).toEqual(
      hotshotFixtures()
        .map((e) => e.file)
        .sort(),
    );
    const merged = files.filter((f) => f.file.inputs.length > 1);
    expect(merged.filter((f) => f.file.loader === 'pstats').length).toBeGreaterThanOrEqual(4);
    expect(merged.some((f) => f.file.loader === 'hotshot')).toBe(true);
    for (const { file } of files) {
      expect(file.python).toBe('2.7.18');
      const unrestricted = file.cases.filter((c) => !c.limit);
      expect(new Set(unrestricted.map((c) => c.sort.join(' ')))).toEqual(
        new Set(['', ...SORT_WORDS]),
      );
      expect(unrestricted).toHaveLength(3 * (SORT_WORDS.length + 1));
      expect(file.cases.filter((c) => c.limit && c.sort.length === 0).length).toBe(3);
    }
  });

  for (const { name, file } of files) {
    describe(name, () => {
      const set = read(file);
      for (const c of file.cases) {
        const title = `print_${c.report} ${c.sort.length > 0 ? `sorted by ${c.sort[0]}` : 'unsorted'}${c.limit ? ` limited to ${c.limit.join(', ')}` : ''}`;
        it(title, () => {
          const options = {
            style: 'pstats',
            report: c.report,
            sort: c.sort,
            limit: c.limit ?? [],
          };
          const warnings: string[] = [];
          const warn = (d: { code: string }) => {
            warnings.push(d.code);
          };
          let ours: string;
          let expected = file.texts[c.text] as string;
          if (!c.code_keys) {
            ours = Buffer.from(writeToBytes(text, set, { options, context: { warn } })).toString(
              'latin1',
            );
          } else {
            const chunks = writeText(
              set,
              resolveOptions(text.options, options, 'text'),
              { warn },
              printingProcess(c.code_keys),
            );
            ours = Buffer.from(encodeText([...chunks].join(''))).toString('latin1');
            if (c.report !== 'stats') {
              // The callers dicts' copies of the code object (see the file comment).
              ours = ours.replace(ADDRESS, 'at 0xADDRESS');
              expected = expected.replace(ADDRESS, 'at 0xADDRESS');
            }
          }
          expect(ours).toBe(expected);
          expect(warnings).toEqual([]);
        });
      }
    });
  }
});
