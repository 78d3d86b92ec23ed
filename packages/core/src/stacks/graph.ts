/**
 * The aggregate call graph as the stack reconstruction reads it: every number cleaned once
 * (negative, infinite and absent times count as zero; a cumulative time is at least the self
 * time), per-edge times estimated where the source recorded counts only, edge lists by
 * caller and by callee, the strongly connected components (recursion cycles) and which
 * functions and caller→callee pairs recursed.
 *
 * Recursion flags come from the profilers' own counts. A function recursed when some of its
 * calls were made while it was already active: primitive calls `cc` below calls `nc`. A
 * pair recursed when some calls along it were made while the same pair was active (edge
 * `cc` below edge `nc`); _lsprof then counted the pair's cumulative time only at its
 * outermost activations, so the edge's time is a lower bound of what flowed along it. Where
 * the source has no edge primitive counts (the `profile` module), a pair between two
 * recursive functions of one cycle is taken as recursive.
 *
 * Per-edge times where only counts exist (the `profile` module): each callee's own and
 * cumulative time is split among its callers by calls (the average-call rule), then the
 * cumulative times are balanced so that each non-recursive caller passes on exactly its
 * cumulative minus own time and each non-recursive callee receives exactly its cumulative
 * time (`balanceEstimates`). The result is an estimate, and the stacks built on it say so.
 */
import type { Profile } from '../profile.js';

const LARGE_CYCLE_FUNCTIONS = 2000;
const LARGE_CYCLE_EDGES = 10_000;

const positive = (value: number): number =>
  value > 0 && value !== Number.POSITIVE_INFINITY ? value : 0;

export interface CallGraph {
  readonly profile: Profile;
  /** Functions and edges. */
  readonly n: number;
  readonly m: number;
  /** Own time per function (≥ 0). */
  readonly self: Float64Array;
  /** Cumulative time per function (≥ own time). */
  readonly cumulative: Float64Array;
  /** Calls per function (absent = 0). */
  readonly calls: Float64Array;
  /** 1 where the function recursed (primitive calls below calls). */
  readonly recursive: Uint8Array;
  readonly caller: Uint32Array;
  readonly callee: Uint32Array;
  /** The callee's own time under the caller, per edge (recorded or estimated). */
  readonly edgeSelf: Float64Array;
  /** The callee's cumulative time under the caller (outermost activations of the pair). */
  readonly edgeCumulative: Float64Array;
  /** 1 where the pair recursed (or may have: counts unknown, both ends recursive). */
  readonly pairRecursive: Uint8Array;
  /** 1 where the edge's times were estimated from call counts. */
  readonly estimated: Uint8Array;
  /** Edges by caller, heaviest (cumulative) first: caller f's are `outEdge[outStart[f] .. outStart[f+1])`. */
  readonly outStart: Uint32Array;
  readonly outEdge: Uint32Array;
  /**
   * By position in `outEdge`: the edge's callee and cumulative time (loops over a caller's
   * callees read them side by side instead of at random: decision 0028).
   */
  readonly outCallee: Uint32Array;
  readonly outCumulative: Float64Array;
  /** Edges by callee, in edge order. */
  readonly inStart: Uint32Array;
  readonly inEdge: Uint32Array;
  /** Strongly connected component of each function; components are numbered sinks first. */
  readonly component: Int32Array;
  readonly componentCount: number;
  /** 1 for a function on a recursion cycle (a component of several functions, or a self-call). */
  readonly cyclic: Uint8Array;
  /**
   * Per component: 1 for a cycle too large to solve as a whole (more than 2 000 functions or
   * 10 000 edges inside it; real programs' cycles have a few hundred at most): its stacks
   * are expanded along the recorded proportions instead, recursion unrolled to the budget.
   */
  readonly large: Uint8Array;
  /** Sum of the functions' own times: the profile's total. */
  readonly total: number;
}

/** Per-edge `values` by position in `outEdge`, to read a caller's callees side by side. */
export function byOutPosition(outEdge: Uint32Array, values: Float64Array): Float64Array {
  const out = new Float64Array(outEdge.length);
  for (let k = 0; k < outEdge.length; k++) out[k] = values[outEdge[k] as number] as number;
  return out;
}

/** The most entries of one range of `start` (offsets of ranges, as `outStart`): the widest row. */
export function widestRange(start: Uint32Array): number {
  let widest = 0;
  for (let f = 0; f + 1 < start.length; f++)
    widest = Math.max(widest, (start[f + 1] as number) - (start[f] as number));
  return widest;
}

/**
 * Builds the cleaned graph of `profile` (linear in functions and edges, plus sorting).
 *
 * Every loop over the functions or the edges has a function of its own: V8 compiles a
 * long loop while it runs (on-stack replacement), and code after it in the same
 * function, not yet run, throws that compiled code away when reached, so with the loops
 * in one function most of them ran unoptimised and each recompiled the whole function.
 * On the 100k-function benchmark the graph in one function took about 420 ms of CPU on
 * its first call and 180 ms on its sixth in the same process (decision 0033).
 */
export function callGraph(profile: Profile): CallGraph {
  const fns = profile.functions;
  const calls = profile.calls;
  const n = fns.length;
  const m = calls.length;
  const { self, cumulative, callCount, recursive, total } = cleanFunctions(profile);
  const { timed, callsIn, outStart, inStart } = countEdges(profile);
  prefixSums(outStart);
  prefixSums(inStart);
  const edgeSelf = new Float64Array(m);
  const edgeCumulative = new Float64Array(m);
  const outEdge = new Uint32Array(m);
  const inEdge = new Uint32Array(m);
  // Callee and cumulative time by position in `outEdge` (edge order here, heaviest first
  // below). Recorded times are final here; estimated ones are filled in once balanced.
  // (Written while the positions are at hand: 30 ms on the 100k-function benchmark, where
  // reading them back by position, at random, took 139 ms; decision 0030.)
  const outCallee = new Uint32Array(m);
  const outCumulative = new Float64Array(m);
  // (Every edge timed: no estimate changes a time, so each range is sorted as it is placed.)
  const untimed = timed.includes(0);
  const unsorted = placeEdges(
    profile,
    timed,
    {
      outStart,
      inStart,
      outEdge,
      inEdge,
      outCallee,
      outCumulative,
      edgeSelf,
      edgeCumulative,
    },
    !untimed,
  );
  // Components first: estimates need to know which callers are outside a callee's cycle.
  const { component, count } = stronglyConnected(n, outStart, unsorted);
  const estimated = new Uint8Array(m);
  const anyEstimated =
    untimed &&
    estimateEdges(profile, timed, callsIn, component, count, {
      self,
      cumulative,
      callCount,
      recursive,
      estimated,
      edgeSelf,
      edgeCumulative,
      outStart,
      outEdge,
      inStart,
      inEdge,
    });
  let anyNaN = false;
  if (anyEstimated) anyNaN = gatherCumulative(outEdge, edgeCumulative, outCumulative);
  // (With every edge timed the ranges were sorted as they were placed.)
  if (untimed && !anyNaN) sortOutEdges(outStart, 0, n, outEdge, outCallee, outCumulative);
  else if (anyNaN) {
    // (NaN makes the comparison no order at all: sort exactly as the comparison sort did.)
    const { callee } = calls;
    const heavierFirst = (a: number, b: number) =>
      (edgeCumulative[b] as number) - (edgeCumulative[a] as number) ||
      (callee[a] as number) - (callee[b] as number) ||
      a - b;
    for (let f = 0; f < n; f++) {
      const s = outStart[f] as number;
      const t = outStart[f + 1] as number;
      outEdge.subarray(s, t).sort(heavierFirst);
      for (let k = s; k < t; k++) {
        const e = outEdge[k] as number;
        outCallee[k] = callee[e] as number;
        outCumulative[k] = edgeCumulative[e] as number;
      }
    }
  }
  const size = componentSizes(component, count);
  const cyclic = cyclicFunctions(component, size);
  const pairRecursive = new Uint8Array(m);
  // Edges inside each component, counted here rather than in a pass of their own (3 ms
  // instead of 18 on the 100k-function benchmark; decision 0030).
  const inner = innerEdges(profile, component, count, recursive, cyclic, pairRecursive);
  const large = new Uint8Array(count);
  for (let c = 0; c < count; c++)
    if ((size[c] as number) > LARGE_CYCLE_FUNCTIONS || (inner[c] as number) > LARGE_CYCLE_EDGES)
      large[c] = 1;
  return {
    profile,
    n,
    m,
    self,
    cumulative,
    calls: callCount,
    recursive,
    caller: calls.caller,
    callee: calls.callee,
    edgeSelf,
    edgeCumulative,
    pairRecursive,
    estimated,
    outStart,
    outEdge,
    outCallee,
    outCumulative,
    inStart,
    inEdge,
    component,
    componentCount: count,
    cyclic,
    large,
    total,
  };
}

/** Own and cumulative times, calls and recursion flags per function, cleaned; the total. */
function cleanFunctions(profile: Profile) {
  const fns = profile.functions;
  const n = fns.length;
  const self = new Float64Array(n);
  const cumulative = new Float64Array(n);
  const callCount = new Float64Array(n);
  const recursive = new Uint8Array(n);
  let total = 0;
  for (let f = 0; f < n; f++) {
    self[f] = positive(fns.selfTime[f] as number);
    total += self[f] as number;
    cumulative[f] = Math.max(self[f] as number, positive(fns.inclusiveTime[f] as number));
    const nc = fns.callCount[f] as number;
    const cc = fns.primitiveCallCount[f] as number;
    callCount[f] = positive(nc);
    recursive[f] = Number.isFinite(nc) && Number.isFinite(cc) && cc < nc ? 1 : 0;
  }
  return { self, cumulative, callCount, recursive, total };
}

/**
 * Per callee whether all its in-edges have times (`timed`) and its calls from them
 * (`callsIn`); edges per caller and per callee, counted at the index after the function
 * (`prefixSums` makes them offsets).
 */
function countEdges(profile: Profile) {
  const calls = profile.calls;
  const n = profile.functions.length;
  const m = calls.length;
  const { caller, callee } = calls;
  // Callees whose in-edges all have times keep the recorded numbers.
  const timed = new Uint8Array(n).fill(1);
  const callsIn = new Float64Array(n);
  const outStart = new Uint32Array(n + 1);
  const inStart = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) {
    const g = caller[e] as number;
    const h = callee[e] as number;
    if (!Number.isFinite(calls.selfTime[e] as number)) timed[h] = 0;
    if (!Number.isFinite(calls.inclusiveTime[e] as number)) timed[h] = 0;
    callsIn[h] = (callsIn[h] as number) + positive(calls.callCount[e] as number);
    outStart[g + 1] = (outStart[g + 1] as number) + 1;
    inStart[h + 1] = (inStart[h + 1] as number) + 1;
  }
  return { timed, callsIn, outStart, inStart };
}

/** Counts at the index after each range made offsets, in place. */
function prefixSums(start: Uint32Array): void {
  for (let f = 0; f + 1 < start.length; f++)
    start[f + 1] = (start[f + 1] as number) + (start[f] as number);
}

/** A recorded edge's cumulative time (at least its own time). */
function recordedCumulative(calls: Profile['calls'], e: number): number {
  return Math.max(
    positive(calls.selfTime[e] as number),
    positive(calls.inclusiveTime[e] as number),
  );
}

interface Placement {
  readonly outStart: Uint32Array;
  readonly inStart: Uint32Array;
  readonly outEdge: Uint32Array;
  readonly inEdge: Uint32Array;
  readonly outCallee: Uint32Array;
  readonly outCumulative: Float64Array;
  readonly edgeSelf: Float64Array;
  readonly edgeCumulative: Float64Array;
}

/** Callers per block of `placeEdges`: 2^shift, about 256 blocks in all. */
function blockShift(n: number): number {
  let shift = 0;
  while (n >> shift > 256) shift++;
  return shift;
}

/**
 * Edges by caller and by callee in edge order, the callee beside each out position, and
 * the times of edges into timed callees (beside their out positions too). With `sortNow`
 * (every edge timed: the times by position are final) each caller's range is sorted as
 * well (`sortOutEdges`); returns the callees by out position in edge order, which
 * Tarjan's components read (`outCallee` itself when not sorted here).
 *
 * In two passes: the edges first go to blocks of callers (a block's out positions are
 * contiguous), each block filled in edge order, so the writes go to a few hundred places
 * that each move forward; then each block, small enough for the cache, goes to its
 * callers' positions and is sorted there. Written straight to their positions, one edge
 * after the other, the edges' three out-position writes landed at random in 16 MB on the
 * 100k-function benchmark (decision 0033).
 */
function placeEdges(profile: Profile, timed: Uint8Array, to: Placement, sortNow: boolean) {
  const calls = profile.calls;
  const { caller, callee } = calls;
  const { outStart, outEdge, inEdge, outCallee, outCumulative, edgeSelf, edgeCumulative } = to;
  const n = profile.functions.length;
  const m = calls.length;
  const shift = blockShift(n);
  const blocks = (n >> shift) + 1;
  const blockFill = new Uint32Array(blocks);
  for (let b = 0; b < blocks; b++) blockFill[b] = outStart[Math.min(n, b << shift)] as number;
  const blockCaller = new Uint32Array(m);
  const inFill = to.inStart.slice(0, n);
  for (let e = 0; e < m; e++) {
    const g = caller[e] as number;
    const h = callee[e] as number;
    const p = blockFill[g >> shift] as number;
    blockFill[g >> shift] = p + 1;
    outEdge[p] = e;
    outCallee[p] = h;
    blockCaller[p] = g;
    if (timed[h] === 1) {
      const x = recordedCumulative(calls, e);
      edgeSelf[e] = positive(calls.selfTime[e] as number);
      edgeCumulative[e] = x;
      outCumulative[p] = x;
    }
    inEdge[inFill[h] as number] = e;
    inFill[h] = (inFill[h] as number) + 1;
  }
  let widest = 0;
  for (let b = 0; b < blocks; b++) {
    const f0 = Math.min(n, b << shift);
    const f1 = Math.min(n, f0 + (1 << shift));
    widest = Math.max(widest, (outStart[f1] as number) - (outStart[f0] as number));
  }
  const block = {
    edge: new Uint32Array(widest),
    callee: new Uint32Array(widest),
    cumulative: new Float64Array(widest),
    caller: new Uint32Array(widest),
  };
  const unsorted = sortNow ? new Uint32Array(m) : outCallee;
  const fill = outStart.slice(0, n);
  for (let b = 0; b < blocks; b++) {
    const f0 = Math.min(n, b << shift);
    const f1 = Math.min(n, f0 + (1 << shift));
    const p0 = outStart[f0] as number;
    const p1 = outStart[f1] as number;
    block.edge.set(outEdge.subarray(p0, p1));
    block.callee.set(outCallee.subarray(p0, p1));
    block.cumulative.set(outCumulative.subarray(p0, p1));
    block.caller.set(blockCaller.subarray(p0, p1));
    placeBlock(p1 - p0, block, fill, outEdge, outCallee, outCumulative);
    if (!sortNow) continue;
    unsorted.set(outCallee.subarray(p0, p1), p0);
    sortOutEdges(outStart, f0, f1, outEdge, outCallee, outCumulative);
  }
  return unsorted;
}

/** A block's `count` edges (`placeEdges`) to their callers' next positions (`fill`). */
function placeBlock(
  count: number,
  block: { edge: Uint32Array; callee: Uint32Array; cumulative: Float64Array; caller: Uint32Array },
  fill: Uint32Array,
  outEdge: Uint32Array,
  outCallee: Uint32Array,
  outCumulative: Float64Array,
): void {
  for (let i = 0; i < count; i++) {
    const g = block.caller[i] as number;
    const k = fill[g] as number;
    fill[g] = k + 1;
    outEdge[k] = block.edge[i] as number;
    outCallee[k] = block.callee[i] as number;
    outCumulative[k] = block.cumulative[i] as number;
  }
}

interface Estimation {
  readonly self: Float64Array;
  readonly cumulative: Float64Array;
  readonly callCount: Float64Array;
  readonly recursive: Uint8Array;
  readonly estimated: Uint8Array;
  readonly edgeSelf: Float64Array;
  readonly edgeCumulative: Float64Array;
  readonly outStart: Uint32Array;
  readonly outEdge: Uint32Array;
  readonly inStart: Uint32Array;
  readonly inEdge: Uint32Array;
}

/**
 * Times of the edges into callees not `timed` (see the file comment); returns whether
 * there were any.
 */
function estimateEdges(
  profile: Profile,
  timed: Uint8Array,
  callsIn: Float64Array,
  component: Int32Array,
  count: number,
  g: Estimation,
): boolean {
  const fns = profile.functions;
  const calls = profile.calls;
  const n = fns.length;
  const m = calls.length;
  const { caller, callee } = calls;
  const { self, cumulative, callCount, recursive, estimated, edgeSelf, edgeCumulative } = g;
  const primitiveIn = new Float64Array(n);
  for (let e = 0; e < m; e++)
    if (component[caller[e] as number] !== component[callee[e] as number])
      primitiveIn[callee[e] as number] =
        (primitiveIn[callee[e] as number] as number) + positive(calls.callCount[e] as number);
  let anyEstimated = false;
  for (let e = 0; e < m; e++) {
    const h = callee[e] as number;
    if (timed[h] === 1) continue;
    // The average call for own time. For cumulative time the outermost calls only: calls
    // from outside the callee's cycle are all outermost; the cycle's own callers share the
    // outermost calls that remain.
    const all = Math.max(callCount[h] as number, callsIn[h] as number);
    const count = positive(calls.callCount[e] as number);
    edgeSelf[e] = all > 0 ? ((self[h] as number) * count) / all : 0;
    const outermost = Math.max(1, positive(fns.primitiveCallCount[h] as number));
    const external = component[caller[e] as number] !== component[h];
    const inside = Math.max(0, outermost - (primitiveIn[h] as number));
    const insideCalls = Math.max(0, (callsIn[h] as number) - (primitiveIn[h] as number));
    edgeCumulative[e] =
      recursive[h] === 0
        ? all > 0
          ? ((cumulative[h] as number) * count) / all
          : 0
        : external
          ? ((cumulative[h] as number) * Math.min(count, outermost)) / outermost
          : insideCalls > 0
            ? (((cumulative[h] as number) * inside) / outermost) * (count / insideCalls)
            : 0;
    estimated[e] = 1;
    anyEstimated = true;
  }
  if (anyEstimated) {
    balanceEstimates(n, recursive, self, cumulative, estimated, edgeCumulative, component, count, {
      caller,
      callee,
      outStart: g.outStart,
      outEdge: g.outEdge,
      inStart: g.inStart,
      inEdge: g.inEdge,
    });
    // An estimated edge's own time: its callee's own share of what the edge carries (a
    // recursive callee's by calls: its cumulative time does not count nested calls).
    for (let e = 0; e < m; e++) {
      if (estimated[e] === 0) continue;
      const h = callee[e] as number;
      if (recursive[h] === 1) continue;
      const ct = cumulative[h] as number;
      edgeSelf[e] = ct > 0 ? ((edgeCumulative[e] as number) * (self[h] as number)) / ct : 0;
    }
  }
  return anyEstimated;
}

/** Every edge's cumulative time beside its out position; returns whether one is NaN. */
function gatherCumulative(
  outEdge: Uint32Array,
  edgeCumulative: Float64Array,
  outCumulative: Float64Array,
): boolean {
  let anyNaN = false;
  for (let k = 0; k < outEdge.length; k++) {
    const x = edgeCumulative[outEdge[k] as number] as number;
    outCumulative[k] = x;
    if (Number.isNaN(x)) anyNaN = true;
  }
  return anyNaN;
}

/** Functions per component. */
function componentSizes(component: Int32Array, count: number): Int32Array {
  const size = new Int32Array(count);
  for (let f = 0; f < component.length; f++)
    size[component[f] as number] = (size[component[f] as number] as number) + 1;
  return size;
}

/** 1 for the functions of components of several functions (self-calls are added later). */
function cyclicFunctions(component: Int32Array, size: Int32Array): Uint8Array {
  const cyclic = new Uint8Array(component.length);
  for (let f = 0; f < component.length; f++)
    if ((size[component[f] as number] as number) > 1) cyclic[f] = 1;
  return cyclic;
}

/**
 * Per component its inner edges (returned); marks self-calls' functions `cyclic` and
 * each inner edge whose pair recursed in `pairRecursive`.
 */
function innerEdges(
  profile: Profile,
  component: Int32Array,
  count: number,
  recursive: Uint8Array,
  cyclic: Uint8Array,
  pairRecursive: Uint8Array,
): Int32Array {
  const calls = profile.calls;
  const { caller, callee } = calls;
  const inner = new Int32Array(count);
  for (let e = 0; e < calls.length; e++) {
    const g = caller[e] as number;
    const h = callee[e] as number;
    const c = component[g] as number;
    if (c !== component[h]) continue;
    inner[c] = (inner[c] as number) + 1;
    if (g === h) {
      cyclic[g] = 1;
      pairRecursive[e] = 1;
      continue;
    }
    const nc = calls.callCount[e] as number;
    const cc = calls.primitiveCallCount[e] as number;
    pairRecursive[e] =
      Number.isFinite(nc) && Number.isFinite(cc)
        ? cc < nc
          ? 1
          : 0
        : recursive[g] === 1 && recursive[h] === 1
          ? 1
          : 0;
  }
  return inner;
}

/**
 * Sorts each caller's range of `outEdge` (with `outCallee` and `outCumulative` beside it)
 * heaviest first, ties by callee, then by edge: with no NaN that is a total order, so any
 * sort gives what the comparison sort of each range gave. Short ranges by insertion sort
 * on the three arrays side by side (`sortShortRanges`, which stops at a long range),
 * longer ones through a sorted index. On the 100k-function, 1M-edge benchmark the
 * comparison sorts, which read each edge's time and callee at random (and the callees'
 * times read back by position after), took 519 ms of the main thread's CPU; this 78 ms
 * with the times written as edges are placed (medians of 3; decision 0030).
 */
function sortOutEdges(
  outStart: Uint32Array,
  from: number,
  to: number,
  outEdge: Uint32Array,
  outCallee: Uint32Array,
  outCumulative: Float64Array,
): void {
  for (let f = from; f < to; f++) {
    f = sortShortRanges(f, to, outStart, outEdge, outCallee, outCumulative);
    if (f < to)
      sortLongRange(
        outStart[f] as number,
        outStart[f + 1] as number,
        outEdge,
        outCallee,
        outCumulative,
      );
  }
}

/** The short ranges (32 edges at most) of callers `f0 .. to`, up to the first long one (returned; `to` when none). */
function sortShortRanges(
  f0: number,
  to: number,
  outStart: Uint32Array,
  outEdge: Uint32Array,
  outCallee: Uint32Array,
  outCumulative: Float64Array,
): number {
  for (let f = f0; f < to; f++) {
    const s = outStart[f] as number;
    const t = outStart[f + 1] as number;
    if (t - s > 32) return f;
    for (let i = s + 1; i < t; i++) {
      const x = outCumulative[i] as number;
      const h = outCallee[i] as number;
      const e = outEdge[i] as number;
      let j = i - 1;
      for (; j >= s; j--) {
        // (All three differences computed each time: one computed only on a tie, when
        // first reached, threw the compiled loop away; decision 0033.)
        const byTime = (outCumulative[j] as number) - x;
        const byCallee = h - (outCallee[j] as number);
        const byEdge = e - (outEdge[j] as number);
        if (!((byTime || byCallee || byEdge) < 0)) break;
        outCumulative[j + 1] = outCumulative[j] as number;
        outCallee[j + 1] = outCallee[j] as number;
        outEdge[j + 1] = outEdge[j] as number;
      }
      outCumulative[j + 1] = x;
      outCallee[j + 1] = h;
      outEdge[j + 1] = e;
    }
  }
  return to;
}

/** One long range `s .. t`, through a sorted index. */
function sortLongRange(
  s: number,
  t: number,
  outEdge: Uint32Array,
  outCallee: Uint32Array,
  outCumulative: Float64Array,
): void {
  const order = Array.from({ length: t - s }, (_, i) => s + i);
  order.sort(
    (a, b) =>
      (outCumulative[b] as number) - (outCumulative[a] as number) ||
      (outCallee[a] as number) - (outCallee[b] as number) ||
      (outEdge[a] as number) - (outEdge[b] as number),
  );
  const cumulative = order.map((k) => outCumulative[k] as number);
  const callees = order.map((k) => outCallee[k] as number);
  const edges = order.map((k) => outEdge[k] as number);
  outCumulative.set(cumulative, s);
  outCallee.set(callees, s);
  outEdge.set(edges, s);
}

interface Adjacency {
  caller: Uint32Array;
  callee: Uint32Array;
  outStart: Uint32Array;
  outEdge: Uint32Array;
  inStart: Uint32Array;
  inEdge: Uint32Array;
}

/**
 * Balances estimated edge cumulative times (Sinkhorn's matrix balancing over the call
 * graph): each non-recursive caller passes on its cumulative minus own time, each
 * non-recursive callee receives its cumulative time, by alternately scaling the estimated
 * edges of each caller and each callee (recorded edges stay as they are) until every sum is
 * within 1e-9 or after 200 rounds. The call counts' proportions are the starting point;
 * recursive functions, whose cumulative time counts outermost calls only, set no sum.
 * Their cycle as a whole does: no call into a cycle from outside runs inside another, so
 * the time entering a cycle is its functions' own time plus the time leaving it; each round
 * moves the estimated edges into and out of such a cycle halfway towards that balance.
 */
function balanceEstimates(
  n: number,
  recursive: Uint8Array,
  self: Float64Array,
  cumulative: Float64Array,
  estimated: Uint8Array,
  edgeCumulative: Float64Array,
  component: Int32Array,
  componentCount: number,
  adjacency: Adjacency,
): void {
  const { caller, callee, outStart, outEdge, inStart, inEdge } = adjacency;
  const rowWant = new Float64Array(n).fill(-1);
  const colWant = new Float64Array(n).fill(-1);
  for (let f = 0; f < n; f++) {
    if (recursive[f] === 1) continue;
    let fixedOut = 0;
    let freeOut = false;
    for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++) {
      const e = outEdge[k] as number;
      if ((callee[e] as number) === f) continue;
      if (estimated[e] === 1) freeOut = true;
      else fixedOut += edgeCumulative[e] as number;
    }
    if (freeOut)
      rowWant[f] = Math.max(0, (cumulative[f] as number) - (self[f] as number) - fixedOut);
    let fixedIn = 0;
    let freeIn = false;
    for (let k = inStart[f] as number; k < (inStart[f + 1] as number); k++) {
      const e = inEdge[k] as number;
      if ((caller[e] as number) === f) continue;
      if (estimated[e] === 1) freeIn = true;
      else fixedIn += edgeCumulative[e] as number;
    }
    // What callers record of the callee's calls bounds what they can pass on to it.
    if (freeIn) colWant[f] = Math.max(0, (cumulative[f] as number) - fixedIn);
  }
  // Cycles with a recursive function: their own time, and their edges in and out.
  const cycleSelf = new Float64Array(componentCount).fill(-1);
  for (let f = 0; f < n; f++) if (recursive[f] === 1) cycleSelf[component[f] as number] = 0;
  const balanced: number[] = [];
  for (let f = 0; f < n; f++) {
    const c = component[f] as number;
    if ((cycleSelf[c] as number) < 0) continue;
    cycleSelf[c] = (cycleSelf[c] as number) + (self[f] as number);
  }
  const boundary: number[] = [];
  for (let e = 0; e < caller.length; e++) {
    const a = component[caller[e] as number] as number;
    const b = component[callee[e] as number] as number;
    if (a !== b && ((cycleSelf[a] as number) >= 0 || (cycleSelf[b] as number) >= 0))
      boundary.push(e);
  }
  for (let c = 0; c < componentCount; c++) if ((cycleSelf[c] as number) >= 0) balanced.push(c);
  const fixedIn = new Float64Array(componentCount);
  const freeIn = new Float64Array(componentCount);
  const fixedOut = new Float64Array(componentCount);
  const freeOut = new Float64Array(componentCount);
  const balanceCycles = (): number => {
    fixedIn.fill(0);
    freeIn.fill(0);
    fixedOut.fill(0);
    freeOut.fill(0);
    for (const e of boundary) {
      const x = edgeCumulative[e] as number;
      const free = estimated[e] === 1;
      const b = component[callee[e] as number] as number;
      const a = component[caller[e] as number] as number;
      if (free) freeIn[b] = (freeIn[b] as number) + x;
      else fixedIn[b] = (fixedIn[b] as number) + x;
      if (free) freeOut[a] = (freeOut[a] as number) + x;
      else fixedOut[a] = (fixedOut[a] as number) + x;
    }
    const inScale = new Map<number, number>();
    const outScale = new Map<number, number>();
    let worst = 0;
    for (const c of balanced) {
      const into = (fixedIn[c] as number) + (freeIn[c] as number);
      const out = (fixedOut[c] as number) + (freeOut[c] as number);
      if (!(into > 0)) continue;
      const d = into - out - (cycleSelf[c] as number);
      worst = Math.max(worst, Math.abs(d) / into);
      const canIn = (freeIn[c] as number) > 0;
      const canOut = (freeOut[c] as number) > 0;
      if (!canIn && !canOut) continue;
      const inShare = canIn && canOut ? 0.5 : canIn ? 1 : 0;
      if (canIn)
        inScale.set(c, Math.max(0, (freeIn[c] as number) - inShare * d) / (freeIn[c] as number));
      if (canOut)
        outScale.set(
          c,
          Math.max(0, (freeOut[c] as number) + (1 - inShare) * d) / (freeOut[c] as number),
        );
    }
    for (const e of boundary) {
      if (estimated[e] !== 1) continue;
      const rIn = inScale.get(component[callee[e] as number] as number);
      const rOut = outScale.get(component[caller[e] as number] as number);
      if (rIn !== undefined) edgeCumulative[e] = (edgeCumulative[e] as number) * rIn;
      if (rOut !== undefined) edgeCumulative[e] = (edgeCumulative[e] as number) * rOut;
    }
    return worst;
  };
  for (let round = 0; round < 200; round++) {
    let worst = balanced.length > 0 ? balanceCycles() : 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let f = 0; f < n; f++) {
        const want = pass === 0 ? (rowWant[f] as number) : (colWant[f] as number);
        if (want < 0) continue;
        const start = pass === 0 ? outStart : inStart;
        const list = pass === 0 ? outEdge : inEdge;
        let free = 0;
        for (let k = start[f] as number; k < (start[f + 1] as number); k++) {
          const e = list[k] as number;
          if (estimated[e] === 1 && (caller[e] as number) !== (callee[e] as number))
            free += edgeCumulative[e] as number;
        }
        if (!(free > 0)) continue;
        worst = Math.max(worst, Math.abs(free - want) / Math.max(want, 1e-300));
        const r = want / free;
        for (let k = start[f] as number; k < (start[f + 1] as number); k++) {
          const e = list[k] as number;
          if (estimated[e] === 1 && (caller[e] as number) !== (callee[e] as number))
            edgeCumulative[e] = (edgeCumulative[e] as number) * r;
        }
      }
    }
    if (worst < 1e-9) break;
  }
}

/**
 * Tarjan's strongly connected components, iterative (no recursion depth limit). Components
 * are numbered in the order they complete: every edge leads to a component with a number
 * at most its own, so descending numbers are a topological order (sources first).
 */
export function stronglyConnected(
  n: number,
  outStart: Uint32Array,
  outCallee: Uint32Array,
): { component: Int32Array; count: number } {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const component = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  // The walk's path: each function above the current one and where its scan resumes.
  // (Held by depth, and the current function's scan in locals, rather than a cursor per
  // function read and written for every edge; decision 0033.)
  const pathFunction = new Int32Array(n);
  const pathCursor = new Uint32Array(n);
  let sp = 0;
  let next = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if ((index[root] as number) >= 0) continue;
    let depth = 0;
    let v = root;
    let k = outStart[root] as number;
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    for (;;) {
      const end = outStart[v + 1] as number;
      let child = -1;
      while (k < end) {
        const w = outCallee[k++] as number;
        const iw = index[w] as number;
        if (iw < 0) {
          child = w;
          break;
        }
        if (onStack[w] === 1 && iw < (low[v] as number)) low[v] = iw;
      }
      if (child >= 0) {
        pathFunction[depth] = v;
        pathCursor[depth] = k;
        depth++;
        v = child;
        k = outStart[child] as number;
        index[child] = low[child] = next++;
        stack[sp++] = child;
        onStack[child] = 1;
        continue;
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp] as number;
          onStack[w] = 0;
          component[w] = count;
        } while (w !== v);
        count++;
      }
      if (depth === 0) break;
      depth--;
      const u = pathFunction[depth] as number;
      if ((low[v] as number) < (low[u] as number)) low[u] = low[v] as number;
      v = u;
      k = pathCursor[depth] as number;
    }
  }
  return { component, count };
}
