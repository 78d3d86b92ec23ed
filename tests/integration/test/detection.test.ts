// Content detection across every reader and every fixture of the repository: a file is
// claimed as `certain` only by the reader of its own format, and every real profile is
// recognised from its content alone (no file name) by the registry the CLI uses.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRegistry, DETECT_HEAD_BYTES, type InputPlugin } from '@pyprof/core';
import { collapsed } from '@pyprof/input-collapsed';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lineProfiler } from '@pyprof/input-line-profiler';
import { lsprof } from '@pyprof/input-lsprof';
import { yappi } from '@pyprof/input-yappi';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../../support/corpus-fixtures.js';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages');

const readers: Array<[InputPlugin, string[]]> = [
  [
    cprofile,
    filesUnder(join(packages, 'input-cprofile/test/fixtures/pstats'), (n) => n.endsWith('.prof')),
  ],
  [
    hotshot,
    filesUnder(
      join(packages, 'input-hotshot/test/fixtures'),
      (n) => n.endsWith('.hotshot') && !n.startsWith('random') && !n.startsWith('empty'),
    ),
  ],
  [
    lsprof,
    filesUnder(join(packages, 'input-lsprof/test/fixtures/lsprof'), (n) => n.endsWith('.pickle')),
  ],
  [
    lineProfiler,
    filesUnder(join(packages, 'input-line-profiler/test/fixtures/lprof'), (n) =>
      n.endsWith('.lprof'),
    ),
  ],
  [
    yappi,
    filesUnder(join(packages, 'input-yappi/test/fixtures/ystat'), (n) => n.endsWith('.ystat')),
  ],
  [
    collapsed,
    filesUnder(
      join(packages, 'input-collapsed/test/fixtures'),
      (n) => /\.(?:austin|txt|log|folded)$/.test(n) && !n.endsWith('-version.txt'),
    ),
  ],
];
const head = (path: string) => new Uint8Array(readFileSync(path)).subarray(0, DETECT_HEAD_BYTES);
const registry = createRegistry(readers.map(([r]) => r));

describe('content detection across formats', () => {
  for (const [owner, files] of readers) {
    it(`${owner.name}: every fixture goes to ${owner.name} without a file name, and no other reader claims it as certain`, () => {
      expect(files.length).toBeGreaterThan(5);
      for (const path of files) {
        const name = relative(packages, path);
        expect(registry.resolveInput(head(path)).name, name).toBe(owner.name);
        for (const [other] of readers) {
          if (other !== owner)
            expect(other.detect(head(path), {}), `${other.name} on ${name}`).not.toBe('certain');
        }
      }
    });
  }

  it('every corpus pstats dump is detected as certain by the pstats reader', () => {
    const [, files] = readers[0] as [InputPlugin, string[]];
    expect(files.length).toBeGreaterThanOrEqual(84);
    for (const path of files)
      expect(cprofile.detect(head(path)), relative(packages, path)).toBe('certain');
  });

  it('collapsed stacks claim no other text file of the repository: outputs, reports, sources', () => {
    const texts = [
      ...filesUnder(join(packages, 'input-lsprof/test/fixtures/lsprof'), (n) =>
        /\.txt$|^callgrind\.out/.test(n),
      ),
      ...filesUnder(join(packages, 'output-callgrind/test/golden'), () => true),
      ...filesUnder(join(packages, 'output-text/test'), (n) => n.endsWith('.txt')),
      ...filesUnder(join(packages, 'input-cprofile/test/fixtures/pstats'), (n) =>
        n.endsWith('.txt'),
      ),
      ...filesUnder(
        join(packages, 'input-collapsed/test/fixtures'),
        (n) => n.endsWith('.py') || n.endsWith('.md'),
      ),
    ];
    expect(texts.length).toBeGreaterThan(20);
    for (const path of texts)
      expect(collapsed.detect(head(path)), relative(packages, path)).toBeUndefined();
  });
});
