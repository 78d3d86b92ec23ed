// Filters on stacks with pprof's semantics (issue 24; specs/pprof.md §4): focus/ignore
// decided on the original stacks, then hide (time to the nearest visible caller, empty
// stacks dropped), then show-from (from the rootmost match); presets and pruning. The
// profile is a small exact call tree whose every stack is known, so each expected number
// is worked out by hand from the stacks listed here.
import { describe, expect, it } from 'vitest';
import {
  BUDGET_FRAME,
  Diagnostics,
  deriveStacks,
  filterProfile,
  filterTransform,
  functionName,
  isProfilerFunction,
  isStdlibFunction,
  type Profile,
  ProfileBuilder,
  patternPredicate,
  type StackFilters,
  singleProfileSet,
  validateProfile,
} from '../src/index.js';

// Stacks (root first) and weights in seconds:
//   main            1
//   main;a          1
//   main;a;b        3
//   main;c;b        2
//   main;c;json     4   (json in the standard library)
// total 11.
function profile(): Profile {
  const b = new ProfileBuilder({ format: 'test' });
  const main = b.addFunction('app.py', 1, 'main');
  const a = b.addFunction('app.py', 5, 'a');
  const fb = b.addFunction('app.py', 9, 'b');
  const c = b.addFunction('app.py', 13, 'c');
  const json = b.addFunction('/usr/lib/python3.12/json/decoder.py', 332, 'decode');
  const numbers: Array<[number, number, number, number]> = [
    [main, 1, 1, 11],
    [a, 1, 1, 4],
    [fb, 2, 5, 5],
    [c, 1, 0, 6],
    [json, 1, 4, 4],
  ];
  for (const [fn, calls, self, inclusive] of numbers)
    b.addFunctionNumbers(fn, calls, calls, self, inclusive);
  b.addCall(main, a, { callCount: 1, primitiveCallCount: 1, selfTime: 1, inclusiveTime: 4 });
  b.addCall(a, fb, { callCount: 1, primitiveCallCount: 1, selfTime: 3, inclusiveTime: 3 });
  b.addCall(main, c, { callCount: 1, primitiveCallCount: 1, selfTime: 0, inclusiveTime: 6 });
  b.addCall(c, fb, { callCount: 1, primitiveCallCount: 1, selfTime: 2, inclusiveTime: 2 });
  b.addCall(c, json, { callCount: 1, primitiveCallCount: 1, selfTime: 4, inclusiveTime: 4 });
  b.setCallTree({
    length: 6,
    parent: Int32Array.from([-1, 0, 1, 0, 3, 3]),
    function: Uint32Array.from([main, a, fb, c, fb, json]),
    selfTime: Float64Array.from([1, 1, 3, 0, 2, 4]),
    callCount: Float64Array.from([1, 1, 1, 1, 1, 1]),
  });
  return b.build();
}

/** name → [self, inclusive] of the filtered profile. */
function numbers(filters: StackFilters): Record<string, [number, number]> {
  return numbersOf(filterProfile(profile(), filters).profile);
}

/** name → [self, inclusive] of a profile. */
function numbersOf(out: Profile): Record<string, [number, number]> {
  expect(validateProfile(out).errors).toEqual([]);
  const result: Record<string, [number, number]> = {};
  for (let fn = 0; fn < out.functions.length; fn++)
    result[functionName(out, fn)] = [
      out.functions.selfTime[fn] as number,
      out.functions.inclusiveTime[fn] as number,
    ];
  return result;
}

const re = (pattern: string) => patternPredicate(pattern);

describe('filters on stacks', () => {
  it('focus keeps the stacks holding a match (by name)', () => {
    // main;a;b 3, main;c;b 2
    expect(numbers({ focus: re('^b$') })).toEqual({
      main: [0, 5],
      a: [0, 3],
      b: [5, 5],
      c: [0, 2],
    });
  });

  it('a pattern matches the file path on its own, never file:line(name)', () => {
    expect(numbers({ focus: re('json/') })).toEqual({
      main: [0, 4],
      c: [0, 4],
      decode: [4, 4],
    });
    expect(numbers({ focus: re('decoder.py:332') })).toEqual({});
    expect(numbers({ focus: re('decoder\\.py\\(decode') })).toEqual({});
  });

  it('ignore drops the stacks holding a match', () => {
    // main 1, main;a 1, main;a;b 3
    expect(numbers({ ignore: re('^c$') })).toEqual({ main: [1, 5], a: [1, 4], b: [3, 3] });
  });

  it('hide gives a hidden frame its caller and drops stacks left empty', () => {
    // main;a → main (1), main;a;b → main;b (3)
    expect(numbers({ hide: [re('^a$')] })).toEqual({
      main: [2, 11],
      b: [5, 5],
      c: [0, 6],
      decode: [4, 4],
    });
    const { summary } = filterProfile(profile(), { hide: [re('^main$')], ignore: re('^c$') });
    // main alone (1) is left empty; main;a and main;a;b become a and a;b.
    expect([summary.kept, summary.droppedByHide, summary.droppedByFocus]).toEqual([4, 1, 6]);
  });

  it('focus is decided before hide: focusing on what is hidden keeps those stacks', () => {
    expect(numbers({ focus: re('^a$'), hide: [re('^a$')] })).toEqual({
      main: [1, 4],
      b: [3, 3],
    });
  });

  it('show-from starts each stack at the rootmost match and drops the rest', () => {
    expect(numbers({ showFrom: re('^c$') })).toEqual({ c: [0, 6], b: [2, 2], decode: [4, 4] });
    expect(numbers({ showFrom: re('^(a|b)$') })).toEqual({ a: [1, 4], b: [5, 5] });
  });

  it('--hide-stdlib hides the interpreter library; --prune-below the small functions', () => {
    expect(numbers({ hide: [isStdlibFunction] })).toEqual({
      main: [1, 11],
      a: [1, 4],
      b: [5, 5],
      c: [4, 6],
    });
    // cumulative shares: main 11/11, a 4/11, b 5/11, c 6/11, decode 4/11
    expect(numbers({ pruneBelow: 0.4 })).toEqual({
      main: [2, 11],
      b: [5, 5],
      c: [4, 6],
    });
  });

  it('a pattern that matches nothing keeps nothing (focus) or everything (hide)', () => {
    expect(numbers({ focus: re('nothing-matches') })).toEqual({});
    expect(Object.keys(numbers({ hide: [re('nothing-matches')] })).sort()).toEqual([
      'a',
      'b',
      'c',
      'decode',
      'main',
    ]);
  });

  it('matches the unique name pprof writes as well as the recorded name', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const main = b.addFunction('app.py', 1, 'main');
    const first = b.addFunction('app.py', 3, '<lambda>');
    const second = b.addFunction('app.py', 4, '<lambda>');
    b.addFunctionNumbers(main, 1, 1, 0, 3);
    b.addFunctionNumbers(first, 1, 1, 1, 1);
    b.addFunctionNumbers(second, 1, 1, 2, 2);
    b.addCall(main, first, { callCount: 1, primitiveCallCount: 1, selfTime: 1, inclusiveTime: 1 });
    b.addCall(main, second, { callCount: 1, primitiveCallCount: 1, selfTime: 2, inclusiveTime: 2 });
    const p = b.build();
    const lambda = patternPredicate('^<lambda>:4$');
    expect([0, 1, 2].map((fn) => lambda(p, fn))).toEqual([false, false, true]);
    const any = patternPredicate('^<lambda>$');
    expect([0, 1, 2].map((fn) => any(p, fn))).toEqual([false, true, true]);
  });

  it('reads Go syntax where JavaScript differs: (?i) and (?P<name>…); refuses invalid patterns', () => {
    expect(numbers({ focus: re('(?i)^B$') })).toEqual(numbers({ focus: re('^b$') }));
    expect(numbers({ focus: re('^(?P<x>b)$') })).toEqual(numbers({ focus: re('^b$') }));
    expect(() => patternPredicate('(', 'focus')).toThrow('invalid regular expression "("');
  });
});

describe('the presets', () => {
  const b = new ProfileBuilder({ format: 'test' });
  const files = [
    ['/usr/lib/python3.12/json/decoder.py', 'decode', true, false],
    ['/home/me/.venv/lib/python3.12/site-packages/requests/api.py', 'get', false, false],
    ['C:\\Python312\\Lib\\json\\decoder.py', 'decode', true, false],
    ['<frozen importlib._bootstrap>', '_find_and_load', true, false],
    ['~', '<built-in method builtins.exec>', false, true],
    ['/usr/lib/python3.12/runpy.py', '_run_code', true, true],
    ['/usr/lib/python3.12/cProfile.py', 'runctx', true, true],
    ['~', "<method 'disable' of '_lsprof.Profiler' objects>", false, true],
    ['app.py', 'exec_query', false, false],
  ] as const;
  for (const [file, name] of files) b.addFunction(file, 1, name);
  const p = b.build();
  it('--hide-stdlib: library directories as profiles record them, not site-packages', () => {
    expect(files.map((_, fn) => isStdlibFunction(p, fn))).toEqual(files.map((f) => f[2]));
  });
  it('--hide-profiler: exec, runpy and the profilers’ own frames', () => {
    expect(files.map((_, fn) => isProfilerFunction(p, fn))).toEqual(files.map((f) => f[3]));
  });
});

describe('filterTransform', () => {
  it('filters every part and the whole, and says what it kept and dropped', () => {
    const diagnostics = new Diagnostics();
    const transform = filterTransform({ focus: re('^b$'), description: '--focus ^b$' });
    const out = transform.apply(singleProfileSet(profile()), {
      needs: {},
      warn: diagnostics.sink('filter', 'transform').warn,
    });
    expect(out.parts[0]).toBe(out.whole);
    expect(out.whole.metadata.sampled).toBe(true);
    expect(out.whole.callTree?.length).toBe(5);
    const message =
      '--focus ^b$: kept 5000.000 ms of 11000.000 ms (45.5%) on exact call tree; dropped 54.5% (focus/ignore 54.5%, hide left empty 0.0%, show-from 0.0%); 0.0% moved from hidden frames to their callers';
    expect(diagnostics.list.map((d) => [d.severity, d.code, d.message])).toEqual([
      ['info', 'filtered', message],
    ]);
    expect(out.whole.metadata.info).toEqual([['filter', message]]);
  });

  it('filters the integer nanoseconds the pprof writer gives the stacks', () => {
    // Weights with sub-nanosecond parts: b's 0.4 ns + 0.4 ns round to 1 ns as a function
    // (its flat), spread along the running sum as 1 ns on main;a;b and 0 on main;b.
    const b = new ProfileBuilder({ format: 'test' });
    const main = b.addFunction('app.py', 1, 'main');
    const a = b.addFunction('app.py', 5, 'a');
    const fb = b.addFunction('app.py', 9, 'b');
    b.setCallTree({
      length: 4,
      parent: Int32Array.from([-1, 0, 1, 0]),
      function: Uint32Array.from([main, a, fb, fb]),
      selfTime: Float64Array.from([1e-9, 0, 0.4e-9, 0.4e-9]),
      callCount: Float64Array.from([1, 1, 1, 1]),
    });
    const filtered = (filters: StackFilters) =>
      numbersOf(
        filterTransform(filters).apply(singleProfileSet(b.build()), {
          needs: {},
          warn: () => undefined,
        }).whole,
      );
    expect(filtered({ focus: re('^main$') })).toEqual({
      main: [1e-9, 2e-9],
      a: [0, 1e-9],
      b: [1e-9, 1e-9],
    });
    // Go drops main;b with the 0 ns it has in the pprof file: b is gone (not 0.4 ns).
    expect(filtered({ ignore: re('^a$') })).toEqual({ main: [1e-9, 1e-9] });
  });

  it('keeps the budget frame the budget frame: writers of the filtered profile draw it as theirs', () => {
    // A depth budget of 2 puts a;b under (pruned); the filtered profile holds it as a row.
    const out = filterTransform({ hide: [re('^c$')] }).apply(singleProfileSet(profile()), {
      needs: { stacks: { from: 'call-graph', maxDepth: 2 } },
      warn: () => undefined,
    }).whole;
    const row = Array.from({ length: out.functions.length }, (_, fn) =>
      functionName(out, fn),
    ).indexOf('(pruned)');
    expect(row).toBeGreaterThanOrEqual(0);
    expect(out.callTree?.function).toContain(row);
    const stacks = deriveStacks(out);
    expect([...stacks.function]).toContain(BUDGET_FRAME);
    expect([...stacks.function]).not.toContain(row);
  });
});
