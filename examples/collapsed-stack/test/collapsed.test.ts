// The example plugin passes the same conformance suite as first-party writers, and its
// stacks add up to the profile's total on a real dump.
import { readFileSync } from 'node:fs';
import { readWith, totalSelfTime } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { describeOutputPlugin, render } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { collapsed } from '../index.js';

function check(output: string): void {
  for (const line of output.split('\n').filter(Boolean)) {
    expect(line).toMatch(/^[^\n]+ [1-9]\d*$/);
  }
}

describeOutputPlugin(collapsed, {
  goldenDir: `${import.meta.dirname}/golden`,
  check: (output) => check(output),
});

describe('collapsed stacks of a real dump', () => {
  const bytes = readFileSync(
    new URL(
      '../../../packages/input-cprofile/test/fixtures/pstats/py312/medium.cprofile.prof',
      import.meta.url,
    ),
  );
  const set = readWith(cprofile, bytes);

  it('add up to the total time (integer microseconds, rounded once)', { timeout: 60_000 }, () => {
    const output = render(collapsed, set);
    const sum = output
      .split('\n')
      .filter(Boolean)
      .reduce((s, line) => s + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    expect(sum).toBe(Math.round(totalSelfTime(set.whole) * 1e6));
  });

  it('keeps the two decorated closures apart', () => {
    const decorators = readWith(
      cprofile,
      readFileSync(
        new URL(
          '../../../packages/input-cprofile/test/fixtures/pstats/py312/decorators.cprofile.prof',
          import.meta.url,
        ),
      ),
    );
    const output = render(collapsed, decorators);
    expect(output).toMatch(/;decorated:31(;| )/);
    expect(output).toMatch(/;decorated:46(;| )/);
  });
});
