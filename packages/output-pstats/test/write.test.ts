// The writer's rules one by one: integer encodings at the 32-bit and 2^53 limits, refusals,
// the Python 2 string table, Python 3 references, the profile module's int zeros, count-only
// and mixed callers, functions without entries, warnings, the `--python` choice and the
// default output name.
import { isProfileError, type Profile, ProfileBuilder, resolveOptions } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { pstats } from '../src/index.js';
import { pstatsOptions, resolveTarget } from '../src/options.js';
import { writeProfile as write } from './check.js';
import {
  decodeMarshal,
  type PyBytes,
  type PyDict,
  type PyInt,
  type PyText,
  type PyTuple,
  show,
} from './marshal-decoder.js';

function oneFunction(calls: number, primitive = calls, file = '/a.py'): Profile {
  const b = new ProfileBuilder({ format: 'test' });
  const fn = b.addFunction(file, 3, 'f');
  b.addFunctionStats(fn, {
    callCount: calls,
    primitiveCallCount: primitive,
    selfTime: 0.5,
    inclusiveTime: 1,
  });
  return b.build();
}

function entryOf(bytes: Uint8Array, major: 2 | 3): PyTuple {
  const dict = decodeMarshal(bytes, major).value as PyDict;
  return dict.entries[0]?.[1] as PyTuple;
}

describe('counts', () => {
  it('writes counts below 2^31 as 32-bit ints', () => {
    const { bytes } = write(oneFunction(2 ** 31 - 1), '3');
    const tuple = bytes.indexOf(0x29, 1); // the entry tuple follows the key
    expect(bytes.includes(0x6c)).toBe(false);
    expect(tuple).toBeGreaterThan(0);
    expect((entryOf(bytes, 3).items[1] as PyInt).value).toBe(2 ** 31 - 1);
  });

  it('writes larger counts as Python 3 longs (15-bit digits) and Python 2 int64s', () => {
    for (const value of [2 ** 31, 2 ** 40, 2 ** 53]) {
      const py3 = write(oneFunction(value), '3').bytes;
      expect((entryOf(py3, 3).items[1] as PyInt).value).toBe(value);
      const py2 = write(oneFunction(value), '2').bytes;
      expect((entryOf(py2, 2).items[1] as PyInt).value).toBe(value);
    }
    // 2**40 as CPython writes it (specs/marshal.md §2): l, 3 digits 0, 0, 1024; 2.7: I.
    const py3 = write(oneFunction(2 ** 40), '3').bytes;
    expect(Buffer.from(py3).includes(Buffer.from('6c03000000000000000004', 'hex'))).toBe(true);
    const py2 = write(oneFunction(2 ** 40), '2').bytes;
    expect(Buffer.from(py2).includes(Buffer.from('490000000000010000', 'hex'))).toBe(true);
  });

  it('refuses a count above 2^53 with a one-line message, before writing anything', () => {
    let error: unknown;
    try {
      write(oneFunction(2 ** 53 + 2), '3');
    } catch (caught) {
      error = caught;
    }
    expect(isProfileError(error)).toBe(true);
    const { code, message } = error as { code: string; message: string };
    expect(code).toBe('UNSUPPORTED_FEATURE');
    expect(message).toBe(
      "the call count of /a.py:3(f) (9007199254740994) is above 2^53, where the profile's float64 numbers stop being exact; pstats counts must be exact, so nothing was written",
    );
    expect(message).not.toContain('\n');
  });

  it('refuses a count that is not a whole number', () => {
    expect(() => write(oneFunction(3, 1.5), '2')).toThrow(
      /the primitive call count of \/a\.py:3\(f\) \(1\.5\) is not a whole number/,
    );
  });

  it('refuses a caller count above 2^53', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const f = b.addFunction('/a.py', 3, 'f');
    const g = b.addFunction('/a.py', 9, 'g');
    b.addFunctionStats(f, { callCount: 1, primitiveCallCount: 1, selfTime: 0, inclusiveTime: 0 });
    b.addFunctionStats(g, { callCount: 1, primitiveCallCount: 1, selfTime: 0, inclusiveTime: 0 });
    b.addCall(f, g, { callCount: 2 ** 54, primitiveCallCount: 1, selfTime: 0, inclusiveTime: 0 });
    expect(() => write(b.build(), '3')).toThrow(/a caller call count of \/a\.py:9\(g\)/);
  });
});

describe('Python 2 strings', () => {
  it('interns names as 2.7 does: t once, R afterwards; file names and labels are s', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const main = b.addFunction('/a.py', 1, 'main');
    const len = b.addFunction('~', 0, '<len>', 'builtin');
    b.addFunctionStats(main, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: 0.1,
      inclusiveTime: 0.2,
    });
    b.addFunctionStats(len, {
      callCount: 2,
      primitiveCallCount: 2,
      selfTime: 0.1,
      inclusiveTime: 0.1,
    });
    b.addCall(main, len, {
      callCount: 2,
      primitiveCallCount: 2,
      selfTime: 0.1,
      inclusiveTime: 0.1,
    });
    const { bytes } = write(b.build(), '2');
    const { value, codes } = decodeMarshal(bytes, 2);
    expect([...codes].sort()).toEqual(['(', 'R', 'g', 'i', 's', 't', '{'].sort());
    const [[mainKey], [lenKey, lenEntry]] = (value as PyDict).entries as [
      [PyTuple, PyTuple],
      [PyTuple, PyTuple],
    ];
    expect((mainKey.items[0] as PyBytes).interned).toBe(false);
    expect((mainKey.items[2] as PyBytes).interned).toBe(true);
    expect((lenKey.items[0] as PyBytes).interned).toBe(true); // '~': one byte
    expect((lenKey.items[2] as PyBytes).interned).toBe(false);
    // The caller key's 'main' is R 0 (the first interned string).
    const callerKey = ((lenEntry.items[4] as PyDict).entries[0] as [PyTuple, PyTuple])[0];
    expect(callerKey.items[2]).toBe(mainKey.items[2]);
    expect(Buffer.from(bytes).includes(Buffer.from('5200000000', 'hex'))).toBe(true);
  });

  it('keeps the profile module’s C-function names plain', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const fn = b.addFunction('', 0, 'range', 'builtin');
    b.addFunctionStats(fn, { callCount: 1, primitiveCallCount: 1, selfTime: 0, inclusiveTime: 0 });
    const key = (decodeMarshal(write(b.build(), '2').bytes, 2).value as PyDict)
      .entries[0]?.[0] as PyTuple;
    expect((key.items[0] as PyBytes).interned).toBe(true); // '' is interned
    expect((key.items[2] as PyBytes).interned).toBe(false);
  });

  it('restores the raw bytes of escaped file names', () => {
    const { bytes } = write(oneFunction(1, 1, '/src/latin\udce9.py'), '2');
    expect(Buffer.from(bytes).includes(Buffer.from('/src/latin\xe9.py', 'latin1'))).toBe(true);
  });
});

describe('Python 3 strings and references', () => {
  it('writes ASCII as z, long ASCII as a, other text as u with surrogates passed through', () => {
    const long = `/${'x'.repeat(300)}.py`;
    expect([...decodeMarshal(write(oneFunction(1, 1, long), '3').bytes, 3).codes]).toContain('a');
    const { bytes } = write(oneFunction(1, 1, '/src/latin\udce9.py'), '3');
    expect(
      Buffer.from(bytes).includes(Buffer.from('2f7372632f6c6174696eedb3a92e7079', 'hex')),
    ).toBe(true);
    const key = (decodeMarshal(bytes, 3).value as PyDict).entries[0]?.[0] as PyTuple;
    expect((key.items[0] as PyText).text).toBe('/src/latin\udce9.py');
  });

  it('flags a key used more than once and refers to it afterwards; the dict is slot 0', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const main = b.addFunction('/a.py', 1, 'main');
    const f = b.addFunction('/a.py', 5, 'f');
    const g = b.addFunction('/a.py', 9, 'g');
    for (const fn of [main, f, g])
      b.addFunctionStats(fn, {
        callCount: 1,
        primitiveCallCount: 1,
        selfTime: 0.1,
        inclusiveTime: 0.1,
      });
    b.addCall(main, f, { callCount: 1, primitiveCallCount: 1, selfTime: 0.1, inclusiveTime: 0.1 });
    b.addCall(main, g, { callCount: 1, primitiveCallCount: 1, selfTime: 0.1, inclusiveTime: 0.1 });
    const { bytes } = write(b.build(), '3');
    expect(bytes[0]).toBe(0xfb);
    const { value, slots, codes } = decodeMarshal(bytes, 3);
    expect(codes.has('r')).toBe(true);
    expect(slots[0]).toBe(value);
    const entries = (value as PyDict).entries;
    const mainKey = entries[0]?.[0];
    for (const [, entry] of entries.slice(1)) {
      const callers = (entry as PyTuple).items[4] as PyDict;
      expect(callers.entries[0]?.[0]).toBe(mainKey); // one shared key object
    }
    // '/a.py' is used by three keys: written once, then referred to.
    expect(Buffer.from(bytes).indexOf(Buffer.from('/a.py'))).toBe(
      Buffer.from(bytes).lastIndexOf(Buffer.from('/a.py')),
    );
  });
});

describe('entries and callers', () => {
  it("writes the profile module's root with int zeros, as profile.Profile holds it", () => {
    const b = new ProfileBuilder({ format: 'test' });
    const root = b.addFunction('profile', 0, 'profiler', 'synthetic');
    const main = b.addFunction('/a.py', 1, 'main');
    b.addFunctionStats(main, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: 0.1,
      inclusiveTime: 0.1,
    });
    b.addCall(root, main, {
      callCount: 1,
      primitiveCallCount: Number.NaN,
      selfTime: Number.NaN,
      inclusiveTime: Number.NaN,
    });
    for (const python of ['2', '3'] as const) {
      const listing = show(
        decodeMarshal(write(b.build(), python).bytes, python === '2' ? 2 : 3).value,
      );
      expect(listing).toContain(': (0, 0, 0, 0, {}),');
      expect(listing).toMatch(/profile.*, 0, .*profiler.*\): 1,/);
    }
  });

  it('warns about count-only and tuple callers in one file', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const [a, c, d] = ['a', 'c', 'd'].map((name, k) => b.addFunction('/m.py', k + 1, name)) as [
      number,
      number,
      number,
    ];
    for (const fn of [a, c, d])
      b.addFunctionStats(fn, {
        callCount: 1,
        primitiveCallCount: 1,
        selfTime: 0.1,
        inclusiveTime: 0.1,
      });
    b.addCall(a, c, {
      callCount: 1,
      primitiveCallCount: Number.NaN,
      selfTime: Number.NaN,
      inclusiveTime: Number.NaN,
    });
    b.addCall(a, d, { callCount: 1, primitiveCallCount: 1, selfTime: 0.1, inclusiveTime: 0.1 });
    const { bytes, warnings } = write(b.build(), '3');
    expect(warnings.map((w) => w.code)).toEqual(['mixed-callers']);
    expect(show(decodeMarshal(bytes, 3).value)).toContain('("/m.py", 1, "a"): 1,');
  });

  it('writes absent times as 0.0 with a warning', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const fn = b.addFunction('/a.py', 3, 'f');
    b.addFunctionStats(fn, {
      callCount: 4,
      primitiveCallCount: 4,
      selfTime: Number.NaN,
      inclusiveTime: Number.NaN,
    });
    const { bytes, warnings } = write(b.build(), '3');
    expect(warnings.map((w) => w.code)).toEqual(['absent-times']);
    expect(show(decodeMarshal(bytes, 3).value)).toContain('(4, 4, 0.0, 0.0, {})');
  });

  it('leaves functions without numbers out, and the calls into them (as cProfile does)', () => {
    const b = new ProfileBuilder({ format: 'test' });
    const main = b.addFunction('/a.py', 1, 'main');
    const ghost = b.addFunction('/a.py', 7, 'ghost');
    const caller = b.addFunction('/b.py', 2, 'caller');
    b.addFunctionStats(main, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: 0.1,
      inclusiveTime: 0.1,
    });
    b.addCall(main, ghost, { callCount: 3, primitiveCallCount: 3, selfTime: 0, inclusiveTime: 0 });
    b.addCall(caller, main, {
      callCount: 1,
      primitiveCallCount: 1,
      selfTime: 0.1,
      inclusiveTime: 0.1,
    });
    const { bytes, warnings } = write(b.build(), '3');
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([['dropped-edges', 'info']]);
    const listing = show(decodeMarshal(bytes, 3).value);
    expect(listing).not.toContain('ghost');
    // A caller without an entry stays a caller key (a pstats file's dangling key).
    expect((decodeMarshal(bytes, 3).value as PyDict).entries).toHaveLength(1);
    expect(listing).toContain('("/b.py", 2, "caller"): (1, 1, 0.1, 0.1)');
  });

  it('writes an empty profile as an empty dict, with a warning', () => {
    const empty = new ProfileBuilder({ format: 'test' }).build();
    const { bytes, warnings } = write(empty, '2');
    expect([...bytes]).toEqual([0x7b, 0x30]);
    expect(warnings.map((w) => w.code)).toEqual(['empty-profile']);
  });
});

describe('--python', () => {
  const py2 = new ProfileBuilder({ format: 'cprofile', pythonMajor: 2 }).build();
  const py3 = new ProfileBuilder({ format: 'cprofile', pythonMajor: 3 }).build();
  const lsprof = new ProfileBuilder({ format: 'lsprof', pythonMajor: 2 }).build();

  it('auto: the family of a pstats input, else 3', () => {
    expect(resolveTarget('auto', py2).major).toBe(2);
    expect(resolveTarget('auto', py3).major).toBe(3);
    expect(resolveTarget('auto', lsprof).major).toBe(3);
  });

  it('a minor version names its code-object layout group', () => {
    expect(resolveTarget('3.7', py2)).toEqual({ major: 3, layout: '3.0-3.7', label: 'Python 3.7' });
    expect(resolveTarget('3.9', py2).layout).toBe('3.8-3.10');
    expect(resolveTarget('3.13', py2).layout).toBe('3.11+');
    expect(resolveTarget('2.7', py3)).toEqual({ major: 2, layout: '2.x', label: 'Python 2.7' });
    expect(resolveTarget('3', py2).layout).toBeUndefined();
  });

  it('reads its options through one typed function', () => {
    expect(pstatsOptions({ python: '3.12', 'replay-limit': 5 })).toEqual({
      python: '3.12',
      replayLimit: 5,
    });
    expect(pstatsOptions({})).toEqual({ python: 'auto', replayLimit: 10_000_000 });
  });

  it('asks readers for the timeline up to --replay-limit events', () => {
    expect(pstats.needsFor?.(resolveOptions(pstats.options, { 'replay-limit': 1000 }))).toEqual({
      timeline: true,
      timelineLimit: 1000,
    });
  });
});

describe('default output name', () => {
  it.each([
    ['run.hotshot', 'run.prof'],
    ['dir/run.lsprof.pickle', 'run.lsprof.prof'],
    ['run.prof', 'run.pyprof.prof'],
    ['run.prof.gz', 'run.pyprof.prof'],
    ['-', 'stdin.prof'],
    ['noext', 'noext.prof'],
  ])('%s → %s', (input, output) => {
    expect(pstats.defaultOutputName?.(input)).toBe(output);
  });
});
