/**
 * What Python 2.7's `hotshot.stats.load(log)` makes of a hotshot log, so that the pstats
 * style prints what `load(log).print_stats()` (and `print_callers`, `print_callees`)
 * prints. `load` replays the log's ENTER and EXIT records into the pure-Python `profile`
 * module and returns `pstats.Stats` of the result, which differs from this project's
 * reading of the same log (input-hotshot) in ways that show in every report:
 *
 * - File names go through `os.path.normpath` (POSIX rules: `./work.py` → `work.py`,
 *   `a//b/../c.py` → `a/c.py`), and functions whose normalised keys are equal are one.
 * - The profiler's own root `('profile', 0, 'profiler')` is a row (0 calls, no times) and
 *   the caller of every frame entered with nothing else on the stack.
 * - Callers are counts only (the `profile` module's int callers).
 * - Times are the `profile` module's float sums: each record's elapsed microseconds (LINENO
 *   deltas included) times 1e-6, added frame by frame — not exact sums divided once, so
 *   they can differ in the last bit, which shows where a value sits on a rounding tie of
 *   `%8.3f`. The replay below repeats those float operations in the same order.
 * - Dict orders: the `profile` module's `timings` dict gets each function at its first
 *   call (the root first); `snapshot_stats` copies it into the stats dict by iterating it.
 *   Both are Python 2.7 dicts, so the stats dict's insertion sequence is the iteration
 *   order of `timings` (this profile's function order), and pstats iterates the result.
 *
 * The exact replay needs the log's event timeline (the writer asks readers for up to
 * `HOTSHOT_TIMELINE_LIMIT` events). Without it (a longer log, or a caller that did not ask)
 * the same profile is built from the aggregate numbers: exact sums instead of the float
 * ones, and counts summed where normalised names merge functions (hotshot.stats would also
 * see a recursion between them); warning `hotshot-stats-approximate` says so.
 *
 * Where `hotshot.stats` fails, the data is printed anyway: a log that ends with frames
 * open (AssertionError there) has them closed at the last timestamp by the reader; one
 * started inside a running function is replayed up to the first return of a frame entered
 * before profiling, where hotshot's LogReader stops (a LINENO record before that makes
 * it raise IndexError instead). Windows logs (QueryPerformanceCounter ticks) are printed
 * as hotshot.stats prints them: ticks taken for microseconds.
 */
import {
  type DiagnosticSink,
  FUNCTION_KINDS,
  type FunctionKind,
  type Profile,
  ProfileBuilder,
  TIMELINE_ENTER,
} from '@pyprof/core';
import { Python2Dict } from './python2-dict.js';
import { statsKeyTupleHash } from './stats-order.js';

/** Most timeline events the pstats style asks a hotshot reader to keep (13 bytes each). */
export const HOTSHOT_TIMELINE_LIMIT = 4_000_000;

/** The root `profile.Profile.__init__` makes with `simulate_call('profiler')`. */
const ROOT = { file: 'profile', line: 0, name: 'profiler' } as const;

/** True for a profile read from a hotshot log. */
export function isHotshotProfile(profile: Profile): boolean {
  return profile.metadata.format === 'hotshot';
}

/** Python 2.7's `posixpath.normpath`. */
export function normalisePath(path: string): string {
  if (path === '') return '.';
  let initialSlashes = path.startsWith('/') ? 1 : 0;
  // POSIX keeps exactly two leading slashes; three or more are one.
  if (initialSlashes && path.startsWith('//') && !path.startsWith('///')) initialSlashes = 2;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (
      part !== '..' ||
      (!initialSlashes && parts.length === 0) ||
      (parts.length > 0 && parts[parts.length - 1] === '..')
    )
      parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/');
  return joined || '.';
}

/** The `timings` dict being filled: one entry per normalised key, in first-call order. */
class Timings {
  readonly files: string[] = [];
  readonly lines: number[] = [];
  readonly names: string[] = [];
  readonly kinds: FunctionKind[] = [];
  /** pstats' cc, the `profile` module's nesting count `ns`, tt, ct. */
  readonly primitive: number[] = [];
  readonly nesting: number[] = [];
  readonly self: number[] = [];
  readonly inclusive: number[] = [];
  readonly callers: Array<Map<number, number>> = [];
  readonly #index = new Map<string, number>();

  /** The entry of a key, made (as `timings[fn] = 0, 0, 0, 0, {}`) if new; `isNew` says which. */
  entry(
    file: string,
    line: number,
    name: string,
    kind: FunctionKind,
  ): { key: number; isNew: boolean } {
    const identity = `${file}\u0000${line}\u0000${name}`;
    const known = this.#index.get(identity);
    if (known !== undefined) return { key: known, isNew: false };
    const key = this.files.length;
    this.#index.set(identity, key);
    this.files.push(file);
    this.lines.push(line);
    this.names.push(name);
    this.kinds.push(kind);
    this.primitive.push(0);
    this.nesting.push(0);
    this.self.push(0);
    this.inclusive.push(0);
    this.callers.push(new Map());
    return { key, isNew: true };
  }

  addCaller(callee: number, caller: number, count: number): void {
    const callers = this.callers[callee] as Map<number, number>;
    callers.set(caller, (callers.get(caller) ?? 0) + count);
  }

  /** `snapshot_stats`: the stats profile, its functions in `timings`' iteration order. */
  snapshot(source: Profile): Profile {
    const count = this.files.length;
    const order = Python2Dict.of(
      Array.from({ length: count }, (_, key) => key),
      Array.from({ length: count }, (_, key) =>
        statsKeyTupleHash(
          this.files[key] as string,
          this.lines[key] as number,
          this.names[key] as string,
        ),
      ),
    ).keys();
    const { metadata } = source;
    const builder = new ProfileBuilder({ ...metadata, warnings: [...metadata.warnings] });
    const row = new Int32Array(count);
    for (const key of order) {
      const fn = builder.addFunction(
        this.files[key] as string,
        this.lines[key] as number,
        this.names[key] as string,
        this.kinds[key] as FunctionKind,
      );
      row[key] = fn;
      let calls = 0;
      for (const n of (this.callers[key] as Map<number, number>).values()) calls += n;
      builder.setFunctionStats(fn, {
        callCount: calls,
        primitiveCallCount: this.primitive[key] as number,
        selfTime: this.self[key] as number,
        inclusiveTime: this.inclusive[key] as number,
      });
    }
    for (const key of order) {
      for (const [caller, n] of this.callers[key] as Map<number, number>)
        builder.appendCall(
          row[caller] as number,
          row[key] as number,
          n,
          Number.NaN,
          Number.NaN,
          Number.NaN,
        );
    }
    return builder.build();
  }
}

/** The log's clock rate: hotshot.stats multiplies ticks by 1e-6 whatever they are. */
function ticksPerSecond(profile: Profile): number {
  const frequency = profile.metadata.info?.find(
    ([key]) => key === 'reported-performance-frequency',
  );
  if (frequency) {
    const text = frequency[1].trim();
    const hz = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (hz > 0 && Number.isSafeInteger(hz)) return hz;
  }
  return 1_000_000;
}

function isSynthetic(profile: Profile, fn: number): boolean {
  return FUNCTION_KINDS[profile.functions.kind[fn] as number] === 'synthetic';
}

/**
 * The `timings` entry of each function of the log's profile (by its normalised key),
 * made at its first use; `isNew` is true only for the first use of the key.
 */
function keyMaker(profile: Profile, timings: Timings) {
  const fns = profile.functions;
  const known = new Int32Array(fns.length).fill(-1);
  return (fn: number): { key: number; isNew: boolean } => {
    const key = known[fn] as number;
    if (key >= 0) return { key, isNew: false };
    const made = timings.entry(
      normalisePath(profile.strings[fns.file[fn] as number] as string),
      fns.line[fn] as number,
      profile.strings[fns.name[fn] as number] as string,
      FUNCTION_KINDS[fns.kind[fn] as number] as FunctionKind,
    );
    known[fn] = made.key;
    return made;
  };
}

/** `StatsLoader.load` + `profile.Profile`'s dispatch, event by event, in the same floats. */
function replay(profile: Profile, timeline: NonNullable<Profile['timeline']>): Profile {
  const timings = new Timings();
  const root = timings.entry(ROOT.file, ROOT.line, ROOT.name, 'synthetic').key;
  const keyOf = keyMaker(profile, timings);
  const rate = ticksPerSecond(profile);
  // The profile module's `cur` chain as a stack: (rpt, rit, ret, fn) per frame, root first.
  const started: number[] = [0];
  const own: number[] = [0];
  const children: number[] = [0];
  const keys: number[] = [root];
  let previous = 0;
  for (let k = 0; k < timeline.length; k++) {
    const fn = timeline.function[k] as number;
    const enter = timeline.kind[k] === TIMELINE_ENTER;
    if (isSynthetic(profile, fn)) {
      // A frame entered before profiling: LogReader never saw it start, and stops at its return.
      if (enter) continue;
      break;
    }
    if (!enter && keys.length === 1) break;
    const ticks = Math.round((timeline.time[k] as number) * rate);
    const t = (ticks - previous) * 0.000001;
    previous = ticks;
    if (enter) {
      const { key, isNew } = keyOf(fn);
      if (!isNew) timings.nesting[key] = (timings.nesting[key] as number) + 1;
      started.push(t);
      own.push(0);
      children.push(0);
      keys.push(key);
      continue;
    }
    // trace_dispatch_return
    const rpt = started.pop() as number;
    const rit = (own.pop() as number) + t;
    const frameTotal = rit + (children.pop() as number);
    const key = keys.pop() as number;
    const top = keys.length - 1;
    own[top] = (own[top] as number) + rpt;
    children[top] = (children[top] as number) + frameTotal;
    if (timings.nesting[key] === 0) {
      timings.inclusive[key] = (timings.inclusive[key] as number) + frameTotal;
      timings.primitive[key] = (timings.primitive[key] as number) + 1;
    }
    timings.addCaller(key, keys[top] as number, 1);
    timings.nesting[key] = (timings.nesting[key] as number) - 1;
    timings.self[key] = (timings.self[key] as number) + rit;
  }
  return timings.snapshot(profile);
}

/** The same profile from the aggregate numbers (no timeline): see the file comment. */
function fromAggregates(profile: Profile): Profile {
  const timings = new Timings();
  const root = timings.entry(ROOT.file, ROOT.line, ROOT.name, 'synthetic').key;
  const keyOf = keyMaker(profile, timings);
  const fns = profile.functions;
  const keyOfFunction = new Int32Array(fns.length).fill(-1);
  const topLevelCalls = Float64Array.from(fns.callCount);
  for (let fn = 0; fn < fns.length; fn++) {
    if (isSynthetic(profile, fn)) continue;
    const key = keyOf(fn).key;
    keyOfFunction[fn] = key;
    timings.primitive[key] =
      (timings.primitive[key] as number) + (fns.primitiveCallCount[fn] as number);
    timings.self[key] = (timings.self[key] as number) + (fns.selfTime[fn] as number);
    timings.inclusive[key] = (timings.inclusive[key] as number) + (fns.inclusiveTime[fn] as number);
  }
  const calls = profile.calls;
  for (let edge = 0; edge < calls.length; edge++) {
    const caller = keyOfFunction[calls.caller[edge] as number] as number;
    const calleeFn = calls.callee[edge] as number;
    const callee = keyOfFunction[calleeFn] as number;
    if (caller < 0 || callee < 0) continue;
    const n = calls.callCount[edge] as number;
    timings.addCaller(callee, caller, n);
    topLevelCalls[calleeFn] = (topLevelCalls[calleeFn] as number) - n;
  }
  for (let fn = 0; fn < fns.length; fn++) {
    const key = keyOfFunction[fn] as number;
    if (key >= 0 && (topLevelCalls[fn] as number) > 0)
      timings.addCaller(key, root, topLevelCalls[fn] as number);
  }
  return timings.snapshot(profile);
}

/** The profile `hotshot.stats.load` would give for the log `profile` was read from. */
export function hotshotStats(profile: Profile, context: DiagnosticSink): Profile {
  if (profile.timeline) return replay(profile, profile.timeline);
  context.warn({
    code: 'hotshot-stats-approximate',
    message: `the log's event timeline was not kept (it is kept up to ${HOTSHOT_TIMELINE_LIMIT} events): the pstats report uses the exact sums, which can differ from hotshot.stats in the last digit of a time on a rounding tie`,
  });
  return fromAggregates(profile);
}
