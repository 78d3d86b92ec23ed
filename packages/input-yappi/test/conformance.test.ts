// The shared conformance suite (@pyprof/testkit) on the .ystat fixtures, with golden
// `printProfileSet` dumps in test/golden/ (update with `pnpm vitest run -u`): a run with
// four threads on each clock, a recursive one and one with built-ins.
import { join } from 'node:path';
import { describeInputPlugin } from '@pyprof/testkit';
import { yappi } from '../src/index.js';
import { fixturesDir, readFixture } from './corpus.js';

const golden = (name: string) => join(fixturesDir, '..', 'golden', `${name}.ir.txt`);

describeInputPlugin(yappi, {
  fixtures: [
    {
      name: 'threads, wall clock (four threads)',
      bytes: readFixture('ystat/threads.wall.ystat'),
      golden: golden('threads.wall'),
    },
    {
      name: 'threads, CPU clock',
      bytes: readFixture('ystat/threads.cpu.ystat'),
      golden: golden('threads.cpu'),
    },
    {
      name: 'recursion, wall clock',
      bytes: readFixture('ystat/recursion.wall.ystat'),
      golden: golden('recursion.wall'),
    },
    {
      name: 'builtins_cmethods with built-ins',
      bytes: readFixture('ystat/builtins_cmethods.builtins.wall.ystat'),
    },
    {
      name: 'decorators, CPU clock',
      bytes: readFixture('ystat/decorators.cpu.ystat'),
    },
  ],
  fuzzRuns: 300,
});
