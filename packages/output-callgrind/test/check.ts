// What every callgrind output must satisfy, read with KCachegrind's rules: used on the
// canonical profiles (conformance suite) and on generated profiles (property test).
import { costUnitOf, isAbsent, type ProfileSet } from '@pyprof/core';
import { functionsInCycles, inclusiveCost, parseCallgrind } from '@pyprof/testkit';
import { expect } from 'vitest';
import { PROFILER_NAME } from '../src/index.js';
import { PROFILER_FILE, UNITS } from '../src/write.js';

export const PROFILER_KEY = PROFILER_NAME + PROFILER_FILE;

export function checkCallgrind(output: string, set: ProfileSet, unit: 'ns' | 'us' | 'ms' = 'ns') {
  const profile = set.whole;
  const fns = profile.functions;
  // Profiles counted in samples are written in samples, whatever the unit option.
  const samples = costUnitOf(profile) === 'samples';
  const scale = samples ? 1 : UNITS[unit].scale;
  const units = (seconds: number) => Math.round(Math.max(0, seconds || 0) * scale);
  const parsed = parseCallgrind(output);
  expect(parsed.errors).toEqual([]);
  expect(parsed.events).toEqual([samples ? 'samples' : unit]);

  // Unique under KCachegrind's identity: one function per IR row, plus (profiler).
  const hasProfiler = parsed.functions.has(PROFILER_KEY);
  expect(parsed.functions.size).toBe(fns.length + (hasProfiler ? 1 : 0));
  expect(parsed.order.length).toBe(parsed.functions.size);
  if (hasProfiler) expect(parsed.order[0]).toBe(PROFILER_KEY);
  const offset = hasProfiler ? 1 : 0;
  const keyOf = (fn: number) => parsed.order[fn + offset] as string;

  // Totals: Σ self = summary = totals = the rounded total self time.
  let selfSum = 0;
  let exact = 0;
  for (const r of parsed.functions.values()) selfSum += r.self;
  for (let fn = 0; fn < fns.length; fn++) exact += Math.max(0, fns.selfTime[fn] || 0) * scale;
  expect(parsed.summary).toBe(selfSum);
  expect(parsed.totals).toBe(selfSum);
  expect(Math.abs(selfSum - exact)).toBeLessThanOrEqual(1 + 1e-9 * exact);
  if (hasProfiler) expect(parsed.functions.get(PROFILER_KEY)?.self).toBe(0);

  const cycles = functionsInCycles(parsed);
  for (let fn = 0; fn < fns.length; fn++) {
    const record = parsed.functions.get(keyOf(fn));
    if (!record) throw new Error(`no function ${fn}`);
    expect(Math.abs(record.self - (fns.selfTime[fn] || 0) * scale)).toBeLessThan(1 + 1e-9);
    // Calls: the recorded ones plus (profiler)'s make the function's call count; where
    // none was recorded (sampled stacks) every call line says 1.
    const calls = record.incoming.reduce((sum, c) => sum + c.count, 0);
    if (isAbsent(fns.callCount[fn] as number)) {
      for (const c of record.incoming) expect(c.count).toBe(1);
    } else {
      const nc = Math.round(fns.callCount[fn] as number);
      expect(calls).toBeGreaterThanOrEqual(nc);
      const fromProfiler = record.incoming.filter((c) => c.caller === PROFILER_KEY);
      if (fromProfiler.length > 0) expect(calls).toBe(nc);
    }
    // KCachegrind's inclusive = ct outside recursion cycles (except functions called only
    // by themselves and functions with no calls at all).
    const others = record.incoming.filter((c) => c.caller !== record.key);
    const ct = fns.inclusiveTime[fn] as number;
    if (cycles.has(record.key) || others.length === 0 || isAbsent(ct)) continue;
    expect(Math.abs(inclusiveCost(parsed, record.key) - units(ct))).toBeLessThanOrEqual(
      others.length,
    );
  }
  return parsed;
}
