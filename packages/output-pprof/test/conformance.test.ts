// The shared output-plugin suite: every canonical profile renders to its golden dump
// (test/dump.ts; update with `vitest -u`, then read the diff), and any generated profile
// set renders to a file Go would load whose total is the profile's own time, with names
// unique under Go's name-only identity, `system_name` unset and distinct non-zero
// location addresses.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { costUnitOf, type ProfileSet, writeToBytes } from '@pyprof/core';
import { describeOutputPlugin, readPprof } from '@pyprof/testkit';
import { expect } from 'vitest';
import { pprof } from '../src/index.js';
import { dumpPprof } from './dump.js';

/** Σ positive own time of the parts, in the file's unit. */
function ownTotal(set: ProfileSet): number {
  let total = 0;
  for (const part of set.parts.length > 0 ? set.parts : [set.whole])
    for (let fn = 0; fn < part.functions.length; fn++) {
      const own = part.functions.selfTime[fn] as number;
      if (own > 0 && Number.isFinite(own)) total += own;
    }
  return costUnitOf(set.whole) === 'samples' ? total : total * 1e9;
}

describeOutputPlugin(pprof, {
  goldenDir: join(dirname(fileURLToPath(import.meta.url)), 'golden'),
  renderText: dumpPprof,
  goldenExtension: '.pprof.txt',
  check(_dump, set) {
    const reading = readPprof(writeToBytes(pprof, set), undefined, { allowEmpty: true });
    const expected = ownTotal(set);
    expect(Math.abs(reading.total - expected)).toBeLessThanOrEqual(1 + expected * 1e-12);
    const names = reading.functions.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(reading.functions.every((f) => f.systemName === '' && f.name !== '')).toBe(true);
    expect(reading.addresses.every((a) => a > 0)).toBe(true);
    expect(new Set(reading.addresses).size).toBe(reading.addresses.length);
    for (const sample of reading.samples) expect(sample.values.every((v) => v >= 0)).toBe(true);
  },
});
