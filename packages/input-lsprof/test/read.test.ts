// How labels become identities, how the text forms of protocol 0 decode, and the shapes
// of Stats the corpus does not hold (standalone lsprof, INST, huge thread ids, repeated
// ids, Python 2 bytes that are not UTF-8), on hand-made pickles.
import {
  encodeText,
  functionFile,
  functionKind,
  functionModule,
  functionName,
  type Profile,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { lsprof } from '../src/index.js';
import { moduleOfLabel, parsePythonLabel } from '../src/label.js';
import { loadPickle } from '../src/pickle.js';
import { Pickle, statsPickle } from './assemble.js';

function rows(profile: Profile): string[] {
  const out: string[] = [];
  for (let fn = 0; fn < profile.functions.length; fn++) {
    out.push(
      `${functionKind(profile, fn)} ${functionFile(profile, fn)} ${profile.functions.line[fn]} ${functionName(profile, fn)} [${functionModule(profile, fn)}]`,
    );
  }
  return out;
}

describe('labels', () => {
  it.each([
    ['breezy.commands:123(run)', 'breezy.commands', 123, 'run'],
    [
      '<<frozen importlib._bootstrap>>:1167(_find_and_load)',
      '<<frozen importlib._bootstrap>>',
      1167,
      '_find_and_load',
    ],
    ['<frozen importlib._bootstrap>:405(parent)', '<frozen importlib._bootstrap>', 405, 'parent'],
    ['<C:\\Python27\\lib\\site.py>:12(main)', '<C:\\Python27\\lib\\site.py>', 12, 'main'],
    ['<string>:1(<module>)', '<string>', 1, '<module>'],
    ['<<string>>:1(<module>)', '<<string>>', 1, '<module>'],
    ['</srv/a (1):2(x)/m.py>:31(decorated)', '</srv/a (1):2(x)/m.py>', 31, 'decorated'],
    ['m:1(f):2(g)', 'm:1(f)', 2, 'g'],
    [':7(f)', '', 7, 'f'],
    ['m:3()', 'm', 3, ''],
  ])('%s is Python code', (label, module, line, name) => {
    expect(parsePythonLabel(label)).toEqual({ module, line, name });
  });

  it.each([
    '<built-in method marshal.loads>',
    "<method 'startswith' of 'str' objects>",
    '<len>',
    '<built-in method __new__ of type object at 0x9584a0>',
    'm:(f)',
    'm1(f)',
    'm:1(f',
    '',
  ])('%s is a C function', (label) => {
    expect(parsePythonLabel(label)).toBeUndefined();
  });

  it('parses a long hostile label in linear time', () => {
    const label = `${':1('.repeat(200_000)}x`;
    expect(parsePythonLabel(label)).toBeUndefined();
    expect(parsePythonLabel(`${label})`)?.line).toBe(1);
  });

  it('takes the module column from the label', () => {
    expect(moduleOfLabel('breezy.commands')).toBe('breezy.commands');
    expect(moduleOfLabel('<<frozen importlib._bootstrap>>')).toBe('importlib._bootstrap');
    expect(moduleOfLabel('</srv/app/x.py>')).toBe('x');
    expect(moduleOfLabel('<<string>>')).toBe('');
  });

  it('gives each label its identity in the profile', () => {
    const labels = [
      'breezy.commands:123(run)',
      '<<frozen importlib._bootstrap>>:1167(_find_and_load)',
      '<C:\\app\\x.py>:3(f)',
      '<<string>>:1(<module>)',
      '<built-in method marshal.loads>',
      '<len>',
      // A module and a file of the same name stay two functions.
      'x.py:3(f)',
      '<x.py>:3(f)',
    ];
    const set = readWith(
      lsprof,
      statsPickle({
        data: labels.map((code) => ({ code, callcount: 1, totaltime: 0, inlinetime: 0 })),
      }),
    );
    expect(rows(set.whole)).toEqual([
      'python breezy.commands 123 run [breezy.commands]',
      'python <<frozen importlib._bootstrap>> 1167 _find_and_load [importlib._bootstrap]',
      'python <C:\\app\\x.py> 3 f [x]',
      'python <<string>> 1 <module> []',
      'builtin ~ 0 <built-in method marshal.loads> []',
      'builtin ~ 0 <len> []',
      'python x.py 3 f [x.py]',
      'python <x.py> 3 f [x]',
    ]);
  });
});

describe('entries and subentries', () => {
  it('turn into functions and caller→callee edges with cProfile numbers', () => {
    const set = readWith(
      lsprof,
      statsPickle({
        data: [
          {
            code: 'm:1(fib)',
            callcount: 25,
            reccallcount: 24,
            totaltime: 0.75,
            inlinetime: 0.5,
            calls: [
              {
                code: 'm:1(fib)',
                callcount: 24,
                reccallcount: 22,
                totaltime: 0.5,
                inlinetime: 0.25,
              },
              { code: '<len>', callcount: 3, totaltime: 0.125, inlinetime: 0.125 },
            ],
          },
          { code: '<len>', callcount: 3, totaltime: 0.125, inlinetime: 0.125 },
        ],
      }),
    );
    const p = set.whole;
    expect(validateProfile(p).errors).toEqual([]);
    expect([...p.functions.callCount]).toEqual([25, 3]);
    expect([...p.functions.primitiveCallCount]).toEqual([1, 3]);
    expect([...p.functions.selfTime]).toEqual([0.5, 0.125]);
    expect([...p.functions.inclusiveTime]).toEqual([0.75, 0.125]);
    expect([...p.calls.caller]).toEqual([0, 0]);
    expect([...p.calls.callee]).toEqual([0, 1]);
    expect([...p.calls.callCount]).toEqual([24, 3]);
    expect([...p.calls.primitiveCallCount]).toEqual([2, 3]);
    expect([...p.calls.selfTime]).toEqual([0.25, 0.125]);
    expect([...p.calls.inclusiveTime]).toEqual([0.5, 0.125]);
  });
});

describe('threads', () => {
  const entry = (code: string, callcount: number) => ({
    code,
    callcount,
    totaltime: 0.5,
    inlinetime: 0.5,
  });

  it('one part per thread in pickle order, then the whole', () => {
    const set = readWith(
      lsprof,
      statsPickle({
        data: [entry('m:1(main)', 1)],
        threads: [
          [30, [entry('m:5(work)', 2)]],
          [10, []],
        ],
      }),
    );
    expect(set.parts.map((p) => [p.metadata.label, p.metadata.threadId])).toEqual([
      ['main thread', undefined],
      ['thread 30', '30'],
      ['thread 10', '10'],
    ]);
    expect(set.parts[2]?.functions.length).toBe(0);
    expect(rows(set.whole)).toEqual(['python m 1 main [m]', 'python m 5 work [m]']);
    expect(set.whole.metadata.label).toBe('all threads');
  });

  it('keeps a thread id above 2^53 exact (LONG1)', () => {
    const id = 18446744073709551557n; // 2^64 - 59
    const bytes = new Pickle()
      .proto(2)
      .global('breezy.lsprof', 'Stats')
      .emptyTuple()
      .newobj()
      .emptyDict()
      .mark()
      .unicode('data')
      .emptyList()
      .unicode('threads')
      .emptyDict()
      .raw(0x8a, 9, ...bytesLE(id, 9))
      .global('breezy.lsprof', 'Stats')
      .emptyTuple()
      .newobj()
      .emptyDict()
      .unicode('data')
      .emptyList()
      .setitem()
      .build()
      .setitem()
      .setitems()
      .build()
      .stop()
      .bytes();
    const set = readWith(lsprof, bytes);
    expect(set.parts[1]?.metadata.threadId).toBe(id.toString());
  });

  it('a repeated thread id replaces the earlier Stats in its place (dict semantics)', () => {
    const set = readWith(
      lsprof,
      statsPickle({
        data: [],
        threads: [
          [1, [entry('m:1(a)', 1)]],
          [2, [entry('m:2(b)', 1)]],
          [1, [entry('m:3(c)', 1)]],
        ],
      }),
    );
    expect(set.parts.map((p) => p.metadata.threadId)).toEqual([undefined, '1', '2']);
    expect(rows(set.parts[1] as Profile)).toEqual(['python m 3 c [m]']);
  });
});

function bytesLE(value: bigint, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(Number((value >> BigInt(8 * k)) & 0xffn));
  return out;
}

describe('Python 2 and protocol 0', () => {
  it('keeps a label that is not UTF-8 byte for byte', () => {
    const label = Uint8Array.from([
      ...new TextEncoder().encode('</srv/latin'),
      0xe9,
      ...new TextEncoder().encode('.py>:3(f)'),
    ]);
    const set = readWith(
      lsprof,
      statsPickle({
        module: 'bzrlib.lsprof',
        python2: true,
        data: [{ code: label, callcount: 1, totaltime: 0, inlinetime: 0 }],
      }),
    );
    const p = set.whole;
    expect(p.metadata.pythonMajor).toBe(2);
    expect(p.metadata.producer).toBe('bzrlib');
    expect([...encodeText(functionFile(p, 0))]).toEqual([
      ...label.subarray(0, label.length - ':3(f)'.length),
    ]);
    expect(functionModule(p, 0)).toBe('latin\udce9');
  });

  it('decodes STRING escapes, UNICODE escapes and text numbers', () => {
    const bytes = new Pickle()
      .mark()
      .text("S'a\\'b\\x41\\101\\n\\q'\n")
      .text('V')
      .raw(0xe9) // é as raw-unicode-escape writes it: one Latin-1 byte
      .text('\\u0041\\u005c\\U0001F600\n')
      .text('I01\nI00\nI-7\nL123456789012345678901234567890L\nF2.1999999999999999e-05\nFinf\n')
      .tuple()
      .stop()
      .bytes();
    const value = loadPickle(bytes).value as { items: unknown[] };
    expect(value.items).toEqual([
      "a'bAA\n\\q",
      'éA\\😀',
      true,
      false,
      -7,
      123456789012345678901234567890n,
      2.1999999999999999e-5,
      Infinity,
    ]);
  });

  it('reads a standalone lsprof Stats made by INST, without threads', () => {
    // Protocol 0 of an instance with no __reduce__ state: (i lsprof\nStats\n, then BUILD.
    const bytes = new Pickle()
      .mark()
      .raw(0x69)
      .text('lsprof\nStats\n')
      .text('p0\n')
      .mark()
      .raw(0x64) // DICT
      .text("S'data'\n")
      .mark()
      .raw(0x6c) // LIST
      .text('p1\n')
      .global('_lsprof', 'profiler_entry')
      .mark()
      .mark()
      .text("S'<len>'\nI2\nI0\nF0.5\nF0.25\nN")
      .tuple()
      .mark()
      .raw(0x64)
      .tuple()
      .reduce()
      .append()
      .setitem()
      .build()
      .stop()
      .bytes();
    const set = readWith(lsprof, bytes);
    expect(set.parts).toHaveLength(1);
    expect(set.whole.metadata.producer).toBe('lsprof');
    expect(set.whole.metadata.pythonMajor).toBe(2);
    expect(rows(set.whole)).toEqual(['builtin ~ 0 <len> []']);
    expect(set.whole.functions.inclusiveTime[0]).toBe(0.5);
    expect(set.whole.functions.selfTime[0]).toBe(0.25);
  });
});
