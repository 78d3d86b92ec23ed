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

/**
 * Roots and entries (see the file comment); `members`: the functions of each component
 * (`componentMembers`), when the caller has them. Each loop has a function of its own: in one
 * function each loop's compiled code was thrown away when the code after it was first
 * reached (decision 0033).
 */
export function findEntries(
  graph: CallGraph,
  members: { start: Uint32Array; order: Uint32Array } = componentMembers(
    graph.component,
    graph.componentCount,
  ),
): Entries {
  const { n, componentCount } = graph;
  const sums = edgeSums(graph);
  const { terminals, enters } = componentTotals(graph, sums);
  const choice = chooseRoots(graph, sums, componentCount);
  const { rootAmount, roots } = rootAmounts(graph, terminals, enters, choice);
  // Regions nobody reaches: sources first, so a region below an added root counts as reached.
  const reached = reachedByRoots(graph, rootAmount);
  const heaviest = heaviestFunctions(graph);
  addUnreachedRoots(graph, members, terminals, reached, heaviest, choice.isRoot, rootAmount, roots);
  const rootSelf = new Float64Array(n);
  const entry = new Float64Array(n);
  const entrySelf = new Float64Array(n);
  entryTimes(graph, sums, choice.isRoot, rootAmount, { rootSelf, entry, entrySelf });
  return { rootAmount, rootSelf, entry, entrySelf, roots };
}

/** Per function sums over its in-edges, and per component the time leaving it. */
interface EdgeSums {
  readonly external: Float64Array;
  readonly externalSelf: Float64Array;
  readonly selfIn: Float64Array;
  readonly callsIn: Float64Array;
  readonly leaving: Float64Array;
  readonly hasCaller: Uint8Array;
}

function edgeSums(graph: CallGraph): EdgeSums {
  const { n, m, caller, callee, component, componentCount, edgeSelf, edgeCumulative } = graph;
  const callCount = graph.profile.calls.callCount;
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
    const count = callCount[e] as number;
    callsIn[h] = (callsIn[h] as number) + (count > 0 && Number.isFinite(count) ? count : 0);
    if (g !== h) hasCaller[h] = 1;
    if (component[g] !== component[h]) {
      external[h] = (external[h] as number) + (edgeCumulative[e] as number);
      externalSelf[h] = (externalSelf[h] as number) + (edgeSelf[e] as number);
      const c = component[g] as number;
      leaving[c] = (leaving[c] as number) + (edgeCumulative[e] as number);
    }
  }
  return { external, externalSelf, selfIn, callsIn, leaving, hasCaller };
}

/** Per component what it holds (own times, then what leaves it) and what enters it. */
function componentTotals(graph: CallGraph, sums: EdgeSums) {
  const { n, self, component, componentCount } = graph;
  const terminals = new Float64Array(componentCount);
  const enters = new Float64Array(componentCount);
  for (let f = 0; f < n; f++) {
    const c = component[f] as number;
    terminals[c] = (terminals[c] as number) + (self[f] as number);
    enters[c] = (enters[c] as number) + (sums.external[f] as number);
  }
  addLeaving(terminals, sums.leaving);
  return { terminals, enters };
}

function addLeaving(terminals: Float64Array, leaving: Float64Array): void {
  for (let c = 0; c < terminals.length; c++)
    terminals[c] = (terminals[c] as number) + (leaving[c] as number);
}

/** Root functions and how much each wants of its component's root time. */
function chooseRoots(graph: CallGraph, sums: EdgeSums, componentCount: number) {
  const { n, cumulative, component } = graph;
  const fns = graph.profile.functions;
  const isRoot = new Uint8Array(n);
  const want = new Float64Array(n);
  const wantSum = new Float64Array(componentCount);
  const rootsIn = new Int32Array(componentCount);
  for (let f = 0; f < n; f++) {
    const count = fns.callCount[f] as number;
    const uncalled = Number.isFinite(count) ? count - (sums.callsIn[f] as number) : 0;
    if (sums.hasCaller[f] === 1 && !(uncalled > 0)) continue;
    isRoot[f] = 1;
    const c = component[f] as number;
    want[f] = Math.max(0, (cumulative[f] as number) - (sums.external[f] as number));
    wantSum[c] = (wantSum[c] as number) + (want[f] as number);
    rootsIn[c] = (rootsIn[c] as number) + 1;
  }
  return { isRoot, want, wantSum, rootsIn };
}

function rootAmounts(
  graph: CallGraph,
  terminals: Float64Array,
  enters: Float64Array,
  choice: ReturnType<typeof chooseRoots>,
) {
  const { n, component } = graph;
  const { isRoot, want, wantSum, rootsIn } = choice;
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
  return { rootAmount, roots };
}

/** 1 for the components holding a root with time. */
function reachedByRoots(graph: CallGraph, rootAmount: Float64Array): Uint8Array {
  const { n, component, componentCount } = graph;
  const reached = new Uint8Array(componentCount);
  for (let f = 0; f < n; f++)
    if ((rootAmount[f] as number) > 0) reached[component[f] as number] = 1;
  return reached;
}

/** Per component its function with the largest cumulative time (the first of equals). */
function heaviestFunctions(graph: CallGraph): Int32Array {
  const { n, cumulative, component, componentCount } = graph;
  const heaviest = new Int32Array(componentCount).fill(-1);
  for (let f = 0; f < n; f++) {
    const c = component[f] as number;
    const best = heaviest[c] as number;
    if (best < 0 || (cumulative[f] as number) > (cumulative[best] as number)) heaviest[c] = f;
  }
  return heaviest;
}

/**
 * Roots for the components with time that nothing reaches, sources first: each such
 * component's heaviest function, after marking what the components before it reach.
 */
function addUnreachedRoots(
  graph: CallGraph,
  members: { start: Uint32Array; order: Uint32Array },
  terminals: Float64Array,
  reached: Uint8Array,
  heaviest: Int32Array,
  isRoot: Uint8Array,
  rootAmount: Float64Array,
  roots: number[],
): void {
  const { component, componentCount, outStart, outCallee, outCumulative } = graph;
  // Components with time that nothing reaches yet: once none is left, no root is added.
  // (On the 100k-function benchmark this spares the marking walk over 1 M edges: the
  // entries took 78 ms of CPU instead of 119, medians of 3; decision 0030. The walk also
  // stops within a component once none is left.)
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
    const i1 = members.start[c + 1] as number;
    for (let i = members.start[c] as number; i < i1 && unreached > 0; i++) {
      const f = members.order[i] as number;
      for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++) {
        if (!((outCumulative[k] as number) > 0)) continue;
        const x = component[outCallee[k] as number] as number;
        if (reached[x] === 0 && (terminals[x] as number) > 0) unreached--;
        reached[x] = 1;
      }
    }
  }
}

function entryTimes(
  graph: CallGraph,
  sums: EdgeSums,
  isRoot: Uint8Array,
  rootAmount: Float64Array,
  to: { rootSelf: Float64Array; entry: Float64Array; entrySelf: Float64Array },
): void {
  const { n, self } = graph;
  const { rootSelf, entry, entrySelf } = to;
  for (let f = 0; f < n; f++) {
    if (isRoot[f] === 1)
      rootSelf[f] = Math.min(
        rootAmount[f] as number,
        Math.max(0, (self[f] as number) - (sums.selfIn[f] as number)),
      );
    entry[f] = (sums.external[f] as number) + (rootAmount[f] as number);
    entrySelf[f] = (sums.externalSelf[f] as number) + (rootSelf[f] as number);
  }
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
