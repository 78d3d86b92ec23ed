/**
 * Comparing two profiles: which function of BASE is which function of NEW, and how much
 * each one's own and cumulative cost changed. Every diff output (`pyprof diff --to text`,
 * `speedscope`, `callgrind`, …) starts from one `ProfileDiff`, so a function has the
 * same match, the same numbers and — through one naming pass over `set.whole` — the same
 * name in all of them (docs/decisions/0024-diff-matching.md).
 *
 * Matching, in this order:
 * 1. the full identity (file, line, name): the same function, unchanged;
 * 2. for the rest, file and name: when exactly one function of BASE and one of NEW are
 *    left with that file and name, they are the same function whose `def` moved (the code
 *    around it changed) — reported as `moved-function` (info);
 * 3. when several are left on both sides (two lambdas of one file whose lines moved), the
 *    match is ambiguous: they are not paired by guesswork but kept apart, as removed from
 *    BASE and new in NEW, and `ambiguous-match` (a warning) names them.
 * A moved function takes NEW's identity on the BASE side (`ProfileDiff.base`), so writers
 * that key functions by identity (speedscope's frames, callgrind's names) see one function.
 * Nothing else about the profiles changes: a moved function's line costs keep their lines.
 *
 * `normalize` scales every cost of BASE (function, call, call-tree, line and call-site
 * times, and the timeline's clock) by NEW's total over BASE's (`totalSelfTime`), so the
 * diff shows shares rather than durations; call counts are not scaled. Profiles counted
 * in different units (samples and seconds) cannot be compared: an `UNSUPPORTED_FEATURE`
 * error. Different clocks (CPU and wall) are compared but warned about (merge's
 * `mixed-clocks`).
 */
import type { DiagnosticSink } from './diagnostics.js';
import { ProfileError } from './errors.js';
import { mergeProfiles } from './merge.js';
import {
  costUnitOf,
  functionFile,
  functionKey,
  functionName,
  functionsInWhole,
  type Profile,
  type ProfileSet,
  totalSelfTime,
} from './profile.js';

/** How many moved functions the `moved-function` note names. */
const MOVED_SHOWN = 5;

/** Which function of BASE is which function of NEW (see the file comment). */
export interface FunctionMatching {
  /** For each NEW function, its BASE function, or -1 (new, or ambiguous). */
  readonly baseOf: Int32Array;
  /** For each BASE function, its NEW function, or -1 (removed, or ambiguous). */
  readonly nextOf: Int32Array;
  /** Pairs matched by file and name whose line differs (BASE index, NEW index). */
  readonly moved: ReadonlyArray<{ readonly base: number; readonly next: number }>;
  /** File-and-name groups left unmatched because several functions remain on both sides. */
  readonly ambiguous: ReadonlyArray<{
    readonly file: string;
    readonly name: string;
    readonly base: readonly number[];
    readonly next: readonly number[];
  }>;
}

/**
 * Function identities as strings, so two profiles' string tables need not agree: the
 * pstats key (`functionKey`), or without the line, for functions whose line moved.
 */
function identityText(profile: Profile, fn: number, withLine: boolean): string {
  return withLine
    ? functionKey(profile, fn)
    : `${functionFile(profile, fn)}\u0000${functionName(profile, fn)}`;
}

/** Matches the functions of two profiles (see the file comment). */
export function matchFunctions(base: Profile, next: Profile): FunctionMatching {
  const baseOf = new Int32Array(next.functions.length).fill(-1);
  const nextOf = new Int32Array(base.functions.length).fill(-1);
  const byIdentity = new Map<string, number>();
  for (let b = 0; b < base.functions.length; b++) byIdentity.set(identityText(base, b, true), b);
  for (let n = 0; n < next.functions.length; n++) {
    const b = byIdentity.get(identityText(next, n, true));
    if (b !== undefined) {
      baseOf[n] = b;
      nextOf[b] = n;
    }
  }
  // What is left, grouped by file and name, in the order functions first appear.
  const groups = new Map<string, { base: number[]; next: number[] }>();
  const group = (key: string) => {
    let found = groups.get(key);
    if (!found) {
      found = { base: [], next: [] };
      groups.set(key, found);
    }
    return found;
  };
  for (let b = 0; b < base.functions.length; b++)
    if (nextOf[b] === -1) group(identityText(base, b, false)).base.push(b);
  for (let n = 0; n < next.functions.length; n++)
    if (baseOf[n] === -1) group(identityText(next, n, false)).next.push(n);
  const moved: Array<{ base: number; next: number }> = [];
  const ambiguous: Array<{ file: string; name: string; base: number[]; next: number[] }> = [];
  for (const left of groups.values()) {
    if (left.base.length === 0 || left.next.length === 0) continue;
    if (left.base.length === 1 && left.next.length === 1) {
      const b = left.base[0] as number;
      const n = left.next[0] as number;
      baseOf[n] = b;
      nextOf[b] = n;
      moved.push({ base: b, next: n });
    } else {
      const n = left.next[0] as number;
      ambiguous.push({
        file: functionFile(next, n),
        name: functionName(next, n),
        base: left.base,
        next: left.next,
      });
    }
  }
  return { baseOf, nextOf, moved, ambiguous };
}

/** One function of the diff: its numbers on each side (0 on a side it is missing from). */
export interface DiffRow {
  /** Its index in `ProfileDiff.set.whole` (and in the names of a naming pass over it). */
  readonly function: number;
  /** Its index in `ProfileDiff.base`, or -1 when it is new. */
  readonly base: number;
  /** Its index in `ProfileDiff.next`, or -1 when it was removed. */
  readonly next: number;
  /** Matched by file and name: the line it had in BASE (NEW's line is the function's). */
  readonly movedFrom?: number;
  /** BASE's own and cumulative cost (normalized when asked), NEW's; NaN = not recorded. */
  readonly baseSelf: number;
  readonly nextSelf: number;
  readonly baseInclusive: number;
  readonly nextInclusive: number;
  readonly baseCalls: number;
  readonly nextCalls: number;
}

export interface DiffOptions {
  /** Scale BASE's costs to NEW's total (see the file comment). */
  readonly normalize?: boolean;
  /** The parts' labels in `set` (default `BASE`, `NEW`). */
  readonly labels?: { readonly base?: string; readonly next?: string };
  /** Receives `moved-function`, `ambiguous-match` and the merge's warnings. */
  readonly diagnostics?: DiagnosticSink;
}

export interface ProfileDiff {
  /** BASE as compared: moved functions under NEW's identity, scaled when normalized. */
  readonly base: Profile;
  readonly next: Profile;
  /**
   * Both as a set, `parts` = [base, next] labelled, `whole` = their merge: the one table of
   * functions writers name (`uniqueFunctionNames(set.whole)`) and draw frames from.
   */
  readonly set: ProfileSet;
  readonly matching: FunctionMatching;
  /** Every function of either side, NEW's in NEW's order, then the removed ones. */
  readonly rows: readonly DiffRow[];
  /** What BASE's costs were multiplied by (1 unless normalized). */
  readonly factor: number;
  /** Total own cost of each side as compared (BASE after scaling). */
  readonly baseTotal: number;
  readonly nextTotal: number;
}

/** A copy of `profile` with every cost multiplied by `factor` (call counts kept). */
function scaleCosts(profile: Profile, factor: number): Profile {
  if (factor === 1) return profile;
  const times = (column: Float64Array): Float64Array => column.map((v) => v * factor);
  const { functions, calls, timeline, callTree, lines, callSites } = profile;
  return {
    ...profile,
    functions: {
      ...functions,
      selfTime: times(functions.selfTime),
      inclusiveTime: times(functions.inclusiveTime),
    },
    calls: { ...calls, selfTime: times(calls.selfTime), inclusiveTime: times(calls.inclusiveTime) },
    ...(timeline ? { timeline: { ...timeline, time: times(timeline.time) } } : {}),
    ...(callTree ? { callTree: { ...callTree, selfTime: times(callTree.selfTime) } } : {}),
    ...(lines ? { lines: { ...lines, selfTime: times(lines.selfTime) } } : {}),
    ...(callSites
      ? { callSites: { ...callSites, inclusiveTime: times(callSites.inclusiveTime) } }
      : {}),
  };
}

/**
 * BASE with its moved functions on NEW's lines. No identity collides: a BASE function
 * already on that line would have matched the NEW function exactly.
 */
function moveLines(base: Profile, next: Profile, matching: FunctionMatching): Profile {
  if (matching.moved.length === 0) return base;
  const line = base.functions.line.slice();
  for (const { base: b, next: n } of matching.moved) line[b] = next.functions.line[n] as number;
  return { ...base, functions: { ...base.functions, line } };
}

function labelled(profile: Profile, label: string): Profile {
  return { ...profile, metadata: { ...profile.metadata, label } };
}

/** Compares BASE with NEW (see the file comment). */
export function diffProfiles(base: Profile, next: Profile, options: DiffOptions = {}): ProfileDiff {
  if (costUnitOf(base) !== costUnitOf(next)) {
    throw new ProfileError(
      'UNSUPPORTED_FEATURE',
      `cannot compare a profile counted in ${costUnitOf(base)} with one counted in ${costUnitOf(next)}`,
    );
  }
  const matching = matchFunctions(base, next);
  const sink = options.diagnostics;
  if (matching.moved.length > 0) {
    const shown = matching.moved
      .slice(0, MOVED_SHOWN)
      .map(
        ({ base: b, next: n }) =>
          `${functionName(next, n)} ${base.functions.line[b]}→${next.functions.line[n]}`,
      );
    const more = matching.moved.length - shown.length;
    sink?.warn({
      severity: 'info',
      code: 'moved-function',
      message: `${matching.moved.length} function${matching.moved.length === 1 ? '' : 's'} matched by file and name because the line moved: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
    });
  }
  for (const group of matching.ambiguous) {
    const lines = (p: Profile, list: readonly number[]) =>
      list.map((f) => p.functions.line[f]).join(', ');
    sink?.warn({
      code: 'ambiguous-match',
      message: `${group.name} (${group.file}) not matched: its lines moved and it is there ${group.base.length} times in BASE (lines ${lines(base, group.base)}) and ${group.next.length} times in NEW (lines ${lines(next, group.next)}); shown as removed and new`,
    });
  }
  const rawBaseTotal = totalSelfTime(base);
  const nextTotal = totalSelfTime(next);
  const factor = options.normalize && rawBaseTotal > 0 ? nextTotal / rawBaseTotal : 1;
  const comparedBase = labelled(
    scaleCosts(moveLines(base, next, matching), factor),
    options.labels?.base ?? 'BASE',
  );
  const comparedNext = labelled(next, options.labels?.next ?? 'NEW');
  // The whole is the table of functions writers name; the parts keep their own call
  // trees, so the merge's note that it cannot merge them is not news here.
  const whole = mergeProfiles([comparedBase, comparedNext], {
    label: 'BASE and NEW',
    ...(sink
      ? { diagnostics: { warn: (d) => (d.code === 'timeline-dropped' ? undefined : sink.warn(d)) } }
      : {}),
  });
  const [baseInWhole, nextInWhole] = functionsInWhole(whole, [comparedBase, comparedNext]) as [
    Int32Array,
    Int32Array,
  ];
  const rows: DiffRow[] = [];
  const bf = comparedBase.functions;
  const nf = comparedNext.functions;
  const row = (b: number, n: number): DiffRow => {
    const movedFrom = b >= 0 && n >= 0 ? (base.functions.line[b] as number) : undefined;
    return {
      function: (n >= 0 ? nextInWhole[n] : baseInWhole[b]) as number,
      base: b,
      next: n,
      ...(movedFrom !== undefined && movedFrom !== (nf.line[n] as number) ? { movedFrom } : {}),
      baseSelf: b >= 0 ? (bf.selfTime[b] as number) : 0,
      nextSelf: n >= 0 ? (nf.selfTime[n] as number) : 0,
      baseInclusive: b >= 0 ? (bf.inclusiveTime[b] as number) : 0,
      nextInclusive: n >= 0 ? (nf.inclusiveTime[n] as number) : 0,
      baseCalls: b >= 0 ? (bf.callCount[b] as number) : 0,
      nextCalls: n >= 0 ? (nf.callCount[n] as number) : 0,
    };
  };
  for (let n = 0; n < nf.length; n++) rows.push(row(matching.baseOf[n] as number, n));
  for (let b = 0; b < bf.length; b++) if (matching.nextOf[b] === -1) rows.push(row(b, -1));
  return {
    base: comparedBase,
    next: comparedNext,
    set: { parts: [comparedBase, comparedNext], whole },
    matching,
    rows,
    factor,
    baseTotal: totalSelfTime(comparedBase),
    nextTotal,
  };
}
