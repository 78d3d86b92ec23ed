// `pyprof view --with pprof` (issue 20): converts to a temporary .pb.gz and serves it with
// `go tool pprof -http` in the foreground — here a stand-in `go` on a private PATH that
// records how it was started — removing it when that stops; without Go, it says what to
// install before reading anything.
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
  it('serves the converted file with go tool pprof -http in the foreground, then removes it', async () => {
    const bin = scratch('pyprof-bin-');
    const record = join(bin, 'go.args');
    const seen = join(bin, 'seen.pb.gz');
    // A stand-in go: records how it was started, keeps the file, says where it serves.
    writeFileSync(
      join(bin, 'go'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}"\ncp "$4" "${seen}"\necho 'Serving web UI on http://localhost:12345' >&2\n`,
    );
    chmodSync(join(bin, 'go'), 0o755);
    const result = await view([fixture, '--with', 'pprof'], { PATH: bin });
    expect(result.code).toBe(0);
    const args = readFileSync(record, 'utf8').trim().split('\n');
    expect(args.slice(0, 3)).toEqual(['tool', 'pprof', '-http=localhost:']);
    const file = args[3] as string;
    expect(file).toMatch(/pyprof-view-[^/]+\/decorators\.py313\.prof\.pb\.gz$/);
    // go tool pprof has stopped: the view folder is gone.
    expect(existsSync(dirname(file))).toBe(false);
    // A gzipped profile.proto: its first field is a sample type (field 1, length-delimited).
    expect(gunzipSync(readFileSync(seen))[0]).toBe(0x0a);
    expect(result.stderr).toBe(
      'pyprof: info: the stacks are reconstructed from the call graph and have no call counts of their own, so the file holds time only; the call counts are in --to callgrind, text or pstats [pprof/call-counts-dropped]\n' +
        `pyprof: opened ${file} in go tool pprof (22 functions, 128 calls, 0.100 ms total); it serves until you press Ctrl-C\n` +
        'Serving web UI on http://localhost:12345\n',
    );
  });

  it('says why when go tool pprof stops with an error, and removes the file', async () => {
    const bin = scratch('pyprof-bin-');
    writeFileSync(
      join(bin, 'go'),
      `#!/bin/sh\necho "$4" > "${join(bin, 'file')}"\necho 'failed to fetch any source profiles' >&2\nexit 1\n`,
    );
    chmodSync(join(bin, 'go'), 0o755);
    const result = await view([fixture, '--with', 'pprof', '-q'], { PATH: bin });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(
      /^failed to fetch any source profiles\npyprof: go tool pprof exited with status 1: failed to fetch any source profiles \[CAPABILITY_MISSING\]\n$/m,
    );
    expect(existsSync(readFileSync(join(bin, 'file'), 'utf8').trim())).toBe(false);
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
