// `pyprof view --with pprof` (issue 20): converts to a temporary .pb.gz and starts
// `go tool pprof -http` on it — here a small real `go` on a private PATH that records how
// it was started — or, without Go, says what to install before reading anything.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

const fixture = join(
  dirname(fileURLToPath(import.meta.url)),
  'cases',
  '2-convert-ir-stdout',
  'decorators.py313.prof',
);

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const scratch = (prefix: string) => {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
};

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

describe('pyprof view --with pprof', () => {
  it('starts go tool pprof -http on the converted file', async () => {
    const bin = scratch('pyprof-bin-');
    const record = join(bin, 'go.args');
    writeFileSync(join(bin, 'go'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}"\n`);
    chmodSync(join(bin, 'go'), 0o755);
    const result = await view([fixture, '--with', 'pprof'], { PATH: bin });
    expect(result.code).toBe(0);
    for (let i = 0; i < 100 && !existsSync(record); i++)
      await new Promise((r) => setTimeout(r, 50));
    const args = readFileSync(record, 'utf8').trim().split('\n');
    expect(args.slice(0, 3)).toEqual(['tool', 'pprof', '-http=localhost:']);
    const file = args[3] as string;
    folders.push(dirname(file));
    expect(file).toMatch(/pyprof-view-[^/]+\/decorators\.py313\.prof\.pb\.gz$/);
    // A gzipped profile.proto: its first field is a sample type (field 1, length-delimited).
    expect(gunzipSync(readFileSync(file))[0]).toBe(0x0a);
    expect(result.stderr).toBe(
      'pyprof: info: the stacks are reconstructed from the call graph and have no call counts of their own, so the file holds time only; the call counts are in --to callgrind, text or pstats [pprof/call-counts-dropped]\n' +
        `pyprof: opened ${file} in go tool pprof (22 functions, 128 calls, 0.100 ms total)\n`,
    );
  });

  it('says what to install when Go is not there, before reading anything', async () => {
    const result = await view([join(tmpdir(), 'does-not-matter.prof'), '--with', 'pprof'], {
      PATH: scratch('pyprof-empty-'),
    });
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      'pyprof: --with pprof opens go tool pprof, which comes with Go, and go is not installed (Debian/Ubuntu: sudo apt install golang-go; macOS: brew install go; others: https://go.dev/dl); or write the file with --to pprof and open it in another pprof viewer (Pyroscope, Perfetto, speedscope) [CAPABILITY_MISSING]\n',
    );
  });
});
