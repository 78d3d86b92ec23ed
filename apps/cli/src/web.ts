/**
 * `pyprof web [files…]`: opens pyprof's web page (apps/web, built into its dist/) in the
 * browser, from disk, with the given files preloaded; the page converts them in the browser
 * (nothing is uploaded). The files reach the page the way speedscope's CLI hands a profile
 * to its app: a small script in a fresh temporary folder (`pyprofPreload([{name, base64}])`)
 * named in the page address's `#preload=` fragment. The page is found as the `@pyprof/web`
 * package when installed, else beside the CLI in a pyprof checkout (`apps/web/dist`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ProfileError } from '@pyprof/core';
import { openUrl, speedscopeOpener, viewFolder } from './view.js';

const require = createRequire(import.meta.url);

const HELP = `Usage: pyprof web [files…]

Opens pyprof's web page in your browser, from disk, with the files preloaded. The page reads
the same formats, has every option of pyprof convert, shows the table and downloads every
output format; it converts in the browser and makes no network request.
`;

/** The built page: the installed @pyprof/web package, else the checkout's apps/web/dist. */
export function webPage(): string {
  const candidates: string[] = [];
  try {
    candidates.push(
      join(dirname(require.resolve('@pyprof/web/package.json')), 'dist', 'index.html'),
    );
  } catch {
    // not installed as a package
  }
  // apps/cli/dist/main.js (or apps/cli/src/web.ts) → apps/web/dist/index.html
  candidates.push(
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist', 'index.html'),
  );
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  throw new ProfileError(
    'CAPABILITY_MISSING',
    'the web page is not built: in a pyprof checkout run `pnpm run build` (it writes apps/web/dist)',
  );
}

/**
 * The page's address with `files` preloaded; the loader script goes into a fresh folder
 * (returned, for the viewer watcher to remove when the browser exits).
 */
export function preloadedPage(
  page: string,
  files: readonly string[],
): { url: string; folder?: string } {
  const url = pathToFileURL(page).href;
  if (files.length === 0) return { url };
  const list = files.map((file) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new ProfileError(
        'IO_ERROR',
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    return { name: basename(file), base64: bytes.toString('base64') };
  });
  const folder = viewFolder();
  const script = join(folder, 'preload.js');
  writeFileSync(script, `pyprofPreload(${JSON.stringify(list)});\n`);
  return { url: `${url}#preload=${encodeURIComponent(script)}`, folder };
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: { help: { type: 'boolean', short: 'h' }, quiet: { type: 'boolean', short: 'q' } },
      allowPositionals: true,
    });
  } catch (error) {
    throw new ProfileError(
      'INVALID_OPTION',
      `${String((error as Error).message).split('.')[0]} (see pyprof web --help; the page has every convert option)`,
    );
  }
}

/** Runs `pyprof web`; returns the exit status. */
export async function web(
  argv: readonly string[],
  io: { stdout: Writable; stderr: Writable; env: Readonly<Record<string, string | undefined>> },
): Promise<number> {
  const parsed = parse(argv);
  if (parsed.values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  // The opener is checked before anything is written (a missing one says what to do).
  let opener: string[];
  try {
    opener = speedscopeOpener(io.env);
  } catch {
    const { url, folder } = preloadedPage(webPage(), parsed.positionals);
    io.stderr.write(
      `pyprof: no browser found to open the page; open this address yourself:\n${url}\n`,
    );
    if (folder !== undefined) io.stderr.write(`(the files stay in ${folder})\n`);
    return 0;
  }
  const { url, folder } = preloadedPage(webPage(), parsed.positionals);
  await openUrl(url, folder ?? viewFolder(), opener, io.env);
  if (!parsed.values.quiet)
    io.stderr.write(`pyprof: opened the web page in your browser: ${url}\n`);
  return 0;
}
