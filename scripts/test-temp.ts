// Tests leave nothing in the temporary folder. Each test run gets a fresh folder as its
// TMPDIR (TEMP and TMP on Windows), set when the vitest config loads — before any test
// worker starts — so `os.tmpdir()` in the tests and in every process they start points
// into it, and other programs' files in the shared /tmp (another run, another user)
// cannot be mistaken for a leak. At the end of the run whatever is left in it is a leak:
// the summary reporter counts it as a failure naming the entries and empties the folder;
// the folder itself goes when the run's process exits.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VARIABLE = 'PYPROF_TEST_TMPDIR';

/** The run's temporary folder, made (and set as TMPDIR) on the first call. */
export function testTempFolder(): string {
  const existing = process.env[VARIABLE];
  if (existing !== undefined && existsSync(existing)) return existing;
  const folder = mkdtempSync(join(tmpdir(), 'pyprof-tests-'));
  process.env[VARIABLE] = folder;
  process.env.TMPDIR = folder;
  process.env.TEMP = folder;
  process.env.TMP = folder;
  process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/**
 * What the tests left in `folder`, by name (sorted), but for the entries `others` names
 * (the test runner's own); the folder is emptied of the rest.
 */
export function leftBehind(folder: string, others: ReadonlySet<string> = new Set()): string[] {
  if (!existsSync(folder)) return [];
  const entries = readdirSync(folder)
    .filter((entry) => !others.has(entry))
    .sort();
  for (const entry of entries) rmSync(join(folder, entry), { recursive: true, force: true });
  return entries;
}
