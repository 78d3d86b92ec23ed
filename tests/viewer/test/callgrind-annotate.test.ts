// valgrind's callgrind_annotate reads the callgrind output of every corpus profile — pstats
// dumps (and the samename dumps), hotshot logs (line costs and call sites) and lsprof
// pickles — with no warning and no error, and its PROGRAM TOTALS are our summary: the
// format is right for the second real consumer, not only for KCachegrind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InputPlugin, readWith, writeToBytes } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof } from '@pyprof/input-lsprof';
import { callgrind } from '@pyprof/output-callgrind';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusFiles } from '../../support/corpus-fixtures.js';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-callgrind-annotate-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const packages = join(import.meta.dirname, '..', '..', '..', 'packages');
const readers: Record<string, { plugin: InputPlugin; fixtures: string }> = {
  pstats: { plugin: cprofile, fixtures: join(packages, 'input-cprofile', 'test', 'fixtures') },
  hotshot: { plugin: hotshot, fixtures: join(packages, 'input-hotshot', 'test', 'fixtures') },
  'lsprof-pickle': { plugin: lsprof, fixtures: join(packages, 'input-lsprof', 'test', 'fixtures') },
};
const samename = ['py27', 'py38', 'py313'].map((tag) => ({
  file: `pstats/samename/samename.${tag}.cprofile.prof`,
  kind: 'pstats',
  producer: 'cProfile',
}));
const inputs = [
  ...corpusFiles('pstats'),
  ...corpusFiles('hotshot'),
  ...corpusFiles('lsprof-pickle'),
  ...samename,
]
  .filter((e) => e.kind in readers)
  .map((e) => ({ file: e.file, kind: e.kind, yappi: e.producer === 'yappi' }));

describe('callgrind_annotate --auto=no reads every converted corpus dump cleanly', () => {
  it('covers the corpus (pstats, hotshot, lsprof) and the samename dumps', () => {
    expect(inputs.length).toBe(84 + 3 + 28 + 23);
  });

  for (const [index, input] of inputs.entries()) {
    it(input.file, () => {
      const reader = readers[input.kind] as (typeof readers)[string];
      const bytes0 = new Uint8Array(readFileSync(join(reader.fixtures, input.file)));
      const set = readWith(reader.plugin, bytes0, {
        options: input.yappi ? { producer: 'yappi' } : {},
        needs: callgrind.needs,
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
