// Every broken or hostile file of the corpus's bad/ set, through the CLI: a non-zero exit
// with one line naming the file and the problem, no output file, and nothing executed.
// The one file that decodes completely but ends with frames open (a hotshot log cut at a
// record boundary) converts with a warning, and fails under --strict.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { scratchFolders } from './scratch.js';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages');
const MARKER = '/tmp/PYPROF_CORPUS_FORBIDDEN_PICKLE_WAS_EXECUTED';
const bad = ['input-cprofile', 'input-hotshot', 'input-lsprof'].flatMap((pkg) => {
  const dir = join(packages, pkg, 'test', 'fixtures', 'bad');
  return readdirSync(dir)
    .filter((name) => /\.(prof|hotshot|pickle)$/.test(name))
    .map((name) => [name, join(dir, name)] as const);
});
const LENIENT = 'hotshot-cut-at-record-boundary.hotshot';
const scratch = scratchFolders('pyprof-bad-');

describe('bad inputs through the CLI', () => {
  it('covers the whole bad/ set', () => {
    expect(bad).toHaveLength(40);
  });

  for (const [name, path] of bad) {
    it(`${name}: ${name === LENIENT ? 'a warning, and an error with --strict' : 'refused with one line, no output file'}`, async () => {
      rmSync(MARKER, { force: true });
      const dir = scratch();
      const out = join(dir, 'out.txt');
      if (name === LENIENT) {
        const lenient = await runCli(['convert', path, '--to', 'text', '-o', out]);
        expect(lenient.code).toBe(0);
        expect(lenient.stderr).toMatch(/warning: .*open/);
        rmSync(out);
        const strict = await runCli(['convert', path, '--to', 'text', '-o', out, '--strict']);
        expect(strict.code).not.toBe(0);
        expect(existsSync(out)).toBe(false);
        return;
      }
      const result = await runCli(['convert', path, '--to', 'text', '-o', out]);
      expect(result.code).toBeGreaterThanOrEqual(3);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(result.stderr.startsWith(`${path}: `)).toBe(true);
      expect(result.stderr).toMatch(/\[[a-z-]+\/[A-Z_]+\]\n$|\[UNKNOWN_FORMAT\]\n$/);
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(MARKER)).toBe(false);
    });
  }
});
