/**
 * The writer's entry point: reads the option values, builds the shared view of the merged
 * profile (`set.whole`; the CLI narrows the set to one thread when asked), runs the chosen
 * style and hands its text out in chunks of about 64 KiB, so a report of a huge profile
 * never exists as one string.
 *
 * The pstats style prints what pstats would be given: with Python 2 rules, a hotshot log
 * becomes what `hotshot.stats.load` makes of it (hotshot-stats.ts; such an input has no
 * file-name header line, as there), and rows follow the order pstats iterates its stats
 * dict in (stats-order.ts), over the inputs as `pstats.Stats(a, b, …)` merges them.
 */
import {
  invalidOption,
  mergeProfiles,
  type OptionValues,
  type Profile,
  type ProfileSet,
  type WriteContext,
} from '@pyprof/core';
import { hotshotStats, isHotshotProfile } from './hotshot-stats.js';
import { pstatsReport, type ReportKind } from './pstats.js';
import type { PythonMajor } from './python-format.js';
import { parseRestriction } from './restrict.js';
import { resolveSortOrder } from './sort.js';
import { type PrintingProcess, statsOrder } from './stats-order.js';
import { tableReport } from './table.js';
import { ReportView } from './view.js';

const CHUNK = 1 << 16;

function* batched(pieces: Iterable<string>): Generator<string> {
  let buffer: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    buffer.push(piece);
    length += piece.length;
    if (length >= CHUNK) {
      yield buffer.join('');
      buffer = [];
      length = 0;
    }
  }
  if (length > 0) yield buffer.join('');
}

function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The names of the inputs, for the header line(s). */
function headerNames(set: ProfileSet, context: WriteContext): string[] {
  const names = new Set<string>();
  for (const part of set.parts) if (part.metadata.sourceName) names.add(part.metadata.sourceName);
  if (names.size === 0 && set.whole.metadata.sourceName) names.add(set.whole.metadata.sourceName);
  if (names.size === 0 && context.inputName) names.add(context.inputName);
  return [...names];
}

/** What pstats would print from, in its dict order (see the file comment). */
function pstatsView(
  set: ProfileSet,
  python: PythonMajor,
  context: WriteContext,
  process: PrintingProcess,
): { view: ReportView; headerNames: string[] } {
  let parts: readonly Profile[] = set.parts.length > 0 ? set.parts : [set.whole];
  let whole = set.whole;
  // pstats.Stats(a, b, c) lists its files as a, c, b (`add` takes its arguments in reverse).
  const named = (profiles: readonly Profile[]) => [
    ...new Set(
      [profiles[0], ...profiles.slice(1).reverse()].flatMap((p) => p?.metadata.sourceName ?? []),
    ),
  ];
  let names = parts.length > 1 ? named(parts) : [];
  if (names.length === 0) names = headerNames(set, context);
  if (python === 2 && parts.some(isHotshotProfile)) {
    // hotshot.stats' Stats has no files: only the other inputs name theirs.
    names = named(parts.filter((p) => !isHotshotProfile(p)));
    parts = parts.map((part) => (isHotshotProfile(part) ? hotshotStats(part, context) : part));
    whole =
      parts.length === 1
        ? (parts[0] as Profile)
        : mergeProfiles(parts, { order: 'pstats', label: 'merged' });
  }
  const { order, totalSelfTime } = statsOrder(whole, parts, python, process);
  return {
    view: new ReportView(whole, python, { order, totalSelfTime, process }),
    headerNames: names,
  };
}

/**
 * The text writer (the plugin's `write`). `process` carries what the printing Python
 * process decided that no input holds (stats-order.ts); the plugin passes nothing.
 */
export function* writeText(
  set: ProfileSet,
  options: OptionValues,
  context: WriteContext,
  process: PrintingProcess = {},
): Generator<string> {
  const profile = set.whole;
  const choice = options.python ?? 'auto';
  const python: PythonMajor =
    choice === '2' ? 2 : choice === '3' ? 3 : (profile.metadata.pythonMajor ?? 3);
  const style = options.style ?? 'table';
  const report = (options.report ?? 'stats') as ReportKind;
  const sortWords = list(options.sort);
  const restrictions = list(options.limit).map(parseRestriction);
  const width = options.width;
  if (width !== undefined && (typeof width !== 'number' || width < 0))
    throw invalidOption('width', `expected a number of columns ≥ 0, got ${String(width)}`, 'text');
  if (style === 'pstats') {
    const sort = sortWords.length > 0 ? resolveSortOrder(sortWords, python) : undefined;
    const { view, headerNames: names } = pstatsView(set, python, context, process);
    yield* batched(pstatsReport(view, { report, sort, restrictions, headerNames: names }));
    return;
  }
  const view = new ReportView(profile, python);
  const sort = resolveSortOrder(sortWords.length > 0 ? sortWords : ['cumulative'], python);
  const terminal = context.terminal;
  yield* batched(
    tableReport(view, {
      report,
      sort,
      restrictions,
      headerNames: headerNames(set, context),
      width: width !== undefined ? (width as number) : terminal ? terminal.width : 0,
      color: terminal?.color === true,
      warn: (diagnostic) => context.warn(diagnostic),
    }),
  );
}
