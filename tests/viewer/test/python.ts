// Finding a working Python for the tests that need one (`pyprof run`, the examples): the
// name on the PATH when it runs (a pyenv shim that is not enabled does not), else a pyenv
// build of that version. Tests skip with a printed reason where none is found — never
// silently.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export interface FoundPython {
  /** The name to call it by once `path` is on the PATH. */
  readonly name: string;
  /** A PATH on which `name` is this Python. */
  readonly path: string;
  /** `major.minor`. */
  readonly version: string;
}

function versionOf(command: string, path: string | undefined): string | undefined {
  const result = spawnSync(command, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
    env: { ...process.env, ...(path !== undefined ? { PATH: path } : {}) },
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** `python3.12`, `python2.7`, `python3`: a working one, or why there is none. */
export function findPython(name: string): FoundPython | { missing: string } {
  const path = process.env.PATH ?? '';
  const onPath = versionOf(name, undefined);
  if (onPath !== undefined) return { name, path, version: onPath };
  const wanted = /^python(\d+(?:\.\d+)?)$/.exec(name)?.[1];
  const versions = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  if (wanted !== undefined && existsSync(versions)) {
    for (const version of readdirSync(versions).sort().reverse()) {
      if (version !== wanted && !version.startsWith(`${wanted}.`)) continue;
      const binary = join(versions, version, 'bin', name);
      if (!existsSync(binary)) continue;
      const withIt = `${dirname(binary)}${delimiter}${path}`;
      const found = versionOf(name, withIt);
      if (found !== undefined) return { name, path: withIt, version: found };
    }
  }
  return { missing: `${name} is not installed (not on the PATH, no pyenv build)` };
}
