// pyprof's collapsed and Chrome-trace outputs in the real speedscope app, as a user makes
// them (`pyprof convert … --to collapsed` / `--to chrome-trace`): each file opens through
// speedscope's own import without a page error and the total speedscope computes equals
// ours — the sum of the collapsed weights (nanoseconds), the trace's own time. The
// odd-names dump (names with `;`, spaces, a trailing number, digits, non-UTF-8 bytes) keeps
// every frame name as written, all distinct.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWith, totalSelfTime } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedTotal, launchBrowser, openInSpeedscope } from './speedscope-app.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const folder = mkdtempSync(join(tmpdir(), 'pyprof-collapsed-'));
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Runs the built CLI; returns the output file's text. */
function convert(input: string, to: string, name: string): string {
  const output = join(folder, name);
  execFileSync(
    process.execPath,
    ['apps/cli/dist/cli.js', 'convert', input, '--to', to, '-o', output, '--quiet'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return readFileSync(output, 'utf8');
}

const weights = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));

/** Opens a file and returns speedscope's export of it (after checking its total). */
async function opened(name: string): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await openInSpeedscope(
    browser,
    folder,
    name,
    new Uint8Array(readFileSync(join(folder, name))),
  );
  await page.getByText('Export', { exact: false }).waitFor({ timeout: 60_000 });
  expect(await page.title()).toBe(`${name} - speedscope`);
  return { page, errors };
}

describe('pyprof outputs in speedscope', () => {
  it('collapsed: a corpus dump opens with the same total', { timeout: 120_000 }, async () => {
    const input = 'packages/input-cprofile/test/fixtures/pstats/py312/medium.cprofile.prof';
    const text = convert(input, 'collapsed', 'medium.folded');
    const sum = weights(text).reduce((s, w) => s + w, 0);
    const profile = readWith(cprofile, new Uint8Array(readFileSync(join(root, input)))).whole;
    expect(sum).toBe(Math.round(totalSelfTime(profile) * 1e9));
    const { page, errors } = await opened('medium.folded');
    expect(await exportedTotal(page)).toBe(sum);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('collapsed: odd names stay intact and distinct', { timeout: 120_000 }, async () => {
    const input = 'packages/output-collapsed/test/fixtures/odd-names.py27.prof';
    const text = convert(input, 'collapsed', 'odd-names.folded');
    const written = new Set(
      text
        .split('\n')
        .filter(Boolean)
        .flatMap((line) => line.slice(0, line.lastIndexOf(' ')).split(';')),
    );
    for (const name of ['a\\x3bb', 'a:b', 'retry\\x202', 'retry_2', '42', 'with space'])
      expect(written).toContain(name);
    expect([...written].filter((n) => n.startsWith('caf'))).toEqual(
      expect.arrayContaining(['caf\\xe9', 'caf\\xe8']),
    );
    const { page, errors } = await opened('odd-names.folded');
    const download = page.waitForEvent('download');
    await page.getByText('Export', { exact: false }).click();
    const file = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
    const shown = new Set<string>(file.shared.frames.map((f: { name: string }) => f.name));
    expect(shown).toEqual(written);
    expect(file.shared.frames).toHaveLength(written.size);
    const sum = weights(text).reduce((s, w) => s + w, 0);
    const profile = file.profiles[file.activeProfileIndex ?? 0];
    expect(profile.endValue - profile.startValue).toBe(sum);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('chrome-trace: a corpus hotshot log opens with its total', { timeout: 120_000 }, async () => {
    const input = 'packages/input-hotshot/test/fixtures/hotshot/py27/medium.hotshot';
    convert(input, 'chrome-trace', 'medium.trace.json');
    const profile = readWith(hotshot, new Uint8Array(readFileSync(join(root, input)))).whole;
    const { page, errors } = await opened('medium.trace.json');
    // speedscope's trace import is in microseconds; our timestamps have nanosecond decimals.
    const total = await exportedTotal(page);
    expect(Math.abs(total - totalSelfTime(profile) * 1e6)).toBeLessThan(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
