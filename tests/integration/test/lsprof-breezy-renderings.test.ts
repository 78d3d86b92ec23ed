// Breezy saved one Stats object three ways (pickle, text table, callgrind). Our text and
// callgrind writers, fed the profile read from the pickle, must agree with Breezy's own
// renderings on every function, every caller→callee pair, the call counts exactly and the
// times to the precision both sides print: pstats-style text (3 decimals) against Breezy's
// table (4 decimals, seconds despite its "(ms)" header), and our callgrind in nanoseconds
// against Breezy's milliseconds truncated to integers (ours floors to Breezy's number).
// Breezy's renderings hold the main thread only, so the main thread's part is written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText, readWith, writeToBytes, writeToString } from '@pyprof/core';
import { lsprof, parsePythonLabel } from '@pyprof/input-lsprof';
import { callgrind, PROFILER_NAME } from '@pyprof/output-callgrind';
import { text } from '@pyprof/output-text';
import { type FunctionRecord, parseCallgrind } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import {
  BREEZY_RENDERINGS,
  type CallgrindEntry,
  groupBy,
  parseBreezyCallgrind,
  parseBreezyText,
  sum,
  type TextRow,
} from '../../../packages/input-lsprof/test/breezy.js';

const fixtures = join(import.meta.dirname, '..', '..', '..', 'packages/input-lsprof/test/fixtures');
const read = (relative: string) => readFileSync(join(fixtures, relative));

/** pstats prints builtins' labels with braces: `{built-in method …}` is `<built-in method …>`. */
function labelOfPstatsName(name: string): string {
  return name.startsWith('{') && name.endsWith('}') ? `<${name.slice(1, -1)}>` : name;
}

/** `nc` or `nc/cc` as pstats prints them. */
function counts(text: string): [number, number] {
  const [nc, cc] = text.split('/').map(Number) as [number, number | undefined];
  return [nc, cc ?? nc];
}

/** Our 3-decimal seconds against Breezy's 4-decimal seconds of the same rows. */
function expectSameSeconds(ours: number, breezy: number[], what: string): void {
  expect(Math.abs(ours - sum(breezy)), `${what}: ${ours} vs ${breezy}`).toBeLessThanOrEqual(
    0.0005 + breezy.length * 0.00005 + 1e-9,
  );
}

/** Our nanoseconds against Breezy's int(seconds * 1000) of the same rows. */
function expectFloorsTo(ns: number, breezyMs: number[], what: string): void {
  const floors = [ns - 1, ns, ns + 1].map((n) => Math.floor(n / 1e6)); // ±1 ns of rounding
  if (breezyMs.length === 1) expect(floors, `${what}: ${ns} ns`).toContain(breezyMs[0]);
  else {
    expect(Math.floor(ns / 1e6), what).toBeGreaterThanOrEqual(sum(breezyMs) - 1);
    expect(Math.floor(ns / 1e6), what).toBeLessThanOrEqual(sum(breezyMs) + breezyMs.length);
  }
}

describe.each(BREEZY_RENDERINGS)('%s: our renderings against Breezy’s', (pickle, txt, cg) => {
  const set = readWith(lsprof, new Uint8Array(read(pickle)));
  const main = set.parts[0];
  if (!main) throw new Error('no main thread');
  const mainOnly = { parts: [main], whole: main };
  const breezyText = parseBreezyText(read(txt).toString('utf8'));
  const breezyCallgrind = parseBreezyCallgrind(read(cg).toString('utf8')).entries;

  it('pstats-style text: same functions, counts and times as Breezy’s table', {
    timeout: 60_000,
  }, () => {
    const report = writeToString(text, mainOnly, { options: { style: 'pstats' } });
    const rows = new Map<string, { nc: number; cc: number; tt: number; ct: number }>();
    for (const line of report.split('\n')) {
      const m =
        /^ *(\d+(?:\/\d+)?) +(\d+\.\d{3}) +(?:\d+\.\d{3})? +(\d+\.\d{3}) +(?:\d+\.\d{3})? (.*)$/.exec(
          line,
        );
      if (!m) continue;
      const [nc, cc] = counts(m[1] as string);
      rows.set(labelOfPstatsName(m[4] as string), { nc, cc, tt: Number(m[2]), ct: Number(m[3]) });
    }
    const byLabel = groupBy<TextRow>(breezyText.map((e) => [e.label, e]));
    const callees = new Set(breezyText.flatMap((e) => e.calls.map((c) => c.label)));
    expect(new Set(rows.keys())).toEqual(new Set([...byLabel.keys(), ...callees]));
    for (const [label, entries] of byLabel) {
      const row = rows.get(label);
      expect(row, label).toBeDefined();
      const r = row as { nc: number; cc: number; tt: number; ct: number };
      expect(r.nc, label).toBe(sum(entries.map((e) => e.callcount)));
      expect(r.cc, label).toBe(sum(entries.map((e) => e.callcount - e.reccallcount)));
      expectSameSeconds(
        r.tt,
        entries.map((e) => e.inlinetime),
        `${label} tottime`,
      );
      expectSameSeconds(
        r.ct,
        entries.map((e) => e.totaltime),
        `${label} cumtime`,
      );
    }
  });

  it('pstats-style callees: same caller→callee pairs, counts and times as Breezy’s table', {
    timeout: 60_000,
  }, () => {
    const report = writeToString(text, mainOnly, {
      options: { style: 'pstats', report: 'callees' },
    }).split('\n');
    const heading = report.findIndex((l) => l.startsWith('Function '));
    const width = (report[heading] as string).indexOf('called...');
    const edges = new Map<string, { nc: number; cc: number; tt: number; ct: number }>();
    let caller = '';
    for (const line of report.slice(heading + 2)) {
      if (line.trim() === '') continue;
      const head = line.slice(0, width).trimEnd();
      if (head !== '') caller = labelOfPstatsName(head);
      const m = /^(?:->)? *(\d+(?:\/\d+)?) +(\d+\.\d{3}) +(\d+\.\d{3}) {2}(.*)$/.exec(
        line.slice(width).trimStart(),
      );
      if (!m) continue;
      const [nc, cc] = counts(m[1] as string);
      edges.set(`${caller} -> ${labelOfPstatsName(m[4] as string)}`, {
        nc,
        cc,
        tt: Number(m[2]),
        ct: Number(m[3]),
      });
    }
    const pairs = groupBy<TextRow>(
      breezyText.flatMap((e) =>
        e.calls.map((c): [string, TextRow] => [`${e.label} -> ${c.label}`, c]),
      ),
    );
    expect(new Set(edges.keys())).toEqual(new Set(pairs.keys()));
    for (const [pair, rows] of pairs) {
      const e = edges.get(pair) as { nc: number; cc: number; tt: number; ct: number };
      expect(e.nc, pair).toBe(sum(rows.map((r) => r.callcount)));
      expect(e.cc, pair).toBe(sum(rows.map((r) => r.callcount - r.reccallcount)));
      expectSameSeconds(
        e.tt,
        rows.map((r) => r.inlinetime),
        `${pair} tottime`,
      );
      expectSameSeconds(
        e.ct,
        rows.map((r) => r.totaltime),
        `${pair} cumtime`,
      );
    }
  });

  it('callgrind: same functions, calls and costs (our ns floor to Breezy’s truncated ms)', {
    timeout: 60_000,
  }, () => {
    const ours = parseCallgrind(decodeText(writeToBytes(callgrind, mainOnly)));
    expect(ours.errors).toEqual([]);
    expect(ours.events).toEqual(['ns']);
    // Our functions by (file, definition line); the label says which one by its name.
    const byPlace = groupBy<FunctionRecord>(
      [...ours.functions.values()]
        .filter((f) => f.name !== PROFILER_NAME)
        .map((f): [string, FunctionRecord] => [`${f.file}\u0000${f.firstLine ?? 0}`, f]),
    );
    const find = (label: string): FunctionRecord => {
      const python = parsePythonLabel(label);
      const [file, line, name] = python
        ? [python.module, python.line, python.name]
        : ['~', 0, label];
      const candidates = (byPlace.get(`${file}\u0000${line}`) ?? []).filter(
        (f) => f.name === name || f.name.includes(name),
      );
      expect(candidates, `our function for ${label}`).toHaveLength(1);
      return candidates[0] as FunctionRecord;
    };
    const byLabel = groupBy<CallgrindEntry>(breezyCallgrind.map((e) => [e.label, e]));
    const labels = new Set([
      ...byLabel.keys(),
      ...breezyCallgrind.flatMap((e) => e.calls.map((c) => c.label)),
    ]);
    expect([...byPlace.values()].flat()).toHaveLength(labels.size);
    for (const label of labels) find(label);
    for (const [label, entries] of byLabel) {
      const f = find(label);
      expectFloorsTo(
        f.self,
        entries.map((e) => e.selfMs),
        `${label} self`,
      );
      const calls = groupBy(
        entries.flatMap((e) => e.calls.map((c): [string, typeof c] => [c.label, c])),
      );
      for (const [callee, rows] of calls) {
        const target = find(callee).key;
        const arc = f.outgoing.filter((c) => c.callee === target);
        expect(arc, `${label} -> ${callee}`).toHaveLength(1);
        const call = arc[0] as (typeof arc)[number];
        expect(call.count, `${label} -> ${callee}`).toBe(sum(rows.map((r) => r.count)));
        expectFloorsTo(
          call.cost,
          rows.map((r) => r.inclusiveMs),
          `${label} -> ${callee}`,
        );
      }
      const ourCallees = new Set(
        f.outgoing
          .map((c) => c.callee)
          .filter((k) => ours.functions.get(k)?.name !== PROFILER_NAME),
      );
      expect(ourCallees.size, `callees of ${label}`).toBe(calls.size);
    }
  });
});
