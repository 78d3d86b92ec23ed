// Runs the built CLI (dist/cli.js) as a child process, for the tests that need a real
// process: its own standard streams, signals, FIFOs that block, file descriptors.
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cliPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
export const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Starts `pyprof <args>`; `stdio[0]` may be a file descriptor or 'pipe'. */
export function start(
  args: readonly string[],
  options: {
    stdin?: StdioOptions extends unknown ? 'pipe' | 'ignore' | number : never;
    cwd?: string;
  } = {},
): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [cliPath, ...args], {
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    env: { ...process.env, NO_COLOR: '1' },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    ),
  );
  return { child, done };
}

/** Runs `pyprof <args>` to the end. */
export function run(
  args: readonly string[],
  options: Parameters<typeof start>[1] = {},
): Promise<Finished> {
  return start(args, options).done;
}
