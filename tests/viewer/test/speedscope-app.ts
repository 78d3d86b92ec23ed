// The speedscope app in a real browser, for viewer tests: the built app of the `speedscope`
// npm package opened from file:// the way its own CLI does (`#localProfilePath=` a script
// that calls `speedscope.loadFileFromBase64`), in Debian's chromium driven by
// playwright-core, with every non-file request refused (no network).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { speedscopeLoaderScript } from '@pyprof/output-speedscope';
import { type Browser, chromium, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);
export const app = join(
  dirname(require.resolve('speedscope/package.json')),
  'dist/release/index.html',
);

/** One headless chromium (Debian's), with the flags this machine needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * Opens `bytes` (a file named `fileName`) in the app the way `speedscope FILE` does; the
 * loader script goes into `folder`. Returns the page and the errors it reports.
 */
export async function openInSpeedscope(
  browser: Browser,
  folder: string,
  fileName: string,
  bytes: Uint8Array,
): Promise<{ page: Page; errors: string[] }> {
  const loader = speedscopeLoaderScript(fileName, bytes);
  const script = join(folder, `${fileName}.js`);
  writeFileSync(script, loader.script);
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.route(/^(?!file:)/, (route) => route.abort());
  await page.goto(`${pathToFileURL(app).href}${loader.fragment(script)}`);
  return { page, errors };
}

/** speedscope's own total for the shown profile: its Export writes it as endValue − startValue. */
export async function exportedTotal(page: Page): Promise<number> {
  const download = page.waitForEvent('download');
  await page.getByText('Export', { exact: false }).click();
  const file = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
  const shown = file.profiles[file.activeProfileIndex ?? 0];
  return shown.endValue - shown.startValue;
}
