/**
 * The intermediate representation every reader produces and every writer consumes.
 *
 * A `Profile` is call-graph first: one row per distinct Python identity triple
 * (file, line, name) and one row per caller→callee edge, each in columnar typed arrays so
 * that 500k functions and 5M edges fit in about a gigabyte. Strings (file names, function
 * names) are interned once in `strings` and referred to by index. Times are seconds as
 * float64 so pstats values survive bit-exactly — or, for sampled stacks counted in samples
 * (`metadata.costUnit`), sample counts; an absent value (a source that did not record it,
 * such as a call count in sampled data) is NaN — never 0 — and `isAbsent` says so.
 * Optional parts hold what only some sources have: the exact timeline and calling-context
 * tree (hotshot, sampled stacks), line costs and call-site lines. A `ProfileSet` groups the
 * per-thread (or per-file) profiles with their merged whole. Build profiles with
 * `ProfileBuilder`; treat them as immutable afterwards.
 * Any change to this shape bumps `IR_VERSION` and gets an entry in docs/ir-changelog.md.
 */
export const IR_VERSION = 2;

/**
 * What the time columns (self, inclusive, line and call-tree costs) count: seconds, or
 * samples — sampled stacks whose weights are sample counts, not durations.
 */
export type CostUnit = 'seconds' | 'samples';
export const COST_UNITS: readonly CostUnit[] = ['seconds', 'samples'];

/** What a function row stands for. */
export type FunctionKind = 'python' | 'builtin' | 'synthetic';
export const FUNCTION_KINDS: readonly FunctionKind[] = ['python', 'builtin', 'synthetic'];

/** Extra facts about a function that only some rows have. */
export interface FunctionDetails {
  /** Qualified name (Python 3.11+ `co_qualname`, yappi's `Class.method`). */
  qualifiedName?: string;
  /**
   * For the `profile` module's `('profile', 0, <code object>)` entry: the code object's own
   * identity. It is kept apart from the script's real `<module>` entry on purpose.
   */
  codeObject?: {
    file: string;
    line: number;
    name: string;
    qualifiedName?: string;
    /** The code object itself, as marshal bytes a writer can put back (see `CodeObjectMarshal`). */
    marshal?: CodeObjectMarshal;
  };
}

/**
 * The field layouts of marshalled code objects (specs/marshal.md §11.1); one layout is
 * loadable only by the interpreters of its group: 2.x, 3.0–3.7, 3.8–3.10, 3.11+.
 */
export type CodeObjectLayout = '2.x' | '3.0-3.7' | '3.8-3.10' | '3.11+';

/**
 * A code object's marshal bytes, self-contained: as if it were the first object of its
 * own marshal stream. Python 3 data: reference slots numbered from 0 at the code object's
 * own type byte, and objects it shared with the rest of the file written out in place
 * (without the reference flag). Python 2 data: interned strings numbered from 0 in the
 * stream's string table, those it took from the rest of the file written out (`t`) where
 * it first uses them — the bytes 2.7's marshal writes for the code object alone. A writer
 * renumbers the references when it embeds the bytes in its own stream.
 */
export interface CodeObjectMarshal {
  readonly layout: CodeObjectLayout;
  readonly bytes: Uint8Array;
}

/** One row per function identity (file, line, name); columns aligned by function index. */
export interface FunctionTable {
  readonly length: number;
  /** Index into `Profile.strings`. */
  readonly file: Uint32Array;
  readonly line: Int32Array;
  /** Index into `Profile.strings`. */
  readonly name: Uint32Array;
  /** Index into `FUNCTION_KINDS`. */
  readonly kind: Uint8Array;
  /** Derived dotted module name (best effort; '' when unknown), index into `strings`. */
  readonly module: Uint32Array;
  /** All calls (pstats `nc`); NaN = absent (sampled stacks and line_profiler count no calls). */
  readonly callCount: Float64Array;
  /** Calls made while the function was not already active (pstats `cc`); NaN = absent. */
  readonly primitiveCallCount: Float64Array;
  /**
   * Seconds inside the function, excluding sub-calls (pstats `tt`), or samples with the
   * function on top of the stack (`metadata.costUnit`); NaN = absent.
   */
  readonly selfTime: Float64Array;
  /**
   * Seconds (or samples) including sub-calls, counted at the outermost activation (pstats
   * `ct`; in sampled stacks: each stack holding the function counted once); NaN = absent.
   */
  readonly inclusiveTime: Float64Array;
  /** Sparse extras by function index. */
  readonly details: ReadonlyMap<number, FunctionDetails>;
}

/** One row per caller→callee pair, as the source recorded it. */
export interface CallTable {
  readonly length: number;
  readonly caller: Uint32Array;
  readonly callee: Uint32Array;
  /** NaN = absent (sampled stacks). */
  readonly callCount: Float64Array;
  /** NaN = absent (the `profile` module records counts only; sampled stacks none). */
  readonly primitiveCallCount: Float64Array;
  /** Callee's own time under this caller (pstats callers' `tt`); NaN = absent. */
  readonly selfTime: Float64Array;
  /** Callee's inclusive time under this caller, outermost activations (pstats callers' `ct`); NaN = absent. */
  readonly inclusiveTime: Float64Array;
}

/** Exact enter/exit events in order (hotshot). Times are seconds from the start. */
export interface Timeline {
  readonly length: number;
  /** 0 = enter, 1 = exit. */
  readonly kind: Uint8Array;
  readonly function: Uint32Array;
  readonly time: Float64Array;
}

export const TIMELINE_ENTER = 0;
export const TIMELINE_EXIT = 1;

/**
 * An exact calling-context tree: one node per distinct stack (root first). A smaller
 * equivalent of the timeline when only stacks and weights are needed.
 */
export interface CallTree {
  readonly length: number;
  /** Parent node index, -1 for a root. Parents always precede their children. */
  readonly parent: Int32Array;
  readonly function: Uint32Array;
  /** Seconds (or samples, `metadata.costUnit`) with this node on top of the stack. */
  readonly selfTime: Float64Array;
  /** Times this node was entered; NaN = absent (sampled stacks). */
  readonly callCount: Float64Array;
}

/** Self cost per (function, line) where the source has line events. */
export interface LineTable {
  readonly length: number;
  readonly function: Uint32Array;
  readonly line: Int32Array;
  /**
   * Seconds (or samples, `metadata.costUnit`); NaN when the source has line events but no
   * line timings.
   */
  readonly selfTime: Float64Array;
  /**
   * How many times the line was reported executing (in sampled stacks: samples with it on
   * top); NaN = absent.
   */
  readonly hits: Float64Array;
  /**
   * True when the source measured hits as a number in its own right, shown beside the
   * time (line_profiler's "Hits" column): writers with several cost columns give them one
   * (callgrind's second event). Absent when hits are a by-product of line events (hotshot),
   * which writers may leave out. IR 2.
   */
  readonly hitsMeasured?: boolean;
}

/** Where calls happened: one row per (edge, caller line). */
export interface CallSiteTable {
  readonly length: number;
  /** Index into `Profile.calls`. */
  readonly call: Uint32Array;
  /** Line in the caller the calls were made from. */
  readonly line: Int32Array;
  /** NaN = absent (sampled stacks). */
  readonly callCount: Float64Array;
  /** Inclusive seconds (or samples) of these calls (outermost activations); NaN = absent. */
  readonly inclusiveTime: Float64Array;
}

/** Facts about where a profile came from. */
export interface ProfileMetadata {
  /** Input plugin name, e.g. `cprofile`. */
  format: string;
  /** What wrote the data: `cProfile`, `profile`, `yappi`, `hotshot`, `lsprof`, … */
  producer?: string;
  /** Python version as far as known: exact (`2.7.18`) or a range (`3.8–3.10`, `3.x`). */
  pythonVersion?: string;
  /** Major Python version, when known. */
  pythonMajor?: 2 | 3;
  /** How the source measured time, e.g. `wall clock, microseconds`. */
  timeUnit?: string;
  /** What the time columns count; absent means `seconds`. */
  costUnit?: CostUnit;
  /**
   * The numbers are weights of recorded stacks (a sampling profiler, a flame-graph file),
   * not measured calls: call counts are absent, and an inclusive cost counts each stack
   * holding the function (or the caller→callee pair) once.
   */
  sampled?: boolean;
  /**
   * The clock the times come from, where the source says: `wall` (elapsed time, e.g.
   * cProfile's default timer) or `cpu` (processor time, e.g. the `profile` module).
   * Merging profiles of different clocks warns (`merge/mixed-clocks`).
   */
  clock?: 'wall' | 'cpu';
  command?: string;
  executable?: string;
  cwd?: string;
  platform?: string;
  /** Key/value facts in source order (hotshot ADD_INFO). */
  info?: ReadonlyArray<readonly [string, string]>;
  /** Label of this part of a set: a thread, or an input file. */
  label?: string;
  threadId?: string;
  /**
   * True for the process's main thread in a multi-thread profile (what `--thread main`
   * selects, whatever the part's label). A set of one part needs no mark: its only part
   * is its main thread.
   */
  mainThread?: boolean;
  /** The file this profile was read from, when the caller said. */
  sourceName?: string;
}

export interface Profile {
  readonly irVersion: typeof IR_VERSION;
  readonly metadata: ProfileMetadata;
  /** Interned strings; index 0 is always ''. */
  readonly strings: readonly string[];
  readonly functions: FunctionTable;
  readonly calls: CallTable;
  readonly timeline?: Timeline;
  readonly callTree?: CallTree;
  readonly lines?: LineTable;
  readonly callSites?: CallSiteTable;
}

/** Several profiles of one run (one per thread) or of several inputs, plus their whole. */
export interface ProfileSet {
  /** Parts in source order; a single-part set has `whole === parts[0]`. */
  readonly parts: readonly Profile[];
  /** All parts merged (`pstats.Stats.add` semantics). */
  readonly whole: Profile;
}

/** True for NaN, the IR's marker of a value the source did not record. */
export function isAbsent(value: number): boolean {
  return Number.isNaN(value);
}

/** Convenience accessors for one function row. */
export function functionKind(profile: Profile, fn: number): FunctionKind {
  return FUNCTION_KINDS[profile.functions.kind[fn] as number] as FunctionKind;
}

export function functionFile(profile: Profile, fn: number): string {
  return profile.strings[profile.functions.file[fn] as number] as string;
}

export function functionName(profile: Profile, fn: number): string {
  return profile.strings[profile.functions.name[fn] as number] as string;
}

/** A function's pstats identity as one string: file, line and name. */
export function functionKey(profile: Profile, fn: number): string {
  return `${functionFile(profile, fn)}\u0000${profile.functions.line[fn]}\u0000${functionName(profile, fn)}`;
}

/**
 * Each part's functions as functions of the merged profile (`set.whole`, by `functionKey`),
 * so that writers drawing the parts give a function the same name in every part. A
 * function the whole lacks (a set built by hand) gets `missing(part, fn)`, asked once per
 * distinct key across the parts (default -1). The whole itself maps to itself.
 */
export function functionsInWhole(
  whole: Profile,
  parts: readonly Profile[],
  missing: (part: Profile, fn: number) => number = () => -1,
): Int32Array[] {
  let index: Map<string, number> | undefined;
  return parts.map((part) => {
    if (part === whole) return Int32Array.from({ length: whole.functions.length }, (_, k) => k);
    if (index === undefined) {
      index = new Map();
      for (let fn = 0; fn < whole.functions.length; fn++) index.set(functionKey(whole, fn), fn);
    }
    const map = new Int32Array(part.functions.length);
    for (let fn = 0; fn < part.functions.length; fn++) {
      const key = functionKey(part, fn);
      let at = index.get(key);
      if (at === undefined) {
        at = missing(part, fn);
        index.set(key, at);
      }
      map[fn] = at;
    }
    return map;
  });
}

export function functionModule(profile: Profile, fn: number): string {
  return profile.strings[profile.functions.module[fn] as number] as string;
}

/** What the profile's time columns count (`seconds` unless its metadata says samples). */
export function costUnitOf(profile: Profile): CostUnit {
  return profile.metadata.costUnit ?? 'seconds';
}

/** A set with one profile. */
export function singleProfileSet(profile: Profile): ProfileSet {
  return { parts: [profile], whole: profile };
}

/** Sum of self times (pstats `total_tt`), ignoring absent values. */
export function totalSelfTime(profile: Profile): number {
  let total = 0;
  const self = profile.functions.selfTime;
  for (let i = 0; i < self.length; i++) {
    const v = self[i] as number;
    if (!Number.isNaN(v)) total += v;
  }
  return total;
}

/** Sum of call counts (pstats `total_calls`); NaN when some count is absent. */
export function totalCalls(profile: Profile): number {
  let total = 0;
  const calls = profile.functions.callCount;
  for (let i = 0; i < calls.length; i++) total += calls[i] as number;
  return total;
}
