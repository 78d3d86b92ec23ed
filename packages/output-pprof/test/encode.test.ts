// The streaming encoder against pprof-format, whose bytes it must write: each varint (zero,
// negative, beyond 32 bits, not an integer) and whole files, which pprof-format decodes and
// encodes again to the very same bytes.
import { writeToBytes } from '@pyprof/core';
import { canonicalProfiles } from '@pyprof/testkit';
import { Profile, Sample } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { Bytes, varintSize } from '../src/encode.js';
import { buildPprof, pprof } from '../src/index.js';

describe('varints', () => {
  const values = [
    0,
    -0,
    1,
    127,
    128,
    16_383,
    16_384,
    2 ** 21,
    2 ** 28 - 1,
    2 ** 28,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 35 + 7,
    2 ** 53 - 1,
    -1,
    -128,
    -(2 ** 31),
    -(2 ** 32) - 5,
    -(2 ** 53 - 1),
    1.5,
    2 ** 33 + 0.5,
    Number.NaN,
  ];
  it.each(values)('%s is written as pprof-format writes it', (value) => {
    const out = new Bytes(1);
    out.varint(value);
    const written = [...out.buffer.subarray(0, out.length)];
    // A sample with one value: the packed field's tag, its length, the varint.
    expect([0x12, written.length, ...written]).toEqual([
      ...new Sample({ value: [value] }).encode(),
    ]);
    expect(varintSize(value)).toBe(written.length);
  });
});

describe('whole files', () => {
  const sets = canonicalProfiles();
  it.each(Object.keys(sets))(
    '%s: pprof-format encodes the decoded file to the same bytes',
    (name) => {
      const set = sets[name] as (typeof sets)[string];
      const bytes = writeToBytes(pprof, set, {
        options: { compression: 'none' },
        context: { producer: 'pyprof@test' },
      });
      expect(bytes.length).toBeGreaterThan(0);
      expect(Profile.decode(bytes).encode()).toEqual(bytes);
      const built = buildPprof(
        set,
        { stacks: 'auto', 'max-frames': 4_000_000, 'max-depth': 256, compression: 'none' },
        { producer: 'pyprof@test', warn() {} },
      );
      expect(built.encode()).toEqual(bytes);
    },
  );
});
