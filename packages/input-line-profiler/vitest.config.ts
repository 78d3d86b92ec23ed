import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@pyprof/source'] } },
  test: { name: 'input-line-profiler', include: ['test/**/*.test.ts'] },
});
