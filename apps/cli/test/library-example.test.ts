// packages/core/README.md opens with a library example; it must run as written and do
// exactly what the command line does. Its code block is written into a scratch folder
// inside this package (so it resolves @pyprof/* as a user's project does: the built
// packages) and run with node on the same inputs as `pyprof convert … --to callgrind -o -
// -q`: a pstats dump, a gzipped one, a hotshot log, an lsprof pickle with threads (whole
// and `--thread main`), two merged dumps and a yappi dump that warns. The outputs must be
// the same bytes and the diagnostics the same lines.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PRODUCER } from '../src/main.js';
import { runCli } from './run-cli.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const readme = readFileSync(join(root, 'packages', 'core', 'README.md'), 'utf8');
const example = /## Convert profiles in your program[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
const folder = join(here, '..', '.generated', 'core-readme');
rmSync(folder, { recursive: true, force: true });
mkdirSync(folder, { recursive: true });
const script = join(folder, 'convert.mjs');
writeFileSync(script, example ?? '');
const inputs = mkdtempSync(join(tmpdir(), 'pyprof-library-'));

afterAll(() => {
  rmSync(inputs, { recursive: true, force: true });
});

const pstats = (path: string) =>
  join(root, 'packages', 'input-cprofile', 'test', 'fixtures', 'pstats', path);
const gzipped = join(inputs, 'decorators.py313.prof.gz');
writeFileSync(gzipped, gzipSync(readFileSync(pstats('py313/decorators.cprofile.prof'))));
const threads = join(here, 'cases', '5-thread-main', 'threads.lsprof.pickle');

const cases: Array<[string, string[]]> = [
  ['a pstats dump', [pstats('py312/medium.cprofile.prof')]],
  ['a gzipped pstats dump', [gzipped]],
  [
    'a hotshot log',
    [
      join(
        root,
        'packages',
        'input-hotshot',
        'test',
        'fixtures',
        'hotshot',
        'py27',
        'decorators.hotshot',
      ),
    ],
  ],
  ['an lsprof pickle with threads', [threads]],
  ['its main thread', ['--thread', 'main', threads]],
  [
    'two merged dumps (profile module and cProfile)',
    [pstats('py38/decorators.profile.prof'), pstats('py38/decorators.cprofile.prof')],
  ],
  ['a yappi dump (a reader warning)', [pstats('yappi/recursion.yappi-wall.prof')]],
];

describe('the core README example', () => {
  it('is there', () => {
    expect(example).toContain("from '@pyprof/core'");
  });

  for (const [name, args] of cases) {
    it(`converts ${name} exactly as the CLI does`, async () => {
      const library = spawnSync(process.execPath, [script, '--producer', PRODUCER, ...args], {
        cwd: folder,
        maxBuffer: 1 << 28,
      });
      expect(library.stderr.toString()).not.toMatch(/Error|at file:/);
      expect(library.status).toBe(0);
      const cli = await runCli(['convert', ...args, '--to', 'callgrind', '-o', '-', '-q']);
      expect(cli.code).toBe(0);
      expect(library.stdout.length).toBeGreaterThan(0);
      expect(library.stdout.equals(cli.stdout)).toBe(true);
      expect(library.stderr.toString()).toBe(cli.stderr);
    }, 60_000); // a node process each
  }

  it('shows the diagnostics the CLI shows', async () => {
    const merged = cases[5]?.[1] as string[];
    const cli = await runCli(['convert', ...merged, '--to', 'callgrind', '-o', '-', '-q']);
    expect(
      cli.stderr
        .split('\n')
        .filter(Boolean)
        .map((line) => line.replace(/.*\[/, '[')),
    ).toEqual([
      '[merge/mixed-edge-data]',
      '[merge/mixed-clocks]',
      '[callgrind/estimated-call-costs]',
    ]);
  });
});
