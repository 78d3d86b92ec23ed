// Every corpus hotshot log through the pipeline to a Chrome trace, streamed (the reader
// feeds the writer as it reads, as the CLI converts): the trace is well-formed for the
// viewers (events balanced per thread, timestamps strictly increasing, E naming its B),
// every function's own time is hotshot.stats' (the oracle Python 2.7 wrote) to the
// microsecond once the documented nanosecond nudges are floored away — and within those
// nudges before — and the streamed bytes equal what the writer makes of the profile held
// whole, timeline and all.
import {
  chunksToBytes,
  convert,
  createRegistry,
  Diagnostics,
  displayText,
  functionFile,
  functionKind,
  functionName,
  NamesInOrder,
  readWith,
  writeToString,
} from '@pyprof/core';
import { hotshot } from '@pyprof/input-hotshot';
import { chromeTrace } from '@pyprof/output-chrome-trace';
import { describe, expect, it } from 'vitest';
import {
  hotshotFixtures,
  readFixture,
  readOracle,
} from '../../../packages/input-hotshot/test/corpus.js';
import { checkTrace, ownTimes } from '../../../packages/output-chrome-trace/test/check.js';

const registry = createRegistry([hotshot, chromeTrace]);
const fixtures = hotshotFixtures();

describe('hotshot corpus → chrome-trace', () => {
  it('has the whole corpus', () => {
    expect(fixtures.length).toBe(28);
  });

  for (const entry of fixtures) {
    it(entry.file, { timeout: 60_000 }, async () => {
      const bytes = readFixture(entry.file);
      const name = entry.file.split('/').pop() as string;
      const diagnostics = new Diagnostics();
      const result = await convert({
        registry,
        inputs: [{ name, data: bytes }],
        to: 'chrome-trace',
        producer: 'pyprof-test',
        diagnostics,
      });
      // Streamed: the chunks come asynchronously and the profile only once they are read.
      expect(Symbol.asyncIterator in result.chunks).toBe(true);
      expect(() => result.set).toThrow(/once its chunks are read/);
      const output = new TextDecoder().decode(await chunksToBytes(result.chunks));
      const profile = result.set.whole;
      expect(profile.timeline).toBeUndefined();

      const summary = checkTrace(output);
      expect(summary.threads.map((t) => [t.pid, t.tid])).toEqual([[1, 1]]);
      expect([...summary.processNames]).toEqual([[1, name]]);
      const events = readOracle(entry).summary.counts;
      expect(summary.threads[0]?.events).toBe(events.ENTER + events.EXIT);

      // The oracle: hotshot.stats' own time of each function, whole microseconds.
      const stats = readOracle(entry).stats;
      expect(stats).not.toBeNull();
      const oracle = new Map<string, number>();
      for (const f of stats?.functions ?? []) oracle.set(JSON.stringify(f.key), f.tt);
      const names = new NamesInOrder();
      const expected = new Map<string, number>();
      for (let fn = 0; fn < profile.functions.length; fn++) {
        const traceName = names.name(
          functionFile(profile, fn),
          profile.functions.line[fn] as number,
          functionName(profile, fn),
          functionKind(profile, fn),
        );
        const key = JSON.stringify([
          displayText(functionFile(profile, fn)),
          profile.functions.line[fn],
          displayText(functionName(profile, fn)),
        ]);
        const tt = oracle.get(key);
        expect(tt, key).toBeDefined();
        expected.set(traceName, Math.round((tt as number) * 1e6) * 1000);
      }
      expect(Object.fromEntries(ownTimes(summary, true))).toEqual(Object.fromEntries(expected));
      // As written, each function is off by at most the nudges of its events.
      const nudged = diagnostics.list.find((d) => d.code === 'timestamps-nudged');
      const moves = nudged ? Number(/^(\d+) /.exec(nudged.message)?.[1]) : 0;
      let off = 0;
      for (const [traceName, ns] of ownTimes(summary))
        off += Math.abs(ns - (expected.get(traceName) as number));
      expect(off).toBeLessThanOrEqual(2 * moves);
      expect(diagnostics.list.filter((d) => d.severity === 'warning')).toEqual([]);

      const held = readWith(hotshot, bytes, { needs: { timeline: true }, fileName: name });
      expect(held.whole.timeline).toBeDefined();
      expect(
        writeToString(chromeTrace, held, { context: { producer: 'pyprof-test', inputName: name } }),
      ).toBe(output);
    });
  }
});
