// Filters on real profiles (issue 24): for corpus pstats dumps, the stacks fixtures and the
// diff fixtures, and a set of patterns (a module's file, a function, a file path, the
// standard library, one that matches nothing), the filtered profile's flat and cumulative
// times equal those of pprof's own algorithm applied sample by sample — a literal
// transcription of google/pprof `profile/filter.go` (`FilterSamplesByName`,
// `focusedAndNotIgnored`, `ShowFrom`) and of `-top`'s flat/cum (a recursive stack counts
// once) — to the very stacks the unfiltered speedscope writer draws (`deriveStacks` with
// its need). The check against the real `go tool pprof` is in the viewer suite
// (tests/viewer/test/go-pprof-filters.test.ts), on the same inputs (filter-inputs.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUDGET_FRAME,
  chunksToBytes,
  convert,
  createRegistry,
  deriveStacks,
  type FunctionPredicate,
  filterProfile,
  filterTransform,
  functionFile,
  functionName,
  isStdlibFunction,
  type Profile,
  patternPredicate,
  readWith,
  type StackFilters,
  type Stacks,
  stackSamples,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { speedscopeNeeds } from '@pyprof/output-speedscope';
import { describe, expect, it } from 'vitest';
import { filterInputs } from './filter-inputs.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const need = speedscopeNeeds().stacks ?? {};

/** pprof's filter.go, one sample at a time (frames root first here; pprof's are leaf first). */
function pprofFilter(
  profile: Profile,
  stacks: Stacks,
  filters: StackFilters,
): Map<string, [number, number]> {
  const test = (p: FunctionPredicate | undefined, fn: number) =>
    p !== undefined && fn !== BUDGET_FRAME && p(profile, fn);
  const hidden = (fn: number) => (filters.hide ?? []).some((p) => test(p, fn));
  const flat = new Map<number, number>();
  const cum = new Map<number, number>();
  for (const sample of stackSamples(stacks)) {
    let locations = [...sample.frames];
    // focusedAndNotIgnored: an ignored location rejects; else any focused one keeps.
    let focused = false;
    let ignored = false;
    for (const fn of locations) {
      if (test(filters.ignore, fn)) ignored = true;
      else if (filters.focus === undefined || test(filters.focus, fn)) focused = true;
    }
    if (ignored || !focused) continue;
    locations = locations.filter((fn) => !hidden(fn));
    if (locations.length === 0) continue;
    if (filters.showFrom) {
      const from = locations.findIndex((fn) => test(filters.showFrom, fn));
      if (from < 0) continue;
      locations = locations.slice(from);
    }
    const leaf = locations[locations.length - 1] as number;
    flat.set(leaf, (flat.get(leaf) ?? 0) + sample.weight);
    for (const fn of new Set(locations)) cum.set(fn, (cum.get(fn) ?? 0) + sample.weight);
  }
  const out = new Map<string, [number, number]>();
  for (const [fn, value] of cum) {
    const key =
      fn === BUDGET_FRAME
        ? '(pruned)'
        : `${functionFile(profile, fn)}:${profile.functions.line[fn]}:${functionName(profile, fn)}`;
    out.set(key, [flat.get(fn) ?? 0, value]);
  }
  return out;
}

function filtered(
  profile: Profile,
  stacks: Stacks,
  filters: StackFilters,
): Map<string, [number, number]> {
  const { profile: out } = filterProfile(profile, filters, { need, stacks });
  const result = new Map<string, [number, number]>();
  for (let fn = 0; fn < out.functions.length; fn++) {
    const name = functionName(out, fn);
    const key =
      name === '(pruned)' && functionFile(out, fn) === ''
        ? '(pruned)'
        : `${functionFile(out, fn)}:${out.functions.line[fn]}:${name}`;
    result.set(key, [
      out.functions.selfTime[fn] as number,
      out.functions.inclusiveTime[fn] as number,
    ]);
  }
  return result;
}

/** Equal within float summation order (values are sums of the same weights). */
function expectSame(
  actual: Map<string, [number, number]>,
  expected: Map<string, [number, number]>,
) {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, [flat, cum]] of expected) {
    const [f, c] = actual.get(key) as [number, number];
    expect(Math.abs(f - flat), `${key} flat`).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(flat)),
    );
    expect(Math.abs(c - cum), `${key} cum`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(cum)));
  }
}

const patterns: Array<[string, StackFilters]> = [
  ['--focus a module (its file)', { focus: patternPredicate('shop\\.py$|medium|parser') }],
  ['--focus a function', { focus: patternPredicate('^(tax|parse|fib|work)$') }],
  ['--ignore a file path', { ignore: patternPredicate('/json/|decoder') }],
  ['--hide the standard library', { hide: [isStdlibFunction] }],
  ['--hide built-ins', { hide: [patternPredicate('^<built-in method')] }],
  ['--show-from <module>', { showFrom: patternPredicate('^<module>$') }],
  ['--focus that matches nothing', { focus: patternPredicate('no function is called this') }],
  [
    'focus + hide + show-from together',
    {
      focus: patternPredicate('main'),
      hide: [patternPredicate('^<method')],
      showFrom: patternPredicate('^main$'),
    },
  ],
  ['--prune-below 0.05', { pruneBelow: 0.05 }],
];

const inputs = filterInputs();

describe('filters equal pprof’s per-sample algorithm on the stacks the writer draws', () => {
  it('covers the chosen inputs', () => {
    expect(inputs.length).toBe(8);
  });
  for (const [name, bytes] of inputs) {
    it(name, () => {
      const profile = readWith(cprofile, bytes(), { needs: { callTree: true } }).whole;
      const stacks = deriveStacks(profile, need);
      for (const [, filters] of patterns) {
        // The pruning threshold is a hide of the functions below it, on the unfiltered stacks.
        const hideFilters =
          filters.pruneBelow === undefined
            ? filters
            : { hide: [prunedBelow(stacks, filters.pruneBelow)] };
        expectSame(filtered(profile, stacks, filters), pprofFilter(profile, stacks, hideFilters));
      }
    }, 60_000);
  }
});

/** The functions whose cumulative weight on the unfiltered stacks is below `fraction`. */
function prunedBelow(stacks: Stacks, fraction: number): FunctionPredicate {
  const cum = new Map<number, number>();
  for (const sample of stackSamples(stacks))
    for (const fn of new Set(sample.frames)) cum.set(fn, (cum.get(fn) ?? 0) + sample.weight);
  return (_, fn) => (cum.get(fn) ?? 0) < fraction * stacks.totalTime;
}

describe('every filtered output says what was kept, dropped and hidden', () => {
  it('text, callgrind and speedscope through convert', async () => {
    const { callgrind } = await import('@pyprof/output-callgrind');
    const { speedscope } = await import('@pyprof/output-speedscope');
    const { text } = await import('@pyprof/output-text');
    const registry = createRegistry([cprofile, callgrind, speedscope, text]);
    const data = new Uint8Array(readFileSync(join(fixtures, 'diff', 'run1.py312.prof')));
    const note =
      '--focus tax: kept 63.653 ms of 280.706 ms (22.7%) on stacks reconstructed from the call graph; dropped 77.3% (focus/ignore 77.3%, hide left empty 0.0%, show-from 0.0%); 0.0% moved from hidden frames to their callers';
    const run = async (to: string) => {
      const result = await convert({
        registry,
        inputs: [{ data, name: 'run1.py312.prof' }],
        to,
        transforms: [
          filterTransform({ focus: patternPredicate('tax'), description: '--focus tax' }),
        ],
      });
      return new TextDecoder().decode(await chunksToBytes(result.chunks));
    };
    expect(await run('text')).toContain(`\nFiltered: ${note}\n`);
    expect(await run('callgrind')).toContain(`\n# Filtered: ${note}\n`);
    const file = JSON.parse(await run('speedscope')) as { profiles: Array<{ name: string }> };
    expect(file.profiles.map((p) => p.name)).toEqual([`run1.py312.prof (filtered: ${note})`]);
  });
});
