// A file name that is not UTF-8 (the byte 0xE9 in `latin\xe9.py`) survives byte for byte
// from every input that can hold one into every output: raw in the byte-oriented formats
// (callgrind, text), and as the JSON escape of the same string in speedscope's JSON, which
// must stay valid UTF-8 (`"\udce9"` parses back to the string whose bytes are 0xE9).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeText, encodeText, type InputPlugin, readWith, writeToBytes } from '@pyprof/core';
import { cprofile } from '@pyprof/input-cprofile';
import { hotshot } from '@pyprof/input-hotshot';
import { callgrind } from '@pyprof/output-callgrind';
import { speedscope } from '@pyprof/output-speedscope';
import { text } from '@pyprof/output-text';
import { describe, expect, it } from 'vitest';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages');
const RAW = Buffer.from('nonutf8/latin\xe9.py', 'latin1');

const inputs: Array<[string, InputPlugin, string]> = [
  [
    'pstats 2.7',
    cprofile,
    'input-cprofile/test/fixtures/pstats/nonutf8/nonutf8.py27.cprofile.prof',
  ],
  [
    'pstats 3.12',
    cprofile,
    'input-cprofile/test/fixtures/pstats/nonutf8/nonutf8.py312.cprofile.prof',
  ],
  [
    'pstats 3.13',
    cprofile,
    'input-cprofile/test/fixtures/pstats/nonutf8/nonutf8.py313.cprofile.prof',
  ],
  ['hotshot 2.7', hotshot, 'input-hotshot/test/fixtures/hotshot/nonutf8/nonutf8.py27.hotshot'],
];

describe('non-UTF-8 file names in every output', () => {
  for (const [label, reader, file] of inputs) {
    const set = readWith(reader, new Uint8Array(readFileSync(join(packages, file))));
    it(`${label}: raw bytes in callgrind`, () => {
      expect(Buffer.from(writeToBytes(callgrind, set)).includes(RAW)).toBe(true);
    });
    it(`${label}: raw bytes in both text styles`, () => {
      expect(
        Buffer.from(writeToBytes(text, set, { options: { style: 'table' } })).includes(RAW),
      ).toBe(true);
      expect(
        Buffer.from(writeToBytes(text, set, { options: { style: 'pstats' } })).includes(RAW),
      ).toBe(true);
    });
    it(`${label}: the same string in speedscope's (valid UTF-8) JSON`, () => {
      const bytes = writeToBytes(speedscope, set);
      const json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      const files = (
        JSON.parse(json) as { shared: { frames: Array<{ file?: string }> } }
      ).shared.frames.map((f) => f.file ?? '');
      const escaped = files.find((f) => f.endsWith('.py') && f.includes('latin'));
      expect(escaped).toBeDefined();
      expect(Buffer.from(encodeText(escaped as string)).includes(RAW)).toBe(true);
      expect(decodeText(encodeText(escaped as string))).toBe(escaped);
    });
  }
});
