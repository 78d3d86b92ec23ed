// ProfileBuilder: one row per identity, sums with pstats.Stats.add semantics, NaN for
// absent values, and a function order that can follow the source's dict order.
import { describe, expect, it } from 'vitest';
import { functionName, ProfileBuilder, printProfile, validateProfile } from '../src/index.js';

describe('ProfileBuilder', () => {
  it('gives each (file, line, name) one row and interns strings once', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const a = b.addFunction('/a/m.py', 31, 'decorated');
    const c = b.addFunction('/a/m.py', 46, 'decorated');
    expect(b.addFunction('/a/m.py', 31, 'decorated')).toBe(a);
    expect(c).not.toBe(a);
    const p = b.build();
    expect(p.functions.length).toBe(2);
    expect(p.strings.filter((s) => s === 'decorated')).toHaveLength(1);
    expect(p.strings[0]).toBe('');
    expect(p.functions.module[a]).toBe(p.strings.indexOf('m'));
  });

  it('sums numbers added twice and keeps NaN as absent', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('x.py', 1, 'f');
    const g = b.addFunction('x.py', 2, 'g');
    b.addFunctionStats(f, { callCount: 2, primitiveCallCount: 1, selfTime: 0.5, inclusiveTime: 1 });
    b.addFunctionStats(f, {
      callCount: 3,
      primitiveCallCount: 3,
      selfTime: 0.25,
      inclusiveTime: 0.5,
    });
    b.addCall(g, f, { callCount: 2, primitiveCallCount: 2, selfTime: 0.1, inclusiveTime: 0.2 });
    b.addCall(g, f, {
      callCount: 1,
      primitiveCallCount: Number.NaN,
      selfTime: Number.NaN,
      inclusiveTime: Number.NaN,
    });
    const p = b.build();
    expect([
      p.functions.callCount[f],
      p.functions.primitiveCallCount[f],
      p.functions.selfTime[f],
      p.functions.inclusiveTime[f],
    ]).toEqual([5, 4, 0.75, 1.5]);
    expect(p.calls.length).toBe(1);
    expect(p.calls.callCount[0]).toBe(3);
    expect(p.calls.inclusiveTime[0]).toBeNaN();
  });

  it('reorders functions and remaps every reference', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const caller = b.addFunction('x.py', 1, 'caller');
    const callee = b.addFunction('x.py', 2, 'callee');
    b.addCall(caller, callee, { callCount: 1 });
    b.setDetails(caller, { qualifiedName: 'K.caller' });
    const p = b.build({ functionOrder: [callee] });
    expect(functionName(p, 0)).toBe('callee');
    expect(functionName(p, 1)).toBe('caller');
    expect([p.calls.caller[0], p.calls.callee[0]]).toEqual([1, 0]);
    expect(p.functions.details.get(1)).toEqual({ qualifiedName: 'K.caller' });
    expect(validateProfile(p).errors).toEqual([]);
  });

  it('moves every column of every row on reorder, bit for bit', () => {
    // A permutation of 300 rows with all kinds of values: negative lines, each kind, a
    // module per file, numbers with signs, NaN (absent) and a NaN with its own payload.
    const b = new ProfileBuilder({ format: 'test' });
    const kinds = ['python', 'builtin', 'synthetic'] as const;
    const odd = new Float64Array(
      new Uint32Array([0x12345, 0x7ff80000 | 0x4321]).buffer,
    )[0] as number;
    const n = 300;
    const columnsOf = [
      'file',
      'line',
      'name',
      'kind',
      'module',
      'callCount',
      'primitiveCallCount',
      'selfTime',
      'inclusiveTime',
    ] as const;
    for (let k = 0; k < n; k++) {
      const fn = b.addFunction(`pkg${k % 7}/m${k}.py`, k % 5 === 0 ? -k : k, `f${k}`, kinds[k % 3]);
      b.addFunctionNumbers(fn, k, k % 2 ? Number.NaN : k / 2, k % 11 === 0 ? odd : -k / 3, k * 1.5);
    }
    // Copies: a profile's columns are views of the builder's, which reorder in place.
    const built = b.build().functions;
    const before = Object.fromEntries(columnsOf.map((c) => [c, built[c].slice()]));
    const order = Array.from({ length: n }, (_, k) => (k * 7) % n);
    const after = b.build({ functionOrder: order });
    const bits = (value: number) => Array.from(new Uint32Array(Float64Array.of(value).buffer));
    for (let k = 0; k < n; k++) {
      const old = order[k] as number;
      for (const column of columnsOf) {
        const [was, now] = [before[column]?.[old] as number, after.functions[column][k] as number];
        expect(bits(now), `${column} of row ${k}`).toEqual(bits(was));
      }
    }
  }, 30_000);

  it('finds calls again after appendCall and reorder', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const x = b.addFunction('x.py', 1, 'x');
    const y = b.addFunction('x.py', 2, 'y');
    b.appendCall(x, y, 1, 1, 0.1, 0.2);
    expect(b.findCall(x, y)).toBe(0);
    expect(b.findCall(y, x)).toBe(-1);
    expect(b.findFunction('x.py', 2, 'y')).toBe(y);
    expect(b.findFunction('x.py', 3, 'y')).toBe(-1);
  });

  it('handles many rows (index growth) without losing any', () => {
    const b = new ProfileBuilder({ format: 'test' });
    for (let i = 0; i < 20000; i++) b.addFunction(`f${i % 97}.py`, i, `n${i % 13}`);
    for (let i = 0; i < 20000; i++) b.addCall(i, (i * 7) % 20000, { callCount: 1 });
    for (let i = 0; i < 20000; i++) b.addCall(i, (i * 7) % 20000, { callCount: 1 });
    const p = b.build();
    expect(p.functions.length).toBe(20000);
    expect(p.calls.length).toBe(20000);
    expect(p.calls.callCount.every((c) => c === 2)).toBe(true);
  });

  it('dumps deterministically', () => {
    const make = () => {
      const b = new ProfileBuilder({ format: 'test', producer: 'unit' });
      const f = b.addFunction('/a/ü.py', 3, 'fib');
      b.addFunctionStats(f, {
        callCount: 25,
        primitiveCallCount: 1,
        selfTime: 0.1 + 0.2,
        inclusiveTime: Number.NaN,
      });
      return printProfile(b.build());
    };
    expect(make()).toBe(make());
    expect(make()).toBe(`pyprof-ir 2
meta format "test"
meta producer "unit"
functions 1
f0 python "/a/ü.py" 3 "fib" module="ü" calls=25 primitive=1 self=0.30000000000000004 inclusive=-
calls 0
`);
  });
});
