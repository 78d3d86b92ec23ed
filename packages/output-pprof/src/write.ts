/**
 * ProfileSet → pprof (google/pprof `proto/profile.proto`, specs/pprof.md), encoded with
 * `pprof-format` and gzipped with `fflate` (the same bytes in Node and in a browser).
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
 * - **Comparisons** (`pyprof diff --to pprof`, `buildPprofDiff`): NEW's samples and BASE's
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
  singleProfileSet,
  uniqueFunctionNames,
  type WriteContext,
} from '@pyprof/core';
import { gzipSync } from 'fflate';
import {
  Label,
  Line,
  Location,
  Function as PprofFunction,
  Profile as PprofProfile,
  Sample,
  StringTable,
  ValueType,
} from 'pprof-format';
import { BUDGET_FUNCTION, stacksNeed, stacksOf, type WriterStacks } from './stacks.js';

export interface PprofOptions {
  stacks: 'auto' | 'reconstructed';
  'max-frames': number;
  'max-depth': number;
  compression: 'gzip' | 'none';
}

/** The name of the frame that holds what the stacks budget cut. */
export const BUDGET_NAME = BUDGET_FRAME_NAME;

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

/** The label of a part, as speedscope's writer and the CLI name it. */
function partName(profile: Profile, index: number): string {
  const m = profile.metadata;
  if (m.label) return m.label;
  if (m.threadId !== undefined) return `thread ${m.threadId}`;
  return m.sourceName ?? `part ${index + 1}`;
}

/** The sample's labels for one part of several (threads, or input files). */
function labelsOf(profile: Profile, index: number, count: number, strings: StringTable): Label[] {
  const m = profile.metadata;
  const thread = m.threadId !== undefined || m.mainThread === true;
  if (!thread && count <= 1) return [];
  const name = pprofText(partName(profile, index));
  if (!thread) return [new Label({ key: strings.dedup('profile'), str: strings.dedup(name) })];
  const labels = [new Label({ key: strings.dedup('thread name'), str: strings.dedup(name) })];
  const id = m.threadId;
  if (id !== undefined && /^\d{1,15}$/.test(id))
    labels.push(new Label({ key: strings.dedup('thread id'), num: Number(id) }));
  return labels;
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
  labels: Label[];
  /** -1 for a diff's BASE (`-diff_base` negates it), else 1. */
  sign: 1 | -1;
}

/** The sample types, the default last: `calls` where every stack has a count, then time. */
function sampleTypes(whole: Profile, calls: boolean, strings: StringTable): ValueType[] {
  const samplesUnit = costUnitOf(whole) === 'samples';
  const types: ValueType[] = [];
  if (calls)
    types.push(new ValueType({ type: strings.dedup('calls'), unit: strings.dedup('count') }));
  types.push(
    new ValueType({
      type: strings.dedup(samplesUnit ? 'samples' : timeType(whole)),
      unit: strings.dedup(samplesUnit ? 'count' : 'nanoseconds'),
    }),
  );
  return types;
}

/** Nanoseconds per unit of cost (1 for profiles counted in samples). */
function scaleOf(profile: Profile): number {
  return costUnitOf(profile) === 'samples' ? 1 : 1e9;
}

/**
 * Functions, locations and samples of one file, on one table of functions (see the file
 * comment): functions and locations are made when first used.
 */
function assemble(
  table: ReturnType<typeof functionsOf>,
  runs: readonly SampleRun[],
  calls: boolean,
  strings: StringTable,
) {
  const { sources, byPart, budget } = table;
  const functionCount = budget + 1;
  const outputFunction = (part: number, fn: number) =>
    fn === BUDGET_FUNCTION ? budget : ((byPart[part] as Int32Array)[fn] as number);
  const functionId = new Int32Array(functionCount);
  const firstLineLocation = new Int32Array(functionCount);
  const otherLocations = new Map<string, number>();
  const functions: PprofFunction[] = [];
  const locations: Location[] = [];
  const functionOf = (f: number): number => {
    let id = functionId[f] as number;
    if (id !== 0) return id;
    id = functions.length + 1;
    functionId[f] = id;
    if (f === budget) {
      functions.push(new PprofFunction({ id, name: strings.dedup(BUDGET_NAME) }));
      return id;
    }
    const { profile, fn, name } = sources[f] as Source;
    const kind = functionKind(profile, fn);
    let file = '';
    let line = 0;
    if (kind === 'python') {
      file = functionFile(profile, fn);
      line = profile.functions.line[fn] as number;
    } else if (kind === 'synthetic') {
      const code = profile.functions.details.get(fn)?.codeObject;
      if (code) {
        file = code.file;
        line = code.line;
      }
    }
    functions.push(
      new PprofFunction({
        id,
        name: strings.dedup(name),
        filename: file === '' ? 0 : strings.dedup(pprofText(file)),
        startLine: Math.max(line, 0),
      }),
    );
    return id;
  };
  const newLocation = (f: number, line: number): number => {
    const id = locations.length + 1;
    locations.push(
      new Location({
        id,
        address: id,
        line: [new Line({ functionId: functionOf(f), line: Math.max(line, 0) })],
      }),
    );
    return id;
  };
  const firstLines = new Int32Array(functionCount);
  for (let f = 0; f < budget; f++) {
    const { profile, fn } = sources[f] as Source;
    if (functionKind(profile, fn) === 'python')
      firstLines[f] = profile.functions.line[fn] as number;
  }
  const firstLine = (f: number): number => firstLines[f] as number;
  const locationOf = (f: number, line: number): number => {
    if (line === firstLine(f)) {
      let id = firstLineLocation[f] as number;
      if (id === 0) {
        id = newLocation(f, line);
        firstLineLocation[f] = id;
      }
      return id;
    }
    const key = `${f}:${line}`;
    let id = otherLocations.get(key);
    if (id === undefined) {
      id = newLocation(f, line);
      otherLocations.set(key, id);
    }
    return id;
  };

  const sample: Sample[] = [];
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
      const locationIds: number[] = [location];
      for (let k = v; (stacks.parent[k] as number) >= 0; k = stacks.parent[k] as number) {
        let caller = callerLocation[k] as number;
        if (caller === 0) {
          const parent = stacks.parent[k] as number;
          const fn = stacks.function[parent] as number;
          const child = stacks.function[k] as number;
          const f = outputFunction(part, fn);
          let line = firstLine(f);
          if (callLine && fn !== BUDGET_FUNCTION && child !== BUDGET_FUNCTION) {
            const site = callLine.get(`${fn}:${child}`);
            if (site !== undefined) line = site;
          }
          caller = locationOf(f, line);
          callerLocation[k] = caller;
        }
        locationIds.push(caller);
      }
      // 0 - 0 would be -0, which the encoder writes as a (ten-byte) 0.
      const signed = (x: number) => (x === 0 ? 0 : sign * x);
      sample.push(
        new Sample({
          locationId: locationIds,
          value: calls ? [signed(count), signed(value)] : [signed(value)],
          label: labels,
        }),
      );
    }
  }
  return { sample, location: locations, function: functions };
}

/** The profile: sample types (the last is the default), what `assemble` made, comments. */
function pprofProfile(
  sampleType: ValueType[],
  assembled: ReturnType<typeof assemble>,
  strings: StringTable,
  comment: readonly string[],
): PprofProfile {
  return new PprofProfile({
    sampleType,
    ...assembled,
    stringTable: strings,
    comment: comment.map((text) => strings.dedup(pprofText(text))),
    defaultSampleType: (sampleType[sampleType.length - 1] as ValueType).type,
  });
}

/** Builds the pprof profile of a set (see the file comment). */
export function buildPprof(
  set: ProfileSet,
  options: PprofOptions,
  context: WriteContext,
): PprofProfile {
  const whole = set.whole;
  const parts = set.parts.length > 0 ? set.parts : [whole];
  const strings = new StringTable();
  const table = functionsOf(set, parts);
  const need = stacksNeed(options);
  const allStacks = parts.map((part, index) =>
    stacksOf(part, need, context, parts.length > 1 ? partName(part, index) : ''),
  );
  const samplesUnit = costUnitOf(whole) === 'samples';
  const calls = allStacks.length > 0 && allStacks.every(hasExactCounts);
  const sampleType = sampleTypes(whole, calls, strings);
  // Each stack's integer nanoseconds (or samples): core's rounding (see the file comment).
  const values = roundedStackWeights(whole, parts, allStacks, scaleOf(whole));
  const runs = allStacks.map((stacks, part) => ({
    profile: parts[part] as Profile,
    part,
    stacks,
    values: values[part] as Float64Array,
    labels: labelsOf(parts[part] as Profile, part, parts.length, strings),
    sign: 1 as const,
  }));
  const assembled = assemble(table, runs, calls, strings);
  reportLosses(whole, allStacks, calls, assembled.sample.length, context);
  const profile = pprofProfile(
    sampleType,
    assembled,
    strings,
    comments(set, parts, allStacks, calls, context.producer ?? 'pyprof'),
  );
  if (whole.metadata.sampled === true && samplesUnit) {
    const defaultType = sampleType[sampleType.length - 1] as ValueType;
    profile.periodType = new ValueType({ type: defaultType.type, unit: defaultType.unit });
    profile.period = 1;
  }
  return profile;
}

/** The writer's notes on what the file lacks (call counts, samples). */
function reportLosses(
  whole: Profile,
  allStacks: readonly WriterStacks[],
  calls: boolean,
  sampleCount: number,
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
  if (sampleCount === 0)
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
export function buildPprofDiff(
  diff: ProfileDiff,
  options: PprofOptions,
  context: WriteContext,
): PprofProfile {
  const set = diff.set;
  const sides = [diff.base, diff.next];
  const strings = new StringTable();
  const table = functionsOf(set, sides);
  const need = stacksNeed(options);
  const allStacks = sides.map((side, k) => stacksOf(side, need, context, partName(side, k)));
  const calls = allStacks.every(hasExactCounts);
  const sampleType = sampleTypes(set.whole, calls, strings);
  const baseLabel = new Label({ key: strings.dedup('pprof::base'), str: strings.dedup('true') });
  const runs: SampleRun[] = [1, 0].map((part) => {
    const side = sides[part] as Profile;
    const stacks = allStacks[part] as WriterStacks;
    const labels = labelsOf(side, 0, 1, strings);
    return {
      profile: side,
      part,
      stacks,
      values: roundedStackWeights(side, [side], [stacks], scaleOf(side))[0] as Float64Array,
      labels: part === 0 ? [...labels, baseLabel] : labels,
      sign: part === 0 ? -1 : 1,
    };
  });
  const assembled = assemble(table, runs, calls, strings);
  reportLosses(set.whole, allStacks, calls, assembled.sample.length, context);
  const producer = context.producer ?? 'pyprof';
  return pprofProfile(sampleType, assembled, strings, [
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
  ]);
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
  return encoded(buildPprof(set, options, context), options);
}

/** Writes a comparison as pprof (`buildPprofDiff`), gzipped unless asked otherwise. */
export function writePprofDiff(
  diff: ProfileDiff,
  options: PprofOptions,
  context: WriteContext,
): Generator<OutputChunk> {
  return encoded(buildPprofDiff(diff, options, context), options);
}

function* encoded(profile: PprofProfile, options: PprofOptions): Generator<OutputChunk> {
  const encoded = profile.encode();
  const bytes = options.compression === 'none' ? encoded : gzipSync(encoded, { mtime: 0 });
  for (let at = 0; at < bytes.length; at += CHUNK)
    yield bytes.subarray(at, Math.min(bytes.length, at + CHUNK));
}
