// The web page (apps/web, issue 25) in Debian's chromium, loaded from file:// as a user
// would open dist/index.html: files set through its file input, and everything it shows or
// downloads compared with what the CLI (its `main`, in-process) prints or writes for the same
// files: the table's caption (totals) and rows, and every output format byte for byte. A
// hostile file must give the CLI's one-line error and leave the page usable. Every request
// the page (and the speedscope tab it opens) makes is recorded: only file: URLs and blob:
// URLs the page made itself are allowed. Screenshots of the table and of speedscope opened
// from it go to docs/screenshots/. `pyprof web FILE` runs as apps/cli/dist/cli.js and its
// page is opened too. Needs `pnpm run build` first (the page and the CLI).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../apps/cli/src/main.ts';
import { accessibilityProblems } from './accessibility.js';
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
 * names the page sees): the file it writes by default and its name, or its stdout. The
 * CLI's `main` runs in-process (the same code as dist/cli.js, without a Node start-up for
 * each of the ~30 runs).
 */
async function cliOutput(
  files: string[],
  to: string,
  options: string[] = [],
): Promise<{ bytes: Buffer; name: string }> {
  const folder = mkdtempSync(join(scratch, 'cli-'));
  const names = files.map((file) => file.split('/').pop() as string);
  for (const [k, file] of files.entries())
    cpSync(join(fixtures, file), join(folder, names[k] as string));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  // Inputs are named relative to the working folder, as a user in that folder would.
  const before = process.cwd();
  process.chdir(folder);
  let code: number;
  try {
    code = await main(['convert', ...names, '--to', to, '-q', ...options], {
      stdin: Readable.from([]),
      stdout,
      stderr,
      env: { NO_COLOR: '1' },
      cwd: folder,
    });
  } finally {
    process.chdir(before);
  }
  if (code !== 0) throw new Error(`pyprof convert failed: ${Buffer.concat(err).toString('utf8')}`);
  const written = readdirSync(folder).filter((name) => !names.includes(name));
  if (written.length === 0) return { bytes: Buffer.concat(out), name: '' };
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

/** Names the focused element: its id, else its tag and text (a script: the CSP forbids eval). */
const FOCUSED = `(() => {
  const active = document.activeElement;
  if (!active || active.tagName === 'BODY') return 'body';
  return active.id || active.tagName.toLowerCase() + ':' + (active.textContent || '').trim().slice(0, 40);
})()`;

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

      const expected = tableRowsOf((await cliOutput(files, 'text')).bytes.toString('utf8'));
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
        const cliFile = await cliOutput(files, writer);
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
    await tab.click('#table-body tr:nth-child(2)');
    await tab.locator('#related').waitFor();
    await tab
      .locator('#summary-heading')
      .evaluate((heading) => (heading as unknown as { scrollIntoView(): void }).scrollIntoView());
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

  it('passes the accessibility check before and after loading a profile', async () => {
    const { page: tab, errors } = await openPage();
    expect(await accessibilityProblems(tab)).toEqual([]);
    await tab.click('#options-section > summary');
    await tab.click('#drop details > summary');
    expect(await accessibilityProblems(tab)).toEqual([]);
    await setFiles(tab, CASES['pstats from Python 3.12'] as string[]);
    expect(await settled(tab)).toMatch(/^Loaded/);
    await tab.click('#table-body tr');
    await tab.locator('#related').waitFor();
    expect(await accessibilityProblems(tab)).toEqual([]);
    // The checker itself finds a pale text and an unlabelled field.
    await tab.evaluate(`(() => {
      const pale = document.createElement('p');
      pale.textContent = 'pale';
      pale.style.color = '#aaaaaa';
      const field = document.createElement('input');
      field.id = 'unlabelled';
      document.querySelector('main').append(pale, field);
    })()`);
    expect(await accessibilityProblems(tab)).toEqual([
      'no accessible name: input#unlabelled ""',
      'contrast 2.32 < 4.5: p "pale"',
    ]);
    expect(errors).toEqual([]);
    await tab.close();
  });

  it('works with the keyboard alone: every control is reached by Tab and works', async () => {
    const { page: tab, errors } = await openPage();
    // The file input opens the file chooser from the keyboard.
    await tab.keyboard.press('Tab');
    expect(await tab.evaluate<string>(FOCUSED)).toBe('files');
    const chooser = tab.waitForEvent('filechooser');
    await tab.keyboard.press('Space');
    await (await chooser).setFiles(join(fixtures, CASES['pstats from Python 3.12']?.[0] as string));
    expect(await settled(tab)).toMatch(/^Loaded/);
    // Open both <details> from the keyboard, then Tab through the page once.
    for (const summary of ['#drop details > summary', '#options-section > summary']) {
      await tab.focus(summary);
      await tab.keyboard.press('Enter');
    }
    await tab.focus('#files');
    const reached: string[] = [];
    for (let k = 0; k < 200; k++) {
      await tab.keyboard.press('Tab');
      const id = await tab.evaluate<string>(FOCUSED);
      if (id === 'files' || id === 'body') break;
      reached.push(id);
    }
    const controls = await tab.$$eval(
      'input, select, textarea, button, summary, [tabindex="0"]',
      (list) =>
        list
          .filter((el) => (el as unknown as { offsetParent: unknown }).offsetParent !== null)
          .map(
            (el) =>
              el.id || `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 40)}`,
          ),
    );
    expect(controls.length).toBeGreaterThan(20);
    for (const control of controls.filter((c) => c !== 'files')) expect(reached).toContain(control);

    // Sort by a column, search, select a row, download: all with keys.
    await tab.getByRole('button', { name: 'Sort by self ms' }).focus();
    await tab.keyboard.press('Enter');
    expect(await tab.getAttribute('th:nth-child(2)', 'aria-sort')).toBe('descending');
    const expected = tableRowsOf(
      (await cliOutput(CASES['pstats from Python 3.12'] as string[], 'text')).bytes.toString(
        'utf8',
      ),
    );
    const bySelf = [...expected.rows].sort((a, b) => Number(b[1]) - Number(a[1]));
    expect(await tab.textContent('#table-body tr:first-child td:nth-child(6)')).toBe(
      bySelf[0]?.[5],
    );
    await tab.focus('#search');
    await tab.keyboard.type('jsonparse.parse:');
    expect(await tab.$$eval('#table-body tr', (rows) => rows.length)).toBe(2);
    // Search box → the first column's sort button … → the first row; ArrowDown → the second.
    for (let k = 0; k < 8; k++) await tab.keyboard.press('Tab');
    await tab.keyboard.press('ArrowDown');
    await tab.keyboard.press('Enter');
    await tab.locator('#related').waitFor();
    const related = (await tab.textContent('#related')) ?? '';
    // The CLI's callers and callees reports restricted to that one function.
    expect(related).toContain('Callers, sorted by cumulative time; 1 of 472 functions shown');
    expect(related).toContain('Callees, sorted by cumulative time; 1 of 472 functions shown');
    expect(related).toMatch(
      / jsonparse\.parse:23 +\/srv\/pyprof-corpus\/programs\/medium_lib\/jsonparse\.py:23\n/,
    );
    expect(related).toContain('<- jsonparse.parse:76');
    await tab.getByRole('button', { name: /^Download callgrind:/ }).focus();
    const download = tab.waitForEvent('download');
    await tab.keyboard.press('Enter');
    expect((await download).suggestedFilename()).toBe('callgrind.out.medium.cprofile.prof');
    expect(errors).toEqual([]);
    await tab.close();
  });

  it('`pyprof web FILE` opens the page with the file loaded', async () => {
    const file = join(fixtures, CASES['pstats from Python 2.7']?.[0] as string);
    const launched = spawnSync(process.execPath, [cli, 'web', file], {
      env: { ...process.env, BROWSER: '/bin/true' },
      encoding: 'utf8',
    });
    expect(launched.status).toBe(0);
    const url = /opened the web page in your browser: (\S+)\n$/.exec(launched.stderr)?.[1] ?? '';
    const script = decodeURIComponent(url.split('#preload=')[1] ?? '');
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      tab.on('pageerror', (error) => errors.push(String(error)));
      tab.on('request', (request) => requests.push(request.url()));
      await tab.goto(url);
      expect(await settled(tab)).toBe('Loaded recursion.cprofile.prof.');
      const expected = tableRowsOf(
        (await cliOutput(CASES['pstats from Python 2.7'] as string[], 'text')).bytes.toString(
          'utf8',
        ),
      );
      expect(await tab.textContent('#caption')).toBe(expected.caption.join('\n'));
      expect(requests).toContain(pathToFileURL(script).href);
      expect(offMachine(requests)).toEqual([]);
      expect(errors).toEqual([]);
      await tab.close();
    } finally {
      rmSync(dirname(script), { recursive: true, force: true });
    }
  });

  it('options reach the conversion as on the command line; pasted gzip base64 loads', async () => {
    const { page: tab, errors, requests } = await openPage();
    const files = CASES['pstats from Python 3.12'] as string[];
    await tab.click('#drop details > summary');
    const packed = gzipSync(readFileSync(join(fixtures, files[0] as string)));
    await tab.fill('#paste-name', 'medium.cprofile.prof.gz');
    await tab.fill('#paste', packed.toString('base64').replace(/(.{76})/g, '$1\n'));
    await tab.click('#paste-load');
    expect(await settled(tab)).toBe('Loaded medium.cprofile.prof.gz.');
    const plain = tableRowsOf((await cliOutput(files, 'text')).bytes.toString('utf8'));
    expect(await tab.textContent('#caption')).toBe(plain.caption.join('\n'));

    await tab.click('#options-section > summary');
    await tab.selectOption('#plugin-option-style', 'pstats');
    await tab.fill('#plugin-option-sort', 'tottime calls');
    await tab.fill('#plugin-option-limit', '10');
    await tab.selectOption('#plugin-option-python', '2');
    const download = tab.waitForEvent('download');
    await tab.getByRole('button', { name: /^Download text:/ }).click();
    const bytes = readFileSync(await (await download).path());
    const expected = await cliOutput(files, 'text', [
      '--style',
      'pstats',
      '--sort',
      'tottime',
      '--sort',
      'calls',
      '--limit',
      '10',
      '--python',
      '2',
    ]);
    expect(bytes.toString('utf8')).toBe(expected.bytes.toString('utf8'));
    // An option of a plugin not in use is the CLI's error.
    await tab.click('#plugin-option-coverage');
    await tab.click('#apply');
    expect(await settled(tab)).toMatch(/^Failed/);
    expect(await tab.textContent('#error')).toBe(
      // The CLI says the same of `pyprof convert medium.cprofile.prof --to text --coverage`.
      'medium.cprofile.prof.gz: --coverage is an option of hotshot, not of cprofile or text [INVALID_OPTION]',
    );
    expect(errors).toEqual([]);
    expect(offMachine(requests)).toEqual([]);
    await tab.close();
  });
});
