/**
 * A pickle reader that is not an unpickler. A pickle is a program; this module runs it in
 * two passes over the same stack machine (machine.ts):
 *
 * 1. `scanPickle` builds nothing. It follows the stack with placeholders (keeping only
 *    where strings are, so STACK_GLOBAL's module and name can be found whether they were
 *    pushed or fetched from the memo) and collects every global the pickle names. The
 *    first one outside the dialect's allow-list refuses the file with `UNSAFE_INPUT`. It
 *    also proves the opcode stream well formed (lengths, marks, memo, STOP).
 * 2. `buildPickle` — only after the scan passed — builds plain data (values.ts). Allowed
 *    globals become inert markers; NEWOBJ / INST / OBJ / `_reconstructor` on a `class`
 *    make an empty `PyObject` that BUILD (and SETITEMS, for a dict subclass) fills; REDUCE
 *    on a `record` global is handed to the reader's `reduce` hook; every other use of a
 *    global is refused. Memo references share one object (never a copy), so a memo
 *    "DAG bomb" costs what its bytes cost.
 *
 * `loadPickle` runs both. `onBuild` (or `objectsBuilt` in the result) counts every value
 * the build pass makes, which is how tests show that a refused pickle had nothing built.
 */
import { malformed, unsafeInput } from '@pyprof/core';
import { decodeFloatText, decodeIntBytes, decodeIntText, decodeString } from './decode.js';
import { Budget, COST, overBudget, type PickleLimits, resolveLimits } from './limits.js';
import {
  type IndexSet,
  MAX_NAME_BYTES,
  type PickleSemantics,
  printable,
  runMachine,
  type StringEncoding,
} from './machine.js';
import {
  describeValue,
  type PickleDialect,
  type PickleValue,
  PyDict,
  PyGlobal,
  PyList,
  PyObject,
  type PyRecord,
  PySet,
  PyTuple,
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
  /** REDUCE opcodes: at most this many records (a reader may size its tables so). */
  reduceCount: number;
  /** Estimated heap bytes the scan charged to the budget (limits.ts). */
  budgetSpent: number;
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

  constructor(
    readonly bytes: Uint8Array,
    readonly dialect: PickleDialect,
    readonly budget: Budget,
  ) {}

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
    this.budget.charge(COST.scannedString, offset);
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
    this.budget.charge(COST.global, offset);
    this.globals.push([module, name]);
    const dialect = this.dialect;
    if (dialect.allowed(module, name) === undefined) {
      throw unsafeInput(
        dialect.format,
        { offset },
        `forbidden global ${printable(`${module}.${name}`)} at offset ${offset}: ${dialect.noun} names only ${dialect.classes} (${dialect.allowedNames.join(', ')}); the file was refused before anything was built, nothing was run`,
      );
    }
    return OTHER;
  }
  stackGlobal(module: number, name: number, offset: number): number {
    if (module < 0 || name < 0) {
      throw malformed(
        this.dialect.format,
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
    const end = Math.min(this.#end[k] as number, start + MAX_NAME_BYTES);
    return decodeString(
      this.#encoding[k] as StringEncoding,
      this.bytes,
      start,
      end,
      this.#offset[k] as number,
      this.dialect.format,
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
export function scanPickle(
  bytes: Uint8Array,
  dialect: PickleDialect,
  options: { limits?: Partial<PickleLimits> } = {},
): PickleScan {
  const limits = resolveLimits(options.limits);
  const budget = new Budget(dialect.format, bytes.length, limits);
  const scan = new Scan(bytes, dialect, budget);
  const result = runMachine(bytes, scan, {
    format: dialect.format,
    noun: dialect.noun,
    limits,
    budget,
  });
  return {
    budgetSpent: budget.spent,
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

/**
 * What a reader makes of REDUCE on one of its `record` globals: a record, or a refusal
 * (a thrown `ProfileError`). `args` is whatever the pickle put there, unchecked.
 */
export type ReduceHook = (callable: PyGlobal, args: PickleValue, offset: number) => PyRecord;

export interface BuildOptions {
  /** Called for each value the build pass makes (never called for a refused pickle). */
  onBuild?: BuildHook;
  /** Makes the records of the dialect's `record` globals; without it, REDUCE on them is refused. */
  reduce?: ReduceHook;
  /** Budgets beyond the defaults (limits.ts). */
  limits?: Partial<PickleLimits>;
}

/** How deep a value nests: containers, objects and records carry it, the rest is 0. */
function depthOf(value: PickleValue | undefined): number {
  return typeof value === 'object' && value !== null && !(value instanceof PyGlobal)
    ? value.depth
    : 0;
}

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

/** Estimated heap bytes of a number: integers of 32 bits are stored in place. */
function numberCost(value: number | bigint | boolean, bytes: number): number {
  if (typeof value === 'bigint') return COST.bigint + COST.stringByte * bytes;
  if (typeof value === 'boolean' || (value | 0) === value) return 0;
  return COST.number;
}

/** Pass 2: plain data, objects and records for the allowed globals, nothing else. */
class Build implements PickleSemantics<PickleValue> {
  built = 0;
  readonly #format: string;
  readonly #maxDepth: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly dialect: PickleDialect,
    readonly options: BuildOptions,
    readonly budget: Budget,
  ) {
    this.#format = dialect.format;
    this.#maxDepth = budget.limits.maxDepth;
  }

  #refuse(offset: number, message: string): never {
    throw malformed(this.#format, { offset }, message);
  }

  /** Counts and charges a value made at `offset`. */
  #made<T extends PickleValue>(kind: string, offset: number, value: T, cost: number): T {
    this.budget.charge(cost, offset);
    this.built++;
    this.options.onBuild?.(kind, offset);
    return value;
  }

  /** The depth of a container holding `items` (at least `depth`), within the cap. */
  #nest(depth: number, items: readonly PickleValue[], offset: number): number {
    let deepest = depth - 1;
    for (const item of items) {
      const d = depthOf(item);
      if (d > deepest) deepest = d;
    }
    if (deepest + 1 > this.#maxDepth) {
      throw overBudget(
        this.#format,
        offset,
        `values nested deeper than ${this.#maxDepth} levels (a profile pickle nests under 10)`,
      );
    }
    return deepest + 1;
  }

  /** Charges `count` more items put into `into` (the first ones grow an empty array). */
  #items(into: readonly PickleValue[], count: number, offset: number): void {
    this.budget.charge(COST.item * count + (into.length === 0 ? COST.firstSlots : 0), offset);
  }

  none(offset: number): PickleValue {
    return this.#made('None', offset, null, 0);
  }
  bool(value: boolean, offset: number): PickleValue {
    return this.#made('bool', offset, value, 0);
  }
  int(value: number, offset: number): PickleValue {
    return this.#made('int', offset, value, 0);
  }
  intText(start: number, end: number, long: boolean, offset: number): PickleValue {
    const value = decodeIntText(this.bytes, start, end, long, offset, this.#format);
    return this.#made('int', offset, value, numberCost(value, end - start));
  }
  intBytes(start: number, end: number, offset: number): PickleValue {
    const value = decodeIntBytes(this.bytes, start, end, offset, this.#format);
    return this.#made('int', offset, value, numberCost(value, end - start));
  }
  float(value: number, offset: number): PickleValue {
    return this.#made('float', offset, value, COST.number);
  }
  floatText(start: number, end: number, offset: number): PickleValue {
    const value = decodeFloatText(this.bytes, start, end, offset, this.#format);
    return this.#made('float', offset, value, COST.number);
  }
  string(encoding: StringEncoding, start: number, end: number, offset: number): PickleValue {
    // Charged before decoding at two bytes per byte (a decoded string has at most one
    // character per byte), then the one-byte part refunded for a string that kept its
    // length (ASCII: V8 stores it one byte per character).
    const bytes = end - start;
    this.budget.charge(COST.string + COST.stringByte * bytes, offset);
    const value = decodeString(encoding, this.bytes, start, end, offset, this.#format);
    if (value.length === bytes && isAscii(this.bytes, start, end)) this.budget.spent -= bytes;
    return this.#made('str', offset, value, 0);
  }
  #container<T extends PyList | PyTuple | PyDict | PySet>(
    kind: string,
    value: T,
    items: readonly PickleValue[],
    offset: number,
  ): T {
    value.depth = this.#nest(1, items, offset);
    return this.#made(kind, offset, value, COST.container + COST.item * items.length);
  }
  list(items: PickleValue[], offset: number): PickleValue {
    return this.#container('list', new PyList(items, offset), items, offset);
  }
  tuple(items: PickleValue[], offset: number): PickleValue {
    return this.#container('tuple', new PyTuple(items, offset), items, offset);
  }
  dict(flat: PickleValue[], offset: number): PickleValue {
    return this.#container('dict', new PyDict(flat, offset), flat, offset);
  }
  set(items: PickleValue[], frozen: boolean, offset: number): PickleValue {
    const kind = frozen ? 'frozenset' : 'set';
    return this.#container(kind, new PySet(items, frozen, offset), items, offset);
  }
  append(target: PickleValue, items: PickleValue[], offset: number): void {
    if (!(target instanceof PyList))
      this.#refuse(offset, `APPEND to ${describeValue(target)}: only lists are appended to`);
    target.depth = this.#nest(target.depth, items, offset);
    this.#items(target.items, items.length, offset);
    for (const item of items) target.items.push(item);
  }
  setItems(target: PickleValue, flat: PickleValue[], offset: number): void {
    const into =
      target instanceof PyDict
        ? target.flat
        : target instanceof PyObject && target.cls.entry.dictItems
          ? target.items
          : undefined;
    if (into === undefined)
      this.#refuse(offset, `SETITEM on ${describeValue(target)}: only dicts take items`);
    (target as PyDict | PyObject).depth = this.#nest(
      (target as PyDict | PyObject).depth,
      flat,
      offset,
    );
    this.#items(into, flat.length, offset);
    for (const item of flat) into.push(item);
  }
  addItems(target: PickleValue, items: PickleValue[], offset: number): void {
    if (!(target instanceof PySet) || target.frozen)
      this.#refuse(offset, `ADDITEMS to ${describeValue(target)}: only sets take items`);
    target.depth = this.#nest(target.depth, items, offset);
    this.#items(target.items, items.length, offset);
    for (const item of items) target.items.push(item);
  }
  global(module: string, name: string, offset: number): PickleValue {
    const entry = this.dialect.allowed(module, name);
    // Unreachable after the scan; kept so this pass is safe on its own too.
    if (entry === undefined) {
      throw unsafeInput(
        this.#format,
        { offset },
        `forbidden global ${printable(`${module}.${name}`)}`,
      );
    }
    return this.#made('global', offset, new PyGlobal(module, name, entry, offset), COST.container);
  }
  stackGlobal(module: PickleValue, name: PickleValue, offset: number): PickleValue {
    if (typeof module !== 'string' || typeof name !== 'string') {
      this.#refuse(
        offset,
        'STACK_GLOBAL needs a module name and a name (two strings) on the stack',
      );
    }
    return this.global(module, name, offset);
  }
  reduce(callable: PickleValue, args: PickleValue, offset: number): PickleValue {
    if (callable instanceof PyGlobal) {
      const kind = callable.entry.kind;
      if (kind === 'record' && this.options.reduce !== undefined) {
        const record = this.options.reduce(callable, args, offset);
        record.depth = this.#nest(1, [args], offset);
        return this.#made(record.kind, offset, record, COST.record);
      }
      if (kind === 'reconstructor') return this.#reconstruct(args, offset);
    }
    return this.#refuse(
      offset,
      `REDUCE of ${describeValue(callable)} with ${describeValue(args)}: ${this.dialect.noun} only rebuilds ${this.dialect.rebuilds}`,
    );
  }
  /** `copyreg._reconstructor(cls, object, None)`: an empty instance (protocols 0 and 1). */
  #reconstruct(args: PickleValue, offset: number): PickleValue {
    const [cls, base, state] = args instanceof PyTuple ? args.items : [];
    if (
      !(args instanceof PyTuple) ||
      args.items.length !== 3 ||
      !(cls instanceof PyGlobal) ||
      cls.entry.kind !== 'class' ||
      !(base instanceof PyGlobal) ||
      base.entry.kind !== 'object' ||
      state !== null
    ) {
      const example = this.dialect.globals.find((g) => g.kind === 'class')?.name ?? 'cls';
      this.#refuse(
        offset,
        `copyreg._reconstructor with ${describeValue(args)}: ${this.dialect.noun} only rebuilds ${this.dialect.objects} this way, as _reconstructor(${example}, object, None)`,
      );
    }
    return this.#object(cls, offset);
  }
  #object(cls: PyGlobal, offset: number): PyObject {
    return this.#made(cls.name, offset, new PyObject(cls, offset), COST.object);
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
      cls.entry.kind === 'class' &&
      args instanceof PyTuple &&
      args.items.length === 0 &&
      noKeywords
    ) {
      return this.#object(cls, offset);
    }
    return this.#refuse(
      offset,
      `NEWOBJ of ${describeValue(cls)} with ${describeValue(args)}: ${this.dialect.noun} only creates empty ${this.dialect.objects} this way`,
    );
  }
  instantiate(cls: PickleValue, args: PickleValue[], offset: number): PickleValue {
    if (cls instanceof PyGlobal && cls.entry.kind === 'class' && args.length === 0)
      return this.#object(cls, offset);
    return this.#refuse(
      offset,
      `instantiating ${describeValue(cls)} with ${args.length} arguments: ${this.dialect.noun} only creates empty ${this.dialect.objects} this way`,
    );
  }
  build(target: PickleValue, state: PickleValue, offset: number): void {
    if (!(target instanceof PyObject)) {
      this.#refuse(
        offset,
        `BUILD on ${describeValue(target)}: only ${this.dialect.objects} get a state`,
      );
    }
    const name = printable(target.cls.name);
    // Once per object, and each state dict for one object only: its items are read here,
    // so a shared state cannot make the reader go over the same items again and again.
    if (target.built) this.#refuse(offset, `a second BUILD on one ${name} object`);
    target.built = true;
    target.depth = this.#nest(target.depth, [state], offset);
    // A state is a dict, or (dict or None, slot dict or None).
    const parts =
      state instanceof PyTuple && state.items.length === 2 ? state.items : ([state] as const);
    for (const part of parts) {
      if (part === null && parts.length === 2) continue;
      if (!(part instanceof PyDict)) {
        this.#refuse(
          offset,
          `the state of a ${name} object must be a dict, found ${describeValue(part)}`,
        );
      }
      if (part.claimed) this.#refuse(offset, `one dict is the state of two ${name} objects`);
      part.claimed = true;
      this.budget.charge((COST.attribute * part.flat.length) / 2, offset);
      for (let k = 0; k < part.flat.length; k += 2) {
        const key = part.flat[k] as PickleValue;
        if (typeof key === 'string') target.attributes.set(key, part.flat[k + 1] as PickleValue);
      }
    }
  }
}

/**
 * Pass 2, after `scanPickle` passed on the same bytes (with the same limits): the budget
 * goes on from what the scan charged.
 */
export function buildPickle(
  bytes: Uint8Array,
  dialect: PickleDialect,
  scan: PickleScan,
  options: BuildOptions = {},
): { value: PickleValue; objectsBuilt: number; budgetSpent: number } {
  const limits = resolveLimits(options.limits);
  const budget = new Budget(dialect.format, bytes.length, limits);
  budget.spent = scan.budgetSpent;
  const build = new Build(bytes, dialect, options, budget);
  const result = runMachine(bytes, build, {
    format: dialect.format,
    noun: dialect.noun,
    keep: scan.fetched,
    limits,
    budget,
  });
  return { value: result.value, objectsBuilt: build.built, budgetSpent: budget.spent };
}

export interface LoadedPickle {
  value: PickleValue;
  scan: PickleScan;
  /** How many values the build pass made. */
  objectsBuilt: number;
  /** Estimated heap bytes both passes charged to the budget (limits.ts). */
  budgetSpent: number;
}

/** Both passes: refuses a pickle naming a foreign global before building anything. */
export function loadPickle(
  bytes: Uint8Array,
  dialect: PickleDialect,
  options: BuildOptions = {},
): LoadedPickle {
  const scan = scanPickle(bytes, dialect, options.limits ? { limits: options.limits } : {});
  return { ...buildPickle(bytes, dialect, scan, options), scan };
}
