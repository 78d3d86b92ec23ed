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

/**
 * `checkConsistency` with the entries and components' members the reconstruction already
 * has (decision 0028: finding the entries again cost 0.2 s on the 100k-function benchmark).
 */
export function inconsistentFunctions(
  graph: CallGraph,
  entries: Entries,
  members: { readonly order: Uint32Array },
): InconsistentFunction[] {
  const { n, caller, callee, self, cumulative, component, cyclic, outStart } = graph;
  const { outCallee, outCumulative, inStart, inEdge, edgeCumulative, estimated, total } = graph;
  const out: InconsistentFunction[] = [];
  const tolerance = (ct: number) => Math.max(ABSOLUTE, RELATIVE * ct);
  // Per cycle: what enters (edges from outside and roots) and what it holds.
  const enters = new Float64Array(graph.componentCount);
  const holds = new Float64Array(graph.componentCount);
  const cycleEstimated = new Uint8Array(graph.componentCount);
  for (let f = 0; f < n; f++) {
    const c = component[f] as number;
    enters[c] = (enters[c] as number) + (entries.entry[f] as number);
    holds[c] = (holds[c] as number) + (self[f] as number);
  }
  // Per function: 1 when an edge out of it was estimated, 2 when one into it, 3 both.
  const nearEstimated = new Uint8Array(n);
  for (let e = 0; e < graph.m; e++) {
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
  for (let f = 0; f < n; f++) {
    const ct = cumulative[f] as number;
    const tol = tolerance(ct);
    if (ct > total + tol) {
      out.push({ function: f, reason: 'above-total', cumulative: ct, expected: total });
      continue;
    }
    // Edges estimated from call counts prove nothing either way.
    if ((nearEstimated[f] as number) !== 0) continue;
    let outAll = 0;
    let exits = 0;
    let largestEdge = 0;
    // (Callees and times by out position, estimated edges flagged per function: with
    // them read by edge, at random, the check took 239 ms on the 100k-function benchmark,
    // now 80 ms; decision 0030.)
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
    if (cyclic[f] === 0) {
      const expected = own + outAll;
      if (Math.abs(ct - expected) > tol)
        out.push({ function: f, reason: 'not-own-plus-callees', cumulative: ct, expected });
      continue;
    }
    const c = component[f] as number;
    if (
      (entries.entry[f] as number) > 0 &&
      cycleEstimated[c] === 0 &&
      Math.abs((enters[c] as number) - (holds[c] as number)) > tolerance(holds[c] as number)
    ) {
      out.push({
        function: f,
        reason: 'cycle-unbalanced',
        cumulative: ct,
        expected: ct + (holds[c] as number) - (enters[c] as number),
      });
      continue;
    }
    const lower = Math.max(own + exits, largestEdge);
    if (ct < lower - tol) {
      out.push({ function: f, reason: 'below-parts', cumulative: ct, expected: lower });
      continue;
    }
    const upper = own + outAll;
    if (ct > upper + tol)
      out.push({ function: f, reason: 'above-parts', cumulative: ct, expected: upper });
  }
  // What each function's subtree can hold, sinks first (cycles: what enters them).
  const flagged = new Uint8Array(n);
  for (const x of out) flagged[x.function] = 1;
  const holdsShare = new Float64Array(n).fill(1);
  // (Functions by component, then by number.)
  for (const f of members.order) {
    if (cyclic[f] === 1) continue;
    const ct = cumulative[f] as number;
    let held = self[f] as number;
    for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++)
      held += (outCumulative[k] as number) * (holdsShare[outCallee[k] as number] as number);
    holdsShare[f] = ct > 0 ? Math.min(4, held / ct) : 1;
    if (flagged[f] === 1 || ((nearEstimated[f] as number) & 1) !== 0) continue;
    if (Math.abs(held - ct) > tolerance(ct)) {
      out.push({ function: f, reason: 'callee-contradicts', cumulative: ct, expected: held });
      flagged[f] = 1;
    }
  }
  out.sort((a, b) => a.function - b.function);
  return out;
}
