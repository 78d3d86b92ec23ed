// The worked plugin example, end to end as a user runs it: `pyprof convert --plugin
// ./examples/collapsed-stack/index.js --to collapsed` on a corpus pstats dump, then the
// file loaded into the real speedscope app through its collapsed-stack import — it opens
// without a page error, and the total speedscope computes equals the sum of our weights,
// which is the profile's total time in integer microseconds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWith, totalSelfTime } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedTotal, launchBrowser, openInSpeedscope } from './speedscope-app.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const input = 'packages/input-cprofile/test/fixtures/pstats/py312/medium.cprofile.prof';
const folder = mkdtempSync(join(tmpdir(), 'pyprof-collapsed-'));
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('collapsed-stack example plugin in speedscope', () => {
  it('converts a corpus dump via --plugin and speedscope shows the same total', async () => {
    const output = join(folder, 'medium.collapsed.txt');
    execFileSync(
      process.execPath,
      [
        'apps/cli/dist/cli.js',
        'convert',
        input,
        '--plugin',
        './examples/collapsed-stack/index.js',
        '--to',
        'collapsed',
        '-o',
        output,
        '--quiet',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const text = readFileSync(output, 'utf8');
    const lines = text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(100);
    const sum = lines.reduce((s, line) => s + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    const profile = readWith(cprofile, new Uint8Array(readFileSync(join(root, input)))).whole;
    expect(sum).toBe(Math.round(totalSelfTime(profile) * 1e6));

    const { page, errors } = await openInSpeedscope(
      browser,
      folder,
      'medium.collapsed.txt',
      new Uint8Array(readFileSync(output)),
    );
    await page.getByText('Export', { exact: false }).waitFor({ timeout: 60_000 });
    expect(await page.title()).toBe('medium.collapsed.txt - speedscope');
    expect(await exportedTotal(page)).toBe(sum);
    expect(errors).toEqual([]);
    await page.close();
  });
});
