// --strict judges every stage's warnings (issue 14): a reader's, the merge's and a
// writer's stop the run with exit 6 and no output file — an existing one untouched —
// while the same commands without --strict write. What cannot be taken back: output to
// stdout or a FIFO keeps what reached it before the writer warned (a writer that warns
// before its first chunk sends nothing). A FIFO is written in place, never replaced.
// (A transform's warning is covered with core's convert: the CLI has no transforms yet.)
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { cprofileFixtures, scratchFolders } from './scratch.js';

const pstats = join(cprofileFixtures, 'pstats');
const profileModule = join(pstats, 'py38', 'decorators.profile.prof');
const cProfile = join(pstats, 'py38', 'decorators.cprofile.prof');
const yappi = join(pstats, 'yappi', 'recursion.yappi-wall.prof');

const scratch = scratchFolders('pyprof-strict-');

const stages: Array<[string, string[], string]> = [
  ['a reader', [yappi, '--to', 'text'], 'cprofile/yappi-counts'],
  ['the merge', [profileModule, cProfile, '--to', 'text'], 'merge/mixed-edge-data'],
  ['a writer', [profileModule, '--to', 'callgrind'], 'callgrind/estimated-call-costs'],
  [
    'a writer, before its first chunk',
    [profileModule, '--to', 'speedscope', '--max-frames', '5'],
    'speedscope/stacks-pruned',
  ],
];

describe('--strict', () => {
  for (const [stage, args, code] of stages) {
    it(`stops on a warning from ${stage}: exit 6, no output file, an old one untouched`, async () => {
      const dir = scratch();
      const out = join(dir, 'out');
      const lenient = await runCli(['convert', ...args, '-o', out]);
      expect(lenient.code).toBe(0);
      expect(lenient.stderr).toContain(`[${code}]`);
      expect(readdirSync(dir)).toEqual(['out']);
      rmSync(out);

      const strict = await runCli(['convert', ...args, '-o', out, '--strict']);
      expect(strict.code).toBe(6);
      expect(strict.stderr).toContain(`[${code}]`);
      expect(strict.stderr).toMatch(/because of --strict\n$/);
      expect(readdirSync(dir)).toEqual([]);

      writeFileSync(out, 'previous result');
      expect((await runCli(['convert', ...args, '-o', out, '--strict'])).code).toBe(6);
      expect(readFileSync(out, 'utf8')).toBe('previous result');
      expect(readdirSync(dir)).toEqual(['out']);
    });
  }

  it('cannot take back what a writer sent to stdout before it warned', async () => {
    const args = ['convert', profileModule, '--to', 'callgrind', '-o', '-'];
    const lenient = await runCli(args);
    const strict = await runCli([...args, '--strict']);
    expect(strict.code).toBe(6);
    // The callgrind writer warns after its last chunk: everything reached stdout.
    expect(strict.stdout.equals(lenient.stdout)).toBe(true);
    expect(strict.stderr.split('\n').at(-2)).toBe(
      'pyprof: 1 warning while writing; output to stdout stopped because of --strict (what was written before stays)',
    );
    // The speedscope writer warns before its first chunk: nothing did.
    const early = await runCli([
      'convert',
      profileModule,
      '--to',
      'speedscope',
      '--max-frames',
      '5',
      '-o',
      '-',
      '--strict',
    ]);
    expect([early.code, early.stdout.length]).toEqual([6, 0]);
  });
});

describe('a FIFO as the output', () => {
  /** Makes a FIFO and collects what is written into it. */
  function fifo(): { path: string; read: Promise<Buffer> } {
    const path = join(scratch(), 'pipe');
    expect(spawnSync('mkfifo', [path]).status).toBe(0);
    const read = new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      createReadStream(path)
        .on('data', (chunk) => parts.push(chunk as Buffer))
        .on('end', () => resolve(Buffer.concat(parts)))
        .on('error', reject);
    });
    return { path, read };
  }

  it('is written in place, not replaced by a file', async () => {
    const { path, read } = fifo();
    const result = await runCli(['convert', cProfile, '--to', 'callgrind', '-o', path, '-q']);
    expect(result.code).toBe(0);
    const viaStdout = await runCli(['convert', cProfile, '--to', 'callgrind', '-o', '-', '-q']);
    expect((await read).equals(viaStdout.stdout)).toBe(true);
    expect(statSync(path).isFIFO()).toBe(true);
  });

  it('under --strict keeps what reached it before the warning (here: nothing)', async () => {
    const { path, read } = fifo();
    const args = [profileModule, '--to', 'speedscope', '--max-frames', '5', '-o', path];
    const result = await runCli(['convert', ...args, '--strict']);
    expect(result.code).toBe(6);
    expect(result.stderr.split('\n').at(-2)).toBe(
      `pyprof: 1 warning while writing; output to ${path} stopped because of --strict (what was written before stays)`,
    );
    expect((await read).length).toBe(0);
    expect(statSync(path).isFIFO()).toBe(true);
  });
});
