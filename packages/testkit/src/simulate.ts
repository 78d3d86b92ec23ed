/**
 * Builds profiles the way the profilers do: from a run. A run is a forest of activations
 * (function, own time, children); `profileFromRun` aggregates it with cProfile's rules —
 * primitive calls and cumulative time counted only at the outermost activation of a
 * function, and per caller→callee pair at the outermost activation of that pair — and
 * can also keep the exact enter/exit timeline and line costs. Numbers made this way are
 * consistent exactly as real cProfile data is, so writers' properties (conservation,
 * totals) are tested against realistic input, not against numbers that happen to fit.
 */
import {
  type FunctionKind,
  type Profile,
  ProfileBuilder,
  type ProfileMetadata,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
} from '@pyprof/core';

/** A function of a run: its Python identity. */
export interface RunFunction {
  file: string;
  line: number;
  name: string;
  kind?: FunctionKind;
}

/** One activation: `self` seconds of own time, then `children` in order. */
export interface Activation {
  fn: number;
  self: number;
  children?: Activation[];
  /** Line in the caller this activation was called from (for call sites). */
  line?: number;
}

export interface Run {
  functions: RunFunction[];
  roots: Activation[];
}

export interface RunOptions {
  /** Keep per-edge times and primitive counts (cProfile) or counts only (`profile` module). */
  edges?: 'timed' | 'counts';
  /** Also record the exact timeline (hotshot-like). */
  timeline?: boolean;
  metadata?: Partial<ProfileMetadata>;
}

function inclusive(a: Activation): number {
  let total = a.self;
  for (const c of a.children ?? []) total += inclusive(c);
  return total;
}

/** Aggregates a run into a profile (see the file comment). */
export function profileFromRun(run: Run, options: RunOptions = {}): Profile {
  const b = new ProfileBuilder({
    format: 'testkit',
    producer: 'testkit',
    ...(options.metadata ?? {}),
  });
  const rows = run.functions.map((f) => b.addFunction(f.file, f.line, f.name, f.kind ?? 'python'));
  const activeFn = new Map<number, number>();
  const activePair = new Map<string, number>();
  const kinds: number[] = [];
  const fns: number[] = [];
  const times: number[] = [];
  let clock = 0;
  const counts = options.edges === 'counts';

  const visit = (a: Activation, caller: number | undefined) => {
    const fn = rows[a.fn] as number;
    const total = inclusive(a);
    const outermost = !activeFn.get(fn);
    b.addFunctionStats(fn, {
      callCount: 1,
      primitiveCallCount: outermost ? 1 : 0,
      selfTime: a.self,
      inclusiveTime: outermost ? total : 0,
    });
    const pair = caller === undefined ? undefined : `${caller}>${fn}`;
    if (pair !== undefined && caller !== undefined) {
      const pairOutermost = !activePair.get(pair);
      b.addCall(caller, fn, {
        callCount: 1,
        primitiveCallCount: counts ? Number.NaN : pairOutermost ? 1 : 0,
        selfTime: counts ? Number.NaN : a.self,
        inclusiveTime: counts ? Number.NaN : pairOutermost ? total : 0,
      });
      activePair.set(pair, (activePair.get(pair) ?? 0) + 1);
    }
    activeFn.set(fn, (activeFn.get(fn) ?? 0) + 1);
    if (options.timeline) {
      kinds.push(TIMELINE_ENTER);
      fns.push(fn);
      times.push(clock);
    }
    // Own time is spread around the children: half before them, half after.
    clock += a.self / 2;
    for (const child of a.children ?? []) visit(child, fn);
    clock += a.self / 2;
    if (options.timeline) {
      kinds.push(TIMELINE_EXIT);
      fns.push(fn);
      times.push(clock);
    }
    activeFn.set(fn, (activeFn.get(fn) ?? 1) - 1);
    if (pair !== undefined) activePair.set(pair, (activePair.get(pair) ?? 1) - 1);
  };
  for (const root of run.roots) visit(root, undefined);
  if (options.timeline) {
    b.setTimeline({
      length: kinds.length,
      kind: Uint8Array.from(kinds),
      function: Uint32Array.from(fns),
      time: Float64Array.from(times),
    });
  }
  return b.build();
}
