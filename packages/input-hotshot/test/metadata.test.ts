// The header becomes metadata (executable, working directory, platform, Python version,
// every ADD_INFO record in order, including ones added during the run), and the clock's
// unit comes from it: microseconds, or on Windows QueryPerformanceCounter ticks at the
// reported frequency.
import { Diagnostics, readWith } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { decodeHotshot, hotshot } from '../src/index.js';
import { hotshotFixtures, readExtra, readFixture, readOracle } from './corpus.js';

/** An ADD_INFO record (single-byte lengths are enough for the test's strings). */
function addInfo(key: string, value: string): Uint8Array {
  const k = new TextEncoder().encode(key);
  const v = new TextEncoder().encode(value);
  return Uint8Array.from([0x13, k.length, ...k, v.length, ...v]);
}

/** A copy of `log` with `records` inserted after its first (hotshot-version) record. */
function withHeaderRecords(log: Uint8Array, records: Uint8Array[]): Uint8Array {
  const first = 18; // 13 0F "hotshot-version" 00
  const parts = [log.subarray(0, first), ...records, log.subarray(first)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('metadata', () => {
  it('comes from the header', () => {
    const entry = hotshotFixtures().find((e) => e.file === 'hotshot/py27/decorators.hotshot');
    const oracle = readOracle(entry as NonNullable<typeof entry>);
    const profile = readWith(hotshot, readFixture('hotshot/py27/decorators.hotshot'), {
      fileName: 'decorators.hotshot',
    }).whole;
    const value = (key: string) => oracle.info.find(([k]) => k === key)?.[1][0];
    expect(profile.metadata).toMatchObject({
      format: 'hotshot',
      producer: 'hotshot',
      pythonVersion: '2.7.18',
      pythonMajor: 2,
      executable: value('executable'),
      cwd: oracle.cwd[0],
      platform: 'linux2',
      timeUnit: 'wall clock, microseconds',
      sourceName: 'decorators.hotshot',
    });
    // Every record in log order: the header, then the two addinfo() calls of the runner.
    const info = profile.metadata.info ?? [];
    expect(info.slice(0, 4)).toEqual([
      ['hotshot-version', ''],
      ['requested-frame-timings', 'yes'],
      ['requested-line-events', 'no'],
      ['requested-line-timings', 'no'],
    ]);
    expect(info.slice(-2)).toEqual([
      ['corpus-program', 'decorators'],
      ['corpus-variant', 'default'],
    ]);
    expect(info.length).toBe(oracle.info.reduce((n, [, values]) => n + values.length, 0));
  });

  it('keeps ADD_INFO records written among the events, in order', () => {
    const log = readExtra('started-inside.hotshot');
    const profile = readWith(hotshot, log.bytes).whole;
    expect(profile.metadata.info?.filter(([key]) => key === 'phase')).toEqual([
      ['phase', 'inside work'],
    ]);
    const records = [...decodeHotshot(log.bytes)];
    const phase = records.findIndex((r) => r.type === 'add-info' && r.key === 'phase');
    expect(records.slice(0, phase).some((r) => r.type === 'enter')).toBe(true);
    expect(records[phase]).toMatchObject({ header: false, value: 'inside work' });
  });
});

describe('the clock', () => {
  const log = readFixture('hotshot/py27/recursion.hotshot');
  const micro = readWith(hotshot, log).whole;

  it('reads Windows ticks at the reported performance frequency', () => {
    // A Windows header has reported-performance-frequency (QueryPerformanceFrequency);
    // here 2.5 MHz, so a tick is 0.4 µs.
    const windows = withHeaderRecords(log, [
      addInfo('platform', 'win32'),
      addInfo('reported-performance-frequency', '2500000'),
    ]);
    const diagnostics = new Diagnostics();
    const profile = readWith(hotshot, windows, { diagnostics }).whole;
    expect(diagnostics.list).toEqual([]);
    expect(profile.metadata.timeUnit).toBe(
      'wall clock, QueryPerformanceCounter ticks at 2500000 Hz',
    );
    for (let fn = 0; fn < micro.functions.length; fn++) {
      const ticks = Math.round((micro.functions.selfTime[fn] as number) * 1e6);
      expect(profile.functions.selfTime[fn]).toBe(ticks / 2500000);
      const inclusive = Math.round((micro.functions.inclusiveTime[fn] as number) * 1e6);
      expect(profile.functions.inclusiveTime[fn]).toBe(inclusive / 2500000);
    }
  });

  it('warns when a Windows log gives no usable frequency, and reads microseconds', () => {
    for (const records of [
      [addInfo('platform', 'win32')],
      [addInfo('reported-performance-frequency', 'fast')],
    ]) {
      const diagnostics = new Diagnostics();
      const profile = readWith(hotshot, withHeaderRecords(log, records), { diagnostics }).whole;
      expect(diagnostics.list.map((w) => w.code)).toEqual(['bad-clock-frequency']);
      expect(profile.metadata.timeUnit).toBe('wall clock, microseconds');
      expect(profile.functions.selfTime).toEqual(micro.functions.selfTime);
    }
  });
});
