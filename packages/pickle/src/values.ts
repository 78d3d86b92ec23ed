/**
 * The plain data a pickle is turned into: lists, tuples, dicts and sets as small classes,
 * the allowed globals as inert `PyGlobal` markers, and the two things an allowed global can
 * turn into — a `PyObject` (an instance made empty, then given attributes by BUILD and,
 * for a dict subclass, items by SETITEMS) or a `PyRecord` (whatever the reader's own
 * `reduce` makes of a REDUCE on a record global: lsprof's `profiler_entry`, say). No class
 * is ever looked up, called or instantiated; these are all a global can turn into.
 *
 * Also here: the dialect, one format's allow-list with what each global is.
 */
import { printable } from './machine.js';

/**
 * What an allowed global is, and so what the pickle may do with it:
 * - `class`: a class whose instances the pickle makes empty — `NEWOBJ(cls, ())`, INST or
 *   OBJ without arguments, or `copyreg._reconstructor(cls, object, None)` — and fills by
 *   BUILD (a state dict, or `(dict, slot dict)`), plus SETITEM(S) with `dictItems` (a dict
 *   subclass such as yappi's `YFuncStat`);
 * - `record`: a callable the pickle applies with REDUCE; the reader's `reduce` hook turns
 *   the arguments into a `PyRecord` (or refuses them);
 * - `reconstructor`: `copyreg._reconstructor`, how protocols 0 and 1 make instances;
 * - `object`: `builtins.object`, the base `_reconstructor` names.
 */
export type GlobalKind = 'class' | 'record' | 'reconstructor' | 'object';

export interface AllowedGlobal {
  readonly module: string;
  readonly name: string;
  readonly kind: GlobalKind;
  /** The reader's own name for it (`stats`, `entry`); the global's name when left out. */
  readonly role?: string;
  /** For a `class`: its instances take SETITEM(S) like a dict. */
  readonly dictItems?: boolean;
}

/**
 * `copyreg._reconstructor` and `object`, in the Python 2 and 3 spellings (Python 3 writes
 * the Python 2 ones under `fix_imports`): what protocol 0 and 1 pickles of instances name.
 */
export const RECONSTRUCTOR_GLOBALS: readonly AllowedGlobal[] = [
  { module: 'copy_reg', name: '_reconstructor', kind: 'reconstructor' },
  { module: 'copyreg', name: '_reconstructor', kind: 'reconstructor' },
  { module: '__builtin__', name: 'object', kind: 'object' },
  { module: 'builtins', name: 'object', kind: 'object' },
];

/** One format's pickles: its allow-list and how messages name them. */
export interface PickleDialectSpec {
  /** The format name errors carry (`lsprof`). */
  readonly format: string;
  /** How messages name a pickle of this format (`an lsprof pickle`). */
  readonly noun: string;
  /** How messages name the allowed classes (`the lsprof classes`). */
  readonly classes: string;
  /** Every global the format's pickles may name; anything else refuses the file. */
  readonly globals: readonly AllowedGlobal[];
}

/** A dialect ready for the reader (`pickleDialect` makes one). */
export interface PickleDialect extends PickleDialectSpec {
  /** The entry for `module.name`, or undefined for a forbidden global. */
  allowed(module: string, name: string): AllowedGlobal | undefined;
  /** The allow-list as `module.name` strings, for messages. */
  readonly allowedNames: readonly string[];
  /** Plural noun of the instances (`Stats objects`), for messages. */
  readonly objects: string;
  /** What REDUCE and NEWOBJ may make (`profiler_entry records and Stats objects`). */
  readonly rebuilds: string;
  /** The longest allowed module or name: longer ones are refused without further work. */
  readonly longestName: number;
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** Compiles a dialect's allow-list once (a lookup map and the phrases messages use). */
export function pickleDialect(spec: PickleDialectSpec): PickleDialect {
  const byName = new Map<string, AllowedGlobal>();
  let longestName = 0;
  for (const entry of spec.globals) {
    byName.set(`${entry.module} ${entry.name}`, entry);
    longestName = Math.max(longestName, entry.module.length, entry.name.length);
  }
  const classNames = unique(spec.globals.filter((g) => g.kind === 'class').map((g) => g.name));
  const recordNames = unique(spec.globals.filter((g) => g.kind === 'record').map((g) => g.name));
  const objects = `${classNames.join(' / ')} objects`;
  const rebuilds =
    recordNames.length > 0 ? `${recordNames.join(' / ')} records and ${objects}` : objects;
  return {
    ...spec,
    allowed: (module, name) =>
      module.length > longestName || name.length > longestName
        ? undefined
        : byName.get(`${module} ${name}`),
    allowedNames: spec.globals.map((g) => `${g.module}.${g.name}`),
    objects,
    rebuilds,
    longestName,
  };
}

export class PyList {
  /** How deep the values inside nest, itself included (the reader's depth budget). */
  depth = 1;
  /** Set once a reader has taken this list for something that may use it only once. */
  claimed = false;
  constructor(
    readonly items: PickleValue[],
    readonly offset: number,
  ) {}
}

export class PyTuple {
  /** How deep the values inside nest, itself included (the reader's depth budget). */
  depth = 1;
  constructor(
    readonly items: readonly PickleValue[],
    readonly offset: number,
  ) {}
}

/** A dict as its pickled key/value pairs, alternating, in pickle order. */
export class PyDict {
  /** How deep the values inside nest, itself included (the reader's depth budget). */
  depth = 1;
  /** Set once the dict has become an object's state (each dict may serve once). */
  claimed = false;
  constructor(
    readonly flat: PickleValue[],
    readonly offset: number,
  ) {}
}

export class PySet {
  /** How deep the values inside nest, itself included (the reader's depth budget). */
  depth = 1;
  constructor(
    readonly items: PickleValue[],
    readonly frozen: boolean,
    readonly offset: number,
  ) {}
}

/** An allowed global: a name, never the thing itself. */
export class PyGlobal {
  readonly role: string;
  constructor(
    readonly module: string,
    readonly name: string,
    readonly entry: AllowedGlobal,
    readonly offset: number,
  ) {
    this.role = entry.role ?? entry.name;
  }
}

/**
 * An instance of an allowed `class`: its class, the attributes BUILD gave it (once) and,
 * for a dict subclass, the items SETITEM(S) gave it (keys and values alternating).
 */
export class PyObject {
  /** How deep the values inside nest, itself included (the reader's depth budget). */
  depth = 1;
  readonly attributes = new Map<string, PickleValue>();
  readonly items: PickleValue[] = [];
  built = false;
  /** Set once a reader has taken this object for something that may use it only once. */
  claimed = false;
  constructor(
    readonly cls: PyGlobal,
    readonly offset: number,
  ) {}
}

/** What a reader's `reduce` hook makes of a record global: its own record type. */
export abstract class PyRecord {
  /** How deep the values inside nest, itself included (the reader's depth budget). */
  depth = 1;
  /** Set once a reader has taken this record for something that may use it only once. */
  claimed = false;
  constructor(readonly offset: number) {}
  /** What the build hook calls it (`entry`). */
  abstract get kind(): string;
  /** How messages describe it (`a _lsprof.profiler_entry record`). */
  abstract describe(): string;
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | PyRecord;

/** A short description of a value for messages (never looks inside containers). */
export function describeValue(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  switch (typeof value) {
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
      return Number.isInteger(value) ? `the integer ${value}` : `the float ${value}`;
    case 'bigint':
      return `the integer ${value}`;
    case 'string':
      return `the string "${printable(value)}"`;
  }
  if (value instanceof PyList) return `a list of ${value.items.length} items`;
  if (value instanceof PyTuple) return `a tuple of ${value.items.length} items`;
  if (value instanceof PyDict) return `a dict of ${value.flat.length / 2} items`;
  if (value instanceof PySet) return `a ${value.frozen ? 'frozenset' : 'set'}`;
  if (value instanceof PyGlobal) return `the global ${printable(`${value.module}.${value.name}`)}`;
  if (value instanceof PyObject)
    return `a ${printable(`${value.cls.module}.${value.cls.name}`)} object`;
  return value.describe();
}
