/**
 * A cursor over bytes for binary readers (marshal, pickle, hotshot). Every read checks
 * the bytes left first and throws a `MALFORMED_INPUT` error naming the offset, so readers
 * compose these calls and never do offset arithmetic or bounds checks inline. A declared
 * length is checked against the bytes left *before* anything is allocated.
 */
import { malformed, type ProfileError } from './errors.js';

export class ByteReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly format: string;
  /** Current read position (absolute offset into `bytes`). */
  pos: number;

  constructor(bytes: Uint8Array, format: string, pos = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.format = format;
    this.pos = pos;
  }

  get length(): number {
    return this.bytes.length;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** An error at `offset` (default: the current position). */
  error(message: string, offset = this.pos): ProfileError {
    return malformed(this.format, { offset }, message);
  }

  /** Throws unless `n` more bytes are available; `what` names the thing being read. */
  need(n: number, what: string): void {
    if (n > this.bytes.length - this.pos) {
      throw this.error(
        `unexpected end of data in ${what}: needs ${n} byte${n === 1 ? '' : 's'}, ${this.remaining} left`,
      );
    }
  }

  u8(what = 'byte'): number {
    if (this.pos >= this.bytes.length) this.need(1, what);
    return this.bytes[this.pos++] as number;
  }

  peek(): number | undefined {
    return this.bytes[this.pos];
  }

  u16le(what = '16-bit integer'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i32le(what = '32-bit integer'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u32le(what = '32-bit integer'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64le(what = 'float'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  f64be(what = 'float'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /**
   * Checks a declared length (negative or larger than the bytes left is an error) and
   * returns the start offset of that many bytes, advancing past them. No copy is made.
   */
  span(length: number, what: string): number {
    if (length < 0) throw this.error(`negative length ${length} for ${what}`, this.pos);
    if (length > this.bytes.length - this.pos) {
      throw this.error(
        `${what} declares ${length} bytes but only ${this.remaining} are left`,
        this.pos,
      );
    }
    const start = this.pos;
    this.pos += length;
    return start;
  }

  /** A view (not a copy) of the next `length` bytes. */
  bytesView(length: number, what: string): Uint8Array {
    const start = this.span(length, what);
    return this.bytes.subarray(start, start + length);
  }

  /** Reads up to (not including) the next `terminator` byte and skips it. */
  until(terminator: number, what: string): Uint8Array {
    const end = this.bytes.indexOf(terminator, this.pos);
    if (end < 0) throw this.error(`unterminated ${what}`);
    const out = this.bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }
}
