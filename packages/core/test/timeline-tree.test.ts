// The exact calling-context tree of a timeline (hotshot): one node per distinct stack.
import { describe, expect, it } from 'vitest';
import { TIMELINE_ENTER, TIMELINE_EXIT } from '../src/index.js';
import type { Timeline } from '../src/profile.js';
import { callTreeFromTimeline } from '../src/timeline-tree.js';

/** A timeline from `[kind, function, time]` events. */
function timeline(events: Array<[number, number, number]>): Timeline {
  return {
    length: events.length,
    kind: Uint8Array.from(events.map((e) => e[0])),
    function: Uint32Array.from(events.map((e) => e[1])),
    time: Float64Array.from(events.map((e) => e[2])),
  };
}

describe('callTreeFromTimeline', () => {
  it('gives one node per distinct stack with its own time and entry count', () => {
    // main(0..10) calls f (1..3), f (4..6) which calls g (5..5.5), then g (7..9).
    const events: Array<[number, number, number]> = [
      [TIMELINE_ENTER, 0, 0],
      [TIMELINE_ENTER, 1, 1],
      [TIMELINE_EXIT, 1, 3],
      [TIMELINE_ENTER, 1, 4],
      [TIMELINE_ENTER, 2, 5],
      [TIMELINE_EXIT, 2, 5.5],
      [TIMELINE_EXIT, 1, 6],
      [TIMELINE_ENTER, 2, 7],
      [TIMELINE_EXIT, 2, 9],
      [TIMELINE_EXIT, 0, 10],
    ];
    const tree = callTreeFromTimeline(timeline(events));
    expect([...tree.parent]).toEqual([-1, 0, 1, 0]);
    expect([...tree.function]).toEqual([0, 1, 2, 2]);
    expect([...tree.selfTime]).toEqual([4, 3.5, 0.5, 2]);
    expect([...tree.callCount]).toEqual([1, 2, 1, 1]);
  });

  it('closes frames an exit skips and ignores an exit with nothing to match', () => {
    const events: Array<[number, number, number]> = [
      [TIMELINE_EXIT, 5, 0],
      [TIMELINE_ENTER, 0, 1],
      [TIMELINE_ENTER, 1, 2],
      [TIMELINE_EXIT, 0, 4],
      [TIMELINE_ENTER, 2, 5],
    ];
    const tree = callTreeFromTimeline(timeline(events));
    expect([...tree.parent]).toEqual([-1, 0, -1]);
    expect([...tree.selfTime]).toEqual([1, 2, 0]);
  });
});
