// Lossless text: undecodable bytes and encoded surrogates survive decode → encode.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeLatin1,
  decodeSurrogatePass,
  decodeText,
  displayText,
  encodeText,
  escapeUndecodable,
} from '../src/index.js';

describe('text', () => {
  it('keeps a Latin-1 byte as U+DCE9 and writes the byte back', () => {
    const bytes = Uint8Array.from([0x2f, 0x6c, 0x61, 0x74, 0x69, 0x6e, 0xe9, 0x2e, 0x70, 0x79]);
    const text = decodeText(bytes);
    expect(text).toBe('/latin\udce9.py');
    expect(encodeText(text)).toEqual(bytes);
    expect(displayText(text)).toBe('/latiné.py');
  });

  it('decodes Python 3 surrogatepass bytes (ED B3 A9) to the same string as the raw byte E9', () => {
    expect(decodeSurrogatePass(Uint8Array.from([0x61, 0xed, 0xb3, 0xa9]))).toBe('a\udce9');
    expect(decodeText(Uint8Array.from([0x61, 0xe9]))).toBe('a\udce9');
  });

  it('keeps encoded surrogates in raw bytes as bytes (ED A0 80 80 round-trips)', () => {
    // Regression: decoded as surrogatepass, ED A0 80 (U+D800) + 80 (U+DC80) fused into one
    // astral character and came back as F0 90 80 80.
    const bytes = Uint8Array.from([0xed, 0xa0, 0x80, 0x80]);
    expect(decodeText(bytes)).toBe('\udced\udca0\udc80\udc80');
    expect(encodeText(decodeText(bytes))).toEqual(bytes);
  });

  it('round-trips any bytes', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(encodeText(decodeText(bytes))).toEqual(bytes);
      }),
      { numRuns: 5000 },
    );
  });

  it('encodes ordinary text as UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(encodeText(text)).toEqual(new TextEncoder().encode(text));
        expect(decodeText(encodeText(text))).toBe(text);
      }),
    );
  });

  it('decodes Latin-1 as one code point per byte (not windows-1252)', () => {
    expect(decodeLatin1(Uint8Array.from([0x80, 0x9f, 0xe9]))).toBe('\u0080\u009f\u00e9');
  });

  it('decodes any range, short (through a reused array) or long, one after another', () => {
    const bytes = Uint8Array.from({ length: 20_000 }, (_, k) => (k * 7919) % 256);
    const expected = (start: number, end: number) =>
      Array.from(bytes.subarray(start, end), (b) => String.fromCharCode(b)).join('');
    for (const [start, end] of [
      [0, 0],
      [3, 4],
      [5, 69],
      [1, 65],
      [2, 66],
      [7, 20_000],
      [100, 100],
      [9, 8_300],
    ] as const) {
      expect(decodeLatin1(bytes, start, end)).toBe(expected(start, end));
    }
  });

  it('escapes undecodable bytes as \\xNN, and nothing else', () => {
    const latin = decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0xe8]));
    expect(escapeUndecodable(latin)).toBe('caf\\xe9 \\xe8');
    // U+10080 is D800 DC80: its second half is no escaped byte.
    expect(escapeUndecodable('a\u{10080}b')).toBe('a\u{10080}b');
    expect(escapeUndecodable('naïve ü')).toBe('naïve ü');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const escaped = escapeUndecodable(decodeText(bytes));
        // Valid Unicode: it encodes to UTF-8 and back unchanged.
        expect(new TextDecoder('utf-8', { fatal: true }).decode(encodeText(escaped))).toBe(escaped);
      }),
    );
  });
});
