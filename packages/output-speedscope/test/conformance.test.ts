// The shared output-plugin suite: every canonical profile renders to its golden file (update
// with `vitest -u`, then read the diff), and any generated profile set renders to JSON whose
// sampled profiles add up to the part's total self time.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { totalSelfTime } from '@pyprof/core';
import { describeOutputPlugin } from '@pyprof/testkit';
import { expect } from 'vitest';
import { speedscope } from '../src/index.js';

describeOutputPlugin(speedscope, {
  goldenDir: join(dirname(fileURLToPath(import.meta.url)), 'golden'),
  check(output, set) {
    const file = JSON.parse(output);
    expect(file.profiles).toHaveLength(set.parts.length);
    set.parts.forEach((part, k) => {
      const profile = file.profiles[k];
      if (profile.type !== 'sampled') return;
      const total = profile.weights.reduce((a: number, b: number) => a + b, 0);
      expect(total).toBeCloseTo(totalSelfTime(part), 12);
    });
  },
});
