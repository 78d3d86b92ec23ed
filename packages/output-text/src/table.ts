/**
 * The table style (the default): pstats' numbers made readable. Times in milliseconds
 * with microsecond resolution (pstats' `0.000` hides most of a small profile), percentages
 * of the total self time, and names from core's naming service made unique by the name
 * alone, so same-named functions never look alike (`decorated:31` / `decorated:46`,
 * `pkg_a.util.run` / `pkg_b.util.run`) even where the location is cut short; each is
 * followed by its file:line. File names whose bytes are not UTF-8 are written byte for byte,
 * as `ls` and pstats show them (a UTF-8 terminal shows the odd byte as �). Columns are
 * aligned; with a width (the terminal's, or `--width`) the location gives way first:
 * built-ins' long names run on into it (their location, `(built-in)`, says nothing), it is
 * shortened with `…` (keeping its end), and it is left out where the whole names would
 * not fit beside its shortest form; only names wider than the whole line are cut. Colour only
 * when the context says the terminal wants it. Absent values (count-only edges of the
 * `profile` module, times a merge could not sum, call counts of sampled stacks) print as
 * `-`; a profile counted in samples shows samples where others show milliseconds, and
 * its first line says the stacks were sampled. Sorting and limits work
 * exactly as in the pstats style; an invalid pattern is an error here rather than a note.
 */
import {
  costUnitOf,
  type DiagnosticSink,
  filterNote,
  functionFile,
  functionKind,
  invalidOption,
  sanitizeName,
  totalCalls,
  uniqueFunctionNames,
} from '@pyprof/core';
import { countText, isCountOnly, printList, type ReportKind } from './pstats.js';
import { formatCount, formatFixed } from './python-format.js';
import { compilePythonPattern, type Restriction } from './restrict.js';
import type { SortOrder } from './sort.js';
import type { ReportView } from './view.js';

export interface TableOptions {
  readonly report: ReportKind;
  readonly sort: SortOrder;
  readonly restrictions: readonly Restriction[];
  readonly headerNames: readonly string[];
  /** Line width to fit; 0 = no limit. */
  readonly width: number;
  readonly color: boolean;
  /** Where the table reports what it shows differently from the data. */
  readonly warn: DiagnosticSink['warn'];
}

const ESC = '\u001b[';
type Paint = (text: string, code: string) => string;

const ELLIPSIS = '…';
const MIN_NAME = 12;
const MIN_LOCATION = 16;

/** Display width, counting code points (good enough for the names profiles hold). */
const SURROGATE = /[\ud800-\udfff]/;

function displayWidth(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let width = 0;
  for (const _ of text) width++;
  return width;
}

function keepStart(text: string, width: number): string {
  if (text.length <= width) return text;
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, Math.max(0, width - 1)).join('') + ELLIPSIS;
}

function keepEnd(text: string, width: number): string {
  if (text.length <= width) return text;
  const chars = [...text];
  return chars.length <= width
    ? text
    : ELLIPSIS + chars.slice(chars.length - Math.max(0, width - 1)).join('');
}

function padEndDisplay(text: string, width: number): string {
  const missing = width - displayWidth(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

interface Row {
  /** calls, self, self %, total, total % (already formatted). */
  readonly numbers: readonly [string, string, string, string, string];
  /** The function the row names. */
  readonly fn: number;
  /** A caller/callee line under its function. */
  readonly edge: boolean;
  /** Self share, for colouring. */
  readonly share: number;
}

const HEADINGS = ['calls', 'self ms', 'self %', 'total ms', 'total %'] as const;
const SAMPLE_HEADINGS = ['calls', 'self', 'self %', 'total', 'total %'] as const;

/** A cost counted in samples (whole, or as the file had it). */
function sampleCount(value: number): string {
  return Number.isNaN(value) ? '-' : formatCount(value);
}

function milliseconds(seconds: number): string {
  return Number.isNaN(seconds) ? '-' : formatFixed(seconds * 1000, 3);
}

function percent(part: number, whole: number): string {
  if (Number.isNaN(part) || Number.isNaN(whole) || whole === 0) return '-';
  return `${formatFixed((100 * part) / whole, 1)}%`;
}

function callsCell(count: number, primitive: number): string {
  return Number.isNaN(count) ? '-' : countText(count, primitive);
}

export function* tableReport(view: ReportView, options: TableOptions): Generator<string> {
  const { profile } = view;
  const fns = profile.functions;
  const calls = profile.calls;
  for (const restriction of options.restrictions) {
    if (restriction.kind !== 'pattern') continue;
    try {
      compilePythonPattern(restriction.pattern, view.python);
    } catch (error) {
      throw invalidOption(
        'limit',
        `invalid regular expression ${JSON.stringify(restriction.pattern)}: ${(error as Error).message}`,
        'text',
      );
    }
  }
  const paint: Paint = options.color ? (text, code) => `${ESC}${code}m${text}${ESC}0m` : (t) => t;
  // Unique by the name alone, so the function column identifies each row even when the
  // location is shortened to fit.
  const names = uniqueFunctionNames(profile, { keySuffix: () => '' });
  const locations = Array.from({ length: fns.length }, (_, fn) =>
    functionKind(profile, fn) === 'builtin'
      ? '(built-in)'
      : `${sanitizeName(functionFile(profile, fn))}:${fns.line[fn]}`,
  );
  const nameWidths = Int32Array.from(names, displayWidth);
  const locationWidths = Int32Array.from(locations, displayWidth);
  const total = view.totalSelfTime;
  const samples = costUnitOf(profile) === 'samples';
  const cost = samples ? sampleCount : milliseconds;
  const headings = samples ? SAMPLE_HEADINGS : HEADINGS;

  for (const name of options.headerNames) yield `${paint(sanitizeName(name), '1')}\n`;
  const filtered = filterNote(profile);
  if (filtered !== undefined) yield `Filtered: ${sanitizeName(filtered)}\n`;
  const allCalls = totalCalls(profile);
  let primitive = 0;
  for (let fn = 0; fn < fns.length; fn++) primitive += fns.primitiveCallCount[fn] as number;
  if (profile.metadata.sampled) {
    yield `${samples ? `${sampleCount(total)} samples` : `${milliseconds(total)} ms`} of sampled stacks (call counts not recorded)\n`;
  } else if (Number.isNaN(allCalls)) {
    // Line-level profilers (line_profiler) time lines, not calls.
    yield `${milliseconds(total)} ms (call counts not recorded)\n`;
  } else {
    yield `${formatCount(allCalls)} function calls${
      allCalls === primitive ? '' : ` (${formatCount(primitive)} primitive calls)`
    } in ${milliseconds(total)} ms\n`;
  }
  const { list } = printList(view, options.sort, options.restrictions);
  const shown = list.length < fns.length ? `; ${list.length} of ${fns.length} functions shown` : '';
  const title =
    options.report === 'stats' ? '' : options.report === 'callers' ? 'Callers, ' : 'Callees, ';
  yield `${title}${title ? 's' : 'S'}orted by ${options.sort.description}${shown}\n\n`;
  if (list.length === 0) {
    yield '(no functions)\n';
    return;
  }

  const callers = options.report === 'callers';
  const lists = callers ? view.callers : view.callees;
  const otherEnd = callers ? calls.caller : calls.callee;
  const arrow = callers ? '<-' : '->';
  // Rows are made twice — once to measure the columns, once to print — so a report of a
  // million edges is never held in memory.
  function* rows(): Generator<Row> {
    for (const fn of list) {
      const self = fns.selfTime[fn] as number;
      yield {
        numbers: [
          callsCell(fns.callCount[fn] as number, fns.primitiveCallCount[fn] as number),
          cost(self),
          percent(self, total),
          cost(fns.inclusiveTime[fn] as number),
          percent(fns.inclusiveTime[fn] as number, total),
        ],
        fn,
        edge: false,
        share: Number.isNaN(self) || total === 0 ? 0 : self / total,
      };
      if (options.report === 'stats') continue;
      for (const edge of view.sortedEdges(lists, fn, otherEnd)) {
        const other = otherEnd[edge] as number;
        const countOnly = isCountOnly(view, edge);
        yield {
          numbers: [
            callsCell(calls.callCount[edge] as number, calls.primitiveCallCount[edge] as number),
            countOnly ? '-' : cost(calls.selfTime[edge] as number),
            '',
            countOnly ? '-' : cost(calls.inclusiveTime[edge] as number),
            '',
          ],
          fn: other,
          edge: true,
          share: 0,
        };
      }
    }
  }

  const numberWidths = headings.map((heading) => heading.length);
  let nameWidth = 'function'.length;
  /** The widest name of a function that has a file (a built-in's location says nothing). */
  let fileNameWidth = nameWidth;
  let locationWidth = 0;
  let fileLocationWidth = 0;
  const isBuiltin = (fn: number) => functionKind(profile, fn) === 'builtin';
  for (const row of rows()) {
    row.numbers.forEach((cell, column) => {
      numberWidths[column] = Math.max(numberWidths[column] as number, cell.length);
    });
    const width = (nameWidths[row.fn] as number) + (row.edge ? 3 : 0);
    nameWidth = Math.max(nameWidth, width);
    locationWidth = Math.max(locationWidth, locationWidths[row.fn] as number);
    if (!isBuiltin(row.fn)) {
      fileNameWidth = Math.max(fileNameWidth, width);
      fileLocationWidth = Math.max(fileLocationWidth, locationWidths[row.fn] as number);
    }
  }
  const numbersWidth = numberWidths.reduce((sum, w) => sum + w + 2, 0);
  /** Built-ins' names run on into the location column (theirs would be `(built-in)`). */
  let builtinsSpan = false;
  if (options.width > 0) {
    // Numbers first, then the whole name (unique on its own), then the location. The
    // location gives way first: built-ins' long names take its place in their rows, then
    // it is shortened (its end, the file name and line, stays); where even its shortest
    // form leaves too little room for the names, it is left out. Names are cut only when
    // they alone are wider than what is left.
    const available = options.width - numbersWidth;
    if (nameWidth + 2 + locationWidth > available) {
      if (available - fileNameWidth - 2 >= MIN_LOCATION) {
        builtinsSpan = fileNameWidth < nameWidth;
        nameWidth = fileNameWidth;
        locationWidth = Math.min(
          builtinsSpan ? fileLocationWidth : locationWidth,
          available - nameWidth - 2,
        );
      } else {
        locationWidth = 0;
        nameWidth = Math.min(nameWidth, Math.max(MIN_NAME, available));
      }
    }
  }

  const numbers = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padStart(numberWidths[column] as number)).join('  ');
  const heading = `${numbers(headings)}  ${locationWidth > 0 ? `${padEndDisplay('function', nameWidth)}  location` : 'function'}`;
  yield paint(heading, '1');
  yield '\n';
  let first = true;
  for (const row of rows()) {
    if (!row.edge && !first && options.report !== 'stats') yield '\n';
    first = false;
    const cells = row.numbers.map((cell, column) => {
      const padded = cell.padStart(numberWidths[column] as number);
      if (column !== 2 || row.edge) return padded;
      return row.share >= 0.25
        ? paint(padded, '31')
        : row.share >= 0.05
          ? paint(padded, '33')
          : padded;
    });
    const full = row.edge ? `${arrow} ${names[row.fn]}` : (names[row.fn] as string);
    const fullWidth = (nameWidths[row.fn] as number) + (row.edge ? 3 : 0);
    const spans = builtinsSpan && isBuiltin(row.fn);
    const width = spans ? nameWidth + 2 + locationWidth : nameWidth;
    const name =
      fullWidth <= width
        ? full + ' '.repeat(width - fullWidth)
        : padEndDisplay(keepStart(full, width), width);
    const strong = !row.edge && options.report !== 'stats';
    const where =
      locationWidth > 0 && !spans
        ? `  ${paint(keepEnd(locations[row.fn] as string, locationWidth), '2')}`
        : '';
    yield `${cells.join('  ')}  ${strong ? paint(name, '1') : name}${where}`.trimEnd();
    yield '\n';
  }
}
