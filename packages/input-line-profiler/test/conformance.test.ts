// The shared conformance suite (@pyprof/testkit) on the .lprof fixtures, with golden
// `printProfileSet` dumps in test/golden/ (update with `pnpm vitest run -u`): the real
// runs of line_profiler 4.0.2, the kernprof run with its LONG1 time, and the Python 2
// and protocol 0 stand-ins.
import { join } from 'node:path';
import { describeInputPlugin } from '@pyprof/testkit';
import { lineProfiler } from '../src/index.js';
import { fixturesDir, readFixture } from './corpus.js';

const golden = (name: string) => join(fixturesDir, '..', 'golden', `${name}.ir.txt`);

describeInputPlugin(lineProfiler, {
  fixtures: [
    {
      name: 'recursion (line_profiler 4.0.2, Python 3.11)',
      bytes: readFixture('lprof/py311-lp402/recursion.lprof'),
      golden: golden('recursion'),
    },
    {
      name: 'decorators (two closures named decorated)',
      bytes: readFixture('lprof/py311-lp402/decorators.lprof'),
      golden: golden('decorators'),
    },
    {
      name: 'kernprof -l long_line.py (a LONG1 time, a method, an uncalled function)',
      bytes: readFixture('lprof/py311-lp402/kernprof-long_line.lprof'),
      golden: golden('kernprof-long_line'),
    },
    {
      name: 'Python 2 stand-in (_line_profiler.LineStats, byte strings, text INT)',
      bytes: readFixture('lprof/stand-ins/recursion.py27-lp2.lprof'),
      golden: golden('py27-lp2'),
    },
    {
      name: 'protocol 0 re-pickle (copy_reg._reconstructor)',
      bytes: readFixture('lprof/stand-ins/recursion.protocol0.lprof'),
    },
    {
      name: 'generators_classes',
      bytes: readFixture('lprof/py311-lp402/generators_classes.lprof'),
    },
  ],
  fuzzRuns: 300,
});
