#!/usr/bin/env node
/**
 * The `pyprof` executable: wires the process's streams into `main` and exits with its
 * status.
 */
import { main } from './main.js';

const terminal = (stream: NodeJS.WriteStream) =>
  stream.isTTY ? { columns: stream.columns || 80 } : undefined;

process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdoutTerminal: terminal(process.stdout),
  stderrTerminal: terminal(process.stderr),
});
