// The web page (apps/web, issue 25) in Debian's chromium, loaded from file:// as a user
// would open dist/index.html: files set through its file input, and everything it shows or
// downloads compared with what the CLI (apps/cli/dist/cli.js) prints or writes for the same
// files: the table's caption (totals) and rows, and every output format byte for byte. A
// hostile file must give the CLI's one-line error and leave the page usable. Every request
// the page (and the speedscope tab it opens) makes is recorded: only file: URLs and blob:
// URLs the page made itself are allowed. Screenshots of the table and of speedscope opened
// from it go to docs/screenshots/. Needs `pnpm run build` first (the page and the CLI).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './speedscope-app.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const page = join(root, 'apps', 'web', 'dist', 'index.html');
const cli = join(root, 'apps', 'cli', 'dist', 'cli.js');
const fixtures = join(root, 'packages');
const screenshots = join(root, 'docs', 'screenshots');

/** The inputs of the acceptance list (paths under packages/). */
const CASES: Record<string, string[]> = {
  'pstats from Python 2.7': ['input-cprofile/test/fixtures/pstats/py27/recursion.cprofile.prof'],
  'pstats from Python 3.12': ['input-cprofile/test/fixtures/pstats/py312/medium.cprofile.prof'],
  'a hotshot log': ['input-hotshot/test/fixtures/hotshot/py27/builtins_cmethods.hotshot'],
  'an lsprof pickle': [
    'input-lsprof/test/fixtures/lsprof/protocols/py311-breezy/decorators.protocol2.lsprof.pickle',
  ],
  'two files merged': [
    'input-cprofile/test/fixtures/pstats/py312/decorators.cprofile.prof',
    'input-cprofile/test/fixtures/pstats/py312/recursion.cprofile.prof',
  ],
};
const HOSTILE = 'input-cprofile/test/fixtures/bad/pstats-py311-truncated-at-1117.prof';
const WRITERS = ['callgrind', 'speedscope', 'text', 'pstats', 'ir'];

let browser: Browser;
let scratch: string;

/**
 * What the CLI gives for `files` (copied into a fresh folder, run on their base names, the
 * names the page sees): the file it writes by default and its name, or its stdout.
 */
function cliOutput(files: string[], to: string): { bytes: Buffer; name: string } {
  const folder = mkdtempSync(join(scratch, 'cli-'));
  const names = files.map((file) => file.split('/').pop() as string);
  for (const [k, file] of files.entries())
    cpSync(join(fixtures, file), join(folder, names[k] as string));
  const stdout = execFileSync(process.execPath, [cli, 'convert', ...names, '--to', to, '-q'], {
    cwd: folder,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const written = readdirSync(folder).filter((name) => !names.includes(name));
  if (written.length === 0) return { bytes: stdout, name: '' };
  const name = written[0] as string;
  return { bytes: readFileSync(join(folder, name)), name };
}

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
}

async function openPage(): Promise<Opened> {
  const tab = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
  });
  const errors: string[] = [];
  const requests: string[] = [];
  tab.on('pageerror', (error) => errors.push(String(error)));
  tab.context().on('request', (request) => requests.push(request.url()));
  await tab.goto(pathToFileURL(page).href);
  return { page: tab, errors, requests };
}

async function setFiles(tab: Page, files: string[]): Promise<void> {
  await tab.setInputFiles(
    '#files',
    files.map((file) => join(fixtures, file)),
  );
}

/** Waits for the conversion to end: the status says Loaded or Failed. */
async function settled(tab: Page): Promise<string> {
  // A locator, not a page function: the page's CSP forbids evaluating strings.
  await tab.locator('#status', { hasText: /^(Loaded|Failed)/ }).waitFor({ timeout: 60_000 });
  return (await tab.textContent('#status')) ?? '';
}

function tableRowsOf(text: string): { caption: string[]; rows: string[][] } {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^\s*(calls|samples)\s+self /.test(l));
  const heading = lines[at] as string;
  const functionAt = heading.indexOf('  function') + 2;
  const locationAt = heading.indexOf('  location') + 2;
  const rows: string[][] = [];
  for (const line of lines.slice(at + 1)) {
    if (line === '') break;
    rows.push([
      ...line.slice(0, functionAt).trim().split(/\s+/),
      line.slice(functionAt, locationAt).trimEnd(),
      line.slice(locationAt),
    ]);
  }
  return { caption: lines.slice(0, at).filter((l) => l !== ''), rows };
}

/** Every request was to a file: URL or a blob: URL. */
function offMachine(requests: string[]): string[] {
  return requests.filter((url) => !url.startsWith('file:') && !url.startsWith('blob:'));
}

beforeAll(async () => {
  if (!existsSync(page)) throw new Error(`${page} is missing: run pnpm run build first`);
  scratch = mkdtempSync(join(tmpdir(), 'pyprof-web-test-'));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the web page from file://', () => {
  for (const [title, files] of Object.entries(CASES)) {
    it(`${title}: the CLI's table and every format's bytes`, async () => {
      const { page: tab, errors, requests } = await openPage();
      await setFiles(tab, files);
      expect(await settled(tab)).toMatch(/^Loaded/);
      expect(await tab.textContent('#error')).toBe('');

      const expected = tableRowsOf(cliOutput(files, 'text').bytes.toString('utf8'));
      expect(await tab.textContent('#caption')).toBe(expected.caption.join('\n'));
      const shown = await tab.$$eval('#table-body tr', (rows) =>
        rows.slice(0, 20).map((row) => [...row.children].map((cell) => cell.textContent)),
      );
      expect(shown).toEqual(expected.rows.slice(0, 20));
      expect(await tab.$$eval('#table-body tr', (rows) => rows.length)).toBe(
        Math.min(500, expected.rows.length),
      );

      for (const writer of WRITERS) {
        const download = tab.waitForEvent('download');
        await tab.getByRole('button', { name: new RegExp(`^Download ${writer}:`) }).click();
        const file = await download;
        const bytes = readFileSync(await file.path());
        const cliFile = cliOutput(files, writer);
        expect(bytes.equals(cliFile.bytes), `${title} → ${writer}`).toBe(true);
        if (cliFile.name !== '') expect(file.suggestedFilename()).toBe(cliFile.name);
      }
      expect(errors).toEqual([]);
      expect(offMachine(requests)).toEqual([]);
      await tab.close();
    });
  }

  it('a hostile file: the CLI one-line error, and the page stays usable', async () => {
    const { page: tab, errors, requests } = await openPage();
    await setFiles(tab, [HOSTILE]);
    expect(await settled(tab)).toMatch(/^Failed/);
    const message = (await tab.textContent('#error')) ?? '';
    expect(message).toBe(
      'pstats-py311-truncated-at-1117.prof: offset 1114 (0x45a): unexpected end of data in reference index: needs 4 bytes, 3 left [cprofile/MALFORMED_INPUT]',
    );
    expect(message).not.toContain('\n');
    // Still usable: the next file loads.
    await setFiles(tab, CASES['pstats from Python 3.12'] as string[]);
    expect(await settled(tab)).toMatch(/^Loaded/);
    expect(await tab.textContent('#error')).toBe('');
    expect(errors).toEqual([]);
    expect(offMachine(requests)).toEqual([]);
    await tab.close();
  });

  it('opens speedscope from the table, with no network; screenshots of both', async () => {
    const { page: tab, errors, requests } = await openPage();
    await setFiles(tab, CASES['pstats from Python 3.12'] as string[]);
    expect(await settled(tab)).toMatch(/^Loaded/);
    await tab.screenshot({ path: join(screenshots, 'web-table.png') });
    const popup = tab.waitForEvent('popup');
    await tab.getByRole('button', { name: 'Open in speedscope' }).click();
    const app = await popup;
    const appErrors: string[] = [];
    app.on('pageerror', (error) => appErrors.push(String(error)));
    app.on('console', (message) => {
      if (message.type() === 'error') appErrors.push(message.text());
    });
    await expect
      .poll(() => app.title(), { timeout: 30_000 })
      .toBe('medium.cprofile.prof - speedscope');
    await app.setViewportSize({ width: 1400, height: 900 });
    await app.waitForTimeout(500);
    await app.screenshot({ path: join(screenshots, 'web-speedscope.png') });
    expect(errors).toEqual([]);
    expect(appErrors).toEqual([]);
    expect(offMachine(requests)).toEqual([]);
    await tab.close();
  });
});
