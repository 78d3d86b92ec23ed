// Command tests (pandoc's habit): each folder in test/cases/<issue>-<slug>/ holds `cmd`
// (the arguments, one per line; `$CASE` is the folder), optional `stdin` (a file fed to
// standard input), `expected.stdout`, `expected.stderr` and `expected.exitcode`. A case
// with `expected.files` runs in a fresh temporary working folder (`$TMP` in `cmd`, where
// default output names land) and checks that afterwards the folder holds exactly the
// files listed there, one per line (an empty file: nothing was written); the folder is
// removed after the run. The CLI runs in-process with real streams. Update expectations
// deliberately with `UPDATE_CASES=1 pnpm vitest run apps/cli`.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'cases');

describe('command cases', () => {
  for (const name of readdirSync(casesDir).sort()) {
    const dir = join(casesDir, name);
    it(name, async () => {
      const filesFile = join(dir, 'expected.files');
      const work = existsSync(filesFile) ? mkdtempSync(join(tmpdir(), 'pyprof-case-')) : undefined;
      try {
        const args = readFileSync(join(dir, 'cmd'), 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((arg) => arg.replaceAll('$CASE', dir).replaceAll('$TMP', work ?? '$TMP'));
        const stdinFile = join(dir, 'stdin');
        const result = await runCli(
          args,
          existsSync(stdinFile) ? readFileSync(stdinFile) : undefined,
          work === undefined ? {} : { cwd: work },
        );
        const clean = (text: string) =>
          work === undefined
            ? text.replaceAll(dir, '$CASE')
            : text.replaceAll(dir, '$CASE').replaceAll(work, '$TMP');
        const stdout = clean(result.stdout.toString('utf8'));
        const stderr = clean(result.stderr);
        const files =
          work === undefined
            ? ''
            : readdirSync(work)
                .sort()
                .map((f) => `${f}\n`)
                .join('');
        if (process.env.UPDATE_CASES) {
          writeFileSync(join(dir, 'expected.stdout'), stdout);
          writeFileSync(join(dir, 'expected.stderr'), stderr);
          writeFileSync(join(dir, 'expected.exitcode'), `${result.code}\n`);
          if (work !== undefined) writeFileSync(filesFile, files);
        }
        expect(stderr).toBe(readFileSync(join(dir, 'expected.stderr'), 'utf8'));
        expect(stdout).toBe(readFileSync(join(dir, 'expected.stdout'), 'utf8'));
        expect(result.code).toBe(Number(readFileSync(join(dir, 'expected.exitcode'), 'utf8')));
        if (work !== undefined) expect(files).toBe(readFileSync(filesFile, 'utf8'));
      } finally {
        if (work !== undefined) rmSync(work, { recursive: true, force: true });
      }
    });
  }
});
