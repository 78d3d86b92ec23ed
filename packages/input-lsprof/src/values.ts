/**
 * The plain data a pickle is turned into: lists, tuples, dicts and sets as small classes,
 * the allowed globals as inert `PyGlobal` markers, and the three things an lsprof pickle
 * rebuilds — `Stats` objects (attributes only) and `profiler_entry` /
 * `profiler_subentry` records (their fields checked and kept in the typed columns of a
 * `RecordTable`). No class is ever looked up, called or instantiated; these records are
 * all a global can turn into.
 *
 * Also here: the decoders of the text forms of protocol 0 (INT/LONG/FLOAT lines, the
 * quoted STRING repr, raw-unicode-escape UNICODE) and of LONG1/LONG4, each with the
 * limits a profile needs (an integer of more than 40 digits or 32 bytes is refused).
 */
import {
  type Column,
  decodeLatin1,
  decodeSurrogatePass,
  decodeText,
  float64Column,
  malformed,
  uint32Column,
} from '@pyprof/core';
import { FORMAT, printable, type StringEncoding } from './machine.js';

/** What an allowed global stands for. */
export type GlobalRole = 'stats' | 'entry' | 'subentry' | 'reconstructor' | 'object';

/** The allow-list: `module name` → role. Everything else is refused before building. */
const ALLOWED = new Map<string, GlobalRole>([
  ['breezy.lsprof Stats', 'stats'],
  ['bzrlib.lsprof Stats', 'stats'],
  ['lsprof Stats', 'stats'],
  ['_lsprof profiler_entry', 'entry'],
  ['_lsprof profiler_subentry', 'subentry'],
  // Protocols 0 and 1 rebuild instances with copyreg._reconstructor(cls, object, None);
  // Python 3 writes the Python 2 spellings (fix_imports), so both are listed.
  ['copy_reg _reconstructor', 'reconstructor'],
  ['copyreg _reconstructor', 'reconstructor'],
  ['__builtin__ object', 'object'],
  ['builtins object', 'object'],
]);

/** No allowed module or name is longer; longer ones are refused without further work. */
export const MAX_GLOBAL_NAME = 64;

/** The role of an allowed global, or undefined for a forbidden one. */
export function allowedGlobal(module: string, name: string): GlobalRole | undefined {
  if (module.length > MAX_GLOBAL_NAME || name.length > MAX_GLOBAL_NAME) return undefined;
  return ALLOWED.get(`${module} ${name}`);
}

/** The allow-list as `module.name` strings, for messages. */
export const ALLOWED_GLOBALS: readonly string[] = [...ALLOWED.keys()].map((k) =>
  k.replace(' ', '.'),
);

export class PyList {
  /** Set once the reader has taken this list as `data` or `calls` (each may serve once). */
  claimed = false;
  constructor(
    readonly items: PickleValue[],
    readonly offset: number,
  ) {}
}

export class PyTuple {
  constructor(
    readonly items: readonly PickleValue[],
    readonly offset: number,
  ) {}
}

/** A dict as its pickled key/value pairs, alternating, in pickle order. */
export class PyDict {
  /** Set once the dict has become a Stats object's state (each dict may serve once). */
  claimed = false;
  constructor(
    readonly flat: PickleValue[],
    readonly offset: number,
  ) {}
}

export class PySet {
  constructor(
    readonly items: PickleValue[],
    readonly frozen: boolean,
    readonly offset: number,
  ) {}
}

/** An allowed global: a name, never the thing itself. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly role: GlobalRole,
    readonly offset: number,
  ) {}
}

/** A `Stats` instance: its class name and the attributes BUILD gave it (once). */
export class StatsObject {
  readonly attributes = new Map<string, PickleValue>();
  built = false;
  claimed = false;
  constructor(
    readonly cls: PyGlobal,
    readonly offset: number,
  ) {}
}

/**
 * A `profiler_entry` (6 fields) or `profiler_subentry` (5 fields) record: a row of the
 * `RecordTable`, whose columns hold the fields (checked when the record was made).
 */
export class StructSeq {
  claimed = false;
  constructor(
    readonly role: 'entry' | 'subentry',
    readonly row: number,
    readonly offset: number,
  ) {}
}

/**
 * The fields of every record, in columns by row: a large pickle's millions of records cost
 * a few typed-array slots each, not an array of boxed numbers. Labels are numbered as the
 * records are made (while the label string is still at hand), so readers look rows up by
 * number instead of hashing strings again.
 */
export class RecordTable {
  /** Distinct labels (field 0, the frozen code label), by label id. */
  readonly labels: string[] = [];
  readonly #labelIds = new Map<string, number>();
  /** Label id of each record. */
  readonly label: Column<Uint32Array>;
  readonly callCount: Column<Float64Array>;
  readonly recursiveCallCount: Column<Float64Array>;
  /** Seconds, including sub-calls (outermost activations). */
  readonly totalTime: Column<Float64Array>;
  /** Seconds, excluding sub-calls. */
  readonly inlineTime: Column<Float64Array>;
  /** Field 5 of an entry (None, or what must be a list of subentries); null for a subentry. */
  readonly calls: PickleValue[] = [];

  /** `capacity`: the most records there can be (the pickle's REDUCE count). */
  constructor(capacity = 16) {
    this.label = uint32Column(capacity);
    this.callCount = float64Column(capacity);
    this.recursiveCallCount = float64Column(capacity);
    this.totalTime = float64Column(capacity);
    this.inlineTime = float64Column(capacity);
  }

  /**
   * Adds the record `fields` (5 or 6 items); a field of the wrong kind refuses the pickle
   * at `offset` (a label that is not a string, a count that is not a count, an infinite
   * time, more recursive calls than calls).
   */
  add(role: 'entry' | 'subentry', fields: readonly PickleValue[], offset: number): number {
    const code = fields[0];
    if (typeof code !== 'string') {
      throw malformed(
        FORMAT,
        { offset },
        `the code of a profiler_${role} must be a label string, found ${describeValue(code)}`,
      );
    }
    const calls = countOf(fields[1], role, 'callcount', offset);
    const recursive = countOf(fields[2], role, 'reccallcount', offset);
    if (recursive > calls)
      throw malformed(FORMAT, { offset }, `reccallcount ${recursive} exceeds callcount ${calls}`);
    const total = timeOf(fields[3], role, 'totaltime', offset);
    const inline = timeOf(fields[4], role, 'inlinetime', offset);
    let id = this.#labelIds.get(code);
    if (id === undefined) {
      id = this.labels.push(code) - 1;
      this.#labelIds.set(code, id);
    }
    this.label.push(id);
    this.callCount.push(calls);
    this.recursiveCallCount.push(recursive);
    this.totalTime.push(total);
    this.inlineTime.push(inline);
    return this.calls.push(role === 'entry' ? (fields[5] as PickleValue) : null) - 1;
  }
}

function countOf(
  value: PickleValue | undefined,
  role: string,
  field: string,
  offset: number,
): number {
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  const what = `${field} of a profiler_${role}`;
  if (typeof n === 'bigint' && n >= 0n)
    throw malformed(FORMAT, { offset }, `${what} is ${n}, too large to be a call count`);
  throw malformed(FORMAT, { offset }, `${what} must be a count, found ${describeValue(value)}`);
}

/** Seconds; NaN is kept (the reader warns), an infinite time is refused. */
function timeOf(
  value: PickleValue | undefined,
  role: string,
  field: string,
  offset: number,
): number {
  if (typeof value === 'number' && value !== Infinity && value !== -Infinity) return value;
  const what = `${field} of a profiler_${role}`;
  if (typeof value !== 'number') {
    throw malformed(
      FORMAT,
      { offset },
      `${what} must be a number of seconds, found ${describeValue(value)}`,
    );
  }
  throw malformed(FORMAT, { offset }, `${what} is infinite`);
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
  | StatsObject
  | StructSeq;

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
  if (value instanceof StatsObject) return `a ${value.cls.module}.Stats object`;
  return `a _lsprof.profiler_${value.role} record`;
}

/** Integers beyond this many decimal digits / bytes cannot be profile values. */
export const MAX_INTEGER_DIGITS = 40;
export const MAX_INTEGER_BYTES = 32;

function fromBigInt(value: bigint): number | bigint {
  return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value;
}

/** INT (`00`/`01` are False/True) and LONG (optional `L` suffix) text arguments. */
export function decodeIntText(
  bytes: Uint8Array,
  start: number,
  end: number,
  long: boolean,
  offset: number,
): number | bigint | boolean {
  if (end - start > MAX_INTEGER_DIGITS + 8) {
    throw malformed(
      FORMAT,
      { offset },
      `an integer of ${end - start} characters is too large for a profile value`,
    );
  }
  let text = decodeLatin1(bytes, start, end);
  if (!long && text === '00') return false;
  if (!long && text === '01') return true;
  text = text.trim();
  if (long && text.endsWith('L')) text = text.slice(0, -1);
  if (!/^[+-]?\d+$/.test(text)) {
    throw malformed(
      FORMAT,
      { offset },
      `${long ? 'LONG' : 'INT'} argument "${printable(text)}" is not a decimal integer`,
    );
  }
  const digits = text.replace(/^[+-]/, '').length;
  if (digits > MAX_INTEGER_DIGITS) {
    throw malformed(
      FORMAT,
      { offset },
      `an integer of ${digits} digits is too large for a profile value`,
    );
  }
  return fromBigInt(BigInt(text));
}

/** LONG1 / LONG4: little-endian two's complement. */
export function decodeIntBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
): number | bigint {
  const n = end - start;
  if (n === 0) return 0;
  if (n > MAX_INTEGER_BYTES) {
    throw malformed(
      FORMAT,
      { offset },
      `an integer of ${n} bytes is too large for a profile value`,
    );
  }
  let value = 0n;
  for (let i = end - 1; i >= start; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  if ((bytes[end - 1] as number) & 0x80) value -= 1n << BigInt(8 * n);
  return fromBigInt(value);
}

const FLOAT_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Python's float repr never needs more; a longer FLOAT argument is refused unread. */
const MAX_FLOAT_TEXT = 64;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

/** FLOAT text arguments: what Python's `float()` accepts from `repr`. */
export function decodeFloatText(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
): number {
  if (end - start > MAX_FLOAT_TEXT)
    throw malformed(FORMAT, { offset }, `FLOAT argument of ${end - start} bytes is not a number`);
  const text = decodeLatin1(bytes, start, end).trim();
  if (FLOAT_TEXT.test(text)) return Number(text);
  const special = SPECIAL_FLOAT.exec(text);
  if (special) {
    if ((special[2] as string).toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  throw malformed(FORMAT, { offset }, `FLOAT argument "${printable(text)}" is not a number`);
}

const SIMPLE_ESCAPES: Record<number, number> = {
  92: 0x5c, // \\
  39: 0x27, // \'
  34: 0x22, // \"
  97: 0x07, // \a
  98: 0x08, // \b
  102: 0x0c, // \f
  110: 0x0a, // \n
  114: 0x0d, // \r
  116: 0x09, // \t
  118: 0x0b, // \v
};

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

/**
 * STRING: a quoted Python 2 `repr` of a byte string, unescaped like CPython's
 * `codecs.escape_decode`, then decoded losslessly.
 */
function decodeQuoted(bytes: Uint8Array, start: number, end: number, offset: number): string {
  const quote = bytes[start];
  if (end - start < 2 || (quote !== 0x27 && quote !== 0x22) || bytes[end - 1] !== quote)
    throw malformed(FORMAT, { offset }, 'the STRING argument must be quoted');
  const out: number[] = [];
  for (let i = start + 1; i < end - 1; i++) {
    const c = bytes[i] as number;
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    i++;
    if (i >= end - 1) throw malformed(FORMAT, { offset }, 'the STRING argument ends with a \\');
    const e = bytes[i] as number;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) out.push(simple);
    else if (e === 0x0a) {
      // line continuation: nothing
    } else if (e >= 0x30 && e <= 0x37) {
      let value = e - 0x30;
      for (let k = 0; k < 2 && i + 1 < end - 1; k++) {
        const d = bytes[i + 1] as number;
        if (d < 0x30 || d > 0x37) break;
        value = value * 8 + (d - 0x30);
        i++;
      }
      out.push(value & 0xff);
    } else if (e === 0x78) {
      const hi = i + 1 < end - 1 ? hexDigit(bytes[i + 1] as number) : -1;
      const lo = i + 2 < end - 1 ? hexDigit(bytes[i + 2] as number) : -1;
      if (hi < 0 || lo < 0)
        throw malformed(FORMAT, { offset }, 'the STRING argument has an invalid \\x escape');
      out.push(hi * 16 + lo);
      i += 2;
    } else out.push(0x5c, e);
  }
  return decodeText(Uint8Array.from(out));
}

/** UNICODE: raw-unicode-escape, as CPython 3 decodes it (`\uXXXX`, `\UXXXXXXXX`). */
function decodeRawUnicodeEscape(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
): string {
  const units: number[] = [];
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c !== 0x5c || i + 1 >= end) {
      units.push(c);
      continue;
    }
    const e = bytes[++i] as number;
    const count = e === 0x75 ? 4 : e === 0x55 ? 8 : 0;
    if (count === 0) {
      units.push(0x5c, e);
      continue;
    }
    let cp = 0;
    for (let k = 0; k < count; k++) {
      const d = i + 1 < end ? hexDigit(bytes[i + 1] as number) : -1;
      if (d < 0)
        throw malformed(FORMAT, { offset }, 'the UNICODE argument has a truncated \\u escape');
      cp = cp * 16 + d;
      i++;
    }
    if (cp > 0x10ffff)
      throw malformed(FORMAT, { offset }, 'the UNICODE argument has a \\U escape out of range');
    if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + (cp & 0x3ff));
    else units.push(cp);
  }
  let out = '';
  for (let k = 0; k < units.length; k += 8192)
    out += String.fromCharCode.apply(null, units.slice(k, k + 8192));
  return out;
}

/** Any string argument as a JavaScript string (bytes kept losslessly, see core's text.ts). */
export function decodeString(
  encoding: StringEncoding,
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
): string {
  switch (encoding) {
    case 'raw-unicode-escape':
      return decodeRawUnicodeEscape(bytes, start, end, offset);
    case 'str-escape':
      return decodeQuoted(bytes, start, end, offset);
    case 'utf-8':
      // Python 3 pickles str with "surrogatepass" (escaped file-name bytes as ED B3 A9).
      return decodeSurrogatePass(bytes, start, end);
    default:
      return decodeText(bytes, start, end);
  }
}
