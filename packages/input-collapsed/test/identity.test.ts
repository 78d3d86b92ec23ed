// Function identity in sampled stacks: the austin fixture with two closures named
// `decorated` in one file shows two functions when the sources are given — at their
// def lines, as cProfile keys them — and one plus a warning naming it without.
import { functionName, type Profile, readWith } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { collapsed } from '../src/index.js';
import { readFixture, sourcesIn } from './fixtures.js';

function decorated(profile: Profile): number[] {
  const lines: number[] = [];
  for (let fn = 0; fn < profile.functions.length; fn++)
    if (functionName(profile, fn) === 'decorated') lines.push(profile.functions.line[fn] as number);
  return lines.sort((a, b) => a - b);
}

/** cProfile's keys for this program (corpus pstats py38 oracle): name → first line. */
const CPROFILE_LINES: Record<string, number> = {
  needs_read_lock: 29,
  needs_write_lock: 44,
  Branch: 57,
  __init__: 60,
  lock_read: 66,
  lock_write: 69,
  unlock: 72,
  get_revno: 75,
  last_revision: 80,
  tags: 87,
  set_revno: 92,
  commit: 97,
  main: 107,
};

describe.each(['decorators.py38.austin', 'decorators.py38.alt.austin'])('%s', (file) => {
  const bytes = readFixture(`austin/${file}`);

  it('with the sources: two `decorated`, every function at its cProfile first line', () => {
    const set = readWith(collapsed, bytes, { sources: sourcesIn('austin') });
    const profile = set.whole;
    expect(decorated(profile)).toEqual([31, 46]);
    for (let fn = 0; fn < profile.functions.length; fn++) {
      const file = profile.strings[profile.functions.file[fn] as number];
      const name = functionName(profile, fn);
      if (file !== 'programs/decorators.py' || name === 'decorated' || name === '<module>')
        continue;
      expect(profile.functions.line[fn], name).toBe(CPROFILE_LINES[name]);
    }
    // austin's wrong line for `main` (376 in a 125-line file) still finds `main`, the only
    // definition of that name; nothing is left without its definition.
    expect(profile.metadata.warnings.map((w) => w.code)).not.toContain('not-in-source');
  });

  it('without sources: one `decorated` and a warning naming it', () => {
    const set = readWith(collapsed, bytes);
    const profile = set.whole;
    expect(decorated(profile)).toEqual([0]);
    const warning = profile.metadata.warnings.find((w) => w.code === 'identity-by-name');
    expect(warning?.message).toContain('decorated (programs/decorators.py)');
    expect(warning?.message).toContain('--sources');
  });
});

describe('sources that do not match the profile', () => {
  it('a line in no definition of that name stays (file, 0, name), with a warning', () => {
    const text = 'Thread 1;<module> (m.py);L9;f (m.py);L2;g (m.py);L7 5\nThread 1;g (m.py);L3 4\n';
    const source = 'def f():\n    g()\n    def g():\n        pass\n\n\ndef g():\n    pass\n';
    const set = readWith(collapsed, new TextEncoder().encode(text), {
      sources: { read: (path) => (path === 'm.py' ? new TextEncoder().encode(source) : undefined) },
    });
    const profile = set.whole;
    const rows = Array.from({ length: profile.functions.length }, (_, fn) => [
      functionName(profile, fn),
      profile.functions.line[fn],
    ]);
    // g at line 7 is the module-level g (7); g at line 3 is the nested g (3).
    expect(rows).toEqual([
      ['<module>', 1],
      ['f', 1],
      ['g', 7],
      ['g', 3],
    ]);
    const missing = readWith(collapsed, new TextEncoder().encode('Thread 1;g (m.py);L5 1\n'), {
      sources: { read: () => new TextEncoder().encode(source) },
    }).whole;
    expect(missing.functions.line[0]).toBe(0);
    expect(missing.metadata.warnings.map((w) => w.code)).toEqual(['not-in-source']);
    expect(missing.metadata.warnings[0]?.message).toContain('g (m.py)');
  });

  it('never asks for pseudo files, and asks for each file once', () => {
    const asked: string[] = [];
    const text = [
      'Thread 1;<module> (<frozen importlib._bootstrap>);L1;f (a.py);L2 1',
      'Thread 1;<module> (<string>);L1;f (a.py);L3 1',
      'Thread 1;f (a.py);L4 1',
    ].join('\n');
    readWith(collapsed, new TextEncoder().encode(text), {
      sources: {
        read: (path) => {
          asked.push(path);
          return undefined;
        },
      },
    });
    expect(asked).toEqual(['a.py']);
  });
});
