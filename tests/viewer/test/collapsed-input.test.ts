// Collapsed stacks in the real consumers. callgrind_annotate reads the callgrind file of
// every collapsed fixture without a warning, with our summary as its PROGRAM TOTALS, and
// — given the program's folder — prints beside each source line of the austin fixture's
// program exactly the microseconds austin sampled on that line. speedscope (in Chromium)
// opens our JSON of a sampled file without an error and computes the same total as when
// it imports the collapsed file itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWith, writeToBytes } from '@pyprof/core';
import { collapsed } from '@pyprof/input-collapsed';
import { callgrind } from '@pyprof/output-callgrind';
import { speedscope } from '@pyprof/output-speedscope';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUSTIN,
  DIALECTS,
  fixturesDir,
  fixtureText,
  readFixture,
  sourcesIn,
} from '../../../packages/input-collapsed/test/fixtures.js';
import { parseAustin } from '../../../packages/input-collapsed/test/reference.js';
import { exportedTotal, launchBrowser, openInSpeedscope } from './speedscope-app.js';

const folder = mkdtempSync(join(tmpdir(), 'pyprof-collapsed-input-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function annotate(args: string[]): string {
  const run = spawnSync('callgrind_annotate', args, { encoding: 'utf8', cwd: folder });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

function convert(sub: string, file: string, unit: string): { path: string; text: string } {
  const set = readWith(collapsed, readFixture(`${sub}/${file}`), {
    needs: callgrind.needs ?? {},
    sources: sourcesIn(sub),
  });
  const bytes = writeToBytes(callgrind, set, { options: { unit } });
  const path = join(folder, `callgrind.out.${sub}.${file}`);
  writeFileSync(path, bytes);
  return { path, text: new TextDecoder().decode(bytes) };
}

describe('callgrind_annotate reads converted collapsed stacks', () => {
  for (const [sub, file] of [
    ...AUSTIN.map((f) => ['austin', f] as const),
    ...DIALECTS.map((f) => ['dialects', f] as const),
  ]) {
    it(`${sub}/${file}: no warning, PROGRAM TOTALS = summary`, () => {
      const { path, text } = convert(sub, file, 'ns');
      const summary = /^summary: (\d+)$/m.exec(text)?.[1];
      for (const extra of [[], ['--inclusive=yes']]) {
        const out = annotate(['--auto=no', ...extra, path]);
        const totals = /^(\S+) +\(100\.0%\) +PROGRAM TOTALS/m.exec(out)?.[1];
        expect(totals?.replace(/,/g, '')).toBe(summary);
      }
    });
  }

  it('prints the sampled microseconds beside each line of the sampled program', () => {
    const { path } = convert('austin', 'decorators.py38.austin', 'us');
    const out = annotate(['--auto=yes', `--include=${join(fixturesDir, 'austin')}`, path]);
    const start = out.indexOf('programs/decorators.py\n');
    expect(start).toBeGreaterThan(0);
    const section = out.slice(start, out.indexOf('\n-- Auto-annotated source', start));
    // Line by line: `-- line N ---` starts a chunk at line N; call lines (`=>`) are extra.
    const shown = new Map<number, number>();
    let line = 1;
    for (const row of section.split('\n').slice(3)) {
      // The file ends at a warning box or a rule.
      if (row.startsWith('@@') || /^-+$/.test(row)) break;
      const chunk = /^-- line (\d+) -+$/.exec(row);
      if (chunk) {
        line = Number(chunk[1]);
        continue;
      }
      const cost = /^ *([\d,]+) \( *[\d.]+%\) {2}(=> |<bogus line (\d+)>)?/.exec(row);
      if (cost?.[2]?.startsWith('=>')) continue;
      // A line past the end of the file (austin reported one) is listed as bogus.
      const at = cost?.[3] !== undefined ? Number(cost[3]) : line++;
      if (cost) shown.set(at, Number((cost[1] as string).replace(/,/g, '')));
    }
    const want = new Map<number, number>();
    for (const sample of parseAustin(fixtureText('austin/decorators.py38.austin'))) {
      const top = sample.frames[sample.frames.length - 1];
      if (top?.file === 'programs/decorators.py' && sample.weight > 0)
        want.set(top.line, (want.get(top.line) ?? 0) + sample.weight);
    }
    // austin's line 376 (in a 125-line file) is there too, as a bogus line.
    expect(want.get(376)).toBeGreaterThan(0);
    expect(shown).toEqual(want);
  });
});

describe('speedscope opens sampled stacks', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function total(name: string, bytes: Uint8Array): Promise<number> {
    const { page, errors } = await openInSpeedscope(browser, folder, name, bytes);
    await page.getByText('Export', { exact: false }).waitFor({ timeout: 60_000 });
    const value = await exportedTotal(page);
    expect(errors).toEqual([]);
    await page.close();
    return value;
  }

  it('py-spy raw: our JSON and speedscope’s own import of the file agree', async () => {
    const raw = readFixture('dialects/py-spy.txt');
    const json = writeToBytes(speedscope, readWith(collapsed, raw, { needs: speedscope.needs }));
    expect(await total('py-spy.speedscope.json', json)).toBe(79);
    expect(await total('py-spy.txt', raw)).toBe(79);
  }, 120_000);

  it('austin: the exact stacks in seconds, totalling the sampled microseconds', async () => {
    const set = readWith(collapsed, readFixture('austin/decorators.py38.austin'), {
      needs: speedscope.needs,
      sources: sourcesIn('austin'),
    });
    const micros = parseAustin(fixtureText('austin/decorators.py38.austin')).reduce(
      (sum, sample) => sum + sample.weight,
      0,
    );
    const seconds = await total('decorators.speedscope.json', writeToBytes(speedscope, set));
    expect(Math.round(seconds * 1e6)).toBe(micros);
  }, 120_000);
});
