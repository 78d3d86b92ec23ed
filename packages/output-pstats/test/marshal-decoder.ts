// An independent marshal decoder for the writer's tests (the package may not use the pstats
// reader): generic values, both dialects, references checked the way CPython's r_object
// checks them (slots reserved in pre-order, `r` only to a filled slot), code objects
// decoded as their fields. Strict: anything unexpected throws, so a test fails loudly.
import { type CodeObjectLayout, decodeSurrogatePass, decodeText } from '@pyprof/core';

export class PyTuple {
  constructor(readonly items: Value[]) {}
}
export class PyDict {
  constructor(readonly entries: Array<[Value, Value]>) {}
}
/** Python 2 `str`, Python 3 `bytes`: the raw bytes and their text. */
export class PyBytes {
  constructor(
    readonly bytes: Uint8Array,
    readonly interned: boolean,
  ) {}
  get text(): string {
    return decodeText(this.bytes);
  }
}
export class PyText {
  constructor(readonly text: string) {}
}
export class PyInt {
  constructor(readonly value: number) {}
}
export class PyFloat {
  constructor(readonly value: number) {}
}
export class PyCode {
  constructor(
    readonly fields: Value[],
    readonly filename: Value,
    readonly name: Value,
    readonly firstLine: number,
  ) {}
}
export class PyOther {
  constructor(readonly code: string) {}
}
export type Value = PyTuple | PyDict | PyBytes | PyText | PyInt | PyFloat | PyCode | PyOther | null;

const LEADING: Record<CodeObjectLayout, number> = {
  '2.x': 4,
  '3.0-3.7': 5,
  '3.8-3.10': 6,
  '3.11+': 5,
};

export interface Decoded {
  value: Value;
  /** Codes seen, e.g. `{`, `)*`, `r` (a `*` marks the reference flag). */
  codes: Set<string>;
  /** Flagged objects per slot. */
  slots: Value[];
}

export function decodeMarshal(bytes: Uint8Array, major: 2 | 3, layout?: CodeObjectLayout): Decoded {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const slots: Array<Value | undefined> = [];
  const strings: Value[] = [];
  const codes = new Set<string>();
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new Error(`truncated at ${pos}`);
  };
  const i32 = () => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const span = (n: number) => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const read = (): Value => {
    need(1);
    const raw = bytes[pos++] as number;
    const ch = String.fromCharCode(raw & 0x7f);
    const flag = (raw & 0x80) !== 0;
    codes.add(flag ? `${ch}*` : ch);
    if (flag && major === 2) throw new Error('reference flag in Python 2 data');
    let slot = -1;
    if (flag && !'0NFTS.r'.includes(ch)) {
      slot = slots.length;
      slots.push(undefined);
    }
    const done = (value: Value): Value => {
      if (slot >= 0) slots[slot] = value;
      return value;
    };
    switch (ch) {
      case 'N':
        return null;
      case 'T':
      case 'F':
      case '.':
        return new PyOther(ch);
      case 'i':
        return done(new PyInt(i32()));
      case 'I': {
        const lo = view.getUint32(pos, true);
        const hi = view.getInt32(pos + 4, true);
        pos += 8;
        return done(new PyInt(hi * 2 ** 32 + lo));
      }
      case 'l': {
        const n = i32();
        let value = 0;
        for (let k = 0; k < Math.abs(n); k++) {
          const digit = view.getUint16(pos, true);
          pos += 2;
          if (digit >= 0x8000) throw new Error('bad long digit');
          if (k === Math.abs(n) - 1 && digit === 0) throw new Error('unnormalized long');
          value += digit * 2 ** (15 * k);
        }
        return done(new PyInt(n < 0 ? -value : value));
      }
      case 'g': {
        need(8);
        const v = view.getFloat64(pos, true);
        pos += 8;
        return done(new PyFloat(v));
      }
      case 'y':
        span(16);
        return done(new PyOther('complex'));
      case 's':
        return done(new PyBytes(span(i32()), false));
      case 't': {
        const b = span(i32());
        if (major === 3) return done(new PyText(decodeSurrogatePass(b)));
        const value = new PyBytes(b, true);
        strings.push(value);
        return value;
      }
      case 'R': {
        if (major === 3) throw new Error('R in Python 3 data');
        const v = strings[i32()];
        if (v === undefined) throw new Error('bad string reference');
        return v;
      }
      case 'u':
        return done(new PyText(decodeSurrogatePass(span(i32()))));
      case 'a':
      case 'A':
        return done(new PyText(decodeText(span(i32()))));
      case 'z':
      case 'Z': {
        need(1);
        return done(new PyText(decodeText(span(bytes[pos++] as number))));
      }
      case '(':
      case ')':
      case '>': {
        if (ch === ')' && major === 2) throw new Error('small tuple in Python 2 data');
        let n: number;
        if (ch === ')') {
          need(1);
          n = bytes[pos++] as number;
        } else n = i32();
        const items: Value[] = [];
        const tuple = new PyTuple(items);
        if (slot >= 0) slots[slot] = tuple;
        for (let k = 0; k < n; k++) items.push(read());
        return tuple;
      }
      case '{': {
        const entries: Array<[Value, Value]> = [];
        const dict = new PyDict(entries);
        if (slot >= 0) slots[slot] = dict;
        for (;;) {
          need(1);
          if (bytes[pos] === 0x30) {
            pos++;
            return dict;
          }
          const key = read();
          entries.push([key, read()]);
        }
      }
      case 'r': {
        const index = i32();
        const value = slots[index];
        if (value === undefined) throw new Error(`bad reference ${index}`);
        return value;
      }
      case 'c': {
        if (!layout) throw new Error('a code object, but no layout given');
        span(4 * LEADING[layout]);
        const fields: Value[] = [];
        for (let k = 0; k < 8; k++) fields.push(read());
        const firstLine = i32();
        fields.push(read());
        if (layout === '3.11+') fields.push(read());
        const code = new PyCode(
          fields,
          fields[layout === '3.11+' ? 5 : 6] ?? null,
          fields[layout === '3.11+' ? 6 : 7] ?? null,
          firstLine,
        );
        return done(code);
      }
      default:
        throw new Error(`unexpected type code ${JSON.stringify(ch)} at ${pos - 1}`);
    }
  };
  const value = read();
  if (pos !== bytes.length) throw new Error(`${bytes.length - pos} bytes after the object`);
  return { value, codes, slots: slots as Value[] };
}

/** A value as text: Python-like, floats as their exact shortest repr, strings JSON-quoted. */
export function show(value: Value, indent = ''): string {
  if (value === null) return 'None';
  if (value instanceof PyInt) return String(value.value);
  if (value instanceof PyFloat) return `${value.value}${Number.isInteger(value.value) ? '.0' : ''}`;
  if (value instanceof PyText) return JSON.stringify(value.text);
  if (value instanceof PyBytes) return `${value.interned ? 'i' : 'b'}${JSON.stringify(value.text)}`;
  if (value instanceof PyOther) return value.code;
  if (value instanceof PyCode)
    return `<code ${show(value.name)} ${show(value.filename)} ${value.firstLine}>`;
  if (value instanceof PyTuple) return `(${value.items.map((v) => show(v, indent)).join(', ')})`;
  const inner = `${indent}  `;
  if (value.entries.length === 0) return '{}';
  return `{\n${value.entries.map(([k, v]) => `${inner}${show(k, inner)}: ${show(v, inner)},`).join('\n')}\n${indent}}`;
}

/** Text of a decoded string value, whichever type it has. */
export function textOf(value: Value): string {
  if (value instanceof PyText) return value.text;
  if (value instanceof PyBytes) return value.text;
  throw new Error(`not a string: ${show(value)}`);
}
