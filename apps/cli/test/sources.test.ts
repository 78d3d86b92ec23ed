// Where the CLI looks for a recorded source path (`--sources DIR` first, the recorded
// folders dropped one by one, then the path itself), and that it reads only regular files:
// a FIFO or a folder named by a profile is no source, and never blocks a conversion.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceCandidates, sourceFiles } from '../src/sources.js';

describe('sources for sampled stacks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pyprof-sources-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tries each folder with the recorded path, then shorter tails of it, then the path', () => {
    expect(sourceCandidates('/home/ci/app/mod.py', ['/src', 'rel'], '/work')).toEqual([
      '/src/home/ci/app/mod.py',
      '/src/ci/app/mod.py',
      '/src/app/mod.py',
      '/src/mod.py',
      'rel/home/ci/app/mod.py',
      'rel/ci/app/mod.py',
      'rel/app/mod.py',
      'rel/mod.py',
      '/home/ci/app/mod.py',
    ]);
    expect(sourceCandidates('pkg\\mod.py', [], '/work')).toEqual(['/work/pkg\\mod.py']);
    // A recorded `..` means what it says, from the folder and from the working folder.
    expect(sourceCandidates('../lib/x.py', ['/src'], '/work')).toEqual([
      '/lib/x.py',
      '/src/lib/x.py',
      '/src/x.py',
    ]);
  });

  // Windows has no FIFOs (mkfifo): this runs on Linux and macOS.
  it.skipIf(process.platform === 'win32')('reads regular files only, and gives up quietly', () => {
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'mod.py'), 'def f():\n    pass\n');
    execFileSync('mkfifo', [join(dir, 'app', 'pipe.py')]);
    const sources = sourceFiles([dir], dir);
    expect(new TextDecoder().decode(sources.read('/elsewhere/app/mod.py'))).toBe(
      'def f():\n    pass\n',
    );
    expect(sources.read('app/pipe.py')).toBeUndefined();
    expect(sources.read('app')).toBeUndefined();
    expect(sources.read('missing.py')).toBeUndefined();
    expect(sources.read('')).toBeUndefined();
  });
});
