// Root test run: every package's Node-only project, one process, ending with the plain
// `N passed, N failed` line CI reads. Viewer tests (browser, valgrind, packed install) run
// from vitest.viewer.config.ts instead. Tests run with a temporary folder of their own and
// fail the run if they leave anything in it (scripts/test-temp.ts).
import { defineConfig } from 'vitest/config';
import { testTempFolder } from './scripts/test-temp.ts';
import SummaryReporter from './scripts/vitest-summary.ts';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tests/integration', 'examples/csv-table'],
    reporters: ['default', new SummaryReporter({ tempFolder: testTempFolder() })],
  },
});
