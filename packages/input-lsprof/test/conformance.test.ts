// The shared conformance suite (@pyprof/testkit) on a selection of corpus pickles, with
// golden `printProfileSet` dumps in test/golden/ (update with `pnpm test -u`): Breezy's
// own `status` run, a Python 2.7 run with three threads, protocols 0 and 4.
import { join } from 'node:path';
import { describeInputPlugin } from '@pyprof/testkit';
import { lsprof } from '../src/index.js';
import { fixturesDir, readFixture } from './corpus.js';

const golden = (name: string) => join(fixturesDir, '..', 'golden', `${name}.ir.txt`);

describeInputPlugin(lsprof, {
  fixtures: [
    {
      name: 'brz 3.3.2 status',
      bytes: readFixture('lsprof/brz/status.lsprof.pickle'),
      golden: golden('brz-status'),
    },
    {
      name: 'py27 bzrlib threads (three threads)',
      bytes: readFixture('lsprof/raw/py27-bzrlib-shim/threads.lsprof.pickle'),
      golden: golden('py27-threads'),
    },
    {
      name: 'py27 protocol 0',
      bytes: readFixture('lsprof/protocols/py27-bzrlib-shim/decorators.protocol0.lsprof.pickle'),
      golden: golden('py27-decorators.protocol0'),
    },
    {
      name: 'py311 protocol 4',
      bytes: readFixture('lsprof/protocols/py311-breezy/decorators.protocol4.lsprof.pickle'),
      golden: golden('py311-decorators.protocol4'),
    },
    {
      name: 'py313 threads (empty thread Stats)',
      bytes: readFixture('lsprof/raw/py313-breezy-shim/threads.lsprof.pickle'),
    },
  ],
  // Any pickle opening without an lsprof class name is `likely` (src/detect.ts): a hostile
  // pickle still reaches this reader and is refused there with a precise error. yappi's
  // and line_profiler's files are pickles too; their own readers answer `certain`.
  likelyOn: ['yappi', 'line-profiler'],
  fuzzRuns: 300,
});
