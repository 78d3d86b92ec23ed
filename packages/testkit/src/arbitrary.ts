/**
 * fast-check generators of runs, profiles and profile sets for property tests. They
 * produce every shape the canonical profiles name — recursion, cycles, several roots,
 * count-only edges, timelines, several threads — and adversarial identities: same names
 * in one file, same basenames in different folders, `__init__.py`, names that concatenate
 * alike (`ab`+`c.py` vs `a`+`bc.py`), names starting `(` + digit, control characters,
 * Windows paths, escaped non-UTF-8 bytes. A writer property that holds here cannot pass
 * only because the input was tame.
 */
import { makeProfileSet, type Profile, type ProfileSet, singleProfileSet } from '@pyprof/core';
import fc from 'fast-check';
import { type Activation, profileFromRun, type Run, type RunFunction } from './simulate.js';

const FILES = [
  '/src/pkg_a/util.py',
  '/src/pkg_b/util.py',
  '/src/pkg_a/__init__.py',
  '/src/pkg_b/__init__.py',
  'c.py',
  'bc.py',
  'C:\\proj\\win.py',
  '<string>',
  '<frozen importlib._bootstrap>',
  '/usr/lib/python3.11/json/decoder.py',
  '/srv/naïve dir/mod ü.py',
  '/srv/latin\udce9.py',
];
const NAMES = [
  'decorated',
  'run',
  'setup',
  'ab',
  'a',
  '(1)x',
  '(2',
  ' padded ',
  '<lambda>',
  '<module>',
  'grüße',
  'new\nline',
  '???',
  'f',
  'tab\tname',
];
const BUILTINS = [
  '<built-in method builtins.len>',
  "<method 'append' of 'list' objects>",
  'len',
  '<len>',
];

export const arbitraryFunction: fc.Arbitrary<RunFunction> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      file: fc.constantFrom(...FILES),
      line: fc.constantFrom(1, 3, 31, 46, 100),
      name: fc.constantFrom(...NAMES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      file: fc.constantFrom('~', ''),
      line: fc.constant(0),
      name: fc.constantFrom(...BUILTINS),
      kind: fc.constant('builtin' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      file: fc.constant('profile'),
      line: fc.constant(0),
      name: fc.constantFrom('profiler', '<code object <module>, file "x.py", line 1>'),
      kind: fc.constant('synthetic' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      file: fc.string({ maxLength: 12 }),
      line: fc.integer({ min: 0, max: 5000 }),
      name: fc.string({ maxLength: 12 }),
    }),
  },
);

const selfTime = fc.oneof(
  fc.constant(0),
  fc.double({ min: 1e-9, max: 0.01, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 1, max: 2000 }).map((us) => us * 1e-6),
);

export interface RunConstraints {
  maxFunctions?: number;
  maxSteps?: number;
}

/**
 * A run built from a list of steps: each step leaves `up` levels of the current stack,
 * then calls a function (so repeats are recursion, and returning to depth 0 makes another
 * root).
 */
export function arbitraryRun(constraints: RunConstraints = {}): fc.Arbitrary<Run> {
  return fc
    .record({
      functions: fc.uniqueArray(arbitraryFunction, {
        minLength: 1,
        maxLength: constraints.maxFunctions ?? 10,
        selector: (f) => `${f.file}\u0000${f.line}\u0000${f.name}`,
      }),
      steps: fc.array(
        fc.record({
          fn: fc.nat(),
          up: fc.nat({ max: 3 }),
          self: selfTime,
          line: fc.nat({ max: 200 }),
        }),
        {
          minLength: 1,
          maxLength: constraints.maxSteps ?? 40,
        },
      ),
    })
    .map(({ functions, steps }) => {
      const roots: Activation[] = [];
      const stack: Activation[] = [];
      for (const step of steps) {
        for (let k = 0; k < step.up && stack.length > 0; k++) stack.pop();
        const activation: Activation = {
          fn: step.fn % functions.length,
          self: step.self,
          line: step.line,
        };
        const parent = stack[stack.length - 1];
        if (parent) {
          parent.children = [...(parent.children ?? []), activation];
        } else roots.push(activation);
        stack.push(activation);
      }
      return { functions, roots };
    });
}

export interface ProfileConstraints extends RunConstraints {
  /** Allow count-only edges (the `profile` module's shape). Default true. */
  countOnly?: boolean;
  /** Allow exact timelines. Default true. */
  timeline?: boolean;
}

export function arbitraryProfile(constraints: ProfileConstraints = {}): fc.Arbitrary<Profile> {
  return fc
    .record({
      run: arbitraryRun(constraints),
      edges:
        constraints.countOnly === false
          ? fc.constant('timed' as const)
          : fc.constantFrom('timed' as const, 'counts' as const),
      timeline: constraints.timeline === false ? fc.constant(false) : fc.boolean(),
    })
    .map(({ run, edges, timeline }) =>
      profileFromRun(run, {
        edges,
        timeline,
        metadata: edges === 'counts' ? { producer: 'profile' } : {},
      }),
    );
}

/** One to three profiles (threads) with their merged whole. */
export function arbitraryProfileSet(
  constraints: ProfileConstraints = {},
): fc.Arbitrary<ProfileSet> {
  return fc.array(arbitraryProfile(constraints), { minLength: 1, maxLength: 3 }).map((parts) =>
    parts.length === 1
      ? singleProfileSet(parts[0] as Profile)
      : makeProfileSet(
          parts.map((p, i) => ({
            ...p,
            metadata: { ...p.metadata, label: `thread ${i}`, threadId: String(i + 1) },
          })),
        ),
  );
}

/**
 * Real bytes with a few bytes overwritten: one of `seeds`, with 1 to `maxEdits` positions
 * set to arbitrary values (the fuzz input that finds the most reader bugs per run).
 */
export function arbitraryMutation(
  seeds: readonly Uint8Array[],
  maxEdits = 8,
): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: maxEdits,
      }),
    )
    .map(([seed, edits]) => {
      const copy = seed.slice();
      for (const [at, value] of edits) copy[at % copy.length] = value;
      return copy;
    });
}

/**
 * Real bytes with a piece of themselves copied in elsewhere: one of `seeds` with the bytes
 * `[from, to)` inserted at `at` — opcodes and records moved around, every byte still one
 * the format uses.
 */
export function arbitrarySplice(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat(), fc.nat())
    .map(([seed, a, b, c]) => {
      const [from, to] = [a % seed.length, b % seed.length].sort((x, y) => x - y) as [
        number,
        number,
      ];
      const at = c % seed.length;
      const bytes = new Uint8Array(seed.length + to - from);
      bytes.set(seed.subarray(0, at));
      bytes.set(seed.subarray(from, to), at);
      bytes.set(seed.subarray(at), at + to - from);
      return bytes;
    });
}
