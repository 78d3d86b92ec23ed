// What the output needs decides what is built: by default only the aggregate graph (and
// line data when the log has line events); the exact timeline and calling-context tree
// only when asked, and then exactly what the oracle's events say.
import {
  displayText,
  functionFile,
  functionName,
  type Profile,
  readWith,
  TIMELINE_ENTER,
  TIMELINE_EXIT,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { hotshot } from '../src/index.js';
import { hotshotFixtures, type Location, readExtra, readFixture, readOracle } from './corpus.js';

function keys(profile: Profile): string[] {
  const out: string[] = [];
  for (let fn = 0; fn < profile.functions.length; fn++) {
    out.push(
      JSON.stringify([
        displayText(functionFile(profile, fn)),
        profile.functions.line[fn],
        displayText(functionName(profile, fn)),
      ]),
    );
  }
  return out;
}

const picked = hotshotFixtures().filter((e) =>
  ['recursion', 'generators_classes', 'exceptions', 'nonutf8'].includes(e.program),
);

describe.each(picked.map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  const bytes = readFixture(entry.file);
  const oracle = readOracle(entry);

  it('builds neither timeline nor call tree unless asked', () => {
    const profile = readWith(hotshot, bytes).whole;
    expect(profile.timeline).toBeUndefined();
    expect(profile.callTree).toBeUndefined();
  });

  it('builds the exact timeline: every ENTER and EXIT at its clock time', () => {
    const profile = readWith(hotshot, bytes, { needs: { timeline: true } }).whole;
    expect(validateProfile(profile).errors).toEqual([]);
    expect(profile.callTree).toBeUndefined();
    const names = keys(profile);
    const timeline = profile.timeline as NonNullable<Profile['timeline']>;
    const got: Array<[number, string, number]> = [];
    for (let k = 0; k < timeline.length; k++) {
      got.push([
        timeline.kind[k] as number,
        names[timeline.function[k] as number] as string,
        timeline.time[k] as number,
      ]);
    }
    const want: Array<[number, string, number]> = [];
    let clock = 0;
    for (const [what, location, tdelta] of oracle.events) {
      if (tdelta > 0) clock += tdelta;
      if (what === 2) continue;
      const [file, line, name] = oracle.locations[location] as Location;
      // EXIT events carry the location of the frame being left: its first line.
      want.push([
        what === 0 ? TIMELINE_ENTER : TIMELINE_EXIT,
        JSON.stringify([file, line, name]),
        clock / 1e6,
      ]);
    }
    expect(got).toEqual(want);
  });

  it('builds the exact calling-context tree: calls and self time per distinct stack', () => {
    const profile = readWith(hotshot, bytes, { needs: { callTree: true } }).whole;
    expect(validateProfile(profile).errors).toEqual([]);
    expect(profile.timeline).toBeUndefined();
    const names = keys(profile);
    const tree = profile.callTree as NonNullable<Profile['callTree']>;
    const paths: string[] = [];
    const got = new Map<string, { calls: number; self: number }>();
    for (let n = 0; n < tree.length; n++) {
      const parent = tree.parent[n] as number;
      const path = `${parent >= 0 ? `${paths[parent]} > ` : ''}${names[tree.function[n] as number]}`;
      paths.push(path);
      expect(got.has(path)).toBe(false);
      got.set(path, { calls: tree.callCount[n] as number, self: tree.selfTime[n] as number });
    }
    // The same from the events: a stack of paths, self time in integer microseconds.
    const want = new Map<string, { calls: number; self: number }>();
    const stack: Array<{ path: string; start: number; children: number }> = [];
    let clock = 0;
    for (const [what, location, tdelta] of oracle.events) {
      if (tdelta > 0) clock += tdelta;
      if (what === 0) {
        const [file, line, name] = oracle.locations[location] as Location;
        const top = stack[stack.length - 1];
        const path = `${top ? `${top.path} > ` : ''}${JSON.stringify([file, line, name])}`;
        stack.push({ path, start: clock, children: 0 });
        const node = want.get(path) ?? { calls: 0, self: 0 };
        node.calls++;
        want.set(path, node);
      } else if (what === 1) {
        const frame = stack.pop() as (typeof stack)[number];
        const total = clock - frame.start;
        (want.get(frame.path) as { self: number }).self += total - frame.children;
        const parent = stack[stack.length - 1];
        if (parent) parent.children += total;
      }
    }
    expect(got).toEqual(
      new Map(
        [...want].map(([path, node]) => [path, { calls: node.calls, self: node.self / 1e6 }]),
      ),
    );
  });
});

describe('a timeline longer than the output will use', () => {
  const bytes = readFixture('hotshot/py27/recursion.hotshot');
  const events = readWith(hotshot, bytes, { needs: { timeline: true } }).whole.timeline?.length;

  it('is left out past the limit, the call tree kept', () => {
    expect(events).toBeGreaterThan(100);
    const needs = { timeline: true, callTree: true, timelineLimit: 100 };
    const profile = readWith(hotshot, bytes, { needs }).whole;
    expect(validateProfile(profile).errors).toEqual([]);
    expect(profile.timeline).toBeUndefined();
    expect(profile.callTree).toBeDefined();
  });

  it('is kept up to the limit', () => {
    const needs = { timeline: true, timelineLimit: events as number };
    expect(readWith(hotshot, bytes, { needs }).whole.timeline?.length).toBe(events);
  });

  it('counts the enters of frames entered before profiling', () => {
    const log = readExtra('started-inside.hotshot').bytes;
    const full = readWith(hotshot, log, { needs: { timeline: true } }).whole.timeline?.length;
    const at = (limit: number) =>
      readWith(hotshot, log, { needs: { timeline: true, timelineLimit: limit } }).whole.timeline
        ?.length;
    expect(at(full as number)).toBe(full);
    expect(at((full as number) - 1)).toBeUndefined();
  });
});
