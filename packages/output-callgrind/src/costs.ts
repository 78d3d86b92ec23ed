/**
 * Integer costs for callgrind from float seconds, and the arc costs KCachegrind sums.
 *
 * Callgrind costs are unsigned integers, so seconds are scaled to the chosen unit and
 * rounded. Self costs use cumulative rounding in output order (each cost is the rounded
 * running total minus the previous rounded running total), so every self cost is within
 * one unit of its exact value and together they add up to exactly the rounded total time
 * — the `summary:` line. Arc (call) costs are the edge's own cumulative time, each rounded
 * on its own. Where the profile recorded fewer calls for a function than it was called
 * (the profiler's own top-level call, e.g. into `builtins.exec`), the missing calls and
 * cost go to one synthetic caller, `(profiler)`, so that KCachegrind's inclusive cost
 * (the sum of incoming arcs, self-arcs excluded) equals the function's cumulative time.
 * Sources without per-edge times (the `profile` module) get arc costs estimated from
 * call-count shares; the writer says so in the file and with the `estimated-call-costs`
 * warning. Negative or non-finite times (a `profile`-module calibration bias can make
 * them negative) become 0, and costs above 2^53 are clamped (`cost-clamped`).
 *
 * Sampled stacks record no call counts (NaN): a `calls=` line then says 1 (callgrind_annotate
 * takes the line after `calls=0` for self cost), and a function that was also at the
 * bottom of some stacks — a root as well as a callee — gets a `(profiler)` arc with the
 * weight of those stacks, so that KCachegrind's inclusive cost again equals the weight of
 * every stack holding it.
 */
import { CumulativeRounder, isAbsent, type Profile } from '@pyprof/core';

/** Core's cumulative rounding, which callgrind's costs were the first to need. */
export { CumulativeRounder };

/** Largest cost written: callgrind_annotate keeps costs as doubles. */
export const MAX_COST = 2 ** 53;

/** Counts of values the writer had to change, for warnings. */
export interface CostAdjustments {
  negative: number;
  clamped: number;
}

/** Seconds → non-negative scaled units (not yet rounded); absent or negative → 0. */
export function scaled(seconds: number, scale: number, adjust: CostAdjustments): number {
  if (!(seconds > 0)) {
    if (seconds < 0) adjust.negative++;
    return 0;
  }
  const value = seconds * scale;
  if (value > MAX_COST) {
    adjust.clamped++;
    return MAX_COST;
  }
  return value;
}

/** A non-negative integer call count for `calls=` (counts are floats in the IR). */
export function countOf(value: number): number {
  if (!(value > 0)) return 0;
  return value > MAX_COST ? MAX_COST : Math.round(value);
}

/** The count a `calls=` line shows: the recorded one, or 1 where none was recorded (sampled stacks). */
export function shownCount(value: number): number {
  return isAbsent(value) ? 1 : countOf(value);
}

/** Splits the integer `total` over `weights` (≥ 0) so the parts add up to `total`. */
export function splitByWeights(total: number, weights: readonly number[]): number[] {
  // `|| 0` turns NaN into 0, Math.max negative weights.
  const clean = weights.map((w) => Math.max(0, w || 0));
  let sum = 0;
  for (const w of clean) sum += w;
  if (!(sum > 0) || total <= 0) return clean.map(() => 0);
  const rounder = new CumulativeRounder();
  return clean.map((w) => rounder.next((w / sum) * total));
}

/** Edges grouped by one end: `order[offsets[f] .. offsets[f + 1])` are f's edges in row order. */
export interface EdgeGroups {
  offsets: Uint32Array;
  order: Uint32Array;
}

/** Where each group starts when the rows are grouped by `ends[e]`; `offsets[groups]` = count. */
function groupOffsets(ends: Uint32Array, count: number, groups: number): Uint32Array {
  const offsets = new Uint32Array(groups + 1);
  for (let e = 0; e < count; e++) {
    const g = (ends[e] as number) + 1;
    offsets[g] = (offsets[g] as number) + 1;
  }
  for (let g = 0; g < groups; g++)
    offsets[g + 1] = (offsets[g + 1] as number) + (offsets[g] as number);
  return offsets;
}

/** Counting sort of edge rows by `ends[e]` (stable, linear). */
export function groupEdges(ends: Uint32Array, count: number, groups: number): EdgeGroups {
  const offsets = groupOffsets(ends, count, groups);
  const next = offsets.slice(0, groups);
  const order = new Uint32Array(count);
  for (let e = 0; e < count; e++) {
    const g = ends[e] as number;
    const at = next[g] as number;
    order[at] = e;
    next[g] = at + 1;
  }
  return { offsets, order };
}

/**
 * The edges in caller order, with what the writer reads of each side by side: `callee`,
 * `count` and `cost` of the k-th arc, caller f's arcs being `offsets[f] .. offsets[f + 1]`
 * in row order; `edge` (the row) only when asked for. One pass over the rows scatters them
 * (reading the rows by caller in the writing loop missed the cache on every arc of a
 * 1M-edge profile, whose rows are in callee order).
 */
export interface CallerArcs {
  offsets: Uint32Array;
  callee: Uint32Array;
  count: Float64Array;
  cost: Float64Array;
  edge: Uint32Array | undefined;
}

export function arcsByCaller(profile: Profile, cost: Float64Array, withEdges: boolean): CallerArcs {
  const calls = profile.calls;
  const n = profile.functions.length;
  const m = calls.length;
  const offsets = groupOffsets(calls.caller, m, n);
  const next = offsets.slice(0, n);
  const callee = new Uint32Array(m);
  const count = new Float64Array(m);
  const arcCost = new Float64Array(m);
  const edge = withEdges ? new Uint32Array(m) : undefined;
  for (let e = 0; e < m; e++) {
    const caller = calls.caller[e] as number;
    const at = next[caller] as number;
    next[caller] = at + 1;
    callee[at] = calls.callee[e] as number;
    count[at] = shownCount(calls.callCount[e] as number);
    arcCost[at] = cost[e] as number;
    if (edge) edge[at] = e;
  }
  return { offsets, callee, count, cost: arcCost, edge };
}

/** Integer arc costs for every edge and the synthetic `(profiler)` arcs. */
export interface ArcCosts {
  /** Inclusive cost written on each edge's call line (index = edge row). */
  edge: Float64Array;
  /** Calls the profile recorded no caller for, per function (→ from `(profiler)`). */
  profilerCalls: Float64Array;
  /** Cost of those calls, per function. */
  profilerCost: Float64Array;
  /** True when some arc cost was estimated from call counts (no edge times). */
  estimated: boolean;
}

/**
 * Arc costs per callee f, with R = round(ct(f)) in units:
 * - a timed edge costs round(edge ct);
 * - the calls no caller was recorded for (nc − Σ incoming counts) come from `(profiler)`
 *   with R − Σ non-self timed arcs (KCachegrind leaves self-arcs out of inclusive cost);
 * - untimed non-self edges share what timed ones leave of R by call counts (with the
 *   `(profiler)` calls), and an untimed self-arc gets R × its share of all calls.
 * So KCachegrind's inclusive cost of f is exactly R unless the recorded arcs exceed it
 * (recursion cycles, where cProfile's per-edge times overlap).
 */
export function arcCosts(profile: Profile, scale: number, adjust: CostAdjustments): ArcCosts {
  const fns = profile.functions;
  const calls = profile.calls;
  const n = fns.length;
  const m = calls.length;
  const edge = new Float64Array(m);
  const profilerCalls = new Float64Array(n);
  const profilerCost = new Float64Array(n);
  const sampled = profile.metadata.sampled === true;
  let estimated = false;
  const incoming = groupEdges(calls.callee, m, n);
  const untimed: number[] = [];
  const weights: number[] = [];

  for (let f = 0; f < n; f++) {
    const from = incoming.offsets[f] as number;
    const to = incoming.offsets[f + 1] as number;
    const ct = fns.inclusiveTime[f] as number;
    const known = !isAbsent(ct);
    const total = known ? Math.round(scaled(ct, scale, adjust)) : 0;
    const counted = !isAbsent(fns.callCount[f] as number);
    const callCount = countOf(fns.callCount[f] as number);
    let recordedCalls = 0;
    let timedSum = 0;
    /** Unrounded sum of the non-self edge times, for a function without a call count. */
    let exactSum = 0;
    untimed.length = 0;
    for (let k = from; k < to; k++) {
      const e = incoming.order[k] as number;
      const count = countOf(calls.callCount[e] as number);
      recordedCalls += count;
      const edgeTime = calls.inclusiveTime[e] as number;
      const self = calls.caller[e] === f;
      if (!isAbsent(edgeTime)) {
        const cost = Math.round(scaled(edgeTime, scale, adjust));
        edge[e] = cost;
        if (!self) {
          timedSum += cost;
          exactSum += edgeTime;
        }
      } else if (self) {
        estimated = true;
        edge[e] = callCount > 0 ? Math.round(total * Math.min(1, count / callCount)) : 0;
      } else {
        untimed.push(e);
      }
    }
    const left = known ? Math.max(0, total - timedSum) : 0;
    // Without a call count (sampled stacks), what the callers' arcs leave of the inclusive
    // cost — by more than rounding — is the weight of the stacks the function is the root of.
    // A measured profile without call counts (line_profiler) records no calls at all: its
    // functions stay without callers.
    const missing = counted
      ? Math.max(0, callCount - recordedCalls)
      : sampled && known && untimed.length === 0 && (ct - exactSum) * scale >= 0.5
        ? 1
        : 0;
    profilerCalls[f] = missing;
    if (untimed.length === 0) {
      profilerCost[f] = missing > 0 ? left : 0;
      continue;
    }
    estimated = true;
    weights.length = 0;
    for (const e of untimed) weights.push(countOf(calls.callCount[e] as number));
    if (missing > 0) weights.push(missing);
    const parts = splitByWeights(left, weights);
    untimed.forEach((e, k) => {
      edge[e] = parts[k] as number;
    });
    profilerCost[f] = missing > 0 ? (parts[untimed.length] as number) : 0;
  }
  return { edge, profilerCalls, profilerCost, estimated };
}
