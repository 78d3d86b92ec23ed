/**
 * How much time flowed along each edge of a recursion cycle, counting every traversal —
 * not only the outermost ones _lsprof's edge times count.
 *
 * Along an edge that never recursed (its callee or caller never nested in itself, or the
 * pair's primitive calls equal its calls) every traversal is an outermost one, so the flow
 * is the recorded cumulative time. Along a pair that recursed the flow is larger by what
 * ran in nested traversals, which no number records. Conservation fixes much of it: what
 * enters a function (entries plus in-flows) equals what it holds (own time, exits,
 * out-flows). Starting from the recorded times, the imbalance is routed along recursive
 * pairs only, by shortest augmenting paths from functions with a surplus to functions with
 * a deficit (breadth-first search, at most 20 edge visits per edge of the cycle in all):
 * the smallest extra flow that balances the cycle, i.e. the shallowest recursion the
 * numbers allow. What cannot be balanced (inconsistent numbers) stays unbalanced; the
 * consistency check names it.
 */
import type { CallGraph } from './graph.js';

export interface CycleFlows {
  /** Per edge: time along all its traversals (the recorded time outside cycles). */
  readonly flow: Float64Array;
}

/**
 * Flows of every cycle; `entry` is the time entering each function from outside its
 * component, `members` the functions of each component.
 */
export function cycleFlows(
  graph: CallGraph,
  entry: Float64Array,
  members: { start: Uint32Array; order: Uint32Array },
): CycleFlows {
  const { n, caller, callee, outStart, outEdge, component, cyclic, pairRecursive } = graph;
  const flow = graph.edgeCumulative.slice();
  // A self-call that recursed (calls nc above primitive calls cc): its nested traversals
  // carry time no number records and conservation cannot see (it enters and leaves the same
  // function). As chains of nc / cc levels each with an equal share of the outermost
  // traversal's time, level j carries (L − j + 1) / L of it: in all (L + 1) / 2 times it.
  const edgeCalls = graph.profile.calls;
  for (let e = 0; e < graph.m; e++) {
    if (caller[e] !== callee[e] || pairRecursive[e] === 0) continue;
    const nc = edgeCalls.callCount[e] as number;
    const cc = edgeCalls.primitiveCallCount[e] as number;
    if (!(cc > 0) || !(nc > cc) || !Number.isFinite(nc)) continue;
    flow[e] = ((flow[e] as number) * (nc / cc + 1)) / 2;
  }
  // need(f) = out − in: > 0 wants more inflow, < 0 has a surplus to pass on.
  const need = new Float64Array(n);
  const prevEdge = new Int32Array(n).fill(-1);
  const seen = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let round = 0;
  for (let c = 0; c < graph.componentCount; c++) {
    const s0 = members.start[c] as number;
    const s1 = members.start[c + 1] as number;
    if (s1 - s0 === 1 && cyclic[members.order[s0] as number] === 0) continue;
    if (graph.large[c] === 1) continue;
    let total = 0;
    for (let i = s0; i < s1; i++) {
      const f = members.order[i] as number;
      total += entry[f] as number;
      need[f] = (graph.self[f] as number) - (entry[f] as number);
    }
    for (let i = s0; i < s1; i++) {
      const f = members.order[i] as number;
      for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++) {
        const e = outEdge[k] as number;
        const h = callee[e] as number;
        if (h === f) continue;
        const v = flow[e] as number;
        need[f] = (need[f] as number) + v;
        if ((component[h] as number) === c) need[h] = (need[h] as number) - v;
      }
    }
    const tolerance = 1e-12 * (total || 1);
    let work = 0;
    let edgesInCycle = 0;
    for (let i = s0; i < s1; i++) {
      const f = members.order[i] as number;
      edgesInCycle += (outStart[f + 1] as number) - (outStart[f] as number);
    }
    const maxWork = 20 * (edgesInCycle + (s1 - s0));
    for (let i = s0; i < s1 && work < maxWork; i++) {
      const source = members.order[i] as number;
      while ((need[source] as number) < -tolerance && work < maxWork) {
        round++;
        let head = 0;
        let tail = 0;
        queue[tail++] = source;
        seen[source] = round;
        let found = -1;
        while (head < tail && found < 0 && work < maxWork) {
          const g = queue[head++] as number;
          for (let k = outStart[g] as number; k < (outStart[g + 1] as number); k++) {
            work++;
            const e = outEdge[k] as number;
            const h = callee[e] as number;
            if (pairRecursive[e] === 0 || h === g || (component[h] as number) !== c) continue;
            if (seen[h] === round) continue;
            seen[h] = round;
            prevEdge[h] = e;
            if ((need[h] as number) > tolerance) {
              found = h;
              break;
            }
            queue[tail++] = h;
          }
        }
        if (found < 0) break;
        const amount = Math.min(-(need[source] as number), need[found] as number);
        for (let h = found; h !== source; ) {
          const e = prevEdge[h] as number;
          flow[e] = (flow[e] as number) + amount;
          h = caller[e] as number;
        }
        need[source] = (need[source] as number) + amount;
        need[found] = (need[found] as number) - amount;
      }
    }
  }
  return { flow };
}
