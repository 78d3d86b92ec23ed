// The shared conformance suite (@pyprof/testkit) on a selection of corpus logs — default,
// line events with and without line timings, a non-UTF-8 file name — with golden
// `printProfileSet` dumps in test/golden/ (update with `pnpm test -u`).
import { join } from 'node:path';
import { describeInputPlugin } from '@pyprof/testkit';
import { hotshot } from '../src/index.js';
import { fixturesDir, readFixture } from './corpus.js';

const golden = (name: string) => join(fixturesDir, '..', 'golden', `${name}.ir.txt`);

describeInputPlugin(hotshot, {
  fixtures: [
    {
      name: 'decorators (default: no line events)',
      bytes: readFixture('hotshot/py27/decorators.hotshot'),
      golden: golden('decorators'),
    },
    {
      name: 'decorators.lines (line events and timings)',
      bytes: readFixture('hotshot/py27/decorators.lines.hotshot'),
      golden: golden('decorators.lines'),
    },
    {
      name: 'decorators.lines-notimings (line events, no line timings)',
      bytes: readFixture('hotshot/py27/decorators.lines-notimings.hotshot'),
      golden: golden('decorators.lines-notimings'),
    },
    {
      name: 'recursion',
      bytes: readFixture('hotshot/py27/recursion.hotshot'),
      golden: golden('recursion'),
    },
    {
      name: 'nonutf8 (file name with the byte 0xE9)',
      bytes: readFixture('hotshot/nonutf8/nonutf8.py27.hotshot'),
      golden: golden('nonutf8'),
    },
  ],
  fuzzRuns: 300,
});
