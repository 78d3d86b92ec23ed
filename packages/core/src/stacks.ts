/**
 * Stacks — the tree every stack-drawing output writes (speedscope now; pprof, collapsed
 * stacks, Chrome traces, filters and diffs next) — from one call: a writer declares in its
 * `needs` that it needs stacks and its budget (`OutputNeeds.stacks`), and gets them per
 * profile with `deriveStacks(profile, need)`. Core decides how:
 *
 * - **exact** where the source has them: the calling-context tree of a timeline (hotshot)
 *   or the exact call tree a reader kept (hotshot, sampled stacks) — unchanged, with call
 *   counts;
 * - **reconstructed** from the aggregate call graph otherwise (pstats, lsprof): the
 *   reconstruction of decision 0017 (`stacks/`), which keeps every function's own time
 *   exactly and its cumulative time wherever the profile's numbers are consistent: the
 *   stacks that contain a function (each counted once) add up to its `ct`, every adjacent
 *   pair of real functions in a stack is a caller→callee edge the profile recorded, and
 *   recursion is unrolled as far as the numbers support it.
 *
 * The result says which it is (`origin`), and records — per output, since the budget is
 * the output's — how much time sits under budget frames and how much was placed by a rule
 * beyond the recorded edges (`placement`), and which functions' numbers contradict
 * themselves (`inconsistent`, from `checkConsistency`). Writers must say when stacks are
 * reconstructed and should pass the rest on as warnings.
 *
 * The tree is compact: per node its parent (-1 for a root; parents come before their
 * children), its function (a row of the profile, or `BUDGET_FRAME` for the visible frame
 * that holds what the budget cut) and its own weight, in the profile's cost unit.
 * Reconstructed trees are laid out depth-first, heaviest child first, each subtree
 * contiguous; exact trees keep the source's order. `stackSamples` walks any of them as
 * root-first paths for writers that stream.
 *
 * The budget counts frames written — the sum of the depths of the stacks with weight,
 * which is what sampled, collapsed and pprof outputs hold — so it bounds the output.
 */

import type { DiagnosticSink } from './diagnostics.js';
import {
  type CallTree,
  costUnitOf,
  functionFile,
  functionKind,
  functionName,
  type Profile,
} from './profile.js';
import { balanceFlows } from './stacks/balance.js';
import {
  type InconsistencyReason,
  type InconsistentFunction,
  inconsistentFunctions,
} from './stacks/consistency.js';
import { contextRule } from './stacks/context-rule.js';
import { componentMembers, findEntries } from './stacks/entries.js';
import { BUDGET_FRAME as BUDGET_FRAME_VALUE, stackExpander } from './stacks/expand.js';
import { emptyLightLeaves, layOut, scaleTree } from './stacks/finish.js';
import { cycleFlows } from './stacks/flows.js';
import { callGraph } from './stacks/graph.js';
import { buildTemplates } from './stacks/template.js';
import { callTreeFromTimeline } from './timeline-tree.js';

export {
  checkConsistency,
  type InconsistencyReason,
  type InconsistentFunction,
} from './stacks/consistency.js';
export { BUDGET_FRAME } from './stacks/expand.js';

/** How the visible budget frame is named in outputs. */
export const BUDGET_FRAME_NAME = '(pruned)';
/** Default frames written (the sum of stack depths): about 24 MB of speedscope samples. */
export const DEFAULT_MAX_FRAMES = 4_000_000;
/** Default frames per stack. */
export const DEFAULT_MAX_DEPTH = 256;

/** What a writer asks of stacks (in `OutputNeeds.stacks`). */
export interface StacksNeed {
  /** Most frames written — the sum of the depths of the stacks with weight (default 4 000 000). */
  maxFrames?: number;
  /** Most frames on one stack (default 256); deeper calls go under a budget frame. */
  maxDepth?: number;
  /**
   * `auto` (default): exact where the source has a timeline or an exact call tree, else
   * reconstructed. `call-graph`: reconstructed from the call graph even when exact data
   * exists.
   */
  from?: 'auto' | 'call-graph';
}

/** Where stacks come from. */
export type StacksOrigin = 'timeline' | 'call-tree' | 'reconstructed';

/** Time placed by something other than a recorded number (reconstructed stacks; 0 otherwise). */
export interface StacksPlacement {
  /** Under budget frames: what the frame or depth budget cut, kept on its branch. */
  readonly budget: number;
  /** Moved by the context rule (decision 0017) away from the recorded proportions. */
  readonly contextRule: number;
  /** On recursion levels no recorded time covers (nested traversals of a recursive pair). */
  readonly recursion: number;
  /** Own time of functions whose callers' shares were estimated from call counts (the `profile` module). */
  readonly estimatedEdges: number;
}

/** A tree of stacks: see the file comment. */
export interface Stacks {
  readonly origin: StacksOrigin;
  /**
   * How outputs name where the stacks come from: `exact call tree`, or `stacks
   * reconstructed from the call graph` (with `; N functions inconsistent` when the
   * consistency check named some). Writers put it in a title, a comment or a name.
   */
  readonly label: string;
  readonly length: number;
  /** Parent node, -1 for a root; parents precede children. */
  readonly parent: Int32Array;
  /** A function of the profile, or `BUDGET_FRAME`. */
  readonly function: Uint32Array;
  /** Weight with this node on top of the stack (seconds, or samples: the profile's cost unit). */
  readonly selfTime: Float64Array;
  /** Times each stack was entered (exact origins only). */
  readonly callCount?: Float64Array;
  /** Sum of the weights. */
  readonly totalTime: number;
  /** Frames a writer writes: the sum of the depths of the nodes with weight. */
  readonly framesWritten: number;
  /** True when the budget (frames or depth) cut something. */
  readonly budgetReached: boolean;
  readonly placement: StacksPlacement;
  /** Functions whose numbers contradict themselves (reconstructed stacks only). */
  readonly inconsistent: readonly InconsistentFunction[];
}

const NONE: StacksPlacement = { budget: 0, contextRule: 0, recursion: 0, estimatedEdges: 0 };

/** Where `deriveStacks` reports (a writer passes its `WriteContext`). */
export interface StacksReport {
  /** Receives `stacks-pruned` and `inconsistent-functions` warnings. */
  readonly sink: DiagnosticSink;
  /** Which profile of the set the messages are about (a thread, a part); default none. */
  readonly label?: string;
}

/**
 * The one call: stacks for `profile` within `need`'s budget (see the file comment). With
 * `report`, the standard warnings go to its sink: `stacks-pruned` when the budget cut
 * something (with the share of the time under budget frames) and `inconsistent-functions`
 * when the consistency check named functions (the first few, with their reasons).
 */
export function deriveStacks(
  profile: Profile,
  need: StacksNeed = {},
  report?: StacksReport,
): Stacks {
  const stacks = derive(profile, need);
  if (report) reportStacks(profile, stacks, need, report);
  return stacks;
}

function derive(profile: Profile, need: StacksNeed): Stacks {
  if (need.from !== 'call-graph') {
    const exact =
      profile.callTree ?? (profile.timeline ? callTreeFromTimeline(profile.timeline) : undefined);
    if (exact) {
      let total = 0;
      let frames = 0;
      const depth = new Int32Array(exact.length);
      for (let v = 0; v < exact.length; v++) {
        const p = exact.parent[v] as number;
        depth[v] = p < 0 ? 1 : (depth[p] as number) + 1;
        const w = exact.selfTime[v] as number;
        if (w > 0) {
          total += w;
          frames += depth[v] as number;
        }
      }
      return {
        origin: profile.callTree ? 'call-tree' : 'timeline',
        label: 'exact call tree',
        length: exact.length,
        parent: exact.parent,
        function: withBudgetFrame(profile, exact.function),
        selfTime: exact.selfTime,
        callCount: exact.callCount,
        totalTime: total,
        framesWritten: frames,
        budgetReached: false,
        placement: NONE,
        inconsistent: [],
      };
    }
  }
  return reconstructStacks(profile, need);
}

/**
 * An exact tree's functions with the budget frame as `BUDGET_FRAME`: a profile made from
 * stacks (a filtered one, `profileFromStacks`) holds the frame as a row of its own —
 * synthetic, without a file, named `(pruned)` — which writers must draw as their budget
 * frame again, not as a function that happens to share its name.
 */
function withBudgetFrame(profile: Profile, functions: Uint32Array): Uint32Array {
  const fns = profile.functions;
  let row = -1;
  for (let fn = 0; fn < fns.length && row < 0; fn++)
    if (
      functionKind(profile, fn) === 'synthetic' &&
      functionName(profile, fn) === BUDGET_FRAME_NAME &&
      functionFile(profile, fn) === ''
    )
      row = fn;
  return row < 0 ? functions : functions.map((fn) => (fn === row ? BUDGET_FRAME_VALUE : fn));
}

function reconstructStacks(profile: Profile, need: StacksNeed): Stacks {
  const maxFrames = Math.max(1, Math.floor(need.maxFrames ?? DEFAULT_MAX_FRAMES));
  const maxDepth = Math.max(1, Math.min(65_000, Math.floor(need.maxDepth ?? DEFAULT_MAX_DEPTH)));
  const { graph, entries, members, rule, templates, delivered } = stacksModel(
    profile,
    maxFrames,
    maxDepth,
  );
  // Functions whose every context was cut get a leaf each after the expansion. The
  // expansion sets room aside for them (decision 0034), but its estimate of their depth can
  // fall short: then the lightest leaves under budget frames make room (three rounds at
  // most; decision 0029), else the expansion is settled again with the overshoot taken off
  // (twice at most; a later call keeps a shorter prefix of the first one's steps:
  // `stackExpander`).
  let room = maxFrames;
  const expand = stackExpander(graph, entries, templates, rule, delivered, maxDepth);
  let expansion = expand(room);
  let scaled = scaleTree(graph, expansion);
  let frames = scaled.framesWritten;
  for (let round = 0; round < 3 && scaled.framesWritten > maxFrames; round++) {
    // A thousandth more than the overshoot: the placed functions' leaves can move a little
    // deeper when leaves near them go (78 frames of 387 404 on the 100k benchmark), and each
    // round costs a scaling (0.15 s there).
    const over = scaled.framesWritten - maxFrames;
    if (!emptyLightLeaves(graph, expansion, over + Math.ceil(over / 1000))) break;
    scaled = scaleTree(graph, expansion);
  }
  if (scaled.framesWritten > maxFrames)
    for (let retry = 0; retry < 2 && frames > maxFrames && room > 1; retry++) {
      room = Math.max(1, room - Math.ceil(1.1 * (frames - maxFrames)));
      expansion = expand(room);
      scaled = scaleTree(graph, expansion);
      frames = scaled.framesWritten;
    }
  const tree = layOut(scaled);
  let estimatedEdges = 0;
  const estimatedCallee = new Uint8Array(graph.n);
  for (let e = 0; e < graph.m; e++)
    if (graph.estimated[e] === 1) estimatedCallee[graph.callee[e] as number] = 1;
  for (let f = 0; f < graph.n; f++)
    if (estimatedCallee[f] === 1) estimatedEdges += graph.self[f] as number;
  const inconsistent = inconsistentFunctions(graph, entries, members);
  return {
    origin: 'reconstructed',
    label:
      inconsistent.length > 0
        ? `stacks reconstructed from the call graph; ${inconsistent.length} function${inconsistent.length === 1 ? '' : 's'} inconsistent`
        : 'stacks reconstructed from the call graph',
    length: tree.length,
    parent: tree.parent,
    function: tree.function,
    selfTime: tree.selfTime,
    totalTime: tree.totalTime,
    framesWritten: tree.framesWritten,
    budgetReached: expansion.budgetReached,
    placement: {
      budget: tree.budgetTime,
      contextRule: rule.movedTime,
      recursion: expansion.recursionTime,
      estimatedEdges,
    },
    inconsistent,
  };
}

/** What the expansion expands (steps 1–5 of decision 0017), for a budget. */
export function stacksModel(profile: Profile, maxFrames: number, maxDepth: number) {
  const graph = callGraph(profile);
  const members = componentMembers(graph.component, graph.componentCount);
  const entries = findEntries(graph, members);
  const rule = contextRule(graph, entries.rootAmount, entries.rootSelf);
  const flows = cycleFlows(graph, entries.entry, members);
  const templates = buildTemplates(graph, entries, flows, rule, members, {
    maxNodes: Math.min(50_000, Math.max(10_000, Math.floor(maxFrames / 64))),
    maxDepth,
    fitSweeps: 1000,
    // About half a second at most; less for huge graphs, whose cycles are too big to fit well.
    fitSteps: 1.5e8 * Math.min(1, 1e5 / Math.max(1, graph.m)),
  });
  const delivered = balanceFlows(graph, entries, templates, rule, members);
  return { graph, entries, members, rule, templates, delivered };
}

const REASONS: Record<InconsistencyReason, string> = {
  'above-total': "cumulative time above the profile's total",
  'not-own-plus-callees': "cumulative time is not own time plus its callees' under it",
  'callee-contradicts': "its callees' numbers cannot fill its cumulative time",
  'below-parts': 'cumulative time below what its own time and edges put under it',
  'above-parts': 'cumulative time above its own time plus every edge out of it',
  'cycle-unbalanced': 'the time entering its recursion cycle differs from what the cycle holds',
};

/** How many inconsistent functions a warning names. */
const NAMED = 5;

function describeFunction(profile: Profile, fn: number): string {
  const file = functionKind(profile, fn) === 'python' ? functionFile(profile, fn) : '';
  const line = profile.functions.line[fn] as number;
  return file === '' ? functionName(profile, fn) : `${functionName(profile, fn)} (${file}:${line})`;
}

function reportStacks(
  profile: Profile,
  stacks: Stacks,
  need: StacksNeed,
  report: StacksReport,
): void {
  const prefix = report.label ? `${report.label}: ` : '';
  const unit = costUnitOf(profile) === 'samples' ? ' samples' : ' s';
  if (stacks.budgetReached && stacks.placement.budget > 0) {
    const share = stacks.totalTime > 0 ? (100 * stacks.placement.budget) / stacks.totalTime : 0;
    report.sink.warn({
      code: 'stacks-pruned',
      message: `${prefix}the stacks need more than ${need.maxFrames ?? DEFAULT_MAX_FRAMES} frames or ${need.maxDepth ?? DEFAULT_MAX_DEPTH} levels; ${share.toPrecision(3)}% of the time (${stacks.placement.budget.toPrecision(6)}${unit}) sits under "${BUDGET_FRAME_NAME}" frames on the branches where it was cut, still on the right functions`,
    });
  }
  const bad = stacks.inconsistent;
  if (bad.length > 0) {
    const named = bad
      .slice()
      .sort((a, b) => b.cumulative - a.cumulative || a.function - b.function)
      .slice(0, NAMED)
      .map((x) => `${describeFunction(profile, x.function)}: ${REASONS[x.reason]}`);
    report.sink.warn({
      code: 'inconsistent-functions',
      message: `${prefix}the numbers of ${bad.length} function${bad.length === 1 ? '' : 's'} contradict themselves, so no stacks can keep their cumulative time: ${named.join('; ')}${bad.length > NAMED ? `; and ${bad.length - NAMED} more` : ''}`,
    });
  }
}

/** One stack of a walk: its node, its frames root first (valid until the next step), its weight. */
export interface StackSample {
  node: number;
  /** Functions (or `BUDGET_FRAME`) from the root to the node; a view into a reused buffer. */
  frames: Uint32Array;
  weight: number;
}

/**
 * The stacks with weight, in node order, each as its root-first frames — for writers that
 * stream (the current path is kept by depth, `treePaths`; one buffer is reused: copy
 * `frames` to keep it).
 */
export function* stackSamples(stacks: Stacks): Generator<StackSample> {
  let buffer = new Uint32Array(64);
  const sample: StackSample = { node: 0, frames: buffer.subarray(0, 0), weight: 0 };
  for (const { node: v, depth: d, again } of treePaths(stacks.parent)) {
    if (d === buffer.length) {
      const longer = new Uint32Array(2 * d);
      longer.set(buffer);
      buffer = longer;
    }
    buffer[d] = stacks.function[v] as number;
    const weight = stacks.selfTime[v] as number;
    if (again || !(weight > 0) || !Number.isFinite(weight)) continue;
    sample.node = v;
    sample.frames = buffer.subarray(0, d + 1);
    sample.weight = weight;
    yield sample;
  }
}

/** One stack of `stackTexts`: its node, its text, its weight. */
export interface StackText {
  node: number;
  /** `root`, then the frames' texts from the root to the node, joined by the separator. */
  text: string;
  weight: number;
}

/**
 * The stacks with weight, in node order (as `stackSamples`), each as one string: `root`
 * followed by the texts of its frames from the root down, joined by `separator` — for
 * writers of text formats. Each node's text is its parent's text, the separator and its
 * own frame's: one concatenation per node, where a join of each stack's frames copies
 * every frame of every stack (4 million on the 100k-function dump; decision 0031). The
 * texts of the current path are kept by depth (`treePaths`). The object is reused: copy
 * what you keep.
 */
export function* stackTexts(
  stacks: Stacks,
  frame: (fn: number) => string,
  separator: string,
  root = '',
): Generator<StackText> {
  const pathText: string[] = [];
  const out: StackText = { node: 0, text: '', weight: 0 };
  for (const { node: v, depth: d, again } of treePaths(stacks.parent)) {
    const text =
      (d === 0 ? root : `${pathText[d - 1] as string}${separator}`) +
      frame(stacks.function[v] as number);
    pathText[d] = text;
    const weight = stacks.selfTime[v] as number;
    if (again || !(weight > 0) || !Number.isFinite(weight)) continue;
    out.node = v;
    out.text = text;
    out.weight = weight;
    yield out;
  }
}

/** One step of `treePaths` (the object is reused). */
export interface PathStep {
  node: number;
  /** 0 for a root. */
  depth: number;
  /** True for an ancestor entered again to rebuild the path (not a step of its own). */
  again: boolean;
}

/**
 * The nodes of a tree (parents before children) in node order with their depths, for walks
 * that keep something per depth of the current root path — a stack's text made from its
 * parent's (`stackTexts`, the collapsed writer's bytes). A tree laid out depth first is one
 * pass; when a node's parent is not on the current path (exact trees keep the source's
 * order), its ancestors are entered again first, root first, with `again`. When a node
 * comes, the steps at depths 0 to its own are its ancestors and itself.
 */
export function* treePaths(parent: Int32Array): Generator<PathStep> {
  const count = parent.length;
  const depth = new Int32Array(count);
  /** By depth: the node on the current path, which is `pathNode[0 .. length)`. */
  let pathNode = new Int32Array(64).fill(-1);
  let length = 0;
  const step: PathStep = { node: 0, depth: 0, again: false };
  for (let v = 0; v < count; v++) {
    const p = parent[v] as number;
    const d = p < 0 ? 0 : (depth[p] as number) + 1;
    depth[v] = d;
    if (d >= pathNode.length) {
      const longer = new Int32Array(2 * d).fill(-1);
      longer.set(pathNode);
      pathNode = longer;
    }
    if (d > 0 && (d > length || pathNode[d - 1] !== p)) {
      for (let k = p; k >= 0; k = parent[k] as number) pathNode[depth[k] as number] = k;
      step.again = true;
      for (let e = 0; e < d; e++) {
        step.node = pathNode[e] as number;
        step.depth = e;
        yield step;
      }
    }
    pathNode[d] = v;
    length = d + 1;
    step.node = v;
    step.depth = d;
    step.again = false;
    yield step;
  }
}

/** @deprecated The stack budget of `reconstructCallTree`. */
export const DEFAULT_MAX_STACKS = 100_000;
/** @deprecated Use `BUDGET_FRAME`. */
export const PRUNED_FRAME = BUDGET_FRAME_VALUE;

/** @deprecated Options of `reconstructCallTree`; use `deriveStacks` and `StacksNeed`. */
export interface ReconstructOptions {
  /** Read as a frame budget of 32 frames per stack (`maxFrames = 32 × maxStacks`). */
  maxStacks?: number;
  maxDepth?: number;
}

/** @deprecated The shape `reconstructCallTree` returned; `Stacks` holds the same and more. */
export interface ReconstructedCallTree extends CallTree {
  readonly function: Uint32Array;
  readonly callCount: Float64Array;
  readonly totalTime: number;
  readonly prunedTime: number;
  readonly budgetReached: boolean;
  readonly rootFunctions: readonly number[];
}

/**
 * @deprecated The call of decision 0003, kept for code written against it: stacks
 * reconstructed from the call graph (`deriveStacks(profile, { from: 'call-graph' })`) in
 * the old shape. New writers declare `OutputNeeds.stacks` and call `deriveStacks`.
 */
export function reconstructCallTree(
  profile: Profile,
  options: ReconstructOptions = {},
): ReconstructedCallTree {
  const stacks = derive(profile, {
    from: 'call-graph',
    ...(options.maxStacks !== undefined ? { maxFrames: 32 * options.maxStacks } : {}),
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
  });
  const roots: number[] = [];
  for (let v = 0; v < stacks.length; v++)
    if ((stacks.parent[v] as number) < 0) roots.push(stacks.function[v] as number);
  return {
    length: stacks.length,
    parent: stacks.parent,
    function: stacks.function,
    selfTime: stacks.selfTime,
    callCount: new Float64Array(stacks.length).fill(Number.NaN),
    totalTime: stacks.totalTime,
    prunedTime: stacks.placement.budget,
    budgetReached: stacks.budgetReached,
    rootFunctions: roots,
  };
}
