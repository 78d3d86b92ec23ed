// Names for functions met one at a time (streamed traces): the first keeps its short name,
// later ones are qualified as uniqueFunctionNames qualifies, and no name is given twice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NamesInOrder } from '../src/index.js';

describe('names', () => {
  it('keeps the first short and qualifies the later ones as the naming service would', () => {
    const names = new NamesInOrder();
    expect(names.name('/src/app/mod.py', 31, 'decorated', 'python')).toBe('decorated');
    expect(names.name('/src/app/mod.py', 46, 'decorated', 'python')).toBe('decorated:46');
    expect(names.name('/src/pkg_a/util.py', 3, 'run', 'python')).toBe('run');
    expect(names.name('/src/pkg_b/util.py', 3, 'run', 'python')).toBe('pkg_b.util.run');
    expect(names.name('/src/pkg_a/__init__.py', 1, 'setup', 'python')).toBe('setup');
    expect(names.name('/src/pkg_b/__init__.py', 1, 'setup', 'python')).toBe('pkg_b.setup');
    expect(names.name('~', 0, 'len', 'builtin')).toBe('len');
    expect(names.name('/x.py', 1, 'len', 'python')).toBe('x.len');
    expect(names.name('~', 1, 'len', 'builtin')).toBe('len (~:1)');
  });

  it('never gives one name twice, whatever the functions (counters last)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            file: fc.constantFrom('/a/u.py', '/b/u.py', '/a/__init__.py', '~', '', 'x:1.py'),
            line: fc.integer({ min: 0, max: 3 }),
            name: fc.constantFrom('f', 'f:1', 'u.f', 'f #2', ' f ', 'f\n', '\udce9', 'a.u.f:1'),
            kind: fc.constantFrom('python' as const, 'builtin' as const),
          }),
          { selector: (f) => `${f.file}\u0000${f.line}\u0000${f.name}` },
        ),
        (functions) => {
          const names = new NamesInOrder();
          const given = functions.map((f) => names.name(f.file, f.line, f.name, f.kind));
          expect(new Set(given).size).toBe(given.length);
          for (const name of given) expect(name).not.toMatch(/[\n\udc80-\udcff]/);
        },
      ),
    );
  });

  it('writes undecodable bytes as \\xNN', () => {
    const names = new NamesInOrder();
    expect(names.name('/a.py', 1, 'caf\udce9', 'python')).toBe('caf\\xe9');
  });
});
