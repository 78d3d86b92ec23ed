// The suite every writer passes: golden files for the canonical profiles that have a
// timeline (and the empty one), a refusal for those that have none, and any generated
// profile set — each output checked as the viewers read it, its own time adding up to the
// profile's (within the documented nanosecond nudges).
import { type ProfileSet, totalSelfTime } from '@pyprof/core';
import { describeOutputPlugin } from '@pyprof/testkit';
import { expect } from 'vitest';
import { chromeTrace } from '../src/index.js';
import { checkTrace } from './check.js';

/** What the writer refuses: a set whose profiles hold functions but no timeline. */
export function refuses(set: ProfileSet): boolean {
  const parts = set.parts.length > 0 ? set.parts : [set.whole];
  return parts.every((p) => p.timeline === undefined) && parts.some((p) => p.functions.length > 0);
}

describeOutputPlugin(chromeTrace, {
  goldenDir: `${import.meta.dirname}/golden`,
  refuses,
  check: (output, set) => {
    const summary = checkTrace(output);
    const parts = set.parts.filter((p) => p.timeline !== undefined);
    let own = 0;
    let events = 0;
    for (const thread of summary.threads) {
      for (const ns of thread.own.values()) own += ns;
      events += thread.events;
    }
    const expected = parts.reduce((sum, p) => sum + totalSelfTime(p), 0) * 1e9;
    // Each event can move the time it closes by at most a nanosecond per event before it
    // at the same recorded time; rounding to whole nanoseconds adds at most one per event.
    expect(Math.abs(own - expected)).toBeLessThanOrEqual(2 * events + 1e-6 * expected);
    expect(summary.threads).toHaveLength(parts.length);
  },
});
