// The reader's contract with a made-up dialect: the scan refuses a global outside the
// allow-list before the build pass makes anything; allowed classes become inert objects
// that BUILD and (for dict subclasses) SETITEMS fill; REDUCE on a record global goes to
// the reader's hook; protocol 0/1 instances come through `_reconstructor`; every other use
// of a global is refused with the dialect's wording.
import { isProfileError, type ProfileError } from '@pyprof/core';
import { Pickle } from '@pyprof/testkit';
import { describe, expect, it } from 'vitest';
import {
  describeValue,
  loadPickle,
  type PickleValue,
  PyDict,
  type PyList,
  PyObject,
  PyRecord,
  PyTuple,
  pickleDialect,
  RECONSTRUCTOR_GLOBALS,
  scanPickle,
} from '../src/index.js';

const dialect = pickleDialect({
  format: 'toy',
  noun: 'a toy pickle',
  classes: 'the toy classes',
  globals: [
    { module: 'toy', name: 'Box', kind: 'class' },
    { module: 'toy', name: 'Bag', kind: 'class', dictItems: true },
    { module: 'toy', name: 'pair', kind: 'record', role: 'pair' },
    ...RECONSTRUCTOR_GLOBALS,
  ],
});

class Pair extends PyRecord {
  constructor(
    readonly left: PickleValue,
    readonly right: PickleValue,
    offset: number,
  ) {
    super(offset);
  }
  get kind(): string {
    return 'pair';
  }
  describe(): string {
    return 'a toy pair';
  }
}

const reduce = (_callable: unknown, args: PickleValue, offset: number): Pair => {
  if (!(args instanceof PyTuple) || args.items.length !== 2) throw new Error('not a pair');
  return new Pair(args.items[0] as PickleValue, args.items[1] as PickleValue, offset);
};

function refusal(run: () => unknown): ProfileError {
  try {
    run();
  } catch (error) {
    if (isProfileError(error)) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('the allow-list', () => {
  it('lists the dialect phrases messages use', () => {
    expect(dialect.objects).toBe('Box / Bag objects');
    expect(dialect.rebuilds).toBe('pair records and Box / Bag objects');
    expect(dialect.allowed('toy', 'Box')?.kind).toBe('class');
    expect(dialect.allowed('toy', 'Boxes')).toBeUndefined();
    expect(dialect.allowed('toy', 'x'.repeat(1000))).toBeUndefined();
  });

  it('refuses a foreign global in the scan, before anything is built', () => {
    const bytes = new Pickle().proto(2).global('toy', 'Box').global('os', 'system').stop().bytes();
    let built = 0;
    const error = refusal(() => loadPickle(bytes, dialect, { onBuild: () => built++ }));
    expect(error.code).toBe('UNSAFE_INPUT');
    expect(error.format).toBe('toy');
    expect(error.place).toEqual({ offset: 11 });
    expect(error.message).toBe(
      'forbidden global os.system at offset 11: a toy pickle names only the toy classes (toy.Box, toy.Bag, toy.pair, copy_reg._reconstructor, copyreg._reconstructor, __builtin__.object, builtins.object); the file was refused before anything was built, nothing was run',
    );
    expect(built).toBe(0);
  });

  it('collects every global named, in order', () => {
    const bytes = new Pickle()
      .proto(4)
      .stackGlobal('toy', 'Bag')
      .raw(0x30) // POP
      .global('toy', 'pair')
      .stop()
      .bytes();
    expect(scanPickle(bytes, dialect).globals).toEqual([
      ['toy', 'Bag'],
      ['toy', 'pair'],
    ]);
  });
});

describe('what allowed globals become', () => {
  it('NEWOBJ + SETITEMS + BUILD: a dict-subclass object with items and attributes', () => {
    const bytes = new Pickle()
      .proto(2)
      .global('toy', 'Bag')
      .emptyTuple()
      .newobj()
      .mark()
      .int(0)
      .unicode('zero')
      .int(1)
      .unicode('one')
      .setitems()
      .emptyDict()
      .unicode('size')
      .int(2)
      .setitem()
      .build()
      .stop()
      .bytes();
    const kinds: string[] = [];
    const { value, objectsBuilt } = loadPickle(bytes, dialect, {
      onBuild: (kind) => kinds.push(kind),
    });
    expect(value).toBeInstanceOf(PyObject);
    const bag = value as PyObject;
    expect(bag.cls.name).toBe('Bag');
    expect(bag.items).toEqual([0, 'zero', 1, 'one']);
    expect([...bag.attributes]).toEqual([['size', 2]]);
    expect(kinds).toEqual([
      'global',
      'tuple',
      'Bag',
      'int',
      'str',
      'int',
      'str',
      'dict',
      'str',
      'int',
    ]);
    expect(objectsBuilt).toBe(kinds.length);
  });

  it('SETITEMS on an object that is not a dict subclass is refused', () => {
    const bytes = new Pickle()
      .proto(2)
      .global('toy', 'Box')
      .emptyTuple()
      .newobj()
      .int(0)
      .int(1)
      .setitem()
      .stop()
      .bytes();
    expect(refusal(() => loadPickle(bytes, dialect)).message).toBe(
      'SETITEM on a toy.Box object: only dicts take items',
    );
  });

  it('a state of (dict, slot dict) sets both; a second BUILD is refused', () => {
    const withSlots = () =>
      new Pickle()
        .proto(2)
        .global('toy', 'Box')
        .emptyTuple()
        .newobj()
        .emptyDict()
        .unicode('a')
        .int(1)
        .setitem()
        .emptyDict()
        .unicode('b')
        .int(2)
        .setitem()
        .tuple2()
        .build();
    const box = loadPickle(withSlots().stop().bytes(), dialect).value as PyObject;
    expect([...box.attributes]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    const twice = withSlots().emptyDict().build().stop().bytes();
    expect(refusal(() => loadPickle(twice, dialect)).message).toBe(
      'a second BUILD on one Box object',
    );
  });

  it('REDUCE on a record global goes to the reader hook; without one it is refused', () => {
    const oneArgument = new Pickle()
      .proto(2)
      .global('toy', 'pair')
      .int(3)
      .raw(0x85) // TUPLE1
      .reduce()
      .stop()
      .bytes();
    const bytesWithArgs = new Pickle()
      .proto(2)
      .global('toy', 'pair')
      .int(3)
      .unicode('x')
      .tuple2()
      .reduce()
      .stop()
      .bytes();
    const kinds: string[] = [];
    const pair = loadPickle(bytesWithArgs, dialect, { reduce, onBuild: (k) => kinds.push(k) })
      .value as Pair;
    expect(pair).toBeInstanceOf(Pair);
    expect([pair.left, pair.right]).toEqual([3, 'x']);
    expect(kinds.at(-1)).toBe('pair');
    expect(describeValue(pair)).toBe('a toy pair');
    expect(refusal(() => loadPickle(bytesWithArgs, dialect)).message).toBe(
      'REDUCE of the global toy.pair with a tuple of 2 items: a toy pickle only rebuilds pair records and Box / Bag objects',
    );
    expect(() => loadPickle(oneArgument, dialect, { reduce })).toThrow('not a pair');
  });

  it('protocol 0: _reconstructor(cls, object, None) makes an empty object', () => {
    const bytes = new Pickle()
      .global('copy_reg', '_reconstructor')
      .mark()
      .global('toy', 'Box')
      .global('__builtin__', 'object')
      .none()
      .tuple()
      .reduce()
      .stop()
      .bytes();
    const box = loadPickle(bytes, dialect).value as PyObject;
    expect(box).toBeInstanceOf(PyObject);
    expect(box.cls.name).toBe('Box');
    expect(loadPickle(bytes, dialect).scan.protocol).toBeNull();
  });

  it('calling a class, or NEWOBJ of a record, is refused with the dialect wording', () => {
    const call = new Pickle().proto(2).global('toy', 'Box').emptyTuple().reduce().stop().bytes();
    expect(refusal(() => loadPickle(call, dialect, { reduce })).message).toBe(
      'REDUCE of the global toy.Box with a tuple of 0 items: a toy pickle only rebuilds pair records and Box / Bag objects',
    );
    const newobj = new Pickle().proto(2).global('toy', 'pair').emptyTuple().newobj().stop().bytes();
    expect(refusal(() => loadPickle(newobj, dialect)).message).toBe(
      'NEWOBJ of the global toy.pair with a tuple of 0 items: a toy pickle only creates empty Box / Bag objects this way',
    );
  });

  it('keeps memo references shared and builds plain containers', () => {
    const bytes = new Pickle()
      .proto(2)
      .emptyList()
      .put(0)
      .emptyDict()
      .get(0)
      .get(0)
      .setitem()
      .append()
      .stop()
      .bytes();
    // [ {list: list} ]: the dict's key and value are the outer list itself.
    const list = loadPickle(bytes, dialect).value as PyList;
    const dict = list.items[0] as PyDict;
    expect(dict).toBeInstanceOf(PyDict);
    expect(dict.flat[0]).toBe(list);
    expect(dict.flat[1]).toBe(list);
  });
});
