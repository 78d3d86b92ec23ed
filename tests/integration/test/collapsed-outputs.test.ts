// Issue 23: collapsed stacks through every output. The callgrind file of every collapsed
// fixture passes the KCachegrind-identity checks (check.ts: one KCachegrind function per
// IR function, totals, self costs, inclusive costs) and agrees with the input's own lines,
// read independently: the total is the sum of its numbers (lines without frames included,
// under a root), each function's self cost the sum of the lines ending in it, its sampled
// lines are line costs, and KCachegrind's inclusive cost of every function outside a
// recursion cycle the sum of the lines holding it. The two `decorated` closures of the
// austin fixture are two functions in every output with the sources, one plus a warning
// without. speedscope gets the exact stacks; text says what it shows; pprof, read with its
// needs, shows each caller at the line of its call.
import {
  costUnitOf,
  decodeText,
  functionFile,
  functionName,
  type ProfileSet,
  readWith,
  writeToBytes,
  writeToString,
} from '@pyprof/core';
import { collapsed } from '@pyprof/input-collapsed';
import { callgrind, PROFILER_NAME } from '@pyprof/output-callgrind';
import { pprof } from '@pyprof/output-pprof';
import { speedscope } from '@pyprof/output-speedscope';
import { text } from '@pyprof/output-text';
import { functionsInCycles, inclusiveCost, readPprof } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import {
  AUSTIN,
  DIALECTS,
  fixtureText,
  readCollapsed,
  readFixture,
  sourcesIn,
  warningsOf,
} from '../../../packages/input-collapsed/test/fixtures.js';
import {
  byName,
  expected,
  NO_FRAMES,
  parseAustin,
} from '../../../packages/input-collapsed/test/reference.js';
import { checkCallgrind } from '../../../packages/output-callgrind/test/check.js';

const PROFILER_KEY = `${PROFILER_NAME}${PROFILER_NAME}`;

function convert(set: ProfileSet): string {
  return decodeText(writeToBytes(callgrind, set, { context: { producer: 'pyprof@test' } }));
}

function read(folder: string, file: string, withSources: boolean): ProfileSet {
  return readCollapsed(readFixture(`${folder}/${file}`), {
    needs: callgrind.needs ?? {},
    ...(withSources ? { sources: sourcesIn(folder) } : {}),
  });
}

describe.each([
  ...AUSTIN.map((file) => ['austin', file] as const),
  ...DIALECTS.map((file) => ['dialects', file] as const),
])('%s/%s → callgrind', (folder, file) => {
  it.each([true, false])('passes the KCachegrind-identity checks (sources: %s)', (withSources) => {
    const set = read(folder, file, withSources);
    const parsed = checkCallgrind(convert(set), set);
    const samples = costUnitOf(set.whole) === 'samples';
    expect(parsed.events).toEqual([samples ? 'samples' : 'ns']);
    expect(parsed.header.get('events')).toBe(samples ? 'samples' : 'ns');
  });
});

describe.each(AUSTIN)('austin/%s → callgrind, against its own lines', (file) => {
  const reference = parseAustin(fixtureText(`austin/${file}`));
  const want = expected(reference, byName);
  // Without sources a function is (file, name), as the reference keys it.
  const set = read('austin', file, false);
  const profile = set.whole;
  const parsed = checkCallgrind(convert(set), set);
  const offset = parsed.functions.has(PROFILER_KEY) ? 1 : 0;
  const recordOf = (fn: number) => {
    const record = parsed.functions.get(parsed.order[fn + offset] as string);
    if (!record) throw new Error(`no callgrind function for ${fn}`);
    return record;
  };
  const keyOf = (fn: number) =>
    functionFile(profile, fn) === ''
      ? NO_FRAMES
      : `${functionFile(profile, fn)}\u0000${functionName(profile, fn)}`;
  const ns = (us: number) => us * 1000;

  it('totals the numbers of every line, idle ones included', () => {
    expect(parsed.summary).toBe(ns(want.total));
    expect(parsed.totals).toBe(ns(want.total));
  });

  it('gives each function the lines ending in it, as line costs at their lines', () => {
    for (let fn = 0; fn < profile.functions.length; fn++) {
      const record = recordOf(fn);
      expect(record.self, keyOf(fn)).toBe(ns(want.self.get(keyOf(fn)) ?? 0));
      const lines = new Map<number, number>();
      for (const [key, [weight]] of want.lines) {
        const [fnKey, line] = key.split('\u0001') as [string, string];
        if (fnKey === keyOf(fn) && weight > 0) lines.set(Number(line), ns(weight));
      }
      const written = new Map([...record.selfByLine].filter(([, cost]) => cost > 0));
      if (keyOf(fn) !== NO_FRAMES) expect(written, keyOf(fn)).toEqual(lines);
    }
  });

  it('has KCachegrind inclusive = the lines holding the function, outside recursion cycles', () => {
    const cycles = functionsInCycles(parsed);
    let checked = 0;
    for (let fn = 0; fn < profile.functions.length; fn++) {
      const record = recordOf(fn);
      if (cycles.has(record.key)) continue;
      checked++;
      expect(inclusiveCost(parsed, record.key), keyOf(fn)).toBe(
        ns(want.inclusive.get(keyOf(fn)) ?? 0),
      );
    }
    // Most functions are outside cycles; the recursion fixture has many inside them.
    expect(checked).toBeGreaterThanOrEqual(Math.min(15, profile.functions.length));
  });
});

describe('the two `decorated` closures of decorators.py38.austin', () => {
  const decoratedKeys = (output: string) =>
    [...checkOutput(output)].filter((name) => /decorated/.test(name));
  const checkOutput = (output: string) =>
    new Set(
      output
        .split('\n')
        .filter((line) => /^c?fn=\(\d+\) /.test(line))
        .map((line) => line.replace(/^c?fn=\(\d+\) /, '')),
    );

  it('callgrind: two KCachegrind functions with the sources, one and a warning without', () => {
    const withSources = read('austin', 'decorators.py38.austin', true);
    expect(decoratedKeys(convert(withSources)).sort()).toEqual(['decorated:31', 'decorated:46']);
    const without = read('austin', 'decorators.py38.austin', false);
    expect(decoratedKeys(convert(without))).toEqual(['decorated']);
    expect(warningsOf(without.whole).map((w) => w.code)).toContain('identity-by-name');
  });

  it('speedscope: the exact sampled stacks, the two closures as two frames', () => {
    const set = readWith(collapsed, readFixture('austin/decorators.py38.austin'), {
      needs: speedscope.needs ?? {},
      sources: sourcesIn('austin'),
    });
    const file = JSON.parse(writeToString(speedscope, set)) as {
      shared: { frames: Array<{ name: string; line?: number }> };
      profiles: Array<{ name: string; unit: string; weights: number[] }>;
    };
    const decorated = file.shared.frames.filter((f) => /decorated/.test(f.name));
    expect(decorated.map((f) => f.line).sort()).toEqual([31, 46]);
    const profile = file.profiles[0] as (typeof file.profiles)[number];
    expect(profile.name).toMatch(/exact call tree/);
    expect(profile.unit).toBe('seconds');
    const total = profile.weights.reduce((sum, w) => sum + w, 0);
    const reference = parseAustin(fixtureText('austin/decorators.py38.austin'));
    expect(Math.round(total * 1e6)).toBe(reference.reduce((sum, line) => sum + line.weight, 0));
  });

  it('text: two rows, and a first line that says the stacks were sampled', () => {
    const set = read('austin', 'decorators.py38.austin', true);
    const out = writeToString(text, set);
    expect(out.split('\n')[0]).toMatch(
      /^\d+\.\d{3} ms of sampled stacks \(call counts not recorded\)$/,
    );
    const rows = out.split('\n').filter((line) => /decorated/.test(line));
    expect(rows.map((r) => r.match(/decorated:\d+/)?.[0]).sort()).toEqual([
      'decorated:31',
      'decorated:46',
    ]);
  });
});

describe("pprof of stacks with executing lines, read with the writer's needs (as the CLI does)", () => {
  it("shows each caller's frame at the line of its call, as the input's lines say", () => {
    const file = 'py-spy.txt';
    const set = readCollapsed(readFixture(`dialects/${file}`), { needs: pprof.needs ?? {} });
    const reading = readPprof(writeToBytes(pprof, set));
    const lineOf = new Map(
      reading.profile.location.map((l) => [Number(l.id), Number(l.line[0]?.line)]),
    );
    const got = reading.samples.map((s) =>
      JSON.stringify([s.stack, s.locations.slice(1).map((id) => lineOf.get(id)), s.values[0]]),
    );
    // From the input: frames `name (file:line)`, root first, with the line executing in
    // each. Without sources a name is one function (the two `decorated` closures are one),
    // and the stacks are per function (the leaf's line does not split them). A caller's
    // frame shows the line it calls the next frame from where the file has one line for
    // that caller→callee pair, else the function's first line, which py-spy does not
    // record (0).
    const stacks = fixtureText(`dialects/${file}`)
      .trim()
      .split('\n')
      .map((text) => {
        const [, stack, count] = /^(.*) (\d+)$/.exec(text) as unknown as [string, string, string];
        const frames = stack.split(';').map((frame) => {
          const [, name, line] = /^(.*) \(.*:(\d+)\)$/.exec(frame) as unknown as string[];
          return { name: name as string, line: Number(line) };
        });
        return { frames, count: Number(count) };
      });
    const pairLines = new Map<string, Set<number>>();
    for (const { frames } of stacks)
      for (let k = 0; k + 1 < frames.length; k++) {
        const key = `${frames[k]?.name}\u0000${frames[k + 1]?.name}`;
        pairLines.set(key, (pairLines.get(key) ?? new Set()).add(frames[k]?.line as number));
      }
    const weights = new Map<string, number>();
    for (const { frames, count } of stacks) {
      const callers = frames.slice(0, -1).map((frame, k) => {
        const lines = pairLines.get(`${frame.name}\u0000${frames[k + 1]?.name}`) as Set<number>;
        return lines.size === 1 ? frame.line : 0;
      });
      const key = JSON.stringify([frames.map((f) => f.name).reverse(), callers.reverse()]);
      weights.set(key, (weights.get(key) ?? 0) + count);
    }
    const want = [...weights].map(([key, weight]) => JSON.stringify([...JSON.parse(key), weight]));
    expect(got.sort()).toEqual(want.sort());
  });
});

describe('sampled weights counted in samples', () => {
  const set = read('dialects', 'py-spy-threads.txt', true);

  it('speedscope writes one profile per thread with the unit none', () => {
    const file = JSON.parse(writeToString(speedscope, set)) as {
      profiles: Array<{ name: string; unit: string; weights: number[] }>;
    };
    expect(file.profiles.map((p) => [p.unit, p.weights.reduce((s, w) => s + w, 0)])).toEqual([
      ['none', 43],
      ['none', 24],
    ]);
  });

  it('callgrind counts samples and says why its calls are 1', () => {
    const output = convert(set);
    expect(output).toContain('\nevents: samples\nsummary: 67\n');
    expect(output).toContain('call counts were not recorded, so each calls= line says 1');
    expect(output.match(/^calls=(\d+) /gm)?.every((line) => line.startsWith('calls=1 '))).toBe(
      true,
    );
  });

  it('text shows samples, not milliseconds', () => {
    const out = writeToString(text, set);
    expect(out.split('\n')[0]).toBe('67 samples of sampled stacks (call counts not recorded)');
    expect(out).toMatch(/^calls {2}self {2}self % {2}total {2}total %/m);
  });
});
