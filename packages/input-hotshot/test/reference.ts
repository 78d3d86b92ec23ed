// The expected numbers for a corpus log, computed in the plainest way from the oracle's
// event list (which Python's own hotshot.log.LogReader produced), independently of the
// reader: a stack of activations, string-keyed maps, integer microseconds. Rules:
// - a record's tdelta belongs to the frame on top before the record (and to that frame's
//   current line: its first line until its first LINE event);
// - per function: calls, primitive calls and inclusive time at the outermost activation,
//   self time always (cProfile); per caller→callee pair: the same at the outermost
//   activation of the pair; per call site (pair, caller's current line): calls, and
//   inclusive time when the activation is the outermost of its pair.
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
