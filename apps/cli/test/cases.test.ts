// Command tests (pandoc's habit): each folder in test/cases/<issue>-<slug>/ holds `cmd`
// (the arguments, one per line; `$CASE` is the folder), optional `stdin` (a file fed to
// standard input), `expected.stdout`, `expected.stderr` and `expected.exitcode`. The CLI
// runs in-process with real streams. Update expectations deliberately with
// `UPDATE_CASES=1 pnpm vitest run apps/cli`.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'cases');

describe('command cases', () => {
  for (const name of readdirSync(casesDir).sort()) {
    const dir = join(casesDir, name);
    it(name, async () => {
      const args = readFileSync(join(dir, 'cmd'), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((arg) => arg.replaceAll('$CASE', dir));
      const stdinFile = join(dir, 'stdin');
      const result = await runCli(
        args,
        existsSync(stdinFile) ? readFileSync(stdinFile) : undefined,
      );
      const stdout = result.stdout.toString('utf8').replaceAll(dir, '$CASE');
      const stderr = result.stderr.replaceAll(dir, '$CASE');
      if (process.env.UPDATE_CASES) {
        writeFileSync(join(dir, 'expected.stdout'), stdout);
        writeFileSync(join(dir, 'expected.stderr'), stderr);
        writeFileSync(join(dir, 'expected.exitcode'), `${result.code}\n`);
      }
      expect(stderr).toBe(readFileSync(join(dir, 'expected.stderr'), 'utf8'));
      expect(stdout).toBe(readFileSync(join(dir, 'expected.stdout'), 'utf8'));
      expect(result.code).toBe(Number(readFileSync(join(dir, 'expected.exitcode'), 'utf8')));
    });
  }
});
