/**
 * The writer's options, declared once (the CLI builds `--python` and `--replay-limit` from
 * them, the README its table) and read through one typed function, `pstatsOptions`, so
 * the rest of the package never casts the untyped option values.
 *
 * `--python` names the interpreter family the file is for — the marshal dialect and the
 * string types it loads — or one minor version, which also decides whether the `profile`
 * module's code-object key can stay a code object: a code object's layout belongs to a
 * group of minor versions (2.x; 3.0–3.7; 3.8–3.10; 3.11+), and only that group loads it.
 */
import type { CodeObjectLayout, OptionSpecs, OptionValues, Profile } from '@pyprof/core';

/** The minor versions a file can be written for (the interpreters it was checked with). */
export const PYTHON_VERSIONS = [
  '2.7',
  '3.6',
  '3.7',
  '3.8',
  '3.9',
  '3.10',
  '3.11',
  '3.12',
  '3.13',
] as const;
export type PythonChoice = 'auto' | '2' | '3' | (typeof PYTHON_VERSIONS)[number];
const PYTHON_CHOICES: readonly PythonChoice[] = ['auto', '2', '3', ...PYTHON_VERSIONS];

/** Default of `--replay-limit`: 10 million events, 130 MB of timeline. */
export const DEFAULT_REPLAY_LIMIT = 10_000_000;

export const pstatsOptionSpecs = {
  python: {
    type: 'choice',
    choices: PYTHON_CHOICES,
    default: 'auto',
    description:
      "the Python the file is for: `2` (2.7) or `3` (every 3.6–3.13) picks the marshal dialect and string types; a minor version (`3.12`) also keeps the `profile` module's code-object key as a code object when it was written by that version's group (else it becomes its printed form); `auto`: the family of the Python that wrote a pstats input, else 3",
  },
  'replay-limit': {
    type: 'integer',
    default: DEFAULT_REPLAY_LIMIT,
    description:
      'hotshot logs: replay up to this many call and return events the way `hotshot.stats.load` does (13 bytes of memory each); a longer log is written from its call graph, whose times can differ from hotshot.stats in the last digits',
  },
} as const satisfies OptionSpecs;

export interface PstatsOptions {
  readonly python: PythonChoice;
  readonly replayLimit: number;
}

/** The option values (already validated by core's `resolveOptions`), typed. */
export function pstatsOptions(values: OptionValues): PstatsOptions {
  const python = values.python;
  const limit = values['replay-limit'];
  return {
    python: PYTHON_CHOICES.find((choice) => choice === python) ?? 'auto',
    replayLimit:
      typeof limit === 'number' && Number.isInteger(limit) && limit >= 0
        ? limit
        : DEFAULT_REPLAY_LIMIT,
  };
}

/** What the file is written for. */
export interface Target {
  readonly major: 2 | 3;
  /**
   * The code-object layout the named interpreter loads; undefined for `3`, whose
   * interpreters load three different layouts.
   */
  readonly layout: CodeObjectLayout | undefined;
  /** For messages: `Python 3`, `Python 3.12`. */
  readonly label: string;
}

function layoutOf(version: (typeof PYTHON_VERSIONS)[number]): CodeObjectLayout {
  if (version === '2.7') return '2.x';
  const minor = Number(version.slice(2));
  return minor <= 7 ? '3.0-3.7' : minor <= 10 ? '3.8-3.10' : '3.11+';
}

/** The target for `choice`, `auto` resolved against the profile to write. */
export function resolveTarget(choice: PythonChoice, profile: Profile): Target {
  if (choice === 'auto') {
    const { format, pythonMajor } = profile.metadata;
    return resolveTarget(format === 'cprofile' && pythonMajor === 2 ? '2' : '3', profile);
  }
  if (choice === '2') return { major: 2, layout: '2.x', label: 'Python 2' };
  if (choice === '3') return { major: 3, layout: undefined, label: 'Python 3' };
  return {
    major: choice === '2.7' ? 2 : 3,
    layout: layoutOf(choice),
    label: `Python ${choice}`,
  };
}

/** The interpreters that load a code-object layout, for messages. */
export function layoutVersions(layout: CodeObjectLayout): string {
  return layout === '2.x'
    ? 'Python 2'
    : layout === '3.0-3.7'
      ? 'Python 3.0–3.7'
      : layout === '3.8-3.10'
        ? 'Python 3.8–3.10'
        : 'Python 3.11 and later';
}

/** A `--python` value whose interpreters load `layout`. */
export function versionOf(layout: CodeObjectLayout): PythonChoice {
  return layout === '2.x'
    ? '2'
    : layout === '3.0-3.7'
      ? '3.7'
      : layout === '3.8-3.10'
        ? '3.10'
        : '3.12';
}
