// The shared conformance suite (@pyprof/testkit) on a selection of corpus dumps, with
// golden `printProfileSet` dumps in test/golden/ (update with `pnpm test -u`).

import { join } from 'node:path';
import { describeInputPlugin } from '@pyprof/testkit';
import { cprofile } from '../src/index.js';
import { fixturesDir, readFixture } from './corpus.js';

const golden = (name: string) => join(fixturesDir, '..', 'golden', `${name}.ir.txt`);

describeInputPlugin(cprofile, {
  fixtures: [
    {
      name: 'py27 cProfile decorators',
      bytes: readFixture('pstats/py27/decorators.cprofile.prof'),
      golden: golden('py27-decorators.cprofile'),
    },
    {
      name: 'py27 profile decorators',
      bytes: readFixture('pstats/py27/decorators.profile.prof'),
      golden: golden('py27-decorators.profile'),
    },
    {
      name: 'py36 cProfile lambdas_nested',
      bytes: readFixture('pstats/py36/lambdas_nested.cprofile.prof'),
      golden: golden('py36-lambdas_nested.cprofile'),
    },
    {
      name: 'py38 profile decorators',
      bytes: readFixture('pstats/py38/decorators.profile.prof'),
      golden: golden('py38-decorators.profile'),
    },
    {
      name: 'py312 cProfile recursion',
      bytes: readFixture('pstats/py312/recursion.cprofile.prof'),
      golden: golden('py312-recursion.cprofile'),
    },
    {
      name: 'py313 profile decorators',
      bytes: readFixture('pstats/py313/decorators.profile.prof'),
      golden: golden('py313-decorators.profile'),
    },
    {
      name: 'py313 nonutf8',
      bytes: readFixture('pstats/nonutf8/nonutf8.py313.cprofile.prof'),
      golden: golden('py313-nonutf8.cprofile'),
    },
    {
      name: 'yappi recursion (--producer yappi)',
      bytes: readFixture('pstats/yappi/recursion.yappi-wall.prof'),
      options: { producer: 'yappi' },
      golden: golden('yappi-recursion.wall'),
    },
  ],
});
