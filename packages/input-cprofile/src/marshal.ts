/**
 * A reader for CPython's `marshal` serialization as found in pstats dumps, written for
 * this project from specs/marshal.md: both dialects (Python 2's `s`/`t`/`R` interned-string
 * table, Python 3.4+'s FLAG_REF/`r` references and compact ASCII/small-tuple codes) and
 * code objects in every layout from 2.7 to 3.14. It is a toolkit, not a loader: the pstats
 * layer drives it position by position (`readKeyParts`, `readCount`, `readTupleHeader`…)
 * so the bulk of a dump is never materialised as generic objects, while anything a later
 * `r` reference may point at is kept in the reference table — shared, never copied.
 *
 * Safety by construction: every declared length is checked against the bytes left before
 * anything is allocated, and a string's against the read's string budget (core's
 * limits.ts) before it is decoded; nesting is capped at CPython's own limit (2000); a
 * reference to an object still being read is refused, so self-containing objects cannot
 * make anyone loop; unknown type codes and codes that never belong in a stats dict are
 * errors with their offset. Time is linear in the bytes: a long is assembled in one pass
 * over its digits (and refused above `MAX_LONG_DIGITS`), a reference yields the object
 * read before (shared, never copied), and the self-contained bytes of code objects —
 * the one place a referenced object is written out again — are charged against a byte
 * budget as large as the input, so a reference cannot make them grow without bound.
 */
import {
  ByteReader,
  budgetFor,
  type CodeObjectMarshal,
  decodeLatin1,
  decodeSurrogatePass,
  decodeText,
  encodeSurrogatePass,
  encodeText,
  malformed,
  ProfileError,
  type ReadBudget,
  withCommas,
} from '@pyprof/core';

export const FORMAT = 'cprofile';
/** CPython's MAX_MARSHAL_STACK_DEPTH. */
export const MAX_DEPTH = 2000;
/**
 * Most 15-bit digits in a long (`l`): 2,000 digits are 30,000 bits, about 9,000 decimal
 * digits — twice what Python 3.11+ lets a literal have (`sys.int_info.default_max_str_digits`,
 * 4,300). No count, time or line number needs more than 4 digits; a bigger long can only be
 * a constant in a code object.
 */
export const MAX_LONG_DIGITS = 2000;
const FLAG_REF = 0x80;

/** A placeholder in the reference table for an object whose reading has not finished. */
const PENDING: unique symbol = Symbol('pending');

export class MarshalTuple {
  constructor(readonly items: readonly MarshalValue[]) {}
}
export class MarshalList {
  constructor(readonly items: readonly MarshalValue[]) {}
}
export class MarshalDict {
  constructor(readonly entries: ReadonlyArray<readonly [MarshalValue, MarshalValue]>) {}
}
export class MarshalSet {
  constructor(
    readonly items: readonly MarshalValue[],
    readonly frozen: boolean,
  ) {}
}
export class MarshalCode {
  /** The code object's self-contained marshal bytes (set once it is read; see `readCodeBody`). */
  marshal: CodeObjectMarshal | undefined;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly name: string,
    readonly qualifiedName: string | undefined,
  ) {}
}

/**
 * While an outermost code object is read: where its reference slots start, and every reference inside it — and every Python 2 string that
 * enters the table — as (offset of the `r`/`R`/`t` byte, index) pairs, so its bytes can be
 * made self-contained afterwards.
 */
interface CodeCapture {
  readonly refBase: number;
  readonly sites: number[];
}
/** A value of a kind the pstats layer never looks into (complex, Ellipsis, slices…). */
export class MarshalOpaque {
  constructor(readonly kind: string) {}
}

export type MarshalValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | MarshalTuple
  | MarshalList
  | MarshalDict
  | MarshalSet
  | MarshalCode
  | MarshalOpaque
  | object; // values the pstats layer stores for its own positions (see `setRef`)

/** The code-object field layouts of specs/marshal.md §11.1. */
export type CodeLayout = '2.x' | '3.0-3.7' | '3.8-3.10' | '3.11+';
const LAYOUT_LEADING_INTS: Record<CodeLayout, number> = {
  '2.x': 4,
  '3.0-3.7': 5,
  '3.8-3.10': 6,
  '3.11+': 5,
};
const LAYOUT_LABEL: Record<CodeLayout, string> = {
  '2.x': 'Python 2.x',
  '3.0-3.7': 'Python 3.0–3.7',
  '3.8-3.10': 'Python 3.8–3.10',
  '3.11+': 'Python 3.11–3.14',
};

const TYPE_NAMES: Record<string, string> = {
  '0': 'NULL',
  N: 'None',
  F: 'False',
  T: 'True',
  S: 'StopIteration',
  '.': 'Ellipsis',
  i: 'int',
  I: 'int64',
  l: 'long',
  f: 'float',
  g: 'float',
  x: 'complex',
  y: 'complex',
  s: 'string',
  t: 'interned string',
  R: 'string reference',
  u: 'unicode string',
  a: 'ASCII string',
  A: 'ASCII string',
  z: 'short ASCII string',
  Z: 'short ASCII string',
  '(': 'tuple',
  ')': 'tuple',
  '[': 'list',
  '{': 'dict',
  r: 'reference',
  '<': 'set',
  '>': 'frozenset',
  c: 'code object',
  '?': 'unknown-object marker',
  ':': 'slice',
};

export function describeType(code: number): string {
  const ch = String.fromCharCode(code & ~FLAG_REF);
  const name = TYPE_NAMES[ch];
  return name ? `${name} ('${ch}')` : `unknown type code 0x${code.toString(16).padStart(2, '0')}`;
}

export class MarshalReader {
  readonly in: ByteReader;
  /**
   * The marshal dialect, once the data shows it: 2 (Python 2: `t` strings enter a table
   * that `R` refers to, `s` is text) or 3 (Python 3.4+: FLAG_REF, `r`, compact codes).
   * A leading `{` without the flag does not decide it on its own.
   */
  dialect: 2 | 3 | undefined;
  readonly refs: unknown[] = [];
  readonly interned: string[] = [];
  codeLayout: CodeLayout | undefined;
  depth = 0;
  /** Set while the outermost code object is read. */
  capture: CodeCapture | undefined;

  /** What the read may allocate (strings are checked against it before decoding). */
  readonly budget: ReadBudget;
  /**
   * Bytes the self-contained copies of code objects may still take: as many as the input
   * has (a reference inlined there is a copy, the one place the reader copies).
   */
  inlineBytesLeft: number;

  constructor(bytes: Uint8Array, budget: ReadBudget = budgetFor({}, bytes.length)) {
    this.in = new ByteReader(bytes, FORMAT);
    this.dialect = bytes[0] === 0xfb ? 3 : undefined;
    this.budget = budget;
    this.inlineBytesLeft = bytes.length;
  }

  /** Checks a string's declared length against the string budget. */
  checkString(length: number, offset: number): void {
    if (length > this.budget.limits.stringBytes)
      this.budget.string(length, FORMAT, { offset }, 'a string');
  }

  /** True unless the data has shown Python 3 codes. */
  get python2(): boolean {
    return this.dialect !== 3;
  }

  /** Records which dialect a type byte belongs to; codes of both in one file are an error. */
  evidence(major: 2 | 3, raw: number, offset: number): void {
    if (this.dialect === undefined) this.dialect = major;
    else if (this.dialect !== major) {
      const what = raw & FLAG_REF ? 'a reference flag' : describeType(raw);
      throw this.error(
        `${what} (Python ${major} marshal) in Python ${this.dialect} marshal data`,
        offset,
      );
    }
  }

  error(message: string, offset = this.in.pos): ProfileError {
    return malformed(FORMAT, { offset }, message);
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw this.error(
        `objects nested more than ${MAX_DEPTH} levels deep (CPython's marshal limit)`,
      );
    }
  }

  leave(): void {
    this.depth--;
  }

  /** The slot the last `typeCode` reserved (-1 for none) and the offset of its type byte. */
  slot = -1;
  codeOffset = 0;

  /**
   * Reads a type byte and returns the code without the flag; when flagged, reserves a
   * reference slot (left in `slot`; copy it before reading anything else).
   */
  typeCode(what: string): number {
    const offset = this.in.pos;
    if (offset >= this.in.length) this.in.need(1, what);
    const raw = this.in.bytes[offset] as number;
    this.in.pos = offset + 1;
    const code = raw & 0x7f;
    this.codeOffset = offset;
    this.slot = -1;
    if (raw & FLAG_REF) {
      if (this.dialect !== 3) this.evidence(3, raw, offset);
      if (!NO_SLOT[code]) {
        this.slot = this.refs.length;
        this.refs.push(PENDING);
      }
    } else if (this.dialect !== 3 && PYTHON3_ONLY[code]) {
      this.evidence(3, raw, offset);
    }
    return code;
  }

  setRef(slot: number, value: unknown): void {
    if (slot >= 0) this.refs[slot] = value;
  }

  /** The object an `r` reference (its type byte already read) points at. */
  resolveRef(offset: number): unknown {
    const index = this.in.i32le('reference index');
    if (index < 0 || index >= this.refs.length) {
      throw this.error(
        `invalid reference ${index} (only ${this.refs.length} objects can be referenced here)`,
        offset,
      );
    }
    const value = this.refs[index];
    if (value === PENDING) {
      throw this.error(
        `reference ${index} points at an object that is still being read (a self-containing object)`,
        offset,
      );
    }
    this.capture?.sites.push(offset, index);
    return value;
  }

  /** A Python 2 interned-string reference (`R`, its type byte already read). */
  resolveStringRef(offset: number): string {
    this.evidence(2, 0x52, offset);
    const index = this.in.i32le('string reference index');
    if (index < 0 || index >= this.interned.length) {
      throw this.error(
        `invalid string reference ${index} (${this.interned.length} interned strings so far)`,
        offset,
      );
    }
    this.capture?.sites.push(offset, index);
    return this.interned[index] as string;
  }

  length(what: string): number {
    const offset = this.in.pos;
    const n = this.in.i32le(`${what} length`);
    if (n < 0) throw this.error(`${what} has a negative length (${n})`, offset);
    return n;
  }

  /** Element counts: each element takes at least one byte, so more than the bytes left is a lie. */
  count(what: string, n: number, offset: number): number {
    if (n > this.in.remaining) {
      throw this.error(
        `${what} declares ${n} items but only ${this.in.remaining} bytes are left`,
        offset,
      );
    }
    return n;
  }

  /** Reads the payload of a string-like code (type byte already read); undefined if not one. */
  stringPayload(code: number, offset: number): string | Uint8Array | undefined {
    switch (code) {
      case 0x7a /* z */:
      case 0x5a /* Z */:
        {
          const n = this.in.u8('string length');
          const start = this.in.span(n, 'string');
          return decodeLatin1(this.in.bytes, start, start + n);
        }
      case 0x61 /* a */:
      case 0x41 /* A */:
        {
          const n = this.length('string');
          const start = this.in.span(n, 'string');
          this.checkString(n, offset);
          return decodeLatin1(this.in.bytes, start, start + n);
        }
      case 0x75 /* u */:
        {
          const n = this.length('string');
          const start = this.in.span(n, 'string');
          this.checkString(n, offset);
          return decodeSurrogatePass(this.in.bytes, start, start + n);
        }
      case 0x74 /* t */:
        {
          const n = this.length('string');
          const start = this.in.span(n, 'string');
          this.checkString(n, offset);
          // Python 2: an interned byte string, entered in the table; 3: UTF-8, surrogatepass.
          if (!this.python2) return decodeSurrogatePass(this.in.bytes, start, start + n);
          const text = decodeText(this.in.bytes, start, start + n);
          this.interned.push(text);
          this.capture?.sites.push(offset, this.interned.length - 1);
          return text;
        }
      case 0x73 /* s */:
        {
          const n = this.length('string');
          const start = this.in.span(n, 'string');
          // Python 3 bytes stay a view of the input (code, line tables); text is checked.
          if (this.python2) this.checkString(n, offset);
          return this.python2
            ? decodeText(this.in.bytes, start, start + n)
            : this.in.bytes.subarray(start, start + n);
        }
      case 0x52 /* R */:
        return this.resolveStringRef(offset);
      default:
        return undefined;
    }
  }

  /** An integer payload (type byte already read), or undefined if `code` is no integer code. */
  intPayload(code: number, offset: number): number | bigint | undefined {
    switch (code) {
      case 0x69 /* i */:
        return this.in.i32le('int');
      case 0x49 /* I */:
        {
          const lo = this.in.u32le('int64');
          const hi = this.in.i32le('int64');
          const value = BigInt(hi) * 4294967296n + BigInt(lo);
          return Number.isSafeInteger(Number(value)) ? Number(value) : value;
        }
      case 0x6c /* l */:
        return this.longPayload(offset);
      default:
        return undefined;
    }
  }

  /**
   * A long's payload (`i32 n`, then |n| 15-bit digits, least significant first), in one
   * pass: up to 3 digits (45 bits) as a plain number; more as a BigInt made from the
   * digits' hexadecimal text, which takes time linear in the digits (adding shifted
   * digits one by one to a BigInt was quadratic: 20 s for 100,000 digits). A 4-digit long
   * that fits a double's integers is returned as a number.
   */
  longPayload(offset: number): number | bigint {
    const n = this.in.i32le('long digit count');
    const digits = Math.abs(n);
    if (digits > MAX_LONG_DIGITS) {
      throw this.error(
        `a long of ${withCommas(digits)} digits (about ${withCommas(Math.ceil(digits * 15 * Math.LOG10E * Math.LN2))} decimal digits): no profile holds an integer that large (at most ${withCommas(MAX_LONG_DIGITS)} digits are read)`,
        offset,
      );
    }
    this.in.need(digits * 2, 'long digits');
    const bytes = this.in.bytes;
    const start = this.in.pos;
    for (let k = 0; k < digits; k++) {
      const d = (bytes[start + 2 * k] as number) | ((bytes[start + 2 * k + 1] as number) << 8);
      if (d >= 0x8000) {
        this.in.pos = start + 2 * k;
        throw this.error(`long digit out of range (0x${d.toString(16)})`, offset);
      }
      if (k === digits - 1 && d === 0)
        throw this.error('unnormalized long (zero top digit)', offset);
    }
    this.in.pos = start + digits * 2;
    const digit = (k: number) =>
      (bytes[start + 2 * k] as number) | ((bytes[start + 2 * k + 1] as number) << 8);
    if (digits <= 3) {
      let small = 0;
      for (let k = 0; k < digits; k++) small += digit(k) * 2 ** (15 * k);
      return n < 0 ? -small : small;
    }
    // Bits, most significant first, 4 to a hexadecimal digit.
    const bits = digits * 15;
    const hex: string[] = [];
    let accumulator = 0;
    let held = 0;
    // Feed bits from the top: digit k holds bits 15k..15k+14.
    const top = Math.ceil(bits / 4) * 4;
    held = top - bits; // leading zero bits that pad the top to a whole hex digit
    for (let k = digits - 1; k >= 0; k--) {
      accumulator = (accumulator << 15) | digit(k);
      held += 15;
      while (held >= 4) {
        held -= 4;
        hex.push(((accumulator >>> held) & 0xf).toString(16));
      }
      accumulator &= (1 << held) - 1;
    }
    let value = BigInt(`0x${hex.join('')}`);
    if (n < 0) value = -value;
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : value;
  }

  /** A float payload (type byte already read), or undefined if `code` is no float code. */
  floatPayload(code: number, offset: number): number | undefined {
    if (code === 0x67 /* g */) return this.in.f64le('float');
    if (code === 0x66 /* f */) {
      const n = this.in.u8('float text length');
      const start = this.in.span(n, 'float text');
      return parseFloatText(decodeLatin1(this.in.bytes, start, start + n), this, offset);
    }
    return undefined;
  }

  /** Reads any object (used for code objects and unusual positions). */
  readObject(): unknown {
    this.enter();
    const code = this.typeCode('object');
    const slot = this.slot;
    const offset = this.codeOffset;
    let value: unknown;
    switch (code) {
      case 0x4e /* N */:
        value = null;
        break;
      case 0x54 /* T */:
        value = true;
        break;
      case 0x46 /* F */:
        value = false;
        break;
      case 0x2e /* . */:
        value = new MarshalOpaque('Ellipsis');
        break;
      case 0x72 /* r */:
        value = this.resolveRef(offset);
        break;
      case 0x28 /* ( */:
      case 0x29 /* ) */:
      case 0x5b /* [ */:
      case 0x3c /* < */:
      case 0x3e /* > */:
        {
          const n = this.count(
            describeType(code),
            code === 0x29 ? this.in.u8('tuple length') : this.length(describeType(code)),
            offset,
          );
          const items: unknown[] = [];
          const made =
            code === 0x5b
              ? new MarshalList(items as MarshalValue[])
              : code === 0x3c || code === 0x3e
                ? new MarshalSet(items as MarshalValue[], code === 0x3e)
                : new MarshalTuple(items as MarshalValue[]);
          // CPython fills tuple/list/dict/set slots before reading the items, frozensets after;
          // either way a reference from inside is refused (PENDING stays until complete).
          for (let k = 0; k < n; k++) items.push(this.readObject());
          value = made;
          break;
        }
      case 0x7b /* { */:
        {
          const entries: Array<[MarshalValue, MarshalValue]> = [];
          for (;;) {
            if (this.in.peek() === 0x30) {
              this.in.pos++;
              break;
            }
            const key = this.readObject() as MarshalValue;
            if (this.in.peek() === 0x30)
              throw this.error('dict ends (NULL) where a value was expected');
            entries.push([key, this.readObject() as MarshalValue]);
          }
          value = new MarshalDict(entries);
          break;
        }
      case 0x63 /* c */:
        value = this.readCodeBody(offset);
        break;
      case 0x78 /* x */:
        {
          for (let k = 0; k < 2; k++) {
            const n = this.in.u8('complex text length');
            this.in.span(n, 'complex text');
          }
          value = new MarshalOpaque('complex');
          break;
        }
      case 0x79 /* y */:
        this.in.f64le('complex');
        this.in.f64le('complex');
        value = new MarshalOpaque('complex');
        break;
      case 0x3a /* : */:
        for (let k = 0; k < 3; k++) this.readObject();
        value = new MarshalOpaque('slice');
        break;
      case 0x30 /* 0 */:
        throw this.error('NULL where an object was expected', offset);
      case 0x53 /* S */:
      case 0x3f /* ? */:
        throw this.error(`unexpected ${describeType(code)} in marshal data`, offset);
      default: {
        const text = this.stringPayload(code, offset);
        if (text !== undefined) {
          value = text;
          break;
        }
        const int = this.intPayload(code, offset);
        if (int !== undefined) {
          value = int;
          break;
        }
        const float = this.floatPayload(code, offset);
        if (float !== undefined) {
          value = float;
          break;
        }
        throw this.error(`${describeType(code)} is not a marshal type code`, offset);
      }
    }
    this.setRef(slot, value);
    this.leave();
    return value;
  }

  /**
   * A code object's fields (its `c` byte and slot already read). The first code object of
   * a file is tried against each layout (specs/marshal.md §11.2); the one that parses is
   * used for the rest of the file.
   */
  readCodeBody(offset: number): MarshalCode {
    if (this.capture) return this.readCodeFields(offset);
    // The outermost code object: its references are recorded to make its bytes self-contained.
    const capture: CodeCapture = {
      refBase: this.slot >= 0 ? this.slot : this.refs.length,
      sites: [],
    };
    this.capture = capture;
    let code: MarshalCode;
    try {
      code = this.readCodeFields(offset);
    } finally {
      this.capture = undefined;
    }
    const bytes = this.selfContained(offset, this.in.pos, capture);
    if (bytes && this.codeLayout) code.marshal = { layout: this.codeLayout, bytes };
    return code;
  }

  /**
   * The bytes of the code object at `start`…`end` as if it began its own marshal stream
   * (core's `CodeObjectMarshal`): references inside it renumbered from its first slot (or
   * string-table entry), references to objects read before it replaced by those objects —
   * a Python 2 interned string as `t`, entering the table where Python 2's marshal would
   * have put it, so the bytes are what 2.7 writes for the code object alone. Undefined
   * when such an object cannot be written out again (never seen in real dumps: CPython
   * shares only interned strings and small ints across a code object's boundary).
   */
  selfContained(start: number, end: number, capture: CodeCapture): Uint8Array | undefined {
    const source = this.in.bytes;
    const parts: Uint8Array[] = [];
    let at = start;
    const { sites, refBase } = capture;
    // Python 2: the file's string-table index → the code object's own.
    const local = new Map<number, number>();
    const reference = (code: number, index: number) => {
      const ref = new Uint8Array(5);
      ref[0] = code;
      new DataView(ref.buffer).setInt32(1, index, true);
      return ref;
    };
    for (let k = 0; k < sites.length; k += 2) {
      const offset = sites[k] as number;
      const index = sites[k + 1] as number;
      const code = source[offset] as number;
      if (code === 0x74 /* t */) {
        local.set(index, local.size);
        continue;
      }
      parts.push(source.subarray(at, offset));
      at = offset + 5;
      if (code === 0x52 /* R */) {
        const own = local.get(index);
        if (own !== undefined) {
          parts.push(reference(0x52, own));
          continue;
        }
        local.set(index, local.size);
        const inline = marshalBytes(encodeText(this.interned[index] as string));
        inline[0] = 0x74; /* t */
        this.inlineBytesLeft -= inline.length;
        if (this.inlineBytesLeft < 0) return undefined;
        parts.push(inline);
        continue;
      }
      if (index >= refBase) {
        parts.push(reference(code, index - refBase));
        continue;
      }
      const budget = { left: this.inlineBytesLeft };
      const inline = marshalValue(this.refs[index], budget);
      this.inlineBytesLeft = budget.left;
      if (!inline) return undefined;
      parts.push(inline);
    }
    parts.push(source.subarray(at, end));
    let length = 0;
    for (const part of parts) length += part.length;
    const out = new Uint8Array(length);
    length = 0;
    for (const part of parts) {
      out.set(part, length);
      length += part.length;
    }
    return out;
  }

  readCodeFields(offset: number): MarshalCode {
    if (this.codeLayout) return this.readCodeWithLayout(this.codeLayout, offset);
    const candidates: CodeLayout[] = this.python2
      ? ['2.x', '3.0-3.7', '3.8-3.10', '3.11+']
      : ['3.11+', '3.8-3.10', '3.0-3.7', '2.x'];
    const start = this.in.pos;
    const refCount = this.refs.length;
    const internedCount = this.interned.length;
    const depth = this.depth;
    const dialect = this.dialect;
    const sites = this.capture?.sites.length ?? 0;
    const failures: ProfileError[] = [];
    for (const layout of candidates) {
      this.codeLayout = layout;
      try {
        return this.readCodeWithLayout(layout, offset);
      } catch (error) {
        if (!(error instanceof ProfileError)) throw error;
        failures.push(error);
        this.in.pos = start;
        this.refs.length = refCount;
        this.interned.length = internedCount;
        this.depth = depth;
        this.dialect = dialect;
        if (this.capture) this.capture.sites.length = sites;
      }
    }
    this.codeLayout = undefined;
    if (failures.every((f) => f.message.startsWith('unexpected end of data')))
      throw failures[0] as ProfileError;
    throw new ProfileError(
      'UNSUPPORTED_VERSION',
      `code object at offset ${offset} fits none of the known layouts (${candidates
        .map((c) => LAYOUT_LABEL[c])
        .join(', ')}): written by a Python version this reader does not know`,
      { format: FORMAT, place: { offset } },
    );
  }

  readCodeWithLayout(layout: CodeLayout, offset: number): MarshalCode {
    const ints = LAYOUT_LEADING_INTS[layout];
    for (let k = 0; k < ints; k++) this.in.i32le('code object field');
    const bytesLike = (v: unknown) =>
      v instanceof Uint8Array || (this.python2 && typeof v === 'string');
    const strTuple = (v: unknown) =>
      v instanceof MarshalTuple && v.items.every((s) => typeof s === 'string');
    const expect = (ok: boolean, field: string) => {
      if (!ok)
        throw this.error(
          `code object field ${field} has the wrong type for the ${LAYOUT_LABEL[layout]} layout`,
          offset,
        );
    };
    expect(bytesLike(this.readObject()), 'co_code');
    expect(this.readObject() instanceof MarshalTuple, 'co_consts');
    expect(strTuple(this.readObject()), 'co_names');
    let file: unknown;
    let name: unknown;
    let qualname: unknown;
    if (layout === '3.11+') {
      const names = this.readObject();
      expect(strTuple(names), 'co_localsplusnames');
      const kinds = this.readObject();
      expect(
        bytesLike(kinds) && (kinds as Uint8Array).length === (names as MarshalTuple).items.length,
        'co_localspluskinds',
      );
      file = this.readObject();
      name = this.readObject();
      qualname = this.readObject();
      expect(typeof qualname === 'string', 'co_qualname');
    } else {
      expect(strTuple(this.readObject()), 'co_varnames');
      expect(strTuple(this.readObject()), 'co_freevars');
      expect(strTuple(this.readObject()), 'co_cellvars');
      file = this.readObject();
      name = this.readObject();
    }
    expect(typeof file === 'string', 'co_filename');
    expect(typeof name === 'string', 'co_name');
    const line = this.in.i32le('co_firstlineno');
    expect(
      bytesLike(this.readObject()),
      layout === '3.11+' || layout === '3.8-3.10' ? 'co_linetable' : 'co_lnotab',
    );
    if (layout === '3.11+') expect(bytesLike(this.readObject()), 'co_exceptiontable');
    return new MarshalCode(file as string, line, name as string, qualname as string | undefined);
  }

  /** The code layout of this file (known once a code object was read), for metadata. */
  get layoutLabel(): string | undefined {
    return this.codeLayout ? LAYOUT_LABEL[this.codeLayout] : undefined;
  }
}

function codeTable(codes: number[]): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of codes) table[c] = 1;
  return table;
}

/** Codes only Python 3.4+ writes: `r`, `z`, `Z`, `a`, `A`, `)`. */
const PYTHON3_ONLY = codeTable([0x72, 0x7a, 0x5a, 0x61, 0x41, 0x29]);

/** Type codes whose FLAG_REF bit is ignored (no slot), as in CPython's r_object. */
const NO_SLOT = codeTable([0x30, 0x4e, 0x46, 0x54, 0x53, 0x2e, 0x72]);

const FLOAT_TEXT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

function parseFloatText(text: string, reader: MarshalReader, offset: number): number {
  if (!FLOAT_TEXT.test(text))
    throw reader.error(`invalid float text ${JSON.stringify(text)}`, offset);
  const lower = text.toLowerCase().replace(/^\+/, '');
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower.endsWith('nan')) return Number.NaN;
  return Number(text);
}

/** `s` + length + bytes: a Python 2 `str` / Python 3 `bytes`. */
function marshalBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + bytes.length);
  out[0] = 0x73; /* s */
  new DataView(out.buffer).setInt32(1, bytes.length, true);
  out.set(bytes, 5);
  return out;
}

/**
 * A value read from a Python 3 stream, written again without the reference flag: text,
 * bytes, integers, floats, None, booleans and tuples of those (what a code object can
 * share with the objects before it). Undefined for anything else, and once the bytes
 * written would pass `budget.left` (which is lowered by what is written): a tuple that
 * holds one object many times, through references, is written out in full each time.
 */
function marshalValue(value: unknown, budget: { left: number }): Uint8Array | undefined {
  if (--budget.left < 0) return undefined;
  if (value === null) return Uint8Array.of(0x4e);
  if (value === true) return Uint8Array.of(0x54);
  if (value === false) return Uint8Array.of(0x46);
  if (value instanceof Uint8Array) {
    budget.left -= value.length + 4;
    return budget.left < 0 ? undefined : marshalBytes(value);
  }
  if (typeof value === 'string') {
    budget.left -= value.length * 3 + 4;
    if (budget.left < 0) return undefined;
    const bytes = encodeSurrogatePass(value);
    const out = marshalBytes(bytes);
    out[0] = 0x75; /* u */
    return out;
  }
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31) {
    const out = new Uint8Array(5);
    out[0] = 0x69; /* i */
    new DataView(out.buffer).setInt32(1, value, true);
    return out;
  }
  if (typeof value === 'number' && !Number.isInteger(value)) {
    const out = new Uint8Array(9);
    out[0] = 0x67; /* g */
    new DataView(out.buffer).setFloat64(1, value, true);
    return out;
  }
  if (value instanceof MarshalTuple) {
    const items: Uint8Array[] = [];
    for (const item of value.items) {
      const bytes = marshalValue(item, budget);
      if (!bytes) return undefined;
      items.push(bytes);
    }
    const head = new Uint8Array(5);
    head[0] = 0x28; /* ( */
    new DataView(head.buffer).setInt32(1, items.length, true);
    let length = 5;
    for (const item of items) length += item.length;
    const out = new Uint8Array(length);
    out.set(head, 0);
    length = 5;
    for (const item of items) {
      out.set(item, length);
      length += item.length;
    }
    return out;
  }
  return undefined;
}
