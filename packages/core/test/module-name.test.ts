// Dotted module names from paths: best effort, never wrong about the package root.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moduleNameFromPath } from '../src/index.js';

describe('moduleNameFromPath', () => {
  it.each([
    ['/usr/lib/python3.11/json/decoder.py', 'json.decoder'],
    ['/opt/python/3.12.1/lib/python3.12/importlib/__init__.py', 'importlib'],
    ['/usr/lib/python3/dist-packages/breezy/commands.py', 'breezy.commands'],
    ['/home/u/.venv/lib/python3.11/site-packages/a/b.py', 'a.b'],
    ['/srv/app/site-packages/x/site-packages/y/z.py', 'y.z'],
    ['C:\\Python311\\Lib\\json\\decoder.py', 'json.decoder'],
    ['/srv/pyprof-corpus/programs/decorators.py', 'decorators'],
    ['/src/pkg_a/__init__.py', 'pkg_a'],
    ['naïve dir/mod ü.py', 'mod ü'],
    ['<frozen importlib._bootstrap>', 'importlib._bootstrap'],
    ['<string>', ''],
    ['~', ''],
    ['', ''],
    ['/usr/lib/python3.11/lib-dynload/x.so', ''],
    ['/x/site-packages/1a/b.py', 'b'],
    ['/x/site-packages/a-b/c.py', 'c'],
    ['/x/site-packages/naïve/é.py', 'naïve.é'],
    ['/x/site-packages/Ⅰx/y.PY', 'Ⅰx.y'],
  ])('%s → %s', (path, module) => {
    expect(moduleNameFromPath(path)).toBe(module);
  });
});

/** The rule in regular expressions only (as first written): the scans must agree with it. */
function moduleNameByRegex(path: string): string {
  if (path === '' || path === '~') return '';
  if (path.startsWith('<')) return /^<frozen ([^>]+)>$/.exec(path)?.[1] ?? '';
  const normal = path.replace(/\\/g, '/');
  if (!/\.(?:py|pyw|pyc|pyo|pyx|pyi)$/i.test(normal)) return '';
  const all = normal.replace(/\.[^.]*$/, '').split('/');
  const isRoot = (part: string, i: number) =>
    part === 'site-packages' ||
    part === 'dist-packages' ||
    (part === 'Lib' && i > 0) ||
    (/^python\d+(?:\.\d+)?$/.test(part) && /^[lL]ib$/.test(all[i - 1] ?? ''));
  const roots = all.slice(0, -1).flatMap((part, i) => (isRoot(part, i) ? [i] : []));
  const rest = roots.length > 0 ? all.slice((roots.at(-1) as number) + 1) : undefined;
  const parts = (rest ?? all).filter((p) => !/^\.?$/.test(p));
  if (parts.at(-1) === '__init__') parts.pop();
  if (parts.length === 0) return '';
  const chosen = rest === undefined ? parts.slice(-1) : parts;
  const identifier = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;
  return chosen.every((p) => identifier.test(p)) ? chosen.join('.') : (chosen.at(-1) as string);
}

describe('moduleNameFromPath against the regular-expression rule', () => {
  const piece = fc.oneof(
    fc.constantFrom(
      'lib',
      'Lib',
      'python3.11',
      'python3',
      'python3.x',
      'pythonista',
      'site-packages',
      'dist-packages',
      '__init__',
      '.',
      '',
      'pkg_a',
      'a1',
      '1a',
      'naïve',
      'mod ü',
      'é',
      'x-y',
      'ab\u0301',
      '\u2160x',
    ),
    fc.string({ maxLength: 4 }),
    fc.string({ unit: 'binary', maxLength: 3 }),
  );
  const ending = fc.constantFrom(
    '.py',
    '.PY',
    '.Pyw',
    '.pyc',
    '.pyi',
    '.pyx',
    '.pyo',
    '.so',
    '',
    '.p',
    '.py.bak',
    '.İ',
  );
  it('gives the same module for any path', () => {
    fc.assert(
      fc.property(
        fc.constantFrom([], ['site-packages'], ['usr', 'lib', 'python3.11'], ['Lib']),
        fc.array(piece, { maxLength: 6 }),
        fc.constantFrom('/', '\\'),
        ending,
        (root, pieces, separator, end) => {
          const path = [...root, ...pieces].join(separator) + end;
          expect(moduleNameFromPath(path)).toBe(moduleNameByRegex(path));
        },
      ),
      { numRuns: 3000 },
    );
  }, 30_000);
});
