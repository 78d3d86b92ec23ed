/**
 * pstats' `sort_stats`: the sort keys, their unique prefixes (built by the same algorithm
 * as `Stats.get_sort_arg_defs`, so ambiguous ones such as `c`, `n`, `t` and `cum` are
 * refused exactly where pstats refuses them), the legacy integer keys, and the stable sort
 * over the tuple `(cc, nc, tt, ct, file, line, name, std_string)`. Ties keep the order
 * pstats iterates its stats dict in (the view's `order`: the file's order in Python 3, hash
 * order in Python 2.7, see stats-order.ts).
 * One deliberate difference: Python compares NaN as equal to everything (an inconsistent
 * order); here an absent value (NaN) sorts after every present one, in either direction.
 */
import { invalidOption } from '@pyprof/core';
import type { ReportView } from './view.js';

/** Fields of pstats' sort tuple, by index. */
export type SortField =
  | 'primitiveCalls'
  | 'calls'
  | 'selfTime'
  | 'inclusiveTime'
  | 'file'
  | 'line'
  | 'name'
  | 'standardName';

/** One field and its direction: 1 ascending, -1 descending. */
export type SortTerm = readonly [SortField, 1 | -1];

interface SortKeyDefinition {
  readonly terms: readonly SortTerm[];
  /** The "Ordered by" wording. */
  readonly description: string;
}

const CALLS: SortKeyDefinition = { terms: [['calls', -1]], description: 'call count' };
const CUMULATIVE: SortKeyDefinition = {
  terms: [['inclusiveTime', -1]],
  description: 'cumulative time',
};
const FILE: SortKeyDefinition = { terms: [['file', 1]], description: 'file name' };
const TIME: SortKeyDefinition = { terms: [['selfTime', -1]], description: 'internal time' };

/** `Stats.sort_arg_dict_default`, in Python 3's dict order. */
const SORT_KEYS: ReadonlyArray<readonly [string, SortKeyDefinition]> = [
  ['calls', CALLS],
  ['ncalls', CALLS],
  ['cumtime', CUMULATIVE],
  ['cumulative', CUMULATIVE],
  ['filename', FILE],
  ['line', { terms: [['line', 1]], description: 'line number' }],
  ['module', FILE],
  ['name', { terms: [['name', 1]], description: 'function name' }],
  [
    'nfl',
    {
      terms: [
        ['name', 1],
        ['file', 1],
        ['line', 1],
      ],
      description: 'name/file/line',
    },
  ],
  ['pcalls', { terms: [['primitiveCalls', -1]], description: 'primitive call count' }],
  ['stdname', { terms: [['standardName', 1]], description: 'standard name' }],
  ['time', TIME],
  ['tottime', TIME],
];

/** Python 2.7–3.6 also list `file`, which makes the word `file` itself ambiguous. */
const PYTHON2_EXTRA: readonly [string, SortKeyDefinition] = ['file', FILE];

const LEGACY: Readonly<Record<string, string>> = {
  '-1': 'stdname',
  '0': 'calls',
  '1': 'time',
  '2': 'cumulative',
};

/** The full sort-key words (for help texts). */
export const SORT_KEY_WORDS: readonly string[] = SORT_KEYS.map(([word]) => word);

/** `get_sort_arg_defs`: every unique prefix of every key word. */
function sortArgDefinitions(python: 2 | 3): Map<string, SortKeyDefinition> {
  const defs = new Map<string, SortKeyDefinition>();
  const bad = new Set<string>();
  const words = python === 2 ? [...SORT_KEYS, PYTHON2_EXTRA] : SORT_KEYS;
  for (const [word, definition] of words) {
    for (let fragment = word; fragment !== ''; fragment = fragment.slice(0, -1)) {
      if (defs.has(fragment)) {
        bad.add(fragment);
        break;
      }
      defs.set(fragment, definition);
    }
  }
  for (const fragment of bad) defs.delete(fragment);
  return defs;
}

const DEFINITIONS = { 2: sortArgDefinitions(2), 3: sortArgDefinitions(3) } as const;

export interface SortOrder {
  readonly terms: readonly SortTerm[];
  /** pstats' `sort_type`, e.g. `cumulative time, internal time`. */
  readonly description: string;
}

/**
 * Resolves sort words as `sort_stats(*words)` does: full keys or unique prefixes, or one
 * legacy integer (-1 stdname, 0 calls, 1 time, 2 cumulative). Throws `INVALID_OPTION`.
 */
export function resolveSortOrder(words: readonly string[], python: 2 | 3): SortOrder {
  const integers = words.filter((word) => /^[+-]?\d+$/.test(word));
  let keys = words;
  if (integers.length > 0) {
    const legacy = words.length === 1 ? LEGACY[String(Number(words[0]))] : undefined;
    if (legacy === undefined) {
      throw invalidOption(
        'sort',
        words.length === 1
          ? `the legacy integer keys are -1 (stdname), 0 (calls), 1 (time) and 2 (cumulative), got ${words[0]}`
          : 'a legacy integer key cannot be combined with other keys',
        'text',
      );
    }
    keys = [legacy];
  }
  const definitions = DEFINITIONS[python];
  const terms: SortTerm[] = [];
  const descriptions: string[] = [];
  for (const word of keys) {
    const definition = definitions.get(word);
    if (!definition) {
      throw invalidOption(
        'sort',
        `unknown or ambiguous sort key ${JSON.stringify(word)}; use one of ${SORT_KEY_WORDS.join(', ')} or a unique prefix`,
        'text',
      );
    }
    terms.push(...definition.terms);
    descriptions.push(definition.description);
  }
  return { terms, description: descriptions.join(', ') };
}

/** Compares two numbers for a term; NaN (absent) after everything present. */
function compareNumbers(a: number, b: number, direction: 1 | -1): number {
  if (a < b) return -direction;
  if (a > b) return direction;
  if (a === b) return 0;
  const absentA = Number.isNaN(a);
  return absentA === Number.isNaN(b) ? 0 : absentA ? 1 : -1;
}

/** The functions in pstats' sorted order (stable: ties keep the view's dict order). */
export function sortFunctions(view: ReportView, terms: readonly SortTerm[]): number[] {
  const fns = view.profile.functions;
  const column = (field: SortField): ArrayLike<number> => {
    switch (field) {
      case 'primitiveCalls':
        return fns.primitiveCallCount;
      case 'calls':
        return fns.callCount;
      case 'selfTime':
        return fns.selfTime;
      case 'inclusiveTime':
        return fns.inclusiveTime;
      case 'file':
        return view.fileRanks;
      case 'line':
        return fns.line;
      case 'name':
        return view.nameRanks;
      default:
        return view.standardNameRanks;
    }
  };
  const columns = terms.map(([field, direction]) => [column(field), direction] as const);
  // Array.prototype.sort is stable: equal rows keep their place in the dict order.
  return Array.from(view.order).sort((a, b) => {
    for (const [values, direction] of columns) {
      const result = compareNumbers(values[a] as number, values[b] as number, direction);
      if (result !== 0) return result;
    }
    return 0;
  });
}
