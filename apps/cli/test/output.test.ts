// Output files: written atomically (a failed conversion leaves nothing behind, not even a
// temporary file), never over an input, and only where asked.
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const fixtures = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'packages',
  'input-cprofile',
  'test',
  'fixtures',
);

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'pyprof-cli-'));
}

describe('output files', () => {
  it('writes the file and nothing else into the folder', async () => {
    const dir = scratch();
    const input = join(dir, 'run.prof');
    copyFileSync(join(fixtures, 'pstats/py311/recursion.cprofile.prof'), input);
    const result = await runCli(['convert', input, '--to', 'ir', '-o', join(dir, 'out.txt')]);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['out.txt', 'run.prof']);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toMatch(/^# part 0\npyprof-ir 2\n/);
  });

  it('leaves no file (and no temporary file) when the input is refused', async () => {
    const dir = scratch();
    const input = join(dir, 'bad.prof');
    copyFileSync(join(fixtures, 'bad/pstats-py311-truncated-at-1117.prof'), input);
    const result = await runCli(['convert', input, '--to', 'ir', '-o', join(dir, 'out.txt')]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `${input}: offset 1114 (0x45a): unexpected end of data in reference index: needs 4 bytes, 3 left [cprofile/MALFORMED_INPUT]\n`,
    );
    expect(readdirSync(dir)).toEqual(['bad.prof']);
  });

  it('keeps an existing output file untouched when the conversion fails', async () => {
    const dir = scratch();
    const input = join(dir, 'bad.prof');
    copyFileSync(join(fixtures, 'bad/random-bytes.prof'), input);
    writeFileSync(join(dir, 'out.txt'), 'previous result');
    const result = await runCli(['convert', input, '--to', 'ir', '-o', join(dir, 'out.txt')]);
    expect(result.code).toBe(4);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('previous result');
    expect(readdirSync(dir).sort()).toEqual(['bad.prof', 'out.txt']);
  });

  it('refuses to write over an input', async () => {
    const dir = scratch();
    const input = join(dir, 'run.prof');
    copyFileSync(join(fixtures, 'pstats/py311/recursion.cprofile.prof'), input);
    const before = readFileSync(input);
    const result = await runCli(['convert', input, '--to', 'ir', '-o', input]);
    expect(result.code).toBe(8);
    expect(result.stderr).toMatch(/refusing to write the output over the input/);
    expect(readFileSync(input).equals(before)).toBe(true);
  });

  it('reports a folder that does not exist as an I/O error', async () => {
    const dir = scratch();
    const result = await runCli([
      'convert',
      join(fixtures, 'pstats/py311/recursion.cprofile.prof'),
      '--to',
      'ir',
      '-o',
      join(dir, 'missing', 'out.txt'),
    ]);
    expect(result.code).toBe(8);
    expect(result.stderr).toMatch(/cannot write .*out\.txt: no such folder \[IO_ERROR\]/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('keeps non-UTF-8 file-name bytes byte for byte', async () => {
    const dir = scratch();
    const result = await runCli([
      'convert',
      join(fixtures, 'pstats/nonutf8/nonutf8.py27.cprofile.prof'),
      '--to',
      'ir',
      '-o',
      join(dir, 'out.txt'),
    ]);
    expect(result.code).toBe(0);
    // The dump prints strings as JSON, so the byte 0xE9 appears as its escape; the raw
    // bytes reach byte-oriented outputs (covered by each writer's tests).
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toContain('latin\\udce9.py');
  });
});

describe('progress on stderr', () => {
  it('draws a bar for a large input only when stderr is a terminal, and erases it', async () => {
    const dir = scratch();
    const big = join(dir, 'big.prof');
    // A valid dump padded past the progress threshold (trailing bytes are ignored with a warning).
    const dump = readFileSync(join(fixtures, 'pstats/py311/recursion.cprofile.prof'));
    writeFileSync(big, Buffer.concat([dump, Buffer.alloc(9 * 1024 * 1024)]));
    const withTerminal = await runCli(
      ['convert', big, '--to', 'ir', '-o', join(dir, 'a.txt')],
      undefined,
      { stderrTerminal: { columns: 100 } },
    );
    expect(withTerminal.code).toBe(0);
    const esc = '\u001b';
    expect(withTerminal.stderr.startsWith('\rreading ')).toBe(true);
    expect(withTerminal.stderr).toMatch(
      new RegExp(`big\\.prof \\[=*\\s*\\] \\d+% \\d+ MB/9 MB${esc}\\[K`),
    );
    expect(withTerminal.stderr).toContain('\r\u001b[K');
    const piped = await runCli(['convert', big, '--to', 'ir', '-o', join(dir, 'b.txt')]);
    expect(piped.stderr).not.toContain('reading');
    expect(piped.stderr).not.toContain('\r');
  });
});

describe('default output names', () => {
  it('writes callgrind.out.<input> into the folder, avoiding names KCachegrind would sum', async () => {
    const dir = scratch();
    const input = join(fixtures, 'pstats/py311/recursion.cprofile.prof');
    const first = await runCli(['convert', input, '--to', 'callgrind', '-q'], undefined, {
      cwd: dir,
    });
    expect(first.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['callgrind.out.recursion.cprofile.prof']);
    // A file whose name extends the default would be summed with it by KCachegrind.
    writeFileSync(join(dir, 'callgrind.out.recursion.cprofile.prof.1'), 'older run');
    rmSync(join(dir, 'callgrind.out.recursion.cprofile.prof'));
    const second = await runCli(['convert', input, '--to', 'callgrind'], undefined, { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(
      `wrote callgrind to ${join(dir, 'callgrind.out.pyprof-1.recursion.cprofile.prof')} (`,
    );
    expect(readdirSync(dir).sort()).toEqual([
      'callgrind.out.pyprof-1.recursion.cprofile.prof',
      'callgrind.out.recursion.cprofile.prof.1',
    ]);
  });

  it('writes text to stdout when no -o is given', async () => {
    const result = await runCli([
      'convert',
      join(fixtures, 'pstats/py311/recursion.cprofile.prof'),
      '--to',
      'text',
      '-q',
      '--limit',
      '1',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(/function calls \(\d+ primitive calls\) in/);
  });
});
