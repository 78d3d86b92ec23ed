#!/usr/bin/env node
/**
 * The `pyprof` executable: wires the process's streams into `main` and exits with its
 * status.
 *
 * Before any work it stops V8's young generation from growing (semi-space growth factor
 * 1): readers keep their data in typed arrays and allocate few, mostly long-lived objects,
 * so the default young generation (growing to 3 × 16 MB, sized for allocation-heavy
 * programs) was a fifth of the peak memory when reading a 40 MB dump, and smaller is also
 * faster. The growth factor, unlike the maximum semi-space size, is read each time the
 * space would grow, so it can be set from inside the process — no second Node start-up.
 * See docs/decisions/0002-cli-heap-settings.md.
 *
 * When `main` is done and nothing is left to flush, it exits at once: letting Node wind
 * down on its own frees the whole heap first (40–50 ms after a 100k-function conversion,
 * for memory the system takes back anyway).
 *
 * Temporary output files are removed on every way out the process can catch — an error,
 * exit, SIGINT, SIGTERM, SIGHUP (cleanup.ts). A standard error that went away (its reader
 * closed: EPIPE) is ignored rather than crashing the conversion that was reporting on it.
 */
import { setFlagsFromString } from 'node:v8';

if (process.env.PYPROF_DEFAULT_HEAP === undefined)
  setFlagsFromString('--semi-space-growth-factor=1');

const { removeOnExit } = await import('./cleanup.js');
removeOnExit();
process.stderr.on('error', () => {});

const { main } = await import('./main.js');
const terminal = (stream: NodeJS.WriteStream) =>
  stream.isTTY ? { columns: stream.columns || 80 } : undefined;
const status = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdoutTerminal: terminal(process.stdout),
  stderrTerminal: terminal(process.stderr),
});
process.exitCode = status;
// Output still queued for a pipe (asynchronous on some systems) must not be cut off.
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0)
  process.exit(status);
