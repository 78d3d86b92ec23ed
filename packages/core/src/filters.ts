/**
 * Filters on stacks, with the semantics of Go's pprof (`profile/filter.go`,
 * `internal/driver/driver_focus.go`; specs/pprof.md §4), as a `Transform` for core's
 * pipeline, so every output and every library user gets them:
 *
 * - a pattern is tested on its own against a function's name and against its file path
 *   (never `file:line(name)`), unanchored; the name is the recorded one and also the
 *   naming service's name unique by the name alone (`decorated:31`, `pkg_a.util.run`),
 *   which is what the pprof writer puts in `Function.name` (decision 0022);
 * - `focus` keeps the stacks that hold at least one matching function, `ignore` drops the
 *   stacks that hold any (a function matching both counts as ignored), both decided on the
 *   original stacks;
 * - then `hide` removes matching frames: a hidden frame's own time goes to its nearest
 *   visible caller, and a stack left without frames is dropped;
 * - then `showFrom` starts each stack at its match nearest the root and drops the stacks
 *   without one.
 * Presets and pruning are hides by a predicate: `hideStdlib` (files in the interpreter's
 * library directories as the profile records them — `…/lib/pythonX.Y/…` outside
 * site-packages, `…\Lib\…`, `<frozen …>`), `hideProfiler` (`exec`, `runpy`, the profilers'
 * own frames) and `pruneBelow` (functions whose cumulative share of the total, on the
 * stacks before filtering, is below the fraction).
 *
 * Filters work on the stacks the unfiltered writer would draw: `deriveStacks` with the
 * output's own budget — exact where the source has stacks, reconstructed from the call
 * graph otherwise (and the result says so) — in the integer nanoseconds (or samples) the
 * pprof writer gives them (`integerStacks`), so filtered numbers are `go tool pprof`'s.
 * The filtered profile is the profile of the kept stacks: its functions' own and
 * cumulative times, its caller→callee edges and its exact call tree all come from those
 * stacks (each stack counted once per function and per pair, as for sampled stacks), so
 * stack writers, tables and callgrind agree.
 * What is lost: call counts (a filtered stack has no count of its own: absent, and the
 * profile is marked `sampled`), line costs and call sites (stacks do not carry lines).
 * What was kept, dropped and hidden is reported as a `filtered` note (info) and recorded
 * in the profile's `info` facts, so nothing disappears silently.
 *
 * Patterns are JavaScript regular expressions (`u` flag). For the constructs pprof's
 * documentation shows — literals, `.`, `\.`, classes, `|`, groups, `^`/`$`, `*`/`+`/`?`,
 * `{n,m}` — they behave as Go's RE2. Go's leading `(?i)` is taken as the `i` flag and
 * `(?P<name>…)` as `(?<name>…)`. What differs: RE2's POSIX classes (`[[:alpha:]]`),
 * `\Q…\E` and `\z` are not JavaScript syntax (an error or a different meaning), and
 * JavaScript accepts lookaround and backreferences, which RE2 rejects.
 */
import { ProfileBuilder } from './builder.js';
import { defineTransform, type Transform, type TransformContext } from './convert.js';
import type { DiagnosticSink } from './diagnostics.js';
import { invalidOption } from './errors.js';
import { uniqueFunctionNames } from './naming.js';
import {
  type CallTree,
  costUnitOf,
  FUNCTION_KINDS,
  type FunctionKind,
  type Profile,
  type ProfileSet,
} from './profile.js';
import { roundedStackWeights } from './rounding.js';
import { BUDGET_FRAME, deriveStacks, type Stacks, type StacksNeed } from './stacks.js';

/** Which functions a filter concerns: a row of the profile → true. */
export type FunctionPredicate = (profile: Profile, fn: number) => boolean;

export interface StackFilters {
  /** Keep stacks holding a matching function. */
  readonly focus?: FunctionPredicate;
  /** Drop stacks holding a matching function. */
  readonly ignore?: FunctionPredicate;
  /** Remove matching frames (several predicates: any). */
  readonly hide?: readonly FunctionPredicate[];
  /** Start stacks at the rootmost match; drop stacks without one. */
  readonly showFrom?: FunctionPredicate;
  /** Hide functions whose cumulative share of the total is below this fraction (0–1). */
  readonly pruneBelow?: number;
  /** How the filters are described in notes and metadata, e.g. `--focus tax`. */
  readonly description?: string;
}

/** What a filter did, in the profile's cost unit. */
export interface FilterSummary {
  readonly total: number;
  readonly kept: number;
  /** Dropped by focus / ignore. */
  readonly droppedByFocus: number;
  /** Dropped because hide left them without frames. */
  readonly droppedByHide: number;
  /** Dropped by show-from (no match). */
  readonly droppedByShowFrom: number;
  /** Own time of hidden frames given to a visible caller (kept). */
  readonly movedByHide: number;
  readonly stacksLabel: string;
}

/**
 * A pattern as a predicate on a function's name and on its file path, each on its own
 * (see the file comment for the syntax). An invalid pattern is an `INVALID_OPTION` error
 * naming `option`.
 */
export function patternPredicate(pattern: string, option = 'focus'): FunctionPredicate {
  let source = pattern;
  let flags = 'u';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1] as string)
      if ((f === 'i' || f === 's') && !flags.includes(f)) flags += f;
  }
  source = source.replace(/\(\?P</g, '(?<');
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (error) {
    throw invalidOption(
      option,
      `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`,
    );
  }
  return cachedPerProfile((profile, fn) => {
    const name = profile.strings[profile.functions.name[fn] as number] as string;
    const file = profile.strings[profile.functions.file[fn] as number] as string;
    if (re.test(name) || re.test(file)) return true;
    const shown = displayNames(profile)[fn] as string;
    return shown !== name && re.test(shown);
  });
}

const namesOf = new WeakMap<Profile, string[]>();

/**
 * The names pprof's `Function.name` holds (decision 0022): the naming service's, unique by
 * the name alone (`decorated:31`, `pkg_a.util.run`), worked out once per profile.
 */
function displayNames(profile: Profile): string[] {
  let names = namesOf.get(profile);
  if (!names) {
    names = uniqueFunctionNames(profile, { keySuffix: () => '' });
    namesOf.set(profile, names);
  }
  return names;
}

/** A predicate worked out once per function of each profile. */
function cachedPerProfile(test: FunctionPredicate): FunctionPredicate {
  const cache = new WeakMap<Profile, Int8Array>();
  return (profile, fn) => {
    let known = cache.get(profile);
    if (!known) {
      known = new Int8Array(profile.functions.length);
      cache.set(profile, known);
    }
    let value = known[fn] as number;
    if (value === 0) {
      value = test(profile, fn) ? 1 : -1;
      known[fn] = value;
    }
    return value === 1;
  };
}

/** Library directories of CPython as profiles record them (POSIX, Windows, frozen modules). */
const STDLIB_FILE =
  /(?:^|[\\/])lib(?:64)?[\\/]python\d+(?:\.\d+)?t?[\\/](?!(?:site|dist)-packages[\\/])|(?:^|[\\/])Lib[\\/](?!site-packages[\\/])|^<frozen [^>]*>$/;

/** `--hide-stdlib`: functions defined in the interpreter's library directories. */
export const isStdlibFunction: FunctionPredicate = cachedPerProfile((profile, fn) =>
  STDLIB_FILE.test(profile.strings[profile.functions.file[fn] as number] as string),
);

/** The profilers' own files and the frames they run the program through. */
const PROFILER_FILE = /(?:^|[\\/])(?:cProfile|profile|runpy|pstats|_lsprof|hotshot[\\/]\w+)\.py$/;
const PROFILER_NAME =
  /^(?:<built-in method (?:builtins\.)?exec>|<built-in function exec>|<method 'disable' of '_lsprof\.Profiler' objects>|<method 'enable' of '_lsprof\.Profiler' objects>|exec|execfile|profiler|\(profiler\))$/;

/**
 * `--hide-profiler`: `exec`, `runpy`'s frames and the profilers' own (cProfile, profile,
 * `_lsprof`'s enable/disable, the `profile` module's `profiler` entry).
 */
export const isProfilerFunction: FunctionPredicate = cachedPerProfile((profile, fn) => {
  const file = profile.strings[profile.functions.file[fn] as number] as string;
  const name = profile.strings[profile.functions.name[fn] as number] as string;
  return (
    PROFILER_FILE.test(file) ||
    (PROFILER_NAME.test(name) &&
      (file === '~' ||
        file === 'profile' ||
        file === '' ||
        PROFILER_FILE.test(file) ||
        name.startsWith('<')))
  );
});

/** The filtered stacks as a tree (parents first), with what was dropped. */
interface FilteredTree {
  parent: number[];
  function: number[];
  selfTime: number[];
  summary: Omit<FilterSummary, 'stacksLabel'>;
}

/** Applies the filters to one profile's stacks (see the file comment). */
function filterTree(profile: Profile, stacks: Stacks, filters: StackFilters): FilteredTree {
  const n = stacks.length;
  const matches = (predicate: FunctionPredicate | undefined, fn: number) =>
    predicate !== undefined && fn !== BUDGET_FRAME && predicate(profile, fn);
  // Cumulative weight per function on the unfiltered stacks (each stack counted once).
  let pruned: Uint8Array | undefined;
  if (filters.pruneBelow !== undefined && filters.pruneBelow > 0) {
    const subtree = Float64Array.from(stacks.selfTime);
    for (let v = n - 1; v >= 0; v--) {
      const p = stacks.parent[v] as number;
      if (p >= 0) subtree[p] = (subtree[p] as number) + (subtree[v] as number);
    }
    const inclusive = new Float64Array(profile.functions.length);
    const onPath = new Int32Array(profile.functions.length);
    // Depth-first over the tree (parents precede children; a child's subtree follows it
    // only in reconstructed trees), so outermost occurrences are found with explicit paths.
    const children: number[][] = Array.from({ length: n }, () => []);
    const roots: number[] = [];
    for (let v = 0; v < n; v++) {
      const p = stacks.parent[v] as number;
      if (p >= 0) (children[p] as number[]).push(v);
      else roots.push(v);
    }
    const work: number[] = [];
    for (let k = roots.length - 1; k >= 0; k--) work.push(roots[k] as number);
    while (work.length > 0) {
      const v = work.pop() as number;
      if (v < 0) {
        const fn = stacks.function[~v] as number;
        if (fn !== BUDGET_FRAME) onPath[fn] = (onPath[fn] as number) - 1;
        continue;
      }
      const fn = stacks.function[v] as number;
      if (fn !== BUDGET_FRAME) {
        if (onPath[fn] === 0) inclusive[fn] = (inclusive[fn] as number) + (subtree[v] as number);
        onPath[fn] = (onPath[fn] as number) + 1;
      }
      work.push(~v);
      const list = children[v] as number[];
      for (let k = list.length - 1; k >= 0; k--) work.push(list[k] as number);
    }
    const limit = filters.pruneBelow * stacks.totalTime;
    pruned = new Uint8Array(profile.functions.length);
    for (let fn = 0; fn < pruned.length; fn++)
      pruned[fn] = (inclusive[fn] as number) < limit ? 1 : 0;
  }
  const hidden = (fn: number) =>
    fn !== BUDGET_FRAME &&
    ((pruned !== undefined && pruned[fn] === 1) ||
      (filters.hide ?? []).some((predicate) => predicate(profile, fn)));

  // Per node: focus/ignore seen on the original path; the filtered path's node in the new
  // tree (ROOT: nothing visible yet; NONE: show-from not matched yet).
  const ROOT = -1;
  const NONE = -2;
  const focused = new Uint8Array(n);
  const ignored = new Uint8Array(n);
  const target = new Int32Array(n);
  const out: FilteredTree = {
    parent: [],
    function: [],
    selfTime: [],
    summary: {
      total: 0,
      kept: 0,
      droppedByFocus: 0,
      droppedByHide: 0,
      droppedByShowFrom: 0,
      movedByHide: 0,
    },
  };
  const summary = out.summary as {
    -readonly [K in keyof FilteredTree['summary']]: number;
  };
  const childIndex = new Map<string, number>();
  const child = (parent: number, fn: number): number => {
    const key = `${parent}:${fn}`;
    let node = childIndex.get(key);
    if (node === undefined) {
      node = out.parent.length;
      out.parent.push(parent);
      out.function.push(fn);
      out.selfTime.push(0);
      childIndex.set(key, node);
    }
    return node;
  };
  for (let v = 0; v < n; v++) {
    const p = stacks.parent[v] as number;
    const fn = stacks.function[v] as number;
    focused[v] =
      (p >= 0 && focused[p] === 1) || filters.focus === undefined || matches(filters.focus, fn)
        ? 1
        : 0;
    ignored[v] = (p >= 0 && ignored[p] === 1) || matches(filters.ignore, fn) ? 1 : 0;
    const above = p >= 0 ? (target[p] as number) : filters.showFrom ? NONE : ROOT;
    let here: number;
    if (hidden(fn)) here = above;
    else if (above === NONE) here = matches(filters.showFrom, fn) ? child(ROOT, fn) : NONE;
    else here = child(above, fn);
    target[v] = here;
    const weight = stacks.selfTime[v] as number;
    if (!(weight > 0)) continue;
    summary.total += weight;
    if (focused[v] === 0 || ignored[v] === 1) summary.droppedByFocus += weight;
    else if (here === ROOT) summary.droppedByHide += weight;
    else if (here === NONE) summary.droppedByShowFrom += weight;
    else {
      summary.kept += weight;
      out.selfTime[here] = (out.selfTime[here] as number) + weight;
      if (hidden(fn)) summary.movedByHide += weight;
    }
  }
  return out;
}

/**
 * The profile of a tree of stacks (parents first): own time = weight on top, cumulative =
 * weight of the stacks holding the function, once per stack; edges likewise per pair; the
 * tree itself as the exact call tree. Functions without weight in any stack are left out.
 */
export function profileFromStacks(
  profile: Profile,
  tree: { parent: readonly number[]; function: readonly number[]; selfTime: readonly number[] },
  metadata: Profile['metadata'],
): Profile {
  const n = tree.parent.length;
  const subtree = Float64Array.from(tree.selfTime);
  for (let v = n - 1; v >= 0; v--) {
    const p = tree.parent[v] as number;
    if (p >= 0) subtree[p] = (subtree[p] as number) + (subtree[v] as number);
  }
  const builder = new ProfileBuilder(metadata);
  const fns = profile.functions;
  const local = new Map<number, number>();
  const rowOf = (fn: number): number => {
    let row = local.get(fn);
    if (row === undefined) {
      const kind =
        fn === BUDGET_FRAME
          ? 'synthetic'
          : (FUNCTION_KINDS[fns.kind[fn] as number] as FunctionKind);
      row =
        fn === BUDGET_FRAME
          ? builder.addFunction('', 0, '(pruned)', 'synthetic')
          : builder.addFunction(
              profile.strings[fns.file[fn] as number] as string,
              fns.line[fn] as number,
              profile.strings[fns.name[fn] as number] as string,
              kind,
              {
                module: profile.strings[fns.module[fn] as number] as string,
                ...(fns.details.get(fn) ? { details: fns.details.get(fn) as object } : {}),
              },
            );
      local.set(fn, row);
    }
    return row;
  };
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  for (let v = 0; v < n; v++) {
    if (!((subtree[v] as number) > 0)) continue;
    const p = tree.parent[v] as number;
    if (p >= 0) (children[p] as number[]).push(v);
    else roots.push(v);
  }
  const onPath = new Map<number, number>();
  const pairOnPath = new Map<number, number>();
  const rowPath: number[] = [];
  const treeParent: number[] = [];
  const treeFunction: number[] = [];
  const treeSelf: number[] = [];
  const treeNode = new Int32Array(n);
  const work: number[] = [];
  for (let k = roots.length - 1; k >= 0; k--) work.push(roots[k] as number);
  while (work.length > 0) {
    const v = work.pop() as number;
    if (v < 0) {
      const row = rowPath.pop() as number;
      onPath.set(row, (onPath.get(row) as number) - 1);
      const caller = rowPath[rowPath.length - 1];
      if (caller !== undefined) {
        const edge = builder.findCall(caller, row);
        pairOnPath.set(edge, (pairOnPath.get(edge) as number) - 1);
      }
      continue;
    }
    const row = rowOf(tree.function[v] as number);
    const weight = tree.selfTime[v] as number;
    const sub = subtree[v] as number;
    const outermost = (onPath.get(row) ?? 0) === 0;
    builder.addFunctionNumbers(row, Number.NaN, Number.NaN, weight, outermost ? sub : 0);
    onPath.set(row, (onPath.get(row) ?? 0) + 1);
    const caller = rowPath[rowPath.length - 1];
    if (caller !== undefined) {
      const found = builder.findCall(caller, row);
      const first = found < 0 || (pairOnPath.get(found) ?? 0) === 0;
      const edge = builder.addCall(caller, row, {
        callCount: Number.NaN,
        primitiveCallCount: Number.NaN,
        selfTime: weight,
        inclusiveTime: first ? sub : 0,
      });
      pairOnPath.set(edge, (pairOnPath.get(edge) ?? 0) + 1);
    }
    rowPath.push(row);
    const p = tree.parent[v] as number;
    treeNode[v] = treeParent.length;
    treeParent.push(p >= 0 ? (treeNode[p] as number) : -1);
    treeFunction.push(row);
    treeSelf.push(weight);
    work.push(~v);
    const list = children[v] as number[];
    for (let k = list.length - 1; k >= 0; k--) work.push(list[k] as number);
  }
  const callTree: CallTree = {
    length: treeParent.length,
    parent: Int32Array.from(treeParent),
    function: Uint32Array.from(treeFunction),
    selfTime: Float64Array.from(treeSelf),
    callCount: new Float64Array(treeParent.length).fill(Number.NaN),
  };
  builder.setCallTree(callTree);
  return builder.build();
}

export interface FilterProfileOptions {
  /** The output's stacks budget (`OutputNeeds.stacks`). */
  readonly need?: StacksNeed;
  /** Receives `deriveStacks`' warnings. */
  readonly sink?: DiagnosticSink;
  /** The profile's stacks, when the caller derived them already (with `need`). */
  readonly stacks?: Stacks;
}

/** Filters one profile (see the file comment). */
export function filterProfile(
  profile: Profile,
  filters: StackFilters,
  options: FilterProfileOptions = {},
): { profile: Profile; summary: FilterSummary } {
  const { need = {}, sink } = options;
  const stacks = options.stacks ?? deriveStacks(profile, need, sink ? { sink } : undefined);
  const tree = filterTree(profile, stacks, filters);
  const summary: FilterSummary = { ...tree.summary, stacksLabel: stacks.label };
  const facts: Array<readonly [string, string]> = [
    ...(profile.metadata.info ?? []),
    ['filter', `${filters.description ?? 'filtered'}: ${describeSummary(summary, profile)}`],
  ];
  const filtered = profileFromStacks(profile, tree, {
    ...profile.metadata,
    sampled: true,
    info: facts,
  });
  return { profile: filtered, summary };
}

/**
 * What a filter did to `profile` (`--focus … : kept … of …`), when it was filtered: the
 * `filter` fact of its metadata. Writers put it in a header, comment or name.
 */
export function filterNote(profile: Profile): string | undefined {
  const facts = profile.metadata.info?.filter(([key]) => key === 'filter') ?? [];
  return facts.length > 0 ? facts.map(([, value]) => value).join('; then ') : undefined;
}

function share(part: number, total: number): string {
  return total > 0 ? `${((100 * part) / total).toFixed(1)}%` : '0%';
}

function describeSummary(s: FilterSummary, profile: Profile): string {
  const amount = (value: number) =>
    profile.metadata.costUnit === 'samples'
      ? `${Math.round(value)} samples`
      : `${(value * 1000).toFixed(3)} ms`;
  const dropped = s.droppedByFocus + s.droppedByHide + s.droppedByShowFrom;
  return `kept ${amount(s.kept)} of ${amount(s.total)} (${share(s.kept, s.total)}) on ${s.stacksLabel}; dropped ${share(dropped, s.total)} (focus/ignore ${share(s.droppedByFocus, s.total)}, hide left empty ${share(s.droppedByHide, s.total)}, show-from ${share(s.droppedByShowFrom, s.total)}); ${share(s.movedByHide, s.total)} moved from hidden frames to their callers`;
}

/**
 * The stacks the unfiltered writer would emit, in its integers: pprof's nanoseconds (or
 * samples), rounded by `roundedStackWeights` over the whole set as the pprof writer rounds
 * them, and given back in the profile's unit. Filtering these rather than the exact
 * weights makes a filtered pprof file hold exactly the integers `go tool pprof -focus …`
 * keeps from the unfiltered one (decision 0027).
 */
function integerStacks(whole: Profile, parts: readonly Profile[], stacks: Stacks[]): Stacks[] {
  const scale = costUnitOf(whole) === 'samples' ? 1 : 1e9;
  const values = roundedStackWeights(whole, parts, stacks, scale);
  return stacks.map((s, k) => {
    const selfTime = (values[k] as Float64Array).map((value) => value / scale);
    let totalTime = 0;
    for (const value of selfTime) totalTime += value;
    return { ...s, selfTime, totalTime };
  });
}

/** The filters as a transform for core's pipeline (`convert({ transforms })`). */
export function filterTransform(filters: StackFilters): Transform {
  return defineTransform({
    name: 'filter',
    needs: { callTree: true },
    apply(set: ProfileSet, context: TransformContext): ProfileSet {
      const need = context.needs.stacks ?? {};
      const derive = (profile: Profile) => deriveStacks(profile, need, { sink: context });
      const partStacks = integerStacks(set.whole, set.parts, set.parts.map(derive));
      const parts = set.parts.map((part, k) =>
        filterProfile(part, filters, { need, stacks: partStacks[k] as Stacks }),
      );
      const whole =
        set.whole === set.parts[0] && set.parts.length === 1
          ? (parts[0] as { profile: Profile; summary: FilterSummary })
          : filterProfile(set.whole, filters, {
              need,
              stacks: integerStacks(set.whole, [set.whole], [derive(set.whole)])[0] as Stacks,
            });
      context.warn({
        severity: 'info',
        code: 'filtered',
        message: `${filters.description ?? 'filters'}: ${describeSummary(whole.summary, set.whole)}`,
      });
      return {
        parts: parts.map((p) => p.profile),
        whole: whole.profile,
      };
    },
  });
}
