// `pyprof view`: converts to a temporary file and starts the viewer. The viewers here are
// small real programs on a private PATH that record how they were started.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

const fixture = join(
  dirname(fileURLToPath(import.meta.url)),
  'cases',
  '2-convert-ir-stdout',
  'decorators.py313.prof',
);

/** A program named `name` that writes its arguments to `<dir>/<name>.args`. */
function recorder(dir: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/${name}.args"\n`);
  chmodSync(path, 0o755);
  return join(dir, `${name}.args`);
}

async function waitFor(file: string): Promise<string> {
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  return readFileSync(file, 'utf8');
}

async function view(args: string[], env: Record<string, string>) {
  const stderr = new PassThrough();
  const err: Buffer[] = [];
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(['view', ...args], {
    stdin: Readable.from([]),
    stdout: new PassThrough(),
    stderr,
    env,
  });
  return { code, stderr: Buffer.concat(err).toString('utf8') };
}

describe('pyprof view', () => {
  it('opens a callgrind file in kcachegrind', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'pyprof-bin-'));
    const args = recorder(bin, 'kcachegrind');
    const result = await view([fixture], { PATH: bin });
    expect(result.code).toBe(0);
    const opened = (await waitFor(args)).trim();
    expect(opened).toMatch(/pyprof-view-[^/]+\/callgrind\.out\.decorators\.py313\.prof$/);
    expect(readFileSync(opened, 'utf8').startsWith('# callgrind format\n')).toBe(true);
    expect(result.stderr).toBe(
      `pyprof: opened ${opened} in kcachegrind (22 functions, 128 calls, 0.100 ms total)\n`,
    );
  });

  it('falls back to qcachegrind', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'pyprof-bin-'));
    const args = recorder(bin, 'qcachegrind');
    expect((await view([fixture, '--quiet'], { PATH: bin })).code).toBe(0);
    expect(await waitFor(args)).toMatch(/callgrind\.out\.decorators\.py313\.prof\n$/);
  });

  it('says what to install when neither viewer is there, before reading anything', async () => {
    const result = await view([join(tmpdir(), 'does-not-matter.prof')], {
      PATH: mkdtempSync(join(tmpdir(), 'pyprof-empty-')),
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      'pyprof: neither kcachegrind nor qcachegrind is installed (Debian/Ubuntu: sudo apt install kcachegrind; macOS: brew install qcachegrind); or write the file with --to callgrind and open it yourself, or try --with speedscope [CAPABILITY_MISSING]\n',
    );
  });

  it('opens the bundled speedscope app from disk with --with speedscope', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'pyprof-bin-'));
    const args = recorder(bin, 'browser');
    const result = await view([fixture, '--with', 'speedscope'], {
      PATH: bin,
      BROWSER: join(bin, 'browser'),
    });
    expect(result.code).toBe(0);
    const url = (await waitFor(args)).trim();
    expect(url).toMatch(/^file:\/\/.*\/speedscope\/dist\/release\/index\.html#localProfilePath=/);
    const script = decodeURIComponent(url.slice(url.indexOf('=') + 1));
    expect(readFileSync(script, 'utf8')).toMatch(
      /^speedscope\.loadFileFromBase64\("decorators\.py313\.prof\.speedscope\.json", "[A-Za-z0-9+/=]+"\)\n$/,
    );
  });

  it('refuses an unknown viewer', async () => {
    const result = await view([fixture, '--with', 'gprof2dot'], { PATH: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'pyprof: --with must be one of kcachegrind, qcachegrind, speedscope, pprof, got "gprof2dot" [INVALID_OPTION]\n',
    );
  });
});
