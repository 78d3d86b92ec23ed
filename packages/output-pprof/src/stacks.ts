/**
 * Where the writer gets its stacks: core's `deriveStacks`, the one source of stacks for
 * every stack-drawing output — exact where the source has them (a timeline or an exact
 * call tree: hotshot, sampled stacks), reconstructed from the call graph otherwise
 * (pstats, lsprof), keeping cumulative times where the profile's numbers are consistent,
 * and labelled so. Its standard warnings (`stacks-pruned`, `inconsistent-functions`) go to
 * the writer's context. `pprofNeeds` declares the need, so readers keep the call tree, and
 * the call-site lines the locations show (`lines`).
 */
import {
  BUDGET_FRAME,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FRAMES,
  deriveStacks,
  type OutputNeeds,
  type Profile,
  type Stacks,
  type StacksNeed,
  type WriteContext,
} from '@pyprof/core';

export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_FRAMES };

/** `function` value of the frame that holds what the stacks budget cut. */
export const BUDGET_FUNCTION = BUDGET_FRAME;

export type WriterStacks = Stacks;

/** The options that shape the stacks. */
export interface StacksOptions {
  stacks?: 'auto' | 'reconstructed';
  'max-frames'?: number;
  'max-depth'?: number;
}

/** The stacks the options ask for. */
export function stacksNeed(options: StacksOptions): StacksNeed {
  return {
    maxFrames: options['max-frames'] ?? DEFAULT_MAX_FRAMES,
    maxDepth: options['max-depth'] ?? DEFAULT_MAX_DEPTH,
    from: options.stacks === 'reconstructed' ? 'call-graph' : 'auto',
  };
}

/**
 * What the writer asks of readers with these options: the stacks, (said outright, for
 * callers that pass `needs` to a reader themselves) the exact call tree they come from,
 * and the call-site lines a caller's location shows (`lines`; hotshot and line-bearing
 * collapsed stacks have them). No timeline: the writer never reads one.
 */
export function pprofNeeds(options: StacksOptions = {}): OutputNeeds {
  const stacks = stacksNeed(options);
  return stacks.from === 'call-graph'
    ? { lines: true, stacks }
    : { callTree: true, lines: true, stacks };
}

/** The stacks of one profile (a part of the set), within the budget. */
export function stacksOf(
  profile: Profile,
  need: StacksNeed,
  context: WriteContext,
  label: string,
): WriterStacks {
  return deriveStacks(profile, need, label ? { sink: context, label } : { sink: context });
}
