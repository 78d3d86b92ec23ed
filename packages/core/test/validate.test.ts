// validateProfile: structural errors are errors, source inconsistencies are warnings.
import { describe, expect, it } from 'vitest';
import { type Profile, ProfileBuilder, validateProfile } from '../src/index.js';

function sample(): Profile {
  const b = new ProfileBuilder({ format: 'test' });
  const f = b.addFunction('x.py', 1, 'f');
  const g = b.addFunction('x.py', 2, 'g');
  b.addFunctionStats(f, { callCount: 1, primitiveCallCount: 1, selfTime: 0.1, inclusiveTime: 0.3 });
  b.addFunctionStats(g, { callCount: 2, primitiveCallCount: 2, selfTime: 0.2, inclusiveTime: 0.2 });
  b.addCall(f, g, { callCount: 2, primitiveCallCount: 2, selfTime: 0.2, inclusiveTime: 0.2 });
  return b.build();
}

describe('validateProfile', () => {
  it('accepts a consistent profile', () => {
    expect(validateProfile(sample())).toEqual({
      errors: [],
      warnings: [],
      errorCount: 0,
      warningCount: 0,
    });
  });

  it('reports indices out of range, duplicate identities, bad counts and unbalanced timelines', () => {
    const p = sample();
    const broken: Profile = {
      ...p,
      functions: {
        ...p.functions,
        name: Uint32Array.from([1, 1]),
        file: Uint32Array.from([99, 1]),
        callCount: Float64Array.from([-1, 2]),
      },
      calls: { ...p.calls, callee: Uint32Array.from([5]) },
      timeline: {
        length: 1,
        kind: Uint8Array.from([0]),
        function: Uint32Array.from([0]),
        time: Float64Array.from([0]),
      },
    };
    const result = validateProfile(broken);
    expect(result.errors).toEqual([
      'function 0: file string 99 out of range',
      'function 0: call count -1 is not a count',
      'call 0: function index out of range (0 → 5)',
      'timeline ends with 1 open frames',
    ]);
  });

  it('accepts absent call counts (IR 2) and still refuses infinite ones', () => {
    const p = sample();
    const absent: Profile = {
      ...p,
      functions: {
        ...p.functions,
        callCount: Float64Array.from([Number.NaN, Number.NaN]),
        primitiveCallCount: Float64Array.from([Number.NaN, Number.NaN]),
      },
    };
    expect(validateProfile(absent).errors).toEqual([]);
    const infinite: Profile = {
      ...p,
      functions: { ...p.functions, callCount: Float64Array.from([Infinity, 1]) },
    };
    expect(validateProfile(infinite).errors).toEqual([
      'function 0: call count Infinity is not a count',
    ]);
  });

  it('warns about what sources can contain', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('x.py', 1, 'f');
    b.addFunctionStats(f, {
      callCount: 4,
      primitiveCallCount: 2504,
      selfTime: 0.2,
      inclusiveTime: 0.1,
    });
    const result = validateProfile(b.build());
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      'function 0 x.py:1(f): primitive calls 2504 > calls 4',
      'function 0 x.py:1(f): self time 0.2 > inclusive time 0.1',
    ]);
  });

  it('accepts absent counts (sampled stacks) but not infinite or negative ones', () => {
    const b = new ProfileBuilder({ format: 'test', costUnit: 'samples', sampled: true });
    const f = b.addFunction('x.py', 0, 'f');
    const g = b.addFunction('x.py', 0, 'g');
    b.addFunctionNumbers(f, Number.NaN, Number.NaN, 1, 3);
    b.addFunctionNumbers(g, Number.NaN, Number.NaN, 2, 2);
    const call = b.addCall(f, g, {
      callCount: Number.NaN,
      primitiveCallCount: Number.NaN,
      selfTime: 2,
      inclusiveTime: 2,
    });
    b.setLines({
      length: 1,
      function: Uint32Array.from([g]),
      line: Int32Array.from([5]),
      selfTime: Float64Array.from([2]),
      hits: Float64Array.from([Number.NaN]),
    });
    b.setCallSites({
      length: 1,
      call: Uint32Array.from([call]),
      line: Int32Array.from([7]),
      callCount: Float64Array.from([Number.NaN]),
      inclusiveTime: Float64Array.from([2]),
    });
    b.setCallTree({
      length: 2,
      parent: Int32Array.from([-1, 0]),
      function: Uint32Array.from([f, g]),
      selfTime: Float64Array.from([1, 2]),
      callCount: Float64Array.from([Number.NaN, Number.NaN]),
    });
    const profile = b.build();
    expect(validateProfile(profile)).toMatchObject({ errors: [], warnings: [] });
    const broken: Profile = {
      ...profile,
      metadata: { ...profile.metadata, costUnit: 'bytes' as never },
      functions: {
        ...profile.functions,
        callCount: Float64Array.from([Number.POSITIVE_INFINITY, Number.NaN]),
      },
      calls: { ...profile.calls, primitiveCallCount: Float64Array.from([-1]) },
    };
    expect(validateProfile(broken).errors).toEqual([
      'unknown cost unit bytes',
      'function 0: call count Infinity is not a count',
      'call 0: primitive call count -1 is not a count',
    ]);
  });
});
