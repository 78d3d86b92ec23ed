// Every corpus log against the oracle Python 2.7 wrote for it: the decoded record stream
// equals LogReader's event list exactly (and _hotshot.logreader's definitions, info,
// file and function tables), and the profile's numbers equal what those events give
// under the attribution rule (test/reference.ts computes them independently).
import {
  Diagnostics,
  displayText,
  functionFile,
  functionName,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { decodeHotshot, type HotshotRecord, hotshot } from '../src/index.js';
import { hotshotFixtures, type Location, readFixture, readOracle } from './corpus.js';
import { expectProfileMatches } from './reference.js';

const fixtures = hotshotFixtures();

/** The event list hotshot.log.LogReader makes of the records: [what, location, tdelta]. */
function logReaderEvents(records: HotshotRecord[]): Array<[number, Location, number]> {
  const files = new Map<number, string>();
  const functions = new Map<string, string>();
  const stack: Location[] = [];
  const events: Array<[number, Location, number]> = [];
  for (const r of records) {
    if (r.type === 'define-file') files.set(r.fileno, displayText(r.name));
    else if (r.type === 'define-function')
      functions.set(`${r.fileno}:${r.lineno}`, displayText(r.name));
    else if (r.type === 'enter') {
      const location: Location = [
        files.get(r.fileno) as string,
        r.lineno,
        functions.get(`${r.fileno}:${r.lineno}`) as string,
      ];
      stack.push(location);
      events.push([0, location, r.tdelta]);
    } else if (r.type === 'exit') {
      events.push([1, stack.pop() as Location, r.tdelta]);
    } else if (r.type === 'line') {
      const top = stack[stack.length - 1] as Location;
      events.push([2, [top[0], r.lineno, top[2]], r.tdelta]);
    }
  }
  return events;
}

/** _hotshot.logreader's record stream skips the leading ADD_INFOs and the timing flags. */
function rawDefinitions(records: HotshotRecord[]) {
  const defs: Array<[number, string, number, number | null, string | number]> = [];
  const counts: Record<string, number> = {};
  let index = 0;
  for (const r of records) {
    if ((r.type === 'add-info' && r.header) || r.type === 'frame-times' || r.type === 'line-times')
      continue;
    const kind = {
      enter: 'ENTER',
      exit: 'EXIT',
      line: 'LINE',
      'add-info': 'ADD_INFO',
      'define-file': 'DEFINE_FILE',
      'define-function': 'DEFINE_FUNC',
    }[r.type];
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (r.type === 'define-file') defs.push([index, kind, r.fileno, null, displayText(r.name)]);
    else if (r.type === 'define-function')
      defs.push([index, kind, r.fileno, r.lineno, displayText(r.name)]);
    else if (r.type === 'add-info') defs.push([index, kind, -1, -1, -1]);
    index++;
  }
  return { defs, counts, total: index };
}

describe('hotshot corpus against oracles', () => {
  it('has the whole corpus', () => {
    expect(fixtures.length).toBe(28);
  });

  for (const entry of fixtures) {
    describe(entry.file, () => {
      const bytes = readFixture(entry.file);
      const oracle = readOracle(entry);
      const records = [...decodeHotshot(bytes)];

      it('decodes to exactly the record stream LogReader saw', { timeout: 60_000 }, () => {
        const events = logReaderEvents(records);
        const want = oracle.events.map(
          ([what, location, tdelta]) => [what, oracle.locations[location], tdelta] as const,
        );
        expect(events.length).toBe(want.length);
        expect(events).toEqual(want);
      });

      it("matches _hotshot.logreader's definitions, counts, info and tables", () => {
        const raw = rawDefinitions(records);
        expect(raw.defs).toEqual(oracle.raw_defs);
        expect(raw.counts).toEqual(oracle.raw_counts);
        expect(raw.total).toBe(oracle.raw_record_count);
        const info = new Map<string, string[]>();
        for (const r of records) {
          if (r.type !== 'add-info') continue;
          const key = displayText(r.key);
          info.set(key, [...(info.get(key) ?? []), displayText(r.value)]);
        }
        expect([...info].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(oracle.info);
        const files = records.flatMap((r) =>
          r.type === 'define-file' ? [[r.fileno, displayText(r.name)]] : [],
        );
        expect(files).toEqual(oracle.filemap);
        const functions = records
          .flatMap((r) =>
            r.type === 'define-function' ? [[r.fileno, r.lineno, displayText(r.name)]] : [],
          )
          .sort(
            (a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number),
          );
        expect(functions).toEqual(oracle.funcmap);
      });

      it('reads to the numbers the events give (functions, edges, lines, call sites)', () => {
        const diagnostics = new Diagnostics();
        const set = readWith(hotshot, bytes, { diagnostics });
        const profile = set.whole;
        expect(validateProfile(profile).errors).toEqual([]);
        expect(diagnostics.list).toEqual([]);
        const lineTimings = entry.file.includes('.lines.');
        expectProfileMatches(profile, oracle, { lineTimings });
      });
    });
  }
});

// README "Compared with hotshot.stats": on every corpus log, hotshot.stats.load agrees
// with us on every call count, primitive count and caller count; it differs only by its
// fake ('profile', 0, 'profiler') root (cc = nc = 0, "caller" of the top-level frame) and
// by float rounding of times (it adds taccum * 1e-6 per event; we add integer ticks and
// divide once, which gives the correctly rounded total).
describe('where hotshot.stats.load disagrees', () => {
  for (const entry of fixtures) {
    it(entry.file, () => {
      const stats = readOracle(entry).stats;
      expect(stats).not.toBeNull();
      const profile = readWith(hotshot, readFixture(entry.file)).whole;
      const rows = new Map<string, number>();
      for (let fn = 0; fn < profile.functions.length; fn++) {
        const key = JSON.stringify([
          displayText(functionFile(profile, fn)),
          profile.functions.line[fn],
          displayText(functionName(profile, fn)),
        ]);
        rows.set(key, fn);
      }
      const ROOT = JSON.stringify(['profile', 0, 'profiler']);
      const functions = stats?.functions ?? [];
      expect(functions.length).toBe(profile.functions.length + 1);
      let rootCallers = 0;
      for (const f of functions) {
        const key = JSON.stringify(f.key);
        if (key === ROOT) {
          expect([f.nc, f.cc, f.tt, f.ct, f.callers.length]).toEqual([0, 0, 0, 0, 0]);
          continue;
        }
        const fn = rows.get(key) as number;
        expect(fn, key).toBeDefined();
        expect(profile.functions.callCount[fn]).toBe(f.nc);
        expect(profile.functions.primitiveCallCount[fn]).toBe(f.cc);
        const pairs: Array<[number, number]> = [
          [profile.functions.selfTime[fn] as number, f.tt],
          [profile.functions.inclusiveTime[fn] as number, f.ct],
        ];
        for (const [ours, theirs] of pairs) {
          expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(1e-13 * Math.max(theirs, 1e-6));
          // Ours is the whole number of microseconds, exactly.
          expect(ours).toBe(Math.round(ours * 1e6) / 1e6);
        }
        for (const c of f.callers) {
          if (JSON.stringify(c.key) === ROOT) {
            rootCallers++;
            continue;
          }
          const caller = rows.get(JSON.stringify(c.key)) as number;
          let edge = -1;
          for (let e = 0; e < profile.calls.length; e++)
            if (profile.calls.caller[e] === caller && profile.calls.callee[e] === fn) edge = e;
          expect(profile.calls.callCount[edge]).toBe(c.value);
        }
      }
      // The top-level frame: called by the fake root there, by nothing here.
      expect(rootCallers).toBe(1);
      let edges = 0;
      for (const f of functions) edges += f.callers.length;
      expect(profile.calls.length).toBe(edges - 1);
    });
  }
});
