// The shared writer suite (@pyprof/testkit) on the canonical profiles, in both styles and
// every report, with golden files in test/golden/<style>-<report>/ (update with `vitest -u`).
import { join } from 'node:path';
import { describeOutputPlugin } from '@pyprof/testkit';
import { text } from '../src/index.js';

const golden = (name: string) => join(import.meta.dirname, 'golden', name);

for (const report of ['stats', 'callers', 'callees']) {
  describeOutputPlugin(text, { goldenDir: golden(`table-${report}`), options: { report } });
  describeOutputPlugin(text, {
    goldenDir: golden(`pstats-${report}`),
    options: { style: 'pstats', report, sort: ['cumulative'] },
    propertyRuns: 30,
  });
}
