// Default output names KCachegrind recognises and does not sum with other files.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callgrind, chooseCallgrindOutputName, defaultOutputName } from '../src/index.js';
import { namesOverlap } from '../src/output-name.js';

describe('defaultOutputName', () => {
  it('is callgrind.out.<input name>, without folders or .gz', () => {
    expect(callgrind.defaultOutputName?.('run.prof', [])).toBe('callgrind.out.run.prof');
    expect(callgrind.defaultOutputName?.('run.prof', ['callgrind.out.run.prof.1'])).toBe(
      'callgrind.out.pyprof-1.run.prof',
    );
    expect(defaultOutputName('/tmp/x/run.prof')).toBe('callgrind.out.run.prof');
    expect(defaultOutputName('C:\\tmp\\run.prof')).toBe('callgrind.out.run.prof');
    expect(defaultOutputName('run.prof.gz')).toBe('callgrind.out.run.prof');
    expect(defaultOutputName('-')).toBe('callgrind.out.stdin');
  });
});

describe('chooseCallgrindOutputName', () => {
  it('keeps the default name when nothing in the folder overlaps it', () => {
    expect(chooseCallgrindOutputName('run.prof', ['run.prof', 'notes.txt'])).toBe(
      'callgrind.out.run.prof',
    );
    // An equal name is replaced, not summed.
    expect(chooseCallgrindOutputName('run.prof', ['callgrind.out.run.prof'])).toBe(
      'callgrind.out.run.prof',
    );
  });

  it('avoids a name that would pull in a longer file, or be pulled in by a shorter one', () => {
    expect(chooseCallgrindOutputName('run.prof', ['callgrind.out.run.prof.1'])).toBe(
      'callgrind.out.pyprof-1.run.prof',
    );
    expect(chooseCallgrindOutputName('run.prof', ['callgrind.out.run'])).toBe(
      'callgrind.out.pyprof-1.run.prof',
    );
    expect(
      chooseCallgrindOutputName('run.prof', [
        'callgrind.out.run.prof2',
        'callgrind.out.pyprof-1.run.prof.old',
      ]),
    ).toBe('callgrind.out.pyprof-2.run.prof');
  });

  it('finds a name overlapping no existing file whenever one exists', () => {
    const names = fc.constantFrom(
      'callgrind.out.a',
      'callgrind.out.a.1',
      'callgrind.out.a2',
      'callgrind.out.pyprof-1.a',
      'callgrind.out.pyprof-1',
      'callgrind.out.pyprof-2.a.x',
      'callgrind.out.pyprof-3.a',
      'a',
      'b.prof',
    );
    fc.assert(
      fc.property(fc.uniqueArray(names), (existing) => {
        const chosen = chooseCallgrindOutputName('a', existing);
        expect(chosen.startsWith('callgrind.out.')).toBe(true);
        expect(existing.filter((name) => namesOverlap(chosen, name))).toEqual([]);
      }),
    );
  });

  it('when every candidate overlaps, at least no existing file starts with the chosen name', () => {
    const chosen = chooseCallgrindOutputName('a', ['callgrind.out', 'callgrind.out.a.1']);
    expect(
      ['callgrind.out', 'callgrind.out.a.1'].some((n) => n !== chosen && n.startsWith(chosen)),
    ).toBe(false);
  });
});
