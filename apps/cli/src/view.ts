/**
 * `pyprof view`: convert to a temporary file and open it in a viewer — KCachegrind or
 * QCachegrind for callgrind, or the speedscope app that ships in the `speedscope` npm
 * package, opened from disk in a browser (no server, no network) — and say truthfully
 * whether that worked:
 *
 * - A missing viewer, or no display to show it on (X11/Wayland systems with neither
 *   `DISPLAY` nor `WAYLAND_DISPLAY`), is a `CAPABILITY_MISSING` error before anything is
 *   read, saying what to do instead.
 * - The viewer is started by a small watcher process (Node, detached, so it outlives
 *   `pyprof` and the terminal's signals) that reports back whether the viewer was still
 *   running after a grace period (1 s; `PYPROF_VIEWER_GRACE_MS`), or how it ended before:
 *   an exit with an error or a signal is reported as an error with the line of the
 *   viewer's stderr that says why, and the files are removed.
 * - The watcher removes the view's folder when the viewer exits. A viewer that exits at
 *   once with status 0 has handed the file on (a browser opener such as `xdg-open`, a
 *   wrapper script) and nobody can tell when the file has been read: that folder is kept,
 *   and the next `pyprof view` removes view folders older than a day.
 */
import {
  accessSync,
  constants,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProfileError } from '@pyprof/core';
import { speedscopeLoaderScript } from '@pyprof/output-speedscope';

export type Viewer = 'kcachegrind' | 'qcachegrind' | 'speedscope' | 'pprof';
export const VIEWERS: readonly Viewer[] = ['kcachegrind', 'qcachegrind', 'speedscope', 'pprof'];
type Env = Readonly<Record<string, string | undefined>>;

/** The prefix of view folders in the temporary folder. */
export const VIEW_FOLDER_PREFIX = 'pyprof-view-';
/** Folders kept for a viewer that handed the file on are removed after this long. */
const KEPT_FOR = 24 * 60 * 60 * 1000;
const DEFAULT_GRACE_MS = 1000;

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

/**
 * A fresh folder for one view's files. Removes view folders older than a day first (the
 * ones kept for a viewer that handed its file on; see the file comment).
 */
export function viewFolder(now = Date.now()): string {
  const temporary = tmpdir();
  for (const name of readdirSync(temporary)) {
    if (!name.startsWith(VIEW_FOLDER_PREFIX)) continue;
    const folder = join(temporary, name);
    try {
      if (now - statSync(folder).mtimeMs > KEPT_FOR)
        rmSync(folder, { recursive: true, force: true });
    } catch {
      // another user's, or gone meanwhile
    }
  }
  return mkdtempSync(join(temporary, VIEW_FOLDER_PREFIX));
}

/** True where programs show windows through X11 or Wayland (not macOS or Windows). */
function needsDisplay(): boolean {
  return process.platform !== 'darwin' && process.platform !== 'win32';
}

function hasDisplay(env: Env): boolean {
  return !needsDisplay() || Boolean(env.DISPLAY) || Boolean(env.WAYLAND_DISPLAY);
}

/** The callgrind viewer to use: the one asked for, else KCachegrind, else QCachegrind. */
export function callgrindViewer(asked: Viewer | undefined, env: Env): string {
  const names =
    asked === 'kcachegrind' || asked === 'qcachegrind' ? [asked] : ['kcachegrind', 'qcachegrind'];
  let found: string | undefined;
  for (const name of names) {
    found = findExecutable(name, env.PATH);
    if (found) break;
  }
  if (!found) {
    throw new ProfileError(
      'CAPABILITY_MISSING',
      `${names.length === 1 ? `${names[0]} is not installed` : 'neither kcachegrind nor qcachegrind is installed'} (Debian/Ubuntu: sudo apt install kcachegrind; macOS: brew install qcachegrind); or write the file with --to callgrind and open it yourself, or try --with speedscope`,
    );
  }
  if (!hasDisplay(env)) {
    throw new ProfileError(
      'CAPABILITY_MISSING',
      `no display to show ${basename(found)} on (DISPLAY and WAYLAND_DISPLAY are not set); write the file with --to callgrind -o FILE and open it where there is one`,
    );
  }
  return found;
}

/** `go`, for `--with pprof` (`go tool pprof` ships with Go). */
export function goExecutable(env: Env): string {
  const found = findExecutable('go', env.PATH);
  if (found) return found;
  throw new ProfileError(
    'CAPABILITY_MISSING',
    '--with pprof opens go tool pprof, which comes with Go, and go is not installed (Debian/Ubuntu: sudo apt install golang-go; macOS: brew install go; others: https://go.dev/dl); or write the file with --to pprof and open it in another pprof viewer (Pyroscope, Perfetto, speedscope)',
  );
}

/**
 * How speedscope will be opened: the `BROWSER` command, else the system's opener (`open`,
 * `start`, `xdg-open`). Checked before anything is read.
 */
export function speedscopeOpener(env: Env): string[] {
  if (env.BROWSER) return [env.BROWSER];
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""'];
  const opener = findExecutable('xdg-open', env.PATH);
  if (!opener) {
    throw new ProfileError(
      'CAPABILITY_MISSING',
      'no browser opener found (xdg-open is not installed and BROWSER is not set); write the file with --to speedscope and drop it on https://www.speedscope.app, or set BROWSER',
    );
  }
  if (!hasDisplay(env)) {
    throw new ProfileError(
      'CAPABILITY_MISSING',
      'no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are not set); write the file with --to speedscope and drop it on https://www.speedscope.app, or set BROWSER',
    );
  }
  return [opener];
}

// For resolving the speedscope package, and for loading `node:child_process` only when a
// viewer is launched: loading it (and `node:net` with it) was 10 ms of every conversion's
// start-up.
const require = createRequire(import.meta.url);

/**
 * The watcher, run as `node -e WATCHER <grace ms> <folder> <command> <args…>`: starts the
 * viewer, prints one JSON line — `{"running":true}` once it has run for the grace period,
 * else how it ended — then waits for it and removes the folder, unless it exited at once
 * with status 0 (it handed the file on). CommonJS, for `-e`.
 */
const WATCHER = `
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const [grace, folder, command, ...args] = process.argv.slice(1);
let early = true;
let stderr = '';
const report = (outcome) => { try { process.stdout.write(JSON.stringify(outcome) + '\\n'); } catch {} };
const remove = () => rmSync(folder, { recursive: true, force: true });
let child;
try {
  child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
} catch (error) {
  report({ running: false, error: String(error && error.message) });
  remove();
  process.exit(0);
}
child.stderr.on('data', (chunk) => { if (early && stderr.length < 65536) stderr += chunk; });
const timer = setTimeout(() => { early = false; report({ running: true }); }, Number(grace));
child.on('error', (error) => {
  clearTimeout(timer);
  if (early) report({ running: false, error: error.message });
  early = false;
  remove();
});
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  const handedOn = early && code === 0;
  if (early) report({ running: false, code, signal, stderr });
  early = false;
  if (!handedOn) remove();
});
`;

interface WatcherReport {
  running: boolean;
  code?: number | null;
  signal?: string | null;
  stderr?: string;
  error?: string;
}

/**
 * The line of a program's stderr that says what went wrong: the first that mentions an
 * error or a failure (Qt prints the cause first, then a list of plugins), else the last;
 * cut to a readable length.
 */
function tellingLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const line =
    lines.find((l) => /error|could not|cannot|can't|failed|unable/i.test(l)) ??
    lines[lines.length - 1] ??
    '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Starts `command args…` through the watcher and waits for its report; throws a
 * `CAPABILITY_MISSING` error when the viewer failed within the grace period (its folder is
 * then removed).
 */
export async function startViewer(
  command: string,
  args: readonly string[],
  folder: string,
  env: Env,
): Promise<void> {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const grace = Number(env.PYPROF_VIEWER_GRACE_MS ?? DEFAULT_GRACE_MS);
  const watcher = spawn(
    process.execPath,
    [
      '-e',
      WATCHER,
      String(Number.isFinite(grace) && grace >= 0 ? grace : DEFAULT_GRACE_MS),
      folder,
      command,
      ...args,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true },
  );
  const outcome = await new Promise<WatcherReport>((resolve) => {
    let text = '';
    watcher.stdout.setEncoding('utf8');
    watcher.stdout.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) resolve(JSON.parse(text.slice(0, end)) as WatcherReport);
    });
    watcher.on('error', (error) => resolve({ running: false, error: error.message }));
    watcher.on('exit', () => resolve({ running: false, error: 'the viewer watcher stopped' }));
  });
  watcher.stdout.destroy();
  watcher.unref();
  if (outcome.running || outcome.code === 0) return;
  const name = basename(command);
  const how = outcome.error
    ? `could not be started: ${outcome.error}`
    : outcome.signal
      ? `was killed by ${outcome.signal} at once`
      : `exited at once with status ${outcome.code}`;
  const said = outcome.stderr ? tellingLine(outcome.stderr) : '';
  rmSync(folder, { recursive: true, force: true });
  throw new ProfileError('CAPABILITY_MISSING', `${name} ${how}${said ? `: ${said}` : ''}`);
}

/** Opens a callgrind file in the viewer found by `callgrindViewer`. */
export function openInCallgrindViewer(executable: string, file: string, env: Env): Promise<void> {
  return startViewer(executable, [file], dirname(file), env);
}

/**
 * Serves a pprof file with `go tool pprof -http` in the foreground, as `go tool pprof`
 * itself runs: it opens the browser and serves until it is stopped (Ctrl-C), so it is
 * never left running unseen. Its messages (the address it serves on) go to `stderr`.
 * Throws `CAPABILITY_MISSING` when it ends with an error.
 */
export async function serveWithGoPprof(
  go: string,
  file: string,
  stderr: NodeJS.WritableStream,
): Promise<void> {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const child = spawn(go, ['tool', 'pprof', '-http=localhost:', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  let said = '';
  const relay = (chunk: Buffer) => {
    if (said.length < 65536) said += chunk.toString('utf8');
    stderr.write(chunk);
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  const ended = await new Promise<{ code: number | null; signal: string | null; error?: string }>(
    (resolve) => {
      child.on('error', (error) => resolve({ code: null, signal: null, error: error.message }));
      child.on('close', (code, signal) => resolve({ code, signal }));
    },
  );
  if (ended.code === 0 || ended.signal === 'SIGINT' || ended.signal === 'SIGTERM') return;
  const how = ended.error
    ? `could not be started: ${ended.error}`
    : ended.signal
      ? `was killed by ${ended.signal}`
      : `exited with status ${ended.code}`;
  const line = tellingLine(said);
  throw new ProfileError('CAPABILITY_MISSING', `go tool pprof ${how}${line ? `: ${line}` : ''}`);
}

/**
 * Writes the speedscope loader next to the output and opens the bundled app with
 * `opener` (from `speedscopeOpener`). Returns the URL.
 */
export async function openInSpeedscope(
  jsonFile: string,
  bytes: Uint8Array,
  opener: readonly string[],
  env: Env,
): Promise<string> {
  const name = basename(jsonFile);
  const folder = dirname(jsonFile);
  const loader = speedscopeLoaderScript(name, bytes);
  const script = join(folder, 'load-profile.js');
  writeFileSync(script, loader.script);
  const app = join(
    dirname(require.resolve('speedscope/package.json')),
    'dist',
    'release',
    'index.html',
  );
  const url = `${pathToFileURL(app).href}${loader.fragment(script)}`;
  await openUrl(url, folder, opener, env);
  return url;
}

/**
 * Opens a `file://` address with `opener` (from `speedscopeOpener`) through the viewer
 * watcher, which removes `folder` when the browser exits. The macOS and Windows openers
 * drop a URL's #fragment, so they get a small page in `folder` that redirects to it (what
 * speedscope's own CLI does).
 */
export async function openUrl(
  url: string,
  folder: string,
  opener: readonly string[],
  env: Env,
): Promise<void> {
  let target = url;
  if (!env.BROWSER && (process.platform === 'darwin' || process.platform === 'win32')) {
    target = join(folder, 'open-page.html');
    writeFileSync(
      target,
      `<!doctype html><script>window.location = ${JSON.stringify(url)};</script>\n`,
    );
  }
  const [command, ...args] = opener as [string, ...string[]];
  await startViewer(command, [...args, target], folder, env);
}
