/**
 * The text comparison (`pyprof diff BASE NEW --to text`): core's `ProfileDiff` as four
 * tables — regressed, improved, new, removed — each function with its own and cumulative
 * cost in BASE and NEW and the change, absolute and relative to BASE, largest change
 * first. What the rows are classified and sorted by is the own cost (pprof `-top`'s flat)
 * unless `--sort cumulative` asks for the cumulative one. Functions whose cost did not
 * change are counted, not listed. Costs are milliseconds (microsecond resolution), or
 * samples for sampled stacks counted in samples; a cost the profile did not record is `-`.
 * Names come from one naming pass over both sides (`diff.set.whole`), unique by the name
 * alone, as in the table style, and each row ends with its file:line — a function
 * matched by file and name says the line it had in BASE. The notes at the end list what
 * could not be matched (several same-named functions whose lines moved), so nothing is
 * paired by guesswork and nothing disappears silently.
 */
import {
  costUnitOf,
  type DiffRow,
  functionFile,
  functionKind,
  invalidOption,
  type OptionValues,
  type ProfileDiff,
  sanitizeName,
  uniqueFunctionNames,
} from '@pyprof/core';
import { formatCount, formatFixed } from './python-format.js';

type Measure = 'own' | 'cumulative';

/** `--sort`: own (default: tottime, time, own) or cumulative (cumulative, cumtime). */
function measureOf(options: OptionValues): Measure {
  const sort = options.sort;
  const first = Array.isArray(sort) ? (sort[0] as string | undefined) : undefined;
  if (first === undefined || ['own', 'tottime', 'time'].includes(first)) return 'own';
  if (['cumulative', 'cumtime', 'cum'].includes(first)) return 'cumulative';
  throw invalidOption(
    'sort',
    `a comparison sorts by own time (own, tottime, time) or cumulative time (cumulative, cumtime); got ${JSON.stringify(first)}`,
    'text',
  );
}

function values(row: DiffRow, measure: Measure): [number, number] {
  return measure === 'own' ? [row.baseSelf, row.nextSelf] : [row.baseInclusive, row.nextInclusive];
}

/** The four groups, in the order they are printed. */
const GROUPS = ['regressed', 'improved', 'new', 'removed'] as const;
type Group = (typeof GROUPS)[number] | 'unchanged';

function groupOf(row: DiffRow, measure: Measure): Group {
  if (row.base < 0) return 'new';
  if (row.next < 0) return 'removed';
  const [before, after] = values(row, measure);
  const change = after - before;
  if (Number.isNaN(change) || change === 0) return 'unchanged';
  return change > 0 ? 'regressed' : 'improved';
}

const TITLES: Record<(typeof GROUPS)[number], string> = {
  regressed: 'Regressed',
  improved: 'Improved',
  new: 'New (only in NEW)',
  removed: 'Removed (only in BASE)',
};

/** Writes the comparison (see the file comment). */
export function* writeDiffText(diff: ProfileDiff, options: OptionValues): Generator<string> {
  const measure = measureOf(options);
  const whole = diff.set.whole;
  const samples = costUnitOf(whole) === 'samples';
  const cost = (value: number): string =>
    Number.isNaN(value) ? '-' : samples ? formatCount(value) : formatFixed(value * 1000, 3);
  const signed = (value: number): string =>
    Number.isNaN(value) ? '-' : `${value > 0 ? '+' : value < 0 ? '-' : ''}${cost(Math.abs(value))}`;
  const relative = (before: number, after: number): string => {
    if (Number.isNaN(before) || Number.isNaN(after)) return '-';
    if (before === 0) return after === 0 ? '0.0%' : 'new';
    const change = (100 * (after - before)) / before;
    return `${change > 0 ? '+' : ''}${formatFixed(change, 1)}%`;
  };
  const unit = samples ? 'samples' : 'ms';
  const names = uniqueFunctionNames(whole, { keySuffix: () => '' });
  const [baseLabel, nextLabel] = diff.set.parts.map((p) => sanitizeName(p.metadata.label ?? ''));

  yield `Comparison of ${baseLabel} with ${nextLabel}\n`;
  yield `Total own ${samples ? 'samples' : 'time'}: ${cost(diff.baseTotal)} ${unit} -> ${cost(diff.nextTotal)} ${unit} (${signed(diff.nextTotal - diff.baseTotal)} ${unit}, ${relative(diff.baseTotal, diff.nextTotal)})\n`;
  if (diff.factor !== 1) {
    yield `BASE normalized: its costs are multiplied by ${formatFixed(diff.factor, 6)} to NEW's total\n`;
  }
  yield `Sorted by the change in ${measure === 'own' ? 'own' : 'cumulative'} time, largest first; own = in the function itself, cum = with what it called\n`;

  const grouped = new Map<Group, DiffRow[]>();
  for (const row of diff.rows) {
    const group = groupOf(row, measure);
    const list = grouped.get(group) ?? [];
    list.push(row);
    grouped.set(group, list);
  }
  const headings = [
    `own Δ ${unit}`,
    'own Δ%',
    `own BASE`,
    `own NEW`,
    `cum Δ ${unit}`,
    'cum Δ%',
    `cum BASE`,
    `cum NEW`,
  ];
  const location = (row: DiffRow): string => {
    if (functionKind(whole, row.function) === 'builtin') return '(built-in)';
    const where = `${sanitizeName(functionFile(whole, row.function))}:${whole.functions.line[row.function]}`;
    return row.movedFrom !== undefined ? `${where} (line ${row.movedFrom} in BASE)` : where;
  };
  for (const group of GROUPS) {
    const rows = grouped.get(group) ?? [];
    if (rows.length === 0) continue;
    const change = (row: DiffRow): number => {
      const [before, after] = values(row, measure);
      const delta = Math.abs(after - before);
      return Number.isNaN(delta) ? -1 : delta;
    };
    rows.sort(
      (a, b) =>
        change(b) - change(a) ||
        ((names[a.function] as string) < (names[b.function] as string) ? -1 : 1),
    );
    const cells = rows.map((row) => [
      signed(row.nextSelf - row.baseSelf),
      relative(row.baseSelf, row.nextSelf),
      cost(row.baseSelf),
      cost(row.nextSelf),
      signed(row.nextInclusive - row.baseInclusive),
      relative(row.baseInclusive, row.nextInclusive),
      cost(row.baseInclusive),
      cost(row.nextInclusive),
    ]);
    const widths = headings.map((heading, c) =>
      Math.max(heading.length, ...cells.map((r) => (r[c] as string).length)),
    );
    const line = (numbers: readonly string[], rest: string): string =>
      `${numbers.map((n, c) => n.padStart(widths[c] as number)).join('  ')}  ${rest}\n`;
    yield `\n${TITLES[group]}: ${rows.length} function${rows.length === 1 ? '' : 's'}\n`;
    yield line(headings, 'function');
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k] as DiffRow;
      yield line(cells[k] as string[], `${names[row.function]}  ${location(row)}`);
    }
  }
  const unchanged = grouped.get('unchanged')?.length ?? 0;
  yield `\nUnchanged: ${unchanged} function${unchanged === 1 ? '' : 's'}\n`;
  const moved = diff.matching.moved.length;
  if (moved > 0) {
    yield `Matched by file and name because the line moved: ${moved} function${moved === 1 ? '' : 's'} (their rows say the line in BASE)\n`;
  }
  for (const group of diff.matching.ambiguous) {
    const lines = (profile: typeof whole, list: readonly number[]) =>
      list.map((fn) => profile.functions.line[fn]).join(', ');
    yield `Not matched: ${sanitizeName(group.name)} (${sanitizeName(group.file)}) is there ${group.base.length} times in BASE (lines ${lines(diff.base, group.base)}) and ${group.next.length} times in NEW (lines ${lines(diff.next, group.next)}) and its lines moved; shown as removed and new\n`;
  }
}
