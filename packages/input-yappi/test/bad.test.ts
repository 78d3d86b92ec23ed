// Hand-made .ystat pickles for what yappi never writes: foreign globals refused before
// anything is built, shapes a YFuncStats cannot have refused with the offset, and the
// lenient points (a callee without an entry, Python 2 byte strings, trailing bytes) read as
// documented.
import {
  type Diagnostic,
  Diagnostics,
  functionName,
  isProfileError,
  type ProfileError,
  type ProfileSet,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { Pickle } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import { yappi } from '../src/index.js';

interface Stat {
  name: string;
  module?: string;
  lineno?: number;
  ncall?: number;
  ttot?: number;
  tsub?: number;
  index?: number;
  ctx?: number;
  children?: Array<[string, number]>;
}

const fullName = (s: Stat) => `${s.module ?? 'p.py'}:${s.lineno ?? 1} ${s.name}`;

/** A string: BINUNICODE, or Python 2's SHORT_BINSTRING. */
function str(p: Pickle, text: string, python2: boolean): Pickle {
  return python2 ? p.str(text) : p.unicode(text);
}

/** `cls` instance with a state dict written by `state` (NEWOBJ + BUILD, as yappi pickles). */
function object(p: Pickle, cls: string, state: () => void): void {
  p.global('yappi', cls).emptyTuple().newobj().emptyDict().mark();
  state();
  p.setitems().build();
}

function funcStat(p: Pickle, s: Stat, python2: boolean, memo?: number): void {
  object(p, 'YFuncStat', () => {
    const key = (k: string) => str(p, k, python2);
    key('name');
    str(p, s.name, python2);
    key('module');
    str(p, s.module ?? 'p.py', python2);
    key('lineno').int(s.lineno ?? 1);
    key('ncall').int(s.ncall ?? 1);
    key('nactualcall').int(s.ncall ?? 1);
    key('builtin').raw(0x89); // NEWFALSE
    key('ttot').float(s.ttot ?? 0.5);
    key('tsub').float(s.tsub ?? 0.25);
    key('index').int(s.index ?? 0);
    key('children');
    object(p, 'YChildFuncStats', () => {
      key('_as_list').emptyList();
      for (const [callee, ncall] of s.children ?? []) {
        object(p, 'YChildFuncStat', () => {
          key('full_name');
          str(p, callee, python2);
          key('ncall').int(ncall);
          key('nactualcall').int(ncall);
          key('ttot').float(0.125);
          key('tsub').float(0.125);
        });
        p.append();
      }
    });
    key('ctx_id').int(s.ctx ?? 0);
    key('ctx_name');
    str(p, '_MainThread', python2);
    key('full_name');
    str(p, fullName(s), python2);
  });
  if (memo !== undefined) p.put(memo);
}

/** A .ystat: `(YFuncStats, 'wall')` at protocol 2, its `_as_list` holding `stats`. */
function ystat(
  stats: Stat[],
  options: { python2?: boolean; edit?: (p: Pickle) => void } = {},
): Uint8Array {
  const python2 = options.python2 ?? false;
  const p = new Pickle().proto(2);
  object(p, 'YFuncStats', () => {
    str(p, '_as_list', python2).emptyList();
    for (const s of stats) {
      funcStat(p, s, python2);
      p.append();
    }
    options.edit?.(p);
  });
  str(p, 'wall', python2);
  return p.tuple2().stop().bytes();
}

function refusal(bytes: Uint8Array): ProfileError {
  try {
    readWith(yappi, bytes);
  } catch (error) {
    if (isProfileError(error)) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

/** Reads `bytes`, keeping the reader's warnings beside the set. */
function read(bytes: Uint8Array): ProfileSet & { warnings: readonly Diagnostic[] } {
  const diagnostics = new Diagnostics();
  const set = { ...readWith(yappi, bytes, { diagnostics }), warnings: diagnostics.list };
  for (const profile of [...set.parts, set.whole])
    expect(validateProfile(profile).errors).toEqual([]);
  return set;
}

describe('refused', () => {
  it('a foreign global, before anything is built', () => {
    const bytes = ystat([{ name: 'f' }], { edit: (p) => p.global('os', 'system').raw(0x30) });
    const error = refusal(bytes);
    expect(error.code).toBe('UNSAFE_INPUT');
    expect(error.message).toMatch(
      /^forbidden global os\.system at offset \d+: a yappi pickle names only yappi's stats classes \(yappi\.YFuncStats, yappi\.YFuncStat, yappi\.YChildFuncStats, yappi\.YChildFuncStat\)/,
    );
  });

  it.each<[string, Uint8Array, RegExp]>([
    [
      'a YFuncStats without its clock type',
      (() => {
        const p = new Pickle().proto(2);
        object(p, 'YFuncStats', () => p.unicode('_as_list').emptyList());
        return p.stop().bytes();
      })(),
      /^not a yappi file: it holds a yappi\.YFuncStats object, not \(YFuncStats, clock type\)/,
    ],
    [
      'one YFuncStat listed twice (a memo reference)',
      (() => {
        const p = new Pickle().proto(2);
        object(p, 'YFuncStats', () => {
          p.unicode('_as_list').emptyList();
          funcStat(p, { name: 'f' }, false, 9);
          p.append().get(9).append();
        });
        return p.unicode('wall').tuple2().stop().bytes();
      })(),
      /^a YFuncStat built at offset \d+ is used twice \(a shared memo reference\)/,
    ],
    [
      'a negative call count',
      ystat([{ name: 'f', ncall: -3 }]),
      /^p\.py:1 f\.ncall must be a whole number ≥ 0, found the integer -3/,
    ],
    [
      'an infinite time',
      ystat([{ name: 'f', ttot: Infinity }]),
      /^p\.py:1 f\.ttot must be a time ≥ 0 in seconds, found the float Infinity/,
    ],
    [
      'a thread with more calls than the merged entry',
      ystat([{ name: 'f', ncall: 2, index: 1, ctx: 0 }], {
        edit: (p) => {
          p.unicode('_additional_indexing').emptyDict().int(7);
          funcStat(p, { name: 'f', ncall: 5, index: 7, ctx: 1 }, false);
          p.setitem();
        },
      }),
      /^p\.py:1 f: the merged numbers are smaller than one thread's/,
    ],
  ])('%s: MALFORMED_INPUT', (_name, bytes, message) => {
    const error = refusal(bytes);
    expect(error.code).toBe('MALFORMED_INPUT');
    expect(error.place).toHaveProperty('offset');
    expect(error.message).toMatch(message);
  });
});

describe('read as documented', () => {
  it('splits a merged entry into its threads (counts exactly, times to the tick)', () => {
    const set = read(
      ystat([{ name: 'f', ncall: 5, ttot: 0.000007, tsub: 0.000005, index: 1, ctx: 0 }], {
        edit: (p) => {
          p.unicode('_additional_indexing').emptyDict().int(7);
          funcStat(
            p,
            { name: 'f', ncall: 2, ttot: 0.000003, tsub: 0.000002, index: 7, ctx: 4 },
            false,
          );
          p.setitem();
        },
      }),
    );
    expect(set.parts.map((part) => part.metadata.threadId)).toEqual(['0', '4']);
    const [main, worker] = set.parts;
    expect([main?.functions.callCount[0], main?.functions.inclusiveTime[0]]).toEqual([3, 0.000004]);
    expect([worker?.functions.callCount[0], worker?.functions.inclusiveTime[0]]).toEqual([
      2, 0.000003,
    ]);
    expect(set.whole.functions.callCount[0]).toBe(5);
  });

  it('keeps a callee without an entry as a function with no numbers (dangling-child)', () => {
    const set = read(ystat([{ name: 'f', children: [['q.py:9 gone', 2]] }]));
    const profile = set.whole;
    expect(functionName(profile, 1)).toBe('gone');
    expect(profile.functions.line[1]).toBe(9);
    expect(profile.calls.callCount[0]).toBe(2);
    expect(set.warnings.map((w) => w.code)).toEqual(['dangling-child']);
  });

  it('reads Python 2 byte strings', () => {
    const set = read(ystat([{ name: 'f', children: [['p.py:1 f', 1]] }], { python2: true }));
    expect(set.whole.metadata.pythonMajor).toBe(2);
    expect(functionName(set.whole, 0)).toBe('f');
    expect(set.whole.calls.length).toBe(1);
  });

  it('ignores bytes after STOP (trailing-data)', () => {
    const bytes = ystat([{ name: 'f' }]);
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    expect(read(padded).warnings.map((w) => w.code)).toEqual(['trailing-data']);
  });
});
