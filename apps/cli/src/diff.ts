/**
 * `pyprof diff BASE NEW`: compares two runs with core's `compareProfiles` and writes the
 * comparison with the chosen writer's `writeDiff` (text, callgrind, speedscope, pprof,
 * collapsed). Each side may be
 * several inputs, merged: `pyprof diff a.prof b.prof` for one each, or
 * `pyprof diff --base a1.prof --base a2.prof b1.prof b2.prof` (every `--base` is BASE, the
 * other inputs are NEW). The output goes to stdout unless `-o` names a file (written as
 * `convert` writes: atomically, never over an input). A module of its own, dispatched
 * from main.ts before the other commands' argument parsing, because its flags are its own.
 */
import { parseArgs } from 'node:util';
import {
  compareProfiles,
  createRegistry,
  type Diagnostic,
  Diagnostics,
  isInputPlugin,
  isProfileError,
  ProfileError,
} from '@pyprof/core';
import { EXIT, exitCodeFor, formatError } from './exit-codes.js';
import { FILTER_HELP, FILTER_OPTIONS, filterTransforms } from './filters.js';
import { builtinFormats } from './formats.js';
import { commandLineInputs } from './input.js';
import type { Io } from './main.js';
import { PRODUCER } from './main.js';
import { writeOutput } from './output.js';
import { sourceFiles } from './sources.js';

const DIFF_OPTIONS = {
  to: { type: 'string' },
  output: { type: 'string', short: 'o' },
  base: { type: 'string', multiple: true },
  from: { type: 'string' },
  thread: { type: 'string' },
  normalize: { type: 'boolean' },
  sort: { type: 'string', multiple: true },
  sources: { type: 'string', multiple: true },
  strict: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  ...FILTER_OPTIONS,
} as const;

export const DIFF_HELP = `Usage: pyprof diff BASE NEW [--to FORMAT] [-o FILE] [options]
       pyprof diff --base BASE1 [--base BASE2 …] NEW1 [NEW2 …] [options]

Compares two runs: which functions got slower (regressed), faster (improved), which are
new and which were removed, by own and cumulative time, with absolute and relative
changes, largest first. Several inputs on one side are merged. Functions are matched by
file, line and name; by file and name when their line moved; several same-named
functions whose lines moved are reported, not guessed.

Options:
  --to <format>     text (default): the four tables; callgrind: two event types, Base and
                    New; speedscope: both runs in one file, named BASE … and NEW …;
                    pprof: NEW's samples and BASE's negated, as go tool pprof -diff_base
                    has them; collapsed: \`stack BASE NEW\` lines, as difffolded.pl writes
                    them, for flamegraph.pl's differential flame graph
  -o, --output <file|->  where to write (default: stdout)
  --base <input>    an input of BASE (repeatable); the other inputs are NEW
  --normalize       scale BASE's times to NEW's total (compare shares, not durations)
  --sort <own|cumulative>  text: what the tables are sorted and split by (default own)
  --from <format>   input format, when detection is not wanted
  --thread <id|label|#n>  compare only this thread of each side
  --sources <dir>   the profiled program's sources (sampled stacks; repeatable)
  --strict          fail (exit 6) when there is any warning
  -q, --quiet       no summary line on stderr
${FILTER_HELP}
The filters apply to each side before the comparison.
`;

function usage(message: string): ProfileError {
  return new ProfileError('INVALID_OPTION', message);
}

function parseDiffArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: DIFF_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('. ')[0] : String(error);
    throw usage(`${message} (see pyprof diff --help)`);
  }
}

/** Prints each diagnostic once (`<input or pyprof>: <severity>: <message> [source/code]`). */
function printDiagnostics(diagnostics: Diagnostics, io: Io, printed: Set<Diagnostic>): void {
  for (const d of diagnostics.list) {
    if (printed.has(d)) continue;
    printed.add(d);
    const more = d.count > 1 ? ` (and ${d.count - 1} more like it)` : '';
    io.stderr.write(
      `${d.input ?? 'pyprof'}: ${d.severity}: ${d.message} [${d.source}/${d.code}]${more}\n`,
    );
  }
}

/** Runs `pyprof diff` (arguments after the command name); returns the exit status. */
export async function diffCommand(argv: readonly string[], io: Io): Promise<number> {
  const diagnostics = new Diagnostics();
  const printed = new Set<Diagnostic>();
  try {
    const { values: flags, positionals } = parseDiffArgs(argv);
    if (flags.help) {
      io.stdout.write(DIFF_HELP);
      return EXIT.ok;
    }
    const given: string[] = flags.base ?? [];
    const baseList = given.length > 0 ? given : positionals.slice(0, 1);
    const newPaths = given.length > 0 ? positionals : positionals.slice(1);
    if (newPaths.length === 0 || (given.length === 0 && positionals.length !== 2)) {
      throw usage(
        'diff needs BASE and NEW: pyprof diff BASE NEW, or --base BASE… NEW… (see pyprof diff --help)',
      );
    }
    if (baseList.includes('-') && newPaths.includes('-')) {
      throw usage('stdin (-) can be only one of the inputs');
    }
    const registry = createRegistry(builtinFormats);
    const inputs = (paths: readonly string[]) =>
      commandLineInputs(paths, io.stdin, () => undefined);
    const trusted = builtinFormats.filter(isInputPlugin);
    const result = await compareProfiles({
      registry,
      base: inputs(baseList),
      next: inputs(newPaths),
      to: flags.to ?? 'text',
      options: flags.sort !== undefined ? { sort: flags.sort } : {},
      ...(flags.from !== undefined ? { from: flags.from } : {}),
      ...(flags.thread !== undefined ? { thread: flags.thread } : {}),
      ...(flags.normalize ? { normalize: true } : {}),
      sources: sourceFiles(flags.sources ?? [], io.cwd ?? '.'),
      validate: io.env.PYPROF_VALIDATE !== undefined ? 'all' : { except: trusted },
      producer: PRODUCER,
      strict: flags.strict === true,
      diagnostics,
      transforms: filterTransforms(flags),
    });
    const target =
      flags.output === undefined || flags.output === '-'
        ? ({ kind: 'stdout' } as const)
        : ({ kind: 'file', path: flags.output } as const);
    await writeOutput(result.chunks, target, io.stdout, [...baseList, ...newPaths]);
    printDiagnostics(diagnostics, io, printed);
    if (!flags.quiet) {
      const { diff } = result;
      const where = target.kind === 'stdout' ? 'stdout' : target.path;
      const functions = diff.rows.length;
      io.stderr.write(
        `pyprof: wrote the ${result.writer.name} comparison to ${where} (${functions} functions, ${diff.matching.moved.length} matched by name, ${diff.matching.ambiguous.length} ambiguous)\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    printDiagnostics(diagnostics, io, printed);
    if (isProfileError(error) && error.code === 'STRICT_WARNINGS') {
      io.stderr.write(`pyprof: ${error.message}\n`);
      return EXIT.strictWarnings;
    }
    const label = (error as { input?: string }).input;
    io.stderr.write(`${label === undefined ? 'pyprof: ' : ''}${formatError(error, label)}\n`);
    return exitCodeFor(error);
  }
}
