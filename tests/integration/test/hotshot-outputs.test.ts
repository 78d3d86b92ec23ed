// Issue 4 across packages: the decorators logs, in all three hotshot modes, show two
// distinct `decorated` functions (lines 31 and 46, called 21 and 7 times) in every output —
// callgrind as KCachegrind identifies functions, speedscope and text — and the callgrind
// file of a line-events log carries the reader's line costs and call-site lines.
import {
  decodeText,
  functionFile,
  functionName,
  type Profile,
  readWith,
  writeToBytes,
  writeToString,
} from '@pyprof/core';
import { hotshot } from '@pyprof/input-hotshot';
import { callgrind, PROFILER_NAME } from '@pyprof/output-callgrind';
import { speedscope } from '@pyprof/output-speedscope';
import { text } from '@pyprof/output-text';
import { parseCallgrind } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../packages/input-hotshot/test/corpus.js';

const logs = [
  'decorators.hotshot',
  'decorators.lines.hotshot',
  'decorators.lines-notimings.hotshot',
];

describe.each(logs)('%s', (log) => {
  const bytes = readFixture(`hotshot/py27/${log}`);

  it('callgrind: two functions KCachegrind tells apart', () => {
    const set = readWith(hotshot, bytes, { needs: callgrind.needs ?? {} });
    const parsed = parseCallgrind(decodeText(writeToBytes(callgrind, set)));
    expect(parsed.errors).toEqual([]);
    const decorated = [...parsed.functions.values()].filter((f) => /decorated/.test(f.name));
    expect(new Set(decorated.map((f) => f.key)).size).toBe(2);
    const calls = decorated
      .map((f) => f.incoming.reduce((n, c) => n + c.count, 0))
      .sort((a, b) => a - b);
    expect(calls).toEqual([7, 21]);
  });

  it('speedscope: two frames', () => {
    const set = readWith(hotshot, bytes, { needs: speedscope.needs ?? {} });
    const file = JSON.parse(writeToString(speedscope, set)) as {
      shared: { frames: Array<{ name: string; file?: string; line?: number }> };
    };
    const decorated = file.shared.frames.filter((f) => /decorated/.test(f.name));
    expect(decorated.map((f) => f.line).sort()).toEqual([31, 46]);
    expect(new Set(decorated.map((f) => f.name)).size).toBe(2);
  });

  it.each(['table', 'pstats'])('text (%s style): two rows', (style) => {
    const set = readWith(hotshot, bytes);
    const out = writeToString(text, set, { options: { style } });
    const rows = out.split('\n').filter((line) => /decorated/.test(line));
    expect(rows.length).toBe(2);
    expect(rows.some((r) => /\b31\b/.test(r))).toBe(true);
    expect(rows.some((r) => /\b46\b/.test(r))).toBe(true);
  });
});

describe('callgrind from a line-events log', () => {
  const set = readWith(hotshot, readFixture('hotshot/py27/decorators.lines.hotshot'), {
    needs: callgrind.needs ?? {},
  });
  const profile = set.whole;
  const parsed = parseCallgrind(decodeText(writeToBytes(callgrind, set)));
  const ns = (seconds: number) => Math.round(seconds * 1e9);

  it('has each function’s line costs', () => {
    const lines = profile.lines as NonNullable<Profile['lines']>;
    const records = [...parsed.functions.values()];
    for (let fn = 0; fn < profile.functions.length; fn++) {
      // The writer names a function `name`, or `name:line` where names collide.
      const name = functionName(profile, fn);
      const found = records.filter(
        (r) =>
          r.file === functionFile(profile, fn) &&
          (r.name === name || r.name === `${name}:${profile.functions.line[fn]}`),
      );
      expect(found.length, name).toBe(1);
      const want = new Map<number, number>();
      for (let k = 0; k < lines.length; k++) {
        const cost = ns(lines.selfTime[k] as number);
        if (lines.function[k] === fn && cost > 0) want.set(lines.line[k] as number, cost);
      }
      const got = new Map([...(found[0]?.selfByLine ?? [])].filter(([, cost]) => cost > 0));
      expect(got, name).toEqual(want);
    }
  });

  it('has each call’s call-site line', () => {
    const sites = profile.callSites as NonNullable<Profile['callSites']>;
    const want = new Map<number, number>();
    for (let k = 0; k < sites.length; k++)
      want.set(
        sites.line[k] as number,
        (want.get(sites.line[k] as number) ?? 0) + (sites.callCount[k] as number),
      );
    // The writer's own "(profiler)" root calls the top-level function from line 0.
    const got = new Map<number, number>();
    for (const call of parsed.calls) {
      if (call.caller.startsWith(PROFILER_NAME)) continue;
      got.set(call.line, (got.get(call.line) ?? 0) + call.count);
    }
    expect(got).toEqual(want);
  });
});
