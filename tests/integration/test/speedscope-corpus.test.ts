// The readers' corpus through the speedscope writer: every pstats dump, lsprof pickle and
// hotshot log opens in speedscope (schema + importer rules) and adds up per function. For
// the `medium` program, all time but the profiler's bookkeeping sits under the entry point
// (`builtins.exec` / 2.7's `<module>` / the profile module's command entry); for
// `decorators`, the two `decorated` closures are separate frames.
// Timeouts are generous: reconstructing a real import-heavy dump takes a second or two.
import {
  functionFile,
  functionName,
  type Profile,
  type ProfileSet,
  readWith,
  writeToString,
} from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { lsprof } from '@pyprof/input-lsprof';
import { speedscope, speedscopeNeeds } from '@pyprof/output-speedscope';
import {
  conservationProblems,
  frameFunctions,
  type SpeedscopeFile,
  type SpeedscopeSampledProfile,
  speedscopeProblems,
} from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import * as pstatsCorpus from '../../../packages/input-cprofile/test/corpus.js';
import * as hotshotCorpus from '../../../packages/input-hotshot/test/corpus.js';
import * as lsprofCorpus from '../../../packages/input-lsprof/test/corpus.js';

function written(set: ProfileSet, options: Record<string, unknown> = {}): SpeedscopeFile {
  const text = writeToString(speedscope, set, { options });
  expect(speedscopeProblems(text)).toEqual([]);
  const file = JSON.parse(text) as SpeedscopeFile;
  for (let k = 0; k < set.parts.length; k++) expect(conservationProblems(file, set, k)).toEqual([]);
  return file;
}

describe('speedscope output of every corpus pstats dump', () => {
  for (const entry of pstatsCorpus.pstatsFixtures()) {
    it(entry.file, { timeout: 60_000 }, () => {
      const set = readWith(cprofile, pstatsCorpus.readFixture(entry.file));
      const file = written(set);
      expect(file.profiles[0]?.name).toContain('stacks reconstructed');
    });
  }
});

describe('speedscope output of every corpus lsprof pickle', () => {
  for (const entry of lsprofCorpus.lsprofFixtures()) {
    it(entry.file, { timeout: 60_000 }, () => {
      const set = readWith(lsprof, lsprofCorpus.readFixture(entry.file));
      const file = written(set);
      expect(file.profiles).toHaveLength(set.parts.length);
    });
  }
});

describe('speedscope output of every corpus hotshot log', () => {
  for (const entry of hotshotCorpus.hotshotFixtures()) {
    it(`${entry.file}: evented, exact tree and reconstructed`, { timeout: 60_000 }, () => {
      const bytes = hotshotCorpus.readFixture(entry.file);
      const exact = readWith(hotshot, bytes, { needs: speedscope.needs ?? {} });
      expect(written(exact).profiles.map((p) => p.type)).toEqual(exact.parts.map(() => 'evented'));
      const tree = readWith(hotshot, bytes, { needs: speedscopeNeeds({ mode: 'sampled' }) });
      expect(written(tree, { mode: 'sampled' }).profiles[0]?.name).toContain('exact call tree');
      const aggregate = readWith(hotshot, bytes, { needs: {} });
      expect(written(aggregate).profiles[0]?.name).toContain('stacks reconstructed');
    });
  }
});

/** The profiler's own entries, which run outside the program (README: "bookkeeping"). */
function isBookkeeping(profile: Profile, fn: number): boolean {
  const name = functionName(profile, fn);
  const file = functionFile(profile, fn);
  return (
    name === "<method 'disable' of '_lsprof.Profiler' objects>" ||
    file === 'profile' ||
    (file === '' && name === 'setprofile')
  );
}

/** The entry point: `builtins.exec`, else (2.7) the script's `<module>`; profile module: the command. */
function entryPoint(profile: Profile): number {
  const n = profile.functions.length;
  const find = (test: (name: string, file: string) => boolean) => {
    for (let fn = 0; fn < n; fn++)
      if (test(functionName(profile, fn), functionFile(profile, fn))) return fn;
    return -1;
  };
  if (profile.metadata.producer === 'profile')
    return find((name, file) => file === 'profile' && name !== 'profiler');
  const exec = find((name) => name === '<built-in method builtins.exec>');
  return exec >= 0
    ? exec
    : find((name, file) => name === '<module>' && file.endsWith('/programs/medium.py'));
}

/**
 * Functions whose only recorded caller is themselves: cProfile keeps one entry for two code
 * objects with the same (file, line, name) — a comprehension nested in another on one line
 * (3.x ≤ 3.11) — so the inner one survives and the outer one's caller is lost (corpus
 * README, "quirks"). Nothing in the file says where they ran; they stay roots of their own.
 */
function orphans(profile: Profile): Set<number> {
  const other = new Uint8Array(profile.functions.length);
  const any = new Uint8Array(profile.functions.length);
  const { caller, callee } = profile.calls;
  for (let e = 0; e < profile.calls.length; e++) {
    any[callee[e] as number] = 1;
    if (caller[e] !== callee[e]) other[callee[e] as number] = 1;
  }
  const out = new Set<number>();
  for (let fn = 0; fn < profile.functions.length; fn++)
    if (any[fn] === 1 && other[fn] === 0) out.add(fn);
  return out;
}

describe('medium: everything but the bookkeeping sits under the entry point', () => {
  const medium = pstatsCorpus.pstatsFixtures().filter((e) => e.program === 'medium');
  it('covers every Python version and both profilers', () => {
    expect(medium.length).toBe(14);
  });
  for (const entry of medium) {
    it(entry.file, { timeout: 60_000 }, () => {
      const set = readWith(cprofile, pstatsCorpus.readFixture(entry.file));
      const profile = set.whole;
      const file = written(set);
      const functions = frameFunctions(file, set, profile);
      const entryFn = entryPoint(profile);
      const entryFrames = new Set(
        [...functions].filter(([, fn]) => fn === entryFn).map(([f]) => f),
      );
      expect(entryFrames.size).toBe(1);
      const orphaned = orphans(profile);
      const sampled = file.profiles[0] as SpeedscopeSampledProfile;
      let underEntry = 0;
      let bookkeeping = 0;
      let underOrphans = 0;
      let total = 0;
      sampled.samples.forEach((stack, k) => {
        const weight = sampled.weights[k] as number;
        const leaf = functions.get(stack.at(-1) as number) as number;
        total += weight;
        if (stack.some((frame) => entryFrames.has(frame))) underEntry += weight;
        else if (orphaned.has(functions.get(stack[0] as number) as number)) underOrphans += weight;
        else {
          expect(isBookkeeping(profile, leaf), functionName(profile, leaf)).toBe(true);
          bookkeeping += weight;
        }
      });
      let expectedBookkeeping = 0;
      for (let fn = 0; fn < profile.functions.length; fn++)
        if (isBookkeeping(profile, fn) && fn !== entryFn)
          expectedBookkeeping += profile.functions.selfTime[fn] as number;
      expect(underEntry + bookkeeping + underOrphans).toBeCloseTo(total, 15);
      expect(bookkeeping).toBeLessThanOrEqual(expectedBookkeeping + 1e-15);
      if (orphaned.size === 0) expect(underOrphans).toBe(0);
      expect(underEntry).toBeGreaterThanOrEqual(total - expectedBookkeeping - underOrphans - 1e-12);
    });
  }
});

describe('decorators: the two `decorated` closures are separate frames', () => {
  const fixtures = pstatsCorpus.pstatsFixtures().filter((e) => e.program === 'decorators');
  for (const entry of fixtures) {
    it(entry.file, { timeout: 60_000 }, () => {
      const set = readWith(cprofile, pstatsCorpus.readFixture(entry.file));
      const profile = set.whole;
      const file = written(set);
      const functions = frameFunctions(file, set, profile);
      // yappi names them `Branch.decorated`.
      const decorated = [...functions]
        .filter(([, fn]) => /^(?:\w+\.)?decorated$/.test(functionName(profile, fn)))
        .sort(
          (a, b) =>
            (file.shared.frames[a[0]]?.line as number) - (file.shared.frames[b[0]]?.line as number),
        );
      const frames = decorated.map(([frame]) => file.shared.frames[frame]);
      expect(frames.map((f) => f?.line)).toEqual([31, 46]);
      expect(frames[0]?.name).toMatch(/decorated:31$/);
      expect(frames[1]?.name).toMatch(/decorated:46$/);
      // Both carry their own time, as pstats says.
      const sampled = file.profiles[0] as SpeedscopeSampledProfile;
      for (const [frame, fn] of decorated) {
        const weight = sampled.samples.reduce(
          (sum, stack, k) => (stack.at(-1) === frame ? sum + (sampled.weights[k] as number) : sum),
          0,
        );
        expect(weight).toBeCloseTo(profile.functions.selfTime[fn] as number, 15);
      }
    });
  }
});
