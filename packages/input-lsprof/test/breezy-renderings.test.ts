// Breezy saved one Stats object three ways: the pickle, its text table and its callgrind
// file. The profile read from the pickle must agree with both renderings on every
// function, every caller→callee pair, the call counts exactly and the times to the
// precision Breezy printed: the text's 4 decimals are seconds (whatever its "(ms)" header
// says), the callgrind costs are milliseconds truncated to integers. Labels that several
// entries share are summed on our side, so they are compared with the sum of their rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionFile, functionKind, functionName, type Profile, readWith } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { lsprof } from '../src/index.js';
import {
  BREEZY_RENDERINGS,
  type CallgrindCall,
  type CallgrindEntry,
  groupBy,
  parseBreezyCallgrind,
  parseBreezyText,
  sum,
  type TextRow,
} from './breezy.js';
import { fixturesDir, readFixture } from './corpus.js';

function text(relative: string): string {
  return readFileSync(join(fixturesDir, relative), 'utf8');
}

function labelOf(profile: Profile, fn: number): string {
  const name = functionName(profile, fn);
  if (functionKind(profile, fn) === 'builtin') return name;
  return `${functionFile(profile, fn)}:${profile.functions.line[fn]}(${name})`;
}

interface Ours {
  functions: Map<string, number>;
  edges: Map<string, number>;
}

function index(profile: Profile): Ours {
  const functions = new Map<string, number>();
  for (let fn = 0; fn < profile.functions.length; fn++) functions.set(labelOf(profile, fn), fn);
  const edges = new Map<string, number>();
  const c = profile.calls;
  for (let e = 0; e < c.length; e++) {
    edges.set(
      `${labelOf(profile, c.caller[e] as number)} -> ${labelOf(profile, c.callee[e] as number)}`,
      e,
    );
  }
  return { functions, edges };
}

/** Our seconds against rows printed with 4 decimals: within half a unit per row. */
function expectPrinted(ours: number, printed: number[], what: string): void {
  expect(Math.abs(ours - sum(printed)), `${what}: ${ours} vs ${printed}`).toBeLessThanOrEqual(
    printed.length * 0.00005 + 1e-12,
  );
}

/** Our seconds against Breezy's int(seconds * 1000) per row. */
function expectTruncatedMs(ours: number, printed: number[], what: string): void {
  const ms = Math.trunc(ours * 1000);
  if (printed.length === 1) expect(ms, what).toBe(printed[0]);
  else {
    // Each row was truncated on its own: the sum of truncations is at most one below per row.
    expect(ms, what).toBeGreaterThanOrEqual(sum(printed));
    expect(ms, what).toBeLessThanOrEqual(sum(printed) + printed.length);
  }
}

describe.each(BREEZY_RENDERINGS)('%s against Breezy’s own renderings', (pickle, txt, callgrind) => {
  const set = readWith(lsprof, readFixture(pickle));
  // Breezy's text and callgrind hold the main thread only.
  const main = set.parts[0] as Profile;
  const ours = index(main);
  const f = main.functions;
  const c = main.calls;

  it('text table: same functions, counts and times (seconds, 4 decimals)', () => {
    const entries = parseBreezyText(text(txt));
    const byLabel = groupBy<TextRow>(entries.map((e) => [e.label, e]));
    const subs = groupBy<TextRow>(
      entries.flatMap((e) =>
        e.calls.map((s) => [`${e.label} -> ${s.label}`, s] as [string, TextRow]),
      ),
    );
    const labels = new Set([
      ...byLabel.keys(),
      ...entries.flatMap((e) => e.calls.map((s) => s.label)),
    ]);
    expect(new Set(ours.functions.keys())).toEqual(labels);
    for (const [label, rows] of byLabel) {
      const fn = ours.functions.get(label) as number;
      expect(f.callCount[fn], label).toBe(sum(rows.map((r) => r.callcount)));
      expect(f.primitiveCallCount[fn], label).toBe(
        sum(rows.map((r) => r.callcount - r.reccallcount)),
      );
      expectPrinted(
        f.selfTime[fn] as number,
        rows.map((r) => r.inlinetime),
        `${label} self`,
      );
      expectPrinted(
        f.inclusiveTime[fn] as number,
        rows.map((r) => r.totaltime),
        `${label} incl`,
      );
    }
    expect(new Set(ours.edges.keys())).toEqual(new Set(subs.keys()));
    for (const [pair, rows] of subs) {
      const e = ours.edges.get(pair) as number;
      expect(c.callCount[e], pair).toBe(sum(rows.map((r) => r.callcount)));
      expect(c.primitiveCallCount[e], pair).toBe(
        sum(rows.map((r) => r.callcount - r.reccallcount)),
      );
      expectPrinted(
        c.selfTime[e] as number,
        rows.map((r) => r.inlinetime),
        `${pair} self`,
      );
      expectPrinted(
        c.inclusiveTime[e] as number,
        rows.map((r) => r.totaltime),
        `${pair} incl`,
      );
    }
    // The "(ms)" header lies: read as milliseconds, the biggest entry would not match.
    const top = entries[0] as TextRow;
    expect(top.inlinetime).toBeGreaterThan(0);
    expect(
      Math.abs(
        (f.selfTime[ours.functions.get(top.label) as number] as number) - top.inlinetime / 1000,
      ),
    ).toBeGreaterThan(0.00005);
  });

  it('callgrind: same functions and counts, times as truncated milliseconds', () => {
    const { summary, entries } = parseBreezyCallgrind(text(callgrind));
    const byLabel = groupBy<CallgrindEntry>(entries.map((e) => [e.label, e]));
    const calls = groupBy<CallgrindCall>(
      entries.flatMap((e) =>
        e.calls.map((s) => [`${e.label} -> ${s.label}`, s] as [string, CallgrindCall]),
      ),
    );
    const labels = new Set([
      ...byLabel.keys(),
      ...entries.flatMap((e) => e.calls.map((s) => s.label)),
    ]);
    expect(new Set(ours.functions.keys())).toEqual(labels);
    let maxInclusive = 0;
    for (const [label, rows] of byLabel) {
      const fn = ours.functions.get(label) as number;
      const file = functionFile(main, fn);
      for (const row of rows) {
        // C functions are `fi=~`; a `<filename>` label's file is Breezy's co_filename.
        if (functionKind(main, fn) === 'builtin') expect(row.file).toBe('~');
        else if (file.startsWith('<')) expect(`<${row.file}>`).toBe(file);
        expect(row.line).toBe(main.functions.line[fn]);
      }
      expectTruncatedMs(
        f.selfTime[fn] as number,
        rows.map((r) => r.selfMs),
        `${label} self`,
      );
      maxInclusive = Math.max(maxInclusive, Math.trunc((f.inclusiveTime[fn] as number) * 1000));
    }
    expect(maxInclusive).toBe(summary);
    expect(new Set(ours.edges.keys())).toEqual(new Set(calls.keys()));
    for (const [pair, rows] of calls) {
      const e = ours.edges.get(pair) as number;
      expect(c.callCount[e], pair).toBe(sum(rows.map((r) => r.count)));
      expectTruncatedMs(
        c.inclusiveTime[e] as number,
        rows.map((r) => r.inclusiveMs),
        pair,
      );
    }
  });
});
