/**
 * A pickle reader for lsprof files that is not an unpickler. A pickle is a program; this
 * module runs it in two passes over the same stack machine (machine.ts):
 *
 * 1. `scanPickle` builds nothing. It follows the stack with placeholders (keeping only
 *    where strings are, so STACK_GLOBAL's module and name can be found whether they were
 *    pushed or fetched from the memo) and collects every global the pickle names. The
 *    first one outside the allow-list (values.ts) refuses the file with `UNSAFE_INPUT`.
 *    It also proves the opcode stream well formed (lengths, marks, memo, STOP).
 * 2. `loadPickle` — only after the scan passed — builds plain data (values.ts). Allowed
 *    globals become inert markers; REDUCE / NEWOBJ / INST / OBJ / BUILD on them produce
 *    `Stats` and `profiler_entry` / `profiler_subentry` records and nothing else; every
 *    other use of a global is refused. Memo references share one object (never a copy), so
 *    a memo "DAG bomb" costs what its bytes cost.
 *
 * `onBuild` (or `objectsBuilt` in the result) counts every value the build pass makes,
 * which is how the tests show that a refused pickle had nothing built at all.
 */
import { malformed, unsafeInput } from '@pyprof/core';
import {
  FORMAT,
  type IndexSet,
  type PickleSemantics,
  printable,
  runMachine,
  type StringEncoding,
} from './machine.js';
import {
  ALLOWED_GLOBALS,
  allowedGlobal,
  decodeFloatText,
  decodeIntBytes,
  decodeIntText,
  decodeString,
  describeValue,
  MAX_GLOBAL_NAME,
  type PickleValue,
  PyDict,
  PyGlobal,
  PyList,
  PySet,
  PyTuple,
  RecordTable,
  StatsObject,
  StructSeq,
} from './values.js';

export interface PickleScan {
  /** The PROTO argument; null for protocols 0 and 1. */
  protocol: number | null;
  /** Every global named, in order, as `[module, name]` (GLOBAL, STACK_GLOBAL, INST). */
  globals: ReadonlyArray<readonly [string, string]>;
  opcodeCount: number;
  /** Offset just after STOP (anything after it is not part of the pickle). */
  end: number;
  /** The memo indices the pickle fetches (the build pass keeps only these). */
  fetched: IndexSet;
  /** Text strings (Python 3 `str`, Python 2 `unicode`) pushed. */
  unicodeStrings: number;
  /** Byte strings (Python 2 `str`, Python 3 `bytes`) pushed. */
  byteStrings: number;
  /** REDUCE opcodes: at most this many records (the build pass sizes its table so). */
  reduceCount: number;
}

const OTHER = -1;

/** Pass 1: placeholders for values; string positions kept for STACK_GLOBAL. */
class Scan implements PickleSemantics<number> {
  readonly placeholder = OTHER;
  readonly globals: Array<readonly [string, string]> = [];
  unicodeStrings = 0;
  byteStrings = 0;
  reduces = 0;
  // Where each pushed string is (parallel columns: no object per string).
  readonly #encoding: StringEncoding[] = [];
  readonly #start: number[] = [];
  readonly #end: number[] = [];
  readonly #offset: number[] = [];

  constructor(readonly bytes: Uint8Array) {}

  none(): number {
    return OTHER;
  }
  bool(): number {
    return OTHER;
  }
  int(): number {
    return OTHER;
  }
  intText(): number {
    return OTHER;
  }
  intBytes(): number {
    return OTHER;
  }
  float(): number {
    return OTHER;
  }
  floatText(): number {
    return OTHER;
  }
  string(encoding: StringEncoding, start: number, end: number, offset: number): number {
    if (encoding === 'utf-8' || encoding === 'raw-unicode-escape') this.unicodeStrings++;
    else this.byteStrings++;
    this.#encoding.push(encoding);
    this.#start.push(start);
    this.#end.push(end);
    return this.#offset.push(offset) - 1;
  }
  list(): number {
    return OTHER;
  }
  tuple(): number {
    return OTHER;
  }
  dict(): number {
    return OTHER;
  }
  set(): number {
    return OTHER;
  }
  append(): void {}
  setItems(): void {}
  addItems(): void {}
  global(module: string, name: string, offset: number): number {
    this.globals.push([module, name]);
    if (allowedGlobal(module, name) === undefined) {
      throw unsafeInput(
        FORMAT,
        { offset },
        `forbidden global ${printable(`${module}.${name}`)} at offset ${offset}: an lsprof pickle names only the lsprof classes (${ALLOWED_GLOBALS.join(', ')}); the file was refused before anything was built, nothing was run`,
      );
    }
    return OTHER;
  }
  stackGlobal(module: number, name: number, offset: number): number {
    if (module < 0 || name < 0) {
      throw malformed(
        FORMAT,
        { offset },
        'STACK_GLOBAL needs a module name and a name (two strings) on the stack',
      );
    }
    return this.global(this.#text(module), this.#text(name), offset);
  }
  /**
   * A pushed string, decoded up to what a global's name can be: a long memoised string
   * fetched again and again must not cost its length each time (it is refused anyway).
   */
  #text(k: number): string {
    const start = this.#start[k] as number;
    const end = Math.min(this.#end[k] as number, start + 4 * MAX_GLOBAL_NAME);
    return decodeString(
      this.#encoding[k] as StringEncoding,
      this.bytes,
      start,
      end,
      this.#offset[k] as number,
    );
  }
  reduce(): number {
    this.reduces++;
    return OTHER;
  }
  newObject(): number {
    return OTHER;
  }
  instantiate(): number {
    return OTHER;
  }
  build(): void {}
}

/** Pass 1 on its own: the globals a pickle names, refusing a forbidden one. */
export function scanPickle(bytes: Uint8Array): PickleScan {
  const scan = new Scan(bytes);
  const result = runMachine(bytes, scan);
  return {
    protocol: result.protocol,
    globals: scan.globals,
    opcodeCount: result.opcodeCount,
    end: result.end,
    fetched: result.fetched,
    unicodeStrings: scan.unicodeStrings,
    byteStrings: scan.byteStrings,
    reduceCount: scan.reduces,
  };
}

/** Called for every value the build pass makes, with what it is and where. */
export type BuildHook = (kind: string, offset: number) => void;

function refuse(offset: number, message: string): never {
  throw malformed(FORMAT, { offset }, message);
}

/** Pass 2: plain data, records for the allowed classes, nothing else. */
class Build implements PickleSemantics<PickleValue> {
  built = 0;
  readonly records: RecordTable;

  constructor(
    readonly bytes: Uint8Array,
    readonly hook: BuildHook | undefined,
    records: number,
  ) {
    this.records = new RecordTable(records);
  }

  #made<T extends PickleValue>(kind: string, offset: number, value: T): T {
    this.built++;
    this.hook?.(kind, offset);
    return value;
  }

  none(offset: number): PickleValue {
    return this.#made('None', offset, null);
  }
  bool(value: boolean, offset: number): PickleValue {
    return this.#made('bool', offset, value);
  }
  int(value: number, offset: number): PickleValue {
    return this.#made('int', offset, value);
  }
  intText(start: number, end: number, long: boolean, offset: number): PickleValue {
    return this.#made('int', offset, decodeIntText(this.bytes, start, end, long, offset));
  }
  intBytes(start: number, end: number, offset: number): PickleValue {
    return this.#made('int', offset, decodeIntBytes(this.bytes, start, end, offset));
  }
  float(value: number, offset: number): PickleValue {
    return this.#made('float', offset, value);
  }
  floatText(start: number, end: number, offset: number): PickleValue {
    return this.#made('float', offset, decodeFloatText(this.bytes, start, end, offset));
  }
  string(encoding: StringEncoding, start: number, end: number, offset: number): PickleValue {
    return this.#made('str', offset, decodeString(encoding, this.bytes, start, end, offset));
  }
  list(items: PickleValue[], offset: number): PickleValue {
    return this.#made('list', offset, new PyList(items, offset));
  }
  tuple(items: PickleValue[], offset: number): PickleValue {
    return this.#made('tuple', offset, new PyTuple(items, offset));
  }
  dict(flat: PickleValue[], offset: number): PickleValue {
    return this.#made('dict', offset, new PyDict(flat, offset));
  }
  set(items: PickleValue[], frozen: boolean, offset: number): PickleValue {
    return this.#made(frozen ? 'frozenset' : 'set', offset, new PySet(items, frozen, offset));
  }
  append(target: PickleValue, items: PickleValue[], offset: number): void {
    if (!(target instanceof PyList))
      refuse(offset, `APPEND to ${describeValue(target)}: only lists are appended to`);
    for (const item of items) target.items.push(item);
  }
  setItems(target: PickleValue, flat: PickleValue[], offset: number): void {
    if (!(target instanceof PyDict))
      refuse(offset, `SETITEM on ${describeValue(target)}: only dicts take items`);
    for (const item of flat) target.flat.push(item);
  }
  addItems(target: PickleValue, items: PickleValue[], offset: number): void {
    if (!(target instanceof PySet) || target.frozen)
      refuse(offset, `ADDITEMS to ${describeValue(target)}: only sets take items`);
    for (const item of items) target.items.push(item);
  }
  global(module: string, name: string, offset: number): PickleValue {
    const role = allowedGlobal(module, name);
    // Unreachable after the scan; kept so this pass is safe on its own too.
    if (role === undefined)
      throw unsafeInput(FORMAT, { offset }, `forbidden global ${printable(`${module}.${name}`)}`);
    return this.#made('global', offset, new PyGlobal(module, name, role, offset));
  }
  stackGlobal(module: PickleValue, name: PickleValue, offset: number): PickleValue {
    if (typeof module !== 'string' || typeof name !== 'string')
      refuse(offset, 'STACK_GLOBAL needs a module name and a name (two strings) on the stack');
    return this.global(module, name, offset);
  }
  reduce(callable: PickleValue, args: PickleValue, offset: number): PickleValue {
    if (callable instanceof PyGlobal) {
      if (callable.role === 'entry' || callable.role === 'subentry')
        return this.#record(callable.role, args, offset);
      if (callable.role === 'reconstructor') return this.#reconstruct(args, offset);
    }
    return refuse(
      offset,
      `REDUCE of ${describeValue(callable)} with ${describeValue(args)}: an lsprof pickle only rebuilds profiler_entry / profiler_subentry records and Stats objects`,
    );
  }
  /** `profiler_entry(seq, {})` / `profiler_subentry(seq, {})`: the record of `seq`. */
  #record(role: 'entry' | 'subentry', args: PickleValue, offset: number): PickleValue {
    const fields = role === 'entry' ? 6 : 5;
    if (!(args instanceof PyTuple) || args.items.length < 1 || args.items.length > 2) {
      refuse(
        offset,
        `_lsprof.profiler_${role} needs (fields, dict) arguments, found ${describeValue(args)}`,
      );
    }
    const seq = args.items[0];
    const extra = args.items[1];
    if (!(seq instanceof PyTuple || seq instanceof PyList) || seq.items.length !== fields) {
      refuse(
        offset,
        `_lsprof.profiler_${role} needs ${fields} fields, found ${describeValue(seq)}`,
      );
    }
    if (extra !== undefined && extra !== null && !(extra instanceof PyDict)) {
      refuse(
        offset,
        `_lsprof.profiler_${role} takes a dict as its second argument, found ${describeValue(extra)}`,
      );
    }
    const row = this.records.add(role, seq.items, offset);
    return this.#made(role, offset, new StructSeq(role, row, offset));
  }
  /** `copyreg._reconstructor(Stats, object, None)`: an empty Stats (protocols 0 and 1). */
  #reconstruct(args: PickleValue, offset: number): PickleValue {
    const [cls, base, state] = args instanceof PyTuple ? args.items : [];
    if (
      !(args instanceof PyTuple) ||
      args.items.length !== 3 ||
      !(cls instanceof PyGlobal) ||
      cls.role !== 'stats' ||
      !(base instanceof PyGlobal) ||
      base.role !== 'object' ||
      state !== null
    ) {
      refuse(
        offset,
        `copyreg._reconstructor with ${describeValue(args)}: an lsprof pickle only rebuilds a Stats object this way, as _reconstructor(Stats, object, None)`,
      );
    }
    return this.#made('Stats', offset, new StatsObject(cls, offset));
  }
  newObject(
    cls: PickleValue,
    args: PickleValue,
    keywords: PickleValue | undefined,
    offset: number,
  ): PickleValue {
    const noKeywords =
      keywords === undefined || (keywords instanceof PyDict && keywords.flat.length === 0);
    if (
      cls instanceof PyGlobal &&
      cls.role === 'stats' &&
      args instanceof PyTuple &&
      args.items.length === 0 &&
      noKeywords
    ) {
      return this.#made('Stats', offset, new StatsObject(cls, offset));
    }
    return refuse(
      offset,
      `NEWOBJ of ${describeValue(cls)} with ${describeValue(args)}: an lsprof pickle only creates empty Stats objects this way`,
    );
  }
  instantiate(cls: PickleValue, args: PickleValue[], offset: number): PickleValue {
    if (cls instanceof PyGlobal && cls.role === 'stats' && args.length === 0)
      return this.#made('Stats', offset, new StatsObject(cls, offset));
    return refuse(
      offset,
      `instantiating ${describeValue(cls)} with ${args.length} arguments: an lsprof pickle only creates empty Stats objects this way`,
    );
  }
  build(target: PickleValue, state: PickleValue, offset: number): void {
    if (!(target instanceof StatsObject))
      refuse(offset, `BUILD on ${describeValue(target)}: only Stats objects get a state`);
    // Once per Stats, and each state dict for one Stats only: its items are read here, so
    // a shared state cannot make the reader go over the same items again and again.
    if (target.built) refuse(offset, 'a second BUILD on one Stats object');
    target.built = true;
    // A state is a dict, or (dict or None, slot dict or None).
    const parts =
      state instanceof PyTuple && state.items.length === 2 ? state.items : ([state] as const);
    for (const part of parts) {
      if (part === null && parts.length === 2) continue;
      if (!(part instanceof PyDict))
        refuse(offset, `the state of a Stats object must be a dict, found ${describeValue(part)}`);
      if (part.claimed) refuse(offset, 'one dict is the state of two Stats objects');
      part.claimed = true;
      for (let k = 0; k < part.flat.length; k += 2) {
        const key = part.flat[k] as PickleValue;
        if (typeof key === 'string') target.attributes.set(key, part.flat[k + 1] as PickleValue);
      }
    }
  }
}

export interface LoadOptions {
  /** Called for each value the build pass makes (never called for a refused pickle). */
  onBuild?: BuildHook;
}

export interface LoadedPickle {
  value: PickleValue;
  scan: PickleScan;
  /** How many values the build pass made. */
  objectsBuilt: number;
  /** The fields of the `StructSeq` records in `value`, by row. */
  records: RecordTable;
}

/** Both passes: refuses a pickle naming a foreign global before building anything. */
export function loadPickle(bytes: Uint8Array, options: LoadOptions = {}): LoadedPickle {
  const scan = scanPickle(bytes);
  const build = new Build(bytes, options.onBuild, scan.reduceCount);
  const result = runMachine(bytes, build, { keep: scan.fetched });
  return { value: result.value, scan, objectsBuilt: build.built, records: build.records };
}
