// Issue 16's ground truth on random executions: programs with recursion, mutual recursion
// through shared helpers, callables passed to shared builtins (`sum`, `sorted`) and nested
// comprehensions are run to their true call trees, aggregated exactly as `_lsprof` does
// (the testkit's simulator, with the exact timeline beside it), reconstructed from the
// aggregate alone and compared: how many functions keep their cumulative time (the
// measure), where the misses are, and the share of weight on stacks that ran.
import { deriveStacks, functionName } from '@pyprof/core';
import {
  type Activation,
  measureCumulativeTime,
  profileFromRun,
  type Run,
  type RunFunction,
  shareOnTrueStacks,
} from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';

/** xorshift32: the same runs on every machine. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

type Op =
  | { kind: 'call'; fn: number }
  | { kind: 'via'; helper: number; fn: number }
  | { kind: 'builtin'; builtin: number; fn: number; times: number }
  | { kind: 'leaf'; builtin: number }
  | { kind: 'self' };

/** A random program (functions with bodies of calls) executed to its true call tree. */
function randomRun(seed: number): Run {
  const r = random(seed);
  const between = (a: number, b: number) => a + Math.floor(r() * (b - a + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
  const functions: RunFunction[] = [];
  const add = (file: string, line: number, name: string, kind: RunFunction['kind'] = 'python') => {
    functions.push({ file, line, name, kind });
    return functions.length - 1;
  };
  const files = ['/app/a.py', '/app/b.py'];
  const names = ['parse', 'visit', 'run', 'helper', 'binary', 'load', 'step', 'walk', 'emit'];
  const main = add(files[0] as string, 1, '<module>');
  const python: number[] = [];
  const inner: number[][] = [];
  for (let i = 0, count = between(3, 9); i < count; i++) {
    const file = pick(files);
    const line = 10 + 20 * i;
    python.push(add(file, line, names[i] as string));
    const created: number[] = [];
    for (let j = 0, k = between(0, 2); j < k; j++)
      created.push(
        add(file, line + 2 + 3 * j, pick(['<genexpr>', '<lambda>', '<listcomp>', 'inner'])),
      );
    inner.push(created);
  }
  const sum = add('~', 0, '<built-in method builtins.sum>', 'builtin');
  const len = add('~', 0, '<built-in method builtins.len>', 'builtin');
  const sorted = add('~', 0, '<built-in method builtins.sorted>', 'builtin');
  const body = new Map<number, Op[]>();
  python.forEach((fn, i) => {
    const others = python.filter((g) => g !== fn);
    const mine = inner[i] as number[];
    const ops: Op[] = [];
    for (let k = 0, count = between(1, 4); k < count; k++) {
      const t = r();
      if (t < 0.35) ops.push({ kind: 'call', fn: pick(python) });
      else if (t < 0.55)
        ops.push({ kind: 'via', helper: pick(python), fn: pick([...mine, ...others]) });
      else if (t < 0.75 && mine.length > 0)
        ops.push({
          kind: 'builtin',
          builtin: pick([sum, sorted]),
          fn: pick(mine),
          times: between(1, 4),
        });
      else if (t < 0.85) ops.push({ kind: 'leaf', builtin: len });
      else ops.push({ kind: 'self' });
    }
    body.set(fn, ops);
    for (const c of mine) {
      const cops: Op[] = [];
      if (r() < 0.6) cops.push({ kind: 'call', fn: pick(python) });
      if (r() < 0.3 && mine.length > 1)
        cops.push({ kind: 'call', fn: pick(mine.filter((x) => x !== c)) });
      body.set(c, cops);
    }
  });
  const mainOps: Op[] = [];
  for (let k = 0, count = between(1, 3); k < count; k++)
    mainOps.push({ kind: 'call', fn: pick(python) });
  if (r() < 0.5) {
    const genexpr = add(files[0] as string, 200, '<genexpr>');
    mainOps.push({ kind: 'builtin', builtin: sum, fn: genexpr, times: between(1, 3) });
    body.set(genexpr, [{ kind: 'call', fn: pick(python) }]);
  }
  body.set(main, mainOps);
  const maxRecursion = between(1, 3);
  let budget = 400;
  const active = new Int32Array(functions.length);
  const own = () => (r() < 0.15 ? 0 : Math.round(r() * 2000) * 1e-6);
  const canCall = (g: number) => (active[g] as number) < maxRecursion && budget > 0;
  const enter = (fn: number): Activation => {
    budget--;
    return { fn, self: own(), children: [] };
  };
  const exec = (fn: number, depth: number): Activation => {
    const a = enter(fn);
    active[fn] = (active[fn] as number) + 1;
    if (depth < 40)
      for (const op of body.get(fn) ?? []) {
        if (budget <= 0) break;
        if (op.kind === 'call') {
          if (canCall(op.fn)) a.children.push(exec(op.fn, depth + 1));
        } else if (op.kind === 'via') {
          if (canCall(op.helper) && op.helper !== fn) {
            const h = enter(op.helper);
            active[op.helper] = (active[op.helper] as number) + 1;
            for (let t = 0, times = between(1, 2); t < times; t++)
              if (canCall(op.fn)) h.children.push(exec(op.fn, depth + 2));
            active[op.helper] = (active[op.helper] as number) - 1;
            a.children.push(h);
          }
        } else if (op.kind === 'builtin') {
          const b = enter(op.builtin);
          for (let t = 0; t < op.times; t++)
            if (canCall(op.fn)) b.children.push(exec(op.fn, depth + 2));
          a.children.push(b);
        } else if (op.kind === 'leaf') a.children.push(enter(op.builtin));
      }
    active[fn] = (active[fn] as number) - 1;
    return a;
  };
  return { functions, roots: [exec(main, 0)] };
}

describe('reconstructed stacks of random executions against their true call trees', () => {
  it('keep the cumulative time of at least 99% of functions; every miss is on a recursion cycle', {
    timeout: 300_000,
  }, () => {
    let considered = 0;
    let kept = 0;
    let share = 0;
    const runs = 200;
    const misses: string[] = [];
    for (let seed = 1; seed <= runs; seed++) {
      const run = randomRun(seed);
      const profile = profileFromRun(run, { timeline: true });
      const truth = deriveStacks(profile);
      expect(truth.origin).toBe('timeline');
      const stacks = deriveStacks(profile, { from: 'call-graph' });
      const measure = measureCumulativeTime(profile, stacks);
      considered += measure.considered;
      kept += measure.kept;
      share += shareOnTrueStacks(stacks, truth);
      // A miss off recursion cycles would be a bug of the model, not a limit of the data.
      const recursed = (fn: number) =>
        (profile.functions.primitiveCallCount[fn] as number) <
        (profile.functions.callCount[fn] as number);
      for (const row of measure.rows)
        if (!row.kept)
          misses.push(
            `${seed}:${functionName(profile, row.function)}${recursed(row.function) ? '' : ' (off cycles)'}`,
          );
    }
    console.log(
      `random executions: ${kept}/${considered} functions keep ct over ${runs} runs; misses: ${misses.join(', ') || 'none'}; mean share of weight on true stacks ${((100 * share) / runs).toFixed(1)}%`,
    );
    expect(kept / considered).toBeGreaterThanOrEqual(0.99);
    expect(misses.filter((m) => m.endsWith('(off cycles)'))).toEqual([]);
    // Floor under today's 89.0%: the reconstruction mixes contexts the numbers cannot tell apart.
    expect(share / runs).toBeGreaterThanOrEqual(0.85);
  });
});
