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
 * - Line-level self costs where the profile has line timings.
 * - Output is generated in chunks of about 64 KiB; nothing holds the whole file.
 *
 * What is lost: primitive-call counts and per-edge self times (callgrind has no place for
 * them); sub-unit time (rounded, within one unit per cost); a self-arc's cost is kept
 * but KCachegrind leaves it out of inclusive cost, as it should.
 */
import {
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
  type CostAdjustments,
  CumulativeRounder,
  countOf,
  type EdgeGroups,
  groupEdges,
  scaled,
  splitByWeights,
} from './costs.js';

export type CostUnit = 'ns' | 'us' | 'ms';

export const UNITS: Readonly<Record<CostUnit, { scale: number; long: string }>> = {
  ns: { scale: 1e9, long: 'Time (ns)' },
  us: { scale: 1e6, long: 'Time (us)' },
  ms: { scale: 1e3, long: 'Time (ms)' },
};

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

/** Ids handed out in first-use order; `define` says whether the name must be written. */
class IdTable {
  readonly #ids = new Map<string, number>();

  /** `(N)` if already defined, else `(N) name`. */
  ref(name: string): string {
    let id = this.#ids.get(name);
    if (id !== undefined) return `(${id})`;
    id = this.#ids.size + 1;
    this.#ids.set(name, id);
    return `(${id}) ${name}`;
  }
}

/** Subposition compression relative to the previous cost line of the same function. */
class Positions {
  #last = -1;

  reset(): void {
    this.#last = -1;
  }

  next(line: number): string {
    const at = Math.max(0, line);
    const last = this.#last;
    this.#last = at;
    if (last < 0) return String(at);
    if (at === last) return '*';
    const absolute = String(at);
    const relative = at > last ? `+${at - last}` : `-${last - at}`;
    return relative.length < absolute.length ? relative : absolute;
  }
}

/** Self-cost entries (line, exact scaled value) of each function, from line data or `tt`. */
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

  /** Entries sorted by line; their sum is the function's self time. */
  entries(fn: number): Array<[number, number]> {
    const fns = this.#profile.functions;
    const first = fns.line[fn] as number;
    const self = scaled(fns.selfTime[fn] as number, this.#scale, this.#adjust);
    const groups = this.#lines;
    const table = this.#profile.lines;
    if (!groups || !table) return [[first, self]];
    const from = groups.offsets[fn] as number;
    const to = groups.offsets[fn + 1] as number;
    if (from === to) return [[first, self]];
    const byLine = new Map<number, number>();
    let sum = 0;
    for (let k = from; k < to; k++) {
      const row = groups.order[k] as number;
      const value = scaled(table.selfTime[row] as number, this.#scale, this.#adjust);
      const line = table.line[row] as number;
      byLine.set(line, (byLine.get(line) ?? 0) + value);
      sum += value;
    }
    if (sum > self) {
      // Lines say more than the function's own total: keep the total, scale the split.
      if (sum - self > 1e-6 * sum) this.scaledLines++;
      const factor = sum > 0 ? self / sum : 0;
      for (const [line, value] of byLine) byLine.set(line, value * factor);
    } else if (self > sum) {
      byLine.set(first, (byLine.get(first) ?? 0) + (self - sum));
    }
    return [...byLine].sort((a, b) => a[0] - b[0]);
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
      const count = countOf(table.callCount[row] as number);
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
  ].filter((x): x is string => x !== undefined && x !== '');
  const label = meta.label !== undefined ? ` [${meta.label}]` : '';
  return `${meta.format}${facts.length ? ` (${facts.join(', ')})` : ''}${label}`;
}

/** Writes `set.whole` as callgrind, in chunks. */
export function* writeCallgrind(
  set: ProfileSet,
  options: CallgrindOptions,
  context: WriteContext,
): Generator<string> {
  const profile = set.whole;
  const fns = profile.functions;
  const calls = profile.calls;
  const n = fns.length;
  const unit = UNITS[options.unit];
  const adjust: CostAdjustments = { negative: 0, clamped: 0 };

  // Names: unique under KCachegrind's key with the file and object exactly as written.
  const fileText = new Map<number, string>();
  const fileOf = (fn: number): string => {
    const index = fns.file[fn] as number;
    let text = fileText.get(index);
    if (text === undefined) {
      text = writtenFile(profile.strings[index] as string);
      fileText.set(index, text);
    }
    return text;
  };
  // No `ob=` is written (docs/decisions/0004-callgrind-objects-and-grouping.md), so the
  // object part of the key is empty.
  const names = uniqueFunctionNames(profile, {
    style: options.names,
    identity: (name, fn) => kcachegrindKey(name, fileOf(fn)),
    reserved: [kcachegrindKey(PROFILER_NAME, PROFILER_FILE)],
  });

  const arcs = arcCosts(profile, unit.scale, adjust);
  const outgoing = groupEdges(calls.caller, calls.length, n);
  const selfCosts = new SelfCosts(profile, unit.scale, adjust);
  const callSites = new CallSites(profile);
  const rootCalls: number[] = [];
  for (let f = 0; f < n; f++) if ((arcs.profilerCalls[f] as number) > 0) rootCalls.push(f);

  // The summary is the rounded total of the self entries, in the order they are written.
  // (A second SelfCosts, so the adjustments are counted once, by the writing pass.)
  const totalRounder = new CumulativeRounder();
  const totalCosts = new SelfCosts(profile, unit.scale, { negative: 0, clamped: 0 });
  for (let f = 0; f < n; f++)
    for (const [, value] of totalCosts.entries(f)) totalRounder.next(value);
  const total = totalRounder.total;

  let out = '# callgrind format\nversion: 1\n';
  out += headerLine('creator', context.producer ?? 'pyprof');
  out += headerLine('cmd', profile.metadata.command);
  out += headerLine('desc', `Profile: ${describe(profile)}`);
  out += 'positions: line\n';
  out += `event: ${options.unit} : ${unit.long}\n`;
  out += `events: ${options.unit}\n`;
  out += `summary: ${total}\n`;
  if (arcs.estimated) out += `${ESTIMATE_NOTE}\n`;
  if (rootCalls.length > 0)
    out +=
      '# (profiler) stands for the profiler itself: it makes the calls no caller was recorded for.\n';
  out += '\n';

  const files = new IdTable();
  const functionDefined = new Uint8Array(n + 1);
  const profilerId = n + 1;
  const positions = new Positions();
  const rounder = new CumulativeRounder();
  let currentFile = '';

  const fnRef = (fn: number): string => {
    if (functionDefined[fn]) return `(${fn + 1})`;
    functionDefined[fn] = 1;
    return `(${fn + 1}) ${names[fn]}`;
  };
  const callLines = (callee: number, site: number, count: number, cost: number): string => {
    let text = `cfi=${files.ref(fileOf(callee))}\ncfn=${fnRef(callee)}\n`;
    text += `calls=${count} ${Math.max(0, fns.line[callee] as number)}\n`;
    text += `${positions.next(site)} ${cost}\n`;
    return text;
  };

  if (rootCalls.length > 0) {
    out += `fl=${files.ref(PROFILER_FILE)}\nfn=(${profilerId}) ${PROFILER_NAME}\n`;
    currentFile = PROFILER_FILE;
    positions.reset();
    out += `${positions.next(0)} ${rounder.next(0)}\n`;
    for (const f of rootCalls) {
      out += callLines(f, 0, arcs.profilerCalls[f] as number, arcs.profilerCost[f] as number);
      if (out.length >= CHUNK) {
        yield out;
        out = '';
      }
    }
    out += '\n';
  }

  for (let f = 0; f < n; f++) {
    const file = fileOf(f);
    if (file !== currentFile) {
      currentFile = file;
      out += `fl=${files.ref(file)}\n`;
    }
    out += `fn=${fnRef(f)}\n`;
    positions.reset();
    for (const [line, value] of selfCosts.entries(f))
      out += `${positions.next(line)} ${rounder.next(value)}\n`;
    const callerLine = fns.line[f] as number;
    const from = outgoing.offsets[f] as number;
    const to = outgoing.offsets[f + 1] as number;
    for (let k = from; k < to; k++) {
      const e = outgoing.order[k] as number;
      const callee = calls.callee[e] as number;
      const count = countOf(calls.callCount[e] as number);
      const cost = arcs.edge[e] as number;
      const sites = callSites.sites(e, callerLine, cost, count);
      if (sites) {
        for (const site of sites) out += callLines(callee, site.line, site.count, site.cost);
      } else if (count > 0) {
        // callgrind_annotate takes the line after `calls=0` as self cost: never write it.
        out += callLines(callee, callerLine, count, cost);
      }
    }
    out += '\n';
    if (out.length >= CHUNK) {
      yield out;
      out = '';
    }
  }
  out += `totals: ${rounder.total}\n`;
  yield out;

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
      message: `${adjust.clamped} costs above 2^53 ${options.unit} were clamped to 2^53`,
    });
  if (selfCosts.scaledLines > 0)
    context.warn({
      code: 'line-costs-scaled',
      message: `${selfCosts.scaledLines} functions had line costs above their self time; the line split was scaled to the self time`,
    });
}
