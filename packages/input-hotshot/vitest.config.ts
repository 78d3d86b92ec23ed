import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@pyprof/source'] } },
  test: { name: 'input-hotshot', include: ['test/**/*.test.ts'] },
});
