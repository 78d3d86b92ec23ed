// Every corpus log against the oracle Python 2.7 wrote for it: the decoded record stream
// equals LogReader's event list exactly (and _hotshot.logreader's definitions, info,
// file and function tables), and the profile's numbers equal what those events give
// under the attribution rule (test/reference.ts computes them independently).
import {
  displayText,
  functionFile,
  functionName,
  type Profile,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { decodeHotshot, type HotshotRecord, hotshot } from '../src/index.js';
import {
  type HotshotOracle,
  hotshotFixtures,
  type Location,
  readFixture,
  readOracle,
} from './corpus.js';
import { expectFromEvents } from './reference.js';

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

function functionKey(profile: Profile, fn: number): string {
  return JSON.stringify([
    displayText(functionFile(profile, fn)),
    profile.functions.line[fn],
    displayText(functionName(profile, fn)),
  ]);
}

const us = (microseconds: number) => microseconds / 1e6;

function checkNumbers(profile: Profile, oracle: HotshotOracle, lineTimings: boolean) {
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

describe('hotshot corpus against oracles', () => {
  it('has the whole corpus', () => {
    expect(fixtures.length).toBe(28);
  });

  for (const entry of fixtures) {
    describe(entry.file, () => {
      const bytes = readFixture(entry.file);
      const oracle = readOracle(entry);
      const records = [...decodeHotshot(bytes)];

      it('decodes to exactly the record stream LogReader saw', () => {
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
        const set = readWith(hotshot, bytes);
        const profile = set.whole;
        expect(validateProfile(profile).errors).toEqual([]);
        expect(profile.metadata.warnings).toEqual([]);
        const lineTimings = entry.file.includes('.lines.');
        checkNumbers(profile, oracle, lineTimings);
      });
    });
  }
});
