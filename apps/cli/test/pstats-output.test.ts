// `--to pstats` through the CLI: several inputs merged in pstats.Stats' order and a hotshot
// log (whose timeline the CLI must ask its reader for) come out as exactly the bytes the
// real interpreters verified (tests/integration/fixtures/pstats-output/results.json), the
// default output name, the code-object warning, and an unknown --python.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const root = join(import.meta.dirname, '..', '..', '..');
const results = JSON.parse(
  readFileSync(join(root, 'tests/integration/fixtures/pstats-output/results.json'), 'utf8'),
) as { jobs: Array<{ id: string; inputs: string[]; sha256: string }> };
const folder = mkdtempSync(join(tmpdir(), 'pyprof-cli-pstats-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const job = (id: string) => results.jobs.find((j) => j.id === id) as (typeof results.jobs)[number];

describe('pyprof convert --to pstats', () => {
  it('merges a Python 2.7 and a 3.13 dump into the verified bytes', async () => {
    const verified = job(
      'documented merge pstats/py27/recursion.cprofile.prof + pstats/py313/recursion.cprofile.prof --python 3',
    );
    const out = join(folder, 'merged.prof');
    const args = ['convert', ...verified.inputs.map((p) => join(root, p)), '--to', 'pstats'];
    const result = await runCli([...args, '-o', out]);
    expect(result.code).toBe(0);
    expect(sha256(out)).toBe(verified.sha256);
  });

  it('replays a hotshot log as hotshot.stats does (the verified bytes)', async () => {
    const verified = job('hotshot hotshot/py27/recursion.lines.hotshot --python 3');
    const out = join(folder, 'hotshot.prof');
    const input = join(root, verified.inputs[0] as string);
    const result = await runCli(['convert', input, '--to', 'pstats', '-o', out, '--quiet']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(sha256(out)).toBe(verified.sha256);
  });

  it('names the output after the input, and says when a code object becomes text', async () => {
    const dir = mkdtempSync(join(folder, 'cwd-'));
    const input = join(dir, 'run.prof');
    copyFileSync(
      join(root, 'packages/input-cprofile/test/fixtures/pstats/py312/decorators.profile.prof'),
      input,
    );
    const result = await runCli(['convert', input, '--to', 'pstats', '--quiet'], undefined, {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['run.prof', 'run.pyprof.prof']);
    expect(result.stderr).toMatch(
      /code object \(written by Python 3\.11 and later\) loads only there; --python 3\.12 keeps it \[pstats\/code-object-as-text\]\n$/,
    );
  });

  it('refuses a Python it does not write for', async () => {
    const input = join(
      root,
      'packages/input-cprofile/test/fixtures/pstats/py36/recursion.cprofile.prof',
    );
    const result = await runCli(['convert', input, '--to', 'pstats', '--python', '3.5', '-o', '-']);
    expect(result.code).toBe(2);
    expect(result.stdout.length).toBe(0);
    expect(result.stderr).toMatch(/option --python: expected one of auto, 2, 3, 2\.7, 3\.6/);
  });
});
