import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@pyprof/source'] },
  test: { name: 'output-callgrind', include: ['test/**/*.test.ts'] },
});
