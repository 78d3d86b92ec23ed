/**
 * `pyprof view`: convert to a temporary file and open it in a viewer — KCachegrind or
 * QCachegrind for callgrind, or the speedscope app that ships in the `speedscope` npm
 * package, opened from disk in a browser (no server, no network). A missing viewer is a
 * clear `CAPABILITY_MISSING` error saying what to install.
 */
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProfileError } from '@pyprof/core';
import { speedscopeLoaderScript } from '@pyprof/output-speedscope';

export type Viewer = 'kcachegrind' | 'qcachegrind' | 'speedscope' | 'pprof';
export const VIEWERS: readonly Viewer[] = ['kcachegrind', 'qcachegrind', 'speedscope', 'pprof'];

/** The first executable named `name` on `path`, or undefined. */
export function findExecutable(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const candidate of process.platform === 'win32'
      ? [`${name}.exe`, `${name}.cmd`]
      : [name]) {
      const full = join(dir, candidate);
      try {
        accessSync(full, constants.X_OK);
        return full;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** A fresh folder for one view's files (left for the viewer, which may read them later). */
export function viewFolder(): string {
  return mkdtempSync(join(tmpdir(), 'pyprof-view-'));
}

// For resolving the speedscope package, and for loading `node:child_process` only when a
// viewer is launched: loading it (and `node:net` with it) was 10 ms of every conversion's
// start-up.
const require = createRequire(import.meta.url);

function launch(command: string, args: readonly string[]): void {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}

/** The callgrind viewer to use: the one asked for, else KCachegrind, else QCachegrind. */
export function callgrindViewer(asked: Viewer | undefined, path: string | undefined): string {
  const names = asked && asked !== 'speedscope' ? [asked] : ['kcachegrind', 'qcachegrind'];
  for (const name of names) {
    const found = findExecutable(name, path);
    if (found) return found;
  }
  throw new ProfileError(
    'CAPABILITY_MISSING',
    `${names.length === 1 ? `${names[0]} is` : 'neither kcachegrind nor qcachegrind is'} installed (Debian/Ubuntu: sudo apt install kcachegrind; macOS: brew install qcachegrind); or write the file with --to callgrind and open it yourself, or try --with speedscope`,
  );
}

export function openInCallgrindViewer(executable: string, file: string): void {
  launch(executable, [file]);
}

/** `go`, for `--with pprof` (`go tool pprof` ships with Go). */
export function goExecutable(path: string | undefined): string {
  const found = findExecutable('go', path);
  if (found) return found;
  throw new ProfileError(
    'CAPABILITY_MISSING',
    '--with pprof opens go tool pprof, which comes with Go, and go is not installed (Debian/Ubuntu: sudo apt install golang-go; macOS: brew install go; others: https://go.dev/dl); or write the file with --to pprof and open it in another pprof viewer (Pyroscope, Perfetto, speedscope)',
  );
}

/** Opens a pprof file in `go tool pprof`'s web UI (a free local port, in the browser). */
export function openInGoPprof(go: string, file: string): void {
  launch(go, ['tool', 'pprof', '-http=localhost:', file]);
}

/**
 * Writes the speedscope loader next to the output and opens the bundled app. Returns the
 * URL (shown to the user when no browser could be started).
 */
export function openInSpeedscope(
  jsonFile: string,
  bytes: Uint8Array,
  env: Readonly<Record<string, string | undefined>>,
): { url: string; opened: boolean } {
  const name = jsonFile.slice(jsonFile.lastIndexOf('/') + 1);
  const loader = speedscopeLoaderScript(name, bytes);
  const script = join(dirname(jsonFile), 'load-profile.js');
  writeFileSync(script, loader.script);
  const app = join(
    dirname(require.resolve('speedscope/package.json')),
    'dist',
    'release',
    'index.html',
  );
  const url = `${pathToFileURL(app).href}${loader.fragment(script)}`;
  const browser = env.BROWSER;
  const opener = browser
    ? browser
    : process.platform === 'darwin'
      ? 'open'
      : process.platform === 'win32'
        ? undefined
        : findExecutable('xdg-open', env.PATH);
  // The macOS and Windows openers drop a URL's #fragment, so they get a small page that
  // redirects to the app with it (what speedscope's own CLI does).
  let target = url;
  if (!browser && (process.platform === 'darwin' || process.platform === 'win32')) {
    target = join(dirname(jsonFile), 'open-speedscope.html');
    writeFileSync(
      target,
      `<!doctype html><script>window.location = ${JSON.stringify(url)};</script>\n`,
    );
  }
  if (process.platform === 'win32' && !browser) {
    launch('cmd', ['/c', 'start', '""', target]);
    return { url, opened: true };
  }
  if (!opener) return { url, opened: false };
  launch(opener, [target]);
  return { url, opened: true };
}
