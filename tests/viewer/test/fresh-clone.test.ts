// The README's way in, on a fresh clone with a fresh HOME (nothing cached, no global
// state): `npm run setup`, then the clone's bin folder on the PATH gives a `pyprof`
// command that works from another folder on a relative input path, and `npm run pyprof`
// works from a subfolder of the clone; turbo's telemetry notice is not printed and its
// file not written. Needs git and the npm registry (every dependency is downloaded into
// the fresh HOME). Everything is made in a temporary folder and removed afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'pyprof-fresh-clone-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a fresh clone with a fresh HOME', () => {
  it('README setup, then pyprof from another folder with a relative input path', {
    timeout: 1_800_000,
  }, () => {
    const clone = join(scratch, 'clone');
    const home = join(scratch, 'home');
    const other = join(scratch, 'somewhere-else');
    mkdirSync(home);
    mkdirSync(other);
    execFileSync('git', ['clone', '--quiet', root, clone], { stdio: 'ignore' });
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      // A fresh HOME: no npm, pnpm or XDG settings and caches carried over.
      if (value === undefined || /^(npm_|pnpm_|XDG_|TURBO_|INIT_CWD$)/i.test(name)) continue;
      env[name] = value;
    }
    env.HOME = home;
    env.USERPROFILE = home;
    const setup = spawnSync('npm', ['run', 'setup'], { cwd: clone, env, encoding: 'utf8' });
    expect(setup.status, `${setup.stdout}\n${setup.stderr}`).toBe(0);
    expect(`${setup.stdout}${setup.stderr}`).not.toMatch(/telemetry/i);
    expect(existsSync(join(home, '.config', 'turborepo', 'telemetry.json'))).toBe(false);

    // export PATH="$PWD/bin:$PATH" in the clone, then elsewhere:
    const path = `${join(clone, 'bin')}${delimiter}${env.PATH ?? ''}`;
    const relative = join('..', 'clone', 'examples', 'medium.py312.prof');
    const table = spawnSync('bash', ['-c', `pyprof convert ${relative} --to text`], {
      cwd: other,
      env: { ...env, PATH: path, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /^medium\.py312\.prof\n37494 function calls \(34530 primitive calls\) in 29\.171 ms\n/,
    );
    expect(table.stderr).toMatch(/^pyprof: wrote text to stdout \(472 functions/);
    // A default output lands in the folder the command was typed in.
    copyFileSync(join(clone, 'examples', 'medium.py312.prof'), join(other, 'run.prof'));
    const written = spawnSync('bash', ['-c', 'pyprof convert run.prof --to callgrind -q'], {
      cwd: other,
      env: { ...env, PATH: path },
      encoding: 'utf8',
    });
    expect(written.status, written.stderr).toBe(0);
    expect(existsSync(join(other, 'callgrind.out.run.prof'))).toBe(true);
    expect(existsSync(join(clone, 'callgrind.out.run.prof'))).toBe(false);

    // Without the PATH: npm run pyprof from a subfolder of the clone.
    const viaNpm = spawnSync(
      'npm',
      [
        'run',
        '--silent',
        'pyprof',
        '--',
        'convert',
        '../examples/medium.py312.prof',
        '--to',
        'text',
        '-q',
      ],
      { cwd: join(clone, 'docs'), env, encoding: 'utf8' },
    );
    expect(viaNpm.status, viaNpm.stderr).toBe(0);
    expect(viaNpm.stdout).toMatch(/^medium\.py312\.prof\n37494 function calls/);
  });
});
