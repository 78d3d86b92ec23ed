// Stacks (decision 0017): the one call every stack-drawing writer uses. Exact sources pass
// through; aggregate call graphs are reconstructed so that every function keeps its own time
// exactly and its cumulative time where its numbers are consistent, every adjacent pair of
// real functions is a recorded edge, recursion is unrolled, what the budget cuts stays on
// its branch under a visible frame, callables created inside a function stay under it (the
// context rule), and the consistency check names the functions that contradict themselves.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DiagnosticReport } from '../src/diagnostics.js';
import {
  BUDGET_FRAME,
  checkConsistency,
  deriveStacks,
  functionName,
  type Profile,
  ProfileBuilder,
  reconstructCallTree,
  type Stacks,
  stackSamples,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
} from '../src/index.js';
import { contextRule, ruleFractions } from '../src/stacks/context-rule.js';
import { findEntries } from '../src/stacks/entries.js';
import { stackExpander } from '../src/stacks/expand.js';
import { emptyLightLeaves, layOut, scaleTree } from '../src/stacks/finish.js';
import { callGraph } from '../src/stacks/graph.js';
import { stacksModel } from '../src/stacks.js';

type Edge = [
  caller: string,
  callee: string,
  calls: number,
  self: number,
  inclusive: number,
  primitive?: number,
];
type Row = [calls: number, self: number, inclusive: number, primitive?: number];

/**
 * A profile from function rows `name: [calls, self, inclusive, primitive calls]` and edges;
 * `file.py:10:name` gives a function its file and first line; `name#2` names a second function
 * `name`.
 */
function graph(functions: Record<string, Row>, edges: Edge[], producer = 'cProfile'): Profile {
  const b = new ProfileBuilder({ format: 'test', producer });
  const row = new Map<string, number>();
  for (const [key, [calls, self, inclusive, primitive]] of Object.entries(functions)) {
    const builtin = key.startsWith('<');
    const parts = key.split(':');
    // `<genexpr>#2`: a second function of the same name (the name is what precedes `#`).
    const label = parts.length === 3 ? (parts[2] as string) : key;
    const name = label.replace(/#.*$/, '');
    const file = parts.length === 3 ? (parts[0] as string) : builtin ? '~' : 'app.py';
    const line = parts.length === 3 ? Number(parts[1]) : builtin ? 0 : row.size + 1;
    const fn = b.addFunction(file, line, name, builtin ? 'builtin' : 'python');
    b.addFunctionStats(fn, {
      callCount: calls,
      primitiveCallCount: primitive ?? calls,
      selfTime: self,
      inclusiveTime: inclusive,
    });
    row.set(label, fn);
  }
  for (const [caller, callee, calls, self, inclusive, primitive] of edges) {
    b.addCall(row.get(caller) as number, row.get(callee) as number, {
      callCount: calls,
      primitiveCallCount: Number.isNaN(self) ? Number.NaN : (primitive ?? calls),
      selfTime: self,
      inclusiveTime: inclusive,
    });
  }
  return b.build();
}

const nameOf = (profile: Profile, fn: number) =>
  fn === BUDGET_FRAME ? '(pruned)' : functionName(profile, fn);

/** Stacks `a;b;c` → weight. */
function paths(
  profile: Profile,
  stacks: Stacks,
  label: (profile: Profile, fn: number) => string = nameOf,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { frames, weight } of stackSamples(stacks)) {
    const key = [...frames].map((f) => label(profile, f)).join(';');
    out[key] = Number(((out[key] ?? 0) + weight).toPrecision(10));
  }
  return out;
}

/** Per function, the weight of the stacks containing it (once per stack). */
function containing(profile: Profile, stacks: Stacks): Float64Array {
  const sums = new Float64Array(profile.functions.length);
  for (const { frames, weight } of stackSamples(stacks)) {
    const seen = new Set<number>();
    for (const f of frames) if (f !== BUDGET_FRAME) seen.add(f);
    for (const f of seen) sums[f] = (sums[f] as number) + weight;
  }
  return sums;
}

/** Own time per function exact, the total exact, parents first, adjacent pairs recorded. */
function expectSound(profile: Profile, stacks: Stacks): void {
  const n = profile.functions.length;
  const own = new Float64Array(n);
  const edges = new Set<string>();
  for (let e = 0; e < profile.calls.length; e++)
    edges.add(`${profile.calls.caller[e]}>${profile.calls.callee[e]}`);
  let total = 0;
  let frames = 0;
  for (let v = 0; v < stacks.length; v++) {
    expect(stacks.parent[v]).toBeLessThan(v);
    expect(stacks.selfTime[v]).toBeGreaterThanOrEqual(0);
  }
  for (const { frames: stack, weight } of stackSamples(stacks)) {
    const top = stack[stack.length - 1] as number;
    if (top !== BUDGET_FRAME) own[top] = (own[top] as number) + weight;
    total += weight;
    frames += stack.length;
    for (let k = 1; k < stack.length; k++) {
      const a = stack[k - 1] as number;
      const b = stack[k] as number;
      if (a !== BUDGET_FRAME && b !== BUDGET_FRAME) expect(edges.has(`${a}>${b}`)).toBe(true);
    }
  }
  let expectedTotal = 0;
  for (let f = 0; f < n; f++) {
    const self = profile.functions.selfTime[f] as number;
    const expected = self > 0 && Number.isFinite(self) ? self : 0;
    expectedTotal += expected;
    expect(Math.abs((own[f] as number) - expected)).toBeLessThanOrEqual(1e-12 + 1e-9 * expected);
  }
  expect(Math.abs(total - expectedTotal)).toBeLessThanOrEqual(1e-12 + 1e-9 * expectedTotal);
  expect(Math.abs(stacks.totalTime - total)).toBeLessThanOrEqual(1e-12 + 1e-9 * total);
  expect(stacks.framesWritten).toBe(frames);
}

/**
 * Every function's stacks sum to its cumulative time: within 1e-6, or within `share` of it
 * (the measure allows 1%) where a recursion cycle's numbers are met by an iterative fit.
 */
function expectCumulativeKept(profile: Profile, stacks: Stacks, share = 0): void {
  const got = containing(profile, stacks);
  for (let f = 0; f < profile.functions.length; f++) {
    const ct = profile.functions.inclusiveTime[f] as number;
    const tolerance = Math.max(1e-6, share * ct);
    expect([functionName(profile, f), Math.abs((got[f] as number) - ct) <= tolerance]).toEqual([
      functionName(profile, f),
      true,
    ]);
  }
}

/** The stacks `expected` names within `tolerance` each, any other stack at most `tolerance`. */
function expectPathsClose(
  got: Record<string, number>,
  expected: Record<string, number>,
  tolerance: number,
): void {
  for (const key of new Set([...Object.keys(got), ...Object.keys(expected)])) {
    const off = Math.abs((got[key] ?? 0) - (expected[key] ?? 0));
    expect([key, off <= tolerance]).toEqual([key, true]);
  }
}

const reconstruct = (profile: Profile, need = {}) =>
  deriveStacks(profile, { from: 'call-graph', ...need });

describe('deriveStacks, reconstructed', () => {
  it('rebuilds a tree-shaped run exactly', () => {
    const p = graph(
      {
        main: [1, 1, 14.5],
        left: [1, 2, 6.5],
        right: [1, 3, 7],
        shared: [2, 8, 8],
        '<len>': [1, 0.5, 0.5],
      },
      [
        ['main', 'left', 1, 2, 6.5],
        ['main', 'right', 1, 3, 7],
        ['left', 'shared', 1, 4, 4],
        ['left', '<len>', 1, 0.5, 0.5],
        ['right', 'shared', 1, 4, 4],
      ],
    );
    const s = reconstruct(p);
    expectSound(p, s);
    expect(s.origin).toBe('reconstructed');
    expect(s.label).toBe('stacks reconstructed from the call graph');
    expect(paths(p, s)).toEqual({
      main: 1,
      'main;right': 3,
      'main;right;shared': 4,
      'main;left': 2,
      'main;left;shared': 4,
      'main;left;<len>': 0.5,
    });
    expect(s.budgetReached).toBe(false);
    expect(s.placement).toEqual({ budget: 0, contextRule: 0, recursion: 0, estimatedEdges: 0 });
  });

  it("splits a shared function's own time by each edge's own time and its callees by cumulative time", () => {
    // h: 1 s own under a (ct 4), 3 s own under b (ct 4); k (only under h) 3 s under a's h.
    const p = graph({ main: [1, 0, 8], a: [1, 0, 4], b: [1, 0, 4], h: [2, 4, 8], k: [2, 4, 4] }, [
      ['main', 'a', 1, 0, 4],
      ['main', 'b', 1, 0, 4],
      ['a', 'h', 1, 1, 4],
      ['b', 'h', 1, 3, 4],
      ['h', 'k', 2, 4, 4],
    ]);
    const s = reconstruct(p);
    expectSound(p, s);
    expectCumulativeKept(p, s);
    expect(paths(p, s)).toEqual({
      'main;a;h': 1,
      'main;a;h;k': 3,
      'main;b;h': 3,
      'main;b;h;k': 1,
    });
  });

  it('keeps a module body that ran once under one import, not spread over every caller', () => {
    // _find_and_load ran 3 times (from a, b, c) but only the call from `a` loaded `lib`
    // (2 s): slivers of one activation on every branch would be an artefact of mixing.
    const p = graph(
      {
        main: [1, 0, 3.3],
        a: [1, 0, 2.1],
        b: [1, 0, 0.6],
        c: [1, 0, 0.6],
        _find_and_load: [3, 1.3, 3.3],
        'lib.<module>': [1, 2, 2],
      },
      [
        ['main', 'a', 1, 0, 2.1],
        ['main', 'b', 1, 0, 0.6],
        ['main', 'c', 1, 0, 0.6],
        ['a', '_find_and_load', 1, 0.1, 2.1],
        ['b', '_find_and_load', 1, 0.6, 0.6],
        ['c', '_find_and_load', 1, 0.6, 0.6],
        ['_find_and_load', 'lib.<module>', 1, 2, 2],
      ],
    );
    const s = reconstruct(p);
    expectSound(p, s);
    expectCumulativeKept(p, s);
    expect(paths(p, s)['main;a;_find_and_load;lib.<module>']).toBeCloseTo(2, 9);
  });

  it('unrolls recursion instead of folding it onto the outermost frame', () => {
    // fact(3) from main, one second own per level, as _lsprof records it: fact 3 calls, 1
    // primitive; fact→fact 2 calls, 1 primitive (the third level ran while the pair was
    // active), ct 2 (the outermost pair activation only).
    const p = graph({ main: [1, 0, 3], fact: [3, 3, 3, 1] }, [
      ['main', 'fact', 1, 1, 3],
      ['fact', 'fact', 2, 2, 2, 1],
    ]);
    const s = reconstruct(p);
    expectSound(p, s);
    expectCumulativeKept(p, s);
    // Each level keeps its second; the third level is recursion no recorded time covers
    // (its flow is estimated, and a tenth of a nested node follows the recorded proportions,
    // so a thin tail goes deeper).
    const got = paths(p, s);
    expect(got['main;fact']).toBeCloseTo(1, 6);
    expect(got['main;fact;fact']).toBeCloseTo(1, 1);
    let deeper = 0;
    for (const [key, weight] of Object.entries(got))
      if (key.split(';').length > 4) deeper += weight;
    expect(
      (got['main;fact;fact;fact'] ?? 0) / (deeper + (got['main;fact;fact;fact'] ?? 0)),
    ).toBeGreaterThan(0.9);
    expect(s.placement.recursion).toBeGreaterThan(0.9);
  });

  it('nests the R→A→H→B→H→C run that no local rule can give back', () => {
    // The example: all time in C, reached through the shared helper H twice.
    const p = graph({ R: [1, 0, 1], A: [1, 0, 1], H: [2, 0, 1, 1], B: [1, 0, 1], C: [1, 1, 1] }, [
      ['R', 'A', 1, 0, 1],
      ['A', 'H', 1, 0, 1],
      ['H', 'B', 1, 0, 1],
      ['B', 'H', 1, 0, 1],
      ['H', 'C', 1, 1, 1],
    ]);
    const s = reconstruct(p);
    expectSound(p, s);
    // The fit approaches the exact answer (a solution on the boundary, some weight 0).
    const got = containing(p, s);
    for (let f = 0; f < 5; f++) expect(got[f]).toBeCloseTo(1, 2);
    expect(paths(p, s)['R;A;H;B;H;C']).toBeGreaterThan(0.99);
  });

  it('roots at builtins.exec even when exec also runs inside itself (imports)', () => {
    const p = graph(
      {
        '<built-in method builtins.exec>': [2, 0.5, 10, 1],
        '<module>': [1, 1, 10],
        _find_and_load: [1, 1, 4],
        'lib.<module>': [1, 2.5, 2.5],
        work: [1, 5, 5],
        "<method 'disable' of '_lsprof.Profiler' objects>": [1, 0.25, 0.25],
      },
      [
        ['<built-in method builtins.exec>', '<module>', 1, 1, 10],
        ['<module>', '_find_and_load', 1, 1, 4],
        ['_find_and_load', '<built-in method builtins.exec>', 1, 0.5, 3],
        ['<built-in method builtins.exec>', 'lib.<module>', 1, 2.5, 2.5],
        ['<module>', 'work', 1, 5, 5],
      ],
    );
    const s = reconstruct(p);
    expectSound(p, s);
    // exec recursed through an import: a cycle, met by the fit to within its tolerance.
    expectCumulativeKept(p, s, 0.01);
    // (The fit leaves a sliver of lib.<module> directly under the outer exec.)
    expectPathsClose(
      paths(p, s),
      {
        '<built-in method builtins.exec>;<module>': 1,
        '<built-in method builtins.exec>;<module>;work': 5,
        '<built-in method builtins.exec>;<module>;_find_and_load': 1,
        '<built-in method builtins.exec>;<module>;_find_and_load;<built-in method builtins.exec>;lib.<module>': 2.5,
        '<built-in method builtins.exec>;<module>;_find_and_load;<built-in method builtins.exec>': 0.5,
        "<method 'disable' of '_lsprof.Profiler' objects>": 0.25,
      },
      0.01 * 10.25,
    );
  });

  it("roots at the profile module's command entry and splits by call counts (edges without times)", () => {
    const p = graph(
      {
        'profile:0(profiler)': [0, 0, 0],
        cmd: [1, 0.1, 3],
        exec: [1, 0.2, 2.8],
        '<module>': [1, 2.6, 2.6],
        setprofile: [1, 0.05, 0.05],
      },
      [
        ['profile:0(profiler)', 'cmd', 1, Number.NaN, Number.NaN],
        ['cmd', 'exec', 1, Number.NaN, Number.NaN],
        ['cmd', 'setprofile', 1, Number.NaN, Number.NaN],
        ['exec', '<module>', 1, Number.NaN, Number.NaN],
      ],
      'profile',
    );
    const s = reconstruct(p);
    expectSound(p, s);
    // The profiler's own entry has no time at all: the stacks start at the command.
    expect(paths(p, s)).toEqual({
      cmd: 0.1,
      'cmd;exec': 0.2,
      'cmd;exec;<module>': 2.6,
      'cmd;setprofile': 0.05,
    });
    expect(s.placement.estimatedEdges).toBeCloseTo(2.95, 12);
  });

  it('gives a cycle nobody enters a root of its own', () => {
    const p = graph({ a: [2, 1, 3, 1], b: [2, 2, 3, 1] }, [
      ['a', 'b', 2, 2, 3],
      ['b', 'a', 1, 0.5, 1],
    ]);
    const s = reconstruct(p);
    expectSound(p, s);
    expect(s.parent.filter((x) => x < 0)).toHaveLength(1);
  });

  it('places a generator expression only under the function whose code contains it', () => {
    // pkg_a.setup and pkg_b.setup each pass their own genexpr to sum; a module-level genexpr
    // (file scope) is passed to the same builtin from <module>.
    const p = graph(
      {
        'm.py:1:<module>': [1, 0.1, 7.4],
        'a.py:10:setup': [1, 0.5, 3.6],
        'b.py:20:setup2': [1, 0.5, 2.6],
        '<built-in method builtins.sum>': [3, 0.3, 6.3],
        'a.py:12:<genexpr>': [5, 3, 3],
        'b.py:22:<genexpr>#2': [5, 2, 2],
        'm.py:5:<genexpr>#3': [5, 1, 1],
      },
      [
        ['<module>', 'setup', 1, 0.5, 3.6],
        ['<module>', 'setup2', 1, 0.5, 2.6],
        ['<module>', '<built-in method builtins.sum>', 1, 0.1, 1.1],
        ['setup', '<built-in method builtins.sum>', 1, 0.1, 3.1],
        ['setup2', '<built-in method builtins.sum>', 1, 0.1, 2.1],
        ['<built-in method builtins.sum>', '<genexpr>', 5, 3, 3],
        ['<built-in method builtins.sum>', '<genexpr>#2', 5, 2, 2],
        ['<built-in method builtins.sum>', '<genexpr>#3', 5, 1, 1],
      ],
    );
    const s = reconstruct(p);
    expectSound(p, s);
    expectCumulativeKept(p, s);
    const sum = '<built-in method builtins.sum>';
    const withLine = (profile: Profile, fn: number) =>
      functionName(profile, fn) === '<genexpr>'
        ? `<genexpr>@${profile.functions.line[fn]}`
        : nameOf(profile, fn);
    expect(paths(p, s, withLine)).toEqual({
      '<module>': 0.1,
      [`<module>;${sum}`]: 0.1,
      [`<module>;${sum};<genexpr>@5`]: 1,
      '<module>;setup': 0.5,
      [`<module>;setup;${sum}`]: 0.1,
      [`<module>;setup;${sum};<genexpr>@12`]: 3,
      '<module>;setup2': 0.5,
      [`<module>;setup2;${sum}`]: 0.1,
      [`<module>;setup2;${sum};<genexpr>@22`]: 2,
    });
    expect(s.placement.contextRule).toBeGreaterThan(0);
  });

  it('puts what the frame budget cuts under a visible frame on its own branch', () => {
    // main calls 6 workers, each calls its own helper; room for a few stacks only.
    const functions: Record<string, Row> = { main: [1, 0, 48] };
    const edges: Edge[] = [];
    for (let k = 1; k <= 6; k++) {
      functions[`w${k}`] = [1, k, 2 * k + 1];
      functions[`h${k}`] = [1, k + 1, k + 1];
      edges.push(['main', `w${k}`, 1, k, 2 * k + 1], [`w${k}`, `h${k}`, 1, k + 1, k + 1]);
    }
    const p = graph(functions, edges);
    const s = reconstruct(p, { maxFrames: 12 });
    expectSound(p, s);
    expect(s.budgetReached).toBe(true);
    expect(s.placement.budget).toBeGreaterThan(0);
    // Cumulative times above a budget frame stay right: main keeps all, each kept worker its own.
    expect(containing(p, s)[0]).toBeCloseTo(48, 9);
    for (const key of Object.keys(paths(p, s))) {
      const frames = key.split(';');
      const at = frames.indexOf('(pruned)');
      // A budget frame sits under a real frame (never a root) and holds one leaf.
      if (at >= 0) expect([at > 0, frames.length - at]).toEqual([true, 2]);
    }
  });

  it('sets room aside for functions left without a stack, so one expansion fits the budget', () => {
    // main calls four workers; each calls a helper of its own and a shared one. At 29 frames
    // the tree cannot hold every helper, and those it leaves out get a leaf each after the
    // expansion: with the main loop using its whole share that made 31 frames (decision
    // 0029); the expansion now keeps the prefix that leaves room for them (decision 0034).
    const own = [1, 1, 2, 5];
    const helper = [1, 5, 1, 2];
    const functions: Record<string, Row> = { main: [1, 1, 23], shared: [1, 4, 4] };
    const edges: Edge[] = [];
    for (let k = 0; k < 4; k++) {
      const total = (own[k] as number) + (helper[k] as number) + 1;
      functions[`w${k}`] = [1, own[k] as number, total];
      functions[`u${k}`] = [1, helper[k] as number, helper[k] as number];
      edges.push(
        ['main', `w${k}`, 1, own[k] as number, total],
        [`w${k}`, `u${k}`, 1, helper[k] as number, helper[k] as number],
        [`w${k}`, 'shared', 1, 1, 1],
      );
    }
    const p = graph(functions, edges);
    const m = stacksModel(p, 29, 256);
    const expansion = stackExpander(m.graph, m.entries, m.templates, m.rule, m.delivered, 256)(29);
    const scaled = scaleTree(m.graph, expansion);
    expect(scaled.framesWritten).toBe(26);
    // The reconstruction is that expansion, laid out: no leaf emptied, no second expansion.
    const s = reconstruct(p, { maxFrames: 29 });
    expectSound(p, s);
    const tree = layOut(scaled);
    expect([Array.from(s.parent), Array.from(s.function), Array.from(s.selfTime)]).toEqual([
      Array.from(tree.parent),
      Array.from(tree.function),
      Array.from(tree.selfTime),
    ]);
    expect(paths(p, s)).toEqual({
      main: 1,
      'main;w3': 5,
      'main;w3;shared': 4,
      'main;w3;u3': 2,
      'main;w1': 1,
      'main;w1;u1': 5,
      'main;w2': 2,
      'main;w2;(pruned);u2': 1,
      'main;w0': 1,
      'main;w0;(pruned);u0': 1,
    });
  });

  it('empties the lightest leaves under budget frames when the room set aside was too small', () => {
    // main → a → b (own time 3) and main → (pruned) → b (1): the leaf can go, b keeps its
    // time on its other node; c's only node (its leaf under the budget frame) cannot.
    const p = graph({ main: [1, 1, 6], a: [1, 1, 4], b: [2, 4, 4], c: [1, 1, 1] }, [
      ['main', 'a', 1, 1, 4],
      ['a', 'b', 1, 3, 3],
      ['main', 'b', 1, 1, 1],
      ['main', 'c', 1, 1, 1],
    ]);
    const m = stacksModel(p, 100, 256);
    const row = (name: string) =>
      Array.from({ length: p.functions.length }, (_, fn) => fn).find(
        (fn) => nameOf(p, fn) === name,
      ) as number;
    // main, a, b, (pruned), b, c.
    const expansion = () => ({
      length: 6,
      parent: Int32Array.from([-1, 0, 1, 0, 3, 3]),
      function: Uint32Array.from([
        row('main'),
        row('a'),
        row('b'),
        BUDGET_FRAME,
        row('b'),
        row('c'),
      ]),
      self: Float64Array.from([1, 1, 3, 0, 1, 1]),
      cutTime: 2,
      recursionTime: 0,
      budgetReached: true,
    });
    expect(scaleTree(m.graph, expansion()).framesWritten).toBe(1 + 2 + 3 + 3 + 3);
    // Only b's leaf can go: 3 frames, not 4.
    expect(emptyLightLeaves(m.graph, expansion(), 4)).toBe(false);
    const emptied = expansion();
    expect(emptyLightLeaves(m.graph, emptied, 3)).toBe(true);
    const after = scaleTree(m.graph, emptied);
    expect(after.framesWritten).toBe(1 + 2 + 3 + 3);
    expect(Array.from(after.weight)).toEqual([1, 1, 4, 0, 0, 1]);
  });

  it('cuts stacks deeper than maxDepth under a budget frame below the deepest kept frame', () => {
    const p = graph({ a: [1, 1, 4], b: [1, 1, 3], c: [1, 1, 2], d: [1, 1, 1] }, [
      ['a', 'b', 1, 1, 3],
      ['b', 'c', 1, 1, 2],
      ['c', 'd', 1, 1, 1],
    ]);
    const s = reconstruct(p, { maxDepth: 2 });
    expectSound(p, s);
    expect(s.budgetReached).toBe(true);
    expect(paths(p, s)).toEqual({ a: 1, 'a;b': 1, 'a;b;(pruned);c': 1, 'a;b;(pruned);d': 1 });
  });

  it('is deterministic', () => {
    const p = graph({ main: [1, 0.3, 2.1], even: [4, 0.8, 1.2, 2], odd: [3, 1.0, 1.6, 2] }, [
      ['main', 'even', 1, 0.2, 1.2],
      ['main', 'odd', 1, 0.4, 0.6],
      ['even', 'odd', 2, 0.6, 1.0],
      ['odd', 'even', 3, 0.6, 0.9],
    ]);
    const a = reconstruct(p, { maxFrames: 8 });
    const b = reconstruct(p, { maxFrames: 8 });
    expect([...a.parent]).toEqual([...b.parent]);
    expect([...a.function]).toEqual([...b.function]);
    expect([...a.selfTime]).toEqual([...b.selfTime]);
  });

  it('returns an empty tree for an empty profile', () => {
    const s = reconstruct(new ProfileBuilder({ format: 'test' }).build());
    expect([s.length, s.totalTime, s.framesWritten]).toEqual([0, 0, 0]);
  });

  it('keeps own times, the total and recorded edges on any call graph, however inconsistent', () => {
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
            maxFrames: fc.integer({ min: 1, max: 200 }),
            maxDepth: fc.integer({ min: 1, max: 6 }),
          }),
        ),
        ({ functions, edges, maxFrames, maxDepth }) => {
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
          const s = reconstruct(p, { maxFrames, maxDepth });
          expectSound(p, s);
          // The budget's retry keeps a prefix of the first expansion's main loop: its nodes
          // up to its first budget frame are the first expansion's.
          const m = stacksModel(p, maxFrames, maxDepth);
          const retried = stackExpander(
            m.graph,
            m.entries,
            m.templates,
            m.rule,
            m.delivered,
            maxDepth,
          );
          const first = retried(maxFrames + 40);
          const firstColumns = [first.parent, first.function, first.self].map((a) => Array.from(a));
          const again = retried(maxFrames);
          let kept = again.function.indexOf(BUDGET_FRAME);
          if (kept < 0) kept = again.length;
          expect(
            [again.parent, again.function, again.self].map((a) => Array.from(a.subarray(0, kept))),
          ).toEqual(firstColumns.map((a) => a.slice(0, kept)));
          let depth = 0;
          for (const { frames } of stackSamples(s)) depth = Math.max(depth, frames.length);
          // A cut adds the budget frame and the leaf below the deepest kept frame.
          expect(depth).toBeLessThanOrEqual(maxDepth + 2);
          // Roots and functions left without a stack may each add a frame and a leaf.
          expect(s.framesWritten).toBeLessThanOrEqual(
            maxFrames + 2 * (maxDepth + 2) * p.functions.length,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the stacks model, fixed parts (decision 0030)', () => {
  it("orders each caller's edges heaviest first, ties by callee then edge, as a comparison sort does", () => {
    // Few distinct times (ties), short lists (insertion sort) and long ones (over 32): a
    // few callers, up to 60 callees (the builder merges repeated pairs).
    const time = fc.oneof(fc.constantFrom(0, 1, 2.5), fc.double({ min: 0, max: 3, noNaN: true }));
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            edges: fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: n - 1 }), time, time), {
              maxLength: 200,
            }),
          }),
        ),
        ({ n, edges }) => {
          const b = new ProfileBuilder({ format: 'test' });
          const rows = Array.from({ length: n }, (_, k) => b.addFunction('g.py', k + 1, `f${k}`));
          for (const [g, h, self, inclusive] of edges)
            b.addCall(rows[Math.min(g, n - 1)] as number, rows[h] as number, {
              callCount: 1,
              primitiveCallCount: 1,
              selfTime: self,
              inclusiveTime: inclusive,
            });
          const graphOf = callGraph(b.build());
          const { callee, edgeCumulative, outStart } = graphOf;
          for (let f = 0; f < graphOf.n; f++) {
            const s0 = outStart[f] as number;
            const s1 = outStart[f + 1] as number;
            const mine = Array.from(graphOf.outEdge.subarray(s0, s1));
            const expected = [...mine].sort(
              (a, c) =>
                (edgeCumulative[c] as number) - (edgeCumulative[a] as number) ||
                (callee[a] as number) - (callee[c] as number) ||
                a - c,
            );
            expect(mine).toEqual(expected);
            expect(Array.from(graphOf.outCallee.subarray(s0, s1))).toEqual(
              expected.map((e) => callee[e]),
            );
            expect(Array.from(graphOf.outCumulative.subarray(s0, s1))).toEqual(
              expected.map((e) => edgeCumulative[e]),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a table no created callable took room in as rows, with the proportional fractions', () => {
    // sum's genexpr is defined in another file than both callers: no row contains it.
    const p = graph(
      {
        'a.py:1:main': [1, 0, 6],
        'a.py:10:one': [1, 0.5, 3],
        'b.py:20:two': [1, 0.5, 3],
        '<built-in method builtins.sum>': [2, 1, 5],
        'c.py:5:<genexpr>': [4, 3, 3],
        '<built-in method builtins.len>': [2, 1, 1],
      },
      [
        ['main', 'one', 1, 0.5, 3],
        ['main', 'two', 1, 0.5, 3],
        ['one', '<built-in method builtins.sum>', 1, 0.5, 2.5],
        ['two', '<built-in method builtins.sum>', 1, 0.5, 2.5],
        ['<built-in method builtins.sum>', '<genexpr>', 4, 3, 3],
        ['<built-in method builtins.sum>', '<built-in method builtins.len>', 2, 1, 1],
      ],
    );
    const g = callGraph(p);
    const rule = contextRule(g, findEntries(g).rootAmount, findEntries(g).rootSelf);
    const sum = 3;
    expect(rule.functions).toBe(1);
    expect(rule.tableStart[sum]).toBe(-1);
    expect(rule.rowStart[sum]).toBe(0);
    expect(rule.fraction).toHaveLength(0);
    const out = new Float64Array(2);
    for (let k = g.inStart[sum] as number; k < (g.inStart[sum + 1] as number); k++) {
      expect(ruleFractions(rule, sum, g.inEdge[k] as number, out)).toBe(true);
      // Callees heaviest first: the genexpr's 3 s, then len's 1 s.
      expect(Array.from(out)).toEqual([0.75, 0.25]);
    }
  });
});

describe('checkConsistency', () => {
  it('names a function whose cumulative time exceeds the whole profile', () => {
    // py310 lambdas_nested: exec 135.3 µs cumulative in a 129.9 µs profile.
    const p = graph(
      { '<built-in method builtins.exec>': [1, 0.1, 13.53], main: [1, 12.99, 12.99] },
      [['<built-in method builtins.exec>', 'main', 1, 12.99, 12.99]],
    );
    const bad = checkConsistency(p);
    expect(bad.map((x) => [functionName(p, x.function), x.reason])).toEqual([
      ['<built-in method builtins.exec>', 'above-total'],
    ]);
  });

  it('names a function whose own time and callees do not make its cumulative time', () => {
    // py311 medium: mat_mul 72.5 µs cumulative, own time plus callees' 18.6 µs.
    const p = graph(
      { main: [1, 100, 200], mat_mul: [1, 10, 72.5], dot: [1, 8.6, 8.6], other: [1, 19, 19] },
      [
        ['main', 'mat_mul', 1, 10, 72.5],
        ['main', 'other', 1, 19, 19],
        ['mat_mul', 'dot', 1, 8.6, 8.6],
      ],
    );
    const bad = checkConsistency(p);
    expect(bad.map((x) => [functionName(p, x.function), x.reason])).toContainEqual([
      'mat_mul',
      'not-own-plus-callees',
    ]);
    const s = deriveStacks(p, {}, { sink: { warn: () => {} } });
    expect(s.label).toMatch(/; \d+ functions? inconsistent$/);
  });

  it('accepts consistent numbers, recursion included', () => {
    const p = graph({ main: [1, 0, 3], fact: [3, 3, 3, 1] }, [
      ['main', 'fact', 1, 1, 3],
      ['fact', 'fact', 2, 2, 2],
    ]);
    expect(checkConsistency(p)).toEqual([]);
  });
});

describe('deriveStacks, exact and reported', () => {
  it('passes an exact call tree through unchanged, with its call counts', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('a.py', 1, 'f');
    const g = b.addFunction('a.py', 2, 'g');
    b.setCallTree({
      length: 2,
      parent: Int32Array.from([-1, 0]),
      function: Uint32Array.from([f, g]),
      selfTime: Float64Array.from([1, 2]),
      callCount: Float64Array.from([1, 3]),
    });
    const p = b.build();
    const s = deriveStacks(p);
    expect([s.origin, s.label, s.totalTime, s.framesWritten]).toEqual([
      'call-tree',
      'exact call tree',
      3,
      3,
    ]);
    expect(s.function).toBe(p.callTree?.function);
    expect([...(s.callCount ?? [])]).toEqual([1, 3]);
  });

  it('derives the exact tree of a timeline', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('a.py', 1, 'f');
    const g = b.addFunction('a.py', 2, 'g');
    b.setTimeline({
      length: 4,
      kind: Uint8Array.from([TIMELINE_ENTER, TIMELINE_ENTER, TIMELINE_EXIT, TIMELINE_EXIT]),
      function: Uint32Array.from([f, g, g, f]),
      time: Float64Array.from([0, 1, 3, 4]),
    });
    const p = b.build();
    const s = deriveStacks(p);
    expect(s.origin).toBe('timeline');
    expect(paths(p, s)).toEqual({ f: 2, 'f;g': 2 });
  });

  it('reports the budget cut and inconsistent functions to the sink, labelled', () => {
    const p = graph(
      { '<built-in method builtins.exec>': [1, 0.1, 13.53], main: [1, 12.99, 12.99] },
      [['<built-in method builtins.exec>', 'main', 1, 12.99, 12.99]],
    );
    const reports: DiagnosticReport[] = [];
    deriveStacks(p, { maxDepth: 1 }, { sink: { warn: (d) => reports.push(d) }, label: 'thread 7' });
    expect(reports.map((r) => r.code)).toEqual(['stacks-pruned', 'inconsistent-functions']);
    expect(reports[0]?.message).toMatch(
      /^thread 7: the stacks need more than 4000000 frames or 1 levels; 99\.2% of the time/,
    );
    expect(reports[1]?.message).toBe(
      "thread 7: the numbers of 1 function contradict themselves, so no stacks can keep their cumulative time: <built-in method builtins.exec>: cumulative time above the profile's total",
    );
  });

  it('keeps the old reconstructCallTree shape for code written against it', () => {
    const p = graph({ main: [1, 1, 3], f: [1, 2, 2] }, [['main', 'f', 1, 2, 2]]);
    const tree = reconstructCallTree(p, { maxStacks: 10 });
    expect([tree.rootFunctions, tree.prunedTime, Number.isNaN(tree.callCount[0])]).toEqual([
      [0],
      0,
      true,
    ]);
  });
});
