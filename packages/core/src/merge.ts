/**
 * Merging profiles with `pstats.Stats.add` semantics: the same (file, line, name) in two
 * profiles is one function whose counts and times are the sums; callers are merged by
 * key and summed. Unlike pstats, which raises TypeError when a `profile`-module dump
 * (integer callers) meets a cProfile dump (tuple callers), the counts are kept, the edge
 * times that one side lacks stay absent (NaN), and a `mixed-edge-data` warning says so.
 * Line costs and call sites are summed; exact timelines cannot be merged and are dropped
 * with a warning. Profiles recorded with different clocks (CPU time and wall clock: the
 * `profile` module and cProfile, or yappi's two clock types) still merge, but their sums
 * mix things that do not add up: `mixed-clocks` says so. Profiles counted in samples and
 * profiles counted in seconds cannot be added up at all: merging them is an
 * `UNSUPPORTED_FEATURE` error. The merge of sampled profiles is sampled. Warnings go to
 * the `diagnostics` sink given in the options.
 */
import { ProfileBuilder } from './builder.js';
import { float64Column, int32Column, uint32Column } from './columns.js';
import type { DiagnosticReport, DiagnosticSink } from './diagnostics.js';
import { ProfileError } from './errors.js';
import {
  type CostUnit,
  FUNCTION_KINDS,
  type FunctionKind,
  type Profile,
  type ProfileMetadata,
  type ProfileSet,
} from './profile.js';

export interface MergeOptions {
  /**
   * `given` (default): profiles are added in the order given. `pstats`: the order
   * `pstats.Stats(a, b, c)` uses (a, then the rest in reverse), so new functions are
   * listed, and float sums rounded, exactly as Python's would be.
   */
  order?: 'given' | 'pstats';
  label?: string;
  /** Receives the merge's warnings (see the file comment); without it they are dropped. */
  diagnostics?: DiagnosticSink;
}

function hasEdgeTimes(profile: Profile): 'all' | 'none' | 'some' {
  const times = profile.calls.inclusiveTime;
  let present = 0;
  for (let e = 0; e < times.length; e++) if (!Number.isNaN(times[e])) present++;
  if (present === times.length) return 'all';
  return present === 0 ? 'none' : 'some';
}

function mergeMetadata(profiles: readonly Profile[], label: string | undefined): ProfileMetadata {
  const distinct = <K extends keyof ProfileMetadata>(key: K) => [
    ...new Set(profiles.map((p) => p.metadata[key]).filter((v) => v !== undefined)),
  ];
  const one = <K extends keyof ProfileMetadata>(key: K): Partial<ProfileMetadata> => {
    const values = distinct(key);
    return values.length === 1 ? { [key]: values[0] } : {};
  };
  const units = [...new Set(profiles.map((p) => p.metadata.costUnit ?? 'seconds'))];
  if (units.length > 1) {
    const named = (unit: CostUnit) =>
      profiles
        .filter((p) => (p.metadata.costUnit ?? 'seconds') === unit)
        .map((p) => p.metadata.sourceName ?? p.metadata.label ?? p.metadata.format)
        .slice(0, 3)
        .join(', ');
    throw new ProfileError(
      'UNSUPPORTED_FEATURE',
      `cannot merge profiles counted in samples (${named('samples')}) with profiles counted in seconds (${named('seconds')}): their numbers do not add up`,
    );
  }
  const formats = distinct('format') as string[];
  const producers = distinct('producer') as string[];
  return {
    format: formats.join('+') || 'merged',
    ...(producers.length > 0 ? { producer: producers.join('+') } : {}),
    ...one('pythonVersion'),
    ...one('pythonMajor'),
    ...one('timeUnit'),
    ...one('costUnit'),
    ...(profiles.some((p) => p.metadata.sampled) ? { sampled: true } : {}),
    ...one('clock'),
    ...one('command'),
    ...one('executable'),
    ...one('cwd'),
    ...one('platform'),
    ...one('sourceName'),
    ...(label !== undefined ? { label } : {}),
  };
}

/** A profile's name in messages: its file, else its label, else its format. */
function profileName(profile: Profile): string {
  const m = profile.metadata;
  return m.sourceName ?? m.label ?? m.format;
}

/** `a, b and 3 more`: the names of up to three profiles. */
function someNames(profiles: readonly Profile[]): string {
  const names = [...new Set(profiles.map(profileName))];
  return names.length <= 3
    ? names.join(', ')
    : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

const CLOCK_NAMES = { wall: 'wall clock', cpu: 'CPU time' } as const;

/** Warnings for parts whose times do not measure the same thing (see the file comment). */
function unitWarnings(profiles: readonly Profile[]): DiagnosticReport[] {
  const out: DiagnosticReport[] = [];
  const clocks = new Map<'wall' | 'cpu', Profile[]>();
  for (const p of profiles) {
    const clock = p.metadata.clock;
    if (clock !== undefined) clocks.set(clock, [...(clocks.get(clock) ?? []), p]);
  }
  if (clocks.size > 1) {
    const groups = [...clocks].map(([clock, list]) => `${CLOCK_NAMES[clock]} (${someNames(list)})`);
    out.push({
      code: 'mixed-clocks',
      message: `merged profiles recorded with different clocks, ${groups.join(' and ')}: their times are added as if they measured the same thing`,
    });
  }
  return out;
}

/** Merges profiles into one (see the file comment for the rules). */
export function mergeProfiles(profiles: readonly Profile[], options: MergeOptions = {}): Profile {
  if (profiles.length === 0) throw new TypeError('mergeProfiles needs at least one profile');
  if (profiles.length === 1 && options.label === undefined) return profiles[0] as Profile;
  const ordered =
    options.order === 'pstats'
      ? [profiles[0] as Profile, ...profiles.slice(1).reverse()]
      : [...profiles];
  const metadata = mergeMetadata(profiles, options.label);
  const warnings: DiagnosticReport[] = [];
  const builder = new ProfileBuilder(metadata);

  // Only parts with edges say whether edges carry times.
  const edgeKinds = new Set(ordered.filter((p) => p.calls.length > 0).map(hasEdgeTimes));
  if (edgeKinds.has('some') || edgeKinds.size > 1) {
    warnings.push({
      code: 'mixed-edge-data',
      message:
        'merged profiles where some record per-caller times and some only call counts (the profile module): counts are summed, the times that are not known for every part are left absent',
    });
  }
  warnings.push(...unitWarnings(profiles));

  const lineRows = new Map<string, number>();
  const lineFn = uint32Column();
  const lineLine = int32Column();
  const lineSelf = float64Column();
  const lineHits = float64Column();
  const siteIndex = new Map<string, number>();
  const siteCall = uint32Column();
  const siteLine = int32Column();
  const siteCount = float64Column();
  const siteInclusive = float64Column();
  let droppedTimeline = false;
  // The merged lines keep `hitsMeasured` only when every part with lines has it.
  let hitsMeasured = true;

  for (const profile of ordered) {
    const fns = profile.functions;
    const map = new Uint32Array(fns.length);
    for (let i = 0; i < fns.length; i++) {
      const details = fns.details.get(i);
      const fn = builder.addFunction(
        profile.strings[fns.file[i] as number] as string,
        fns.line[i] as number,
        profile.strings[fns.name[i] as number] as string,
        FUNCTION_KINDS[fns.kind[i] as number] as FunctionKind,
        {
          module: profile.strings[fns.module[i] as number] as string,
          ...(details ? { details } : {}),
        },
      );
      map[i] = fn;
      builder.addFunctionStats(fn, {
        callCount: fns.callCount[i] as number,
        primitiveCallCount: fns.primitiveCallCount[i] as number,
        selfTime: fns.selfTime[i] as number,
        inclusiveTime: fns.inclusiveTime[i] as number,
      });
    }
    const calls = profile.calls;
    const callMap = new Uint32Array(calls.length);
    for (let e = 0; e < calls.length; e++) {
      callMap[e] = builder.addCall(
        map[calls.caller[e] as number] as number,
        map[calls.callee[e] as number] as number,
        {
          callCount: calls.callCount[e] as number,
          primitiveCallCount: calls.primitiveCallCount[e] as number,
          selfTime: calls.selfTime[e] as number,
          inclusiveTime: calls.inclusiveTime[e] as number,
        },
      );
    }
    const lines = profile.lines;
    if (lines) {
      hitsMeasured &&= lines.hitsMeasured === true;
      for (let k = 0; k < lines.length; k++) {
        const fn = map[lines.function[k] as number] as number;
        const key = `${fn}:${lines.line[k]}`;
        let row = lineRows.get(key);
        if (row === undefined) {
          row = lineFn.push(fn);
          lineLine.push(lines.line[k] as number);
          lineSelf.push(0);
          lineHits.push(0);
          lineRows.set(key, row);
        }
        lineSelf.add(row, lines.selfTime[k] as number);
        lineHits.add(row, lines.hits[k] as number);
      }
    }
    const sites = profile.callSites;
    if (sites) {
      for (let k = 0; k < sites.length; k++) {
        const call = callMap[sites.call[k] as number] as number;
        const key = `${call}:${sites.line[k]}`;
        let row = siteIndex.get(key);
        if (row === undefined) {
          row = siteCall.push(call);
          siteLine.push(sites.line[k] as number);
          siteCount.push(0);
          siteInclusive.push(0);
          siteIndex.set(key, row);
        }
        siteCount.add(row, sites.callCount[k] as number);
        siteInclusive.add(row, sites.inclusiveTime[k] as number);
      }
    }
    if (profile.timeline || profile.callTree) droppedTimeline = true;
  }
  if (lineFn.length > 0) {
    builder.setLines({
      length: lineFn.length,
      function: lineFn.finish(),
      line: lineLine.finish(),
      selfTime: lineSelf.finish(),
      hits: lineHits.finish(),
      ...(hitsMeasured ? { hitsMeasured } : {}),
    });
  }
  if (siteCall.length > 0) {
    builder.setCallSites({
      length: siteCall.length,
      call: siteCall.finish(),
      line: siteLine.finish(),
      callCount: siteCount.finish(),
      inclusiveTime: siteInclusive.finish(),
    });
  }
  if (droppedTimeline) {
    warnings.push({
      severity: 'info',
      code: 'timeline-dropped',
      message:
        'exact timelines cannot be merged; the merged profile keeps the aggregate call graph only',
    });
  }
  for (const warning of warnings) options.diagnostics?.warn(warning);
  return builder.build();
}

/** A set whose whole is the merge of its parts (the part itself when there is one). */
export function makeProfileSet(parts: readonly Profile[], options: MergeOptions = {}): ProfileSet {
  if (parts.length === 0) throw new TypeError('a profile set needs at least one profile');
  return {
    parts,
    whole:
      parts.length === 1
        ? (parts[0] as Profile)
        : mergeProfiles(parts, { label: 'all threads', ...options }),
  };
}

/** Merges several sets (several input files) into one: parts concatenated, wholes merged. */
export function mergeProfileSets(
  sets: readonly ProfileSet[],
  options: MergeOptions = {},
): ProfileSet {
  if (sets.length === 1) return sets[0] as ProfileSet;
  return {
    parts: sets.flatMap((s) => s.parts),
    whole: mergeProfiles(
      sets.map((s) => s.whole),
      { label: 'merged', ...options },
    ),
  };
}
