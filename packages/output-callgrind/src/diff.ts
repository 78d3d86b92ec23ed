/**
 * The callgrind comparison (`pyprof diff BASE NEW --to callgrind`): one file with two
 * event types, `Base` and `New`, so KCachegrind shows both runs side by side (pick either
 * as the primary event, the other as secondary) and callgrind_annotate prints both columns.
 *
 * The functions are those of core's `ProfileDiff` (`diff.set.whole`): BASE and NEW matched
 * once, a moved function under NEW's identity, names from one naming pass with
 * KCachegrind's identity (name ‖ basename(file), no object), as the single-profile writer
 * does. Each side's costs are worked out exactly as that writer works them out
 * (`arcCosts`: edge times, the `(profiler)` caller for calls no caller was recorded for,
 * estimates for count-only edges; cumulative rounding of self costs, so each event's
 * `summary:` is its run's rounded total), then written together: a function missing from a
 * side costs 0 there.
 *
 * What is lost: line-level self costs and call-site lines (each function's self cost is at
 * its first line, each call at the caller's first line — a comparison of line costs would
 * need both runs' lines to correspond); and a `calls=` line holds one count, so it shows
 * NEW's count of that caller→callee pair, BASE's where NEW has none (the header says so).
 */
import {
  costUnitOf,
  fileBasenameSuffix,
  functionsInWhole,
  kcachegrindKey,
  type Profile,
  type ProfileDiff,
  sanitizeName,
  uniqueFunctionNames,
  type WriteContext,
} from '@pyprof/core';
import { arcCosts, type CostAdjustments, CumulativeRounder, scaled, shownCount } from './costs.js';
import {
  type CallgrindOptions,
  PROFILER_FILE,
  PROFILER_NAME,
  SAMPLES_EVENT,
  UNITS,
  writtenFile,
} from './write.js';

/** Each function of one side as a function of the comparison (`diff.set.whole`). */
function wholeIndex(diff: ProfileDiff, side: Profile): Int32Array {
  return functionsInWhole(diff.set.whole, [side])[0] as Int32Array;
}

/** A call of the comparison: count and cost on each side. */
interface Arc {
  caller: number;
  callee: number;
  count: [number, number];
  cost: [number, number];
}

/** Writes the comparison (see the file comment). */
export function* writeCallgrindDiff(
  diff: ProfileDiff,
  options: CallgrindOptions,
  context: WriteContext,
): Generator<string> {
  const whole = diff.set.whole;
  const n = whole.functions.length;
  const samples = costUnitOf(whole) === 'samples';
  const unit = samples ? SAMPLES_EVENT : UNITS[options.unit];
  const names = uniqueFunctionNames(whole, {
    style: options.names,
    keySuffix: fileBasenameSuffix(whole, writtenFile),
    reserved: [kcachegrindKey(PROFILER_NAME, PROFILER_FILE)],
  });
  type Pair = [Float64Array, Float64Array];
  const self: Pair = [new Float64Array(n), new Float64Array(n)];
  const profilerCount: Pair = [new Float64Array(n), new Float64Array(n)];
  const profilerCost: Pair = [new Float64Array(n), new Float64Array(n)];
  const arcs = new Map<string, Arc>();
  const adjust: CostAdjustments = { negative: 0, clamped: 0 };
  let estimated = false;
  const sides = [diff.base, diff.next];
  sides.forEach((profile, s) => {
    const map = wholeIndex(diff, profile);
    const costs = arcCosts(profile, unit.scale, adjust);
    estimated ||= costs.estimated;
    const fns = profile.functions;
    for (let f = 0; f < fns.length; f++) {
      const w = map[f] as number;
      (self[s] as Float64Array)[w] = scaled(fns.selfTime[f] as number, unit.scale, adjust);
      (profilerCount[s] as Float64Array)[w] = costs.profilerCalls[f] as number;
      (profilerCost[s] as Float64Array)[w] = costs.profilerCost[f] as number;
    }
    const calls = profile.calls;
    for (let e = 0; e < calls.length; e++) {
      const caller = map[calls.caller[e] as number] as number;
      const callee = map[calls.callee[e] as number] as number;
      const key = `${caller}:${callee}`;
      let arc = arcs.get(key);
      if (!arc) {
        arc = { caller, callee, count: [0, 0], cost: [0, 0] };
        arcs.set(key, arc);
      }
      arc.count[s] = shownCount(calls.callCount[e] as number);
      arc.cost[s] = costs.edge[e] as number;
    }
  });
  if (adjust.negative > 0 || adjust.clamped > 0) {
    context.warn({
      code: 'costs-adjusted',
      message: `${adjust.negative} negative time${adjust.negative === 1 ? '' : 's'} written as 0 and ${adjust.clamped} cost${adjust.clamped === 1 ? '' : 's'} clamped to 2^53`,
    });
  }
  const outgoing: Arc[][] = Array.from({ length: n }, () => []);
  for (const arc of arcs.values()) outgoing[arc.caller]?.push(arc);
  const shownCalls = (count: [number, number]) => (count[1] > 0 ? count[1] : count[0]);

  // Self costs, rounded cumulatively per side in writing order (functions in order).
  const rounders = [new CumulativeRounder(), new CumulativeRounder()];
  const selfCost: Array<[number, number]> = [];
  for (let f = 0; f < n; f++) {
    selfCost.push([
      (rounders[0] as CumulativeRounder).next(self[0][f] as number),
      (rounders[1] as CumulativeRounder).next(self[1][f] as number),
    ]);
  }
  const totals = rounders.map((r) => r.total);
  const [baseLabel, nextLabel] = diff.set.parts.map((p) => sanitizeName(p.metadata.label ?? ''));
  let header = '# callgrind format\nversion: 1\n';
  header += `creator: ${sanitizeName(context.producer ?? 'pyprof')}\n`;
  header += `desc: Comparison: ${baseLabel} (event Base) with ${nextLabel} (event New)\n`;
  header += 'positions: line\n';
  header += `event: Base : ${unit.long} in ${baseLabel}\n`;
  header += `event: New : ${unit.long} in ${nextLabel}\n`;
  header += 'events: Base New\n';
  header += `summary: ${totals[0]} ${totals[1]}\n`;
  if (diff.factor !== 1)
    header += `# BASE normalized: its times are multiplied by ${diff.factor} to NEW's total.\n`;
  header +=
    "# A comparison: self costs at each function's first line, calls at the caller's first line; each calls= line counts NEW's calls of that pair, or BASE's where NEW made none.\n";
  if (estimated)
    header +=
      '# Call costs are ESTIMATED from call-count shares where a profile records how often each caller called a function but not how long those calls took.\n';
  yield `${header}\n`;

  const file = (fn: number) =>
    writtenFile(whole.strings[whole.functions.file[fn] as number] as string);
  const line = (fn: number) => Math.max(0, whole.functions.line[fn] as number);
  const call = (callee: number, site: number, count: number, cost: [number, number]) =>
    `cfi=${file(callee)}\ncfn=${names[callee]}\ncalls=${count} ${line(callee)}\n${site} ${cost[0]} ${cost[1]}\n`;

  const roots: number[] = [];
  for (let f = 0; f < n; f++)
    if ((profilerCount[0][f] as number) > 0 || (profilerCount[1][f] as number) > 0) roots.push(f);
  if (roots.length > 0) {
    let text = `fl=${PROFILER_FILE}\nfn=${PROFILER_NAME}\n0 0 0\n`;
    for (const f of roots) {
      const count: [number, number] = [
        profilerCount[0][f] as number,
        profilerCount[1][f] as number,
      ];
      text += call(f, 0, shownCalls(count), [
        profilerCost[0][f] as number,
        profilerCost[1][f] as number,
      ]);
    }
    yield `${text}\n`;
  }
  for (let f = 0; f < n; f++) {
    const [b, nw] = selfCost[f] as [number, number];
    let text = `fl=${file(f)}\nfn=${names[f]}\n${line(f)} ${b} ${nw}\n`;
    for (const arc of outgoing[f] as Arc[]) {
      const count = shownCalls(arc.count);
      // callgrind_annotate takes the line after `calls=0` as self cost: never write it.
      if (count > 0) text += call(arc.callee, line(f), count, arc.cost);
    }
    yield `${text}\n`;
  }
  yield `totals: ${totals[0]} ${totals[1]}\n`;
}
