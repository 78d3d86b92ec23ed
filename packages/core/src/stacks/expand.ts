/**
 * The stacks themselves: the tree grown from the roots, heaviest stack first, within the
 * budget — frames written, i.e. the sum of the depths of the stacks, which is what a
 * sampled, collapsed or pprof output holds — and a depth limit.
 *
 * Every node of the tree stands for a *model* node: a function off every cycle reached
 * along an edge, or a node of a cycle's template (`template.ts`). A model node's time is
 * shared by all the tree nodes that stand for it (the contexts it is reached in); each
 * tree node takes its part of the model's callees from what the model still has to give
 * (a pool per edge, or per template link), **sharply**: the recorded proportions where a
 * share is at least 1% of the node and at least half the largest single activation below
 * that callee (an activation runs on one stack, so a sliver of it on a stack is an artefact
 * of mixing — a module body that ran once must not appear under every caller of the import
 * that ran it), the rest from the callees with the most left, the one that fits exactly
 * first. Off cycles any such split keeps every function's cumulative time (all activations
 * there are outermost, and every callee still gets exactly its edge's time in total); in a
 * cycle's template the contexts share the template's nodes, so first visits stay first
 * visits. The result is close to the size of the real call tree instead of the product of
 * every function's mixtures.
 *
 * Each tree node keeps a cursor over its links, heaviest first, and the heap holds each
 * node once, keyed by its next link: the tree grows in order of weight and the heap never
 * holds more than the tree.
 *
 * What the budget (or the depth limit, or a template's own bound) cuts stays under the
 * deepest kept node of its branch that can hold it, in a visible budget frame: a node keeps
 * its cuts when they (with what its children passed up) reach a threshold, chosen so that
 * the frames fit what is left of the budget; lighter cuts go up to the parent. Below a
 * budget frame, the functions whose own time was cut there (a short cached walk of the
 * call graph below each cut callee, 16 steps), the 16 heaviest. Links lighter than 1e-9 of the total
 * are not followed (their time goes back to their function through the final scaling).
 */
import type { ContextRule } from './context-rule.js';
import { ruleFractions } from './context-rule.js';
import type { Entries } from './entries.js';
import { byOutPosition, type CallGraph, widestRange } from './graph.js';
import { BestFirst, Buckets } from './heap.js';
import { LINK_CHILD, LINK_CUT, LINK_EXIT, type Templates } from './template.js';

/** `function` value of the synthetic budget frame. */
export const BUDGET_FRAME = 0xffffffff;

const NODE_GRAPH = 0;
const NODE_TEMPLATE = 1;
const NODE_BUDGET = 2;
const NODE_LEAF = 3;
const WALK_STEPS = 8;
/** Links listed one by one when the budget cuts a node's remaining links. */
const CUTS_LISTED = 2;
/** Callees followed per step of that walk (the heaviest). */
const WALK_WIDTH = 4;
/** Cut functions walked per budget frame (the heaviest); the walk keeps the 8 heaviest places. */
const WALKS_PER_FRAME = 4;
const LEAVES_PER_FRAME = 16;
const DUST = 1e-9;
/** The main loop's share of the budget; the rest is for the budget frames and their leaves. */
const SHARE = 0.8;
/** A share below this part of a node goes to the pools' greedy split instead. */
const SIZABLE = 0.01;

export interface Expansion {
  readonly length: number;
  readonly parent: Int32Array;
  readonly function: Uint32Array;
  readonly self: Float64Array;
  /** Seconds cut by the budget, the depth limit or the templates' bound. */
  readonly cutTime: number;
  /** Seconds entering template nodes reached along pairs already on their stack. */
  readonly recursionTime: number;
  /** True when the frame budget or the depth limit cut something. */
  readonly budgetReached: boolean;
}

/** Growable columns of the tree under construction. */
class TreeNodes {
  parent = new Int32Array(4096);
  fn = new Uint32Array(4096);
  self = new Float64Array(4096);
  kind = new Uint8Array(4096);
  /** Graph: in-edge (-1 root); template: template node. */
  ref = new Int32Array(4096);
  /** The node's links: `links[first .. first + count)`, heaviest first. */
  first = new Int32Array(4096);
  count = new Int32Array(4096);
  cursor = new Int32Array(4096);
  depth = new Uint16Array(4096);
  length = 0;

  add(parent: number, fn: number, self: number, kind: number, ref: number): number {
    if (this.length === this.parent.length) this.#grow();
    const v = this.length++;
    this.parent[v] = parent;
    this.fn[v] = fn;
    this.self[v] = self;
    this.kind[v] = kind;
    this.ref[v] = ref;
    this.first[v] = 0;
    this.count[v] = 0;
    this.cursor[v] = 0;
    this.depth[v] = parent < 0 ? 1 : Math.min(65535, (this.depth[parent] as number) + 1);
    return v;
  }

  #grow(): void {
    const size = this.parent.length * 2;
    const grow = <T extends Int32Array | Uint32Array | Float64Array | Uint8Array | Uint16Array>(
      a: T,
    ): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a as never);
      return b;
    };
    this.parent = grow(this.parent);
    this.fn = grow(this.fn);
    this.self = grow(this.self);
    this.kind = grow(this.kind);
    this.ref = grow(this.ref);
    this.first = grow(this.first);
    this.count = grow(this.count);
    this.cursor = grow(this.cursor);
    this.depth = grow(this.depth);
  }
}

/** Links of tree nodes: (position in `outEdge` | template link, time). */
class Links {
  target = new Int32Array(4096);
  time = new Float64Array(4096);
  length = 0;

  push(target: number, time: number): void {
    if (this.length === this.target.length) {
      const t = new Int32Array(this.length * 2);
      const a = new Float64Array(this.length * 2);
      t.set(this.target);
      a.set(this.time);
      this.target = t;
      this.time = a;
    }
    this.target[this.length] = target;
    this.time[this.length] = time;
    this.length++;
  }
}

/**
 * The expansion for a budget that may shrink (`maxFrames`; `maxDepth` is fixed). The first
 * call grows the tree heaviest link first (the main loop) until its frames reach 80% of the
 * budget, recording which node each step took a link of; then every call keeps a prefix of
 * those steps and cuts and places the rest. The prefix leaves room for the leaves that
 * `scaleTree` adds afterwards for the functions it gives no node — on the 100k-function
 * benchmark 61 000 functions, a quarter of a 2 M budget — so one expansion fits where the
 * budget's retry used to expand a second time (decision 0034). A later call, with a smaller
 * (or equal) `maxFrames`, keeps a shorter prefix of the same steps: no node's callees are
 * weighed again.
 */
export function stackExpander(
  graph: CallGraph,
  entries: Entries,
  templates: Templates,
  rule: ContextRule,
  delivered: Float64Array,
  maxDepth: number,
): (maxFrames: number) => Expansion {
  const { n, callee, outStart, outEdge, outCallee, outCumulative } = graph;
  const { edgeSelf, edgeCumulative, cyclic } = graph;
  const { rootAmount, rootSelf } = entries;
  const { smallest } = templates;
  const dust = DUST * graph.total;
  // A graph node's links and pools are by position in `outEdge` (its callees' numbers side
  // by side), not by edge: on the 100k-function benchmark (5.3 M callees weighed), reading
  // three per-edge arrays at random cost 1.1 s of the expansion's 2.3 s; decision 0028.
  const outSmallest = byOutPosition(outEdge, smallest);
  const outPool = byOutPosition(outEdge, delivered);
  const outSum = new Float64Array(n);
  for (let f = 0; f < n; f++)
    for (let k = outStart[f] as number; k < (outStart[f + 1] as number); k++)
      outSum[f] = (outSum[f] as number) + (outCumulative[k] as number);
  let maxDegree = Math.max(1, widestRange(outStart));
  for (let v = 0; v < templates.length; v++)
    maxDegree = Math.max(maxDegree, templates.linkCount[v] as number);
  const tree = new TreeNodes();
  const links = new Links();
  const heap = new Buckets(graph.total);
  // What each model node still has to give: per edge (graph nodes: `outPool`), per template link.
  const linkPool = Float64Array.from(templates.linkAmount);
  const fractions = new Float64Array(maxDegree);
  const candidate = new Int32Array(maxDegree);
  const share = new Float64Array(maxDegree);
  const piece = new Float64Array(maxDegree);
  const given = new Float64Array(maxDegree);
  const remaining = new Float64Array(maxDegree);
  const order: number[] = [];
  let frames = 0;
  let recursionTime = 0;
  let budgetReached = false;
  let cutTotal = 0;
  /** The call's `maxFrames`. */
  let budget = 0;

  /**
   * Splits `rest` among the `count` candidates (their recorded shares, the smallest piece
   * each may take, their pools) into `given` (see the file comment).
   */
  const split = (rest: number, count: number, pool: Float64Array): void => {
    let left = rest;
    for (let i = 0; i < count; i++) {
      given[i] = 0;
      const cell = rest * (share[i] as number);
      const have = Math.max(0, pool[candidate[i] as number] as number);
      if (cell >= SIZABLE * rest && cell >= (piece[i] as number)) {
        const g = Math.min(cell, have);
        given[i] = g;
        left -= g;
      }
    }
    if (left > 1e-12 * rest) {
      order.length = 0;
      for (let i = 0; i < count; i++)
        if ((pool[candidate[i] as number] as number) - (given[i] as number) > 0) order.push(i);
      for (let i = 0; i < count; i++)
        remaining[i] = (pool[candidate[i] as number] as number) - (given[i] as number);
      sortHeaviestFirst(order, remaining);
      let fit = -1;
      for (const i of order)
        if (Math.abs((remaining[i] as number) - left) <= 1e-3 * left) {
          fit = i;
          break;
        }
      if (fit >= 0) order.unshift(fit);
      for (const i of order) {
        if (!(left > 1e-12 * rest)) break;
        const g = Math.min(
          left,
          Math.max(0, (pool[candidate[i] as number] as number) - (given[i] as number)),
        );
        given[i] = (given[i] as number) + g;
        left -= g;
      }
    }
    // Pools exhausted (inconsistent numbers): the recorded shares.
    if (left > 1e-12 * rest) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += share[i] as number;
      if (sum > 0)
        for (let i = 0; i < count; i++)
          given[i] = (given[i] as number) + (left * (share[i] as number)) / sum;
    }
    for (let i = 0; i < count; i++) {
      const c = candidate[i] as number;
      pool[c] = (pool[c] as number) - (given[i] as number);
    }
  };
  /** Stores node v's links (heaviest first) from `given`. */
  const storeLinks = (v: number, count: number): void => {
    order.length = 0;
    for (let i = 0; i < count; i++) if ((given[i] as number) > 0) order.push(i);
    sortHeaviestFirst(order, given);
    tree.first[v] = links.length;
    for (const i of order) links.push(candidate[i] as number, given[i] as number);
    tree.count[v] = order.length;
  };

  /** A tree node for function `h` reached along edge `e` (-1: a root) carrying `time`. */
  const addCallee = (parent: number, h: number, e: number, time: number): number => {
    if (cyclic[h] === 1) {
      const root =
        e >= 0 ? (templates.rootOfEdge[e] as number) : (templates.rootOfRoot[h] as number);
      if (root >= 0 && (templates.amount[root] as number) > 0)
        return addTemplate(parent, root, time);
    }
    let ownShare: number;
    if (e >= 0)
      ownShare =
        (edgeCumulative[e] as number) > 0
          ? (edgeSelf[e] as number) / (edgeCumulative[e] as number)
          : 1;
    else
      ownShare =
        (rootAmount[h] as number) > 0 ? (rootSelf[h] as number) / (rootAmount[h] as number) : 1;
    if (!((outSum[h] as number) > 0)) ownShare = 1;
    ownShare = Math.min(1, ownShare);
    const v = tree.add(parent, h, time * ownShare, NODE_GRAPH, e);
    const rest = time * (1 - ownShare);
    const o0 = outStart[h] as number;
    const degree = (outStart[h + 1] as number) - o0;
    if (degree > 0 && rest > 0) {
      const ruled = ruleFractions(rule, h, e, fractions);
      const s = outSum[h] as number;
      for (let k = 0; k < degree; k++) {
        const x = o0 + k;
        candidate[k] = x;
        share[k] = ruled ? (fractions[k] as number) : (outCumulative[x] as number) / s;
        piece[k] = outSmallest[x] as number;
      }
      split(rest, degree, outPool);
      storeLinks(v, degree);
    }
    return v;
  };

  /** A tree node for template node `t` carrying `time`. */
  const addTemplate = (parent: number, t: number, time: number): number => {
    const amount = templates.amount[t] as number;
    const self = amount > 0 ? (time * (templates.self[t] as number)) / amount : 0;
    const v = tree.add(parent, templates.function[t] as number, self, NODE_TEMPLATE, t);
    const rest = time - self;
    const l0 = templates.linkFirst[t] as number;
    const count = templates.linkCount[t] as number;
    const passed = amount - (templates.self[t] as number);
    if (count > 0 && rest > 0 && passed > 0) {
      for (let i = 0; i < count; i++) {
        const k = l0 + i;
        candidate[i] = k;
        share[i] = (templates.linkAmount[k] as number) / passed;
        const kind = templates.linkKind[k] as number;
        const ref = templates.linkRef[k] as number;
        piece[i] =
          kind === LINK_CHILD
            ? 0.5 * (templates.lump[ref] as number)
            : kind === LINK_EXIT
              ? (smallest[ref] as number)
              : 0;
      }
      split(rest, count, linkPool);
      storeLinks(v, count);
    }
    return v;
  };

  const pushNext = (v: number): void => {
    const count = tree.count[v] as number;
    while ((tree.cursor[v] as number) < count) {
      const time = links.time[(tree.first[v] as number) + (tree.cursor[v] as number)] as number;
      if (time > dust) {
        heap.push(time, v);
        return;
      }
      tree.cursor[v] = (tree.cursor[v] as number) + 1;
    }
  };

  // Cuts: recorded per node (callee function and time), placed under budget frames at the end.
  let cutNode = new Int32Array(1024);
  let cutFunction = new Uint32Array(1024);
  let cutTime = new Float64Array(1024);
  let cuts = 0;
  const cut = (v: number, h: number, time: number): void => {
    if (!(time > 0)) return;
    if (cuts === cutNode.length) {
      const grow = <T extends Int32Array | Uint32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(2 * a.length);
        b.set(a as never);
        return b;
      };
      cutNode = grow(cutNode);
      cutFunction = grow(cutFunction);
      cutTime = grow(cutTime);
    }
    cutNode[cuts] = v;
    cutFunction[cuts] = h;
    cutTime[cuts] = time;
    cuts++;
  };
  /** The function a link of node v leads to. */
  const linkFunction = (v: number, target: number): number => {
    if (tree.kind[v] === NODE_GRAPH) return outCallee[target] as number;
    const kind = templates.linkKind[target] as number;
    const ref = templates.linkRef[target] as number;
    return kind === LINK_CHILD ? (templates.function[ref] as number) : (callee[ref] as number);
  };

  // `ownTimeBelow`'s walks, kept over the calls (a later call walks the same functions):
  // per function its shares at `belowFunction/belowPart[belowStart .. + belowCount)`.
  const belowStart = new Int32Array(n).fill(-1);
  const belowCount = new Uint8Array(n);
  let belowFunction = new Int32Array(1024);
  let belowPart = new Float64Array(1024);
  let belowLength = 0;
  const found = new Float64Array(n);
  const touched: number[] = [];
  const walkFunction: number[] = [];
  const walkTime: number[] = [];
  const walkQueue = new BestFirst();
  const top = new Int32Array(Math.max(WALKS_PER_FRAME, LEAVES_PER_FRAME, WALK_WIDTH));

  // The steps of the main loop, in order: the node whose next link each took.
  let stepNode = new Int32Array(4096);
  let steps = 0;
  /** Per function: 1 once a node of it with own time is in the prefix being settled. */
  const hasNode = new Uint8Array(n);
  let withSelf = 0;
  for (let f = 0; f < n; f++) if ((graph.self[f] as number) > 0) withSelf++;
  /** Steps of the main loop the last call kept (-1 before the first call). */
  let keptSteps = -1;
  /**
   * Frames the leaf of a function left without a node takes: a budget frame and the leaf
   * below a node of the first tree's average depth (set by `grow`).
   */
  let missingDepth = 0;
  /** True when the main loop ran out of links before the budget stopped it. */
  let grownWhole = false;
  let rootCount = 0;

  /**
   * What the step that takes node v's link `k` (`depth`: the new node's) does: makes a node
   * (0), makes a nested template node (1), is a template's own cut (2) or a cut by the depth
   * limit (3).
   */
  const stepKind = (v: number, target: number, depth: number): number => {
    if (tree.kind[v] === NODE_GRAPH) return depth > maxDepth ? 3 : 0;
    const kind = templates.linkKind[target] as number;
    if (kind === LINK_CUT) return 2;
    if (depth > maxDepth) return 3;
    if (kind === LINK_EXIT) return 0;
    const ref = templates.linkRef[target] as number;
    return templates.nested[ref] === 1 && templates.nested[tree.ref[v] as number] === 0 ? 1 : 0;
  };

  /**
   * The main loop, run once: the tree grown heaviest link first until its frames reach
   * 80% of the first budget (the rest is for the budget frames), each step recorded.
   */
  const grow = (frameLimit: number): void => {
    for (const r of entries.roots) {
      const time = rootAmount[r] as number;
      if (!(time > dust)) continue;
      pushNext(addCallee(-1, r, -1, time));
      frames += 1;
    }
    rootCount = tree.length;
    while (heap.size > 0) {
      const v = heap.topItem();
      const k = tree.cursor[v] as number;
      const depth = (tree.depth[v] as number) + 1;
      if (frames + depth > frameLimit) break;
      heap.pop();
      tree.cursor[v] = k + 1;
      if (steps === stepNode.length) {
        const longer = new Int32Array(2 * steps);
        longer.set(stepNode);
        stepNode = longer;
      }
      stepNode[steps++] = v;
      const link = (tree.first[v] as number) + k;
      const target = links.target[link] as number;
      const time = links.time[link] as number;
      const kind = stepKind(v, target, depth);
      if (kind >= 2) {
        pushNext(v);
        continue;
      }
      frames += depth;
      if (tree.kind[v] === NODE_GRAPH)
        pushNext(addCallee(v, outCallee[target] as number, outEdge[target] as number, time));
      else {
        const ref = templates.linkRef[target] as number;
        pushNext(
          templates.linkKind[target] === LINK_EXIT
            ? addCallee(v, callee[ref] as number, ref, time)
            : addTemplate(v, ref, time),
        );
      }
      pushNext(v);
    }
    grownWhole = heap.size === 0;
    // Each function's first node is its heaviest context's (the tree grows heaviest first),
    // where `scaleTree` puts the leaves of the functions it calls.
    let depthSum = 0;
    let reached = 0;
    hasNode.fill(0);
    for (let v = 0; v < tree.length; v++) {
      const f = tree.fn[v] as number;
      if (hasNode[f] === 1) continue;
      hasNode[f] = 1;
      depthSum += tree.depth[v] as number;
      reached++;
    }
    missingDepth = 2 + depthSum / Math.max(1, reached);
  };

  /**
   * Walks the first `count` steps of the main loop again, from the roots. Probing (with
   * `score`), it scores each prefix — its frames, plus SHARE times the frames of the leaves
   * of the functions it leaves without a node — and returns how many steps the main loop
   * takes under `frameLimit`; otherwise it restores the state after those steps: frames,
   * nodes, cursors, the main loop's cuts and the recursion time.
   */
  const walkSteps = (count: number, frameLimit: number, score?: Float64Array): number => {
    hasNode.fill(0);
    let missing = withSelf;
    const reach = (u: number): void => {
      const f = tree.fn[u] as number;
      if ((tree.self[u] as number) > 0 && hasNode[f] === 0) {
        hasNode[f] = 1;
        missing--;
      }
    };
    for (let u = 0; u < tree.length; u++) tree.cursor[u] = 0;
    frames = rootCount;
    for (let u = 0; u < rootCount; u++) reach(u);
    let node = rootCount;
    for (let s = 0; s <= count; s++) {
      if (score) score[s] = frames + SHARE * missing * missingDepth;
      if (s === count) break;
      const v = stepNode[s] as number;
      const k = tree.cursor[v] as number;
      const depth = (tree.depth[v] as number) + 1;
      if (score && frames + depth > frameLimit) return s;
      tree.cursor[v] = k + 1;
      const link = (tree.first[v] as number) + k;
      const target = links.target[link] as number;
      const kind = stepKind(v, target, depth);
      if (kind >= 2) {
        if (!score) {
          if (kind === 3) budgetReached = true;
          cut(v, linkFunction(v, target), links.time[link] as number);
        }
      } else {
        if (kind === 1 && !score) recursionTime += links.time[link] as number;
        frames += depth;
        reach(node++);
      }
    }
    if (!score) tree.length = node;
    return count;
  };

  const expand = (maxFrames: number): Expansion => {
    if (keptSteps >= 0 && maxFrames > budget)
      throw new Error('stackExpander: a later call may not raise the budget');
    budget = maxFrames;
    const frameLimit = Math.floor(SHARE * maxFrames);
    frames = 0;
    recursionTime = 0;
    budgetReached = false;
    cutTotal = 0;
    cuts = 0;
    if (keptSteps < 0) grow(frameLimit);
    const available = keptSteps < 0 ? steps : keptSteps;
    // The prefix kept: the longest that fits 80% of what the budget leaves after the leaves
    // of the functions it gives no node (`scaleTree` adds them after the expansion, each a
    // budget frame and a leaf below one of its callers: `missingDepth`), or when none does
    // the one that comes closest (decision 0034) — but all of it when the main loop ran out
    // of links and the tree fits with those leaves (it needs no room for cut links). A
    // later call, with a smaller budget, keeps a shorter prefix of the same steps.
    const score = new Float64Array(available + 1);
    const stop = walkSteps(available, frameLimit, score);
    let best = stop;
    const wholeFits =
      grownWhole && stop === steps && frames + ((score[stop] as number) - frames) / SHARE <= budget;
    if (!wholeFits) {
      while (best > 0 && (score[best] as number) > frameLimit) best--;
      if ((score[best] as number) > frameLimit)
        for (let s = stop; s >= 0; s--)
          if ((score[s] as number) < (score[best] as number)) best = s;
    }
    keptSteps = best;
    walkSteps(best, frameLimit);
    const missingFrames = ((score[best] as number) - frames) / SHARE;
    // Everything else is cut under its node, in node order: the heaviest links one by one,
    // the rest joining the last of those (leaves under a budget frame show where its time
    // is; each function's own time is made exact at the end).
    for (let v = 0; v < tree.length; v++) {
      const count = tree.count[v] as number;
      let listed = 0;
      for (let k = tree.cursor[v] as number; k < count; k++) {
        const link = (tree.first[v] as number) + k;
        const time = links.time[link] as number;
        if (!(time > dust)) continue;
        budgetReached = true;
        if (listed < CUTS_LISTED) {
          cut(v, linkFunction(v, links.target[link] as number), time);
          listed++;
        } else cutTime[cuts - 1] = (cutTime[cuts - 1] as number) + time;
      }
    }
    if (cuts > 0) placeCuts(missingFrames);
    return {
      length: tree.length,
      parent: tree.parent.subarray(0, tree.length),
      function: tree.fn.subarray(0, tree.length),
      self: tree.self.subarray(0, tree.length),
      cutTime: cutTotal,
      recursionTime,
      budgetReached,
    };
  };

  /**
   * Budget frames for the cuts: a node keeps its cuts in a frame of its own when they (with
   * what its children passed up) reach a threshold, else passes them to its parent; roots
   * keep what reaches them. The threshold is the smallest for which the frames and their
   * leaves fit what is left of the budget once `missingFrames` are set aside (the leaves of
   * the functions the tree leaves without a node, added by `scaleTree`).
   */
  function placeCuts(missingFrames: number): void {
    const count = tree.length;
    const own = new Float64Array(count);
    for (let i = 0; i < cuts; i++)
      own[cutNode[i] as number] = (own[cutNode[i] as number] as number) + (cutTime[i] as number);
    const pending = new Float64Array(count);
    const chosen = new Uint8Array(count);
    const room = budget - missingFrames;
    const left = room - frames;
    const cost = (threshold: number): number => {
      pending.set(own);
      let used = 0;
      for (let v = count - 1; v >= 0; v--) {
        const p = tree.parent[v] as number;
        const here = pending[v] as number;
        chosen[v] = 0;
        if (!(here > 0)) continue;
        if (here >= threshold || p < 0) {
          chosen[v] = 1;
          used += ((tree.depth[v] as number) + 1) * (1 + LEAVES_PER_FRAME / 4);
        } else pending[p] = (pending[p] as number) + here;
      }
      return used;
    };
    // Bisection on the threshold's logarithm: from 1e-12 of the total to all of it.
    let high = graph.total;
    if (cost(0) > left) {
      let low = 1e-12 * graph.total;
      for (let round = 0; round < 24 && high > low * 1.001; round++) {
        const mid = Math.sqrt(low * high);
        if (cost(mid) > left) low = mid;
        else high = mid;
      }
    } else high = 0;
    cost(high);
    // Each cut's frame: its node's, or the nearest chosen ancestor's (a root when none is).
    const frameOf = new Int32Array(count);
    for (let v = 0; v < count; v++) {
      const p = tree.parent[v] as number;
      frameOf[v] = chosen[v] === 1 || p < 0 ? v : (frameOf[p] as number);
    }
    // Cuts grouped by frame (counting sort), then per frame by function.
    const start = new Int32Array(count + 1);
    for (let i = 0; i < cuts; i++) {
      const at = frameOf[cutNode[i] as number] as number;
      start[at + 1] = (start[at + 1] as number) + 1;
    }
    for (let v = 0; v < count; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number);
    const fill = start.slice(0, count);
    const sorted = new Int32Array(cuts);
    for (let i = 0; i < cuts; i++) {
      const at = frameOf[cutNode[i] as number] as number;
      sorted[fill[at] as number] = i;
      fill[at] = (fill[at] as number) + 1;
    }
    const byFunction = new Float64Array(n);
    const leafTime = new Float64Array(n);
    const seen: number[] = [];
    const leavesSeen: number[] = [];
    for (let at = 0; at < count; at++) {
      const s0 = start[at] as number;
      const s1 = start[at + 1] as number;
      if (s0 === s1) continue;
      seen.length = 0;
      for (let k = s0; k < s1; k++) {
        const i = sorted[k] as number;
        const h = cutFunction[i] as number;
        if (byFunction[h] === 0) seen.push(h);
        byFunction[h] = (byFunction[h] as number) + (cutTime[i] as number);
        cutTotal += cutTime[i] as number;
      }
      // The heaviest cut functions, walked down to where their own time is. (A walk not yet
      // cached leaves its own heaviest functions in `top`, so the walks after it follow
      // those: giving each cut function its own list was tried in decision 0034 and left 2
      // more functions off their cumulative time on the Breezy profiles, so it stays.)
      leavesSeen.length = 0;
      const walked = heaviest(seen, byFunction, WALKS_PER_FRAME, top);
      for (let j = 0; j < walked; j++) {
        const h = top[j] as number;
        const time = byFunction[h] as number;
        const b0 = ownTimeBelow(h);
        const b1 = b0 + (belowCount[h] as number);
        for (let b = b0; b < b1; b++) {
          const fn = belowFunction[b] as number;
          if (leafTime[fn] === 0) leavesSeen.push(fn);
          leafTime[fn] = (leafTime[fn] as number) + time * (belowPart[b] as number);
        }
      }
      for (const h of seen) byFunction[h] = 0;
      const frame = tree.add(at, BUDGET_FRAME, 0, NODE_BUDGET, -1);
      frames += tree.depth[frame] as number;
      const depth = (tree.depth[frame] as number) + 1;
      const leaves = heaviest(leavesSeen, leafTime, LEAVES_PER_FRAME, top);
      for (let j = 0; j < leaves; j++) {
        if (frames + depth > room) break;
        const fn = top[j] as number;
        tree.add(frame, fn, leafTime[fn] as number, NODE_LEAF, -1);
        frames += depth;
      }
      for (const fn of leavesSeen) leafTime[fn] = 0;
    }
  }

  /**
   * Where a function's subtree keeps its own time: shares by function (a short cached walk),
   * at `belowFunction/belowPart[result .. + belowCount[h])`.
   */
  function ownTimeBelow(h: number): number {
    const cached = belowStart[h] as number;
    if (cached >= 0) return cached;
    walkFunction.length = 0;
    walkTime.length = 0;
    touched.length = 0;
    walkFunction.push(h);
    walkTime.push(1);
    walkQueue.size = 0;
    walkQueue.push(1, 0);
    let explored = 0;
    for (let steps = 0; walkQueue.size > 0 && steps < WALK_STEPS; steps++) {
      const i = walkQueue.pop();
      const fn = walkFunction[i] as number;
      const t = walkTime[i] as number;
      const s = outSum[fn] as number;
      const ct = graph.cumulative[fn] as number;
      const ownShare = s > 0 ? Math.min(1, Math.max(0, 1 - s / Math.max(s, ct))) : 1;
      if (found[fn] === 0) touched.push(fn);
      found[fn] = (found[fn] as number) + t * ownShare;
      explored += t * ownShare;
      const rest = t * (1 - ownShare);
      if (!(rest > 0) || !(s > 0)) continue;
      const k1 = Math.min(outStart[fn + 1] as number, (outStart[fn] as number) + WALK_WIDTH);
      for (let k = outStart[fn] as number; k < k1; k++) {
        const part = (rest * (outCumulative[k] as number)) / s;
        if (part <= 1e-6) break; // edges are heaviest first
        walkFunction.push(outCallee[k] as number);
        walkTime.push(part);
        walkQueue.push(part, walkFunction.length - 1);
      }
    }
    const kept = explored > 0 ? heaviest(touched, found, WALK_WIDTH, top) : 0;
    if (belowLength + Math.max(1, kept) > belowFunction.length) {
      const f = new Int32Array(2 * belowFunction.length);
      const t = new Float64Array(2 * belowFunction.length);
      f.set(belowFunction);
      t.set(belowPart);
      belowFunction = f;
      belowPart = t;
    }
    const start = belowLength;
    for (let j = 0; j < kept; j++) {
      const fn = top[j] as number;
      belowFunction[belowLength] = fn;
      belowPart[belowLength++] = (found[fn] as number) / explored;
    }
    for (const fn of touched) found[fn] = 0;
    if (kept === 0) {
      belowFunction[belowLength] = h;
      belowPart[belowLength++] = 1;
    }
    belowStart[h] = start;
    belowCount[h] = belowLength - start;
    return start;
  }

  return expand;
}

/**
 * The (at most) `k` entries of `list` with the largest positive `weight`, heaviest first
 * (ties: the smaller entry first), into `top`; returns how many. O(list × k).
 */
function heaviest(
  list: readonly number[],
  weight: Float64Array,
  k: number,
  top: Int32Array,
): number {
  let size = 0;
  for (const x of list) {
    const w = weight[x] as number;
    if (!(w > 0)) continue;
    let at: number;
    if (size < k) at = size++;
    else {
      const last = top[k - 1] as number;
      const wl = weight[last] as number;
      if (w < wl || (w === wl && x > last)) continue;
      at = k - 1;
    }
    while (at > 0) {
      const prev = top[at - 1] as number;
      const wp = weight[prev] as number;
      if (w > wp || (w === wp && x < prev)) {
        top[at] = prev;
        at--;
      } else break;
    }
    top[at] = x;
  }
  return size;
}

/** Sorts `order` by `weight` descending, ties by index (insertion sort for short lists). */
export function sortHeaviestFirst(order: number[], weight: Float64Array): void {
  const count = order.length;
  if (count > 32) {
    order.sort((a, b) => (weight[b] as number) - (weight[a] as number) || a - b);
    return;
  }
  for (let i = 1; i < count; i++) {
    const x = order[i] as number;
    const w = weight[x] as number;
    let j = i - 1;
    while (j >= 0) {
      const y = order[j] as number;
      const wy = weight[y] as number;
      if (wy > w || (wy === w && y < x)) break;
      order[j + 1] = y;
      j--;
    }
    order[j + 1] = x;
  }
}
