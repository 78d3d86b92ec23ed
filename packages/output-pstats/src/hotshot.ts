/**
 * Hotshot logs written as `hotshot.stats.load(log)` would hold them (Python 2.7's
 * `hotshot/stats.py`, specs/hotshot.md §7): the log's calls and returns replayed into the
 * pure-Python `profile.Profile` — the same additions in the same order, so every float
 * comes out bit for bit — with its conventions:
 *
 * - keys are `(os.path.normpath(file), first line, name)` (POSIX normpath, as on the
 *   machines these logs are read on; two spellings of one path become one key, as there);
 * - the fake root `('profile', 0, 'profiler')` with `(0, 0, 0, 0, {})` is the caller of
 *   every top-level frame;
 * - callers are plain call counts, an entry's `nc` their sum (`snapshot_stats`);
 * - each event passes `taccum * .000001` seconds, `taccum` being the whole microseconds
 *   since the previous call or return (line events' included).
 *
 * The events are the reader's exact timeline (ticks recovered from its times). Where
 * hotshot.stats fails or stops early — frames left open at the end (AssertionError), an
 * exit before any call (it silently drops the rest) — the reader has already completed the
 * timeline (frames closed at the last time, frames entered before profiling opened at the
 * start), and that complete timeline is what is replayed. Windows logs count
 * QueryPerformanceCounter ticks, which hotshot.stats misreads as microseconds; here they
 * are real seconds, rounded to whole microseconds.
 *
 * Without a timeline (a log longer than `--replay-limit`, or several logs merged), the
 * entries come from the reader's call graph instead, laid out the same way: its counts
 * are hotshot.stats', its times the exact sums of ticks, which can differ from
 * hotshot.stats' running float sums in the last digits (warning `hotshot-not-replayed`).
 */
import {
  functionFile,
  functionName,
  type Profile,
  ProfileBuilder,
  TIMELINE_ENTER,
  withIndex,
} from '@pyprof/core';

/** Python 2.7's `posixpath.normpath`. */
export function normpath(path: string): string {
  if (path === '') return '.';
  let initialSlashes = path.startsWith('/') ? 1 : 0;
  if (initialSlashes && path.startsWith('//') && !path.startsWith('///')) initialSlashes = 2;
  const kept: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (
      part !== '..' ||
      (!initialSlashes && kept.length === 0) ||
      (kept.length > 0 && kept[kept.length - 1] === '..')
    )
      kept.push(part);
    else if (kept.length > 0) kept.pop();
  }
  const joined = '/'.repeat(initialSlashes) + kept.join('/');
  return joined || '.';
}

/** The key builder: the root first, then each function's normalized key. */
function keysFor(profile: Profile): { builder: ProfileBuilder; keyOf: Uint32Array; root: number } {
  const builder = new ProfileBuilder({ format: 'hotshot', producer: 'hotshot.stats' });
  const root = builder.addFunction('profile', 0, 'profiler', 'synthetic');
  const fns = profile.functions;
  const keyOf = new Uint32Array(fns.length);
  for (let fn = 0; fn < fns.length; fn++) {
    keyOf[fn] = builder.addFunction(
      normpath(functionFile(profile, fn)),
      fns.line[fn] as number,
      functionName(profile, fn),
    );
  }
  return { builder, keyOf, root };
}

/**
 * Replays the timeline of a hotshot profile through `profile.Profile`'s dispatch
 * functions; returns the stats as a profile (keys as functions, count-only edges).
 */
export function replayHotshot(profile: Profile): Profile {
  const timeline = profile.timeline;
  if (!timeline) throw new TypeError('replayHotshot needs a timeline');
  const { builder, keyOf, root } = keysFor(profile);
  const keys = builder.functionCount;
  // Per key: timings' (cc, ns, tt, ct).
  const cc = new Float64Array(keys);
  const nc = new Float64Array(keys); // snapshot_stats: the sum of the callers' counts
  const ns = new Float64Array(keys);
  const tt = new Float64Array(keys);
  const ct = new Float64Array(keys);
  const created = new Uint8Array(keys);
  created[root] = 1; // Profile.__init__'s simulate_call('profiler')
  // The `cur` chain: (rpt, rit, ret, key) per level; level 0 is the root's.
  let pt = new Float64Array(64);
  let it = new Float64Array(64);
  let et = new Float64Array(64);
  let key = new Uint32Array(64);
  key[0] = root;
  let depth = 0;
  const edge = { callCount: 1, primitiveCallCount: Number.NaN };
  let previousTicks = 0;
  for (let k = 0; k < timeline.length; k++) {
    const ticks = Math.round((timeline.time[k] as number) * 1e6);
    const taccum = ticks > previousTicks ? ticks - previousTicks : 0;
    previousTicks = Math.max(previousTicks, ticks);
    const t = taccum * 0.000001;
    if (timeline.kind[k] === TIMELINE_ENTER) {
      const fn = keyOf[timeline.function[k] as number] as number;
      depth++;
      if (depth >= pt.length) {
        pt = withIndex(pt, depth);
        it = withIndex(it, depth);
        et = withIndex(et, depth);
        key = withIndex(key, depth);
      }
      pt[depth] = t;
      it[depth] = 0;
      et[depth] = 0;
      key[depth] = fn;
      if (created[fn]) ns[fn] = (ns[fn] as number) + 1;
      else created[fn] = 1; // timings[fn] = 0, 0, 0, 0, {}
    } else {
      if (depth === 0) continue; // the reader's timelines are balanced; nothing to return from
      const fn = key[depth] as number;
      const rit = (it[depth] as number) + t;
      const frameTotal = rit + (et[depth] as number);
      const rpt = pt[depth] as number;
      depth--;
      it[depth] = (it[depth] as number) + rpt;
      et[depth] = (et[depth] as number) + frameTotal;
      if (!ns[fn]) {
        ct[fn] = (ct[fn] as number) + frameTotal;
        cc[fn] = (cc[fn] as number) + 1;
      }
      builder.addCall(key[depth] as number, fn, edge);
      nc[fn] = (nc[fn] as number) + 1;
      ns[fn] = (ns[fn] as number) - 1;
      tt[fn] = (tt[fn] as number) + rit;
    }
  }
  for (let k = 0; k < keys; k++) {
    builder.setFunctionStats(k, {
      callCount: nc[k] as number,
      primitiveCallCount: cc[k] as number,
      selfTime: tt[k] as number,
      inclusiveTime: ct[k] as number,
    });
  }
  return builder.build();
}

/**
 * The same layout from a hotshot profile's call graph (no timeline): normalized keys
 * (numbers of keys that normalize alike summed), count-only edges, the root as the
 * caller of each function's calls that no edge accounts for.
 */
export function hotshotFromCallGraph(profile: Profile): Profile {
  const { builder, keyOf, root } = keysFor(profile);
  const fns = profile.functions;
  const incoming = new Float64Array(fns.length);
  const calls = profile.calls;
  for (let e = 0; e < calls.length; e++) {
    const callee = calls.callee[e] as number;
    incoming[callee] = (incoming[callee] as number) + (calls.callCount[e] as number);
  }
  const edge = { callCount: 0, primitiveCallCount: Number.NaN };
  for (let fn = 0; fn < fns.length; fn++) {
    const key = keyOf[fn] as number;
    const top = (fns.callCount[fn] as number) - (incoming[fn] as number);
    // nc: the callers' counts, the root's included.
    builder.addFunctionNumbers(
      key,
      (incoming[fn] as number) + Math.max(0, top),
      fns.primitiveCallCount[fn] as number,
      fns.selfTime[fn] as number,
      fns.inclusiveTime[fn] as number,
    );
    if (top > 0) {
      edge.callCount = top;
      builder.addCall(root, key, edge);
    }
  }
  for (let e = 0; e < calls.length; e++) {
    edge.callCount = calls.callCount[e] as number;
    builder.addCall(
      keyOf[calls.caller[e] as number] as number,
      keyOf[calls.callee[e] as number] as number,
      edge,
    );
  }
  return builder.build();
}
