// Shared by the tests that run the real `go tool pprof` (Debian golang-go; .ci/run installs
// it, and a machine without go fails these tests rather than skipping them): running it
// with its caches in a test folder, and reading its `-top` table.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';

/** A runner of `go tool pprof ARGS FILE…` whose caches live in `folder`; its standard output. */
export function goPprofIn(folder: string): (file: string, ...args: string[]) => string {
  return (file, ...args) => {
    const run = spawnSync('go', ['tool', 'pprof', ...args, file], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, PPROF_TMPDIR: folder, HOME: folder, GOCACHE: join(folder, 'cache') },
    });
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    return run.stdout;
  };
}

/** The display flags of every `-top` the tests compare: every node, in nanoseconds. */
export const TOP_FLAGS = ['-top', '-nodecount=0', '-nodefraction=0', '-unit=ns'] as const;

export interface Top {
  total: number;
  /** Listed names in order (a name listed twice would show here twice). */
  names: string[];
  flat: Map<string, number>;
  cum: Map<string, number>;
}

/** A `-unit=ns` value (`123ns`, `-5ns` or `0`) as a number. */
export const ns = (text: string) => (text === '0' ? 0 : Number(text.replace(/ns$/, '')));

/** Parses `-top -unit=ns` output (a comparison's values may be negative). */
export function parseTop(output: string): Top {
  const total = /of (-?\d+)ns total/.exec(output) ?? /of (0) total/.exec(output);
  if (!total) throw new Error(`no total in:\n${output.slice(0, 2000)}`);
  const top: Top = { total: Number(total[1]), names: [], flat: new Map(), cum: new Map() };
  const rows = output.split('\n');
  const header = rows.findIndex((row) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%/.test(row));
  for (const row of rows.slice(header + 1)) {
    if (row === '') continue;
    const m = /^\s*(-?\d+ns|0)\s+\S+%\s+\S+%\s+(-?\d+ns|0)\s+\S+%\s{2}(.*)$/.exec(row);
    if (!m) throw new Error(`unexpected -top row: ${row}`);
    const name = m[3] as string;
    top.names.push(name);
    top.flat.set(name, ns(m[1] as string));
    top.cum.set(name, ns(m[2] as string));
  }
  return top;
}
