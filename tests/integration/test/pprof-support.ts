// Shared by the pprof tests (Node here, `go tool pprof` in tests/viewer): every corpus
// pstats, hotshot and lsprof file converted to pprof, each function of the profile matched
// to exactly one pprof function (by file, first line and a name the naming service may
// have made for it), and the numbers checked against the profile the reader produced —
// whose own numbers the readers' oracle tests hold equal to the interpreters' (pstats
// dumps are also checked against their oracle's total here).
import {
  type ConvertInput,
  deriveStacks,
  functionFile,
  functionKind,
  functionName,
  type Profile,
  type ProfileSet,
  readWith,
  sanitizeName,
  writeToBytes,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof } from '@pyprof/input-lsprof';
import { pprof, pprofNeeds, pprofText } from '@pyprof/output-pprof';
import {
  measureCumulativeTime,
  type PprofReading,
  readPprof,
  weightOfStacksContaining,
} from '@pyprof/testkit';
import { expect } from 'vitest';
import {
  readFixture as readPstatsFixture,
  readOracle as readPstatsOracle,
} from '../../../packages/input-cprofile/test/corpus.js';
import { readFixture as readHotshotFixture } from '../../../packages/input-hotshot/test/corpus.js';
import { readFixture as readLsprofFixture } from '../../../packages/input-lsprof/test/corpus.js';
import { corpusFiles, type ManifestEntry } from '../../support/corpus-fixtures.js';

export type { ConvertInput };
export { type PprofReading, readPprof };

export type CorpusKind = 'pstats' | 'hotshot' | 'lsprof-pickle';

export interface PprofCase {
  entry: ManifestEntry;
  kind: CorpusKind;
  set: ProfileSet;
  bytes: Uint8Array;
  reading: PprofReading;
}

/** Every corpus file of the three kinds the issue names. */
export function pprofCorpus(): Array<{ entry: ManifestEntry; kind: CorpusKind }> {
  const kinds: CorpusKind[] = ['pstats', 'hotshot', 'lsprof-pickle'];
  return kinds.flatMap((kind) => corpusFiles(kind).map((entry) => ({ entry, kind })));
}

/** Reads one corpus file and converts it to pprof. */
export function convertCorpusFile(
  entry: ManifestEntry,
  kind: CorpusKind,
  options: Record<string, unknown> = {},
): PprofCase {
  const needs = pprof.needs ?? {};
  const set =
    kind === 'pstats'
      ? readWith(cprofile, readPstatsFixture(entry.file), {
          needs,
          options: entry.producer === 'yappi' ? { producer: 'yappi' } : {},
        })
      : kind === 'hotshot'
        ? readWith(hotshot, readHotshotFixture(entry.file), { needs })
        : readWith(lsprof, readLsprofFixture(entry.file), { needs });
  const bytes = writeToBytes(pprof, set, { options, context: { producer: 'pyprof@test' } });
  return { entry, kind, set, bytes, reading: readPprof(bytes) };
}

/** Where the writer puts a function: its written file and first line. */
function placeOf(profile: Profile, fn: number): string {
  const kind = functionKind(profile, fn);
  if (kind === 'python')
    return `${pprofText(functionFile(profile, fn))}\u0000${Math.max(0, profile.functions.line[fn] as number)}`;
  const code = kind === 'synthetic' ? profile.functions.details.get(fn)?.codeObject : undefined;
  return code ? `${pprofText(code.file)}\u0000${Math.max(0, code.line)}` : '\u00000';
}

/**
 * Whether `written` is a name the naming service may have made for the function: the bare
 * name, a dotted prefix (module or package path), a `:line` suffix, a `(file:line)` suffix
 * or a ` #k` counter — each keeps the original name whole.
 */
export function namesMatch(written: string, name: string, line: number): boolean {
  const stripped = written.replace(/ #\d+$/, '');
  for (const form of [name, `${name}:${line}`])
    if (stripped === form || stripped.endsWith(`.${form}`)) return true;
  return stripped.startsWith(`${name} (`) && stripped.endsWith(`:${line})`);
}

/**
 * Each function of `profile` with own time (with `every`, also each other function the
 * file has), matched to its one pprof function name (throws when a function with own time
 * matches none, any function several, or two share one).
 */
export function matchNames(
  profile: Profile,
  reading: PprofReading,
  every = false,
): Map<number, string> {
  const byPlace = new Map<string, string[]>();
  for (const f of reading.functions) {
    const place = `${f.file}\u0000${f.startLine}`;
    const list = byPlace.get(place);
    if (list) list.push(f.name);
    else byPlace.set(place, [f.name]);
  }
  const matched = new Map<number, string>();
  const used = new Map<string, number>();
  for (let fn = 0; fn < profile.functions.length; fn++) {
    const own = (profile.functions.selfTime[fn] as number) > 0;
    if (!own && !every) continue;
    const name = pprofText(sanitizeName(functionName(profile, fn)));
    const line = profile.functions.line[fn] as number;
    const candidates = (byPlace.get(placeOf(profile, fn)) ?? []).filter((written) =>
      namesMatch(written, name, line),
    );
    if (candidates.length === 0 && !own) continue;
    if (candidates.length !== 1)
      throw new Error(
        `${functionName(profile, fn)} (${placeOf(profile, fn)}): ${candidates.length} pprof functions match`,
      );
    const written = candidates[0] as string;
    if (used.has(written)) throw new Error(`${written} matched twice`);
    used.set(written, fn);
    matched.set(fn, written);
  }
  return matched;
}

/** Own time in the file's unit (ns for seconds). */
const units = (profile: Profile, value: number) =>
  profile.metadata.costUnit === 'samples' ? value : value * 1e9;

/**
 * The checks of the issue that need no stacks: one pprof function per function with own
 * time (names unique, as Go's default identity needs), its flat value equal to its own
 * time within 1 ns, and the total equal to the profile's within 1 ns.
 */
export function checkFlat(c: PprofCase, flat: ReadonlyMap<string, number>, total: number): void {
  const whole = c.set.whole;
  const names = c.reading.functions.map((f) => f.name);
  expect(new Set(names).size, 'function names are unique').toBe(names.length);
  const matched = matchNames(whole, c.reading);
  let sum = 0;
  for (let fn = 0; fn < whole.functions.length; fn++) {
    const own = whole.functions.selfTime[fn] as number;
    if (own > 0) sum += own;
  }
  expect(Math.abs(total - units(whole, sum)), 'total').toBeLessThanOrEqual(1);
  for (const [fn, name] of matched) {
    const own = units(whole, whole.functions.selfTime[fn] as number);
    const value = flat.get(name) ?? 0;
    expect(Math.abs(value - own), `flat of ${name}`).toBeLessThanOrEqual(1);
  }
  // Nothing else has flat time (the budget frame aside, which these files never need).
  for (const [name, value] of flat)
    if (value !== 0) expect([...matched.values()], `flat of unmatched ${name}`).toContain(name);
  if (c.kind === 'pstats') {
    const oracle = readPstatsOracle(c.entry);
    expect(Math.abs(total - Math.round(oracle.total_tt * 1e9)), 'oracle total').toBeLessThanOrEqual(
      1,
    );
  }
}

export interface CumulativeReport {
  /** Functions the stacks measure considers (ct ≥ 0.1% of the total), over all parts. */
  considered: number;
  /** Of those, kept by the stacks (the measure holds): their pprof cum is checked against ct. */
  kept: number;
  /** Largest |cum − the stacks' weight containing the function|, in ns. */
  worstRounding: number;
}

/**
 * Cumulative values: for every function, `cum` equals the weight of the stacks that
 * contain it (the stacks core derives for the writer, summed over the parts) within the
 * rounding of its samples (1 ns each); and wherever issue 16's measure holds for the
 * function in every part (the stacks keep its ct within max(1 µs, 1% of ct)), `cum` is
 * the profile's ct within that same tolerance.
 */
export function checkCumulative(c: PprofCase, cum: ReadonlyMap<string, number>): CumulativeReport {
  const whole = c.set.whole;
  const parts = c.set.parts.length > 0 ? c.set.parts : [whole];
  const names = matchNames(whole, c.reading, true);
  const scale = whole.metadata.costUnit === 'samples' ? 1 : 1e9;
  const need = pprofNeeds().stacks ?? {};
  // Per whole function: the stacks' weight containing it, ct, and whether every part keeps it.
  const inStacks = new Float64Array(whole.functions.length);
  const tolerance = new Float64Array(whole.functions.length);
  const keptEverywhere = new Uint8Array(whole.functions.length).fill(1);
  let considered = 0;
  let kept = 0;
  const key = (p: Profile, fn: number) =>
    `${functionFile(p, fn)}\u0000${p.functions.line[fn]}\u0000${functionName(p, fn)}`;
  const wholeIndex = new Map<string, number>();
  for (let fn = 0; fn < whole.functions.length; fn++) wholeIndex.set(key(whole, fn), fn);
  for (const part of parts) {
    const stacks = deriveStacks(part, need);
    const sums = weightOfStacksContaining(part.functions.length, stacks);
    const measure = measureCumulativeTime(part, stacks);
    considered += measure.considered;
    kept += measure.kept;
    const rowOf = new Map(measure.rows.map((row) => [row.function, row]));
    for (let fn = 0; fn < part.functions.length; fn++) {
      const w = wholeIndex.get(key(part, fn));
      if (w === undefined) throw new Error(`${functionName(part, fn)} is not in the whole`);
      inStacks[w] = (inStacks[w] as number) + (sums[fn] as number);
      const ct = part.functions.inclusiveTime[fn] as number;
      if (!(ct > 0)) continue;
      const row = rowOf.get(fn);
      if (!row?.kept) keptEverywhere[w] = 0;
      tolerance[w] = (tolerance[w] as number) + Math.max(1e-6, 0.01 * ct);
    }
  }
  // Samples holding each name: the bound of the rounding of its cum.
  const holding = new Map<string, number>();
  for (const sample of c.reading.samples)
    for (const name of new Set(sample.stack)) holding.set(name, (holding.get(name) ?? 0) + 1);
  let worst = 0;
  for (const [fn, name] of names) {
    const value = cum.get(name) ?? 0;
    const off = Math.abs(value - (inStacks[fn] as number) * scale);
    worst = Math.max(worst, off);
    expect(off, `cum of ${name} against its stacks`).toBeLessThanOrEqual(
      1 + (holding.get(name) ?? 0),
    );
    const ct = whole.functions.inclusiveTime[fn] as number;
    if (keptEverywhere[fn] && ct > 0 && (tolerance[fn] as number) > 0)
      expect(Math.abs(value - ct * scale), `cum of ${name} against ct`).toBeLessThanOrEqual(
        (tolerance[fn] as number) * scale + 1 + (holding.get(name) ?? 0),
      );
  }
  return { considered, kept, worstRounding: worst };
}
