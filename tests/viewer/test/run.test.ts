// `pyprof run -- python …` with real interpreters: the result equals converting a dump
// that `python -m cProfile -o` made of the same deterministic program (the same functions
// and call counts), the program's stdin, stdout, stderr and exit status pass through, and
// no temporary file is left. Runs the built command line (bin/pyprof) as a process, as a
// user would. python3 is required (CI installs it; a missing one fails the test with the
// reason). Python 3.12 and 2.7 run wherever they are installed (on the PATH or as pyenv
// builds); where one is not, the reason is printed — Debian 12's CI has neither package.
// PYPROF_RUN_PYTHONS names Pythons that must be there (e.g. "python2.7 python3.12").
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython } from './python.js';

const root = join(import.meta.dirname, '..', '..', '..');
const launcher = join(root, 'bin', 'pyprof');
const scratch = mkdtempSync(join(tmpdir(), 'pyprof-run-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A program whose calls depend only on its input: recursion, a class, a generator. */
const PROGRAM = `import sys


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Box(object):
    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value


def squares(n):
    for k in range(n):
        yield k * k


def main():
    words = sys.stdin.read().split()
    total = sum(Box(v).get() for v in squares(len(words) + 3))
    sys.stdout.write("fib %d total %d args %s words %s\\n" % (fib(11), total, sys.argv[1:], words))
    sys.stderr.write("a line on stderr\\n")
    try:
        {}["missing"]
    except KeyError:
        pass
    sys.exit(3)


main()
`;

function run(command: string, args: string[], cwd: string, path: string, stdin: string) {
  const temporary = mkdtempSync(join(scratch, 'tmp-'));
  const result = spawnSync(command, args, {
    cwd,
    input: stdin,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: path,
      TMPDIR: temporary,
      TEMP: temporary,
      TMP: temporary,
      PYTHONDONTWRITEBYTECODE: '1',
      NO_COLOR: '1',
    },
  });
  const left = readdirSync(temporary);
  rmSync(temporary, { recursive: true, force: true });
  return { ...result, left };
}

/** The built command line, as a user runs it (through the clone's launcher). */
function pyprof(args: string[], cwd: string, path: string, stdin = '') {
  return run(process.execPath, [launcher, ...args], cwd, path, stdin);
}

/** A pstats-style report with the times masked: what must be equal is calls and names. */
function callsAndNames(report: string): string[] {
  const lines = report.split('\n');
  const start = lines.findIndex((line) => line.includes('function calls'));
  return lines
    .slice(start)
    .map((line) => line.replace(/\d+\.\d{3}/g, 'T'))
    .filter((line) => line.trim() !== '');
}

const required = new Set(
  ['python3', ...(process.env.PYPROF_RUN_PYTHONS ?? '').split(/\s+/)].filter((name) => name),
);
const installed = (python: string) => {
  if (required.has(python)) return true;
  const found = findPython(python);
  if ('missing' in found)
    console.log(`pyprof run with ${python} not tested here: ${found.missing}`);
  return !('missing' in found);
};
const cases = [
  { python: 'python3', mode: 'script' },
  { python: 'python3', mode: 'module' },
  ...['python3.12', 'python2.7', ...required]
    .filter((python, k, all) => python !== 'python3' && all.indexOf(python) === k)
    .filter(installed)
    .map((python) => ({ python, mode: 'script' }) as const),
] as const;

/** The Python's PATH, or a failed expectation saying why there is none. */
function pathOf(python: string): string {
  const found = findPython(python);
  if ('missing' in found) expect.fail(found.missing);
  return found.path;
}

describe('pyprof run with real Pythons', () => {
  for (const { python, mode } of cases) {
    const title = `${python} ${mode === 'module' ? '-m module' : 'script.py'}: the same functions and call counts as cProfile's dump, output and exit status passed through, no temporary file`;
    it(title, { timeout: 120_000 }, () => {
      const found = { path: pathOf(python) };
      const cwd = mkdtempSync(join(scratch, `${python}-`));
      const target = mode === 'module' ? ['-m', 'demo_program'] : ['demo_program.py'];
      writeFileSync(join(cwd, 'demo_program.py'), PROGRAM);
      const stdin = 'three little words';
      const report = ['--to', 'text', '--style', 'pstats', '--sort', 'stdname', '-q'];
      const ran = pyprof(
        ['run', ...report, '-o', 'run.txt', '--', python, ...target, 'a', 'b c'],
        cwd,
        found.path,
        stdin,
      );
      expect(ran.stderr).toBe('a line on stderr\n');
      expect(ran.stdout).toBe(
        "fib 89 total 55 args ['a', 'b c'] words ['three', 'little', 'words']\n",
      );
      expect(ran.status).toBe(3);
      expect(ran.left).toEqual([]);
      // The same program under cProfile's own command line, converted.
      const direct = run(
        python,
        ['-m', 'cProfile', '-o', 'cprofile.prof', ...target, 'a', 'b c'],
        cwd,
        found.path,
        stdin,
      );
      expect(direct.stdout).toBe(ran.stdout);
      expect(direct.status).toBe(0); // cProfile swallows the program's SystemExit
      const converted = pyprof(
        ['convert', 'cprofile.prof', ...report, '-o', 'cprofile.txt'],
        cwd,
        found.path,
      );
      expect(converted.status, converted.stderr).toBe(0);
      const ours = callsAndNames(readFileSync(join(cwd, 'run.txt'), 'utf8'));
      const theirs = callsAndNames(readFileSync(join(cwd, 'cprofile.txt'), 'utf8'));
      expect(ours).toEqual(theirs);
      expect(ours.some((line) => /demo_program\.py:\d+\(fib\)/.test(line))).toBe(true);
      expect(ours.filter((line) => /\(fib\)$/.test(line))).toEqual([
        expect.stringMatching(/^\s+287\/1\s/),
      ]);
      expect(readdirSync(cwd).sort()).toEqual(
        ['cprofile.prof', 'cprofile.txt', 'demo_program.py', 'run.txt'].sort(),
      );
    });
  }

  it('a default report goes to stderr after the program’s output; --to callgrind writes callgrind.out.<script>', {
    timeout: 120_000,
  }, () => {
    const python3 = { path: pathOf('python3') };
    const cwd = mkdtempSync(join(scratch, 'default-'));
    mkdirSync(join(cwd, 'sub'));
    writeFileSync(join(cwd, 'sub', 'demo_program.py'), PROGRAM);
    const table = pyprof(
      ['run', '--limit', '3', '--', 'python3', 'sub/demo_program.py'],
      cwd,
      python3.path,
    );
    expect(table.status).toBe(3);
    expect(table.stdout).toBe('fib 89 total 5 args [] words []\n');
    expect(table.stderr).toMatch(/^a line on stderr\ndemo_program\.py\n\d+ function calls/);
    const callgrind = pyprof(
      ['run', '--to', 'callgrind', '--', 'python3', 'sub/demo_program.py'],
      cwd,
      python3.path,
    );
    expect(callgrind.status).toBe(3);
    expect(callgrind.stderr).toMatch(
      /^a line on stderr\npyprof: wrote callgrind to callgrind\.out\.demo_program\.py \(/,
    );
    expect(readFileSync(join(cwd, 'callgrind.out.demo_program.py'), 'utf8')).toMatch(
      /^# callgrind format\n/,
    );
    const crash = pyprof(
      ['run', '-q', '--to', 'pstats', '--', 'python3', '-c', '1/0'],
      cwd,
      python3.path,
    );
    expect(crash.status).toBe(1);
    expect(crash.stderr).toBe(
      'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nZeroDivisionError: division by zero\n',
    );
    expect(readdirSync(cwd).sort()).toEqual(
      ['callgrind.out.demo_program.py', 'python-c.prof', 'sub'].sort(),
    );
  });
});
