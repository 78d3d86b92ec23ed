/**
 * The pstats style: `Stats.print_stats`, `print_callers` and `print_callees` of CPython,
 * byte for byte, for any profile (specs/pstats.md §6–§7). What is reproduced: the summary
 * line, "Ordered by" / "Random listing order", restriction messages, `nc/cc` call
 * counts, `%8.3f` rounding, blank per-call columns for zero counts, `{built-in …}` names,
 * column widths from `max_name_len` (or the listed names when restricted), callers sorted
 * by their raw key, the `profile` module's count-only callers (`name(count) cumtime`),
 * and the Python 2.7 layout (byte lengths, `<-` without a trailing space). What cannot be:
 * the file-name/date header (the file's mtime is not in the data: the input's name is
 * printed alone instead), and the address in a code object's repr (a fixed placeholder of
 * the usual width). Functions listed only as callers (dangling keys) are listed like any
 * other, with zero numbers. Every place pstats iterates a dict follows the view's dict
 * order (stats-order.ts): unsorted listings, sort ties, the callers dict that decides the
 * sub-heading, `top_level`. Sampled stacks have no pstats form: their summary line says
 * so and names the unit (seconds or samples), and their unknown call counts print as
 * Python prints NaN.
 */
import { costUnitOf, totalCalls } from '@pyprof/core';
import { f8, formatCount, formatFixed, leftJustify, pythonLength } from './python-format.js';
import { applyRestrictions, type Restriction } from './restrict.js';
import { type SortOrder, sortFunctions } from './sort.js';
import { python2Order } from './stats-order.js';
import type { Adjacency, ReportView } from './view.js';

export type ReportKind = 'stats' | 'callers' | 'callees';

export interface ReportOptions {
  readonly report: ReportKind;
  /** `undefined`: no `sort_stats` call (dict order, "Random listing order was used"). */
  readonly sort: SortOrder | undefined;
  readonly restrictions: readonly Restriction[];
  /** The file-name lines `print_stats` opens with (pstats: date and name; here: the name). */
  readonly headerNames: readonly string[];
}

export interface PrintList {
  /** Name column width (pstats' `width + 2`). */
  readonly width: number;
  readonly list: readonly number[];
  /** "Ordered by" and restriction lines. */
  readonly message: string;
}

/** pstats' `get_print_list`: sorted, restricted functions and the name column width. */
export function printList(
  view: ReportView,
  sort: SortOrder | undefined,
  restrictions: readonly Restriction[],
): PrintList {
  const all = sort ? sortFunctions(view, sort.terms) : Array.from(view.order);
  const ordered = sort
    ? `   Ordered by: ${sort.description}\n`
    : '   Random listing order was used\n';
  const { list, messages } = applyRestrictions(all, restrictions, view.standardNames, view.python);
  const widest = (fns: Iterable<number>) => {
    let width = 0;
    for (const fn of fns)
      width = Math.max(width, pythonLength(view.standardNames[fn] as string, view.python));
    return width;
  };
  const width = list.length < view.functionCount ? widest(list) : widest(all);
  return { width: width + 2, list, message: ordered + messages };
}

/** pstats' ncalls: `nc`, or `nc/cc` when they differ (an absent `cc` counts as equal). */
export function countText(calls: number, primitive: number): string {
  return calls === primitive || Number.isNaN(primitive)
    ? formatCount(calls)
    : `${formatCount(calls)}/${formatCount(primitive)}`;
}

function* statsReport(view: ReportView, options: ReportOptions): Generator<string> {
  const { profile } = view;
  const fns = profile.functions;
  for (const name of options.headerNames) yield `${name}\n`;
  if (options.headerNames.length > 0) yield '\n';
  yield* topLevelLines(view);
  const calls = totalCalls(profile);
  let primitive = 0;
  for (let fn = 0; fn < fns.length; fn++) primitive += fns.primitiveCallCount[fn] as number;
  if (profile.metadata.sampled) {
    // No pstats report has sampled stacks: say what the columns hold instead of a count.
    yield `         sampled stacks (ncalls not recorded) in ${formatFixed(view.totalSelfTime, 3)} ${costUnitOf(profile)}\n\n`;
  } else if (Number.isNaN(calls)) {
    // Line-level profilers (line_profiler) time lines, not calls.
    yield `         function calls not recorded in ${formatFixed(view.totalSelfTime, 3)} seconds\n\n`;
  } else {
    yield `         ${formatCount(calls)} function calls${
      calls === primitive ? '' : ` (${formatCount(primitive)} primitive calls)`
    } in ${formatFixed(view.totalSelfTime, 3)} seconds\n\n`;
  }
  const { list, message } = printList(view, options.sort, options.restrictions);
  if (list.length === 0) return;
  yield `${message}\n`;
  yield '   ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n';
  const blank = ' '.repeat(8);
  for (const fn of list) {
    const nc = fns.callCount[fn] as number;
    const cc = fns.primitiveCallCount[fn] as number;
    const tt = fns.selfTime[fn] as number;
    const ct = fns.inclusiveTime[fn] as number;
    yield `${countText(nc, cc).padStart(9)} ${f8(tt)} ${nc === 0 ? blank : f8(tt / nc)} ${f8(ct)} ${cc === 0 ? blank : f8(ct / cc)} ${view.standardNames[fn]}\n`;
  }
  yield '\n\n';
}

/**
 * `top_level`: the functions whose callers include `('jprofile', 0, 'profiler')`
 * (historical; normally none), in the order of the dict pstats collects them in.
 */
function* topLevelLines(view: ReportView): Generator<string> {
  const { profile } = view;
  const strings = profile.strings;
  const fns = profile.functions;
  const isRoot = (fn: number) =>
    fns.line[fn] === 0 &&
    strings[fns.file[fn] as number] === 'jprofile' &&
    strings[fns.name[fn] as number] === 'profiler';
  const { start, edges } = view.callers;
  let found: number[] = [];
  for (const fn of view.order) {
    for (let k = start[fn] as number; k < (start[fn + 1] as number); k++) {
      if (isRoot(profile.calls.caller[edges[k] as number] as number)) {
        found.push(fn);
        break;
      }
    }
  }
  if (view.python === 2) found = python2Order(profile, found, view.process);
  for (const fn of found) yield `         ${strings[fns.name[fn] as number]}\n`;
}

/**
 * True for an edge with a count only (the `profile` module's int callers: a count, no
 * primitive count); sampled stacks' edges have times and no count at all.
 */
export function isCountOnly(view: ReportView, edge: number): boolean {
  const calls = view.profile.calls;
  return (
    Number.isNaN(calls.primitiveCallCount[edge] as number) &&
    !Number.isNaN(calls.callCount[edge] as number)
  );
}

/**
 * pstats prints the ncalls/tottime/cumtime sub-heading when the first non-empty callers
 * dict (in the stats dict's order) starts with a tuple.
 */
function hasTupleCallers(view: ReportView): boolean {
  const { start, edges } = view.callers;
  for (const fn of view.order) {
    const from = start[fn] as number;
    const to = start[fn + 1] as number;
    if (to === from) continue;
    let first = edges[from] as number;
    if (view.python === 2 && to - from > 1) {
      const callers = view.profile.calls.caller;
      const edgeOf = new Map<number, number>();
      for (let k = from; k < to; k++)
        edgeOf.set(callers[edges[k] as number] as number, edges[k] as number);
      const [caller] = python2Order(view.profile, [...edgeOf.keys()], view.process);
      first = edgeOf.get(caller as number) as number;
    }
    return !isCountOnly(view, first);
  }
  return false;
}

function* callReport(view: ReportView, options: ReportOptions): Generator<string> {
  const { profile, python } = view;
  const { width, list, message } = printList(view, options.sort, options.restrictions);
  if (list.length === 0) return;
  const callers = options.report === 'callers';
  yield `${message}\n`;
  yield `${'Function '.padEnd(width)}${callers ? 'was called by...' : 'called...'}\n`;
  if (hasTupleCallers(view)) yield `${' '.repeat(width)}    ncalls  tottime  cumtime\n`;
  const lists: Adjacency = callers ? view.callers : view.callees;
  const otherEnd = callers ? profile.calls.caller : profile.calls.callee;
  const calls = profile.calls;
  const arrow = callers ? '<-' : '->';
  for (const fn of list) {
    const head = leftJustify(view.standardNames[fn] as string, width, python) + arrow;
    const edges = view.sortedEdges(lists, fn, otherEnd);
    if (edges.length === 0) {
      yield python === 2 ? `${head}\n` : `${head} \n`;
      continue;
    }
    let line = `${head} `;
    edges.forEach((edge, index) => {
      const other = otherEnd[edge] as number;
      const name = view.standardNames[other] as string;
      if (isCountOnly(view, edge)) {
        if (index > 0) line += ' '.repeat(width + 3);
        line += `${name}(${formatCount(calls.callCount[edge] as number)}) ${f8(profile.functions.inclusiveTime[other] as number)}\n`;
      } else {
        if (index > 0) line += ' '.repeat(width + 1);
        const count = countText(
          calls.callCount[edge] as number,
          calls.primitiveCallCount[edge] as number,
        );
        line += `${count.padStart(index > 0 ? 9 : 7)} ${f8(calls.selfTime[edge] as number)} ${f8(calls.inclusiveTime[edge] as number)}  ${name}\n`;
      }
    });
    yield line;
  }
  yield '\n\n';
}

/** One pstats report as text chunks. */
export function pstatsReport(view: ReportView, options: ReportOptions): Generator<string> {
  return options.report === 'stats' ? statsReport(view, options) : callReport(view, options);
}
