// Hostile and broken pickles. Every forbidden pickle of the corpus's bad/ set is refused
// with UNSAFE_INPUT naming the global, the build pass never starts (the build hook counts
// zero objects) and the marker file the pickles would create never appears. The other bad
// pickles get MALFORMED_INPUT with the offset where they go wrong, in work proportional to
// their size; hand-made pickles cover the remaining refusals of the scan and build passes.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  Diagnostics,
  isProfileError,
  type ProfileError,
  type ProfileSet,
  readWith,
  validateProfile,
} from '@pyprof/core';
import { DEFAULT_PICKLE_LIMITS, type PyList, PyObject } from '@pyprof/pickle';

const MAX_MARK_DEPTH = DEFAULT_PICKLE_LIMITS.maxMarks;

import { beforeAll, describe, expect, it } from 'vitest';
import { lsprof } from '../src/index.js';
import { loadPickle, type StructSeq, scanPickle } from '../src/pickle.js';
import { readLsprof } from '../src/read.js';
import { Pickle, statsPickle } from './assemble.js';
import { fixturesDir, readFixture } from './corpus.js';

const MARKER = '/tmp/PYPROF_CORPUS_FORBIDDEN_PICKLE_WAS_EXECUTED';

function refusal(run: () => unknown): ProfileError {
  try {
    run();
  } catch (error) {
    if (isProfileError(error)) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

function read(bytes: Uint8Array): ProfileSet {
  return readWith(lsprof, bytes);
}

/** Reads through the plugin's own read path with a build counter attached. */
function builtWhileReading(bytes: Uint8Array): { error: ProfileError; built: number } {
  let built = 0;
  const context = { options: {}, needs: {}, warn: () => {} };
  const error = refusal(() => readLsprof(bytes, context, { onBuild: () => built++ }));
  return { error, built };
}

const badPickles = readdirSync(join(fixturesDir, 'bad')).filter((f) => f.endsWith('.pickle'));
const forbidden: Record<string, string> = {
  'forbidden-os-system.pickle': 'os.system',
  'forbidden-posix-system.pickle': 'posix.system',
  'forbidden-builtins-eval.pickle': 'builtins.eval',
  'forbidden-inside-breezy-stats.pickle': 'os.system',
};

describe('forbidden pickles', () => {
  beforeAll(() => {
    rmSync(MARKER, { force: true });
  });

  it('are all here', () => {
    expect(badPickles.filter((f) => f.startsWith('forbidden-')).sort()).toEqual(
      Object.keys(forbidden).sort(),
    );
  });

  for (const [file, global] of Object.entries(forbidden)) {
    it(`${file}: refused naming ${global}, with nothing built`, () => {
      const bytes = readFixture(`bad/${file}`);
      const error = refusal(() => read(bytes));
      expect(error.code).toBe('UNSAFE_INPUT');
      expect(error.format).toBe('lsprof');
      expect(error.message).toMatch(new RegExp(`^forbidden global ${global.replace('.', '\\.')} `));
      expect(error.place).toHaveProperty('offset');
      expect(error.message).toContain(`at offset ${(error.place as { offset: number }).offset}`);

      let built = 0;
      const direct = refusal(() => loadPickle(bytes, { onBuild: () => built++ }));
      expect(direct.code).toBe('UNSAFE_INPUT');
      expect(built).toBe(0);
      const viaPlugin = builtWhileReading(bytes);
      expect(viaPlugin.error.code).toBe('UNSAFE_INPUT');
      expect(viaPlugin.built).toBe(0);
    });
  }

  it('refuses the global deep inside a real Breezy Stats pickle before building any of it', () => {
    const bytes = readFixture('bad/forbidden-inside-breezy-stats.pickle');
    // The allowed globals come first: the file opens like any Breezy pickle…
    const head = new TextDecoder().decode(bytes.subarray(0, 128));
    expect(head).toContain('breezy.lsprof\nStats\n');
    expect(head).toContain('_lsprof\nprofiler_entry\n');
    const { error, built } = builtWhileReading(bytes);
    // …and the refusal names the global where it sits, past them.
    expect(error.place).toEqual({ offset: 75 });
    expect(error.message).toMatch(/^forbidden global os\.system at offset 75:/);
    expect(built).toBe(0);
    // With the forbidden global's bytes renamed to an allowed class, the build pass runs
    // and makes the Stats, its state dict, 'data', the list and the entry class before
    // offset 75 (then refuses the odd REDUCE): the original had none of them built.
    const before: string[] = [];
    const renamed = refusal(() =>
      loadPickle(swapGlobal(bytes, 'os\nsystem\n', 'lsprof\nStats\n'), {
        onBuild: (kind, offset) => {
          if (offset < 75) before.push(`${kind}@${offset}`);
        },
      }),
    );
    expect(renamed.code).toBe('MALFORMED_INPUT');
    expect(before).toEqual([
      'global@2',
      'tuple@25',
      'Stats@26',
      'dict@29',
      'str@33',
      'list@44',
      'global@48',
    ]);
  });

  it('never ran anything: the marker file does not exist', () => {
    for (const file of Object.keys(forbidden)) refusal(() => read(readFixture(`bad/${file}`)));
    expect(existsSync(MARKER)).toBe(false);
  });
});

/** Replaces the first occurrence of one GLOBAL argument by another of another length. */
function swapGlobal(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = new TextDecoder('latin1').decode(bytes);
  const at = text.indexOf(`c${from}`);
  expect(at).toBeGreaterThan(0);
  const head = bytes.subarray(0, at + 1);
  const tail = bytes.subarray(at + 1 + from.length);
  const out = new Uint8Array(head.length + to.length + tail.length);
  out.set(head);
  out.set(new TextEncoder().encode(to), head.length);
  out.set(tail, head.length + to.length);
  return out;
}

describe('other bad pickles of the corpus', () => {
  it('are all here', () => {
    expect(badPickles).toHaveLength(10);
  });

  it.each([
    ['empty.pickle', 0, /the file is empty/],
    ['random-bytes.pickle', 0, /unknown pickle opcode 0x1e/],
    ['lsprof-truncated.pickle', 19010, /ends before its STOP opcode \(the file is truncated\)/],
    ['lsprof-long4-length-2gib.pickle', 41904, /LONG4 declares a negative length \(-2147483648\)/],
    [
      'lsprof-long4-length-2gib-minus-1.pickle',
      41904,
      /LONG4 declares 2147483647 bytes but only 1580 are left/,
    ],
    [
      'lsprof-memo-dag-bomb.pickle',
      138,
      /the calls of a profiler_entry must be a list of profiler_subentry records, but it holds a list of 2 items/,
    ],
  ])('%s: MALFORMED_INPUT at %i saying what is wrong', (file, offset, message) => {
    const error = refusal(() => read(readFixture(`bad/${file}`)));
    expect(error.code).toBe('MALFORMED_INPUT');
    expect(error.format).toBe('lsprof');
    expect(error.place).toEqual({ offset });
    expect(error.message).toMatch(message);
  });

  it('keeps the memo DAG bomb shared: 60 levels, each one list held twice, built once', () => {
    const bytes = readFixture('bad/lsprof-memo-dag-bomb.pickle');
    const loaded = loadPickle(bytes);
    // Fewer values than bytes: nothing was expanded.
    expect(loaded.objectsBuilt).toBeLessThan(bytes.length);
    const stats = loaded.value as PyObject;
    expect(stats).toBeInstanceOf(PyObject);
    const first = (stats.attributes.get('data') as PyList).items[0] as StructSeq;
    let level = loaded.records.calls[first.row] as PyList;
    let depth = 0;
    while (level.items.length === 2) {
      expect(level.items[0]).toBe(level.items[1]); // the same object, not a copy
      level = level.items[0] as PyList;
      depth++;
    }
    expect(depth).toBe(60);
  });
});

describe('refusals of the scan pass (nothing built)', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    [
      'a STACK_GLOBAL whose names come from the memo',
      new Pickle()
        .proto(4)
        .shortUnicode('subprocess')
        .raw(0x94)
        .shortUnicode('run')
        .raw(0x94)
        .raw(0x30, 0x30) // POP, POP
        .get(0)
        .get(1)
        .raw(0x93)
        .stop()
        .bytes(),
      /^forbidden global subprocess\.run at offset 27:/,
    ],
    [
      'INST naming a foreign class',
      new Pickle().mark().raw(0x69).text('os\nsystem\n').stop().bytes(),
      /^forbidden global os\.system at offset 1:/,
    ],
    [
      'a persistent id',
      new Pickle().proto(2).unicode('x').raw(0x51).stop().bytes(),
      /^BINPERSID at offset 8 asks the reader to look up a persistent object/,
    ],
    ['PERSID (text)', new Pickle().raw(0x50).text('x\n').stop().bytes(), /^PERSID at offset 0 /],
    [
      'the extension registry',
      new Pickle().proto(2).raw(0x82, 1).stop().bytes(),
      /^EXT1 at offset 2 names a global through the extension registry/,
    ],
    [
      'a memoised name a megabyte long, fetched for STACK_GLOBAL',
      new Pickle()
        .proto(4)
        .unicode('m'.repeat(1 << 20))
        .raw(0x94, 0x30) // MEMOIZE, POP
        .get(0)
        .get(0)
        .raw(0x93)
        .stop()
        .bytes(),
      /^forbidden global m{200}…/,
    ],
    [
      'a name with control characters',
      new Pickle().global('os\u001b[2J', 'system').stop().bytes(),
      /^forbidden global os\\x1b\[2J\.system /,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    it(`${name}: UNSAFE_INPUT`, () => {
      let built = 0;
      const error = refusal(() => loadPickle(bytes, { onBuild: () => built++ }));
      expect(error.code).toBe('UNSAFE_INPUT');
      expect(error.message).toMatch(message);
      expect(built).toBe(0);
    });
  }

  it('collects every global a valid pickle names, in order, from the scan alone', () => {
    const bytes = new Pickle()
      .proto(4)
      .stackGlobal('breezy.lsprof', 'Stats')
      .emptyTuple()
      .newobj()
      .global('_lsprof', 'profiler_entry')
      .raw(0x30) // POP
      .stop()
      .bytes();
    expect(scanPickle(bytes).globals).toEqual([
      ['breezy.lsprof', 'Stats'],
      ['_lsprof', 'profiler_entry'],
    ]);
  });
});

/** REDUCE of `_lsprof.<cls>` with five fields (a subentry's, one short of an entry's). */
function fiveFields(p: Pickle, cls: string): Pickle {
  p.global('_lsprof', cls).mark().unicode('x').int(1).int(0).float(0).float(0).tuple();
  return p.emptyDict().tuple2().reduce();
}

describe('refusals of the build pass and of the Stats shape', () => {
  const entry = { code: 'm:1(f)', callcount: 1, totaltime: 0.5, inlinetime: 0.25 };
  it.each<[string, Uint8Array, RegExp]>([
    [
      'calling Stats directly',
      new Pickle().proto(2).global('breezy.lsprof', 'Stats').emptyTuple().reduce().stop().bytes(),
      /REDUCE of the global breezy\.lsprof\.Stats with a tuple of 0 items/,
    ],
    [
      'a profiler_entry with 5 fields',
      fiveFields(new Pickle().proto(2), 'profiler_entry').stop().bytes(),
      /_lsprof\.profiler_entry needs 6 fields, found a tuple of 5 items/,
    ],
    [
      'BUILD on a record',
      fiveFields(new Pickle().proto(2), 'profiler_subentry').emptyDict().build().stop().bytes(),
      /BUILD on a _lsprof\.profiler_subentry record/,
    ],
    [
      'a STACK_GLOBAL without strings',
      new Pickle().proto(4).int(1).int(2).raw(0x93).stop().bytes(),
      /STACK_GLOBAL needs a module name and a name/,
    ],
    [
      'APPEND to a dict',
      new Pickle().proto(2).emptyDict().none().append().stop().bytes(),
      /APPEND to a dict of 0 items/,
    ],
    [
      'a list instead of a Stats object',
      new Pickle().proto(2).emptyList().stop().bytes(),
      /not an lsprof pickle: it holds a list of 0 items, not a Stats object/,
    ],
    [
      'more MARKs than the nesting limit',
      new Pickle()
        .raw(...new Array(MAX_MARK_DEPTH + 1).fill(0x28))
        .stop()
        .bytes(),
      new RegExp(`more than ${MAX_MARK_DEPTH} MARKs open at once`),
    ],
    [
      'a FRAME longer than the file',
      new Pickle().proto(4).raw(0x95, 0xff, 0xff, 0, 0, 0, 0, 0, 0).none().stop().bytes(),
      /FRAME declares 65535 bytes but only 2 are left/,
    ],
    [
      'an integer too large to be a profile value',
      new Pickle()
        .raw(0x4c)
        .text(`${'9'.repeat(41)}L\n`)
        .stop()
        .bytes(),
      /an integer of 41 digits is too large/,
    ],
    [
      'a memo index never stored',
      new Pickle().proto(2).get(7).stop().bytes(),
      /BINGET of memo index 7, never stored/,
    ],
    [
      'an opcode reaching below its MARK',
      new Pickle().proto(2).none().mark().raw(0x85).stop().bytes(),
      /TUPLE1 needs a value but the stack is empty above the last MARK/,
    ],
    [
      'a shared calls list',
      (() => {
        // Two entries whose calls are one memoised list: BINPUT once, BINGET the second time.
        const p = new Pickle()
          .proto(2)
          .global('breezy.lsprof', 'Stats')
          .emptyTuple()
          .newobj()
          .emptyDict()
          .unicode('data')
          .emptyList();
        for (let k = 0; k < 2; k++) {
          p.global('_lsprof', 'profiler_entry').mark().unicode(`m:${k}(f)`).int(1).int(0);
          p.float(0).float(0);
          if (k === 0) p.emptyList().put(9);
          else p.get(9);
          p.tuple().emptyDict().tuple2().reduce().append();
        }
        return p.setitem().build().stop().bytes();
      })(),
      /the calls of a profiler_entry built at offset \d+ is used twice \(a shared memo reference\)/,
    ],
    [
      'a list that holds itself as data',
      new Pickle()
        .proto(2)
        .global('breezy.lsprof', 'Stats')
        .emptyTuple()
        .newobj()
        .emptyDict()
        .unicode('data')
        .emptyList()
        .put(1)
        .get(1)
        .append()
        .setitem()
        .build()
        .stop()
        .bytes(),
      /Stats\.data of the main thread must be a list of profiler_entry records, but it holds a list of 1 items/,
    ],
    [
      'a thread whose Stats has threads of its own',
      statsPickle({ data: [entry], threads: [[1, [entry], [[7, [entry]]]]] }),
      /the Stats of thread 1 has threads of its own/,
    ],
    [
      'a second BUILD on one Stats',
      new Pickle()
        .proto(2)
        .global('breezy.lsprof', 'Stats')
        .emptyTuple()
        .newobj()
        .emptyDict()
        .build()
        .emptyDict()
        .build()
        .stop()
        .bytes(),
      /a second BUILD on one Stats object/,
    ],
    [
      'one state dict for two Stats',
      new Pickle()
        .proto(2)
        .global('breezy.lsprof', 'Stats')
        .put(0)
        .emptyTuple()
        .newobj()
        .emptyDict()
        .put(1)
        .build()
        .get(0)
        .emptyTuple()
        .newobj()
        .get(1)
        .build()
        .stop()
        .bytes(),
      /one dict is the state of two Stats objects/,
    ],
    [
      'a FLOAT argument longer than any float',
      new Pickle()
        .raw(0x46)
        .text(`${'1'.repeat(100)}x\n`)
        .stop()
        .bytes(),
      /FLOAT argument of 101 bytes is not a number/,
    ],
    [
      'more recursive calls than calls',
      statsPickle({ data: [{ ...entry, callcount: 1, reccallcount: 2 }] }),
      /reccallcount 2 exceeds callcount 1/,
    ],
    [
      'an infinite time',
      statsPickle({ data: [{ ...entry, totaltime: Infinity }] }),
      /totaltime of a profiler_entry is infinite/,
    ],
    [
      'a code object where a label belongs',
      new Pickle()
        .proto(2)
        .global('breezy.lsprof', 'Stats')
        .emptyTuple()
        .newobj()
        .emptyDict()
        .unicode('data')
        .emptyList()
        .global('_lsprof', 'profiler_entry')
        .mark()
        .int(3)
        .int(1)
        .int(0)
        .float(0)
        .float(0)
        .none()
        .tuple()
        .emptyDict()
        .tuple2()
        .reduce()
        .append()
        .setitem()
        .build()
        .stop()
        .bytes(),
      /the code of a profiler_entry must be a label string, found the integer 3/,
    ],
  ])('%s: MALFORMED_INPUT', (_name, bytes, message) => {
    const error = refusal(() => read(bytes));
    expect(error.code).toBe('MALFORMED_INPUT');
    expect(error.place).toHaveProperty('offset');
    expect(error.message).toMatch(message);
  });

  it('reports a protocol above 5 as an unsupported version', () => {
    const error = refusal(() => read(new Pickle().proto(6).none().stop().bytes()));
    expect(error.code).toBe('UNSUPPORTED_VERSION');
    expect(error.message).toMatch(/pickle protocol 6.*protocols 0–5/);
  });
});

describe('lenient points, each with a warning', () => {
  it('keeps a NaN time as absent (nan-time)', () => {
    const diagnostics = new Diagnostics();
    const set = readWith(
      lsprof,
      statsPickle({
        data: [{ code: 'm:1(f)', callcount: 1, totaltime: Number.NaN, inlinetime: 0 }],
      }),
      { diagnostics },
    );
    expect(set.whole.functions.inclusiveTime[0]).toBeNaN();
    expect(diagnostics.list.map((w) => w.code)).toEqual(['nan-time']);
    expect(validateProfile(set.whole).errors).toEqual([]);
  });

  it('ignores bytes after STOP (trailing-data)', () => {
    const bytes = statsPickle({ data: [] });
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes);
    const diagnostics = new Diagnostics();
    readWith(lsprof, padded, { diagnostics });
    expect(diagnostics.list).toMatchObject([
      { code: 'trailing-data', place: { offset: bytes.length } },
    ]);
  });
});
