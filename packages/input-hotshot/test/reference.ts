// The expected numbers for a corpus log, computed in the plainest way from the oracle's
// event list (which Python's own hotshot.log.LogReader produced), independently of the
// reader: a stack of activations, string-keyed maps, integer microseconds. Rules:
// - a record's tdelta belongs to the frame on top before the record (and to that frame's
//   current line: its first line until its first LINE event);
// - per function: calls, primitive calls and inclusive time at the outermost activation,
//   self time always (cProfile); per caller→callee pair: the same at the outermost
//   activation of the pair; per call site (pair, caller's current line): calls, and
//   inclusive time when the activation is the outermost of its pair.
import { displayText, functionFile, functionName, type Profile } from '@pyprof/core';
import { expect } from 'vitest';
import type { HotshotOracle, Location } from './corpus.js';

export interface Numbers {
  calls: number;
  primitive: number;
  self: number;
  inclusive: number;
}

export interface Expected {
  /** By JSON of the function's [file, first line, name]. */
  functions: Map<string, Numbers>;
  /** By `${caller key}\n${callee key}`. */
  edges: Map<string, Numbers>;
  /** By `${function key}\n${line}`. */
  lines: Map<string, { hits: number; self: number }>;
  /** By `${caller key}\n${callee key}\n${line}`. */
  sites: Map<string, { calls: number; inclusive: number }>;
  /** Functions in order of first ENTER. */
  order: string[];
}

interface Frame {
  fn: string;
  start: number;
  children: number;
  line: number;
  pair: string | undefined;
  site: string | undefined;
}

function bump<T>(map: Map<string, T>, key: string, make: () => T, change: (value: T) => void) {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  change(value);
}

const zero = (): Numbers => ({ calls: 0, primitive: 0, self: 0, inclusive: 0 });

export function expectFromEvents(oracle: HotshotOracle): Expected {
  const out: Expected = {
    functions: new Map(),
    edges: new Map(),
    lines: new Map(),
    sites: new Map(),
    order: [],
  };
  const active = new Map<string, number>();
  const stack: Frame[] = [];
  let clock = 0;

  const leave = () => {
    const frame = stack.pop() as Frame;
    const total = clock - frame.start;
    const self = total - frame.children;
    const outermost = (active.get(frame.fn) as number) === 1;
    active.set(frame.fn, (active.get(frame.fn) as number) - 1);
    bump(out.functions, frame.fn, zero, (n) => {
      n.calls++;
      n.self += self;
      if (outermost) {
        n.primitive++;
        n.inclusive += total;
      }
    });
    if (frame.pair !== undefined) {
      const pairOutermost = (active.get(frame.pair) as number) === 1;
      active.set(frame.pair, (active.get(frame.pair) as number) - 1);
      bump(out.edges, frame.pair, zero, (n) => {
        n.calls++;
        n.self += self;
        if (pairOutermost) {
          n.primitive++;
          n.inclusive += total;
        }
      });
      if (frame.site !== undefined) {
        bump(
          out.sites,
          frame.site,
          () => ({ calls: 0, inclusive: 0 }),
          (s) => {
            s.calls++;
            if (pairOutermost) s.inclusive += total;
          },
        );
      }
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children += total;
  };

  for (const [what, locationIndex, tdelta] of oracle.events) {
    const location = oracle.locations[locationIndex] as Location;
    const top = stack[stack.length - 1];
    if (tdelta > 0) {
      if (top) {
        bump(
          out.lines,
          `${top.fn}\n${top.line}`,
          () => ({ hits: 0, self: 0 }),
          (l) => {
            l.self += tdelta;
          },
        );
      }
      clock += tdelta;
    }
    if (what === 0) {
      const fn = JSON.stringify(location);
      if (!out.functions.has(fn)) {
        out.functions.set(fn, zero());
        out.order.push(fn);
      }
      active.set(fn, (active.get(fn) ?? 0) + 1);
      let pair: string | undefined;
      let site: string | undefined;
      if (top) {
        pair = `${top.fn}\n${fn}`;
        site = `${pair}\n${top.line}`;
        active.set(pair, (active.get(pair) ?? 0) + 1);
      }
      stack.push({ fn, start: clock, children: 0, line: location[1], pair, site });
    } else if (what === 1) {
      leave();
    } else {
      const frame = top as Frame;
      frame.line = location[1];
      bump(
        out.lines,
        `${frame.fn}\n${frame.line}`,
        () => ({ hits: 0, self: 0 }),
        (l) => {
          l.hits++;
        },
      );
    }
  }
  while (stack.length > 0) leave();
  return out;
}

function functionKey(profile: Profile, fn: number): string {
  return JSON.stringify([
    displayText(functionFile(profile, fn)),
    profile.functions.line[fn],
    displayText(functionName(profile, fn)),
  ]);
}

const us = (microseconds: number) => microseconds / 1e6;

/**
 * Asserts that a profile holds exactly the numbers the oracle's events give: functions
 * (in order of first ENTER), edges, and with line events the line costs (absent without
 * line timings) and call sites. Times compare bit for bit: microseconds / 1e6.
 */
export function expectProfileMatches(
  profile: Profile,
  oracle: HotshotOracle,
  { lineTimings }: { lineTimings: boolean },
): void {
  const expected = expectFromEvents(oracle);
  const fns = profile.functions;
  const keys: string[] = [];
  for (let fn = 0; fn < fns.length; fn++) keys.push(functionKey(profile, fn));
  expect(keys).toEqual(expected.order);
  for (let fn = 0; fn < fns.length; fn++) {
    const want = expected.functions.get(keys[fn] as string);
    expect({
      fn: keys[fn],
      calls: fns.callCount[fn],
      primitive: fns.primitiveCallCount[fn],
      self: fns.selfTime[fn],
      inclusive: fns.inclusiveTime[fn],
    }).toEqual({
      fn: keys[fn],
      calls: want?.calls,
      primitive: want?.primitive,
      self: us(want?.self as number),
      inclusive: us(want?.inclusive as number),
    });
  }
  const calls = profile.calls;
  const edgeKeys: string[] = [];
  for (let e = 0; e < calls.length; e++) {
    const key = `${keys[calls.caller[e] as number]}\n${keys[calls.callee[e] as number]}`;
    edgeKeys.push(key);
    const want = expected.edges.get(key);
    expect({
      key,
      calls: calls.callCount[e],
      primitive: calls.primitiveCallCount[e],
      self: calls.selfTime[e],
      inclusive: calls.inclusiveTime[e],
    }).toEqual({
      key,
      calls: want?.calls,
      primitive: want?.primitive,
      self: us(want?.self as number),
      inclusive: us(want?.inclusive as number),
    });
  }
  expect(new Set(edgeKeys)).toEqual(new Set(expected.edges.keys()));

  const hasLines = oracle.summary.counts.LINE > 0;
  expect(profile.lines !== undefined).toBe(hasLines);
  expect(profile.callSites !== undefined).toBe(hasLines);
  if (!hasLines) return;
  const lines = profile.lines as NonNullable<Profile['lines']>;
  const gotLines = new Map<string, { hits: number; self: number }>();
  for (let k = 0; k < lines.length; k++) {
    gotLines.set(`${keys[lines.function[k] as number]}\n${lines.line[k]}`, {
      hits: lines.hits[k] as number,
      self: lines.selfTime[k] as number,
    });
  }
  const wantLines = new Map(
    [...expected.lines].map(([key, l]) => [
      key,
      { hits: l.hits, self: lineTimings ? us(l.self) : Number.NaN },
    ]),
  );
  expect(gotLines).toEqual(wantLines);
  const sites = profile.callSites as NonNullable<Profile['callSites']>;
  const gotSites = new Map<string, { calls: number; inclusive: number }>();
  for (let k = 0; k < sites.length; k++) {
    gotSites.set(`${edgeKeys[sites.call[k] as number]}\n${sites.line[k]}`, {
      calls: sites.callCount[k] as number,
      inclusive: sites.inclusiveTime[k] as number,
    });
  }
  const wantSites = new Map(
    [...expected.sites].map(([key, s]) => [key, { calls: s.calls, inclusive: us(s.inclusive) }]),
  );
  expect(gotSites).toEqual(wantSites);
}
