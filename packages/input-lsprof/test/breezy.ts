// Parsers for Breezy's own renderings of a Stats object (specs/lsprof.md §5, §6), so tests
// can hold a profile read from the pickle against what Breezy printed from the same data:
// `Stats.pprint()` text (seconds, despite its "(ms)" header; 4 decimals) and
// `_CallTreeFilter` callgrind (whole milliseconds, truncated). Also used by the
// integration test that compares our writers' outputs with these.

/** One printed row: an entry, or (in `calls`) one of its subentries. */
export interface TextRow {
  label: string;
  callcount: number;
  reccallcount: number;
  /** Seconds, rounded to 4 decimals by `%11.4f`. */
  totaltime: number;
  inlinetime: number;
}
export interface TextEntry extends TextRow {
  calls: TextRow[];
}

const HEADER = /^ +CallCount +Recursive +Total\(ms\) +Inline\(ms\) module:lineno\(function\)$/;
const ROW = /^ *(\+?)(\d+) +(\d+) +(\d+\.\d{4}) +(\d+\.\d{4}) {3}(.*)$/;

/** `Stats.pprint()` output: `"% 12s %12s %11.4f %11.4f   %s"`, subentries marked by `+`. */
export function parseBreezyText(text: string): TextEntry[] {
  const lines = text.split('\n');
  if (!HEADER.test(lines[0] ?? '')) throw new Error('not a Breezy lsprof text table');
  const entries: TextEntry[] = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const m = ROW.exec(line);
    if (!m) throw new Error(`unexpected line: ${line}`);
    const sub = m[1] === '+';
    const label = m[6] as string;
    if (sub !== label.startsWith('+')) throw new Error(`inconsistent + marks: ${line}`);
    const row: TextRow = {
      label: sub ? label.slice(1) : label,
      callcount: Number(m[2]),
      reccallcount: Number(m[3]),
      totaltime: Number(m[4]),
      inlinetime: Number(m[5]),
    };
    if (sub) (entries[entries.length - 1] as TextEntry).calls.push(row);
    else entries.push({ ...row, calls: [] });
  }
  return entries;
}

export interface CallgrindCall {
  /** `cfi=`: the callee's co_filename, or `~`. */
  file: string;
  label: string;
  count: number;
  line: number;
  /** `int(subentry.totaltime * 1000)`. */
  inclusiveMs: number;
}
export interface CallgrindEntry {
  /** `fi=`: co_filename, or `~` for a C function. */
  file: string;
  label: string;
  line: number;
  /** `int(inlinetime * 1000)`. */
  selfMs: number;
  calls: CallgrindCall[];
}

/** `fn=` / `cfn=` text back to the pickle's label: `name module:line` or a C label. */
function labelOf(file: string, fn: string): { label: string; line: number } {
  if (file === '~') return { label: fn, line: 0 };
  const space = fn.indexOf(' ');
  const colon = fn.lastIndexOf(':');
  if (space < 0 || colon < space) throw new Error(`unexpected function name: ${fn}`);
  const line = Number(fn.slice(colon + 1));
  return { label: `${fn.slice(space + 1, colon)}:${line}(${fn.slice(0, space)})`, line };
}

/** `_CallTreeFilter` output: `events: Ticks`, `summary:`, then one block per entry. */
export function parseBreezyCallgrind(text: string): {
  summary: number;
  entries: CallgrindEntry[];
} {
  const lines = text.split('\n');
  if (lines[0] !== 'events: Ticks') throw new Error('not a Breezy callgrind file');
  const summary = /^summary: (\d+)$/.exec(lines[1] ?? '');
  if (!summary) throw new Error('no summary line');
  const entries: CallgrindEntry[] = [];
  let k = 2;
  const next = (pattern: RegExp): RegExpExecArray => {
    const m = pattern.exec(lines[k] ?? '');
    if (!m) throw new Error(`line ${k + 1}: expected ${pattern}, found ${lines[k]}`);
    k++;
    return m;
  };
  while (k < lines.length && lines[k] !== '') {
    const file = (next(/^fi=(.*)$/)[1] as string).toString();
    const fn = next(/^fn=(.*)$/)[1] as string;
    const { label, line } = labelOf(file, fn);
    const cost = next(file === '~' ? /^(0) {2}(\d+)$/ : /^(\d+) (\d+)$/);
    if (Number(cost[1]) !== line) throw new Error(`line ${k}: cost line ${cost[1]} != ${line}`);
    const entry: CallgrindEntry = { file, label, line, selfMs: Number(cost[2]), calls: [] };
    while (lines[k] !== '') {
      const calleeFile = next(/^cfi=(.*)$/)[1] as string;
      const callee = labelOf(calleeFile, next(/^cfn=(.*)$/)[1] as string);
      const calls = next(/^calls=(\d+) (\d+)$/);
      if (Number(calls[2]) !== callee.line) throw new Error(`line ${k}: calls line mismatch`);
      const inclusive = next(/^(\d+) (\d+)$/);
      if (Number(inclusive[1]) !== line) throw new Error(`line ${k}: caller line mismatch`);
      entry.calls.push({
        file: calleeFile,
        label: callee.label,
        count: Number(calls[1]),
        line: callee.line,
        inclusiveMs: Number(inclusive[2]),
      });
    }
    k++; // the blank line after each entry
    entries.push(entry);
  }
  return { summary: Number(summary[1]), entries };
}

/** Pickle, text and callgrind files that Breezy wrote from one Stats object (fixture paths). */
export const BREEZY_RENDERINGS: ReadonlyArray<[string, string, string]> = [
  [
    'lsprof/brz/status.lsprof.pickle',
    'lsprof/brz/status.lsprof.txt',
    'lsprof/brz/callgrind.out.status',
  ],
  ...['decorators', 'recursion', 'threads'].map((program): [string, string, string] => [
    `lsprof/raw/py311-breezy/${program}.lsprof.pickle`,
    `lsprof/raw/py311-breezy/${program}.lsprof.txt`,
    `lsprof/raw/py311-breezy/callgrind.out.${program}.lsprof`,
  ]),
];

/** Rows grouped by key, in order (Breezy prints a label once per entry; labels repeat). */
export function groupBy<T>(items: Iterable<[string, T]>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const [key, item] of items) {
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}

export const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
