/**
 * The exact calling-context tree of a timeline (hotshot): one node per distinct stack, with
 * the time each stack was on top and how often it was entered — what a writer draws when
 * it wants the flame graph of an exact source without its time order.
 */
import { float64Column, int32Column, PairIndex, uint32Column } from './columns.js';
import { type CallTree, TIMELINE_ENTER, type Timeline } from './profile.js';

/**
 * The exact calling-context tree of a timeline: one node per distinct stack, with the
 * time each stack was on top and how often it was entered. Exits that do not match the
 * open frame close frames up to the matching one (or are ignored when it is not open);
 * frames still open at the end are closed at the last event's time. Time with no frame
 * open belongs to no node.
 */
export function callTreeFromTimeline(timeline: Timeline): CallTree {
  const keyParent = uint32Column(1024);
  const keyFunction = uint32Column(1024);
  const parent = int32Column(1024);
  const selfTime = float64Column(1024);
  const callCount = float64Column(1024);
  const index = new PairIndex(keyParent, keyFunction, 1024);
  const stack: number[] = [];
  let last = timeline.length > 0 ? (timeline.time[0] as number) : 0;
  for (let k = 0; k < timeline.length; k++) {
    const time = Math.max(last, timeline.time[k] as number);
    const top = stack.length > 0 ? (stack[stack.length - 1] as number) : -1;
    if (top >= 0) selfTime.add(top, time - last);
    last = time;
    const fn = timeline.function[k] as number;
    if (timeline.kind[k] === TIMELINE_ENTER) {
      let node = index.find(top + 1, fn);
      if (node < 0) {
        node = keyParent.push(top + 1);
        keyFunction.push(fn);
        parent.push(top);
        selfTime.push(0);
        callCount.push(0);
        index.insert(node);
      }
      callCount.add(node, 1);
      stack.push(node);
    } else {
      let depth = stack.length - 1;
      while (depth >= 0 && keyFunction.get(stack[depth] as number) !== fn) depth--;
      if (depth >= 0) stack.length = depth;
    }
  }
  return {
    length: parent.length,
    parent: parent.finish(),
    function: keyFunction.finish(),
    selfTime: selfTime.finish(),
    callCount: callCount.finish(),
  };
}
