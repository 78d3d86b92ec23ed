/**
 * Which `--plugin` modules a command line asks for, read the way the argument parser will
 * read the line — because a plugin is code that runs with the user's rights, and a line
 * must load exactly what it says and nothing it only mentions:
 *
 * - only options count: `--plugin x` or `--plugin=x` before `--`; after `--` every word
 *   is an input file;
 * - never another option's value: in `--limit --plugin x`, `--plugin` is the value of
 *   `--limit` (an option that takes a value takes the next word, whatever it is);
 * - which options take values depends on the plugins loaded so far (a plugin declares its
 *   own), so the line is read again after each plugin is loaded, and the next `--plugin`
 *   is whatever that reading finds;
 * - `--version` needs no plugin: nothing is loaded;
 * - the module must be a file path or a package name: `data:`, `http:`, `https:` and any
 *   other URL scheme than `file:` are refused (a URL runs code that is not on the disk).
 */
import { ProfileError } from '@pyprof/core';

/** How an option is written: does it take the next word as its value? */
export type OptionKinds = ReadonlyMap<string, 'string' | 'boolean'>;

export interface ScannedLine {
  /** The `--plugin` values, in order. */
  plugins: string[];
  /** `--version` / `-V` is among the options. */
  version: boolean;
}

/**
 * Reads `args` with `kinds` (long names without dashes; short ones as `short:<letter>` →
 * long name via `shorts`). Unknown options are taken to take no value, as a flag.
 */
export function scanOptions(
  args: readonly string[],
  kinds: OptionKinds,
  shorts: ReadonlyMap<string, string>,
): ScannedLine {
  const out: ScannedLine = { plugins: [], version: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const name = arg.slice(2, equals < 0 ? undefined : equals);
      const inline = equals < 0 ? undefined : arg.slice(equals + 1);
      const takesValue = kinds.get(name) === 'string';
      const value = inline ?? (takesValue ? args[i + 1] : undefined);
      if (takesValue && inline === undefined) i++;
      if (name === 'plugin' && value !== undefined) out.plugins.push(value);
      if (name === 'version') out.version = true;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // A group of short options (`-qo file`): the first that takes a value takes the rest
      // of the group, or the next word.
      for (let k = 1; k < arg.length; k++) {
        const long = shorts.get(arg[k] as string);
        if (long === 'version') out.version = true;
        if (long !== undefined && kinds.get(long) === 'string') {
          if (k === arg.length - 1) i++;
          break;
        }
      }
    }
  }
  return out;
}

/** Refuses a module that is not on the disk (see the file comment). */
export function checkPluginSpec(spec: string): void {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(spec);
  // One letter before the colon is a Windows drive (`C:\\plugins\\x.js`), not a scheme.
  if (scheme && (scheme[1] as string).length > 1 && scheme[1]?.toLowerCase() !== 'file') {
    throw new ProfileError(
      'INVALID_OPTION',
      `--plugin ${spec.length > 60 ? `${spec.slice(0, 60)}…` : spec}: a plugin must be a file or an installed package, not a ${(scheme[1] as string).toLowerCase()}: URL (a plugin is code that runs with your rights)`,
    );
  }
}
