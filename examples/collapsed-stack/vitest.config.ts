import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@pyprof/source'] } },
  test: { name: 'example-collapsed-stack', include: ['test/**/*.test.ts'] },
});
