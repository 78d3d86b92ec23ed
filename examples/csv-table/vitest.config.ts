import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@pyprof/source'] } },
  test: { name: 'example-csv-table', include: ['test/**/*.test.ts'] },
});
