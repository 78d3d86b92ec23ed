/**
 * The canonical profiles every writer renders to golden files (pandoc's one
 * `testsuite.native` for every writer): small, named shapes covering what makes writers go
 * wrong — emptiness, diamonds, direct and mutual recursion, several roots, count-only
 * edges (the `profile` module), unicode and same-named functions, several threads.
 */
import {
  makeProfileSet,
  type Profile,
  ProfileBuilder,
  type ProfileSet,
  singleProfileSet,
} from '@pyprof/core';
import { type Activation, profileFromRun, type Run } from './simulate.js';

const A = '/src/app/main.py';
const B = '/src/app/lib/util.py';

function leaf(fn: number, self: number, line?: number): Activation {
  return line === undefined ? { fn, self } : { fn, self, line };
}

const diamondRun: Run = {
  functions: [
    { file: A, line: 1, name: 'main' },
    { file: A, line: 10, name: 'left' },
    { file: A, line: 20, name: 'right' },
    { file: B, line: 5, name: 'shared' },
    { file: '~', line: 0, name: '<built-in method builtins.len>', kind: 'builtin' },
  ],
  roots: [
    {
      fn: 0,
      self: 0.001,
      children: [
        { fn: 1, self: 0.002, line: 3, children: [leaf(3, 0.004, 12), leaf(4, 0.0005, 13)] },
        { fn: 2, self: 0.003, line: 4, children: [leaf(3, 0.006, 22), leaf(3, 0.001, 23)] },
      ],
    },
  ],
};

function fib(n: number): Activation {
  return n < 2
    ? leaf(0, 0.0001 * (n + 1))
    : { fn: 0, self: 0.0002, children: [fib(n - 1), fib(n - 2)] };
}

const recursionRun: Run = {
  functions: [
    { file: A, line: 30, name: 'fib' },
    { file: A, line: 1, name: 'main' },
  ],
  roots: [{ fn: 1, self: 0.0005, children: [fib(5)] }],
};

function evenOdd(n: number): Activation {
  return n === 0 ? leaf(n % 2, 0.0001) : { fn: n % 2, self: 0.0002, children: [evenOdd(n - 1)] };
}

const mutualRun: Run = {
  functions: [
    { file: A, line: 40, name: 'is_even' },
    { file: A, line: 45, name: 'is_odd' },
    { file: A, line: 1, name: 'main' },
  ],
  roots: [{ fn: 2, self: 0.0003, children: [evenOdd(6), evenOdd(3)] }],
};

const severalRootsRun: Run = {
  functions: [
    { file: '~', line: 0, name: '<built-in method builtins.exec>', kind: 'builtin' },
    { file: A, line: 1, name: '<module>' },
    { file: A, line: 5, name: 'work' },
    {
      file: '~',
      line: 0,
      name: "<method 'disable' of '_lsprof.Profiler' objects>",
      kind: 'builtin',
    },
  ],
  roots: [
    {
      fn: 0,
      self: 0.0001,
      children: [{ fn: 1, self: 0.0002, children: [leaf(2, 0.003), leaf(2, 0.002)] }],
    },
    leaf(3, 0.00001),
  ],
};

const unicodeRun: Run = {
  functions: [
    { file: '/src/naïve dir/mod ü.py', line: 1, name: '<module>' },
    { file: '/src/naïve dir/mod ü.py', line: 31, name: 'decorated' },
    { file: '/src/naïve dir/mod ü.py', line: 46, name: 'decorated' },
    { file: '/src/pkg_a/util.py', line: 3, name: 'run' },
    { file: '/src/pkg_b/util.py', line: 3, name: 'run' },
    { file: '/src/pkg_a/__init__.py', line: 1, name: 'setup' },
    { file: '/src/pkg_b/__init__.py', line: 1, name: 'setup' },
    { file: '/src/ünïcode_names.py', line: 7, name: 'grüße' },
    { file: '/src/app/\udce9t\u00e9.py', line: 2, name: 'latin' },
  ],
  roots: [
    {
      fn: 0,
      self: 0.0002,
      children: [
        { fn: 1, self: 0.001, children: [leaf(3, 0.002)] },
        { fn: 2, self: 0.0015, children: [leaf(4, 0.0025)] },
        leaf(5, 0.0001),
        leaf(6, 0.0003),
        leaf(7, 0.0004),
        leaf(8, 0.0006),
      ],
    },
  ],
};

function empty(): Profile {
  return new ProfileBuilder({ format: 'testkit', producer: 'testkit' }).build();
}

function single(): Profile {
  return profileFromRun({ functions: [{ file: A, line: 1, name: 'main' }], roots: [leaf(0, 0.5)] });
}

/** The canonical sets by name. */
export function canonicalProfiles(): Record<string, ProfileSet> {
  const thread = (run: Run, label: string, threadId: string) =>
    profileFromRun(run, { metadata: { label, threadId } });
  return {
    empty: singleProfileSet(empty()),
    single: singleProfileSet(single()),
    diamond: singleProfileSet(profileFromRun(diamondRun)),
    recursion: singleProfileSet(profileFromRun(recursionRun)),
    mutualRecursion: singleProfileSet(profileFromRun(mutualRun)),
    severalRoots: singleProfileSet(profileFromRun(severalRootsRun)),
    countOnlyEdges: singleProfileSet(
      profileFromRun(diamondRun, { edges: 'counts', metadata: { producer: 'profile' } }),
    ),
    unicodeSameNames: singleProfileSet(profileFromRun(unicodeRun)),
    threads: makeProfileSet([
      thread(diamondRun, 'MainThread', '1'),
      thread(recursionRun, 'worker', '2'),
    ]),
    timeline: singleProfileSet(
      profileFromRun(mutualRun, { timeline: true, metadata: { producer: 'hotshot' } }),
    ),
  };
}

/** The runs behind the canonical profiles (for tests that need the exact activations). */
export const canonicalRuns = {
  diamond: diamondRun,
  recursion: recursionRun,
  mutualRecursion: mutualRun,
  severalRoots: severalRootsRun,
  unicodeSameNames: unicodeRun,
};
