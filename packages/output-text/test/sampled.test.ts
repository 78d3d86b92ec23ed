// Sampled stacks have no call counts: both styles say so on their first line instead of a
// made-up count, the table shows samples where a profile counts samples, and caller/callee
// lines keep their times (they are not the `profile` module's count-only edges).
import { type Profile, ProfileBuilder, singleProfileSet, writeToString } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { text } from '../src/index.js';

function sampled(costUnit: 'samples' | 'seconds', scale: number): Profile {
  const b = new ProfileBuilder({ format: 'test', costUnit, sampled: true });
  const main = b.addFunction('app.py', 30, 'main');
  const work = b.addFunction('app.py', 17, 'work');
  b.addFunctionNumbers(main, Number.NaN, Number.NaN, 1 * scale, 7 * scale);
  b.addFunctionNumbers(work, Number.NaN, Number.NaN, 6 * scale, 6 * scale);
  b.appendCall(main, work, Number.NaN, Number.NaN, 6 * scale, 6 * scale);
  return b.build();
}

describe('text of sampled stacks', () => {
  it('table: samples, no counts, edges with their weights', () => {
    const out = writeToString(text, singleProfileSet(sampled('samples', 1)), {
      options: { report: 'callees' },
    });
    expect(out).toBe(
      [
        '7 samples of sampled stacks (call counts not recorded)',
        'Callees, sorted by cumulative time',
        '',
        'calls  self  self %  total  total %  function  location',
        '    -     1   14.3%      7   100.0%  main      app.py:30',
        '    -     6              6           -> work   app.py:17',
        '',
        '    -     6   85.7%      6    85.7%  work      app.py:17',
        '',
      ].join('\n'),
    );
  });

  it('table: sampled time in milliseconds', () => {
    const out = writeToString(text, singleProfileSet(sampled('seconds', 1e-3)));
    expect(out.split('\n')[0]).toBe('7.000 ms of sampled stacks (call counts not recorded)');
    expect(out).toContain('self ms');
  });

  it('pstats style: the summary line names the unit instead of a call count', () => {
    const out = writeToString(text, singleProfileSet(sampled('samples', 1)), {
      options: { style: 'pstats' },
    });
    expect(out.split('\n')[0]).toBe(
      '         sampled stacks (ncalls not recorded) in 7.000 samples',
    );
  });
});

describe('text of line-level profiles (no calls recorded, not sampled)', () => {
  function lineLevel(): Profile {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('app.py', 4, 'f');
    b.addFunctionNumbers(f, Number.NaN, Number.NaN, 0.002, 0.002);
    return b.build();
  }

  it('both styles say the counts were not recorded instead of printing NaN', () => {
    const set = singleProfileSet(lineLevel());
    expect(writeToString(text, set).split('\n')[0]).toBe('2.000 ms (call counts not recorded)');
    const pstats = writeToString(text, set, { options: { style: 'pstats' } });
    expect(pstats).toContain('         function calls not recorded in 0.002 seconds\n');
    expect(pstats.toLowerCase()).not.toContain('nan function calls');
  });
});
