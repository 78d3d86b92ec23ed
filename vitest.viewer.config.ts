// The second suite, run by .ci/run after the README's test command: tests that need more
// than Node (Debian chromium for speedscope, valgrind's callgrind_annotate, the npm
// registry for packed installs). It prints the same plain summary line.
import { defineConfig } from 'vitest/config';
import { testTempFolder } from './scripts/test-temp.ts';
import SummaryReporter from './scripts/vitest-summary.ts';

export default defineConfig({
  test: {
    projects: ['tests/viewer'],
    reporters: ['default', new SummaryReporter({ tempFolder: testTempFolder() })],
  },
});
