// Hotshot logs as hotshot.stats.load builds them: file names through Python 2.7's
// posixpath.normpath (oracle: fixtures/normpath.json, written by 2.7 itself), and for any
// generated run with a timeline, the layout profile.Profile gives it — the
// ('profile', 0, 'profiler') root with int zeros as caller of the top-level frames, count
// callers whose sum is each entry's nc, the run's primitive counts, times that agree with
// the run's to the microsecond the log records. That the times are hotshot.stats' own bit
// for bit is checked against Python 2.7 on the corpus logs (tests/integration).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Diagnostic, functionFile, functionName, type Profile } from '@pyprof/core';
import { arbitraryRun, profileFromRun, type Run } from '@pyprof/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normpath } from '../src/hotshot.js';
import { writeProfile } from './check.js';
import {
  decodeMarshal,
  type PyDict,
  PyFloat,
  PyInt,
  type PyTuple,
  textOf,
  type Value,
} from './marshal-decoder.js';

const oracle = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'normpath.json'), 'utf8'),
) as { python: string; cases: Array<[string, string]> };

describe('normpath', () => {
  it.each(oracle.cases)('%j → %j (Python 2.7)', (path, normalized) => {
    expect(normpath(path)).toBe(normalized);
  });
});

const ROOT = 'profile\u00000\u0000profiler';

function keyOf(key: Value): string {
  const [file, line, name] = (key as PyTuple).items;
  return `${textOf(file ?? null)}\u0000${(line as PyInt).value}\u0000${textOf(name ?? null)}`;
}

function hotshotProfile(run: Run): Profile {
  return profileFromRun(run, {
    timeline: true,
    metadata: { format: 'hotshot', producer: 'hotshot' },
  });
}

function write(profile: Profile, python: '2' | '3', warnings: Diagnostic[] = []): PyDict {
  const written = writeProfile(profile, python);
  warnings.push(...written.warnings);
  return decodeMarshal(written.bytes, python === '2' ? 2 : 3).value as PyDict;
}

describe('replay', () => {
  it('lays out any run as hotshot.stats does', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(arbitraryRun(), (run) => {
        const profile = hotshotProfile(run);
        const fns = profile.functions;
        const keys = new Map<string, number>();
        for (let fn = 0; fn < fns.length; fn++) {
          const file = normpath(functionFile(profile, fn));
          keys.set(`${file}\u0000${fns.line[fn]}\u0000${functionName(profile, fn)}`, fn);
        }
        // Keys that normalize alike, or a function posing as the root, make one key of two.
        fc.pre(keys.size === fns.length && !keys.has(ROOT));
        const tolerance = 2e-6 * (profile.timeline?.length ?? 0);
        for (const python of ['2', '3'] as const) {
          const dict = write(profile, python);
          const entries = new Map(dict.entries.map(([k, v]) => [keyOf(k), v as PyTuple]));
          let called = 0;
          for (let fn = 0; fn < fns.length; fn++) if ((fns.callCount[fn] as number) > 0) called++;
          expect(entries.size).toBe(called + 1);
          const root = entries.get(ROOT) as PyTuple;
          for (const value of root.items.slice(0, 4)) {
            expect(value).toBeInstanceOf(PyInt);
            expect((value as PyInt).value).toBe(0);
          }
          expect((root.items[4] as PyDict).entries).toEqual([]);
          for (const [key, fn] of keys) {
            if (fns.callCount[fn] === 0) {
              expect(entries.has(key)).toBe(false); // never called: not in the log
              continue;
            }
            const entry = entries.get(key) as PyTuple;
            const [cc, nc, tt, ct, callers] = entry.items as [
              PyInt,
              PyInt,
              PyFloat,
              PyFloat,
              PyDict,
            ];
            expect(cc.value).toBe(fns.primitiveCallCount[fn]);
            expect(nc.value).toBe(fns.callCount[fn]);
            let sum = 0;
            for (const [callerKey, count] of callers.entries) {
              expect(count).toBeInstanceOf(PyInt);
              const value = (count as PyInt).value;
              sum += value;
              const caller = keys.get(keyOf(callerKey));
              if (caller === undefined) {
                expect(keyOf(callerKey)).toBe(ROOT);
                continue;
              }
              let edge = -1;
              for (let e = 0; e < profile.calls.length; e++)
                if (profile.calls.caller[e] === caller && profile.calls.callee[e] === fn) edge = e;
              expect(value).toBe(profile.calls.callCount[edge]);
            }
            expect(sum).toBe(nc.value);
            expect(tt).toBeInstanceOf(PyFloat);
            expect(Math.abs(tt.value - (fns.selfTime[fn] as number))).toBeLessThanOrEqual(
              tolerance,
            );
            expect(Math.abs(ct.value - (fns.inclusiveTime[fn] as number))).toBeLessThanOrEqual(
              tolerance,
            );
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('without a timeline, writes the same layout from the call graph, with a warning', () => {
    const run: Run = {
      functions: [
        { file: '/a/./m.py', line: 1, name: 'main' },
        { file: '/a/m.py', line: 5, name: 'fib' },
      ],
      roots: [
        {
          fn: 0,
          self: 0.25,
          children: [{ fn: 1, self: 0.5, children: [{ fn: 1, self: 0.125 }] }],
        },
      ],
    };
    const replayed = hotshotProfile(run);
    const { timeline: _, ...aggregate } = replayed;
    const warnings: Diagnostic[] = [];
    const exact = write(replayed, '3', warnings);
    expect(warnings).toEqual([]);
    const fromGraph = write(aggregate as Profile, '3', warnings);
    expect(warnings.map((w) => w.code)).toEqual(['hotshot-not-replayed']);
    // The same keys ('/a/./m.py' normalized), counts and callers; times alike to rounding.
    const flat = (dict: PyDict) =>
      dict.entries.map(([k, v]) => ({
        key: keyOf(k),
        numbers: (v as PyTuple).items.slice(0, 4).map((x) => (x as PyInt | PyFloat).value),
        // Dict order differs (first return vs edge order); pstats dicts compare unordered.
        callers: ((v as PyTuple).items[4] as PyDict).entries
          .map(([c, n]) => `${keyOf(c)}=${(n as PyInt).value}`)
          .sort(),
      }));
    const a = flat(exact);
    const b = flat(fromGraph);
    expect(a.map((e) => [e.key, e.callers])).toEqual(b.map((e) => [e.key, e.callers]));
    expect(a.map((e) => e.key)).toEqual([
      ROOT,
      '/a/m.py\u00001\u0000main',
      '/a/m.py\u00005\u0000fib',
    ]);
    a.forEach((entry, k) => {
      entry.numbers.forEach((value, i) => {
        expect(Math.abs(value - (b[k]?.numbers[i] as number))).toBeLessThan(1e-12);
      });
    });
  });
});
