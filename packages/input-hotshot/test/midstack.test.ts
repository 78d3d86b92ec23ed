// Logs that start or end mid-stack (fixtures/extra, written by CPython 2.7): the decoder
// agrees with CPython's own C reader record for record, frames entered before profiling
// become the synthetic `<entered before profiling, level N>` functions (spec §9.4), and
// frames left open are closed at the last timestamp with a warning (or refused with
// `strict`). Expectations are computed here from the C reader's records.
import {
  Diagnostics,
  displayText,
  functionName,
  isProfileError,
  type Profile,
  readWith,
  TIMELINE_ENTER,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { decodeHotshot, hotshot } from '../src/index.js';
import { syntheticName } from '../src/replay.js';
import { type ExtraFixture, readExtra } from './corpus.js';

const ENTER = 0;
const EXIT = 1;
const LINE = 2;

/** Our records in the C reader's shape (it skips the header and the timing flags). */
function asCReaderRecords(bytes: Uint8Array, options = {}) {
  const out: Array<[number, number | string, number, number | null]> = [];
  for (const r of decodeHotshot(bytes, options)) {
    if (r.type === 'enter') out.push([ENTER, r.tdelta, r.fileno, r.lineno]);
    else if (r.type === 'exit') out.push([EXIT, r.tdelta, -1, -1]);
    else if (r.type === 'line') out.push([LINE, r.tdelta, -1, r.lineno]);
    else if (r.type === 'add-info' && !r.header) out.push([0x13, -1, -1, -1]);
    else if (r.type === 'define-file') out.push([0x23, displayText(r.name), r.fileno, null]);
    else if (r.type === 'define-function')
      out.push([0x43, displayText(r.name), r.fileno, r.lineno]);
  }
  return out;
}

/** Function rows by name (the scenarios' names are unique). */
function byName(profile: Profile): Map<string, number> {
  const rows = new Map<string, number>();
  for (let fn = 0; fn < profile.functions.length; fn++) rows.set(functionName(profile, fn), fn);
  return rows;
}

function edge(profile: Profile, caller: number, callee: number): number {
  for (let e = 0; e < profile.calls.length; e++)
    if (profile.calls.caller[e] === caller && profile.calls.callee[e] === callee) return e;
  return -1;
}

/**
 * Walks the C reader's records the plain way: a depth counter for frames entered in the
 * log, and, per stretch between EXITs with nothing on the stack (a "segment"), the clock
 * at its end, the time that passed with no logged frame running, and the top-level
 * calls of each function.
 */
function segments(log: ExtraFixture) {
  const result: Array<{ end: number; idle: number; calls: Map<string, number>; proven: boolean }> =
    [];
  const names = new Map<string, string>();
  let current = { end: 0, idle: 0, calls: new Map<string, number>(), proven: false };
  let depth = 0;
  let clock = 0;
  const stack: string[] = [];
  for (const [what, tdelta, fileno, lineno] of log.records) {
    if (what === 0x43) names.set(`${fileno}:${lineno}`, tdelta as string);
    if (what > 2) continue;
    const t = Math.max(tdelta as number, 0);
    clock += t;
    if (depth === 0) current.idle += t;
    if (what === ENTER) {
      const name = names.get(`${fileno}:${lineno}`) as string;
      if (depth === 0) current.calls.set(name, (current.calls.get(name) ?? 0) + 1);
      stack.push(name);
      depth++;
    } else if (what === EXIT && depth > 0) {
      stack.pop();
      depth--;
    } else if (what === EXIT) {
      current.end = clock;
      current.proven = true;
      result.push(current);
      current = { end: 0, idle: 0, calls: new Map(), proven: false };
    } else if (what === LINE && depth === 0) {
      current.proven = true;
    }
  }
  current.end = clock;
  result.push(current);
  return { segments: result, openFrames: depth, clock };
}

const seconds = (us: number) => us / 1e6;

describe.each([
  'started-inside.hotshot',
  'started-inside.lines.hotshot',
  'stopped-inside.hotshot',
  'stopped-inside.lines.hotshot',
])('%s', (name) => {
  const log = readExtra(name);
  const walk = segments(log);
  const proven = walk.segments.filter((s) => s.proven);

  it("decodes record for record as CPython's C reader does", () => {
    expect(asCReaderRecords(log.bytes)).toEqual(log.records);
  });

  it('shows frames entered before profiling as synthetic functions, one per level', () => {
    const profile = readWith(hotshot, log.bytes).whole;
    expect(validateProfile(profile).errors).toEqual([]);
    const rows = byName(profile);
    let before = -1;
    for (const [k, segment] of proven.entries()) {
      const level = k + 1;
      const fn = rows.get(syntheticName(level)) as number;
      expect(fn, syntheticName(level)).toBeDefined();
      expect(profile.functions.kind[fn]).toBe(2); // synthetic
      expect(profile.functions.callCount[fn]).toBe(1);
      expect(profile.functions.primitiveCallCount[fn]).toBe(1);
      // Active from the start of the log until its EXIT (or the end of the log).
      expect(profile.functions.inclusiveTime[fn]).toBe(seconds(segment.end));
      // Its own time: the time that passed with no frame of the log running.
      expect(profile.functions.selfTime[fn]).toBe(seconds(segment.idle));
      // It called the top-level frames of its segment…
      for (const [callee, count] of segment.calls) {
        const e = edge(profile, fn, rows.get(callee) as number);
        expect(profile.calls.callCount[e], `${syntheticName(level)} -> ${callee}`).toBe(count);
      }
      // …and the level below it, once.
      if (before >= 0) {
        const e = edge(profile, fn, before);
        expect(profile.calls.callCount[e]).toBe(1);
        expect(profile.calls.inclusiveTime[e]).toBe(
          seconds((proven[k - 1] as { end: number }).end),
        );
      }
      before = fn;
    }
    expect(rows.has(syntheticName(proven.length + 1))).toBe(false);
    // Top-level calls of the last, unproven segment have no caller.
    const last = walk.segments[walk.segments.length - 1] as (typeof walk.segments)[number];
    if (!last.proven) {
      for (const callee of last.calls.keys()) {
        const fn = rows.get(callee) as number;
        let fromCallers = 0;
        for (let e = 0; e < profile.calls.length; e++)
          if (profile.calls.callee[e] === fn) fromCallers += profile.calls.callCount[e] as number;
        expect(fromCallers).toBe(
          (profile.functions.callCount[fn] as number) - (last.calls.get(callee) as number),
        );
      }
    }
  });

  it('warns about what it had to assume', () => {
    const diagnostics = new Diagnostics();
    readWith(hotshot, log.bytes, { diagnostics });
    const codes = diagnostics.list.map((w) => w.code);
    expect(codes).toEqual([
      ...(walk.openFrames > 0 ? ['open-frames'] : []),
      ...(proven.length > 0 ? ['started-mid-stack'] : []),
    ]);
    if (walk.openFrames > 0) {
      expect(diagnostics.list[0]?.message).toMatch(
        new RegExp(`^${walk.openFrames} frames were still open`),
      );
    }
  });

  it('refuses open frames only with the strict option', () => {
    let refused = false;
    try {
      readWith(hotshot, log.bytes, { options: { strict: true } });
    } catch (error) {
      if (!isProfileError(error)) throw error;
      refused = true;
      expect(error.place).toEqual({ offset: log.bytes.length });
    }
    expect(refused).toBe(walk.openFrames > 0);
  });

  it('keeps a balanced timeline and a call tree rooted in the outermost synthetic frame', () => {
    const profile = readWith(hotshot, log.bytes, {
      needs: { timeline: true, callTree: true },
    }).whole;
    expect(validateProfile(profile).errors).toEqual([]);
    const timeline = profile.timeline as NonNullable<Profile['timeline']>;
    const rows = byName(profile);
    // The synthetic frames open the timeline at time 0, outermost first.
    for (let k = 0; k < proven.length; k++) {
      expect(timeline.kind[k]).toBe(TIMELINE_ENTER);
      expect(timeline.time[k]).toBe(0);
      expect(timeline.function[k]).toBe(rows.get(syntheticName(proven.length - k)));
    }
    expect(timeline.time[timeline.length - 1]).toBe(seconds(walk.clock));
    const tree = profile.callTree as NonNullable<Profile['callTree']>;
    if (proven.length > 0) {
      expect(tree.parent[0]).toBe(-1);
      expect(tree.function[0]).toBe(rows.get(syntheticName(proven.length)));
    }
    // Node self times add up to function self times.
    const self = new Float64Array(profile.functions.length);
    for (let n = 0; n < tree.length; n++)
      self[tree.function[n] as number] =
        (self[tree.function[n] as number] as number) + (tree.selfTime[n] as number);
    for (let fn = 0; fn < profile.functions.length; fn++)
      expect(self[fn]).toBeCloseTo(profile.functions.selfTime[fn] as number, 12);
  });
});

describe('coverage.hotshot (_hotshot.coverage)', () => {
  const log = readExtra('coverage.hotshot');

  it('is read as written with the coverage option: counts, lines and call sites, no times', () => {
    expect(asCReaderRecords(log.bytes, { coverage: true })).toEqual(log.records);
    const diagnostics = new Diagnostics();
    const profile = readWith(hotshot, log.bytes, {
      options: { coverage: true },
      diagnostics,
    }).whole;
    expect(validateProfile(profile).errors).toEqual([]);
    expect(diagnostics.list).toEqual([]);
    const fib = byName(profile).get('fib') as number;
    const enters = log.records.filter(([what]) => what === ENTER).length;
    expect(profile.functions.callCount[fib]).toBe(enters);
    expect(profile.functions.primitiveCallCount[fib]).toBe(1);
    expect(profile.functions.selfTime[fib]).toBeNaN();
    expect(profile.functions.inclusiveTime[fib]).toBeNaN();
    const lines = profile.lines as NonNullable<Profile['lines']>;
    let hits = 0;
    for (let k = 0; k < lines.length; k++) {
      hits += lines.hits[k] as number;
      expect(lines.selfTime[k]).toBeNaN();
    }
    expect(hits).toBe(log.records.filter(([what]) => what === LINE).length);
    const sites = profile.callSites as NonNullable<Profile['callSites']>;
    let siteCalls = 0;
    for (let k = 0; k < sites.length; k++) siteCalls += sites.callCount[k] as number;
    expect(siteCalls).toBe(enters - 1); // every call but the top-level one
  });

  it('without the option (misread the way CPython misreads it), is flagged as a coverage log', () => {
    const diagnostics = new Diagnostics();
    readWith(hotshot, log.bytes, { diagnostics });
    expect(diagnostics.list.map((w) => w.code)).toEqual(['coverage-log']);
    expect(diagnostics.list[0]?.message).toMatch(
      /all 25 ENTER times look like LINENO records and every EXIT time is 0/,
    );
  });
});
