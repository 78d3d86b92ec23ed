/**
 * yappi `.ystat` files → ProfileSet. The file is `pickle.dump((stats, clock_type), f, 2)`
 * of a `YFuncStats` (specs/yappi.md):
 *
 *   YFuncStats { _as_list: [YFuncStat…], _additional_indexing: {index: YFuncStat, full_name: …} }
 *   YFuncStat  { name, module, lineno, ncall, nactualcall, builtin, ttot, tsub, index,
 *                children: YChildFuncStats { _as_list: [YChildFuncStat…] }, ctx_id, ctx_name, full_name }
 *
 * read with @pyprof/pickle's safe reader and exactly yappi's four classes as allow-list.
 * The BUILD attributes are read (their names never changed; the dict positions did).
 *
 * Threads. `get_func_stats()` — what users save — merges the entries of all threads
 * (contexts): `_as_list` holds one entry per function with the sums, labelled with the
 * context of its first entry. The entries of the other contexts survive unmerged in
 * `_additional_indexing` (under their own index), with their own numbers and their callees
 * as raw `(index, ncall, nactualcall, ttot, tsub)` tuples. So each context's numbers are
 * there: the others' as they are, the first's as the merged sum minus the others'. Times
 * are yappi's clock ticks × its tick (1 µs for the wall clock, 1 ns for the CPU clock on
 * Linux), so the subtraction is rounded to the tick found in the file's own times, which
 * gives back yappi's per-thread numbers exactly. Each context becomes a part (`thread
 * <id> (<class of the thread>)`, in id order), and the whole is the merged view exactly as
 * yappi saved it — `get_func_stats()`'s numbers.
 *
 * Functions: (file, first line, name) = (`module`, `lineno`, `name`) as yappi recorded them
 * — `name` is `Class.method` when the first parameter is `self`; built-ins are
 * (`builtins`, 0, `len`). Numbers: calls = `ncall`, primitive calls = `nactualcall`, self
 * = `tsub`, inclusive = `ttot` (seconds); each child is the caller→callee edge with the
 * same four, resolved by the callee's full name (its index may point to an entry merged
 * away).
 *
 * Lossy or lenient points, each with a warning code: a callee no entry of the same context
 * describes is kept as a function with no numbers (`dangling-child`, info); a raw child
 * whose index names no entry is dropped, as yappi drops it (`unresolved-child`, info);
 * when no tick fits the file's times, the first context's times are the plain float
 * difference, exact to the last digits only (`thread-times-rounded`); bytes after the
 * pickle's STOP are ignored (`trailing-data`).
 *
 * Every entry, list and children object may serve once (a memo reference that shares one
 * is refused), so the work is proportional to the file.
 */
import {
  type MetadataInput,
  makeProfileSet,
  malformed,
  type Profile,
  ProfileBuilder,
  type ProfileSet,
  type ReadContext,
} from '@pyprof/core';
import {
  describeValue,
  loadPickle,
  type PickleValue,
  PyDict,
  PyList,
  PyObject,
  PyTuple,
  pickleDialect,
} from '@pyprof/pickle';

export const FORMAT = 'yappi';

/** The allow-list: yappi's four classes, nothing else (yappi is a top-level module). */
export const YAPPI_DIALECT = pickleDialect({
  format: FORMAT,
  noun: 'a yappi pickle',
  classes: "yappi's stats classes",
  globals: [
    { module: 'yappi', name: 'YFuncStats', kind: 'class' },
    { module: 'yappi', name: 'YFuncStat', kind: 'class', dictItems: true },
    { module: 'yappi', name: 'YChildFuncStats', kind: 'class' },
    { module: 'yappi', name: 'YChildFuncStat', kind: 'class', dictItems: true },
  ],
});

/** The ticks yappi's clocks count in (µs: wall clock, getrusage; ns: CPU clock), coarsest first. */
const TICKS = [1e-6, 1e-7, 1e-8, 1e-9];

function refuse(offset: number, message: string): never {
  throw malformed(FORMAT, { offset }, message);
}

interface Numbers {
  ncall: number;
  nactualcall: number;
  ttot: number;
  tsub: number;
}

/** What makes a function: yappi's full name and the identity it is built from. */
interface Identity {
  fullName: string;
  name: string;
  module: string;
  lineno: number;
  builtin: boolean;
}

interface Entry extends Numbers, Identity {
  object: PyObject;
  /** The context id as an exact decimal string (ids are C `uintptr_t`s). */
  context: string;
  contextName: string | undefined;
  /** Callees by full name. */
  children: Map<string, Numbers>;
}

function classOf(value: PickleValue | undefined): string | undefined {
  return value instanceof PyObject ? value.cls.name : undefined;
}

/** Marks an object or list as used; a second use (a shared memo reference) is refused. */
function claim(value: PyObject | PyList, what: string): void {
  if (value.claimed)
    refuse(
      value.offset,
      `${what} built at offset ${value.offset} is used twice (a shared memo reference)`,
    );
  value.claimed = true;
}

function attribute(object: PyObject, name: string): PickleValue | undefined {
  return object.attributes.get(name);
}

function text(object: PyObject, name: string): string {
  const value = attribute(object, name);
  if (typeof value === 'string') return value;
  return refuse(
    object.offset,
    `${object.cls.name}.${name} must be a string, found ${describeValue(value)}`,
  );
}

/** A whole number ≥ 0 (Python 2 may write a bool). */
function count(value: PickleValue | undefined, what: string, at: number): number {
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  if (typeof n === 'bigint' && n >= 0n && n <= 2n ** 53n) return Number(n);
  return refuse(at, `${what} must be a whole number ≥ 0, found ${describeValue(value)}`);
}

function seconds(value: PickleValue | undefined, what: string, at: number): number {
  if (typeof value === 'number' && value >= 0 && value !== Infinity) return value;
  return refuse(at, `${what} must be a time ≥ 0 in seconds, found ${describeValue(value)}`);
}

/** A context id, exactly (`uintptr_t`: may pass 2^53). */
function contextId(value: PickleValue | undefined, at: number): string {
  if (
    (typeof value === 'number' && Number.isInteger(value) && value >= 0) ||
    typeof value === 'bigint'
  )
    return String(value);
  return refuse(at, `YFuncStat.ctx_id must be a whole number, found ${describeValue(value)}`);
}

function numbersOf(object: PyObject, what: string): Numbers {
  const at = object.offset;
  return {
    ncall: count(attribute(object, 'ncall'), `${what}.ncall`, at),
    nactualcall: count(attribute(object, 'nactualcall'), `${what}.nactualcall`, at),
    ttot: seconds(attribute(object, 'ttot'), `${what}.ttot`, at),
    tsub: seconds(attribute(object, 'tsub'), `${what}.tsub`, at),
  };
}

function addTo(into: Numbers, numbers: Numbers): void {
  into.ncall += numbers.ncall;
  into.nactualcall += numbers.nactualcall;
  into.ttot += numbers.ttot;
  into.tsub += numbers.tsub;
}

function add(into: Map<string, Numbers>, key: string, numbers: Numbers): void {
  const known = into.get(key);
  if (!known) into.set(key, { ...numbers });
  else addTo(known, numbers);
}

/** The items of a YChildFuncStats (or YFuncStats) object's `_as_list`. */
function listOf(object: PyObject, what: string): readonly PickleValue[] {
  const list = attribute(object, '_as_list');
  if (!(list instanceof PyList))
    refuse(object.offset, `${what}._as_list must be a list, found ${describeValue(list)}`);
  claim(list, `${what}._as_list`);
  return list.items;
}

/** A merged entry's callees: YChildFuncStat objects, by full name. */
function mergedChildren(entry: PyObject, what: string): Map<string, Numbers> {
  const children = new Map<string, Numbers>();
  const value = attribute(entry, 'children');
  if (value === undefined || value === null) return children;
  if (classOf(value) !== 'YChildFuncStats') {
    refuse(
      entry.offset,
      `${what}.children must be a YChildFuncStats, found ${describeValue(value)}`,
    );
  }
  const object = value as PyObject;
  claim(object, `the children of ${what}`);
  for (const child of listOf(object, `the children of ${what}`)) {
    if (classOf(child) !== 'YChildFuncStat') {
      refuse(
        object.offset,
        `the children of ${what} must be YChildFuncStat objects, found ${describeValue(child)}`,
      );
    }
    const c = child as PyObject;
    claim(c, 'a YChildFuncStat');
    add(children, text(c, 'full_name'), numbersOf(c, 'YChildFuncStat'));
  }
  return children;
}

/** A YFuncStat's own fields (not its children). */
function entryOf(object: PyObject): Omit<Entry, 'children'> {
  const at = object.offset;
  const fullName = text(object, 'full_name');
  const builtin = attribute(object, 'builtin');
  const contextName = attribute(object, 'ctx_name');
  return {
    object,
    fullName,
    name: text(object, 'name'),
    module: text(object, 'module'),
    lineno: Math.min(count(attribute(object, 'lineno'), `the line of ${fullName}`, at), 2147483647),
    builtin: builtin === true || builtin === 1,
    context: contextId(attribute(object, 'ctx_id'), at),
    contextName: typeof contextName === 'string' ? contextName : undefined,
    ...numbersOf(object, fullName),
  };
}

/** The coarsest tick every raw time is a whole multiple of (computed as yappi does). */
function tickOf(times: readonly number[]): number | undefined {
  if (times.length === 0) return undefined;
  return TICKS.find((tick) => times.every((t) => Math.round(t / tick) * tick === t));
}

/** One context (thread): its class name and its entries by full name. */
interface Context {
  name: string | undefined;
  entries: Map<string, Entry>;
}

interface Read {
  clock: string;
  merged: Entry[];
  /** Per context id. */
  contexts: Map<string, Context>;
  tick: number | undefined;
  /** True when some first context's times were derived without a tick. */
  rounded: boolean;
  unresolved: number;
}

/** The file's objects → merged entries and per-context entries (see the file comment). */
function readStats(value: PickleValue): Read {
  if (
    !(value instanceof PyTuple) ||
    value.items.length !== 2 ||
    classOf(value.items[0]) !== 'YFuncStats'
  ) {
    refuse(
      0,
      `not a yappi file: it holds ${describeValue(value)}, not (YFuncStats, clock type) (yappi's get_func_stats().save(path) writes that)`,
    );
  }
  const stats = value.items[0] as PyObject;
  const clockValue = value.items[1];
  const clock =
    typeof clockValue === 'string'
      ? clockValue
      : refuse(stats.offset, `the clock type must be a string, found ${describeValue(clockValue)}`);

  const merged: Entry[] = [];
  const mergedNames = new Set<string>();
  for (const item of listOf(stats, 'YFuncStats')) {
    if (classOf(item) !== 'YFuncStat')
      refuse(
        stats.offset,
        `YFuncStats._as_list must hold YFuncStat objects, found ${describeValue(item)}`,
      );
    const object = item as PyObject;
    claim(object, 'a YFuncStat');
    const entry: Entry = { ...entryOf(object), children: new Map() };
    if (mergedNames.has(entry.fullName))
      refuse(object.offset, `${entry.fullName} is listed twice in YFuncStats._as_list`);
    mergedNames.add(entry.fullName);
    entry.children = mergedChildren(object, entry.fullName);
    merged.push(entry);
  }

  // yappi's index: int keys are entry indexes (merged entries and the unmerged ones of
  // other contexts), string keys full names (merged entries only).
  const byIndex = new Map<string, PyObject>();
  const others: PyObject[] = [];
  const indexing = attribute(stats, '_additional_indexing');
  if (indexing instanceof PyDict) {
    for (let k = 0; k < indexing.flat.length; k += 2) {
      const key = indexing.flat[k];
      const item = indexing.flat[k + 1];
      if (typeof key !== 'number' && typeof key !== 'bigint') continue;
      if (classOf(item) !== 'YFuncStat')
        refuse(
          indexing.offset,
          `YFuncStats._additional_indexing[${key}] must be a YFuncStat, found ${describeValue(item)}`,
        );
      const object = item as PyObject;
      byIndex.set(String(key), object);
      if (!object.claimed) {
        claim(object, 'a YFuncStat');
        others.push(object);
      }
    }
  } else if (indexing !== undefined && indexing !== null) {
    refuse(
      stats.offset,
      `YFuncStats._additional_indexing must be a dict, found ${describeValue(indexing)}`,
    );
  }

  // The unmerged entries, with their raw children resolved through the index.
  let unresolved = 0;
  const unmerged: Entry[] = [];
  const rawTimes: number[] = [];
  for (const object of others) {
    const entry: Entry = { ...entryOf(object), children: new Map() };
    if (!mergedNames.has(entry.fullName)) continue; // yappi never lists such an entry
    rawTimes.push(entry.ttot, entry.tsub);
    const children = attribute(object, 'children');
    if (classOf(children) === 'YChildFuncStats')
      entry.children = mergedChildren(object, entry.fullName);
    else if (children instanceof PyList || children instanceof PyTuple) {
      if (children instanceof PyList) claim(children, `the children of ${entry.fullName}`);
      for (const raw of children.items) {
        if (!(raw instanceof PyTuple) || raw.items.length < 5)
          refuse(
            object.offset,
            `a raw child of ${entry.fullName} must be (index, ncall, nactualcall, ttot, tsub), found ${describeValue(raw)}`,
          );
        const [index, ncall, nactualcall, ttot, tsub] = raw.items;
        const callee = byIndex.get(String(index));
        if (callee === undefined) {
          unresolved++;
          continue;
        }
        const numbers = {
          ncall: count(ncall, `a child's ncall`, raw.offset),
          nactualcall: count(nactualcall, `a child's nactualcall`, raw.offset),
          ttot: seconds(ttot, `a child's ttot`, raw.offset),
          tsub: seconds(tsub, `a child's tsub`, raw.offset),
        };
        rawTimes.push(numbers.ttot, numbers.tsub);
        add(entry.children, text(callee, 'full_name'), numbers);
      }
    } else if (children !== undefined && children !== null) {
      refuse(
        object.offset,
        `the children of ${entry.fullName} must be a list, found ${describeValue(children)}`,
      );
    }
    unmerged.push(entry);
  }
  const othersOf = new Map<string, Entry[]>();
  for (const entry of unmerged) {
    const list = othersOf.get(entry.fullName) ?? [];
    list.push(entry);
    othersOf.set(entry.fullName, list);
  }
  // Merged entries nothing was merged into are raw values too.
  for (const entry of merged) {
    if (othersOf.has(entry.fullName)) continue;
    rawTimes.push(entry.ttot, entry.tsub);
    for (const child of entry.children.values()) rawTimes.push(child.ttot, child.tsub);
  }
  const tick = tickOf(rawTimes);
  const exact = (t: number) => (tick === undefined ? t : Math.round(t / tick) * tick);

  const contexts: Read['contexts'] = new Map();
  const place = (entry: Entry) => {
    let context = contexts.get(entry.context);
    if (!context) {
      context = { name: entry.contextName, entries: new Map() };
      contexts.set(entry.context, context);
    }
    const known = context.entries.get(entry.fullName);
    if (!known) context.entries.set(entry.fullName, entry);
    else {
      // The same function twice in one context (yappi's tags split them): one entry.
      addTo(known, entry);
      for (const [callee, numbers] of entry.children) add(known.children, callee, numbers);
    }
  };
  let rounded = false;
  for (const entry of merged) {
    const parts = othersOf.get(entry.fullName) ?? [];
    if (parts.length === 0) {
      place({ ...entry, children: new Map(entry.children) });
      continue;
    }
    // The first context's numbers: the merged sums minus the other contexts'.
    const first: Entry = { ...entry, children: new Map() };
    for (const [callee, numbers] of entry.children) first.children.set(callee, { ...numbers });
    const at = entry.object.offset;
    for (const other of parts) {
      subtract(first, other, entry.fullName, at);
      for (const [callee, numbers] of other.children) {
        const mine = first.children.get(callee);
        if (!mine)
          refuse(
            at,
            `${entry.fullName}: a thread calls ${callee}, which the merged entry does not list`,
          );
        subtract(mine, numbers, `${entry.fullName} → ${callee}`, at);
      }
    }
    if (tick === undefined) rounded = true;
    first.ttot = exact(first.ttot);
    first.tsub = exact(first.tsub);
    for (const numbers of first.children.values()) {
      numbers.ttot = exact(numbers.ttot);
      numbers.tsub = exact(numbers.tsub);
    }
    for (const [callee, numbers] of [...first.children])
      if (numbers.ncall === 0) first.children.delete(callee);
    place(first);
    for (const other of parts) place(other);
  }
  return { clock, merged, contexts, tick, rounded, unresolved };

  function subtract(from: Numbers, part: Numbers, what: string, at: number): void {
    from.ncall -= part.ncall;
    from.nactualcall -= part.nactualcall;
    from.ttot = Math.max(0, from.ttot - part.ttot);
    from.tsub = Math.max(0, from.tsub - part.tsub);
    if (from.ncall < 0 || from.nactualcall < 0)
      refuse(at, `${what}: the merged numbers are smaller than one thread's`);
  }
}

/** One profile: these entries (in merged order), their callees as edges. */
function profileOf(
  entries: readonly Entry[],
  metadata: MetadataInput,
  dangling: { count: number },
): Profile {
  const b = new ProfileBuilder(metadata);
  const functionOf = new Map<string, number>();
  const identity = new Map<string, Identity>();
  for (const entry of entries) identity.set(entry.fullName, entry);
  const rowOf = (entry: Identity) => {
    let fn = functionOf.get(entry.fullName);
    if (fn === undefined) {
      fn = entry.builtin
        ? b.addFunction(entry.module, 0, entry.name, 'builtin', { module: entry.module })
        : b.addFunction(entry.module, entry.lineno, entry.name, 'python');
      functionOf.set(entry.fullName, fn);
    }
    return fn;
  };
  const order: number[] = [];
  for (const entry of entries) {
    const fn = rowOf(entry);
    order.push(fn);
    b.addFunctionStats(fn, {
      callCount: entry.ncall,
      primitiveCallCount: entry.nactualcall,
      selfTime: entry.tsub,
      inclusiveTime: entry.ttot,
    });
  }
  for (const entry of entries) {
    const caller = functionOf.get(entry.fullName) as number;
    for (const [callee, numbers] of entry.children) {
      let known = identity.get(callee);
      if (!known) {
        dangling.count++;
        known = calleeIdentity(callee);
        identity.set(callee, known);
      }
      b.addCall(caller, rowOf(known), {
        callCount: numbers.ncall,
        primitiveCallCount: numbers.nactualcall,
        selfTime: numbers.tsub,
        inclusiveTime: numbers.ttot,
      });
    }
  }
  return b.build({ functionOrder: order });
}

/** A callee known only by its full name: `module:line name`, or `module.name` for a built-in. */
function calleeIdentity(fullName: string): Identity {
  const python = /^(.*):(\d+) (.*)$/s.exec(fullName);
  if (python) {
    const [, module = '', line = '0', name = ''] = python;
    return { fullName, module, lineno: Math.min(Number(line), 2147483647), name, builtin: false };
  }
  return { fullName, module: '', lineno: 0, name: fullName, builtin: true };
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Reads a `.ystat` file (see the file comment). */
export function readYappi(input: Uint8Array, context: ReadContext): ProfileSet {
  const loaded = loadPickle(input, YAPPI_DIALECT);
  if (loaded.scan.end < input.length) {
    context.warn({
      code: 'trailing-data',
      message: `${input.length - loaded.scan.end} bytes after the pickle's STOP were ignored`,
      place: { offset: loaded.scan.end },
    });
  }
  const read = readStats(loaded.value);
  const { scan } = loaded;
  const pythonMajor =
    scan.unicodeStrings > 0 || (scan.protocol ?? 0) >= 3 ? 3 : scan.byteStrings > 0 ? 2 : undefined;
  const metadata: MetadataInput = {
    format: FORMAT,
    producer: 'yappi',
    ...(pythonMajor !== undefined ? { pythonMajor, pythonVersion: `${pythonMajor}.x` } : {}),
    timeUnit: `seconds (yappi's ${read.clock} clock)`,
    ...(read.clock === 'wall' || read.clock === 'cpu' ? { clock: read.clock } : {}),
    info: [
      ['clock', read.clock],
      ...(read.tick !== undefined ? ([['tick', String(read.tick)]] as const) : []),
    ],
  };
  const dangling = { count: 0 };
  const ids = [...read.contexts.keys()].sort(compareIds);
  const partOf = (id: string) => {
    const found = read.contexts.get(id) as Context;
    const entries = read.merged
      .map((entry) => found.entries.get(entry.fullName))
      .filter((entry): entry is Entry => entry !== undefined);
    const name = found.name === undefined ? '' : ` (${found.name})`;
    return profileOf(
      entries,
      { ...metadata, label: `thread ${id}${name}`, threadId: id },
      dangling,
    );
  };
  let set: ProfileSet;
  if (ids.length <= 1) {
    const id = ids[0];
    set = makeProfileSet([
      id === undefined ? profileOf(read.merged, metadata, dangling) : partOf(id),
    ]);
  } else {
    set = {
      parts: ids.map(partOf),
      whole: profileOf(read.merged, { ...metadata, label: 'all threads' }, dangling),
    };
  }
  if (dangling.count > 0) {
    context.warn({
      severity: 'info',
      code: 'dangling-child',
      message: `${dangling.count} callee${dangling.count === 1 ? ' has' : 's have'} no entry of their own in the same thread; kept as functions with no numbers`,
    });
  }
  if (read.unresolved > 0) {
    context.warn({
      severity: 'info',
      code: 'unresolved-child',
      message: `${read.unresolved} call${read.unresolved === 1 ? '' : 's'} to functions the file does not hold (yappi's own, filtered out) were dropped, as yappi's own view drops them`,
    });
  }
  if (read.rounded) {
    context.warn({
      code: 'thread-times-rounded',
      message:
        "no clock tick fits the file's times, so the first thread's times are the merged times minus the other threads', exact only to their last digits",
    });
  }
  return set;
}
