// Issue 25's benchmark: the web page (apps/web/dist/index.html, from file://) in headless
// Debian chromium converting the 100k-function, ~1M-edge pstats dump (inputs.mjs, shared
// with the other benchmarks) to callgrind and to speedscope: the time from the download
// button's click to the browser's download, median of BENCH_RUNS (default 3); budget 3 s
// each. Meanwhile it types into the page's search box and measures how long each key takes
// to show (the page must answer input during a conversion: it runs in a Web Worker).
// Needs `pnpm run build` and playwright-core (a tests/viewer dependency).

import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, measure, median, outDir, pstats100k, requireTool, root, table } from './lib.mjs';

const require = createRequire(join(root, 'tests', 'viewer', 'package.json'));
const { chromium } = require('playwright-core');

const executablePath = requireTool('/usr/bin/chromium', 'Debian chromium');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const budgetSeconds = 3;
const file = await pstats100k();
const page = pathToFileURL(join(root, 'apps', 'web', 'dist', 'index.html')).href;

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const tab = await browser.newPage({ acceptDownloads: true });
await tab.route(/^(?!file:|blob:)/, (route) => route.abort());
await tab.goto(page);
let started = Date.now();
await tab.setInputFiles('#files', file);
// Locators, not page functions: the page's CSP forbids evaluating strings.
await tab.locator('#status', { hasText: /^(Loaded|Failed)/ }).waitFor({ timeout: 120_000 });
const loadSeconds = (Date.now() - started) / 1000;
const status = await tab.textContent('#status');
if (!status.startsWith('Loaded'))
  throw new Error(`the page could not load the dump: ${await tab.textContent('#error')}`);

/**
 * Starts a 50 ms timer in the page that records how late each tick fires (the page's main
 * thread lag); the returned function stops it and gives the largest lag in ms. A script
 * string: evaluated through the DevTools protocol, which the page's CSP allows.
 */
async function lagMonitor() {
  await tab.evaluate(`(() => {
    window.benchLag = 0;
    let last = performance.now();
    window.benchTimer = setInterval(() => {
      const now = performance.now();
      window.benchLag = Math.max(window.benchLag, now - last - 50);
      last = now;
    }, 50);
  })()`);
  return async () =>
    Math.round(
      await tab.evaluate('(() => { clearInterval(window.benchTimer); return window.benchLag; })()'),
    );
}

/** Types into the search box until `done` settles; returns each key's latency in ms. */
async function typeWhile(done) {
  const latencies = [];
  let finished = false;
  done.then(
    () => (finished = true),
    () => (finished = true),
  );
  await tab.focus('#search');
  let k = 0;
  while (!finished) {
    const before = Date.now();
    const key = 'abcdefghij'[k++ % 10];
    await tab.keyboard.press(key);
    if (!(await tab.inputValue('#search')).endsWith(key)) throw new Error('the key was lost');
    latencies.push(Date.now() - before);
    await tab.fill('#search', '');
  }
  await tab.fill('#search', '');
  return latencies;
}

const rows = [];
let failed = false;
for (const writer of ['callgrind', 'speedscope']) {
  const seconds = [];
  const latencies = [];
  const lags = [];
  // The same monitor while the page is idle, for comparison: the machine's load shows there too.
  let stop = await lagMonitor();
  await tab.waitForTimeout(3000);
  const idleLag = await stop();
  for (let i = 0; i < runs; i++) {
    const download = tab.waitForEvent('download', { timeout: 120_000 });
    stop = await lagMonitor();
    started = Date.now();
    await tab.getByRole('button', { name: new RegExp(`^Download ${writer}:`) }).click();
    const typing = typeWhile(download);
    await download;
    seconds.push((Date.now() - started) / 1000);
    latencies.push(...(await typing));
    lags.push(await stop());
  }
  const time = median(seconds);
  // The CLI on the same file at the same moment: the machine's load shows in both.
  const output = join(outDir, `web-bench-cli.${writer}`);
  const cliSeconds = [];
  for (let i = 0; i < runs; i++)
    cliSeconds.push(
      measure(process.execPath, [cli, 'convert', file, '--to', writer, '-q', '-o', output]).seconds,
    );
  rmSync(output, { force: true });
  if (time > budgetSeconds) failed = true;
  rows.push([
    writer,
    `${time.toFixed(2)} s`,
    `${median(cliSeconds).toFixed(2)} s`,
    seconds.map((s) => s.toFixed(2)).join(', '),
    String(latencies.length),
    `${Math.max(...latencies)} ms`,
    `${Math.max(...lags)} ms (idle: ${idleLag} ms)`,
    time <= budgetSeconds ? 'yes' : 'NO',
  ]);
}
await browser.close();
console.log(
  `\nload average: ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`\nloading the dump (file input → table shown): ${loadSeconds.toFixed(2)} s\n`);
console.log(
  table(
    [
      'to',
      'page (median)',
      'CLI process (median)',
      'page runs',
      'keys typed meanwhile',
      'slowest key',
      'main-thread lag',
      `≤ ${budgetSeconds} s`,
    ],
    rows,
  ),
);
process.exitCode = failed ? 1 : 0;
