// The `profile` module's code-object key keeps the code object itself as self-contained
// marshal bytes (decision 0009): every corpus `profile` dump has them, in the layout of
// the Python that wrote it, and the bytes read on their own — with no reference to
// anything outside them — give the same code object (file, line, name). That CPython
// loads them to an equal code object is checked with the real interpreters by the pstats
// writer's round-trip fixtures (tests/integration/fixtures/pstats-output).
import { readWith } from '@pyprof/core';
import { describe, expect, it } from 'vitest';
import { cprofile } from '../src/index.js';
import { MarshalCode, MarshalReader } from '../src/marshal.js';
import { pstatsFixtures, readFixture } from './corpus.js';

const LAYOUT_OF: Record<string, string> = {
  '2.7.18': '2.x',
  '3.6.15': '3.0-3.7',
  '3.8.18': '3.8-3.10',
  '3.10.13': '3.8-3.10',
  '3.11.7': '3.11+',
  '3.12.1': '3.11+',
  '3.13.0': '3.11+',
};

const dumps = pstatsFixtures().filter((entry) => entry.producer === 'profile');

describe('code-object keys keep their marshal bytes', () => {
  it('covers every profile-module dump of the corpus', () => {
    expect(dumps.length).toBe(14);
  });

  it.each(dumps.map((entry) => [entry.file, entry] as const))('%s', (_, entry) => {
    const set = readWith(cprofile, readFixture(entry.file));
    const codes = [...set.whole.functions.details.values()].flatMap((d) =>
      d.codeObject ? [d.codeObject] : [],
    );
    expect(codes).toHaveLength(1);
    const code = codes[0] as NonNullable<(typeof codes)[number]>;
    expect(code.marshal?.layout).toBe(LAYOUT_OF[entry.python]);
    const bytes = code.marshal?.bytes as Uint8Array;
    const reader = new MarshalReader(bytes);
    if (entry.python.startsWith('2.')) reader.dialect = 2;
    const again = reader.readObject();
    expect(reader.in.atEnd).toBe(true);
    expect(again).toBeInstanceOf(MarshalCode);
    const { file, line, name, qualifiedName } = again as MarshalCode;
    expect({ file, line, name, qualifiedName }).toEqual({
      file: code.file,
      line: code.line,
      name: code.name,
      qualifiedName: code.qualifiedName,
    });
  });
});
