// The shared writer suite (@pyprof/testkit): every canonical profile to a golden file in
// test/golden/ (update with `vitest -u`) and generated profiles, each output read back
// with KCachegrind's rules and checked (unique names, totals, calls, inclusive costs).
import { join } from 'node:path';
import { describeOutputPlugin } from '@pyprof/testkit';
import { callgrind } from '../src/index.js';
import { checkCallgrind } from './check.js';

describeOutputPlugin(callgrind, {
  goldenDir: join(import.meta.dirname, 'golden'),
  check: (output, set) => checkCallgrind(output, set),
  propertyRuns: 200,
});

describeOutputPlugin(callgrind, {
  goldenDir: join(import.meta.dirname, 'golden', 'us-qualified'),
  options: { unit: 'us', names: 'qualified' },
  check: (output, set) => checkCallgrind(output, set, 'us'),
  propertyRuns: 50,
});
