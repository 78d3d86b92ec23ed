// valgrind's callgrind_annotate reads the callgrind output of every corpus pstats dump
// (and the samename dumps) with no warning and no error, and its PROGRAM TOTALS are our
// summary: the format is right for the second real consumer, not only for KCachegrind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWith, writeToBytes } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { callgrind } from '@pyprof/output-callgrind';
import { afterAll, describe, expect, it } from 'vitest';
import { pstatsFixtures, readFixture } from '../../../packages/input-cprofile/test/corpus.js';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-callgrind-annotate-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const samename = ['py27', 'py38', 'py313'].map(
  (tag) => `pstats/samename/samename.${tag}.cprofile.prof`,
);
const inputs = [
  ...pstatsFixtures().map((e) => ({ file: e.file, yappi: e.producer === 'yappi' })),
  ...samename.map((file) => ({ file, yappi: false })),
];

describe('callgrind_annotate --auto=no reads every converted corpus dump cleanly', () => {
  it('covers the corpus and the samename dumps', () => {
    expect(inputs.length).toBe(87);
  });

  for (const [index, input] of inputs.entries()) {
    it(input.file, () => {
      const set = readWith(cprofile, readFixture(input.file), {
        options: input.yappi ? { producer: 'yappi' } : {},
      });
      const bytes = writeToBytes(callgrind, set);
      const path = join(folder, `callgrind.out.${index}`);
      writeFileSync(path, bytes);
      for (const extra of [[], ['--inclusive=yes']]) {
        const run = spawnSync('callgrind_annotate', ['--auto=no', ...extra, path], {
          encoding: 'utf8',
          cwd: folder,
        });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const summary = /^summary: (\d+)$/m.exec(new TextDecoder().decode(bytes))?.[1];
        const totals = /^(\S+) +\(100\.0%\) +PROGRAM TOTALS/m.exec(run.stdout)?.[1];
        expect(totals?.replace(/,/g, '')).toBe(summary);
      }
    });
  }
});
