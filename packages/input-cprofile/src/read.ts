/**
 * pstats dumps → Profile. The file is one marshal object (specs/pstats.md):
 *
 *   {(file, line, name): (cc, nc, tt, ct, {(file, line, name): caller_value})}
 *
 * where caller_value is cProfile's `(nc, cc, tt, ct)` — note the order, the reverse of the
 * entry's — or a plain call count from the pure-Python `profile` module. The reader walks
 * the dict with the marshal toolkit position by position and feeds a `ProfileBuilder`
 * directly, so a dump with a million caller edges never exists as a million JS objects.
 *
 * Producers:
 * - cProfile: builtins are `('~', 0, label)`; edges carry all four numbers.
 * - profile: builtins are `('', 0, name)`; edges carry counts only (times absent); the
 *   root `('profile', 0, 'profiler')` and the command entry `('profile', 0, <code>)` are
 *   synthetic. The code object's own (file, line, name) equals the script's `<module>`
 *   key, so the entry keeps `('profile', 0, <label>)` as identity and the code's fields
 *   go to `details.codeObject`, with the code object itself as self-contained marshal
 *   bytes (`marshal`) that a pstats writer can put back. Python 2.7 writes that code
 *   object three times; equal labels make them one entry (the first copy's bytes).
 * - yappi: swaps the entry's first two counts. `--producer yappi` swaps them back; a file
 *   whose counts are impossible for cProfile (primitive > total) gets a `yappi-counts`
 *   warning naming that option, and is otherwise read as stored.
 *
 * Lossy or lenient points, each with a warning code: duplicate keys are summed
 * (`duplicate-key`); callers missing from the dict become functions with no numbers
 * (`dangling-caller`); bytes after the object are ignored (`trailing-data`).
 *
 * Refused as malformed, with the offset: negative counts, and times that are negative,
 * NaN or infinite (no clock gives them; they only make nonsense totals and columns).
 *
 * Budgets (core's limits.ts): every function and edge row is counted against the read's
 * `entriesPerByte`, so references that replay an entry or a callers dict again and again
 * (each reference five bytes) stop once they have made more rows than the bytes allow.
 */
import {
  budgetFor,
  decodeText,
  type FunctionKind,
  malformed,
  ProfileBuilder,
  type ProfileSet,
  type ReadContext,
  singleProfileSet,
  withIndex,
} from '@pyprof/core';
import { describeType, FORMAT, MarshalCode, MarshalReader, MarshalTuple } from './marshal.js';

/**
 * Stored in the reference table for a key tuple read in key position; its function row is
 * in `keyOfSlot` (one mechanism for both of `readKey`'s paths, no object per function).
 */
const KEY = Object.freeze({ key: true });
/** Stored for a flagged entry tuple, so a later reference can reuse it. */
class EntryRef {
  constructor(
    readonly cc: number,
    readonly nc: number,
    readonly tt: number,
    readonly ct: number,
    readonly callers: CallersRef,
  ) {}
}
/** Stored for a flagged callers dict. */
class CallersRef {
  constructor(
    readonly edges: Array<[number, number | readonly [number, number, number, number]]>,
  ) {}
}
/** Stored for a flagged cProfile caller tuple. */
class CallerTupleRef {
  constructor(readonly values: readonly [number, number, number, number]) {}
}

export type Producer = 'auto' | 'cprofile' | 'profile' | 'yappi';

interface ReaderState {
  m: MarshalReader;
  b: ProfileBuilder;
  context: ReadContext;
  producer: Producer;
  callerStyle: 'tuple' | 'int' | undefined;
  /** 1 for functions that have their own entry in the stats dict (by row). */
  defined: Uint8Array;
  /**
   * Reference slot → function row + 1 (0: not a key), beside the reference table (which
   * holds `KEY` there): the fast path for the ~1M caller-key references of a big dump
   * reads 4 bytes here instead of a table entry and the object it points at.
   */
  keyOfSlot: Int32Array;
  yappiLikeKeys: number;
  swappedCounts: number;
  sawCode: boolean;
  /**
   * Marks callers seen in the callers dict being read: `seenCallers[fn] === seenStamp`.
   * 16-bit, so the marks of 100k functions (looked up at random, once per edge) stay
   * in the processor's cache; `startCallers` clears them when the stamp wraps around.
   */
  seenCallers: Uint16Array;
  seenStamp: number;
  /** Reused buffer for a caller value (nc, cc, tt, ct), and `readNumber`'s slot (`SCRATCH`). */
  value: Float64Array;
  /** Call row of each caller in the callers dict being read (valid where `seenCallers` marks it). */
  callerRow: Int32Array;
  /** Function and call rows made, and how many the budget allows. */
  rows: number;
  rowsAllowed: number;
}

const TUPLE = 0x28;
const SMALL_TUPLE = 0x29;
const DICT = 0x7b;
const REF = 0x72;
const NULL = 0x30;

function codeLabel(code: MarshalCode): string {
  return `<code object ${code.name}, file "${code.file}", line ${code.line === 0 ? -1 : code.line}>`;
}

function kindOf(file: string, line: number, name: string | MarshalCode): FunctionKind {
  if (typeof name !== 'string') return 'synthetic';
  if (line === 0) {
    if (file === '~' || file === '' || file === 'builtins' || file === '__builtin__')
      return 'builtin';
    if (file === 'profile') return 'synthetic';
  }
  return 'python';
}

/** A string in a key (file or name); Python 2 `s`/`t`/`R` and every Python 3 text code. */
function readText(s: ReaderState, what: string): string | MarshalCode {
  const m = s.m;
  const code = m.typeCode(what);
  const slot = m.slot;
  const offset = m.codeOffset;
  let value: unknown;
  if (code === REF) value = m.resolveRef(offset);
  else if (code === 0x63 /* c */) {
    value = m.readCodeBody(offset);
    s.sawCode = true;
  } else value = m.stringPayload(code, offset);
  if (value instanceof Uint8Array) value = decodeText(value); // Python 3 bytes where text belongs
  if (typeof value !== 'string' && !(value instanceof MarshalCode)) {
    throw m.error(
      `${what} must be a string, found ${value === undefined ? describeType(code) : 'another object'}`,
      offset,
    );
  }
  m.setRef(slot, value);
  return value;
}

/** `s.value` slot that `readNumber` reads through. */
const SCRATCH = 4;

/**
 * The codes real dumps write numbers with — `g`, `i`, and in Python 3 data `i` with
 * FLAG_REF (small ints are shared, so they take a reference slot) and `r` to a number —
 * read into `s.value[k]`: true if taken, false having read nothing (anything else is left
 * to `readNumber`'s full path). Writing into the buffer keeps times unboxed.
 */
function takeNumber(s: ReaderState, k: number, integer: boolean): boolean {
  const m = s.m;
  const input = m.in;
  const at = input.pos;
  const raw = input.bytes[at];
  if (raw === 0x67 /* g */ && !integer && input.remaining >= 9) {
    s.value[k] = input.view.getFloat64(at + 1, true);
    input.pos = at + 9;
    return true;
  }
  if (input.remaining < 5) return false;
  if (raw === 0x69 /* i */) {
    s.value[k] = input.view.getInt32(at + 1, true);
    input.pos = at + 5;
    return true;
  }
  if (m.dialect !== 3) return false;
  if (raw === 0xe9 /* i | FLAG_REF */) {
    const v = input.view.getInt32(at + 1, true);
    m.refs.push(v);
    s.value[k] = v;
    input.pos = at + 5;
    return true;
  }
  if (raw === REF) {
    const index = input.view.getInt32(at + 1, true);
    const v = index >= 0 ? m.refs[index] : undefined;
    if (typeof v !== 'number' || (integer && !Number.isInteger(v))) return false;
    s.value[k] = v;
    input.pos = at + 5;
    return true;
  }
  return false;
}

function readNumber(s: ReaderState, what: string, integer: boolean): number {
  if (takeNumber(s, SCRATCH, integer)) return s.value[SCRATCH] as number;
  const m = s.m;
  const code = m.typeCode(what);
  const slot = m.slot;
  const offset = m.codeOffset;
  let value: unknown;
  if (code === REF) value = m.resolveRef(offset);
  else value = m.intPayload(code, offset) ?? (integer ? undefined : m.floatPayload(code, offset));
  if (typeof value === 'bigint')
    throw m.error(`${what} is too large (${bigDescription(value)})`, offset);
  if (typeof value !== 'number') {
    throw m.error(
      `${what} must be ${integer ? 'an integer' : 'a number'}, found ${describeType(code)}`,
      offset,
    );
  }
  if (integer && !Number.isInteger(value))
    throw m.error(`${what} must be an integer, found ${value}`, offset);
  m.setRef(slot, value);
  return value;
}

/** `a 45-digit integer`: a huge number described, not printed. */
function bigDescription(value: bigint): string {
  const digits = (value < 0n ? -value : value).toString(16).length * Math.log10(16);
  return `an integer of about ${Math.ceil(digits)} decimal digits`;
}

/** Counts one more function or call row against the read's budget. */
function countRow(s: ReaderState, offset: number): void {
  if (++s.rows > s.rowsAllowed) s.m.budget.entries(s.rows, FORMAT, { offset });
}

/** A time from the file: a finite number, not below zero. */
function checkTime(s: ReaderState, what: string, value: number, offset: number): void {
  if (!(value >= 0 && value !== Number.POSITIVE_INFINITY)) {
    throw s.m.error(
      `${what} is ${Number.isNaN(value) ? 'NaN' : value}: a time is a finite number, not below zero`,
      offset,
    );
  }
}

/**
 * The item count of a tuple whose type code (without its flag) was just read, in either
 * form; any other code is an error naming `what`. No object per tuple.
 */
function tupleLength(m: MarshalReader, code: number, what: string, offset: number): number {
  if (code === SMALL_TUPLE) return m.in.u8('tuple length');
  if (code === TUPLE) return m.length('tuple');
  throw m.error(`${what} must be a tuple, found ${describeType(code)}`, offset);
}

/** Reads a (file, line, name) key and returns its function row. */
function readKey(s: ReaderState, what: string): number {
  const m = s.m;
  // Fast path: a reference to a key read before (most caller keys of Python 3 dumps).
  const input = m.in;
  if (input.bytes[input.pos] === REF && input.remaining >= 5) {
    const index = input.view.getInt32(input.pos + 1, true);
    const row = index >= 0 && index < s.keyOfSlot.length ? (s.keyOfSlot[index] as number) : 0;
    if (row > 0 && index < m.refs.length) {
      input.pos += 5;
      return row - 1;
    }
  }
  const code = m.typeCode(what);
  const slot = m.slot;
  const offset = m.codeOffset;
  if (code === REF) {
    // (A flagged `r` byte, which CPython never writes, is the one way to a key here.)
    const index = m.in.remaining >= 4 ? m.in.view.getInt32(m.in.pos, true) : -1;
    const ref = m.resolveRef(offset);
    if (ref === KEY) return (s.keyOfSlot[index] as number) - 1;
    if (ref instanceof MarshalTuple && ref.items.length === 3) {
      const [file, line, name] = ref.items;
      if (
        typeof file === 'string' &&
        typeof line === 'number' &&
        (typeof name === 'string' || name instanceof MarshalCode)
      ) {
        return functionFor(s, file, line, name, offset);
      }
    }
    throw m.error(`${what} refers to an object that is not a (file, line, name) key`, offset);
  }
  const count = tupleLength(m, code, what, offset);
  if (count !== 3)
    throw m.error(
      `${what} must be a (file, line, name) tuple, found a tuple of ${count} items`,
      offset,
    );
  m.enter();
  const file = readText(s, 'file name');
  if (typeof file !== 'string') throw m.error('a code object where a file name belongs', offset);
  const line = readNumber(s, 'line number', true);
  const name = readText(s, 'function name');
  m.leave();
  const fn = functionFor(s, file, line, name, offset);
  if (slot >= 0) {
    m.setRef(slot, KEY);
    s.keyOfSlot = withIndex(s.keyOfSlot, slot);
    s.keyOfSlot[slot] = fn + 1;
  }
  return fn;
}

function functionFor(
  s: ReaderState,
  file: string,
  line: number,
  name: string | MarshalCode,
  offset: number,
): number {
  if (line < -2147483648 || line > 2147483647)
    throw s.m.error(`line number ${line} out of range`, offset);
  const kind = kindOf(file, line, name);
  if (kind === 'builtin' && (file === 'builtins' || file === '__builtin__')) s.yappiLikeKeys++;
  const before = s.b.functionCount;
  const fn = addFunctionRow(s, file, line, name, kind);
  if (s.b.functionCount > before) countRow(s, offset);
  return fn;
}

function addFunctionRow(
  s: ReaderState,
  file: string,
  line: number,
  name: string | MarshalCode,
  kind: FunctionKind,
): number {
  if (name instanceof MarshalCode) {
    return s.b.addFunction(file, line, codeLabel(name), 'synthetic', {
      details: {
        codeObject: {
          file: name.file,
          line: name.line,
          name: name.name,
          ...(name.qualifiedName !== undefined ? { qualifiedName: name.qualifiedName } : {}),
          ...(name.marshal !== undefined ? { marshal: name.marshal } : {}),
        },
      },
    });
  }
  return s.b.addFunction(file, line, name, kind);
}

const CALLER_ITEMS = [
  'caller call count',
  'caller primitive call count',
  'caller own time',
  'caller cumulative time',
] as const;

/**
 * The usual caller value of a Python 3 dump, a small tuple of four numbers, read straight
 * into `s.value` (a million edges' times returned from `readNumber` were 40 MB of boxed
 * numbers). Returns false, having read nothing, for any other value.
 */
function readCallerTupleInPlace(s: ReaderState): boolean {
  const m = s.m;
  const input = m.in;
  // Small tuples exist only in Python 3 data, so the dialect is known by now.
  if (input.bytes[input.pos] !== SMALL_TUPLE || input.bytes[input.pos + 1] !== 4) return false;
  if (m.dialect !== 3) return false;
  input.pos += 2;
  for (let k = 0; k < 4; k++) {
    if (!takeNumber(s, k, k < 2)) s.value[k] = readNumber(s, CALLER_ITEMS[k] as string, k < 2);
  }
  return true;
}

/** Reads one caller value into `s.value` as (nc, cc, tt, ct); returns its style. */
function readCallerValue(s: ReaderState): 'tuple' | 'int' {
  if (readCallerTupleInPlace(s)) return 'tuple';
  const m = s.m;
  const code = m.typeCode('caller value');
  const slot = m.slot;
  const offset = m.codeOffset;
  let ref: unknown;
  if (code === REF) ref = m.resolveRef(offset);
  if (code === SMALL_TUPLE || code === TUPLE || ref instanceof CallerTupleRef) {
    if (ref instanceof CallerTupleRef) {
      s.value.set(ref.values);
      return 'tuple';
    }
    const count = tupleLength(m, code, 'caller value', offset);
    if (count !== 4) {
      throw m.error(
        `a caller value must be a call count or a 4-tuple (nc, cc, tt, ct), found a tuple of ${count} items`,
        offset,
      );
    }
    m.enter();
    for (let k = 0; k < 4; k++) s.value[k] = readNumber(s, CALLER_ITEMS[k] as string, k < 2);
    m.leave();
    if (slot >= 0)
      m.setRef(
        slot,
        new CallerTupleRef([
          s.value[0] as number,
          s.value[1] as number,
          s.value[2] as number,
          s.value[3] as number,
        ] as const),
      );
    return 'tuple';
  }
  const int = ref !== undefined ? ref : m.intPayload(code, offset);
  if (typeof int === 'number' && Number.isInteger(int)) {
    m.setRef(slot, int);
    s.value[0] = int;
    return 'int';
  }
  throw m.error(
    `a caller value must be a call count or a 4-tuple (nc, cc, tt, ct), found ${code === REF ? 'a reference to another object' : describeType(code)}`,
    offset,
  );
}

function checkCallerStyle(s: ReaderState, style: 'tuple' | 'int', offset: number): void {
  if (s.callerStyle === undefined) s.callerStyle = style;
  else if (s.callerStyle !== style) {
    throw malformed(
      FORMAT,
      { offset },
      'mixed callers formats: some caller values are 4-tuples (cProfile), some plain counts (profile)',
    );
  }
}

function addEdge(
  s: ReaderState,
  caller: number,
  callee: number,
  style: 'tuple' | 'int',
  offset: number,
): void {
  if (style !== s.callerStyle) checkCallerStyle(s, style, offset);
  const v = s.value;
  if (!((v[0] as number) >= 0) || (style === 'tuple' && !((v[1] as number) >= 0))) {
    throw s.m.error(
      `negative caller call count (${style === 'int' ? v[0] : `${v[0]}, ${v[1]}`})`,
      offset,
    );
  }
  if (style === 'tuple') {
    checkTime(s, 'a caller own time', v[2] as number, offset);
    checkTime(s, 'a caller cumulative time', v[3] as number, offset);
  }
  // Each callers dict belongs to one callee, so a pair repeats only inside one dict.
  s.seenCallers = withIndex(s.seenCallers, caller);
  if (s.seenCallers[caller] === s.seenStamp) {
    s.context.warn({
      code: 'duplicate-key',
      message: 'a callers dict lists the same caller twice; the values were summed',
      place: { offset },
    });
    const row = s.callerRow[caller] as number;
    const old = s.b.callStats(row);
    s.b.setCallStats(row, {
      callCount: old.callCount + (v[0] as number),
      primitiveCallCount:
        old.primitiveCallCount + (style === 'int' ? Number.NaN : (v[1] as number)),
      selfTime: old.selfTime + (style === 'int' ? Number.NaN : (v[2] as number)),
      inclusiveTime: old.inclusiveTime + (style === 'int' ? Number.NaN : (v[3] as number)),
    });
    return;
  }
  s.seenCallers[caller] = s.seenStamp;
  countRow(s, offset);
  // Where the pair's row is, for a repeat in this dict: looking it up in the builder
  // rebuilt its pair index after every appended row (quadratic for a dict that repeats
  // every caller).
  s.callerRow = withIndex(s.callerRow, caller);
  s.callerRow[caller] =
    style === 'int'
      ? s.b.appendCall(caller, callee, v[0] as number, Number.NaN, Number.NaN, Number.NaN)
      : s.b.appendCall(
          caller,
          callee,
          v[0] as number,
          v[1] as number,
          v[2] as number,
          v[3] as number,
        );
}

/** Starts a new callers dict: a new `seenStamp`. */
function startCallers(s: ReaderState): void {
  s.seenStamp++;
  if (s.seenStamp === 0x10000) {
    s.seenCallers.fill(0);
    s.seenStamp = 1;
  }
}

/** Reads a callers dict for `callee`. */
function readCallers(s: ReaderState, callee: number): void {
  const m = s.m;
  const code = m.typeCode('callers');
  const slot = m.slot;
  const offset = m.codeOffset;
  startCallers(s);
  if (code === REF) {
    const ref = m.resolveRef(offset);
    if (!(ref instanceof CallersRef))
      throw m.error('callers must be a dict, found a reference to another object', offset);
    for (const [caller, value] of ref.edges) {
      if (typeof value === 'number') s.value[0] = value;
      else s.value.set(value);
      addEdge(s, caller, callee, typeof value === 'number' ? 'int' : 'tuple', offset);
    }
    return;
  }
  if (code !== DICT) throw m.error(`callers must be a dict, found ${describeType(code)}`, offset);
  const remembered: CallersRef | undefined = slot >= 0 ? new CallersRef([]) : undefined;
  m.enter();
  for (;;) {
    if (m.in.peek() === NULL) {
      m.in.pos++;
      break;
    }
    const at = m.in.pos;
    const caller = readKey(s, 'caller key');
    if (m.in.peek() === NULL) throw m.error('callers dict ends where a caller value was expected');
    const style = readCallerValue(s);
    addEdge(s, caller, callee, style, at);
    remembered?.edges.push([
      caller,
      style === 'int'
        ? (s.value[0] as number)
        : ([s.value[0], s.value[1], s.value[2], s.value[3]] as [number, number, number, number]),
    ]);
  }
  m.leave();
  m.setRef(slot, remembered);
}

function readEntry(s: ReaderState, fn: number): void {
  const m = s.m;
  // The tuple header (either form, or a reference), read here: no object per entry.
  const code = m.typeCode('function entry');
  const slot = m.slot;
  const offset = m.codeOffset;
  let cc: number;
  let nc: number;
  let tt: number;
  let ct: number;
  if (code === REF) {
    const ref = m.resolveRef(offset);
    if (!(ref instanceof EntryRef)) {
      throw m.error(
        'a function entry refers to an object that is not a (cc, nc, tt, ct, callers) tuple',
        offset,
      );
    }
    ({ cc, nc, tt, ct } = ref);
    startCallers(s);
    for (const [caller, value] of ref.callers.edges) {
      if (typeof value === 'number') s.value[0] = value;
      else s.value.set(value);
      addEdge(s, caller, fn, typeof value === 'number' ? 'int' : 'tuple', offset);
    }
  } else {
    const count = tupleLength(m, code, 'function entry', offset);
    if (count !== 5) {
      throw m.error(
        `a function entry must be a (cc, nc, tt, ct, callers) tuple, found a tuple of ${count} items`,
        offset,
      );
    }
    m.enter();
    cc = readNumber(s, 'primitive call count', true);
    nc = readNumber(s, 'call count', true);
    tt = readNumber(s, 'own time', false);
    ct = readNumber(s, 'cumulative time', false);
    const edgesBefore = s.b.callCount;
    readCallers(s, fn);
    m.leave();
    if (slot >= 0) {
      const edges: CallersRef['edges'] = [];
      for (let e = edgesBefore; e < s.b.callCount; e++) {
        const c = s.b.callStats(e);
        edges.push([
          c.caller,
          s.callerStyle === 'int'
            ? c.callCount
            : [c.callCount, c.primitiveCallCount, c.selfTime, c.inclusiveTime],
        ]);
      }
      m.setRef(slot, new EntryRef(cc, nc, tt, ct, new CallersRef(edges)));
    }
  }
  if (cc < 0 || nc < 0) throw m.error(`negative call count (${cc}, ${nc})`, offset);
  checkTime(s, 'own time', tt, offset);
  checkTime(s, 'cumulative time', ct, offset);
  if (cc > nc) s.swappedCounts++;
  if (s.producer === 'yappi') [cc, nc] = [nc, cc];
  s.b.addFunctionNumbers(fn, nc, cc, tt, ct);
}

/** Reads a whole pstats dump (`producer`: the plugin's option, `auto` when not given). */
export function readPstats(
  input: Uint8Array,
  context: ReadContext<{ readonly producer?: Producer | undefined }>,
): ProfileSet {
  if (input.length === 0)
    throw malformed(FORMAT, { offset: 0 }, 'the file is empty (a pstats dump is one marshal dict)');
  const budget = budgetFor(context, input.length);
  const m = new MarshalReader(input, budget);
  const producerOption = context.options.producer ?? 'auto';
  const b = new ProfileBuilder({ format: FORMAT });
  // A caller edge takes at least ~32 bytes in Python 3 dumps (a key reference and a tuple
  // of four numbers) and ~64 in Python 2 ones (keys are written out): reserving that many
  // rows up front spares the edge columns their growth copies on big dumps.
  b.reserve({ calls: Math.ceil(input.length / (input[0] === 0xfb ? 32 : 64)) });
  const s: ReaderState = {
    m,
    b,
    context,
    producer: producerOption,
    callerStyle: undefined,
    defined: new Uint8Array(1024),
    keyOfSlot: new Int32Array(1024),
    yappiLikeKeys: 0,
    swappedCounts: 0,
    sawCode: false,
    value: new Float64Array(5),
    seenCallers: new Uint16Array(1024),
    seenStamp: 0,
    callerRow: new Int32Array(1024),
    rows: 0,
    rowsAllowed: budget.entriesAllowed - budget.entriesUsed,
  };
  const code = m.typeCode('stats dict');
  const offset = m.codeOffset;
  if (code !== DICT) {
    throw malformed(
      FORMAT,
      { offset },
      `not a pstats dump: expected a marshal dict of functions at offset 0, found ${describeType(code)}`,
    );
  }
  m.enter();
  let entries = 0;
  const order: number[] = [];
  for (;;) {
    if (m.in.peek() === NULL) {
      m.in.pos++;
      break;
    }
    const at = m.in.pos;
    const fn = readKey(s, 'function key');
    s.defined = withIndex(s.defined, fn);
    if (s.defined[fn]) {
      context.warn({
        code: 'duplicate-key',
        message: 'the stats dict lists one function twice; the entries were summed',
        place: { offset: at },
      });
    } else {
      s.defined[fn] = 1;
      order.push(fn);
    }
    if (m.in.peek() === NULL) throw m.error('stats dict ends where a function entry was expected');
    readEntry(s, fn);
    entries++;
  }
  m.leave();
  budget.entries(s.rows, FORMAT);
  if (entries === 0)
    throw malformed(FORMAT, { offset: 0 }, 'the stats dict is empty: no functions were recorded');
  if (!m.in.atEnd) {
    context.warn({
      code: 'trailing-data',
      message: `${m.in.remaining} bytes after the stats dict were ignored`,
      place: { offset: m.in.pos },
    });
  }
  const dangling = b.functionCount - order.length;
  if (dangling > 0) {
    context.warn({
      code: 'dangling-caller',
      message: `${dangling} caller${dangling === 1 ? ' is' : 's are'} not in the stats dict; kept as functions with no numbers`,
    });
  }

  const profiler = b.findFunction('profile', 0, 'profiler');
  let producer: string;
  if (s.producer === 'yappi') producer = 'yappi';
  else if (s.callerStyle === 'int' || s.producer === 'profile' || profiler >= 0)
    producer = 'profile';
  else producer = s.yappiLikeKeys > 0 && s.producer === 'auto' ? 'yappi?' : 'cProfile';
  if (s.swappedCounts > 0 && s.producer !== 'yappi') {
    context.warn({
      code: 'yappi-counts',
      message: `${s.swappedCounts} entr${s.swappedCounts === 1 ? 'y has' : 'ies have'} more primitive than total calls, impossible for cProfile: yappi writes these two counts swapped; read with --producer yappi to normalise them`,
    });
  }
  if (producer === 'yappi?') producer = s.swappedCounts > 0 ? 'yappi' : 'cProfile';
  const layout = m.layoutLabel;
  const python2 = m.dialect !== 3;
  b.metadata.producer = producer;
  b.metadata.pythonMajor = python2 ? 2 : 3;
  b.metadata.pythonVersion =
    layout && !python2 ? layout.replace('Python ', '') : python2 ? '2.x' : '3.x';
  // The `profile` module times with CPU time (os.times / process_time), cProfile with the
  // wall clock; yappi's dump does not say which of its two clocks it used.
  if (producer !== 'yappi') b.metadata.clock = producer === 'profile' ? 'cpu' : 'wall';
  b.metadata.timeUnit =
    producer === 'profile'
      ? 'seconds (CPU time)'
      : python2
        ? 'seconds (wall clock, microsecond resolution)'
        : 'seconds (wall clock)';
  return singleProfileSet(b.build({ functionOrder: order }));
}
