/**
 * Whether stacks can be trusted, measured the way issue #16 states it: for every function
 * whose cumulative time (pstats `ct`) is at least 0.1% of the profile's total, the weights of
 * the stacks that contain it — each stack counted once, however often the function recurs
 * in it, which is exactly what `ct` counts — must add up to `ct` within max(1 µs, 1% of
 * `ct`). And, where the true call tree is known (a simulated run, a hotshot timeline), the
 * share of the weight that sits on stacks which occur in the true tree: a reconstruction can
 * hit every `ct` and still put callees in the wrong branch.
 *
 * A tree here is any parent/function/selfTime table whose parents precede their children
 * (core's `CallTree` and `Stacks`); nodes whose function is not a row of the profile (the
 * budget's `(pruned)` frame) count for no function but keep their weight in the total.
 */
import type { Profile } from '@pyprof/core';

/** The parts of a call tree the measures read. */
export interface WeightedTree {
  readonly length: number;
  readonly parent: Int32Array;
  readonly function: Uint32Array;
  readonly selfTime: Float64Array;
}

export interface CumulativeTimeRow {
  function: number;
  /** The profile's cumulative time (`ct`). */
  cumulative: number;
  /** Weight of the stacks that contain the function, each counted once. */
  inStacks: number;
  /** Within the tolerance. */
  kept: boolean;
}

export interface CumulativeTimeMeasure {
  /** Sum of the (non-negative) self times: the profile's total. */
  total: number;
  /** Functions with `ct` at least `minShare` of the total. */
  considered: number;
  /** Of those, how many keep their `ct`. */
  kept: number;
  /** The largest |inStacks − ct| over the considered functions, as a share of the total. */
  worstShareOfTotal: number;
  /** One row per considered function, in function order. */
  rows: CumulativeTimeRow[];
}

export interface CumulativeTimeOptions {
  /** Functions whose `ct` is below this share of the total are left out (default 0.001). */
  minShare?: number;
  /** Absolute tolerance in seconds (default 1e-6). */
  absolute?: number;
  /** Tolerance relative to `ct` (default 0.01). */
  relative?: number;
}

const positive = (value: number) => (value > 0 && Number.isFinite(value) ? value : 0);

/** Per function, the weight of the stacks that contain it (each stack counted once). */
export function weightOfStacksContaining(functionCount: number, tree: WeightedTree): Float64Array {
  const count = tree.length;
  const inclusive = new Float64Array(count);
  for (let node = 0; node < count; node++)
    inclusive[node] = positive(tree.selfTime[node] as number);
  for (let node = count - 1; node >= 0; node--) {
    const parent = tree.parent[node] as number;
    if (parent >= 0)
      inclusive[parent] = (inclusive[parent] as number) + (inclusive[node] as number);
  }
  // Children lists, then a depth-first walk that knows which functions are on the stack.
  const firstChild = new Int32Array(count).fill(-1);
  const nextSibling = new Int32Array(count).fill(-1);
  const roots: number[] = [];
  for (let node = count - 1; node >= 0; node--) {
    const parent = tree.parent[node] as number;
    if (parent < 0) roots.push(node);
    else {
      nextSibling[node] = firstChild[parent] as number;
      firstChild[parent] = node;
    }
  }
  const active = new Int32Array(functionCount);
  const sums = new Float64Array(functionCount);
  const stack: number[] = [];
  for (let r = roots.length - 1; r >= 0; r--) {
    stack.push(roots[r] as number);
    while (stack.length > 0) {
      const item = stack.pop() as number;
      if (item < 0) {
        const fn = tree.function[~item] as number;
        if (fn < functionCount) active[fn] = (active[fn] as number) - 1;
        continue;
      }
      const fn = tree.function[item] as number;
      if (fn < functionCount) {
        if (active[fn] === 0) sums[fn] = (sums[fn] as number) + (inclusive[item] as number);
        active[fn] = (active[fn] as number) + 1;
      }
      stack.push(~item);
      for (let child = firstChild[item] as number; child >= 0; child = nextSibling[child] as number)
        stack.push(child);
    }
  }
  return sums;
}

/** The issue's measure of `tree` against `profile`'s cumulative times. */
export function measureCumulativeTime(
  profile: Profile,
  tree: WeightedTree,
  options: CumulativeTimeOptions = {},
): CumulativeTimeMeasure {
  const minShare = options.minShare ?? 0.001;
  const absolute = options.absolute ?? 1e-6;
  const relative = options.relative ?? 0.01;
  const n = profile.functions.length;
  let total = 0;
  for (let fn = 0; fn < n; fn++) total += positive(profile.functions.selfTime[fn] as number);
  const sums = weightOfStacksContaining(n, tree);
  const rows: CumulativeTimeRow[] = [];
  let kept = 0;
  let worst = 0;
  for (let fn = 0; fn < n; fn++) {
    const cumulative = profile.functions.inclusiveTime[fn] as number;
    if (!(cumulative >= minShare * total) || !Number.isFinite(cumulative) || cumulative <= 0)
      continue;
    const inStacks = sums[fn] as number;
    const off = Math.abs(inStacks - cumulative);
    const ok = off <= Math.max(absolute, relative * cumulative);
    if (ok) kept++;
    if (total > 0) worst = Math.max(worst, off / total);
    rows.push({ function: fn, cumulative, inStacks, kept: ok });
  }
  return { total, considered: rows.length, kept, worstShareOfTotal: worst, rows };
}

/** Key of every node's stack (its functions, root first), for comparing trees. */
function stackKeys(tree: WeightedTree): string[] {
  const keys: string[] = [];
  for (let node = 0; node < tree.length; node++) {
    const parent = tree.parent[node] as number;
    const fn = String(tree.function[node]);
    keys.push(parent < 0 ? fn : `${keys[parent]};${fn}`);
  }
  return keys;
}

/**
 * The share of `tree`'s weight on stacks that occur in `truth` (1 when both are empty).
 * Function indices must mean the same in both trees.
 */
export function shareOnTrueStacks(tree: WeightedTree, truth: WeightedTree): number {
  const trueStacks = new Set(stackKeys(truth));
  const keys = stackKeys(tree);
  let on = 0;
  let all = 0;
  for (let node = 0; node < tree.length; node++) {
    const weight = positive(tree.selfTime[node] as number);
    if (weight === 0) continue;
    all += weight;
    if (trueStacks.has(keys[node] as string)) on += weight;
  }
  return all > 0 ? on / all : 1;
}
