/**
 * `pyprof run -- python script.py args…`: runs a Python program under cProfile through
 * the bootstrap (run-bootstrap.ts) and hands back where the dump is, for `main` to convert
 * and show. The command after `--` is the user's own: the interpreter (any Python 2.7–3.x
 * on PATH, a virtualenv's, a path), its options, then a script, `-m module` or `-c code`,
 * then the program's arguments. The bootstrap goes in as `-c` after the interpreter's
 * options, so they keep their meaning (`-X dev`, `-u`, `-W error`, `-I`).
 *
 * The program's standard input, output and error are the process's own when `pyprof`
 * runs on real streams (inherited, so a terminal stays a terminal), else piped to the
 * streams given. While it runs, interrupt, termination and hang-up signals are passed on
 * to it and do not end `pyprof`, which still converts what the program's profiler wrote.
 * The dump goes to a temporary folder that the caller removes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ProfileError } from '@pyprof/core';
import { RUN_BOOTSTRAP } from './run-bootstrap.js';

/** What the command after `--` asks Python to run. */
export interface PythonCommand {
  readonly interpreter: string;
  /** The interpreter's own options, as given. */
  readonly options: readonly string[];
  readonly mode: 'script' | 'module' | 'code';
  /** The script's path, the module's name or the code. */
  readonly target: string;
  /** The program's arguments. */
  readonly args: readonly string[];
}

/** Python options that take a value (2.7's `-Q` included). */
const WITH_VALUE = new Set(['W', 'X', 'Q']);
const LONG_WITH_VALUE = new Set(['--check-hash-based-pycs']);

function usage(message: string): ProfileError {
  return new ProfileError('INVALID_OPTION', message);
}

/** Reads `python [options] (script | -m module | -c code) [args…]` as CPython does. */
export function parsePythonCommand(command: readonly string[]): PythonCommand {
  const [interpreter, ...rest] = command;
  if (interpreter === undefined || interpreter === '')
    throw usage(
      'run needs a Python command after --, e.g. pyprof run -- python3 app.py (see pyprof run --help)',
    );
  const options: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    const arg = rest[k] as string;
    if (arg === '-')
      throw usage('run cannot profile a program read from standard input; give its file');
    if (!arg.startsWith('-') || arg === '--') {
      const at = arg === '--' ? k + 1 : k;
      const target = rest[at];
      if (target === undefined) break;
      return { interpreter, options, mode: 'script', target, args: rest.slice(at + 1) };
    }
    if (arg.startsWith('--')) {
      options.push(arg);
      if (LONG_WITH_VALUE.has(arg) && rest[k + 1] !== undefined) options.push(rest[++k] as string);
      continue;
    }
    // Short options, possibly joined (`-uB`, `-Werror`, `-mhttp.server`).
    for (let c = 1; c < arg.length; c++) {
      const letter = arg[c] as string;
      if (letter === 'm' || letter === 'c') {
        const attached = arg.slice(c + 1);
        const value = attached !== '' ? attached : rest[k + 1];
        if (value === undefined) throw usage(`run: python's -${letter} needs a value`);
        if (c > 1) options.push(arg.slice(0, c));
        const args = rest.slice(attached !== '' ? k + 1 : k + 2);
        return {
          interpreter,
          options,
          mode: letter === 'm' ? 'module' : 'code',
          target: value,
          args,
        };
      }
      if (WITH_VALUE.has(letter)) {
        if (c === arg.length - 1 && rest[k + 1] !== undefined) {
          options.push(arg, rest[++k] as string);
        } else options.push(arg);
        break;
      }
      if (c === arg.length - 1) options.push(arg);
    }
  }
  throw usage(
    `run: ${basename(interpreter)} would read its program from standard input; give a script, -m module or -c code after it`,
  );
}

/** The name a run's outputs are named after: the script's file name, or the module. */
export function runName(command: PythonCommand): string {
  if (command.mode === 'script') return basename(command.target);
  if (command.mode === 'module') return command.target;
  return 'python-c';
}

export interface RunStreams {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** The program's environment (PATH finds the interpreter). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface RunResult {
  /** The program's exit status, or undefined when a signal ended it. */
  readonly status: number | undefined;
  readonly signal: NodeJS.Signals | undefined;
  /** Where the bootstrap was told to write the dump (it may not exist). */
  readonly dump: string;
  /** The temporary folder holding it, for the caller to remove. */
  readonly folder: string;
}

const require = createRequire(import.meta.url);
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs the command under the bootstrap and waits for it. The streams are inherited when
 * they are the process's own, else piped.
 */
export async function runPython(command: PythonCommand, streams: RunStreams): Promise<RunResult> {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const folder = mkdtempSync(join(tmpdir(), 'pyprof-run-'));
  const dump = join(folder, 'profile.prof');
  const inherit = (stream: Readable | Writable, own: Readable | Writable) =>
    stream === own ? 'inherit' : 'pipe';
  const stdio = [
    inherit(streams.stdin, process.stdin),
    inherit(streams.stdout, process.stdout),
    inherit(streams.stderr, process.stderr),
  ] as const;
  const child = spawn(
    command.interpreter,
    [...command.options, '-c', RUN_BOOTSTRAP, dump, command.mode, command.target, ...command.args],
    { stdio: [...stdio], env: streams.env, windowsHide: true },
  );
  // While the program runs, signals are its to handle; pyprof waits for it either way.
  const forward = (signal: NodeJS.Signals) => {
    child.kill(signal);
  };
  const listeners = FORWARDED.map((signal) => {
    const listener = () => {
      // An interrupt from the terminal reaches the program too (same process group).
      if (signal !== 'SIGINT') forward(signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  if (child.stdin) {
    streams.stdin.pipe(child.stdin);
    child.stdin.on('error', () => {}); // the program need not read all of it
  }
  child.stdout?.pipe(streams.stdout, { end: false });
  child.stderr?.pipe(streams.stderr, { end: false });
  try {
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, killed) => resolve([code, killed]));
      },
    );
    return { status: status ?? undefined, signal: signal ?? undefined, dump, folder };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    const code = (error as { code?: string }).code;
    throw new ProfileError(
      'CAPABILITY_MISSING',
      `cannot run ${command.interpreter}: ${code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`,
      { cause: error },
    );
  } finally {
    if (child.stdin) streams.stdin.unpipe(child.stdin);
    for (const [signal, listener] of listeners) process.off(signal, listener);
  }
}
