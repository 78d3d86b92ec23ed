/**
 * The stack tree → profiles: one per thread (part) and their whole, each walked once,
 * depth first, with the functions on the current path counted so that every number has
 * cProfile's meaning:
 *
 * - a function's self cost is the weight of the stacks it is on top of; its inclusive
 *   cost the weight of the stacks holding it, each stack counted once however often the
 *   function recurs in it (added at its outermost frame of the path);
 * - a caller→callee edge (one per pair) has as self cost the callee's self weight under
 *   that caller, and as inclusive cost the weight of the stacks holding the pair, again
 *   counted once per stack (at its outermost occurrence); with executing lines, the
 *   caller's line at that occurrence is the call site, so an edge's sites add up to it;
 * - functions are listed in the order the walk meets them, callers before callees;
 * - executing lines on top of a stack are line costs (hits: the samples, when the file
 *   says how many);
 * - the exact calling-context tree (what speedscope draws) merges stacks only where they
 *   are the same function path; its node counts, like all call counts, are absent (NaN):
 *   samples count no calls.
 *
 * The whole of several threads is the same walk over all of them (not `mergeProfiles`,
 * which cannot merge call trees). Weights are summed as the file wrote them and divided
 * into seconds once at the end, so integer microseconds stay exact.
 */
import {
  type CallTree,
  float64Column,
  int32Column,
  type MetadataInput,
  type OutputNeeds,
  PairIndex,
  type Profile,
  ProfileBuilder,
  type ProfileSet,
  uint32Column,
} from '@pyprof/core';
import type { Functions } from './identity.js';
import { NO_PARENT, type Part, type StackTrie } from './stacks.js';

export interface AggregateOptions {
  needs: OutputNeeds;
  /** File numbers per unit: 1e6 for microseconds, 1 for samples or seconds. */
  divisor: number;
  /** Frames carry executing lines: make line costs and call sites (if asked). */
  executingLines: boolean;
  metadata: MetadataInput;
}

/** Integer pairs → rows, with float64 numbers per row (`stride` of them). */
class Rows {
  readonly first = uint32Column();
  readonly second = uint32Column();
  readonly #index = new PairIndex(this.first, this.second);
  readonly numbers: ReturnType<typeof float64Column>[];

  constructor(stride: number) {
    this.numbers = Array.from({ length: stride }, () => float64Column());
  }

  get length(): number {
    return this.first.length;
  }

  row(a: number, b: number): number {
    const found = this.#index.find(a, b);
    if (found >= 0) return found;
    const row = this.first.push(a);
    this.second.push(b);
    for (const column of this.numbers) column.push(0);
    this.#index.insert(row);
    return row;
  }
}

/** The shape of the tree shared by every walk: children lists and subtree weights. */
export interface TreeShape {
  readonly childStart: Uint32Array;
  readonly children: Uint32Array;
  /** Weight of all lines ending in the node's subtree. */
  readonly total: Float64Array;
}

export function treeShape(trie: StackTrie): TreeShape {
  const n = trie.nodes;
  const parent = trie.parent.data;
  const childStart = new Uint32Array(n + 1);
  for (let node = 0; node < n; node++) {
    const p = parent[node] as number;
    if (p !== NO_PARENT) childStart[p + 1] = (childStart[p + 1] as number) + 1;
  }
  for (let node = 0; node < n; node++)
    childStart[node + 1] = (childStart[node + 1] as number) + (childStart[node] as number);
  const next = childStart.slice(0, n);
  const children = new Uint32Array(childStart[n] as number);
  for (let node = 0; node < n; node++) {
    const p = parent[node] as number;
    if (p === NO_PARENT) continue;
    children[next[p] as number] = node;
    next[p] = (next[p] as number) + 1;
  }
  // Children come after their parents, so one backward pass sums subtrees.
  const total = trie.weight.data.slice(0, n);
  for (let node = n - 1; node >= 0; node--) {
    const p = parent[node] as number;
    if (p !== NO_PARENT) total[p] = (total[p] as number) + (total[node] as number);
  }
  return { childStart, children, total };
}

const SELF = 0;
const INCLUSIVE = 1;
const HITS = 1;

/** One walk over the subtrees of `roots`, into one profile. */
export function walk(
  trie: StackTrie,
  shape: TreeShape,
  fns: Functions,
  roots: readonly number[],
  options: AggregateOptions,
): Profile {
  const g = fns.name.length;
  const self = new Float64Array(g);
  const inclusive = new Float64Array(g);
  const active = new Int32Array(g);
  const present = new Uint8Array(g);
  /** Functions in the order the walk first meets them (callers before callees). */
  const order: number[] = [];
  const edges = new Rows(2);
  const edgeActive = int32Column();
  const sites = new Rows(1);
  const lines = new Rows(2);
  const tree = new Rows(1);
  const treeParent = int32Column();
  const withLines = options.executingLines && options.needs.lines === true;
  const withTree = options.needs.callTree === true;

  const frameOf = trie.frame.data;
  const weight = trie.weight.data;
  const samples = trie.samples.data;
  const ends = trie.ends.data;
  const { childStart, children, total } = shape;
  // The path: per depth its function, line, edge and call-tree node.
  let capacity = 64;
  let pathFn = new Int32Array(capacity);
  let pathLine = new Int32Array(capacity);
  let pathEdge = new Int32Array(capacity);
  let pathTree = new Int32Array(capacity);
  let depth = 0;
  const stack = int32Column(256);

  for (const root of roots) {
    for (let k = (childStart[root + 1] as number) - 1; k >= (childStart[root] as number); k--)
      stack.push(children[k] as number);
    while (stack.length > 0) {
      const item = stack.get(stack.length - 1);
      stack.pop();
      if (item < 0) {
        // Leaving a node: its function and edge are one activation less active.
        depth--;
        active[pathFn[depth] as number] = (active[pathFn[depth] as number] as number) - 1;
        const edge = pathEdge[depth] as number;
        if (edge >= 0) edgeActive.add(edge, -1);
        continue;
      }
      const node = item;
      if (depth === capacity) {
        capacity *= 2;
        const grow = (old: Int32Array) => {
          const next = new Int32Array(capacity);
          next.set(old);
          return next;
        };
        pathFn = grow(pathFn);
        pathLine = grow(pathLine);
        pathEdge = grow(pathEdge);
        pathTree = grow(pathTree);
      }
      const frame = frameOf[node] as number;
      const fn = fns.ofFrame[frame] as number;
      const line = fns.lineOfFrame[frame] as number;
      const w = weight[node] as number;
      const sub = total[node] as number;
      if (!present[fn]) {
        present[fn] = 1;
        order.push(fn);
      }
      if ((active[fn] as number) === 0) inclusive[fn] = (inclusive[fn] as number) + sub;
      active[fn] = (active[fn] as number) + 1;
      self[fn] = (self[fn] as number) + w;
      if (withLines && line > 0 && (ends[node] as number) > 0) {
        const row = lines.row(fn, line);
        (lines.numbers[SELF] as ReturnType<typeof float64Column>).add(row, w);
        (lines.numbers[HITS] as ReturnType<typeof float64Column>).add(row, samples[node] as number);
      }
      let edge = -1;
      if (depth > 0) {
        edge = edges.row(pathFn[depth - 1] as number, fn);
        if (edge === edgeActive.length) edgeActive.push(0);
        (edges.numbers[SELF] as ReturnType<typeof float64Column>).add(edge, w);
        if (edgeActive.get(edge) === 0) {
          (edges.numbers[INCLUSIVE] as ReturnType<typeof float64Column>).add(edge, sub);
          const callerLine = pathLine[depth - 1] as number;
          if (withLines && callerLine > 0)
            (sites.numbers[0] as ReturnType<typeof float64Column>).add(
              sites.row(edge, callerLine),
              sub,
            );
        }
        edgeActive.add(edge, 1);
      }
      if (withTree) {
        const parentTree = depth > 0 ? (pathTree[depth - 1] as number) : -1;
        const t = tree.row(parentTree + 1, fn);
        if (t === treeParent.length) treeParent.push(parentTree);
        (tree.numbers[0] as ReturnType<typeof float64Column>).add(t, w);
        pathTree[depth] = t;
      }
      pathFn[depth] = fn;
      pathLine[depth] = line;
      pathEdge[depth] = edge;
      depth++;
      stack.push(~node);
      for (let k = (childStart[node + 1] as number) - 1; k >= (childStart[node] as number); k--)
        stack.push(children[k] as number);
    }
  }

  // The profile: functions in the order the walk met them.
  const divisor = options.divisor;
  const cost = (value: number) => (divisor === 1 ? value : value / divisor);
  const builder = new ProfileBuilder(options.metadata);
  const local = new Int32Array(g).fill(-1);
  builder.reserve({ functions: order.length, calls: edges.length });
  for (const fn of order) {
    const row = builder.addFunction(
      fns.file[fn] as string,
      fns.line[fn] as number,
      fns.name[fn] as string,
      fns.kind[fn],
    );
    local[fn] = row;
    builder.addFunctionNumbers(
      row,
      Number.NaN,
      Number.NaN,
      cost(self[fn] as number),
      cost(inclusive[fn] as number),
    );
  }
  const [edgeSelf, edgeInclusive] = edges.numbers as [
    ReturnType<typeof float64Column>,
    ReturnType<typeof float64Column>,
  ];
  for (let e = 0; e < edges.length; e++) {
    builder.appendCall(
      local[edges.first.get(e)] as number,
      local[edges.second.get(e)] as number,
      Number.NaN,
      Number.NaN,
      cost(edgeSelf.get(e)),
      cost(edgeInclusive.get(e)),
    );
  }
  if (withLines) {
    const [lineSelf, lineHits] = lines.numbers as [
      ReturnType<typeof float64Column>,
      ReturnType<typeof float64Column>,
    ];
    builder.setLines({
      length: lines.length,
      function: Uint32Array.from(lines.first.finish(), (fn) => local[fn] as number),
      line: Int32Array.from(lines.second.finish()),
      selfTime: lineSelf.finish().map(cost),
      hits: lineHits.finish(),
    });
    builder.setCallSites({
      length: sites.length,
      call: sites.first.finish(),
      line: Int32Array.from(sites.second.finish()),
      callCount: new Float64Array(sites.length).fill(Number.NaN),
      inclusiveTime: (sites.numbers[0] as ReturnType<typeof float64Column>).finish().map(cost),
    });
  }
  if (withTree) builder.setCallTree(callTree(tree, treeParent, local, cost));
  return builder.build();
}

function callTree(
  tree: Rows,
  parent: ReturnType<typeof int32Column>,
  local: Int32Array,
  cost: (value: number) => number,
): CallTree {
  const length = tree.length;
  return {
    length,
    parent: parent.finish(),
    function: Uint32Array.from(tree.second.finish(), (fn) => local[fn] as number),
    selfTime: (tree.numbers[0] as ReturnType<typeof float64Column>).finish().map(cost),
    callCount: new Float64Array(length).fill(Number.NaN),
  };
}

/** The label and thread id of a part, for its metadata. */
export function partMetadata(part: Part): { label?: string; threadId?: string } {
  const words: string[] = [];
  if (part.process !== undefined) words.push(`process ${part.process}`);
  if (part.thread !== undefined)
    words.push(
      `thread ${part.thread}${part.threadName !== undefined ? ` (${part.threadName})` : ''}`,
    );
  return {
    ...(words.length > 0 ? { label: words.join(' ') } : {}),
    ...(part.thread !== undefined ? { threadId: part.thread } : {}),
  };
}

/** Every part's profile and their whole. */
export function buildProfileSet(
  trie: StackTrie,
  fns: Functions,
  options: AggregateOptions,
): ProfileSet {
  const shape = treeShape(trie);
  const parts = trie.parts.map((part) =>
    walk(trie, shape, fns, [part.root], {
      ...options,
      metadata: { ...options.metadata, ...partMetadata(part) },
    }),
  );
  if (parts.length === 1) return { parts, whole: parts[0] as Profile };
  const whole = walk(
    trie,
    shape,
    fns,
    trie.parts.map((part) => part.root),
    { ...options, metadata: { ...options.metadata, label: 'all threads' } },
  );
  return { parts, whole };
}
