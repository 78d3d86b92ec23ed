// Odd targets and odd inputs through the real CLI (issue 15, docs/decisions/0012): a FIFO,
// a symbolic link to a FIFO and a character device made in a temporary folder (never the
// system's /dev/null) are written in place and stay what they were; process
// substitution, a pipe on standard input and a FIFO input are read as streams, whatever
// `stat` says of their size; a conversion killed by SIGINT, SIGTERM or SIGHUP while it
// writes leaves no temporary file and the previous output as it was. Each test removes
// its folder.
import { spawn, spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, examples, run, start } from './child.js';

const input = join(examples, 'medium.py312.prof');
let dir = '';
afterEach(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  dir = '';
});
function folder(): string {
  dir = mkdtempSync(join(tmpdir(), 'pyprof-targets-'));
  return dir;
}

/** Makes a FIFO (mkfifo(1)) at `path`. */
function fifo(path: string): string {
  const made = spawnSync('mkfifo', [path], { encoding: 'utf8' });
  expect(made.stderr).toBe('');
  expect(made.status).toBe(0);
  return path;
}

/** Everything a reader of the FIFO `path` gets, until the writer closes it. */
function readAll(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    createReadStream(path)
      .on('data', (chunk) => chunks.push(chunk as Buffer))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
}

/**
 * What `--to text` writes to standard output for the example: the expected bytes. Its
 * first line names the input: `stdin` instead for standard input, `name` for another.
 */
async function expectedText(name?: string): Promise<Buffer> {
  const result = await run(['convert', input, '--to', 'text', '--quiet']);
  expect(result.code).toBe(0);
  if (name === undefined) return result.stdout;
  const text = result.stdout.toString('utf8');
  expect(text.startsWith('medium.py312.prof\n')).toBe(true);
  return Buffer.from(`${name}${text.slice('medium.py312.prof'.length)}`);
}

describe('targets written in place, never replaced', () => {
  it('a FIFO stays a FIFO and its reader gets the whole output', async () => {
    const path = fifo(join(folder(), 'out.fifo'));
    const received = readAll(path);
    const result = await run(['convert', input, '--to', 'text', '--quiet', '-o', path]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(Buffer.compare(await received, await expectedText())).toBe(0);
    expect(lstatSync(path).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.fifo']);
  }, 60_000);

  it('a symbolic link to a FIFO stays a link to the FIFO, which gets the output', async () => {
    const target = fifo(join(folder(), 'real.fifo'));
    const link = join(dir, 'link');
    symlinkSync(target, link);
    const received = readAll(target);
    const result = await run(['convert', input, '--to', 'text', '--quiet', '-o', link]);
    expect(result.code).toBe(0);
    expect(Buffer.compare(await received, await expectedText())).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(target).isFIFO()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['link', 'real.fifo']);
  }, 60_000);

  it('a character device made in the folder (the null device, 1:3) is still that device', async () => {
    const path = join(folder(), 'null');
    // mknod needs root, as the CI and this machine's test runs have.
    const made = spawnSync('mknod', [path, 'c', '1', '3'], { encoding: 'utf8' });
    expect(made.stderr).toBe('');
    const before = statSync(path);
    expect(before.isCharacterDevice()).toBe(true);
    const result = await run(['convert', input, '--to', 'callgrind', '--quiet', '-o', path]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const after = lstatSync(path);
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
    expect(after.ino).toBe(before.ino);
    expect(readdirSync(dir)).toEqual(['null']);
  }, 60_000);
});

describe('inputs that are streams', () => {
  it('process substitution <(gzip -dc x.prof.gz) reads like the file', async () => {
    const gz = join(folder(), 'x.prof.gz');
    writeFileSync(gz, gzipSync(readFileSync(input)));
    const result = spawnSync(
      'bash',
      [
        '-c',
        'exec "$0" "$1" convert <(gzip -dc "$2") --to text --quiet',
        process.execPath,
        cliPath,
        gz,
      ],
      { encoding: 'buffer', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(0);
    // The input's name is the substitution's (`63` of /dev/fd/63): compare from line 2.
    const body = (bytes: Buffer) => bytes.subarray(bytes.indexOf(10));
    expect(Buffer.compare(body(result.stdout), body(await expectedText()))).toBe(0);
  }, 60_000);

  it('cat x.prof | pyprof convert - reads like the file', async () => {
    const expected = await expectedText('<stdin>');
    const { child, done } = start(['convert', '-', '--to', 'text', '--quiet'], { stdin: 'pipe' });
    createReadStream(input).pipe(child.stdin as NodeJS.WritableStream);
    const result = await done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(Buffer.compare(result.stdout, expected)).toBe(0);
  }, 60_000);

  it('a FIFO input is read once a writer comes, not taken as empty', async () => {
    const path = fifo(join(folder(), 'in.fifo'));
    const expected = await expectedText('in.fifo');
    const { done } = start(['convert', path, '--from', 'cprofile', '--to', 'text', '--quiet']);
    createReadStream(input).pipe(createWriteStream(path));
    const result = await done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(Buffer.compare(result.stdout, expected)).toBe(0);
  }, 60_000);
});

/** Collapsed stacks of `n` distinct three-frame stacks: a large, slow-to-write output. */
function manyStacks(n: number): string {
  const lines: string[] = [];
  for (let k = 0; k < n; k++) lines.push(`main;mod${k % 997}.work${k};leaf${k} ${1 + (k % 7)}`);
  return `${lines.join('\n')}\n`;
}

describe('signals while the output is written', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: no temporary file left, the previous output untouched`, async () => {
      const source = join(folder(), 'stacks.folded');
      writeFileSync(source, manyStacks(60_000));
      const target = join(dir, 'out.json');
      writeFileSync(target, 'the previous output\n');
      const child = spawn(
        process.execPath,
        [cliPath, 'convert', source, '--to', 'speedscope', '-o', target],
        {
          stdio: 'ignore',
        },
      );
      const ended = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('close', (_code, killedBy) => resolve(killedBy)),
      );
      // Wait for the temporary file to appear, then send the signal.
      let sent = false;
      while (!sent) {
        if (readdirSync(dir).some((name) => name.endsWith('.pyprof-tmp'))) {
          child.kill(signal);
          sent = true;
        } else if (child.exitCode !== null) break;
        else await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(sent).toBe(true);
      expect(await ended).toBe(signal);
      expect(readdirSync(dir).sort()).toEqual(['out.json', 'stacks.folded']);
      expect(readFileSync(target, 'utf8')).toBe('the previous output\n');
    }, 60_000);
  }
});
