/**
 * The last step of a reconstruction: each function's own time made exact, empty branches
 * dropped, and the tree laid out depth-first (parents before children, every subtree
 * contiguous, heaviest child first) so writers can stream it.
 *
 * The model decides where time goes; the numbers decide how much. Each function's node
 * weights are scaled to sum to its own time exactly (with a fitted model the factors are
 * 1 up to rounding; they absorb the lightest links the expansion did not follow and the
 * budget frames' unlisted leaves). A function with own time that got no node at all (every
 * context of it was cut) goes under a budget frame below the heaviest node of one of its
 * callers (beside that caller when the caller is itself a leaf under a budget frame; callers
 * placed first, breadth-first), or — a function no placed function calls — becomes a root.
 */
import { BUDGET_FRAME, type Expansion } from './expand.js';
import type { CallGraph } from './graph.js';

export interface FinishedTree {
  readonly length: number;
  readonly parent: Int32Array;
  readonly function: Uint32Array;
  readonly selfTime: Float64Array;
  /** Sum of the weights (= the profile's total own time). */
  readonly totalTime: number;
  /** Seconds on nodes below budget frames. */
  readonly budgetTime: number;
  /** Frames a writer writes: the sum of the depths of the nodes with weight. */
  readonly framesWritten: number;
}

/**
 * An expansion with its missing functions placed and every weight scaled (not laid out
 * yet), and the frames it will write: enough for the budget's retry to decide, without
 * the layout (decision 0028: 0.3 s of the 100k-function benchmark's first, discarded tree).
 */
export interface ScaledTree {
  readonly length: number;
  readonly parent: Int32Array;
  readonly function: Uint32Array;
  readonly weight: Float64Array;
  /** Weight of each node's subtree. */
  readonly inclusive: Float64Array;
  readonly framesWritten: number;
}

/** Missing functions placed, own times made exact, and the frames the tree will write. */
export function scaleTree(graph: CallGraph, tree: Expansion): ScaledTree {
  const { n, self, caller, inStart, inEdge, outStart, outCallee } = graph;
  const placed = new Float64Array(n);
  for (let v = 0; v < tree.length; v++) {
    const f = tree.function[v] as number;
    if (f !== BUDGET_FRAME) placed[f] = (placed[f] as number) + (tree.self[v] as number);
  }
  // 1 for a function with own time and no node yet, read per callee of every placed function
  // below: a byte per function instead of two doubles at random (the 100k benchmark's first
  // tree scaled in 129 ms instead of 166, medians of 9; decision 0029).
  const isMissing = new Uint8Array(n);
  let missing = 0;
  for (let f = 0; f < n; f++)
    if ((self[f] as number) > 0 && !((placed[f] as number) > 0)) {
      isMissing[f] = 1;
      missing++;
    }
  // Room for a budget frame and a leaf per function left without a node.
  const capacity = tree.length + 2 * missing;
  const parent = new Int32Array(capacity);
  const fn = new Uint32Array(capacity);
  const weight = new Float64Array(capacity);
  parent.set(tree.parent);
  fn.set(tree.function);
  weight.set(tree.self);
  let count = tree.length;
  if (missing > 0) {
    const inclusive = inclusiveOf(count, parent, weight, capacity);
    const heaviest = new Int32Array(n).fill(-1);
    const budgetOf = new Map<number, number>();
    for (let v = 0; v < count; v++) {
      const f = fn[v] as number;
      if (f === BUDGET_FRAME) {
        budgetOf.set(parent[v] as number, v);
        continue;
      }
      const best = heaviest[f] as number;
      if (best < 0 || (inclusive[v] as number) > (inclusive[best] as number)) heaviest[f] = v;
    }
    /** Leaf `f` under the budget frame of node `at` (a leaf under a budget frame shares its frame), or a root. */
    const place = (f: number, at: number): void => {
      let under = -1;
      if (at >= 0) {
        const p = parent[at] as number;
        if (p >= 0 && fn[p] === BUDGET_FRAME) under = p;
        else {
          under = budgetOf.get(at) ?? -1;
          if (under < 0) {
            under = count++;
            parent[under] = at;
            fn[under] = BUDGET_FRAME;
            budgetOf.set(at, under);
          }
        }
      }
      parent[count] = under;
      fn[count] = f;
      weight[count] = self[f] as number;
      inclusive[count] = self[f] as number;
      heaviest[f] = count;
      placed[f] = self[f] as number;
      isMissing[f] = 0;
      count++;
    };
    // Breadth-first from what is placed, so a function cut with its caller goes beside it
    // (not to the root): a missing function whose callers are placed goes first.
    const queue: number[] = [];
    const enqueueCallees = (f: number): void => {
      for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++) {
        const h = outCallee[k] as number;
        if (isMissing[h] === 1) queue.push(h);
      }
    };
    for (let f = 0; f < n; f++) if ((heaviest[f] as number) >= 0) enqueueCallees(f);
    let head = 0;
    let nextRoot = 0;
    for (;;) {
      while (head < queue.length) {
        const f = queue[head++] as number;
        if (isMissing[f] === 0) continue;
        let at = -1;
        for (let k = inStart[f] as number; k < (inStart[f + 1] as number); k++) {
          const g = caller[inEdge[k] as number] as number;
          const v = heaviest[g] as number;
          if (g !== f && v >= 0 && (at < 0 || (inclusive[v] as number) > (inclusive[at] as number)))
            at = v;
        }
        place(f, at);
        enqueueCallees(f);
      }
      // A function nobody placed called: a root of its own.
      while (nextRoot < n && isMissing[nextRoot] === 0) nextRoot++;
      if (nextRoot === n) break;
      place(nextRoot, -1);
      enqueueCallees(nextRoot);
    }
  }
  // Exact own time per function.
  for (let v = 0; v < count; v++) {
    const f = fn[v] as number;
    if (f === BUDGET_FRAME) continue;
    const p = placed[f] as number;
    weight[v] = p > 0 ? ((self[f] as number) * (weight[v] as number)) / p : 0;
  }
  // Frames: the depth of every node with weight that the layout keeps (a node with weight
  // below it, under such nodes only).
  const inclusive = inclusiveOf(count, parent, weight, count);
  const depth = new Int32Array(count);
  let framesWritten = 0;
  for (let v = 0; v < count; v++) {
    const p = parent[v] as number;
    depth[v] =
      (inclusive[v] as number) > 0 && (p < 0 || (depth[p] as number) > 0)
        ? p < 0
          ? 1
          : (depth[p] as number) + 1
        : 0;
    if ((depth[v] as number) > 0 && (weight[v] as number) > 0) framesWritten += depth[v] as number;
  }
  return { length: count, parent, function: fn, weight, inclusive, framesWritten };
}

/**
 * Empties the lightest leaves under budget frames (their weight set to 0, in place) until
 * `frames` frames are freed; false when that many cannot be. A leaf is emptied only while
 * its function keeps own time on another node, so no function loses its last place and the
 * scaling gives its time to its other nodes (as it does for the cut functions a budget frame
 * does not list). The budget's retry does this first (decision 0029): the overshoot comes
 * from the functions whose every context was cut, each given a leaf after the expansion
 * (which sets room aside for them, decision 0034, but can fall short), and emptying leaves
 * makes room for them without settling the expansion again. (Leaves under budget frames
 * come after the expansion's main loop, so a later call of `stackExpander` never reads
 * them.)
 */
export function emptyLightLeaves(graph: CallGraph, tree: Expansion, frames: number): boolean {
  const { length: count, parent, function: fn, self } = tree;
  const nodesWithTime = new Int32Array(graph.n);
  let leafCount = 0;
  for (let v = 0; v < count; v++) {
    const f = fn[v] as number;
    if (f === BUDGET_FRAME || !((self[v] as number) > 0)) continue;
    nodesWithTime[f] = (nodesWithTime[f] as number) + 1;
    const p = parent[v] as number;
    if (p >= 0 && fn[p] === BUDGET_FRAME) leafCount++;
  }
  const leaves = new Int32Array(leafCount);
  leafCount = 0;
  // The frames all those leaves write: when they cannot free enough, nothing is emptied.
  let available = 0;
  for (let v = 0; v < count; v++) {
    const p = parent[v] as number;
    if (p >= 0 && fn[p] === BUDGET_FRAME && fn[v] !== BUDGET_FRAME && (self[v] as number) > 0) {
      leaves[leafCount++] = v;
      for (let u = v; u >= 0; u = parent[u] as number) available++;
    }
  }
  if (available < frames) return false;
  leaves.sort((a, b) => (self[a] as number) - (self[b] as number) || a - b);
  let freed = 0;
  for (let i = 0; i < leaves.length && freed < frames; i++) {
    const v = leaves[i] as number;
    const f = fn[v] as number;
    // A function without own time writes no frame (its nodes scale to 0).
    if ((nodesWithTime[f] as number) < 2 || !((graph.self[f] as number) > 0)) continue;
    nodesWithTime[f] = (nodesWithTime[f] as number) - 1;
    self[v] = 0;
    for (let u = v; u >= 0; u = parent[u] as number) freed++;
  }
  return freed >= frames;
}

/** The tree laid out depth first, heaviest child first, empty branches dropped. */
export function layOut(scaled: ScaledTree): FinishedTree {
  const { length: count, parent, function: fn, weight, inclusive } = scaled;
  // Children of each kept node, heaviest first; then depth-first.
  const keep = (v: number) => (inclusive[v] as number) > 0;
  const childStart = new Int32Array(count + 1);
  const roots: number[] = [];
  for (let v = 0; v < count; v++) {
    if (!keep(v)) continue;
    const p = parent[v] as number;
    if (p < 0) roots.push(v);
    else childStart[p + 1] = (childStart[p + 1] as number) + 1;
  }
  for (let v = 0; v < count; v++)
    childStart[v + 1] = (childStart[v + 1] as number) + (childStart[v] as number);
  const fill = childStart.slice(0, count);
  const children = new Int32Array(childStart[count] as number);
  for (let v = 0; v < count; v++) {
    const p = parent[v] as number;
    if (p < 0 || !keep(v)) continue;
    children[fill[p] as number] = v;
    fill[p] = (fill[p] as number) + 1;
  }
  const heavier = (a: number, b: number) =>
    (inclusive[b] as number) - (inclusive[a] as number) ||
    (fn[a] as number) - (fn[b] as number) ||
    a - b;
  roots.sort(heavier);
  for (let v = 0; v < count; v++) {
    const s = childStart[v] as number;
    const t = childStart[v + 1] as number;
    if (t - s > 32) children.subarray(s, t).sort(heavier);
    else
      for (let i = s + 1; i < t; i++) {
        const x = children[i] as number;
        let j = i - 1;
        while (j >= s && heavier(children[j] as number, x) > 0) {
          children[j + 1] = children[j] as number;
          j--;
        }
        children[j + 1] = x;
      }
  }
  const total = children.length + roots.length;
  const outParent = new Int32Array(total);
  const outFunction = new Uint32Array(total);
  const outSelf = new Float64Array(total);
  const depth = new Int32Array(total);
  const underBudget = new Uint8Array(total);
  const newIndex = new Int32Array(count);
  const stack = new Int32Array(total);
  let sp = 0;
  for (let r = roots.length - 1; r >= 0; r--) stack[sp++] = roots[r] as number;
  let next = 0;
  let totalTime = 0;
  let budgetTime = 0;
  let framesWritten = 0;
  while (sp > 0) {
    const v = stack[--sp] as number;
    newIndex[v] = next;
    const p = parent[v] as number;
    const np = p < 0 ? -1 : (newIndex[p] as number);
    outParent[next] = np;
    outFunction[next] = fn[v] as number;
    const w = weight[v] as number;
    outSelf[next] = w;
    depth[next] = np < 0 ? 1 : (depth[np] as number) + 1;
    underBudget[next] =
      np >= 0 && (underBudget[np] === 1 || outFunction[np] === BUDGET_FRAME) ? 1 : 0;
    totalTime += w;
    if (underBudget[next] === 1) budgetTime += w;
    if (w > 0) framesWritten += depth[next] as number;
    next++;
    for (let k = (childStart[v + 1] as number) - 1; k >= (childStart[v] as number); k--)
      stack[sp++] = children[k] as number;
  }
  return {
    length: total,
    parent: outParent,
    function: outFunction,
    selfTime: outSelf,
    totalTime,
    budgetTime,
    framesWritten,
  };
}

/** The subtree weights of the first `count` nodes, in an array of `capacity`. */
function inclusiveOf(
  count: number,
  parent: Int32Array,
  weight: Float64Array,
  capacity: number,
): Float64Array {
  const inclusive = new Float64Array(capacity);
  inclusive.set(weight.subarray(0, count));
  for (let v = count - 1; v >= 0; v--) {
    const p = parent[v] as number;
    if (p >= 0) inclusive[p] = (inclusive[p] as number) + (inclusive[v] as number);
  }
  return inclusive;
}
