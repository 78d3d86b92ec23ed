// The hostile set (issue 15; hostile/cases.mjs, hostile/README.md) through the real CLI,
// each case as a child process: the exit status the README's table gives, one line on
// stderr per problem (never a stack trace), no temporary file left in the folder, and
// the file that was at the target before a failed conversion left as it was. Time and
// memory are the benchmark's (`pnpm bench hostile`), not asserted here. The committed
// fixtures are checked to be what hostile/make.mjs writes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES, FIXTURES, fixtures } from './hostile/cases.mjs';
import { PRIOR, runCase } from './hostile/run.mjs';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('the committed hostile fixtures', () => {
  for (const { name, bytes } of FIXTURES) {
    it(`${name} is what make.mjs writes`, () => {
      expect(Buffer.compare(readFileSync(join(fixtures, name)), Buffer.from(bytes()))).toBe(0);
    });
  }
});

describe.concurrent('hostile inputs and targets through the CLI', () => {
  for (const testCase of CASES) {
    it(`${testCase.name} (issue item ${testCase.issue}): exit ${testCase.exit}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pyprof-hostile-'));
      folders.push(dir);
      try {
        const result = await runCase(testCase, { cli, dir, timeout: 100_000 });
        expect(result.stderr).not.toMatch(/^\s+at /m);
        expect(result.status).toBe(testCase.exit);
        const lines = result.stderr.split('\n').filter((line) => line !== '');
        expect(lines).toHaveLength(testCase.lines ?? 1);
        if (testCase.message) expect(result.stderr).toMatch(testCase.message);
        expect(result.leftBehind).toEqual([]);
        if (result.priorBytes !== undefined) {
          if (testCase.exit === 0) {
            expect(result.priorAfter?.toString('latin1')).not.toBe(PRIOR);
          } else {
            expect(result.priorAfter && Buffer.compare(result.priorAfter, result.priorBytes)).toBe(
              0,
            );
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
