// The command line as users meet it (issue 18): default outputs never replace a file and
// a merge is named after all its inputs, `-o` may name a folder, `--names qualified` is
// built from the names the default uses, the table fits a terminal's width, and `pyprof
// run` reads the Python command after `--` as Python would.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputBaseName } from '../src/output-name.js';
import { parsePythonCommand } from '../src/run.js';
import { runCli } from './run-cli.js';
import { cprofileFixtures, scratchFolders } from './scratch.js';

const scratch = scratchFolders('pyprof-ux-');
const decorators = join(cprofileFixtures, 'pstats', 'py313', 'decorators.cprofile.prof');
const recursion = join(cprofileFixtures, 'pstats', 'py313', 'recursion.cprofile.prof');
const samename = join(cprofileFixtures, 'pstats', 'samename', 'samename.py313.cprofile.prof');

describe('default output names', () => {
  it('never replace an existing file: the next free name is taken, and said', async () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'callgrind.out.decorators.cprofile.prof'), 'mine');
    const first = await runCli(['convert', decorators, '--to', 'callgrind'], undefined, { cwd });
    expect(first.code).toBe(0);
    expect(readFileSync(join(cwd, 'callgrind.out.decorators.cprofile.prof'), 'utf8')).toBe('mine');
    expect(first.stderr).toContain(
      `wrote callgrind to ${join(cwd, 'callgrind.out.decorators-2.cprofile.prof')} (`,
    );
    const second = await runCli(['convert', decorators, '--to', 'callgrind'], undefined, { cwd });
    expect(second.stderr).toContain('callgrind.out.decorators-3.cprofile.prof (');
    // `-o` names a file: that one is replaced, as asked.
    const named = await runCli(
      ['convert', decorators, '--to', 'callgrind', '-o', 'callgrind.out.decorators.cprofile.prof'],
      undefined,
      { cwd },
    );
    expect(named.code).toBe(0);
    expect(readFileSync(join(cwd, 'callgrind.out.decorators.cprofile.prof'), 'utf8')).toMatch(
      /^# callgrind format\n/,
    );
  });

  it('name a merge after all its inputs, or the first and a count when that gets long', async () => {
    const cwd = scratch();
    const result = await runCli(
      ['convert', decorators, recursion, '--to', 'speedscope', '-q'],
      undefined,
      {
        cwd,
      },
    );
    expect(result.code).toBe(0);
    expect(readdirSync(cwd)).toEqual([
      'decorators.cprofile.prof+recursion.cprofile.prof.speedscope.json',
    ]);
    const many = Array.from({ length: 12 }, (_, k) => `/data/run-${k}.cprofile.prof`);
    expect(outputBaseName(many)).toBe('run-0.cprofile.prof+11-more');
    expect(outputBaseName(['a.prof', 'dir/b.prof'])).toBe('a.prof+b.prof');
    expect(outputBaseName(['stdin'])).toBe('stdin');
  });

  it('go into a folder given as -o (no raw EISDIR)', async () => {
    const cwd = scratch();
    const result = await runCli(
      ['convert', decorators, '--to', 'text', '-o', '.', '-q'],
      undefined,
      {
        cwd,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readdirSync(cwd)).toEqual(['decorators.cprofile.prof.txt']);
  });
});

describe('--names qualified', () => {
  it('uses the package paths the default uses, the same for every function of a file', async () => {
    const names = async (extra: string[]) => {
      const result = await runCli([
        'convert',
        samename,
        '--to',
        'callgrind',
        '-o',
        '-',
        '-q',
        ...extra,
      ]);
      expect(result.code).toBe(0);
      return result.stdout
        .toString('utf8')
        .split('\n')
        .filter((line) => /^fn=\(\d+\) ./.test(line))
        .map((line) => line.replace(/^fn=\(\d+\) /, ''));
    };
    const short = await names([]);
    const qualified = await names(['--names', 'qualified']);
    expect(short).toContain('pkg_a.util.helper');
    expect(short).toContain('pkg_b.util.helper');
    expect(qualified).toContain('pkg_a.util.helper:5');
    expect(qualified).toContain('pkg_b.util.helper:10');
    expect(qualified).toContain('pkg_a.util.<module>:1');
    expect(qualified.filter((name) => / #\d+$/.test(name))).toEqual([]);
  });
});

describe('the table on a terminal', () => {
  it('fits 80 columns, the location giving way before the names', async () => {
    const result = await runCli(['convert', samename, '--to', 'text', '-q'], undefined, {
      stdoutTerminal: { columns: 80 },
      env: { NO_COLOR: '1' },
    });
    const lines = result.stdout.toString('utf8').split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(lines.some((line) => / pkg_a\.util\.helper( |$)/.test(line))).toBe(true);
    // Not a terminal: no width limit.
    const piped = await runCli(['convert', samename, '--to', 'text', '-q']);
    expect(piped.stdout.toString('utf8')).toContain('/pkg_a/util.py:5');
  });
});

describe('pyprof run: the Python command after --', () => {
  it('is read as CPython reads its command line', () => {
    expect(parsePythonCommand(['python3', 'app.py', '-v', 'x'])).toEqual({
      interpreter: 'python3',
      options: [],
      mode: 'script',
      target: 'app.py',
      args: ['-v', 'x'],
    });
    expect(
      parsePythonCommand(['python3', '-X', 'dev', '-uB', '-m', 'http.server', '8000']),
    ).toEqual({
      interpreter: 'python3',
      options: ['-X', 'dev', '-uB'],
      mode: 'module',
      target: 'http.server',
      args: ['8000'],
    });
    expect(parsePythonCommand(['python2.7', '-Wignore', '-mjson.tool', 'f.json'])).toMatchObject({
      options: ['-Wignore'],
      mode: 'module',
      target: 'json.tool',
      args: ['f.json'],
    });
    expect(parsePythonCommand(['py', '-Ic', 'print(1)', 'a'])).toMatchObject({
      options: ['-I'],
      mode: 'code',
      target: 'print(1)',
      args: ['a'],
    });
    expect(parsePythonCommand(['python', '--', '-odd.py'])).toMatchObject({
      mode: 'script',
      target: '-odd.py',
    });
  });

  it('is refused where Python would read standard input, or there is no command', () => {
    expect(() => parsePythonCommand([])).toThrow(/run needs a Python command after --/);
    expect(() => parsePythonCommand(['python3', '-u'])).toThrow(
      /would read its program from standard input/,
    );
    expect(() => parsePythonCommand(['python3', '-'])).toThrow(/standard input/);
    expect(() => parsePythonCommand(['python3', '-m'])).toThrow(/-m needs a value/);
  });

  it('comes after its options only', async () => {
    const before = await runCli(['run', 'app.py', '--', 'python3', 'app.py']);
    expect(before.code).toBe(2);
    expect(before.stderr).toBe(
      'pyprof: run takes its options before -- and the Python command after it; got "app.py" before -- [INVALID_OPTION]\n',
    );
    const viewTo = await runCli(['run', '--view', '--to', 'text', '--', 'python3', 'app.py']);
    expect(viewTo.stderr).toBe(
      'pyprof: --view opens the profile; it takes no --to or -o [INVALID_OPTION]\n',
    );
  });
});

describe('standard input', () => {
  it('is `<stdin>` in messages, titles and info, and `stdin` only in output file names', async () => {
    const cwd = scratch();
    const dump = readFileSync(decorators);
    const text = await runCli(['convert', '-', '--to', 'text', '-o', '-', '-q'], dump);
    expect(text.stdout.toString('utf8').split('\n')[0]).toBe('<stdin>');
    const info = await runCli(['info', '-'], dump);
    expect(info.stdout.toString('utf8').split('\n')[0]).toBe('file: <stdin>');
    const unknown = await runCli(['convert', '-', '--to', 'text'], Buffer.from('x\n'));
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^<stdin>: unknown input format: /);
    const written = await runCli(['convert', '-', '--to', 'callgrind'], dump, { cwd });
    expect(written.code).toBe(0);
    expect(readdirSync(cwd)).toEqual(['callgrind.out.stdin']);
    expect(written.stderr).toMatch(/^pyprof: wrote callgrind to \S+[\\/]callgrind\.out\.stdin \(/);
  });
});
