// The writer's choices: which shape each part becomes (evented, exact tree, reconstructed),
// frame names that never collide, file/line only where they exist, the top-level fields,
// the (pruned) frame and its warning, chunked output, and the needs it declares.
import {
  type Diagnostic,
  type ProfileSet,
  resolveOptions,
  writeChunks,
  writeToString,
} from '@pyprof/core';
import { canonicalProfiles, profileFromRun } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { speedscope, speedscopeLoaderScript, speedscopeNeeds } from '../src/index.js';
import { PRUNED_NAME, SPEEDSCOPE_SCHEMA } from '../src/write.js';

interface Frame {
  name: string;
  file?: string;
  line?: number;
}

function write(set: ProfileSet, options: Record<string, unknown> = {}, context = {}) {
  const warnings: Diagnostic[] = [];
  const text = writeToString(speedscope, set, {
    options,
    context: { ...context, warn: (d) => warnings.push(d as Diagnostic) },
  });
  return { file: JSON.parse(text), text, warnings };
}

const canonical = canonicalProfiles();

describe('speedscope writer', () => {
  it('writes the top-level fields from the context', () => {
    const { file } = write(
      canonical.diamond as ProfileSet,
      {},
      { producer: 'pyprof@1.2.3', inputName: 'run.prof' },
    );
    expect(file.$schema).toBe(SPEEDSCOPE_SCHEMA);
    expect(file.exporter).toBe('pyprof@1.2.3');
    expect(file.name).toBe('run.prof');
    expect(file.activeProfileIndex).toBe(0);
    expect(file.profiles).toHaveLength(1);
  });

  it('names the reconstructed profile as such, in seconds, weights adding to the total', () => {
    const { file } = write(canonical.diamond as ProfileSet);
    const profile = file.profiles[0];
    expect(profile.type).toBe('sampled');
    expect(profile.unit).toBe('seconds');
    expect(profile.name).toContain('stacks reconstructed from the call graph');
    expect(profile.samples).toHaveLength(profile.weights.length);
    expect(profile.endValue).toBeCloseTo(0.0175, 15);
  });

  it('gives same-named functions distinct frame names, files and lines; builtins neither', () => {
    const { file } = write(canonical.unicodeSameNames as ProfileSet);
    const frames = file.shared.frames as Frame[];
    const names = frames.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    const decorated = frames.filter((f) => f.name.startsWith('decorated'));
    expect(decorated.map((f) => [f.name, f.line])).toEqual([
      ['decorated:31', 31],
      ['decorated:46', 46],
    ]);
    expect(frames.filter((f) => f.file?.endsWith('util.py')).map((f) => f.name)).toEqual([
      'pkg_a.util.run',
      'pkg_b.util.run',
    ]);
    const builtin = write(canonical.diamond as ProfileSet).file.shared.frames.find((f: Frame) =>
      f.name.startsWith('<built-in'),
    );
    expect(builtin).toEqual({ name: '<built-in method builtins.len>' });
  });

  it('keeps non-UTF-8 bytes of names as JSON escapes of the same string', () => {
    const { text, file, warnings } = write(canonical.unicodeSameNames as ProfileSet);
    expect(text).toContain('"file":"/src/app/\\udce9t\u00e9.py"');
    expect(file.shared.frames.some((f: Frame) => f.file === '/src/app/\udce9t\u00e9.py')).toBe(
      true,
    );
    expect(warnings).toEqual([]);
  });

  it('writes a timeline as an evented profile with balanced, ordered events', () => {
    const { file } = write(canonical.timeline as ProfileSet);
    const profile = file.profiles[0];
    expect(profile.type).toBe('evented');
    expect(profile.unit).toBe('seconds');
    const open: number[] = [];
    let last = profile.startValue;
    for (const event of profile.events) {
      expect(event.at).toBeGreaterThanOrEqual(last);
      last = event.at;
      if (event.type === 'O') open.push(event.frame);
      else expect(open.pop()).toBe(event.frame);
    }
    expect(open).toEqual([]);
    expect(profile.endValue).toBe(last);
  });

  it('writes a long timeline (or on request) as its exact call tree', () => {
    const limited = write(canonical.timeline as ProfileSet, { 'evented-limit': 10 }).file
      .profiles[0];
    const requested = write(canonical.timeline as ProfileSet, { mode: 'sampled' }).file.profiles[0];
    expect(limited).toEqual(requested);
    expect(limited.type).toBe('sampled');
    expect(limited.name).toContain('exact call tree');
    // mutualRun: main → is_even(6) and is_odd(3), alternating down.
    const frames = write(canonical.timeline as ProfileSet).file.shared.frames as Frame[];
    const stacks = limited.samples.map((s: number[]) => s.map((k) => frames[k]?.name).join(';'));
    expect(stacks[0]).toBe('main');
    expect(stacks).toContain('main;is_even;is_odd;is_even;is_odd;is_even;is_odd;is_even');
    // main 0.3 ms, evenOdd(6) 6 × 0.2 + 0.1 ms, evenOdd(3) 3 × 0.2 + 0.1 ms.
    expect(limited.endValue).toBeCloseTo(0.0023, 15);
  });

  it('reconstructs even a timeline profile when asked', () => {
    const profile = write(canonical.timeline as ProfileSet, { mode: 'reconstructed' }).file
      .profiles[0];
    expect(profile.name).toContain('stacks reconstructed');
  });

  it('falls back with a warning when evented is asked of aggregate data', () => {
    const { file, warnings } = write(canonical.diamond as ProfileSet, { mode: 'evented' });
    expect(file.profiles[0].type).toBe('sampled');
    expect(warnings.map((w) => w.code)).toEqual(['no-timeline']);
  });

  it('writes one profile per thread over one shared frame table', () => {
    const { file } = write(canonical.threads as ProfileSet);
    expect(file.profiles.map((p: { name: string }) => p.name)).toEqual([
      'MainThread (stacks reconstructed from the call graph)',
      'worker (stacks reconstructed from the call graph)',
    ]);
    const names = (file.shared.frames as Frame[]).map((f) => f.name);
    expect(names.filter((n) => n === 'main')).toHaveLength(1);
    // The worker's stacks use the same `main` frame as the main thread's.
    const main = names.indexOf('main');
    expect(file.profiles[0].samples[0][0]).toBe(main);
    expect(file.profiles[1].samples[0][0]).toBe(main);
  });

  it('adds a (pruned) frame when the budget cuts, and warns how much sits under it', () => {
    const { file, warnings } = write(canonical.diamond as ProfileSet, { 'max-frames': 3 });
    const frames = file.shared.frames as Frame[];
    const pruned = frames.findIndex((f) => f.name === PRUNED_NAME);
    expect(pruned).toBe(frames.length - 1);
    expect(frames[pruned]).toEqual({ name: '(pruned)' });
    const profile = file.profiles[0];
    for (const stack of profile.samples as number[][]) expect(stack.at(-1)).not.toBe(pruned);
    expect(profile.samples.some((s: number[]) => s.includes(pruned))).toBe(true);
    expect(profile.endValue).toBeCloseTo(0.0175, 15);
    expect(warnings.map((w) => w.code)).toEqual(['stacks-pruned']);
    expect(
      write(canonical.diamond as ProfileSet).file.shared.frames.map((f: Frame) => f.name),
    ).not.toContain(PRUNED_NAME);
  });

  it('streams in bounded chunks', () => {
    const functions = Array.from({ length: 3000 }, (_, k) => ({
      file: `/m${k % 7}.py`,
      line: k + 1,
      name: `f${k}`,
    }));
    const roots = Array.from({ length: 100 }, (_, r) => ({
      fn: r,
      self: 0.001,
      children: Array.from({ length: 29 }, (_, c) => ({ fn: 100 + r * 29 + c, self: 0.0001 })),
    }));
    const profile = profileFromRun({ functions, roots });
    const chunks = [...writeChunks(speedscope, { parts: [profile], whole: profile })];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(2 * 64 * 1024);
    expect(JSON.parse(chunks.join('')).profiles[0].samples).toHaveLength(3000);
  });

  it('declares what it needs from readers, per mode', () => {
    const stacks = { maxFrames: 4_000_000, maxDepth: 256, from: 'auto' };
    expect(speedscope.needs).toEqual({
      timeline: true,
      callTree: true,
      timelineLimit: 1_000_000,
      stacks,
    });
    expect(speedscopeNeeds({ mode: 'reconstructed' })).toEqual({
      stacks: { ...stacks, from: 'call-graph' },
    });
    expect(speedscopeNeeds({ mode: 'evented' })).toEqual({ timeline: true, stacks });
    expect(speedscopeNeeds({ mode: 'sampled' })).toEqual({ callTree: true, stacks });
    expect(speedscopeNeeds({ mode: 'auto', 'evented-limit': 5, 'max-frames': 9 })).toEqual({
      timeline: true,
      callTree: true,
      timelineLimit: 5,
      stacks: { ...stacks, maxFrames: 9 },
    });
    expect(
      speedscope.needsFor?.(
        resolveOptions(speedscope.options, { mode: 'auto', 'evented-limit': 5 }),
      ),
    ).toEqual({
      timeline: true,
      callTree: true,
      timelineLimit: 5,
      stacks,
    });
  });

  it('names outputs after the input', () => {
    expect(speedscope.defaultOutputName?.('run.prof')).toBe('run.prof.speedscope.json');
  });

  it("builds the loader script speedscope's app reads from #localProfilePath", () => {
    const bytes = new TextEncoder().encode('{"a":"é"}');
    const loader = speedscopeLoaderScript('run.prof.speedscope.json', bytes);
    const match =
      /^speedscope\.loadFileFromBase64\("run\.prof\.speedscope\.json", "([^"]*)"\)\n$/.exec(
        loader.script,
      );
    expect(match).not.toBeNull();
    expect(new Uint8Array(Buffer.from(match?.[1] as string, 'base64'))).toEqual(bytes);
    expect(loader.fragment('/tmp/a b&c.js')).toBe('#localProfilePath=%2Ftmp%2Fa%20b%26c.js');
  });
});
