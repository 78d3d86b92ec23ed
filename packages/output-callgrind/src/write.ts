/**
 * The callgrind writer: a profile's aggregate call graph as a callgrind file that
 * KCachegrind, QCachegrind and callgrind_annotate read the way the profile means it
 * (specs/callgrind.md).
 *
 * - Names come from core's naming service with the identity KCachegrind really uses:
 *   name ‖ basename(file as written in `fl=`) ‖ basename(object) — no `ob=` is written
 *   (docs/decisions/0004-callgrind-objects-and-grouping.md), so the object is empty — and
 *   two closures named `decorated` in one file, or `run` in `pkg_a/util.py` and
 *   `pkg_b/util.py`, stay two functions.
 * - Files and functions are name-compressed: each id is defined (`(N) name`)
 *   the first time it is written and referred to as `(N)` afterwards.
 * - `fl=` comes before `fn=`, and `cfi=` before every `cfn=` (both tools bind files then).
 * - Costs are integers in the chosen unit (see costs.ts for the rounding and the
 *   synthetic `(profiler)` caller); call lines carry the edge's own cumulative time, at
 *   the real call-site lines where the profile has them, else at the caller's first line.
 *   A profile counted in samples (sampled stacks) is written as `events: samples`, and
 *   where call counts were not recorded each `calls=` line says 1 — the header says so.
 * - Line-level self costs where the profile has line timings, and hit counts as a second
 *   event (`events: ns hits`) where the profile measured them (line_profiler's "Hits").
 * - Output is generated as byte chunks of about 64 KiB (sink.ts); nothing holds the whole
 *   file.
 *
 * What is lost: primitive-call counts and per-edge self times (callgrind has no place for
 * them); sub-unit time (rounded, within one unit per cost); a self-arc's cost is kept
 * but KCachegrind leaves it out of inclusive cost, as it should.
 */
import {
  costUnitOf,
  fileBasenameSuffix,
  filterNote,
  isAbsent,
  kcachegrindKey,
  type NameStyle,
  type Profile,
  type ProfileSet,
  sanitizeName,
  uniqueFunctionNames,
  type WriteContext,
} from '@pyprof/core';
import {
  arcCosts,
  arcsByCaller,
  type CostAdjustments,
  CumulativeRounder,
  countOf,
  type EdgeGroups,
  groupEdges,
  MAX_COST,
  scaled,
  shownCount,
  splitByWeights,
} from './costs.js';
import { CallHeads } from './heads.js';
import { ByteSink } from './sink.js';

export type CostUnit = 'ns' | 'us' | 'ms';

export const UNITS: Readonly<Record<CostUnit, { scale: number; long: string }>> = {
  ns: { scale: 1e9, long: 'Time (ns)' },
  us: { scale: 1e6, long: 'Time (us)' },
  ms: { scale: 1e3, long: 'Time (ms)' },
};

/** The event of profiles counted in samples (the `unit` option is for time). */
export const SAMPLES_EVENT = { name: 'samples', scale: 1, long: 'Samples' } as const;

export interface CallgrindOptions {
  unit: CostUnit;
  names: NameStyle;
}

/** Name and file of the synthetic caller of everything the profile recorded no caller for. */
export const PROFILER_NAME = '(profiler)';
export const PROFILER_FILE = '(profiler)';

const CHUNK = 1 << 16;

/** A file name as written in `fl=`: one line, never empty. */
export function writtenFile(file: string): string {
  return file === '' ? '(no file)' : sanitizeName(file);
}

/**
 * File ids by the profile's string index: each distinct written file name gets one id,
 * defined (`(N) name`) the first time it is written and referred to as `(N)` after.
 */
class FileIds {
  readonly #strings: readonly string[];
  readonly #ofString: Int32Array;
  readonly #textOfString: Array<string | undefined>;
  readonly #byText = new Map<string, number>();
  readonly #texts: string[] = [''];
  readonly #defined: boolean[] = [false];

  constructor(strings: readonly string[]) {
    this.#strings = strings;
    this.#ofString = new Int32Array(strings.length);
    this.#textOfString = new Array(strings.length);
  }

  /** The file string `index` as written (without giving it an id). */
  textOfString(index: number): string {
    let text = this.#textOfString[index];
    if (text === undefined) {
      text = writtenFile(this.#strings[index] as string);
      this.#textOfString[index] = text;
    }
    return text;
  }

  /** The id of a written file name. */
  ofText(text: string): number {
    let id = this.#byText.get(text);
    if (id === undefined) {
      id = this.#texts.length;
      this.#byText.set(text, id);
      this.#texts.push(text);
      this.#defined.push(false);
    }
    return id;
  }

  /** The id of the file string `index` of the profile. */
  ofString(index: number): number {
    let id = this.#ofString[index] as number;
    if (id === 0) {
      id = this.ofText(this.textOfString(index));
      this.#ofString[index] = id;
    }
    return id;
  }

  /** True once `(N) name` has been written. */
  defined(id: number): boolean {
    return this.#defined[id] as boolean;
  }

  /** Writes `(N) name` the first time, `(N)` after. */
  write(id: number, sink: ByteSink): void {
    sink.byte(40 /* ( */);
    sink.int(id);
    sink.byte(41 /* ) */);
    if (this.#defined[id]) return;
    this.#defined[id] = true;
    sink.byte(32);
    sink.text(this.#texts[id] as string);
  }
}

/**
 * Self-cost entries (line, exact scaled value, hits) of each function, from line data or
 * `tt`. Hits are the line table's (0 where it has none); they are written only when the
 * profile measured them (`LineTable.hitsMeasured`).
 */
class SelfCosts {
  readonly #profile: Profile;
  readonly #scale: number;
  readonly #adjust: CostAdjustments;
  readonly #lines: EdgeGroups | undefined;
  scaledLines = 0;

  constructor(profile: Profile, scale: number, adjust: CostAdjustments) {
    this.#profile = profile;
    this.#scale = scale;
    this.#adjust = adjust;
    const lines = profile.lines;
    let timed = false;
    if (lines) {
      for (let k = 0; k < lines.length && !timed; k++)
        timed = !isAbsent(lines.selfTime[k] as number);
    }
    this.#lines =
      lines && timed
        ? groupEdges(lines.function, lines.length, profile.functions.length)
        : undefined;
  }

  /** False when no function has line costs: then each function has one entry, at its def line. */
  get hasLines(): boolean {
    return this.#lines !== undefined;
  }

  /** Entries sorted by line; their sum is the function's self time. */
  entries(fn: number): Array<[number, number, number]> {
    const fns = this.#profile.functions;
    const first = fns.line[fn] as number;
    const self = scaled(fns.selfTime[fn] as number, this.#scale, this.#adjust);
    const groups = this.#lines;
    const table = this.#profile.lines;
    if (!groups || !table) return [[first, self, 0]];
    const from = groups.offsets[fn] as number;
    const to = groups.offsets[fn + 1] as number;
    if (from === to) return [[first, self, 0]];
    const byLine = new Map<number, [number, number]>();
    let sum = 0;
    for (let k = from; k < to; k++) {
      const row = groups.order[k] as number;
      const value = scaled(table.selfTime[row] as number, this.#scale, this.#adjust);
      const line = table.line[row] as number;
      const entry = byLine.get(line);
      const hits = countOf(table.hits[row] as number);
      if (entry) {
        entry[0] += value;
        entry[1] += hits;
      } else byLine.set(line, [value, hits]);
      sum += value;
    }
    if (sum > self) {
      // Lines say more than the function's own total: keep the total, scale the split.
      if (sum - self > 1e-6 * sum) this.scaledLines++;
      const factor = sum > 0 ? self / sum : 0;
      for (const entry of byLine.values()) entry[0] *= factor;
    } else if (self - sum > 1e-9 * self) {
      // Time the lines do not account for stays on the def line — unless it is only the
      // float noise of summing the same times in another order (line_profiler's lines add
      // up to its self time exactly), which would write a 0-cost line there.
      const entry = byLine.get(first);
      if (entry) entry[0] += self - sum;
      else byLine.set(first, [self - sum, 0]);
    }
    return [...byLine]
      .sort((a, b) => a[0] - b[0])
      .map(([line, [value, hits]]): [number, number, number] => [line, value, hits]);
  }
}

interface Site {
  line: number;
  count: number;
  cost: number;
}

/** Call sites per edge, with the edge's cost split over them (sum = the edge's arc cost). */
class CallSites {
  readonly #profile: Profile;
  readonly #groups: EdgeGroups | undefined;

  constructor(profile: Profile) {
    this.#profile = profile;
    const sites = profile.callSites;
    this.#groups = sites ? groupEdges(sites.call, sites.length, profile.calls.length) : undefined;
  }

  /** Sites of edge `e`, or undefined when the profile has none for it. */
  sites(e: number, callerLine: number, edgeCost: number, edgeCount: number): Site[] | undefined {
    const groups = this.#groups;
    const table = this.#profile.callSites;
    if (!groups || !table) return undefined;
    const from = groups.offsets[e] as number;
    const to = groups.offsets[e + 1] as number;
    if (from === to) return undefined;
    const byLine = new Map<number, { count: number; time: number }>();
    let counted = 0;
    let timed = true;
    let timeSum = 0;
    for (let k = from; k < to; k++) {
      const row = groups.order[k] as number;
      const line = table.line[row] as number;
      const count = shownCount(table.callCount[row] as number);
      const time = table.inclusiveTime[row] as number;
      if (isAbsent(time)) timed = false;
      else timeSum += Math.max(0, time);
      const site = byLine.get(line) ?? { count: 0, time: 0 };
      site.count += count;
      site.time += isAbsent(time) ? 0 : Math.max(0, time);
      byLine.set(line, site);
      counted += count;
    }
    const edgeTime = this.#profile.calls.inclusiveTime[e] as number;
    if (counted < edgeCount) {
      // Calls without a recorded site: at the caller's first line.
      const rest = byLine.get(callerLine) ?? { count: 0, time: 0 };
      rest.count += edgeCount - counted;
      if (timed && !isAbsent(edgeTime)) rest.time += Math.max(0, edgeTime - timeSum);
      byLine.set(callerLine, rest);
    }
    const lines = [...byLine].sort((a, b) => a[0] - b[0]);
    const weights = lines.map(([, s]) => (timed ? s.time : s.count));
    const costs = splitByWeights(edgeCost, weights);
    return lines
      .map(([line, s], k) => ({ line, count: s.count, cost: costs[k] as number }))
      .filter((s) => s.count > 0);
  }
}

/** The header comment of a sampled profile, saying what its call lines show. */
const SAMPLED_NOTE =
  '# Sampled stacks: costs are the weights of the stacks holding each function or call, and call counts were not recorded, so each calls= line says 1.';

/** The header comment of a filtered profile (its numbers are those of the kept stacks). */
const FILTERED_NOTE =
  '# Filtered stacks: costs are the weights of the kept stacks holding each function or call; a stack has no call count, so each calls= line says 1.';

/** The header comment naming what was estimated, when something was. */
const ESTIMATE_NOTE =
  '# Call costs are ESTIMATED from call-count shares: this profile records how often each caller called a function but not how long those calls took (e.g. the `profile` module).';

function headerLine(key: string, value: string | undefined): string {
  if (value === undefined) return '';
  const text = sanitizeName(value);
  return text === '' || text === '(no name)' ? '' : `${key}: ${text}\n`;
}

function describe(profile: Profile): string | undefined {
  const meta = profile.metadata;
  const facts = [
    meta.producer,
    meta.pythonVersion !== undefined ? `Python ${meta.pythonVersion}` : undefined,
    meta.timeUnit,
    meta.sampled ? `sampled, ${costUnitOf(profile)}` : undefined,
  ].filter((x): x is string => x !== undefined && x !== '');
  const label = meta.label !== undefined ? ` [${meta.label}]` : '';
  return `${meta.format}${facts.length ? ` (${facts.join(', ')})` : ''}${label}`;
}

/** Writes `set.whole` as callgrind, in chunks. */
export function* writeCallgrind(
  set: ProfileSet,
  options: CallgrindOptions,
  context: WriteContext,
): Generator<Uint8Array> {
  const profile = set.whole;
  const fns = profile.functions;
  const n = fns.length;
  // Samples are counted as samples, whatever the time unit option says.
  const samples = costUnitOf(profile) === 'samples';
  const event = samples ? SAMPLES_EVENT.name : options.unit;
  const unit = samples ? SAMPLES_EVENT : UNITS[options.unit];
  const adjust: CostAdjustments = { negative: 0, clamped: 0 };

  // Names: unique under KCachegrind's key with the file exactly as written. No `ob=` is
  // written (docs/decisions/0004-callgrind-objects-and-grouping.md), so the object part of
  // the key is empty.
  const files = new FileIds(profile.strings);
  const fileId = (fn: number): number => files.ofString(fns.file[fn] as number);
  const names = uniqueFunctionNames(profile, {
    style: options.names,
    keySuffix: fileBasenameSuffix(profile, writtenFile),
    reserved: [kcachegrindKey(PROFILER_NAME, PROFILER_FILE)],
  });

  const arcs = arcCosts(profile, unit.scale, adjust);
  const outgoing = arcsByCaller(profile, arcs.edge, profile.callSites !== undefined);
  const selfCosts = new SelfCosts(profile, unit.scale, adjust);
  const callSites = new CallSites(profile);
  const rootCalls: number[] = [];
  for (let f = 0; f < n; f++) if ((arcs.profilerCalls[f] as number) > 0) rootCalls.push(f);

  // The summary is the rounded total of the self entries, in the order they are written.
  // (A second SelfCosts, so the adjustments are counted once, by the writing pass.)
  // Hits get a second event where the profile measured them (line_profiler), and then
  // every cost line carries both columns (speedscope reads a missing one as NaN).
  const hits = profile.lines?.hitsMeasured === true && selfCosts.hasLines;
  const totalRounder = new CumulativeRounder();
  const totalCosts = new SelfCosts(profile, unit.scale, { negative: 0, clamped: 0 });
  const quiet: CostAdjustments = { negative: 0, clamped: 0 };
  let totalHits = 0;
  for (let f = 0; f < n; f++) {
    if (!totalCosts.hasLines)
      totalRounder.next(scaled(fns.selfTime[f] as number, unit.scale, quiet));
    else {
      for (const [, value, lineHits] of totalCosts.entries(f)) {
        totalRounder.next(value);
        totalHits += lineHits;
      }
    }
  }
  const total = totalRounder.total;
  const hitsColumn = hits ? ` ${Math.min(totalHits, MAX_COST)}` : '';

  let header = '# callgrind format\nversion: 1\n';
  header += headerLine('creator', context.producer ?? 'pyprof');
  header += headerLine('cmd', profile.metadata.command);
  header += headerLine('desc', `Profile: ${describe(profile)}`);
  header += 'positions: line\n';
  header += `event: ${event} : ${unit.long}\n`;
  if (hits) header += 'event: hits : Hits (times the line ran)\n';
  header += `events: ${event}${hits ? ' hits' : ''}\n`;
  header += `summary: ${total}${hitsColumn}\n`;
  const filtered = filterNote(profile);
  if (filtered !== undefined) header += `# Filtered: ${sanitizeName(filtered)}\n`;
  if (profile.metadata.sampled) header += `${filtered ? FILTERED_NOTE : SAMPLED_NOTE}\n`;
  if (arcs.estimated) header += `${ESTIMATE_NOTE}\n`;
  if (rootCalls.length > 0)
    header += profile.metadata.sampled
      ? '# (profiler) stands for the bottom of the stacks: it calls the functions some stacks start with.\n'
      : '# (profiler) stands for the profiler itself: it makes the calls no caller was recorded for.\n';
  header += '\n';

  const sink = new ByteSink(CHUNK);
  sink.text(header);
  const functionDefined = new Uint8Array(n);
  const rounder = new CumulativeRounder();
  let currentFile = 0;

  /** `(G) name` the first time, `(G)` after; G = function index + 1. */
  const functionRef = (fn: number): void => {
    sink.byte(40 /* ( */);
    sink.int(fn + 1);
    sink.byte(41 /* ) */);
    if (functionDefined[fn]) return;
    functionDefined[fn] = 1;
    sink.byte(32);
    sink.text(names[fn] as string);
  };
  const heads = new CallHeads(n);
  /**
   * `cfi=…\ncfn=…\ncalls=<count> <target line>\n` for a callee whose header is not built:
   * built and copied once its file and name are defined, written in full (defining them)
   * before that.
   */
  const callHead = (callee: number, count: number): void => {
    const file = fileId(callee);
    const line = Math.max(0, fns.line[callee] as number);
    if (functionDefined[callee] && files.defined(file)) {
      heads.build(callee, file, line);
      heads.write(sink, callee, count);
      return;
    }
    sink.ascii('cfi=');
    files.write(file, sink);
    sink.ascii('\ncfn=');
    functionRef(callee);
    sink.ascii('\ncalls=');
    sink.int(count);
    sink.byte(32);
    sink.int(line);
    sink.byte(10);
  };
  /**
   * `cfi=`, `cfn=`, `calls=<count> <target line>`, `<site> <cost>`. Kept small (the first
   * times go to `callHead`) so V8 inlines it into the writing loop and the numbers stay
   * unboxed.
   */
  const call = (callee: number, site: number, count: number, cost: number): void => {
    if (heads.built(callee)) heads.write(sink, callee, count);
    else callHead(callee, count);
    sink.position(site);
    sink.byte(32);
    sink.int(cost);
    if (hits) sink.ascii(' 0');
    sink.byte(10);
  };
  let writtenHits = 0;
  const selfLine = (line: number, value: number, lineHits = 0): void => {
    sink.position(line);
    sink.byte(32);
    sink.int(rounder.next(value));
    if (hits) {
      const count = Math.min(lineHits, MAX_COST - writtenHits);
      writtenHits += count;
      sink.byte(32);
      sink.int(count);
    }
    sink.byte(10);
  };

  if (rootCalls.length > 0) {
    sink.ascii('fl=');
    files.write(files.ofText(PROFILER_FILE), sink);
    sink.ascii('\nfn=(');
    sink.int(n + 1);
    sink.ascii(`) ${PROFILER_NAME}\n`);
    sink.resetPosition();
    selfLine(0, 0);
    for (const f of rootCalls)
      call(f, 0, arcs.profilerCalls[f] as number, arcs.profilerCost[f] as number);
    sink.byte(10);
  }

  /**
   * Writes the functions from `from` on until a chunk is full; returns the next function.
   * The hot loop lives in this plain function; the generator only hands over chunks.
   */
  const writeFunctions = (from: number): number => {
    let f = from;
    while (f < n && !sink.full) {
      const file = fileId(f);
      if (file !== currentFile) {
        currentFile = file;
        sink.ascii('fl=');
        files.write(file, sink);
        sink.byte(10);
      }
      sink.ascii('fn=');
      functionRef(f);
      sink.byte(10);
      sink.resetPosition();
      const first = fns.line[f] as number;
      if (!selfCosts.hasLines)
        selfLine(first, scaled(fns.selfTime[f] as number, unit.scale, adjust));
      else
        for (const [line, value, lineHits] of selfCosts.entries(f)) selfLine(line, value, lineHits);
      const from = outgoing.offsets[f] as number;
      const to = outgoing.offsets[f + 1] as number;
      for (let k = from; k < to; k++) {
        const callee = outgoing.callee[k] as number;
        const count = outgoing.count[k] as number;
        const cost = outgoing.cost[k] as number;
        const sites = outgoing.edge
          ? callSites.sites(outgoing.edge[k] as number, first, cost, count)
          : undefined;
        if (sites) {
          for (const site of sites) call(callee, site.line, site.count, site.cost);
        } else if (count > 0) {
          // callgrind_annotate takes the line after `calls=0` as self cost: never write it.
          call(callee, first, count, cost);
        }
      }
      sink.byte(10);
      f++;
    }
    return f;
  };
  for (let f = 0; f < n; ) {
    f = writeFunctions(f);
    if (sink.full) yield sink.take();
  }
  sink.ascii('totals: ');
  sink.int(rounder.total);
  if (hits) {
    sink.byte(32);
    sink.int(writtenHits);
  }
  sink.byte(10);
  yield sink.take();

  if (arcs.estimated)
    context.warn({
      code: 'estimated-call-costs',
      message:
        'the profile has call counts per caller but no times; call costs were estimated from call-count shares',
    });
  if (adjust.negative > 0)
    context.warn({
      code: 'negative-time',
      message: `${adjust.negative} negative times were written as 0 (callgrind costs are unsigned)`,
    });
  if (adjust.clamped > 0)
    context.warn({
      code: 'cost-clamped',
      message: `${adjust.clamped} costs above 2^53 ${event} were clamped to 2^53`,
    });
  if (selfCosts.scaledLines > 0)
    context.warn({
      code: 'line-costs-scaled',
      message: `${selfCosts.scaledLines} functions had line costs above their self time; the line split was scaled to the self time`,
    });
}
