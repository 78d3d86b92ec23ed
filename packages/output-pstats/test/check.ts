// Reads a written pstats file back with the test decoder and checks it against the profile
// it was written from: every function with numbers is one entry with the same key and
// the same numbers (floats bit for bit), its callers are its incoming edges with the same
// values (4-tuples, or counts for count-only edges), and nothing else is in the file. Also
// the tests' one way to write a profile.
import {
  type Diagnostic,
  isAbsent,
  type Profile,
  singleProfileSet,
  writeToBytes,
} from '@pyprof/core';
import { expect } from 'vitest';
import { pstats } from '../src/index.js';
import {
  decodeMarshal,
  PyCode,
  PyDict,
  PyFloat,
  PyInt,
  PyTuple,
  textOf,
  type Value,
} from './marshal-decoder.js';

function keyText(value: Value): string {
  if (!(value instanceof PyTuple) || value.items.length !== 3)
    throw new Error('key is not a 3-tuple');
  const [file, line, name] = value.items;
  if (!(line instanceof PyInt)) throw new Error('line is not an int');
  const nameText = name instanceof PyCode ? `<code ${textOf(name.name)}>` : textOf(name ?? null);
  return `${textOf(file ?? null)}\u0000${line.value}\u0000${nameText}`;
}

function expectInt(value: Value | undefined, expected: number): void {
  expect(value).toBeInstanceOf(PyInt);
  expect((value as PyInt).value).toBe(expected);
}

/** A time: a float with the same bits (absent: 0.0), or the profile root's int 0. */
function expectTime(value: Value | undefined, expected: number, intZero: boolean): void {
  if (intZero && value instanceof PyInt) {
    expect(value.value).toBe(0);
    expect(Object.is(expected, 0)).toBe(true);
    return;
  }
  expect(value).toBeInstanceOf(PyFloat);
  expect(Object.is((value as PyFloat).value, isAbsent(expected) ? 0 : expected)).toBe(true);
}

export function profileKey(profile: Profile, fn: number): string {
  const fns = profile.functions;
  return `${profile.strings[fns.file[fn] as number]}\u0000${fns.line[fn]}\u0000${profile.strings[fns.name[fn] as number]}`;
}

/** Checks `bytes` (written for `major`) against `profile` (a profile with no code-object keys). */
export function checkAgainstProfile(bytes: Uint8Array, major: 2 | 3, profile: Profile): void {
  const { value } = decodeMarshal(bytes, major);
  expect(value).toBeInstanceOf(PyDict);
  const dict = value as PyDict;
  const fns = profile.functions;
  const calls = profile.calls;
  const entries = new Map<string, Value>();
  for (const [key, entry] of dict.entries) {
    const text = keyText(key);
    expect(entries.has(text)).toBe(false);
    entries.set(text, entry);
  }
  let expected = 0;
  for (let fn = 0; fn < fns.length; fn++) {
    const key = profileKey(profile, fn);
    const root = key === 'profile\u00000\u0000profiler';
    const hasNumbers =
      fns.callCount[fn] !== 0 ||
      fns.primitiveCallCount[fn] !== 0 ||
      ((fns.selfTime[fn] as number) !== 0 && !isAbsent(fns.selfTime[fn] as number)) ||
      ((fns.inclusiveTime[fn] as number) !== 0 && !isAbsent(fns.inclusiveTime[fn] as number));
    const entry = entries.get(key);
    if (!hasNumbers && !root) {
      expect(entry).toBeUndefined();
      continue;
    }
    expected++;
    expect(entry).toBeInstanceOf(PyTuple);
    const [cc, nc, tt, ct, callers] = (entry as PyTuple).items;
    expectInt(cc, fns.primitiveCallCount[fn] as number);
    expectInt(nc, fns.callCount[fn] as number);
    expectTime(tt, fns.selfTime[fn] as number, root);
    expectTime(ct, fns.inclusiveTime[fn] as number, root);
    expect(callers).toBeInstanceOf(PyDict);
    const got = (callers as PyDict).entries.map(([k, v]) => [keyText(k), v] as const);
    const want: string[] = [];
    for (let e = 0; e < calls.length; e++)
      if (calls.callee[e] === fn) want.push(profileKey(profile, calls.caller[e] as number));
    expect(got.map(([k]) => k)).toEqual(want);
    let k = 0;
    for (let e = 0; e < calls.length; e++) {
      if (calls.callee[e] !== fn) continue;
      const v = (got[k++] as readonly [string, Value])[1];
      if (isAbsent(calls.primitiveCallCount[e] as number)) {
        expectInt(v, calls.callCount[e] as number);
        continue;
      }
      expect(v).toBeInstanceOf(PyTuple);
      const [enc, ecc, ett, ect] = (v as PyTuple).items;
      expectInt(enc, calls.callCount[e] as number);
      expectInt(ecc, calls.primitiveCallCount[e] as number);
      expectTime(ett, calls.selfTime[e] as number, false);
      expectTime(ect, calls.inclusiveTime[e] as number, false);
    }
  }
  expect(dict.entries.length).toBe(expected);
}

/** Writes one profile with `--python python`; returns the bytes and the warnings. */
export function writeProfile(
  profile: Profile,
  python: string,
): { bytes: Uint8Array; warnings: Diagnostic[] } {
  const warnings: Diagnostic[] = [];
  const bytes = writeToBytes(pstats, singleProfileSet(profile), {
    options: { python },
    context: { warn: (d) => warnings.push({ severity: 'warning', source: 'pstats', ...d }) },
  });
  return { bytes, warnings };
}
