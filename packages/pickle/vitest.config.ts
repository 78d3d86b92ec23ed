import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@pyprof/source'] } },
  test: { name: 'pickle', include: ['test/**/*.test.ts'] },
});
