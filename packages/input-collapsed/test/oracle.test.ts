// The austin fixtures against their oracle — the file's own lines, read independently
// (reference.ts) — and against austin's own count of samples. For every thread and for
// the whole: the total is the sum of the numbers; a function's self cost the sum of the
// lines ending in it, its inclusive cost the sum of the lines holding it (each line once);
// an edge's self and inclusive costs, line costs with their hits, call sites and the
// exact call tree likewise — exactly, in integer microseconds.
import { functionFile, functionName, type Profile, readWith, validateProfile } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { collapsed } from '../src/index.js';
import { AUSTIN, fixtureText, readFixture, sourcesIn } from './fixtures.js';
import {
  byName,
  type Expected,
  emptyExpected,
  expected,
  type Identity,
  parseAustin,
  type ReferenceFrame,
} from './reference.js';

const needs = { lines: true, callTree: true };
const us = (seconds: number) => Math.round(seconds * 1e6);

/** The IR's numbers keyed like the reference, with `key` naming each function. */
function actual(profile: Profile, key: (fn: number) => string): Expected {
  const fns = profile.functions;
  const out = emptyExpected();
  const sum = (map: Map<string, number>, k: string, value: number) =>
    map.set(k, (map.get(k) ?? 0) + value);
  for (let fn = 0; fn < fns.length; fn++) {
    sum(out.self, key(fn), us(fns.selfTime[fn] as number));
    sum(out.inclusive, key(fn), us(fns.inclusiveTime[fn] as number));
    out.total += us(fns.selfTime[fn] as number);
    expect(fns.callCount[fn]).toBeNaN();
  }
  const calls = profile.calls;
  const edgeKey = (e: number) =>
    `${key(calls.caller[e] as number)}\u0001${key(calls.callee[e] as number)}`;
  for (let e = 0; e < calls.length; e++) {
    sum(out.edgeSelf, edgeKey(e), us(calls.selfTime[e] as number));
    sum(out.edgeInclusive, edgeKey(e), us(calls.inclusiveTime[e] as number));
    expect(calls.callCount[e]).toBeNaN();
  }
  const lines = profile.lines as NonNullable<Profile['lines']>;
  for (let k = 0; k < lines.length; k++) {
    const at = `${key(lines.function[k] as number)}\u0001${lines.line[k]}`;
    const [weight, count] = out.lines.get(at) ?? [0, 0];
    out.lines.set(at, [
      weight + us(lines.selfTime[k] as number),
      count + (lines.hits[k] as number),
    ]);
  }
  const sites = profile.callSites as NonNullable<Profile['callSites']>;
  for (let k = 0; k < sites.length; k++)
    sum(
      out.sites,
      `${edgeKey(sites.call[k] as number)}\u0001${sites.line[k]}`,
      us(sites.inclusiveTime[k] as number),
    );
  const tree = profile.callTree as NonNullable<Profile['callTree']>;
  const path: string[] = [];
  for (let node = 0; node < tree.length; node++) {
    const parent = tree.parent[node] as number;
    path[node] =
      `${parent >= 0 ? `${path[parent]}\u0001` : ''}${key(tree.function[node] as number)}`;
    sum(out.paths, path[node] as string, us(tree.selfTime[node] as number));
  }
  return out;
}

const nonZero = (map: Map<string, number>) => new Map([...map].filter(([, v]) => v !== 0));

function compare(got: Expected, want: Expected): void {
  expect(got.total).toBe(want.total);
  expect(nonZero(got.self)).toEqual(nonZero(want.self));
  expect(got.inclusive).toEqual(want.inclusive);
  expect(got.edgeSelf).toEqual(
    new Map([...got.edgeSelf.keys()].map((k) => [k, want.edgeSelf.get(k) ?? 0])),
  );
  expect(got.edgeInclusive).toEqual(want.edgeInclusive);
  expect(got.lines).toEqual(want.lines);
  expect(got.sites).toEqual(want.sites);
  expect(nonZero(got.paths)).toEqual(nonZero(want.paths));
}

const irByName = (profile: Profile) => (fn: number) =>
  `${functionFile(profile, fn)}\u0000${functionName(profile, fn)}`;

describe.each(AUSTIN)('%s', (file) => {
  const text = fixtureText(`austin/${file}`);
  const reference = parseAustin(text);
  const set = readWith(collapsed, readFixture(`austin/${file}`), { needs });

  it('has as many samples as austin counted, one line each', () => {
    const stats = fixtureText(`austin/${file}.stderr`);
    const counted = Number(/Error rate : \d+\/(\d+)/.exec(stats)?.[1]);
    expect(reference.length).toBe(counted);
    let hits = 0;
    for (const part of set.parts) {
      const lines = part.lines as NonNullable<Profile['lines']>;
      for (let k = 0; k < lines.length; k++) hits += lines.hits[k] as number;
    }
    const idle = reference.filter((line) => line.frames.length === 0).length;
    expect(hits + idle).toBe(counted);
  });

  it('makes one valid part per thread, labelled with its id', () => {
    const threads = [...new Set(reference.map((line) => line.thread))];
    expect(set.parts.map((p) => p.metadata.threadId)).toEqual(threads);
    for (const profile of [...set.parts, set.whole]) {
      expect(validateProfile(profile).errors).toEqual([]);
      expect(profile.metadata).toMatchObject({
        format: 'collapsed',
        producer: 'austin',
        costUnit: 'seconds',
        sampled: true,
      });
    }
    if (threads.length > 1) expect(set.whole.metadata.label).toBe('all threads');
    else expect(set.whole).toBe(set.parts[0]);
  });

  it('agrees with the lines, thread by thread and as a whole', () => {
    for (const part of set.parts) {
      const threads = new Set([part.metadata.threadId as string]);
      compare(actual(part, irByName(part)), expected(reference, byName, threads));
    }
    compare(actual(set.whole, irByName(set.whole)), expected(reference, byName));
  });
});

describe('decorators.py38.austin with its sources', () => {
  const file = 'austin/decorators.py38.austin';
  const reference = parseAustin(fixtureText(file));
  const sources = sourcesIn('austin');
  const set = readWith(collapsed, readFixture(file), { needs, sources });
  // The program's text: the read lock's closure spans lines 31–36, the write lock's 46–51.
  const closure = (f: ReferenceFrame) =>
    f.name !== 'decorated' ? '' : f.line >= 31 && f.line <= 36 ? ':31' : ':46';
  const identity: Identity = (f) => `${byName(f)}${closure(f)}`;

  it('tells the two `decorated` closures apart by their def lines', () => {
    const profile = set.whole;
    const decorated = [];
    for (let fn = 0; fn < profile.functions.length; fn++)
      if (functionName(profile, fn) === 'decorated') decorated.push(profile.functions.line[fn]);
    expect(decorated.sort()).toEqual([31, 46]);
  });

  it('agrees with the lines, each closure counted on its own', () => {
    const profile = set.whole;
    const key = (fn: number) => {
      const name = functionName(profile, fn);
      const suffix = name === 'decorated' ? `:${profile.functions.line[fn]}` : '';
      return `${functionFile(profile, fn)}\u0000${name}${suffix}`;
    };
    compare(actual(profile, key), expected(reference, identity));
  });

  it('asks for each recorded file once', () => {
    expect(sources.asked.length).toBe(new Set(sources.asked).size);
    expect(sources.asked).toContain('programs/decorators.py');
    expect(sources.asked).toContain('loop.py');
    expect(sources.asked.some((path) => path.startsWith('<'))).toBe(false);
  });
});
