/**
 * Call trees for flame graphs: the exact one from a timeline, and a reconstructed one from
 * an aggregate call graph (pstats, lsprof), for writers that need stacks (speedscope) or
 * inclusive costs per context.
 *
 * Why reconstruction is a guess. A pstats dump says, per function, how often each caller
 * called it and how much of its time was spent under that caller — but not *in which
 * context* that caller was itself running. Take
 *
 *        main ──▶ a ──▶ c          c: 10 s, all of it called from a and b
 *          └────▶ b ──▶ c
 *
 * The graph knows `a→c` and `b→c` apart, so the split of c's 10 s between the stacks
 * main;a;c and main;b;c is recorded. One level further it is not: if `a` is called from
 * `x` and `y`, nothing says whether `c`'s time under `a` happened in x;a;c or y;a;c. Every
 * tool (snakeviz, tuna, flameprof, speedscope's own callgrind importer) assumes that a
 * function's activations behave alike in each of its contexts — each context gets a share
 * of the function's callees proportional to its share of the function — and each has
 * "numbers don't add up" complaints where it then drops or double-counts time. This file
 * makes the same assumption and keeps the numbers right:
 *
 * 1. **Shares.** For a function `h`, each incoming edge `g→h` gets the share `p` of h's
 *    activity that came through it, by the edge's cumulative time (pstats callers' `ct`,
 *    lsprof subentry `totaltime`); its own time under that caller is the edge's self
 *    time (callers' `tt`, subentry `inlinetime`), recorded by cProfile and lsprof. Only
 *    where edges have no times (the `profile` module stores counts; NaN in the IR) are call
 *    counts used, for both. Self-loops (`fib→fib`) count as h's own time in every context.
 * 2. **Roots** are where the profiler entered: a function called more often than its
 *    recorded callers say (`nc − Σ callers' nc > 0`, e.g. `builtins.exec` for
 *    `python -m cProfile`, which also appears under importlib inside its own run — so
 *    "functions without callers" finds only the profiler's `disable`), or one with no
 *    callers at all (`<module>` on 2.7, `profile:0(profiler)`). The root keeps the part of
 *    the function's numbers no caller accounts for. Parts of the graph no root reaches
 *    (a cycle nobody enters) get their heaviest function as an extra root, so no time is
 *    lost for want of a root.
 * 3. **Expansion**, best first: a tree node is a stack; the heaviest candidate stack
 *    (parent's share × the edge's cumulative time) is added next, so a size budget keeps
 *    the stacks that matter. A node for `h` under parent node `P` carries `ψ(P)·p` of h's
 *    activity and `ψ(P)·tt(edge)` of h's own time. Stacks never repeat a function: a call
 *    back into a function already on the stack (recursion, mutual recursion, exec inside
 *    exec) adds its own time to that frame — the same function, so no time changes owner.
 * 4. **Budget.** At most `maxStacks` expanded stacks and `maxDepth` frames. Where the budget
 *    cuts a path, what lies below becomes one visible `(pruned)` frame whose children are
 *    the functions whose own time was cut away there (a short bounded walk of the cut part
 *    of the graph; the heaviest cuts first, at most 16 leaves each and `maxStacks / 4` in
 *    all): `a;b;(pruned);leaf`. The leaf keeps its own frame.
 * 5. **Conservation.** The steps above give each stack a provisional weight. Finally each
 *    function's provisional weights are scaled to sum to its self time exactly, and a
 *    function that got no stack at all (all its contexts cut) is placed under a
 *    `(pruned)` frame below the heaviest expanded context of one of its callers (else below
 *    its root). So for every function the stacks ending in it sum to its self time
 *    (up to float rounding), and all stacks sum to the total self time. The shares decide
 *    only *where* a function's time is shown, never *how much*.
 *
 * Negative and absent (NaN) self times count as zero. Everything is deterministic (ties
 * break by index) and linear in the graph plus the output: O(m log m) to sort each
 * caller's edges once, then O(B log B + B·depth) for a budget of B stacks. The tree has at
 * most 1.25·B nodes plus roots and one `…;(pruned);f` leaf per function left over.
 */
import { float64Column, int32Column, PairIndex, uint32Column } from './columns.js';
import { type CallTree, type Profile, TIMELINE_ENTER, type Timeline } from './profile.js';

/** `function` value of the synthetic `(pruned)` frame in a reconstructed tree. */
export const PRUNED_FRAME = 0xffffffff;

export const DEFAULT_MAX_STACKS = 100_000;
export const DEFAULT_MAX_DEPTH = 256;
/** Leaves under one `(pruned)` frame at most (the heaviest). */
const LEAVES_PER_CUT = 16;

export interface ReconstructOptions {
  /**
   * Stacks expanded from the graph (default 100 000). The tree also holds at most a quarter
   * as many `(pruned)` leaves (16 per cut at most), plus one per function that got no
   * stack otherwise.
   */
  maxStacks?: number;
  /** Frames per expanded stack (default 256); a cut adds `(pruned)` and the leaf. */
  maxDepth?: number;
}

/** A call tree rebuilt from an aggregate call graph; node weights are seconds. */
export interface ReconstructedCallTree extends CallTree {
  /** `PRUNED_FRAME` marks the synthetic `(pruned)` frame. Parents precede children. */
  readonly function: Uint32Array;
  /** Reconstructed trees know no per-stack call counts: all NaN. */
  readonly callCount: Float64Array;
  /** Sum of every function's (non-negative) self time = sum of `selfTime`. */
  readonly totalTime: number;
  /** Seconds in leaves under `(pruned)` frames. */
  readonly prunedTime: number;
  /** True when `maxStacks` or `maxDepth` cut something off. */
  readonly budgetReached: boolean;
  /** Root functions in the order their subtrees appear. */
  readonly rootFunctions: readonly number[];
  /** How the shares were computed: from edge times, call counts, or some of each. */
  readonly shares: 'edge-times' | 'call-counts' | 'mixed' | 'none';
}

/** Max-heap of (priority, node); equal priorities pop the smaller node first. */
class BestFirst {
  #priority = new Float64Array(1024);
  #node = new Int32Array(1024);
  size = 0;

  topPriority(): number {
    return this.#priority[0] as number;
  }

  topNode(): number {
    return this.#node[0] as number;
  }

  push(priority: number, node: number): void {
    if (this.size === this.#node.length) {
      const p = new Float64Array(this.size * 2);
      const n = new Int32Array(this.size * 2);
      p.set(this.#priority);
      n.set(this.#node);
      this.#priority = p;
      this.#node = n;
    }
    const pr = this.#priority;
    const nd = this.#node;
    let i = this.size++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const pu = pr[up] as number;
      const nu = nd[up] as number;
      if (!(priority > pu || (priority === pu && node < nu))) break;
      pr[i] = pu;
      nd[i] = nu;
      i = up;
    }
    pr[i] = priority;
    nd[i] = node;
  }

  pop(): void {
    const pr = this.#priority;
    const nd = this.#node;
    const last = --this.size;
    const p = pr[last] as number;
    const n = nd[last] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let c = l;
      if (
        r < last &&
        ((pr[r] as number) > (pr[l] as number) ||
          (pr[r] === pr[l] && (nd[r] as number) < (nd[l] as number)))
      )
        c = r;
      if (!((pr[c] as number) > p || (pr[c] === p && (nd[c] as number) < n))) break;
      pr[i] = pr[c] as number;
      nd[i] = nd[c] as number;
      i = c;
    }
    pr[i] = p;
    nd[i] = n;
  }
}

/** Per-function and per-edge numbers the expansion uses (see the file comment, step 1). */
interface Shares {
  self: Float64Array;
  /** Callee's own time under the caller, per edge. */
  edgeSelf: Float64Array;
  /** Share of the callee's activity through the edge, per edge. */
  edgeShare: Float64Array;
  /** Callee's inclusive time under the caller (best-first priority), per edge. */
  edgeInclusive: Float64Array;
  /** Own time in recursive self-calls, per function. */
  loopSelf: Float64Array;
  isRoot: Uint8Array;
  rootSelf: Float64Array;
  rootShare: Float64Array;
  inclusive: Float64Array;
  mode: ReconstructedCallTree['shares'];
}

const positive = (v: number): number => (v > 0 && v !== Number.POSITIVE_INFINITY ? v : 0);

function computeShares(profile: Profile): Shares {
  const fns = profile.functions;
  const calls = profile.calls;
  const n = fns.length;
  const m = calls.length;
  const self = new Float64Array(n);
  const inclusive = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    self[f] = positive(fns.selfTime[f] as number);
    inclusive[f] = Math.max(self[f] as number, positive(fns.inclusiveTime[f] as number));
  }
  const timed = new Uint8Array(n).fill(1);
  const hasCaller = new Uint8Array(n);
  const callsIn = new Float64Array(n);
  const callsInOther = new Float64Array(n);
  const selfIn = new Float64Array(n);
  const inclusiveIn = new Float64Array(n);
  for (let e = 0; e < m; e++) {
    const h = calls.callee[e] as number;
    const tt = calls.selfTime[e] as number;
    const ct = calls.inclusiveTime[e] as number;
    if (!Number.isFinite(tt) || !Number.isFinite(ct)) timed[h] = 0;
    const count = positive(calls.callCount[e] as number);
    callsIn[h] = (callsIn[h] as number) + count;
    selfIn[h] = (selfIn[h] as number) + positive(tt);
    if ((calls.caller[e] as number) !== h) {
      hasCaller[h] = 1;
      callsInOther[h] = (callsInOther[h] as number) + count;
      inclusiveIn[h] = (inclusiveIn[h] as number) + positive(ct);
    }
  }

  const isRoot = new Uint8Array(n);
  const rootSelf = new Float64Array(n);
  const rootShare = new Float64Array(n);
  // Per function: how activity shares are taken (0 = times, 1 = counts, 2 = equal split)
  // and their denominator; how self shares are taken (0 = times, 1 = counts).
  const activityBy = new Uint8Array(n);
  const activityTotal = new Float64Array(n);
  const selfBy = new Uint8Array(n);
  const countTotal = new Float64Array(n);
  let timedFunctions = 0;
  let countedFunctions = 0;
  for (let h = 0; h < n; h++) {
    const nc = positive(fns.callCount[h] as number);
    const rootCalls = Math.max(0, nc - (callsIn[h] as number));
    const root = hasCaller[h] === 0 || rootCalls > 0;
    isRoot[h] = root ? 1 : 0;
    countTotal[h] = Math.max(nc, callsIn[h] as number);
    const rootCallWeight = hasCaller[h] === 0 ? Math.max(rootCalls, 1) : rootCalls;
    // Activity: cumulative times where every edge has them and the root's part is known.
    const rootInclusive = !root
      ? 0
      : hasCaller[h] === 0
        ? Math.max(inclusive[h] as number, Number.MIN_VALUE)
        : Math.max(0, (inclusive[h] as number) - (inclusiveIn[h] as number));
    const timeTotal = (inclusiveIn[h] as number) + rootInclusive;
    const countTotalOther = (callsInOther[h] as number) + (root ? rootCallWeight : 0);
    if (timed[h] === 1 && timeTotal > 0 && (!root || rootInclusive > 0)) {
      activityBy[h] = 0;
      activityTotal[h] = timeTotal;
      rootShare[h] = rootInclusive / timeTotal;
    } else if (countTotalOther > 0) {
      activityBy[h] = 1;
      activityTotal[h] = countTotalOther;
      rootShare[h] = root ? rootCallWeight / countTotalOther : 0;
    } else {
      activityBy[h] = 2;
      rootShare[h] = root ? 1 : 0;
    }
    // Own time: the edges' recorded self times where all edges have them.
    if (timed[h] === 1) {
      selfBy[h] = 0;
      rootSelf[h] = root ? Math.max(0, (self[h] as number) - (selfIn[h] as number)) : 0;
      if (hasCaller[h] === 1) timedFunctions++;
    } else {
      selfBy[h] = 1;
      const total = countTotal[h] as number;
      rootSelf[h] = !root
        ? 0
        : total > 0
          ? ((self[h] as number) * rootCalls) / total
          : hasCaller[h] === 0
            ? (self[h] as number)
            : 0;
      countedFunctions++;
    }
  }

  const edgeSelf = new Float64Array(m);
  const edgeShare = new Float64Array(m);
  const edgeInclusive = new Float64Array(m);
  const loopSelf = new Float64Array(n);
  const otherEdges = new Float64Array(n);
  for (let e = 0; e < m; e++) {
    const h = calls.callee[e] as number;
    if ((calls.caller[e] as number) !== h) otherEdges[h] = (otherEdges[h] as number) + 1;
  }
  for (let e = 0; e < m; e++) {
    const h = calls.callee[e] as number;
    const count = positive(calls.callCount[e] as number);
    const total = countTotal[h] as number;
    const countFraction = total > 0 ? count / total : 0;
    let s: number;
    let inc: number;
    if (selfBy[h] === 0) {
      s = positive(calls.selfTime[e] as number);
      inc = Math.max(s, positive(calls.inclusiveTime[e] as number));
    } else {
      s = (self[h] as number) * countFraction;
      inc = (inclusive[h] as number) * countFraction;
    }
    edgeSelf[e] = s;
    edgeInclusive[e] = inc;
    if ((calls.caller[e] as number) === h) {
      loopSelf[h] = (loopSelf[h] as number) + s;
      continue;
    }
    const by = activityBy[h];
    edgeShare[e] =
      by === 0
        ? positive(calls.inclusiveTime[e] as number) / (activityTotal[h] as number)
        : by === 1
          ? count / (activityTotal[h] as number)
          : 1 / ((otherEdges[h] as number) + (isRoot[h] as number));
    if (by === 2 && isRoot[h] === 1) rootShare[h] = 1 / ((otherEdges[h] as number) + 1);
  }
  const mode =
    timedFunctions > 0 && countedFunctions > 0
      ? 'mixed'
      : timedFunctions > 0
        ? 'edge-times'
        : countedFunctions > 0
          ? 'call-counts'
          : 'none';
  return {
    self,
    edgeSelf,
    edgeShare,
    edgeInclusive,
    loopSelf,
    isRoot,
    rootSelf,
    rootShare,
    inclusive,
    mode,
  };
}

/**
 * Each caller's outgoing edges (self-loops left out), heaviest first, with the numbers the
 * expansion reads laid out in that order (read sequentially, not scattered over the edge
 * table).
 */
interface Outgoing {
  /** Caller f's edges are rows `start[f] .. start[f + 1]`. */
  start: Uint32Array;
  callee: Uint32Array;
  /** `Shares.edgeSelf`, `edgeShare`, `edgeInclusive` of each row's edge. */
  self: Float64Array;
  share: Float64Array;
  inclusive: Float64Array;
}

function outgoingEdges(profile: Profile, shares: Shares): Outgoing {
  const n = profile.functions.length;
  const { caller, callee, length: m } = profile.calls;
  const { edgeInclusive } = shares;
  const start = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) {
    if (caller[e] !== callee[e])
      start[(caller[e] as number) + 1] = (start[(caller[e] as number) + 1] as number) + 1;
  }
  for (let f = 0; f < n; f++) start[f + 1] = (start[f + 1] as number) + (start[f] as number);
  const fill = start.slice(0, n);
  const edges = new Uint32Array(start[n] as number);
  for (let e = 0; e < m; e++) {
    const g = caller[e] as number;
    if (g === callee[e]) continue;
    edges[fill[g] as number] = e;
    fill[g] = (fill[g] as number) + 1;
  }
  const heavierFirst = (a: number, b: number) =>
    (edgeInclusive[b] as number) - (edgeInclusive[a] as number) ||
    (callee[a] as number) - (callee[b] as number) ||
    a - b;
  for (let f = 0; f < n; f++) {
    const s = start[f] as number;
    const t = start[f + 1] as number;
    if (t - s > 1) edges.subarray(s, t).sort(heavierFirst);
  }
  const rows = edges.length;
  const out: Outgoing = {
    start,
    callee: new Uint32Array(rows),
    self: new Float64Array(rows),
    share: new Float64Array(rows),
    inclusive: new Float64Array(rows),
  };
  for (let k = 0; k < rows; k++) {
    const e = edges[k] as number;
    out.callee[k] = callee[e] as number;
    out.self[k] = shares.edgeSelf[e] as number;
    out.share[k] = shares.edgeShare[e] as number;
    out.inclusive[k] = edgeInclusive[e] as number;
  }
  return out;
}

/** The tree under construction: growable columns, one row per node. */
class Nodes {
  readonly parent = int32Column(4096);
  readonly fn = uint32Column(4096);
  readonly depth = int32Column(4096);
  /** Share of the function's activity in this context. */
  readonly share = float64Column(4096);
  /** Provisional own time (scaled per function at the end). */
  readonly weight = float64Column(4096);
  /** Next outgoing edge (index into the sorted edge list) to expand. */
  readonly cursor = uint32Column(4096);
  /** A 32-bit Bloom filter of the functions on the stack, to skip most ancestor walks. */
  readonly mask = uint32Column(4096);

  get length(): number {
    return this.parent.length;
  }

  add(parent: number, fn: number, share: number, weight: number, cursor: number): number {
    const bit = fn === PRUNED_FRAME ? 0 : functionBit(fn);
    const node = this.parent.push(parent);
    this.fn.push(fn);
    this.depth.push(parent < 0 ? 0 : this.depth.get(parent) + 1);
    this.share.push(share);
    this.weight.push(weight);
    this.cursor.push(cursor);
    this.mask.push(parent < 0 ? bit : (this.mask.get(parent) | bit) >>> 0);
    return node;
  }

  /** The node on `node`'s stack (itself included) whose function is `fn`, or -1. */
  onStack(node: number, fn: number): number {
    if ((this.mask.get(node) & functionBit(fn)) === 0) return -1;
    const parent = this.parent.data;
    const fns = this.fn.data;
    for (let k = node; k >= 0; k = parent[k] as number) if (fns[k] === fn) return k;
    return -1;
  }
}

function functionBit(fn: number): number {
  return (1 << (Math.imul(fn, 0x9e3779b1) >>> 27)) >>> 0;
}

/** The roots: entry points first (function order), then one per region they do not reach. */
function chooseRoots(
  profile: Profile,
  shares: Shares,
  out: Outgoing,
): { roots: number[]; extra: Uint8Array; reachedFrom: Int32Array } {
  const n = profile.functions.length;
  const reachedFrom = new Int32Array(n).fill(-1);
  const roots: number[] = [];
  const extra = new Uint8Array(n);
  const queue = new Int32Array(n);
  const reach = (root: number, slot: number) => {
    let head = 0;
    let tail = 0;
    if (reachedFrom[root] === -1) {
      reachedFrom[root] = slot;
      queue[tail++] = root;
    }
    while (head < tail) {
      const g = queue[head++] as number;
      for (let k = out.start[g] as number; k < (out.start[g + 1] as number); k++) {
        const h = out.callee[k] as number;
        if (reachedFrom[h] === -1) {
          reachedFrom[h] = slot;
          queue[tail++] = h;
        }
      }
    }
  };
  for (let f = 0; f < n; f++) if (shares.isRoot[f] === 1) roots.push(f);
  for (let k = 0; k < roots.length; k++) reach(roots[k] as number, k);
  const unreached: number[] = [];
  for (let f = 0; f < n; f++) if (reachedFrom[f] === -1) unreached.push(f);
  unreached.sort(
    (a, b) => (shares.inclusive[b] as number) - (shares.inclusive[a] as number) || a - b,
  );
  for (const f of unreached) {
    if (reachedFrom[f] !== -1) continue;
    extra[f] = 1;
    roots.push(f);
    reach(f, roots.length - 1);
  }
  return { roots, extra, reachedFrom };
}

/** Bounded walk of the graph below a cut: per function, own time that was cut off there. */
class CutWalk {
  readonly #stamp: Int32Array;
  readonly #activity: Float64Array;
  readonly #own: Float64Array;
  readonly #expanded: Uint8Array;
  readonly #stackStamp: Int32Array;
  readonly #stackNode: Int32Array;
  readonly touched: number[] = [];
  #round = 0;

  constructor(n: number) {
    this.#stamp = new Int32Array(n).fill(-1);
    this.#activity = new Float64Array(n);
    this.#own = new Float64Array(n);
    this.#expanded = new Uint8Array(n);
    this.#stackStamp = new Int32Array(n).fill(-1);
    this.#stackNode = new Int32Array(n);
  }

  own(fn: number): number {
    return this.#own[fn] as number;
  }

  /**
   * Walks from `node`'s unexpanded edges. Calls back into a function on the node's stack
   * add their own time to that frame (`nodes.weight`); the rest is left in `own()` for the
   * functions in `touched`.
   */
  run(
    node: number,
    nodes: Nodes,
    shares: Shares,
    out: Outgoing,
    limits: { functions: number; edges: number },
  ): void {
    const round = ++this.#round;
    const stamp = this.#stamp;
    const activity = this.#activity;
    const own = this.#own;
    const expanded = this.#expanded;
    const stackStamp = this.#stackStamp;
    const stackNode = this.#stackNode;
    const touched = this.touched;
    touched.length = 0;
    // Nothing is added to `nodes` during a walk, so their live arrays stay valid.
    const parent = nodes.parent.data;
    const fnOf = nodes.fn.data;
    const weight = nodes.weight.data;
    for (let k = node; k >= 0; k = parent[k] as number) {
      stackStamp[fnOf[k] as number] = round;
      stackNode[fnOf[k] as number] = k;
    }
    const { loopSelf } = shares;
    const { start, callee, self: edgeSelf, share: edgeShare } = out;
    let edgesLeft = limits.edges;
    let expansions = 0;
    let q = -1;
    // First the node's unexpanded edges with its share, then each touched function's.
    let share = nodes.share.get(node);
    let k = nodes.cursor.get(node);
    let end = start[(fnOf[node] as number) + 1] as number;
    for (;;) {
      for (; k < end && edgesLeft > 0; k++, edgesLeft--) {
        const h = callee[k] as number;
        const cut = share * (edgeSelf[k] as number);
        if (stackStamp[h] === round) {
          const frame = stackNode[h] as number;
          weight[frame] = (weight[frame] as number) + cut;
          continue;
        }
        if (stamp[h] !== round) {
          stamp[h] = round;
          activity[h] = 0;
          own[h] = 0;
          expanded[h] = 0;
          touched.push(h);
        }
        own[h] = (own[h] as number) + cut;
        if (expanded[h] === 0)
          activity[h] = (activity[h] as number) + share * (edgeShare[k] as number);
      }
      if (edgesLeft <= 0) return;
      let next = -1;
      while (next < 0 && ++q < touched.length && expansions < limits.functions) {
        const g = touched[q] as number;
        expanded[g] = 1;
        if ((activity[g] as number) > 0) next = g;
      }
      if (next < 0) return;
      expansions++;
      share = activity[next] as number;
      // Own time of recursive self-calls in this region.
      own[next] = (own[next] as number) + share * (loopSelf[next] as number);
      k = start[next] as number;
      end = start[next + 1] as number;
    }
  }
}

/**
 * Rebuilds a call tree (one node per stack, weights in seconds) from a profile's aggregate
 * call graph; see the file comment for the model and its guarantees.
 */
export function reconstructCallTree(
  profile: Profile,
  options: ReconstructOptions = {},
): ReconstructedCallTree {
  const maxStacks = Math.max(1, Math.floor(options.maxStacks ?? DEFAULT_MAX_STACKS));
  const maxDepth = Math.max(1, Math.floor(options.maxDepth ?? DEFAULT_MAX_DEPTH));
  const n = profile.functions.length;
  const shares = computeShares(profile);
  const out = outgoingEdges(profile, shares);
  const { roots, extra, reachedFrom } = chooseRoots(profile, shares, out);
  const nodes = new Nodes();
  // Candidates: each node with edges left, keyed by its next (heaviest remaining) edge.
  // Nodes at the depth limit are cuts from the start.
  const heap = new BestFirst();
  const deep = new BestFirst();
  const pushNext = (node: number) => {
    const k = nodes.cursor.get(node);
    if (k >= (out.start[nodes.fn.get(node) + 1] as number)) return;
    const priority = nodes.share.get(node) * (out.inclusive[k] as number);
    if (nodes.depth.get(node) + 1 < maxDepth) heap.push(priority, node);
    else deep.push(priority, node);
  };

  // Roots: always present, whatever the budget.
  const rootNode = new Int32Array(roots.length);
  for (let k = 0; k < roots.length; k++) {
    const f = roots[k] as number;
    const share = extra[f] === 1 ? 1 : (shares.rootShare[f] as number);
    const own =
      extra[f] === 1
        ? (shares.self[f] as number)
        : (shares.rootSelf[f] as number) + share * (shares.loopSelf[f] as number);
    rootNode[k] = nodes.add(-1, f, share, own, out.start[f] as number);
    pushNext(rootNode[k] as number);
  }

  // Expansion, heaviest candidate stack first.
  const expandedLimit = Math.max(maxStacks, roots.length);
  while (heap.size > 0 && nodes.length < expandedLimit) {
    if (!(heap.topPriority() > 0)) break;
    const parent = heap.topNode();
    heap.pop();
    const k = nodes.cursor.get(parent);
    nodes.cursor.set(parent, k + 1);
    pushNext(parent);
    const h = out.callee[k] as number;
    const parentShare = nodes.share.get(parent);
    const own = parentShare * (out.self[k] as number);
    const onStack = nodes.onStack(parent, h);
    if (onStack >= 0) {
      nodes.weight.set(onStack, nodes.weight.get(onStack) + own);
      continue;
    }
    const share = parentShare * (out.share[k] as number);
    const child = nodes.add(
      parent,
      h,
      share,
      own + share * (shares.loopSelf[h] as number),
      out.start[h] as number,
    );
    pushNext(child);
  }
  const expandedCount = nodes.length;

  // Cuts: the candidates left in both heaps, heaviest first.
  const hasCut = (queue: BestFirst) => queue.size > 0 && queue.topPriority() > 0;
  const nextCut = (): number => {
    const fromHeap = hasCut(heap);
    const fromDeep = hasCut(deep);
    if (!fromHeap && !fromDeep) return -1;
    const queue =
      !fromHeap ||
      (fromDeep &&
        (deep.topPriority() > heap.topPriority() ||
          (deep.topPriority() === heap.topPriority() && deep.topNode() < heap.topNode())))
        ? deep
        : heap;
    const node = queue.topNode();
    queue.pop();
    return node;
  };
  const budgetReached = hasCut(heap) || hasCut(deep);
  const walk = new CutWalk(n);
  const markers = new Map<number, number>();
  let leavesLeft = Math.ceil(maxStacks / 4);
  for (let node = nextCut(); node >= 0 && leavesLeft > 0; node = nextCut()) {
    walk.run(node, nodes, shares, out, { functions: 32, edges: 512 });
    let leaves = walk.touched.filter((f) => walk.own(f) > 0);
    if (leaves.length === 0) continue;
    const keep = Math.min(leavesLeft, LEAVES_PER_CUT);
    if (leaves.length > keep) {
      leaves.sort((a, b) => walk.own(b) - walk.own(a) || a - b);
      leaves = leaves.slice(0, keep);
    }
    leaves.sort((a, b) => a - b);
    const marker = nodes.add(node, PRUNED_FRAME, 0, 0, 0);
    markers.set(node, marker);
    for (const f of leaves) nodes.add(marker, f, 0, walk.own(f), 0);
    leavesLeft -= leaves.length;
  }

  // Conservation: scale each function's provisional weights to its self time.
  const provisional = new Float64Array(n);
  for (let node = 0; node < nodes.length; node++) {
    const fn = nodes.fn.get(node);
    if (fn !== PRUNED_FRAME) provisional[fn] = (provisional[fn] as number) + nodes.weight.get(node);
  }
  placeLeftovers(
    profile,
    nodes,
    expandedCount,
    shares,
    provisional,
    markers,
    (f) => rootNode[reachedFrom[f] as number] as number,
  );
  return finish(nodes, shares, provisional, budgetReached);
}

/**
 * Gives each function with own time but no stack one: `caller;(pruned);f` under the
 * expanded node of a caller where the edge would have put it (the heaviest such), else
 * under its root — or, when the function is already on that stack, on its own frame there.
 */
function placeLeftovers(
  profile: Profile,
  nodes: Nodes,
  expandedCount: number,
  shares: Shares,
  provisional: Float64Array,
  markers: Map<number, number>,
  rootOf: (fn: number) => number,
): void {
  const n = provisional.length;
  const left = (f: number) => (shares.self[f] as number) > 0 && !((provisional[f] as number) > 0);
  let any = false;
  for (let f = 0; f < n && !any; f++) any = left(f);
  if (!any) return;
  // Each function's heaviest expanded context, then each leftover's best caller context.
  const heaviest = new Int32Array(n).fill(-1);
  for (let node = 0; node < expandedCount; node++) {
    const fn = nodes.fn.get(node);
    const best = heaviest[fn] as number;
    if (nodes.share.get(node) > 0 && (best < 0 || nodes.share.get(node) > nodes.share.get(best)))
      heaviest[fn] = node;
  }
  const place = new Int32Array(n).fill(-1);
  const score = new Float64Array(n);
  const { caller, callee } = profile.calls;
  for (let e = 0; e < profile.calls.length; e++) {
    const f = callee[e] as number;
    const g = caller[e] as number;
    const node = heaviest[g] as number;
    if (g === f || node < 0 || !left(f)) continue;
    const value = nodes.share.get(node) * (shares.edgeInclusive[e] as number);
    if (place[f] === -1 || value > (score[f] as number)) {
      place[f] = node;
      score[f] = value;
    }
  }
  for (let f = 0; f < n; f++) {
    if (!left(f)) continue;
    const at = place[f] !== -1 ? (place[f] as number) : rootOf(f);
    // Already on that stack (its own root, or recursion): the time stays on that frame, so
    // no stack ever holds a function twice.
    const own = nodes.onStack(at, f);
    if (own >= 0) {
      nodes.weight.add(own, shares.self[f] as number);
      provisional[f] = shares.self[f] as number;
      continue;
    }
    let marker = markers.get(at);
    if (marker === undefined) {
      marker = nodes.add(at, PRUNED_FRAME, 0, 0, 0);
      markers.set(at, marker);
    }
    nodes.add(marker, f, 0, shares.self[f] as number, 0);
    provisional[f] = shares.self[f] as number;
  }
}

/** Scales weights, drops empty subtrees and orders nodes depth-first, heaviest child first. */
function finish(
  nodes: Nodes,
  shares: Shares,
  provisional: Float64Array,
  budgetReached: boolean,
): ReconstructedCallTree {
  const count = nodes.length;
  const parent = nodes.parent.data;
  const fn = nodes.fn.data;
  const weight = new Float64Array(count);
  const n = provisional.length;
  const heaviest = new Int32Array(n).fill(-1);
  const placed = new Float64Array(n);
  for (let node = 0; node < count; node++) {
    const f = fn[node] as number;
    if (f === PRUNED_FRAME) continue;
    const p = provisional[f] as number;
    const w = p > 0 ? ((shares.self[f] as number) * nodes.weight.get(node)) / p : 0;
    weight[node] = w;
    placed[f] = (placed[f] as number) + w;
    if (w > 0 && (heaviest[f] === -1 || w > (weight[heaviest[f] as number] as number)))
      heaviest[f] = node;
  }
  // Put the rounding residue on each function's heaviest stack.
  for (let f = 0; f < n; f++) {
    const node = heaviest[f] as number;
    if (node >= 0)
      weight[node] = Math.max(
        0,
        (weight[node] as number) + (shares.self[f] as number) - (placed[f] as number),
      );
  }
  const inclusive = weight.slice();
  for (let node = count - 1; node >= 0; node--) {
    const p = parent[node] as number;
    if (p >= 0) inclusive[p] = (inclusive[p] as number) + (inclusive[node] as number);
  }
  // Children of each kept node (those with time below them), heaviest first:
  // node p's children are children[childStart[p] .. childStart[p + 1]).
  const keep = (node: number) => (inclusive[node] as number) > 0;
  const childStart = new Int32Array(count + 1);
  const rootList: number[] = [];
  for (let node = 0; node < count; node++) {
    if (!keep(node)) continue;
    const p = parent[node] as number;
    if (p < 0) rootList.push(node);
    else childStart[p + 1] = (childStart[p + 1] as number) + 1;
  }
  for (let k = 0; k < count; k++)
    childStart[k + 1] = (childStart[k + 1] as number) + (childStart[k] as number);
  const fill = childStart.slice(0, count);
  const children = new Int32Array(childStart[count] as number);
  for (let node = 0; node < count; node++) {
    const p = parent[node] as number;
    if (p < 0 || !keep(node)) continue;
    children[fill[p] as number] = node;
    fill[p] = (fill[p] as number) + 1;
  }
  const order = (a: number, b: number) =>
    (inclusive[b] as number) - (inclusive[a] as number) ||
    (fn[a] as number) - (fn[b] as number) ||
    a - b;
  rootList.sort(order);
  for (let node = 0; node < count; node++) {
    const s = childStart[node] as number;
    const t = childStart[node + 1] as number;
    if (t - s > 1) children.subarray(s, t).sort(order);
  }
  // Depth-first, preorder.
  const total = children.length + rootList.length;
  const outParent = new Int32Array(total);
  const outFunction = new Uint32Array(total);
  const outSelf = new Float64Array(total);
  const stack = new Int32Array(total);
  const newIndex = new Int32Array(count);
  let at = 0;
  let prunedTime = 0;
  let totalTime = 0;
  const rootFunctions: number[] = [];
  for (let k = rootList.length - 1; k >= 0; k--) stack[at++] = rootList[k] as number;
  let next = 0;
  while (at > 0) {
    const node = stack[--at] as number;
    newIndex[node] = next;
    const p = parent[node] as number;
    const w = weight[node] as number;
    outParent[next] = p < 0 ? -1 : (newIndex[p] as number);
    outFunction[next] = fn[node] as number;
    outSelf[next] = w;
    totalTime += w;
    if (p >= 0 && fn[p] === PRUNED_FRAME) prunedTime += w;
    if (p < 0) rootFunctions.push(fn[node] as number);
    next++;
    for (let k = (childStart[node + 1] as number) - 1; k >= (childStart[node] as number); k--)
      stack[at++] = children[k] as number;
  }
  return {
    length: total,
    parent: outParent,
    function: outFunction,
    selfTime: outSelf,
    callCount: new Float64Array(total).fill(Number.NaN),
    totalTime,
    prunedTime,
    budgetReached,
    rootFunctions,
    shares: shares.mode,
  };
}

/**
 * The exact calling-context tree of a timeline: one node per distinct stack, with the
 * time each stack was on top and how often it was entered. Exits that do not match the
 * open frame close frames up to the matching one (or are ignored when it is not open);
 * frames still open at the end are closed at the last event's time. Time with no frame
 * open belongs to no node.
 */
export function callTreeFromTimeline(timeline: Timeline): CallTree {
  const keyParent = uint32Column(1024);
  const keyFunction = uint32Column(1024);
  const parent = int32Column(1024);
  const selfTime = float64Column(1024);
  const callCount = float64Column(1024);
  const index = new PairIndex(keyParent, keyFunction, 1024);
  const stack: number[] = [];
  let last = timeline.length > 0 ? (timeline.time[0] as number) : 0;
  for (let k = 0; k < timeline.length; k++) {
    const time = Math.max(last, timeline.time[k] as number);
    const top = stack.length > 0 ? (stack[stack.length - 1] as number) : -1;
    if (top >= 0) selfTime.add(top, time - last);
    last = time;
    const fn = timeline.function[k] as number;
    if (timeline.kind[k] === TIMELINE_ENTER) {
      let node = index.find(top + 1, fn);
      if (node < 0) {
        node = keyParent.push(top + 1);
        keyFunction.push(fn);
        parent.push(top);
        selfTime.push(0);
        callCount.push(0);
        index.insert(node);
      }
      callCount.add(node, 1);
      stack.push(node);
    } else {
      let depth = stack.length - 1;
      while (depth >= 0 && keyFunction.get(stack[depth] as number) !== fn) depth--;
      if (depth >= 0) stack.length = depth;
    }
  }
  return {
    length: parent.length,
    parent: parent.finish(),
    function: keyFunction.finish(),
    selfTime: selfTime.finish(),
    callCount: callCount.finish(),
  };
}
