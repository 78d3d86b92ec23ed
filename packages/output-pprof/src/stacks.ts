/**
 * Where the writer gets its stacks: core's one source of stacks for every stack-drawing
 * output. Exact where the source has them (a timeline or an exact call tree: hotshot,
 * sampled stacks), reconstructed from the call graph otherwise (pstats, lsprof) and
 * labelled so. Kept in one small module so the writer depends on core's stacks API in one
 * place only.
 */
import {
  callTreeFromTimeline,
  PRUNED_FRAME,
  type Profile,
  reconstructCallTree,
  type WriteContext,
} from '@pyprof/core';

/** The writer's view of a tree of stacks (parents precede children). */
export interface WriterStacks {
  readonly origin: 'timeline' | 'call-tree' | 'reconstructed';
  readonly label: string;
  readonly length: number;
  readonly parent: Int32Array;
  readonly function: Uint32Array;
  readonly selfTime: Float64Array;
  readonly callCount?: Float64Array;
}

/** `function` value of the frame that holds what the stacks budget cut. */
export const BUDGET_FUNCTION = PRUNED_FRAME;

export interface StacksBudget {
  from: 'auto' | 'call-graph';
  maxFrames: number;
  maxDepth: number;
}

/** The stacks of one profile (a part of the set), within the budget. */
export function stacksOf(
  profile: Profile,
  budget: StacksBudget,
  _context: WriteContext,
  _label: string,
): WriterStacks {
  if (budget.from !== 'call-graph') {
    const tree = profile.callTree ?? (profile.timeline && callTreeFromTimeline(profile.timeline));
    if (tree)
      return {
        origin: profile.callTree ? 'call-tree' : 'timeline',
        label: 'exact call tree',
        length: tree.length,
        parent: tree.parent,
        function: tree.function,
        selfTime: tree.selfTime,
        callCount: tree.callCount,
      };
  }
  const tree = reconstructCallTree(profile, {
    maxStacks: Math.max(1, Math.floor(budget.maxFrames / 32)),
    maxDepth: budget.maxDepth,
  });
  return {
    origin: 'reconstructed',
    label: 'stacks reconstructed from the call graph',
    length: tree.length,
    parent: tree.parent,
    function: tree.function,
    selfTime: tree.selfTime,
  };
}
