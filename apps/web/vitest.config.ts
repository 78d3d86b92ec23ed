import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@pyprof/source'] } },
  test: { name: 'web', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
