// Issue 16's acceptance measure on real profiles (where it does not hold yet, `knownGaps`
// and the floors below say so, as ceilings a regression would break): every corpus cProfile dump, every lsprof
// pickle (each part) and the stack fixtures made with `python -m cProfile` are reconstructed
// by core's `deriveStacks`, and for every function whose cumulative time is at least 0.1% of
// the profile's total the stacks containing it (once per stack) must sum to its `ct` within
// max(1 µs, 1%): all functions the consistency check accepts, at least 99% of all, none off
// by more than 1% of the total; `profile`-module dumps (edges carry counts only) at least
// 95%, none off by more than 2%. Own time per function and the total stay exact and every
// adjacent pair of real functions is a recorded edge, on every file. Hotshot logs keep their
// exact trees (the measure gives 100%).

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUDGET_FRAME,
  deriveStacks,
  type Profile,
  readWith,
  type Stacks,
  stackSamples,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof } from '@pyprof/input-lsprof';
import { measureCumulativeTime } from '@pyprof/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import * as pstatsCorpus from '../../../packages/input-cprofile/test/corpus.js';
import * as hotshotCorpus from '../../../packages/input-hotshot/test/corpus.js';
import * as lsprofCorpus from '../../../packages/input-lsprof/test/corpus.js';

const stacksFixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'stacks');

/** Own time per function and the total exact; adjacent real frames are recorded edges. */
function soundnessProblems(profile: Profile, stacks: Stacks): string[] {
  const problems: string[] = [];
  const n = profile.functions.length;
  const edges = new Set<number>();
  for (let e = 0; e < profile.calls.length; e++)
    edges.add((profile.calls.caller[e] as number) * n + (profile.calls.callee[e] as number));
  const own = new Float64Array(n);
  let total = 0;
  let unrecorded = 0;
  for (const { frames, weight } of stackSamples(stacks)) {
    const top = frames[frames.length - 1] as number;
    if (top !== BUDGET_FRAME) own[top] = (own[top] as number) + weight;
    total += weight;
    for (let k = 1; k < frames.length; k++) {
      const a = frames[k - 1] as number;
      const b = frames[k] as number;
      if (a !== BUDGET_FRAME && b !== BUDGET_FRAME && !edges.has(a * n + b)) unrecorded++;
    }
  }
  let expectedTotal = 0;
  for (let f = 0; f < n; f++) {
    const self = profile.functions.selfTime[f] as number;
    const expected = self > 0 && Number.isFinite(self) ? self : 0;
    expectedTotal += expected;
    if (Math.abs((own[f] as number) - expected) > 1e-12 + 1e-9 * expected)
      problems.push(`own time of function ${f}: ${own[f]} instead of ${expected}`);
  }
  if (Math.abs(total - expectedTotal) > 1e-12 + 1e-9 * expectedTotal)
    problems.push(`total ${total} instead of ${expectedTotal}`);
  if (unrecorded > 0) problems.push(`${unrecorded} adjacent pairs are not recorded edges`);
  return problems;
}

interface Tally {
  files: number;
  considered: number;
  kept: number;
  worst: number;
  acceptedMissed: number;
}
const tallies = new Map<string, Tally>();

interface Outcome {
  /** Functions the consistency check accepts that miss their ct. */
  missed: string[];
  /** The largest miss of an accepted function, as a share of the total. */
  worst: number;
}

function check(group: string, profile: Profile): Outcome {
  const stacks = deriveStacks(profile, { from: 'call-graph' });
  expect(soundnessProblems(profile, stacks)).toEqual([]);
  const measure = measureCumulativeTime(profile, stacks);
  const inconsistent = new Set(stacks.inconsistent.map((x) => x.function));
  const accepted = measure.rows.filter((r) => !inconsistent.has(r.function));
  const missed = accepted
    .filter((r) => !r.kept)
    .map((r) => `${r.function}: ct ${r.cumulative} in stacks ${r.inStacks}`);
  let worst = 0;
  for (const row of accepted)
    if (measure.total > 0)
      worst = Math.max(worst, Math.abs(row.inStacks - row.cumulative) / measure.total);
  const tally = tallies.get(group) ?? {
    files: 0,
    considered: 0,
    kept: 0,
    worst: 0,
    acceptedMissed: 0,
  };
  tally.files++;
  tally.considered += measure.considered;
  tally.kept += measure.kept;
  tally.worst = Math.max(tally.worst, worst);
  tally.acceptedMissed += missed.length;
  tallies.set(group, tally);
  return { missed, worst };
}

afterAll(() => {
  for (const [group, t] of tallies)
    console.log(
      `stacks measure, ${group}: ${t.kept}/${t.considered} functions keep ct (${((100 * t.kept) / Math.max(1, t.considered)).toFixed(2)}%) over ${t.files} profiles; functions the consistency check accepts that miss: ${t.acceptedMissed}; worst accepted function off by ${(100 * t.worst).toFixed(3)}% of its profile's total`,
    );
});

/**
 * Profiles where the reconstruction does not yet meet the issue (measured 2026-12-07):
 * importlib's recursion cycle (`_find_and_load` → `exec_module` → `<module>` → `__import__`
 * → …) and breezy's, where the per-cycle fit stops short of every cumulative time. Each is a
 * ceiling on what may miss, so a regression fails; lower them as the fit improves.
 */
const knownGaps: Record<string, { missed: number; worst: number }> = {
  // `variance` under the inconsistent mat_* functions: 0.17% of the total.
  'pstats/py38/medium.cprofile.prof': { missed: 1, worst: 0.002 },
  'importer.py312.prof': { missed: 3, worst: 0.011 },
  'importer.py313.prof': { missed: 2, worst: 0.0115 },
  'lsprof/brz/commit.lsprof.pickle#0': { missed: 167, worst: 0.022 },
  'lsprof/brz/log.lsprof.pickle#0': { missed: 25, worst: 0.004 },
  'lsprof/brz/status.lsprof.pickle#0': { missed: 68, worst: 0.0075 },
  // Threads merged into one stack (3.12+): `<module>` of the main thread.
  'lsprof/raw/py313-breezy-shim/threads.lsprof.pickle#0': { missed: 19, worst: 0.071 },
};

/**
 * Per profile: every function the consistency check accepts keeps its ct (the stacks'
 * `inconsistent` list names the others, whose numbers no stacks can honour), and none of
 * them is off by more than 1% of the total.
 */
function cProfileCase(group: string, name: string, profile: Profile): void {
  const { missed, worst } = check(group, profile);
  const gap = knownGaps[name];
  if (gap) {
    expect(missed.length).toBeLessThanOrEqual(gap.missed);
    expect(worst).toBeLessThanOrEqual(gap.worst);
  } else {
    expect([name, missed]).toEqual([name, []]);
    expect(worst).toBeLessThanOrEqual(0.01);
  }
}

describe('stacks keep cumulative times: cProfile dumps of the corpus', () => {
  for (const entry of pstatsCorpus.pstatsFixtures()) {
    if (entry.producer !== 'cProfile') continue;
    it(entry.file, { timeout: 60_000 }, () => {
      const set = readWith(cprofile, pstatsCorpus.readFixture(entry.file));
      cProfileCase('cProfile dumps', entry.file, set.whole);
    });
  }
  for (const file of readdirSync(stacksFixtures)
    .filter((f) => f.endsWith('.prof'))
    .sort()) {
    it(`stacks/${file}`, { timeout: 60_000 }, () => {
      const set = readWith(cprofile, new Uint8Array(readFileSync(join(stacksFixtures, file))));
      cProfileCase('cProfile dumps', file, set.whole);
    });
  }
  // The issue asks 99%; today 98.61% (floor, raise it as the fit improves). The corpus caps
  // it at 98.75%: 51 of the 4,095 functions measured are ones the consistency check names
  // (their own numbers put their ct out of reach), so 99% would need some of them too.
  it('at least 98.5% of all functions keep ct', () => {
    const t = tallies.get('cProfile dumps') as Tally;
    expect(t.kept / t.considered).toBeGreaterThanOrEqual(0.985);
  });
});

describe('stacks keep cumulative times: lsprof pickles of the corpus', () => {
  for (const entry of lsprofCorpus.lsprofFixtures()) {
    it(entry.file, { timeout: 60_000 }, () => {
      const set = readWith(lsprof, lsprofCorpus.readFixture(entry.file));
      for (const [k, part] of set.parts.entries())
        cProfileCase('lsprof pickles', `${entry.file}#${k}`, part);
    });
  }
  // The issue asks 99%; today 91.02%, the misses in breezy's import cycle (floor).
  it('at least 90.5% of all functions keep ct', () => {
    const t = tallies.get('lsprof pickles') as Tally;
    expect(t.kept / t.considered).toBeGreaterThanOrEqual(0.905);
  });
});

describe('stacks keep cumulative times: profile-module dumps (edges carry counts only)', () => {
  for (const entry of pstatsCorpus.pstatsFixtures()) {
    if (entry.producer !== 'profile') continue;
    it(entry.file, { timeout: 60_000 }, () => {
      const set = readWith(cprofile, pstatsCorpus.readFixture(entry.file));
      expect(check('profile-module dumps', set.whole).worst).toBeLessThanOrEqual(0.02);
    });
  }
  it('at least 95% of all functions keep ct', () => {
    const t = tallies.get('profile-module dumps') as Tally;
    expect(t.kept / t.considered).toBeGreaterThanOrEqual(0.95);
  });
});

describe('hotshot logs keep their exact trees', () => {
  for (const entry of hotshotCorpus.hotshotFixtures()) {
    it(entry.file, { timeout: 60_000 }, () => {
      const set = readWith(hotshot, hotshotCorpus.readFixture(entry.file), {
        needs: { callTree: true, timeline: true },
      });
      for (const part of set.parts) {
        const stacks = deriveStacks(part);
        expect(stacks.origin).not.toBe('reconstructed');
        expect(stacks.label).toBe('exact call tree');
        const measure = measureCumulativeTime(part, stacks);
        expect(measure.kept).toBe(measure.considered);
      }
    });
  }
});
