/**
 * What will actually flow along each edge, computed once before the tree is grown, so that
 * the tree's nodes can draw exactly what their models hold.
 *
 * The models come from numbers that rarely agree to the last bit: a fitted template holds
 * its recorded targets only up to the fit's residual, a function's callees' times rarely
 * add up to exactly its cumulative minus own time. The expansion shares each model node's
 * time among the tree nodes that stand for it by drawing from pools; a pool that never
 * empties or runs dry leaves time unplaced or placed twice. So, sources first: a function
 * off cycles receives what its callers deliver (plus its root time), keeps its own share
 * (its callers' own-time ratios) and delivers the rest in its recorded proportions (or its
 * context-rule rows); a cycle's template is scaled, root by root, to what its entering
 * edge delivers, and delivers what its exits then hold. The pools are these deliveries.
 */
import { type ContextRule, ruleFractions } from './context-rule.js';
import type { Entries } from './entries.js';
import { type CallGraph, widestRange } from './graph.js';
import { LINK_CHILD, LINK_EXIT, type Templates } from './template.js';

/** What the parts of `balanceFlows` share. */
interface Balance {
  readonly graph: CallGraph;
  readonly entries: Entries;
  readonly templates: Templates;
  readonly rule: ContextRule;
  readonly members: { start: Uint32Array; order: Uint32Array };
  readonly delivered: Float64Array;
  /** Scratch: a function's fractions per out-edge. */
  readonly fractions: Float64Array;
  /** Template nodes: their root, and the roots' scales and sums. */
  readonly rootOfNode: Int32Array;
  readonly factor: Float64Array;
  readonly selfFactor: Float64Array;
  readonly ownOf: Float64Array;
  readonly passOf: Float64Array;
}

/**
 * Per edge: the time the tree will carry along it. Rescales the templates' roots in place.
 * Components sources first; each kind of component has a function of its own, as has each
 * long loop: in one function each loop's compiled code was thrown away when code after
 * it was first reached (decision 0033).
 */
export function balanceFlows(
  graph: CallGraph,
  entries: Entries,
  templates: Templates,
  rule: ContextRule,
  members: { start: Uint32Array; order: Uint32Array },
): Float64Array {
  const { component } = graph;
  // Template nodes by cycle and root.
  const rootOfNode = new Int32Array(templates.length);
  for (let v = 0; v < templates.length; v++) {
    const p = templates.parent[v] as number;
    rootOfNode[v] = p < 0 ? v : (rootOfNode[p] as number);
  }
  const cycleNodes = new Map<number, number[]>();
  for (let v = 0; v < templates.length; v++) {
    const c = component[templates.function[v] as number] as number;
    let list = cycleNodes.get(c);
    if (list === undefined) {
      list = [];
      cycleNodes.set(c, list);
    }
    list.push(v);
  }
  const b: Balance = {
    graph,
    entries,
    templates,
    rule,
    members,
    delivered: new Float64Array(graph.m),
    fractions: new Float64Array(Math.max(1, widestRange(graph.outStart))),
    rootOfNode,
    factor: new Float64Array(templates.length).fill(1),
    selfFactor: new Float64Array(templates.length).fill(1),
    ownOf: new Float64Array(templates.length),
    passOf: new Float64Array(templates.length),
  };
  for (let c = graph.componentCount - 1; c >= 0; c--) {
    const s0 = members.start[c] as number;
    const first = members.order[s0] as number;
    if ((members.start[c + 1] as number) - s0 === 1 && graph.cyclic[first] === 0) {
      passOnFunction(b, first);
      continue;
    }
    const nodes = cycleNodes.get(c);
    if (nodes === undefined) deliverRecorded(b, c);
    else deliverTemplate(b, c, nodes);
  }
  return b.delivered;
}

/**
 * A function off cycles: what arrives (its root time, then each in-edge's delivery) less
 * its own share goes on in its recorded proportions or its context-rule row.
 */
function passOnFunction(b: Balance, f: number): void {
  const { outStart, inStart, inEdge } = b.graph;
  const o0 = outStart[f] as number;
  const degree = (outStart[f + 1] as number) - o0;
  let outSum = 0;
  for (let k = 0; k < degree; k++) outSum += b.graph.outCumulative[o0 + k] as number;
  passOn(b, f, o0, degree, outSum, -1, b.entries.rootAmount[f] as number);
  for (let k = inStart[f] as number; k < (inStart[f + 1] as number); k++) {
    const e = inEdge[k] as number;
    passOn(b, f, o0, degree, outSum, e, b.delivered[e] as number);
  }
}

function passOn(
  b: Balance,
  f: number,
  o0: number,
  degree: number,
  outSum: number,
  inE: number,
  time: number,
): void {
  if (!(time > 0)) return;
  const { outEdge, outCumulative, edgeSelf, edgeCumulative } = b.graph;
  const { rootAmount, rootSelf } = b.entries;
  const { delivered, fractions } = b;
  let own =
    inE >= 0
      ? (edgeCumulative[inE] as number) > 0
        ? (edgeSelf[inE] as number) / (edgeCumulative[inE] as number)
        : 1
      : (rootAmount[f] as number) > 0
        ? (rootSelf[f] as number) / (rootAmount[f] as number)
        : 1;
  if (!(outSum > 0)) own = 1;
  const rest = time * (1 - Math.min(1, own));
  if (!(rest > 0)) return;
  if (ruleFractions(b.rule, f, inE, fractions)) {
    for (let k = 0; k < degree; k++) {
      const e = outEdge[o0 + k] as number;
      delivered[e] = (delivered[e] as number) + rest * (fractions[k] as number);
    }
  } else {
    for (let k = 0; k < degree; k++) {
      const e = outEdge[o0 + k] as number;
      delivered[e] = (delivered[e] as number) + (rest * (outCumulative[o0 + k] as number)) / outSum;
    }
  }
}

/**
 * A cycle with no template (too large, or no time): its edges carry their recorded
 * times, scaled to what arrives against what the numbers say enters it.
 */
function deliverRecorded(b: Balance, c: number): void {
  const { outStart, outEdge, outCumulative } = b.graph;
  const { members, delivered } = b;
  const r = arrivalRatio(b, c);
  const s1 = members.start[c + 1] as number;
  for (let i = members.start[c] as number; i < s1; i++) {
    const f = members.order[i] as number;
    // (Each edge out of the cycle's functions is written here once, from 0: written,
    // not added to, with its time read by out position, this loop took 55 ms on the
    // 100k-function benchmark instead of 174; decision 0030.)
    for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++)
      delivered[outEdge[k] as number] = r * (outCumulative[k] as number);
  }
}

/** What arrives at cycle `c` over what its numbers say enters it (0 when nothing should). */
function arrivalRatio(b: Balance, c: number): number {
  const { caller, component, inStart, inEdge } = b.graph;
  const { members, delivered } = b;
  let arrives = 0;
  let expected = 0;
  const s1 = members.start[c + 1] as number;
  for (let i = members.start[c] as number; i < s1; i++) {
    const f = members.order[i] as number;
    expected += b.entries.entry[f] as number;
    arrives += b.entries.rootAmount[f] as number;
    for (let k = inStart[f] as number; k < (inStart[f + 1] as number); k++) {
      const e = inEdge[k] as number;
      if ((component[caller[e] as number] as number) !== c) arrives += delivered[e] as number;
    }
  }
  return expected > 0 ? arrives / expected : 0;
}

/**
 * A cycle with a template: each root scaled to what arrives there, then its exits
 * deliver. The fit meets the exits' recorded times exactly and the entry only closely:
 * the exits are scaled by what arrives against the entry's recorded time, and the
 * template's own times take up the rest (each function's own time is made exact at the
 * end anyway).
 */
function deliverTemplate(b: Balance, c: number, nodes: number[]): void {
  const { component, inStart, inEdge } = b.graph;
  const { templates, delivered, rootOfNode, factor, selfFactor, ownOf, passOf } = b;
  const { rootAmount } = b.entries;
  for (const v of nodes) {
    const root = rootOfNode[v] as number;
    ownOf[root] = 0;
    passOf[root] = 0;
  }
  for (const v of nodes) {
    const root = rootOfNode[v] as number;
    ownOf[root] = (ownOf[root] as number) + (templates.self[v] as number);
    const l0 = templates.linkFirst[v] as number;
    for (let k = l0; k < l0 + (templates.linkCount[v] as number); k++)
      if (templates.linkKind[k] !== LINK_CHILD)
        passOf[root] = (passOf[root] as number) + (templates.linkAmount[k] as number);
  }
  for (const v of nodes) {
    if ((templates.parent[v] as number) >= 0) continue;
    const f = templates.function[v] as number;
    let want = rootAmount[f] as number;
    for (let k = inStart[f] as number; k < (inStart[f + 1] as number); k++) {
      const e = inEdge[k] as number;
      if ((component[b.graph.caller[e] as number] as number) !== c) want += delivered[e] as number;
    }
    const have = templates.amount[v] as number;
    const target = b.entries.entry[f] as number;
    const own = ownOf[v] as number;
    const out = passOf[v] as number;
    let r = target > 0 ? want / target : have > 0 ? want / have : 0;
    let ownScale = own > 0 ? Math.max(0, want - r * out) / own : 0;
    if (!(own > 0) || r * out > want) {
      r = out > 0 ? Math.max(0, want - ownScale * own) / out : 0;
      if (!(own > 0)) ownScale = 0;
    }
    factor[v] = r;
    selfFactor[v] = ownScale;
  }
  for (let i = nodes.length - 1; i >= 0; i--) {
    const v = nodes[i] as number;
    const root = rootOfNode[v] as number;
    const r = factor[root] as number;
    templates.self[v] = (templates.self[v] as number) * (selfFactor[root] as number);
    let amount = templates.self[v] as number;
    const l0 = templates.linkFirst[v] as number;
    for (let k = l0; k < l0 + (templates.linkCount[v] as number); k++) {
      if (templates.linkKind[k] === LINK_CHILD)
        templates.linkAmount[k] = templates.amount[templates.linkRef[k] as number] as number;
      else templates.linkAmount[k] = (templates.linkAmount[k] as number) * r;
      amount += templates.linkAmount[k] as number;
    }
    templates.amount[v] = amount;
  }
  for (const v of nodes) {
    const l0 = templates.linkFirst[v] as number;
    for (let k = l0; k < l0 + (templates.linkCount[v] as number); k++) {
      if (templates.linkKind[k] !== LINK_EXIT) continue;
      const x = templates.linkRef[k] as number;
      delivered[x] = (delivered[x] as number) + (templates.linkAmount[k] as number);
    }
  }
}
