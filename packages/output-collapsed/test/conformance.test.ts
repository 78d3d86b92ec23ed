// The suite every writer passes: golden files for the canonical profiles and any generated
// profile set, each output parsed as flamegraph.pl and speedscope read it; for the
// canonical profiles the lines add up to the profile's own time, rounded, exactly.
import { costUnitOf, totalSelfTime } from '@pyprof/core';
import { describeOutputPlugin, parseCollapsed } from '@pyprof/testkit';
import { expect } from 'vitest';
import { collapsed } from '../src/index.js';

describeOutputPlugin(collapsed, {
  goldenDir: `${import.meta.dirname}/golden`,
  check: (output, set, name) => {
    const lines = parseCollapsed(output);
    const stacks = new Set(lines.map((l) => l.frames.join(';')));
    expect(stacks.size).toBe(lines.length);
    if (name === 'generated') return;
    const parts = set.parts.length > 0 ? set.parts : [set.whole];
    const exact = parts.reduce(
      (sum, p) => sum + totalSelfTime(p) * (costUnitOf(p) === 'samples' ? 1 : 1e9),
      0,
    );
    const total = lines.reduce((sum, l) => sum + l.weight, 0);
    expect(Math.abs(total - Math.round(exact))).toBeLessThanOrEqual(exact * 1e-12);
  },
});
