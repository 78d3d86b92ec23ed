// Call trees: the exact one from a timeline, and the reconstruction from an aggregate call
// graph — its roots (exec inside exec, the profile module's root, unreached cycles), its
// shares (edge self and cumulative times, counts only where times are absent), its budget
// with `(pruned)` frames, and conservation: per function, stacks sum to its self time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CallTree,
  callTreeFromTimeline,
  functionName,
  PRUNED_FRAME,
  type Profile,
  ProfileBuilder,
  reconstructCallTree,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
  type Timeline,
} from '../src/index.js';

type Edge = [caller: string, callee: string, calls: number, self: number, inclusive: number];

/** A profile from function rows `name: [calls, self, inclusive]` and edges. */
function graph(
  functions: Record<string, [number, number, number]>,
  edges: Edge[],
  producer = 'cProfile',
): Profile {
  const b = new ProfileBuilder({ format: 'test', producer });
  const row = new Map<string, number>();
  for (const [name, [calls, self, inclusive]] of Object.entries(functions)) {
    const builtin = name.startsWith('<');
    const fn = b.addFunction(
      builtin ? '~' : 'app.py',
      builtin ? 0 : row.size + 1,
      name,
      builtin ? 'builtin' : 'python',
    );
    b.addFunctionStats(fn, {
      callCount: calls,
      primitiveCallCount: calls,
      selfTime: self,
      inclusiveTime: inclusive,
    });
    row.set(name, fn);
  }
  for (const [caller, callee, calls, self, inclusive] of edges) {
    b.addCall(row.get(caller) as number, row.get(callee) as number, {
      callCount: calls,
      primitiveCallCount: Number.isNaN(self) ? Number.NaN : calls,
      selfTime: self,
      inclusiveTime: inclusive,
    });
  }
  return b.build();
}

const nameOf = (profile: Profile, fn: number) =>
  fn === PRUNED_FRAME ? '(pruned)' : functionName(profile, fn);

/** Stacks `a;b;c` → weight, for nodes with a weight. */
function stacks(profile: Profile, tree: CallTree): Map<string, number> {
  const paths: string[] = [];
  const out = new Map<string, number>();
  for (let k = 0; k < tree.length; k++) {
    const parent = tree.parent[k] as number;
    const name = nameOf(profile, tree.function[k] as number);
    paths.push(parent < 0 ? name : `${paths[parent]};${name}`);
    const w = tree.selfTime[k] as number;
    if (w > 0) out.set(paths[k] as string, (out.get(paths[k] as string) ?? 0) + w);
  }
  return out;
}

function rounded(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map].map(([k, v]) => [k, Number(v.toPrecision(12))]));
}

/** Asserts the tree's structural rules and conservation against the profile. */
function expectConserved(profile: Profile, tree: CallTree): void {
  const n = profile.functions.length;
  const sums = new Float64Array(n);
  let total = 0;
  let expectedTotal = 0;
  for (let k = 0; k < tree.length; k++) {
    const parent = tree.parent[k] as number;
    expect(parent).toBeLessThan(k);
    const fn = tree.function[k] as number;
    const w = tree.selfTime[k] as number;
    expect(w).toBeGreaterThanOrEqual(0);
    if (fn === PRUNED_FRAME) {
      expect(w).toBe(0);
      continue;
    }
    expect(fn).toBeLessThan(n);
    sums[fn] = (sums[fn] as number) + w;
    total += w;
    // No function twice on one stack.
    for (let a = parent; a >= 0; a = tree.parent[a] as number)
      expect(tree.function[a]).not.toBe(fn);
  }
  for (let f = 0; f < n; f++) {
    const self = profile.functions.selfTime[f] as number;
    const expected = self > 0 && Number.isFinite(self) ? self : 0;
    expectedTotal += expected;
    expect(Math.abs((sums[f] as number) - expected)).toBeLessThanOrEqual(1e-12 + 1e-9 * expected);
  }
  expect(Math.abs(total - expectedTotal)).toBeLessThanOrEqual(1e-12 + 1e-9 * expectedTotal);
}

describe('reconstructCallTree', () => {
  it('rebuilds a tree-shaped run exactly', () => {
    const p = graph(
      {
        main: [1, 1, 15],
        left: [1, 2, 6.5],
        right: [1, 3, 7.5],
        shared: [2, 8, 8],
        '<len>': [1, 0.5, 0.5],
      },
      [
        ['main', 'left', 1, 2, 6.5],
        ['main', 'right', 1, 3, 7.5],
        ['left', 'shared', 1, 4, 4],
        ['left', '<len>', 1, 0.5, 0.5],
        ['right', 'shared', 1, 4, 4.5],
        ['right', 'shared', 0, 0, 0],
      ],
    );
    const tree = reconstructCallTree(p);
    expectConserved(p, tree);
    expect(rounded(stacks(p, tree))).toEqual({
      main: 1,
      'main;left': 2,
      'main;left;shared': 4,
      'main;left;<len>': 0.5,
      'main;right': 3,
      'main;right;shared': 4,
    });
    expect(tree.rootFunctions.map((f) => functionName(p, f))).toEqual(['main']);
    expect(tree.budgetReached).toBe(false);
    expect(tree.shares).toBe('edge-times');
  });

  it("places self time by each edge's self time and descendants by its cumulative time", () => {
    // h's own time: 1 s under a, 3 s under b; its cumulative time: 6 s under a, 2 s under b,
    // so k (called only by h) goes 3:1 to a's side.
    const p = graph({ main: [1, 0, 12], a: [1, 0, 6], b: [1, 0, 2], h: [2, 4, 8], k: [2, 4, 4] }, [
      ['main', 'a', 1, 0, 6],
      ['main', 'b', 1, 0, 2],
      ['a', 'h', 1, 1, 6],
      ['b', 'h', 1, 3, 2],
      ['h', 'k', 2, 4, 4],
    ]);
    const tree = reconstructCallTree(p);
    expectConserved(p, tree);
    expect(rounded(stacks(p, tree))).toEqual({
      'main;a;h': 1,
      'main;b;h': 3,
      'main;a;h;k': 3,
      'main;b;h;k': 1,
    });
  });

  it('uses call counts only where edges have no times (the profile module)', () => {
    const p = graph(
      { main: [1, 0, 8], a: [1, 0, 2], b: [3, 0, 6], h: [4, 8, 8] },
      [
        ['main', 'a', 1, Number.NaN, Number.NaN],
        ['main', 'b', 3, Number.NaN, Number.NaN],
        ['a', 'h', 1, Number.NaN, Number.NaN],
        ['b', 'h', 3, Number.NaN, Number.NaN],
      ],
      'profile',
    );
    const tree = reconstructCallTree(p);
    expectConserved(p, tree);
    expect(tree.shares).toBe('call-counts');
    expect(rounded(stacks(p, tree))).toEqual({ 'main;a;h': 2, 'main;b;h': 6 });
  });

  it('roots at builtins.exec even when exec also runs inside itself (imports)', () => {
    // python -m cProfile: exec runs the script, whose import runs exec again. No function
    // lacks callers except the profiler's disable, yet exec has one call no caller recorded.
    const p = graph(
      {
        '<built-in method builtins.exec>': [2, 0.5, 10],
        '<module>': [1, 1, 9.5],
        _find_and_load: [1, 1, 4],
        'lib.<module>': [1, 2, 2.5],
        work: [1, 5, 5],
        "<method 'disable' of '_lsprof.Profiler' objects>": [1, 0.25, 0.25],
      },
      [
        ['<built-in method builtins.exec>', '<module>', 1, 1, 9.5],
        ['<module>', '_find_and_load', 1, 1, 4],
        ['_find_and_load', '<built-in method builtins.exec>', 1, 0.2, 3],
        ['<built-in method builtins.exec>', 'lib.<module>', 1, 2, 2.5],
        ['<module>', 'work', 1, 5, 5],
      ],
    );
    const tree = reconstructCallTree(p);
    expectConserved(p, tree);
    expect(tree.rootFunctions.map((f) => functionName(p, f))).toEqual([
      '<built-in method builtins.exec>',
      "<method 'disable' of '_lsprof.Profiler' objects>",
    ]);
    for (const stack of stacks(p, tree).keys()) {
      expect(
        stack.startsWith('<built-in method builtins.exec>') ||
          stack.startsWith("<method 'disable'"),
      ).toBe(true);
    }
    // The nested exec's own time stays on exec (folded into the root frame).
    expect(stacks(p, tree).get('<built-in method builtins.exec>')).toBeCloseTo(0.5, 12);
  });

  it("roots at the profile module's profiler entry, whose count is zero", () => {
    const p = graph(
      {
        profiler: [0, 0, 0],
        cmd: [1, 0.1, 3],
        exec: [1, 0.2, 2.8],
        '<module>': [1, 2.6, 2.6],
        setprofile: [1, 0.05, 0.05],
      },
      [
        ['profiler', 'cmd', 1, Number.NaN, Number.NaN],
        ['cmd', 'exec', 1, Number.NaN, Number.NaN],
        ['cmd', 'setprofile', 1, Number.NaN, Number.NaN],
        ['exec', '<module>', 1, Number.NaN, Number.NaN],
      ],
      'profile',
    );
    const tree = reconstructCallTree(p);
    expectConserved(p, tree);
    expect(rounded(stacks(p, tree))).toEqual({
      'profiler;cmd': 0.1,
      'profiler;cmd;exec': 0.2,
      'profiler;cmd;exec;<module>': 2.6,
      'profiler;cmd;setprofile': 0.05,
    });
  });

  it('keeps recursion on the outermost frame: no function twice on a stack', () => {
    // fib(4) from main: cProfile records fib 9/1 calls, callers main (1) and fib (8).
    const p = graph({ main: [1, 0.1, 1.0], fib: [9, 0.9, 0.9] }, [
      ['main', 'fib', 1, 0.1, 0.9],
      ['fib', 'fib', 8, 0.8, 0.7],
    ]);
    const tree = reconstructCallTree(p);
    expectConserved(p, tree);
    expect(rounded(stacks(p, tree))).toEqual({ main: 0.1, 'main;fib': 0.9 });
  });

  it('cuts mutual recursion and keeps every second on its function', () => {
    const p = graph({ main: [1, 0.3, 2.1], even: [4, 0.8, 1.2], odd: [3, 1.0, 1.6] }, [
      ['main', 'even', 1, 0.2, 1.2],
      ['main', 'odd', 1, 0.4, 0.6],
      ['even', 'odd', 2, 0.6, 1.0],
      ['odd', 'even', 3, 0.6, 0.9],
    ]);
    const tree = reconstructCallTree(p);
    expectConserved(p, tree);
    expect([...stacks(p, tree).keys()].sort()).toEqual([
      'main',
      'main;even',
      'main;even;odd',
      'main;odd',
      'main;odd;even',
    ]);
  });

  it('gives a cycle nobody enters its heaviest function as a root', () => {
    const p = graph({ a: [2, 1, 3], b: [2, 2, 2.5] }, [
      ['a', 'b', 2, 2, 2.5],
      ['b', 'a', 2, 1, 3],
    ]);
    const tree = reconstructCallTree(p);
    expectConserved(p, tree);
    expect(tree.rootFunctions.map((f) => functionName(p, f))).toEqual(['a']);
    expect(rounded(stacks(p, tree))).toEqual({ a: 1, 'a;b': 2 });
  });

  it('turns what the stack budget cuts into (pruned) frames, keeping each leaf', () => {
    // main calls 6 workers, each calls its own helper: 13 stacks, budget 7.
    const functions: Record<string, [number, number, number]> = { main: [1, 0, 63] };
    const edges: Edge[] = [];
    for (let k = 1; k <= 6; k++) {
      functions[`w${k}`] = [1, k, 2 * k + 1];
      functions[`h${k}`] = [1, k + 1, k + 1];
      edges.push(['main', `w${k}`, 1, k, 2 * k + 1], [`w${k}`, `h${k}`, 1, k + 1, k + 1]);
    }
    const p = graph(functions, edges);
    const tree = reconstructCallTree(p, { maxStacks: 7 });
    expectConserved(p, tree);
    expect(tree.budgetReached).toBe(true);
    // The 7 heaviest stacks by cumulative time (main, w6 13 s, w5 11 s, w4 9 s, w3 7 s,
    // h6 7 s, h5 6 s) are kept as they are; what was cut sits under a (pruned) frame where
    // the cut was made, each second on its own function.
    expect(rounded(stacks(p, tree))).toEqual({
      'main;w6': 6,
      'main;w6;h6': 7,
      'main;w5': 5,
      'main;w5;h5': 6,
      'main;w4': 4,
      'main;w4;(pruned);h4': 5,
      'main;w3': 3,
      'main;w3;(pruned);h3': 4,
      'main;(pruned);w2': 2,
      'main;(pruned);h2': 3,
      'main;(pruned);w1': 1,
      'main;(pruned);h1': 2,
    });
    expect(tree.prunedTime).toBeCloseTo(5 + 4 + 2 + 3 + 1 + 2, 9);
  });

  it('cuts stacks deeper than maxDepth under (pruned), leaf kept', () => {
    const functions: Record<string, [number, number, number]> = {};
    const edges: Edge[] = [];
    for (let k = 0; k < 8; k++) functions[`f${k}`] = [1, 1, 8 - k];
    for (let k = 0; k < 7; k++) edges.push([`f${k}`, `f${k + 1}`, 1, 1, 7 - k]);
    const p = graph(functions, edges);
    const tree = reconstructCallTree(p, { maxDepth: 3 });
    expectConserved(p, tree);
    const s = rounded(stacks(p, tree));
    expect(s).toMatchObject({ f0: 1, 'f0;f1': 1, 'f0;f1;f2': 1, 'f0;f1;f2;(pruned);f3': 1 });
    for (const stack of Object.keys(s)) expect(stack.split(';').length).toBeLessThanOrEqual(5);
    expect(Object.values(s).reduce((a, b) => a + b, 0)).toBeCloseTo(8, 12);
  });

  it('is deterministic', () => {
    const p = graph({ main: [1, 0.3, 2.1], even: [4, 0.8, 1.2], odd: [3, 1.0, 1.6] }, [
      ['main', 'even', 1, 0.2, 1.2],
      ['main', 'odd', 1, 0.4, 0.6],
      ['even', 'odd', 2, 0.6, 1.0],
      ['odd', 'even', 3, 0.6, 0.9],
    ]);
    const a = reconstructCallTree(p, { maxStacks: 3 });
    const b = reconstructCallTree(p, { maxStacks: 3 });
    expect([...b.parent]).toEqual([...a.parent]);
    expect([...b.function]).toEqual([...a.function]);
    expect([...b.selfTime]).toEqual([...a.selfTime]);
  });

  it('returns an empty tree for an empty profile', () => {
    const tree = reconstructCallTree(new ProfileBuilder({ format: 'test' }).build());
    expect(tree.length).toBe(0);
    expect(tree.totalTime).toBe(0);
  });

  it('conserves time on any call graph, however inconsistent its numbers', () => {
    const number = fc.oneof(
      fc.double({ min: 0, max: 10, noNaN: true }),
      fc.constant(Number.NaN),
      fc.constant(-1),
      fc.constant(0),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            functions: fc.array(fc.tuple(fc.nat({ max: 5 }), number, number), {
              minLength: n,
              maxLength: n,
            }),
            edges: fc.array(
              fc.tuple(
                fc.nat({ max: n - 1 }),
                fc.nat({ max: n - 1 }),
                fc.nat({ max: 4 }),
                number,
                number,
              ),
              { maxLength: 30 },
            ),
            maxStacks: fc.integer({ min: 1, max: 40 }),
            maxDepth: fc.integer({ min: 1, max: 6 }),
          }),
        ),
        ({ functions, edges, maxStacks, maxDepth }) => {
          const b = new ProfileBuilder({ format: 'test' });
          const rows = functions.map(([calls, self, inclusive], k) => {
            const fn = b.addFunction('g.py', k + 1, `f${k}`);
            b.addFunctionStats(fn, {
              callCount: calls,
              primitiveCallCount: calls,
              selfTime: self,
              inclusiveTime: inclusive,
            });
            return fn;
          });
          for (const [g, h, calls, self, inclusive] of edges) {
            b.addCall(rows[g] as number, rows[h] as number, {
              callCount: calls,
              primitiveCallCount: calls,
              selfTime: self,
              inclusiveTime: inclusive,
            });
          }
          const p = b.build();
          const tree = reconstructCallTree(p, { maxStacks, maxDepth });
          expectConserved(p, tree);
          let depth = 0;
          const depths = new Int32Array(tree.length);
          for (let k = 0; k < tree.length; k++) {
            const parent = tree.parent[k] as number;
            depths[k] = parent < 0 ? 1 : (depths[parent] as number) + 1;
            depth = Math.max(depth, depths[k] as number);
          }
          expect(depth).toBeLessThanOrEqual(maxDepth + 2);
          const roots = tree.rootFunctions.length;
          expect(tree.length).toBeLessThanOrEqual(
            2 * Math.max(maxStacks, roots) + 2 * p.functions.length + roots,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A timeline from `[kind, function, time]` events. */
function timeline(events: Array<[number, number, number]>): Timeline {
  return {
    length: events.length,
    kind: Uint8Array.from(events.map((e) => e[0])),
    function: Uint32Array.from(events.map((e) => e[1])),
    time: Float64Array.from(events.map((e) => e[2])),
  };
}

describe('callTreeFromTimeline', () => {
  it('gives one node per distinct stack with its own time and entry count', () => {
    // main(0..10) calls f (1..3), f (4..6) which calls g (5..5.5), then g (7..9).
    const events: Array<[number, number, number]> = [
      [TIMELINE_ENTER, 0, 0],
      [TIMELINE_ENTER, 1, 1],
      [TIMELINE_EXIT, 1, 3],
      [TIMELINE_ENTER, 1, 4],
      [TIMELINE_ENTER, 2, 5],
      [TIMELINE_EXIT, 2, 5.5],
      [TIMELINE_EXIT, 1, 6],
      [TIMELINE_ENTER, 2, 7],
      [TIMELINE_EXIT, 2, 9],
      [TIMELINE_EXIT, 0, 10],
    ];
    const tree = callTreeFromTimeline(timeline(events));
    expect([...tree.parent]).toEqual([-1, 0, 1, 0]);
    expect([...tree.function]).toEqual([0, 1, 2, 2]);
    expect([...tree.selfTime]).toEqual([4, 3.5, 0.5, 2]);
    expect([...tree.callCount]).toEqual([1, 2, 1, 1]);
  });

  it('closes frames an exit skips and ignores an exit with nothing to match', () => {
    const events: Array<[number, number, number]> = [
      [TIMELINE_EXIT, 5, 0],
      [TIMELINE_ENTER, 0, 1],
      [TIMELINE_ENTER, 1, 2],
      [TIMELINE_EXIT, 0, 4],
      [TIMELINE_ENTER, 2, 5],
    ];
    const tree = callTreeFromTimeline(timeline(events));
    expect([...tree.parent]).toEqual([-1, 0, -1]);
    expect([...tree.selfTime]).toEqual([1, 2, 0]);
  });
});

describe('reconstructCallTree regressions', () => {
  it('keeps a leftover function that is its own root on its root frame, not twice on one stack', () => {
    // Regression (fast-check seed 1269515085): with a budget of one stack, f1's own time was
    // placed under f1;(pruned);f1.
    const b = new ProfileBuilder({ format: 'test' });
    const f0 = b.addFunction('g.py', 1, 'f0');
    const f1 = b.addFunction('g.py', 2, 'f1');
    b.addFunctionStats(f1, {
      callCount: 4,
      primitiveCallCount: 4,
      selfTime: 1.5717277847026288e-162,
      inclusiveTime: -1,
    });
    b.addCall(f0, f1, {
      callCount: 0,
      primitiveCallCount: 0,
      selfTime: 1.5717277847026288e-162,
      inclusiveTime: -1,
    });
    b.addCall(f1, f0, {
      callCount: 0,
      primitiveCallCount: 0,
      selfTime: Number.NaN,
      inclusiveTime: 0,
    });
    const p = b.build();
    const tree = reconstructCallTree(p, { maxStacks: 1, maxDepth: 1 });
    expectConserved(p, tree);
    expect([...tree.function]).toEqual([f1]);
  });
});
