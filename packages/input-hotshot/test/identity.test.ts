// Function identity: the log names a function by (file number, first line); the IR keeps
// (file, line, name) and never merges distinct ones — the two closures named `decorated`
// stay two functions — and file names keep their bytes even when they are not UTF-8.
import { encodeText, functionFile, functionName, readWith } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { hotshot } from '../src/index.js';
import { readFixture } from './corpus.js';

describe.each([
  'decorators.hotshot',
  'decorators.lines.hotshot',
  'decorators.lines-notimings.hotshot',
])('%s', (file) => {
  it('has two distinct `decorated` functions, at lines 31 and 46', () => {
    const profile = readWith(hotshot, readFixture(`hotshot/py27/${file}`)).whole;
    const decorated: Array<[number, number]> = [];
    for (let fn = 0; fn < profile.functions.length; fn++) {
      if (functionName(profile, fn) === 'decorated')
        decorated.push([
          profile.functions.line[fn] as number,
          profile.functions.callCount[fn] as number,
        ]);
    }
    // needs_read_lock's closure runs 21 times, needs_write_lock's 7 times.
    expect(decorated.sort((a, b) => a[0] - b[0])).toEqual([
      [31, 21],
      [46, 7],
    ]);
  });
});

describe('nonutf8.py27.hotshot', () => {
  it('keeps the byte 0xE9 of the file name', () => {
    const profile = readWith(hotshot, readFixture('hotshot/nonutf8/nonutf8.py27.hotshot')).whole;
    const files = new Set<string>();
    for (let fn = 0; fn < profile.functions.length; fn++) files.add(functionFile(profile, fn));
    const name = [...files].find((f) => f.includes('latin')) as string;
    const bytes = encodeText(name);
    expect(Buffer.from(bytes).toString('latin1')).toBe(
      '/srv/pyprof-corpus/programs/nonutf8/latin\u00e9.py',
    );
    expect(bytes.includes(0xe9)).toBe(true);
    expect(bytes.length).toBe(name.length);
  });
});
