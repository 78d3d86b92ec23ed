/**
 * One stack tree per recursion cycle, solved once for all the time that enters the cycle
 * and then copied (scaled) under every stack that enters it — the cycle's *template*.
 *
 * Why per cycle. Off cycles a node's callees can simply share its time in the recorded
 * proportions: every activation is an outermost one, so each function's stacks add up to
 * its cumulative time. Inside a cycle that local rule loses time: a function's cumulative
 * time counts only its outermost activations, and where a shared function (a parser's
 * `binary`, importlib's `_call_with_frames_removed`, `exec`) is called again below itself,
 * which of its callees comes next depends on who called it. In R→A→H→B→H→C with all time
 * in C, giving every H the same mix of B and C puts half of C directly under the outer H
 * and B keeps half its cumulative time. The template therefore tracks the stack: a node
 * knows which functions and caller→callee pairs are already on it, so a call is a *first
 * visit* (the callee counts towards its cumulative time), a *revisit along a new pair*
 * (counts towards the pair's recorded time) or a *nested* traversal (counts towards neither
 * — recursion no number records; its time comes from the cycle's flows, `flows.ts`).
 *
 * Construction, heaviest node first. A function that never recursed passes its time on in
 * the recorded proportions (or the context rule's), skipping callees that are already on
 * the stack and never recursed. A function that recursed sends its time first to first
 * visits that still lack cumulative time (one that fits the whole amount first, then the
 * largest), then to new pairs, then to nested traversals, each up to what the numbers leave
 * for it, then to its own time and exits; a tenth of every such node follows the recorded
 * proportions instead, so that every path the numbers allow is present for the fit to use.
 * Then `fit.ts` scales the template until each function's first visits add up to its
 * cumulative time, each edge's own time and each exit's time match, and each entry carries
 * what enters the cycle there.
 *
 * Bounds: at most `maxNodes` nodes over all templates (shared in proportion to the cycles'
 * time, at least 64 each, at most 2000 + 64 per function of the cycle) and `maxDepth` levels; a child lighter than 1e-7 of its cycle's
 * time, deeper, or over the bound is not built: its time is recorded as a *cut* of the
 * parent, which the expansion turns into a visible budget frame.
 */
import { type ContextRule, ruleFractions } from './context-rule.js';
import type { Entries } from './entries.js';
import { fitCycle } from './fit.js';
import type { CycleFlows } from './flows.js';
import { type CallGraph, widestRange } from './graph.js';
import { BestFirst } from './heap.js';

/** A template link: to a child node, an exit edge (callee outside the cycle) or a cut edge. */
export const LINK_CHILD = 0;
export const LINK_EXIT = 1;
export const LINK_CUT = 2;

export interface Templates {
  readonly length: number;
  readonly parent: Int32Array;
  readonly function: Uint32Array;
  /** Edge the node was reached by; -1 for an entry (template root). */
  readonly inEdge: Int32Array;
  /** Time in the node's subtree (self + links). */
  readonly amount: Float64Array;
  readonly self: Float64Array;
  /** 1 for a node reached along a caller→callee pair already on its stack (beyond recorded times). */
  readonly nested: Uint8Array;
  /** The node's links are `linkFirst[v] .. linkFirst[v] + linkCount[v]`, heaviest first. */
  readonly linkFirst: Uint32Array;
  readonly linkCount: Uint32Array;
  readonly linkKind: Uint8Array;
  /** Child node (LINK_CHILD) or edge (LINK_EXIT, LINK_CUT). */
  readonly linkRef: Uint32Array;
  readonly linkAmount: Float64Array;
  /** Template root of each edge into a cycle (from another component), or -1. */
  readonly rootOfEdge: Int32Array;
  /** Template root of each profile root on a cycle, or -1. */
  readonly rootOfRoot: Int32Array;
  /**
   * Per edge: the smallest piece of its time one stack may hold — half of its average
   * call, or of the largest single activation below it where that is more (an activation
   * runs on one stack; see `buildTemplates`).
   */
  readonly smallest: Float64Array;
  /** Per template node: the largest single activation in its subtree. */
  readonly lump: Float64Array;
}

export interface TemplateOptions {
  maxNodes: number;
  maxDepth: number;
  /** Most sweeps of the fit per cycle (it also stops when converged). */
  fitSweeps: number;
  /** Steps of the fit over all cycles (each sweep of a cycle costs about its nodes × depth). */
  fitSteps: number;
}

/** What a cycle's fit must reach, per function and edge (indexed like the graph). */
export interface CycleTargets {
  readonly graph: CallGraph;
  readonly entries: Entries;
  readonly component: number;
  /** Time entering the cycle. */
  readonly total: number;
}

/** The templates while they are built (growable columns behind the public arrays). */
export class MutableTemplates {
  parent = new Int32Array(1024);
  function = new Uint32Array(1024);
  inEdge = new Int32Array(1024);
  amount = new Float64Array(1024);
  self = new Float64Array(1024);
  nested = new Uint8Array(1024);
  depth = new Uint16Array(1024);
  length = 0;
  /** Links, per node contiguous (a node's links are all added when it is built). */
  linkFirst = new Uint32Array(1024);
  linkCount = new Uint32Array(1024);
  linkKind = new Uint8Array(4096);
  linkRef = new Uint32Array(4096);
  linkAmount = new Float64Array(4096);
  links = 0;

  addNode(parent: number, fn: number, inEdge: number, amount: number, nested: number): number {
    if (this.length === this.parent.length) this.#growNodes();
    const v = this.length++;
    this.parent[v] = parent;
    this.function[v] = fn;
    this.inEdge[v] = inEdge;
    this.amount[v] = amount;
    this.self[v] = 0;
    this.nested[v] = nested;
    this.depth[v] = parent < 0 ? 1 : Math.min(65535, (this.depth[parent] as number) + 1);
    return v;
  }

  addLink(kind: number, ref: number, amount: number): void {
    if (this.links === this.linkKind.length) {
      const size = this.links * 2;
      const k = new Uint8Array(size);
      const r = new Uint32Array(size);
      const a = new Float64Array(size);
      k.set(this.linkKind);
      r.set(this.linkRef);
      a.set(this.linkAmount);
      this.linkKind = k;
      this.linkRef = r;
      this.linkAmount = a;
    }
    this.linkKind[this.links] = kind;
    this.linkRef[this.links] = ref;
    this.linkAmount[this.links] = amount;
    this.links++;
  }

  #growNodes(): void {
    const size = this.parent.length * 2;
    const grow = <T extends Int32Array | Uint32Array | Float64Array | Uint8Array | Uint16Array>(
      a: T,
    ): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a as never);
      return b;
    };
    this.parent = grow(this.parent);
    this.function = grow(this.function);
    this.inEdge = grow(this.inEdge);
    this.amount = grow(this.amount);
    this.self = grow(this.self);
    this.nested = grow(this.nested);
    this.depth = grow(this.depth);
    this.linkFirst = grow(this.linkFirst);
    this.linkCount = grow(this.linkCount);
  }

  /** Orders every node's links heaviest first (after the fit changed their amounts). */
  sortLinks(first: number, end: number): void {
    const order: number[] = [];
    for (let v = first; v < end; v++) {
      const s = this.linkFirst[v] as number;
      const t = s + (this.linkCount[v] as number);
      if (t - s < 2) continue;
      order.length = 0;
      for (let k = s; k < t; k++) order.push(k);
      const amount = this.linkAmount;
      const ref = this.linkRef;
      order.sort((a, b) => (amount[b] as number) - (amount[a] as number) || a - b);
      const kinds = order.map((k) => this.linkKind[k] as number);
      const refs = order.map((k) => ref[k] as number);
      const amounts = order.map((k) => amount[k] as number);
      for (let i = 0; i < order.length; i++) {
        this.linkKind[s + i] = kinds[i] as number;
        ref[s + i] = refs[i] as number;
        amount[s + i] = amounts[i] as number;
      }
    }
  }

  finish(
    rootOfEdge: Int32Array,
    rootOfRoot: Int32Array,
    smallest: Float64Array,
    lump: Float64Array,
  ): Templates {
    const n = this.length;
    return {
      length: n,
      parent: this.parent.subarray(0, n),
      function: this.function.subarray(0, n),
      inEdge: this.inEdge.subarray(0, n),
      amount: this.amount.subarray(0, n),
      self: this.self.subarray(0, n),
      nested: this.nested.subarray(0, n),
      linkFirst: this.linkFirst.subarray(0, n),
      linkCount: this.linkCount.subarray(0, n),
      linkKind: this.linkKind.subarray(0, this.links),
      linkRef: this.linkRef.subarray(0, this.links),
      linkAmount: this.linkAmount.subarray(0, this.links),
      rootOfEdge,
      rootOfRoot,
      smallest,
      lump: lump.subarray(0, n),
    };
  }
}

/** Share of a recursive node that follows the recorded proportions (see the file comment). */
const SPREAD = 0.1;
/** Children lighter than this share of their cycle's time are cut. */
const LIGHTEST = 1e-7;

/** Builds (and fits) the template of every cycle. */
export function buildTemplates(
  graph: CallGraph,
  entries: Entries,
  flows: CycleFlows,
  rule: ContextRule,
  members: { start: Uint32Array; order: Uint32Array },
  options: TemplateOptions,
): Templates {
  const { n, m, callee, outStart, outEdge } = graph;
  const { component, recursive } = graph;
  const { edgeSelf, edgeCumulative, cumulative } = graph;
  const { entry, entrySelf } = entries;
  const { flow } = flows;
  const t = new MutableTemplates();
  const rootOfEdge = new Int32Array(m).fill(-1);
  const rootOfRoot = new Int32Array(n).fill(-1);
  const maxDegree = Math.max(1, widestRange(outStart));
  const amount = new Float64Array(maxDegree);
  const sharp = new Float64Array(maxDegree);
  const weight = new Float64Array(maxDegree);
  const status = new Uint8Array(maxDegree); // 0 exit, 1 first visit, 2 new pair, 3 nested, 4 skip
  const order: number[] = [];
  const heap = new BestFirst();

  // Cycles with their time, to share the node bound.
  const cycles = cyclesWithTime(graph, entry, members);
  let cyclesTime = 0;
  for (const [, time] of cycles) cyclesTime += time;

  // Pools: what is left of each number the sharp part may still use (only where some
  // cycle gets a template: the 100k-function benchmark has none, and these would be 38 MB
  // allocated, 4 MB of them filled; decision 0030).
  const size = (count: number) => (cycles.length > 0 ? count : 0);
  const firstLeft = new Float64Array(size(n));
  const rootSelfLeft = new Float64Array(size(n));
  const pairLeft = new Float64Array(size(m));
  const nestLeft = new Float64Array(size(m));
  const selfLeft = new Float64Array(size(m));
  const exitLeft = new Float64Array(size(m));
  const stampF = new Int32Array(size(n)).fill(-1);
  const stampE = new Int32Array(size(m)).fill(-1);

  // Indivisible pieces: an activation runs on one stack, so no stack may hold less than half
  // of the largest activation below an edge ("lump"): sinks first, every component in turn.
  const activation = activations(graph);
  const lump = new Float64Array(n);
  // To start with, half the edge's average call (0 where calls were not counted): each call
  // is one activation on one stack, so a stack with a sliver of a call is a product of
  // mixing, not of the run. (Here, not in the graph, which the expansion holds: 8 MB on
  // the 100k-function benchmark; decision 0030.)
  const smallest = averageHalves(graph);
  const rootLump = new Map<number, number>();
  let nodeLumps = new Float64Array(1024);
  const lumps: Lumps = { graph, activation, lump, smallest, rootOfEdge, rootLump };
  let stepsLeft = options.fitSteps;
  let cyclesLeft = cyclesTime;
  const cycleOf = new Map<number, number>();
  for (const [c, time] of cycles) cycleOf.set(c, time);
  for (let c = 0; c < graph.componentCount; c++) {
    const s0 = members.start[c] as number;
    const s1 = members.start[c + 1] as number;
    const time = cycleOf.get(c);
    if (time === undefined) {
      offCycleLumps(lumps, c, members.order.subarray(s0, s1));
      continue;
    }
    for (let i = s0; i < s1; i++) {
      const f = members.order[i] as number;
      lump[f] = activation[f] as number;
      // Inside the cycle: an edge's piece is at least half its callee's activation.
      for (let k = graph.inStart[f] as number; k < (graph.inStart[f + 1] as number); k++) {
        const e = graph.inEdge[k] as number;
        if ((component[graph.caller[e] as number] as number) !== c) continue;
        smallest[e] = Math.max(
          smallest[e] as number,
          0.5 * Math.min(edgeCumulative[e] as number, activation[f] as number),
        );
      }
    }
    const first = t.length;
    const cap = Math.max(
      64,
      Math.min(Math.floor((options.maxNodes * time) / cyclesTime), 2000 + 64 * (s1 - s0)),
    );
    const lightest = LIGHTEST * time;
    for (let i = s0; i < s1; i++) {
      const f = members.order[i] as number;
      firstLeft[f] = Math.max(0, (cumulative[f] as number) - (entry[f] as number));
      rootSelfLeft[f] = entrySelf[f] as number;
      for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++) {
        const e = outEdge[k] as number;
        if ((component[callee[e] as number] as number) === c) {
          pairLeft[e] = edgeCumulative[e] as number;
          nestLeft[e] = Math.max(0, (flow[e] as number) - (edgeCumulative[e] as number));
          selfLeft[e] = edgeSelf[e] as number;
        } else exitLeft[e] = edgeCumulative[e] as number;
      }
    }
    // One root per function entering the cycle: the time of every edge into it from outside
    // and of the profile's root calls of it.
    const { inStart, inEdge } = graph;
    for (let i = s0; i < s1; i++) {
      const f = members.order[i] as number;
      const time = entry[f] as number;
      if (!(time > 0)) continue;
      const v = t.addNode(-1, f, -1, time, 0);
      rootOfRoot[f] = v;
      for (let k = inStart[f] as number; k < (inStart[f + 1] as number); k++) {
        const e = inEdge[k] as number;
        if ((component[graph.caller[e] as number] as number) !== c) rootOfEdge[e] = v;
      }
      heap.push(time, v);
    }
    while (heap.size > 0) {
      const v = heap.pop();
      const g = t.function[v] as number;
      const total = t.amount[v] as number;
      const ein = t.inEdge[v] as number;
      // The stack: functions and pairs on it.
      for (let a = v; a >= 0; a = t.parent[a] as number) {
        stampF[t.function[a] as number] = v;
        const e = t.inEdge[a] as number;
        if (e >= 0) stampE[e] = v;
      }
      const o0 = outStart[g] as number;
      const o1 = outStart[g + 1] as number;
      const degree = o1 - o0;
      // Recorded proportions (context rule where it applies), skipping forbidden callees.
      const useRule = ruleFractions(rule, g, ein, weight);
      for (let k = 0; k < degree; k++) {
        const e = outEdge[o0 + k] as number;
        const h = callee[e] as number;
        let s: number;
        if ((component[h] as number) !== c) s = 0;
        else if (h !== g && stampF[h] === v && recursive[h] === 0) s = 4;
        else if (stampF[h] !== v) s = 1;
        else if (stampE[e] !== v) s = 2;
        else s = 3;
        status[k] = s;
        if (!useRule) weight[k] = s === 0 ? (edgeCumulative[e] as number) : (flow[e] as number);
        if (s === 4) weight[k] = 0;
      }
      const selfRatio =
        ein >= 0
          ? (flow[ein] as number) > 0
            ? Math.min(1, (edgeSelf[ein] as number) / (flow[ein] as number))
            : 1
          : (entry[g] as number) > 0
            ? Math.min(1, (entrySelf[g] as number) / (entry[g] as number))
            : 1;
      let weights = 0;
      for (let k = 0; k < degree; k++) weights += weight[k] as number;
      // The proportional part.
      let selfTime = total * selfRatio;
      if (!(weights > 0)) selfTime = total;
      const rest = total - selfTime;
      for (let k = 0; k < degree; k++)
        amount[k] = weights > 0 ? (rest * (weight[k] as number)) / weights : 0;
      if (recursive[g] === 1) {
        // The sharp part, then the mix.
        const sharpSelf = sharpShares(g, ein, total, o0, degree);
        selfTime = SPREAD * selfTime + (1 - SPREAD) * sharpSelf;
        for (let k = 0; k < degree; k++)
          amount[k] = SPREAD * (amount[k] as number) + (1 - SPREAD) * (sharp[k] as number);
      }
      t.self[v] = selfTime;
      if (ein >= 0) selfLeft[ein] = (selfLeft[ein] as number) - selfTime;
      else rootSelfLeft[g] = (rootSelfLeft[g] as number) - selfTime;
      // Links heaviest first; children built as long as the bounds allow.
      t.linkFirst[v] = t.links;
      order.length = 0;
      for (let k = 0; k < degree; k++) if ((amount[k] as number) > 0) order.push(k);
      order.sort((a, b) => (amount[b] as number) - (amount[a] as number) || a - b);
      const depth = t.depth[v] as number;
      for (const k of order) {
        const e = outEdge[o0 + k] as number;
        const a = amount[k] as number;
        const s = status[k] as number;
        if (s === 0) {
          exitLeft[e] = (exitLeft[e] as number) - a;
          t.addLink(LINK_EXIT, e, a);
          continue;
        }
        const h = callee[e] as number;
        if (s === 1) firstLeft[h] = (firstLeft[h] as number) - a;
        if (s === 1 || s === 2) pairLeft[e] = (pairLeft[e] as number) - a;
        else nestLeft[e] = (nestLeft[e] as number) - a;
        if (a < lightest || depth >= options.maxDepth || t.length - first >= cap) {
          t.addLink(LINK_CUT, e, a);
          continue;
        }
        const child = t.addNode(v, h, e, a, s === 3 ? 1 : 0);
        t.addLink(LINK_CHILD, child, a);
        heap.push(a, child);
      }
      t.linkCount[v] = t.links - (t.linkFirst[v] as number);
    }
    // The fit's steps, shared in proportion to the cycles' time (each gets at least a tenth of
    // its proportional share of what is left).
    const share = Math.max(time / cyclesLeft, 0.1);
    stepsLeft -= fitCycle(
      t,
      first,
      t.length,
      { graph, entries, component: c, total: time },
      options.fitSweeps,
      Math.max(0, stepsLeft * share),
    );
    cyclesLeft -= time;
    t.sortLinks(first, t.length);
    {
      const end = t.length;
      const nodeLump = new Float64Array(end - first);
      for (let v = end - 1; v >= first; v--) {
        let l = Math.min(t.amount[v] as number, activation[t.function[v] as number] as number);
        const l0 = t.linkFirst[v] as number;
        for (let k = l0; k < l0 + (t.linkCount[v] as number); k++) {
          const kind = t.linkKind[k] as number;
          const ref = t.linkRef[k] as number;
          if (kind === LINK_CHILD) l = Math.max(l, nodeLump[ref - first] as number);
          else if (kind === LINK_EXIT)
            l = Math.max(
              l,
              Math.min(t.linkAmount[k] as number, lumpBelow(lumps, ref, callee[ref] as number)),
            );
        }
        nodeLump[v - first] = l;
        if ((t.parent[v] as number) < 0) rootLump.set(v, l);
      }
      if (nodeLumps.length < end) {
        const grown = new Float64Array(Math.max(end, nodeLumps.length * 2));
        grown.set(nodeLumps);
        nodeLumps = grown;
      }
      nodeLumps.set(nodeLump, first);
      for (let i = s0; i < s1; i++) {
        const f = members.order[i] as number;
        for (let k = graph.inStart[f] as number; k < (graph.inStart[f + 1] as number); k++) {
          const e = graph.inEdge[k] as number;
          if ((component[graph.caller[e] as number] as number) !== c) settle(lumps, e, f);
        }
      }
    }
  }

  /**
   * The sharp shares of node `v` into `sharp` (per out-edge) and its own time (returned):
   * first visits, new pairs, nested traversals, then own time and exits.
   */
  function sharpShares(g: number, ein: number, total: number, o0: number, degree: number): number {
    let left = total;
    for (let k = 0; k < degree; k++) sharp[k] = 0;
    const cap = (k: number): number => {
      const e = outEdge[o0 + k] as number;
      const s = status[k] as number;
      if (s === 1)
        return Math.max(
          0,
          Math.min(firstLeft[callee[e] as number] as number, pairLeft[e] as number),
        );
      if (s === 2) return Math.max(0, pairLeft[e] as number);
      if (s === 3) return Math.max(0, nestLeft[e] as number);
      // An exit to what ran once or twice (a module body) is placed whole, like a first visit.
      if (s === 0 && lumpy(e)) return Math.max(0, exitLeft[e] as number);
      return 0;
    };
    const lumpy = (e: number) => (smallest[e] as number) >= 0.25 * (edgeCumulative[e] as number);
    const classOf = (k: number) => {
      const s = status[k] as number;
      return s === 0 ? (lumpy(outEdge[o0 + k] as number) ? 1 : 0) : s;
    };
    for (const wanted of [1, 2, 3]) {
      if (!(left > 0)) break;
      let fit = -1;
      let bestGap = 1e-3 * left;
      order.length = 0;
      for (let k = 0; k < degree; k++) {
        if (classOf(k) !== wanted) continue;
        const c = cap(k);
        if (!(c > 0)) continue;
        order.push(k);
        const gap = Math.abs(c - left);
        if (gap <= bestGap) {
          bestGap = gap;
          fit = k;
        }
      }
      order.sort((a, b) => cap(b) - cap(a) || a - b);
      if (fit >= 0) order.unshift(fit);
      for (const k of order) {
        if (!(left > 0)) break;
        const a = Math.min(left, Math.max(0, cap(k) - (sharp[k] as number)));
        sharp[k] = (sharp[k] as number) + a;
        left -= a;
      }
    }
    let selfTime = 0;
    if (left > 0) {
      const ownLeft = Math.max(
        0,
        ein >= 0 ? (selfLeft[ein] as number) : (rootSelfLeft[g] as number),
      );
      let terminals = ownLeft;
      for (let k = 0; k < degree; k++)
        if (classOf(k) === 0)
          terminals += Math.max(0, exitLeft[outEdge[o0 + k] as number] as number);
      if (terminals > 0) {
        const share = Math.min(1, left / terminals);
        selfTime = ownLeft * share;
        for (let k = 0; k < degree; k++)
          if (classOf(k) === 0)
            sharp[k] = Math.max(0, exitLeft[outEdge[o0 + k] as number] as number) * share;
        left -= terminals * share;
      }
      // What no number asks for stays with the node (the fit moves it where it belongs).
      if (left > 0) selfTime += left;
    }
    return selfTime;
  }

  return t.finish(rootOfEdge, rootOfRoot, smallest, nodeLumps);
}

/** The cycles that get a template (not large, with time entering), with that time. */
function cyclesWithTime(
  graph: CallGraph,
  entry: Float64Array,
  members: { start: Uint32Array; order: Uint32Array },
): Array<[component: number, time: number]> {
  const cycles: Array<[component: number, time: number]> = [];
  for (let c = 0; c < graph.componentCount; c++) {
    const s0 = members.start[c] as number;
    if (graph.cyclic[members.order[s0] as number] === 0 || graph.large[c] === 1) continue;
    let time = 0;
    for (let i = s0; i < (members.start[c + 1] as number); i++)
      time += entry[members.order[i] as number] as number;
    if (time > 0) cycles.push([c, time]);
  }
  return cycles;
}

/** Per function its average outermost activation (0 where calls were not counted). */
function activations(graph: CallGraph): Float64Array {
  const { n, recursive, cumulative } = graph;
  const fns = graph.profile.functions;
  const activation = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    const calls = (recursive[f] === 1 ? fns.primitiveCallCount[f] : fns.callCount[f]) as number;
    activation[f] =
      calls > 0 && Number.isFinite(calls) ? (cumulative[f] as number) / Math.max(1, calls) : 0;
  }
  return activation;
}

/** Per edge half its average call (0 where calls were not counted). */
function averageHalves(graph: CallGraph): Float64Array {
  const { m, edgeCumulative } = graph;
  const callCount = graph.profile.calls.callCount;
  const smallest = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const nc = callCount[e] as number;
    if (nc > 0 && Number.isFinite(nc)) smallest[e] = (0.5 * (edgeCumulative[e] as number)) / nc;
  }
  return smallest;
}

/** The indivisible pieces (see `buildTemplates`) as they are worked out, sinks first. */
interface Lumps {
  readonly graph: CallGraph;
  readonly activation: Float64Array;
  /** Per function off cycles: the largest single activation below it. */
  readonly lump: Float64Array;
  readonly smallest: Float64Array;
  readonly rootOfEdge: Int32Array;
  /** Per template root: the largest single activation in its template. */
  readonly rootLump: Map<number, number>;
}

/**
 * The largest activation below edge `e` into `h`. (Callers pass the edge's callee: with
 * `callee[e]` read at random for every edge, the loop over the callees off cycles took
 * 180 ms on the 100k-function benchmark instead of 44; decision 0030.)
 */
function lumpBelow(lumps: Lumps, e: number, h: number): number {
  if (lumps.graph.cyclic[h] === 0) return lumps.lump[h] as number;
  const r = lumps.rootOfEdge[e] as number;
  return r >= 0 ? (lumps.rootLump.get(r) ?? 0) : (lumps.activation[h] as number);
}

/** Edge `e` into `h` may hold no less than half the largest activation below it. */
function settle(lumps: Lumps, e: number, h: number): void {
  const { smallest } = lumps;
  const piece = Math.min(lumps.graph.edgeCumulative[e] as number, lumpBelow(lumps, e, h));
  smallest[e] = Math.max(smallest[e] as number, 0.5 * piece);
}

/**
 * Functions off cycles (and cycles with no time), component `c`'s `functions`: their own
 * lump, then their callers' edges. (A function of its own, as are the loops before it:
 * in `buildTemplates` each loop's compiled code was thrown away when code after it was
 * first reached; decision 0033.)
 */
function offCycleLumps(lumps: Lumps, c: number, functions: Uint32Array): void {
  const { graph, activation, lump } = lumps;
  const { outStart, outEdge, outCallee, outCumulative, component, inStart, inEdge } = graph;
  for (let i = 0; i < functions.length; i++) {
    const f = functions[i] as number;
    let l = activation[f] as number;
    for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++) {
      const h = outCallee[k] as number;
      if ((component[h] as number) === c) continue;
      l = Math.max(
        l,
        Math.min(outCumulative[k] as number, lumpBelow(lumps, outEdge[k] as number, h)),
      );
    }
    lump[f] = l;
  }
  for (let i = 0; i < functions.length; i++) {
    const f = functions[i] as number;
    for (let k = inStart[f] as number; k < (inStart[f + 1] as number); k++)
      settle(lumps, inEdge[k] as number, f);
  }
}
