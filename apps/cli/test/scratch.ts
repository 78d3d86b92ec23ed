// What the CLI's file tests share: where the pstats reader's fixtures are, and scratch
// folders that are removed after each test (tests leave no temporary files).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/** packages/input-cprofile/test/fixtures. */
export const cprofileFixtures = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'packages',
  'input-cprofile',
  'test',
  'fixtures',
);

/** A function making fresh folders, each removed after the test that made it. */
export function scratchFolders(prefix: string): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
