import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@pyprof/source'] } },
  test: { name: 'output-pprof', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
