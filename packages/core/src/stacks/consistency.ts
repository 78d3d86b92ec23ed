/**
 * Which functions' numbers can be honoured at all. Stacks can give a function exactly the
 * cumulative time its own numbers allow; some profiles contradict themselves, and then no
 * tree can. cProfile keeps one entry for two code objects with the same (file, line, name)
 * — the last one written wins, while their callees' edges still name the key — and from
 * Python 3.12 all threads run on one profiler stack, so a function can even claim more time
 * than the whole profile (py310 `lambdas_nested`: `builtins.exec` has 135.3 µs cumulative
 * in a 129.9 µs profile; py311 `medium`: `mat_mul` has 72.5 µs cumulative, but its own time
 * plus its callees' cumulative times are 18.6 µs).
 *
 * A function is named, with the reason, when
 *
 * - its cumulative time exceeds the profile's total (`above-total`);
 * - off every recursion cycle, its cumulative time is not its own time plus its callees'
 *   cumulative times under it (`not-own-plus-callees`) — each of its activations is an
 *   outermost one, so the two must agree;
 * - on a cycle, its cumulative time is below what must lie under it — its own time plus
 *   its exits from the cycle, or any single edge into or out of it (`below-parts`) — or
 *   above its own time plus every edge out of it (`above-parts`): every stack holding it
 *   ends in it or leaves it along some edge;
 * - the time entering its cycle differs from what the cycle holds, its own times plus its
 *   exits (`cycle-unbalanced`; named for the cycle's entry functions);
 * - off cycles, its own numbers agree but a callee's do not, and what the callees' own times
 *   can really fill under it differs from its cumulative time (`callee-contradicts`): its
 *   cumulative time includes time that no function's own time accounts for (or misses some),
 *   and no stacks can show that. Computed sinks first: what a function's subtree can hold
 *   is its own time plus, per callee, its edge's share of what the callee's subtree holds.
 *
 * Tolerance: max(1 µs, 0.5% of the cumulative time) — half the measure's, so that what is
 * accepted can be kept. Edges whose times were estimated from call counts (the `profile`
 * module) prove nothing either way: only `above-total` is checked there.
 */
import type { Profile } from '../profile.js';
import { componentMembers, type Entries, findEntries } from './entries.js';
import { type CallGraph, callGraph } from './graph.js';

export type InconsistencyReason =
  | 'above-total'
  | 'not-own-plus-callees'
  | 'callee-contradicts'
  | 'below-parts'
  | 'above-parts'
  | 'cycle-unbalanced';

export interface InconsistentFunction {
  readonly function: number;
  readonly reason: InconsistencyReason;
  /** The function's cumulative time (seconds or samples). */
  readonly cumulative: number;
  /** What its other numbers say that time should be (a bound, for the cycle reasons). */
  readonly expected: number;
}

const ABSOLUTE = 1e-6;
const RELATIVE = 0.005;

/** The functions whose numbers contradict themselves, in function order. */
export function checkConsistency(source: Profile | CallGraph): InconsistentFunction[] {
  const graph = 'functions' in source ? callGraph(source) : source;
  return inconsistentFunctions(
    graph,
    findEntries(graph),
    componentMembers(graph.component, graph.componentCount),
  );
}

/** Reasons by code (0: consistent). */
const REASONS: readonly (InconsistencyReason | undefined)[] = [
  undefined,
  'above-total',
  'not-own-plus-callees',
  'cycle-unbalanced',
  'below-parts',
  'above-parts',
  'callee-contradicts',
];
const ABOVE_TOTAL = 1;
const NOT_OWN_PLUS_CALLEES = 2;
const CYCLE_UNBALANCED = 3;
const BELOW_PARTS = 4;
const ABOVE_PARTS = 5;
const CALLEE_CONTRADICTS = 6;

const tolerance = (ct: number) => Math.max(ABSOLUTE, RELATIVE * ct);

/**
 * `checkConsistency` with the entries and components' members the reconstruction already
 * has (decision 0028: finding the entries again cost 0.2 s on the 100k-function benchmark).
 * Each loop has a function of its own, and the reasons are kept by function as codes
 * until the end: in one function each loop's compiled code was thrown away when code
 * after it, or a reason's branch, was first reached (decision 0033).
 */
export function inconsistentFunctions(
  graph: CallGraph,
  entries: Entries,
  members: { readonly order: Uint32Array },
): InconsistentFunction[] {
  const { n } = graph;
  const reason = new Uint8Array(n);
  const expected = new Float64Array(n);
  const cycles = cycleTotals(graph, entries);
  const near = estimatedEdges(graph, cycles);
  checkFunctions(graph, entries, cycles, near, reason, expected);
  checkSubtrees(graph, members, near, reason, expected);
  return listed(graph, reason, expected);
}

/** Per cycle: what enters (edges from outside and roots) and its own times. */
function cycleTotals(graph: CallGraph, entries: Entries) {
  const { n, component, self, componentCount } = graph;
  const enters = new Float64Array(componentCount);
  const holds = new Float64Array(componentCount);
  const cycleEstimated = new Uint8Array(componentCount);
  for (let f = 0; f < n; f++) {
    const c = component[f] as number;
    enters[c] = (enters[c] as number) + (entries.entry[f] as number);
    holds[c] = (holds[c] as number) + (self[f] as number);
  }
  return { enters, holds, cycleEstimated };
}

/**
 * Per function: 1 when an edge out of it was estimated, 2 when one into it, 3 both (and
 * per cycle whether one of its edges was); adds what leaves each cycle to what it holds.
 */
function estimatedEdges(graph: CallGraph, cycles: ReturnType<typeof cycleTotals>): Uint8Array {
  const { n, m, caller, callee, component, estimated, edgeCumulative } = graph;
  const { holds, cycleEstimated } = cycles;
  const nearEstimated = new Uint8Array(n);
  for (let e = 0; e < m; e++) {
    const g = caller[e] as number;
    if (estimated[e] === 1) {
      cycleEstimated[component[g] as number] = 1;
      nearEstimated[g] = (nearEstimated[g] as number) | 1;
      nearEstimated[callee[e] as number] = (nearEstimated[callee[e] as number] as number) | 2;
    }
    if (component[g] !== component[callee[e] as number])
      holds[component[g] as number] =
        (holds[component[g] as number] as number) + (edgeCumulative[e] as number);
  }
  return nearEstimated;
}

/** Each function's own numbers (see the file comment), into `reason` and `expected`. */
function checkFunctions(
  graph: CallGraph,
  entries: Entries,
  cycles: ReturnType<typeof cycleTotals>,
  nearEstimated: Uint8Array,
  reason: Uint8Array,
  expected: Float64Array,
): void {
  const { n, caller, self, cumulative, component, cyclic, outStart, total } = graph;
  const { outCallee, outCumulative, inStart, inEdge, edgeCumulative } = graph;
  const { enters, holds } = cycles;
  const unbalanced = unbalancedCycles(cycles);
  const entry = entries.entry;
  for (let f = 0; f < n; f++) {
    const ct = cumulative[f] as number;
    const tol = tolerance(ct);
    let outAll = 0;
    let exits = 0;
    let largestEdge = 0;
    // (Callees and times by out position, estimated edges flagged per function: with
    // them read by edge, at random, the check took 239 ms on the 100k-function benchmark,
    // then 80 ms; decision 0030.)
    for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++) {
      const h = outCallee[k] as number;
      if (h === f) continue;
      const v = outCumulative[k] as number;
      outAll += v;
      if ((component[h] as number) !== (component[f] as number)) exits += v;
      largestEdge = Math.max(largestEdge, v);
    }
    for (let k = inStart[f] as number; k < (inStart[f + 1] as number); k++) {
      const e = inEdge[k] as number;
      if ((caller[e] as number) !== f)
        largestEdge = Math.max(largestEdge, edgeCumulative[e] as number);
    }
    const own = self[f] as number;
    const c = component[f] as number;
    const lower = Math.max(own + exits, largestEdge);
    const upper = own + outAll;
    const balance = ct + (holds[c] as number) - (enters[c] as number);
    // Every test computed for every function and the first that holds chosen after: a
    // test or a write first reached in a branch of its own deoptimised the loop, which on
    // the benchmark starts with functions off the cycle (decision 0033). Edges estimated
    // from call counts prove nothing either way (`nearEstimated`).
    const aboveTotal = ct > total + tol;
    const unchecked = (nearEstimated[f] as number) !== 0;
    const offCycle = cyclic[f] === 0;
    const notOwnPlusCallees = Math.abs(ct - upper) > tol;
    const entering = (entry[f] as number) > 0;
    const cycleUnbalanced = unbalanced[c] === 1 && entering;
    const belowParts = ct < lower - tol;
    const aboveParts = ct > upper + tol;
    const code = aboveTotal
      ? ABOVE_TOTAL
      : unchecked
        ? 0
        : offCycle
          ? notOwnPlusCallees
            ? NOT_OWN_PLUS_CALLEES
            : 0
          : cycleUnbalanced
            ? CYCLE_UNBALANCED
            : belowParts
              ? BELOW_PARTS
              : aboveParts
                ? ABOVE_PARTS
                : 0;
    reason[f] = code;
    expected[f] =
      code === ABOVE_TOTAL
        ? total
        : code === CYCLE_UNBALANCED
          ? balance
          : code === BELOW_PARTS
            ? lower
            : upper;
  }
}

/** 1 for a cycle whose entering time differs from what it holds (its edges not estimated). */
function unbalancedCycles(cycles: ReturnType<typeof cycleTotals>): Uint8Array {
  const { enters, holds, cycleEstimated } = cycles;
  const unbalanced = new Uint8Array(enters.length);
  for (let c = 0; c < enters.length; c++)
    if (
      cycleEstimated[c] === 0 &&
      Math.abs((enters[c] as number) - (holds[c] as number)) > tolerance(holds[c] as number)
    )
      unbalanced[c] = 1;
  return unbalanced;
}

/** What each function's subtree can hold, sinks first (cycles: what enters them). */
function checkSubtrees(
  graph: CallGraph,
  members: { readonly order: Uint32Array },
  nearEstimated: Uint8Array,
  reason: Uint8Array,
  expected: Float64Array,
): void {
  const { n, self, cumulative, cyclic, outStart, outCallee, outCumulative } = graph;
  const holdsShare = new Float64Array(n).fill(1);
  // (Functions by component, then by number.)
  const order = members.order;
  for (let i = 0; i < order.length; i++) {
    const f = order[i] as number;
    if (cyclic[f] === 1) continue;
    const ct = cumulative[f] as number;
    let held = self[f] as number;
    for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++)
      held += (outCumulative[k] as number) * (holdsShare[outCallee[k] as number] as number);
    holdsShare[f] = ct > 0 ? Math.min(4, held / ct) : 1;
    if (reason[f] !== 0 || ((nearEstimated[f] as number) & 1) !== 0) continue;
    if (Math.abs(held - ct) > tolerance(ct)) {
      reason[f] = CALLEE_CONTRADICTS;
      expected[f] = held;
    }
  }
}

/** The functions with a reason, in function order. */
function listed(graph: CallGraph, reason: Uint8Array, expected: Float64Array) {
  const out: InconsistentFunction[] = [];
  for (let f = 0; f < graph.n; f++) {
    const why = REASONS[reason[f] as number];
    if (why === undefined) continue;
    out.push({
      function: f,
      reason: why,
      cumulative: graph.cumulative[f] as number,
      expected: expected[f] as number,
    });
  }
  return out;
}
