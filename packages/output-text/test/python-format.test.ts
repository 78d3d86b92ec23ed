// Python's number and string formatting against real CPython: test/fixtures/format/<tag>.json
// holds what Python 2.7, 3.6, 3.12 and 3.13 printed for `'%8.3f' % x`, `'%.3f' % x`,
// `'%.1f' % x`, `repr(x)` and `repr(s)` (see fixtures/README.md; regenerate with
// fixtures/generate.py).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  compareBytes,
  compareCodePoints,
  f8,
  formatCount,
  formatFixed,
  pythonFloatRepr,
  pythonLength,
  pythonStringRepr,
} from '../src/python-format.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'format');

interface FormatTable {
  python: string;
  floats: Array<{ value: string; f8: string; f3: string; f1: string }>;
  strings: Array<{ text: string; repr: string }>;
}

function parseValue(text: string): number {
  if (text === 'nan') return Number.NaN;
  if (text === 'inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

const tables = readdirSync(folder)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as FormatTable);

describe('formatting against CPython', () => {
  it('has tables from Python 2.7 and 3.x', () => {
    expect(tables.map((t) => t.python).sort()).toEqual(['2.7.18', '3.12.1', '3.13.0', '3.6.15']);
  });

  for (const table of tables) {
    const major = table.python.startsWith('2.') ? 2 : 3;
    describe(`Python ${table.python}`, () => {
      it(`'%8.3f', '%.3f' and '%.1f' of ${table.floats.length} doubles`, () => {
        for (const row of table.floats) {
          const value = parseValue(row.value);
          expect(f8(value), row.value).toBe(row.f8);
          expect(formatFixed(value, 3), row.value).toBe(row.f3);
          expect(formatFixed(value, 1), row.value).toBe(row.f1);
        }
      });

      it('repr of doubles', () => {
        for (const row of table.floats)
          expect(pythonFloatRepr(parseValue(row.value))).toBe(row.value);
      });

      it(`repr of strings (${major === 2 ? 'byte strings' : 'text'})`, () => {
        for (const row of table.strings) expect(pythonStringRepr(row.text, major)).toBe(row.repr);
      });
    });
  }

  it('differs from toFixed exactly where toFixed rounds a tie up', () => {
    const py312 = tables.find((t) => t.python === '3.12.1') as FormatTable;
    const sixteenth = py312.floats.find((row) => row.value === '0.0625');
    expect(sixteenth?.f8).toBe('   0.062');
    expect((0.0625).toFixed(3)).toBe('0.063');
    expect(f8(0.0625)).toBe('   0.062');
    const wrong = py312.floats.filter((row) => {
      const value = parseValue(row.value);
      return Math.abs(value) < 1e21 && value.toFixed(3) !== row.f3.replace(/^-0\.000$/, '0.000');
    });
    expect(wrong.length).toBeGreaterThan(10);
    const wide = py312.floats.find((row) => row.value === '12345.6789');
    expect(wide?.f8).toBe('12345.679');
    expect(f8(12345.6789)).toBe('12345.679');
  });
});

describe('Python string rules', () => {
  it('len counts code points in Python 3 and bytes in Python 2', () => {
    expect(pythonLength('grüße', 3)).toBe(5);
    expect(pythonLength('grüße', 2)).toBe(7);
    expect(pythonLength('latin\udce9.py', 3)).toBe(9);
    expect(pythonLength('latin\udce9.py', 2)).toBe(9);
    expect(pythonLength('\u{1f600}', 3)).toBe(1);
    expect(pythonLength('\u{1f600}', 2)).toBe(4);
  });

  it('compares by code point (Python 3), not by UTF-16 unit', () => {
    // U+FF61 is a single unit above the surrogates; U+1F600 is a surrogate pair.
    expect('\uff61' < '\u{1f600}').toBe(false);
    expect(compareCodePoints('\uff61', '\u{1f600}')).toBeLessThan(0);
    expect(compareCodePoints('a\udce9', 'a\uff61')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'abd')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('same', 'same')).toBe(0);
  });

  it('compares by byte in Python 2', () => {
    expect(compareBytes('caf\udce9', 'café')).toBeGreaterThan(0); // 0xE9 > 0xC3
    expect(compareBytes('\uff61', '\u{1f600}')).toBeLessThan(0); // EF.. < F0..
    expect(compareBytes('a', 'b')).toBeLessThan(0);
  });

  it('counts print as Python ints', () => {
    expect(formatCount(2504)).toBe('2504');
    expect(formatCount(1e21)).toBe('1000000000000000000000');
    expect(formatCount(2.5)).toBe('2.5');
  });
});
