// Sampled stacks (IR `sampled`, no call counts; costs in samples or in seconds): the file
// counts samples as samples, every call line says 1 and the header says why, a function
// that is also a stack root gets a (profiler) arc, and KCachegrind's reading still passes
// every identity check.
import { type Profile, ProfileBuilder, singleProfileSet, writeToString } from '@pyprof/core';
import { inclusiveCost } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { callgrind } from '../src/index.js';
import { checkCallgrind } from './check.js';

/** main → work (6 samples on work), main (1 on itself), and work alone at the bottom (2). */
function sampled(costUnit: 'samples' | 'seconds', scale: number): Profile {
  const b = new ProfileBuilder({ format: 'test', costUnit, sampled: true });
  const main = b.addFunction('app.py', 30, 'main');
  const work = b.addFunction('app.py', 17, 'work');
  b.addFunctionNumbers(main, Number.NaN, Number.NaN, 1 * scale, 7 * scale);
  b.addFunctionNumbers(work, Number.NaN, Number.NaN, 8 * scale, 8 * scale);
  b.appendCall(main, work, Number.NaN, Number.NaN, 6 * scale, 6 * scale);
  return b.build();
}

describe('callgrind of sampled stacks', () => {
  it('counts samples as samples, whatever the unit option', () => {
    const set = singleProfileSet(sampled('samples', 1));
    const output = writeToString(callgrind, set, { options: { unit: 'us' } });
    expect(output).toContain('\nevent: samples : Samples\nevents: samples\nsummary: 9\n');
    expect(output).toContain('each calls= line says 1');
    const parsed = checkCallgrind(output, set, 'us');
    // work is called by main (6) and is the root of stacks weighing 2: (profiler) calls it.
    const work = [...parsed.functions.values()].find((f) => f.name === 'work');
    expect(work?.incoming.map((c) => [c.caller, c.count, c.cost])).toEqual([
      ['(profiler)(profiler)', 1, 2],
      ['mainapp.py', 1, 6],
    ]);
    expect(inclusiveCost(parsed, 'workapp.py')).toBe(8);
    expect(inclusiveCost(parsed, 'mainapp.py')).toBe(7);
  });

  it('writes sampled time in the time unit', () => {
    const set = singleProfileSet(sampled('seconds', 1e-3));
    const output = writeToString(callgrind, set, { options: { unit: 'us' } });
    expect(output).toContain('\nevents: us\nsummary: 9000\n');
    checkCallgrind(output, set, 'us');
  });
});
