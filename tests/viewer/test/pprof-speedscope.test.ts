// Issue 20: pprof files open in the real speedscope app (its own pprof importer, in
// Debian's chromium) with no page error, the same total (read back through speedscope's
// Export: its endValue − startValue, in nanoseconds) and the same names — `<lambda>` and
// `<module>` included, which Go would turn into `<unknown>` if the file set system_name.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  ProfileBuilder,
  type ProfileSet,
  readWith,
  singleProfileSet,
  writeToBytes,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof } from '@pyprof/input-lsprof';
import { pprof } from '@pyprof/output-pprof';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPprof } from '../../integration/test/pprof-support.js';
import { launchBrowser, openInSpeedscope } from './speedscope-app.js';

const require = createRequire(import.meta.url);
const packages = join(dirname(require.resolve('@pyprof/core/package.json')), '..');
const fixture = (relative: string) => new Uint8Array(readFileSync(join(packages, relative)));

/** A `<module>` that calls a `<lambda>`. */
function lambdaSet(): ProfileSet {
  const b = new ProfileBuilder({ format: 'test', producer: 'cProfile', clock: 'wall' });
  const module = b.addFunction('app.py', 1, '<module>');
  const lambda = b.addFunction('app.py', 3, '<lambda>');
  b.addFunctionStats(module, {
    callCount: 1,
    primitiveCallCount: 1,
    selfTime: 0.25,
    inclusiveTime: 1,
  });
  b.addFunctionStats(lambda, {
    callCount: 2,
    primitiveCallCount: 2,
    selfTime: 0.75,
    inclusiveTime: 0.75,
  });
  b.addCall(module, lambda, {
    callCount: 2,
    primitiveCallCount: 2,
    selfTime: 0.75,
    inclusiveTime: 0.75,
  });
  return singleProfileSet(b.build());
}

const CASES: Array<{ title: string; fileName: string; set: () => ProfileSet; names?: string[] }> = [
  {
    title: '<lambda> and <module>',
    fileName: 'lambda.pb.gz',
    set: lambdaSet,
    names: ['<lambda>', '<module>'],
  },
  {
    title: 'pstats: cProfile 3.12, medium (reconstructed stacks)',
    fileName: 'medium.pb.gz',
    set: () =>
      readWith(
        cprofile,
        fixture('input-cprofile/test/fixtures/pstats/py312/medium.cprofile.prof'),
        {
          needs: pprof.needs ?? {},
        },
      ),
  },
  {
    title: 'hotshot: recursion, Python 2.7 (exact call tree)',
    fileName: 'recursion.pb.gz',
    set: () =>
      readWith(hotshot, fixture('input-hotshot/test/fixtures/hotshot/py27/recursion.hotshot'), {
        needs: pprof.needs ?? {},
      }),
  },
  {
    title: 'lsprof: threads, Breezy on 3.11 (threads merged: speedscope ignores labels)',
    fileName: 'threads.pb.gz',
    set: () =>
      readWith(
        lsprof,
        fixture('input-lsprof/test/fixtures/lsprof/raw/py311-breezy/threads.lsprof.pickle'),
        {
          needs: pprof.needs ?? {},
        },
      ),
  },
];

const folder = mkdtempSync(join(tmpdir(), 'pyprof-pprof-speedscope-'));
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

interface Exported {
  shared: { frames: Array<{ name: string }> };
  profiles: Array<{ unit: string; startValue: number; endValue: number }>;
  activeProfileIndex?: number;
}

/** speedscope's Export of the shown profile. */
async function exported(page: Page): Promise<Exported> {
  const download = page.waitForEvent('download');
  await page.getByText('Export', { exact: false }).click();
  return JSON.parse(readFileSync(await (await download).path(), 'utf8')) as Exported;
}

describe('speedscope app opens our pprof files', () => {
  for (const testCase of CASES) {
    it(testCase.title, async () => {
      const bytes = writeToBytes(pprof, testCase.set());
      const reading = readPprof(bytes);
      const { page, errors } = await openInSpeedscope(browser, folder, testCase.fileName, bytes);
      await page.waitForFunction(
        (title) =>
          (globalThis as unknown as { document: { title: string } }).document.title === title,
        `${testCase.fileName} - speedscope`,
        { timeout: 60_000 },
      );
      const file = await exported(page);
      const shown = file.profiles[file.activeProfileIndex ?? 0];
      expect(shown?.unit).toBe('nanoseconds');
      expect((shown?.endValue ?? 0) - (shown?.startValue ?? 0)).toBe(reading.total);
      const names = new Set(file.shared.frames.map((f) => f.name));
      for (const f of reading.functions)
        if ((reading.flat.get(f.name) ?? 0) > 0) expect(names).toContain(f.name);
      for (const name of testCase.names ?? []) expect(names).toContain(name);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
