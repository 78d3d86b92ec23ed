/**
 * The pstats dict to write, in columns: `{key: (cc, nc, tt, ct, {caller key: value})}`
 * (specs/pstats.md §2), where a caller value is cProfile's `(nc, cc, tt, ct)` — the
 * first two in the opposite order of the entry's — or, for the `profile` module's
 * count-only edges, the plain call count.
 *
 * From a profile (`statsFromProfile`) the keys are its functions, in its order (a pstats
 * input's own dict order), and the callers of each entry are its incoming edges in edge
 * order (the input's callers-dict order). An edge with no primitive count is a count-only
 * edge. Functions without any numbers of their own are not entries, as in their source:
 * a pstats file's callers that have no entry (dangling keys stay caller keys), an lsprof
 * callee without an entry (cProfile's `snapshot_stats` leaves it, and the edges into it,
 * out; warning `dropped-edges`). The `profile` module's root `('profile', 0, 'profiler')`
 * is always an entry, with the int zeros the module gives it.
 */
import type { FunctionDetails, Profile } from '@pyprof/core';

export type CodeObjectDetails = NonNullable<FunctionDetails['codeObject']>;

export interface StatsTable {
  readonly strings: readonly string[];
  /** Keys, by key index: file and name (indices into `strings`), line. */
  readonly keyFile: Uint32Array;
  readonly keyLine: Int32Array;
  readonly keyName: Uint32Array;
  /** Keys whose third item is the `profile` module's code object. */
  readonly keyCode: ReadonlyMap<number, CodeObjectDetails>;
  /** The dict's keys in order. */
  readonly entries: Uint32Array;
  /** Entry numbers by key index. */
  readonly calls: Float64Array;
  readonly primitiveCalls: Float64Array;
  readonly selfTime: Float64Array;
  readonly inclusiveTime: Float64Array;
  /** Callers of key k: edge rows `callerEdges[callerStart[k]]` … `callerEdges[callerStart[k + 1] - 1]`. */
  readonly callerStart: Uint32Array;
  readonly callerEdges: Uint32Array;
  /** Edge columns: caller key, nc, cc (NaN: a count-only edge), tt, ct. */
  readonly edgeCaller: Uint32Array;
  readonly edgeCalls: Float64Array;
  readonly edgePrimitiveCalls: Float64Array;
  readonly edgeSelfTime: Float64Array;
  readonly edgeInclusiveTime: Float64Array;
  /** Edges left out because their callee has no entry. */
  readonly droppedEdges: number;
}

/** True for the `profile` module's root key `('profile', 0, 'profiler')`. */
export function isProfilerRoot(
  strings: readonly string[],
  file: number,
  line: number,
  name: number,
): boolean {
  return line === 0 && strings[file] === 'profile' && strings[name] === 'profiler';
}

/** Groups edge rows by `owner` (callee), keeping their order: a CSR adjacency. */
export function groupEdges(
  keyCount: number,
  owner: Uint32Array,
  keep: (edge: number) => boolean,
): { start: Uint32Array; edges: Uint32Array } {
  const start = new Uint32Array(keyCount + 1);
  let kept = 0;
  for (let e = 0; e < owner.length; e++) {
    if (!keep(e)) continue;
    (start[(owner[e] as number) + 1] as number)++;
    kept++;
  }
  for (let k = 0; k < keyCount; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const fill = start.slice(0, keyCount);
  const edges = new Uint32Array(kept);
  for (let e = 0; e < owner.length; e++) {
    if (!keep(e)) continue;
    const k = owner[e] as number;
    edges[fill[k] as number] = e;
    fill[k] = (fill[k] as number) + 1;
  }
  return { start, edges };
}

/** The stats dict of a profile (see the file comment). */
export function statsFromProfile(profile: Profile): StatsTable {
  const fns = profile.functions;
  const n = fns.length;
  const isEntry = new Uint8Array(n);
  const entries: number[] = [];
  for (let fn = 0; fn < n; fn++) {
    const self = fns.selfTime[fn] as number;
    const inclusive = fns.inclusiveTime[fn] as number;
    const hasNumbers =
      (fns.callCount[fn] as number) !== 0 ||
      (fns.primitiveCallCount[fn] as number) !== 0 ||
      (self !== 0 && !Number.isNaN(self)) ||
      (inclusive !== 0 && !Number.isNaN(inclusive));
    if (
      hasNumbers ||
      isProfilerRoot(
        profile.strings,
        fns.file[fn] as number,
        fns.line[fn] as number,
        fns.name[fn] as number,
      )
    ) {
      isEntry[fn] = 1;
      entries.push(fn);
    }
  }
  const calls = profile.calls;
  const { start, edges } = groupEdges(
    n,
    calls.callee,
    (e) => isEntry[calls.callee[e] as number] === 1,
  );
  const keyCode = new Map<number, CodeObjectDetails>();
  for (const [fn, details] of fns.details)
    if (details.codeObject) keyCode.set(fn, details.codeObject);
  return {
    strings: profile.strings,
    keyFile: fns.file,
    keyLine: fns.line,
    keyName: fns.name,
    keyCode,
    entries: Uint32Array.from(entries),
    calls: fns.callCount,
    primitiveCalls: fns.primitiveCallCount,
    selfTime: fns.selfTime,
    inclusiveTime: fns.inclusiveTime,
    callerStart: start,
    callerEdges: edges,
    edgeCaller: calls.caller,
    edgeCalls: calls.callCount,
    edgePrimitiveCalls: calls.primitiveCallCount,
    edgeSelfTime: calls.selfTime,
    edgeInclusiveTime: calls.inclusiveTime,
    droppedEdges: calls.length - edges.length,
  };
}
