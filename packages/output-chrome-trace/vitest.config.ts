import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@pyprof/source'] } },
  test: { name: 'output-chrome-trace', include: ['test/**/*.test.ts'] },
});
