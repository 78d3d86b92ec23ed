// Speedscope outputs in the real speedscope app: the built app of the `speedscope` npm
// package, opened from file:// the way its own CLI does (`#localProfilePath=` a script that
// calls `speedscope.loadFileFromBase64`), in Debian's chromium driven by playwright-core —
// one browser, the cases in order. Each output must open without a page error, show its
// profile, and display our numbers: the total speedscope computed (what its percentages are
// relative to; read back through its own Export button) and every visible row of the
// Sandwich table (self time and share of the total), at speedscope's display precision.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encodeText, type ProfileSet, readWith, writeToString } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof } from '@pyprof/input-lsprof';
import { speedscope } from '@pyprof/output-speedscope';
import { displayedTotal, type SpeedscopeFile, selfByFrame } from '@pyprof/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedTotal, launchBrowser, openInSpeedscope } from './speedscope-app.js';

/** The bits of the DOM the in-page functions below use (this package compiles without lib.dom). */
interface PageNode {
  textContent: string | null;
  querySelectorAll(selector: string): Iterable<PageNode>;
}
declare const document: PageNode & { body: PageNode };

const require = createRequire(import.meta.url);
const packages = join(dirname(require.resolve('@pyprof/core/package.json')), '..');
const fixture = (relative: string) => new Uint8Array(readFileSync(join(packages, relative)));

/** speedscope's time formatter for unit `seconds` (TimeFormatter.formatUnsigned). */
function formatTime(seconds: number): string {
  if (seconds / 60 >= 1) {
    const minutes = Math.floor(seconds / 60);
    return `${minutes}:${Math.floor(seconds - minutes * 60)
      .toString()
      .padStart(2, '0')}`;
  }
  if (seconds >= 1) return `${seconds.toFixed(2)}s`;
  if (seconds / 0.001 >= 1) return `${(seconds / 0.001).toFixed(2)}ms`;
  if (seconds / 1e-6 >= 1) return `${(seconds / 1e-6).toFixed(2)}µs`;
  return `${(seconds / 1e-9).toFixed(2)}ns`;
}

/** speedscope's percentage formatter. */
function formatPercent(percent: number): string {
  if (percent === 100) return '100%';
  if (percent > 99) return '>99%';
  if (percent < 0.01) return '<0.01%';
  if (percent < 1) return `${percent.toFixed(2)}%`;
  if (percent < 10) return `${percent.toFixed(1)}%`;
  return `${percent.toFixed(0)}%`;
}

interface Case {
  title: string;
  fileName: string;
  set: () => ProfileSet;
  options?: Record<string, unknown>;
  type: 'sampled' | 'evented';
}

const CASES: Case[] = [
  {
    title: 'pstats: cProfile 3.12, medium (reconstructed stacks)',
    fileName: 'medium.cprofile.prof',
    set: () =>
      readWith(cprofile, fixture('input-cprofile/test/fixtures/pstats/py312/medium.cprofile.prof')),
    type: 'sampled',
  },
  {
    title: 'lsprof: brz status, Breezy 3.3 (reconstructed, budget cut)',
    fileName: 'status.lsprof.pickle',
    set: () =>
      readWith(lsprof, fixture('input-lsprof/test/fixtures/lsprof/brz/status.lsprof.pickle')),
    type: 'sampled',
  },
  {
    title: 'lsprof: threads, Breezy on 3.11 (one profile per thread)',
    fileName: 'threads.lsprof.pickle',
    set: () =>
      readWith(
        lsprof,
        fixture('input-lsprof/test/fixtures/lsprof/raw/py311-breezy/threads.lsprof.pickle'),
      ),
    type: 'sampled',
  },
  {
    title: 'hotshot: medium, Python 2.7 (evented timeline)',
    fileName: 'medium.hotshot',
    set: () =>
      readWith(hotshot, fixture('input-hotshot/test/fixtures/hotshot/py27/medium.hotshot'), {
        needs: speedscope.needs ?? {},
      }),
    type: 'evented',
  },
  {
    title: 'hotshot: recursion, Python 2.7 (exact call tree)',
    fileName: 'recursion.hotshot',
    set: () =>
      readWith(hotshot, fixture('input-hotshot/test/fixtures/hotshot/py27/recursion.hotshot'), {
        needs: { callTree: true },
      }),
    options: { mode: 'sampled' },
    type: 'sampled',
  },
];

const folder = mkdtempSync(join(tmpdir(), 'pyprof-speedscope-'));
/** Set PYPROF_SCREENSHOTS=<folder> to keep a screenshot of each view for a human to look at. */
const screenshots = process.env.PYPROF_SCREENSHOTS;
let browser: Browser;

async function screenshot(page: Page, name: string): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Opens `bytes` in the app the way `speedscope FILE` does; returns the page and its errors. */
function open(name: string, bytes: Uint8Array): Promise<{ page: Page; errors: string[] }> {
  return openInSpeedscope(browser, folder, `${name}.speedscope.json`, bytes);
}

/** The Sandwich table's visible rows: [total, self, name]. */
async function sandwichRows(page: Page): Promise<Array<[string, string, string]>> {
  const read = () =>
    [...document.querySelectorAll('tr')]
      .map((row) => [...row.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').trim()))
      .filter((cells) => cells.length === 3 && /%\)$/.test(cells[0] as string));
  await page.getByText('Sandwich').click();
  // Wait for a row to appear (an empty list is truthy, so wait on a boolean).
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('tr')].some((row) => {
        const cells = [...row.querySelectorAll('td')];
        return cells.length === 3 && /%\)$/.test((cells[0]?.textContent ?? '').trim());
      }),
    undefined,
    { timeout: 60_000 },
  );
  return (await page.evaluate(read)) as Array<[string, string, string]>;
}

describe('speedscope app opens our outputs and shows our numbers', () => {
  for (const testCase of CASES) {
    it(testCase.title, async () => {
      const set = testCase.set();
      const text = writeToString(speedscope, set, {
        options: testCase.options ?? {},
        context: { inputName: testCase.fileName, producer: 'pyprof@0.0.0-test' },
      });
      const file = JSON.parse(text) as SpeedscopeFile;
      const shown = file.profiles[0];
      if (!shown) throw new Error('no profile written');
      expect(shown.type).toBe(testCase.type);
      const total = displayedTotal(shown);

      const { page, errors } = await open(testCase.fileName, encodeText(text));
      // The toolbar names the shown profile, with `(1/N)` when there are several.
      const count = file.profiles.length;
      const heading = count > 1 ? `${shown.name} (1/${count})` : shown.name;
      await page.waitForFunction((h) => (document.body.textContent ?? '').includes(h), heading, {
        timeout: 60_000,
      });
      expect(await page.title()).toBe(`${testCase.fileName} - speedscope`);
      await screenshot(page, `${testCase.fileName}.flamechart`);

      const theirs = await exportedTotal(page);
      expect(formatTime(theirs)).toBe(formatTime(total));
      expect(Math.abs(theirs - total)).toBeLessThanOrEqual(1e-9 * total);

      const self = new Map<string, number>();
      for (const [frame, value] of selfByFrame(shown))
        self.set(file.shared.frames[frame]?.name as string, value);
      const rows = await sandwichRows(page);
      expect(rows.length).toBeGreaterThan(5);
      for (const [, selfCell, name] of rows) {
        const value = self.get(name) ?? 0;
        expect(selfCell, name).toBe(
          `${formatTime(value)} (${formatPercent((100 * value) / total)})`,
        );
      }
      await screenshot(page, `${testCase.fileName}.sandwich`);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
