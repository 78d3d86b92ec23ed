// The Python source scanner against the real compiler: every code object CPython makes
// from the fixture files (fixtures/python-source/*.scopes.json, written by generate.py
// there) must find, for each line its instructions belong to, the scope with its own
// co_firstlineno — by co_name and by co_qualname. Plus the scanner's promises on broken
// and hostile text: it never throws and stays linear.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePythonSource, PythonSource, scanPythonScopes } from '../src/index.js';

const folder = join(import.meta.dirname, 'fixtures', 'python-source');

interface CodeOracle {
  name: string;
  qualname: string;
  firstlineno: number;
  lines: number[];
}

function oracle(file: string): { python: string; code: CodeOracle[] } {
  return JSON.parse(readFileSync(join(folder, `${file}.scopes.json`), 'utf8'));
}

describe.each(['tricky.py', 'pep701.py'])('%s against the compiler', (file) => {
  const source = new PythonSource(decodePythonSource(readFileSync(join(folder, file))));
  const { code } = oracle(file);

  it('finds every code object by name, for every line it runs', () => {
    const misses: string[] = [];
    for (const c of code) {
      for (const line of c.lines) {
        if (line === 0) continue; // CPython's RESUME at line 0: no source line.
        const found = source.enclosing(c.name, line);
        if (found?.firstLine !== c.firstlineno)
          misses.push(`${c.qualname} line ${line}: got ${found?.firstLine}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it('finds every code object by qualified name', () => {
    const misses: string[] = [];
    for (const c of code) {
      for (const line of c.lines) {
        if (line === 0) continue;
        const found = source.enclosing(c.qualname, line);
        if (found?.firstLine !== c.firstlineno || found.qualifiedName !== c.qualname)
          misses.push(
            `${c.qualname} line ${line}: got ${found?.qualifiedName}:${found?.firstLine}`,
          );
      }
    }
    expect(misses).toEqual([]);
  });

  it('has no scope the compiler does not have', () => {
    const real = new Set(code.map((c) => `${c.qualname}:${c.firstlineno}`));
    const extra = source.scopes
      .map((s) => `${s.qualifiedName}:${s.firstLine}`)
      // Python 3.12 inlines list, set and dict comprehensions: no code objects of their own.
      .filter((key) => !real.has(key) && !/<(?:list|set|dict)comp>:\d+$/.test(key));
    expect(extra).toEqual([]);
  });
});

describe('PythonSource', () => {
  it('tells the two `decorated` closures apart by the line that runs', () => {
    const text = readFileSync(join(folder, 'tricky.py'), 'utf8');
    const source = new PythonSource(text);
    expect(source.named('decorated').map((s) => s.firstLine)).toEqual([19, 27, 33]);
    expect(source.enclosing('decorated', 28)?.firstLine).toBe(27);
    expect(source.enclosing('decorated', 35)?.firstLine).toBe(33);
    // A line of another function is inside no `decorated`.
    expect(source.enclosing('decorated', 23)).toBeUndefined();
    // Names in strings, comments and docstrings are not definitions.
    for (const fake of ['not_a_function', 'fake_one', 'Fake', 'fake_two', 'fake_four', 'fake_six'])
      expect(source.named(fake)).toEqual([]);
  });

  it('gives the module line 1 and the whole text', () => {
    const scopes = scanPythonScopes('\n\nx = 1\n\n\ndef f():\n    return 2\n\ny = f()\n');
    expect(scopes[0]).toMatchObject({ name: '<module>', firstLine: 1, lastLine: 9, parent: -1 });
    expect(scopes[1]).toMatchObject({ name: 'f', firstLine: 6, lastLine: 7, parent: 0 });
  });

  it('ends a block at its last logical line, not at blank lines or comments after it', () => {
    const scopes = scanPythonScopes('def f():\n    x = (1,\n         2)\n\n# done\n\nz = 3\n');
    expect(scopes[1]).toMatchObject({ name: 'f', firstLine: 1, lastLine: 3 });
  });

  it('reads CR and CRLF line ends like LF', () => {
    for (const end of ['\r', '\r\n']) {
      const scopes = scanPythonScopes(
        ['def f():', '    pass', 'def g():', '    pass', ''].join(end),
      );
      expect(scopes.map((s) => [s.name, s.firstLine, s.lastLine])).toEqual([
        ['<module>', 1, 4],
        ['f', 1, 2],
        ['g', 3, 4],
      ]);
    }
  });

  it('decodes a Latin-1 coding declaration, else UTF-8 (with or without a BOM)', () => {
    const latin1 = Uint8Array.from([
      ...new TextEncoder().encode('# -*- coding: latin-1 -*-\ndef gr'),
      0xfc,
      ...new TextEncoder().encode('n():\n    pass\n'),
    ]);
    expect(new PythonSource(decodePythonSource(latin1)).named('grün')).toHaveLength(1);
    const bom = Uint8Array.from([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode('def größe(): pass\n'),
    ]);
    expect(new PythonSource(decodePythonSource(bom)).named('größe')[0]?.firstLine).toBe(1);
  });

  it('never throws on any text, and every scope stays inside the module', () => {
    const pieces = fc.constantFrom(
      'def f(',
      'def g():\n',
      'class C:\n',
      '    ',
      '\t',
      '@d\n',
      'lambda x: ',
      '[x for x in y]',
      '{a: b for a in c}',
      '(',
      ')',
      ']',
      '"',
      "'''",
      'f"{',
      '}',
      '\\\n',
      '# c\n',
      '\n',
      ',',
      ':',
      'async ',
      'x',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 60 }), (parts) => {
        const scopes = scanPythonScopes(parts.join(''));
        const module = scopes[0];
        expect(module?.name).toBe('<module>');
        for (const scope of scopes) {
          expect(scope.firstLine).toBeGreaterThanOrEqual(1);
          expect(scope.lastLine).toBeGreaterThanOrEqual(scope.firstLine);
          expect(scope.lastLine).toBeLessThanOrEqual(module?.lastLine ?? 0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('scans an unclosed string or bracket to the end without getting stuck', () => {
    const text = `def f():\n    return "${'x'.repeat(1000)}\ndef g(:\n    [\n${'y\n'.repeat(10_000)}`;
    const scopes = scanPythonScopes(text);
    expect(scopes.map((s) => s.name)).toEqual(['<module>', 'f', 'g']);
  });
});
