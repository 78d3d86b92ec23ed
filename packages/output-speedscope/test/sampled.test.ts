// Sampled stacks counted in samples: the exact call tree is written as it is, with the unit
// `none` (speedscope then shows counts, not durations); sampled time stays in seconds.
import { type Profile, ProfileBuilder, singleProfileSet, writeToString } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { speedscope } from '../src/index.js';

function sampled(costUnit: 'samples' | 'seconds'): Profile {
  const b = new ProfileBuilder({ format: 'test', costUnit, sampled: true });
  const main = b.addFunction('app.py', 30, 'main');
  const work = b.addFunction('app.py', 17, 'work');
  b.addFunctionNumbers(main, Number.NaN, Number.NaN, 1, 7);
  b.addFunctionNumbers(work, Number.NaN, Number.NaN, 6, 6);
  b.appendCall(main, work, Number.NaN, Number.NaN, 6, 6);
  b.setCallTree({
    length: 2,
    parent: Int32Array.from([-1, 0]),
    function: Uint32Array.from([main, work]),
    selfTime: Float64Array.from([1, 6]),
    callCount: Float64Array.from([Number.NaN, Number.NaN]),
  });
  return b.build();
}

describe('speedscope of sampled stacks', () => {
  it.each([
    ['samples', 'none'],
    ['seconds', 'seconds'],
  ] as const)('%s are written with the unit %s, stacks as recorded', (costUnit, unit) => {
    const file = JSON.parse(writeToString(speedscope, singleProfileSet(sampled(costUnit)))) as {
      profiles: Array<{ unit: string; samples: number[][]; weights: number[] }>;
    };
    expect(file.profiles).toMatchObject([{ unit, samples: [[0], [0, 1]], weights: [1, 6] }]);
  });
});
