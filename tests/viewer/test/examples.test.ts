// Every example the user is shown runs as written: the `Examples:` of `pyprof --help` and
// of each command's `--help`, and every `pyprof …` line of the README's sh blocks. Each
// runs through bash in a folder holding the files the examples name (run.prof, a.prof,
// b.prof, app.py, the package mypackage, input.txt), with the clone's bin/pyprof on the
// PATH as the README sets it up, and must exit 0 with its output where it says.
// Examples that need Python use python3 (CI installs it; without it they fail, saying so). The viewer is a stand-in (a script named kcachegrind, and BROWSER) that
// stays open for two seconds, so the temporary folders' removal is checked too.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython } from './python.js';

const root = join(import.meta.dirname, '..', '..', '..');
const launcher = join(root, 'bin', 'pyprof');
const scratch = mkdtempSync(join(tmpdir(), 'pyprof-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const fixtures = join(root, 'packages', 'input-cprofile', 'test', 'fixtures', 'pstats', 'py313');

/** The example lines of a help text: the `Examples:` block, descriptions cut off. */
function helpExamples(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('Examples:');
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .map((line) => line.trim().split(/\s{2,}/)[0] as string);
}

/** The `pyprof …` lines of the README's sh blocks (comments cut off). */
function readmeExamples(readme: string): string[] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('pyprof '));
}

function help(args: string[]): string {
  const result = spawnSync(process.execPath, [launcher, ...args], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

const examples = [
  ...new Set([
    ...helpExamples(help(['--help'])),
    ...['convert', 'run', 'view', 'info', 'formats'].flatMap((command) =>
      helpExamples(help([command, '--help'])),
    ),
    ...readmeExamples(readFileSync(join(root, 'README.md'), 'utf8')),
  ]),
];

const APP = `import sys


def work(n):
    return sum(k * k for k in range(n))


if __name__ == "__main__":
    data = sys.stdin.read() if not sys.stdin.isatty() else ""
    print("app", work(1000), sys.argv[1:], len(data))
`;

/** A folder with the files the examples name, the stand-in viewers and a fresh TMPDIR. */
function workFolder(name: string): { cwd: string; viewers: string; temporary: string } {
  const cwd = mkdtempSync(join(scratch, `${name.replace(/[^\w.-]+/g, '_').slice(0, 40)}-`));
  copyFileSync(join(root, 'examples', 'medium.py312.prof'), join(cwd, 'run.prof'));
  copyFileSync(join(fixtures, 'decorators.cprofile.prof'), join(cwd, 'a.prof'));
  copyFileSync(join(fixtures, 'recursion.cprofile.prof'), join(cwd, 'b.prof'));
  writeFileSync(join(cwd, 'app.py'), APP);
  mkdirSync(join(cwd, 'mypackage'));
  writeFileSync(join(cwd, 'mypackage', '__init__.py'), '');
  writeFileSync(join(cwd, 'mypackage', '__main__.py'), APP.replace('__name__', "'__main__'"));
  writeFileSync(join(cwd, 'input.txt'), 'some input\n');
  const viewers = join(cwd, '.viewers');
  mkdirSync(viewers);
  // go stands in for `go tool pprof -http`, which serves until stopped: it stays two seconds.
  for (const viewer of ['kcachegrind', 'browser', 'go']) {
    writeFileSync(
      join(viewers, viewer),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${viewers}/${viewer}.args"\nsleep 2\n`,
    );
    chmodSync(join(viewers, viewer), 0o755);
  }
  const temporary = join(cwd, '.tmp');
  mkdirSync(temporary);
  return { cwd, viewers, temporary };
}

async function gone(folder: string): Promise<string[]> {
  for (let k = 0; k < 200 && readdirSync(folder).length > 0; k++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return readdirSync(folder);
}

const python = findPython('python3');

describe('examples in --help and the README run as written', () => {
  it('there are examples of every command', () => {
    for (const command of ['convert', 'run', 'view', 'info'])
      expect(examples.some((line) => line.startsWith(`pyprof ${command} `))).toBe(true);
    expect(examples.some((line) => line.includes('python3 -m cProfile'))).toBe(true);
  });

  for (const example of examples) {
    const needsPython = /\bpython3?\b/.test(example);
    it(example, { timeout: 120_000 }, async () => {
      // CI installs python3; without it an example that needs it cannot be checked.
      if (needsPython && 'missing' in python) expect.fail(python.missing);
      const { cwd, viewers, temporary } = workFolder(example);
      const before = new Set(readdirSync(cwd));
      const path = [join(root, 'bin'), viewers, 'missing' in python ? '' : python.path]
        .filter((part) => part !== '')
        .join(delimiter);
      const result = spawnSync('bash', ['-c', example], {
        cwd,
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: path,
          TMPDIR: temporary,
          DISPLAY: ':0',
          BROWSER: join(viewers, 'browser'),
          NO_COLOR: '1',
          PYTHONDONTWRITEBYTECODE: '1',
        },
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/error|warning/i);
      const made = readdirSync(cwd).filter((entry) => !before.has(entry));
      const viewed = ['kcachegrind', 'browser', 'go'].find((viewer) =>
        existsSync(join(viewers, `${viewer}.args`)),
      );
      if (/ view |--view|^pyprof web /.test(example)) {
        expect(viewed).toBeDefined();
        expect(result.stderr).toMatch(/^pyprof: opened /m);
        // The viewer's temporary folder goes when the viewer exits.
        expect(await gone(temporary)).toEqual([]);
      } else {
        expect(viewed).toBeUndefined();
        expect(readdirSync(temporary)).toEqual([]);
      }
      // What each example says it makes, it makes.
      const report = `${result.stdout}${result.stderr}`;
      if (example.startsWith('pyprof convert run.prof --to callgrind'))
        expect(made).toEqual(['callgrind.out.run.prof']);
      else if (example.startsWith('pyprof convert a.prof b.prof --to speedscope'))
        expect(made).toEqual(['a.prof+b.prof.speedscope.json']);
      else if (example.startsWith('pyprof convert') && / --to text/.test(example))
        expect(report).toMatch(/function calls/);
      else if (example.startsWith('pyprof info'))
        expect(result.stdout).toMatch(/^file: a\.prof$[\s\S]*^merged: a\.prof \+ b\.prof$/m);
      else if (example.includes('--to callgrind -- python3 -m mypackage'))
        expect(made).toEqual(['callgrind.out.mypackage']);
      else if (example.startsWith('pyprof run') && !example.includes('--view'))
        expect(result.stderr).toMatch(/function calls/);
      if (example.startsWith('pyprof run')) expect(result.stdout).toMatch(/^app 332833500 /);
      if (example.includes('--verbose')) expect(result.stdout).toContain("['--verbose']");
      if (example.includes('< input.txt')) expect(result.stdout).toMatch(/ 11\n$/);
    });
  }
});
