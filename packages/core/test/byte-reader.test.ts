// ByteReader: every read is bounds-checked and errors carry the offset.
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../src/index.js';

describe('ByteReader', () => {
  it('reads little- and big-endian values', () => {
    const r = new ByteReader(Uint8Array.from([1, 0, 0, 0, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]), 'test');
    expect(r.i32le()).toBe(1);
    expect(r.f64be()).toBe(1);
    expect(r.atEnd).toBe(true);
  });

  it('refuses to read past the end, naming what and where', () => {
    const r = new ByteReader(Uint8Array.from([1, 2]), 'test');
    r.u8();
    expect(() => r.i32le('count')).toThrow(
      'unexpected end of data in count: needs 4 bytes, 1 left',
    );
    try {
      r.i32le('count');
    } catch (error) {
      expect((error as { place: unknown }).place).toEqual({ offset: 1 });
    }
  });

  it('checks declared lengths before allocating', () => {
    const r = new ByteReader(new Uint8Array(10), 'test');
    expect(() => r.span(2 ** 31 - 1, 'string')).toThrow(
      'string declares 2147483647 bytes but only 10 are left',
    );
    expect(() => r.span(-1, 'string')).toThrow('negative length -1 for string');
  });
});
