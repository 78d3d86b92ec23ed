#!/usr/bin/env node
/**
 * The `pyprof` executable: wires the process's streams into `main` and exits with its
 * status.
 *
 * Large inputs (over 32 MB on disk) are converted in a child Node process started with a
 * small young generation (`--max-semi-space-size=2`): readers keep their data in typed
 * arrays and allocate few, mostly long-lived objects, so V8's default young generation
 * (up to 3 × 16 MB, sized for allocation-heavy programs) is pure overhead there — it was
 * a fifth of the peak memory when reading a 40 MB dump, and smaller is also faster.
 * See docs/decisions/0002-cli-heap-settings.md.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LARGE_INPUT = 32 * 1024 * 1024;
const HEAP_FLAG = '--max-semi-space-size=2';

function hasLargeInput(args: readonly string[]): boolean {
  return args.some((arg) => {
    if (arg.startsWith('-')) return false;
    try {
      const info = statSync(arg);
      return info.isFile() && info.size > LARGE_INPUT;
    } catch {
      return false;
    }
  });
}

const args = process.argv.slice(2);
if (
  !process.execArgv.some((a) => a.startsWith('--max-semi-space-size')) &&
  process.env.PYPROF_NO_RESPAWN === undefined &&
  hasLargeInput(args)
) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, HEAP_FLAG, fileURLToPath(import.meta.url), ...args],
    { stdio: 'inherit' },
  );
  if (child.error) throw child.error;
  process.exitCode = child.status ?? (child.signal ? 128 + 15 : 1);
} else {
  // Loaded only here, so a process that hands the work to a child does not load every plugin.
  const { main } = await import('./main.js');
  const terminal = (stream: NodeJS.WriteStream) =>
    stream.isTTY ? { columns: stream.columns || 80 } : undefined;
  process.exitCode = await main(args, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdoutTerminal: terminal(process.stdout),
    stderrTerminal: terminal(process.stderr),
  });
}
