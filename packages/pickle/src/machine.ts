/**
 * The pickle stack machine, written for this project: it decodes each opcode's argument
 * (every declared length checked against the bytes left before anything is read or
 * allocated) and keeps the stack, the marks and the memo, but leaves what a value *is* to
 * a `PickleSemantics` object. The reader runs it twice with different semantics: a scan
 * that only records which globals the pickle names and refuses a foreign one, and — only
 * if the scan passed — a build of plain data (see load.ts). Nothing here imports, calls
 * or instantiates anything; opcodes that would hand control to code outside the pickle
 * (persistent ids, the extension registry) are refused outright.
 *
 * Stack rules follow CPython's C unpickler: operations never reach below the most recent
 * MARK, POP on an empty frame drops the mark, MEMOIZE stores under the memo's size.
 */
import { ByteReader, decodeText, malformed, unsafeInput, unsupportedVersion } from '@pyprof/core';
import { type Budget, COST, overBudget, type PickleLimits } from './limits.js';

/** The highest pickle protocol there is (Python 3.8+). */
export const HIGHEST_PROTOCOL = 5;

/**
 * How a string argument is encoded: `utf-8` (BINUNICODE family, Python 3 `str`),
 * `raw-unicode-escape` (protocol 0 UNICODE), `str` (Python 2 `str`, raw bytes),
 * `str-escape` (protocol 0 STRING, a quoted Python 2 repr), `bytes` (Python 3 `bytes`).
 */
export type StringEncoding = 'utf-8' | 'raw-unicode-escape' | 'str' | 'str-escape' | 'bytes';

/** What the values on the stack are; the machine only moves them around. */
export interface PickleSemantics<V> {
  /** A value that carries nothing: the memo does not store it (see `Memo`). */
  readonly placeholder?: V;
  none(offset: number): V;
  bool(value: boolean, offset: number): V;
  /** BININT, BININT1, BININT2. */
  int(value: number, offset: number): V;
  /** INT / LONG text forms: the decimal text is `bytes[start, end)`. */
  intText(start: number, end: number, long: boolean, offset: number): V;
  /** LONG1 / LONG4: two's-complement little-endian bytes `[start, end)`. */
  intBytes(start: number, end: number, offset: number): V;
  float(value: number, offset: number): V;
  floatText(start: number, end: number, offset: number): V;
  string(encoding: StringEncoding, start: number, end: number, offset: number): V;
  list(items: V[], offset: number): V;
  tuple(items: V[], offset: number): V;
  /** Keys and values alternate in `flat`. */
  dict(flat: V[], offset: number): V;
  set(items: V[], frozen: boolean, offset: number): V;
  append(target: V, items: V[], offset: number): void;
  setItems(target: V, flat: V[], offset: number): void;
  addItems(target: V, items: V[], offset: number): void;
  global(module: string, name: string, offset: number): V;
  stackGlobal(module: V, name: V, offset: number): V;
  reduce(callable: V, args: V, offset: number): V;
  newObject(cls: V, args: V, keywords: V | undefined, offset: number): V;
  /** INST (the class comes from its own GLOBAL-like argument) and OBJ. */
  instantiate(cls: V, args: V[], offset: number): V;
  build(target: V, state: V, offset: number): void;
}

export interface MachineOptions {
  /** The format name errors carry (`lsprof`). */
  format: string;
  /** How messages name a pickle of this format (`an lsprof pickle`). */
  noun: string;
  /** Stack, mark and string limits. */
  limits: PickleLimits;
  /** Charged for every memo entry kept. */
  budget: Budget;
  /**
   * The memo indices the pickle ever fetches (from a previous run's `fetched`): values
   * stored under other indices are not kept, so they can be freed as soon as they are
   * unreachable (picklers memoise nearly everything, but fetch only shared values).
   */
  keep?: IndexSet;
}

export interface MachineResult<V> {
  value: V;
  /** The PROTO argument; null for protocols 0 and 1, which have no PROTO opcode. */
  protocol: number | null;
  opcodeCount: number;
  /** Offset just after STOP. */
  end: number;
  /** Every memo index a GET fetched. */
  fetched: IndexSet;
}

/** Opcode names, for messages. */
const NAMES: Record<number, string> = {
  40: 'MARK',
  46: 'STOP',
  48: 'POP',
  49: 'POP_MARK',
  50: 'DUP',
  66: 'BINBYTES',
  67: 'SHORT_BINBYTES',
  70: 'FLOAT',
  71: 'BINFLOAT',
  73: 'INT',
  74: 'BININT',
  75: 'BININT1',
  76: 'LONG',
  77: 'BININT2',
  78: 'NONE',
  80: 'PERSID',
  81: 'BINPERSID',
  82: 'REDUCE',
  83: 'STRING',
  84: 'BINSTRING',
  85: 'SHORT_BINSTRING',
  86: 'UNICODE',
  88: 'BINUNICODE',
  93: 'EMPTY_LIST',
  97: 'APPEND',
  98: 'BUILD',
  99: 'GLOBAL',
  100: 'DICT',
  101: 'APPENDS',
  103: 'GET',
  104: 'BINGET',
  105: 'INST',
  106: 'LONG_BINGET',
  108: 'LIST',
  111: 'OBJ',
  112: 'PUT',
  113: 'BINPUT',
  114: 'LONG_BINPUT',
  115: 'SETITEM',
  116: 'TUPLE',
  117: 'SETITEMS',
  41: 'EMPTY_TUPLE',
  125: 'EMPTY_DICT',
  128: 'PROTO',
  129: 'NEWOBJ',
  130: 'EXT1',
  131: 'EXT2',
  132: 'EXT4',
  133: 'TUPLE1',
  134: 'TUPLE2',
  135: 'TUPLE3',
  136: 'NEWTRUE',
  137: 'NEWFALSE',
  138: 'LONG1',
  139: 'LONG4',
  140: 'SHORT_BINUNICODE',
  141: 'BINUNICODE8',
  142: 'BINBYTES8',
  143: 'EMPTY_SET',
  144: 'ADDITEMS',
  145: 'FROZENSET',
  146: 'NEWOBJ_EX',
  147: 'STACK_GLOBAL',
  148: 'MEMOIZE',
  149: 'FRAME',
  150: 'BYTEARRAY8',
  151: 'NEXT_BUFFER',
  152: 'READONLY_BUFFER',
};

export function opcodeName(op: number): string {
  return NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
}

/** Printable form of untrusted text for messages (control characters escaped). */
export function printable(text: string): string {
  let out = '';
  for (const ch of text.length > 200 ? `${text.slice(0, 200)}…` : text) {
    const code = ch.codePointAt(0) as number;
    out +=
      code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0xd800 && code <= 0xdfff)
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : ch;
  }
  return out;
}

/** A text-line argument (INT, FLOAT, GET, …): `[start, end)` without the newline. */
function line(r: ByteReader, what: string): [number, number] {
  const start = r.pos;
  const end = r.bytes.indexOf(0x0a, start);
  if (end < 0) throw r.error(`${what} argument has no terminating newline`, start);
  r.pos = end + 1;
  return [start, end];
}

/**
 * How much of a GLOBAL or INST name is decoded: no allowed name comes near it, and a
 * longer one — refused anyway — costs no more than this to report.
 */
export const MAX_NAME_BYTES = 256;

/** A GLOBAL or INST name line decoded as UTF-8, up to `MAX_NAME_BYTES`. */
function nameText(r: ByteReader, what: string): string {
  const [start, end] = line(r, what);
  return decodeText(r.bytes, start, Math.min(end, start + MAX_NAME_BYTES));
}

/** A decimal memo index from a PUT/GET text argument (read only if short enough to be one). */
function memoIndexText(r: ByteReader, what: string): number {
  const at = r.pos;
  const [start, end] = line(r, what);
  const text = end - start <= 16 ? decodeText(r.bytes, start, end).trim() : '';
  if (!/^\d{1,10}$/.test(text)) {
    const shown = end - start <= 16 ? printable(text) : `${end - start} characters`;
    throw r.error(`${what} argument must be a memo index, found "${shown}"`, at);
  }
  return Number(text);
}

/** A u64 length (FRAME, BINUNICODE8, …); the caller checks it against the bytes left. */
function u64(r: ByteReader, what: string): number {
  const low = r.u32le(what);
  return r.u32le(what) * 2 ** 32 + low;
}

/**
 * A set of memo indices: a bitmap for the indices a pickle of this size can reach by
 * counting (at most one per byte), a `Set` for any larger one. Millions of lookups in a
 * hash set were most of the read time of a large pickle.
 */
export class IndexSet {
  readonly #bits: Uint8Array;
  readonly #others = new Set<number>();

  constructor(limit: number) {
    this.#bits = new Uint8Array((limit >>> 3) + 1);
  }

  add(index: number): void {
    const byte = index >>> 3;
    if (byte < this.#bits.length)
      this.#bits[byte] = (this.#bits[byte] as number) | (1 << (index & 7));
    else this.#others.add(index);
  }

  has(index: number): boolean {
    if (index >>> 3 < this.#bits.length)
      return ((this.#bits[index >>> 3] as number) & (1 << (index & 7))) !== 0;
    return this.#others.has(index);
  }
}

/**
 * The memo. `size` counts distinct keys (MEMOIZE stores under it); a bitmap says which
 * keys were stored. Only values someone needs are held: with `keep`, those some GET will
 * fetch; with a `placeholder`, those that are not the placeholder (which `get` returns for
 * the rest). Picklers memoise nearly everything but fetch only shared values, so the
 * memo stays small and everything else can be freed as soon as it is unreachable.
 */
class Memo<V> {
  readonly #values = new Map<number, V>();
  readonly #seen: IndexSet;
  readonly #keep: IndexSet | undefined;
  readonly #placeholder: V | undefined;
  #size = 0;

  readonly #budget: Budget;

  constructor(
    limit: number,
    keep: IndexSet | undefined,
    placeholder: V | undefined,
    budget: Budget,
  ) {
    this.#budget = budget;
    this.#seen = new IndexSet(limit);
    this.#keep = keep;
    this.#placeholder = placeholder;
  }

  get size(): number {
    return this.#size;
  }

  /** Stores `value` under `index`; a new entry kept is charged at `offset`. */
  set(index: number, value: V, offset: number): void {
    if (!this.#seen.has(index)) {
      this.#seen.add(index);
      this.#size++;
    }
    if (this.#keep !== undefined && !this.#keep.has(index)) return;
    if (this.#placeholder !== undefined && value === this.#placeholder) this.#values.delete(index);
    else {
      if (!this.#values.has(index)) this.#budget.charge(COST.memo, offset);
      this.#values.set(index, value);
    }
  }

  /** The value stored under `index`; undefined when nothing was. */
  get(index: number): V | undefined {
    const value = this.#values.get(index);
    if (value !== undefined || !this.#seen.has(index)) return value;
    return this.#placeholder;
  }
}

/**
 * Runs the machine over `bytes` with `semantics` up to STOP. Throws `MALFORMED_INPUT` for
 * a broken pickle, `UNSAFE_INPUT` for opcodes that would run outside code, and
 * `UNSUPPORTED_VERSION` for a protocol above 5.
 */
export function runMachine<V>(
  bytes: Uint8Array,
  semantics: PickleSemantics<V>,
  options: MachineOptions,
): MachineResult<V> {
  const { format, noun, keep, limits, budget } = options;
  const { maxStack, maxMarks, maxStringBytes } = limits;
  const fetched = new IndexSet(bytes.length);
  const s = semantics;
  const r = new ByteReader(bytes, format);
  const stack: V[] = [];
  const marks: number[] = [];
  const memo = new Memo<V>(bytes.length, keep, semantics.placeholder, budget);
  let protocol: number | null = null;
  let opcodeCount = 0;
  let op = 0;
  let offset = 0;

  if (bytes.length === 0) {
    throw malformed(format, { offset: 0 }, `the file is empty (${noun} is never empty)`);
  }

  const floor = () => (marks.length === 0 ? 0 : (marks[marks.length - 1] as number));
  const underflow = () =>
    malformed(
      format,
      { offset },
      `${opcodeName(op)} needs a value but the stack is empty${marks.length > 0 ? ' above the last MARK' : ''}`,
    );
  const pop = (): V => {
    if (stack.length <= floor()) throw underflow();
    return stack.pop() as V;
  };
  const top = (): V => {
    if (stack.length <= floor()) throw underflow();
    return stack[stack.length - 1] as V;
  };
  const popMark = (): V[] => {
    const mark = marks.pop();
    if (mark === undefined)
      throw malformed(format, { offset }, `${opcodeName(op)} without a preceding MARK`);
    return stack.splice(mark);
  };
  const put = (index: number): void => {
    memo.set(index, top(), offset);
  };
  const get = (index: number): void => {
    fetched.add(index);
    const value = memo.get(index);
    if (value === undefined)
      throw malformed(format, { offset }, `${opcodeName(op)} of memo index ${index}, never stored`);
    stack.push(value as V);
  };
  /** Checks a declared length against the bytes left before anything is read. */
  const span = (length: number, what: string): number => {
    if (length < 0)
      throw malformed(format, { offset }, `${what} declares a negative length (${length})`);
    if (length > r.remaining) {
      throw malformed(
        format,
        { offset },
        `${what} declares ${length} bytes but only ${r.remaining} are left`,
      );
    }
    return r.span(length, what);
  };
  /** A string argument `[start, end)`, refused beyond the longest string allowed. */
  const string = (encoding: StringEncoding, start: number, end: number, what: string) => {
    if (end - start > maxStringBytes) {
      throw overBudget(
        format,
        offset,
        `${what} of ${end - start} bytes is longer than the longest string a profile pickle may hold (${maxStringBytes} bytes)`,
      );
    }
    stack.push(s.string(encoding, start, end, offset));
  };
  /** A string argument with a binary length: checked against the bytes left first. */
  const binaryString = (encoding: StringEncoding, length: number, what: string) => {
    const start = span(length, what);
    string(encoding, start, start + length, what);
  };

  for (;;) {
    if (stack.length > maxStack) {
      throw overBudget(
        format,
        offset,
        `more than ${maxStack} values on the pickle's stack at once (a profile pickle pushes at most a few thousand)`,
      );
    }
    if (r.atEnd) {
      throw malformed(
        format,
        { offset: r.pos },
        'the pickle ends before its STOP opcode (the file is truncated)',
      );
    }
    offset = r.pos;
    op = r.bytes[r.pos++] as number;
    opcodeCount++;
    switch (op) {
      case 0x28: // MARK
        if (marks.length >= maxMarks)
          throw overBudget(format, offset, `more than ${maxMarks} MARKs open at once`);
        marks.push(stack.length);
        break;
      case 0x2e: // STOP
        return { value: pop(), protocol, opcodeCount, end: r.pos, fetched };
      case 0x30: // POP
        if (marks.length > 0 && stack.length === floor()) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x46: {
        // FLOAT
        const [start, end] = line(r, 'FLOAT');
        stack.push(s.floatText(start, end, offset));
        break;
      }
      case 0x49: // INT
      case 0x4c: {
        // LONG
        const [start, end] = line(r, opcodeName(op));
        stack.push(s.intText(start, end, op === 0x4c, offset));
        break;
      }
      case 0x4a: // BININT
        stack.push(s.int(r.i32le('BININT'), offset));
        break;
      case 0x4b: // BININT1
        stack.push(s.int(r.u8('BININT1'), offset));
        break;
      case 0x4d: // BININT2
        stack.push(s.int(r.u16le('BININT2'), offset));
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4
        const length = op === 0x8a ? r.u8('LONG1 length') : r.i32le('LONG4 length');
        const start = span(length, opcodeName(op));
        stack.push(s.intBytes(start, start + length, offset));
        break;
      }
      case 0x47: // BINFLOAT (8 bytes, big-endian)
        stack.push(s.float(r.f64be('BINFLOAT'), offset));
        break;
      case 0x4e: // NONE
        stack.push(s.none(offset));
        break;
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
        stack.push(s.bool(op === 0x88, offset));
        break;
      case 0x53: {
        // STRING
        const [start, end] = line(r, 'STRING');
        string('str-escape', start, end, 'STRING');
        break;
      }
      case 0x54: // BINSTRING
        binaryString('str', r.i32le('BINSTRING length'), 'BINSTRING');
        break;
      case 0x55: // SHORT_BINSTRING
        binaryString('str', r.u8('SHORT_BINSTRING length'), 'SHORT_BINSTRING');
        break;
      case 0x56: {
        // UNICODE
        const [start, end] = line(r, 'UNICODE');
        string('raw-unicode-escape', start, end, 'UNICODE');
        break;
      }
      case 0x58: // BINUNICODE
        binaryString('utf-8', r.u32le('BINUNICODE length'), 'BINUNICODE');
        break;
      case 0x8c: // SHORT_BINUNICODE
        binaryString('utf-8', r.u8('SHORT_BINUNICODE length'), 'SHORT_BINUNICODE');
        break;
      case 0x8d: // BINUNICODE8
        binaryString('utf-8', u64(r, 'BINUNICODE8 length'), 'BINUNICODE8');
        break;
      case 0x42: // BINBYTES
        binaryString('bytes', r.u32le('BINBYTES length'), 'BINBYTES');
        break;
      case 0x43: // SHORT_BINBYTES
        binaryString('bytes', r.u8('SHORT_BINBYTES length'), 'SHORT_BINBYTES');
        break;
      case 0x8e: // BINBYTES8
        binaryString('bytes', u64(r, 'BINBYTES8 length'), 'BINBYTES8');
        break;
      case 0x96: // BYTEARRAY8
        binaryString('bytes', u64(r, 'BYTEARRAY8 length'), 'BYTEARRAY8');
        break;
      case 0x5d: // EMPTY_LIST
        stack.push(s.list([], offset));
        break;
      case 0x6c: // LIST
        stack.push(s.list(popMark(), offset));
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(s.tuple([], offset));
        break;
      case 0x74: // TUPLE
        stack.push(s.tuple(popMark(), offset));
        break;
      case 0x85: // TUPLE1
        stack.push(s.tuple([pop()], offset));
        break;
      case 0x86: {
        // TUPLE2
        const second = pop();
        stack.push(s.tuple([pop(), second], offset));
        break;
      }
      case 0x87: {
        // TUPLE3
        const third = pop();
        const second = pop();
        stack.push(s.tuple([pop(), second, third], offset));
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(s.dict([], offset));
        break;
      case 0x64: {
        // DICT
        const flat = popMark();
        if (flat.length % 2 !== 0)
          throw malformed(format, { offset }, 'DICT with an odd number of items');
        stack.push(s.dict(flat, offset));
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(s.set([], false, offset));
        break;
      case 0x91: // FROZENSET
        stack.push(s.set(popMark(), true, offset));
        break;
      case 0x61: {
        // APPEND
        const value = pop();
        s.append(top(), [value], offset);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        s.append(top(), items, offset);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        s.setItems(top(), [key, value], offset);
        break;
      }
      case 0x75: {
        // SETITEMS
        const flat = popMark();
        if (flat.length % 2 !== 0)
          throw malformed(format, { offset }, 'SETITEMS with an odd number of items');
        s.setItems(top(), flat, offset);
        break;
      }
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        s.addItems(top(), items, offset);
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = nameText(r, 'GLOBAL module');
        const name = nameText(r, 'GLOBAL name');
        stack.push(s.global(module, name, offset));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        stack.push(s.stackGlobal(module, name, offset));
        break;
      }
      case 0x69: {
        // INST
        const module = nameText(r, 'INST module');
        const name = nameText(r, 'INST name');
        const cls = s.global(module, name, offset);
        stack.push(s.instantiate(cls, popMark(), offset));
        break;
      }
      case 0x6f: {
        // OBJ
        const items = popMark();
        if (items.length === 0) throw malformed(format, { offset }, 'OBJ without a class');
        stack.push(s.instantiate(items[0] as V, items.slice(1), offset));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        stack.push(s.reduce(callable, args, offset));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        stack.push(s.newObject(cls, args, undefined, offset));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const keywords = pop();
        const args = pop();
        const cls = pop();
        stack.push(s.newObject(cls, args, keywords, offset));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        s.build(top(), state, offset);
        break;
      }
      case 0x70: // PUT
        put(memoIndexText(r, 'PUT'));
        break;
      case 0x71: // BINPUT
        put(r.u8('BINPUT index'));
        break;
      case 0x72: // LONG_BINPUT
        put(r.u32le('LONG_BINPUT index'));
        break;
      case 0x94: // MEMOIZE
        put(memo.size);
        break;
      case 0x67: // GET
        get(memoIndexText(r, 'GET'));
        break;
      case 0x68: // BINGET
        get(r.u8('BINGET index'));
        break;
      case 0x6a: // LONG_BINGET
        get(r.u32le('LONG_BINGET index'));
        break;
      case 0x80: {
        // PROTO
        const version = r.u8('PROTO version');
        if (version > HIGHEST_PROTOCOL) {
          throw unsupportedVersion(
            format,
            `pickle protocol ${version}`,
            `protocols 0–${HIGHEST_PROTOCOL}`,
            { offset },
          );
        }
        protocol = version;
        break;
      }
      case 0x95: {
        // FRAME: a length prefix for the opcodes that follow; only checked
        const length = u64(r, 'FRAME length');
        if (length > r.remaining) {
          throw malformed(
            format,
            { offset },
            `FRAME declares ${length} bytes but only ${r.remaining} are left`,
          );
        }
        break;
      }
      case 0x50: // PERSID
      case 0x51: // BINPERSID
        throw unsafeInput(
          format,
          { offset },
          `${opcodeName(op)} at offset ${offset} asks the reader to look up a persistent object, which would run code outside the pickle; ${noun} never does this`,
        );
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        throw unsafeInput(
          format,
          { offset },
          `${opcodeName(op)} at offset ${offset} names a global through the extension registry; ${noun} never does this`,
        );
      case 0x97: // NEXT_BUFFER
      case 0x98: // READONLY_BUFFER
        throw malformed(
          format,
          { offset },
          `${opcodeName(op)} refers to an out-of-band buffer, which a pickle file cannot carry`,
        );
      default:
        throw malformed(
          format,
          { offset },
          `unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}`,
        );
    }
  }
}
