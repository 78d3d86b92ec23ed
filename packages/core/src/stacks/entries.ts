/**
 * Where stacks start and how much time enters each recursion cycle.
 *
 * **Roots** are where the profiler entered: a function called more often than its recorded
 * callers say (`nc − Σ callers' nc > 0`: `builtins.exec` under `python -m cProfile`, which
 * importlib also calls inside its own run) or one with no caller but itself (`<module>` on
 * Python 2, the `profile` module's `profile:0(profiler)`, a comprehension whose outer twin
 * cProfile folded into it). A root's amount follows from conservation, not from its
 * cumulative time: what its component holds (own times plus what leaves it) minus what
 * recorded edges bring in. (`exec`'s cumulative time minus its callers' edges says nothing
 * here: those calls ran inside the root call.) Components no root reaches — a cycle nobody
 * enters, a region below a root with no time — get their heaviest function as a root, in
 * topological order so a region reached from such a root is not rooted twice.
 *
 * **Entries** of a recursion cycle (a strongly connected component) are its functions
 * called from outside it: everything under such a call is a fresh start for the whole
 * cycle (no function of the cycle can be on the stack above it, or the caller would belong
 * to the cycle). Edges into and out of a cycle are therefore exact — never nested in
 * themselves — and the cycle can be solved on its own for the time that enters it.
 */
import type { CallGraph } from './graph.js';

export interface Entries {
  /** Per function: the time its root activations carry (0 for non-roots). */
  readonly rootAmount: Float64Array;
  /** Per function: own time of its root activations. */
  readonly rootSelf: Float64Array;
  /** Per function: time entering its cycle at it (edges from other components plus roots). */
  readonly entry: Float64Array;
  /** Per function: own time of those entering activations. */
  readonly entrySelf: Float64Array;
  /** Root functions: entry points in function order, then the roots of unreached regions. */
  readonly roots: readonly number[];
}

export function findEntries(graph: CallGraph): Entries {
  const { n, m, caller, callee, self, cumulative, component, componentCount } = graph;
  const { edgeSelf, edgeCumulative } = graph;
  const fns = graph.profile.functions;
  const external = new Float64Array(n);
  const externalSelf = new Float64Array(n);
  const selfIn = new Float64Array(n);
  const callsIn = new Float64Array(n);
  const leaving = new Float64Array(componentCount);
  const hasCaller = new Uint8Array(n);
  for (let e = 0; e < m; e++) {
    const g = caller[e] as number;
    const h = callee[e] as number;
    selfIn[h] = (selfIn[h] as number) + (edgeSelf[e] as number);
    const count = graph.profile.calls.callCount[e] as number;
    callsIn[h] = (callsIn[h] as number) + (count > 0 && Number.isFinite(count) ? count : 0);
    if (g !== h) hasCaller[h] = 1;
    if (component[g] !== component[h]) {
      external[h] = (external[h] as number) + (edgeCumulative[e] as number);
      externalSelf[h] = (externalSelf[h] as number) + (edgeSelf[e] as number);
      const c = component[g] as number;
      leaving[c] = (leaving[c] as number) + (edgeCumulative[e] as number);
    }
  }
  const terminals = new Float64Array(componentCount);
  const enters = new Float64Array(componentCount);
  for (let f = 0; f < n; f++) {
    const c = component[f] as number;
    terminals[c] = (terminals[c] as number) + (self[f] as number);
    enters[c] = (enters[c] as number) + (external[f] as number);
  }
  for (let c = 0; c < componentCount; c++)
    terminals[c] = (terminals[c] as number) + (leaving[c] as number);

  // Root functions and how much each wants of its component's root time.
  const isRoot = new Uint8Array(n);
  const want = new Float64Array(n);
  const wantSum = new Float64Array(componentCount);
  const rootsIn = new Int32Array(componentCount);
  for (let f = 0; f < n; f++) {
    const count = fns.callCount[f] as number;
    const uncalled = Number.isFinite(count) ? count - (callsIn[f] as number) : 0;
    if (hasCaller[f] === 1 && !(uncalled > 0)) continue;
    isRoot[f] = 1;
    const c = component[f] as number;
    want[f] = Math.max(0, (cumulative[f] as number) - (external[f] as number));
    wantSum[c] = (wantSum[c] as number) + (want[f] as number);
    rootsIn[c] = (rootsIn[c] as number) + 1;
  }
  const rootAmount = new Float64Array(n);
  const roots: number[] = [];
  for (let f = 0; f < n; f++) {
    if (isRoot[f] === 0) continue;
    const c = component[f] as number;
    const need = Math.max(0, (terminals[c] as number) - (enters[c] as number));
    const share =
      (wantSum[c] as number) > 0
        ? (want[f] as number) / (wantSum[c] as number)
        : 1 / (rootsIn[c] as number);
    rootAmount[f] = need * share;
    roots.push(f);
  }
  // Regions nobody reaches: sources first, so a region below an added root counts as reached.
  const reached = new Uint8Array(componentCount);
  for (let f = 0; f < n; f++)
    if ((rootAmount[f] as number) > 0) reached[component[f] as number] = 1;
  const heaviest = new Int32Array(componentCount).fill(-1);
  for (let f = 0; f < n; f++) {
    const c = component[f] as number;
    const best = heaviest[c] as number;
    if (best < 0 || (cumulative[f] as number) > (cumulative[best] as number)) heaviest[c] = f;
  }
  const { outStart, outCallee, outCumulative } = graph;
  const members = componentMembers(component, componentCount);
  // Components with time that nothing reaches yet: once none is left, no root is added.
  // (On the 100k-function benchmark this spares the marking walk over 1 M edges: the
  // entries took 78 ms of CPU instead of 119, medians of 3; decision 0030.)
  let unreached = 0;
  for (let c = 0; c < componentCount; c++)
    if (reached[c] === 0 && (terminals[c] as number) > 0) unreached++;
  for (let c = componentCount - 1; c >= 0 && unreached > 0; c--) {
    if (reached[c] === 0 && (terminals[c] as number) > 0) {
      const f = heaviest[c] as number;
      isRoot[f] = 1;
      rootAmount[f] = terminals[c] as number;
      roots.push(f);
      reached[c] = 1;
      unreached--;
    }
    if (reached[c] === 0) continue;
    // Mark what this component reaches (its exits with time).
    for (let i = members.start[c] as number; i < (members.start[c + 1] as number); i++) {
      const f = members.order[i] as number;
      for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++) {
        if (!((outCumulative[k] as number) > 0)) continue;
        const x = component[outCallee[k] as number] as number;
        if (reached[x] === 0 && (terminals[x] as number) > 0) unreached--;
        reached[x] = 1;
      }
    }
  }
  const rootSelf = new Float64Array(n);
  const entry = new Float64Array(n);
  const entrySelf = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    if (isRoot[f] === 1)
      rootSelf[f] = Math.min(
        rootAmount[f] as number,
        Math.max(0, (self[f] as number) - (selfIn[f] as number)),
      );
    entry[f] = (external[f] as number) + (rootAmount[f] as number);
    entrySelf[f] = (externalSelf[f] as number) + (rootSelf[f] as number);
  }
  return { rootAmount, rootSelf, entry, entrySelf, roots };
}

/** Functions grouped by component: component c's are `order[start[c] .. start[c + 1])`. */
export function componentMembers(
  component: Int32Array,
  count: number,
): { start: Uint32Array; order: Uint32Array } {
  const n = component.length;
  const start = new Uint32Array(count + 1);
  for (let f = 0; f < n; f++) {
    const c = (component[f] as number) + 1;
    start[c] = (start[c] as number) + 1;
  }
  for (let c = 0; c < count; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const fill = start.slice(0, count);
  const order = new Uint32Array(n);
  for (let f = 0; f < n; f++) {
    const c = component[f] as number;
    order[fill[c] as number] = f;
    fill[c] = (fill[c] as number) + 1;
  }
  return { start, order };
}
