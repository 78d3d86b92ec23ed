// `pyprof view`: converts to a temporary file, starts the viewer and tells the truth about
// it — a missing viewer, no display, a viewer that stops at once with an error — and the
// temporary folder goes when the viewer exits. The viewers here are small real programs
// (shell scripts) on a private PATH that record how they were started and stay open until
// the test closes them. POSIX only: on Windows the viewers would need to be .exe files.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { scratchFolders } from './scratch.js';

const fixture = join(
  dirname(fileURLToPath(import.meta.url)),
  'cases',
  '2-convert-ir-stdout',
  'decorators.py313.prof',
);
const scratch = scratchFolders('pyprof-viewers-');
const posix = process.platform !== 'win32';

/**
 * A viewer named `name` in `dir` that writes its arguments to `<dir>/<name>.args`, then
 * (`stays`) runs until `<dir>/close` exists, or exits at once with `status` after writing
 * `stderr`.
 */
function viewer(
  dir: string,
  name: string,
  how: { stays: true } | { status: number; stderr?: string },
): string {
  const path = join(dir, name);
  const body =
    'stays' in how
      ? `while [ ! -e "${dir}/close" ]; do sleep 0.05; done\n`
      : `${how.stderr ? `printf '%s\\n' "${how.stderr}" >&2\n` : ''}exit ${how.status}\n`;
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/${name}.args"\n${body}`);
  chmodSync(path, 0o755);
  return join(dir, `${name}.args`);
}

async function until<T>(check: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const viewFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('pyprof-view-'));

async function view(args: string[], env: Record<string, string>) {
  const stderr = new PassThrough();
  const err: Buffer[] = [];
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(['view', ...args], {
    stdin: Readable.from([]),
    stdout: new PassThrough(),
    stderr,
    env: { PYPROF_VIEWER_GRACE_MS: '300', ...env },
  });
  return { code, stderr: Buffer.concat(err).toString('utf8') };
}

describe.skipIf(!posix)('pyprof view', () => {
  it('opens a callgrind file in kcachegrind and removes it when kcachegrind exits', {
    timeout: 60_000,
  }, async () => {
    const bin = scratch();
    const args = viewer(bin, 'kcachegrind', { stays: true });
    const result = await view([fixture], { PATH: bin, DISPLAY: ':0' });
    expect(result.code).toBe(0);
    const opened = (
      await until(() => (existsSync(args) ? readFileSync(args, 'utf8') : undefined), 'the viewer')
    ).trim();
    expect(opened).toMatch(/pyprof-view-[^/]+\/callgrind\.out\.decorators\.py313\.prof$/);
    expect(readFileSync(opened, 'utf8').startsWith('# callgrind format\n')).toBe(true);
    expect(result.stderr).toBe(
      `pyprof: opened ${opened} in kcachegrind (22 functions, 128 calls, 0.100 ms total)\n`,
    );
    writeFileSync(join(bin, 'close'), '');
    await until(() => (existsSync(dirname(opened)) ? undefined : true), 'the folder to go');
  });

  it('falls back to qcachegrind', { timeout: 60_000 }, async () => {
    const bin = scratch();
    const args = viewer(bin, 'qcachegrind', { stays: true });
    expect((await view([fixture, '--quiet'], { PATH: bin, DISPLAY: ':0' })).code).toBe(0);
    const opened = await until(
      () => (existsSync(args) ? readFileSync(args, 'utf8') : undefined),
      'the viewer',
    );
    expect(opened).toMatch(/callgrind\.out\.decorators\.py313\.prof\n$/);
    writeFileSync(join(bin, 'close'), '');
    await until(() => (existsSync(dirname(opened.trim())) ? undefined : true), 'the folder');
  });

  it('says what to install when the viewer is not there, before reading anything', async () => {
    const empty = scratch();
    const missing = join(empty, 'does-not-matter.prof');
    const neither = await view([missing], { PATH: empty, DISPLAY: ':0' });
    expect(neither.code).toBe(5);
    expect(neither.stderr).toBe(
      'pyprof: neither kcachegrind nor qcachegrind is installed (Debian/Ubuntu: sudo apt install kcachegrind; macOS: brew install qcachegrind); or write the file with --to callgrind and open it yourself, or try --with speedscope [CAPABILITY_MISSING]\n',
    );
    const asked = await view([missing, '--with', 'qcachegrind'], { PATH: empty, DISPLAY: ':0' });
    expect(asked.stderr).toMatch(/^pyprof: qcachegrind is not installed \(/);
    expect(viewFolders()).toEqual([]);
  });

  it('says there is no display, before reading anything', async () => {
    const bin = scratch();
    viewer(bin, 'kcachegrind', { stays: true });
    const result = await view([join(bin, 'does-not-matter.prof')], { PATH: bin });
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      'pyprof: no display to show kcachegrind on (DISPLAY and WAYLAND_DISPLAY are not set); write the file with --to callgrind -o FILE and open it where there is one [CAPABILITY_MISSING]\n',
    );
    const speedscope = await view([fixture, '--with', 'speedscope'], {
      PATH: `${bin}:/usr/bin:/bin`,
    });
    expect(speedscope.code).toBe(5);
    expect(speedscope.stderr).toMatch(
      /^pyprof: no (display to open a browser on|browser opener found) .*https:\/\/www\.speedscope\.app/,
    );
    expect(viewFolders()).toEqual([]);
  });

  it('reports a viewer that stops at once with an error, and removes the file', {
    timeout: 60_000,
  }, async () => {
    const bin = scratch();
    viewer(bin, 'kcachegrind', {
      status: 1,
      stderr: 'qt.qpa.xcb: could not connect to display :0',
    });
    // A long grace period: the viewer's exit, however slow the machine, comes within it.
    const result = await view([fixture], {
      PATH: bin,
      DISPLAY: ':0',
      PYPROF_VIEWER_GRACE_MS: '20000',
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      'pyprof: kcachegrind exited at once with status 1: qt.qpa.xcb: could not connect to display :0 [CAPABILITY_MISSING]\n',
    );
    expect(viewFolders()).toEqual([]);
  });

  it('keeps the file for a viewer that hands it on, and removes such files after a day', {
    timeout: 60_000,
  }, async () => {
    const stale = join(tmpdir(), 'pyprof-view-stale');
    mkdirSync(stale);
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    const bin = scratch();
    const args = viewer(bin, 'kcachegrind', { status: 0 });
    const result = await view([fixture, '-q'], {
      PATH: bin,
      DISPLAY: ':0',
      PYPROF_VIEWER_GRACE_MS: '20000',
    });
    expect(result.code).toBe(0);
    const opened = readFileSync(args, 'utf8').trim();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(opened)).toBe(true);
    // The next view a day later removes it (the clock is moved, not the test).
    const { viewFolder } = await import('../src/view.js');
    const later = viewFolder(Date.now() + 2 * 24 * 60 * 60 * 1000);
    expect(existsSync(dirname(opened))).toBe(false);
    writeFileSync(join(later, 'x'), '');
    const { rmSync } = await import('node:fs');
    rmSync(later, { recursive: true });
  });

  it('opens the bundled speedscope app from disk with --with speedscope', {
    timeout: 60_000,
  }, async () => {
    const bin = scratch();
    const args = viewer(bin, 'browser', { stays: true });
    const result = await view([fixture, '--with', 'speedscope'], {
      PATH: bin,
      BROWSER: join(bin, 'browser'),
    });
    expect(result.code).toBe(0);
    const url = (
      await until(() => (existsSync(args) ? readFileSync(args, 'utf8') : undefined), 'the browser')
    ).trim();
    expect(url).toMatch(/^file:\/\/.*\/speedscope\/dist\/release\/index\.html#localProfilePath=/);
    const script = decodeURIComponent(url.slice(url.indexOf('=') + 1));
    expect(readFileSync(script, 'utf8')).toMatch(
      /^speedscope\.loadFileFromBase64\("decorators\.py313\.prof\.speedscope\.json", "[A-Za-z0-9+/=]+"\)\n$/,
    );
    writeFileSync(join(bin, 'close'), '');
    await until(() => (existsSync(dirname(script)) ? undefined : true), 'the folder');
  });

  it('leaves no folder when --strict stops the conversion', async () => {
    const bin = scratch();
    viewer(bin, 'kcachegrind', { stays: true });
    const yappi = join(
      dirname(fileURLToPath(import.meta.url)),
      'cases',
      '2-strict-yappi-warning',
      'recursion.yappi.prof',
    );
    const result = await view([yappi, '--strict'], { PATH: bin, DISPLAY: ':0' });
    expect(result.code).toBe(6);
    expect(existsSync(join(bin, 'kcachegrind.args'))).toBe(false);
    expect(viewFolders()).toEqual([]);
  });

  it('refuses an unknown viewer', async () => {
    const result = await view([fixture, '--with', 'gprof2dot'], { PATH: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'pyprof: --with must be one of kcachegrind, qcachegrind, speedscope, pprof, got "gprof2dot" [INVALID_OPTION]\n',
    );
  });
});

if (!posix) console.log('pyprof view tests skipped: their stand-in viewers are shell scripts');
