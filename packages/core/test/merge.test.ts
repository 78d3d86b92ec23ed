// mergeProfiles: pstats.Stats.add semantics, and counts-only data meeting timed data.
import { describe, expect, it } from 'vitest';
import {
  Diagnostics,
  makeProfileSet,
  mergeProfiles,
  type Profile,
  ProfileBuilder,
  validateProfile,
} from '../src/index.js';

function profile(spec: {
  fns: Array<[string, number, string, number, number, number, number]>;
  calls?: Array<[number, number, number, number, number, number]>;
  metadata?: Partial<Profile['metadata']>;
}): Profile {
  const b = new ProfileBuilder({ format: 'test', ...spec.metadata });
  const rows = spec.fns.map(([file, line, name, nc, cc, tt, ct]) => {
    const f = b.addFunction(file, line, name);
    b.addFunctionStats(f, {
      callCount: nc,
      primitiveCallCount: cc,
      selfTime: tt,
      inclusiveTime: ct,
    });
    return f;
  });
  for (const [caller, callee, nc, cc, tt, ct] of spec.calls ?? []) {
    b.addCall(rows[caller] as number, rows[callee] as number, {
      callCount: nc,
      primitiveCallCount: cc,
      selfTime: tt,
      inclusiveTime: ct,
    });
  }
  return b.build();
}

describe('mergeProfiles', () => {
  const a = profile({
    fns: [
      ['m.py', 1, 'main', 1, 1, 0.1, 0.5],
      ['m.py', 3, 'fib', 25, 1, 0.4, 0.4],
    ],
    calls: [[0, 1, 1, 1, 0.4, 0.4]],
  });
  const b = profile({
    fns: [
      ['m.py', 3, 'fib', 5, 1, 0.2, 0.2],
      ['m.py', 1, 'main', 1, 1, 0.05, 0.25],
      ['o.py', 9, 'other', 2, 2, 0.01, 0.01],
    ],
    calls: [[1, 0, 1, 1, 0.2, 0.2]],
  });

  it('sums the same function and merges callers by key', () => {
    const m = mergeProfiles([a, b]);
    expect(validateProfile(m).errors).toEqual([]);
    expect(m.functions.length).toBe(3);
    expect([...m.functions.callCount]).toEqual([2, 30, 2]);
    expect(m.functions.selfTime[1]).toBe(0.4 + 0.2);
    expect(m.calls.length).toBe(1);
    expect([m.calls.callCount[0], m.calls.inclusiveTime[0]]).toEqual([2, 0.4 + 0.2]);
  });

  it('orders like pstats.Stats(a, b, c): a, then c, then b', () => {
    const c = profile({ fns: [['z.py', 1, 'zed', 1, 1, 0, 0]] });
    const m = mergeProfiles([a, b, c], { order: 'pstats' });
    expect(m.strings[m.functions.name[2] as number]).toBe('zed');
    expect(m.strings[m.functions.name[3] as number]).toBe('other');
  });

  it('keeps counts, leaves unknown times absent and warns when counts-only data meets timed data', () => {
    const counts = profile({
      fns: [
        ['m.py', 1, 'main', 1, 1, 0.1, 0.5],
        ['m.py', 3, 'fib', 25, 1, 0.4, 0.4],
      ],
      calls: [[0, 1, 1, Number.NaN, Number.NaN, Number.NaN]],
    });
    const diagnostics = new Diagnostics();
    const m = mergeProfiles([a, counts], { diagnostics: diagnostics.sink('merge', 'merge') });
    expect(m.calls.callCount[0]).toBe(2);
    expect(m.calls.inclusiveTime[0]).toBeNaN();
    expect(m.calls.primitiveCallCount[0]).toBeNaN();
    expect(diagnostics.list.map((w) => [w.source, w.stage, w.severity, w.code])).toEqual([
      ['merge', 'merge', 'warning', 'mixed-edge-data'],
    ]);
  });

  it('warns when the parts were recorded with different clocks, naming them', () => {
    const fns: Array<[string, number, string, number, number, number, number]> = [
      ['m.py', 1, 'main', 1, 1, 0.1, 0.5],
    ];
    const cpu = profile({ fns, metadata: { clock: 'cpu', sourceName: 'a.profile.prof' } });
    const wall = profile({ fns, metadata: { clock: 'wall', sourceName: 'b.prof' } });
    const unknown = profile({ fns, metadata: { sourceName: 'c.prof' } });
    const diagnostics = new Diagnostics();
    const m = mergeProfiles([cpu, unknown, wall], {
      diagnostics: diagnostics.sink('merge', 'merge'),
    });
    expect(m.metadata.clock).toBeUndefined();
    expect(diagnostics.list.map((w) => [w.code, w.message])).toEqual([
      [
        'mixed-clocks',
        'merged profiles recorded with different clocks, CPU time (a.profile.prof) and wall clock (b.prof): their times are added as if they measured the same thing',
      ],
    ]);
    // One clock, or one clock and unknown ones: nothing to say, and the clock is kept.
    const quiet = new Diagnostics();
    const same = mergeProfiles([wall, wall, unknown], {
      diagnostics: quiet.sink('merge', 'merge'),
    });
    expect(quiet.list).toEqual([]);
    expect(mergeProfiles([wall, wall]).metadata.clock).toBe('wall');
    expect(same.metadata.clock).toBe('wall');
  });

  it('refuses to add samples to seconds', () => {
    const fns: Array<[string, number, string, number, number, number, number]> = [
      ['m.py', 1, 'main', 1, 1, 3, 3],
    ];
    const seconds = profile({ fns, metadata: { sourceName: 'run.prof' } });
    const samples = profile({ fns, metadata: { costUnit: 'samples', label: 'stacks' } });
    expect(() => mergeProfiles([seconds, samples])).toThrow(
      'cannot merge profiles counted in samples (stacks) with profiles counted in seconds (run.prof): their numbers do not add up',
    );
  });

  it('makes a set whose whole is the merge of its parts', () => {
    const set = makeProfileSet([a, b]);
    expect(set.parts).toHaveLength(2);
    expect(set.whole.functions.length).toBe(3);
    expect(makeProfileSet([a]).whole).toBe(a);
  });

  it('keeps the cost unit of sampled profiles and refuses to add samples to seconds', () => {
    const sampled = (file: string): Profile => {
      const b = new ProfileBuilder({
        format: 'collapsed',
        costUnit: 'samples',
        sampled: true,
        sourceName: file,
      });
      const f = b.addFunction('m.py', 0, 'main');
      b.addFunctionNumbers(f, Number.NaN, Number.NaN, 3, 3);
      return b.build();
    };
    const m = mergeProfiles([sampled('one.folded'), sampled('two.folded')]);
    expect(m.metadata).toMatchObject({ costUnit: 'samples', sampled: true });
    expect(m.functions.selfTime[0]).toBe(6);
    expect(m.functions.callCount[0]).toBeNaN();
    expect(() => mergeProfiles([a, sampled('one.folded')])).toThrow(
      'cannot merge profiles counted in samples (one.folded) with profiles counted in seconds (test): their numbers do not add up',
    );
  });
});

describe('merging line tables (IR 2: hitsMeasured)', () => {
  function withLines(hitsMeasured: boolean): Profile {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('a.py', 1, 'f');
    b.addFunctionStats(f, { callCount: Number.NaN, selfTime: 1, inclusiveTime: 1 });
    b.setLines({
      length: 1,
      function: Uint32Array.of(f),
      line: Int32Array.of(2),
      selfTime: Float64Array.of(1),
      hits: Float64Array.of(5),
      ...(hitsMeasured ? { hitsMeasured } : {}),
    });
    return b.build();
  }

  it('keeps hitsMeasured when every part with lines has it, and absent call counts absent', () => {
    const merged = mergeProfiles([withLines(true), withLines(true)]);
    expect(merged.lines?.hitsMeasured).toBe(true);
    expect([merged.lines?.hits[0], merged.lines?.selfTime[0]]).toEqual([10, 2]);
    expect(merged.functions.callCount[0]).toBeNaN();
    expect(validateProfile(merged).errors).toEqual([]);
  });

  it('drops it when one part has lines whose hits were not measured', () => {
    expect(mergeProfiles([withLines(true), withLines(false)]).lines?.hitsMeasured).toBeUndefined();
  });
});
