// A real consumer of the pstats writer's files: Debian's pyprof2calltree (1.4.5, on the
// system's Python 3) converts every corpus profile that pyprof wrote as a Python 3 pstats
// dump — pstats dumps of every Python (2.7 ones included, which pyprof2calltree cannot
// read itself), lsprof pickles — to callgrind, with one function block per entry. Files
// with the `profile` module's count callers (its own dumps, hotshot logs) are left out:
// pyprof2calltree unpacks every caller value as a 4-tuple, and fails on Python's own
// `profile` dumps the same way. A file name that is not UTF-8 makes it fail writing its
// output, on Python 3's own dump as on ours (checked below).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InputPlugin, readWith, writeToBytes } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { lsprof } from '@pyprof/input-lsprof';
import { pstats } from '@pyprof/output-pstats';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusFiles } from '../../support/corpus-fixtures.js';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-pyprof2calltree-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const packages = join(import.meta.dirname, '..', '..', '..', 'packages');
const readers: Record<string, { plugin: InputPlugin; fixtures: string }> = {
  pstats: { plugin: cprofile, fixtures: join(packages, 'input-cprofile', 'test', 'fixtures') },
  'lsprof-pickle': { plugin: lsprof, fixtures: join(packages, 'input-lsprof', 'test', 'fixtures') },
};
const inputs = [...corpusFiles('pstats'), ...corpusFiles('lsprof-pickle')].filter(
  (entry) => entry.producer !== 'profile' && !entry.file.includes('nonutf8'),
);

function pyprof2calltree(path: string, out: string) {
  return spawnSync('pyprof2calltree', ['-i', path, '-o', out], { encoding: 'utf8' });
}

describe('pyprof2calltree reads the Python 3 pstats files pyprof writes', () => {
  it('covers the corpus (pstats dumps but the profile module’s, lsprof pickles)', () => {
    expect(inputs.length).toBe(84 - 14 - 3 + 23);
  });

  for (const [index, input] of inputs.entries()) {
    it(input.file, () => {
      const reader = readers[input.kind] as (typeof readers)[string];
      const source = new Uint8Array(readFileSync(join(reader.fixtures, input.file)));
      const bytes = writeToBytes(pstats, readWith(reader.plugin, source), {
        options: { python: '3' },
      });
      const path = join(folder, `${index}.prof`);
      const out = join(folder, `callgrind.out.${index}`);
      writeFileSync(path, bytes);
      const run = pyprof2calltree(path, out);
      expect(run.error).toBeUndefined();
      expect(run.stderr).not.toMatch(/Traceback|Error/);
      expect(run.status).toBe(0);
      const blocks = readFileSync(out, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('fn='));
      expect(blocks.length).toBe(readWith(cprofile, bytes).whole.functions.length);
    });
  }

  it('fails on a non-UTF-8 file name as it fails on Python 3.12’s own dump', () => {
    const original = join(
      readers.pstats?.fixtures as string,
      'pstats/nonutf8/nonutf8.py312.cprofile.prof',
    );
    const ours = join(folder, 'nonutf8.prof');
    writeFileSync(
      ours,
      writeToBytes(pstats, readWith(cprofile, new Uint8Array(readFileSync(original))), {
        options: { python: '3' },
      }),
    );
    const lastLine = (path: string) =>
      pyprof2calltree(path, join(folder, 'callgrind.out.nonutf8')).stderr.trim().split('\n').pop();
    expect(lastLine(original)).toMatch(/UnicodeEncodeError: .* '\\udce9'/);
    expect(lastLine(ours)).toBe(lastLine(original));
  });
});
