/**
 * ProfileSet → pprof (google/pprof `proto/profile.proto`, specs/pprof.md), encoded as the
 * stacks are walked, byte for byte as `pprof-format` encodes (`encode.ts`), and gzipped by
 * `fflate`'s stream (the same bytes in Node and in a browser).
 *
 * What goes where:
 *
 * - **Samples** are stacks from core (`stacks.ts`): the exact call tree where the source
 *   has one (hotshot, sampled stacks), otherwise stacks reconstructed from the call graph
 *   (pstats, lsprof), which keep every function's own time and — where the profile's
 *   numbers are consistent — its cumulative time. One sample per stack with weight, per
 *   part of the set (thread); a comment says which kind each part has.
 * - **Sample types**: time in integer nanoseconds (`wall` or `cpu` per the profile's
 *   clock, `time` when the source does not say; `samples`/`count` for sampled stacks
 *   counted in samples) is the `default_sample_type`. `calls`/`count` comes first only
 *   where every stack has an exact call count (exact call trees with counts): a
 *   reconstructed stack has no count of its own, so those profiles carry time only and a
 *   comment says why (lossy: the per-function call counts of pstats are not in the file).
 * - **Exact integers.** Seconds become nanoseconds without drift: each function's own time
 *   is rounded once, from a running total over the functions, so every function's flat
 *   time is its own time within 1 ns and the file's total is the profile's total rounded
 *   to the nanosecond; a function's nanoseconds are then spread over its stacks along a
 *   running sum, so they add up to exactly that (core's `roundedStackWeights`, which the
 *   filters use too, so a filtered file holds the integers of the unfiltered one).
 * - **Comparisons** (`pyprof diff --to pprof`, `writePprofDiff`): NEW's samples and BASE's
 *   negated and labelled `pprof::base=true`, as `go tool pprof -diff_base` combines them.
 * - **Functions**: one per function of the merged profile, named by core's naming service
 *   under pprof's identity (the name alone: `go tool pprof -top` merges every function of
 *   the same name), `system_name` left unset so Go never "demangles" `<lambda>` or
 *   `<module>` into `<unknown>`, `filename` and `start_line` for Python functions. Names
 *   and paths that are not valid UTF-8 are written as their display text (a byte that is
 *   not UTF-8 becomes its Latin-1 character, or U+FFFD): protobuf strings are UTF-8 — the
 *   naming keeps them distinct after that.
 * - **Locations**: one per (function, line), with a distinct non-zero address (Perfetto
 *   merges address-0 frames by name); the line is the call-site line where the profile
 *   records exactly one for that caller→callee pair, else the function's first line.
 * - **Threads** of a multi-thread profile: sample labels `thread name` (and `thread id`,
 *   numeric, where the source has one), for `-tagfocus='thread name=…'`. Parts that are
 *   several input files get a `profile` label.
 * - Comments: the source format, producer and Python version, the converter, where the
 *   stacks come from, what a filter kept. `time_nanos` and `duration_nanos` are not
 *   written: no reader records when profiling started or the run's span apart from a
 *   timeline, which the writer does not ask for (holding a hotshot log's timeline costs
 *   memory that grows with the log). Sampled stacks counted in samples get `period_type`
 *   samples/count and `period` 1.
 *
 * Lossy points, each with a warning: the stacks budget (`stacks-pruned`: what it cut sits
 * under `(pruned)` frames), reconstructed stacks for aggregate profiles (`inconsistent-
 * functions` when their numbers contradict themselves) and their call counts, which no
 * stack has (`call-counts-dropped`). No `doc_url` (Perfetto rejects
 * files with it) and no mapping (Go synthesises one).
 */
import {
  BUDGET_FRAME_NAME,
  costUnitOf,
  displayText,
  filterNote,
  functionFile,
  functionKind,
  functionName,
  functionsInWhole,
  type OutputChunk,
  type Profile,
  type ProfileDiff,
  type ProfileSet,
  roundedStackWeights,
  StringIds,
  singleProfileSet,
  uniqueFunctionNames,
  type WriteContext,
} from '@pyprof/core';
import { Gzip } from 'fflate';
import { Profile as PprofProfile } from 'pprof-format';
import { Bytes, label, stringTable, TAG, valueType, varintSize } from './encode.js';
import { BUDGET_FUNCTION, stacksNeed, stacksOf, type WriterStacks } from './stacks.js';

export interface PprofOptions {
  stacks: 'auto' | 'reconstructed';
  'max-frames': number;
  'max-depth': number;
  compression: 'gzip' | 'none';
}

/** The name of the frame that holds what the stacks budget cut. */
export const BUDGET_NAME = BUDGET_FRAME_NAME;

/** Protobuf is handed to gzip (or out) in pieces of about this many bytes. */
const CHUNK = 64 * 1024;

/** A string as a protobuf string can hold it: valid UTF-8 (see the file comment). */
export function pprofText(text: string): string {
  return displayText(text).replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/** One function of the output: a row of some part (normally the merged profile). */
interface Source {
  profile: Profile;
  fn: number;
  name: string;
}

/** The merged profile's functions, named, and each part's functions mapped onto them. */
function functionsOf(set: ProfileSet, parts: readonly Profile[]) {
  const whole = set.whole;
  let names = uniqueFunctionNames(whole, { keySuffix: () => '', reserved: [BUDGET_NAME] });
  // Names that differ only in bytes that are not UTF-8 may meet once written: name again
  // under the written form (rare; the fast rule above covers everything else).
  let written = names.map(pprofText);
  if (new Set(written).size < written.length || written.includes(BUDGET_NAME)) {
    names = uniqueFunctionNames(whole, {
      identity: (name) => pprofText(name),
      reserved: [BUDGET_NAME],
    });
    written = names.map(pprofText);
  }
  const sources: Source[] = [];
  for (let fn = 0; fn < whole.functions.length; fn++)
    sources.push({ profile: whole, fn, name: written[fn] as string });
  // A function the merged profile lacks (a set built by hand): a function of its own.
  const byPart = functionsInWhole(whole, parts, (part, fn) => {
    sources.push({ profile: part, fn, name: pprofText(`${functionName(part, fn)} #part`) });
    return sources.length - 1;
  });
  // The budget frame is the last function.
  const budget = sources.length;
  return { sources, byPart, budget };
}

/** A string table: `''` first, as profile.proto requires. */
function stringIds(): StringIds {
  const strings = new StringIds();
  strings.of('');
  return strings;
}

/** The label of a part, as speedscope's writer and the CLI name it. */
function partName(profile: Profile, index: number): string {
  const m = profile.metadata;
  if (m.label) return m.label;
  if (m.threadId !== undefined) return `thread ${m.threadId}`;
  return m.sourceName ?? `part ${index + 1}`;
}

/** The sample's labels for one part of several (threads, or input files). */
function labelsOf(profile: Profile, index: number, count: number, strings: StringIds): Bytes[] {
  const m = profile.metadata;
  const thread = m.threadId !== undefined || m.mainThread === true;
  if (!thread && count <= 1) return [];
  const name = pprofText(partName(profile, index));
  if (!thread) return [label(strings.of('profile'), { str: strings.of(name) })];
  const labels = [label(strings.of('thread name'), { str: strings.of(name) })];
  const id = m.threadId;
  if (id !== undefined && /^\d{1,15}$/.test(id))
    labels.push(label(strings.of('thread id'), { num: Number(id) }));
  return labels;
}

/** The label fields of every sample of a run. */
function labelFields(labels: readonly Bytes[]): Bytes {
  const out = new Bytes(64);
  for (const one of labels) out.message(TAG.sample.label, one);
  return out;
}

/** The time type's name for the profile's clock. */
function timeType(profile: Profile): string {
  const clock = profile.metadata.clock;
  return clock === 'wall' ? 'wall' : clock === 'cpu' ? 'cpu' : 'time';
}

/** True when every stack of `stacks` has an exact call count. */
function hasExactCounts(stacks: WriterStacks): boolean {
  const counts = stacks.callCount;
  if (stacks.origin === 'reconstructed' || counts === undefined) return false;
  for (let v = 0; v < stacks.length; v++)
    if (!Number.isFinite(counts[v] as number) || (counts[v] as number) < 0) return false;
  return true;
}

/** What one run of samples needs: a part, its stacks, their integers and their labels. */
interface SampleRun {
  profile: Profile;
  /** Its index in the parts the function table maps (`byPart`). */
  part: number;
  stacks: WriterStacks;
  /** Integer weight of each stack node (`roundedStackWeights`). */
  values: Float64Array;
  /** The label fields of each of its samples (`labelFields`). */
  labels: Bytes;
  /** -1 for a diff's BASE (`-diff_base` negates it), else 1. */
  sign: 1 | -1;
}

/** The sample types, the default last: `calls` where every stack has a count, then time. */
function sampleTypes(
  whole: Profile,
  calls: boolean,
  strings: StringIds,
): Array<{ type: number; unit: number }> {
  const samplesUnit = costUnitOf(whole) === 'samples';
  const types: Array<{ type: number; unit: number }> = [];
  if (calls) types.push({ type: strings.of('calls'), unit: strings.of('count') });
  const type = strings.of(samplesUnit ? 'samples' : timeType(whole));
  types.push({ type, unit: strings.of(samplesUnit ? 'count' : 'nanoseconds') });
  return types;
}

/** Nanoseconds per unit of cost (1 for profiles counted in samples). */
function scaleOf(profile: Profile): number {
  return costUnitOf(profile) === 'samples' ? 1 : 1e9;
}

/**
 * A file ready to be written: everything but its samples, locations and functions, which
 * `protobuf` makes as it walks the stacks.
 */
interface Prepared {
  table: ReturnType<typeof functionsOf>;
  runs: readonly SampleRun[];
  calls: boolean;
  strings: StringIds;
  /** The sample types (string ids), the default last. */
  types: ReadonlyArray<{ type: number; unit: number }>;
  /** The comments' text (numbered after the functions' strings, as they were first used). */
  comments: readonly string[];
  /** True to write `period_type` (the default type) and `period` 1: stacks counted in samples. */
  sampled: boolean;
}

/** True when the runs write at least one sample (see `protobuf` for which stacks do). */
function hasSamples(runs: readonly SampleRun[], calls: boolean): boolean {
  for (const { stacks, values } of runs) {
    const counts = stacks.callCount;
    for (let v = 0; v < stacks.length; v++)
      if ((values[v] as number) !== 0 || (calls && (counts?.[v] as number) > 0)) return true;
  }
  return false;
}

/**
 * The encoded profile in pieces (each valid until the next is asked for): sample types,
 * then each sample as it is walked — functions and locations are made when first used
 * and kept encoded — then the locations, functions, string table and the rest
 * (`encode.ts`; the field order is profile.proto's, as `pprof-format` writes it).
 */
function* protobuf(prepared: Prepared): Generator<Uint8Array> {
  const { table, runs, calls, strings, types } = prepared;
  const { sources, byPart, budget } = table;
  const out = new Bytes(2 * CHUNK);
  for (const { type, unit } of types) out.message(TAG.profile.sampleType, valueType(type, unit));
  const defaultType = types[types.length - 1] as { type: number; unit: number };

  const functionCount = budget + 1;
  const outputFunction = (part: number, fn: number) =>
    fn === BUDGET_FUNCTION ? budget : ((byPart[part] as Int32Array)[fn] as number);
  const functionId = new Int32Array(functionCount);
  const firstLineLocation = new Int32Array(functionCount);
  const otherLocations = new Map<string, number>();
  const functions = new Bytes();
  const locations = new Bytes();
  const message = new Bytes(64);
  const line = new Bytes(16);
  let functionTotal = 0;
  let locationTotal = 0;
  const functionOf = (f: number): number => {
    let id = functionId[f] as number;
    if (id !== 0) return id;
    id = ++functionTotal;
    functionId[f] = id;
    message.clear();
    message.field(TAG.function.id, id);
    if (f === budget) {
      message.field(TAG.function.name, strings.of(BUDGET_NAME));
    } else {
      const { profile, fn, name } = sources[f] as Source;
      const kind = functionKind(profile, fn);
      let file = '';
      let first = 0;
      if (kind === 'python') {
        file = functionFile(profile, fn);
        first = profile.functions.line[fn] as number;
      } else if (kind === 'synthetic') {
        const code = profile.functions.details.get(fn)?.codeObject;
        if (code) {
          file = code.file;
          first = code.line;
        }
      }
      message.field(TAG.function.name, strings.of(name));
      message.field(TAG.function.filename, file === '' ? 0 : strings.of(pprofText(file)));
      message.field(TAG.function.startLine, Math.max(first, 0));
    }
    functions.message(TAG.profile.function, message);
    return id;
  };
  const newLocation = (f: number, at: number): number => {
    const id = ++locationTotal;
    line.clear();
    line.field(TAG.line.functionId, functionOf(f));
    line.field(TAG.line.line, Math.max(at, 0));
    message.clear();
    message.field(TAG.location.id, id);
    message.field(TAG.location.address, id);
    message.message(TAG.location.line, line);
    locations.message(TAG.profile.location, message);
    return id;
  };
  const firstLines = new Int32Array(functionCount);
  for (let f = 0; f < budget; f++) {
    const { profile, fn } = sources[f] as Source;
    if (functionKind(profile, fn) === 'python')
      firstLines[f] = profile.functions.line[fn] as number;
  }
  const firstLine = (f: number): number => firstLines[f] as number;
  const locationOf = (f: number, at: number): number => {
    if (at === firstLine(f)) {
      let id = firstLineLocation[f] as number;
      if (id === 0) {
        id = newLocation(f, at);
        firstLineLocation[f] = id;
      }
      return id;
    }
    const key = `${f}:${at}`;
    let id = otherLocations.get(key);
    if (id === undefined) {
      id = newLocation(f, at);
      otherLocations.set(key, id);
    }
    return id;
  };

  let path = new Int32Array(256);
  for (const { profile, part, stacks, values, labels, sign } of runs) {
    const callLine = callSiteLines(profile);
    const counts = stacks.callCount;
    const leafLocation = new Int32Array(stacks.length);
    const callerLocation = new Int32Array(stacks.length);
    for (let v = 0; v < stacks.length; v++) {
      const value = values[v] as number;
      const count = calls ? (counts?.[v] as number) : 0;
      // A stack whose share rounds to no nanosecond (and has no count) shows nothing.
      if (value === 0 && !(count > 0)) continue;
      // Leaf first; a caller's frame shows the line of the call where the profile has it.
      // Each node's location, and its parent's as the caller of it, are looked up once.
      let location = leafLocation[v] as number;
      if (location === 0) {
        const f = outputFunction(part, stacks.function[v] as number);
        location = locationOf(f, firstLine(f));
        leafLocation[v] = location;
      }
      path[0] = location;
      let depth = 1;
      let locationBytes = varintSize(location);
      for (let k = v; (stacks.parent[k] as number) >= 0; k = stacks.parent[k] as number) {
        let caller = callerLocation[k] as number;
        if (caller === 0) {
          const parent = stacks.parent[k] as number;
          const fn = stacks.function[parent] as number;
          const child = stacks.function[k] as number;
          const f = outputFunction(part, fn);
          let at = firstLine(f);
          if (callLine && fn !== BUDGET_FUNCTION && child !== BUDGET_FUNCTION) {
            const site = callLine.get(`${fn}:${child}`);
            if (site !== undefined) at = site;
          }
          caller = locationOf(f, at);
          callerLocation[k] = caller;
        }
        if (depth === path.length) {
          const longer = new Int32Array(2 * depth);
          longer.set(path);
          path = longer;
        }
        path[depth++] = caller;
        locationBytes += varintSize(caller);
      }
      // 0 - 0 would be -0, which the encoder writes as a (ten-byte) 0.
      const time = value === 0 ? 0 : sign * value;
      const calls_ = count === 0 ? 0 : sign * count;
      const valueBytes = calls ? varintSize(calls_) + varintSize(time) : varintSize(time);
      out.byte(TAG.profile.sample);
      out.varint(
        1 +
          varintSize(locationBytes) +
          locationBytes +
          1 +
          varintSize(valueBytes) +
          valueBytes +
          labels.length,
      );
      out.byte(TAG.sample.locationId);
      out.varint(locationBytes);
      for (let k = 0; k < depth; k++) out.varint(path[k] as number);
      out.byte(TAG.sample.value);
      out.varint(valueBytes);
      if (calls) out.varint(calls_);
      out.varint(time);
      out.append(labels.buffer.subarray(0, labels.length));
      if (out.length >= CHUNK) {
        yield out.buffer.subarray(0, out.length);
        out.clear();
      }
    }
  }
  yield out.buffer.subarray(0, out.length);
  out.clear();
  yield locations.buffer.subarray(0, locations.length);
  yield functions.buffer.subarray(0, functions.length);
  const comments = prepared.comments.map((text) => strings.of(pprofText(text)));
  stringTable(strings.texts, out);
  if (prepared.sampled) {
    out.message(TAG.profile.periodType, valueType(defaultType.type, defaultType.unit));
    out.field(TAG.profile.period, 1);
  }
  if (comments.length > 0) {
    out.byte(TAG.profile.comment);
    out.varint(comments.reduce((sum, id) => sum + varintSize(id), 0));
    for (const id of comments) out.varint(id);
  }
  out.field(TAG.profile.defaultSampleType, defaultType.type);
  yield out.buffer.subarray(0, out.length);
}

/** Prepares the pprof file of a set (see the file comment); its warnings go to `context`. */
function prepare(set: ProfileSet, options: PprofOptions, context: WriteContext): Prepared {
  const whole = set.whole;
  const parts = set.parts.length > 0 ? set.parts : [whole];
  const strings = stringIds();
  const table = functionsOf(set, parts);
  const need = stacksNeed(options);
  const allStacks = parts.map((part, index) =>
    stacksOf(part, need, context, parts.length > 1 ? partName(part, index) : ''),
  );
  const samplesUnit = costUnitOf(whole) === 'samples';
  const calls = allStacks.length > 0 && allStacks.every(hasExactCounts);
  const types = sampleTypes(whole, calls, strings);
  // Each stack's integer nanoseconds (or samples): core's rounding (see the file comment).
  const values = roundedStackWeights(whole, parts, allStacks, scaleOf(whole));
  const runs = allStacks.map((stacks, part) => ({
    profile: parts[part] as Profile,
    part,
    stacks,
    values: values[part] as Float64Array,
    labels: labelFields(labelsOf(parts[part] as Profile, part, parts.length, strings)),
    sign: 1 as const,
  }));
  reportLosses(whole, allStacks, calls, hasSamples(runs, calls), context);
  const notes = comments(set, parts, allStacks, calls, context.producer ?? 'pyprof');
  const sampled = whole.metadata.sampled === true && samplesUnit;
  return { table, runs, calls, strings, types, comments: notes, sampled };
}

/**
 * The pprof profile of a set as `pprof-format`'s `Profile` (decoded from the bytes the
 * writer streams), for callers who want to look at or change it before encoding.
 */
export function buildPprof(
  set: ProfileSet,
  options: PprofOptions,
  context: WriteContext,
): PprofProfile {
  return PprofProfile.decode(joined(protobuf(prepare(set, options, context))));
}

/** The pieces in one array. */
function joined(pieces: Iterable<Uint8Array>): Uint8Array {
  const all = new Bytes();
  for (const piece of pieces) all.append(piece);
  return all.buffer.slice(0, all.length);
}

/** The writer's notes on what the file lacks (call counts, samples). */
function reportLosses(
  whole: Profile,
  allStacks: readonly WriterStacks[],
  calls: boolean,
  anySample: boolean,
  context: WriteContext,
): void {
  if (!calls && allStacks.some((stacks) => stacks.origin === 'reconstructed') && countsCalls(whole))
    // Information, not a warning: it is so for every pstats or lsprof input, and --strict
    // must not refuse the format for it.
    context.warn({
      severity: 'info',
      code: 'call-counts-dropped',
      message:
        'the stacks are reconstructed from the call graph and have no call counts of their own, so the file holds time only; the call counts are in --to callgrind, text or pstats',
    });
  if (!anySample)
    context.warn({
      code: 'no-samples',
      message:
        'the profile has no time to show, so the file has no samples (go tool pprof refuses such files: "profile has no samples")',
    });
}

/**
 * The pprof file of a comparison, as `go tool pprof -diff_base=BASE NEW` combines two
 * files (google/pprof `internal/driver/fetch.go`): NEW's samples, then BASE's with every
 * value negated and the label `pprof::base=true` (which makes pprof take BASE's total
 * for percentages and hide the label). Each side's samples are exactly the ones its own
 * file would hold — its stacks, rounded over its own functions (`roundedStackWeights` on
 * the side alone) — so `go tool pprof -top` on this file shows what `-diff_base` shows
 * on the two files, within nothing; only the names are the comparison's, one per
 * function of either side (a moved function is one function). Call counts are a sample
 * type only when both sides have them per stack.
 */
function prepareDiff(diff: ProfileDiff, options: PprofOptions, context: WriteContext): Prepared {
  const set = diff.set;
  const sides = [diff.base, diff.next];
  const strings = stringIds();
  const table = functionsOf(set, sides);
  const need = stacksNeed(options);
  const allStacks = sides.map((side, k) => stacksOf(side, need, context, partName(side, k)));
  const calls = allStacks.every(hasExactCounts);
  const types = sampleTypes(set.whole, calls, strings);
  const baseLabel = label(strings.of('pprof::base'), { str: strings.of('true') });
  const runs: SampleRun[] = [1, 0].map((part) => {
    const side = sides[part] as Profile;
    const stacks = allStacks[part] as WriterStacks;
    const labels = labelsOf(side, 0, 1, strings);
    return {
      profile: side,
      part,
      stacks,
      values: roundedStackWeights(side, [side], [stacks], scaleOf(side))[0] as Float64Array,
      labels: labelFields(part === 0 ? [...labels, baseLabel] : labels),
      sign: part === 0 ? -1 : 1,
    };
  });
  reportLosses(set.whole, allStacks, calls, hasSamples(runs, calls), context);
  const producer = context.producer ?? 'pyprof';
  const comment = [
    `comparison: ${partName(diff.next, 1)} minus ${partName(diff.base, 0)} (BASE's samples negated and labelled pprof::base=true, as go tool pprof -diff_base combines two files)`,
    ...(diff.factor !== 1
      ? [`BASE normalized: its costs are multiplied by ${diff.factor} (NEW's total over BASE's)`]
      : []),
    ...sides.flatMap((side, k) =>
      comments(singleProfileSet(side), [side], [allStacks[k] as WriterStacks], calls, producer)
        .filter((line) => !line.startsWith('converted by'))
        .map((line) => `${k === 0 ? 'BASE' : 'NEW'} ${line}`),
    ),
    `converted by ${producer}`,
  ];
  return { table, runs, calls, strings, types, comments: comment, sampled: false };
}

/** True when the profile recorded call counts (some function has one). */
function countsCalls(profile: Profile): boolean {
  const counts = profile.functions.callCount;
  for (let fn = 0; fn < counts.length; fn++) if ((counts[fn] as number) > 0) return true;
  return false;
}

/** Per caller→callee pair with exactly one recorded call-site line: that line. */
function callSiteLines(profile: Profile): Map<string, number> | undefined {
  const sites = profile.callSites;
  if (!sites || sites.length === 0) return undefined;
  const lines = new Map<string, number>();
  const several = new Set<string>();
  for (let k = 0; k < sites.length; k++) {
    const call = sites.call[k] as number;
    const key = `${profile.calls.caller[call]}:${profile.calls.callee[call]}`;
    const line = sites.line[k] as number;
    const known = lines.get(key);
    if (known === undefined && !several.has(key)) lines.set(key, line);
    else if (known !== line) {
      lines.delete(key);
      several.add(key);
    }
  }
  return lines;
}

/** The file's comments: where the data came from and how the stacks were made. */
function comments(
  set: ProfileSet,
  parts: readonly Profile[],
  stacks: readonly WriterStacks[],
  calls: boolean,
  converter: string,
): string[] {
  const m = set.whole.metadata;
  const out: string[] = [];
  const what = [m.producer ?? m.format];
  if (m.producer && m.producer !== m.format) what.push(`(${m.format} input)`);
  if (m.pythonVersion) what.push(`Python ${m.pythonVersion}`);
  out.push(`source: ${what.join(' ')}`);
  if (m.timeUnit) out.push(`time: ${m.timeUnit}`);
  if (m.command) out.push(`command: ${m.command}`);
  out.push(`converted by ${converter}`);
  stacks.forEach((s, index) => {
    const part = parts[index] as Profile;
    const prefix = parts.length > 1 ? `${partName(part, index)}: ` : '';
    out.push(`${prefix}${s.label}`);
    const filtered = filterNote(part);
    if (filtered !== undefined) out.push(`${prefix}filtered: ${filtered}`);
  });
  if (!calls)
    out.push(
      stacks.some((s) => s.origin === 'reconstructed')
        ? 'no call counts: reconstructed stacks have no count of their own (the profile counts calls per function, not per stack)'
        : 'no call counts: the source recorded none per stack',
    );
  return out;
}

/** Writes a profile set as pprof: the encoded profile, gzipped unless asked otherwise. */
export function writePprof(
  set: ProfileSet,
  options: PprofOptions,
  context: WriteContext,
): Generator<OutputChunk> {
  return encoded(prepare(set, options, context), options);
}

/** Writes a comparison as pprof (`prepareDiff`), gzipped unless asked otherwise. */
export function writePprofDiff(
  diff: ProfileDiff,
  options: PprofOptions,
  context: WriteContext,
): Generator<OutputChunk> {
  return encoded(prepareDiff(diff, options, context), options);
}

/**
 * fflate's compression level: 4 (hash chains of 32, matches cut at 16) rather than its
 * default 6 (128 and 128). On the 100k-function dump's 18.9 MB of protobuf, level 6 took
 * 1.70 s of CPU and level 4 1.17 s, and level 4's file was smaller (7,299,971 against
 * 7,327,589 bytes; medians of 5, alternating); corpus files come out 0.6–2.3% larger
 * (the Breezy `commit` profile: 757,201 against 740,410 bytes). Decision 0031.
 */
const GZIP_LEVEL = 4;

/** The protobuf as it is made, gzipped (fflate's stream, no time stamp) unless asked otherwise. */
function* encoded(prepared: Prepared, options: PprofOptions): Generator<OutputChunk> {
  if (options.compression === 'none') {
    for (const piece of protobuf(prepared)) if (piece.length > 0) yield piece.slice();
    return;
  }
  const ready: Uint8Array[] = [];
  const gzip = new Gzip({ level: GZIP_LEVEL, mtime: 0 }, (chunk) => ready.push(chunk));
  for (const piece of protobuf(prepared)) {
    gzip.push(piece);
    for (const chunk of ready) yield chunk;
    ready.length = 0;
  }
  gzip.push(new Uint8Array(0), true);
  yield* ready;
}
