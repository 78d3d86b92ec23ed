// The writer's options: sort keys and their prefixes against each Python's own
// `Stats.get_sort_arg_defs()` (test/fixtures/format/<tag>.json), legacy integer keys,
// `--limit` parsing and the translation of Python patterns.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProfileError, optionsTable } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { text } from '../src/index.js';
import { compilePythonPattern, parseRestriction } from '../src/restrict.js';
import { resolveSortOrder, type SortField } from '../src/sort.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'format');
const tables = readdirSync(folder).map(
  (name) =>
    JSON.parse(readFileSync(join(folder, name), 'utf8')) as {
      python: string;
      sort_keys: Record<string, { fields: Array<[number, number]>; description: string }>;
      patterns: Array<{ pattern: string; valid: boolean; matches?: string[] }>;
    },
);

/** pstats' sort tuple indices. */
const FIELDS: readonly SortField[] = [
  'primitiveCalls',
  'calls',
  'selfTime',
  'inclusiveTime',
  'file',
  'line',
  'name',
  'standardName',
];

/** generate.py's PATTERN_SUBJECTS, in its order. */
const SUBJECTS = [
  '/src/app.py:12(run)',
  'x\\y',
  'xy',
  'a\u0007b',
  '[B]',
  'AZ',
  'main.py:1(<module>)',
  'abab',
  '\u0001',
  'S',
  '\u00e9t\u00e9',
  '{built-in method len}',
];

function refused(words: string[], python: 2 | 3): boolean {
  try {
    resolveSortOrder(words, python);
    return false;
  } catch (error) {
    expect(isProfileError(error) && error.code === 'INVALID_OPTION').toBe(true);
    return true;
  }
}

describe('sort keys as each Python accepts them', () => {
  for (const table of tables) {
    const major = table.python.startsWith('2.') ? 2 : 3;
    it(`Python ${table.python}: the same keys and prefixes, fields and wording`, () => {
      const accepted = Object.keys(table.sort_keys);
      expect(accepted.length).toBeGreaterThan(50);
      for (const [fragment, definition] of Object.entries(table.sort_keys)) {
        const order = resolveSortOrder([fragment], major);
        expect(order.description).toBe(definition.description);
        expect(order.terms).toEqual(
          definition.fields.map(([index, direction]) => [FIELDS[index], direction]),
        );
      }
      // Every other prefix of a key word is refused, as pstats refuses it. The one known
      // difference: Python 3.6 still lists `file` (refused there, as in 2.7); with
      // --python 3 the writer follows 3.7+, where `file` is a prefix of `filename`.
      const words = ['calls', 'ncalls', 'cumtime', 'cumulative', 'filename', 'line', 'module'];
      words.push('name', 'nfl', 'pcalls', 'stdname', 'time', 'tottime', 'file');
      for (const word of words) {
        for (let end = 1; end <= word.length; end++) {
          const fragment = word.slice(0, end);
          if (table.python.startsWith('3.6') && fragment === 'file') continue;
          expect(refused([fragment], major), fragment).toBe(!accepted.includes(fragment));
        }
      }
    });
  }

  it('joins several keys as pstats does', () => {
    expect(resolveSortOrder(['calls', 'cu', 'nfl'], 3)).toEqual({
      terms: [
        ['calls', -1],
        ['inclusiveTime', -1],
        ['name', 1],
        ['file', 1],
        ['line', 1],
      ],
      description: 'call count, cumulative time, name/file/line',
    });
  });

  it('takes one legacy integer key, alone', () => {
    expect(resolveSortOrder(['-1'], 3).description).toBe('standard name');
    expect(resolveSortOrder(['0'], 3).description).toBe('call count');
    expect(resolveSortOrder(['1'], 2).description).toBe('internal time');
    expect(resolveSortOrder(['2'], 3).description).toBe('cumulative time');
    expect(refused(['3'], 3)).toBe(true);
    expect(refused(['1', 'time'], 3)).toBe(true);
    expect(refused(['1', '2'], 3)).toBe(true);
  });
});

describe('--limit values', () => {
  it('reads counts, fractions and patterns as the issue defines them', () => {
    expect(parseRestriction('10')).toEqual({ kind: 'count', value: 10 });
    expect(parseRestriction('-1')).toEqual({ kind: 'count', value: -1 });
    expect(parseRestriction('0.25')).toEqual({ kind: 'fraction', value: 0.25 });
    expect(parseRestriction('.5')).toEqual({ kind: 'fraction', value: 0.5 });
    expect(parseRestriction('5e-2')).toEqual({ kind: 'fraction', value: 0.05 });
    // A float as pstats takes it: 1.5 is not a pattern (and restricts nothing).
    expect(parseRestriction('1.5')).toEqual({ kind: 'fraction', value: 1.5 });
    expect(parseRestriction('2e3')).toEqual({ kind: 'fraction', value: 2000 });
    expect(parseRestriction('fib')).toEqual({ kind: 'pattern', pattern: 'fib' });
    expect(parseRestriction('re:10')).toEqual({ kind: 'pattern', pattern: '10' });
    expect(parseRestriction('re:0.5')).toEqual({ kind: 'pattern', pattern: '0.5' });
  });

  it('translates Python pattern spellings', () => {
    expect(compilePythonPattern('(?P<word>ab)(?P=word)').test('x abab')).toBe(true);
    expect(compilePythonPattern('\\Amain').test('main.py')).toBe(true);
    expect(compilePythonPattern('\\Amain').test('a main')).toBe(false);
    expect(compilePythonPattern('py\\Z').test('x.py')).toBe(true);
    expect(compilePythonPattern('(?i)FIB').test('fib')).toBe(true);
    expect(compilePythonPattern('\\\\A').test('\\A')).toBe(true);
    expect(() => compilePythonPattern('(')).toThrow(SyntaxError);
    expect(compilePythonPattern('(?x) a b # letters').test('ab')).toBe(true);
    expect(() => compilePythonPattern('(?L)a')).toThrow(SyntaxError);
  });
});

describe('--limit patterns against Python re', () => {
  // test/fixtures/format/<tag>.json: whether each Python compiles a pattern, and which
  // subjects it then finds. One known difference: Python 3.8+ reads `\N{name}`; the
  // translation has no Unicode name table and refuses it.
  for (const table of tables) {
    const major = table.python.startsWith('2.') ? 2 : 3;
    it(`agrees with Python ${table.python} on ${table.patterns.length} patterns`, () => {
      const subjects = [...new Set(table.patterns.flatMap((p) => p.matches ?? []))];
      const all = table.patterns.flatMap((p) => p.matches ?? []).length;
      expect(all).toBeGreaterThan(50);
      for (const { pattern, valid, matches } of table.patterns) {
        let expression: RegExp | undefined;
        try {
          expression = compilePythonPattern(pattern, major);
        } catch (error) {
          expect(error).toBeInstanceOf(SyntaxError);
        }
        if (pattern.startsWith('\\N{') && valid && major === 3) {
          expect(expression, pattern).toBeUndefined();
          continue;
        }
        expect(expression !== undefined, `${pattern} compiles`).toBe(valid);
        if (expression === undefined) continue;
        const found = SUBJECTS.filter((subject) => (expression as RegExp).test(subject));
        expect(found, pattern).toEqual(matches);
        for (const subject of subjects) expect(SUBJECTS).toContain(subject);
      }
    });
  }
});

describe('declared options', () => {
  it('are what the CLI builds its flags from', () => {
    const options = text.options;
    expect(Object.keys(options)).toEqual(['style', 'report', 'sort', 'limit', 'python', 'width']);
    expect(options.style).toMatchObject({
      type: 'choice',
      choices: ['table', 'pstats'],
      default: 'table',
    });
    expect(options.report).toMatchObject({
      choices: ['stats', 'callers', 'callees'],
      default: 'stats',
    });
    expect(options.sort).toMatchObject({ type: 'string', repeatable: true });
    expect(options.limit).toMatchObject({ type: 'string', repeatable: true });
    expect(options.python).toMatchObject({ choices: ['auto', '2', '3'], default: 'auto' });
    expect(options.width).toMatchObject({ type: 'integer' });
    expect(optionsTable(options)).toContain('| `--limit` (repeatable) | string |');
  });

  it('are the README options table, as optionsTable renders them', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(optionsTable(text.options));
  });
});
