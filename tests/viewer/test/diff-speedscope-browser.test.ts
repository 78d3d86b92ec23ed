// `pyprof diff --to speedscope` in the real speedscope app (issue 24): the comparison of
// the diff fixtures' first run with the changed copy opens from file:// in Debian's
// chromium without a page error, names its first profile `BASE … (1/2)` — two profiles,
// BASE and NEW, in one file — and speedscope's own total for it (read back through its
// Export button) is BASE's total as the file holds it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunksToBytes, compareProfiles, createRegistry } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { speedscope } from '@pyprof/output-speedscope';
import { displayedTotal, type SpeedscopeFile } from '@pyprof/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedTotal, launchBrowser, openInSpeedscope } from './speedscope-app.js';

declare const document: { body: { textContent: string | null } };

const fixtures = join(import.meta.dirname, '..', '..', 'integration', 'fixtures', 'diff');
const folder = mkdtempSync(join(tmpdir(), 'pyprof-diff-speedscope-'));
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('speedscope app opens a comparison', () => {
  it('run1.py312 vs changed.py312: both runs, named, BASE shown first with its total', async () => {
    const input = (run: string) => ({
      data: new Uint8Array(readFileSync(join(fixtures, `${run}.prof`))),
      name: `${run}.prof`,
    });
    const result = await compareProfiles({
      registry: createRegistry([cprofile, speedscope]),
      base: [input('run1.py312')],
      next: [input('changed.py312')],
      to: 'speedscope',
    });
    const bytes = chunksToBytes(result.chunks);
    const file = JSON.parse(new TextDecoder().decode(bytes)) as SpeedscopeFile;
    const [base, next] = file.profiles;
    if (!base || !next) throw new Error('two profiles expected');
    expect(base.name.startsWith('BASE run1.py312.prof')).toBe(true);
    expect(next.name.startsWith('NEW changed.py312.prof')).toBe(true);
    const { page, errors } = await openInSpeedscope(
      browser,
      folder,
      'shop-diff.speedscope.json',
      bytes,
    );
    await page.waitForFunction(
      (heading) => (document.body.textContent ?? '').includes(heading),
      `${base.name} (1/2)`,
      { timeout: 60_000 },
    );
    const theirs = await exportedTotal(page);
    const total = displayedTotal(base);
    expect(Math.abs(theirs - total)).toBeLessThanOrEqual(1e-9 * total);
    expect(errors).toEqual([]);
  }, 120_000);
});
